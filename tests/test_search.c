/*
 * test_search.c — BM25 scores and top-k selection through the public API:
 * a score checked against a hand computation, and top-k equal to a
 * brute-force ranking on random corpora (including terms with many
 * postings blocks), for passages and for documents.
 */
#include "testutil.h"

#include <math.h>

#include "loci.h"
#include "search.h"

static loci_index *build(const char *dir, const char *const *docs, size_t n,
                         loci_passage_mode mode)
{
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    o.passage_mode = mode;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "d%zu", i);
        assert_int_equal(loci_builder_add_document(b, name, NULL, docs[i], strlen(docs[i]), 1, &err),
                         LOCI_OK);
    }
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
    loci_index *idx;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    return idx;
}

static void test_hand_computed_score(void **state)
{
    (void)state;
    /* Three passages (one per document), no stemming:
     *   p0 "apple banana apple"          len 3
     *   p1 "banana cherry"               len 2
     *   p2 "cherry cherry cherry date"   len 4
     * N = 3, avglen = 9/3 = 3, k1 = 1.5, b = 0.75.
     * apple: df 1, idf = ln((3 - 1 + 0.5)/(1 + 0.5)) = ln(5/3) = 0.510825624
     * p0: tf 2, K = 1.5*(0.25 + 0.75*3/3) = 1.5
     *     tfpart = 2*2.5/(2 + 1.5) = 5/3.5 = 1.428571429
     *     score  = 1.428571429 * 0.510825624 = 0.729750891
     * "banana cherry": both df 2, ln(1.5/2.5) < 0, so idf = the floor 1e-6
     *     p1: K = 1.5*(0.25 + 0.75*2/3) = 1.125; tfpart = 2.5/2.125 = 1.176470588
     *         each; score = 2 * 1.176470588e-6 = 2.352941176e-6 (rank 1)
     *     p2: cherry tf 3, K = 1.5*(0.25 + 0.75*4/3) = 1.875,
     *         tfpart = 7.5/4.875 = 1.538461538 -> 1.538461538e-6 (rank 2)
     *     p0: banana tf 1, K = 1.5 -> 2.5/2.5 = 1 -> 1e-6 (rank 3) */
    char *dir = tu_mkdtemp();
    char idxdir[600];
    snprintf(idxdir, sizeof idxdir, "%s/idx", dir);
    const char *docs[] = {"apple banana apple", "banana cherry", "cherry cherry cherry date"};
    loci_index *idx = build(idxdir, docs, 3, LOCI_PASSAGE_DOCUMENT);
    loci_results *r;
    loci_error err;
    assert_int_equal(loci_search(idx, "apple", NULL, &r, &err), LOCI_OK);
    assert_int_equal(loci_results_count(r), 1);
    assert_int_equal(loci_results_hit(r, 0)->passage, 0);
    assert_true(fabs(loci_results_hit(r, 0)->score - 0.729750891) < 1e-8);
    loci_results_free(r);

    assert_int_equal(loci_search(idx, "banana cherry", NULL, &r, &err), LOCI_OK);
    assert_int_equal(loci_results_count(r), 3);
    assert_int_equal(loci_results_hit(r, 0)->passage, 1);
    assert_true(fabs(loci_results_hit(r, 0)->score - 2.352941176e-6) < 1e-14);
    assert_int_equal(loci_results_hit(r, 1)->passage, 2);
    assert_true(fabs(loci_results_hit(r, 1)->score - 1.538461538e-6) < 1e-14);
    assert_int_equal(loci_results_hit(r, 2)->passage, 0);
    assert_true(fabs(loci_results_hit(r, 2)->score - 1e-6) < 1e-14);
    loci_results_free(r);

    /* no match is OK with zero hits; no words at all is LOCI_EEMPTY */
    assert_int_equal(loci_search(idx, "zebra", NULL, &r, &err), LOCI_OK);
    assert_int_equal(loci_results_count(r), 0);
    loci_results_free(r);
    assert_int_equal(loci_search(idx, " ,;- ", NULL, &r, &err), LOCI_EEMPTY);
    assert_null(r);
    assert_int_equal(loci_search(idx, "bad \xff", NULL, &r, &err), LOCI_EUTF8);
    loci_index_close(idx);
    tu_rmtree(dir);
    free(dir);
}

