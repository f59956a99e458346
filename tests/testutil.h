/*
 * testutil.h — helpers shared by the cmocka tests: temporary directories,
 * small file utilities, and a small index built from strings. Header-only so each test stays one file.
 */
#ifndef LOCI_TESTUTIL_H
#define LOCI_TESTUTIL_H

/* nftw is an XSI function; include this header first in each test. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "loci.h"
#include "manifest.h"

static int tu_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(p);
}

/* Remove a directory tree (like rm -rf). */
static inline void tu_rmtree(const char *dir)
{
    nftw(dir, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Create a fresh temporary directory; returns a malloc'ed path. */
static inline char *tu_mkdtemp(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/loci-test-XXXXXX", base && *base ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    char *r = strdup(d);
    assert_non_null(r);
    return r;
}

/* Write `len` bytes to dir/name; returns a malloc'ed full path. */
static inline char *tu_write_file(const char *dir, const char *name, const void *data, size_t len)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    assert_non_null(path);
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* Read a whole file; returns malloc'ed bytes (NUL-terminated) and *len. */
static inline char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    p[n] = '\0';
    if (len)
        *len = (size_t)n;
    return p;
}

/* Fail unless file `name` is the same, byte for byte, in directories a
 * and b (builds that must not depend on how the work was split). */
static inline void tu_assert_same_file(const char *a, const char *b, const char *name)
{
    char pa[700], pb[700];
    snprintf(pa, sizeof pa, "%s/%s", a, name);
    snprintf(pb, sizeof pb, "%s/%s", b, name);
    size_t la, lb;
    char *xa = tu_read_file(pa, &la), *xb = tu_read_file(pb, &lb);
    if (la != lb || memcmp(xa, xb, la))
        fail_msg("%s differs between %s and %s", name, a, b);
    free(xa);
    free(xb);
}

/* Build an index at `dir` from documents docs[0..n), each {name, title or
 * NULL, text}, stemmed in `stem` ("none": not stemmed), and open it. */
static inline loci_index *tu_build_titled(const char *dir, const char *const (*docs)[3], size_t n,
                                          loci_passage_mode mode, const char *stem)
{
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = stem;
    o.passage_mode = mode;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(loci_builder_add_document(b, docs[i][0], docs[i][1], docs[i][2],
                                                   strlen(docs[i][2]), 1, &err),
                         LOCI_OK);
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
    loci_index *idx;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    return idx;
}

/* tu_build_titled of untitled texts named d0, d1, ... */
static inline loci_index *tu_build_stem(const char *dir, const char *const *docs, size_t n,
                                        loci_passage_mode mode, const char *stem)
{
    const char *(*rec)[3] = calloc(n ? n : 1, sizeof *rec);
    char (*names)[32] = calloc(n ? n : 1, sizeof *names);
    assert_non_null(rec);
    assert_non_null(names);
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "d%zu", i);
        rec[i][0] = names[i];
        rec[i][2] = docs[i];
    }
    loci_index *idx = tu_build_titled(dir, (const char *const (*)[3])rec, n, mode, stem);
    free(rec);
    free(names);
    return idx;
}

/* tu_build_stem without stemming. */
static inline loci_index *tu_build(const char *dir, const char *const *docs, size_t n,
                                   loci_passage_mode mode)
{
    return tu_build_stem(dir, docs, n, mode, "none");
}

/* The manifest of the index at `dir` (test_commit, test_living). */
static inline void tu_read_manifest(const char *dir, struct manifest *m)
{
    loci_error err;
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    if (manifest_read(fd, dir, m, &err))
        fail_msg("manifest: %s", err.message);
    close(fd);
}

/* Deterministic PRNG for randomized tests (xorshift64*). */
static inline uint64_t tu_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/* Build an index at `dir` of `ndocs` random documents (no stemming,
 * passages of at most 30 tokens, so several per document) of 1 to 90 words
 * "tN", Zipf-like: word N = top / (1 + r) for r uniform in 0..999, so some
 * terms have many postings blocks and some one posting; a paragraph break
 * after a word now and then. `seed` goes on from where it is. */
static inline loci_index *tu_build_zipf(const char *dir, uint64_t *seed, int ndocs, double top)
{
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    o.passage_tokens = 30;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    char text[8192];
    for (int d = 0; d < ndocs; d++) {
        size_t n = 0;
        int words = 1 + (int)(tu_rand(seed) % 90);
        for (int w = 0; w < words; w++) {
            int v = (int)(top / (1 + (double)(tu_rand(seed) % 1000)));
            n += (size_t)snprintf(text + n, sizeof text - n, "t%d%s", v,
                                  tu_rand(seed) % 25 ? " " : "\n\n");
        }
        assert_int_equal(loci_builder_add_document(b, "d", NULL, text, n, 1, &err), LOCI_OK);
    }
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
    loci_index *idx;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    return idx;
}

#endif
