/* error.c: filling struct cw_error. Messages are truncated, never overflowed. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cw_error_set(struct cw_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

int cw_error_wrap(struct cw_error *err, const char *fmt, ...)
{
    if (!err)
        return CW_EINVAL;
    char prefix[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char old[sizeof err->message];
    memcpy(old, err->message, sizeof old);
    snprintf(err->message, sizeof err->message, "%s: %s", prefix, old);
    return err->code;
}

void cw_error_clear(struct cw_error *err)
{
    if (err) {
        err->code = CW_OK;
        err->message[0] = '\0';
    }
}

const char *cw_status_name(int code)
{
    switch (code) {
    case CW_OK: return "ok";
    case CW_EINVAL: return "invalid";
    case CW_EIO: return "io";
    case CW_ENOTFOUND: return "not found";
    case CW_ETIMEOUT: return "timeout";
    case CW_ECRASH: return "crash";
    case CW_EPROTO: return "protocol";
    case CW_ENOMEM: return "out of memory";
    case CW_ETASK: return "task error";
    default: return "error";
    }
}
