/*
 * test_expand.c — pseudo-relevance feedback (expand.h, loci_search with
 * expand_docs): the relevance model's terms and probabilities computed by
 * hand, its filters (df over half the passages, one-byte terms, the
 * stopword hook) and tie order; an expanded search on a small index whose
 * weights, scores and explanation are checked by hand; the same hits from
 * the plain and the query-language paths; an excluded term never added and
 * a required clause kept; determinism; pruned == exhaustive for expanded
 * queries on random corpora; bad options refused.
 */
#include "testutil.h"

#include <math.h>

#include "analyzer.h"
#include "bm25.h"
#include "expand.h"
#include "ranking.h"

/* ---- the model alone ---------------------------------------------------------- */

struct dfs {
    const char *const *terms;
    const int64_t *df;
    size_t n;
    int calls;
};

static int64_t df_stub(void *ctx, const char *term, size_t len)
{
    struct dfs *d = ctx;
    d->calls++;
    for (size_t i = 0; i < d->n; i++)
        if (strlen(d->terms[i]) == len && !memcmp(d->terms[i], term, len))
            return d->df[i];
    return 0;
}

static int stop_cherry(void *ctx, const char *term, size_t len)
{
    (void)ctx;
    return len == 6 && !memcmp(term, "cherry", 6);
}

static void model_of(struct analyzer *an, unsigned nterms, uint64_t passages, struct dfs *d,
                     expand_stop_fn stop, struct expand_term **t, size_t *n)
{
    struct expand e;
    expand_init(&e, an);
    /* P(w|R) before scaling: weight * tf / |D| summed over the passages
     *   apple  2 * 2/4             = 1
     *   banana 2 * 1/4 + 1 * 1/2   = 1
     *   cherry 1 * 1/2             = 0.5
     *   x      2 * 1/4             = 0.5   (one byte: never kept)
     *   date   only in a passage of weight 0: nothing */
    assert_int_equal(expand_add(&e, "apple banana apple x", 20, 2.0), LOCI_OK);
    assert_int_equal(expand_add(&e, "banana cherry", 13, 1.0), LOCI_OK);
    assert_int_equal(expand_add(&e, "date date", 9, 0.0), LOCI_OK);
    assert_int_equal(expand_terms(&e, nterms, passages, df_stub, d, stop, NULL, t, n), LOCI_OK);
    expand_free(&e);
}

static void test_model_by_hand(void **state)
{
    (void)state;
    struct analyzer *an;
    loci_error err;
    assert_int_equal(analyzer_new("none", &an, &err), LOCI_OK);
    static const char *const terms[] = {"apple", "banana", "cherry", "date"};
    static const int64_t df[] = {2, 3, 1, 1};
    struct dfs d = {terms, df, 4, 0};
    struct expand_term *t;
    size_t n;

    /* all three: 1, 1, 0.5 over 2.5; the tie of apple and banana by bytes */
    model_of(an, 10, 10, &d, NULL, &t, &n);
    assert_int_equal(n, 3);
    assert_string_equal(t[0].bytes, "apple");
    assert_string_equal(t[1].bytes, "banana");
    assert_string_equal(t[2].bytes, "cherry");
    assert_true(fabs(t[0].p - 0.4) < 1e-15);
    assert_true(fabs(t[1].p - 0.4) < 1e-15);
    assert_true(fabs(t[2].p - 0.2) < 1e-15);
    assert_int_equal(t[1].len, 6);
    assert_int_equal(t[1].df, 3);
    free(t);

    /* two kept: rescaled over them */
    model_of(an, 2, 10, &d, NULL, &t, &n);
    assert_int_equal(n, 2);
    assert_string_equal(t[1].bytes, "banana");
    assert_true(fabs(t[0].p - 0.5) < 1e-15 && fabs(t[1].p - 0.5) < 1e-15);
    free(t);

    /* banana in 3 of 5 passages (over half): left out, cherry takes its place */
    d.calls = 0;
    model_of(an, 2, 5, &d, NULL, &t, &n);
    assert_int_equal(n, 2);
    assert_string_equal(t[0].bytes, "apple");
    assert_string_equal(t[1].bytes, "cherry");
    assert_true(fabs(t[0].p - 2.0 / 3) < 1e-15);
    assert_int_equal(d.calls, 3); /* looked up until two were kept */
    free(t);

    /* in exactly half of 6: kept */
    model_of(an, 2, 6, &d, NULL, &t, &n);
    assert_string_equal(t[1].bytes, "banana");
    free(t);

    /* the stopword hook */
    model_of(an, 10, 10, &d, stop_cherry, &t, &n);
    assert_int_equal(n, 2);
    assert_string_equal(t[0].bytes, "apple");
    assert_string_equal(t[1].bytes, "banana");
    free(t);

    /* no terms asked for, or no passage added */
    model_of(an, 0, 10, &d, NULL, &t, &n);
    assert_int_equal(n, 0);
    free(t);
    struct expand e;
    expand_init(&e, an);
    assert_int_equal(expand_terms(&e, 5, 10, df_stub, &d, NULL, NULL, &t, &n), LOCI_OK);
    assert_int_equal(n, 0);
    free(t);
    expand_free(&e);
    analyzer_free(an);
}

