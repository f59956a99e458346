/*
 * test_builder.c — building: passage splitting (paragraphs, windows,
 * documents), line numbers, atomic replacement, refusing to replace a
 * directory that is not an index, cleanup of a killed build's temp dir,
 * and build errors (empty corpus, invalid UTF-8).
 */
#include "testutil.h"

#include <fcntl.h>
#include <dirent.h>
#include <sys/stat.h>

#include "buf.h"
#include "format.h"
#include "lfile.h"
#include "manifest.h"
#include "index.h"
#include "loci.h"

static loci_builder *start(const char *dir, loci_passage_mode mode, unsigned n, unsigned stride)
{
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    o.passage_mode = mode;
    if (n)
        o.passage_tokens = n;
    o.passage_stride = stride;
    loci_builder *b;
    loci_error err;
    int rc = loci_builder_new(dir, &o, &b, &err);
    if (rc)
        fail_msg("builder_new: %s", err.message);
    return b;
}

static void add(loci_builder *b, const char *name, const char *text)
{
    loci_error err;
    if (loci_builder_add_document(b, name, NULL, text, strlen(text), 1, &err))
        fail_msg("add: %s", err.message);
}

static loci_index *finish_open(loci_builder *b, const char *dir)
{
    loci_error err;
    if (loci_builder_finish(b, NULL, &err))
        fail_msg("finish: %s", err.message);
    loci_builder_free(b);
    loci_index *idx;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    return idx;
}

static void passage_text(loci_index *idx, uint32_t p, const char *want, uint32_t line)
{
    loci_passage ps;
    loci_error err;
    assert_int_equal(loci_passage_get(idx, p, &ps, &err), LOCI_OK);
    assert_int_equal(ps.text_len, strlen(want));
    assert_memory_equal(ps.text, want, ps.text_len);
    assert_int_equal(ps.line, line);
}

