/*
 * test_index.c — an index of several segments answers exactly as a fresh
 * build of its live documents: random sequences of adds, deletes and
 * merges (small vocabulary, so scores tie often), after each of which
 * every query of a fixed set — plain words, phrases, prefixes, +/-, doc:
 * filters; top 3 and top 20; by passage and by document; pruned and
 * exhaustive; with --count — must give the same document names, passage
 * ordinals and scores (bit for bit), in the same order, and the same
 * totals, as a whole build of the live documents in segment order; a
 * sixth of the documents copy a live document's text, and the names each
 * hit's text also has (loci_doc_also) must be the fresh build's too. Also:
 * what the open refuses (no index, a format 3 index, a missing segment).
 */
#include "testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "index.h"
#include "manifest.h"
#include "ranking.h"

static const char *words[] = {"alpha", "beta", "gamma", "delta", "omega", "alps", "x", "y"};

#define MAXDOCS 1200

struct doc {
    char name[16];
    char text[400];
};

/* the model: live documents in index order */
static struct doc live[MAXDOCS];
static size_t nlive;

static void random_text(uint64_t *seed, char *out, size_t cap)
{
    size_t n = 1 + tu_rand(seed) % 25, o = 0;
    for (size_t i = 0; i < n && o + 16 < cap; i++) {
        const char *w = words[tu_rand(seed) % (sizeof words / sizeof *words)];
        o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? " " : "", w);
        if (tu_rand(seed) % 9 == 0 && o + 3 < cap) /* paragraphs: several passages */
            o += (size_t)snprintf(out + o, cap - o, "\n\n");
    }
    out[o] = '\0';
}

static void options(loci_build_options *o, loci_build_mode mode)
{
    loci_build_options_init(o);
    o->stem_language = "none";
    o->mode = mode;
    o->no_merge = 1; /* merges are the test's own steps */
    o->threads = 1;
}

/* A fresh build of the model into dir. */
static void fresh_build(const char *dir)
{
    loci_build_options o;
    options(&o, LOCI_BUILD_REPLACE);
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    for (size_t i = 0; i < nlive; i++)
        assert_int_equal(loci_builder_add_document(b, live[i].name, NULL, live[i].text,
                                                   strlen(live[i].text), 1, &err),
                         LOCI_OK);
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
}

static const char *queries[] = {
    "alpha", "beta gamma", "x y alpha omega", "\"alpha beta\"", "\"gamma delta\"~3",
    "alp*", "+alpha -beta", "(gamma OR delta) AND x", "omega NOT y", "doc:n1* alpha",
    "alps alpha alpha", "y",
};

/* Both indexes give the same answers to every query. */
static void same_answers(loci_index *a, loci_index *b)
{
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++)
        for (int variant = 0; variant < 8; variant++) {
            loci_search_options so;
            loci_search_options_init(&so);
            so.k = variant & 1 ? 20 : 3;
            so.group = variant & 2 ? LOCI_GROUP_DOCUMENT : LOCI_GROUP_PASSAGE;
            so.count = 1;
            loci_results *ra, *rb;
            loci_error ea, eb;
            so.exhaustive = (variant & 4) != 0; /* one side pruned, the other not */
            int rca = loci_search(a, queries[q], &so, &ra, &ea);
            so.exhaustive = !so.exhaustive;
            int rcb = loci_search(b, queries[q], &so, &rb, &eb);
            assert_int_equal(rca, rcb);
            if (rca != LOCI_OK)
                continue;
            if (loci_results_count(ra) != loci_results_count(rb) ||
                loci_results_total(ra) != loci_results_total(rb))
                fail_msg("query %s variant %d: %zu hits (total %lld) against %zu (total %lld)",
                         queries[q], variant, loci_results_count(ra),
                         (long long)loci_results_total(ra), loci_results_count(rb),
                         (long long)loci_results_total(rb));
            for (size_t i = 0; i < loci_results_count(ra); i++) {
                const loci_hit *ha = loci_results_hit(ra, i), *hb = loci_results_hit(rb, i);
                loci_passage pa, pb;
                assert_int_equal(loci_passage_locate(a, ha->passage, &pa, &ea), LOCI_OK);
                char name[16];
                snprintf(name, sizeof name, "%.*s", (int)pa.doc_name_len, pa.doc_name);
                uint32_t ordinal = pa.ordinal;
                assert_int_equal(loci_passage_locate(b, hb->passage, &pb, &eb), LOCI_OK);
                if (strlen(name) != pb.doc_name_len || memcmp(name, pb.doc_name, pb.doc_name_len) ||
                    ordinal != pb.ordinal || ha->score != hb->score)
                    fail_msg("query %s variant %d hit %zu: %s #%u %.17g against %.*s #%u %.17g",
                             queries[q], variant, i, name, ordinal, ha->score,
                             (int)pb.doc_name_len, pb.doc_name, pb.ordinal, hb->score);
                /* the same other names, in the same order */
                int na = loci_doc_also(a, ha->doc, 0, NULL, NULL, &ea);
                assert_int_equal(na, loci_doc_also(b, hb->doc, 0, NULL, NULL, &eb));
                for (int j = 0; j < na; j++) {
                    const char *xa, *xb;
                    size_t la, lb;
                    assert_int_equal(loci_doc_also(a, ha->doc, (size_t)j, &xa, &la, &ea), na);
                    snprintf(name, sizeof name, "%.*s", (int)la, xa);
                    assert_int_equal(loci_doc_also(b, hb->doc, (size_t)j, &xb, &lb, &eb), na);
                    if (strlen(name) != lb || memcmp(name, xb, lb))
                        fail_msg("query %s hit %zu: also %s against %.*s", queries[q], i, name,
                                 (int)lb, xb);
                }
            }
            loci_results_free(ra);
            loci_results_free(rb);
        }
}

