/*
 * run.c — writing and reading sorted run files (format in run.h).
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "error.h"
#include "lfile.h"

#define RUN_BUF (256 * 1024)

int run_write(const char *path, struct inverter *inv, loci_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(err, LOCI_EIO, "%s: cannot create: %s", path, strerror(errno));
    uint32_t *ids = inverter_sorted_ids(inv);
    struct buf out = {0};
    int rc = ids ? LOCI_OK : err_set(err, LOCI_ENOMEM, "out of memory sorting terms");
    size_t n = inverter_term_count(inv);
    for (size_t i = 0; i < n && !rc; i++) {
        struct inv_term *t = inverter_term(inv, ids[i]);
        if (buf_put_varint(&out, t->len) || buf_append(&out, t->bytes, t->len) ||
            buf_put_varint(&out, t->df)) {
            rc = err_set(err, LOCI_ENOMEM, "out of memory writing a run");
            break;
        }
        /* interleave each posting's (gap, tf) with its positions */
        const uint8_t *d = t->docs.data, *dend = d + t->docs.len, *p = t->positions.data;
        for (uint32_t k = 0; k < t->df; k++) {
            const uint8_t *start = d;
            uint64_t gap, tf;
            varint_get(&d, dend, &gap); /* written by the inverter: well-formed */
            varint_get(&d, dend, &tf);
            const uint8_t *ps = p;
            for (uint64_t j = 0; j < tf; j++) {
                while (*p & 0x80)
                    p++;
                p++;
            }
            if (buf_append(&out, start, (size_t)(d - start)) ||
                buf_append(&out, ps, (size_t)(p - ps))) {
                rc = err_set(err, LOCI_ENOMEM, "out of memory writing a run");
                break;
            }
        }
        if (!rc && out.len >= RUN_BUF) {
            if (write_full(fd, out.data, out.len))
                rc = err_set(err, LOCI_EIO, "%s: write: %s", path, strerror(errno));
            out.len = 0;
        }
    }
    if (!rc && out.len && write_full(fd, out.data, out.len))
        rc = err_set(err, LOCI_EIO, "%s: write: %s", path, strerror(errno));
    if (close(fd) != 0 && !rc)
        rc = err_set(err, LOCI_EIO, "%s: close: %s", path, strerror(errno));
    buf_free(&out);
    free(ids);
    return rc;
}

/* Make at least `want` bytes available (fewer only at end of file). */
static int fill(struct run_reader *r, size_t want, loci_error *err)
{
    if (r->len - r->pos >= want)
        return LOCI_OK;
    memmove(r->buf, r->buf + r->pos, r->len - r->pos);
    r->len -= r->pos;
    r->pos = 0;
    while (r->len < want) {
        ssize_t n = read(r->fd, r->buf + r->len, RUN_BUF - r->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return err_set(err, LOCI_EIO, "%s: read: %s", r->path, strerror(errno));
        if (n == 0)
            break;
        r->len += (size_t)n;
    }
    return LOCI_OK;
}

static int get_varint(struct run_reader *r, uint64_t *v, loci_error *err)
{
    int rc = fill(r, VARINT_MAX, err);
    if (rc)
        return rc;
    const uint8_t *p = r->buf + r->pos;
    if (varint_get(&p, r->buf + r->len, v))
        return err_set(err, LOCI_EIO, "%s: truncated run", r->path);
    r->pos = (size_t)(p - r->buf);
    return LOCI_OK;
}

int run_next_term(struct run_reader *r, loci_error *err)
{
    int rc = fill(r, 1, err);
    if (rc)
        return rc;
    if (r->pos == r->len) {
        r->eof = 1;
        return LOCI_OK;
    }
    uint64_t len, df;
    if ((rc = get_varint(r, &len, err)))
        return rc;
    if (len == 0 || len > sizeof r->term || (rc = fill(r, len, err)) || r->len - r->pos < len)
        return rc ? rc : err_set(err, LOCI_EIO, "%s: bad run record", r->path);
    memcpy(r->term, r->buf + r->pos, len);
    r->pos += len;
    r->term_len = len;
    if ((rc = get_varint(r, &df, err)))
        return rc;
    r->df = r->left = (uint32_t)df;
    r->last = 0;
    return LOCI_OK;
}

int run_open(struct run_reader *r, const char *path, uint32_t base, loci_error *err)
{
    memset(r, 0, sizeof *r);
    r->fd = -1;
    r->base = base;
    r->path = strdup(path);
    r->buf = malloc(RUN_BUF);
    if (!r->path || !r->buf) {
        run_close(r);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        int e = errno;
        run_close(r);
        return err_set(err, LOCI_EIO, "%s: %s", path, strerror(e));
    }
    return run_next_term(r, err);
}

int run_posting(struct run_reader *r, uint32_t *pid, uint32_t *tf, struct buf *pos,
                loci_error *err)
{
    uint64_t gap, f;
    int rc = get_varint(r, &gap, err);
    if (!rc)
        rc = get_varint(r, &f, err);
    if (rc)
        return rc;
    r->last += gap;
    *pid = r->base + (uint32_t)(r->last - 1);
    *tf = (uint32_t)f;
    for (uint64_t j = 0; j < f; j++) {
        uint64_t v;
        if ((rc = get_varint(r, &v, err)) || buf_put_varint(pos, v))
            return rc ? rc : err_set(err, LOCI_ENOMEM, "out of memory");
    }
    r->left--;
    return LOCI_OK;
}

void run_close(struct run_reader *r)
{
    if (r->fd >= 0)
        close(r->fd);
    free(r->buf);
    free(r->path);
    memset(r, 0, sizeof *r);
    r->fd = -1;
}