static void test_paragraphs_and_lines(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_builder *b = start(dir, LOCI_PASSAGE_PARAGRAPH, 4, 0);
    /* paragraph 1 (line 1), blank line with spaces, paragraph 2 (lines 3-4)
     * of 6 tokens cut into windows of 4 with stride 3 (4 - 4/4). */
    add(b, "f", "a b\n  \t\nc d e\nf g h\n");
    loci_index *idx = finish_open(b, dir);
    loci_index_stats st;
    loci_index_stats_get(idx, &st);
    assert_int_equal(st.passages, 3);
    passage_text(idx, 0, "a b", 1);
    passage_text(idx, 1, "c d e\nf", 3);
    passage_text(idx, 2, "f g h", 4);
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

static void test_windows_and_documents(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_builder *b = start(dir, LOCI_PASSAGE_WINDOW, 3, 2);
    add(b, "f", "a b\n\nc d e"); /* windows ignore paragraphs: abc, cde */
    loci_index *idx = finish_open(b, dir);
    loci_index_stats st;
    loci_index_stats_get(idx, &st);
    assert_int_equal(st.passages, 2);
    passage_text(idx, 0, "a b\n\nc", 1);
    passage_text(idx, 1, "c d e", 3);
    loci_index_close(idx);

    b = start(dir, LOCI_PASSAGE_DOCUMENT, 0, 0);
    add(b, "f", "a b\n\nc d e");
    add(b, "g", "   "); /* no words: a document without passages */
    add(b, "h", "x");
    idx = finish_open(b, dir);
    loci_index_stats_get(idx, &st);
    assert_int_equal(st.documents, 3);
    assert_int_equal(st.passages, 2);
    passage_text(idx, 0, "a b\n\nc d e", 1);
    loci_passage ps;
    loci_error err;
    assert_int_equal(loci_passage_get(idx, 1, &ps, &err), LOCI_OK);
    assert_int_equal(ps.doc, 2);
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void test_replace_and_failures(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_builder *b = start(dir, LOCI_PASSAGE_PARAGRAPH, 0, 0);
    add(b, "old", "old words");
    loci_index_close(finish_open(b, dir));

    /* A failed build (empty corpus) leaves the old index and no temp dir. */
    b = start(dir, LOCI_PASSAGE_PARAGRAPH, 0, 0);
    add(b, "empty", "");
    loci_error err;
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_EEMPTY);
    loci_builder_free(b);
    assert_int_equal(count_entries(root), 1);

    /* Invalid UTF-8 is an error with strict. Documents are processed in
     * batches, so the error comes from finish. */
    loci_build_options so;
    loci_build_options_init(&so);
    so.strict = 1;
    assert_int_equal(loci_builder_new(dir, &so, &b, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_document(b, "bad", NULL, "ok\n\xff", 4, 1, &err), LOCI_OK);
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_EUTF8);
    assert_non_null(strstr(err.message, "bad:2"));
    loci_builder_free(b);
    assert_int_equal(count_entries(root), 1);

    /* A new build replaces the old index whole. */
    b = start(dir, LOCI_PASSAGE_PARAGRAPH, 0, 0);
    add(b, "new", "new words here");
    loci_index *idx = finish_open(b, dir);
    loci_results *r;
    assert_int_equal(loci_search(idx, "old", NULL, &r, &err), LOCI_OK);
    assert_int_equal(loci_results_count(r), 0);
    loci_results_free(r);
    assert_int_equal(loci_search(idx, "new", NULL, &r, &err), LOCI_OK);
    assert_int_equal(loci_results_count(r), 1);
    loci_results_free(r);
    loci_index_close(idx);
    assert_int_equal(count_entries(root), 1);

    /* A killed build's temp dir (dead pid) is removed by the next build. */
    char stale[700];
    snprintf(stale, sizeof stale, "%s/.idx.tmp-999999999-abcdef", root);
    assert_int_equal(mkdir(stale, 0700), 0);
    free(tu_write_file(stale, "postings", "x", 1));
    b = start(dir, LOCI_PASSAGE_PARAGRAPH, 0, 0);
    loci_builder_free(b);
    assert_int_equal(count_entries(root), 1);

    /* A directory with other files is never replaced. */
    char docs[700];
    snprintf(docs, sizeof docs, "%s/docs", root);
    assert_int_equal(mkdir(docs, 0700), 0);
    free(tu_write_file(docs, "precious.txt", "x", 1));
    loci_build_options o;
    loci_build_options_init(&o);
    assert_int_equal(loci_builder_new(docs, &o, &b, &err), LOCI_EINVAL);
    assert_non_null(strstr(err.message, "holds 'precious.txt', which is not part of a loci index"));
    assert_null(b);
    tu_rmtree(root);
    free(root);
}

struct warnings {
    int n;
    char msg[8][600];
};

static void on_warn(void *ctx, const char *message)
{
    struct warnings *w = ctx;
    assert_true(w->n < 8);
    snprintf(w->msg[w->n++], 600, "%s", message);
}

/* By default invalid UTF-8 is indexed as U+FFFD: one warning per file,
 * in input order whatever the threads and batches (a JSON Lines file's
 * records add up), and a count in the stats; strict makes it an error. */
static void test_invalid_utf8_warned_per_file(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    char *t1 = tu_write_file(root, "a.txt", "ok\nline two\n\xe9t\xe9\n", 16);
    char *t2 = tu_write_file(root, "b.txt", "all fine", 8);
    const char *jl = "{\"text\": \"x\"}\n{\"text\": \"caf\xe9\"}\n{\"text\": \"y\"}\n"
                     "{\"text\": \"\xff\xfe\"}\n";
    char *j = tu_write_file(root, "c.jsonl", jl, strlen(jl));
    char *t3 = tu_write_file(root, "d.txt", "\xff", 1);
    for (int round = 0; round < 2; round++) {
        struct warnings w = {0};
        loci_build_options o;
        loci_build_options_init(&o);
        o.warn = on_warn;
        o.warn_ctx = &w;
        o.threads = round ? 3 : 1;
        o.memory = round ? 1 : 0; /* tiny batches: the documents retire one by one */
        o.input_format = LOCI_INPUT_TEXT;
        loci_builder *b;
        loci_error err;
        assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
        assert_int_equal(loci_builder_add_path(b, t1, &err), LOCI_OK);
        assert_int_equal(loci_builder_add_path(b, t2, &err), LOCI_OK);
        loci_build_stats st;
        assert_int_equal(loci_builder_finish(b, &st, &err), LOCI_OK);
        loci_builder_free(b);
        assert_int_equal(st.invalid_utf8, 2);
        assert_int_equal(w.n, 1);
        char want[700];
        snprintf(want, sizeof want, "%s:3: 2 invalid UTF-8 sequences replaced by U+FFFD", t1);
        assert_string_equal(w.msg[0], want);

        w.n = 0;
        o.input_format = LOCI_INPUT_JSONL;
        assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
        assert_int_equal(loci_builder_add_path(b, j, &err), LOCI_OK);
        o.input_format = LOCI_INPUT_TEXT;
        assert_int_equal(loci_builder_finish(b, &st, &err), LOCI_OK);
        loci_builder_free(b);
        assert_int_equal(st.invalid_utf8, 3);
        assert_int_equal(w.n, 1);
        snprintf(want, sizeof want, "%s:2: 3 invalid UTF-8 sequences replaced by U+FFFD", j);
        assert_string_equal(w.msg[0], want);
    }
    /* two files in a row, each with one warning, in order */
    struct warnings w = {0};
    loci_build_options o;
    loci_build_options_init(&o);
    o.warn = on_warn;
    o.warn_ctx = &w;
    o.memory = 1;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_path(b, t3, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_path(b, t1, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_path(b, t3, &err), LOCI_OK);
    loci_build_stats bst;
    assert_int_equal(loci_builder_finish(b, &bst, &err), LOCI_OK);
    loci_builder_free(b);
    /* t3 again is a duplicate: its text is the first one's, stored and
     * analyzed once, so it is warned about once */
    assert_int_equal(bst.duplicates, 1);
    assert_int_equal(w.n, 2);
    char want[700];
    snprintf(want, sizeof want, "%s:1: 1 invalid UTF-8 sequence replaced by U+FFFD", t3);
    assert_string_equal(w.msg[0], want);
    assert_non_null(strstr(w.msg[1], "a.txt:3: 2 invalid"));
    /* strict: an error naming the file and line */
    o.strict = 1;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_path(b, j, &err) || loci_builder_finish(b, NULL, &err), 1);
    assert_int_equal(err.code, LOCI_EUTF8);
    snprintf(want, sizeof want, "%s:2: invalid UTF-8 (byte 0xe9); drop --strict", j);
    assert_non_null(strstr(err.message, want));
    loci_builder_free(b);
    free(t1);
    free(t2);
    free(t3);
    free(j);
    tu_rmtree(root);
    free(root);
}

static void test_replace_invalid_utf8(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_build_options o;
    loci_build_options_init(&o);
    assert_int_equal(o.replace_invalid_utf8, 1); /* the default */
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_document(b, "x", NULL, "abc\xff" "def", 7, 1, &err), LOCI_OK);
    loci_build_stats st;
    assert_int_equal(loci_builder_finish(b, &st, &err), LOCI_OK);
    loci_builder_free(b);
    assert_int_equal(st.invalid_utf8, 1);
    assert_int_equal(st.tokens, 2);
    tu_rmtree(root);
    free(root);
}

