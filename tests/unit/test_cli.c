/* test_cli.c: the command-line convention: typed options in both spellings, positionals moved
 * to the front of argv, `--`, usage errors (exit status 2 and one line on stderr), --help, run
 * options landing in the config, and command dispatch. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Option targets, reset before every test. */
static const char *opt_name;
static long opt_count;
static double opt_ratio;
static int opt_verbose;

static const struct cw_option options[] = {
    {"name", CW_OPT_STRING, &opt_name, "NAME", "who to greet"},
    {"count", CW_OPT_INT, &opt_count, "N", "how many times"},
    {"ratio", CW_OPT_DOUBLE, &opt_ratio, "X", "a fraction"},
    {"verbose", CW_OPT_FLAG, &opt_verbose, NULL, "say more"},
    {NULL, 0, NULL, NULL, NULL},
};

static struct cw_config config;

static const struct cw_command_spec plain = {
    .program = "prog",
    .command = "greet",
    .args = "FILE...",
    .summary = "Greets someone.",
    .options = options,
    .config = NULL,
};

static const struct cw_command_spec with_config = {
    .program = "prog",
    .command = "fan",
    .args = NULL,
    .summary = "Fans out.",
    .options = options,
    .config = &config,
};

static void setup(void)
{
    opt_name = NULL;
    opt_count = -1;
    opt_ratio = -1;
    opt_verbose = 0;
    memset(&config, 0, sizeof config);
    /* No ~/.cwren.conf and no CWREN_* variables from the shell that runs the tests. */
    setenv("HOME", "/nonexistent/cwren-test-home", 1);
    unsetenv("CWREN_CONFIG_FILE");
    for (const struct cw_config_key *k = cw_config_keys; k->name; k++)
        unsetenv(k->env);
    cr_redirect_stdout();
    cr_redirect_stderr();
}

TestSuite(cli, .init = setup);

/* Everything written so far to a redirected stream (stdout or stderr), as a string. The
 * data is already in the pipe after fflush, so a non-blocking read drains it. */
static const char *captured(FILE *stream, FILE *redirected)
{
    static char text[2][16384];
    static int which;
    char *buf = text[which++ % 2];
    fflush(stream);
    int fd = fileno(redirected);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, sizeof text[0] - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    return buf;
}

#define OUT() captured(stdout, cr_get_redirected_stdout())
#define ERR() captured(stderr, cr_get_redirected_stderr())

static int starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* argv as main() gets it: a writable array of the given strings, NULL-terminated. */
#define ARGV(...) ((char *[]){__VA_ARGS__, NULL})

static int parse(const struct cw_command_spec *spec, int argc, char **argv, int *n_args)
{
    *n_args = -1;
    return cw_cli_parse(spec, argc, argv, n_args);
}

/* ---- typed options ---- */

Test(cli, options_in_the_name_value_spelling)
{
    char **argv = ARGV("greet", "--name=Ada", "--count=3", "--ratio=0.25", "--verbose");
    int n;
    cr_assert_eq(parse(&plain, 5, argv, &n), 0, "stderr: %s", ERR());
    cr_assert_eq(n, 0);
    cr_assert_str_eq(opt_name, "Ada");
    cr_assert_eq(opt_count, 3);
    cr_assert_float_eq(opt_ratio, 0.25, 1e-12);
    cr_assert_eq(opt_verbose, 1);
    cr_assert_str_eq(ERR(), "");
    cr_assert_str_eq(OUT(), "");
}

Test(cli, options_in_the_name_space_value_spelling)
{
    char **argv = ARGV("greet", "--name", "Grace", "--count", "-7", "--ratio", "1e2");
    int n;
    cr_assert_eq(parse(&plain, 7, argv, &n), 0, "stderr: %s", ERR());
    cr_assert_eq(n, 0);
    cr_assert_str_eq(opt_name, "Grace");
    cr_assert_eq(opt_count, -7);
    cr_assert_float_eq(opt_ratio, 100.0, 1e-12);
    cr_assert_eq(opt_verbose, 0, "a flag not given stays 0");
}

