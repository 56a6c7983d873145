/* invocation.c: the life of one invocation (a chunk of inputs sent to a worker): queued,
 * running with a deadline, answered, failed and retried. Backends call in from their own
 * threads; everything here runs under ex->lock. A retried chunk is split into single
 * inputs so that a crash or timeout is pinned on the input that caused it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fanout_internal.h"
#include "log.h"

void *cw_grow(void *array, size_t *cap, size_t need, size_t item)
{
    if (need <= *cap)
        return array;
    size_t cap2 = *cap ? *cap * 2 : 16;
    while (cap2 < need)
        cap2 *= 2;
    void *bigger = realloc(array, cap2 * item);
    if (!bigger) {
        cw_log_error("out of memory");
        abort();
    }
    *cap = cap2;
    return bigger;
}

static void build_payload(struct cw_invocation *inv)
{
    json_t *inputs = json_array();
    for (size_t i = 0; i < inv->n; i++)
        json_array_append(inputs, inv->futures[i]->input);
    json_t *payload = json_pack("{s:s, s:i, s:o}", "task", inv->task, "attempt", inv->attempt,
                                "inputs", inputs);
    free(inv->payload);
    inv->payload = json_dumps(payload, JSON_COMPACT);
    inv->payload_len = strlen(inv->payload);
    json_decref(payload);
}

static void enqueue(struct cw_executor *ex, struct cw_invocation *inv, int at_front)
{
    inv->state = CW_INV_QUEUED;
    inv->next = NULL;
    for (size_t i = 0; i < inv->n; i++)
        inv->futures[i]->state = CW_FUTURE_PENDING;
    if (!ex->queue_head) {
        ex->queue_head = ex->queue_tail = inv;
    } else if (at_front) {
        inv->next = ex->queue_head;
        ex->queue_head = inv;
    } else {
        ex->queue_tail->next = inv;
        ex->queue_tail = inv;
    }
    pthread_cond_signal(&ex->work_ready);
}

static struct cw_invocation *new_invocation(struct cw_executor *ex, const char *task,
                                            struct cw_future **futures, size_t n, int attempt)
{
    struct cw_invocation *inv = calloc(1, sizeof *inv);
    if (inv)
        inv->futures = malloc(n * sizeof *futures);
    if (!inv || !inv->futures) {
        cw_log_error("out of memory");
        abort();
    }
    memcpy(inv->futures, futures, n * sizeof *futures);
    inv->n = n;
    inv->task = task;
    inv->attempt = attempt;
    for (size_t i = 0; i < n; i++)
        futures[i]->timing.attempt = attempt;
    build_payload(inv);
    ex->invocations = cw_grow(ex->invocations, &ex->cap_invocations, ex->n_invocations + 1,
                           sizeof *ex->invocations);
    ex->invocations[ex->n_invocations++] = inv;
    return inv;
}

struct cw_invocation *cw_inv_submit(struct cw_executor *ex, const char *task,
                                    struct cw_future **futures, size_t n, int attempt)
{
    struct cw_invocation *inv = new_invocation(ex, task, futures, n, attempt);
    enqueue(ex, inv, 0);
    return inv;
}

static void remove_running(struct cw_executor *ex, struct cw_invocation *inv)
{
    for (size_t i = 0; i < ex->n_running; i++) {
        if (ex->running[i] == inv) {
            ex->running[i] = ex->running[--ex->n_running];
            return;
        }
    }
}

static struct cw_invocation *find_running(struct cw_executor *ex, const char *request_id)
{
    for (size_t i = 0; i < ex->n_running; i++)
        if (strcmp(ex->running[i]->request_id, request_id) == 0)
            return ex->running[i];
    return NULL;
}

static void schedule_retry(struct cw_executor *ex, struct cw_invocation *inv, const char *why)
{
    double sleep_s = cw_config_retry_sleep(&ex->cfg, inv->attempt + 1);
    for (size_t i = 0; i < inv->n; i++) {
        struct cw_invocation *retry =
            new_invocation(ex, inv->task, &inv->futures[i], 1, inv->attempt + 1);
        retry->state = CW_INV_DELAYED;
        retry->not_before = cw_mono_now() + sleep_s;
        retry->next = ex->delayed;
        ex->delayed = retry;
        inv->futures[i]->state = CW_FUTURE_PENDING;
        cw_log_warn("task %s input %zu: %s; retrying (attempt %d of %d) in %g s", inv->task,
                    inv->futures[i]->index, why, inv->attempt + 1, ex->cfg.retries + 1, sleep_s);
    }
}

/* Ends a running or queued invocation that failed as a whole. */
static void fail_invocation(struct cw_executor *ex, struct cw_invocation *inv, int code,
                            const char *message, int retryable)
{
    if (inv->state == CW_INV_RUNNING)
        remove_running(ex, inv);
    inv->state = CW_INV_DONE;
    if (retryable && inv->attempt <= ex->cfg.retries) {
        schedule_retry(ex, inv, message);
        return;
    }
    for (size_t i = 0; i < inv->n; i++)
        cw_future_fail(ex, inv->futures[i], code, message);
}