/* Build the same random corpus with the given budget and threads. */
static void build_random(const char *dir, uint64_t memory, unsigned threads, uint64_t *runs)
{
    loci_build_options o;
    loci_build_options_init(&o);
    o.memory = memory;
    o.threads = threads;
    o.passage_tokens = 20; /* windows too */
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    uint64_t seed = 77;
    char text[4096], name[32];
    for (int d = 0; d < 1200; d++) {
        size_t n = 0;
        int words = 5 + (int)(tu_rand(&seed) % 120);
        for (int w = 0; w < words; w++) {
            int len = 1 + (int)(tu_rand(&seed) % 9);
            for (int i = 0; i < len; i++)
                text[n++] = (char)('a' + tu_rand(&seed) % (w % 3 ? 6 : 26));
            text[n++] = tu_rand(&seed) % 15 ? ' ' : '\n';
        }
        snprintf(name, sizeof name, "doc%d", d);
        if (loci_builder_add_document(b, name, d % 5 ? NULL : "A title", text, n, 1, &err))
            fail_msg("add: %s", err.message);
    }
    loci_build_stats st;
    assert_int_equal(loci_builder_finish(b, &st, &err), LOCI_OK);
    loci_builder_free(b);
    *runs = st.runs;
}

static void test_identical_whatever_memory_and_threads(void **state)
{
    (void)state;
    static const char *const files[] = {"seg-000001/meta",      "seg-000001/lexicon",
                                        "seg-000001/postings",  "seg-000001/positions",
                                        "seg-000001/lengths",   "seg-000001/passages",
                                        "seg-000001/docs",      "seg-000001/text",
                                        "manifest"};
    char *root = tu_mkdtemp(), a[600], c[600], d[600];
    snprintf(a, sizeof a, "%s/big-memory", root);
    snprintf(c, sizeof c, "%s/tiny-memory", root);
    snprintf(d, sizeof d, "%s/one-thread", root);
    uint64_t runs_a, runs_c, runs_d;
    build_random(a, 512u << 20, 4, &runs_a);
    build_random(c, 1, 3, &runs_c); /* the smallest batches: many runs */
    build_random(d, 1, 1, &runs_d);
    assert_int_equal(runs_a, 1);
    assert_true(runs_c >= 6);
    assert_int_equal(runs_c, runs_d);
    for (size_t i = 0; i < 9; i++) {
        char pa[700], pc[700], pd[700];
        snprintf(pa, sizeof pa, "%s/%s", a, files[i]);
        snprintf(pc, sizeof pc, "%s/%s", c, files[i]);
        snprintf(pd, sizeof pd, "%s/%s", d, files[i]);
        size_t la, lc, ld;
        char *xa = tu_read_file(pa, &la), *xc = tu_read_file(pc, &lc), *xd = tu_read_file(pd, &ld);
        if (la != lc || memcmp(xa, xc, la))
            fail_msg("%s differs between memory budgets", files[i]);
        if (lc != ld || memcmp(xc, xd, lc))
            fail_msg("%s differs between thread counts", files[i]);
        free(xa);
        free(xc);
        free(xd);
    }
    loci_index *idx;
    loci_error err;
    assert_int_equal(loci_index_open(c, &idx, &err), LOCI_OK);
    assert_int_equal(loci_index_check(idx, &err), LOCI_OK);
    loci_index_close(idx);
    assert_int_equal(count_entries(root), 3); /* no temporaries or runs left */
    tu_rmtree(root);
    free(root);
}

