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
 */
#ifndef LOCI_RECFILE_H
#define LOCI_RECFILE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
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
/* Record i: *rec points into the mapping, *n its length. */
int recfile_get(struct lfile *f, uint64_t count, uint64_t i, const uint8_t **rec, size_t *n,
                loci_error *err);

#endif
