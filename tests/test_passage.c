/*
 * test_passage.c — cutting documents into passages: paragraphs with their
 * first lines and byte spans, long paragraphs cut into overlapping windows
 * that cover every token, whole documents, fixed windows across
 * paragraphs, fixed lines (JSONL records), numbering across documents of
 * a batch, and invalid UTF-8 replaced and counted, or (strict) reported
 * with its line.
 */
#include "testutil.h"

#include "codec.h"
#include "format.h"
#include "passage.h"
#include "run.h"

struct fixture {
    struct splitter s;
    struct buf passages, lengths;
};

static void setup(struct fixture *f, loci_passage_mode mode, unsigned size, unsigned stride)
{
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    o.passage_mode = mode;
    o.passage_tokens = size;
    o.passage_stride = stride;
    loci_error err;
    memset(&f->passages, 0, sizeof f->passages);
    memset(&f->lengths, 0, sizeof f->lengths);
    assert_int_equal(splitter_init(&f->s, &o, &err), LOCI_OK);
    splitter_begin_batch(&f->s, &f->passages, &f->lengths);
}

static void teardown(struct fixture *f)
{
    splitter_free(&f->s);
    buf_free(&f->passages);
    buf_free(&f->lengths);
}

static size_t count(const struct fixture *f) { return f->passages.len / PASS_SIZE; }

/* Check passage i: document, ordinal, line, token count, and its text
 * (the byte span from its first token's start to its last token's end). */
static void expect(const struct fixture *f, size_t i, uint32_t doc, uint32_t ordinal,
                   uint32_t line, uint32_t tokens, const char *text, const char *span)
{
    assert_true(i < count(f));
    const uint8_t *r = f->passages.data + i * PASS_SIZE;
    assert_int_equal(le32_get(r + PASS_DOC), doc);
    assert_int_equal(le32_get(r + PASS_ORDINAL), ordinal);
    assert_int_equal(le32_get(r + PASS_LINE), line);
    assert_int_equal(le32_get(f->lengths.data + 4 * i), tokens);
    uint64_t start = le64_get(r + PASS_START);
    uint32_t len = le32_get(r + PASS_LEN);
    assert_int_equal(len, strlen(span));
    assert_memory_equal(text + start, span, len);
}

static void add(struct fixture *f, uint32_t doc, const char *text, unsigned first_line,
                unsigned fixed_line)
{
    loci_error err;
    assert_int_equal(splitter_doc(&f->s, doc, "doc.txt", text, strlen(text), first_line,
                                  fixed_line, &err),
                     LOCI_OK);
}

static const char *const PARAS = "Alpha beta\n\ngamma delta, epsilon.\n\n\n  zeta\n";

static void test_paragraphs(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, LOCI_PASSAGE_PARAGRAPH, 200, 150);
    add(&f, 0, PARAS, 1, 0);
    assert_int_equal(count(&f), 3);
    expect(&f, 0, 0, 0, 1, 2, PARAS, "Alpha beta");
    expect(&f, 1, 0, 1, 3, 3, PARAS, "gamma delta, epsilon."); /* as written: its '.' too */
    expect(&f, 2, 0, 2, 6, 1, PARAS, "zeta");
    assert_int_equal(f.s.tokens, 6);
    teardown(&f);
}

/* A passage is its paragraph as written: brackets, footnote marks and
 * punctuation before its first word and after its last are part of it
 * (they used to be cut off at the first and last token). */
static void test_paragraph_as_written(void **state)
{
    (void)state;
    const char *text = "  (Source: the Prime Minister)\n\nsecurity cooperation.[1].\n\n"
                       "\xe2\x80\x94 dash first, then words (London, 2022).  \n\n(\nlate word\n";
    struct fixture f;
    setup(&f, LOCI_PASSAGE_PARAGRAPH, 200, 150);
    add(&f, 0, text, 1, 0);
    assert_int_equal(count(&f), 4);
    expect(&f, 0, 0, 0, 1, 4, text, "(Source: the Prime Minister)");
    expect(&f, 1, 0, 1, 3, 3, text, "security cooperation.[1].");
    expect(&f, 2, 0, 2, 5, 6, text, "\xe2\x80\x94 dash first, then words (London, 2022).");
    /* a paragraph whose first line is only a bracket starts on that line */
    expect(&f, 3, 0, 3, 7, 2, text, "(\nlate word");
    teardown(&f);
    /* windows of a long paragraph: the first starts with the paragraph,
     * the last ends with it, and a cut inside the paragraph falls at a word */
    const char *longer = "[a] b, c. d (e) f; g.";
    setup(&f, LOCI_PASSAGE_PARAGRAPH, 3, 2);
    add(&f, 0, longer, 1, 0);
    assert_int_equal(count(&f), 3);
    expect(&f, 0, 0, 0, 1, 3, longer, "[a] b, c");
    expect(&f, 1, 0, 1, 1, 3, longer, "c. d (e");
    expect(&f, 2, 0, 2, 1, 3, longer, "e) f; g.");
    teardown(&f);
    /* one passage per document: the document as written */
    setup(&f, LOCI_PASSAGE_DOCUMENT, 0, 0);
    add(&f, 0, text, 1, 0);
    char whole[200];
    snprintf(whole, sizeof whole, "%.*s", (int)strlen(text) - 3, text + 2); /* no blanks around */
    expect(&f, 0, 0, 0, 1, 15, text, whole);
    teardown(&f);
}

