/*
 * recfile.h — files of small variable-length records with random access:
 * the `passages` and `docs` files of an index.
 *
 * Records are grouped in blocks of RECFILE_BLOCK. A block is its records
 * back to back, each as varint length + bytes. After the blocks comes a
 * table of u64 body offsets, one per block, then a trailer (u64 record
 * count, u64 table offset). Finding record i reads one table entry and
 * skips at most RECFILE_BLOCK - 1 records: no search, and records cost
 * only the bytes their varint fields need (a third of fixed-width ones).
 * The index's record files also code fields relative to the previous
 * record of the block (reader.c and builder.c; docs/FORMAT.md), which the
 * block-wise reading makes free.
 */
#ifndef LOCI_RECFILE_H
#define LOCI_RECFILE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "codec.h"
#include "lfile.h"
#include "loci.h"

#define RECFILE_BLOCK 64
#define RECFILE_TRAILER 16

struct recfile_writer {
    struct lfile_writer file;
    struct buf table;
    uint64_t count;
};

int recfile_create(struct recfile_writer *w, const char *path, const char *magic, loci_error *err);
/* Append one record of n bytes. */
int recfile_add(struct recfile_writer *w, const void *rec, size_t n, loci_error *err);
/* Write table and trailer and close. */
int recfile_finish(struct recfile_writer *w, loci_error *err);
/* Delete an unfinished file. Safe after finish and on a zeroed struct. */
void recfile_abort(struct recfile_writer *w);

/* Reading: check the trailer and table of an open lfile holding `count`
 * records (verifies them). */
int recfile_check(struct lfile *f, uint64_t count, loci_error *err);
/* The block holding record i: its bytes [*p, *end) in the mapping (pages
 * verified), beginning with record *first. Records are decoded from the
 * start of their block with recfile_next: a record may be coded relative
 * to the ones before it in its block (docs/FORMAT.md). */
int recfile_block(struct lfile *f, uint64_t count, uint64_t i, uint64_t *first,
                  const uint8_t **p, const uint8_t **end, loci_error *err);

/* The record at *p: *rec and its length *n; *p moves past it. -1 if it
 * runs past end. */
static inline int recfile_next(const uint8_t **p, const uint8_t *end, const uint8_t **rec,
                               size_t *n)
{
    uint64_t len;
    if (varint_get(p, end, &len) || len > (uint64_t)(end - *p))
        return -1;
    *rec = *p;
    *n = (size_t)len;
    *p += len;
    return 0;
}

#endif
