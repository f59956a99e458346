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
 * Shallow moves, for block-max pruning: cursor_shallow_geq(c, t) moves to
 * the block that may hold the first id >= t without decoding it; c->id is
 * then only a lower bound (c->decoded == 0) until cursor_materialize
 * decodes the block and lands on a real posting. cursor_next, cursor_tf
 * and the block accessors need a materialized cursor except where noted.
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
    int decoded;                 /* ids/tfs hold block `block`; id is exact */
    int lazy_tfs;                /* shallow open: tfs decoded by cursor_load_tfs */
    int tfs_loaded;              /* lazy_tfs: tfs[] holds the block's tfs */
    const uint8_t *tf_in, *tf_end; /* lazy_tfs: the block's packed tfs */
    unsigned tf_width;
    uint32_t ids[FMT_BLOCK];
    uint32_t tfs[FMT_BLOCK];
    int rc;                      /* LOCI_OK, or why the cursor ended early */
    loci_error *err;
    struct segment *seg;
};

/* Position a cursor on the postings of `ti` (verifying their pages). */
int cursor_open(struct cursor *c, struct segment *seg, const struct term_info *ti, loci_error *err);
/* Like cursor_open, but a cursor with a skip table is left shallow before
 * block 0 (c->id 0, a lower bound; c->decoded 0): block 0 is neither
 * decoded nor verified until a move asks for a posting. And a block's tfs
 * are decoded only by cursor_load_tfs, which must come before cursor_tf
 * and poscursor_get. For a phrase's words: the rarest sends the others far
 * past block 0, and most blocks of a frequent word are decoded only to
 * find that the rare words' passage is not in them. A cursor of one block
 * is opened as by cursor_open. */
int cursor_open_shallow(struct cursor *c, struct segment *seg, const struct term_info *ti, loci_error *err);
/* Like cursor_open_shallow, with each block's tfs decoded with it: for
 * MaxScore, whose moves handle a shallow cursor, and where a term that
 * the threshold makes non-essential from the start (a later segment of
 * an index) may never need its first block. */
int cursor_open_deferred(struct cursor *c, struct segment *seg, const struct term_info *ti,
                         loci_error *err);

static inline uint32_t cursor_tf(const struct cursor *c) { return c->tfs[c->i]; }

/* Decode the current block's tfs if the cursor was opened shallow and
 * they are not yet (c materialized, c->id not CURSOR_END); a no-op for
 * other cursors. LOCI_OK, or the cursor ends with c->rc (returned) set. */
int cursor_load_tfs(struct cursor *c);

void cursor_next(struct cursor *c);
void cursor_next_geq(struct cursor *c, uint32_t target);

/* Move to the block that may contain the first id >= target, decoding
 * nothing (c->id becomes a lower bound). */
void cursor_shallow_geq(struct cursor *c, uint32_t target);
/* Decode the current block if needed and move to the first real posting
 * >= c->id. */
void cursor_materialize(struct cursor *c);
/* Decode block b and stand on its first posting. Unlike the moves above it
 * may go backwards: for visiting blocks in another order than by id. */
void cursor_seek_block(struct cursor *c, uint32_t b);
/* Last id of the current block (valid on a shallow cursor too). */
uint32_t cursor_block_last(const struct cursor *c);

#endif