/* Documents of 300,000 tokens, nearly all the same word: one posting's
 * positions outgrow the run buffers (256 KiB), in runs and in the merge. */
static void build_heavy(const char *dir, uint64_t memory, uint64_t *runs)
{
    loci_build_options o;
    loci_build_options_init(&o);
    o.memory = memory;
    o.threads = 2;
    o.passage_mode = LOCI_PASSAGE_DOCUMENT;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    size_t n = 600000;
    char *text = malloc(n);
    for (int d = 0; d < 4; d++) {
        for (size_t i = 0; i < n; i += 2) {
            text[i] = (i / 2) % 1000 == (size_t)d ? 'y' : 'x';
            text[i + 1] = ' ';
        }
        char name[32];
        snprintf(name, sizeof name, "heavy%d", d);
        assert_int_equal(loci_builder_add_document(b, name, NULL, text, n, 1, &err), LOCI_OK);
    }
    free(text);
    loci_build_stats st;
    assert_int_equal(loci_builder_finish(b, &st, &err), LOCI_OK);
    loci_builder_free(b);
    *runs = st.runs;
}

static void test_huge_postings_across_runs(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), a[600], c[600];
    snprintf(a, sizeof a, "%s/few-runs", root);
    snprintf(c, sizeof c, "%s/many-runs", root);
    uint64_t runs_a, runs_c;
    build_heavy(a, 512u << 20, &runs_a);
    build_heavy(c, 1, &runs_c);
    assert_true(runs_a < runs_c); /* documents share runs */
    assert_int_equal(runs_c, 4);  /* one run per document */
    static const char *const files[] = {"seg-000001/lexicon", "seg-000001/postings",
                                        "seg-000001/positions", "seg-000001/text"};
    for (size_t i = 0; i < 4; i++)
        tu_assert_same_file(a, c, files[i]);
    loci_index *idx;
    loci_error err;
    assert_int_equal(loci_index_open(c, &idx, &err), LOCI_OK);
    assert_int_equal(loci_index_check(idx, &err), LOCI_OK);
    loci_results *res;
    assert_int_equal(loci_search(idx, "x", NULL, &res, &err), LOCI_OK);
    assert_int_equal(loci_results_count(res), 4);
    loci_results_free(res);
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

