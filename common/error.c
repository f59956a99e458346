/*
 * error.c — status codes to text, and filling loci_error.
 */
#include "error.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>
#include <zlib.h>

const char *loci_strerror(int code)
{
    switch (code) {
    case LOCI_OK: return "ok";
    case LOCI_ENOMEM: return "out of memory";
    case LOCI_EIO: return "input/output error";
    case LOCI_ECORRUPT: return "index is corrupt";
    case LOCI_EVERSION: return "unsupported index format version";
    case LOCI_EINVAL: return "invalid argument";
    case LOCI_ENOTFOUND: return "not found";
    case LOCI_EUTF8: return "invalid UTF-8";
    case LOCI_EEMPTY: return "nothing to do";
    case LOCI_EFORMAT: return "malformed input";
    case LOCI_ECANCELED: return "cancelled";
    default: return "unknown error";
    }
}

static char version_buf[128];

static void build_version(void)
{
    snprintf(version_buf, sizeof version_buf, "loci %s (utf8proc %s, zlib %s, Snowball libstemmer)",
             LOCI_VERSION, utf8proc_version(), zlibVersion());
}

int loci_version(void)
{
    return LOCI_VERSION_NUMBER;
}

const char *loci_version_string(void)
{
    /* Built once (the inputs are constants of the linked libraries), and
     * safely so when threads ask at the same time. */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, build_version);
    return version_buf;
}

static int err_vset(loci_error *err, int code, const char *fmt, va_list ap)
{
    if (err) {
        err->code = code;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    }
    return code;
}

int err_set(loci_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(err, code, fmt, ap);
    va_end(ap);
    return code;
}

int err_corrupt(loci_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(err, LOCI_ECORRUPT, fmt, ap);
    va_end(ap);
    return LOCI_ECORRUPT;
}

void err_clear(loci_error *err)
{
    if (err) {
        err->code = LOCI_OK;
        err->message[0] = '\0';
    }
}

int err_opt_size(loci_error *err, const char *what, size_t size, size_t want)
{
    if (size == want)
        return 0;
    return err_set(err, LOCI_EINVAL,
                   "%s: size %zu, this libloci's is %zu (set them up with %s_init)", what,
                   size, want, what);
}

void warn_to(void (*warn)(void *ctx, const char *message), void *ctx, const char *fmt, ...)
{
    if (!warn)
        return;
    char msg[LOCI_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    warn(ctx, msg);
}
