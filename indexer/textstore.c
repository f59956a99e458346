/*
 * textstore.c — zlib-compressed text stream of an index, compressed on a
 * second thread (see textstore.h).
 *
 * The main thread fills `raw`; a full block is moved into the ring
 * `queue` (waiting while the ring is full) and the compressor thread takes
 * blocks from the ring in order, compresses and writes them. Errors of the
 * compressor are sticky and reported by the next append or by finish.
 */
#include "textstore.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "codec.h"
#include "error.h"
#include "format.h"
#include "path.h"

/* Measured on the enwiki paragraphs (64 KiB blocks): level 6 compresses to
 * 0.386 at 23 MB/s, level 4 to 0.400 at 56 MB/s, level 1 to 0.443 at
 * 93 MB/s. Compression was the slowest stage of a build at level 6; level
 * 4 costs 4% more store for 2.4x the speed. */
#define TEXT_ZLEVEL 4

static int compress_block(struct textstore *ts, const struct buf *raw)
{
    uLongf clen = compressBound((uLong)raw->len);
    ts->zbuf.len = 0;
    if (buf_reserve(&ts->zbuf, clen))
        return err_set(&ts->err, LOCI_ENOMEM, "out of memory compressing text");
    if (compress2(ts->zbuf.data, &clen, raw->data, (uLong)raw->len, TEXT_ZLEVEL) != Z_OK)
        return err_set(&ts->err, LOCI_ENOMEM, "zlib failed to compress a text block");
    uint8_t e[TEXT_ENTRY_SIZE];
    le64_put(e + TEXT_ENTRY_OFF, lfile_tell(&ts->file));
    le32_put(e + TEXT_ENTRY_CLEN, (uint32_t)clen);
    le32_put(e + TEXT_ENTRY_RLEN, (uint32_t)raw->len);
    if (buf_append(&ts->table, e, sizeof e))
        return err_set(&ts->err, LOCI_ENOMEM, "out of memory writing text");
    return lfile_write(&ts->file, ts->zbuf.data, clen, &ts->err);
}

static void *compressor(void *arg)
{
    struct textstore *ts = arg;
    pthread_mutex_lock(&ts->lock);
    for (;;) {
        while (ts->count == 0 && !ts->done)
            pthread_cond_wait(&ts->changed, &ts->lock);
        if (ts->count == 0)
            break; /* done and drained */
        struct buf *b = &ts->queue[ts->head];
        pthread_mutex_unlock(&ts->lock);
        int rc = ts->rc ? ts->rc : compress_block(ts, b);
        pthread_mutex_lock(&ts->lock);
        if (rc && !ts->rc)
            ts->rc = rc;
        b->len = 0;
        ts->head = (ts->head + 1) % TEXTSTORE_QUEUE;
        ts->count--;
        pthread_cond_broadcast(&ts->changed);
    }
    pthread_mutex_unlock(&ts->lock);
    return NULL;
}

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
    pthread_mutex_init(&ts->lock, NULL);
    pthread_cond_init(&ts->changed, NULL);
    if (pthread_create(&ts->thread, NULL, compressor, ts) != 0) {
        textstore_abort(ts);
        return err_set(err, LOCI_ENOMEM, "cannot start the compression thread");
    }
    ts->running = 1;
    return LOCI_OK;
}

/* Hand the full `raw` block to the compressor (waits while the ring is full). */
static int enqueue(struct textstore *ts, loci_error *err)
{
    pthread_mutex_lock(&ts->lock);
    while (ts->count == TEXTSTORE_QUEUE)
        pthread_cond_wait(&ts->changed, &ts->lock);
    int rc = ts->rc;
    if (!rc) {
        struct buf *slot = &ts->queue[(ts->head + ts->count) % TEXTSTORE_QUEUE];
        struct buf tmp = *slot; /* swap buffers: no copy */
        *slot = ts->raw;
        ts->raw = tmp;
        ts->raw.len = 0;
        ts->count++;
        pthread_cond_broadcast(&ts->changed);
    }
    pthread_mutex_unlock(&ts->lock);
    if (rc && err)
        *err = ts->err;
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
            int rc = enqueue(ts, err);
            if (rc)
                return rc;
        }
    }
    return LOCI_OK;
}

/* Tell the thread no more blocks come, and wait for it. */
static void stop(struct textstore *ts)
{
    if (!ts->running)
        return;
    pthread_mutex_lock(&ts->lock);
    ts->done = 1;
    pthread_cond_broadcast(&ts->changed);
    pthread_mutex_unlock(&ts->lock);
    pthread_join(ts->thread, NULL);
    ts->running = 0;
}

int textstore_finish(struct textstore *ts, loci_error *err)
{
    int rc = ts->raw.len ? enqueue(ts, err) : LOCI_OK;
    stop(ts);
    if (!rc && ts->rc) {
        rc = ts->rc;
        if (err)
            *err = ts->err;
    }
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
    int had_thread = ts->running || ts->open;
    stop(ts);
    if (ts->open)
        lfile_abort(&ts->file);
    ts->open = 0;
    buf_free(&ts->raw);
    buf_free(&ts->zbuf);
    buf_free(&ts->table);
    for (int i = 0; i < TEXTSTORE_QUEUE; i++)
        buf_free(&ts->queue[i]);
    if (had_thread) {
        pthread_mutex_destroy(&ts->lock);
        pthread_cond_destroy(&ts->changed);
    }
}
