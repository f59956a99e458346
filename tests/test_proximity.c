/*
 * test_proximity.c — the proximity bonus (searcher/proximity.c): the
 * formula on positions worked out by hand, its bound, its value in real
 * searches against a reference computed here from the documents' text,
 * and the exact rerank: pruned results equal --exhaustive ones bit for bit
 * with the bonus on, on random corpora of several segments (deletions
 * too, titles weighted or not) and shards, random plain and
 * query-language queries, by passage and by document, with paging.
 */
#include "testutil.h"

#include <math.h>

#include "proximity.h"
#include "samehits.h"

/* (this cmocka has no assert_double_equal) */
#define assert_near(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

static void test_formula(void **state)
{
    (void)state;
    struct prox_term t[3] = {{2.0, NULL}, {0.5, NULL}, {3.0, NULL}};
    struct prox_params p = {1.0, 1.2, 0.75};
    uint64_t scratch[16];
    /* term 0 at 0 and 10, term 1 at 3, term 2 absent */
    uint32_t a[] = {0, 10}, b[] = {3};
    const uint32_t *pos[3] = {a, b, NULL};
    uint32_t tf[3] = {2, 1, 0};
    double norm = 1.5, K = 1.2 * norm;
    /* in order: 0(t0) 3(t1) 10(t0): pairs (0,3) d 3 and (3,10) d 7 */
    double acc0 = 0.5 / 9 + 0.5 / 49, acc1 = 2.0 / 9 + 2.0 / 49;
    double want = 1.0 * acc0 * 2.2 / (acc0 + K) + 0.5 * acc1 * 2.2 / (acc1 + K);
    assert_near(proximity_bonus(t, 3, &p, norm, pos, tf, scratch), want, 1e-12);
    /* W scales it */
    p.w = 0.25;
    assert_near(proximity_bonus(t, 3, &p, norm, pos, tf, scratch), want / 4, 1e-12);
    /* one term present: nothing */
    tf[1] = 0;
    assert_true(proximity_bonus(t, 3, &p, norm, pos, tf, scratch) == 0);
    /* the same term twice in a row is not a pair */
    uint32_t c[] = {1, 2};
    const uint32_t *pos2[3] = {a, c, NULL};
    uint32_t tf2[3] = {1, 2, 0}; /* 0(t0) 1(t1) 2(t1): one pair, d 1 */
    p.w = 1;
    acc0 = 0.5;
    acc1 = 2.0;
    want = 1.0 * acc0 * 2.2 / (acc0 + K) + 0.5 * acc1 * 2.2 / (acc1 + K);
    assert_near(proximity_bonus(t, 3, &p, norm, pos2, tf2, scratch), want, 1e-12);
    /* Pmax: W * sum of min(1, w) * (k1 + 1) */
    assert_near(proximity_max(t, 3, &p), (1 + 0.5 + 1) * 2.2, 1e-12);
    assert_true(proximity_max(t, 1, &p) == 0);
}

/* The computed bonus never exceeds the computed bound, even where the
 * saturation is nearly reached (k1 tiny, terms side by side). */
static void test_bound(void **state)
{
    (void)state;
    uint64_t seed = 5, scratch[64 * 8];
    for (int round = 0; round < 3000; round++) {
        size_t n = 2 + tu_rand(&seed) % 6;
        struct prox_term t[8];
        uint32_t pos[8][8], tf[8];
        const uint32_t *pp[8];
        uint32_t at = 0;
        for (size_t i = 0; i < n; i++) {
            t[i].weight = (double)(1 + tu_rand(&seed) % 400) / 100;
            t[i].ti = NULL;
            tf[i] = (uint32_t)(tu_rand(&seed) % 8);
            pp[i] = pos[i];
        }
        /* positions: each term's ascending; terms interleaved at random */
        uint32_t next[8] = {0};
        for (int k = 0; k < 64; k++) {
            size_t i = tu_rand(&seed) % n;
            if (next[i] < tf[i])
                pos[i][next[i]++] = at++;
        }
        for (size_t i = 0; i < n; i++)
            tf[i] = next[i];
        struct prox_params p = {(double)(1 + tu_rand(&seed) % 100) / 10,
                                round % 3 ? (double)(tu_rand(&seed) % 30) / 10 : 1e-300,
                                (double)(tu_rand(&seed) % 11) / 10};
        double norm = round % 2 ? 1e-300 : (double)(1 + tu_rand(&seed) % 40) / 10;
        double b = proximity_bonus(t, n, &p, norm, pp, tf, scratch);
        if (!(b >= 0 && b <= proximity_max(t, n, &p)))
            fail_msg("round %d: bonus %.17g above its bound %.17g", round, b,
                     proximity_max(t, n, &p));
    }
}

