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
    expect(&f, 1, 0, 1, 3, 3, PARAS, "gamma delta, epsilon");
    expect(&f, 2, 0, 2, 6, 1, PARAS, "zeta");
    assert_int_equal(f.s.tokens, 6);
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
    expect(&f, 0, 0, 0, 5, 4, text, "fine\nbro\xffken \xfe\xfe here");
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
    teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paragraphs),
        cmocka_unit_test(test_long_paragraph_windows_cover_every_token),
        cmocka_unit_test(test_whole_document),
        cmocka_unit_test(test_windows_ignore_paragraphs),
        cmocka_unit_test(test_lines_fixed_or_counted_from_first),
        cmocka_unit_test(test_empty_document_has_no_passage),
        cmocka_unit_test(test_invalid_utf8_replaced_and_counted),
        cmocka_unit_test(test_invalid_utf8_strict_names_its_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
