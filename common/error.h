/*
 * error.h — setting loci_error values from inside the library.
 *
 * Every fallible internal function takes a `loci_error *err` (may be NULL)
 * and returns the status it set, so that failures read as one line:
 *     return err_set(err, LOCI_EIO, "%s: cannot open: %s", path, strerror(errno));
 * The message should say what, where and why. Corruption goes through
 * err_corrupt() so there is one place to put a breakpoint.
 */
#ifndef LOCI_ERROR_H
#define LOCI_ERROR_H

#include "loci.h"

#if defined(__GNUC__)
#define LOCI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LOCI_PRINTF(a, b)
#endif

/* Record `code` and the formatted message in `err` (if not NULL); return code. */
int err_set(loci_error *err, int code, const char *fmt, ...) LOCI_PRINTF(3, 4);

/* err_set(err, LOCI_ECORRUPT, ...). */
int err_corrupt(loci_error *err, const char *fmt, ...) LOCI_PRINTF(2, 3);

/* Clear `err` to LOCI_OK with an empty message (if not NULL). */
void err_clear(loci_error *err);

/* 0 when a caller's option struct `what` has the size of this library's
 * (`size`, set by its *_init function), else LOCI_EINVAL saying so: a
 * program compiled against another layout must not have its options
 * misread (loci.h, "ABI"). */
int err_opt_size(loci_error *err, const char *what, size_t size, size_t want);

/* Format a warning and pass it to a caller's warn callback (the build
 * options' warn), if there is one. */
void warn_to(void (*warn)(void *ctx, const char *message), void *ctx, const char *fmt, ...)
    LOCI_PRINTF(3, 4);

#endif
