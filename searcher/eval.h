/*
 * eval.h — retrieval effectiveness measures over TREC qrels and runs, as
 * trec_eval names and computes them: map, ndcg_cut_10, P_10, recall_100,
 * recip_rank, num_q; and the per-query comparison of two runs.
 *
 * Conventions (trec_eval's):
 *  - a document is relevant when its qrels grade is > 0; gains for nDCG are
 *    the grades (negative grades count as 0);
 *  - a run is ranked by score, descending; equal scores by docid,
 *    descending (strcmp order reversed); the rank column is ignored;
 *  - a docid repeated within one query of a run: the first line counts;
 *  - averages are over the qrels queries with at least one relevant
 *    document; such a query absent from the run scores 0 everywhere.
 */
#ifndef LOCI_EVAL_H
#define LOCI_EVAL_H

#include <stddef.h>

#include "loci.h"

struct eval_qrels;
struct eval_run;

enum { EVAL_MAP, EVAL_NDCG10, EVAL_P10, EVAL_R100, EVAL_RR, EVAL_NMEASURES };

/* trec_eval's names, indexed by the enum above. */
extern const char *const eval_measure_names[EVAL_NMEASURES];

/* Scores of one query. */
struct eval_query {
    const char *qid;
    double m[EVAL_NMEASURES];
};

struct eval_result {
    struct eval_query *queries; /* evaluated queries, sorted by qid */
    size_t num_q;
    double mean[EVAL_NMEASURES];
};

/* Parse qrels/run text (`name` is used in messages: "name:LINE: ..."). */
int eval_qrels_parse(const char *text, size_t len, const char *name, struct eval_qrels **out,
                     loci_error *err);
int eval_run_parse(const char *text, size_t len, const char *name, struct eval_run **out,
                   loci_error *err);
/* Read a whole file and parse it. */
int eval_qrels_load(const char *path, struct eval_qrels **out, loci_error *err);
int eval_run_load(const char *path, struct eval_run **out, loci_error *err);
void eval_qrels_free(struct eval_qrels *q);
void eval_run_free(struct eval_run *r);

/* Evaluate; fills *res (free with eval_result_free). */
int eval_compute(const struct eval_qrels *q, const struct eval_run *r, struct eval_result *res,
                 loci_error *err);
void eval_result_free(struct eval_result *res);

/* One query's value of a measure in two runs. */
struct eval_diff {
    const char *qid; /* points into the results compared */
    double a, b;
};

/* Run B against run A on one measure, query by query. */
struct eval_comparison {
    size_t num_q;
    size_t wins, losses, ties;       /* queries where B > A, B < A, B == A */
    double mean_a, mean_b, mean_diff; /* mean_diff = mean over queries of B - A */
    /* two-sided sign test over the queries that differ: the chance of a
     * split at least this uneven if B and A were equally good (1 when none
     * differs) */
    double sign_p;
    /* the queries where B != A (wins + losses of them), the largest |B - A|
     * first; equal |B - A| by qid (strcmp order) */
    struct eval_diff *diffs;
    size_t ndiffs;
};

/* Compare two results of eval_compute with the same qrels (so the same
 * queries, in the same order; LOCI_EINVAL otherwise) on `measure` (an
 * EVAL_* index). A tie is exact equality: a measure is computed from the
 * ranks of the relevant documents alone, so the same ranks give the same
 * value to the last bit. Free with eval_comparison_free. */
int eval_compare(const struct eval_result *a, const struct eval_result *b, int measure,
                 struct eval_comparison *out, loci_error *err);
void eval_comparison_free(struct eval_comparison *c);

#endif
