/*
 * textstore.h — writing the `text` file: the documents' text as one
 * stream, cut into TEXT_BLOCK-byte blocks, each compressed with zlib.
 *
 * Documents are appended as they arrive, so memory stays at a few blocks
 * whatever the corpus size. Compression runs on a thread of its own: it is
 * the costliest step of a build after tokenizing, and the two overlap.
 * Blocks are compressed and written in order, so the file does not depend
 * on thread timing. textstore_tell gives the stream offset a document
 * starts at (recorded in its docs record).
 */
#ifndef LOCI_TEXTSTORE_H
#define LOCI_TEXTSTORE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "lfile.h"
#include "loci.h"

#define TEXTSTORE_QUEUE 4   /* blocks in flight between the threads */

struct textstore {
    struct lfile_writer file;   /* written by the compressor thread only */
    struct buf raw;             /* the block being filled */
    struct buf queue[TEXTSTORE_QUEUE]; /* full blocks waiting for the compressor */
    unsigned head, count;       /* ring of queued blocks */
    int done;                   /* no more blocks will come */
    int rc;                     /* the compressor's first error (sticky) */
    loci_error err;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    struct buf zbuf;            /* compression scratch (compressor thread) */
    struct buf table;           /* block table entries (compressor thread) */
    uint64_t total;             /* raw bytes appended */
    int open, running;
};

int textstore_open(struct textstore *ts, const char *dir, loci_error *err);
int textstore_append(struct textstore *ts, const void *p, size_t n, loci_error *err);
static inline uint64_t textstore_tell(const struct textstore *ts) { return ts->total; }
/* Compress the last block, write table and trailer, close the file. */
int textstore_finish(struct textstore *ts, loci_error *err);
/* Stop the thread, delete an unfinished file, free everything. Safe after
 * finish and on a zeroed struct. */
void textstore_abort(struct textstore *ts);

#endif
