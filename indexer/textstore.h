/*
 * textstore.h — writing the `text` file: the documents' text as one
 * stream, cut into TEXT_BLOCK-byte blocks, each compressed with zlib.
 *
 * Documents are appended as they arrive, so memory stays at one block
 * whatever the corpus size. textstore_tell gives the stream offset a
 * document starts at (recorded in its docs record).
 */
#ifndef LOCI_TEXTSTORE_H
#define LOCI_TEXTSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "lfile.h"
#include "loci.h"

struct textstore {
    struct lfile_writer file;
    struct buf raw;        /* the current block, < TEXT_BLOCK bytes */
    struct buf zbuf;       /* compression scratch */
    struct buf table;      /* block table entries */
    uint64_t total;        /* raw bytes appended */
    int open;
};

int textstore_open(struct textstore *ts, const char *dir, loci_error *err);
int textstore_append(struct textstore *ts, const void *p, size_t n, loci_error *err);
static inline uint64_t textstore_tell(const struct textstore *ts) { return ts->total; }
/* Compress the last block, write table and trailer, close the file. */
int textstore_finish(struct textstore *ts, loci_error *err);
/* Delete the unfinished file and free everything. Safe after finish. */
void textstore_abort(struct textstore *ts);

#endif
