/* test_runtime_host.c: the Lambda Runtime API host on 127.0.0.1, spoken to over HTTP with
 * libcurl: what /next hands out and its headers, bodies reaching the callbacks byte for byte,
 * error statuses (400, 404, 405, 413), long polls, shutdown and connection reuse. */
#include <criterion/criterion.h>

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "runtime_host.h"

#define API "/2018-06-01/runtime"
#define PAYLOAD "{\"input\":[1,2,3],\"task\":\"lab1.add7\"}"
#define DEADLINE 1700000000.5 /* epoch seconds; exact in binary */

/* ---- the callbacks' side: what the host called, recorded for the test thread ---- */

struct recorded {
    int calls;
    char request_id[64];
    char worker_id[64];
    unsigned char *body;
    size_t len;
};

struct fake {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int next_calls;
    char next_worker[64];
    int release;              /* lets one blocked next() hand out "req-2" */
    int shutting_down;        /* makes next() return -1 */
    int fail_posts;           /* response/error callbacks refuse with a message */
    const char *fail_message; /* that message instead of the usual one */
    int undelivered;
    struct recorded response, error, init_error;
};

static struct fake fake = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .changed = PTHREAD_COND_INITIALIZER,
};
static struct cw_runtime_host *host;
static int port;
static CURL *curl;

static int fake_next(void *ctx, const char *worker_id, struct cw_runtime_dispatch *out)
{
    struct fake *f = ctx;
    pthread_mutex_lock(&f->lock);
    int call = ++f->next_calls;
    snprintf(f->next_worker, sizeof f->next_worker, "%s", worker_id);
    pthread_cond_broadcast(&f->changed);
    if (call > 1) {
        while (!f->release && !f->shutting_down)
            pthread_cond_wait(&f->changed, &f->lock);
        if (f->shutting_down) {
            pthread_mutex_unlock(&f->lock);
            return -1;
        }
        f->release = 0;
    }
    pthread_mutex_unlock(&f->lock);
    snprintf(out->request_id, sizeof out->request_id, "%s", call == 1 ? "req-1" : "req-2");
    out->payload = strdup(PAYLOAD);
    out->payload_len = strlen(PAYLOAD);
    out->deadline_wall = DEADLINE;
    return 0;
}

static void fake_undelivered(void *ctx, const char *request_id)
{
    (void)request_id;
    struct fake *f = ctx;
    pthread_mutex_lock(&f->lock);
    f->undelivered++;
    pthread_mutex_unlock(&f->lock);
}

static void record(struct fake *f, struct recorded *r, const char *request_id,
                   const char *worker_id, const char *body, size_t len)
{
    pthread_mutex_lock(&f->lock);
    r->calls++;
    snprintf(r->request_id, sizeof r->request_id, "%s", request_id ? request_id : "");
    snprintf(r->worker_id, sizeof r->worker_id, "%s", worker_id ? worker_id : "");
    free(r->body);
    r->body = malloc(len + 1);
    memcpy(r->body, body, len);
    r->len = len;
    pthread_cond_broadcast(&f->changed);
    pthread_mutex_unlock(&f->lock);
}

static int fake_response(void *ctx, const char *request_id, const char *body, size_t len,
                         struct cw_error *why)
{
    struct fake *f = ctx;
    record(f, &f->response, request_id, NULL, body, len);
    if (f->fail_posts && f->fail_message)
        return cw_error_set(why, CW_EINVAL, "%s", f->fail_message);
    if (f->fail_posts)
        return cw_error_set(why, CW_ENOTFOUND, "no running invocation %s", request_id);
    return 0;
}

static int fake_error(void *ctx, const char *request_id, const char *body, size_t len,
                      struct cw_error *why)
{
    struct fake *f = ctx;
    record(f, &f->error, request_id, NULL, body, len);
    if (f->fail_posts)
        return cw_error_set(why, CW_ENOTFOUND, "invocation %s already answered", request_id);
    return 0;
}

