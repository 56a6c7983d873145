/* cli.c: the option parser and command dispatch behind every program. Small on purpose:
 * long options only, values checked here so commands receive typed, valid values. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cw_cli_usage_error(const struct cw_command_spec *spec, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s %s: %s (see %s %s --help)\n", spec->program, spec->command, message,
            spec->program, spec->command);
    return CW_EXIT_USAGE;
}

static void print_help(const struct cw_command_spec *spec)
{
    printf("usage: %s %s [options]%s%s\n\n%s\n", spec->program, spec->command,
           spec->args ? " " : "", spec->args ? spec->args : "", spec->summary);
    printf("\noptions:\n");
    for (const struct cw_option *o = spec->options; o && o->name; o++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
        printf("  %-24s %s\n", left, o->help);
    }
    printf("  %-24s %s\n", "-h, --help", "show this help");
    if (!spec->config)
        return;
    printf("\nrun options (also CWREN_* environment variables, and ~/.cwren.conf or "
           "CWREN_CONFIG_FILE):\n");
    for (const struct cw_config_key *k = cw_config_keys; k->name; k++) {
        char left[64];
        snprintf(left, sizeof left, "--%s VALUE", k->name);
        printf("  %-24s %s [%s]\n", left, k->help, k->env);
    }
}

static int set_value(const struct cw_command_spec *spec, const struct cw_option *o,
                     const char *value)
{
    char *end;
    errno = 0;
    switch (o->kind) {
    case CW_OPT_STRING:
        *(const char **)o->target = value;
        return 0;
    case CW_OPT_INT: {
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end)
            return cw_cli_usage_error(spec, "--%s needs a whole number, got '%s'", o->name, value);
        *(long *)o->target = v;
        return 0;
    }
    case CW_OPT_DOUBLE: {
        double v = strtod(value, &end);
        if (errno || end == value || *end || !isfinite(v))
            return cw_cli_usage_error(spec, "--%s needs a number, got '%s'", o->name, value);
        *(double *)o->target = v;
        return 0;
    }
    case CW_OPT_FLAG:
        *(int *)o->target = 1;
        return 0;
    }
    return 0;
}

static const struct cw_option *find_option(const struct cw_command_spec *spec, const char *name,
                                           size_t len)
{
    for (const struct cw_option *o = spec->options; o && o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

static int is_config_key(const char *name, size_t len)
{
    for (const struct cw_config_key *k = cw_config_keys; k->name; k++)
        if (strlen(k->name) == len && strncmp(k->name, name, len) == 0)
            return 1;
    return 0;
}

/* Handles argv[*i], an option; advances *i past its value. */
static int parse_one(const struct cw_command_spec *spec, int argc, char **argv, int *i)
{
    const char *arg = argv[*i] + 2;
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    const struct cw_option *o = find_option(spec, arg, len);
    int config_key = !o && spec->config && is_config_key(arg, len);
    if (!o && !config_key)
        return cw_cli_usage_error(spec, "unknown option '--%.*s'", (int)len, arg);
    const char *value = eq ? eq + 1 : NULL;
    if (o && o->kind == CW_OPT_FLAG) {
        if (value)
            return cw_cli_usage_error(spec, "--%s takes no value", o->name);
        return set_value(spec, o, "1");
    }
    if (!value) {
        if (*i + 1 >= argc)
            return cw_cli_usage_error(spec, "--%.*s needs a value", (int)len, arg);
        value = argv[++*i];
    }
    if (o)
        return set_value(spec, o, value);
    char key[64], origin[80];
    snprintf(key, sizeof key, "%.*s", (int)len, arg);
    snprintf(origin, sizeof origin, "--%s", key);
    struct cw_error err;
    if (cw_config_set(spec->config, key, value, origin, &err) < 0)
        return cw_cli_usage_error(spec, "%s", err.message);
    return 0;
}

int cw_cli_parse(const struct cw_command_spec *spec, int argc, char **argv, int *n_args)
{
    if (spec->config) {
        struct cw_error err;
        if (cw_config_load(spec->config, &err) < 0)
            return cw_cli_usage_error(spec, "%s", err.message);
    }
    int n = 0, options_done = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
            print_help(spec);
            return 1;
        }
        if (!options_done && strcmp(a, "--") == 0) {
            options_done = 1;
        } else if (!options_done && strncmp(a, "--", 2) == 0) {
            int rc = parse_one(spec, argc, argv, &i);
            if (rc)
                return rc;
        } else if (!options_done && a[0] == '-' && a[1]) {
            return cw_cli_usage_error(spec, "unknown option '%s'", a);
        } else {
            argv[n++] = argv[i];
        }
    }
    *n_args = n;
    return 0;
}

static void print_commands(FILE *out, const char *program, const char *summary,
                           const struct cw_command *commands)
{
    fprintf(out, "usage: %s COMMAND [options]\n\n%s\n\ncommands:\n", program, summary);
    for (const struct cw_command *c = commands; c->name; c++)
        fprintf(out, "  %-12s %s\n", c->name, c->help);
    fprintf(out, "\n'%s COMMAND --help' describes a command and its options.\n", program);
}

int cw_cli_dispatch(const char *program, const char *summary, const struct cw_command *commands,
                    int argc, char **argv)
{
    if (argc < 2) {
        print_commands(stderr, program, summary, commands);
        return CW_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        print_commands(stdout, program, summary, commands);
        return 0;
    }
    for (const struct cw_command *c = commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c->run(argc - 1, argv + 1);
    fprintf(stderr, "%s: unknown command '%s' (see %s --help)\n", program, name, program);
    return CW_EXIT_USAGE;
}
