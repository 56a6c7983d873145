/* store.c: the backend-independent half of the object store. A URL's scheme picks the
 * backend from one table of ops; keys are checked here, once, so no backend ever sees a
 * key that could escape its root, and the buffer conveniences are built on the streams. */
#include "store.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KEY_MAX 1024
/* Long keys are cut in messages so the reason still fits after them. */
#define KEY_SHOWN_MAX 160

/* Adding a backend: define its ops in its own file and list it here. */
static const struct cw_store_ops *const backends[] = {
    &cw_store_file_ops,
};

#define BACKEND_COUNT (sizeof backends / sizeof backends[0])

/* A plain path (no "scheme://") is a directory for the file backend. */
static const char *const default_scheme = "file";

static const struct cw_store_ops *find_backend(const char *scheme, size_t scheme_len)
{
    for (size_t i = 0; i < BACKEND_COUNT; i++) {
        const char *name = backends[i]->scheme;
        if (strlen(name) == scheme_len && strncasecmp(name, scheme, scheme_len) == 0)
            return backends[i];
    }
    return NULL;
}

static void describe_schemes(char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < BACKEND_COUNT && used < cap; i++) {
        int n = snprintf(out + used, cap - used, "%s%s://", i ? ", " : "", backends[i]->scheme);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* RFC 3986: a letter, then letters, digits, '+', '-' or '.'. Anything else before "://"
 * (a '/' for instance) means the whole string is a path that happens to contain "://". */
static bool is_scheme(const char *s, size_t len)
{
    if (len == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    for (size_t i = 1; i < len; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '+' || c == '-' || c == '.';
        if (!ok)
            return false;
    }
    return true;
}

/* Splits url into backend and the location that backend is handed. */
static int pick_backend(const char *url, const struct cw_store_ops **ops, const char **location,
                        struct cw_error *err)
{
    const char *sep = strstr(url, "://");
    if (!sep || !is_scheme(url, (size_t)(sep - url))) {
        *ops = find_backend(default_scheme, strlen(default_scheme));
        *location = url;
        return 0;
    }
    *ops = find_backend(url, (size_t)(sep - url));
    *location = sep + 3;
    if (*ops)
        return 0;
    char schemes[256];
    describe_schemes(schemes, sizeof schemes);
    return cw_error_set(err, CW_EINVAL, "store %s: unknown URL scheme \"%.*s\" (supported: %s)",
                        url, (int)(sep - url), url, schemes);
}

struct cw_store *cw_store_open(const char *url, struct cw_error *err)
{
    if (!url || !*url) {
        cw_error_set(err, CW_EINVAL, "store: no URL or directory given");
        return NULL;
    }
    if (strlen(url) >= sizeof((struct cw_store *)0)->url) {
        cw_error_set(err, CW_EINVAL, "store %.64s...: URL is longer than %zu bytes", url,
                     sizeof((struct cw_store *)0)->url - 1);
        return NULL;
    }
    const struct cw_store_ops *ops;
    const char *location;
    if (pick_backend(url, &ops, &location, err) < 0)
        return NULL;
    struct cw_store *store = calloc(1, sizeof *store);
    if (!store) {
        cw_error_set(err, CW_ENOMEM, "store %s: out of memory", url);
        return NULL;
    }
    store->ops = ops;
    strcpy(store->url, url); /* length checked above */
    if (ops->open(store, location, err) < 0) {
        free(store);
        return NULL;
    }
    return store;
}

void cw_store_close(struct cw_store *store)
{
    if (!store)
        return;
    if (store->ops->close)
        store->ops->close(store);
    free(store);
}

/* Writes key into out as a C-style quoted string, so control characters in a rejected key
 * cannot garble the message that reports it. */
static void quote_key(char *out, size_t cap, const char *key)
{
    size_t used = 0;
    out[used++] = '"';
    const unsigned char *p = (const unsigned char *)key;
    for (; *p && used + 8 < cap && p - (const unsigned char *)key < KEY_SHOWN_MAX; p++) {
        if (*p < 0x20 || *p == 0x7f)
            used += (size_t)snprintf(out + used, cap - used, "\\x%02x", *p);
        else if (*p == '"' || *p == '\\')
            used += (size_t)snprintf(out + used, cap - used, "\\%c", *p);
        else
            out[used++] = (char)*p;
    }
    snprintf(out + used, cap - used, "%s\"", *p ? "..." : "");
}

static int bad_key(struct cw_error *err, const char *key, const char *why)
{
    char shown[KEY_SHOWN_MAX * 4 + 16];
    quote_key(shown, sizeof shown, key);
    return cw_error_set(err, CW_EINVAL, "invalid key %s: %s", shown, why);
}

/* Judges one segment: the bytes in [start, end). */
static const char *segment_problem(const char *start, const char *end)
{
    size_t len = (size_t)(end - start);
    if (len == 0)
        return "has an empty segment (\"//\" or a trailing '/')";
    if (len == 1 && start[0] == '.')
        return "has a \".\" segment";
    if (len == 2 && start[0] == '.' && start[1] == '.')
        return "has a \"..\" segment, which could escape the store";
    return NULL;
}

static const char *key_problem(const char *key, char *why, size_t why_cap)
{
    if (!*key)
        return "key is empty";
    size_t len = strlen(key);
    if (len > KEY_MAX) {
        snprintf(why, why_cap, "%zu bytes long, more than the %d allowed", len, KEY_MAX);
        return why;
    }
    if (key[0] == '/')
        return "starts with '/'; keys are relative to the store";
    const char *segment = key;
    for (const char *p = key;; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\\')
            return "contains a backslash";
        if ((c != '\0' && c < 0x20) || c == 0x7f) {
            snprintf(why, why_cap, "contains control character 0x%02x", c);
            return why;
        }
        if (c == '/' || c == '\0') {
            const char *problem = segment_problem(segment, p);
            if (problem)
                return problem;
            if (c == '\0')
                return NULL;
            segment = p + 1;
        }
    }
}

int cw_store_check_key(const char *key, struct cw_error *err)
{
    if (!key)
        return cw_error_set(err, CW_EINVAL, "no key given");
    char why[96];
    const char *problem = key_problem(key, why, sizeof why);
    return problem ? bad_key(err, key, problem) : 0;
}

/* The checks every keyed call starts with; errors name the store. */
static int check_call(struct cw_store *store, const char *key, struct cw_error *err)
{
    if (!store)
        return cw_error_set(err, CW_EINVAL, "store: no store given (key %s)", key ? key : "");
    if (cw_store_check_key(key, err) < 0)
        return cw_error_wrap(err, "store %s", store->url);
    return 0;
}

struct buffer_source {
    const unsigned char *data;
    size_t len;
    size_t sent;
};

static ssize_t read_buffer(void *ctx, void *buf, size_t cap)
{
    struct buffer_source *src = ctx;
    size_t n = src->len - src->sent;
    if (n > cap)
        n = cap;
    if (n)
        memcpy(buf, src->data + src->sent, n);
    src->sent += n;
    return (ssize_t)n;
}

int cw_store_put(struct cw_store *store, const char *key, const void *data, size_t len,
                 struct cw_error *err)
{
    if (!data && len)
        return cw_error_set(err, CW_EINVAL, "store %s: put %s: no data for %zu bytes",
                            store ? store->url : "", key ? key : "", len);
    struct buffer_source src = {.data = data, .len = len};
    return cw_store_put_stream(store, key, read_buffer, &src, err);
}

int cw_store_put_stream(struct cw_store *store, const char *key, cw_store_source source, void *ctx,
                        struct cw_error *err)
{
    int rc = check_call(store, key, err);
    if (rc < 0)
        return rc;
    if (!source)
        return cw_error_set(err, CW_EINVAL, "store %s: put %s: no data source", store->url, key);
    return store->ops->put(store, key, source, ctx, err);
}

int cw_store_get_stream(struct cw_store *store, const char *key, cw_store_sink sink, void *ctx,
                        struct cw_error *err)
{
    return cw_store_get_range(store, key, 0, UINT64_MAX, sink, ctx, err);
}

int cw_store_get_range(struct cw_store *store, const char *key, uint64_t offset, uint64_t length,
                       cw_store_sink sink, void *ctx, struct cw_error *err)
{
    int rc = check_call(store, key, err);
    if (rc < 0)
        return rc;
    if (!sink)
        return cw_error_set(err, CW_EINVAL, "store %s: get %s: no data sink", store->url, key);
    return store->ops->get(store, key, offset, length, sink, ctx, err);
}

struct growing_buffer {
    unsigned char *data;
    size_t len;
    size_t cap;
    bool out_of_memory;
};

/* Keeps one spare byte so the result can always be NUL-terminated: text objects are then
 * usable as strings, and an empty object still yields a non-NULL buffer. */
static int append_to_buffer(void *ctx, const void *data, size_t len)
{
    struct growing_buffer *buf = ctx;
    if (len >= SIZE_MAX - buf->len) {
        buf->out_of_memory = true;
        return CW_ENOMEM;
    }
    if (buf->len + len + 1 > buf->cap) {
        size_t cap = buf->cap ? buf->cap : 4096;
        while (cap < buf->len + len + 1)
            cap = cap > SIZE_MAX / 2 ? buf->len + len + 1 : cap * 2;
        unsigned char *grown = realloc(buf->data, cap);
        if (!grown) {
            buf->out_of_memory = true;
            return CW_ENOMEM;
        }
        buf->data = grown;
        buf->cap = cap;
    }
    memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    return 0;
}

int cw_store_get(struct cw_store *store, const char *key, void **data, size_t *len,
                 struct cw_error *err)
{
    if (!data || !len)
        return cw_error_set(err, CW_EINVAL, "store %s: get %s: nowhere to put the data",
                            store ? store->url : "", key ? key : "");
    *data = NULL;
    *len = 0;
    struct growing_buffer buf = {0};
    int rc = cw_store_get_stream(store, key, append_to_buffer, &buf, err);
    if (rc == 0 && !buf.data) /* empty object: the sink was never called */
        append_to_buffer(&buf, "", 0);
    if (buf.out_of_memory)
        rc = cw_error_set(err, CW_ENOMEM, "store %s: get %s: out of memory after %zu bytes",
                          store->url, key, buf.len);
    if (rc < 0) {
        free(buf.data);
        return rc;
    }
    buf.data[buf.len] = '\0';
    *data = buf.data;
    *len = buf.len;
    return 0;
}

int cw_store_size(struct cw_store *store, const char *key, uint64_t *size, struct cw_error *err)
{
    int rc = check_call(store, key, err);
    if (rc < 0)
        return rc;
    if (!size)
        return cw_error_set(err, CW_EINVAL, "store %s: size %s: nowhere to put the size",
                            store->url, key);
    return store->ops->size(store, key, size, err);
}

int cw_store_list(struct cw_store *store, const char *prefix, cw_store_lister lister, void *ctx,
                  struct cw_error *err)
{
    if (!store)
        return cw_error_set(err, CW_EINVAL, "store: no store given to list");
    if (!lister)
        return cw_error_set(err, CW_EINVAL, "store %s: list: no receiver for the keys", store->url);
    return store->ops->list(store, prefix ? prefix : "", lister, ctx, err);
}

int cw_store_delete(struct cw_store *store, const char *key, struct cw_error *err)
{
    int rc = check_call(store, key, err);
    if (rc < 0)
        return rc;
    return store->ops->remove(store, key, err);
}
