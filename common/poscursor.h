/*
 * poscursor.h — the token positions of a postings cursor's current
 * posting, read from the positions file (docs/FORMAT.md: per posting, tf
 * varints, the first absolute and the next ones as deltas; a skip entry's
 * pos_offset is where its block's first posting starts).
 *
 * A poscursor follows one struct cursor forward: it remembers where the
 * last posting read ended, so walking a block's postings in order reads
 * each byte once; a jump to another block starts from that block's
 * pos_offset, never from the term's start. A positions page is verified
 * when the cursor first reads a byte of it: a rare word's posting in a
 * frequent word's block costs the pages up to it, not the whole block's.
 */
#ifndef LOCI_POSCURSOR_H
#define LOCI_POSCURSOR_H

#include <stdint.h>

#include "cursor.h"
#include "reader.h"

struct poscursor {
    struct segment *seg;
    uint64_t off, len;          /* the term's positions: body range */
    uint32_t block;             /* block being read (UINT32_MAX: none) */
    uint32_t at;                /* index in it of the posting at p */
    const uint8_t *p, *end;     /* next byte, end of the block's positions */
    const uint8_t *vend;        /* bytes of the block before it are verified */
};

void poscursor_open(struct poscursor *pc, struct segment *seg, const struct term_info *ti);

/* The positions of c's current posting (c materialized, c->id not
 * CURSOR_END) into out[0 .. cursor_tf(c)), ascending. LOCI_OK, or
 * LOCI_ECORRUPT with err set when they are malformed or out of range. */
int poscursor_get(struct poscursor *pc, const struct cursor *c, uint32_t *out, loci_error *err);
/* How many of those positions are below `limit`, into *below (for BM25F:
 * a passage's title tokens are its first ones). Same contract. */
int poscursor_count_below(struct poscursor *pc, const struct cursor *c, uint32_t limit,
                          uint32_t *below, loci_error *err);

#endif