static int64_t df_fails(void *ctx, const char *term, size_t len)
{
    (void)ctx;
    (void)term;
    (void)len;
    return LOCI_ECORRUPT;
}

/* Many distinct terms (the table grows) and a failing lookup. */
static void test_model_many_terms(void **state)
{
    (void)state;
    struct analyzer *an;
    loci_error err;
    assert_int_equal(analyzer_new("none", &an, &err), LOCI_OK);
    struct expand e;
    expand_init(&e, an);
    char text[20000];
    size_t len = 0;
    for (int i = 0; i < 2000; i++) /* w0 once, w1 twice, ... w9 ten times, then once each */
        len += (size_t)snprintf(text + len, sizeof text - len, "w%d ", i < 55 ? (int)(sqrt(2.0 * i + 0.25) - 0.5) : i);
    assert_int_equal(expand_add(&e, text, len, 1.0), LOCI_OK);
    struct dfs d = {NULL, NULL, 0, 0};
    struct expand_term *t;
    size_t n;
    assert_int_equal(expand_terms(&e, 3, 100, df_stub, &d, NULL, NULL, &t, &n), LOCI_OK);
    assert_int_equal(n, 3);
    assert_string_equal(t[0].bytes, "w9");
    assert_string_equal(t[1].bytes, "w8");
    assert_string_equal(t[2].bytes, "w7");
    assert_true(fabs(t[0].p - 10.0 / 27) < 1e-12);
    free(t);
    assert_int_equal(expand_terms(&e, 3, 100, df_fails, NULL, NULL, NULL, &t, &n), LOCI_ECORRUPT);
    assert_null(t);
    expand_free(&e);
    analyzer_free(an);
}

/* ---- expanded searches --------------------------------------------------------- */

static loci_search_options expanded(unsigned docs, unsigned terms, double w)
{
    loci_search_options so;
    loci_search_options_init(&so);
    so.expand_docs = docs;
    so.expand_terms = terms;
    so.expand_weight = w;
    return so;
}

/* Ten passages (none the same: duplicates are stored once); "engine" is
 * in d0 and d1, which also hold motor twice. */
static const char *const small_docs[] = {
    "jaguar engine motor motor", "motor engine jaguar motor", "motor oil", "zebra lion",
    "lion tiger",                "tiger zebra",               "oil well",  "well water",
    "water lion",                "zebra water"};

/* The small index, built once for the tests that use it. */
struct small {
    char *root;
    loci_index *idx;
};

static int small_setup(void **state)
{
    struct small *t = malloc(sizeof *t);
    assert_non_null(t);
    t->root = tu_mkdtemp();
    char dir[600];
    snprintf(dir, sizeof dir, "%s/idx", t->root);
    t->idx = tu_build(dir, small_docs, 10, LOCI_PASSAGE_DOCUMENT);
    *state = t;
    return 0;
}

