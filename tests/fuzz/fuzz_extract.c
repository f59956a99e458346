/*
 * fuzz_extract.c — libFuzzer target for the extractors (extract.h): HTML,
 * man pages and Markdown to text.
 *
 * The first byte picks the format (HTML, man, Markdown, or detection from
 * the name "fuzz" and the content), the second where to cut the input;
 * the rest is the file. Checks: the output has exactly the input's
 * newlines (so line numbers stay the file's), the input cut into three
 * pieces gives the same output as whole, and every passage the splitter
 * makes of the output starts on a line of the file (1 to its newlines +
 * 1). Crashes, leaks and hangs are libFuzzer's to find.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "extract.h"
#include "format.h"
#include "passage.h"

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_extract: %s\n", what);
    abort();
}

static size_t newlines(const uint8_t *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += p[i] == '\n';
    return k;
}

static void extract(loci_doc_format f, const char *p, size_t n, size_t cut1, size_t cut2,
                    struct buf *out)
{
    struct extractor x;
    extract_begin(&x, f);
    out->len = 0;
    if (extract_feed(&x, p, cut1, out) || extract_feed(&x, p + cut1, cut2 - cut1, out) ||
        extract_feed(&x, p + cut2, n - cut2, out) || extract_end(&x, out))
        fail("out of memory");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    static const loci_doc_format formats[] = {LOCI_FORMAT_HTML, LOCI_FORMAT_MAN,
                                              LOCI_FORMAT_MARKDOWN, LOCI_FORMAT_AUTO};
    const char *in = (const char *)data + 2;
    size_t n = size - 2;
    loci_doc_format f = formats[data[0] % 4];
    if (f == LOCI_FORMAT_AUTO)
        f = extract_detect("fuzz", in, n);
    size_t cut1 = n ? data[1] % (n + 1) : 0, cut2 = cut1 + (n - cut1) / 2;
    struct buf whole = {0}, pieces = {0};
    extract(f, in, n, n, n, &whole);
    extract(f, in, n, cut1, cut2, &pieces);
    size_t lines = newlines((const uint8_t *)in, n);
    if (newlines(whole.data, whole.len) != lines)
        fail("the output's newlines are not the input's");
    if (pieces.len != whole.len || (whole.len && memcmp(pieces.data, whole.data, whole.len)))
        fail("the input in pieces gives another output than whole");

    /* the passages of the text start on lines of the file */
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    o.passage_tokens = 8;
    o.passage_stride = 6; /* the builder fills it in; the splitter needs it */
    struct splitter s;
    loci_error err;
    if (splitter_init(&s, &o, &err))
        fail(err.message);
    struct buf passages = {0}, lengths = {0};
    splitter_begin_batch(&s, &passages, &lengths);
    if (splitter_doc(&s, 0, "fuzz", whole.len ? (const char *)whole.data : "", whole.len, 1, 0,
                     &err))
        fail(err.message);
    for (size_t p = 0; p < s.npassages; p++) {
        uint32_t line = le32_get(passages.data + p * PASS_SIZE + PASS_LINE);
        if (line < 1 || line > lines + 1)
            fail("a passage starts on a line the file does not have");
    }
    splitter_free(&s);
    buf_free(&passages);
    buf_free(&lengths);
    buf_free(&whole);
    buf_free(&pieces);
    return 0;
}
