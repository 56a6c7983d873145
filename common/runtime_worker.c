/* runtime_worker.c: the worker side of the Lambda Runtime API (a custom runtime), used by
 * local worker processes and by the Lambda bootstrap alike. One libcurl handle is reused,
 * so the connection to the API stays open between invocations. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "clock.h"
#include "fanout.h"
#include "log.h"
#include "runtime_host.h"

struct buffer {
    char *data;
    size_t len, cap;
};

struct worker {
    CURL *curl;
    char base[256]; /* http://HOST:PORT/2018-06-01/runtime */
    char id[64];
    char id_header[128];
    const struct cw_task *const *tables;
    double started; /* wall clock at process start, for the first call's setup time */
    int invocations;
    char request_id[64];
    struct buffer body;
};

static char current_request_id[64];

const char *cw_worker_current_request_id(void)
{
    return current_request_id;
}

static size_t collect_body(char *data, size_t size, size_t nmemb, void *ctx)
{
    struct buffer *b = ctx;
    size_t n = size * nmemb;
    if (b->len + n > CW_RUNTIME_MAX_BODY + 1024)
        return 0; /* larger than any payload Lambda sends: abort the transfer */
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 8192;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *bigger = realloc(b->data, cap);
        if (!bigger)
            return 0;
        b->data = bigger;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

static size_t collect_header(char *data, size_t size, size_t nmemb, void *ctx)
{
    struct worker *w = ctx;
    size_t n = size * nmemb;
    static const char name[] = "Lambda-Runtime-Aws-Request-Id:";
    if (n > sizeof name && strncasecmp(data, name, sizeof name - 1) == 0) {
        const char *v = data + sizeof name - 1;
        size_t vlen = n - (sizeof name - 1);
        while (vlen && (*v == ' ' || *v == '\t'))
            v++, vlen--;
        while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
            vlen--;
        if (vlen < sizeof w->request_id) {
            memcpy(w->request_id, v, vlen);
            w->request_id[vlen] = '\0';
        }
    }
    return n;
}

/* Performs one request; returns the HTTP status, or -1 when the API cannot be reached. */
static long perform(struct worker *w, const char *path, const char *body, size_t len)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", w->base, path);
    struct curl_slist *headers = curl_slist_append(NULL, w->id_header);
    curl_easy_setopt(w->curl, CURLOPT_URL, url);
    curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, headers);
    w->body.len = 0;
    if (body) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    } else {
        curl_easy_setopt(w->curl, CURLOPT_HTTPGET, 1L);
    }
    CURLcode rc = curl_easy_perform(w->curl);
    curl_slist_free_all(headers);
    long status = -1;
    if (rc == CURLE_OK)
        curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
    else
        cw_log_debug("worker %s: %s: %s", w->id, path, curl_easy_strerror(rc));
    return status;
}

static void post_error(struct worker *w, const char *path, const char *type, const char *message)
{
    json_t *doc = json_pack("{s:s, s:s}", "errorType", type, "errorMessage", message);
    char *text = json_dumps(doc, JSON_COMPACT);
    long status = perform(w, path, text, strlen(text));
    if (status != 202)
        cw_log_warn("worker %s: posting %s error got HTTP %ld", w->id, type, status);
    free(text);
    json_decref(doc);
}

static json_t *run_one(const struct cw_task *task, const json_t *input)
{
    struct cw_error err = {0};
    json_t *output = NULL;
    double start = cw_wall_now();
    int rc = task->fn(input, &output, &err);
    double end = cw_wall_now();
    if (rc == 0 && output)
        return json_pack("{s:b, s:o, s:f, s:f}", "ok", 1, "output", output, "start", start, "end",
                         end);
    json_decref(output);
    if (rc == 0)
        snprintf(err.message, sizeof err.message, "task %s returned no output", task->name);
    return json_pack("{s:b, s:s, s:s, s:f, s:f}", "ok", 0, "error",
                     err.message[0] ? err.message : "failed without a message", "kind",
                     cw_status_name(rc ? rc : CW_ETASK), "start", start, "end", end);
}

