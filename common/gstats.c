/*
 * gstats.c — global collection statistics: parts added, summed, sorted,
 * looked up (see gstats.h).
 */
#include "gstats.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

int loci_global_stats_new(loci_global_stats **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? LOCI_OK : LOCI_ENOMEM;
}

void loci_global_stats_free(loci_global_stats *s)
{
    if (!s)
        return;
    free(s->t);
    buf_free(&s->strs);
    free(s);
}

int loci_global_stats_add_part(loci_global_stats *s, uint64_t passages, uint64_t tokens)
{
    if (passages > UINT64_MAX - s->passages || tokens > UINT64_MAX - s->tokens ||
        s->parts == UINT32_MAX)
        return LOCI_EINVAL;
    s->passages += passages;
    s->tokens += tokens;
    s->parts++;
    return LOCI_OK;
}

int loci_global_stats_add_term(loci_global_stats *s, const char *term, size_t len, uint64_t df)
{
    if (len > UINT32_MAX || s->strs.len > UINT32_MAX - len)
        return LOCI_EINVAL;
    struct gstats_term *p = array_grow(s->t, &s->cap, s->n + 1, sizeof *p, 16);
    if (!p)
        return LOCI_ENOMEM;
    s->t = p;
    uint32_t off = (uint32_t)s->strs.len;
    if (buf_append(&s->strs, term, len))
        return LOCI_ENOMEM;
    s->t[s->n++] = (struct gstats_term){off, (uint32_t)len, s->parts, df};
    s->sealed = 0;
    return LOCI_OK;
}

static int cmp_terms(const loci_global_stats *s, const struct gstats_term *x,
                     const struct gstats_term *y)
{
    size_t n = x->len < y->len ? x->len : y->len;
    int c = n ? memcmp(s->strs.data + x->off, s->strs.data + y->off, n) : 0;
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static const loci_global_stats *sorting; /* qsort has no context */

static int by_term_then_part(const void *a, const void *b)
{
    const struct gstats_term *x = a, *y = b;
    int c = cmp_terms(sorting, x, y);
    return c ? c : (x->part > y->part) - (x->part < y->part);
}

int gstats_seal(loci_global_stats *s)
{
    if (s->sealed)
        return LOCI_OK;
    sorting = s;
    if (s->n > 1)
        qsort(s->t, s->n, sizeof *s->t, by_term_then_part);
    size_t m = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (m && !cmp_terms(s, &s->t[m - 1], &s->t[i])) {
            /* the same part gives a term once (a query may name it twice);
             * different parts are different shards: their dfs add up */
            if (s->t[m - 1].part != s->t[i].part) {
                uint64_t df = s->t[i].df;
                s->t[m - 1].df = df > UINT64_MAX - s->t[m - 1].df ? UINT64_MAX
                                                                  : s->t[m - 1].df + df;
                s->t[m - 1].part = s->t[i].part;
            }
            continue;
        }
        s->t[m++] = s->t[i];
    }
    s->n = m;
    s->sealed = 1;
    return LOCI_OK;
}

/* The first sealed term >= term[0..len). */
static size_t lower_bound(const loci_global_stats *s, const char *term, size_t len)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct gstats_term *t = &s->t[mid];
        size_t n = t->len < len ? t->len : len;
        int c = n ? memcmp(s->strs.data + t->off, term, n) : 0;
        if (c < 0 || (c == 0 && t->len < len))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int64_t gstats_df(const loci_global_stats *s, const char *term, size_t len)
{
    size_t i = lower_bound(s, term, len);
    if (i < s->n && s->t[i].len == len && (!len || !memcmp(s->strs.data + s->t[i].off, term, len)))
        return s->t[i].df > INT64_MAX ? INT64_MAX : (int64_t)s->t[i].df;
    return -1;
}

void gstats_prefix(const loci_global_stats *s, const char *prefix, size_t len, size_t *lo,
                   size_t *hi)
{
    size_t i = lower_bound(s, prefix, len), j = i;
    while (j < s->n && s->t[j].len >= len &&
           (!len || !memcmp(s->strs.data + s->t[j].off, prefix, len)))
        j++;
    *lo = i;
    *hi = j;
}

uint64_t loci_global_stats_passages(const loci_global_stats *s) { return s->passages; }

uint64_t loci_global_stats_tokens(const loci_global_stats *s) { return s->tokens; }

size_t loci_global_stats_count(loci_global_stats *s)
{
    return gstats_seal(s) ? 0 : s->n;
}

int loci_global_stats_term(loci_global_stats *s, size_t i, const char **term, size_t *len,
                           uint64_t *df)
{
    if (gstats_seal(s))
        return LOCI_ENOMEM;
    if (i >= s->n)
        return LOCI_EINVAL;
    *term = gstats_bytes(s, i);
    *len = s->t[i].len;
    *df = s->t[i].df;
    return LOCI_OK;
}
