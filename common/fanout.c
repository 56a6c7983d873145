/* fanout.c: the executor and its futures: submitting calls, maps and map_reduce, waiting
 * with progress, and reading results. The waiting thread sleeps on a condition variable
 * and is woken only by futures it watches, so a large map costs no wake-ups per result. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "clock.h"
#include "fanout_internal.h"
#include "log.h"

static const struct cw_backend_ops *find_backend(const char *name)
{
    static const struct cw_backend_ops *const backends[] = {&cw_backend_local, NULL};
    for (size_t i = 0; backends[i]; i++)
        if (strcmp(backends[i]->name, name) == 0)
            return backends[i];
    return NULL;
}

struct cw_executor *cw_executor_new(const struct cw_config *cfg,
                                    const struct cw_task *const *tables, struct cw_error *err)
{
    const struct cw_backend_ops *backend = find_backend(cfg->backend);
    if (!backend) {
        cw_error_set(err, CW_EINVAL, "backend '%s' is not available in this build", cfg->backend);
        return NULL;
    }
    struct cw_executor *ex = calloc(1, sizeof *ex);
    if (!ex) {
        cw_error_set(err, CW_ENOMEM, "out of memory");
        return NULL;
    }
    ex->cfg = *cfg;
    ex->tables = tables;
    ex->backend = backend;
    ex->request_salt = (unsigned)getpid() ^ (unsigned)(cw_wall_now() * 1000);
    snprintf(ex->label, sizeof ex->label, "tasks");
    pthread_mutex_init(&ex->lock, NULL);
    pthread_cond_init(&ex->work_ready, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&ex->result_ready, &attr);
    pthread_condattr_destroy(&attr);
    /* A worker that vanishes mid-write must not kill the controller. */
    signal(SIGPIPE, SIG_IGN);
    if (backend->start(ex, err) < 0) {
        cw_executor_free(ex);
        return NULL;
    }
    return ex;
}

void cw_executor_free(struct cw_executor *ex)
{
    if (!ex)
        return;
    pthread_mutex_lock(&ex->lock);
    ex->shutting_down = 1;
    pthread_cond_broadcast(&ex->work_ready);
    pthread_mutex_unlock(&ex->lock);
    if (ex->backend_state)
        ex->backend->stop(ex);
    for (size_t i = 0; i < ex->n_futures; i++) {
        struct cw_future *f = ex->futures[i];
        json_decref(f->input);
        json_decref(f->result);
        free(f->error);
        free(f);
    }
    for (size_t i = 0; i < ex->n_invocations; i++) {
        free(ex->invocations[i]->futures);
        free(ex->invocations[i]->payload);
        free(ex->invocations[i]);
    }
    while (ex->reduces) {
        struct cw_reduce *r = ex->reduces;
        ex->reduces = r->next;
        free(r->maps);
        free(r);
    }
    free(ex->futures);
    free(ex->invocations);
    free(ex->running);
    free(ex->to_kill);
    pthread_mutex_destroy(&ex->lock);
    pthread_cond_destroy(&ex->work_ready);
    pthread_cond_destroy(&ex->result_ready);
    free(ex);
}

void cw_executor_set_label(struct cw_executor *ex, const char *label)
{
    snprintf(ex->label, sizeof ex->label, "%s", label);
}

static const struct cw_task *lookup_task(struct cw_executor *ex, const char *name,
                                         struct cw_error *err)
{
    const struct cw_task *task = cw_task_find(ex->tables, name);
    if (!task)
        cw_error_set(err, CW_ENOTFOUND, "unknown task '%s'", name ? name : "(null)");
    return task;
}

/* Called with the lock held. */
static struct cw_future *new_future(struct cw_executor *ex, const char *task, json_t *input,
                                    size_t index)
{
    struct cw_future *f = calloc(1, sizeof *f);
    if (!f) {
        cw_log_error("out of memory");
        abort();
    }
    f->index = index;
    f->task = task;
    f->input = json_incref(input);
    f->timing.host_submit = cw_wall_now();
    ex->futures = cw_grow(ex->futures, &ex->cap_futures, ex->n_futures + 1, sizeof *ex->futures);
    ex->futures[ex->n_futures++] = f;
    return f;
}

struct cw_future *cw_call_async(struct cw_executor *ex, const char *task, json_t *input,
                                struct cw_error *err)
{
    const struct cw_task *t = lookup_task(ex, task, err);
    if (!t)
        return NULL;
    pthread_mutex_lock(&ex->lock);
    struct cw_future *f = new_future(ex, t->name, input, 0);
    cw_inv_submit(ex, t->name, &f, 1, 1);
    pthread_mutex_unlock(&ex->lock);
    return f;
}