/* ---- brute force ------------------------------------------------------- */

#define VOCAB 40
#define NDOCS 700

struct bf_doc {
    int tf[VOCAB];
    int len;
};

static void test_topk_equals_brute_force(void **state)
{
    (void)state;
    uint64_t seed = 7;
    char **texts = malloc(NDOCS * sizeof *texts);
    struct bf_doc *bf = calloc(NDOCS, sizeof *bf);
    int df[VOCAB] = {0};
    long total = 0;
    for (int d = 0; d < NDOCS; d++) {
        int len = 1 + (int)(tu_rand(&seed) % 30);
        texts[d] = malloc((size_t)len * 8 + 1);
        texts[d][0] = '\0';
        for (int i = 0; i < len; i++) {
            /* skewed: low word numbers are frequent, so some terms span
             * several 128-posting blocks */
            int w = (int)(tu_rand(&seed) % VOCAB);
            w = (int)(w * (tu_rand(&seed) % VOCAB) / VOCAB);
            char word[8];
            snprintf(word, sizeof word, "w%d ", w);
            strcat(texts[d], word);
            if (bf[d].tf[w]++ == 0)
                df[w]++;
        }
        bf[d].len = len;
        total += len;
    }
    char *dir = tu_mkdtemp();
    char idxdir[600];
    snprintf(idxdir, sizeof idxdir, "%s/idx", dir);
    loci_index *idx = build(idxdir, (const char *const *)texts, NDOCS, LOCI_PASSAGE_DOCUMENT);
    double avg = (double)total / NDOCS;

    for (int q = 0; q < 300; q++) {
        int nq = 1 + (int)(tu_rand(&seed) % 4), words[4];
        char query[64] = "";
        for (int i = 0; i < nq; i++) {
            words[i] = (int)(tu_rand(&seed) % (VOCAB + 3)); /* some absent */
            char w[8];
            snprintf(w, sizeof w, "w%d ", words[i]);
            strcat(query, w);
        }
        /* distinct terms in first-occurrence order, with query frequency */
        int terms[4], qtf[4], nt = 0;
        for (int i = 0; i < nq; i++) {
            int j = 0;
            while (j < nt && terms[j] != words[i])
                j++;
            if (j == nt) {
                terms[nt] = words[i];
                qtf[nt++] = 0;
            }
            qtf[j]++;
        }
        double *scores = calloc(NDOCS, sizeof *scores);
        int matched = 0;
        for (int d = 0; d < NDOCS; d++) {
            int any = 0;
            for (int j = 0; j < nt; j++) {
                int w = terms[j];
                if (w >= VOCAB || !bf[d].tf[w])
                    continue;
                double idf = log((NDOCS - df[w] + 0.5) / (df[w] + 0.5));
                if (idf < 1e-6)
                    idf = 1e-6;
                double tf = bf[d].tf[w], k1 = LOCI_DEFAULT_K1;
                scores[d] += qtf[j] * idf * tf * (k1 + 1) /
                             (tf + k1 * (0.25 + 0.75 * bf[d].len / avg));
                any = 1;
            }
            if (any)
                matched++;
            else
                scores[d] = -1;
        }
        unsigned k = 1 + (unsigned)(tu_rand(&seed) % 25);
        loci_search_options so;
        loci_search_options_init(&so);
        so.k = k;
        loci_results *r;
        loci_error err;
        assert_int_equal(loci_search(idx, query, &so, &r, &err), LOCI_OK);
        size_t want = (size_t)matched < k ? (size_t)matched : k;
        assert_int_equal(loci_results_count(r), want);
        for (size_t i = 0; i < want; i++) {
            /* brute-force selection of the i-th best */
            int best = -1;
            for (int d = 0; d < NDOCS; d++)
                if (scores[d] >= 0 && (best < 0 || scores[d] > scores[best]))
                    best = d;
            const loci_hit *h = loci_results_hit(r, i);
            assert_true(fabs(h->score - scores[best]) < 1e-9);
            /* equal scores may come in either order only if equal to 1e-12 */
            if ((int)h->passage != best)
                assert_true(fabs(scores[h->passage] - scores[best]) < 1e-12);
            scores[h->passage] = -1;
            assert_int_equal(h->doc, h->passage); /* one passage per document */
        }
        loci_results_free(r);
        free(scores);
    }
    loci_index_close(idx);
    for (int d = 0; d < NDOCS; d++)
        free(texts[d]);
    free(texts);
    free(bf);
    tu_rmtree(dir);
    free(dir);
}