/* Large documents with small ones around them, built with a budget that
 * streams every large one (memory 1: batches of 64 KiB) and with the
 * default budget (nothing streamed): the indexes are the same, byte for
 * byte, in every passage mode, from memory and from files (text, gzip).
 * The streamed build cut the large documents into many runs. */
static uint64_t build_large(const char *dir, const char *files_dir, uint64_t memory,
                            loci_passage_mode mode)
{
    loci_build_options o;
    loci_build_options_init(&o);
    o.memory = memory;
    o.threads = 2;
    o.passage_mode = mode;
    o.passage_tokens = mode == LOCI_PASSAGE_WINDOW ? 30 : 50;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    uint64_t seed = 99;
    size_t cap = 1200000; /* over DEDUP_MAX: only larger documents are ever streamed */
    char *text = malloc(cap);
    assert_non_null(text);
    for (int d = 0; d < 6; d++) {
        size_t n = d % 2 ? 300 : cap - 100; /* large ones and small ones */
        size_t len = 0;
        while (len + 20 < n) {
            uint64_t r = tu_rand(&seed);
            int wl = 1 + (int)(r % 9);
            for (int i = 0; i < wl; i++)
                text[len++] = (char)('a' + tu_rand(&seed) % 20);
            r = tu_rand(&seed) % 200;
            if (r == 0)
                len += (size_t)snprintf(text + len, 8, "\n \n");
            else if (r == 1)
                len += (size_t)snprintf(text + len, 8, "\r\n\r\n");
            else if (r == 2)
                len += (size_t)snprintf(text + len, 8, "\xff ");
            else if (r < 8)
                text[len++] = '\n';
            else
                text[len++] = ' ';
        }
        char name[32];
        snprintf(name, sizeof name, "doc%d", d);
        if (loci_builder_add_document(b, name, d % 3 ? NULL : "A Title", text, len, 1, &err))
            fail_msg("add: %s", err.message);
        if (d == 2) {
            char *p = tu_write_file(files_dir, "big.txt", text, len);
            /* the docs record keeps the file's mtime: the same in both builds */
            const struct timespec when[2] = {{1700000000, 5}, {1700000000, 5}};
            assert_int_equal(utimensat(AT_FDCWD, p, when, 0), 0);
            assert_int_equal(loci_builder_add_path(b, p, &err), LOCI_OK);
            free(p);
        }
    }
    free(text);
    loci_build_stats st;
    if (loci_builder_finish(b, &st, &err))
        fail_msg("finish: %s", err.message);
    loci_builder_free(b);
    assert_int_equal(st.documents, 7);
    return st.runs;
}

static void test_streamed_documents_identical(void **state)
{
    (void)state;
    static const char *const files[] = {"seg-000001/meta",      "seg-000001/lexicon",
                                        "seg-000001/postings",  "seg-000001/positions",
                                        "seg-000001/lengths",   "seg-000001/passages",
                                        "seg-000001/docs",      "seg-000001/text",
                                        "manifest"};
    static const loci_passage_mode modes[] = {LOCI_PASSAGE_PARAGRAPH, LOCI_PASSAGE_WINDOW,
                                              LOCI_PASSAGE_DOCUMENT};
    char *root = tu_mkdtemp(), a[600], c[600];
    snprintf(a, sizeof a, "%s/whole", root);
    snprintf(c, sizeof c, "%s/streamed", root);
    for (size_t m = 0; m < 3; m++) {
        uint64_t runs_a = build_large(a, root, 512u << 20, modes[m]);
        uint64_t runs_c = build_large(c, root, 1, modes[m]);
        assert_true(runs_a <= 5); /* batches of growing size, 4.8 MB in all */
        if (modes[m] == LOCI_PASSAGE_DOCUMENT)
            assert_true(runs_c >= 4); /* a streamed document is one run */
        else
            assert_true(runs_c >= 4 * 2); /* 1.2 MB documents in parts of 256 KiB */
        for (size_t i = 0; i < 9; i++)
            tu_assert_same_file(a, c, files[i]);
    }
    tu_rmtree(root);
    free(root);
}

/* JSON Lines records larger than a batch are streamed (text spilled to a
 * temporary file, title first): same index as the unstreamed build. */
