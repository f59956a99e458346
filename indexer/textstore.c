/*
 * textstore.c — zlib-compressed text stream of an index (see textstore.h).
 */
#include "textstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "codec.h"
#include "error.h"
#include "format.h"
#include "path.h"

/* Measured on the enwiki paragraphs (64 KiB blocks, compressed size over
 * the JSON Lines input): level 6 0.352, level 5 0.353, level 4 0.363,
 * level 3 0.378, level 2 0.389, level 1 0.403. Compression was still a
 * third of a build's CPU at level 4; level 2 runs 23% fewer instructions
 * and made the build 8% faster, and the passage store stays within 0.45
 * of the input since the record files code fields relative to each other
 * (store 0.424 at level 2, against 0.439 at level 4 before). */
#define TEXT_ZLEVEL 2

/* A deflate stream kept for many blocks: deflateInit allocates and clears
 * some 256 KiB, and deflateReset instead of a new stream per block
 * (compress2) was 12-27% faster in a loop over the enwiki text. The output
 * is the same. */
static int deflater_get(z_stream **zs, loci_error *err)
{
    if (*zs)
        return deflateReset(*zs) == Z_OK ? LOCI_OK
                                         : err_set(err, LOCI_ENOMEM, "zlib failed to reset");
    z_stream *z = calloc(1, sizeof *z);
    if (!z || deflateInit(z, TEXT_ZLEVEL) != Z_OK) {
        free(z);
        return err_set(err, LOCI_ENOMEM, "out of memory starting zlib");
    }
    *zs = z;
    return LOCI_OK;
}

static void deflater_free(z_stream **zs)
{
    if (*zs) {
        deflateEnd(*zs);
        free(*zs);
        *zs = NULL;
    }
}

/* Append the compression of raw[0..n) (a zlib stream) to out; *clen
 * receives its size. */
static int compress_to(z_stream **zs, struct buf *out, const uint8_t *raw, size_t n,
                       uLongf *clen, loci_error *err)
{
    int rc = deflater_get(zs, err);
    if (rc)
        return rc;
    uLong bound = deflateBound(*zs, (uLong)n);
    if (buf_reserve(out, bound))
        return err_set(err, LOCI_ENOMEM, "out of memory compressing text");
    z_stream *z = *zs;
    z->next_in = (Bytef *)(uintptr_t)raw; /* zlib does not write through next_in */
    z->avail_in = (uInt)n;
    z->next_out = out->data + out->len;
    z->avail_out = (uInt)bound;
    if (deflate(z, Z_FINISH) != Z_STREAM_END)
        return err_set(err, LOCI_ENOMEM, "zlib failed to compress a text block");
    *clen = bound - z->avail_out;
    out->len += *clen;
    return LOCI_OK;
}

int text_compress_blocks(struct text_blocks *tb, const uint8_t *text, size_t n,
                         loci_error *err)
{
    tb->z.len = tb->clens.len = 0;
    tb->count = 0;
    for (size_t off = 0; off + TEXT_BLOCK <= n; off += TEXT_BLOCK) {
        uLongf clen;
        int rc = compress_to(&tb->zs, &tb->z, text + off, TEXT_BLOCK, &clen, err);
        if (rc)
            return rc;
        uint32_t c = (uint32_t)clen;
        if (buf_append(&tb->clens, &c, sizeof c))
            return err_set(err, LOCI_ENOMEM, "out of memory compressing text");
        tb->count++;
    }
    return LOCI_OK;
}

void text_blocks_free(struct text_blocks *tb)
{
    buf_free(&tb->z);
    buf_free(&tb->clens);
    deflater_free(&tb->zs);
    tb->count = 0;
}

/* Write one compressed block and its table entry. */
static int put_block(struct textstore *ts, const uint8_t *z, uint32_t clen, uint32_t rlen,
                     loci_error *err)
{
    uint8_t e[TEXT_ENTRY_SIZE];
    le64_put(e + TEXT_ENTRY_OFF, lfile_tell(&ts->file));
    le32_put(e + TEXT_ENTRY_CLEN, clen);
    le32_put(e + TEXT_ENTRY_RLEN, rlen);
    if (buf_append(&ts->table, e, sizeof e))
        return err_set(err, LOCI_ENOMEM, "out of memory writing text");
    return lfile_write(&ts->file, z, clen, err);
}

/* Compress and write the block in `raw`. */
static int flush_raw(struct textstore *ts, loci_error *err)
{
    uLongf clen;
    ts->zbuf.len = 0;
    int rc = compress_to(&ts->zs, &ts->zbuf, ts->raw.data, ts->raw.len, &clen, err);
    if (!rc)
        rc = put_block(ts, ts->zbuf.data, (uint32_t)clen, (uint32_t)ts->raw.len, err);
    ts->raw.len = 0;
    return rc;
}

int textstore_open(struct textstore *ts, const char *dir, loci_error *err)
{
    memset(ts, 0, sizeof *ts);
    char path[PATH_BUF];
    if (path_join(path, sizeof path, dir, FMT_TEXT))
        return err_set(err, LOCI_EINVAL, "%s: path too long", dir);
    int rc = lfile_create(&ts->file, path, FMT_MAGIC_TEXT, err);
    if (!rc)
        ts->open = 1;
    return rc;
}

int textstore_append(struct textstore *ts, const void *p, size_t n, loci_error *err)
{
    const uint8_t *s = p;
    while (n > 0) {
        size_t room = TEXT_BLOCK - ts->raw.len;
        size_t m = n < room ? n : room;
        if (buf_append(&ts->raw, s, m))
            return err_set(err, LOCI_ENOMEM, "out of memory writing text");
        s += m;
        n -= m;
        ts->total += m;
        if (ts->raw.len == TEXT_BLOCK) {
            int rc = flush_raw(ts, err);
            if (rc)
                return rc;
        }
    }
    return LOCI_OK;
}

int textstore_append_blocks(struct textstore *ts, const struct text_blocks *tb,
                            loci_error *err)
{
    if (ts->raw.len || ts->total % TEXT_BLOCK)
        return err_set(err, LOCI_EINVAL, "internal error: text blocks off a block boundary");
    const uint8_t *z = tb->z.data;
    for (size_t i = 0; i < tb->count; i++) {
        uint32_t clen;
        memcpy(&clen, tb->clens.data + 4 * i, 4);
        int rc = put_block(ts, z, clen, TEXT_BLOCK, err);
        if (rc)
            return rc;
        z += clen;
        ts->total += TEXT_BLOCK;
    }
    return LOCI_OK;
}

int textstore_finish(struct textstore *ts, loci_error *err)
{
    int rc = ts->raw.len ? flush_raw(ts, err) : LOCI_OK;
    if (!rc) {
        uint8_t trailer[TEXT_TRAILER];
        le64_put(trailer, ts->table.len / TEXT_ENTRY_SIZE);
        le64_put(trailer + 8, lfile_tell(&ts->file)); /* the table starts here */
        le64_put(trailer + 16, ts->total);
        rc = lfile_write(&ts->file, ts->table.data, ts->table.len, err);
        if (!rc)
            rc = lfile_write(&ts->file, trailer, sizeof trailer, err);
    }
    if (!rc) {
        ts->open = 0;
        rc = lfile_finish(&ts->file, err);
    }
    textstore_abort(ts);
    return rc;
}

void textstore_abort(struct textstore *ts)
{
    if (ts->open)
        lfile_abort(&ts->file);
    ts->open = 0;
    buf_free(&ts->raw);
    buf_free(&ts->zbuf);
    buf_free(&ts->table);
    deflater_free(&ts->zs);
}