static void test_group_by_document(void **state)
{
    (void)state;
    /* Window passages of 2 tokens (stride 2): the document's best passage
     * decides its score, and each document appears once. */
    char *dir = tu_mkdtemp();
    char idxdir[600];
    snprintf(idxdir, sizeof idxdir, "%s/idx", dir);
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    o.passage_mode = LOCI_PASSAGE_WINDOW;
    o.passage_tokens = 2;
    o.passage_stride = 2;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(idxdir, &o, &b, &err), LOCI_OK);
    const char *a = "x y fox fox x y", *c = "fox y x y", *d = "y y y y";
    assert_int_equal(loci_builder_add_document(b, "a", NULL, a, strlen(a), 1, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_document(b, "c", NULL, c, strlen(c), 1, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_document(b, "d", NULL, d, strlen(d), 1, &err), LOCI_OK);
    loci_build_stats st;
    assert_int_equal(loci_builder_finish(b, &st, &err), LOCI_OK);
    loci_builder_free(b);
    assert_int_equal(st.documents, 3);
    assert_int_equal(st.passages, 7); /* 3 + 2 + 2 */
    loci_index *idx;
    assert_int_equal(loci_index_open(idxdir, &idx, &err), LOCI_OK);
    loci_search_options so;
    loci_search_options_init(&so);
    so.group = LOCI_GROUP_DOCUMENT;
    loci_results *r;
    assert_int_equal(loci_search(idx, "fox", &so, &r, &err), LOCI_OK);
    assert_int_equal(loci_results_count(r), 2);
    assert_int_equal(loci_results_hit(r, 0)->doc, 0);     /* "fox fox" passage */
    assert_int_equal(loci_results_hit(r, 0)->passage, 1);
    assert_int_equal(loci_results_hit(r, 1)->doc, 1);
    assert_int_equal(loci_results_hit(r, 1)->passage, 3);
    loci_results_free(r);
    loci_index_close(idx);
    tu_rmtree(dir);
    free(dir);
}

static void test_highlight_spans(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char idxdir[600];
    snprintf(idxdir, sizeof idxdir, "%s/idx", dir);
    loci_build_options o;
    loci_build_options_init(&o); /* english stemming */
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(idxdir, &o, &b, &err), LOCI_OK);
    const char *t = "Cybersecurity matters. The CCDCOE trains cyber defenders.";
    assert_int_equal(loci_builder_add_document(b, "t", NULL, t, strlen(t), 1, &err), LOCI_OK);
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
    loci_index *idx;
    assert_int_equal(loci_index_open(idxdir, &idx, &err), LOCI_OK);
    loci_results *r;
    assert_int_equal(loci_search(idx, "cybersecurity ccdcoe", NULL, &r, &err), LOCI_OK);
    assert_int_equal(loci_results_count(r), 1);
    loci_passage p;
    assert_int_equal(loci_passage_get(idx, loci_results_hit(r, 0)->passage, &p, &err), LOCI_OK);
    assert_int_equal(p.text_len, strlen(t) - 1); /* ends at the last token */
    loci_span *spans;
    size_t n;
    assert_int_equal(loci_results_highlight(r, p.text, p.text_len, &spans, &n, &err), LOCI_OK);
    assert_int_equal(n, 2);
    assert_int_equal(spans[0].start, 0);
    assert_int_equal(spans[0].end, 13);
    assert_memory_equal(p.text + spans[1].start, "CCDCOE", 6);
    free(spans);
    loci_results_free(r);
    loci_index_close(idx);
    tu_rmtree(dir);
    free(dir);
}

