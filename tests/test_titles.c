/*
 * test_titles.c — JSON Lines titles as a field of their own (titles.c,
 * bm25.h's bm25f_tfpart, format 4.3): each passage records its title
 * tokens, a title weight changes scores exactly as BM25F says (and so
 * which of two passages wins), phrases count in the title where they
 * start, and a 4.2 index (tests/data/index42, written by the 4.2 indexer)
 * is still read, as one without titles.
 */
#include "testutil.h"

#include "bm25.h"
#include "index.h"
#include "titles.h"

/* Documents with titles: "apple" twice in a's text, once in b's title. */
static loci_index *build(const char *dir)
{
    static const char *const docs[][3] = {
        {"a", "zebra crossing", "an apple and another apple here"},
        {"b", "apple orchards", "zebra herds graze here today"},
        {"c", NULL, "no title at all but apple"},
        {"d", "zebra", "filler words only in this one"},
    };
    return tu_build_titled(dir, docs, 4, LOCI_PASSAGE_PARAGRAPH, "none");
}

static void test_title_tokens_recorded(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_index *idx = build(dir);
    struct segment *seg = &idx->segs[0];
    struct titles t;
    loci_error err;
    assert_int_equal(titles_open(&t, seg, &err), LOCI_OK);
    assert_int_equal(t.n, 3); /* c has none */
    assert_int_equal(titles_of(&t, 0), 2);
    assert_int_equal(titles_of(&t, 0), 2); /* (the kept answer) */
    assert_int_equal(titles_of(&t, 1), 2);
    assert_int_equal(titles_of(&t, 2), 0);
    assert_int_equal(titles_of(&t, 3), 1);
    assert_int_equal(titles_of(&t, 4), 0); /* past the end */
    assert_int_equal(loci_index_check(idx, &err), LOCI_OK);
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

/* A duplicate (a text stored once, with its first document) has no text
 * of its own, so no title either: the index stays readable. */
static void test_duplicate_with_title(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    static const char *const docs[][3] = {{"first", "Title", "same text"},
                                          {"copy", "Title", "same text"}};
    loci_index *idx = tu_build_titled(dir, docs, 2, LOCI_PASSAGE_PARAGRAPH, "none");
    loci_error err;
    assert_int_equal(loci_index_check(idx, &err), LOCI_OK);
    assert_int_equal(idx->segs[0].aliases, 1);
    assert_int_equal(idx->segs[0].title_count, 1);
    struct doc_info di;
    assert_int_equal(reader_doc(&idx->segs[0], 0, &di, &err), LOCI_OK);
    assert_int_equal(di.title_bytes, 5);
    assert_int_equal(reader_doc(&idx->segs[0], 1, &di, &err), LOCI_OK);
    assert_int_equal(di.title_bytes, 0);
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

/* Lookups in any order (forward steps, long jumps, moves back) give what
 * a scan of the table gives: every third document has a title of 1 to 3
 * words, each document one passage. */
static void test_lookup_in_any_order(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    static const char *const titles[] = {"one", "one two", "one two three"};
    static char texts[2000][32]; /* each its own (equal texts are stored once) */
    static const char *docs[2000][3];
    for (int d = 0; d < 2000; d++) {
        snprintf(texts[d], sizeof texts[d], "some text %d", d);
        docs[d][0] = "d";
        docs[d][1] = d % 3 ? NULL : titles[d / 3 % 3];
        docs[d][2] = texts[d];
    }
    loci_index *idx = tu_build_titled(dir, (const char *const (*)[3])docs, 2000, LOCI_PASSAGE_DOCUMENT,
                                     "none");
    loci_error err;
    struct titles t;
    assert_int_equal(titles_open(&t, &idx->segs[0], &err), LOCI_OK);
    assert_int_equal(t.n, 667);
    uint64_t seed = 5;
    uint32_t d = 0;
    for (int i = 0; i < 5000; i++) {
        uint64_t r = tu_rand(&seed) % 10;
        d = r < 6 ? d + (uint32_t)(tu_rand(&seed) % 4)      /* small steps */
            : r < 8 ? d + (uint32_t)(tu_rand(&seed) % 500) /* long jumps */
                    : (uint32_t)(tu_rand(&seed) % 2100);   /* anywhere, back too */
        d %= 2100; /* (some past the end) */
        uint32_t want = d < 2000 && d % 3 == 0 ? (uint32_t)(d / 3 % 3 + 1) : 0;
        if (titles_of(&t, d) != want)
            fail_msg("passage %u: %u title tokens, want %u", d, titles_of(&t, d), want);
    }
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

/* The score of the hit for `doc` (passage = doc here), or -1. */
static double score_of(loci_index *idx, const char *query, double w, uint32_t doc, int exhaustive)
{
    loci_search_options so;
    loci_search_options_init(&so);
    so.title_weight = w;
    so.exhaustive = exhaustive;
    loci_results *r;
    loci_error err;
    assert_int_equal(loci_search(idx, query, &so, &r, &err), LOCI_OK);
    double s = -1;
    for (size_t i = 0; i < loci_results_count(r); i++)
        if (loci_results_hit(r, i)->passage == doc)
            s = loci_results_hit(r, i)->score;
    loci_results_free(r);
    return s;
}

static void test_weight_scores_bm25f(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_index *idx = build(dir);
    /* passage lengths: a 2+6, b 2+5, c 6, d 1+6 tokens */
    double avglen = (8.0 + 7 + 6 + 7) / 4, idf = bm25_idf(4, 3);
    double k1 = LOCI_DEFAULT_K1, b = LOCI_DEFAULT_B;
    for (double w = 1; w <= 4; w += 0.5) {
        double a = idf * bm25f_tfpart(2, 0, 8, 2, w, k1, b, avglen);
        double bb = idf * bm25f_tfpart(1, 1, 7, 2, w, k1, b, avglen);
        double c = idf * bm25f_tfpart(1, 0, 6, 0, w, k1, b, avglen);
        for (int ex = 0; ex <= 1; ex++) {
            assert_true(score_of(idx, "apple", w, 0, ex) == a);
            assert_true(score_of(idx, "apple", w, 1, ex) == bb);
            assert_true(score_of(idx, "apple", w, 2, ex) == c);
        }
    }
    /* so a (apple twice in its text) wins at weight 1, b (apple once, in
     * its title) from weight 2 on: b's tf becomes 2 over a length of 9,
     * against a's 2 over 10 (a's title lengthens it too) */
    assert_true(score_of(idx, "apple", 1, 0, 0) > score_of(idx, "apple", 1, 1, 0));
    assert_true(score_of(idx, "apple", 2, 0, 0) < score_of(idx, "apple", 2, 1, 0));
    assert_true(score_of(idx, "apple", 3, 0, 0) < score_of(idx, "apple", 3, 1, 0));
    /* a phrase counts in the title where it starts: "zebra crossing" is
     * a's title (tf 1, title tf 1) */
    double ph = (bm25_idf(4, 3) + bm25_idf(4, 1)) * bm25f_tfpart(1, 1, 8, 2, 2, k1, b, avglen);
    assert_true(score_of(idx, "\"zebra crossing\"", 2, 0, 0) == ph);
    /* a weight below 1 is allowed: the title counts less */
    assert_true(score_of(idx, "zebra", 0.5, 3, 0) ==
                bm25_idf(4, 3) * bm25f_tfpart(1, 1, 7, 1, 0.5, k1, b, avglen));
    loci_search_options so;
    loci_search_options_init(&so);
    loci_results *r;
    loci_error err;
    so.title_weight = 0;
    assert_int_equal(loci_search(idx, "apple", &so, &r, &err), LOCI_EINVAL);
    so.title_weight = 101;
    assert_int_equal(loci_search(idx, "apple", &so, &r, &err), LOCI_EINVAL);
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

/* A 4.2 index (built by the 4.2 indexer: the title joined the text, with
 * no record of it) reads as one without titles: any weight scores BM25. */
static void test_index_42_read_as_untitled(void **state)
{
    (void)state;
    loci_index *idx;
    loci_error err;
    /* the tests run from the repository root (make check) */
    assert_int_equal(loci_index_open("tests/data/index42", &idx, &err), LOCI_OK);
    loci_index_stats st;
    loci_index_stats_get(idx, &st);
    assert_int_equal(st.format_minor, 2);
    assert_int_equal(idx->segs[0].title_count, 0);
    assert_int_equal(loci_index_check(idx, &err), LOCI_OK);
    for (uint32_t d = 0; d < 3; d++) {
        double plain = score_of(idx, "apple", 1, d, 0);
        assert_true(plain > 0);
        assert_true(score_of(idx, "apple", 3, d, 0) == plain);
        assert_true(score_of(idx, "apple", 3, d, 1) == plain);
    }
    loci_index_close(idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_title_tokens_recorded),
        cmocka_unit_test(test_duplicate_with_title),
        cmocka_unit_test(test_lookup_in_any_order),
        cmocka_unit_test(test_weight_scores_bm25f),
        cmocka_unit_test(test_index_42_read_as_untitled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