struct cw_future **cw_map(struct cw_executor *ex, const char *task, json_t *inputs,
                          size_t chunksize, size_t *n, struct cw_error *err)
{
    const struct cw_task *t = lookup_task(ex, task, err);
    if (!t)
        return NULL;
    if (!json_is_array(inputs)) {
        cw_error_set(err, CW_EINVAL, "map of %s: inputs must be a JSON array", task);
        return NULL;
    }
    if (chunksize == 0)
        chunksize = (size_t)ex->cfg.chunksize;
    size_t count = json_array_size(inputs);
    struct cw_future **fs = malloc((count ? count : 1) * sizeof *fs);
    if (!fs) {
        cw_error_set(err, CW_ENOMEM, "out of memory");
        return NULL;
    }
    pthread_mutex_lock(&ex->lock);
    for (size_t i = 0; i < count; i++)
        fs[i] = new_future(ex, t->name, json_array_get(inputs, i), i);
    for (size_t i = 0; i < count; i += chunksize)
        cw_inv_submit(ex, t->name, fs + i, count - i < chunksize ? count - i : chunksize, 1);
    pthread_mutex_unlock(&ex->lock);
    *n = count;
    return fs;
}

/* Called with the lock held, once every map input of r is done. */
static void launch_reduce(struct cw_executor *ex, struct cw_reduce *r)
{
    json_t *results = json_array();
    for (size_t i = 0; i < r->n_maps; i++) {
        struct cw_future *m = r->maps[i];
        if (m->state != CW_FUTURE_OK) {
            char message[1200];
            snprintf(message, sizeof message, "map input %zu failed: %s", m->index,
                     m->error ? m->error : "unknown error");
            json_decref(results);
            cw_future_fail(ex, r->future, m->error_code, message);
            return;
        }
        json_array_append(results, m->result);
    }
    json_decref(r->future->input);
    r->future->input = results;
    r->future->timing.host_submit = cw_wall_now();
    cw_inv_submit(ex, r->future->task, &r->future, 1, 1);
}

struct cw_future *cw_map_reduce(struct cw_executor *ex, const char *map_task, json_t *inputs,
                                size_t chunksize, const char *reduce_task,
                                struct cw_future ***map_futures, size_t *n_map,
                                struct cw_error *err)
{
    const struct cw_task *reducer = lookup_task(ex, reduce_task, err);
    if (!reducer)
        return NULL;
    size_t n = 0;
    struct cw_future **maps = cw_map(ex, map_task, inputs, chunksize, &n, err);
    if (!maps)
        return NULL;
    struct cw_reduce *r = calloc(1, sizeof *r);
    r->maps = malloc((n ? n : 1) * sizeof *maps);
    memcpy(r->maps, maps, n * sizeof *maps);
    r->n_maps = n;
    pthread_mutex_lock(&ex->lock);
    r->future = new_future(ex, reducer->name, NULL, 0);
    r->next = ex->reduces;
    ex->reduces = r;
    for (size_t i = 0; i < n; i++) {
        maps[i]->reduce = r;
        if (!cw_future_done(maps[i]))
            r->remaining++;
    }
    if (r->remaining == 0)
        launch_reduce(ex, r);
    pthread_mutex_unlock(&ex->lock);
    if (map_futures) {
        *map_futures = maps;
        *n_map = n;
    } else {
        free(maps);
    }
    return r->future;
}

static void finished(struct cw_executor *ex, struct cw_future *f)
{
    f->timing.result_received = cw_wall_now();
    if (f->watched)
        pthread_cond_signal(&ex->result_ready);
    if (f->reduce && --f->reduce->remaining == 0) {
        launch_reduce(ex, f->reduce);
        if (f->reduce->future->watched)
            pthread_cond_signal(&ex->result_ready);
    }
}

void cw_future_succeed(struct cw_executor *ex, struct cw_future *f, json_t *result)
{
    f->state = CW_FUTURE_OK;
    f->result = result;
    ex->count_done++;
    finished(ex, f);
}

void cw_future_fail(struct cw_executor *ex, struct cw_future *f, int code, const char *message)
{
    f->state = CW_FUTURE_FAILED;
    f->error_code = code;
    free(f->error);
    f->error = strdup(message);
    ex->count_failed++;
    finished(ex, f);
}

/* Counts since the progress line began, so a second batch starts from zero. */
static void progress_counts(struct cw_executor *ex, struct cw_progress_counts *c)
{
    c->total = ex->n_futures - ex->progress_base.total;
    c->done = ex->count_done - ex->progress_base.done;
    c->failed = ex->count_failed - ex->progress_base.failed;
    c->running = cw_ex_running_inputs(ex);
}

/* Kills the workers of timed-out invocations and lets the backend reap, without the lock. */
static void poll_backend(struct cw_executor *ex)
{
    char (*kills)[64] = NULL;
    size_t n_kills = ex->n_to_kill;
    if (n_kills) {
        kills = malloc(n_kills * sizeof *kills);
        memcpy(kills, ex->to_kill, n_kills * sizeof *kills);
        ex->n_to_kill = 0;
    }
    pthread_mutex_unlock(&ex->lock);
    for (size_t i = 0; i < n_kills; i++)
        ex->backend->kill_worker(ex, kills[i]);
    free(kills);
    ex->backend->poll(ex);
    pthread_mutex_lock(&ex->lock);
}

