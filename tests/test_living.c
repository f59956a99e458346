/*
 * test_living.c — what commits hold (indexer/living.c): deletions keep
 * the collection statistics exact (passages, tokens, and per term the df
 * a fresh build of the live documents would have), a merge is a fresh
 * build of the live documents byte for byte, and the merge policy.
 */
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "living.h"
#include "manifest.h"
#include "reader.h"

#define NDOCS 9

/* Document i: paragraphs of words from a small vocabulary (so terms are
 * shared), some windows long, one document without a word. */
static size_t doc_text(int i, char *out, size_t cap)
{
    static const char *const words[] = {"alpha", "beta",  "gamma", "delta", "epsilon", "zeta",
                                        "eta",   "theta", "iota",  "kappa", "lambda",  "mu"};
    uint64_t seed = 1000 + (uint64_t)i;
    size_t len = 0;
    if (i == 4)
        return (size_t)snprintf(out, cap, "... --- ...\n");
    int paras = 1 + (int)(tu_rand(&seed) % 4);
    for (int p = 0; p < paras; p++) {
        int n = 2 + (int)(tu_rand(&seed) % (p == 1 ? 40 : 9));
        for (int w = 0; w < n && len + 16 < cap; w++)
            len += (size_t)snprintf(out + len, cap - len, "%s%s", w ? " " : "",
                                    words[tu_rand(&seed) % 12]);
        len += (size_t)snprintf(out + len, cap - len, "\n\n");
    }
    return len;
}

static void build(const char *dir, const int *docs, size_t n, loci_build_mode mode, int no_merge)
{
    loci_build_options o;
    loci_build_options_init(&o);
    o.mode = mode;
    o.no_merge = no_merge;
    o.passage_mode = LOCI_PASSAGE_PARAGRAPH;
    o.passage_tokens = mode == LOCI_BUILD_REPLACE ? 12 : 200; /* adds take the index's */
    o.threads = 2;
    loci_builder *b;
    loci_error err;
    if (loci_builder_new(dir, &o, &b, &err))
        fail_msg("new: %s", err.message);
    for (size_t i = 0; i < n; i++) {
        char text[2000], name[16];
        size_t len = doc_text(docs[i], text, sizeof text);
        snprintf(name, sizeof name, "doc%d", docs[i]);
        assert_int_equal(loci_builder_add_document(b, name, NULL, text, len, 1, &err), LOCI_OK);
    }
    if (loci_builder_finish(b, NULL, &err))
        fail_msg("finish: %s", err.message);
    loci_builder_free(b);
}

static int warnings;
static void count_warning(void *ctx, const char *message)
{
    (void)ctx;
    assert_non_null(strstr(message, "no document named"));
    warnings++;
}

static void delete_names(const char *dir, const char *const *names, size_t n)
{
    loci_build_options o;
    loci_build_options_init(&o);
    o.warn = count_warning;
    o.mode = LOCI_BUILD_ADD;
    o.no_merge = 1;
    loci_builder *b;
    loci_error err;
    if (loci_builder_new(dir, &o, &b, &err))
        fail_msg("new: %s", err.message);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(loci_builder_delete(b, names[i], &err), LOCI_OK);
    if (loci_builder_finish(b, NULL, &err))
        fail_msg("finish: %s", err.message);
    loci_builder_free(b);
}

static void read_manifest(const char *dir, struct manifest *m)
{
    loci_error err;
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    if (manifest_read(fd, dir, m, &err))
        fail_msg("manifest: %s", err.message);
    close(fd);
}