Test(cli, string_value_may_contain_equals_and_be_empty)
{
    char **argv = ARGV("greet", "--name=a=b");
    int n;
    cr_assert_eq(parse(&plain, 2, argv, &n), 0, "stderr: %s", ERR());
    cr_assert_str_eq(opt_name, "a=b");
    char **argv2 = ARGV("greet", "--name=");
    cr_assert_eq(parse(&plain, 2, argv2, &n), 0, "stderr: %s", ERR());
    cr_assert_str_eq(opt_name, "");
}

Test(cli, later_option_wins)
{
    char **argv = ARGV("greet", "--count", "1", "--count=2");
    int n;
    cr_assert_eq(parse(&plain, 4, argv, &n), 0, "stderr: %s", ERR());
    cr_assert_eq(opt_count, 2);
}

/* ---- positionals ---- */

Test(cli, positionals_move_to_the_front_in_order)
{
    char **argv =
        ARGV("greet", "a.txt", "--count", "3", "b.txt", "--verbose", "-", "--name=x", "c.txt");
    int n;
    cr_assert_eq(parse(&plain, 9, argv, &n), 0, "stderr: %s", ERR());
    cr_assert_eq(n, 4);
    cr_assert_str_eq(argv[0], "a.txt");
    cr_assert_str_eq(argv[1], "b.txt");
    cr_assert_str_eq(argv[2], "-", "a lone dash is an argument (stdin), not an option");
    cr_assert_str_eq(argv[3], "c.txt");
    cr_assert_eq(opt_count, 3);
    cr_assert_eq(opt_verbose, 1);
    cr_assert_str_eq(opt_name, "x");
}

Test(cli, no_arguments_at_all)
{
    char **argv = ARGV("greet");
    int n;
    cr_assert_eq(parse(&plain, 1, argv, &n), 0);
    cr_assert_eq(n, 0);
    cr_assert_str_eq(ERR(), "");
}

Test(cli, double_dash_ends_options)
{
    char **argv = ARGV("greet", "--verbose", "one", "--", "--count", "-x", "--help", "--");
    int n;
    cr_assert_eq(parse(&plain, 8, argv, &n), 0, "stderr: %s", ERR());
    cr_assert_eq(n, 5);
    cr_assert_str_eq(argv[0], "one");
    cr_assert_str_eq(argv[1], "--count");
    cr_assert_str_eq(argv[2], "-x");
    cr_assert_str_eq(argv[3], "--help");
    cr_assert_str_eq(argv[4], "--");
    cr_assert_eq(opt_verbose, 1);
    cr_assert_eq(opt_count, -1, "--count after -- is not an option");
    cr_assert_str_eq(OUT(), "", "--help after -- prints nothing");
}

/* ---- usage errors ---- */

Test(cli, unknown_long_option)
{
    char **argv = ARGV("greet", "--colour=red");
    int n;
    cr_assert_eq(parse(&plain, 2, argv, &n), CW_EXIT_USAGE);
    cr_assert_str_eq(ERR(), "prog greet: unknown option '--colour' (see prog greet --help)\n");
}

Test(cli, unknown_short_option)
{
    char **argv = ARGV("greet", "-v");
    int n;
    cr_assert_eq(parse(&plain, 2, argv, &n), CW_EXIT_USAGE);
    cr_assert_str_eq(ERR(), "prog greet: unknown option '-v' (see prog greet --help)\n");
}

Test(cli, option_prefix_is_not_accepted)
{
    char **argv = ARGV("greet", "--verb");
    int n;
    cr_assert_eq(parse(&plain, 2, argv, &n), CW_EXIT_USAGE);
    cr_assert_str_eq(ERR(), "prog greet: unknown option '--verb' (see prog greet --help)\n");
    cr_assert_eq(opt_verbose, 0);
}

