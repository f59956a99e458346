/*
 * recfile.c — blocked variable-length record files (see recfile.h).
 */
#include "recfile.h"

#include <string.h>

#include "codec.h"
#include "error.h"

int recfile_create(struct recfile_writer *w, const char *path, const char *magic, loci_error *err)
{
    memset(w, 0, sizeof *w);
    return lfile_create(&w->file, path, magic, err);
}

int recfile_add(struct recfile_writer *w, const void *rec, size_t n, loci_error *err)
{
    if (w->count % RECFILE_BLOCK == 0 && buf_put_le64(&w->table, lfile_tell(&w->file)))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    uint8_t len[VARINT_MAX];
    size_t l = varint_put(len, n);
    int rc = lfile_write(&w->file, len, l, err);
    if (!rc)
        rc = lfile_write(&w->file, rec, n, err);
    w->count++;
    return rc;
}

int recfile_finish(struct recfile_writer *w, loci_error *err)
{
    uint8_t trailer[RECFILE_TRAILER];
    le64_put(trailer, w->count);
    le64_put(trailer + 8, lfile_tell(&w->file));
    int rc = lfile_write(&w->file, w->table.data, w->table.len, err);
    if (!rc)
        rc = lfile_write(&w->file, trailer, sizeof trailer, err);
    if (!rc)
        rc = lfile_finish(&w->file, err);
    recfile_abort(w);
    return rc;
}

void recfile_abort(struct recfile_writer *w)
{
    lfile_abort(&w->file);
    buf_free(&w->table);
}

/* Body offset of the block table, given a checked file. */
static uint64_t table_of(const struct lfile *f, uint64_t count)
{
    uint64_t blocks = (count + RECFILE_BLOCK - 1) / RECFILE_BLOCK;
    return f->body_len - RECFILE_TRAILER - 8 * blocks;
}

int recfile_check(struct lfile *f, uint64_t count, loci_error *err)
{
    if (f->body_len < RECFILE_TRAILER)
        return err_corrupt(err, "%s: too short", f->path);
    int rc = lfile_verify(f, f->body_len - RECFILE_TRAILER, RECFILE_TRAILER, err);
    if (rc)
        return rc;
    const uint8_t *t = f->body + f->body_len - RECFILE_TRAILER;
    uint64_t blocks = (count + RECFILE_BLOCK - 1) / RECFILE_BLOCK;
    if (le64_get(t) != count || blocks > (f->body_len - RECFILE_TRAILER) / 8 ||
        le64_get(t + 8) != table_of(f, count))
        return err_corrupt(err, "%s: %llu records expected, bad trailer", f->path,
                           (unsigned long long)count);
    return LOCI_OK; /* table entries are verified when read */
}

int recfile_block(struct lfile *f, uint64_t count, uint64_t i, uint64_t *first,
                  const uint8_t **p, const uint8_t **end, loci_error *err)
{
    if (i >= count)
        return err_corrupt(err, "%s: record %llu of %llu", f->path, (unsigned long long)i,
                           (unsigned long long)count);
    uint64_t table = table_of(f, count), blk = i / RECFILE_BLOCK;
    uint64_t nblk = (count + RECFILE_BLOCK - 1) / RECFILE_BLOCK;
    int rc = lfile_verify(f, table + 8 * blk, blk + 1 < nblk ? 16 : 8, err);
    if (rc)
        return rc;
    uint64_t start = le64_get(f->body + table + 8 * blk);
    uint64_t stop = (blk + 1) * RECFILE_BLOCK < count ? le64_get(f->body + table + 8 * (blk + 1))
                                                      : table;
    if (start > stop || stop > table)
        return err_corrupt(err, "%s: block %llu out of range", f->path, (unsigned long long)blk);
    rc = lfile_verify(f, start, stop - start, err);
    if (rc)
        return rc;
    *first = blk * RECFILE_BLOCK;
    *p = f->body + start;
    *end = f->body + stop;
    return LOCI_OK;
}