int cw_ex_take(struct cw_executor *ex, const char *worker_id, struct cw_runtime_dispatch *out)
{
    pthread_mutex_lock(&ex->lock);
    while (!ex->queue_head && !ex->shutting_down)
        pthread_cond_wait(&ex->work_ready, &ex->lock);
    if (ex->shutting_down) {
        pthread_mutex_unlock(&ex->lock);
        return -1;
    }
    struct cw_invocation *inv = ex->queue_head;
    ex->queue_head = inv->next;
    if (!ex->queue_head)
        ex->queue_tail = NULL;
    inv->next = NULL;
    inv->state = CW_INV_RUNNING;
    unsigned long long seq = ++ex->request_seq;
    snprintf(inv->request_id, sizeof inv->request_id, "%08x-%04x-4%03x-8%03x-%012llx",
             ex->request_salt, (unsigned)(seq >> 48) & 0xffff, (unsigned)(seq >> 36) & 0xfff,
             (unsigned)(seq >> 24) & 0xfff, seq & 0xffffffffffffULL);
    snprintf(inv->worker_id, sizeof inv->worker_id, "%s", worker_id ? worker_id : "");
    inv->deadline = cw_mono_now() + ex->cfg.timeout_s;
    inv->deadline_wall = cw_wall_now() + ex->cfg.timeout_s;
    for (size_t i = 0; i < inv->n; i++)
        inv->futures[i]->state = CW_FUTURE_RUNNING;
    ex->running =
        cw_grow(ex->running, &ex->cap_running, ex->n_running + 1, sizeof *ex->running);
    ex->running[ex->n_running++] = inv;
    ex->takes++;
    memcpy(out->request_id, inv->request_id, sizeof out->request_id);
    out->payload = malloc(inv->payload_len + 1);
    memcpy(out->payload, inv->payload, inv->payload_len + 1);
    out->payload_len = inv->payload_len;
    out->deadline_wall = inv->deadline_wall;
    pthread_mutex_unlock(&ex->lock);
    return 0;
}

void cw_ex_requeue(struct cw_executor *ex, const char *request_id)
{
    pthread_mutex_lock(&ex->lock);
    struct cw_invocation *inv = find_running(ex, request_id);
    if (inv) {
        remove_running(ex, inv);
        enqueue(ex, inv, 1);
    }
    pthread_mutex_unlock(&ex->lock);
}

/* A short printable excerpt of a body, for error messages. */
static void excerpt(const char *body, size_t len, char *out, size_t cap)
{
    size_t j = 0;
    for (size_t i = 0; i < len && j + 5 < cap && i < 60; i++) {
        unsigned char c = (unsigned char)body[i];
        j += (size_t)snprintf(out + j, cap - j, (c >= 32 && c < 127) ? "%c" : "\\x%02x", c);
    }
    out[j] = '\0';
    if (len > 60 && j + 4 < cap)
        strcat(out, "...");
}

