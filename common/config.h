/* config.h: how a run is set up (backend, workers, timeouts, retries, store).
 * Precedence: command-line flags > environment (CWREN_*) > config file
 * (CWREN_CONFIG_FILE, else ~/.cwren.conf) > built-in defaults. */
#ifndef CW_CONFIG_H
#define CW_CONFIG_H

#include "error.h"

#define CW_MAX_RETRY_SLEEPS 16

struct cw_config {
    char backend[16];     /* "local" or "lambda" */
    int workers;          /* local: worker processes; lambda: invocations in flight */
    double timeout_s;     /* per invocation */
    int retries;          /* extra attempts after an invocation fails */
    double retry_sleeps[CW_MAX_RETRY_SLEEPS]; /* seconds before retry k (last one repeats) */
    int n_retry_sleeps;
    int chunksize;        /* inputs per invocation for map */
    char store_url[1024]; /* object store: file://DIR or s3://bucket/prefix */
    char function[128];   /* Lambda function name */
};

/* One setting the config understands, for usage texts. */
struct cw_config_key {
    const char *name;  /* key in the config file, also the flag --NAME */
    const char *env;   /* environment variable */
    const char *help;
};
extern const struct cw_config_key cw_config_keys[];

/* Defaults, then the config file, then the environment. Errors name the file and line
 * or the variable. */
int cw_config_load(struct cw_config *cfg, struct cw_error *err);

/* Sets one key from text ("workers", "8"). `origin` says where the value came from for
 * error messages ("--workers", "CWREN_WORKERS", "~/.cwren.conf line 3"). */
int cw_config_set(struct cw_config *cfg, const char *key, const char *value, const char *origin,
                  struct cw_error *err);

/* Reads `key = value` lines (# comments) from path into cfg. */
int cw_config_read_file(struct cw_config *cfg, const char *path, struct cw_error *err);

/* Seconds to sleep before attempt `attempt` (2 = first retry). */
double cw_config_retry_sleep(const struct cw_config *cfg, int attempt);

#endif
