/*
 * test_reader.c — the on-disk format read back: counts, passages, text,
 * names; and corruption: flipping any byte of any file of a tiny index
 * makes opening or the integrity check fail (never a crash, never
 * success), and a flipped postings or lengths byte makes the search fail;
 * passages too long for a u16 length; and opening an index while a
 * rebuild swaps it: one build whole, never a mix of two.
 */
#define _GNU_SOURCE /* renameat2 */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>

#include "bm25.h"
#include "format.h"
#include "loci.h"
#include "indexdir.h"
#include "index.h"

/* A builder (stemming off) for dir = a new temporary *root + "/idx". */
static loci_builder *start_build(char **root, char *dir, size_t n)
{
    *root = tu_mkdtemp();
    snprintf(dir, n, "%s/idx", *root);
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    return b;
}

static char *build_tiny(char **root)
{
    char *dir = malloc(600);
    loci_builder *b = start_build(root, dir, 600);
    loci_error err;
    const char *t1 = "First para here.\n\nSecond para, with words\nover two lines.\n";
    const char *t2 = "Another document.";
    assert_int_equal(loci_builder_add_document(b, "one.txt", NULL, t1, strlen(t1), 1, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_document(b, "two.txt", "Title", t2, strlen(t2), 1, &err),
                     LOCI_OK);
    loci_build_stats st;
    assert_int_equal(loci_builder_finish(b, &st, &err), LOCI_OK);
    loci_builder_free(b);
    assert_int_equal(st.documents, 2);
    assert_int_equal(st.passages, 3);
    return dir;
}

static void test_read_back(void **state)
{
    (void)state;
    char *root, *dir = build_tiny(&root);
    loci_index *idx;
    loci_error err;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    assert_int_equal(loci_index_check(idx, &err), LOCI_OK);
    loci_index_stats st;
    loci_index_stats_get(idx, &st);
    assert_int_equal(st.documents, 2);
    assert_int_equal(st.passages, 3);
    assert_int_equal(st.tokens, 3 + 7 + 3);
    assert_string_equal(st.stem_language, "none");
    /* what --stats shows: settings, format, the files and their sizes */
    assert_int_equal(st.passage_mode, LOCI_PASSAGE_PARAGRAPH);
    assert_int_equal(st.passage_tokens, 200);
    assert_int_equal(st.passage_stride, 150);
    assert_int_equal(st.format_major, 4);
    assert_int_equal(st.format_minor, LFILE_MINOR);
    assert_true(st.built > 1700000000);
    assert_int_equal(st.nfiles, FMT_NFILES + 1); /* and the manifest */
    assert_int_equal(st.segments, 1);
    assert_int_equal(st.deleted_documents, 0);
    uint64_t sum = 0;
    for (size_t i = 0; i < st.nfiles; i++) {
        char p[700];
        struct stat fs;
        snprintf(p, sizeof p, "%s/%s%s", dir, i < FMT_NFILES ? "seg-000001/" : "",
                 st.files[i].name);
        assert_int_equal(stat(p, &fs), 0);
        assert_int_equal(st.files[i].bytes, (uint64_t)fs.st_size);
        sum += st.files[i].bytes;
    }
    assert_int_equal(st.index_bytes, sum);

    loci_passage p;
    assert_int_equal(loci_passage_get(idx, 1, &p, &err), LOCI_OK);
    assert_int_equal(p.doc, 0);
    assert_int_equal(p.ordinal, 1);
    assert_int_equal(p.line, 3);
    /* the paragraph as written, its final '.' included */
    assert_int_equal(p.text_len, strlen("Second para, with words\nover two lines."));
    assert_memory_equal(p.text, "Second para, with words\nover two lines.", p.text_len);
    assert_int_equal(p.byte_start, 18);
    assert_memory_equal(p.doc_name, "one.txt", 7);

    assert_int_equal(loci_passage_get(idx, 2, &p, &err), LOCI_OK);
    assert_int_equal(p.doc, 1);
    assert_int_equal(p.ordinal, 0);
    assert_int_equal(p.text_len, strlen("Title\nAnother document."));
    assert_memory_equal(p.text, "Title\nAnother document.", p.text_len);
    assert_memory_equal(p.doc_name, "two.txt", 7);
    assert_int_equal(loci_passage_get(idx, 3, &p, &err), LOCI_EINVAL); /* out of range */
    assert_non_null(strstr(err.message, "no passage 3"));
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
    free(dir);
}

/* Passages and documents over several record blocks (64 records each),
 * where records are coded relative to the previous one in their block:
 * front-coded names, changing lines, documents without passages. */
static void test_records_across_blocks(void **state)
{
    (void)state;
    char *root, dir[600];
    loci_builder *b = start_build(&root, dir, sizeof dir);
    loci_error err;
    enum { NDOCS = 300 };
    for (int d = 0; d < NDOCS; d++) {
        char name[64], text[256];
        snprintf(name, sizeof name, "dir/file-%04d.txt", d * 7 % 1000);
        size_t n = 0;
        int np = d % 3;
        if (np == 0)
            n = (size_t)snprintf(text, sizeof text, "!!! ...");
        for (int i = 0; i < d % 4 && np; i++)
            text[n++] = '\n';
        for (int k = 0; k < np; k++)
            n += (size_t)snprintf(text + n, sizeof text - n, "alpha%d beta%d\n\n", d, k);
        assert_int_equal(loci_builder_add_document(b, name, NULL, text, n, 1 + d, &err), LOCI_OK);
    }
    loci_build_stats st;
    assert_int_equal(loci_builder_finish(b, &st, &err), LOCI_OK);
    loci_builder_free(b);
    assert_int_equal(st.documents, NDOCS);
    loci_index *idx;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    assert_int_equal(loci_index_check(idx, &err), LOCI_OK);
    uint32_t pid = 0;
    for (int d = 0; d < NDOCS; d++)
        for (int k = 0; k < d % 3; k++, pid++) {
            loci_passage p;
            char want[64], name[64];
            assert_int_equal(loci_passage_get(idx, pid, &p, &err), LOCI_OK);
            assert_int_equal(p.doc, (uint32_t)d);
            assert_int_equal(p.ordinal, (uint32_t)k);
            assert_int_equal(p.line, (uint32_t)(1 + d + d % 4 + 2 * k));
            snprintf(name, sizeof name, "dir/file-%04d.txt", d * 7 % 1000);
            assert_int_equal(p.doc_name_len, strlen(name));
            assert_memory_equal(p.doc_name, name, p.doc_name_len);
            int wn = snprintf(want, sizeof want, "alpha%d beta%d", d, k);
            assert_int_equal(p.text_len, (size_t)wn);
            assert_memory_equal(p.text, want, p.text_len);
        }
    assert_int_equal(pid, st.passages);
    /* and backwards, so no record depends on one read before it */
    for (uint32_t i = pid; i-- > 0;) {
        loci_passage p;
        assert_int_equal(loci_passage_locate(idx, i, &p, &err), LOCI_OK);
        assert_true(p.doc < NDOCS && p.doc % 3 != 0);
    }
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

static const char *const FILES[] = {FMT_META, FMT_LEXICON, FMT_POSTINGS, FMT_POSITIONS,
                                    FMT_LENGTHS, FMT_PASSAGES, FMT_DOCS, FMT_TEXT};

/* Every term of a lexicon full of shared prefixes (a small alphabet,
 * lengths 1 to 9: extensions, prefixes, neighbours, across many blocks)
 * is found by reader_lookup with exactly the term_info that iterating the
 * blocks (reader_prefix) gives, and each near miss is found exactly when
 * it is a term. */
#define LEX_TERMS 700
struct lexlist {
    char term[LEX_TERMS][16];
    struct term_info ti[LEX_TERMS];
    size_t n;
};

static int collect_term(void *ctx, const char *term, size_t len, const struct term_info *ti)
{
    struct lexlist *l = ctx;
    assert_true(l->n < LEX_TERMS && len < 16);
    memcpy(l->term[l->n], term, len);
    l->term[l->n][len] = '\0';
    l->ti[l->n++] = *ti;
    return 0;
}

static int in_list(const struct lexlist *l, const char *t)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->term[i], t))
            return 1;
    return 0;
}

