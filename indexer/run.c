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

/* Append n bytes to `out`, or write them straight to fd when they are
 * large (the positions of a frequent term), after what `out` holds. */
static int put_bytes(int fd, struct buf *out, const void *p, size_t n)
{
    if (n < RUN_BUF)
        return buf_append(out, p, n) ? LOCI_ENOMEM : LOCI_OK;
    if (write_full(fd, out->data, out->len) || write_full(fd, p, n))
        return LOCI_EIO;
    out->len = 0;
    return LOCI_OK;
}

int run_write(const char *path, struct inverter *inv, loci_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(err, LOCI_EIO, "%s: cannot create: %s", path, strerror(errno));
    uint32_t *ids = inverter_sorted_ids(inv);
    struct buf out = {0};
    int rc = ids ? LOCI_OK : LOCI_ENOMEM;
    size_t n = inverter_term_count(inv);
    for (size_t i = 0; i < n && !rc; i++) {
        struct inv_term *t = inverter_term(inv, ids[i]);
        if (t->df == 0) /* interned for a streamed document's later passages */
            continue;
        size_t tlen;
        const char *bytes = inverter_term_bytes(inv, ids[i], &tlen);
        if (buf_put_varint(&out, tlen) || buf_append(&out, bytes, tlen) ||
            buf_put_varint(&out, t->df) || buf_put_varint(&out, t->docs.len))
            rc = LOCI_ENOMEM;
        if (!rc)
            rc = put_bytes(fd, &out, t->docs.data, t->docs.len);
        if (!rc)
            rc = buf_put_varint(&out, t->positions.len) ? LOCI_ENOMEM : LOCI_OK;
        if (!rc)
            rc = put_bytes(fd, &out, t->positions.data, t->positions.len);
        if (!rc && out.len >= RUN_BUF) {
            if (write_full(fd, out.data, out.len))
                rc = LOCI_EIO;
            out.len = 0;
        }
    }
    if (!rc && out.len && write_full(fd, out.data, out.len))
        rc = LOCI_EIO;
    if (rc == LOCI_EIO)
        err_set(err, rc, "%s: write: %s", path, strerror(errno));
    else if (rc)
        err_set(err, rc, "out of memory writing a run");
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
        ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len);
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
    if (r->len - r->pos < VARINT_MAX) {
        int rc = fill(r, VARINT_MAX, err);
        if (rc)
            return rc;
    }
    const uint8_t *p = r->buf + r->pos;
    if (varint_get(&p, r->buf + r->len, v))
        return err_set(err, LOCI_EIO, "%s: truncated run", r->path);
    r->pos = (size_t)(p - r->buf);
    return LOCI_OK;
}

int run_next_term(struct run_reader *r, loci_error *err)
{
    if (r->left || r->pos_left)
        return err_set(err, LOCI_EINVAL, "internal error: run term not fully read");
    int rc = fill(r, 1, err);
    if (rc)
        return rc;
    if (r->pos == r->len) {
        r->eof = 1;
        return LOCI_OK;
    }
    uint64_t len, df, docs;
    if ((rc = get_varint(r, &len, err)))
        return rc;
    if (len == 0 || len > sizeof r->term || (rc = fill(r, len, err)) || r->len - r->pos < len)
        return rc ? rc : err_set(err, LOCI_EIO, "%s: bad run record", r->path);
    memcpy(r->term, r->buf + r->pos, len);
    r->pos += len;
    r->term_len = len;
    r->term_key = 0;
    for (size_t i = 0; i < 8; i++)
        r->term_key = r->term_key << 8 | (i < len ? (uint8_t)r->term[i] : 0);
    if ((rc = get_varint(r, &df, err)) || (rc = get_varint(r, &docs, err)))
        return rc;
    if (df == 0 || df > UINT32_MAX || docs < 3 * df)
        return err_set(err, LOCI_EIO, "%s: bad run record", r->path);
    r->df = r->left = (uint32_t)df;
    r->docs_left = docs;
    r->last = 0;
    return LOCI_OK;
}

int run_open(struct run_reader *r, const char *path, uint32_t base, size_t bufsize,
             loci_error *err)
{
    memset(r, 0, sizeof *r);
    r->fd = -1;
    r->base = base;
    r->cap = bufsize < RUN_MIN_BUF ? RUN_MIN_BUF : bufsize;
    r->path = strdup(path);
    r->buf = malloc(r->cap);
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

int run_posting(struct run_reader *r, uint32_t *pid, uint32_t *tf, uint32_t *pos_len,
                loci_error *err)
{
    if (r->len - r->pos < 3 * VARINT_MAX) {
        int rc = fill(r, 3 * VARINT_MAX, err);
        if (rc)
            return rc;
    }
    const uint8_t *p = r->buf + r->pos, *end = r->buf + r->len;
    uint64_t gap, f, n;
    if (!r->left || varint_get(&p, end, &gap) || varint_get(&p, end, &f) ||
        varint_get(&p, end, &n))
        return err_set(err, LOCI_EIO, "%s: truncated run", r->path);
    size_t used = (size_t)(p - (r->buf + r->pos));
    if (gap == 0 || f == 0 || f > UINT32_MAX || n < f || n > 5 * f || used > r->docs_left)
        return err_set(err, LOCI_EIO, "%s: bad run posting", r->path);
    r->pos += used;
    r->docs_left -= used;
    r->last += gap;
    *pid = r->base + (uint32_t)(r->last - 1);
    *tf = (uint32_t)f;
    *pos_len = (uint32_t)n;
    if (--r->left == 0) {
        /* the postings are done: the positions' length comes next */
        if (r->docs_left)
            return err_set(err, LOCI_EIO, "%s: bad run record", r->path);
        int rc = get_varint(r, &r->pos_left, err);
        if (rc)
            return rc;
    }
    return LOCI_OK;
}

int run_positions(struct run_reader *r, const uint8_t **p, size_t *n, loci_error *err)
{
    *n = 0;
    if (r->left)
        return err_set(err, LOCI_EINVAL, "internal error: run positions read early");
    if (!r->pos_left)
        return LOCI_OK;
    if (r->pos == r->len) {
        int rc = fill(r, 1, err);
        if (rc)
            return rc;
        if (r->pos == r->len)
            return err_set(err, LOCI_EIO, "%s: truncated run", r->path);
    }
    size_t m = r->len - r->pos;
    if (m > r->pos_left)
        m = (size_t)r->pos_left;
    *p = r->buf + r->pos;
    *n = m;
    r->pos += m;
    r->pos_left -= m;
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
