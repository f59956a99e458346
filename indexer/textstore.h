/*
 * textstore.h — writing the `text` file: the documents' text as one
 * stream, cut into TEXT_BLOCK-byte blocks, each compressed with zlib.
 *
 * Documents are appended as they arrive, so memory stays at a block
 * whatever the corpus size. Compression is the costliest step of a build
 * after tokenizing, so most of it is done by the build's workers, in
 * parallel: a worker compresses the whole blocks that fall inside its
 * batch's part of the stream (text_compress_blocks), and the writer only
 * compresses the blocks that straddle two batches. The blocks are the same
 * fixed TEXT_BLOCK slices of the stream either way, so the file does not
 * depend on how the input was batched. textstore_tell gives the stream
 * offset a document starts at (recorded in its docs record).
 */
#ifndef LOCI_TEXTSTORE_H
#define LOCI_TEXTSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "lfile.h"
#include "loci.h"

struct z_stream_s;

/* Whole blocks compressed ahead of time. */
struct text_blocks {
    struct buf z;          /* the compressed blocks, back to back */
    struct buf clens;      /* u32 (host order) compressed length per block */
    size_t count;
    struct z_stream_s *zs; /* deflate state, reused */
};

/* Compress n bytes (a multiple of TEXT_BLOCK) as n / TEXT_BLOCK blocks,
 * replacing the contents of tb (but keeping its deflate state). Different
 * text_blocks may be filled on different threads. LOCI_OK or LOCI_ENOMEM. */
int text_compress_blocks(struct text_blocks *tb, const uint8_t *text, size_t n,
                         loci_error *err);
void text_blocks_free(struct text_blocks *tb);

struct textstore {
    struct lfile_writer file;
    struct buf raw;             /* the block being filled, < TEXT_BLOCK bytes */
    struct buf zbuf;            /* compression scratch */
    struct buf table;           /* block table entries */
    struct z_stream_s *zs;      /* deflate state, reused */
    uint64_t total;             /* raw bytes appended */
    int open;
};

int textstore_open(struct textstore *ts, const char *dir, loci_error *err);
int textstore_append(struct textstore *ts, const void *p, size_t n, loci_error *err);
/* Append blocks compressed by text_compress_blocks. The stream must be at
 * a block boundary (textstore_tell a multiple of TEXT_BLOCK). */
int textstore_append_blocks(struct textstore *ts, const struct text_blocks *tb,
                            loci_error *err);
static inline uint64_t textstore_tell(const struct textstore *ts) { return ts->total; }
/* Compress the last block, write table and trailer, close the file. */
int textstore_finish(struct textstore *ts, loci_error *err);
/* Delete an unfinished file, free everything. Safe after finish and on a
 * zeroed struct. */
void textstore_abort(struct textstore *ts);

#endif
