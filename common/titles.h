/*
 * titles.h — a segment's JSON Lines titles as a field of their own, for
 * BM25F scoring (bm25.h, --title-weight): which passages begin with title
 * tokens, and how many (the lengths file's title table, docs/FORMAT.md,
 * 4.3). A passage's title tokens are its first ones, so a term's title
 * frequency there is the number of its positions below that count
 * (poscursor_count_below).
 *
 * The ranking loops (ranking.c, qrank.c) share this: they look a
 * candidate up once per term, so the last answer is kept.
 */
#ifndef LOCI_TITLES_H
#define LOCI_TITLES_H

#include <stdint.h>

#include "reader.h"

struct titles {
    const uint8_t *tab;     /* (u32 passage, u32 tokens) by passage */
    uint64_t n;
    uint32_t last, last_tokens; /* the last passage looked up (UINT32_MAX: none) */
    uint64_t at;            /* the first entry at or after it */
};

/* The titles of seg (verified; a segment without titles has n 0).
 * LOCI_OK, or a corruption error. */
int titles_open(struct titles *t, struct segment *seg, loci_error *err);

/* Title tokens of passage d (0: no title). */
uint32_t titles_of(struct titles *t, uint32_t d);

/* The factors that bound BM25F by plain BM25's block maxima: tf' <=
 * tf_scale * tf and len' >= len_scale * len for title weight w (bm25.h). */
void titles_bound_scales(double w, double *tf_scale, double *len_scale);

#endif