static int zipf(uint64_t *seed)
{
    return (int)(60.0 / (1 + (double)(tu_rand(seed) % 300)));
}

/* One build (mode: replace or add) of `ndocs` random documents named
 * PREFIXi; with `del`, documents of the earlier builds deleted too. */
static void build_part(const char *dir, loci_build_mode mode, const char *prefix, int ndocs,
                       int del, uint64_t *seed)
{
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    o.passage_tokens = 30; /* several passages per document: grouping matters */
    o.mode = mode;
    o.no_merge = 1;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    char text[8192], name[32], title[64];
    for (int d = 0; d < ndocs; d++) {
        size_t n = 0, tn = 0;
        int twords = (int)(tu_rand(seed) % 4); /* a title of 0 to 3 words (BM25F) */
        for (int w = 0; w < twords; w++)
            tn += (size_t)snprintf(title + tn, sizeof title - tn, "%st%d", w ? " " : "", zipf(seed));
        int words = 1 + (int)(tu_rand(seed) % 90);
        for (int w = 0; w < words; w++)
            n += (size_t)snprintf(text + n, sizeof text - n, "t%d%s", zipf(seed),
                                  tu_rand(seed) % 25 ? " " : "\n\n");
        snprintf(name, sizeof name, "%s%d", prefix, d);
        assert_int_equal(
            loci_builder_add_document(b, name, twords ? title : NULL, text, n, 1, &err), LOCI_OK);
    }
    for (int d = 0; d < del; d++) {
        snprintf(name, sizeof name, "a%d", (int)(tu_rand(seed) % 600));
        assert_int_equal(loci_builder_delete(b, name, &err), LOCI_OK);
    }
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
}

static void random_query(char *q, size_t cap, uint64_t *seed, int syntax)
{
    size_t n = 0;
    int nq = 1 + (int)(tu_rand(seed) % 6);
    q[0] = '\0';
    for (int i = 0; i < nq; i++) {
        int kind = syntax && i ? (int)(tu_rand(seed) % 8) : 0; /* a word first */
        int a = zipf(seed), b = zipf(seed);
        switch (kind) {
        case 1: n += (size_t)snprintf(q + n, cap - n, "\"t%d t%d\" ", a, b); break;
        case 2: n += (size_t)snprintf(q + n, cap - n, "t%d* ", a % 10); break;
        case 3: n += (size_t)snprintf(q + n, cap - n, "-t%d ", a); break;
        case 4: n += (size_t)snprintf(q + n, cap - n, "t%d OR t%d ", a, b); break;
        case 5: n += (size_t)snprintf(q + n, cap - n, "+t%d ", a); break;
        default: n += (size_t)snprintf(q + n, cap - n, "t%d ", a); break;
        }
    }
}