static void open_seg(const char *dir, uint64_t number, struct segment *seg)
{
    char name[MANIFEST_NAME_MAX], path[800];
    manifest_segment_name(number, name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    loci_error err;
    memset(seg, 0, sizeof *seg);
    if (reader_open(seg, fd, path, &err))
        fail_msg("open %s: %s", path, err.message);
    close(fd);
}

/* Terms and dfs of a segment, as "term df" lines. */
struct dump {
    struct buf out;
    const struct manifest_segment *minus; /* subtract its deleted df */
};

static int dump_term(void *ctx, const char *term, size_t len, const struct term_info *ti)
{
    struct dump *d = ctx;
    uint32_t df = ti->df - (d->minus ? manifest_deleted_df(d->minus, term, len) : 0);
    char line[300];
    int n = snprintf(line, sizeof line, "%.*s %u\n", (int)len, term, df);
    if (df)
        assert_int_equal(buf_append(&d->out, line, (size_t)n), 0);
    return 0;
}

static void test_deletions_keep_statistics_exact(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), a[600], f[600];
    snprintf(a, sizeof a, "%s/living", root);
    snprintf(f, sizeof f, "%s/fresh", root);
    const int all[NDOCS] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    build(a, all, NDOCS, LOCI_BUILD_REPLACE, 1);
    /* two commits of deletions: the df tables add up */
    const char *del1[] = {"doc1", "doc4"}, *del2[] = {"doc6", "nosuch", "doc6", "nosuch"};
    warnings = 0;
    delete_names(a, del1, 2);
    assert_int_equal(warnings, 0);
    delete_names(a, del2, 4); /* a name given twice counts once, and is warned about once */
    assert_int_equal(warnings, 1);
    const int live[] = {0, 2, 3, 5, 7, 8};
    build(f, live, 6, LOCI_BUILD_REPLACE, 1);

    struct manifest m;
    read_manifest(a, &m);
    assert_int_equal(m.generation, 3);
    assert_int_equal(m.nseg, 1);
    const struct manifest_segment *s = &m.seg[0];
    assert_int_equal(s->ndeleted, 3);
    assert_int_equal(s->deleted[0].doc, 1);
    assert_int_equal(s->deleted[1].doc, 4);
    assert_int_equal(s->deleted[1].passages, 0); /* no word */
    assert_int_equal(s->deleted[2].doc, 6);
    struct segment sa, sf;
    open_seg(a, s->number, &sa);
    open_seg(f, 1, &sf);
    assert_int_equal(sa.passages - s->deleted_passages, sf.passages);
    assert_int_equal(sa.tokens - s->deleted_tokens, sf.tokens);
    assert_int_equal(sa.documents - s->ndeleted, sf.documents);
    assert_true(s->ndfs > 0);
    struct dump da = {{0}, s}, dfr = {{0}, NULL};
    loci_error err;
    assert_int_equal(reader_prefix(&sa, "", 0, dump_term, &da, &err), LOCI_OK);
    assert_int_equal(reader_prefix(&sf, "", 0, dump_term, &dfr, &err), LOCI_OK);
    assert_int_equal(da.out.len, dfr.out.len);
    assert_memory_equal(da.out.data, dfr.out.data, da.out.len);
    buf_free(&da.out);
    buf_free(&dfr.out);
    reader_close(&sa);
    reader_close(&sf);
    manifest_free(&m);
    tu_rmtree(root);
    free(root);
}

/* Adds (taking the index's settings), deletions, then a merge: the one
 * segment left is a fresh build of the live documents, byte for byte. */
static void test_merge_is_a_fresh_build(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), a[600], f[600];
    snprintf(a, sizeof a, "%s/living", root);
    snprintf(f, sizeof f, "%s/fresh", root);
    const int first[] = {0, 1, 2}, second[] = {3, 4, 5}, third[] = {6, 7, 8};
    build(a, first, 3, LOCI_BUILD_REPLACE, 1);
    build(a, second, 3, LOCI_BUILD_ADD, 1);
    build(a, third, 3, LOCI_BUILD_ADD, 1);
    const char *del[] = {"doc2", "doc7"};
    delete_names(a, del, 2);
    struct manifest m;
    read_manifest(a, &m);
    assert_int_equal(m.nseg, 3);
    manifest_free(&m);
    loci_build_stats st;
    loci_error err;
    assert_int_equal(loci_index_merge(a, NULL, &st, &err), LOCI_OK);
    assert_int_equal(st.segments, 1);
    assert_int_equal(st.live_documents, 7);
    assert_int_equal(st.deleted_documents, 0);
    const int live[] = {0, 1, 3, 4, 5, 6, 8};
    build(f, live, 7, LOCI_BUILD_REPLACE, 1);
    read_manifest(a, &m);
    assert_int_equal(m.nseg, 1);
    char seg[MANIFEST_NAME_MAX];
    manifest_segment_name(m.seg[0].number, seg);
    assert_int_equal(m.seg[0].number, 4); /* 1-3, then the merge's */
    manifest_free(&m);
    static const char *const files[] = {"meta", "lexicon", "postings", "positions",
                                        "lengths", "passages", "docs", "text"};
    for (size_t i = 0; i < 8; i++) {
        char pa[900], pf[900];
        snprintf(pa, sizeof pa, "%s/%s", seg, files[i]);
        snprintf(pf, sizeof pf, "seg-000001/%s", files[i]);
        char xa[1600], xf[1600];
        snprintf(xa, sizeof xa, "%s/%s", a, pa);
        snprintf(xf, sizeof xf, "%s/%s", f, pf);
        size_t la, lf;
        char *ba = tu_read_file(xa, &la), *bf = tu_read_file(xf, &lf);
        if (la != lf || memcmp(ba, bf, la))
            fail_msg("%s differs from a fresh build's", files[i]);
        free(ba);
        free(bf);
    }
    /* merging one segment again changes nothing */
    assert_int_equal(loci_index_merge(a, NULL, &st, &err), LOCI_OK);
    assert_int_equal(st.committed, 0);
    tu_rmtree(root);
    free(root);
}

