/*
 * topk.c — bounded min-heap of hits (see topk.h).
 */
#include "topk.h"

#include <math.h>
#include <stdlib.h>

int topk_init(struct topk *t, size_t k)
{
    t->n = 0;
    t->k = k;
    t->heap = malloc((k ? k : 1) * sizeof *t->heap);
    return t->heap ? LOCI_OK : LOCI_ENOMEM;
}

void topk_free(struct topk *t)
{
    free(t->heap);
    t->heap = NULL;
    t->n = t->k = 0;
}

/* Restore the heap below position i; the root is the worst hit. */
static void sift_down(loci_hit *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < n && hit_better(&h[w], &h[l]))
            w = l;
        if (r < n && hit_better(&h[w], &h[r]))
            w = r;
        if (w == i)
            return;
        loci_hit tmp = h[i];
        h[i] = h[w];
        h[w] = tmp;
        i = w;
    }
}

void topk_push(struct topk *t, const loci_hit *hit)
{
    if (t->k == 0)
        return;
    if (t->n < t->k) {
        size_t i = t->n++;
        t->heap[i] = *hit;
        while (i > 0) {
            size_t p = (i - 1) / 2;
            if (!hit_better(&t->heap[p], &t->heap[i]))
                break;
            loci_hit tmp = t->heap[i];
            t->heap[i] = t->heap[p];
            t->heap[p] = tmp;
            i = p;
        }
        return;
    }
    if (!hit_better(hit, &t->heap[0]))
        return;
    t->heap[0] = *hit;
    sift_down(t->heap, t->n, 0);
}

double topk_threshold(const struct topk *t)
{
    return t->n < t->k ? -INFINITY : t->heap[0].score;
}

void topk_sort(struct topk *t)
{
    /* Heap sort: repeatedly move the worst to the end. */
    for (size_t n = t->n; n > 1; n--) {
        loci_hit tmp = t->heap[0];
        t->heap[0] = t->heap[n - 1];
        t->heap[n - 1] = tmp;
        sift_down(t->heap, n - 1, 0);
    }
}
