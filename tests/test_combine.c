/*
 * test_combine.c — shards through the library (indexer/combine.c and the
 * shard parts of the builder, index and search): random documents with
 * many tied scores are built as one index and as 1 to 6 shards (builder
 * first_document/end_document, as loci_shard_range splits them), one
 * shard with a document added and deleted again. For every query, the
 * shards opened as one (loci_index_open_many), and each shard searched
 * apart with the summed loci_query_stats (loci_index_set_global_stats),
 * its top k merged by score, then shard, then rank, give the single
 * index's documents, ordinals, order and scores exactly; and
 * loci_indexes_merge of the shards is the single build file for file.
 */
#include "testutil.h"

#define NDOCS 40
#define K 12

static const char *const vocab[] = {"alpha", "beta", "gamma", "delta", "eps", "zeta", "eta"};

static char docs[NDOCS][200];

static void make_docs(uint64_t seed)
{
    for (size_t d = 0; d < NDOCS; d++) {
        char *p = docs[d];
        size_t paras = 1 + tu_rand(&seed) % 3;
        p[0] = '\0';
        for (size_t i = 0; i < paras; i++) {
            size_t n = 2 + tu_rand(&seed) % 3; /* short, equal-ish passages: ties */
            for (size_t w = 0; w < n; w++) {
                strcat(p, vocab[tu_rand(&seed) % 7]);
                strcat(p, " ");
            }
            strcat(p, "\n\n");
        }
        /* no text twice: a build stores a repeated text once (dedup.c),
         * which shards built apart cannot do across each other */
        for (size_t e = 0; e < d; e++)
            if (!strcmp(docs[e], p)) {
                d--;
                break;
            }
    }
}

/* docs[first, end) (and, when extra, one more document deleted again) at dir. */
static void build(const char *dir, size_t first, size_t end, int extra)
{
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    o.first_document = first;
    o.end_document = end;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    for (size_t i = 0; i < NDOCS; i++) {
        char name[32];
        snprintf(name, sizeof name, "d%02zu", i);
        assert_int_equal(loci_builder_add_document(b, name, NULL, docs[i], strlen(docs[i]), 1, &err),
                         LOCI_OK);
    }
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
    if (!extra)
        return;
    o.first_document = o.end_document = 0;
    o.mode = LOCI_BUILD_ADD;
    o.no_merge = 1;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    const char *x = "alpha alpha beta gamma\n\nalpha\n";
    assert_int_equal(loci_builder_add_document(b, "extra", NULL, x, strlen(x), 1, &err), LOCI_OK);
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    assert_int_equal(loci_builder_delete(b, "extra", &err), LOCI_OK);
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
}

/* A hit as it is compared: document name, ordinal, score. */
struct seen {
    char name[32];
    uint32_t ordinal;
    double score;
    size_t shard, rank; /* for the merge of shards searched apart */
};

static size_t hits_of(loci_index *idx, loci_results *r, struct seen *out, size_t shard)
{
    size_t n = loci_results_count(r);
    for (size_t i = 0; i < n; i++) {
        const loci_hit *h = loci_results_hit(r, i);
        loci_passage p;
        loci_error err;
        assert_int_equal(loci_passage_locate(idx, h->passage, &p, &err), LOCI_OK);
        snprintf(out[i].name, sizeof out[i].name, "%.*s", (int)p.doc_name_len, p.doc_name);
        out[i].ordinal = p.ordinal;
        out[i].score = h->score;
        out[i].shard = shard;
        out[i].rank = i;
    }
    return n;
}

static int by_merge(const void *a, const void *b)
{
    const struct seen *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->shard != y->shard)
        return x->shard < y->shard ? -1 : 1;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

static void same(const struct seen *a, size_t na, const struct seen *b, size_t nb, const char *what,
                 const char *q)
{
    if (na != nb)
        fail_msg("%s, query '%s': %zu hits, want %zu", what, q, nb, na);
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i].name, b[i].name) || a[i].ordinal != b[i].ordinal || a[i].score != b[i].score)
            fail_msg("%s, query '%s', rank %zu: %s#%u %.17g, want %s#%u %.17g", what, q, i + 1,
                     b[i].name, b[i].ordinal, b[i].score, a[i].name, a[i].ordinal, a[i].score);
}