/* The policy: ten similar segments at the end are merged into one; a
 * segment that loses more than a quarter of its passages is rewritten. */
static void test_merge_policy(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), a[600];
    snprintf(a, sizeof a, "%s/living", root);
    int d = 10; /* documents 10.. all have words */
    build(a, &d, 1, LOCI_BUILD_REPLACE, 0);
    for (d = 11; d < 19; d++)
        build(a, &d, 1, LOCI_BUILD_ADD, 0);
    struct manifest m;
    read_manifest(a, &m);
    assert_int_equal(m.nseg, 9);
    manifest_free(&m);
    d = 19;
    build(a, &d, 1, LOCI_BUILD_ADD, 0); /* the tenth */
    read_manifest(a, &m);
    assert_int_equal(m.nseg, 1);
    assert_int_equal(m.seg[0].documents, 10);
    manifest_free(&m);
    /* no_merge keeps them apart */
    for (d = 20; d < 29; d++)
        build(a, &d, 1, LOCI_BUILD_ADD, 1);
    read_manifest(a, &m);
    assert_int_equal(m.nseg, 10);
    manifest_free(&m);
    /* deleting most of the first segment rewrites it (and the tail after it) */
    const char *del[] = {"doc10", "doc13", "doc15"};
    loci_build_options o;
    loci_build_options_init(&o);
    o.mode = LOCI_BUILD_ADD;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(a, &o, &b, &err), LOCI_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(loci_builder_delete(b, del[i], &err), LOCI_OK);
    loci_build_stats st;
    assert_int_equal(loci_builder_finish(b, &st, &err), LOCI_OK);
    loci_builder_free(b);
    read_manifest(a, &m);
    assert_int_equal(m.nseg, 1);
    assert_int_equal(m.seg[0].ndeleted, 0);
    assert_int_equal(st.live_documents, m.seg[0].documents);
    manifest_free(&m);
    tu_rmtree(root);
    free(root);
}

/* --update of a JSON Lines file: an unchanged record is kept, a changed
 * one replaced, a new one added, one gone from the file deleted; a given
 * file that no longer exists loses its documents. */