static void check_queries(loci_index *idx, uint64_t *seed, int nqueries)
{
    for (int q = 0; q < nqueries; q++) {
        char query[512];
        int syntax = q % 3 == 2;
        random_query(query, sizeof query, seed, syntax);
        loci_search_options so;
        loci_search_options_init(&so);
        so.plain = !syntax;
        so.k = 1 + (unsigned)(tu_rand(seed) % 30);
        if (q % 7 == 0)
            so.k = 129 + (unsigned)(tu_rand(seed) % 300);
        if (q % 4 == 1)
            so.offset = (unsigned)(tu_rand(seed) % 20);
        so.group = q % 2 ? LOCI_GROUP_DOCUMENT : LOCI_GROUP_PASSAGE;
        static const double weights[] = {0.25, 0.5, 1, 4, 100};
        so.proximity = weights[tu_rand(seed) % 5];
        so.count = q % 5 == 0;
        if (q % 3 == 1) /* titles weighted (BM25F) */
            so.title_weight = q % 2 ? 2.5 : 0.5;
        if (q % 5 == 3) { /* parameters other than the stored reference */
            so.k1 = 0.6 + (double)(tu_rand(seed) % 20) / 10;
            so.b = (double)(tu_rand(seed) % 11) / 10;
        }
        tu_assert_same_results(idx, query, so);
    }
}