Test(cli, missing_value_at_the_end)
{
    char **argv = ARGV("greet", "--name");
    int n;
    cr_assert_eq(parse(&plain, 2, argv, &n), CW_EXIT_USAGE);
    cr_assert_str_eq(ERR(), "prog greet: --name needs a value (see prog greet --help)\n");
    cr_assert_null(opt_name);
}

Test(cli, non_numeric_int)
{
    char **argv = ARGV("greet", "--count", "three");
    int n;
    cr_assert_eq(parse(&plain, 3, argv, &n), CW_EXIT_USAGE);
    cr_assert_str_eq(
        ERR(), "prog greet: --count needs a whole number, got 'three' (see prog greet --help)\n");
    cr_assert_eq(opt_count, -1);
}

Test(cli, int_with_trailing_text_fraction_or_overflow)
{
    int n;
    char **a = ARGV("greet", "--count=3x");
    cr_assert_eq(parse(&plain, 2, a, &n), CW_EXIT_USAGE);
    char **b = ARGV("greet", "--count=2.5");
    cr_assert_eq(parse(&plain, 2, b, &n), CW_EXIT_USAGE);
    char **c = ARGV("greet", "--count=99999999999999999999999");
    cr_assert_eq(parse(&plain, 2, c, &n), CW_EXIT_USAGE);
    char **d = ARGV("greet", "--count=");
    cr_assert_eq(parse(&plain, 2, d, &n), CW_EXIT_USAGE);
    cr_assert_eq(opt_count, -1);
    cr_assert_str_eq(ERR(),
                     "prog greet: --count needs a whole number, got '3x' (see prog greet --help)\n"
                     "prog greet: --count needs a whole number, got '2.5' (see prog greet --help)\n"
                     "prog greet: --count needs a whole number, got '99999999999999999999999' "
                     "(see prog greet --help)\n"
                     "prog greet: --count needs a whole number, got '' (see prog greet --help)\n");
}

Test(cli, bad_double)
{
    int n;
    char **a = ARGV("greet", "--ratio", "half");
    cr_assert_eq(parse(&plain, 3, a, &n), CW_EXIT_USAGE);
    char **b = ARGV("greet", "--ratio=inf");
    cr_assert_eq(parse(&plain, 2, b, &n), CW_EXIT_USAGE);
    char **c = ARGV("greet", "--ratio=nan");
    cr_assert_eq(parse(&plain, 2, c, &n), CW_EXIT_USAGE);
    cr_assert_float_eq(opt_ratio, -1.0, 1e-12);
    cr_assert_str_eq(ERR(),
                     "prog greet: --ratio needs a number, got 'half' (see prog greet --help)\n"
                     "prog greet: --ratio needs a number, got 'inf' (see prog greet --help)\n"
                     "prog greet: --ratio needs a number, got 'nan' (see prog greet --help)\n");
}

Test(cli, flag_given_a_value)
{
    char **argv = ARGV("greet", "--verbose=yes");
    int n;
    cr_assert_eq(parse(&plain, 2, argv, &n), CW_EXIT_USAGE);
    cr_assert_str_eq(ERR(), "prog greet: --verbose takes no value (see prog greet --help)\n");
    cr_assert_eq(opt_verbose, 0);
}

Test(cli, usage_error_helper_prints_one_line)
{
    cr_assert_eq(cw_cli_usage_error(&plain, "unexpected argument '%s'", "x"), CW_EXIT_USAGE);
    cr_assert_str_eq(ERR(), "prog greet: unexpected argument 'x' (see prog greet --help)\n");
}

/* ---- --help ---- */

Test(cli, help_prints_usage_and_options_to_stdout)
{
    char **argv = ARGV("greet", "--count", "3", "--help", "--bogus");
    int n;
    cr_assert_eq(parse(&plain, 5, argv, &n), 1);
    cr_assert_str_eq(OUT(), "usage: prog greet [options] FILE...\n"
                            "\n"
                            "Greets someone.\n"
                            "\n"
                            "options:\n"
                            "  --name NAME              who to greet\n"
                            "  --count N                how many times\n"
                            "  --ratio X                a fraction\n"
                            "  --verbose                say more\n"
                            "  -h, --help               show this help\n");
    cr_assert_str_eq(ERR(), "");
}

