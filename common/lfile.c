/*
 * lfile.c — the checksummed envelope of every index file (layout in
 * lfile.h and docs/FORMAT.md): a streaming writer that computes page CRCs
 * as bytes go by, and an mmap reader that verifies pages on first touch.
 */
#include "lfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "crc32c.h"
#include "error.h"

#define H_MAGIC 0
#define H_MAJOR 8
#define H_MINOR 10
#define H_PAGE_SIZE 12
#define H_BODY_LEN 16
#define H_PAGE_COUNT 24
#define H_TABLE_CRC 32
#define H_HEADER_CRC 60

/* Flush the write buffer when it reaches this size. */
#define PENDING_MAX (1u << 20)

/* Every checksum of the envelope is CRC-32C (crc32c.h says why). */
static uint32_t crc(uint32_t c, const uint8_t *p, size_t n) { return crc32c(c, p, n); }

/* ---- reading --------------------------------------------------------------- */

void lfile_close(struct lfile *f)
{
    if (f->map)
        munmap((void *)f->map, f->map_len);
    free(f->verified);
    free(f->path);
    memset(f, 0, sizeof *f);
}

int lfile_open(struct lfile *f, const char *path, const char *magic, loci_error *err)
{
    return lfile_open_at(f, AT_FDCWD, path, path, magic, err);
}

