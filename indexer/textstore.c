/*
 * textstore.c — zlib-compressed text stream of an index (see textstore.h).
 */
#include "textstore.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "codec.h"
#include "error.h"
#include "format.h"
#include "path.h"

/* Level 6 is zlib's default trade-off; the store is written once and read
 * a few blocks per query, so a smaller file beats faster compression. */
#define TEXT_ZLEVEL 6

int textstore_open(struct textstore *ts, const char *dir, loci_error *err)
{
    memset(ts, 0, sizeof *ts);
    char path[PATH_BUF];
    if (path_join(path, sizeof path, dir, FMT_TEXT))
        return err_set(err, LOCI_EINVAL, "%s: path too long", dir);
    int rc = lfile_create(&ts->file, path, FMT_MAGIC_TEXT, err);
    if (rc)
        return rc;
    ts->open = 1;
    return LOCI_OK;
}

static int flush_block(struct textstore *ts, loci_error *err)
{
    uLongf clen = compressBound((uLong)ts->raw.len);
    ts->zbuf.len = 0;
    if (buf_reserve(&ts->zbuf, clen))
        return err_set(err, LOCI_ENOMEM, "out of memory compressing text");
    if (compress2(ts->zbuf.data, &clen, ts->raw.data, (uLong)ts->raw.len, TEXT_ZLEVEL) != Z_OK)
        return err_set(err, LOCI_ENOMEM, "zlib failed to compress a text block");
    uint8_t e[TEXT_ENTRY_SIZE];
    le64_put(e + TEXT_ENTRY_OFF, lfile_tell(&ts->file));
    le32_put(e + TEXT_ENTRY_CLEN, (uint32_t)clen);
    le32_put(e + TEXT_ENTRY_RLEN, (uint32_t)ts->raw.len);
    if (buf_append(&ts->table, e, sizeof e))
        return err_set(err, LOCI_ENOMEM, "out of memory writing text");
    ts->raw.len = 0;
    return lfile_write(&ts->file, ts->zbuf.data, clen, err);
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
            int rc = flush_block(ts, err);
            if (rc)
                return rc;
        }
    }
    return LOCI_OK;
}

int textstore_finish(struct textstore *ts, loci_error *err)
{
    int rc = LOCI_OK;
    if (ts->raw.len)
        rc = flush_block(ts, err);
    if (!rc) {
        uint8_t trailer[TEXT_TRAILER];
        le64_put(trailer, ts->table.len / TEXT_ENTRY_SIZE);
        le64_put(trailer + 8, lfile_tell(&ts->file)); /* the table starts here */
        le64_put(trailer + 16, ts->total);
        rc = lfile_write(&ts->file, ts->table.data, ts->table.len, err);
        if (!rc)
            rc = lfile_write(&ts->file, trailer, sizeof trailer, err);
    }
    if (rc) {
        textstore_abort(ts);
        return rc;
    }
    ts->open = 0;
    rc = lfile_finish(&ts->file, err);
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
}