static int small_teardown(void **state)
{
    struct small *t = *state;
    loci_index_close(t->idx);
    tu_rmtree(t->root);
    free(t->root);
    free(t);
    return 0;
}

static void test_expanded_search_by_hand(void **state)
{
    loci_index *idx = ((struct small *)*state)->idx;
    loci_error err;
    loci_results *r;
    /* Feedback: d0 and d1, equal. Model: motor 2/4, engine and jaguar 1/4
     * (the tie by bytes): two terms kept, motor 2/3, engine 1/3. The query
     * has one term, so with weight 0.5 the model's mass is 1: engine
     * weighs (1 + 1/3) idf, motor (0 + 2/3) idf, and "motor oil" (d2),
     * without engine, is found. */
    loci_search_options so = expanded(2, 2, 0.5);
    assert_int_equal(loci_search(idx, "engine", &so, &r, &err), LOCI_OK);
    assert_int_equal(loci_results_count(r), 3);
    assert_int_equal(loci_results_hit(r, 0)->passage, 0);
    assert_int_equal(loci_results_hit(r, 1)->passage, 1);
    assert_int_equal(loci_results_hit(r, 2)->passage, 2);
    double idf_engine = log(8.5 / 2.5), idf_motor = log(7.5 / 3.5), avglen = 24.0 / 10;
    double d2 = 2.0 / 3 * idf_motor * bm25_tfpart(1, 2, LOCI_DEFAULT_K1, LOCI_DEFAULT_B, avglen);
    assert_true(fabs(loci_results_hit(r, 2)->score - d2) < 1e-12);
    double d0 = 4.0 / 3 * idf_engine * bm25_tfpart(1, 4, LOCI_DEFAULT_K1, LOCI_DEFAULT_B, avglen) +
                2.0 / 3 * idf_motor * bm25_tfpart(2, 4, LOCI_DEFAULT_K1, LOCI_DEFAULT_B, avglen);
    assert_true(fabs(loci_results_hit(r, 0)->score - d0) < 1e-12);
    /* explained: the query's term, then the expansion term; the sum is the score */
    loci_explain_clause *e;
    size_t n;
    assert_int_equal(loci_results_explain(idx, r, 2, &e, &n, &err), LOCI_OK);
    assert_int_equal(n, 2);
    assert_string_equal(e[0].clause, "engine");
    assert_int_equal(e[0].tf, 0);
    assert_true(fabs(e[0].idf - 4.0 / 3 * idf_engine) < 1e-12);
    assert_string_equal(e[1].clause, "motor");
    assert_int_equal(e[1].tf, 1);
    assert_true(fabs(e[1].idf - 2.0 / 3 * idf_motor) < 1e-12);
    assert_true(0 + e[0].contribution + e[1].contribution == loci_results_hit(r, 2)->score);
    free(e);
    /* the expansion term is not highlighted, the query's is */
    loci_span *sp;
    assert_int_equal(loci_results_highlight(r, "motor oil", 9, &sp, &n, &err), LOCI_OK);
    assert_int_equal(n, 0);
    free(sp);
    assert_int_equal(loci_results_highlight(r, small_docs[0], strlen(small_docs[0]), &sp, &n, &err),
                     LOCI_OK);
    assert_int_equal(n, 1);
    assert_int_equal(sp[0].start, 7);
    free(sp);
    loci_results_free(r);

    /* weight 1: the query alone, as without expansion */
    loci_results *plain;
    so = expanded(2, 2, 1.0);
    assert_int_equal(loci_search(idx, "engine", &so, &r, &err), LOCI_OK);
    assert_int_equal(loci_search(idx, "engine", NULL, &plain, &err), LOCI_OK);
    assert_int_equal(loci_results_count(r), loci_results_count(plain));
    for (size_t i = 0; i < loci_results_count(r); i++)
        assert_true(loci_results_hit(r, i)->score == loci_results_hit(plain, i)->score);
    loci_results_free(r);
    loci_results_free(plain);

    /* a query matching nothing stays so */
    so = expanded(2, 2, 0.5);
    assert_int_equal(loci_search(idx, "nothing", &so, &r, &err), LOCI_OK);
    assert_int_equal(loci_results_count(r), 0);
    loci_results_free(r);
}