/* Pruned and exhaustive evaluation must agree exactly: pruning forced on
 * (search_plain_per_k 0: these indexes are small enough for the default
 * to choose the plain evaluation often), and with the default choice. */
static void assert_same_results(loci_index *idx, const char *query, loci_search_options so)
{
    loci_results *a, *b;
    loci_error err;
    so.exhaustive = 1;
    assert_int_equal(loci_search(idx, query, &so, &a, &err), LOCI_OK);
    so.exhaustive = 0;
    unsigned saved = search_plain_per_k;
    for (int forced = 1; forced >= 0; forced--) {
        search_plain_per_k = forced ? 0 : saved;
        assert_int_equal(loci_search(idx, query, &so, &b, &err), LOCI_OK);
        if (loci_results_count(a) != loci_results_count(b))
            fail_msg("\"%s\" k=%u: %zu exhaustive hits, %zu pruned", query, so.k,
                     loci_results_count(a), loci_results_count(b));
        for (size_t i = 0; i < loci_results_count(a); i++) {
            const loci_hit *x = loci_results_hit(a, i), *y = loci_results_hit(b, i);
            if (x->passage != y->passage || x->doc != y->doc || x->score != y->score)
                fail_msg("\"%s\" rank %zu: exhaustive %u/%.17g, pruned %u/%.17g", query, i + 1,
                         x->passage, x->score, y->passage, y->score);
        }
        loci_results_free(b);
    }
    search_plain_per_k = saved;
    loci_results_free(a);
}

static void test_pruned_equals_exhaustive(void **state)
{
    (void)state;
    uint64_t seed = 31;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    o.passage_tokens = 30; /* several passages per document: grouping matters */
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    char text[8192];
    for (int d = 0; d < 1500; d++) {
        size_t n = 0;
        int words = 1 + (int)(tu_rand(&seed) % 90);
        for (int w = 0; w < words; w++) {
            /* Zipf-like: word i with probability ~ 1/i, so some terms have
             * many blocks and some one posting */
            int v = (int)(200.0 / (1 + (double)(tu_rand(&seed) % 1000)));
            n += (size_t)snprintf(text + n, sizeof text - n, "t%d%s", v,
                                  tu_rand(&seed) % 25 ? " " : "\n\n");
        }
        assert_int_equal(loci_builder_add_document(b, "d", NULL, text, n, 1, &err), LOCI_OK);
    }
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
    loci_index *idx;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
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
        so.group = q % 2 ? LOCI_GROUP_DOCUMENT : LOCI_GROUP_PASSAGE;
        if (q % 5 == 0) { /* parameters other than the stored reference */
            so.k1 = 0.6 + (double)(tu_rand(&seed) % 20) / 10;
            so.b = (double)(tu_rand(&seed) % 11) / 10;
        }
        assert_same_results(idx, query, so);
    }
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

/* Many equal scores: identical passages in terms of several blocks, so the
 * seeded threshold (search.c: seed_threshold) often equals the final k-th
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
    loci_index *idx = build(dir, docs, 3000, LOCI_PASSAGE_DOCUMENT);
    const char *queries[] = {"alpha beta", "alpha", "beta gamma", "alpha gamma delta", "delta beta"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
        for (unsigned k = 1; k <= 1200; k = k * 3 + 1) { /* seeds of 1 to 9 blocks a term */
            loci_search_options so;
            loci_search_options_init(&so);
            so.k = k;
            assert_same_results(idx, queries[i], so);
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
            assert_same_results(idx, queries[i], so);
            so.group = LOCI_GROUP_DOCUMENT;
            assert_same_results(idx, queries[i], so);
        }
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed_score),
        cmocka_unit_test(test_topk_equals_brute_force),
        cmocka_unit_test(test_group_by_document),
        cmocka_unit_test(test_highlight_spans),
        cmocka_unit_test(test_pruned_equals_exhaustive),
        cmocka_unit_test(test_pruned_equals_exhaustive_with_ties),
        cmocka_unit_test(test_pruned_equals_exhaustive_on_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