static void fake_init_error(void *ctx, const char *worker_id, const char *body, size_t len)
{
    struct fake *f = ctx;
    record(f, &f->init_error, NULL, worker_id, body, len);
}

static const struct cw_runtime_host_callbacks callbacks = {
    .next = fake_next,
    .undelivered = fake_undelivered,
    .response = fake_response,
    .error = fake_error,
    .init_error = fake_init_error,
};

/* Waits (up to 2 s) until next() has been called `calls` times. */
static int wait_next_calls(int calls)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 2;
    pthread_mutex_lock(&fake.lock);
    int rc = 0;
    while (fake.next_calls < calls && rc == 0)
        rc = pthread_cond_timedwait(&fake.changed, &fake.lock, &until);
    int reached = fake.next_calls >= calls;
    pthread_mutex_unlock(&fake.lock);
    return reached;
}

/* ---- the worker's side: HTTP with libcurl ---- */

struct reply {
    CURLcode rc;
    long status;
    long connects; /* new connections this request made */
    char *body;
    size_t len;
    char headers[4096];
};

static size_t on_body(char *data, size_t size, size_t n, void *userdata)
{
    struct reply *r = userdata;
    char *bigger = realloc(r->body, r->len + size * n + 1);
    if (!bigger)
        return 0;
    r->body = bigger;
    memcpy(r->body + r->len, data, size * n);
    r->len += size * n;
    r->body[r->len] = '\0';
    return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *userdata)
{
    struct reply *r = userdata;
    size_t used = strlen(r->headers);
    snprintf(r->headers + used, sizeof r->headers - used, "%.*s", (int)(size * n), data);
    return size * n;
}

static CURL *new_handle(void)
{
    CURL *h = curl_easy_init();
    cr_assert(h);
    curl_easy_setopt(h, CURLOPT_PROXY, ""); /* never a proxy from the environment */
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    return h;
}

/* One request on handle h: GET when body is NULL, else POST. The reply's body is freed by
 * free_reply. */
static struct reply request(CURL *h, const char *path, const char *body, size_t len,
                            const char *worker_id)
{
    struct reply r;
    memset(&r, 0, sizeof r);
    r.status = -1;
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    struct curl_slist *headers = NULL;
    if (worker_id) {
        char line[128];
        snprintf(line, sizeof line, "%s: %s", CW_WORKER_ID_HEADER, worker_id);
        headers = curl_slist_append(headers, line);
    }
    if (body)
        headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &r);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    r.rc = curl_easy_perform(h);
    curl_slist_free_all(headers);
    if (r.rc == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
        curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &r.connects);
    }
    return r;
}

static struct reply get(const char *path, const char *worker_id)
{
    return request(curl, path, NULL, 0, worker_id);
}

static struct reply post(const char *path, const char *body, size_t len)
{
    return request(curl, path, body, len, NULL);
}

static void free_reply(struct reply *r)
{
    free(r->body);
    r->body = NULL;
}

/* The value of a response header (case-insensitive name), or NULL. */
static const char *header(const struct reply *r, const char *name)
{
    static char value[256];
    size_t n = strlen(name);
    for (const char *line = r->headers; *line;) {
        const char *end = strstr(line, "\r\n");
        if (!end)
            end = line + strlen(line);
        if ((size_t)(end - line) > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            snprintf(value, sizeof value, "%.*s", (int)(end - v), v);
            return value;
        }
        line = *end ? end + 2 : end;
    }
    return NULL;
}

/* Checks a JSON error body: {"errorType": type, "errorMessage": message}. */
static void assert_error_body(const struct reply *r, const char *type, const char *message)
{
    json_error_t jerr;
    json_t *doc = json_loadb(r->body ? r->body : "", r->len, 0, &jerr);
    cr_assert(doc, "body is not JSON (%s): %s", jerr.text, r->body ? r->body : "");
    cr_assert_eq(json_object_size(doc), 2, "%s", r->body);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "errorType")), type);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "errorMessage")), message);
    json_decref(doc);
    const char *ctype = header(r, "Content-Type");
    cr_assert(ctype && strcmp(ctype, "application/json") == 0, "Content-Type %s", ctype);
}

