/*
 * ranking.h — the top k of a query over its terms' postings.
 *
 * Three strategies, chosen per query, give the same hits, order and
 * scores bit for bit (tests/test_ranking.c checks it):
 *   - exhaustive: every passage holding a query term is scored
 *     (--exhaustive, and queries with few postings per result kept);
 *   - one term: its blocks visited by decreasing block maximum, stopping
 *     at the first that cannot reach the top k;
 *   - MaxScore with block maxima, its threshold seeded from each term's
 *     best blocks in all segments before any traversal.
 */
#ifndef LOCI_RANKING_H
#define LOCI_RANKING_H

#include <stddef.h>

#include "loci.h"
#include "index.h"
#include "topk.h"

/* What ranking needs of a query term. */
struct query_term {
    int found;              /* in the index; if not, ignored */
    struct term_info ti;
    double weight;          /* qtf * idf */
    double tfmax;           /* its blocks' largest stored tf part, or -1
                             * when not known yet (ranking_seed sets it) */
};

/* A lower bound of the final k-th score (opt->k) of a query ranked by
 * passage, into *theta0 (-INFINITY when none is known): seeded from each
 * term's best blocks over all nseg segments (ranking.c). terms[] holds
 * nseg rows of nterms, row s with the term_info of segment views[s]; the
 * tfmax of each list with a skip table is set on the way. */
int ranking_seed(const struct segview *const *views, size_t nseg, struct query_term *terms,
                 size_t nterms, const loci_search_options *opt, double *theta0, loci_error *err);

/* Offer the best passages of segment v for the query to `top`
 * (initialized for opt->k, and shared by the segments of an index, so
 * that each segment's pruning starts from the threshold the ones before
 * it reached), or their documents' best passages when opt->group is
 * LOCI_GROUP_DOCUMENT (then each hit's doc is set). Hits carry global ids;
 * deleted passages are never offered. terms[] is in query order, with
 * their term_info in this segment and their weights over the index.
 * theta0: a lower bound of the final k-th score (ranking_seed), or
 * -INFINITY. */
int ranking_top(const struct segview *v, const struct query_term *terms, size_t nterms,
                const loci_search_options *opt, double theta0, struct topk *top,
                loci_error *err);

/* A query of one term (terms[s * nterms + which] in segment views[s], the
 * only one found), ranked by passage, over all nseg segments at once: its
 * blocks in every segment visited best first into `top` (ranking.c). The
 * hits of ranking_top over each segment in turn, as the others' are. */
int ranking_one_term(const struct segview *const *views, size_t nseg,
                     const struct query_term *terms, size_t nterms, size_t which,
                     const loci_search_options *opt, struct topk *top, loci_error *err);

/* Grouping by document while passages are visited in id order: a
 * document's passages are consecutive (ids follow input order), so only
 * the current document's best passage is kept until the visit leaves it. */
struct grouping {
    loci_hit best;
    int64_t best_doc;       /* -1: none yet */
};

/* Passage d scored: to `top`, or, with `g` (grouping), kept as its
 * document's best for now. LOCI_OK, or the error of a corrupt record. Both
 * evaluators (ranking.c, qrank.c) offer their candidates through it. */
int ranking_offer(struct topk *top, struct grouping *g, const struct segview *v, uint32_t d,
                  double score, loci_error *err);
/* The end of a grouped visit: the last document's best goes to `top`. */
void ranking_offer_done(struct topk *top, struct grouping *g);

/* The number of live passages of segment v holding at least one of the
 * query's terms (of documents holding one, when `grouped`), into *count:
 * a union of the terms' postings, ids only, nothing scored. */
int ranking_count(const struct segview *v, const struct query_term *terms, size_t nterms,
                  int grouped, uint64_t *count, loci_error *err);

/* A query with at most this many postings per result kept is evaluated
 * exhaustively even when pruning is allowed (it would score most of them
 * anyway). Tests set 0 so that pruning runs on their small indexes too;
 * a process-wide setting, not for use while searches run. */
extern unsigned ranking_plain_per_k;

#endif
