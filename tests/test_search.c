/*
 * test_search.c — BM25 scores and top-k selection through the public API:
 * a score checked against a hand computation, and top-k equal to a
 * brute-force ranking on random corpora (including terms with many
 * postings blocks), for passages and for documents; query stopwords.
 */
#include "testutil.h"

#include <math.h>

#include "loci.h"


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
     * "banana cherry": both df 2, ln(1.5/2.5) < 0, so a common word's idf:
     *     0.05 * ln(1 + 1.5/2.5) = 0.0235001815
     *     p1: K = 1.5*(0.25 + 0.75*2/3) = 1.125; tfpart = 2.5/2.125 = 1.176470588
     *         each; score = 2 * 1.176470588 * 0.0235001815 = 0.0552945447 (rank 1)
     *     p2: cherry tf 3, K = 1.5*(0.25 + 0.75*4/3) = 1.875,
     *         tfpart = 7.5/4.875 = 1.538461538 -> 0.0361541253 (rank 2)
     *     p0: banana tf 1, K = 1.5 -> 2.5/2.5 = 1 -> 0.0235001815 (rank 3)
     * (with the old floor of 1e-6 these printed as 0.0000) */
    char *dir = tu_mkdtemp();
    char idxdir[600];
    snprintf(idxdir, sizeof idxdir, "%s/idx", dir);
    const char *docs[] = {"apple banana apple", "banana cherry", "cherry cherry cherry date"};
    loci_index *idx = tu_build(idxdir, docs, 3, LOCI_PASSAGE_DOCUMENT);
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
    assert_true(fabs(loci_results_hit(r, 0)->score - 0.0552945447) < 1e-9);
    assert_int_equal(loci_results_hit(r, 1)->passage, 2);
    assert_true(fabs(loci_results_hit(r, 1)->score - 0.0361541253) < 1e-9);
    assert_int_equal(loci_results_hit(r, 2)->passage, 0);
    assert_true(fabs(loci_results_hit(r, 2)->score - 0.0235001815) < 1e-9);
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
        texts[d] = malloc((size_t)len * 8 + 16);
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
        /* a word of its own: identical texts would be stored once */
        char own[16];
        snprintf(own, sizeof own, "u%d", d);
        strcat(texts[d], own);
        bf[d].len = len + 1;
        total += len + 1;
    }
    char *dir = tu_mkdtemp();
    char idxdir[600];
    snprintf(idxdir, sizeof idxdir, "%s/idx", dir);
    loci_index *idx = tu_build(idxdir, (const char *const *)texts, NDOCS, LOCI_PASSAGE_DOCUMENT);
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
                double odds = (NDOCS - df[w] + 0.5) / (df[w] + 0.5);
                double idf = log(odds);
                if (idf < 0.05 * log(1 + odds))
                    idf = 0.05 * log(1 + odds);
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
    assert_int_equal(p.text_len, strlen(t)); /* the paragraph as written, to its final "." */
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

/* Paging: offset O with k equals ranks O+1..O+k of a larger k, for both
 * groupings and both evaluations; and the total counts every match. */
