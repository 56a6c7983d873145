/* test_config.c: run settings: built-in defaults, one key at a time from text (good values
 * stored, bad ones refused with a message naming origin, value and what was expected), the
 * config file format, file < environment precedence, and the retry sleep schedule. */
#include <criterion/criterion.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static char home[64]; /* the test's temporary HOME */
static struct cw_config cfg;
static struct cw_error err;

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    remove(path);
    return 0;
}

/* A clean environment: a fresh HOME with no ~/.cwren.conf and no CWREN_* variables, so
 * what the tests see does not depend on the shell they were started from. */
static void setup(void)
{
    snprintf(home, sizeof home, "%s", "/tmp/cwren-test-config-XXXXXX");
    cr_assert(mkdtemp(home), "mkdtemp: %s", strerror(errno));
    setenv("HOME", home, 1);
    unsetenv("CWREN_CONFIG_FILE");
    for (const struct cw_config_key *k = cw_config_keys; k->name; k++)
        unsetenv(k->env);
    memset(&cfg, 0, sizeof cfg);
    cw_error_clear(&err);
}

static void teardown(void)
{
    if (home[0])
        nftw(home, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    home[0] = '\0';
}

TestSuite(config, .init = setup, .fini = teardown);

/* Writes text to HOME/name and returns the path (static buffer). */
static const char *write_file(const char *name, const char *text)
{
    static char path[160];
    snprintf(path, sizeof path, "%s/%s", home, name);
    FILE *f = fopen(path, "w");
    cr_assert(f, "create %s: %s", path, strerror(errno));
    cr_assert_eq(fputs(text, f) >= 0, 1);
    cr_assert_eq(fclose(f), 0);
    return path;
}

/* Defaults as cw_config_load leaves them with nothing configured. */
static void load_defaults(void)
{
    int rc = cw_config_load(&cfg, &err);
    cr_assert_eq(rc, 0, "load: %s", err.message);
}

static void assert_set_ok(const char *key, const char *value)
{
    int rc = cw_config_set(&cfg, key, value, "--test", &err);
    cr_assert_eq(rc, 0, "set %s=%s: %s", key, value, err.message);
}

/* A refused value: CW_EINVAL, the exact message, and the config left as it was. */
static void assert_set_bad(const char *key, const char *value, const char *expected)
{
    struct cw_config before = cfg;
    cw_error_clear(&err);
    int rc = cw_config_set(&cfg, key, value, "--test", &err);
    cr_assert_eq(rc, CW_EINVAL, "set %s='%s' returned %d", key, value, rc);
    cr_assert_eq(err.code, CW_EINVAL);
    char want[sizeof err.message]; /* long values are cut where the message is */
    snprintf(want, sizeof want, "--test: invalid value '%s' for %s (expected %s)", value, key,
             expected);
    cr_assert_str_eq(err.message, want);
    cr_assert_eq(memcmp(&before, &cfg, sizeof cfg), 0, "a refused %s='%s' changed the config", key,
                 value);
}

/* ---- defaults ---- */

Test(config, defaults_with_nothing_configured)
{
    load_defaults();
    cr_assert_str_eq(cfg.backend, "local");
    cr_assert_eq(cfg.workers, (int)sysconf(_SC_NPROCESSORS_ONLN));
    cr_assert_gt(cfg.workers, 0);
    cr_assert_float_eq(cfg.timeout_s, 300.0, 1e-12);
    cr_assert_eq(cfg.retries, 2);
    cr_assert_eq(cfg.n_retry_sleeps, 3);
    cr_assert_float_eq(cfg.retry_sleeps[0], 0.5, 1e-12);
    cr_assert_float_eq(cfg.retry_sleeps[1], 1.0, 1e-12);
    cr_assert_float_eq(cfg.retry_sleeps[2], 2.0, 1e-12);
    cr_assert_eq(cfg.chunksize, 1);
    char want[256];
    snprintf(want, sizeof want, "file://%s/.cache/cwren/store", home);
    cr_assert_str_eq(cfg.store_url, want);
    cr_assert_str_eq(cfg.function, "cwren");
}

Test(config, default_store_is_relative_when_home_is_unset)
{
    unsetenv("HOME");
    load_defaults();
    cr_assert_str_eq(cfg.store_url, "file://cwren-store");
}

Test(config, load_overwrites_whatever_was_in_the_struct)
{
    memset(&cfg, 0x5a, sizeof cfg);
    load_defaults();
    cr_assert_str_eq(cfg.backend, "local");
    cr_assert_eq(cfg.retries, 2);
    cr_assert_eq(cfg.n_retry_sleeps, 3);
}

/* ---- cw_config_set, key by key ---- */

Test(config, set_backend)
{
    load_defaults();
    assert_set_ok("backend", "lambda");
    cr_assert_str_eq(cfg.backend, "lambda");
    assert_set_ok("backend", "local");
    cr_assert_str_eq(cfg.backend, "local");
    assert_set_bad("backend", "aws", "local or lambda");
    assert_set_bad("backend", "Lambda", "local or lambda");
    assert_set_bad("backend", "", "local or lambda");
}

Test(config, set_workers)
{
    load_defaults();
    assert_set_ok("workers", "8");
    cr_assert_eq(cfg.workers, 8);
    assert_set_ok("workers", "1");
    cr_assert_eq(cfg.workers, 1);
    assert_set_ok("workers", "10000");
    cr_assert_eq(cfg.workers, 10000);
    assert_set_ok("workers", " 12 ");
    cr_assert_eq(cfg.workers, 12);
    const char *expected = "a whole number from 1 to 10000";
    assert_set_bad("workers", "0", expected);
    assert_set_bad("workers", "-3", expected);
    assert_set_bad("workers", "10001", expected);
    assert_set_bad("workers", "2.5", expected);
    assert_set_bad("workers", "four", expected);
    assert_set_bad("workers", "4x", expected);
    assert_set_bad("workers", "", expected);
    assert_set_bad("workers", "nan", expected);
}

Test(config, set_timeout)
{
    load_defaults();
    assert_set_ok("timeout", "2.5");
    cr_assert_float_eq(cfg.timeout_s, 2.5, 1e-12);
    assert_set_ok("timeout", "1e3");
    cr_assert_float_eq(cfg.timeout_s, 1000.0, 1e-12);
    assert_set_ok("timeout", "86400");
    cr_assert_float_eq(cfg.timeout_s, 86400.0, 1e-12);
    const char *expected = "seconds, more than 0";
    assert_set_bad("timeout", "0", expected);
    assert_set_bad("timeout", "-1", expected);
    assert_set_bad("timeout", "86401", expected);
    assert_set_bad("timeout", "inf", expected);
    assert_set_bad("timeout", "nan", expected);
    assert_set_bad("timeout", "5s", expected);
    assert_set_bad("timeout", "", expected);
}

Test(config, set_retries)
{
    load_defaults();
    assert_set_ok("retries", "0");
    cr_assert_eq(cfg.retries, 0);
    assert_set_ok("retries", "100");
    cr_assert_eq(cfg.retries, 100);
    const char *expected = "a whole number from 0 to 100";
    assert_set_bad("retries", "-1", expected);
    assert_set_bad("retries", "101", expected);
    assert_set_bad("retries", "1.5", expected);
    assert_set_bad("retries", "many", expected);
}

Test(config, set_retry_sleeps)
{
    load_defaults();
    assert_set_ok("retry-sleeps", "0.1,0.2");
    cr_assert_eq(cfg.n_retry_sleeps, 2);
    cr_assert_float_eq(cfg.retry_sleeps[0], 0.1, 1e-12);
    cr_assert_float_eq(cfg.retry_sleeps[1], 0.2, 1e-12);
    assert_set_ok("retry-sleeps", " 3 , 0 , 7.5 ");
    cr_assert_eq(cfg.n_retry_sleeps, 3);
    cr_assert_float_eq(cfg.retry_sleeps[0], 3.0, 1e-12);
    cr_assert_float_eq(cfg.retry_sleeps[1], 0.0, 1e-12);
    cr_assert_float_eq(cfg.retry_sleeps[2], 7.5, 1e-12);
    assert_set_ok("retry-sleeps", "4");
    cr_assert_eq(cfg.n_retry_sleeps, 1);
    cr_assert_float_eq(cfg.retry_sleeps[0], 4.0, 1e-12);
    /* exactly CW_MAX_RETRY_SLEEPS values fit */
    assert_set_ok("retry-sleeps", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16");
    cr_assert_eq(cfg.n_retry_sleeps, 16);
    cr_assert_float_eq(cfg.retry_sleeps[15], 16.0, 1e-12);

    const char *expected = "comma-separated seconds, e.g. 0.5,1,2";
    assert_set_bad("retry-sleeps", "1,x", expected);
    assert_set_bad("retry-sleeps", "1,-2", expected);
    assert_set_bad("retry-sleeps", "3601", expected);
    assert_set_bad("retry-sleeps", "", expected);
    assert_set_bad("retry-sleeps", ",", expected);
    assert_set_bad("retry-sleeps", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", expected);
}

Test(config, set_chunksize)
{
    load_defaults();
    assert_set_ok("chunksize", "100");
    cr_assert_eq(cfg.chunksize, 100);
    assert_set_ok("chunksize", "1000000");
    cr_assert_eq(cfg.chunksize, 1000000);
    const char *expected = "a whole number of at least 1";
    assert_set_bad("chunksize", "0", expected);
    assert_set_bad("chunksize", "1000001", expected);
    assert_set_bad("chunksize", "0.5", expected);
}

Test(config, set_store)
{
    load_defaults();
    assert_set_ok("store", "file:///tmp/elsewhere");
    cr_assert_str_eq(cfg.store_url, "file:///tmp/elsewhere");
    assert_set_ok("store", "s3://bucket/prefix");
    cr_assert_str_eq(cfg.store_url, "s3://bucket/prefix");

    const char *expected = "a store URL such as file:///tmp/store";
    assert_set_bad("store", "", expected);
    char url[sizeof cfg.store_url + 1];
    memset(url, 'a', sizeof url - 1);
    url[sizeof url - 1] = '\0'; /* as long as the field: no room for the NUL */
    assert_set_bad("store", url, expected);
    url[sizeof url - 2] = '\0'; /* one shorter fits exactly */
    assert_set_ok("store", url);
    cr_assert_str_eq(cfg.store_url, url);
}

Test(config, set_function)
{
    load_defaults();
    assert_set_ok("function", "my-function");
    cr_assert_str_eq(cfg.function, "my-function");
    const char *expected = "a Lambda function name";
    assert_set_bad("function", "", expected);
    char too_long[sizeof cfg.function + 1];
    memset(too_long, 'f', sizeof too_long - 1);
    too_long[sizeof too_long - 1] = '\0';
    assert_set_bad("function", too_long, expected);
}

Test(config, set_unknown_key_names_origin_and_key)
{
    load_defaults();
    struct cw_config before = cfg;
    int rc = cw_config_set(&cfg, "colour", "blue", "--colour", &err);
    cr_assert_eq(rc, CW_EINVAL);
    cr_assert_str_eq(err.message, "--colour: unknown setting 'colour'");
    cr_assert_eq(memcmp(&before, &cfg, sizeof cfg), 0);
}

Test(config, set_accepts_a_null_error)
{
    load_defaults();
    cr_assert_eq(cw_config_set(&cfg, "workers", "zero", "--workers", NULL), CW_EINVAL);
    cr_assert_eq(cw_config_set(&cfg, "workers", "3", "--workers", NULL), 0);
    cr_assert_eq(cfg.workers, 3);
}

/* ---- config file ---- */

Test(config, read_file_with_comments_blank_lines_and_spaces)
{
    load_defaults();
    const char *path = write_file("a.conf", "# run settings\n"
                                            "\n"
                                            "   \n"
                                            "workers=3\n"
                                            "  timeout   =   12.5   \n"
                                            "\tretries\t=\t5\t# five more tries\n"
                                            "backend = lambda# no space before the comment\n"
                                            "store = file:///tmp/a=b\n"
                                            "retry-sleeps = 1, 2\r\n"
                                            "    # indented comment = not a setting\n"
                                            "function = fn"); /* no newline at the end */
    int rc = cw_config_read_file(&cfg, path, &err);
    cr_assert_eq(rc, 0, "read: %s", err.message);
    cr_assert_eq(cfg.workers, 3);
    cr_assert_float_eq(cfg.timeout_s, 12.5, 1e-12);
    cr_assert_eq(cfg.retries, 5);
    cr_assert_str_eq(cfg.backend, "lambda");
    cr_assert_str_eq(cfg.store_url, "file:///tmp/a=b");
    cr_assert_eq(cfg.n_retry_sleeps, 2);
    cr_assert_float_eq(cfg.retry_sleeps[1], 2.0, 1e-12);
    cr_assert_str_eq(cfg.function, "fn");
    cr_assert_eq(cfg.chunksize, 1, "a key not in the file keeps its value");
}

Test(config, read_empty_file_changes_nothing)
{
    load_defaults();
    struct cw_config before = cfg;
    const char *path = write_file("empty.conf", "");
    cr_assert_eq(cw_config_read_file(&cfg, path, &err), 0, "read: %s", err.message);
    cr_assert_eq(memcmp(&before, &cfg, sizeof cfg), 0);
}

Test(config, read_file_line_without_equals_names_file_and_line)
{
    load_defaults();
    const char *path = write_file("noeq.conf", "# header\nworkers = 2\n  workers 4  \n");
    int rc = cw_config_read_file(&cfg, path, &err);
    cr_assert_eq(rc, CW_EINVAL);
    char want[400];
    snprintf(want, sizeof want, "config file %s line 3: expected 'key = value', got 'workers 4'",
             path);
    cr_assert_str_eq(err.message, want);
}

Test(config, read_file_unknown_key_names_file_and_line)
{
    load_defaults();
    const char *path = write_file("unknown.conf", "\n\nworkers = 2\n\ncolour = blue\n");
    int rc = cw_config_read_file(&cfg, path, &err);
    cr_assert_eq(rc, CW_EINVAL);
    char want[400];
    snprintf(want, sizeof want, "config file %s line 5: unknown setting 'colour'", path);
    cr_assert_str_eq(err.message, want);
}

Test(config, read_file_bad_value_names_file_line_value_and_expectation)
{
    load_defaults();
    const char *path = write_file("bad.conf", "timeout = 10\nworkers = lots # many\n");
    int rc = cw_config_read_file(&cfg, path, &err);
    cr_assert_eq(rc, CW_EINVAL);
    char want[400];
    snprintf(want, sizeof want,
             "config file %s line 2: invalid value 'lots' for workers "
             "(expected a whole number from 1 to 10000)",
             path);
    cr_assert_str_eq(err.message, want);
}

Test(config, read_missing_file_names_the_path)
{
    load_defaults();
    char path[160];
    snprintf(path, sizeof path, "%s/no-such.conf", home);
    int rc = cw_config_read_file(&cfg, path, &err);
    cr_assert_eq(rc, CW_EIO);
    char want[300];
    snprintf(want, sizeof want, "config file %s: No such file or directory", path);
    cr_assert_str_eq(err.message, want);
}

/* ---- cw_config_load: file < environment ---- */

Test(config, load_reads_the_file_named_by_cwren_config_file)
{
    const char *path = write_file("run.conf", "workers = 3\ntimeout = 10\nchunksize = 7\n");
    setenv("CWREN_CONFIG_FILE", path, 1);
    load_defaults();
    cr_assert_eq(cfg.workers, 3);
    cr_assert_float_eq(cfg.timeout_s, 10.0, 1e-12);
    cr_assert_eq(cfg.chunksize, 7);
    cr_assert_eq(cfg.retries, 2, "keys not in the file keep their defaults");
}

Test(config, load_reads_home_cwren_conf_without_cwren_config_file)
{
    write_file(".cwren.conf", "retries = 9\n");
    load_defaults();
    cr_assert_eq(cfg.retries, 9);
}

Test(config, cwren_config_file_replaces_home_cwren_conf)
{
    write_file(".cwren.conf", "retries = 9\nchunksize = 4\n");
    const char *path = write_file("other.conf", "retries = 1\n");
    setenv("CWREN_CONFIG_FILE", path, 1);
    load_defaults();
    cr_assert_eq(cfg.retries, 1);
    cr_assert_eq(cfg.chunksize, 1, "~/.cwren.conf must not be read as well");
}

Test(config, environment_overrides_the_file)
{
    const char *path = write_file("run.conf", "workers = 3\ntimeout = 10\nbackend = lambda\n");
    setenv("CWREN_CONFIG_FILE", path, 1);
    setenv("CWREN_WORKERS", "5", 1);
    setenv("CWREN_BACKEND", "local", 1);
    load_defaults();
    cr_assert_eq(cfg.workers, 5);
    cr_assert_str_eq(cfg.backend, "local");
    cr_assert_float_eq(cfg.timeout_s, 10.0, 1e-12,
                       "the file's value stays when no variable is set");
}

Test(config, every_environment_variable_is_read)
{
    setenv("CWREN_BACKEND", "lambda", 1);
    setenv("CWREN_WORKERS", "6", 1);
    setenv("CWREN_TIMEOUT", "1.5", 1);
    setenv("CWREN_RETRIES", "0", 1);
    setenv("CWREN_RETRY_SLEEPS", "0.25,4", 1);
    setenv("CWREN_CHUNKSIZE", "32", 1);
    setenv("CWREN_STORE", "s3://b/p", 1);
    setenv("CWREN_FUNCTION", "fan", 1);
    load_defaults();
    cr_assert_str_eq(cfg.backend, "lambda");
    cr_assert_eq(cfg.workers, 6);
    cr_assert_float_eq(cfg.timeout_s, 1.5, 1e-12);
    cr_assert_eq(cfg.retries, 0);
    cr_assert_eq(cfg.n_retry_sleeps, 2);
    cr_assert_float_eq(cfg.retry_sleeps[0], 0.25, 1e-12);
    cr_assert_float_eq(cfg.retry_sleeps[1], 4.0, 1e-12);
    cr_assert_eq(cfg.chunksize, 32);
    cr_assert_str_eq(cfg.store_url, "s3://b/p");
    cr_assert_str_eq(cfg.function, "fan");
}

Test(config, empty_environment_variable_is_ignored)
{
    const char *path = write_file("run.conf", "workers = 3\n");
    setenv("CWREN_CONFIG_FILE", path, 1);
    setenv("CWREN_WORKERS", "", 1);
    load_defaults();
    cr_assert_eq(cfg.workers, 3);
}

Test(config, invalid_environment_value_names_the_variable)
{
    setenv("CWREN_TIMEOUT", "soon", 1);
    int rc = cw_config_load(&cfg, &err);
    cr_assert_eq(rc, CW_EINVAL);
    cr_assert_str_eq(
        err.message,
        "CWREN_TIMEOUT: invalid value 'soon' for timeout (expected seconds, more than 0)");
}

Test(config, load_error_in_the_file_names_file_and_line)
{
    const char *path = write_file("run.conf", "workers = 2\nchunksize = 0\n");
    setenv("CWREN_CONFIG_FILE", path, 1);
    int rc = cw_config_load(&cfg, &err);
    cr_assert_eq(rc, CW_EINVAL);
    char want[400];
    snprintf(want, sizeof want,
             "config file %s line 2: invalid value '0' for chunksize "
             "(expected a whole number of at least 1)",
             path);
    cr_assert_str_eq(err.message, want);
}

Test(config, load_with_a_missing_cwren_config_file_fails)
{
    char path[160];
    snprintf(path, sizeof path, "%s/gone.conf", home);
    setenv("CWREN_CONFIG_FILE", path, 1);
    int rc = cw_config_load(&cfg, &err);
    cr_assert_eq(rc, CW_EIO);
    char want[300];
    snprintf(want, sizeof want, "config file %s: No such file or directory", path);
    cr_assert_str_eq(err.message, want);
}

/* ---- retry sleeps ---- */

Test(config, retry_sleep_follows_the_default_list_and_repeats_the_last)
{
    load_defaults();
    cr_assert_float_eq(cw_config_retry_sleep(&cfg, 1), 0.0, 1e-12, "the first attempt waits not");
    cr_assert_float_eq(cw_config_retry_sleep(&cfg, 2), 0.5, 1e-12);
    cr_assert_float_eq(cw_config_retry_sleep(&cfg, 3), 1.0, 1e-12);
    cr_assert_float_eq(cw_config_retry_sleep(&cfg, 4), 2.0, 1e-12);
    cr_assert_float_eq(cw_config_retry_sleep(&cfg, 5), 2.0, 1e-12);
    cr_assert_float_eq(cw_config_retry_sleep(&cfg, 50), 2.0, 1e-12);
    cr_assert_float_eq(cw_config_retry_sleep(&cfg, 0), 0.0, 1e-12);
}

Test(config, retry_sleep_with_a_configured_list)
{
    load_defaults();
    assert_set_ok("retry-sleeps", "3");
    cr_assert_float_eq(cw_config_retry_sleep(&cfg, 1), 0.0, 1e-12);
    cr_assert_float_eq(cw_config_retry_sleep(&cfg, 2), 3.0, 1e-12);
    cr_assert_float_eq(cw_config_retry_sleep(&cfg, 9), 3.0, 1e-12);
    assert_set_ok("retry-sleeps", "0.1,0.2,0.3,0.4");
    cr_assert_float_eq(cw_config_retry_sleep(&cfg, 5), 0.4, 1e-12);
    cr_assert_float_eq(cw_config_retry_sleep(&cfg, 6), 0.4, 1e-12);
}

/* A value longer than any fixed buffer (600 leading zeros) must be read in full, not cut
 * short into a different number ("000...0" = 0 s instead of 3 s) without an error. */
Test(config, long_retry_sleeps_value_is_read_in_full_or_refused)
{
    load_defaults();
    char value[700];
    int n = snprintf(value, sizeof value, "1,");
    memset(value + n, '0', 600);
    snprintf(value + n + 600, sizeof value - (size_t)n - 600, "3");
    int rc = cw_config_set(&cfg, "retry-sleeps", value, "--retry-sleeps", &err);
    if (rc == 0) {
        cr_assert_eq(cfg.n_retry_sleeps, 2);
        cr_assert_float_eq(cfg.retry_sleeps[1], 3.0, 1e-12, "'000...0003' was stored as %g seconds",
                           cfg.retry_sleeps[1]);
    } else {
        cr_assert_eq(rc, CW_EINVAL);
    }
}

/* A line longer than any fixed buffer is still one line: a long comment whose tail reads
 * "workers = 99" must be ignored whole, and later line numbers stay right. */
Test(config, read_file_ignores_a_long_comment_line_whole)
{
    load_defaults();
    char text[2400];
    int n = snprintf(text, sizeof text, "# ");
    memset(text + n, '-', 2045); /* the comment's first 2047 bytes */
    snprintf(text + n + 2045, sizeof text - (size_t)n - 2045, "workers = 99\nretries = 4\n");
    const char *path = write_file("long.conf", text);
    int rc = cw_config_read_file(&cfg, path, &err);
    cr_assert_eq(rc, 0, "read: %s", err.message);
    cr_assert_eq(cfg.retries, 4);
    cr_assert_eq(cfg.workers, (int)sysconf(_SC_NPROCESSORS_ONLN),
                 "text inside a comment was applied: workers = %d", cfg.workers);
}