static uint64_t build_jsonl(const char *dir, const char *path, uint64_t memory,
                            loci_passage_mode mode)
{
    loci_build_options o;
    loci_build_options_init(&o);
    o.memory = memory;
    o.threads = 2;
    o.passage_mode = mode;
    o.passage_tokens = 40;
    o.input_format = LOCI_INPUT_JSONL;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    if (loci_builder_add_path(b, path, &err))
        fail_msg("add: %s", err.message);
    loci_build_stats st;
    if (loci_builder_finish(b, &st, &err))
        fail_msg("finish: %s", err.message);
    loci_builder_free(b);
    assert_int_equal(st.documents, 4);
    assert_int_equal(st.invalid_utf8, 2 * 5);
    return st.runs;
}

static void test_streamed_jsonl_identical(void **state)
{
    (void)state;
    static const char *const files[] = {"seg-000001/meta",      "seg-000001/lexicon",
                                        "seg-000001/postings",  "seg-000001/positions",
                                        "seg-000001/lengths",   "seg-000001/passages",
                                        "seg-000001/docs",      "seg-000001/text",
                                        "manifest"};
    char *root = tu_mkdtemp(), a[600], c[600];
    snprintf(a, sizeof a, "%s/whole", root);
    snprintf(c, sizeof c, "%s/streamed", root);
    struct buf jl = {0};
    uint64_t seed = 3;
    for (int d = 0; d < 4; d++) {
        const char *head = d % 2 ? "{\"id\": \"s\", \"text\": \"" : "{\"text\": \"";
        buf_append(&jl, head, strlen(head));
        size_t n = d % 2 ? 200 : 250000;
        for (size_t i = 0; i < n; i++) {
            uint64_t r = tu_rand(&seed) % 100;
            const char *p = r == 0 ? "\\n\\n" : r == 1 ? "\\r\\n" : r < 5 ? "\\u00e9 " : r < 20 ? " " : NULL;
            if (p)
                buf_append(&jl, p, strlen(p));
            else
                buf_putc(&jl, (uint8_t)('a' + tu_rand(&seed) % 16));
            if (i % 60000 == 7 && d % 2 == 0)
                buf_append(&jl, "\xff", 1);
        }
        const char *tail = d == 0 ? "\", \"title\": \"First title\"}\n" : "\"}\n";
        buf_append(&jl, tail, strlen(tail));
    }
    char *path = tu_write_file(root, "c.jsonl", jl.data, jl.len);
    static const loci_passage_mode modes[] = {LOCI_PASSAGE_PARAGRAPH, LOCI_PASSAGE_DOCUMENT};
    for (size_t m = 0; m < 2; m++) {
        uint64_t runs_a = build_jsonl(a, path, 512u << 20, modes[m]);
        uint64_t runs_c = build_jsonl(c, path, 1, modes[m]);
        assert_true(runs_a < runs_c);
        for (size_t i = 0; i < 9; i++)
            tu_assert_same_file(a, c, files[i]);
    }
    free(path);
    buf_free(&jl);
    tu_rmtree(root);
    free(root);
}

static uint64_t fnv(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
    return h;
}

/* A whole build is a manifest (generation 1) naming seg-000001, whose
 * docs records (4.0) give every document's first line, line mode,
 * source (none, the name, the previous record's, given), the source's
 * size and mtime, and the hash of its text. */