static void test_offset_and_total(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp(), idxdir[600];
    snprintf(idxdir, sizeof idxdir, "%s/idx", dir);
    enum { PAGED_DOCS = 300 };
    static char texts[PAGED_DOCS][400];
    const char *docs[PAGED_DOCS];
    uint64_t seed = 42;
    for (int d = 0; d < PAGED_DOCS; d++) {
        size_t o = 0;
        int words = 3 + (int)(tu_rand(&seed) % 30);
        for (int w = 0; w < words; w++) {
            o += (size_t)snprintf(texts[d] + o, sizeof texts[d] - o, "w%d%s",
                                  (int)(tu_rand(&seed) % 40), w % 9 == 8 ? "\n\n" : " ");
        }
        docs[d] = texts[d];
    }
    loci_index *idx = tu_build(idxdir, docs, PAGED_DOCS, LOCI_PASSAGE_PARAGRAPH);
    const char *queries[] = {"w1", "w2 w3", "w4 w5 w6 w7", "w39 w0", "nothing"};
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++)
        for (int group = 0; group <= 1; group++)
            for (int exh = 0; exh <= 1; exh++) {
                loci_search_options all;
                loci_search_options_init(&all);
                all.group = group ? LOCI_GROUP_DOCUMENT : LOCI_GROUP_PASSAGE;
                all.exhaustive = exh;
                all.k = 100000; /* more than can match: every match */
                loci_results *ra;
                loci_error err;
                assert_int_equal(loci_search(idx, queries[q], &all, &ra, &err), LOCI_OK);
                assert_int_equal(loci_results_total(ra), -1); /* not asked */
                size_t n = loci_results_count(ra);
                for (unsigned off = 0; off <= n + 2; off += 7) {
                    loci_search_options page = all;
                    page.k = 5;
                    page.offset = off;
                    page.count = 1;
                    loci_results *rp;
                    assert_int_equal(loci_search(idx, queries[q], &page, &rp, &err), LOCI_OK);
                    assert_int_equal(loci_results_total(rp), (int64_t)n);
                    size_t want = off >= n ? 0 : n - off < 5 ? n - off : 5;
                    assert_int_equal(loci_results_count(rp), want);
                    for (size_t i = 0; i < want; i++) {
                        const loci_hit *a = loci_results_hit(ra, off + i), *b = loci_results_hit(rp, i);
                        assert_int_equal(a->passage, b->passage);
                        assert_int_equal(a->doc, b->doc);
                        assert_true(a->score == b->score);
                    }
                    loci_results_free(rp);
                }
                loci_results_free(ra);
            }
    loci_index_close(idx);
    tu_rmtree(dir);
    free(dir);
}

/* Highlighting a query of the query language: a phrase is one span where
 * it occurs (its words elsewhere are not marked), a prefix marks its
 * terms, an excluded word is never marked. */
static void test_highlight_query(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char idxdir[600];
    snprintf(idxdir, sizeof idxdir, "%s/idx", dir);
    const char *docs[] = {"cyber defence and defence of cyber space, sanctions sanctioned"};
    loci_index *idx = tu_build(idxdir, docs, 1, LOCI_PASSAGE_DOCUMENT);
    loci_results *r;
    loci_error err;
    assert_int_equal(loci_search(idx, "\"cyber defence\" sanction* -space", NULL, &r, &err),
                     LOCI_OK);
    assert_int_equal(loci_results_count(r), 0); /* -space excludes the only passage */
    loci_results_free(r);
    assert_int_equal(loci_search(idx, "\"cyber defence\" sanction* -zebra", NULL, &r, &err),
                     LOCI_OK);
    assert_int_equal(loci_results_count(r), 1);
    loci_span *sp;
    size_t n;
    const char *t = docs[0];
    assert_int_equal(loci_results_highlight(r, t, strlen(t), &sp, &n, &err), LOCI_OK);
    assert_int_equal(n, 3);
    assert_int_equal(sp[0].start, 0);
    assert_int_equal(sp[0].end, 13);                      /* "cyber defence" */
    assert_int_equal(sp[1].start, strstr(t, "sanctions") - t);
    assert_int_equal(sp[2].start, strstr(t, "sanctioned") - t);
    free(sp);
    loci_results_free(r);
    loci_index_close(idx);
    tu_rmtree(dir);
    free(dir);
}

/* CJK: a word is the phrase of its bigrams, found inside a longer run and
 * highlighted on exactly its characters (overlapping bigram spans merged);
 * one character is found wherever it is, highlighted alone; a plain
 * query holding CJK is compiled, --plain too. */