static void test_pruned_equals_exhaustive(void **state)
{
    (void)state;
    uint64_t seed = 77;
    char *root = tu_mkdtemp(), dir[600], dir2[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    snprintf(dir2, sizeof dir2, "%s/idx2", root);
    /* three segments, some of the first one's documents deleted */
    build_part(dir, LOCI_BUILD_REPLACE, "a", 600, 0, &seed);
    build_part(dir, LOCI_BUILD_ADD, "b", 300, 0, &seed);
    build_part(dir, LOCI_BUILD_ADD, "c", 300, 40, &seed);
    build_part(dir2, LOCI_BUILD_REPLACE, "a", 400, 0, &seed);
    loci_index *idx;
    loci_error err;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    check_queries(idx, &seed, 300);
    loci_index_close(idx);
    /* two indexes searched as one (-i twice) */
    const char *dirs[] = {dir, dir2};
    assert_int_equal(loci_index_open_many(dirs, 2, &idx, &err), LOCI_OK);
    check_queries(idx, &seed, 150);
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

/* The bonus of a hit, worked out from its document's text (one passage
 * per document; words "tN" one position each) with the formula written
 * out again here, equals the (proximity) clause of --explain, and the
 * clauses add up to the score exactly (loci.h). */
static void test_against_text(void **state)
{
    (void)state;
    enum { NDOC = 300 };
    static char texts[NDOC][600];
    static const char *docs[NDOC];
    uint64_t seed = 11, tokens = 0;
    static int words[NDOC][80], nwords[NDOC];
    for (int d = 0; d < NDOC; d++) {
        size_t n = 0;
        nwords[d] = 1 + (int)(tu_rand(&seed) % 80);
        for (int w = 0; w < nwords[d]; w++) {
            words[d][w] = (int)(tu_rand(&seed) % 12);
            n += (size_t)snprintf(texts[d] + n, sizeof texts[d] - n, "t%d ", words[d][w]);
        }
        tokens += (uint64_t)nwords[d];
        docs[d] = texts[d];
    }
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_index *idx = tu_build(dir, docs, NDOC, LOCI_PASSAGE_DOCUMENT);
    double avglen = (double)tokens / NDOC;
    for (int q = 0; q < 40; q++) {
        int qw[4], nq = 2 + (int)(tu_rand(&seed) % 3);
        char query[64] = "";
        for (int i = 0; i < nq; i++) {
            qw[i] = (int)(tu_rand(&seed) % 12);
            for (int j = 0; j < i; j++)
                if (qw[j] == qw[i])
                    qw[i] = (qw[i] + 1) % 12, j = -1; /* distinct */
            char w[8];
            snprintf(w, sizeof w, "t%d ", qw[i]);
            strcat(query, w);
        }
        double idf[4];
        for (int i = 0; i < nq; i++) {
            int df = 0;
            for (int d = 0; d < NDOC; d++)
                for (int w = 0; w < nwords[d]; w++)
                    if (words[d][w] == qw[i]) {
                        df++;
                        break;
                    }
            double odds = (NDOC - df + 0.5) / (df + 0.5);
            idf[i] = fmax(log(odds), 0.05 * log1p(odds)); /* bm25.h */
        }
        loci_search_options so;
        loci_search_options_init(&so);
        so.k = 20;
        so.proximity = 1;
        loci_results *r;
        loci_error err;
        assert_int_equal(loci_search(idx, query, &so, &r, &err), LOCI_OK);
        for (size_t h = 0; h < loci_results_count(r); h++) {
            int d = (int)loci_results_hit(r, h)->doc;
            /* reference: adjacent occurrences of query words in the text */
            double acc[4] = {0};
            int prev = -1, prevpos = 0;
            for (int w = 0; w < nwords[d]; w++) {
                int i = -1;
                for (int k = 0; k < nq; k++)
                    if (words[d][w] == qw[k])
                        i = k;
                if (i < 0)
                    continue;
                if (prev >= 0 && prev != i) {
                    double dist = w - prevpos;
                    acc[i] += idf[prev] / (dist * dist);
                    acc[prev] += idf[i] / (dist * dist);
                }
                prev = i;
                prevpos = w;
            }
            double K = so.k1 * (1 - so.b + so.b * nwords[d] / avglen), want = 0;
            for (int i = 0; i < nq; i++)
                if (acc[i] > 0)
                    want += fmin(1, idf[i]) * acc[i] * (so.k1 + 1) / (acc[i] + K);
            loci_explain_clause *ex;
            size_t nex;
            assert_int_equal(loci_results_explain(idx, r, h, &ex, &nex, &err), LOCI_OK);
            assert_int_equal(nex, (size_t)nq + 1);
            assert_string_equal(ex[nex - 1].clause, "(proximity)");
            if (fabs(ex[nex - 1].contribution - want) > 1e-9)
                fail_msg("\"%s\" doc %d: bonus %.17g, from the text %.17g", query, d,
                         ex[nex - 1].contribution, want);
            double sum = 0;
            for (size_t c = 0; c < nex; c++)
                sum += ex[c].contribution;
            if (sum != loci_results_hit(r, h)->score)
                fail_msg("\"%s\" doc %d: clauses add up to %.17g, score %.17g", query, d, sum,
                         loci_results_hit(r, h)->score);
            free(ex);
        }
        loci_results_free(r);
    }
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

/* Out-of-range weights are refused; 0 is BM25 alone. */
static void test_options(void **state)
{
    (void)state;
    const char *docs[] = {"alpha beta gamma", "alpha gamma beta", "beta x x x alpha"};
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_index *idx = tu_build(dir, docs, 3, LOCI_PASSAGE_DOCUMENT);
    loci_search_options so;
    loci_search_options_init(&so);
    assert_true(so.proximity == 0);
    loci_results *r, *r0;
    loci_error err;
    so.proximity = -1;
    assert_int_equal(loci_search(idx, "alpha beta", &so, &r, &err), LOCI_EINVAL);
    so.proximity = 101;
    assert_int_equal(loci_search(idx, "alpha beta", &so, &r, &err), LOCI_EINVAL);
    so.proximity = NAN;
    assert_int_equal(loci_search(idx, "alpha beta", &so, &r, &err), LOCI_EINVAL);
    so.proximity = 0;
    assert_int_equal(loci_search(idx, "alpha beta", &so, &r0, &err), LOCI_OK);
    so.proximity = 1;
    assert_int_equal(loci_search(idx, "alpha beta", &so, &r, &err), LOCI_OK);
    /* side by side first: d0 (adjacent) above d2 (four apart), both above
     * their BM25 scores */
    assert_int_equal(loci_results_hit(r, 0)->doc, 0);
    for (size_t i = 0; i < loci_results_count(r); i++)
        for (size_t j = 0; j < loci_results_count(r0); j++)
            if (loci_results_hit(r, i)->doc == loci_results_hit(r0, j)->doc)
                assert_true(loci_results_hit(r, i)->score > loci_results_hit(r0, j)->score);
    loci_results_free(r);
    loci_results_free(r0);
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formula),
        cmocka_unit_test(test_bound),
        cmocka_unit_test(test_pruned_equals_exhaustive),
        cmocka_unit_test(test_against_text),
        cmocka_unit_test(test_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