Test(cli, short_h_is_help)
{
    char **argv = ARGV("greet", "-h");
    int n;
    cr_assert_eq(parse(&plain, 2, argv, &n), 1);
    const char *out = OUT();
    cr_assert(starts_with(out, "usage: prog greet [options] FILE...\n"), "%s", out);
}

Test(cli, help_with_a_config_lists_the_run_options)
{
    char **argv = ARGV("fan", "--help");
    int n;
    cr_assert_eq(parse(&with_config, 2, argv, &n), 1);
    const char *out = OUT();
    cr_assert(starts_with(out, "usage: prog fan [options]\n\nFans out.\n\noptions:\n"), "%s", out);
    cr_assert(strstr(out, "\nrun options (also CWREN_* environment variables, and ~/.cwren.conf "
                          "or CWREN_CONFIG_FILE):\n"),
              "%s", out);
    cr_assert(strstr(out, "  --workers VALUE          local worker processes, or Lambda "
                          "invocations in flight [CWREN_WORKERS]\n"),
              "%s", out);
    for (const struct cw_config_key *k = cw_config_keys; k->name; k++) {
        char line[64];
        snprintf(line, sizeof line, "  --%s VALUE ", k->name);
        cr_assert(strstr(out, line), "no %s in the help: %s", line, out);
    }
}

/* ---- run options ---- */

Test(cli, run_options_land_in_the_config)
{
    char **argv = ARGV("fan", "in.txt", "--workers", "3", "--timeout=2.5", "--backend", "lambda",
                       "--retry-sleeps=1,4", "--store", "file:///tmp/s", "--count", "9");
    int n;
    cr_assert_eq(parse(&with_config, 12, argv, &n), 0, "stderr: %s", ERR());
    cr_assert_eq(n, 1);
    cr_assert_str_eq(argv[0], "in.txt");
    cr_assert_eq(config.workers, 3);
    cr_assert_float_eq(config.timeout_s, 2.5, 1e-12);
    cr_assert_str_eq(config.backend, "lambda");
    cr_assert_eq(config.n_retry_sleeps, 2);
    cr_assert_float_eq(config.retry_sleeps[1], 4.0, 1e-12);
    cr_assert_str_eq(config.store_url, "file:///tmp/s");
    cr_assert_eq(config.retries, 2, "run options not given keep their defaults");
    cr_assert_eq(opt_count, 9);
}

Test(cli, bad_run_option_is_a_usage_error)
{
    char **argv = ARGV("fan", "--workers", "zero");
    int n;
    cr_assert_eq(parse(&with_config, 3, argv, &n), CW_EXIT_USAGE);
    cr_assert_str_eq(ERR(),
                     "prog fan: --workers: invalid value 'zero' for workers (expected a whole "
                     "number from 1 to 10000) (see prog fan --help)\n");
}

Test(cli, run_option_missing_value)
{
    char **argv = ARGV("fan", "--timeout");
    int n;
    cr_assert_eq(parse(&with_config, 2, argv, &n), CW_EXIT_USAGE);
    cr_assert_str_eq(ERR(), "prog fan: --timeout needs a value (see prog fan --help)\n");
}

Test(cli, run_options_are_unknown_without_a_config)
{
    char **argv = ARGV("greet", "--workers", "3");
    int n;
    cr_assert_eq(parse(&plain, 3, argv, &n), CW_EXIT_USAGE);
    cr_assert_str_eq(ERR(), "prog greet: unknown option '--workers' (see prog greet --help)\n");
}

Test(cli, environment_is_loaded_and_flags_override_it)
{
    setenv("CWREN_WORKERS", "7", 1);
    setenv("CWREN_CHUNKSIZE", "5", 1);
    char **argv = ARGV("fan", "--workers=3");
    int n;
    cr_assert_eq(parse(&with_config, 2, argv, &n), 0, "stderr: %s", ERR());
    cr_assert_eq(config.workers, 3);
    cr_assert_eq(config.chunksize, 5);
}

