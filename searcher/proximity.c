/*
 * proximity.c — the proximity bonus of passages (see proximity.h): the
 * formula, its bound, and reading the positions of a set of hits.
 */
#include "proximity.h"

#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "error.h"
#include "poscursor.h"

/* A term's cap: min(1, w) * (k1 + 1), its largest share of the bonus. */
static double term_cap(const struct prox_term *t, const struct prox_params *p)
{
    return (t->weight < 1 ? t->weight : 1) * (p->k1 + 1);
}

double proximity_max(const struct prox_term *t, size_t n, const struct prox_params *p)
{
    if (n > PROXIMITY_MAX_TERMS)
        n = PROXIMITY_MAX_TERMS;
    if (n < 2)
        return 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += term_cap(&t[i], p);
    return p->w * sum;
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

double proximity_bonus(const struct prox_term *t, size_t n, const struct prox_params *p,
                       double norm, const uint32_t *const *pos, const uint32_t *tf,
                       uint64_t *scratch)
{
    if (n > PROXIMITY_MAX_TERMS)
        n = PROXIMITY_MAX_TERMS;
    /* every occurrence as (position, term), in position order */
    size_t m = 0, present = 0;
    for (size_t i = 0; i < n; i++) {
        present += tf[i] > 0;
        for (uint32_t k = 0; k < tf[i]; k++)
            scratch[m++] = (uint64_t)pos[i][k] << 32 | i;
    }
    if (present < 2)
        return 0;
    qsort(scratch, m, sizeof *scratch, by_value);
    double acc[PROXIMITY_MAX_TERMS] = {0};
    for (size_t a = 1; a < m; a++) {
        uint32_t p0 = (uint32_t)(scratch[a - 1] >> 32), p1 = (uint32_t)(scratch[a] >> 32);
        size_t i = (size_t)(scratch[a - 1] & 0xffffffffu), j = (size_t)(scratch[a] & 0xffffffffu);
        if (i == j)
            continue;
        double d = p1 > p0 ? (double)(p1 - p0) : 1.0; /* two terms at one place: 1 */
        acc[i] += t[j].weight / (d * d);
        acc[j] += t[i].weight / (d * d);
    }
    double K = p->k1 * norm, sum = 0;
    for (size_t i = 0; i < n; i++) { /* every term, in order, as proximity_max sums */
        double sat = acc[i] > 0 ? acc[i] * (p->k1 + 1) / (acc[i] + K) : 0;
        if (sat > p->k1 + 1) /* only by rounding: the bound must hold */
            sat = p->k1 + 1;
        sum += (t[i].weight < 1 ? t[i].weight : 1) * sat;
    }
    return p->w * sum;
}

struct prox_reader {
    struct cursor *cur;      /* per term, in the current segment */
    struct poscursor *pc;
    uint8_t *open;           /* per term: cursor open in this segment */
    uint32_t **pos, *cap, *tf;
    uint64_t *scratch;
    size_t nscratch;
};

static int by_passage(const void *a, const void *b)
{
    const loci_hit *x = *(const loci_hit *const *)a, *y = *(const loci_hit *const *)b;
    return (x->passage > y->passage) - (x->passage < y->passage);
}

/* The bonus of passage d of segment v into *bonus (r's cursors in v). */
static int passage_bonus(struct prox_reader *r, const struct segview *v, const struct prox_term *t,
                         size_t n, const struct prox_params *p, uint32_t d, double *bonus,
                         loci_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        r->tf[i] = 0;
        if (!r->open[i])
            continue;
        struct cursor *c = &r->cur[i];
        cursor_next_geq(c, d);
        if (c->rc)
            return c->rc;
        if (c->id != d)
            continue;
        uint32_t tf = cursor_tf(c);
        if (tf > r->cap[i]) {
            uint32_t *q = realloc(r->pos[i], (size_t)tf * sizeof *q);
            if (!q)
                return err_set(err, LOCI_ENOMEM, "out of memory");
            r->pos[i] = q;
            r->cap[i] = tf;
        }
        int rc = poscursor_get(&r->pc[i], c, r->pos[i], err);
        if (rc)
            return rc;
        r->tf[i] = tf;
        total += tf;
    }
    if (total > r->nscratch) {
        uint64_t *s = realloc(r->scratch, total * sizeof *s);
        if (!s)
            return err_set(err, LOCI_ENOMEM, "out of memory");
        r->scratch = s;
        r->nscratch = total;
    }
    int64_t len = reader_passage_length(v->seg, d, err);
    if (len < 0)
        return err->code;
    /* the length normalization of BM25 (bm25.h), at the scoring avglen */
    double norm = 1.0 - p->b + p->b * (double)len / v->avglen;
    *bonus = proximity_bonus(t, n, p, norm, (const uint32_t *const *)r->pos, r->tf, r->scratch);
    return LOCI_OK;
}

int proximity_add(loci_index *idx, const struct prox_term *t, size_t n,
                  const struct prox_params *p, loci_hit *hits, size_t nhits, loci_error *err)
{
    if (n > PROXIMITY_MAX_TERMS)
        n = PROXIMITY_MAX_TERMS;
    if (n < 2 || !nhits)
        return LOCI_OK;
    struct prox_reader r = {0};
    loci_hit **order = malloc(nhits * sizeof *order);
    r.cur = calloc(n, sizeof *r.cur);
    r.pc = calloc(n, sizeof *r.pc);
    r.open = calloc(n, 1);
    r.pos = calloc(n, sizeof *r.pos);
    r.cap = calloc(n, sizeof *r.cap);
    r.tf = calloc(n, sizeof *r.tf);
    int rc = order && r.cur && r.pc && r.open && r.pos && r.cap && r.tf
                 ? LOCI_OK
                 : err_set(err, LOCI_ENOMEM, "out of memory");
    if (!rc) {
        /* in id order, so that each term's cursor only moves forward */
        for (size_t i = 0; i < nhits; i++)
            order[i] = &hits[i];
        qsort(order, nhits, sizeof *order, by_passage);
    }
    const struct segview *v = NULL;
    for (size_t h = 0; h < nhits && !rc; h++) {
        uint32_t local;
        const struct segview *hv = index_view_of_passage(idx, order[h]->passage, &local);
        if (hv != v) { /* a new segment: its terms' cursors */
            v = hv;
            for (size_t i = 0; i < n && !rc; i++) {
                const struct term_info *ti = &t[i].ti[v->number];
                r.open[i] = 0;
                if (!ti->df)
                    continue;
                if (!(rc = cursor_open(&r.cur[i], v->seg, ti, err))) {
                    poscursor_open(&r.pc[i], v->seg, ti);
                    r.open[i] = 1;
                }
            }
        }
        double bonus = 0;
        if (!rc && !(rc = passage_bonus(&r, v, t, n, p, local, &bonus, err)))
            order[h]->score = order[h]->score + bonus;
    }
    for (size_t i = 0; i < n && r.pos; i++)
        free(r.pos[i]);
    free(order);
    free(r.cur);
    free(r.pc);
    free(r.open);
    free(r.pos);
    free(r.cap);
    free(r.tf);
    free(r.scratch);
    return rc;
}
