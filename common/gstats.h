/*
 * gstats.h — global collection statistics (loci_global_stats in loci.h):
 * the passages, tokens and per-term document frequencies of a set of
 * indexes that are searched apart (shards on other machines), so that
 * each one scores with the statistics of the whole and the scores of all
 * of them compare (README.md, "Shards"). A shard's part is recorded while
 * a query is compiled (loci_query_stats); the parts of all shards are
 * summed; the sum is then looked up term by term and prefix by prefix.
 */
#ifndef LOCI_GSTATS_H
#define LOCI_GSTATS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "loci.h"

struct gstats_term {
    uint32_t off, len;    /* bytes in loci_global_stats.strs */
    uint32_t part;        /* which part added it (the same part adds a term once) */
    uint64_t df;
};

struct loci_global_stats {
    uint64_t passages, tokens;
    uint32_t parts;
    struct gstats_term *t;
    size_t n, cap;
    struct buf strs;
    int sealed;           /* t sorted by term, one entry per term */
};

/* Sort and sum: one entry per term (a part that gave a term twice counts
 * it once), sorted by term bytes. LOCI_OK or LOCI_ENOMEM. */
int gstats_seal(loci_global_stats *s);

/* The df of a term in sealed s; -1 when s does not know it. */
int64_t gstats_df(const loci_global_stats *s, const char *term, size_t len);

/* The range [*lo, *hi) of sealed s's terms that start with prefix. */
void gstats_prefix(const loci_global_stats *s, const char *prefix, size_t len, size_t *lo,
                   size_t *hi);

static inline const char *gstats_bytes(const loci_global_stats *s, size_t i)
{
    return s->strs.data ? (const char *)s->strs.data + s->t[i].off : ""; /* all terms empty */
}

#endif