static void check_against_fresh(const char *dir, const char *fresh)
{
    loci_error err;
    loci_index *a, *b;
    assert_int_equal(loci_index_open(dir, &a, &err), LOCI_OK);
    loci_index_stats st;
    loci_index_stats_get(a, &st);
    assert_int_equal(st.documents, nlive);
    if (nlive == 0) {
        loci_results *r;
        assert_int_equal(loci_search(a, "alpha", NULL, &r, &err), LOCI_OK);
        assert_int_equal(loci_results_count(r), 0);
        loci_results_free(r);
        loci_index_close(a);
        return;
    }
    fresh_build(fresh);
    assert_int_equal(loci_index_open(fresh, &b, &err), LOCI_OK);
    same_answers(a, b);
    loci_index_close(a);
    loci_index_close(b);
}

static void add_docs(const char *dir, uint64_t *seed, size_t n, unsigned *next_name)
{
    loci_build_options o;
    options(&o, LOCI_BUILD_ADD);
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    for (size_t i = 0; i < n && nlive < MAXDOCS; i++) {
        struct doc *d = &live[nlive++];
        /* now and then a name already used: both documents stay */
        unsigned id = *next_name > 0 && tu_rand(seed) % 8 == 0
                          ? (unsigned)(tu_rand(seed) % *next_name)
                          : (*next_name)++;
        snprintf(d->name, sizeof d->name, "n%u", id);
        if (nlive > 1 && tu_rand(seed) % 6 == 0) /* a copy: stored once (issue 15) */
            memcpy(d->text, live[tu_rand(seed) % (nlive - 1)].text, sizeof d->text);
        else
            random_text(seed, d->text, sizeof d->text);
        assert_int_equal(loci_builder_add_document(b, d->name, NULL, d->text, strlen(d->text), 1,
                                                   &err),
                         LOCI_OK);
    }
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
}

static void delete_name(const char *dir, const char *name_in)
{
    char name[16]; /* name_in may be a live[] entry, which the model's update moves */
    snprintf(name, sizeof name, "%s", name_in);
    loci_build_options o;
    options(&o, LOCI_BUILD_ADD);
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    assert_int_equal(loci_builder_delete(b, name, &err), LOCI_OK);
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
    size_t m = 0;
    for (size_t i = 0; i < nlive; i++)
        if (strcmp(live[i].name, name))
            live[m++] = live[i];
    nlive = m;
}