static void test_lookup_agrees_with_iteration(void **state)
{
    (void)state;
    char *root, dir[600];
    loci_builder *b = start_build(&root, dir, sizeof dir);
    loci_error err;
    uint64_t seed = 7;
    char text[8192];
    size_t at = 0;
    for (int w = 0; w < 600; w++) {
        size_t len = 1 + tu_rand(&seed) % 9;
        for (size_t i = 0; i < len; i++)
            text[at++] = "abc"[tu_rand(&seed) % 3];
        text[at++] = ' ';
    }
    assert_int_equal(loci_builder_add_document(b, "words.txt", NULL, text, at, 1, &err), LOCI_OK);
    loci_build_stats st;
    assert_int_equal(loci_builder_finish(b, &st, &err), LOCI_OK);
    loci_builder_free(b);
    loci_index *idx;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    struct segment *seg = &idx->segs[0];
    struct lexlist *l = calloc(1, sizeof *l);
    assert_int_equal(reader_prefix(seg, "", 0, collect_term, l, &err), LOCI_OK);
    assert_true(l->n > 200); /* several lexicon blocks */
    for (size_t i = 0; i < l->n; i++) {
        struct term_info ti;
        const char *t = l->term[i];
        size_t len = strlen(t);
        assert_int_equal(reader_lookup(seg, t, len, &ti, &err), 1);
        assert_int_equal(ti.df, l->ti[i].df);
        assert_int_equal(ti.post_off, l->ti[i].post_off);
        assert_int_equal(ti.post_len, l->ti[i].post_len);
        assert_int_equal(ti.pos_off, l->ti[i].pos_off);
        assert_int_equal(ti.pos_len, l->ti[i].pos_len);
        char miss[32];
        const char *extra[] = {"a", "b", "c", "d", "", "0"};
        for (size_t e = 0; e < sizeof extra / sizeof *extra; e++) {
            snprintf(miss, sizeof miss, "%s%s", t, extra[e]);
            assert_int_equal(reader_lookup(seg, miss, strlen(miss), &ti, &err), in_list(l, miss));
        }
        memcpy(miss, t, len + 1);
        miss[len - 1] = 'a' - 1; /* just below, and just above, in the last byte */
        assert_int_equal(reader_lookup(seg, miss, len, &ti, &err), 0);
        miss[len - 1] = 'c' + 1;
        assert_int_equal(reader_lookup(seg, miss, len, &ti, &err), 0);
        if (len > 1) /* the term without its last byte */
            assert_int_equal(reader_lookup(seg, t, len - 1, &ti, &err),
                             in_list(l, (memcpy(miss, t, len - 1), miss[len - 1] = 0, miss)));
    }
    free(l);
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

static void test_every_byte_flip_is_caught(void **state)
{
    (void)state;
    char *root, *dir = build_tiny(&root);
    size_t flips = 0;
    for (size_t f = 0; f < sizeof FILES / sizeof *FILES; f++) {
        char path[700];
        snprintf(path, sizeof path, "%s/seg-000001/%s", dir, FILES[f]);
        size_t len;
        char *orig = tu_read_file(path, &len);
        for (size_t i = 0; i < len; i++) {
            orig[i] ^= 0x5a;
            FILE *fp = fopen(path, "wb");
            fwrite(orig, 1, len, fp);
            fclose(fp);
            loci_index *idx;
            loci_error err;
            int rc = loci_index_open(dir, &idx, &err);
            if (rc == LOCI_OK) {
                rc = loci_index_check(idx, &err);
                loci_index_close(idx);
            }
            if (rc != LOCI_ECORRUPT && rc != LOCI_EVERSION)
                fail_msg("%s byte %zu: flip not detected (rc %d)", FILES[f], i, rc);
            assert_non_null(strstr(err.message, FILES[f]));
            orig[i] ^= 0x5a;
            flips++;
        }
        FILE *fp = fopen(path, "wb");
        fwrite(orig, 1, len, fp);
        fclose(fp);
        free(orig);
    }
    assert_true(flips > 1000);
    loci_index *idx;
    loci_error err;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK); /* restored */
    assert_int_equal(loci_index_check(idx, &err), LOCI_OK);
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
    free(dir);
}