static void assert_accepted(struct reply *r)
{
    cr_assert_eq(r->rc, CURLE_OK, "%s", curl_easy_strerror(r->rc));
    cr_assert_eq(r->status, 202, "status %ld: %s", r->status, r->body);
    cr_assert_str_eq(r->body, "{\"status\":\"OK\"}");
}

/* ---- fixture ---- */

static void setup(void)
{
    cr_assert_eq(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
    struct cw_error err = {0};
    host = cw_runtime_host_start(0, &callbacks, &fake, &err);
    cr_assert(host, "start: %s", err.message);
    port = cw_runtime_host_port(host);
    cr_assert_gt(port, 0);
    curl = new_handle();
}

/* Always able to stop: blocked next() calls return -1 once shutting_down is set. */
static void teardown(void)
{
    pthread_mutex_lock(&fake.lock);
    fake.shutting_down = 1;
    pthread_cond_broadcast(&fake.changed);
    pthread_mutex_unlock(&fake.lock);
    if (curl)
        curl_easy_cleanup(curl);
    curl = NULL;
    cw_runtime_host_stop(host);
    host = NULL;
    curl_global_cleanup();
}

TestSuite(runtime_host, .init = setup, .fini = teardown, .timeout = 10);

/* ---- /next ---- */

Test(runtime_host, next_hands_out_payload_and_headers)
{
    struct reply r = get(API "/invocation/next", NULL);
    cr_assert_eq(r.rc, CURLE_OK, "%s", curl_easy_strerror(r.rc));
    cr_assert_eq(r.status, 200);
    cr_assert_eq(r.len, strlen(PAYLOAD));
    cr_assert_str_eq(r.body, PAYLOAD);
    cr_assert_str_eq(header(&r, "Lambda-Runtime-Aws-Request-Id"), "req-1");
    cr_assert_str_eq(header(&r, "Lambda-Runtime-Deadline-Ms"), "1700000000500");
    cr_assert_str_eq(header(&r, "Content-Type"), "application/json");
    cr_assert_not_null(header(&r, "Lambda-Runtime-Invoked-Function-Arn"));
    cr_assert_eq(fake.next_calls, 1);
    cr_assert_str_eq(fake.next_worker, "", "no worker header: empty worker id");
    free_reply(&r);
}

Test(runtime_host, worker_id_header_reaches_next)
{
    struct reply r = get(API "/invocation/next", "worker-7");
    cr_assert_eq(r.status, 200);
    pthread_mutex_lock(&fake.lock);
    cr_assert_str_eq(fake.next_worker, "worker-7");
    pthread_mutex_unlock(&fake.lock);
    free_reply(&r);
}

/* A worker's /next blocks in its own thread while other workers are served. */
struct poller {
    pthread_t thread;
    CURL *handle;
    struct reply reply;
};

static void *poll_next(void *arg)
{
    struct poller *p = arg;
    p->reply = request(p->handle, API "/invocation/next", NULL, 0, "poller");
    return NULL;
}

Test(runtime_host, long_poll_blocks_without_holding_up_other_workers)
{
    struct reply first = get(API "/invocation/next", NULL);
    cr_assert_eq(first.status, 200);
    free_reply(&first);

    struct poller p = {.handle = new_handle()};
    cr_assert_eq(pthread_create(&p.thread, NULL, poll_next, &p), 0);
    cr_assert(wait_next_calls(2), "the second /next never reached the callback");

    /* while that worker waits, another one posts its response */
    struct reply r = post(API "/invocation/req-1/response", "7", 1);
    assert_accepted(&r);
    free_reply(&r);

    pthread_mutex_lock(&fake.lock);
    fake.release = 1;
    pthread_cond_broadcast(&fake.changed);
    pthread_mutex_unlock(&fake.lock);
    pthread_join(p.thread, NULL);
    cr_assert_eq(p.reply.rc, CURLE_OK, "%s", curl_easy_strerror(p.reply.rc));
    cr_assert_eq(p.reply.status, 200);
    cr_assert_str_eq(header(&p.reply, "Lambda-Runtime-Aws-Request-Id"), "req-2");
    cr_assert_str_eq(p.reply.body, PAYLOAD);
    free_reply(&p.reply);
    curl_easy_cleanup(p.handle);
    cr_assert_eq(fake.undelivered, 0);
}

Test(runtime_host, next_returning_minus_one_closes_the_connection)
{
    struct reply first = get(API "/invocation/next", NULL);
    free_reply(&first);
    struct poller p = {.handle = new_handle()};
    cr_assert_eq(pthread_create(&p.thread, NULL, poll_next, &p), 0);
    cr_assert(wait_next_calls(2));
    pthread_mutex_lock(&fake.lock);
    fake.shutting_down = 1;
    pthread_cond_broadcast(&fake.changed);
    pthread_mutex_unlock(&fake.lock);
    pthread_join(p.thread, NULL);
    cr_assert_eq(p.reply.rc, CURLE_GOT_NOTHING, "got %s, status %ld",
                 curl_easy_strerror(p.reply.rc), p.reply.status);
    cr_assert_eq(fake.undelivered, 0, "nothing was handed out, so nothing is undelivered");
    free_reply(&p.reply);
    curl_easy_cleanup(p.handle);
}

/* ---- responses and errors ---- */

Test(runtime_host, response_body_reaches_the_callback_byte_for_byte)
{
    unsigned char body[1000];
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (unsigned char)(i * 7 + 3); /* every byte value, NULs included */
    struct reply r = post(API "/invocation/req-1/response", (const char *)body, sizeof body);
    assert_accepted(&r);
    pthread_mutex_lock(&fake.lock);
    cr_assert_eq(fake.response.calls, 1);
    cr_assert_str_eq(fake.response.request_id, "req-1");
    cr_assert_eq(fake.response.len, sizeof body);
    cr_assert_eq(memcmp(fake.response.body, body, sizeof body), 0);
    cr_assert_eq(fake.error.calls, 0);
    pthread_mutex_unlock(&fake.lock);
    free_reply(&r);
}

Test(runtime_host, empty_response_body_reaches_the_callback)
{
    struct reply r = post(API "/invocation/req-1/response", "", 0);
    assert_accepted(&r);
    cr_assert_eq(fake.response.calls, 1);
    cr_assert_eq(fake.response.len, 0);
    free_reply(&r);
}

Test(runtime_host, refused_response_gives_400_with_the_message)
{
    fake.fail_posts = 1;
    struct reply r = post(API "/invocation/req-9/response", "{}", 2);
    cr_assert_eq(r.rc, CURLE_OK);
    cr_assert_eq(r.status, 400);
    assert_error_body(&r, "InvalidRequestID", "no running invocation req-9");
    cr_assert_eq(fake.response.calls, 1);
    cr_assert_str_eq(fake.response.request_id, "req-9");
    free_reply(&r);
}

Test(runtime_host, error_post_reaches_the_error_callback)
{
    const char *body = "{\"errorMessage\":\"boom\",\"errorType\":\"Runtime.ExitError\"}";
    struct reply r = post(API "/invocation/req-1/error", body, strlen(body));
    assert_accepted(&r);
    pthread_mutex_lock(&fake.lock);
    cr_assert_eq(fake.error.calls, 1);
    cr_assert_str_eq(fake.error.request_id, "req-1");
    cr_assert_eq(fake.error.len, strlen(body));
    cr_assert_eq(memcmp(fake.error.body, body, strlen(body)), 0);
    cr_assert_eq(fake.response.calls, 0);
    pthread_mutex_unlock(&fake.lock);
    free_reply(&r);
}

Test(runtime_host, refused_error_gives_400_with_the_message)
{
    fake.fail_posts = 1;
    struct reply r = post(API "/invocation/req-1/error", "{}", 2);
    cr_assert_eq(r.status, 400);
    assert_error_body(&r, "InvalidRequestID", "invocation req-1 already answered");
    free_reply(&r);
}

Test(runtime_host, init_error_reaches_the_callback_with_the_worker_id)
{
    const char *body = "{\"errorMessage\":\"no handler\",\"errorType\":\"Runtime.InitError\"}";
    struct reply r = request(curl, API "/init/error", body, strlen(body), "worker-3");
    assert_accepted(&r);
    pthread_mutex_lock(&fake.lock);
    cr_assert_eq(fake.init_error.calls, 1);
    cr_assert_str_eq(fake.init_error.worker_id, "worker-3");
    cr_assert_eq(fake.init_error.len, strlen(body));
    cr_assert_eq(memcmp(fake.init_error.body, body, strlen(body)), 0);
    pthread_mutex_unlock(&fake.lock);
    free_reply(&r);
}

/* ---- routing ---- */

static void assert_not_found(const char *path, int is_post)
{
    struct reply r = is_post ? post(path, "{}", 2) : get(path, NULL);
    cr_assert_eq(r.rc, CURLE_OK, "%s: %s", path, curl_easy_strerror(r.rc));
    cr_assert_eq(r.status, 404, "%s: status %ld", path, r.status);
    assert_error_body(&r, "NotFound", "no such Runtime API path");
    free_reply(&r);
}

Test(runtime_host, unknown_paths_give_404)
{
    assert_not_found("/", 0);
    assert_not_found("/2018-06-01/runtime/invocation/nextx", 0);
    assert_not_found("/2018-06-01/runtime/bogus", 0);
    assert_not_found("/2015-03-31/functions/f/invocations", 1);
    assert_not_found(API "/invocation/req-1/answer", 1);
    assert_not_found(API "/invocation//response", 1);
    assert_not_found(API "/invocation/req-1", 1);
    assert_not_found(API "/init/error/more", 1);
    /* a request id longer than the host keeps */
    assert_not_found(API "/invocation/"
                         "0123456789012345678901234567890123456789012345678901234567890123"
                         "/response",
                     1);
    cr_assert_eq(fake.next_calls + fake.response.calls + fake.error.calls + fake.init_error.calls,
                 0, "no callback runs for an unknown path");
}

Test(runtime_host, wrong_method_gives_405)
{
    struct reply r = get(API "/invocation/req-1/response", NULL);
    cr_assert_eq(r.status, 405);
    assert_error_body(&r, "MethodNotAllowed", "wrong method for this Runtime API path");
    free_reply(&r);
    r = post(API "/invocation/next", "{}", 2);
    cr_assert_eq(r.status, 405);
    free_reply(&r);
    r = get(API "/init/error", NULL);
    cr_assert_eq(r.status, 405);
    free_reply(&r);
    cr_assert_eq(fake.next_calls + fake.response.calls + fake.init_error.calls, 0);
}

/* ---- body size limit ---- */

Test(runtime_host, body_over_the_limit_gives_413_and_never_reaches_the_callback)
{
    size_t len = CW_RUNTIME_MAX_BODY + 1;
    char *body = malloc(len);
    cr_assert(body);
    memset(body, 'x', len);
    struct reply r = post(API "/invocation/req-1/response", body, len);
    free(body);
    cr_assert_eq(r.rc, CURLE_OK, "%s", curl_easy_strerror(r.rc));
    cr_assert_eq(r.status, 413);
    assert_error_body(&r, "RequestEntityTooLarge", "body larger than the 6 MB payload limit");
    cr_assert_eq(fake.response.calls, 0);
    free_reply(&r);
}

Test(runtime_host, body_at_the_limit_is_accepted_whole)
{
    size_t len = CW_RUNTIME_MAX_BODY;
    char *body = malloc(len);
    cr_assert(body);
    for (size_t i = 0; i < len; i++)
        body[i] = (char)('a' + i % 26);
    struct reply r = post(API "/invocation/req-1/error", body, len);
    assert_accepted(&r);
    pthread_mutex_lock(&fake.lock);
    cr_assert_eq(fake.error.calls, 1);
    cr_assert_eq(fake.error.len, len);
    cr_assert_eq(memcmp(fake.error.body, body, len), 0);
    pthread_mutex_unlock(&fake.lock);
    free(body);
    free_reply(&r);
}

/* ---- connections ---- */

Test(runtime_host, requests_on_one_handle_reuse_one_connection)
{
    struct reply a = get(API "/invocation/next", "w1");
    cr_assert_eq(a.status, 200);
    cr_assert_eq(a.connects, 1, "the first request opens a connection");
    struct reply b = post(API "/invocation/req-1/response", "{\"ok\":1}", 8);
    assert_accepted(&b);
    cr_assert_eq(b.connects, 0, "the response must go over the same connection");
    struct reply c = post(API "/invocation/req-1/error", "{}", 2);
    assert_accepted(&c);
    cr_assert_eq(c.connects, 0);
    struct reply d = get(API "/nothing-here", NULL);
    cr_assert_eq(d.status, 404);
    struct reply e = post(API "/invocation/req-1/response", "{}", 2);
    cr_assert_eq(e.connects, 0, "a 404 does not cost the worker its connection");
    free_reply(&a);
    free_reply(&b);
    free_reply(&c);
    free_reply(&d);
    free_reply(&e);
}

Test(runtime_host, port_in_use_is_an_error)
{
    struct cw_error err = {0};
    struct cw_runtime_host *other = cw_runtime_host_start(port, &callbacks, &fake, &err);
    if (other)
        cw_runtime_host_stop(other);
    cr_assert_null(other, "a second host started on port %d", port);
    cr_assert_eq(err.code, CW_EIO);
    char want[128];
    snprintf(want, sizeof want, "cannot serve the Runtime API on 127.0.0.1:%d", port);
    cr_assert_str_eq(err.message, want);
}

/* A request id taken from the URL ("%FF" decodes to the byte 0xFF) ends up in the error
 * message, which is then not valid UTF-8; the 400 body must still be JSON. */
Test(runtime_host, refused_post_with_a_non_utf8_request_id_still_gives_a_json_body)
{
    fake.fail_posts = 1;
    struct reply r = post(API "/invocation/id%FF/response", "{}", 2);
    cr_assert_eq(r.rc, CURLE_OK);
    cr_assert_eq(r.status, 400);
    pthread_mutex_lock(&fake.lock);
    cr_assert_str_eq(fake.response.request_id, "id\xff", "MHD decodes the path");
    pthread_mutex_unlock(&fake.lock);
    char text[64];
    snprintf(text, sizeof text, "%s", r.body ? r.body : "");
    json_t *doc = json_loadb(r.body ? r.body : "", r.len, 0, NULL);
    free_reply(&r);
    cr_assert(doc, "the 400 body is not JSON: '%s'", text);
    const char *type = json_string_value(json_object_get(doc, "errorType"));
    int type_ok = type && strcmp(type, "InvalidRequestID") == 0;
    json_decref(doc);
    cr_assert(type_ok, "errorType is not InvalidRequestID");
}

/* A message that grows when escaped (quotes double, control characters become six-byte
 * escapes) must come back whole as valid JSON: 1000 bytes, half quotes, 1500 escaped. */
Test(runtime_host, refused_post_with_a_long_escaped_message_still_gives_a_json_body)
{
    static char message[1001];
    for (size_t i = 0; i < sizeof message - 1; i++)
        message[i] = i % 2 ? '"' : 'q';
    fake.fail_posts = 1;
    fake.fail_message = message;
    struct reply r = post(API "/invocation/req-1/response", "{}", 2);
    cr_assert_eq(r.status, 400);
    json_t *doc = json_loadb(r.body ? r.body : "", r.len, 0, NULL);
    size_t len = r.len;
    free_reply(&r);
    cr_assert(doc, "the 400 body (%zu bytes) is not JSON", len);
    const char *got = json_string_value(json_object_get(doc, "errorMessage"));
    int same = got && strcmp(got, message) == 0;
    json_decref(doc);
    cr_assert(same, "errorMessage is not the message");
}