/* Same hits from a query without syntax and the same words with syntax
 * (parentheses): the plan gets the expansion as the bag of words does. */
static void test_plain_and_syntax_agree(void **state)
{
    loci_index *idx = ((struct small *)*state)->idx;
    loci_error err;
    loci_results *a, *b;
    loci_search_options so = expanded(3, 4, 0.6);
    assert_int_equal(loci_search(idx, "engine water", &so, &a, &err), LOCI_OK);
    assert_int_equal(loci_search(idx, "(engine water)", &so, &b, &err), LOCI_OK);
    assert_true(loci_results_count(a) > 3);
    assert_int_equal(loci_results_count(a), loci_results_count(b));
    for (size_t i = 0; i < loci_results_count(a); i++) {
        assert_int_equal(loci_results_hit(a, i)->passage, loci_results_hit(b, i)->passage);
        assert_true(fabs(loci_results_hit(a, i)->score - loci_results_hit(b, i)->score) < 1e-12);
    }
    loci_results_free(a);
    loci_results_free(b);

    /* +engine: the expansion terms only add to scores (motor oil is not found) */
    so = expanded(2, 2, 0.5);
    assert_int_equal(loci_search(idx, "+engine", &so, &a, &err), LOCI_OK);
    assert_int_equal(loci_results_count(a), 2);
    loci_results_free(a);

    /* an excluded term is never added: motor, the model's first term, is
     * excluded inside a clause (d0 and d1 match by engine and are among
     * the feedback passages), so "motor oil" (d2) is not found by it, and
     * no hit is explained by it */
    so = expanded(2, 3, 0.5);
    assert_int_equal(loci_search(idx, "engine (lion NOT motor)", &so, &a, &err), LOCI_OK);
    assert_true(loci_results_count(a) >= 3);
    for (size_t i = 0; i < loci_results_count(a); i++) {
        assert_int_not_equal(loci_results_hit(a, i)->passage, 2);
        loci_explain_clause *e;
        size_t n;
        assert_int_equal(loci_results_explain(idx, a, i, &e, &n, &err), LOCI_OK);
        for (size_t j = 0; j < n; j++)
            assert_string_not_equal(e[j].clause, "motor");
        free(e);
    }
    loci_results_free(a);
    /* without the exclusion, motor is added and d2 found */
    assert_int_equal(loci_search(idx, "engine (lion NOT zebra)", &so, &a, &err), LOCI_OK);
    int found = 0;
    for (size_t i = 0; i < loci_results_count(a); i++)
        found |= loci_results_hit(a, i)->passage == 2;
    assert_true(found);
    loci_results_free(a);
}

/* Pruned (forced) and exhaustive evaluation agree exactly on expanded
 * queries, and an expanded search gives the same bits every time. */
static void assert_same(loci_index *idx, const char *query, loci_search_options so)
{
    loci_results *a, *b, *c;
    loci_error err;
    so.exhaustive = 1;
    assert_int_equal(loci_search(idx, query, &so, &a, &err), LOCI_OK);
    so.exhaustive = 0;
    unsigned saved = ranking_plain_per_k;
    ranking_plain_per_k = 0;
    assert_int_equal(loci_search(idx, query, &so, &b, &err), LOCI_OK);
    assert_int_equal(loci_search(idx, query, &so, &c, &err), LOCI_OK);
    ranking_plain_per_k = saved;
    if (loci_results_count(a) != loci_results_count(b))
        fail_msg("\"%s\": %zu exhaustive hits, %zu pruned", query, loci_results_count(a),
                 loci_results_count(b));
    assert_int_equal(loci_results_count(b), loci_results_count(c));
    for (size_t i = 0; i < loci_results_count(a); i++) {
        const loci_hit *x = loci_results_hit(a, i), *y = loci_results_hit(b, i),
                       *z = loci_results_hit(c, i);
        if (x->passage != y->passage || x->score != y->score)
            fail_msg("\"%s\" rank %zu: exhaustive %u/%.17g, pruned %u/%.17g", query, i + 1,
                     x->passage, x->score, y->passage, y->score);
        assert_true(y->passage == z->passage && y->score == z->score);
    }
    loci_results_free(a);
    loci_results_free(b);
    loci_results_free(c);
}