/* Flip the first body byte of `file` in index `dir`, which the search for
 * "another" (in the index's first passage) reads: opening succeeds, as
 * pages are checked lazily, and the search fails naming the file. */
static void assert_search_fails_on_flip(const char *dir, const char *file)
{
    char path[700];
    snprintf(path, sizeof path, "%s/seg-000001/%s", dir, file);
    size_t len;
    char *data = tu_read_file(path, &len);
    data[64] ^= 1;
    FILE *fp = fopen(path, "wb");
    fwrite(data, 1, len, fp);
    fclose(fp);
    free(data);
    loci_index *idx;
    loci_error err;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    loci_results *r;
    assert_int_equal(loci_search(idx, "another", NULL, &r, &err), LOCI_ECORRUPT);
    assert_non_null(strstr(err.message, "checksum"));
    assert_non_null(strstr(err.message, file));
    loci_index_close(idx);
}

static void test_search_fails_on_flipped_postings(void **state)
{
    (void)state;
    char *root, *dir = build_tiny(&root);
    assert_search_fails_on_flip(dir, FMT_POSTINGS);
    tu_rmtree(root);
    free(root);
    free(dir);
}

/* The lengths array is verified page by page as scoring reads it: with
 * 5000 passages it spans three pages, and only the last (its trailer) is
 * read at open; the flip is in the first, in passage 0's length. */
