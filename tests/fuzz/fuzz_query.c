/*
 * fuzz_query.c — libFuzzer target for query evaluation (searcher/).
 *
 * A small index is built once at start-up; each input is a query. Pruned
 * evaluation (MaxScore with block maxima, seeded thresholds, best-block
 * order for one term) must give exactly what exhaustive evaluation gives —
 * same status, same passages and documents in the same order, scores equal
 * bit for bit — for k = 10 and k = 3, and k = 4 with the proximity bonus
 * (--proximity=1), grouped by passage and by document.
 * The hit lists must also keep loci.h's promises (score descending, ties
 * by passage id; one hit per document when grouped), and the highlight
 * spans of every hit must be ordered, disjoint and inside the passage.
 *
 * And the statistics a shard gives for the query (loci_query_stats), used
 * as global statistics (loci_index_set_global_stats), must give the same
 * results again, bit for bit (README.md, "Shards").
 *
 * Pruned evaluation runs twice: as shipped, and with ranking_plain_per_k
 * 0 (ranking.h), which forces the pruning code even where the shipped
 * heuristic would score a small query in full — on a small index it
 * otherwise would for most queries.
 *
 * The corpus is generated so that pruning has something to do: hundreds
 * of passages, words in more than one postings block, many tied scores
 * (repeated paragraphs), plus non-ASCII words, numbers, hyphenated words
 * and apostrophes for the query analyzer, and CJK runs (bigrams, a
 * query of one CJK character as a prefix, CJK words as phrases).
 */
#include "fuzzutil.h" /* first: it asks for XSI (nftw) */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loci.h"
#include "ranking.h"

static loci_index *idx;
static loci_index_stats stats;

static void fail(const char *what, const char *query)
{
    fprintf(stderr, "fuzz_query: %s (query \"%s\")\n", what, query ? query : "");
    abort();
}