static void test_long_paragraph_windows_cover_every_token(void **state)
{
    (void)state;
    const char *text = "t0 t1 t2 t3 t4 t5 t6 t7 t8 t9";
    struct fixture f;
    setup(&f, LOCI_PASSAGE_PARAGRAPH, 4, 3);
    add(&f, 0, text, 1, 0);
    /* windows of 4 every 3; the last one ends at the paragraph's end */
    assert_int_equal(count(&f), 3);
    expect(&f, 0, 0, 0, 1, 4, text, "t0 t1 t2 t3");
    expect(&f, 1, 0, 1, 1, 4, text, "t3 t4 t5 t6");
    expect(&f, 2, 0, 2, 1, 4, text, "t6 t7 t8 t9");
    teardown(&f);
    /* a window may end early when the paragraph does */
    setup(&f, LOCI_PASSAGE_PARAGRAPH, 4, 4);
    add(&f, 0, text, 1, 0);
    assert_int_equal(count(&f), 3);
    expect(&f, 2, 0, 2, 1, 2, text, "t8 t9");
    teardown(&f);
}

static void test_whole_document(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, LOCI_PASSAGE_DOCUMENT, 0, 0);
    add(&f, 0, PARAS, 1, 0);
    assert_int_equal(count(&f), 1);
    expect(&f, 0, 0, 0, 1, 6, PARAS, "Alpha beta\n\ngamma delta, epsilon.\n\n\n  zeta");
    teardown(&f);
}

static void test_windows_ignore_paragraphs(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, LOCI_PASSAGE_WINDOW, 4, 2);
    add(&f, 0, PARAS, 1, 0);
    assert_int_equal(count(&f), 2);
    expect(&f, 0, 0, 0, 1, 4, PARAS, "Alpha beta\n\ngamma delta");
    expect(&f, 1, 0, 1, 3, 4, PARAS, "gamma delta, epsilon.\n\n\n  zeta");
    teardown(&f);
}

static void test_lines_fixed_or_counted_from_first(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, LOCI_PASSAGE_PARAGRAPH, 200, 150);
    add(&f, 0, PARAS, 7, 0); /* a document starting on line 7 of its file */
    add(&f, 1, PARAS, 1, 42); /* a JSONL record on line 42 */
    assert_int_equal(count(&f), 6);
    expect(&f, 0, 0, 0, 7, 2, PARAS, "Alpha beta");
    expect(&f, 2, 0, 2, 12, 1, PARAS, "zeta");
    /* passages are numbered through the batch; ordinals restart per document */
    expect(&f, 3, 1, 0, 42, 2, PARAS, "Alpha beta");
    expect(&f, 5, 1, 2, 42, 1, PARAS, "zeta");
    teardown(&f);
}

static void test_empty_document_has_no_passage(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, LOCI_PASSAGE_PARAGRAPH, 200, 150);
    add(&f, 0, " \n\n -- \n", 1, 0);
    assert_int_equal(count(&f), 0);
    teardown(&f);
}

/* By default invalid UTF-8 is analyzed as U+FFFD (a separator) and
 * counted per document, with the line of the first invalid byte. */
static void test_invalid_utf8_replaced_and_counted(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, LOCI_PASSAGE_PARAGRAPH, 200, 150);
    const char *text = "fine\nbro\xffken \xfe\xfe here\n\xc3";
    loci_error err;
    assert_int_equal(splitter_doc(&f.s, 0, "doc.txt", text, strlen(text), 5, 0, &err), LOCI_OK);
    assert_int_equal(f.s.doc_invalid, 4);
    assert_int_equal(f.s.doc_bad_line, 6);
    assert_int_equal(count(&f), 1);
    expect(&f, 0, 0, 0, 5, 4, text, "fine\nbro\xffken \xfe\xfe here\n\xc3");
    /* a JSONL record reports its own line; a valid document counts none */
    assert_int_equal(splitter_doc(&f.s, 1, "doc.txt", text, strlen(text), 1, 9, &err), LOCI_OK);
    assert_int_equal(f.s.doc_bad_line, 9);
    assert_int_equal(splitter_doc(&f.s, 2, "doc.txt", "ok", 2, 1, 0, &err), LOCI_OK);
    assert_int_equal(f.s.doc_invalid, 0);
    teardown(&f);
}

