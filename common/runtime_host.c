/* runtime_host.c: the Lambda Runtime API served with libmicrohttpd, one thread per worker
 * connection. A worker's GET /next blocks in its own thread until the callbacks hand out
 * an invocation, which is what a long poll against the real service looks like. */
#include "runtime_host.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define API_PREFIX "/2018-06-01/runtime/"

struct cw_runtime_host {
    struct MHD_Daemon *daemon;
    struct cw_runtime_host_callbacks cb;
    void *ctx;
    int port;
};

enum route { ROUTE_NEXT, ROUTE_RESPONSE, ROUTE_ERROR, ROUTE_INIT_ERROR, ROUTE_UNKNOWN };

/* The state of one HTTP request, kept in MHD's per-request pointer. */
struct request {
    enum route route;
    int method_ok;
    char request_id[64];
    char *body;
    size_t len, cap;
    int too_big;
    int dispatched; /* /next handed out request_id */
};

static enum route parse_route(const char *url, char *request_id, size_t cap)
{
    if (strncmp(url, API_PREFIX, strlen(API_PREFIX)) != 0)
        return ROUTE_UNKNOWN;
    const char *rest = url + strlen(API_PREFIX);
    if (strcmp(rest, "invocation/next") == 0)
        return ROUTE_NEXT;
    if (strcmp(rest, "init/error") == 0)
        return ROUTE_INIT_ERROR;
    if (strncmp(rest, "invocation/", 11) != 0)
        return ROUTE_UNKNOWN;
    const char *id = rest + 11;
    const char *slash = strchr(id, '/');
    if (!slash || slash == id || (size_t)(slash - id) >= cap)
        return ROUTE_UNKNOWN;
    memcpy(request_id, id, (size_t)(slash - id));
    request_id[slash - id] = '\0';
    if (strcmp(slash, "/response") == 0)
        return ROUTE_RESPONSE;
    if (strcmp(slash, "/error") == 0)
        return ROUTE_ERROR;
    return ROUTE_UNKNOWN;
}

/* message as a JSON string; bytes that are not valid UTF-8 become '?' so the body is
 * always valid JSON, whatever a worker put in a URL. */
