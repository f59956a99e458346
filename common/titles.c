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
    t->at = 0;
    return reader_title_table(seg, &t->tab, err);
}

static uint32_t entry(const struct titles *t, uint64_t i) { return le32_get(t->tab + 8 * i); }

uint32_t titles_of(struct titles *t, uint32_t d)
{
    if (d == t->last)
        return t->last_tokens;
    /* The first entry at or after d. Candidates mostly come in increasing
     * order, so the search gallops forward from the last one's entry (a
     * step per title passed, doubling), and only a move back (one-term
     * queries visit blocks best first) searches from the start. */
    uint64_t lo = 0, hi = t->n;
    if (t->last != UINT32_MAX && d > t->last) {
        lo = t->at;
        uint64_t step = 1;
        while (lo + step < t->n && entry(t, lo + step) < d) {
            lo += step;
            step *= 2;
        }
        hi = lo + step < t->n ? lo + step + 1 : t->n;
    }
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (entry(t, mid) < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    t->last = d;
    t->at = lo;
    t->last_tokens = lo < t->n && entry(t, lo) == d ? le32_get(t->tab + 8 * lo + 4) : 0;
    return t->last_tokens;
}

void titles_bound_scales(double w, double *tf_scale, double *len_scale)
{
    /* tf' = tf + (w-1) title_tf with 0 <= title_tf <= tf; len' likewise */
    *tf_scale = w > 1 ? w : 1;
    *len_scale = w < 1 ? w : 1;
}