static void test_random_histories(void **state)
{
    (void)state;
    unsigned saved = ranking_plain_per_k;
    ranking_plain_per_k = 0; /* prune even these small indexes */
    for (uint64_t round = 0; round < 6; round++) {
        uint64_t seed = 0x9e3779b97f4a7c15ULL ^ (round + 1) * 7919;
        char *root = tu_mkdtemp(), dir[600], fresh[600];
        snprintf(dir, sizeof dir, "%s/idx", root);
        snprintf(fresh, sizeof fresh, "%s/fresh", root);
        nlive = 0;
        unsigned next_name = 0;
        /* a first segment large enough for skip tables (terms of more
         * than 128 postings), whose block maxima then bound scores at
         * another average length than their own */
        add_docs(dir, &seed, 150 + tu_rand(&seed) % 150, &next_name);
        check_against_fresh(dir, fresh);
        for (int step = 0; step < 10; step++) {
            unsigned op = (unsigned)(tu_rand(&seed) % 10);
            if (op < 5) {
                add_docs(dir, &seed, 1 + tu_rand(&seed) % (tu_rand(&seed) % 3 ? 20 : 200),
                         &next_name);
            } else if (op < 9 && nlive) {
                int n = 1 + (int)(tu_rand(&seed) % 4);
                for (int i = 0; i < n && nlive; i++) {
                    char name[16];
                    snprintf(name, sizeof name, "%s", live[tu_rand(&seed) % nlive].name);
                    delete_name(dir, name);
                }
            } else {
                loci_build_options o;
                options(&o, LOCI_BUILD_ADD);
                loci_error err;
                assert_int_equal(loci_index_merge(dir, &o, NULL, &err), LOCI_OK);
                loci_index *idx;
                assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
                assert_true(idx->nseg <= 1);
                assert_int_equal(idx->deleted_documents, 0);
                loci_index_close(idx);
            }
            check_against_fresh(dir, fresh);
        }
        tu_rmtree(root);
        free(root);
    }
    ranking_plain_per_k = saved;
}

/* After adds alone, and after a merge, the scores equal a fresh build's;
 * a merge of everything is a fresh build, byte for byte. */
static void test_merge_is_a_fresh_build(void **state)
{
    (void)state;
    uint64_t seed = 42;
    char *root = tu_mkdtemp(), dir[600], fresh[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    snprintf(fresh, sizeof fresh, "%s/fresh", root);
    nlive = 0;
    unsigned next_name = 0;
    for (int i = 0; i < 4; i++)
        add_docs(dir, &seed, 10, &next_name);
    check_against_fresh(dir, fresh);
    loci_build_options o;
    options(&o, LOCI_BUILD_ADD);
    loci_error err;
    assert_int_equal(loci_index_merge(dir, &o, NULL, &err), LOCI_OK);
    fresh_build(fresh);
    loci_index *a, *b;
    assert_int_equal(loci_index_open(dir, &a, &err), LOCI_OK);
    assert_int_equal(loci_index_open(fresh, &b, &err), LOCI_OK);
    assert_int_equal(a->nseg, 1);
    char sa[640], sb[640], na[MANIFEST_NAME_MAX], nb[MANIFEST_NAME_MAX];
    manifest_segment_name(a->manifest.seg[0].number, na);
    manifest_segment_name(b->manifest.seg[0].number, nb);
    snprintf(sa, sizeof sa, "%s/%s", dir, na);
    snprintf(sb, sizeof sb, "%s/%s", fresh, nb);
    static const char *files[] = {"meta", "lexicon", "postings", "positions",
                                  "lengths", "passages", "docs", "text"};
    for (size_t i = 0; i < 8; i++)
        tu_assert_same_file(sa, sb, files[i]);
    loci_index_close(a);
    loci_index_close(b);
    tu_rmtree(root);
    free(root);
}

static void test_open_refuses(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600], path[700];
    loci_error err;
    loci_index *idx;
    /* an empty directory: no index */
    snprintf(dir, sizeof dir, "%s/empty", root);
    assert_int_equal(mkdir(dir, 0777), 0);
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_ENOTFOUND);
    assert_non_null(strstr(err.message, "no index here"));
    /* files of format 3 (meta, no manifest): rebuild */
    snprintf(path, sizeof path, "%s/meta", dir);
    int fd = open(path, O_CREAT | O_WRONLY, 0666);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_EVERSION);
    assert_non_null(strstr(err.message, "rebuild"));
    /* a segment the manifest names is gone: an error, after retrying */
    uint64_t seed = 7;
    snprintf(dir, sizeof dir, "%s/idx", root);
    nlive = 0;
    unsigned next_name = 0;
    add_docs(dir, &seed, 5, &next_name);
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    char name[MANIFEST_NAME_MAX];
    manifest_segment_name(idx->manifest.seg[0].number, name);
    loci_index_close(idx);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    tu_rmtree(path);
    assert_int_not_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    assert_non_null(strstr(err.message, name));
    tu_rmtree(root);
    free(root);
}