/* With strict, invalid UTF-8 is an error naming the file, the line and
 * the byte, and saying how to index it anyway. */
static void test_invalid_utf8_strict_names_its_line(void **state)
{
    (void)state;
    struct fixture f;
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    o.strict = 1;
    loci_error err;
    memset(&f.passages, 0, sizeof f.passages);
    memset(&f.lengths, 0, sizeof f.lengths);
    assert_int_equal(splitter_init(&f.s, &o, &err), LOCI_OK);
    splitter_begin_batch(&f.s, &f.passages, &f.lengths);
    const char *text = "fine\nbroken \xff here\n";
    assert_int_equal(splitter_doc(&f.s, 0, "doc.txt", text, strlen(text), 1, 0, &err), LOCI_EUTF8);
    assert_string_equal(err.message,
                        "doc.txt:2: invalid UTF-8 (byte 0xff); drop --strict to index it with U+FFFD");
    assert_int_equal(count(&f), 0);
    /* streamed, the line is the same wherever the chunks end */
    for (size_t cut = 0; cut <= strlen(text); cut++) {
        loci_error e2;
        splitter_begin_doc(&f.s, 0, "doc.txt", 1, 0);
        int rc = splitter_feed(&f.s, text, cut, &e2);
        if (!rc)
            rc = splitter_feed(&f.s, text + cut, strlen(text) - cut, &e2);
        if (!rc)
            rc = splitter_end_doc(&f.s, &e2);
        assert_int_equal(rc, LOCI_EUTF8);
        assert_string_equal(e2.message, err.message);
    }
    teardown(&f);
}

/* Random text: words, numbers, apostrophes, punctuation, white space,
 * blank lines (with spaces, CRLF), non-ASCII words and separators,
 * invalid bytes, and long runs without a safe cut. */
static size_t random_text(char *out, size_t n, uint64_t *seed)
{
    static const char *const pieces[] = {
        "alpha", "beta", "Gamma", "d", "11.7", "3,5", "don't", "ROK's", "caf\xc3\xa9",
        "\xe2\x80\x99", "\xd0\x96\xd0\xb8", "\xe4\xb8\xad\xe6\x96\x87", "\xff", "\xc3",
        " ", " ", " ", "\n", "\n\n", "\r\n", "\r\n\r\n", " \n \t\n", "-", "(", ".", ",",
        "'", "\xe3\x80\x82", "\xc2\xad", "x"};
    size_t len = 0;
    while (len + 64 < n) {
        uint64_t r = tu_rand(seed);
        if (r % 50 == 0) { /* a run of word bytes with no safe cut */
            size_t run = 20 + tu_rand(seed) % 120;
            for (size_t i = 0; i < run && len + 64 < n; i++)
                out[len++] = (char)('a' + tu_rand(seed) % 3);
            continue;
        }
        const char *p = pieces[r % (sizeof pieces / sizeof *pieces)];
        size_t pl = strlen(p);
        memcpy(out + len, p, pl);
        len += pl;
    }
    return len;
}

static void write_run(struct splitter *s, const char *path)
{
    loci_error err;
    assert_int_equal(run_write(path, s->inv, &err), LOCI_OK);
}

/* A document fed in random chunks gives exactly the passages, lengths,
 * postings and invalid-UTF-8 counts of the same document given whole,
 * in every passage mode, forced cuts included. */
