/*
 * titles.c — looking passages up in a segment's title table (titles.h).
 */
#include "titles.h"

#include "codec.h"

int titles_open(struct titles *t, struct segment *seg, loci_error *err)
{
    t->n = seg->title_count;
    t->last = UINT32_MAX; /* (no passage has that id) */
    t->last_tokens = 0;
    return reader_title_table(seg, &t->tab, err);
}

uint32_t titles_of(struct titles *t, uint32_t d)
{
    if (d == t->last)
        return t->last_tokens;
    uint64_t lo = 0, hi = t->n;
    while (lo < hi) { /* the first entry at or after d */
        uint64_t mid = lo + (hi - lo) / 2;
        if (le32_get(t->tab + 8 * mid) < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    t->last = d;
    t->last_tokens = lo < t->n && le32_get(t->tab + 8 * lo) == d ? le32_get(t->tab + 8 * lo + 4) : 0;
    return t->last_tokens;
}

void titles_bound_scales(double w, double *tf_scale, double *len_scale)
{
    /* tf' = tf + (w-1) title_tf with 0 <= title_tf <= tf; len' likewise */
    *tf_scale = w > 1 ? w : 1;
    *len_scale = w < 1 ? w : 1;
}