static void test_cjk_query(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char idxdir[600];
    snprintf(idxdir, sizeof idxdir, "%s/idx", dir);
    const char *docs[] = {"サイバー攻撃への対策として、東京で会議", "東京都は日本の首都", "京都"};
    loci_index *idx = tu_build(idxdir, docs, 3, LOCI_PASSAGE_DOCUMENT);
    loci_search_options o;
    loci_search_options_init(&o);
    loci_results *r;
    loci_error err;
    loci_span *sp;
    size_t n;
    for (int plain = 0; plain < 2; plain++) {
        o.plain = plain;
        assert_int_equal(loci_search(idx, "サイバー", &o, &r, &err), LOCI_OK);
        assert_int_equal(loci_results_count(r), 1);
        assert_int_equal(loci_results_hit(r, 0)->doc, 0);
        assert_int_equal(loci_results_highlight(r, docs[0], strlen(docs[0]), &sp, &n, &err),
                         LOCI_OK);
        assert_int_equal(n, 1);
        assert_int_equal(sp[0].start, 0);
        assert_int_equal(sp[0].end, strlen("サイバー"));
        free(sp);
        loci_results_free(r);
    }
    /* 東京 in 東京で and 東京都, not in 京都 */
    assert_int_equal(loci_search(idx, "東京", NULL, &r, &err), LOCI_OK);
    assert_int_equal(loci_results_count(r), 2);
    loci_results_free(r);
    /* 京 in all three (京で, 京都 twice), highlighted on 京 alone */
    assert_int_equal(loci_search(idx, "京", NULL, &r, &err), LOCI_OK);
    assert_int_equal(loci_results_count(r), 3);
    assert_int_equal(loci_results_highlight(r, docs[1], strlen(docs[1]), &sp, &n, &err), LOCI_OK);
    assert_int_equal(n, 1);
    assert_int_equal(sp[0].start, strlen("東"));
    assert_int_equal(sp[0].end, strlen("東京"));
    free(sp);
    loci_results_free(r);
    loci_index_close(idx);
    tu_rmtree(dir);
    free(dir);
}

/* A prefix matching more than 128 terms searches the 128 most frequent,
 * and the results say so. */
static void test_prefix_cap(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char idxdir[600];
    snprintf(idxdir, sizeof idxdir, "%s/idx", dir);
    static char text[200][64];
    const char *docs[200];
    for (int i = 0; i < 200; i++) {
        /* w000 in one passage, w199 in 200: the frequent ones are kept */
        snprintf(text[i], sizeof text[i], "w%03d filler", i);
        docs[i] = text[i];
    }
    for (int i = 0; i < 200; i++)
        for (int j = 0; j < i; j++)
            if (strlen(text[j]) < 60)
                strcat(text[j], " "), strncat(text[j], text[i], 4);
    loci_index *idx = tu_build(idxdir, docs, 200, LOCI_PASSAGE_DOCUMENT);
    loci_results *r;
    loci_error err;
    assert_int_equal(loci_search(idx, "w*", NULL, &r, &err), LOCI_OK);
    assert_non_null(loci_results_warning(r));
    assert_non_null(strstr(loci_results_warning(r), "w* matches 200 terms; searching the 128 most frequent"));
    loci_results_free(r);
    assert_int_equal(loci_search(idx, "w19*", NULL, &r, &err), LOCI_OK);
    assert_null(loci_results_warning(r));
    loci_results_free(r);
    loci_index_close(idx);
    tu_rmtree(dir);
    free(dir);
}

/* ---- query stopwords ----------------------------------------------------- */

/* The hits of `q` (passages and scores) equal those of `same`. */
static void assert_same_hits(loci_index *idx, const char *q, const loci_search_options *oq,
                             const char *same, const loci_search_options *osame)
{
    loci_results *a, *b;
    loci_error err;
    assert_int_equal(loci_search(idx, q, oq, &a, &err), LOCI_OK);
    assert_int_equal(loci_search(idx, same, osame, &b, &err), LOCI_OK);
    assert_int_equal(loci_results_count(a), loci_results_count(b));
    assert_true(loci_results_count(a) > 0);
    for (size_t i = 0; i < loci_results_count(a); i++) {
        if (loci_results_hit(a, i)->passage != loci_results_hit(b, i)->passage ||
            loci_results_hit(a, i)->score != loci_results_hit(b, i)->score)
            fail_msg("%s: hit %zu is %u %.17g; %s: %u %.17g", q, i, loci_results_hit(a, i)->passage,
                     loci_results_hit(a, i)->score, same, loci_results_hit(b, i)->passage,
                     loci_results_hit(b, i)->score);
    }
    loci_results_free(a);
    loci_results_free(b);
}