static void test_shards_equal_one_index(void **state)
{
    (void)state;
    static const char *const queries[] = {
        "alpha", "alpha beta", "gamma gamma delta", "\"alpha beta\"", "+alpha -beta",
        "alpha OR eta", "(beta OR gamma) AND delta", "al* zeta", "e* -alpha", "\"beta gamma\"~2 eps"};
    char *root = tu_mkdtemp();
    for (uint64_t trial = 1; trial <= 4; trial++) {
        make_docs(trial * 977);
        char all[520], merged[520], dirs[6][520];
        const char *dp[6];
        snprintf(all, sizeof all, "%s/all%llu", root, (unsigned long long)trial);
        snprintf(merged, sizeof merged, "%s/merged%llu", root, (unsigned long long)trial);
        build(all, 0, 0, 0);
        unsigned n = (unsigned)(1 + trial * 5 % 6);
        for (unsigned i = 0; i < n; i++) {
            uint64_t first, end;
            loci_shard_range(NDOCS, i, n, &first, &end);
            snprintf(dirs[i], sizeof dirs[i], "%s/s%llu.%u", root, (unsigned long long)trial, i);
            dp[i] = dirs[i];
            build(dirs[i], first, end, i == n / 2);
        }
        loci_error err;
        loci_index *one, *set, *sh[6];
        assert_int_equal(loci_index_open(all, &one, &err), LOCI_OK);
        assert_int_equal(loci_index_open_many(dp, n, &set, &err), LOCI_OK);
        for (unsigned i = 0; i < n; i++)
            assert_int_equal(loci_index_open(dp[i], &sh[i], &err), LOCI_OK);
        loci_search_options so;
        loci_search_options_init(&so);
        so.k = K;
        for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
            struct seen a[K], b[K], c[6 * K];
            loci_results *r;
            assert_int_equal(loci_search(one, queries[q], &so, &r, &err), LOCI_OK);
            size_t na = hits_of(one, r, a, 0);
            loci_results_free(r);
            assert_int_equal(loci_search(set, queries[q], &so, &r, &err), LOCI_OK);
            size_t nb = hits_of(set, r, b, 0);
            loci_results_free(r);
            same(a, na, b, nb, "-i set", queries[q]);
            /* the two phases */
            loci_global_stats *sum;
            assert_int_equal(loci_global_stats_new(&sum), LOCI_OK);
            for (unsigned i = 0; i < n; i++) {
                loci_global_stats *part;
                int rc = loci_query_stats(sh[i], queries[q], &so, &part, &err);
                assert_int_equal(rc, LOCI_OK);
                size_t m = loci_global_stats_count(part);
                assert_int_equal(loci_global_stats_add_part(sum, loci_global_stats_passages(part),
                                                            loci_global_stats_tokens(part)),
                                 LOCI_OK);
                for (size_t t = 0; t < m; t++) {
                    const char *term;
                    size_t len;
                    uint64_t df;
                    assert_int_equal(loci_global_stats_term(part, t, &term, &len, &df), LOCI_OK);
                    assert_int_equal(loci_global_stats_add_term(sum, term, len, df), LOCI_OK);
                }
                loci_global_stats_free(part);
            }
            size_t nc = 0;
            for (unsigned i = 0; i < n; i++) {
                assert_int_equal(loci_index_set_global_stats(sh[i], sum, &err), LOCI_OK);
                assert_int_equal(loci_search(sh[i], queries[q], &so, &r, &err), LOCI_OK);
                nc += hits_of(sh[i], r, c + nc, i);
                loci_results_free(r);
                assert_int_equal(loci_index_set_global_stats(sh[i], NULL, &err), LOCI_OK);
            }
            qsort(c, nc, sizeof *c, by_merge);
            same(a, na, c, nc < K ? nc : K, "two phases", queries[q]);
            loci_global_stats_free(sum);
        }
        /* statistics that do not know a term are refused */
        loci_global_stats *none;
        assert_int_equal(loci_global_stats_new(&none), LOCI_OK);
        assert_int_equal(loci_global_stats_add_part(none, 1000, 5000), LOCI_OK);
        assert_int_equal(loci_index_set_global_stats(sh[0], none, &err), LOCI_OK);
        loci_results *r;
        assert_int_equal(loci_search(sh[0], "alpha", &so, &r, &err), LOCI_EINVAL);
        assert_non_null(strstr(err.message, "global statistics"));
        loci_index_set_global_stats(sh[0], NULL, &err);
        loci_global_stats_free(none);
        for (unsigned i = 0; i < n; i++)
            loci_index_close(sh[i]);
        loci_index_close(set);
        loci_index_close(one);
        /* combined: the single build, file for file (the deleted
         * document is left out, as a merge leaves it) */
        assert_int_equal(loci_indexes_merge(dp, n, merged, NULL, NULL, &err), LOCI_OK);
        static const char *const files[] = {"meta", "lexicon", "postings", "positions",
                                            "lengths", "passages", "docs", "text"};
        char sa[620], sb[620];
        snprintf(sa, sizeof sa, "%s/seg-000001", all);
        snprintf(sb, sizeof sb, "%s/seg-000001", merged);
        for (size_t f = 0; f < 8; f++)
            tu_assert_same_file(sa, sb, files[f]);
    }
    tu_rmtree(root);
    free(root);
}

