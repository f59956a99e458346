/*
 * expand.c — the relevance model of pseudo-relevance feedback (expand.h):
 * the terms of the feedback passages counted per passage, mixed by the
 * passages' weights, and the most probable allowed terms taken.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "expand.h"
#include "hash.h"

struct expand_entry {
    char bytes[ANALYZER_MAX_TERM];
    size_t len;
    double p;         /* sum of weight * tf / |D| over the passages added */
    uint32_t tf;      /* occurrences in the passage being added */
    uint32_t seen;    /* 1 + the last passage it occurred in (0: none yet) */
};

void expand_init(struct expand *e, struct analyzer *an)
{
    memset(e, 0, sizeof *e);
    e->an = an;
}

void expand_free(struct expand *e)
{
    free(e->term);
    free(e->table);
    free(e->doc);
    memset(e, 0, sizeof *e);
}

static size_t slot_of(const struct expand *e, const char *term, size_t len)
{
    size_t mask = e->tcap - 1, i = (size_t)hash_bytes(term, len) & mask;
    while (e->table[i]) {
        const struct expand_entry *t = &e->term[e->table[i] - 1];
        if (t->len == len && !memcmp(t->bytes, term, len))
            break;
        i = (i + 1) & mask;
    }
    return i;
}

static int grow_table(struct expand *e)
{
    size_t cap = e->tcap ? e->tcap * 2 : 256;
    uint32_t *t = calloc(cap, sizeof *t), *old = e->table;
    if (!t)
        return LOCI_ENOMEM;
    e->table = t;
    e->tcap = cap;
    for (size_t i = 0; i < e->n; i++)
        e->table[slot_of(e, e->term[i].bytes, e->term[i].len)] = (uint32_t)(i + 1);
    free(old);
    return LOCI_OK;
}

/* One token of the passage being added: counted in its term's entry. */
static int add_token(void *ctx, const struct token *tok)
{
    struct expand *e = ctx;
    if (2 * (e->n + 1) > e->tcap && grow_table(e))
        return LOCI_ENOMEM;
    if (e->n >= UINT32_MAX - 1)
        return LOCI_ENOMEM; /* (a table of four billion terms would not fit anyway) */
    size_t s = slot_of(e, tok->term, tok->term_len);
    if (!e->table[s]) {
        if (e->n == e->cap) {
            struct expand_entry *p = array_grow(e->term, &e->cap, e->n + 1, sizeof *p, 256);
            if (!p)
                return LOCI_ENOMEM;
            e->term = p;
        }
        struct expand_entry *t = &e->term[e->n];
        memset(t, 0, sizeof *t);
        memcpy(t->bytes, tok->term, tok->term_len);
        t->len = tok->term_len;
        e->table[s] = (uint32_t)++e->n;
    }
    uint32_t i = e->table[s] - 1;
    struct expand_entry *t = &e->term[i];
    if (t->seen != e->passages + 1) {
        if (e->ndoc == e->doccap) {
            uint32_t *p = array_grow(e->doc, &e->doccap, e->ndoc + 1, sizeof *p, 256);
            if (!p)
                return LOCI_ENOMEM;
            e->doc = p;
        }
        e->doc[e->ndoc++] = i;
        t->seen = e->passages + 1;
        t->tf = 0;
    }
    t->tf++;
    return 0;
}

int expand_add(struct expand *e, const char *text, size_t len, double weight)
{
    if (!(weight > 0))
        return LOCI_OK;
    e->ndoc = 0;
    int rc = analyzer_run(e->an, text, len, add_token, e);
    if (rc)
        return rc;
    double tokens = 0;
    for (size_t i = 0; i < e->ndoc; i++)
        tokens += e->term[e->doc[i]].tf;
    /* in the order the terms first occur: the same sums every time */
    for (size_t i = 0; i < e->ndoc; i++) {
        struct expand_entry *t = &e->term[e->doc[i]];
        t->p += weight * t->tf / tokens;
    }
    e->passages++;
    return LOCI_OK;
}

static int by_p_desc(const void *a, const void *b)
{
    const struct expand_entry *x = *(struct expand_entry *const *)a,
                              *y = *(struct expand_entry *const *)b;
    if (x->p != y->p)
        return x->p < y->p ? 1 : -1;
    size_t n = x->len < y->len ? x->len : y->len;
    int r = memcmp(x->bytes, y->bytes, n);
    return r ? r : (x->len > y->len) - (x->len < y->len);
}

int expand_terms(struct expand *e, unsigned nterms, uint64_t passages, expand_df_fn df,
                 void *df_ctx, expand_stop_fn stop, void *stop_ctx, struct expand_term **out,
                 size_t *n)
{
    *out = NULL;
    *n = 0;
    struct expand_entry **order = malloc((e->n ? e->n : 1) * sizeof *order);
    struct expand_term *kept = calloc(nterms ? nterms : 1, sizeof *kept);
    if (!order || !kept) {
        free(order);
        free(kept);
        return LOCI_ENOMEM;
    }
    for (size_t i = 0; i < e->n; i++)
        order[i] = &e->term[i];
    qsort(order, e->n, sizeof *order, by_p_desc);
    size_t m = 0;
    double sum = 0;
    for (size_t i = 0; i < e->n && m < nterms; i++) {
        const struct expand_entry *t = order[i];
        if (t->len < 2 || (stop && stop(stop_ctx, t->bytes, t->len)))
            continue;
        int64_t f = df(df_ctx, t->bytes, t->len);
        if (f < 0) {
            free(order);
            free(kept);
            return (int)f;
        }
        if ((double)f > EXPAND_MAX_DF * (double)passages)
            continue;
        struct expand_term *k = &kept[m++];
        memcpy(k->bytes, t->bytes, t->len);
        k->bytes[t->len] = '\0';
        k->len = t->len;
        k->p = t->p;
        k->df = (uint64_t)f;
        sum += t->p;
    }
    for (size_t i = 0; i < m; i++)
        kept[i].p /= sum;
    free(order);
    *out = kept;
    *n = m;
    return LOCI_OK;
}
