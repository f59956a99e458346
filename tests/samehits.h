/*
 * samehits.h — a check shared by the ranking tests (test_ranking,
 * test_proximity): a query's pruned results equal its exhaustive ones,
 * bit for bit (hits, order, scores, total), with pruning as shipped and
 * forced on (ranking_plain_per_k 0: small test indexes would otherwise
 * often be scored in full). Include after testutil.h.
 */
#ifndef LOCI_SAMEHITS_H
#define LOCI_SAMEHITS_H

#include "ranking.h"

static inline void tu_assert_same_results(loci_index *idx, const char *query,
                                          loci_search_options so)
{
    loci_results *a, *b;
    loci_error err;
    so.exhaustive = 1;
    if (loci_search(idx, query, &so, &a, &err))
        fail_msg("\"%s\": %s", query, err.message);
    so.exhaustive = 0;
    unsigned saved = ranking_plain_per_k;
    for (int forced = 1; forced >= 0; forced--) {
        ranking_plain_per_k = forced ? 0 : saved;
        assert_int_equal(loci_search(idx, query, &so, &b, &err), LOCI_OK);
        if (loci_results_count(a) != loci_results_count(b))
            fail_msg("\"%s\" k=%u offset=%u group=%d proximity=%g: %zu exhaustive hits, "
                     "%zu pruned",
                     query, so.k, so.offset, (int)so.group, so.proximity, loci_results_count(a),
                     loci_results_count(b));
        for (size_t i = 0; i < loci_results_count(a); i++) {
            const loci_hit *x = loci_results_hit(a, i), *y = loci_results_hit(b, i);
            if (x->passage != y->passage || x->doc != y->doc || x->score != y->score)
                fail_msg("\"%s\" k=%u offset=%u group=%d proximity=%g rank %zu: exhaustive "
                         "%u/%.17g, pruned %u/%.17g",
                         query, so.k, so.offset, (int)so.group, so.proximity, i + 1, x->passage,
                         x->score, y->passage, y->score);
        }
        assert_int_equal(loci_results_total(a), loci_results_total(b));
        loci_results_free(b);
    }
    ranking_plain_per_k = saved;
    loci_results_free(a);
}

#endif
