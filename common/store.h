/* store.h: the object store the labs keep data and results in. One interface, one
 * backend per URL scheme behind an ops table (file:// here; s3:// slots in the same way).
 * Keys are relative, '/'-separated names; keys that could escape the store's root
 * ("..", absolute paths, empty segments, backslashes, NUL) are rejected. */
#ifndef CW_STORE_H
#define CW_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct cw_store;

/* Receives data as it streams in; return 0 to go on, non-zero to stop with an error. */
typedef int (*cw_store_sink)(void *ctx, const void *data, size_t len);
/* Fills up to cap bytes of buf; returns the count, 0 at the end, or -1 on error. */
typedef ssize_t (*cw_store_source)(void *ctx, void *buf, size_t cap);
/* Receives one listed key and its size; return non-zero to stop listing. */
typedef int (*cw_store_lister)(void *ctx, const char *key, uint64_t size);

struct cw_store_ops {
    const char *scheme; /* "file" */
    int (*open)(struct cw_store *store, const char *location, struct cw_error *err);
    void (*close)(struct cw_store *store);
    int (*put)(struct cw_store *store, const char *key, cw_store_source source, void *ctx,
               struct cw_error *err);
    int (*get)(struct cw_store *store, const char *key, uint64_t offset, uint64_t length,
               cw_store_sink sink, void *ctx, struct cw_error *err);
    int (*size)(struct cw_store *store, const char *key, uint64_t *size, struct cw_error *err);
    int (*list)(struct cw_store *store, const char *prefix, cw_store_lister lister, void *ctx,
                struct cw_error *err);
    int (*remove)(struct cw_store *store, const char *key, struct cw_error *err);
};

struct cw_store {
    const struct cw_store_ops *ops;
    char url[1024];
    void *backend; /* the backend's own state */
};

/* Opens "file:///abs/dir", "file://rel/dir" or a plain directory path. The directory is
 * created if missing. Free with cw_store_close. Returns NULL and fills err on failure. */
struct cw_store *cw_store_open(const char *url, struct cw_error *err);
void cw_store_close(struct cw_store *store);

/* 0 when key is acceptable, else CW_EINVAL with a message naming the key. */
int cw_store_check_key(const char *key, struct cw_error *err);

int cw_store_put(struct cw_store *store, const char *key, const void *data, size_t len,
                 struct cw_error *err);
/* Streams the object from source; the object appears whole or not at all. */
int cw_store_put_stream(struct cw_store *store, const char *key, cw_store_source source,
                        void *ctx, struct cw_error *err);
/* Streams the whole object to sink. */
int cw_store_get_stream(struct cw_store *store, const char *key, cw_store_sink sink, void *ctx,
                        struct cw_error *err);
/* Streams bytes [offset, offset + length) to sink; a range past the end is cut at the end. */
int cw_store_get_range(struct cw_store *store, const char *key, uint64_t offset,
                       uint64_t length, cw_store_sink sink, void *ctx, struct cw_error *err);
/* Reads the whole object into a new buffer (caller frees *data). */
int cw_store_get(struct cw_store *store, const char *key, void **data, size_t *len,
                 struct cw_error *err);
int cw_store_size(struct cw_store *store, const char *key, uint64_t *size, struct cw_error *err);
/* Lists keys that start with prefix ("" for all), sorted. */
int cw_store_list(struct cw_store *store, const char *prefix, cw_store_lister lister, void *ctx,
                  struct cw_error *err);
int cw_store_delete(struct cw_store *store, const char *key, struct cw_error *err);

extern const struct cw_store_ops cw_store_file_ops;

#endif
