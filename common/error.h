/* error.h: the one error type of the library. Functions return 0 on success or a
 * negative cw_status, and fill a struct cw_error whose message names the file, URL,
 * record or task at fault. Library code never prints and exits. */
#ifndef CW_ERROR_H
#define CW_ERROR_H

#include <stddef.h>

enum cw_status {
    CW_OK = 0,
    CW_EINVAL = -1,    /* bad argument, flag, key or input */
    CW_EIO = -2,       /* reading or writing a file or socket failed */
    CW_ENOTFOUND = -3, /* no such key, file, task or worker */
    CW_ETIMEOUT = -4,  /* a deadline passed */
    CW_ECRASH = -5,    /* a worker died: signal or exit */
    CW_EPROTO = -6,    /* a peer broke the protocol (Runtime API, HTTP, JSON) */
    CW_ENOMEM = -7,
    CW_ETASK = -8,     /* a task returned an error */
};

struct cw_error {
    int code;
    char message[1024];
};

/* Sets err (if not NULL) and returns code, so callers can `return cw_error_set(...)`. */
int cw_error_set(struct cw_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the existing message with more context ("reading X: <old message>"). */
int cw_error_wrap(struct cw_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void cw_error_clear(struct cw_error *err);

const char *cw_status_name(int code);

#endif