static void test_shard_range(void **state)
{
    (void)state;
    for (uint64_t d = 0; d < 50; d++)
        for (unsigned n = 1; n <= 9; n++) {
            uint64_t prev = 0;
            for (unsigned i = 0; i < n; i++) {
                uint64_t first, end;
                loci_shard_range(d, i, n, &first, &end);
                assert_int_equal(first, prev); /* contiguous, in order */
                assert_true(end >= first && end - first <= d / n + 1);
                prev = end;
            }
            assert_int_equal(prev, d); /* all of them */
        }
    uint64_t first, end;
    loci_shard_range(UINT64_MAX, 2, 3, &first, &end);
    assert_int_equal(end, UINT64_MAX);
    assert_true(first > UINT64_MAX / 3);
}

static void test_refusals(void **state)
{
    (void)state;
    char *root = tu_mkdtemp();
    char a[600], b[600], f[600];
    snprintf(a, sizeof a, "%s/a", root);
    snprintf(b, sizeof b, "%s/b", root);
    const char *d[] = {"alpha beta", "gamma"};
    loci_index_close(tu_build(a, d, 2, LOCI_PASSAGE_PARAGRAPH));
    loci_index_close(tu_build(b, d, 2, LOCI_PASSAGE_DOCUMENT));
    const char *both[] = {a, b};
    loci_index *idx;
    loci_error err;
    assert_int_equal(loci_index_open_many(both, 2, &idx, &err), LOCI_EINVAL);
    assert_non_null(strstr(err.message, "passage settings differ"));
    assert_int_equal(loci_index_open_many(both, 0, &idx, &err), LOCI_EINVAL);
    snprintf(f, sizeof f, "%s/c", root);
    assert_int_equal(loci_indexes_merge(both, 2, f, NULL, NULL, &err), LOCI_EINVAL);
    /* counting input: stdin cannot be read twice */
    const char *in[] = {"-"};
    uint64_t count;
    assert_int_equal(loci_input_count(in, 1, NULL, &count, &err), LOCI_EINVAL);
    const char *jl = "{\"id\": 1, \"text\": \"a\"}\n\n{\"id\": 2, \"text\": \"b\"}\n";
    char *p = tu_write_file(root, "x.jsonl", jl, strlen(jl));
    loci_build_options o;
    loci_build_options_init(&o);
    o.input_format = LOCI_INPUT_JSONL;
    const char *paths[] = {p, p};
    assert_int_equal(loci_input_count(paths, 2, &o, &count, &err), LOCI_OK);
    assert_int_equal(count, 4);
    free(p);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shards_equal_one_index),
        cmocka_unit_test(test_shard_range),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