static void test_docs_records_and_manifest(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600], seg[700];
    snprintf(dir, sizeof dir, "%s/idx", root);
    snprintf(seg, sizeof seg, "%s/seg-000001", dir);
    struct buf jl = {0};
    for (int i = 0; i < 70; i++) { /* records 0..69: two record blocks */
        char line[100];
        int n = snprintf(line, sizeof line, "{\"id\":\"r%02d\",\"text\":\"word%d more\"}\n", i, i);
        assert_int_equal(buf_append(&jl, line, (size_t)n), 0);
    }
    char *jpath = tu_write_file(root, "recs.jsonl", jl.data, jl.len);
    const struct timespec when[2] = {{1700000000, 123}, {1700000000, 123}};
    assert_int_equal(utimensat(AT_FDCWD, jpath, when, 0), 0);
    loci_build_options o;
    loci_build_options_init(&o);
    o.input_format = LOCI_INPUT_JSONL;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_document(b, "mem", "Title", "from memory", 11, 5, &err), 0);
    assert_int_equal(loci_builder_add_path(b, jpath, &err), LOCI_OK);
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);

    struct manifest m;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(dfd >= 0);
    assert_int_equal(manifest_read(dfd, dir, &m, &err), LOCI_OK);
    close(dfd);
    assert_int_equal(m.generation, 1);
    assert_int_equal(m.next_segment, 2);
    assert_int_equal(m.nseg, 1);
    assert_int_equal(m.seg[0].number, 1);
    assert_int_equal(m.seg[0].documents, 71);
    assert_int_equal(m.seg[0].passages, 71);
    assert_int_equal(m.seg[0].ndeleted, 0);
    char mpath[800];
    snprintf(mpath, sizeof mpath, "%s/meta", seg);
    struct lfile f;
    assert_int_equal(lfile_open(&f, mpath, FMT_MAGIC_META, &err), LOCI_OK);
    assert_int_equal(m.seg[0].meta_crc, lfile_table_crc(&f));
    unsigned major, minor;
    lfile_version(&f, &major, &minor);
    assert_int_equal(major, 4);
    assert_int_equal(minor, LFILE_MINOR);
    lfile_close(&f);
    manifest_free(&m);

    loci_index *idx;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    struct doc_info d;
    const char *text;
    assert_int_equal(reader_doc(&idx->segs[0], 0, &d, &err), LOCI_OK);
    assert_int_equal(d.name_len, 3);
    assert_memory_equal(d.name, "mem", 3);
    assert_null(d.source);
    assert_int_equal(d.first_line, 5);
    assert_int_equal(d.fixed_line, 0);
    assert_int_equal(d.size, 0);
    assert_int_equal(d.mtime_ns, 0);
    assert_int_equal(d.first_passage, 0);
    assert_int_equal(d.passages, 1);
    assert_int_equal(reader_doc_text(&idx->segs[0], &d, &text, &err), LOCI_OK);
    assert_int_equal(d.text_len, 17);
    assert_memory_equal(text, "Title\nfrom memory", 17);
    assert_true(d.hash == fnv("Title\nfrom memory", 17));
    for (uint32_t i = 1; i <= 70; i++) { /* 63 and 64 straddle a block */
        assert_int_equal(reader_doc(&idx->segs[0], i, &d, &err), LOCI_OK);
        char want[32];
        snprintf(want, sizeof want, "r%02u", i - 1);
        assert_int_equal(d.name_len, strlen(want));
        assert_memory_equal(d.name, want, d.name_len);
        assert_non_null(d.source);
        assert_int_equal(d.source_len, strlen(jpath));
        assert_memory_equal(d.source, jpath, d.source_len);
        assert_int_equal(d.first_line, i);
        assert_int_equal(d.fixed_line, 1);
        assert_int_equal(d.size, jl.len);
        assert_true(d.mtime_ns == 1700000000000000123LL);
        assert_int_equal(d.first_passage, i);
        assert_int_equal(d.passages, 1);
        snprintf(want, sizeof want, "word%u more", i - 1);
        assert_int_equal(reader_doc_text(&idx->segs[0], &d, &text, &err), LOCI_OK);
        assert_int_equal(d.text_len, strlen(want));
        assert_memory_equal(text, want, d.text_len);
        assert_true(d.hash == fnv(want, strlen(want)));
    }
    assert_int_not_equal(reader_doc(&idx->segs[0], 71, &d, &err), LOCI_OK);
    loci_index_close(idx);
    buf_free(&jl);
    free(jpath);
    tu_rmtree(root);
    free(root);
}

/* A document whose text is byte-identical to an earlier one's is stored
 * once: it has no text and no passage of its own, the meta's duplicates
 * table names it, a search finds the text once, and loci_doc_also gives
 * the other names in input order; empty texts are not duplicates; the
 * index is the same for any threads and memory. */
static void build_dups(const char *dir, unsigned threads, uint64_t memory, loci_build_stats *st)
{
    static const char *const docs[][2] = {
        {"a", "the same changelog\n\nwith two paragraphs"}, {"b", "something else"},
        {"c", "the same changelog\n\nwith two paragraphs"}, {"e1", ""}, {"e2", ""},
        {"d", "the same changelog\n\nwith two paragraphs"}, {"f", "the same changelog"}};
    loci_build_options o;
    loci_build_options_init(&o);
    o.threads = threads;
    o.memory = memory;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        assert_int_equal(loci_builder_add_document(b, docs[i][0], NULL, docs[i][1],
                                                   strlen(docs[i][1]), 1, &err),
                         LOCI_OK);
    assert_int_equal(loci_builder_finish(b, st, &err), LOCI_OK);
    loci_builder_free(b);
}