static int worker_timing(const json_t *entry, const char *key, double *out)
{
    json_t *v = json_object_get(entry, key);
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return 0;
}

/* Checks a response's shape before touching any future, so a bad one changes nothing. */
static const char *check_response(const json_t *doc, size_t n)
{
    json_t *results = json_object_get(doc, "results");
    if (!json_is_array(results))
        return "no \"results\" array";
    if (json_array_size(results) != n)
        return "\"results\" has the wrong number of entries";
    size_t i;
    json_t *entry;
    json_array_foreach(results, i, entry)
    {
        if (!json_is_object(entry) || !json_is_boolean(json_object_get(entry, "ok")))
            return "a result without a boolean \"ok\"";
        if (json_is_true(json_object_get(entry, "ok")) && !json_object_get(entry, "output"))
            return "a successful result without \"output\"";
    }
    return NULL;
}

static void apply_response(struct cw_executor *ex, struct cw_invocation *inv, const json_t *doc)
{
    json_t *worker = json_object_get(doc, "worker");
    const char *worker_id = json_string_value(json_object_get(worker, "id"));
    double setup = json_number_value(json_object_get(worker, "setup_s"));
    json_t *results = json_object_get(doc, "results");
    remove_running(ex, inv);
    inv->state = CW_INV_DONE;
    for (size_t i = 0; i < inv->n; i++) {
        struct cw_future *f = inv->futures[i];
        json_t *entry = json_array_get(results, i);
        snprintf(f->timing.worker_id, sizeof f->timing.worker_id, "%s",
                 worker_id ? worker_id : inv->worker_id);
        worker_timing(entry, "start", &f->timing.worker_start);
        worker_timing(entry, "end", &f->timing.worker_end);
        f->timing.worker_setup = i == 0 ? setup : 0;
        if (json_is_true(json_object_get(entry, "ok"))) {
            cw_future_succeed(ex, f, json_incref(json_object_get(entry, "output")));
        } else {
            const char *msg = json_string_value(json_object_get(entry, "error"));
            cw_future_fail(ex, f, CW_ETASK, msg ? msg : "task failed without a message");
        }
    }
}

int cw_ex_response(struct cw_executor *ex, const char *request_id, const char *body, size_t len,
                   struct cw_error *why)
{
    json_error_t jerr;
    json_t *doc = json_loadb(body, len, 0, &jerr);
    pthread_mutex_lock(&ex->lock);
    struct cw_invocation *inv = find_running(ex, request_id);
    if (!inv) {
        pthread_mutex_unlock(&ex->lock);
        json_decref(doc);
        return cw_error_set(why, CW_ENOTFOUND,
                            "no running invocation %s (unknown, timed out or answered)",
                            request_id);
    }
    const char *problem = doc ? check_response(doc, inv->n) : jerr.text;
    if (problem) {
        char text[300], message[700];
        excerpt(body, len, text, sizeof text);
        snprintf(message, sizeof message, "worker %s sent an invalid response: %s (body: '%s')",
                 inv->worker_id[0] ? inv->worker_id : "?", problem, text);
        fail_invocation(ex, inv, CW_EPROTO, message, 1);
    } else {
        apply_response(ex, inv, doc);
    }
    pthread_mutex_unlock(&ex->lock);
    json_decref(doc);
    return 0;
}

