/* runtime_host.h: the host side of the AWS Lambda Runtime API, served on 127.0.0.1 with
 * libmicrohttpd. Workers long-poll /runtime/invocation/next and post responses or errors;
 * what to hand out and what to do with answers is up to the callbacks, so the local
 * executor and a local Lambda endpoint can share this server. */
#ifndef CW_RUNTIME_HOST_H
#define CW_RUNTIME_HOST_H

#include <stddef.h>

#include "error.h"

/* Workers may say who they are with this header on /next (AWS ignores it). */
#define CW_WORKER_ID_HEADER "X-Cwren-Worker-Id"
/* Largest body accepted from a worker: Lambda's synchronous payload limit. */
#define CW_RUNTIME_MAX_BODY (6 * 1024 * 1024)

struct cw_runtime_dispatch {
    char request_id[40];
    char *payload; /* malloc'd; the host frees it once sent */
    size_t payload_len;
    double deadline_wall; /* epoch seconds */
};

struct cw_runtime_host_callbacks {
    /* Blocks until there is an invocation for worker_id ("" if the worker did not say);
     * fills out and returns 0, or returns -1 when shutting down. */
    int (*next)(void *ctx, const char *worker_id, struct cw_runtime_dispatch *out);
    /* The invocation handed out could not be sent to the worker. */
    void (*undelivered)(void *ctx, const char *request_id);
    /* A response or an error for request_id. Return 0, or a negative code with why set
     * (the worker then gets HTTP 400 with the message). */
    int (*response)(void *ctx, const char *request_id, const char *body, size_t len,
                    struct cw_error *why);
    int (*error)(void *ctx, const char *request_id, const char *body, size_t len,
                 struct cw_error *why);
    void (*init_error)(void *ctx, const char *worker_id, const char *body, size_t len);
};

struct cw_runtime_host;

/* Starts serving on 127.0.0.1 at `port` (0: any free port). */
struct cw_runtime_host *cw_runtime_host_start(int port, const struct cw_runtime_host_callbacks *cb,
                                              void *ctx, struct cw_error *err);
int cw_runtime_host_port(const struct cw_runtime_host *host);
/* Stops serving. Callers must first make blocked next() callbacks return. */
void cw_runtime_host_stop(struct cw_runtime_host *host);

#endif