static void close_index(void)
{
    loci_index_close(idx);
    idx = NULL;
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/* Frequent words first: word i is drawn with weight about 1/(i+1). */
static const char *const W[] = {
    "the", "common", "security", "alliance", "cyber", "defence", "NATO's", "Indo-Pacific",
    "café", "naïve", "Straße", "vis-à-vis", "東京", "한국어", "Москва", "11.7", "2024",
    "3,14", "e-mail", "don't", "running", "runs", "ran", "CCDCOE", "ＣＣＤＣＯＥ", "résumé",
    "resume", "co-operation", "cooperation", "½", "x²", "ﬁle", "Ἀθῆναι", "עברית", "العربية",
    "हिन्दी", "rock'n'roll", "O'Neill", "alpha", "zeta",
    /* CJK runs: bigrams, tails and lone characters for the query side */
    "東京都は日本の首都", "サイバー攻撃", "网络安全", "협력을", "東", "Tokyo東京",
};
#define NW (sizeof W / sizeof *W)

static const char *word(uint64_t *s)
{
    /* harmonic-ish: pick a prefix length, then a word inside it */
    size_t lim = 1 + rnd(s) % NW;
    return W[rnd(s) % lim];
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *base = fuzz_scratch("fuzz_query");
    atexit(close_index); /* runs before the scratch directory goes */
    char dir[300];
    snprintf(dir, sizeof dir, "%s/index", base);

    loci_build_options o;
    loci_build_options_init(&o);
    o.passage_tokens = 40; /* long paragraphs become overlapping windows */
    o.threads = 1;
    o.memory = 16u << 20;
    loci_builder *b;
    loci_error err;
    if (loci_builder_new(dir, &o, &b, &err))
        fail(err.message, NULL);
    uint64_t s = 0x9e3779b97f4a7c15ULL;
    static char text[16384];
    char name[32];
    for (unsigned d = 0; d < 120; d++) {
        size_t n = 0;
        unsigned paras = 1 + (unsigned)(rnd(&s) % 4);
        for (unsigned p = 0; p < paras; p++) {
            if (p)
                n += (size_t)snprintf(text + n, sizeof text - n, "\n\n");
            if (d % 7 == 3) { /* repeated paragraphs: tied scores */
                n += (size_t)snprintf(text + n, sizeof text - n,
                                      "The common alliance and cyber defence.");
                continue;
            }
            unsigned len = 1 + (unsigned)(rnd(&s) % (p == 1 && d % 5 == 0 ? 90 : 25));
            for (unsigned i = 0; i < len && n < sizeof text - 64; i++)
                n += (size_t)snprintf(text + n, sizeof text - n, "%s%s", i ? " " : "",
                                      word(&s));
            n += (size_t)snprintf(text + n, sizeof text - n, ".");
        }
        snprintf(name, sizeof name, "doc%03u", d);
        if (loci_builder_add_document(b, name, d % 3 ? NULL : "Title of the alliance", text, n, 1,
                                      &err))
            fail(err.message, NULL);
    }
    if (loci_builder_finish(b, NULL, &err))
        fail(err.message, NULL);
    loci_builder_free(b);
    if (loci_index_open(dir, &idx, &err))
        fail(err.message, NULL);
    loci_index_stats_get(idx, &stats);
    return 0;
}

static void check_hits(const loci_results *r, const loci_search_options *o, const char *q)
{
    size_t n = loci_results_count(r);
    if (n > o->k)
        fail("more hits than k", q);
    for (size_t i = 0; i < n; i++) {
        const loci_hit *h = loci_results_hit(r, i);
        if (h->passage >= stats.passages || h->doc >= stats.documents)
            fail("hit outside the index", q);
        if (!(h->score > 0))
            fail("hit with a score that is not positive", q);
        if (i == 0)
            continue;
        const loci_hit *p = loci_results_hit(r, i - 1);
        if (p->score < h->score || (p->score == h->score && p->passage >= h->passage))
            fail("hits not in (score desc, passage asc) order", q);
        if (o->group == LOCI_GROUP_DOCUMENT)
            for (size_t j = 0; j < i; j++)
                if (loci_results_hit(r, j)->doc == h->doc)
                    fail("one document twice in a grouped list", q);
    }
}

static void check_highlights(const loci_results *r, const char *q)
{
    loci_error err;
    for (size_t i = 0; i < loci_results_count(r); i++) {
        const loci_hit *h = loci_results_hit(r, i);
        loci_passage p;
        if (loci_passage_get(idx, h->passage, &p, &err))
            fail(err.message, q);
        if (p.id != h->passage || p.doc != h->doc)
            fail("passage_get disagrees with the hit", q);
        loci_span *sp = NULL;
        size_t n = 0;
        if (loci_results_highlight(r, p.text, p.text_len, &sp, &n, &err))
            fail(err.message, q);
        for (size_t j = 0; j < n; j++) {
            if (!(sp[j].start < sp[j].end && sp[j].end <= p.text_len))
                fail("highlight span empty or outside the passage", q);
            if (j > 0 && sp[j].start < sp[j - 1].end)
                fail("highlight spans overlap or are out of order", q);
        }
        free(sp);
    }
}

/* Fail unless x and y are the same outcome, hit for hit, bit for bit. */
static void same(int rx, const loci_results *x, int ry, const loci_results *y,
                 const loci_search_options *o, const char *what, const char *q)
{
    if (rx != ry) {
        fprintf(stderr, "fuzz_query: %s: status %d vs %d\n", what, rx, ry);
        fail("pruned and exhaustive return different statuses", q);
    }
    if (rx != LOCI_OK) {
        if (x || y)
            fail("an error with results", q);
        return;
    }
    if (!x || !y)
        fail("LOCI_OK without results", q);
    size_t n = loci_results_count(x);
    if (n != loci_results_count(y)) {
        fprintf(stderr, "fuzz_query: %s: %zu hits vs %zu (k %u, group %d)\n", what, n,
                loci_results_count(y), o->k, (int)o->group);
        fail("pruned and exhaustive hit counts differ", q);
    }
    for (size_t i = 0; i < n; i++) {
        const loci_hit *a = loci_results_hit(x, i), *b = loci_results_hit(y, i);
        if (a->passage != b->passage || a->doc != b->doc ||
            memcmp(&a->score, &b->score, sizeof a->score) != 0) {
            fprintf(stderr,
                    "fuzz_query: %s: hit %zu (k %u, group %d): passage %u doc %u score %.17g "
                    "vs passage %u doc %u score %.17g\n",
                    what, i, o->k, (int)o->group, a->passage, a->doc, a->score, b->passage,
                    b->doc, b->score);
            fail("pruned and exhaustive hits differ", q);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *q = malloc(size + 1);
    if (!q)
        return 0;
    memcpy(q, data, size);
    q[size] = '\0';
    static const unsigned ks[] = {10, 3, 4};
    unsigned shipped = ranking_plain_per_k;
    for (int g = 0; g < 2; g++) {
        for (int ki = 0; ki < 3; ki++) {
            loci_search_options o;
            loci_search_options_init(&o);
            o.k = ks[ki];
            o.proximity = ki == 2 ? 1 : 0; /* its rerank is exact too */
            o.group = g ? LOCI_GROUP_DOCUMENT : LOCI_GROUP_PASSAGE;
            loci_results *pr = NULL, *fp = NULL, *ex = NULL;
            loci_error e1, e2, e3;
            int rp = loci_search(idx, q, &o, &pr, &e1);
            ranking_plain_per_k = 0;
            int rf = loci_search(idx, q, &o, &fp, &e2);
            ranking_plain_per_k = shipped;
            o.exhaustive = 1;
            int re = loci_search(idx, q, &o, &ex, &e3);
            o.exhaustive = 0;
            same(rp, pr, re, ex, &o, "pruned vs exhaustive", q);
            same(rf, fp, re, ex, &o, "forced pruning vs exhaustive", q);
            if (rp == LOCI_OK) {
                check_hits(pr, &o, q);
                check_highlights(pr, q);
            }
            loci_results_free(pr);
            loci_results_free(fp);
            loci_results_free(ex);
        }
    }
    /* the two phases of shards searched apart, over one shard: its own
     * statistics (loci_query_stats) given back as global ones must give
     * its own results, bit for bit */
    loci_search_options o;
    loci_search_options_init(&o);
    loci_global_stats *st = NULL;
    loci_results *own = NULL, *global = NULL;
    loci_error e1, e2;
    int rs = loci_query_stats(idx, q, &o, &st, &e1);
    int ro = loci_search(idx, q, &o, &own, &e2);
    if (rs != ro)
        fail("loci_query_stats and loci_search return different statuses", q);
    if (rs == LOCI_OK) {
        if (loci_index_set_global_stats(idx, st, &e1))
            fail(e1.message, q);
        int rg = loci_search(idx, q, &o, &global, &e1);
        loci_index_set_global_stats(idx, NULL, &e2);
        same(ro, own, rg, global, &o, "own statistics as global ones", q);
    }
    loci_results_free(own);
    loci_results_free(global);
    loci_global_stats_free(st);
    free(q);
    return 0;
}