int cw_ex_invocation_error(struct cw_executor *ex, const char *request_id, const char *body,
                           size_t len, struct cw_error *why)
{
    json_t *doc = json_loadb(body, len, 0, NULL);
    const char *type = json_string_value(json_object_get(doc, "errorType"));
    const char *text = json_string_value(json_object_get(doc, "errorMessage"));
    char message[900];
    if (text)
        snprintf(message, sizeof message, "%s%s%s", type ? type : "", type ? ": " : "", text);
    else
        excerpt(body, len, message, sizeof message);
    pthread_mutex_lock(&ex->lock);
    struct cw_invocation *inv = find_running(ex, request_id);
    if (inv)
        fail_invocation(ex, inv, CW_ETASK, message, 0);
    pthread_mutex_unlock(&ex->lock);
    json_decref(doc);
    if (!inv)
        return cw_error_set(why, CW_ENOTFOUND, "no running invocation %s", request_id);
    return 0;
}

int cw_ex_fail_worker(struct cw_executor *ex, const char *worker_id, int code,
                      const char *message)
{
    int found = 0;
    pthread_mutex_lock(&ex->lock);
    for (size_t i = 0; i < ex->n_running; i++) {
        struct cw_invocation *inv = ex->running[i];
        if (strcmp(inv->worker_id, worker_id) == 0) {
            fail_invocation(ex, inv, code, message, 1);
            found = 1;
            break;
        }
    }
    pthread_mutex_unlock(&ex->lock);
    return found;
}

void cw_ex_fail_all_queued(struct cw_executor *ex, int code, const char *message)
{
    pthread_mutex_lock(&ex->lock);
    while (ex->queue_head) {
        struct cw_invocation *inv = ex->queue_head;
        ex->queue_head = inv->next;
        fail_invocation(ex, inv, code, message, 0);
    }
    ex->queue_tail = NULL;
    while (ex->delayed) {
        struct cw_invocation *inv = ex->delayed;
        ex->delayed = inv->next;
        fail_invocation(ex, inv, code, message, 0);
    }
    pthread_mutex_unlock(&ex->lock);
}

int cw_ex_has_work(struct cw_executor *ex)
{
    pthread_mutex_lock(&ex->lock);
    int busy = ex->queue_head || ex->delayed || ex->n_running;
    pthread_mutex_unlock(&ex->lock);
    return busy;
}

size_t cw_ex_running_inputs(struct cw_executor *ex)
{
    size_t n = 0;
    for (size_t i = 0; i < ex->n_running; i++)
        n += ex->running[i]->n;
    return n;
}

static double release_due_retries(struct cw_executor *ex, double now)
{
    double next = INFINITY;
    struct cw_invocation **link = &ex->delayed;
    while (*link) {
        struct cw_invocation *inv = *link;
        if (inv->not_before <= now) {
            *link = inv->next;
            enqueue(ex, inv, 0);
        } else {
            next = fmin(next, inv->not_before);
            link = &inv->next;
        }
    }
    return next;
}

static void remember_kill(struct cw_executor *ex, const char *worker_id)
{
    ex->to_kill = cw_grow(ex->to_kill, &ex->cap_to_kill, ex->n_to_kill + 1, sizeof *ex->to_kill);
    snprintf(ex->to_kill[ex->n_to_kill++], sizeof *ex->to_kill, "%s", worker_id);
}

static double time_out_overdue(struct cw_executor *ex, double now)
{
    double next = INFINITY;
    for (size_t i = 0; i < ex->n_running;) {
        struct cw_invocation *inv = ex->running[i];
        if (inv->deadline > now) {
            next = fmin(next, inv->deadline);
            i++;
            continue;
        }
        char message[200];
        snprintf(message, sizeof message, "timed out after %g s on worker %s", ex->cfg.timeout_s,
                 inv->worker_id[0] ? inv->worker_id : "?");
        if (inv->worker_id[0])
            remember_kill(ex, inv->worker_id);
        fail_invocation(ex, inv, CW_ETIMEOUT, message, 1); /* removes running[i] */
    }
    return next;
}

double cw_ex_tick(struct cw_executor *ex, double now)
{
    double next_retry = release_due_retries(ex, now);
    double next_deadline = time_out_overdue(ex, now);
    return fmin(next_retry, next_deadline);
}