static void test_update_jsonl(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), a[600];
    snprintf(a, sizeof a, "%s/idx", root);
    const char *v1 = "{\"id\":\"a\",\"text\":\"apple one\"}\n{\"id\":\"b\",\"text\":\"banana two\"}\n"
                     "{\"id\":\"c\",\"text\":\"cherry three\"}\n";
    const char *v2 = "{\"id\":\"a\",\"text\":\"apple one\"}\n{\"id\":\"b\",\"text\":\"banana 2\"}\n"
                     "{\"id\":\"d\",\"text\":\"date four\"}\n";
    char *jl = tu_write_file(root, "r.jsonl", v1, strlen(v1));
    char *tx = tu_write_file(root, "t.txt", "plain text", 10);
    loci_build_options o;
    loci_build_options_init(&o);
    o.input_format = LOCI_INPUT_JSONL;
    o.mode = LOCI_BUILD_UPDATE;
    loci_builder *b;
    loci_error err;
    loci_build_stats st;
    assert_int_equal(loci_builder_new(a, &o, &b, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_path(b, jl, &err), LOCI_OK);
    assert_int_equal(loci_builder_finish(b, &st, &err), LOCI_OK);
    loci_builder_free(b);
    assert_int_equal(st.added, 3);
    o.input_format = LOCI_INPUT_TEXT;
    assert_int_equal(loci_builder_new(a, &o, &b, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_path(b, tx, &err), LOCI_OK);
    assert_int_equal(loci_builder_finish(b, &st, &err), LOCI_OK);
    loci_builder_free(b);
    assert_int_equal(st.live_documents, 4);
    free(tu_write_file(root, "r.jsonl", v2, strlen(v2)));
    assert_int_equal(unlink(tx), 0);
    o.input_format = LOCI_INPUT_JSONL;
    o.no_merge = 1;
    assert_int_equal(loci_builder_new(a, &o, &b, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_path(b, jl, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_path(b, tx, &err), LOCI_OK); /* gone */
    assert_int_equal(loci_builder_finish(b, &st, &err), LOCI_OK);
    loci_builder_free(b);
    assert_int_equal(st.unchanged, 1);
    assert_int_equal(st.replaced, 1);
    assert_int_equal(st.added, 1);
    assert_int_equal(st.deleted, 2);
    assert_int_equal(st.live_documents, 3);
    /* the live documents: a (first segment), b and d (the new one) */
    struct manifest m;
    read_manifest(a, &m);
    struct buf names = {0};
    for (size_t i = 0; i < m.nseg; i++) {
        struct segment sg;
        open_seg(a, m.seg[i].number, &sg);
        for (uint32_t d = 0; d < sg.documents; d++) {
            int dead = 0;
            for (size_t k = 0; k < m.seg[i].ndeleted; k++)
                dead |= m.seg[i].deleted[k].doc == d;
            struct doc_info di;
            assert_int_equal(reader_doc(&sg, d, &di, &err), LOCI_OK);
            if (!dead) {
                assert_int_equal(buf_append(&names, di.name, di.name_len), 0);
                assert_int_equal(buf_append(&names, " ", 1), 0);
            }
        }
        reader_close(&sg);
    }
    assert_int_equal(names.len, 6);
    assert_memory_equal(names.data, "a b d ", 6);
    buf_free(&names);
    manifest_free(&m);
    free(jl);
    free(tx);
    tu_rmtree(root);
    free(root);
}

/* A segment whose documents are all deleted leaves the manifest (and its
 * directory goes); the others keep their numbers. */
static void test_emptied_segment_dropped(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), a[600];
    snprintf(a, sizeof a, "%s/living", root);
    const int first[] = {0, 1}, second[] = {2, 3}, third[] = {5, 6};
    build(a, first, 2, LOCI_BUILD_REPLACE, 1);
    build(a, second, 2, LOCI_BUILD_ADD, 1);
    build(a, third, 2, LOCI_BUILD_ADD, 1);
    const char *del[] = {"doc2", "doc3"};
    delete_names(a, del, 2);
    struct manifest m;
    read_manifest(a, &m);
    assert_int_equal(m.generation, 4);
    assert_int_equal(m.nseg, 2);
    assert_int_equal(m.seg[0].number, 1);
    assert_int_equal(m.seg[1].number, 3);
    assert_int_equal(m.seg[0].ndeleted + m.seg[1].ndeleted, 0);
    manifest_free(&m);
    char p[700];
    struct stat st;
    snprintf(p, sizeof p, "%s/seg-000002", a);
    assert_int_not_equal(stat(p, &st), 0);
    tu_rmtree(root);
    free(root);
}

/* Levels by size: a large old segment is left alone while the ten small
 * ones after it are merged together. */
static void test_merge_policy_levels(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), a[600];
    snprintf(a, sizeof a, "%s/living", root);
    int big[80];
    for (int i = 0; i < 80; i++)
        big[i] = 100 + i;
    build(a, big, 80, LOCI_BUILD_REPLACE, 0);
    for (int d = 200; d < 210; d++)
        build(a, &d, 1, LOCI_BUILD_ADD, 0);
    struct manifest m;
    read_manifest(a, &m);
    assert_int_equal(m.nseg, 2);
    assert_int_equal(m.seg[0].number, 1); /* untouched */
    assert_int_equal(m.seg[0].documents, 80);
    assert_int_equal(m.seg[1].documents, 10);
    manifest_free(&m);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deletions_keep_statistics_exact),
        cmocka_unit_test(test_merge_is_a_fresh_build),
        cmocka_unit_test(test_merge_policy),
        cmocka_unit_test(test_update_jsonl),
        cmocka_unit_test(test_emptied_segment_dropped),
        cmocka_unit_test(test_merge_policy_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
