/*
 * test_ranking.c — the ranking strategies agree exactly: MaxScore with its
 * seeded threshold and the one-term traversal give the hits, order and
 * scores of the exhaustive evaluation, on random corpora and queries
 * (passages and documents, reference and other BM25 parameters), with
 * many tied scores, on the bundled corpus, and with titles weighted
 * apart (BM25F).
 */
#include "testutil.h"

#include "samehits.h"

static void test_pruned_equals_exhaustive(void **state)
{
    (void)state;
    uint64_t seed = 31;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    /* several passages per document: grouping matters */
    loci_index *idx = tu_build_zipf(dir, &seed, 1500, 200.0);
    for (int q = 0; q < 400; q++) {
        char query[256] = "";
        int nq = 1 + (int)(tu_rand(&seed) % 6);
        for (int i = 0; i < nq; i++) {
            char w[16];
            snprintf(w, sizeof w, "t%d ", (int)(200.0 / (1 + (double)(tu_rand(&seed) % 1000))));
            strcat(query, w);
        }
        loci_search_options so;
        loci_search_options_init(&so);
        so.k = 1 + (unsigned)(tu_rand(&seed) % 30);
        if (q % 7 == 0) /* several seed blocks per term (128 passages a block) */
            so.k = 129 + (unsigned)(tu_rand(&seed) % 300);
        so.group = q % 2 ? LOCI_GROUP_DOCUMENT : LOCI_GROUP_PASSAGE;
        if (q % 5 == 0) { /* parameters other than the stored reference */
            so.k1 = 0.6 + (double)(tu_rand(&seed) % 20) / 10;
            so.b = (double)(tu_rand(&seed) % 11) / 10;
        }
        tu_assert_same_results(idx, query, so);
    }
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

/* Many equal scores: identical passages in terms of several blocks, so the
 * seeded threshold (ranking.c: seed_threshold) often equals the final k-th
 * score exactly; ties at the threshold must still be resolved by passage
 * id as in the exhaustive evaluation. */
static void test_pruned_equals_exhaustive_with_ties(void **state)
{
    (void)state;
    static const char *const texts[] = {"alpha beta", "alpha", "beta gamma", "gamma alpha beta",
                                        "delta"};
    static const char *docs[3000];
    for (size_t i = 0; i < 3000; i++)
        docs[i] = texts[(i * 7 + i / 5) % 5];
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_index *idx = tu_build(dir, docs, 3000, LOCI_PASSAGE_DOCUMENT);
    const char *queries[] = {"alpha beta", "alpha", "beta gamma", "alpha gamma delta", "delta beta"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
        for (unsigned k = 1; k <= 1200; k = k * 3 + 1) { /* seeds of 1 to 9 blocks a term */
            loci_search_options so;
            loci_search_options_init(&so);
            so.k = k;
            tu_assert_same_results(idx, queries[i], so);
        }
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

static void test_pruned_equals_exhaustive_on_corpus(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, NULL, &b, &err), LOCI_OK);
    /* the tests run from the repository root (make check) */
    assert_int_equal(loci_builder_add_path(b, "corpus/nato-rok-ap4-indo-pacific.txt", &err),
                     LOCI_OK);
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
    loci_index *idx;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    const char *queries[] = {"cybersecurity CCDCOE", "NATO Korea", "the of and", "Japan",
                             "nuclear weapons North Korea", "Indo-Pacific security partners",
                             "AP4 summit Madrid Vilnius", "Ukraine Russia sanctions arms"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
        for (unsigned k = 1; k <= 20; k += 6) {
            loci_search_options so;
            loci_search_options_init(&so);
            so.k = k;
            tu_assert_same_results(idx, queries[i], so);
            so.group = LOCI_GROUP_DOCUMENT;
            tu_assert_same_results(idx, queries[i], so);
        }
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

/* With titles weighted apart (BM25F), bounded by the stored block tfs and
 * lengths scaled: JSON Lines-like documents whose titles repeat the
 * text's words, several passages each (a title may span passages), and
 * queries of words and phrases, with weights above and below 1. */
static void test_pruned_equals_exhaustive_with_titles(void **state)
{
    (void)state;
    uint64_t seed = 77;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    o.passage_tokens = 12;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    char text[4096], title[256];
    for (int d = 0; d < 1200; d++) {
        size_t n = 0, tn = 0;
        int words = 1 + (int)(tu_rand(&seed) % 40), twords = (int)(tu_rand(&seed) % 15);
        for (int w = 0; w < words; w++)
            n += (size_t)snprintf(text + n, sizeof text - n, "t%d%s",
                                  (int)(60.0 / (1 + (double)(tu_rand(&seed) % 300))),
                                  tu_rand(&seed) % 20 ? " " : "\n\n");
        for (int w = 0; w < twords; w++)
            tn += (size_t)snprintf(title + tn, sizeof title - tn, "t%d ",
                                   (int)(60.0 / (1 + (double)(tu_rand(&seed) % 300))));
        assert_int_equal(loci_builder_add_document(b, "d", tn ? title : NULL, text, n, 1, &err),
                         LOCI_OK);
    }
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
    loci_index *idx;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    static const double weights[] = {2, 3, 0.5, 7.25};
    for (int q = 0; q < 160; q++) {
        char query[256] = "";
        int nq = 1 + (int)(tu_rand(&seed) % 4);
        for (int i = 0; i < nq; i++) {
            char w[32];
            int a = (int)(60.0 / (1 + (double)(tu_rand(&seed) % 300)));
            if (q % 3 == 0 && i == 0)
                snprintf(w, sizeof w, "\"t%d t%d\" ", a, (int)(tu_rand(&seed) % 4));
            else
                snprintf(w, sizeof w, "t%d ", a);
            strcat(query, w);
        }
        loci_search_options so;
        loci_search_options_init(&so);
        so.title_weight = weights[q % 4];
        so.k = 1 + (unsigned)(tu_rand(&seed) % 20);
        if (q % 5 == 0)
            so.k = 129 + (unsigned)(tu_rand(&seed) % 200);
        so.group = q % 2 ? LOCI_GROUP_DOCUMENT : LOCI_GROUP_PASSAGE;
        tu_assert_same_results(idx, query, so);
    }
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pruned_equals_exhaustive),
        cmocka_unit_test(test_pruned_equals_exhaustive_with_ties),
        cmocka_unit_test(test_pruned_equals_exhaustive_on_corpus),
        cmocka_unit_test(test_pruned_equals_exhaustive_with_titles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
