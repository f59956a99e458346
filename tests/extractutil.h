/*
 * extractutil.h — a helper shared by the extractor tests: extract a
 * string whole and in two pieces cut at every byte, check that the pieces
 * give the same output and that every newline is kept (and none added),
 * and return the output as a string with form feeds shown as '|'.
 * Include after testutil.h.
 */
#ifndef LOCI_EXTRACTUTIL_H
#define LOCI_EXTRACTUTIL_H

#include "extract.h"

static size_t xu_newlines(const uint8_t *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += p[i] == '\n';
    return k;
}

/* The text of `in` in `format`, into out (NUL-terminated, form feeds as '|'). */
static inline void xu_extract(loci_doc_format format, const char *in, char *out, size_t cap)
{
    size_t n = strlen(in);
    struct buf whole = {0}, split = {0};
    struct extractor x;
    extract_begin(&x, format);
    assert_int_equal(extract_feed(&x, in, n, &whole), LOCI_OK);
    assert_int_equal(extract_end(&x, &whole), LOCI_OK);
    assert_int_equal(xu_newlines(whole.data, whole.len), xu_newlines((const uint8_t *)in, n));
    for (size_t cut = 0; cut <= n; cut++) {
        split.len = 0;
        extract_begin(&x, format);
        assert_int_equal(extract_feed(&x, in, cut, &split), LOCI_OK);
        assert_int_equal(extract_feed(&x, in + cut, n - cut, &split), LOCI_OK);
        assert_int_equal(extract_end(&x, &split), LOCI_OK);
        assert_int_equal(split.len, whole.len);
        assert_memory_equal(split.data, whole.data, whole.len);
    }
    assert_true(whole.len < cap);
    for (size_t i = 0; i < whole.len; i++)
        out[i] = whole.data[i] == '\f' ? '|' : (char)whole.data[i];
    out[whole.len] = '\0';
    buf_free(&whole);
    buf_free(&split);
}

#endif