/* A reader keeps its snapshot while commits replace and remove the
 * segments it opened: the same answers before and after, and a reopen
 * sees the new state. */
static void test_snapshot_survives_commits(void **state)
{
    (void)state;
    uint64_t seed = 99;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    nlive = 0;
    unsigned next_name = 0;
    add_docs(dir, &seed, 40, &next_name);
    add_docs(dir, &seed, 40, &next_name);
    loci_error err;
    loci_index *old;
    assert_int_equal(loci_index_open(dir, &old, &err), LOCI_OK);
    loci_results *before, *after;
    assert_int_equal(loci_search(old, "alpha beta", NULL, &before, &err), LOCI_OK);
    /* delete, add, then merge: every segment the reader opened is removed */
    delete_name(dir, live[0].name);
    add_docs(dir, &seed, 10, &next_name);
    loci_build_options o;
    options(&o, LOCI_BUILD_ADD);
    assert_int_equal(loci_index_merge(dir, &o, NULL, &err), LOCI_OK);
    assert_int_equal(loci_search(old, "alpha beta", NULL, &after, &err), LOCI_OK);
    assert_int_equal(loci_results_count(before), loci_results_count(after));
    for (size_t i = 0; i < loci_results_count(before); i++) {
        const loci_hit *a = loci_results_hit(before, i), *b = loci_results_hit(after, i);
        assert_int_equal(a->passage, b->passage);
        assert_true(a->score == b->score);
        loci_passage p;
        assert_int_equal(loci_passage_get(old, a->passage, &p, &err), LOCI_OK);
    }
    loci_index_stats st;
    loci_index_stats_get(old, &st);
    assert_int_equal(st.documents, 80);
    loci_results_free(before);
    loci_results_free(after);
    loci_index_close(old);
    loci_index *now;
    assert_int_equal(loci_index_open(dir, &now, &err), LOCI_OK);
    loci_index_stats_get(now, &st);
    assert_int_equal(st.documents, nlive);
    assert_int_equal(st.segments, 1);
    loci_index_close(now);
    tu_rmtree(root);
    free(root);
}

/* Readers opening and searching while a writer commits adds, deletes and
 * merges in a loop: every open succeeds and sees one commit whole (its
 * live document count is one the writer committed, and its searches
 * work). */
static void test_readers_during_commits(void **state)
{
    (void)state;
    uint64_t seed = 5;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    nlive = 0;
    unsigned next_name = 0;
    add_docs(dir, &seed, 20, &next_name);
    /* the writer: each commit changes the live count by a known step, so
     * that a reader can tell a mixed state (every count is 20 + 3k or
     * 19 + 3k after an add or a delete of one name) */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        for (int i = 0; i < 60; i++) {
            if (i % 10 == 9) {
                loci_build_options o;
                options(&o, LOCI_BUILD_ADD);
                loci_error err;
                if (loci_index_merge(dir, &o, NULL, &err))
                    _exit(1);
            } else {
                add_docs(dir, &seed, 3, &next_name);
            }
        }
        _exit(0);
    }
    int opens = 0, status = 0;
    for (;;) {
        loci_index *idx;
        loci_error err;
        int rc = loci_index_open(dir, &idx, &err);
        if (rc)
            fail_msg("open during commits: %s", err.message);
        loci_index_stats st;
        loci_index_stats_get(idx, &st);
        if ((st.documents - 20) % 3)
            fail_msg("a reader saw %llu documents: not a committed state",
                     (unsigned long long)st.documents);
        loci_results *r;
        assert_int_equal(loci_search(idx, "alpha", NULL, &r, &err), LOCI_OK);
        loci_results_free(r);
        loci_index_close(idx);
        opens++;
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
    }
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(opens > 0);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_histories),
        cmocka_unit_test(test_merge_is_a_fresh_build),
        cmocka_unit_test(test_open_refuses),
        cmocka_unit_test(test_snapshot_survives_commits),
        cmocka_unit_test(test_readers_during_commits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
