/* cli.h: one command-line convention for every program: `PROGRAM COMMAND [options]`,
 * a table of commands, `--help` everywhere, `--name value` or `--name=value` options,
 * and the run options (backend, workers, ...) shared by every command that fans out.
 * Usage errors print one line and exit with status 2. */
#ifndef CW_CLI_H
#define CW_CLI_H

#include "config.h"

#define CW_EXIT_USAGE 2

struct cw_command {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    const char *help;                  /* one line */
};

enum cw_option_kind { CW_OPT_STRING, CW_OPT_INT, CW_OPT_DOUBLE, CW_OPT_FLAG };

struct cw_option {
    const char *name; /* without the dashes */
    enum cw_option_kind kind;
    void *target; /* const char **, long *, double *, int * (flag set to 1) */
    const char *metavar;
    const char *help;
};

struct cw_command_spec {
    const char *program;  /* "lab1-bench" */
    const char *command;  /* "hello" */
    const char *args;     /* positional arguments in the usage line, or NULL */
    const char *summary;  /* a few lines on what the command does */
    const struct cw_option *options; /* ended by {NULL} */
    struct cw_config *config;        /* non-NULL: accept the run options into it */
};

/* Runs the command named by argv[1]; prints usage for none, --help or an unknown name. */
int cw_cli_dispatch(const char *program, const char *summary, const struct cw_command *commands,
                    int argc, char **argv);

/* Parses options; positional arguments are moved to the front of argv and counted in
 * *n_args. Returns 0 to go on, 1 when --help was printed (exit 0), or CW_EXIT_USAGE after
 * printing a one-line error. When spec->config is set, the config is loaded first
 * (file, environment), then run options override it. */
int cw_cli_parse(const struct cw_command_spec *spec, int argc, char **argv, int *n_args);

/* Prints "PROGRAM COMMAND: message" to stderr and returns CW_EXIT_USAGE. */
int cw_cli_usage_error(const struct cw_command_spec *spec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