static json_t *json_text(const char *message)
{
    json_t *text = json_string(message);
    if (text)
        return text;
    char *copy = strdup(message);
    for (char *p = copy; p && *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    text = json_string(copy ? copy : "");
    free(copy);
    return text;
}

static enum MHD_Result send_json(struct MHD_Connection *conn, unsigned status, const char *type,
                                 const char *message)
{
    json_t *doc = type ? json_pack("{s:s, s:o}", "errorType", type, "errorMessage",
                                   json_text(message))
                       : json_pack("{s:s}", "status", "OK");
    char *body = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (!body)
        return MHD_NO;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    enum MHD_Result rc = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result serve_next(struct cw_runtime_host *h, struct MHD_Connection *conn,
                                  struct request *r)
{
    const char *worker = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, CW_WORKER_ID_HEADER);
    struct cw_runtime_dispatch d;
    memset(&d, 0, sizeof d);
    if (h->cb.next(h->ctx, worker ? worker : "", &d) < 0)
        return MHD_NO; /* shutting down: close the connection, the worker exits */
    snprintf(r->request_id, sizeof r->request_id, "%s", d.request_id);
    r->dispatched = 1;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(d.payload_len, d.payload, MHD_RESPMEM_MUST_FREE);
    char deadline[32];
    snprintf(deadline, sizeof deadline, "%lld", (long long)(d.deadline_wall * 1000));
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "Lambda-Runtime-Aws-Request-Id", d.request_id);
    MHD_add_response_header(resp, "Lambda-Runtime-Deadline-Ms", deadline);
    MHD_add_response_header(resp, "Lambda-Runtime-Invoked-Function-Arn",
                            "arn:aws:lambda:local:000000000000:function:cwren-local");
    enum MHD_Result rc = MHD_queue_response(conn, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result serve_post(struct cw_runtime_host *h, struct MHD_Connection *conn,
                                  struct request *r)
{
    if (r->too_big)
        return send_json(conn, MHD_HTTP_CONTENT_TOO_LARGE, "RequestEntityTooLarge",
                         "body larger than the 6 MB payload limit");
    struct cw_error why = {0};
    int rc = 0;
    const char *body = r->body ? r->body : "";
    if (r->route == ROUTE_RESPONSE) {
        rc = h->cb.response(h->ctx, r->request_id, body, r->len, &why);
    } else if (r->route == ROUTE_ERROR) {
        rc = h->cb.error(h->ctx, r->request_id, body, r->len, &why);
    } else {
        const char *worker =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, CW_WORKER_ID_HEADER);
        h->cb.init_error(h->ctx, worker ? worker : "", body, r->len);
    }
    if (rc < 0)
        return send_json(conn, MHD_HTTP_BAD_REQUEST, "InvalidRequestID", why.message);
    return send_json(conn, MHD_HTTP_ACCEPTED, NULL, NULL);
}

static void append_body(struct request *r, const char *data, size_t size)
{
    if (r->too_big || r->len + size > CW_RUNTIME_MAX_BODY) {
        r->too_big = 1;
        return;
    }
    if (r->len + size + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < r->len + size + 1)
            cap *= 2;
        char *bigger = realloc(r->body, cap);
        if (!bigger) {
            r->too_big = 1;
            return;
        }
        r->body = bigger;
        r->cap = cap;
    }
    memcpy(r->body + r->len, data, size);
    r->len += size;
    r->body[r->len] = '\0';
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **state)
{
    (void)version;
    struct cw_runtime_host *h = cls;
    struct request *r = *state;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        r->route = parse_route(url, r->request_id, sizeof r->request_id);
        const char *want = r->route == ROUTE_NEXT ? "GET" : "POST";
        r->method_ok = strcmp(method, want) == 0;
        *state = r;
        /* Answering before the (empty) body is read would make MHD close the
         * connection; waiting one call keeps it alive for the worker's next request. */
        return MHD_YES;
    }
    if (*upload_size) {
        append_body(r, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->route == ROUTE_UNKNOWN)
        return send_json(conn, MHD_HTTP_NOT_FOUND, "NotFound", "no such Runtime API path");
    if (!r->method_ok)
        return send_json(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "MethodNotAllowed",
                         "wrong method for this Runtime API path");
    if (r->route == ROUTE_NEXT)
        return serve_next(h, conn, r);
    return serve_post(h, conn, r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state,
                         enum MHD_RequestTerminationCode code)
{
    (void)conn;
    struct cw_runtime_host *h = cls;
    struct request *r = *state;
    if (!r)
        return;
    if (r->dispatched && code != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        h->cb.undelivered(h->ctx, r->request_id);
    free(r->body);
    free(r);
    *state = NULL;
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    if (!cw_log_enabled(CW_LOG_DEBUG))
        return;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    cw_log_debug("runtime api: %s", line);
}

struct cw_runtime_host *cw_runtime_host_start(int port, const struct cw_runtime_host_callbacks *cb,
                                              void *ctx, struct cw_error *err)
{
    struct cw_runtime_host *h = calloc(1, sizeof *h);
    if (!h) {
        cw_error_set(err, CW_ENOMEM, "out of memory");
        return NULL;
    }
    h->cb = *cb;
    h->ctx = ctx;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_POLL | MHD_USE_ERROR_LOG;
    h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR,
                                 (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED,
                                 on_completed, h, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
                                 MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, MHD_OPTION_END);
    if (!h->daemon) {
        cw_error_set(err, CW_EIO, "cannot serve the Runtime API on 127.0.0.1:%d", port);
        free(h);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : port;
    return h;
}

int cw_runtime_host_port(const struct cw_runtime_host *host)
{
    return host->port;
}

void cw_runtime_host_stop(struct cw_runtime_host *host)
{
    if (!host)
        return;
    MHD_stop_daemon(host->daemon);
    free(host);
}
