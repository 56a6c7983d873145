/* fanout_internal.h: what the executor core shares with its backends. The core owns
 * futures, the invocation queue, deadlines and retries; a backend only moves queued
 * invocations to workers and reports what came back, through the cw_ex_* calls below,
 * which are safe to call from any thread. */
#ifndef CW_FANOUT_INTERNAL_H
#define CW_FANOUT_INTERNAL_H

#include <pthread.h>

#include "fanout.h"
#include "progress.h"
#include "runtime_host.h"

enum cw_invocation_state { CW_INV_QUEUED, CW_INV_DELAYED, CW_INV_RUNNING, CW_INV_DONE };

/* One request to a worker: a chunk of futures of the same task. */
struct cw_invocation {
    char request_id[40];
    const char *task; /* the task table's own string */
    struct cw_future **futures;
    size_t n;
    int attempt;
    enum cw_invocation_state state;
    double not_before;    /* monotonic: when a delayed retry may go */
    double deadline;      /* monotonic, while running */
    double deadline_wall; /* for the Lambda-Runtime-Deadline-Ms header */
    char worker_id[64];
    char *payload; /* JSON sent to the worker */
    size_t payload_len;
    struct cw_invocation *next; /* in the queue or the delayed list */
};

struct cw_backend_ops {
    const char *name;
    int (*start)(struct cw_executor *ex, struct cw_error *err);
    /* Called often by the waiting thread without the lock: reap workers and the like. */
    void (*poll)(struct cw_executor *ex);
    /* A running invocation passed its deadline: stop whatever runs it. No lock held. */
    void (*kill_worker)(struct cw_executor *ex, const char *worker_id);
    void (*stop)(struct cw_executor *ex);
};

extern const struct cw_backend_ops cw_backend_local;

struct cw_reduce;

struct cw_future {
    size_t index;
    const char *task; /* the task table's own string */
    json_t *input;
    enum cw_future_state state;
    json_t *result;
    char *error;
    int error_code;
    struct cw_timing timing;
    int watched;              /* a waiter wants to wake when this one finishes */
    struct cw_reduce *reduce; /* the map_reduce this is a map input of, if any */
};

/* A map_reduce waiting for its map inputs. */
struct cw_reduce {
    struct cw_future *future; /* the reduce call's own future */
    struct cw_future **maps;
    size_t n_maps, remaining;
    struct cw_reduce *next;
};

struct cw_executor {
    struct cw_config cfg;
    const struct cw_task *const *tables;
    const struct cw_backend_ops *backend;
    void *backend_state;

    pthread_mutex_t lock;
    pthread_cond_t work_ready;   /* an invocation was queued, or shutdown */
    pthread_cond_t result_ready; /* a watched future finished */
    int shutting_down;

    struct cw_invocation *queue_head, *queue_tail;
    struct cw_invocation *delayed; /* retries waiting for their sleep */
    struct cw_invocation **running;
    size_t n_running, cap_running;
    /* Invocations to kill (deadline passed), collected under the lock, killed outside. */
    char (*to_kill)[64];
    size_t n_to_kill, cap_to_kill;

    struct cw_future **futures; /* every future made, for freeing */
    size_t n_futures, cap_futures;
    struct cw_invocation **invocations; /* every invocation made, for freeing */
    size_t n_invocations, cap_invocations;
    struct cw_reduce *reduces;

    unsigned long long request_seq;
    unsigned long long takes; /* invocations handed to workers so far */
    unsigned int request_salt;
    size_t count_done, count_failed;
    struct cw_progress progress;
    struct cw_progress_counts progress_base;
    char label[64];
};

/* Grows a dynamic array to hold at least `need` items of `item` bytes (doubling);
 * out of memory aborts, as the executor cannot go on without its bookkeeping. */
void *cw_grow(void *array, size_t *cap, size_t need, size_t item);

/* Core internals shared by fanout.c and invocation.c; call with ex->lock held. */
struct cw_invocation *cw_inv_submit(struct cw_executor *ex, const char *task,
                                    struct cw_future **futures, size_t n, int attempt);
void cw_future_succeed(struct cw_executor *ex, struct cw_future *f, json_t *result);
void cw_future_fail(struct cw_executor *ex, struct cw_future *f, int code, const char *message);
/* Moves due retries to the queue and times out overdue invocations. Returns the monotonic
 * time of the next such event (INFINITY if none). */
double cw_ex_tick(struct cw_executor *ex, double now);
size_t cw_ex_running_inputs(struct cw_executor *ex);

/* Takes the next queued invocation for worker_id, waiting while the queue is empty, and
 * marks it running with its deadline. Fills out with copies (the caller frees
 * out->payload). Returns 0, or -1 once the executor shuts down. */
int cw_ex_take(struct cw_executor *ex, const char *worker_id, struct cw_runtime_dispatch *out);

/* Hands an undelivered invocation (the worker never got it) back to the queue front. */
void cw_ex_requeue(struct cw_executor *ex, const char *request_id);

/* A worker's response body for request_id. Returns 0, or a negative code with why filled
 * when the request is unknown or already finished (the caller answers with an HTTP error).
 * A body that is not a valid response fails the invocation (retryable). */
int cw_ex_response(struct cw_executor *ex, const char *request_id, const char *body, size_t len,
                   struct cw_error *why);

/* The worker reported an invocation error (Runtime API /error): not retried. */
int cw_ex_invocation_error(struct cw_executor *ex, const char *request_id, const char *body,
                           size_t len, struct cw_error *why);

/* The worker died or misbehaved: fails what it was running (retried per policy).
 * Returns 1 if it was running an invocation, 0 if it was idle. */
int cw_ex_fail_worker(struct cw_executor *ex, const char *worker_id, int code,
                       const char *message);

/* Fails every queued and delayed invocation (workers cannot start). */
void cw_ex_fail_all_queued(struct cw_executor *ex, int code, const char *message);

/* True while the executor has invocations queued, delayed or running. */
int cw_ex_has_work(struct cw_executor *ex);

#endif