int lfile_open_at(struct lfile *f, int dirfd, const char *name, const char *path,
                  const char *magic, loci_error *err)
{
    memset(f, 0, sizeof *f);
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return err_set(err, LOCI_ENOTFOUND, "%s: no such file", path);
        if (errno == EACCES)
            return err_set(err, LOCI_EIO, "%s: permission denied", path);
        return err_set(err, LOCI_EIO, "%s: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return err_set(err, LOCI_EIO, "%s: %s", path, strerror(e));
    }
    if (st.st_size < LFILE_HEADER_SIZE) {
        close(fd);
        return err_corrupt(err, "%s: truncated (%lld bytes, shorter than its header)", path,
                           (long long)st.st_size);
    }
    size_t len = (size_t)st.st_size;
    void *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    int e = errno;
    close(fd);
    if (map == MAP_FAILED)
        return err_set(err, LOCI_EIO, "%s: mmap: %s", path, strerror(e));
    f->map = map;
    f->map_len = len;
    f->path = strdup(path);
    if (!f->path) {
        lfile_close(f);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    const uint8_t *h = f->map;
    int rc = LOCI_OK;
    if (memcmp(h + H_MAGIC, magic, LFILE_MAGIC_LEN) != 0) {
        rc = err_corrupt(err, "%s: not a loci %.4s file (bad magic)", path, magic + 4);
    } else if (le32_get(h + H_HEADER_CRC) != crc(0, h, H_HEADER_CRC)) {
        rc = err_corrupt(err, "%s: header checksum mismatch", path);
    } else if (le16_get(h + H_MAJOR) != LFILE_MAJOR) {
        rc = err_set(err, LOCI_EVERSION,
                     "%s: format version %u.%u but this loci reads %u.x; rebuild the index "
                     "with loci-index",
                     path, le16_get(h + H_MAJOR), le16_get(h + H_MINOR), LFILE_MAJOR);
    } else {
        f->page_size = le32_get(h + H_PAGE_SIZE);
        f->body_len = le64_get(h + H_BODY_LEN);
        f->page_count = le64_get(h + H_PAGE_COUNT);
        uint64_t avail = len - LFILE_HEADER_SIZE;
        if (f->page_size != LFILE_PAGE_SIZE || f->body_len > avail ||
            f->page_count != (f->body_len + f->page_size - 1) / f->page_size ||
            f->page_count > (avail - f->body_len) / 4 ||
            avail != f->body_len + 4 * f->page_count) {
            rc = err_corrupt(err, "%s: truncated or wrong size (%llu bytes)", path,
                             (unsigned long long)len);
        } else {
            f->body = f->map + LFILE_HEADER_SIZE;
            f->page_crcs = f->body + f->body_len;
            if (!(f->verified = calloc(f->page_count ? f->page_count : 1, 1)))
                rc = err_set(err, LOCI_ENOMEM, "out of memory");
        }
    }
    if (rc)
        lfile_close(f);
    return rc;
}

uint32_t lfile_table_crc(const struct lfile *f)
{
    return le32_get(f->map + H_TABLE_CRC);
}

void lfile_version(const struct lfile *f, unsigned *major, unsigned *minor)
{
    *major = le16_get(f->map + H_MAJOR);
    *minor = le16_get(f->map + H_MINOR);
}

int lfile_check_table(struct lfile *f, loci_error *err)
{
    const uint8_t *h = f->map;
    if (le32_get(h + H_TABLE_CRC) != crc(0, f->page_crcs, 4 * f->page_count))
        return err_corrupt(err, "%s: checksum table mismatch", f->path);
    return LOCI_OK;
}

int lfile_verify(struct lfile *f, uint64_t off, uint64_t len, loci_error *err)
{
    if (off > f->body_len || len > f->body_len - off)
        return err_corrupt(err, "%s: offset %llu beyond end", f->path,
                           (unsigned long long)(off + len));
    if (len == 0)
        return LOCI_OK;
    uint64_t first = off / f->page_size, last = (off + len - 1) / f->page_size;
    for (uint64_t p = first; p <= last; p++) {
        if (f->verified[p])
            continue;
        uint64_t start = p * f->page_size;
        uint64_t n = f->body_len - start < f->page_size ? f->body_len - start : f->page_size;
        if (crc(0, f->body + start, n) != le32_get(f->page_crcs + 4 * p))
            return err_corrupt(err, "%s: checksum mismatch in page %llu", f->path,
                               (unsigned long long)p);
        f->verified[p] = 1;
    }
    return LOCI_OK;
}

/* ---- writing --------------------------------------------------------------- */

/* Write all n bytes: at `off` with pwrite(2), or at the file offset with
 * write(2) when off < 0. A short write (a disk filling up) is retried, so
 * the error that stops it is the real one (ENOSPC), not a stale errno. */
static int write_all(int fd, const void *data, size_t n, off_t off)
{
    const uint8_t *p = data;
    while (n > 0) {
        ssize_t w = off < 0 ? write(fd, p, n) : pwrite(fd, p, n, off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC; /* nothing written, no error said: no room */
            return -1;
        }
        p += w;
        n -= (size_t)w;
        if (off >= 0)
            off += w;
    }
    return 0;
}

int write_full(int fd, const void *data, size_t n)
{
    return write_all(fd, data, n, -1);
}

static void writer_free(struct lfile_writer *w)
{
    /* a zeroed writer has no path and must not close fd 0 */
    if (w->path && w->fd >= 0)
        close(w->fd);
    w->fd = -1;
    buf_free(&w->crcs);
    buf_free(&w->pending);
    free(w->path);
    w->path = NULL;
}

int lfile_create(struct lfile_writer *w, const char *path, const char *magic, loci_error *err)
{
    memset(w, 0, sizeof *w);
    w->fd = -1;
    w->path = strdup(path);
    if (!w->path)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666); /* the umask decides */
    if (w->fd < 0) {
        int e = errno;
        writer_free(w);
        return err_set(err, LOCI_EIO, "%s: cannot create: %s", path, strerror(e));
    }
    memcpy(w->magic, magic, LFILE_MAGIC_LEN);
    /* The header is rewritten at finish; the magic goes in now so that a
     * half-written file is still recognizable. */
    uint8_t h[LFILE_HEADER_SIZE];
    memset(h, 0, sizeof h);
    memcpy(h, magic, LFILE_MAGIC_LEN);
    if (buf_append(&w->pending, h, sizeof h)) {
        lfile_abort(w);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    return LOCI_OK;
}

static int flush_pending(struct lfile_writer *w, loci_error *err)
{
    if (write_full(w->fd, w->pending.data, w->pending.len) != 0)
        return err_set(err, LOCI_EIO, "%s: write: %s", w->path, strerror(errno));
    w->pending.len = 0;
    return LOCI_OK;
}

int lfile_write(struct lfile_writer *w, const void *data, size_t n, loci_error *err)
{
    const uint8_t *p = data;
    size_t left = n;
    /* page CRCs, incrementally */
    while (left > 0) {
        size_t m = LFILE_PAGE_SIZE - w->page_fill;
        if (m > left)
            m = left;
        w->page_crc = crc(w->page_crc, p, m);
        w->page_fill += (uint32_t)m;
        p += m;
        left -= m;
        if (w->page_fill == LFILE_PAGE_SIZE) {
            if (buf_put_le32(&w->crcs, w->page_crc))
                return err_set(err, LOCI_ENOMEM, "out of memory");
            w->page_crc = 0;
            w->page_fill = 0;
        }
    }
    w->body_len += n;
    if (n >= PENDING_MAX) {
        int rc = flush_pending(w, err);
        if (rc)
            return rc;
        if (write_full(w->fd, data, n) != 0)
            return err_set(err, LOCI_EIO, "%s: write: %s", w->path, strerror(errno));
        return LOCI_OK;
    }
    if (buf_append(&w->pending, data, n))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    if (w->pending.len >= PENDING_MAX)
        return flush_pending(w, err);
    return LOCI_OK;
}

int lfile_finish(struct lfile_writer *w, loci_error *err)
{
    int rc = LOCI_OK;
    if (w->page_fill > 0) {
        if (buf_put_le32(&w->crcs, w->page_crc))
            rc = err_set(err, LOCI_ENOMEM, "out of memory");
        w->page_fill = 0;
    }
    uint64_t pages = w->crcs.len / 4;
    if (!rc && buf_append(&w->pending, w->crcs.data, w->crcs.len))
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    if (!rc)
        rc = flush_pending(w, err);
    if (!rc) {
        uint8_t h[LFILE_HEADER_SIZE];
        memset(h, 0, sizeof h);
        memcpy(h, w->magic, LFILE_MAGIC_LEN);
        {
            le16_put(h + H_MAJOR, LFILE_MAJOR);
            le16_put(h + H_MINOR, LFILE_MINOR);
            le32_put(h + H_PAGE_SIZE, LFILE_PAGE_SIZE);
            le64_put(h + H_BODY_LEN, w->body_len);
            le64_put(h + H_PAGE_COUNT, pages);
            le32_put(h + H_TABLE_CRC, crc(0, w->crcs.data, w->crcs.len));
            le32_put(h + H_HEADER_CRC, crc(0, h, H_HEADER_CRC));
            if (write_all(w->fd, h, sizeof h, 0) != 0)
                rc = err_set(err, LOCI_EIO, "%s: write: %s", w->path, strerror(errno));
        }
    }
    if (!rc && fsync(w->fd) != 0)
        rc = err_set(err, LOCI_EIO, "%s: fsync: %s", w->path, strerror(errno));
    if (!rc && close(w->fd) != 0)
        rc = err_set(err, LOCI_EIO, "%s: close: %s", w->path, strerror(errno));
    else if (!rc)
        w->fd = -1;
    if (rc)
        unlink(w->path);
    writer_free(w);
    return rc;
}

void lfile_abort(struct lfile_writer *w)
{
    if (w->path)
        unlink(w->path);
    writer_free(w);
}
