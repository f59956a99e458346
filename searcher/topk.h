/*
 * topk.h — keeping the k best hits: a binary min-heap whose root is the
 * worst hit kept, so a candidate is compared with one value.
 *
 * Order: higher score first; equal scores by lower passage id first. That
 * tie rule makes results deterministic and identical whatever the
 * evaluation strategy.
 */
#ifndef LOCI_TOPK_H
#define LOCI_TOPK_H

#include <stddef.h>

#include "loci.h"

struct topk {
    loci_hit *heap;
    size_t n, k;
};

/* 1 if a ranks before b. */
static inline int hit_better(const loci_hit *a, const loci_hit *b)
{
    return a->score > b->score || (a->score == b->score && a->passage < b->passage);
}

int topk_init(struct topk *t, size_t k);
void topk_free(struct topk *t);

/* Offer a hit; kept if fewer than k are held or it beats the worst. */
void topk_push(struct topk *t, const loci_hit *h);

/* Score a new hit must exceed (or tie with a lower id) to enter; -inf until full. */
double topk_threshold(const struct topk *t);

/* Sort the kept hits best first (the heap is consumed; n unchanged). */
void topk_sort(struct topk *t);

#endif