static void test_search_fails_on_flipped_lengths(void **state)
{
    (void)state;
    enum { N = 5000 };
    static const char *docs[N];
    static char texts[N][24]; /* each its own: identical texts would be stored once */
    docs[0] = "another word";
    for (int i = 1; i < N; i++) {
        snprintf(texts[i], sizeof texts[i], "filler%d", i);
        docs[i] = texts[i];
    }
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_index_close(tu_build(dir, docs, N, LOCI_PASSAGE_DOCUMENT));
    assert_search_fails_on_flip(dir, FMT_LENGTHS);
    tu_rmtree(root);
    free(root);
}

/* A passage of LENGTH_LONG tokens or more keeps its exact length (in the
 * lengths file's table of long passages) and is scored with it. */
static void test_long_passage_length(void **state)
{
    (void)state;
    enum { LONG = 70000 };
    char *text = malloc(LONG * 2 + 16);
    size_t n = 0;
    for (int i = 0; i < LONG - 1; i++) {
        text[n++] = 'w';
        text[n++] = ' ';
    }
    memcpy(text + n, "needle", 7); /* the last token */
    const char *docs[] = {"a short needle here", text, "x y", "needle"};
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_index *idx = tu_build(dir, docs, 4, LOCI_PASSAGE_DOCUMENT);
    loci_error err;
    assert_int_equal(idx->segs[0].long_lengths, 1);
    assert_int_equal(reader_passage_length(&idx->segs[0], 0, &err), 4);
    assert_int_equal(reader_passage_length(&idx->segs[0], 1, &err), LONG);
    assert_int_equal(reader_passage_length(&idx->segs[0], 2, &err), 2);
    assert_int_equal(reader_passage_length(&idx->segs[0], 3, &err), 1);
    assert_int_equal(loci_index_check(idx, &err), LOCI_OK);
    loci_search_options so;
    loci_search_options_init(&so);
    for (int exhaustive = 0; exhaustive <= 1; exhaustive++) {
        so.exhaustive = exhaustive;
        loci_results *r;
        assert_int_equal(loci_search(idx, "needle", &so, &r, &err), LOCI_OK);
        assert_int_equal(loci_results_count(r), 3);
        const loci_hit *last = loci_results_hit(r, 2);
        assert_int_equal(last->passage, 1); /* the long one ranks last */
        double want = bm25_idf(idx->passages, 3) *
                      bm25_tfpart(1, LONG, so.k1, so.b, idx->avglen);
        assert_true(last->score == want);
        loci_results_free(r);
    }
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
    free(text);
}

static void test_truncated_and_missing(void **state)
{
    (void)state;
    char *root, *dir = build_tiny(&root);
    char path[700];
    snprintf(path, sizeof path, "%s/seg-000001/%s", dir, FMT_TEXT);
    assert_int_equal(truncate(path, 100), 0);
    loci_index *idx;
    loci_error err;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_ECORRUPT);
    assert_null(idx);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_ECORRUPT);
    assert_non_null(strstr(err.message, "missing"));
    char nowhere[700];
    snprintf(nowhere, sizeof nowhere, "%s/nowhere", root);
    assert_int_equal(loci_index_open(nowhere, &idx, &err), LOCI_ENOTFOUND);
    tu_rmtree(root);
    free(root);
    free(dir);
}

/* ---- an open that races with a rebuild ------------------------------------ */