static void test_stream_equals_whole(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp(), pa[600], pb[600];
    snprintf(pa, sizeof pa, "%s/whole", dir);
    snprintf(pb, sizeof pb, "%s/stream", dir);
    size_t cap = 200000;
    char *text = malloc(cap);
    assert_non_null(text);
    uint64_t seed = 12345;
    static const struct { loci_passage_mode mode; unsigned size, stride; } modes[] = {
        {LOCI_PASSAGE_PARAGRAPH, 5, 3}, {LOCI_PASSAGE_PARAGRAPH, 200, 150},
        {LOCI_PASSAGE_WINDOW, 7, 7},    {LOCI_PASSAGE_WINDOW, 4, 1},
        {LOCI_PASSAGE_DOCUMENT, 0, 0}};
    for (int round = 0; round < 40; round++) {
        size_t len = random_text(text, 1000 + tu_rand(&seed) % (cap - 1000), &seed);
        size_t m = (size_t)round % (sizeof modes / sizeof *modes);
        struct fixture a, b;
        setup(&a, modes[m].mode, modes[m].size, modes[m].stride);
        setup(&b, modes[m].mode, modes[m].size, modes[m].stride);
        a.s.force_cut = b.s.force_cut = 30 + tu_rand(&seed) % 200;
        unsigned fixed = round % 3 == 0 ? 9 : 0;
        loci_error err;
        /* a document before it, so numbering across documents is checked */
        assert_int_equal(splitter_doc(&a.s, 0, "d", "one two\n\nthree", 15, 1, 0, &err), LOCI_OK);
        splitter_begin_doc(&b.s, 0, "d", 1, 0);
        assert_int_equal(splitter_feed(&b.s, "one two\n\nthree", 15, &err), LOCI_OK);
        assert_int_equal(splitter_end_doc(&b.s, &err), LOCI_OK);
        assert_int_equal(splitter_doc(&a.s, 1, "d", text, len, 3, fixed, &err), LOCI_OK);
        splitter_begin_doc(&b.s, 1, "d", 3, fixed);
        for (size_t off = 0; off < len;) {
            size_t n = tu_rand(&seed) % 5 == 0 ? tu_rand(&seed) % 4 : tu_rand(&seed) % 3000;
            if (n > len - off)
                n = len - off;
            assert_int_equal(splitter_feed(&b.s, text + off, n, &err), LOCI_OK);
            off += n;
        }
        assert_int_equal(splitter_end_doc(&b.s, &err), LOCI_OK);
        assert_true(count(&a) > 1);
        assert_int_equal(a.passages.len, b.passages.len);
        assert_memory_equal(a.passages.data, b.passages.data, a.passages.len);
        assert_int_equal(a.lengths.len, b.lengths.len);
        assert_memory_equal(a.lengths.data, b.lengths.data, a.lengths.len);
        assert_int_equal(a.s.tokens, b.s.tokens);
        assert_int_equal(a.s.doc_invalid, b.s.doc_invalid);
        assert_true(a.s.doc_invalid > 0);
        assert_int_equal(a.s.doc_bad_line, b.s.doc_bad_line);
        write_run(&a.s, pa);
        write_run(&b.s, pb);
        size_t la, lb;
        char *ra = tu_read_file(pa, &la), *rb = tu_read_file(pb, &lb);
        assert_int_equal(la, lb);
        assert_memory_equal(ra, rb, la);
        free(ra);
        free(rb);
        teardown(&a);
        teardown(&b);
    }
    free(text);
    tu_rmtree(dir);
    free(dir);
}

/* Cuts between chunks inside a word, a CRLF, a blank line and a UTF-8
 * sequence change nothing: the word, the line numbers, the paragraphs
 * and the invalid byte's line are those of the whole text. */
static void test_stream_cuts_anywhere(void **state)
{
    (void)state;
    const char *text = "Alpha be\r\n\r\ncaf\xc3\xa9 x\xffy\n  \n\nzeta omega";
    size_t len = strlen(text);
    for (size_t cut1 = 0; cut1 <= len; cut1++)
        for (size_t cut2 = cut1; cut2 <= len; cut2 += 3) {
            struct fixture f;
            setup(&f, LOCI_PASSAGE_PARAGRAPH, 200, 150);
            loci_error err;
            splitter_begin_doc(&f.s, 0, "doc.txt", 1, 0);
            assert_int_equal(splitter_feed(&f.s, text, cut1, &err), LOCI_OK);
            assert_int_equal(splitter_feed(&f.s, text + cut1, cut2 - cut1, &err), LOCI_OK);
            assert_int_equal(splitter_feed(&f.s, text + cut2, len - cut2, &err), LOCI_OK);
            assert_int_equal(splitter_end_doc(&f.s, &err), LOCI_OK);
            assert_int_equal(count(&f), 3);
            expect(&f, 0, 0, 0, 1, 2, text, "Alpha be");
            expect(&f, 1, 0, 1, 3, 3, text, "caf\xc3\xa9 x\xffy");
            expect(&f, 2, 0, 2, 6, 2, text, "zeta omega");
            assert_int_equal(f.s.doc_invalid, 1);
            assert_int_equal(f.s.doc_bad_line, 3);
            teardown(&f);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paragraphs),
        cmocka_unit_test(test_paragraph_as_written),
        cmocka_unit_test(test_long_paragraph_windows_cover_every_token),
        cmocka_unit_test(test_whole_document),
        cmocka_unit_test(test_windows_ignore_paragraphs),
        cmocka_unit_test(test_lines_fixed_or_counted_from_first),
        cmocka_unit_test(test_empty_document_has_no_passage),
        cmocka_unit_test(test_invalid_utf8_replaced_and_counted),
        cmocka_unit_test(test_invalid_utf8_strict_names_its_line),
        cmocka_unit_test(test_stream_equals_whole),
        cmocka_unit_test(test_stream_cuts_anywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