Test(cli, bad_environment_is_a_usage_error_naming_the_variable)
{
    setenv("CWREN_RETRIES", "lots", 1);
    char **argv = ARGV("fan");
    int n;
    cr_assert_eq(parse(&with_config, 1, argv, &n), CW_EXIT_USAGE);
    cr_assert_str_eq(ERR(), "prog fan: CWREN_RETRIES: invalid value 'lots' for retries (expected a "
                            "whole number from 0 to 100) (see prog fan --help)\n");
}

/* ---- dispatch ---- */

static int calls;
static int seen_argc;
static char seen_argv[4][32];

static int run_hello(int argc, char **argv)
{
    calls++;
    seen_argc = argc;
    for (int i = 0; i < argc && i < 4; i++)
        snprintf(seen_argv[i], sizeof seen_argv[i], "%s", argv[i]);
    return 42;
}

static int run_other(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cr_assert_fail("the wrong command ran");
    return 0;
}

static const struct cw_command commands[] = {
    {"hello", run_hello, "says hello"},
    {"other", run_other, "does something else"},
    {NULL, NULL, NULL},
};

static const char commands_usage[] = "usage: prog COMMAND [options]\n"
                                     "\n"
                                     "Demo program.\n"
                                     "\n"
                                     "commands:\n"
                                     "  hello        says hello\n"
                                     "  other        does something else\n"
                                     "\n"
                                     "'prog COMMAND --help' describes a command and its options.\n";

Test(cli, dispatch_runs_the_named_command)
{
    char **argv = ARGV("prog", "hello", "--x", "y");
    cr_assert_eq(cw_cli_dispatch("prog", "Demo program.", commands, 4, argv), 42);
    cr_assert_eq(calls, 1);
    cr_assert_eq(seen_argc, 3);
    cr_assert_str_eq(seen_argv[0], "hello");
    cr_assert_str_eq(seen_argv[1], "--x");
    cr_assert_str_eq(seen_argv[2], "y");
    cr_assert_str_eq(OUT(), "");
    cr_assert_str_eq(ERR(), "");
}

Test(cli, dispatch_unknown_command)
{
    char **argv = ARGV("prog", "helo");
    cr_assert_eq(cw_cli_dispatch("prog", "Demo program.", commands, 2, argv), CW_EXIT_USAGE);
    cr_assert_eq(calls, 0);
    cr_assert_str_eq(ERR(), "prog: unknown command 'helo' (see prog --help)\n");
    cr_assert_str_eq(OUT(), "");
}

Test(cli, dispatch_without_a_command_prints_usage_to_stderr)
{
    char **argv = ARGV("prog");
    cr_assert_eq(cw_cli_dispatch("prog", "Demo program.", commands, 1, argv), CW_EXIT_USAGE);
    cr_assert_eq(calls, 0);
    cr_assert_str_eq(ERR(), commands_usage);
    cr_assert_str_eq(OUT(), "");
}

Test(cli, dispatch_help_prints_usage_to_stdout)
{
    char **argv = ARGV("prog", "--help");
    cr_assert_eq(cw_cli_dispatch("prog", "Demo program.", commands, 2, argv), 0);
    char **argv2 = ARGV("prog", "help");
    cr_assert_eq(cw_cli_dispatch("prog", "Demo program.", commands, 2, argv2), 0);
    char **argv3 = ARGV("prog", "-h");
    cr_assert_eq(cw_cli_dispatch("prog", "Demo program.", commands, 2, argv3), 0);
    cr_assert_eq(calls, 0);
    char want[sizeof commands_usage * 3];
    snprintf(want, sizeof want, "%s%s%s", commands_usage, commands_usage, commands_usage);
    cr_assert_str_eq(OUT(), want);
    cr_assert_str_eq(ERR(), "");
}