static void test_pruned_equals_exhaustive(void **state)
{
    (void)state;
    uint64_t seed = 17;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_index *idx = tu_build_zipf(dir, &seed, 1200, 300.0);
    static const char *const forms[] = {"%s%s", "+%s %s", "\"%s %s\"", "%s -%s", "(%s OR %s)"};
    for (int q = 0; q < 150; q++) {
        char a[16], c[16], query[64];
        snprintf(a, sizeof a, "t%d", (int)(300.0 / (1 + (double)(tu_rand(&seed) % 1000))));
        snprintf(c, sizeof c, " t%d", (int)(300.0 / (1 + (double)(tu_rand(&seed) % 1000))));
        int form = q % 5;
        snprintf(query, sizeof query, forms[form], a, form ? c + 1 : c);
        loci_search_options so = expanded(1 + (unsigned)(tu_rand(&seed) % 20),
                                          (unsigned)(tu_rand(&seed) % 30),
                                          0.3 + (double)(tu_rand(&seed) % 8) / 10);
        so.k = 1 + (unsigned)(tu_rand(&seed) % 40);
        so.group = q % 3 ? LOCI_GROUP_PASSAGE : LOCI_GROUP_DOCUMENT;
        assert_same(idx, query, so);
    }
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

static void test_bad_options(void **state)
{
    loci_index *idx = ((struct small *)*state)->idx;
    loci_error err;
    loci_results *r;
    loci_search_options so = expanded(2, 2, 0);
    assert_int_equal(loci_search(idx, "engine", &so, &r, &err), LOCI_EINVAL);
    assert_null(r);
    so = expanded(2, 2, 1.5);
    assert_int_equal(loci_search(idx, "engine", &so, &r, &err), LOCI_EINVAL);
    so = expanded(EXPAND_MAX_DOCS + 1, 2, 0.5);
    assert_int_equal(loci_search(idx, "engine", &so, &r, &err), LOCI_EINVAL);
    so = expanded(2, EXPAND_MAX_TERMS + 1, 0.5);
    assert_int_equal(loci_search(idx, "engine", &so, &r, &err), LOCI_EINVAL);
    assert_non_null(strstr(err.message, "expansion"));
    /* global statistics: the expansion terms' df would be unknown */
    loci_global_stats *gs;
    assert_int_equal(loci_query_stats(idx, "engine", NULL, &gs, &err), LOCI_OK);
    assert_int_equal(loci_index_set_global_stats(idx, gs, &err), LOCI_OK);
    so = expanded(2, 2, 0.5);
    assert_int_equal(loci_search(idx, "engine", &so, &r, &err), LOCI_EINVAL);
    assert_int_equal(loci_index_set_global_stats(idx, NULL, &err), LOCI_OK);
    loci_global_stats_free(gs);
    /* the defaults: off, and 10 terms at weight 0.5 once asked for */
    loci_search_options_init(&so);
    assert_int_equal(so.expand_docs, 0);
    assert_int_equal(so.expand_terms, EXPAND_DEFAULT_TERMS);
    assert_true(so.expand_weight == EXPAND_DEFAULT_WEIGHT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_by_hand),
        cmocka_unit_test(test_model_many_terms),
        cmocka_unit_test_setup_teardown(test_expanded_search_by_hand, small_setup, small_teardown),
        cmocka_unit_test_setup_teardown(test_plain_and_syntax_agree, small_setup, small_teardown),
        cmocka_unit_test(test_pruned_equals_exhaustive),
        cmocka_unit_test_setup_teardown(test_bad_options, small_setup, small_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