/* Runs one invocation payload and posts its response (or its error). */
static void handle(struct worker *w, double received)
{
    char path[160];
    json_error_t jerr;
    json_t *payload = json_loadb(w->body.data ? w->body.data : "", w->body.len, 0, &jerr);
    const char *name = json_string_value(json_object_get(payload, "task"));
    json_t *inputs = json_object_get(payload, "inputs");
    snprintf(path, sizeof path, "/invocation/%s/error", w->request_id);
    if (!payload || !name || !json_is_array(inputs)) {
        char message[300];
        snprintf(message, sizeof message, "invalid invocation payload: %s",
                 payload ? "needs \"task\" and an \"inputs\" array" : jerr.text);
        post_error(w, path, "InvalidPayload", message);
        json_decref(payload);
        return;
    }
    const struct cw_task *task = cw_task_find(w->tables, name);
    if (!task) {
        char message[300];
        snprintf(message, sizeof message, "this worker has no task '%s'", name);
        post_error(w, path, "UnknownTask", message);
        json_decref(payload);
        return;
    }
    snprintf(current_request_id, sizeof current_request_id, "%s", w->request_id);
    json_t *results = json_array();
    size_t i;
    json_t *input;
    json_array_foreach(inputs, i, input) json_array_append_new(results, run_one(task, input));
    double setup = w->invocations++ == 0 ? received - w->started : 0;
    json_t *response = json_pack("{s:{s:s, s:i, s:f}, s:o}", "worker", "id", w->id, "pid",
                                 (int)getpid(), "setup_s", setup, "results", results);
    char *text = json_dumps(response, JSON_COMPACT);
    snprintf(path, sizeof path, "/invocation/%s/response", w->request_id);
    long status = perform(w, path, text, strlen(text));
    if (status == 413) {
        snprintf(path, sizeof path, "/invocation/%s/error", w->request_id);
        post_error(w, path, "ResponseTooLarge", "the response is over the 6 MB payload limit");
    }
    else if (status != 202)
        cw_log_warn("worker %s: response to %s got HTTP %ld", w->id, w->request_id, status);
    current_request_id[0] = '\0';
    free(text);
    json_decref(response);
    json_decref(payload);
}

static void worker_identity(struct worker *w)
{
    const char *id = getenv("CWREN_WORKER");
    if (!id || !*id)
        id = getenv("AWS_LAMBDA_LOG_STREAM_NAME");
    if (id && *id) {
        snprintf(w->id, sizeof w->id, "%s", id);
    } else {
        char host[64] = "worker";
        gethostname(host, sizeof host - 1);
        snprintf(w->id, sizeof w->id, "%s-%d", host, (int)getpid());
    }
    snprintf(w->id_header, sizeof w->id_header, "%s: %s", CW_WORKER_ID_HEADER, w->id);
}

/* Connects w to the Runtime API named by AWS_LAMBDA_RUNTIME_API: its URL, its identity
 * and one reusable libcurl handle. Returns 0, or -1 with the reason logged. */
static int worker_open(struct worker *w)
{
    memset(w, 0, sizeof *w);
    w->started = cw_wall_now();
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api || !*api) {
        cw_log_error("worker: AWS_LAMBDA_RUNTIME_API is not set");
        return -1;
    }
    snprintf(w->base, sizeof w->base, "http://%s/2018-06-01/runtime", api);
    worker_identity(w);
    w->curl = curl_easy_init();
    if (!w->curl) {
        cw_log_error("worker: cannot start libcurl");
        return -1;
    }
    curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(w->curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(w->curl, CURLOPT_WRITEDATA, &w->body);
    curl_easy_setopt(w->curl, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(w->curl, CURLOPT_HEADERDATA, w);
    curl_easy_setopt(w->curl, CURLOPT_PROTOCOLS_STR, "http");
    return 0;
}

static void worker_close(struct worker *w)
{
    curl_easy_cleanup(w->curl);
    free(w->body.data);
}

int cw_worker_run(const struct cw_task *const *tables)
{
    struct worker w;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (worker_open(&w) < 0)
        return 1;
    w.tables = tables;
    for (;;) {
        w.request_id[0] = '\0';
        long status = perform(&w, "/invocation/next", NULL, 0);
        if (status < 0)
            break; /* the API went away: the controller is done with us */
        if (status != 200 || !w.request_id[0]) {
            cw_log_error("worker %s: /invocation/next answered HTTP %ld%s", w.id, status,
                         w.request_id[0] ? "" : " without a request id");
            break;
        }
        handle(&w, cw_wall_now());
    }
    worker_close(&w);
    curl_global_cleanup();
    return 0;
}

void cw_worker_report_init_error(const char *type, const char *message)
{
    struct worker w;
    if (worker_open(&w) < 0)
        return;
    post_error(&w, "/init/error", type, message);
    worker_close(&w);
}

void cw_worker_main_if_requested(const struct cw_task *const *tables)
{
    /* Local workers are marked by CWREN_WORKER; on Lambda the runtime sets AWS_LAMBDA_*. */
    if (getenv("CWREN_WORKER") || getenv("AWS_LAMBDA_FUNCTION_NAME"))
        exit(cw_worker_run(tables));
}