/* Build one of two different corpora at `dir` (the build's own swap). */
static void build_variant(const char *dir, int variant)
{
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    o.threads = 1;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    int ndocs = variant ? 70 : 40;
    for (int i = 0; i < ndocs; i++) {
        char name[32], text[256];
        snprintf(name, sizeof name, "%c%d", variant ? 'b' : 'a', i);
        snprintf(text, sizeof text, "harbour %s %d ships\n\nquay %s words %d and harbour",
                 i % 3 ? "cargo" : "ferry", i % (variant ? 5 : 7), variant ? "ferry" : "crane",
                 i);
        assert_int_equal(loci_builder_add_document(b, name, NULL, text, strlen(text), 1, &err),
                         LOCI_OK);
    }
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
}

/* Everything a search shows, as one string (caller frees); NULL and *rc
 * set if the open or the search failed. */
static char *answer(const char *dir, int *rc, loci_error *err)
{
    loci_index *idx;
    if ((*rc = loci_index_open(dir, &idx, err)))
        return NULL;
    loci_results *r;
    if ((*rc = loci_search(idx, "harbour ferry ships", NULL, &r, err))) {
        loci_index_close(idx);
        return NULL;
    }
    struct buf out = {0};
    for (size_t i = 0; i < loci_results_count(r) && !*rc; i++) {
        const loci_hit *h = loci_results_hit(r, i);
        loci_passage p;
        if ((*rc = loci_passage_get(idx, h->passage, &p, err)))
            break;
        char line[512];
        int n = snprintf(line, sizeof line, "%.17g %.*s#%u %.*s\n", h->score, (int)p.doc_name_len,
                         p.doc_name, p.ordinal, (int)p.text_len, p.text);
        assert_int_equal(buf_append(&out, line, (size_t)n), 0);
    }
    loci_results_free(r);
    loci_index_close(idx);
    assert_int_equal(buf_putc(&out, '\0'), 0);
    if (*rc) {
        buf_free(&out);
        return NULL;
    }
    return (char *)out.data;
}

static char *answer_ok(const char *dir)
{
    int rc;
    loci_error err;
    char *a = answer(dir, &rc, &err);
    if (!a)
        fail_msg("%s", err.message);
    return a;
}

static const char *hook_dir, *hook_other;
static size_t hook_at;
static int hook_remove, hook_fired;

/* reader_open_hook: after file `hook_at` is open, a rebuild swaps the
 * directory (and, with hook_remove, deletes the old index, as indexdir_swap
 * does right after the exchange). */
static void swap_mid_open(size_t i)
{
    if (i != hook_at || hook_fired)
        return;
    hook_fired = 1;
    assert_int_equal(renameat2(AT_FDCWD, hook_dir, AT_FDCWD, hook_other, RENAME_EXCHANGE), 0);
    if (hook_remove)
        indexdir_remove(hook_other);
}

/* Files of two builds used to be mixed silently when the swap came
 * between two of the eight opens. */
static void test_open_during_swap_sees_one_build(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), a[600], b[600];
    snprintf(a, sizeof a, "%s/idx", root);
    snprintf(b, sizeof b, "%s/next", root);
    build_variant(a, 0);
    char *want_a = answer_ok(a);
    build_variant(b, 1);
    char *want_b = answer_ok(b);
    assert_string_not_equal(want_a, want_b);
    hook_dir = a;
    hook_other = b;
    reader_open_hook = swap_mid_open;
    for (size_t i = 0; i + 1 < FMT_NFILES; i++) {
        for (hook_remove = 0; hook_remove <= 1; hook_remove++) {
            hook_at = i;
            hook_fired = 0;
            int rc;
            loci_error err;
            char *got = answer(a, &rc, &err);
            if (!got)
                fail_msg("swap after file %zu%s: %s", i, hook_remove ? " and removal" : "",
                         err.message);
            assert_true(hook_fired);
            /* the build that was in place when the open began, or — when
             * it was deleted under the open — the one that replaced it */
            assert_string_equal(got, hook_remove ? want_b : want_a);
            free(got);
            /* back to idx = A, next = B */
            if (hook_remove) {
                assert_int_equal(rename(a, b), 0);
                build_variant(a, 0);
            } else {
                assert_int_equal(renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE), 0);
            }
        }
    }
    reader_open_hook = NULL;
    free(want_a);
    free(want_b);
    tu_rmtree(root);
    free(root);
}

/* Each file passes its own checksum; meta's file table catches a file
 * from another build, and the manifest a meta from another build. */