static int satisfied(struct cw_future *const *fs, size_t n, enum cw_wait_mode mode,
                     size_t *cursor)
{
    if (mode == CW_ANY_COMPLETED) {
        for (size_t i = 0; i < n; i++)
            if (cw_future_done(fs[i]))
                return 1;
        return n == 0;
    }
    while (*cursor < n && cw_future_done(fs[*cursor]))
        (*cursor)++;
    return *cursor == n;
}

/* ALL_COMPLETED watches only the last unfinished future: results come roughly in input
 * order, so the waiter wakes about once per batch instead of once per result. */
static void watch(struct cw_future *const *fs, size_t n, enum cw_wait_mode mode, size_t cursor,
                  int on)
{
    if (mode == CW_ANY_COMPLETED || !on) {
        for (size_t i = 0; i < n; i++)
            fs[i]->watched = on;
        return;
    }
    size_t last = n;
    while (last > cursor && cw_future_done(fs[last - 1]))
        last--;
    if (last > cursor)
        fs[last - 1]->watched = 1;
}

static void sleep_until(struct cw_executor *ex, double wake_mono)
{
    struct timespec ts;
    ts.tv_sec = (time_t)wake_mono;
    ts.tv_nsec = (long)((wake_mono - (double)ts.tv_sec) * 1e9);
    pthread_cond_timedwait(&ex->result_ready, &ex->lock, &ts);
}

size_t cw_wait(struct cw_executor *ex, struct cw_future *const *fs, size_t n,
               enum cw_wait_mode mode, double timeout_s)
{
    double end = timeout_s < 0 ? INFINITY : cw_mono_now() + timeout_s;
    size_t cursor = 0;
    struct cw_progress_counts counts;
    pthread_mutex_lock(&ex->lock);
    if (!ex->progress.active) {
        cw_progress_begin(&ex->progress, ex->label);
        /* Futures already finished before this batch do not count in its progress. */
        ex->progress_base.total = ex->count_done + ex->count_failed;
        ex->progress_base.done = ex->count_done;
        ex->progress_base.failed = ex->count_failed;
    }
    for (;;) {
        double now = cw_mono_now();
        double next_event = cw_ex_tick(ex, now);
        if (ex->n_to_kill)
            poll_backend(ex);
        if (satisfied(fs, n, mode, &cursor) || mode == CW_ALWAYS || now >= end)
            break;
        if (!ex->queue_head && !ex->delayed && !ex->n_running)
            break; /* nothing can change any more */
        progress_counts(ex, &counts);
        cw_progress_update(&ex->progress, &counts, 0);
        /* No unlock between the check above and the sleep, so no wake-up is missed. Wake
         * for watched results, and at least every 50 ms to reap workers and redraw. */
        watch(fs, n, mode, cursor, 1);
        sleep_until(ex, fmin(fmin(end, next_event), now + 0.05));
        poll_backend(ex);
    }
    watch(fs, n, mode, cursor, 0);
    size_t done = 0;
    for (size_t i = 0; i < n; i++)
        done += (size_t)cw_future_done(fs[i]);
    progress_counts(ex, &counts);
    int idle = !ex->queue_head && !ex->delayed && !ex->n_running;
    pthread_mutex_unlock(&ex->lock);
    if (idle || counts.done + counts.failed == counts.total)
        cw_progress_end(&ex->progress, &counts);
    else
        cw_progress_update(&ex->progress, &counts, 1);
    return done;
}

int cw_get_results(struct cw_executor *ex, struct cw_future *const *fs, size_t n,
                   json_t **results, struct cw_error *err)
{
    cw_wait(ex, fs, n, CW_ALL_COMPLETED, -1);
    *results = json_array();
    size_t failed = 0, first_failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (fs[i]->state == CW_FUTURE_OK) {
            json_array_append(*results, fs[i]->result);
        } else {
            if (failed++ == 0)
                first_failed = i;
            json_array_append_new(*results, json_null());
        }
    }
    if (failed)
        return cw_error_set(err, CW_ETASK, "%zu of %zu tasks failed; first: input %zu: %s",
                            failed, n, fs[first_failed]->index,
                            fs[first_failed]->error ? fs[first_failed]->error : "not finished");
    return 0;
}

enum cw_future_state cw_future_state(const struct cw_future *f)
{
    return f->state;
}

int cw_future_done(const struct cw_future *f)
{
    return f->state == CW_FUTURE_OK || f->state == CW_FUTURE_FAILED;
}

const json_t *cw_future_result(const struct cw_future *f)
{
    return f->state == CW_FUTURE_OK ? f->result : NULL;
}

const char *cw_future_error(const struct cw_future *f)
{
    return f->state == CW_FUTURE_FAILED ? f->error : NULL;
}

int cw_future_error_code(const struct cw_future *f)
{
    return f->state == CW_FUTURE_FAILED ? f->error_code : 0;
}

const json_t *cw_future_input(const struct cw_future *f)
{
    return f->input;
}

const char *cw_future_task(const struct cw_future *f)
{
    return f->task;
}

size_t cw_future_index(const struct cw_future *f)
{
    return f->index;
}

const struct cw_timing *cw_future_timing(const struct cw_future *f)
{
    return &f->timing;
}
