/*
 * proximity.h — a bonus for query terms that stand close together in a
 * passage (loci_search_options.proximity, --proximity), read from the
 * positions the index stores.
 *
 * The formula is Büttcher, Clarke and Lushman's (SIGIR 2006), scaled by
 * the option's weight W. The occurrences of the query's proximity terms
 * in the passage (its distinct scoring words, each with its BM25 weight
 * w = qtf * idf) are put in position order; wherever two occurrences next
 * to each other in that order are of different terms i and j, d positions
 * apart, each gets an accumulator credit from the other:
 *
 *   acc_i += w_j / d^2,   acc_j += w_i / d^2
 *
 * and each term's accumulator is saturated and length-normalized like a
 * BM25 tf:
 *
 *   bonus(p) = W * sum over terms i of
 *                  min(1, w_i) * acc_i * (k1 + 1) / (acc_i + K)
 *   K        = k1 * (1 - b + b * len(p) / avglen)
 *
 * So a term counts only beside another query term, more the closer and
 * the rarer its neighbours are, and at most as much as one more
 * occurrence of a (capped) term. W 1 is the published formula.
 *
 * Bound: acc * (k1 + 1) / (acc + K) < k1 + 1 (it is clamped there against
 * rounding), so
 *
 *   bonus(p) <= Pmax = W * sum over i of min(1, w_i) * (k1 + 1)
 *
 * and, summed in the same order with each part no larger, the computed
 * bonus never exceeds the computed Pmax (rounding is monotonic). search.c
 * relies on it for an exact rerank of the BM25 top k' (see there).
 */
#ifndef LOCI_PROXIMITY_H
#define LOCI_PROXIMITY_H

#include <stddef.h>
#include <stdint.h>

#include "loci.h"
#include "index.h"

/* Most proximity terms in one query: the words past it get no bonus (a
 * query of thousands of words is not asking about their proximity, and
 * each adds to every candidate's work). */
#define PROXIMITY_MAX_TERMS 64

struct prox_term {
    double weight;           /* qtf * idf, as in BM25 */
    struct term_info *ti;    /* per segment of the index: ti[segment] */
};

/* The scoring parameters: W, and BM25's k1 and b. */
struct prox_params {
    double w, k1, b;
};

/* Pmax: no passage's bonus is larger (0 with fewer than two terms). */
double proximity_max(const struct prox_term *t, size_t n, const struct prox_params *p);

/* The bonus of one passage from its terms' positions (terms past
 * PROXIMITY_MAX_TERMS are left out, as everywhere): pos[i][0 .. tf[i])
 * ascending (tf[i] 0: absent); norm = 1 - b + b * len / avglen.
 * `scratch` holds at least the sum of the tf entries. */
double proximity_bonus(const struct prox_term *t, size_t n, const struct prox_params *p,
                       double norm, const uint32_t *const *pos, const uint32_t *tf,
                       uint64_t *scratch);

/* Add each hit's bonus to its score (hits[i].passage: global ids of idx,
 * in any order). LOCI_OK, or an error of reading the postings. */
int proximity_add(loci_index *idx, const struct prox_term *t, size_t n,
                  const struct prox_params *p, loci_hit *hits, size_t nhits, loci_error *err);

#endif