static void test_duplicates_stored_once(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), a[600], c[600];
    snprintf(a, sizeof a, "%s/one", root);
    snprintf(c, sizeof c, "%s/two", root);
    loci_build_stats st;
    build_dups(a, 1, 0, &st);
    assert_int_equal(st.documents, 7);
    assert_int_equal(st.duplicates, 2);
    assert_int_equal(st.passages, 4); /* a's two, b's, f's */
    loci_index *idx;
    loci_error err;
    assert_int_equal(loci_index_open(a, &idx, &err), LOCI_OK);
    loci_results *r;
    assert_int_equal(loci_search(idx, "changelog", NULL, &r, &err), LOCI_OK);
    assert_int_equal(loci_results_count(r), 2); /* a's first passage and f's: not c's, d's */
    const loci_hit *h = loci_results_hit(r, 0);
    loci_passage p;
    assert_int_equal(loci_passage_get(idx, h->passage, &p, &err), LOCI_OK);
    assert_int_equal(p.doc_name_len, 1);
    assert_memory_equal(p.doc_name, "a", 1);
    assert_int_equal(loci_doc_also(idx, h->doc, 0, NULL, NULL, &err), 2);
    const char *name;
    size_t len;
    assert_int_equal(loci_doc_also(idx, h->doc, 0, &name, &len, &err), 2);
    assert_int_equal(len, 1);
    assert_memory_equal(name, "c", 1);
    assert_int_equal(loci_doc_also(idx, h->doc, 1, &name, &len, &err), 2);
    assert_memory_equal(name, "d", 1);
    /* f's text is only a part of a's: not a duplicate */
    assert_int_equal(loci_doc_also(idx, loci_results_hit(r, 1)->doc, 0, NULL, NULL, &err), 0);
    assert_int_equal(loci_doc_also(idx, 99, 0, NULL, NULL, &err), LOCI_EINVAL);
    loci_results_free(r);
    loci_index_close(idx);
    /* JSON Lines records are each their own document, whatever their text */
    char *j = tu_write_file(root, "r.jsonl",
                            "{\"id\": \"r1\", \"text\": \"same words\"}\n"
                            "{\"id\": \"r2\", \"text\": \"same words\"}\n", 70);
    loci_build_options jo;
    loci_build_options_init(&jo);
    jo.input_format = LOCI_INPUT_JSONL;
    loci_builder *jb;
    char jd[620];
    snprintf(jd, sizeof jd, "%.580s/jsonl", root);
    assert_int_equal(loci_builder_new(jd, &jo, &jb, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_path(jb, j, &err), LOCI_OK);
    assert_int_equal(loci_builder_finish(jb, &st, &err), LOCI_OK);
    loci_builder_free(jb);
    free(j);
    assert_int_equal(st.documents, 2);
    assert_int_equal(st.passages, 2);
    assert_int_equal(st.duplicates, 0);
    build_dups(c, 2, 1, &st);
    static const char *files[] = {"meta", "lexicon", "postings", "positions",
                                  "lengths", "passages", "docs", "text"};
    char sa[620], sc[620];
    snprintf(sa, sizeof sa, "%.580s/seg-000001", a);
    snprintf(sc, sizeof sc, "%.580s/seg-000001", c);
    for (size_t i = 0; i < 8; i++)
        tu_assert_same_file(sa, sc, files[i]);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duplicates_stored_once),
        cmocka_unit_test(test_paragraphs_and_lines),
        cmocka_unit_test(test_windows_and_documents),
        cmocka_unit_test(test_replace_and_failures),
        cmocka_unit_test(test_replace_invalid_utf8),
        cmocka_unit_test(test_invalid_utf8_warned_per_file),
        cmocka_unit_test(test_streamed_documents_identical),
        cmocka_unit_test(test_streamed_jsonl_identical),
        cmocka_unit_test(test_identical_whatever_memory_and_threads),
        cmocka_unit_test(test_huge_postings_across_runs),
        cmocka_unit_test(test_docs_records_and_manifest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