static void test_files_of_two_builds_refused(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), a[600], b[600], from[700], to[800];
    snprintf(a, sizeof a, "%s/idx", root);
    snprintf(b, sizeof b, "%s/other", root);
    build_variant(a, 0);
    build_variant(b, 1);
    for (size_t i = 1; i <= FMT_NFILES; i++) { /* FMT_NFILES: the whole segment */
        char mixed[700];
        snprintf(mixed, sizeof mixed, "%s/mixed", root);
        tu_rmtree(mixed);
        assert_int_equal(mkdir(mixed, 0755), 0);
        snprintf(from, sizeof from, "%s/manifest", a);
        snprintf(to, sizeof to, "%s/manifest", mixed);
        assert_int_equal(link(from, to), 0);
        snprintf(to, sizeof to, "%s/seg-000001", mixed);
        assert_int_equal(mkdir(to, 0755), 0);
        for (size_t j = 0; j < FMT_NFILES; j++) {
            snprintf(from, sizeof from, "%s/seg-000001/%s",
                     j == i || i == FMT_NFILES ? b : a, FMT_FILES[j].name);
            snprintf(to, sizeof to, "%s/seg-000001/%s", mixed, FMT_FILES[j].name);
            assert_int_equal(link(from, to), 0);
        }
        loci_index *idx;
        loci_error err;
        assert_int_equal(loci_index_open(mixed, &idx, &err), LOCI_ECORRUPT);
        if (i == FMT_NFILES) {
            assert_non_null(strstr(err.message, "not the segment the manifest names"));
        } else {
            assert_non_null(strstr(err.message, "not from the same build"));
            assert_non_null(strstr(err.message, FMT_FILES[i].name));
        }
    }
    tu_rmtree(root);
    free(root);
}

/* While a rebuild without atomic exchange has moved the old index aside,
 * a reader finds it there instead of "no index here". */
static void test_open_finds_the_index_moved_aside(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), a[600], old[600];
    snprintf(a, sizeof a, "%s/idx", root);
    snprintf(old, sizeof old, "%s/.idx.old", root);
    build_variant(a, 0);
    char *want = answer_ok(a);
    assert_int_equal(rename(a, old), 0);
    char *got = answer_ok(a);
    assert_string_equal(got, want);
    free(got);
    free(want);
    assert_int_equal(rename(old, a), 0);
    tu_rmtree(root);
    free(root);
}

/* Rebuilds and searches at the same time, for a fixed number of rounds:
 * every answer is exactly one of the two builds', and no open fails. */
static void test_concurrent_rebuilds_and_searches(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), a[600], scratch[600];
    snprintf(a, sizeof a, "%s/idx", root);
    snprintf(scratch, sizeof scratch, "%s/scratch", root);
    build_variant(scratch, 1);
    char *want_b = answer_ok(scratch);
    build_variant(a, 0);
    char *want_a = answer_ok(a);
    enum { ROUNDS = 40 };
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        for (int i = 1; i <= ROUNDS; i++)
            build_variant(a, i % 2);
        _exit(0);
    }
    unsigned searches = 0, seen_a = 0, seen_b = 0;
    int status = 0;
    for (;;) {
        int done = waitpid(pid, &status, WNOHANG) == pid;
        int rc;
        loci_error err;
        char *got = answer(a, &rc, &err);
        if (!got)
            fail_msg("search %u failed during a rebuild: %s", searches, err.message);
        if (!strcmp(got, want_a))
            seen_a++;
        else if (!strcmp(got, want_b))
            seen_b++;
        else
            fail_msg("search %u gave an answer of neither build:\n%s", searches, got);
        free(got);
        searches++;
        if (done)
            break;
    }
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    print_message("%u searches during %d rebuilds: %u as build A, %u as build B\n", searches,
                  ROUNDS, seen_a, seen_b);
    free(want_a);
    free(want_b);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_back),
        cmocka_unit_test(test_records_across_blocks),
        cmocka_unit_test(test_lookup_agrees_with_iteration),
        cmocka_unit_test(test_every_byte_flip_is_caught),
        cmocka_unit_test(test_search_fails_on_flipped_postings),
        cmocka_unit_test(test_search_fails_on_flipped_lengths),
        cmocka_unit_test(test_long_passage_length),
        cmocka_unit_test(test_truncated_and_missing),
        cmocka_unit_test(test_open_during_swap_sees_one_build),
        cmocka_unit_test(test_files_of_two_builds_refused),
        cmocka_unit_test(test_open_finds_the_index_moved_aside),
        cmocka_unit_test(test_concurrent_rebuilds_and_searches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
