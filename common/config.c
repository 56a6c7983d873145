/* config.c: defaults, config file, environment and flags, in rising precedence. Every
 * value is validated where it is read, so a typo is reported with its origin. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct cw_config_key cw_config_keys[] = {
    {"backend", "CWREN_BACKEND", "where tasks run: local (worker processes here) or lambda"},
    {"workers", "CWREN_WORKERS", "local worker processes, or Lambda invocations in flight"},
    {"timeout", "CWREN_TIMEOUT", "seconds one invocation may run before it is killed"},
    {"retries", "CWREN_RETRIES", "extra attempts after a worker crash, exit or timeout"},
    {"retry-sleeps", "CWREN_RETRY_SLEEPS", "comma-separated seconds to wait before each retry"},
    {"chunksize", "CWREN_CHUNKSIZE", "inputs per invocation"},
    {"store", "CWREN_STORE", "object store URL: file://DIR or s3://BUCKET/PREFIX"},
    {"function", "CWREN_FUNCTION", "Lambda function name"},
    {NULL, NULL, NULL},
};

static void set_defaults(struct cw_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->backend, sizeof cfg->backend, "local");
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    cfg->workers = cpus > 0 ? (int)cpus : 1;
    cfg->timeout_s = 300;
    cfg->retries = 2;
    cfg->retry_sleeps[0] = 0.5;
    cfg->retry_sleeps[1] = 1;
    cfg->retry_sleeps[2] = 2;
    cfg->n_retry_sleeps = 3;
    cfg->chunksize = 1;
    const char *home = getenv("HOME");
    if (home && *home)
        snprintf(cfg->store_url, sizeof cfg->store_url, "file://%s/.cache/cwren/store", home);
    else
        snprintf(cfg->store_url, sizeof cfg->store_url, "file://cwren-store");
    snprintf(cfg->function, sizeof cfg->function, "cwren");
}

static int parse_number(const char *text, double min, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (errno || end == text || *end || !isfinite(v) || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_int(const char *text, int min, int max, int *out)
{
    double v;
    if (parse_number(text, min, max, &v) < 0 || v != floor(v))
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_sleeps(struct cw_config *cfg, const char *text)
{
    double sleeps[CW_MAX_RETRY_SLEEPS];
    int n = 0, bad = 0;
    char *copy = strdup(text); /* whole, so a long value is never read cut short */
    if (!copy)
        return -1;
    for (char *save = NULL, *part = strtok_r(copy, ",", &save); part && !bad;
         part = strtok_r(NULL, ",", &save)) {
        bad = n == CW_MAX_RETRY_SLEEPS || parse_number(part, 0, 3600, &sleeps[n]) < 0;
        n++;
    }
    free(copy);
    if (bad || n == 0)
        return -1;
    memcpy(cfg->retry_sleeps, sleeps, sizeof sleeps);
    cfg->n_retry_sleeps = n;
    return 0;
}

static int copy_text(char *dst, size_t cap, const char *value)
{
    if (!*value || strlen(value) >= cap)
        return -1;
    memcpy(dst, value, strlen(value) + 1);
    return 0;
}

int cw_config_set(struct cw_config *cfg, const char *key, const char *value, const char *origin,
                  struct cw_error *err)
{
    int bad = 0;
    const char *expected = "";
    if (strcmp(key, "backend") == 0) {
        bad = strcmp(value, "local") != 0 && strcmp(value, "lambda") != 0;
        if (!bad)
            snprintf(cfg->backend, sizeof cfg->backend, "%s", value);
        expected = "local or lambda";
    } else if (strcmp(key, "workers") == 0) {
        bad = parse_int(value, 1, 10000, &cfg->workers) < 0;
        expected = "a whole number from 1 to 10000";
    } else if (strcmp(key, "timeout") == 0) {
        bad = parse_number(value, 0.001, 86400, &cfg->timeout_s) < 0;
        expected = "seconds, more than 0";
    } else if (strcmp(key, "retries") == 0) {
        bad = parse_int(value, 0, 100, &cfg->retries) < 0;
        expected = "a whole number from 0 to 100";
    } else if (strcmp(key, "retry-sleeps") == 0) {
        bad = parse_sleeps(cfg, value) < 0;
        expected = "comma-separated seconds, e.g. 0.5,1,2";
    } else if (strcmp(key, "chunksize") == 0) {
        bad = parse_int(value, 1, 1000000, &cfg->chunksize) < 0;
        expected = "a whole number of at least 1";
    } else if (strcmp(key, "store") == 0) {
        bad = copy_text(cfg->store_url, sizeof cfg->store_url, value) < 0;
        expected = "a store URL such as file:///tmp/store";
    } else if (strcmp(key, "function") == 0) {
        bad = copy_text(cfg->function, sizeof cfg->function, value) < 0;
        expected = "a Lambda function name";
    } else {
        return cw_error_set(err, CW_EINVAL, "%s: unknown setting '%s'", origin, key);
    }
    if (bad)
        return cw_error_set(err, CW_EINVAL, "%s: invalid value '%s' for %s (expected %s)", origin,
                            value, key, expected);
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

int cw_config_read_file(struct cw_config *cfg, const char *path, struct cw_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return cw_error_set(err, CW_EIO, "config file %s: %s", path, strerror(errno));
    char *line = NULL; /* getline: a long line is one line, never split */
    size_t cap = 0;
    int lineno = 0, rc = 0;
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        lineno++;
        char origin[1200];
        snprintf(origin, sizeof origin, "config file %s line %d", path, lineno);
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *text = trim(line);
        if (!*text)
            continue;
        char *eq = strchr(text, '=');
        if (!eq) {
            rc = cw_error_set(err, CW_EINVAL, "%s: expected 'key = value', got '%s'", origin, text);
            break;
        }
        *eq = '\0';
        rc = cw_config_set(cfg, trim(text), trim(eq + 1), origin, err);
    }
    free(line);
    fclose(f);
    return rc;
}

int cw_config_load(struct cw_config *cfg, struct cw_error *err)
{
    set_defaults(cfg);
    const char *path = getenv("CWREN_CONFIG_FILE");
    char home_path[1024];
    if (path && *path) {
        int rc = cw_config_read_file(cfg, path, err);
        if (rc < 0)
            return rc;
    } else if (getenv("HOME")) {
        snprintf(home_path, sizeof home_path, "%s/.cwren.conf", getenv("HOME"));
        if (access(home_path, F_OK) == 0) {
            int rc = cw_config_read_file(cfg, home_path, err);
            if (rc < 0)
                return rc;
        }
    }
    for (const struct cw_config_key *k = cw_config_keys; k->name; k++) {
        const char *value = getenv(k->env);
        if (value && *value) {
            int rc = cw_config_set(cfg, k->name, value, k->env, err);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

double cw_config_retry_sleep(const struct cw_config *cfg, int attempt)
{
    int k = attempt - 2;
    if (k < 0 || cfg->n_retry_sleeps == 0)
        return 0;
    if (k >= cfg->n_retry_sleeps)
        k = cfg->n_retry_sleeps - 1;
    return cfg->retry_sleeps[k];
}