static void test_stopwords(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char idxdir[600];
    snprintf(idxdir, sizeof idxdir, "%s/idx", dir);
    loci_error err;
    const char *docs[] = {"the ranking of documents", "what is it about", "ranking functions",
                          "it is what it is, the ranking", "beings and being"};
    loci_index *idx = tu_build_stem(idxdir, docs, 5, LOCI_PASSAGE_DOCUMENT, "english");
    loci_search_options def, none, fr, plain;
    loci_search_options_init(&def);
    loci_search_options_init(&none);
    none.stopwords = "none";
    loci_search_options_init(&fr);
    fr.stopwords = "french";
    plain = def;
    plain.plain = 1;

    /* optional stopwords are left out, with or without the query language */
    assert_same_hits(idx, "what is the ranking", &def, "ranking", &none);
    assert_same_hits(idx, "what is the ranking", &plain, "ranking", &none);
    assert_same_hits(idx, "What IS ranking?", &def, "ranking", &none);
    assert_same_hits(idx, "what is the ranking", &fr, "what is the ranking", &none);
    /* by the unstemmed word: "beings" stays, "being" goes */
    assert_same_hits(idx, "being beings", &def, "beings", &none);
    /* a query of nothing else is searched whole */
    assert_same_hits(idx, "what is it", &def, "what is it", &none);
    assert_same_hits(idx, "what is it", &plain, "what is it", &none);
    /* required words, phrases and excluded words keep theirs */
    assert_same_hits(idx, "+what ranking", &def, "+what ranking", &none);
    assert_same_hits(idx, "\"the ranking\" what", &def, "\"the ranking\"", &none);
    assert_same_hits(idx, "ranking -what the", &def, "ranking -what", &none);
    loci_results *r;
    assert_int_equal(loci_search(idx, "ranking -what", &def, &r, &err), LOCI_OK);
    assert_int_equal(loci_results_count(r), 2); /* d0, d2: d3 has "what" */
    loci_results_free(r);
    /* a file of words */
    char *path = tu_write_file(dir, "words", "ranking\n", 8);
    loci_search_options file = def;
    file.stopwords = path;
    assert_same_hits(idx, "ranking functions", &file, "functions", &none);
    assert_same_hits(idx, "what ranking", &def, "ranking", &none); /* another spec again */
    file.stopwords = "klingon";
    assert_int_equal(loci_search(idx, "ranking", &file, &r, &err), LOCI_EINVAL);
    assert_null(r);
    /* highlighted: the words searched for, not the stopwords left out */
    const char *text = docs[3];
    assert_int_equal(loci_search(idx, "what ranking", &def, &r, &err), LOCI_OK);
    loci_span *spans;
    size_t nspans;
    assert_int_equal(loci_results_highlight(r, text, strlen(text), &spans, &nspans, &err), LOCI_OK);
    assert_int_equal(nspans, 1);
    assert_int_equal(spans[0].start, 22);
    free(spans);
    loci_results_free(r);
    free(path);
    loci_index_close(idx);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_highlight_query),
        cmocka_unit_test(test_prefix_cap),
        cmocka_unit_test(test_cjk_query),
        cmocka_unit_test(test_hand_computed_score),
        cmocka_unit_test(test_topk_equals_brute_force),
        cmocka_unit_test(test_group_by_document),
        cmocka_unit_test(test_highlight_spans),
        cmocka_unit_test(test_offset_and_total),
        cmocka_unit_test(test_stopwords),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
