/* fanout.h: the public API of the fan-out core, after pywren and lithops. An executor
 * runs named tasks (task.h) over inputs on a backend (local worker processes, or AWS
 * Lambda), and hands back futures whose results come in input order, with timings,
 * retries and clear failures. Workers always speak the AWS Lambda Runtime API. */
#ifndef CW_FANOUT_H
#define CW_FANOUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "error.h"
#include "task.h"

struct cw_executor;
struct cw_future;

enum cw_future_state {
    CW_FUTURE_PENDING, /* queued, or waiting for a retry */
    CW_FUTURE_RUNNING, /* handed to a worker */
    CW_FUTURE_OK,
    CW_FUTURE_FAILED,
};

enum cw_wait_mode {
    CW_ALL_COMPLETED, /* until every future is done (ok or failed) */
    CW_ANY_COMPLETED, /* until at least one is done */
    CW_ALWAYS,        /* look once and return */
};

/* What happened to one input. Wall-clock times are Unix epoch seconds. */
struct cw_timing {
    double host_submit;     /* when the controller queued it */
    double worker_start;    /* when the task function started, on the worker */
    double worker_end;      /* when it returned */
    double result_received; /* when the controller had the result */
    double worker_setup;    /* seconds the worker spent starting up before this call; 0 when warm */
    char worker_id[64];
    int attempt; /* 1 for the first try */
};

/* Starts an executor with cfg's backend. `tables` (NULL-terminated) is the program's task
 * tables, so unknown task names fail at submit time. For the local backend, workers are
 * this program re-executed: it must call cw_worker_main_if_requested() first thing in main.
 * Free with cw_executor_free, which also frees every future it made. */
struct cw_executor *cw_executor_new(const struct cw_config *cfg,
                                    const struct cw_task *const *tables, struct cw_error *err);
void cw_executor_free(struct cw_executor *ex);

/* A label for progress lines ("hello map"). */
void cw_executor_set_label(struct cw_executor *ex, const char *label);

/* Queues one call. `input` is borrowed (the executor keeps its own reference). The future
 * is owned by the executor. NULL with err set when the task is unknown. */
struct cw_future *cw_call_async(struct cw_executor *ex, const char *task, json_t *input,
                                struct cw_error *err);

/* Queues task over every element of the JSON array `inputs`, `chunksize` inputs per
 * invocation (0: the configured chunksize). Returns a new array of futures in input order
 * (the caller frees the array with free(), not the futures) and its length in *n. */
struct cw_future **cw_map(struct cw_executor *ex, const char *task, json_t *inputs,
                          size_t chunksize, size_t *n, struct cw_error *err);

/* Maps, then runs `reduce_task` once on the array of all map results (in input order)
 * when every map call succeeded. Returns the reduce future; *map_futures (if not NULL)
 * receives the map futures as cw_map would. A failed map input fails the reduce future
 * with a message naming that input. */
struct cw_future *cw_map_reduce(struct cw_executor *ex, const char *map_task, json_t *inputs,
                                size_t chunksize, const char *reduce_task,
                                struct cw_future ***map_futures, size_t *n_map,
                                struct cw_error *err);

/* Waits per mode, at most timeout_s seconds (< 0: no limit). Returns how many of the n
 * futures are done (ok or failed). Progress is drawn on stderr meanwhile. */
size_t cw_wait(struct cw_executor *ex, struct cw_future *const *futures, size_t n,
               enum cw_wait_mode mode, double timeout_s);

/* Waits for all and collects results in order into a new JSON array (null for failed
 * inputs). Returns 0, or CW_ETASK with err naming the first failed input and how many
 * failed; *results is set in both cases (caller decrefs). */
int cw_get_results(struct cw_executor *ex, struct cw_future *const *futures, size_t n,
                   json_t **results, struct cw_error *err);

enum cw_future_state cw_future_state(const struct cw_future *f);
int cw_future_done(const struct cw_future *f);
const json_t *cw_future_result(const struct cw_future *f); /* borrowed; NULL unless OK */
const char *cw_future_error(const struct cw_future *f);    /* NULL unless FAILED */
int cw_future_error_code(const struct cw_future *f);       /* CW_ETASK, CW_ECRASH, ... */
const json_t *cw_future_input(const struct cw_future *f);  /* borrowed */
const char *cw_future_task(const struct cw_future *f);
size_t cw_future_index(const struct cw_future *f); /* position in its map call */
const struct cw_timing *cw_future_timing(const struct cw_future *f);

/* Prints one line per failed future (index, task, input, error) and returns the count. */
size_t cw_report_failures(FILE *out, struct cw_future *const *futures, size_t n);

/* Writes one record per future: CSV (header row) and/or JSON (array of objects); either
 * path may be NULL. Columns: index, task, status, attempt, worker, host_submit,
 * worker_start, worker_end, result_received, worker_setup, error. */
int cw_write_records(struct cw_future *const *futures, size_t n, const char *csv_path,
                     const char *json_path, struct cw_error *err);

/* Worker mode. When this process was started as a worker (CWREN_WORKER set by the local
 * executor, or running under AWS Lambda), serves invocations and exits; otherwise returns. */
void cw_worker_main_if_requested(const struct cw_task *const *tables);

/* Serves the Runtime API at AWS_LAMBDA_RUNTIME_API until it goes away. Returns an exit
 * status. This is the whole of a Lambda bootstrap's main. */
int cw_worker_run(const struct cw_task *const *tables);

/* For a worker whose start-up failed (a missing data file, say): tells the Runtime API
 * (POST /runtime/init/error) so the controller can say why workers cannot start. */
void cw_worker_report_init_error(const char *type, const char *message);

/* Inside a running task: the Runtime API request id of the current invocation ("" when
 * not in a worker). For tests that speak to the Runtime API themselves. */
const char *cw_worker_current_request_id(void);

#endif
