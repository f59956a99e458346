/*
 * qrank.h — ranking a query of the query language (query.h), compiled
 * into leaves (terms and phrases with postings) and the parsed tree that
 * says which combinations of leaves match.
 *
 * Scoring: a passage's score is the sum, in leaf order, of the
 * contributions of the scoring leaves it holds — weight * BM25 tf part,
 * with a phrase's frequency in the passage as its tf and the sum of its
 * terms' idfs as its weight (Lucene's choice) — whichever operators join
 * them; leaves inside an excluded clause never score. The tree only
 * decides whether a passage matches. Because the score depends only on
 * the leaves present, MaxScore over the scoring leaves stays exact: every
 * match holds a scoring leaf (the parser refuses queries that only
 * exclude), so candidates come from them, and a candidate is checked
 * against the tree (and the doc: filters) only once its score can enter
 * the top k.
 */
#ifndef LOCI_QRANK_H
#define LOCI_QRANK_H

#include <stddef.h>
#include <stdint.h>

#include "loci.h"
#include "query.h"
#include "index.h"
#include "topk.h"

/* Most terms in one phrase (a longer one is refused). */
#define QRANK_MAX_PHRASE 64

/* Most leaves in one query, prefixes expanded (beyond: LOCI_EINVAL): each
 * holds a postings cursor (about 1 KiB), so a 64 KiB query of prefixes
 * cannot ask for a gigabyte. */
#define QRANK_MAX_LEAVES 4096

enum qleaf_kind { QL_TERM, QL_PHRASE };

struct qleaf {
    enum qleaf_kind kind;
    int scoring;            /* 0: inside an excluded clause */
    int found;              /* every term is live in the index (else it never matches) */
    double weight;          /* term: qtf * idf; phrase: sum of its terms' idfs */
    uint64_t df;            /* term: its live df in the index */
    size_t n;               /* terms: 1, or the phrase's */
    struct term_info *ti;   /* per segment, per term: [segment * n + term] (df 0
                               where the segment lacks it) */
    uint32_t *off;          /* phrase: each term's position after the first's */
    unsigned near;          /* phrase: 0 exact, else "..."~near */
    char *label;            /* for --explain: the term or the phrase's terms */
    int hl_head;            /* term: highlight only its first character (a CJK
                               bigram found by one character's prefix) */
    int expansion;          /* term: added by --expand (search.c), not highlighted */
    int expanded;           /* term: one of a prefix's expansion (no proximity bonus) */
};

struct qplan {
    struct qleaf *leaf;
    size_t nleaf;
    struct qnode *tree;     /* compiled: leaves and absent clauses marked */
    char **doc_in, **doc_out; /* doc: globs (a match must fit one of doc_in
                                 when there are any, and none of doc_out) */
    size_t ndoc_in, ndoc_out;
};

/* 1 if `name` matches the doc: glob `pattern`: '*' any run of bytes ('/'
 * included), '?' any one byte, anything else itself; linear-time. */
int qrank_glob(const char *pattern, const char *name);

/* Term k of leaf L in segment s: qleaf_terms(L, s)[k]. */
static inline const struct term_info *qleaf_terms(const struct qleaf *L, size_t s)
{
    return L->ti + s * L->n;
}

/* Does leaf L occur anywhere in segment s (all its terms there)? */
static inline int qleaf_in_segment(const struct qleaf *L, size_t s)
{
    if (!L->found)
        return 0;
    for (size_t k = 0; k < L->n; k++)
        if (!qleaf_terms(L, s)[k].df)
            return 0;
    return 1;
}

/* Like ranking_top (one segment into a shared top k), for a compiled
 * query. opt->exhaustive turns pruning off; the hits are the same bit for
 * bit either way. */
int qrank_top(const struct segview *v, const struct qplan *plan, const loci_search_options *opt,
              struct topk *top, loci_error *err);

/* Matching passages (documents, when grouped), into *count. */
int qrank_count(const struct segview *v, const struct qplan *plan, int grouped, uint64_t *count,
                loci_error *err);

/* The tf of every leaf in passage d of segment v (0 where it does not
 * occur), into tf[0 .. plan->nleaf): for explaining a hit. With title
 * weight tw != 1, the part of each in the passage's title (title_tf[],
 * of the *title title tokens it begins with) too; else those are 0. */
int qrank_leaf_tfs(const struct segview *v, const struct qplan *plan, uint32_t d, double tw,
                   uint32_t *tf, uint32_t *title_tf, uint32_t *title, loci_error *err);

#endif
