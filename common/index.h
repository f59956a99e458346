/*
 * index.h — an open index: its manifest and segments held together as
 * one collection (docs/FORMAT.md, format 4). The searcher sees segments
 * only through this module: global passage and document ids, the live
 * collection statistics (deleted documents taken out, so scores equal a
 * fresh build's), term lookups summed over segments, and one `segview`
 * per segment for the evaluators, which rank a segment at a time into a
 * shared top k.
 */
#ifndef LOCI_INDEX_H
#define LOCI_INDEX_H

#include <stdint.h>

#include "analyzer.h"
#include "gstats.h"
#include "loci.h"
#include "manifest.h"
#include "reader.h"

/* What an evaluator needs of one segment of the index. */
struct segview {
    struct segment *seg;
    size_t number;              /* its position in the index (0-based) */
    uint32_t passage_base;      /* global id of its passage 0 */
    uint32_t doc_base;          /* global id of its document 0 */
    const uint8_t *deleted;     /* bit per passage: deleted; NULL when none is */
    double avglen;              /* the index's live average passage length */
    /* Stored block maxima (max_impact, at the segment's own avglen) times
     * this bound the tf part at the index's avglen: 1 when the two
     * lengths agree (a whole build), else max(1, avglen / segment avglen). */
    double impact_scale;
};

static inline int segview_deleted(const struct segview *v, uint32_t d)
{
    return v->deleted && (v->deleted[d >> 3] >> (d & 7) & 1);
}

struct loci_index {
    char *dir;
    struct manifest manifest;
    struct segment *segs;
    struct segview *views;
    uint8_t **deleted;          /* per segment: bitmap or NULL */
    int *found;                 /* index_lookup's scratch: per segment */
    size_t nseg;
    uint64_t documents, passages, tokens; /* live */
    uint64_t all_documents, all_passages; /* with the deleted: the id space */
    uint64_t deleted_documents;
    double avglen;              /* tokens / passages (live) */
    int64_t built;              /* the manifest's modification time */
    uint64_t manifest_bytes;
    char stem[32];
    uint32_t passage_mode, passage_tokens, passage_stride;
    struct analyzer *an;        /* analyzes queries and highlights */
    int legacy_tokens;          /* segments older than LFILE_MINOR_TOKENS */
    /* What scores use: the live statistics above, or those of a set of
     * shards searched apart (loci_index_set_global_stats). */
    uint64_t score_passages;    /* N of the idf */
    double score_avglen;
    loci_global_stats *gs;      /* df of every term (NULL: the segments') */
    loci_global_stats *rec;     /* loci_query_stats: lookups recorded here */
    /* The query stopwords of the last search (search.c): the set named
     * by stop_spec (NULL: the default), once stop_known. */
    struct stopset *stop;
    char *stop_spec;
    int stop_known;
};

/* Look a term up in every segment; ti must hold idx->nseg entries.
 * Returns the live df (0: absent), or a negative LOCI_E* code. */
int64_t index_lookup(loci_index *idx, const char *term, size_t len, struct term_info *ti,
                     loci_error *err);

/* Call fn for every term with that prefix in any segment, in sorted
 * order, with its term_info in each segment (nseg entries, df 0 where
 * absent) and its live df (terms whose live df is 0 are skipped). */
typedef int (*index_term_fn)(void *ctx, const char *term, size_t len,
                             const struct term_info *ti, uint64_t df);
int index_prefix(loci_index *idx, const char *prefix, size_t len, index_term_fn fn, void *ctx,
                 loci_error *err);

/* The segment holding global passage p (p < all_passages); *local gets
 * its id there. */
const struct segview *index_view_of_passage(const loci_index *idx, uint32_t p, uint32_t *local);

#endif
