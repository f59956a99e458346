/*
 * cursor.h — iterating over one term's postings (passage id, tf).
 *
 * The contract, after PISA's:
 *   - after cursor_open, the cursor is on the first posting;
 *   - cursor->id is the current passage id, or CURSOR_END once exhausted
 *     (larger than any real id, so loops need no separate end test);
 *   - cursor_next moves to the next posting; cursor_next_geq(c, t) moves to
 *     the first posting with id >= t, never backwards, skipping whole
 *     blocks through the skip table;
 *   - cursor_tf is the current posting's term frequency.
 * Corrupt data (which passed the page CRCs — so only through a bug or a
 * forged file) ends the cursor and sets c->rc to LOCI_ECORRUPT; callers
 * check c->rc after the loop. Reads are always bounded.
 */
#ifndef LOCI_CURSOR_H
#define LOCI_CURSOR_H

#include <stdint.h>

#include "format.h"
#include "reader.h"

#define CURSOR_END UINT32_MAX

struct cursor {
    uint32_t id;                 /* current passage id or CURSOR_END */
    uint32_t df, nblocks;
    const uint8_t *skips;        /* skip table (nblocks > 1) or NULL */
    const uint8_t *data, *end;   /* block data */
    uint32_t block;              /* current block */
    uint32_t n, i;               /* postings in the block, index of current */
    uint32_t ids[FMT_BLOCK];
    uint32_t tfs[FMT_BLOCK];
    int rc;                      /* LOCI_OK, or why the cursor ended early */
    loci_error *err;
    loci_index *idx;
};

/* Position a cursor on the postings of `ti` (verifying their pages). */
int cursor_open(struct cursor *c, loci_index *idx, const struct term_info *ti, loci_error *err);

static inline uint32_t cursor_tf(const struct cursor *c) { return c->tfs[c->i]; }

void cursor_next(struct cursor *c);
void cursor_next_geq(struct cursor *c, uint32_t target);

#endif
