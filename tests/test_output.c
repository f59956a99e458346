/*
 * test_output.c — hit formatting: text (header, wrapping, indentation,
 * highlight escapes), JSON Lines (fields, escaping) and TREC lines.
 */
#include "testutil.h"

#include "output.h"

static struct output_hit sample(loci_hit *h, loci_passage *p, const char *text, loci_span *spans,
                                size_t n)
{
    memset(p, 0, sizeof *p);
    p->id = 17;
    p->doc = 2;
    p->ordinal = 3;
    p->line = 23;
    p->byte_start = 100;
    p->byte_end = 100 + strlen(text);
    p->doc_name = "dir/my file.txt";
    p->doc_name_len = strlen(p->doc_name);
    p->text = text;
    p->text_len = strlen(text);
    *h = (loci_hit){17, 2, 7.25};
    return (struct output_hit){"q1", "the \"query\"", 1, h, p, spans, n, 0, 0, 0, 0, NULL, 0,
                               NULL, NULL, 0};
}

static const struct text_style plain = {0, 0, 0}, colored = {1, 0, 0};

static char *str(struct buf *b)
{
    buf_putc(b, '\0');
    return (char *)b->data;
}

static void test_text(void **state)
{
    (void)state;
    loci_hit h;
    loci_passage p;
    loci_span spans[] = {{0, 5}, {11, 16}};
    struct output_hit oh = sample(&h, &p, "Alpha beta\ngamma delta", spans, 2);
    struct buf b = {0};
    assert_int_equal(output_text(&b, &oh, &plain), 0);
    assert_string_equal(str(&b), "1. 7.2500  dir/my file.txt:23\n    Alpha beta gamma delta\n\n");
    b.len = 0;
    assert_int_equal(output_text(&b, &oh, &colored), 0);
    assert_string_equal(str(&b), "1. 7.2500  dir/my file.txt:23\n    \033[1;31mAlpha\033[0m beta "
                                 "\033[1;31mgamma\033[0m delta\n\n");
    /* wrapping: no line longer than OUTPUT_WIDTH, every line indented */
    char longtext[1000] = "";
    for (int i = 0; i < 60; i++)
        strcat(longtext, "word12345 ");
    oh = sample(&h, &p, longtext, NULL, 0);
    b.len = 0;
    assert_int_equal(output_text(&b, &oh, &plain), 0);
    char *s = str(&b), *line = strchr(s, '\n') + 1;
    int lines = 0;
    while (*line && *line != '\n') {
        char *nl = strchr(line, '\n');
        assert_true(nl - line <= OUTPUT_WIDTH);
        assert_memory_equal(line, "    word", 8);
        line = nl + 1;
        lines++;
    }
    assert_true(lines >= 8);
    buf_free(&b);
}

/* A document with other names (duplicates stored once): "also: ..." on
 * the line after the name in text, an "also" array in JSON; a form feed
 * (an extractor's paragraph break) is white space in text output. */
static void test_also_and_form_feeds(void **state)
{
    (void)state;
    loci_hit h;
    loci_passage p;
    struct output_hit oh = sample(&h, &p, "Alpha\f beta", NULL, 0);
    static const size_t lens[] = {6, 5};
    oh.also = "b/NEWSc/\x1b[m";
    oh.also_len = lens;
    oh.nalso = 2;
    struct buf b = {0};
    assert_int_equal(output_text(&b, &oh, &plain), 0);
    assert_string_equal(str(&b), "1. 7.2500  dir/my file.txt:23\n    also: b/NEWS, c/\x1b[m\n"
                                 "    Alpha beta\n\n");
    b.len = 0;
    struct text_style esc = {0, 0, 1};
    assert_int_equal(output_text(&b, &oh, &esc), 0);
    assert_non_null(strstr(str(&b), "also: b/NEWS, c/\\x1b[m\n"));
    b.len = 0;
    assert_int_equal(output_json(&b, &oh), 0);
    assert_non_null(strstr(str(&b), ", \"also\": [\"b/NEWS\", \"c/\\u001b[m\"]}\n"));
    oh.nalso = 0;
    b.len = 0;
    assert_int_equal(output_json(&b, &oh), 0);
    assert_null(strstr(str(&b), "also"));
    buf_free(&b);
}

static void test_json_and_trec(void **state)
{
    (void)state;
    loci_hit h;
    loci_passage p;
    loci_span spans[] = {{0, 5}};
    struct output_hit oh = sample(&h, &p, "Alpha \"b\"", spans, 1);
    struct buf b = {0};
    assert_int_equal(output_json(&b, &oh), 0);
    assert_string_equal(str(&b),
                        "{\"qid\": \"q1\", \"query\": \"the \\\"query\\\"\", \"rank\": 1, "
                        "\"score\": 7.250000, \"doc\": \"dir/my file.txt\", \"doc_id\": 2, "
                        "\"passage\": 17, \"ordinal\": 3, \"line\": 23, \"byte_start\": 100, "
                        "\"byte_end\": 109, \"text\": \"Alpha \\\"b\\\"\", \"highlights\": [[0, 5]]}\n");
    b.len = 0;
    assert_int_equal(output_trec(&b, &oh, 0, "run"), 0);
    assert_string_equal(str(&b), "q1 Q0 dir/my_file.txt#3 1 7.250000 run\n");
    b.len = 0;
    assert_int_equal(output_trec(&b, &oh, 1, "my tag"), 0);
    assert_string_equal(str(&b), "q1 Q0 dir/my_file.txt 1 7.250000 my_tag\n");
    buf_free(&b);
}

/* --explain: a line per clause in text, an "explain" array in JSON. */
static void test_explain(void **state)
{
    (void)state;
    loci_hit h;
    loci_passage p;
    struct output_hit oh = sample(&h, &p, "Alpha", NULL, 0);
    loci_explain_clause ex[] = {{"alpha", 2, 1.5, 0.75, 2.25}, {"\"b c\"~2", 0, 3, 0.75, 0}};
    oh.explain = ex;
    oh.nexplain = 2;
    struct buf b = {0};
    assert_int_equal(output_text(&b, &oh, &plain), 0);
    assert_non_null(strstr(str(&b), "    alpha: tf 2, idf 1.5, norm 0.75 -> 2.25\n"
                                    "    \"b c\"~2: tf 0, idf 3, norm 0.75 -> 0\n\n"));
    b.len = 0;
    assert_int_equal(output_json(&b, &oh), 0);
    assert_non_null(strstr(str(&b), ", \"explain\": [{\"clause\": \"alpha\", \"tf\": 2, "
                                    "\"idf\": 1.5, \"norm\": 0.75, \"contribution\": 2.25}, "
                                    "{\"clause\": \"\\\"b c\\\"~2\", \"tf\": 0, \"idf\": 3, "
                                    "\"norm\": 0.75, \"contribution\": 0}]}\n"));
    buf_free(&b);
}

/* Distinct scores never print as equal: a neighbour that differs gets as
 * many decimals as it takes; equal scores do not ask for more. */
static void test_score_decimals(void **state)
{
    (void)state;
    const double s[] = {2.5, 1.000012, 1.000011, 1.000011, 0.25, 0.25 + 1e-15};
    assert_int_equal(output_decimals(s, 6, 0, 4), 4);
    assert_int_equal(output_decimals(s, 6, 1, 4), 6); /* 1.000012 vs 1.000011 */
    assert_int_equal(output_decimals(s, 6, 2, 4), 6);
    assert_int_equal(output_decimals(s, 6, 3, 4), 4); /* its neighbours: equal, 0.25 */
    assert_int_equal(output_decimals(s, 6, 4, 4), 15);
    assert_int_equal(output_decimals(s, 6, 5, 6), 15);
    assert_int_equal(output_decimals(s, 1, 0, 6), 6);
    loci_hit h;
    loci_passage p;
    struct output_hit oh = sample(&h, &p, "text", NULL, 0);
    h.score = 1.000012;
    oh.decimals = 6;
    struct buf b = {0};
    assert_int_equal(output_text(&b, &oh, &plain), 0);
    assert_non_null(strstr(str(&b), "1. 1.000012  "));
    b.len = 0;
    assert_int_equal(output_json(&b, &oh), 0);
    assert_non_null(strstr(str(&b), "\"score\": 1.000012,"));
    buf_free(&b);
}

/* On a terminal, a document's control characters and escape sequences
 * are shown, never acted on; highlights still wrap the right words. */
static void test_text_escapes_controls_for_a_terminal(void **state)
{
    (void)state;
    loci_hit h;
    loci_passage p;
    const char *text = "red\033[31m alarm\a \xe2\x80\xae" "evil \xc2\x85next \xff end";
    loci_span spans[] = {{9, 14}};
    struct output_hit oh = sample(&h, &p, text, spans, 1);
    p.doc_name = "bad\033]0;title\a.txt";
    p.doc_name_len = strlen(p.doc_name);
    struct buf b = {0};
    const struct text_style tty = {1, 0, 1};
    assert_int_equal(output_text(&b, &oh, &tty), 0);
    const char *o = str(&b);
    assert_string_equal(o, "1. 7.2500  bad\\x1b]0;title\\x07.txt:23\n"
                           "    red\\x1b[31m \033[1;31malarm\033[0m\\x07 \\u202eevil \\u0085next "
                           "\\xff end\n\n");
    /* piped, the bytes go through as they are */
    b.len = 0;
    assert_int_equal(output_text(&b, &oh, &plain), 0);
    assert_non_null(strstr(str(&b), "red\033[31m alarm\a"));
    buf_free(&b);
}

/* Text wraps to the width it is given (a terminal's), every line indented. */
static void test_text_width(void **state)
{
    (void)state;
    loci_hit h;
    loci_passage p;
    char longtext[2000] = "";
    for (int i = 0; i < 100; i++)
        strcat(longtext, "word12345 ");
    struct output_hit oh = sample(&h, &p, longtext, NULL, 0);
    static const int widths[] = {40, 80, 132};
    for (size_t w = 0; w < 3; w++) {
        struct buf b = {0};
        const struct text_style st = {0, widths[w], 0};
        assert_int_equal(output_text(&b, &oh, &st), 0);
        char *o = str(&b);
        size_t longest = 0, lines = 0;
        for (char *line = strtok(strchr(o, '\n') + 1, "\n"); line; line = strtok(NULL, "\n")) {
            assert_int_equal(strncmp(line, "    word", 8), 0);
            longest = strlen(line) > longest ? strlen(line) : longest;
            lines++;
        }
        assert_true(longest <= (size_t)widths[w]);
        assert_true(longest > (size_t)widths[w] - 11); /* filled, not wrapped early */
        assert_true(lines > 1);
        buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_decimals),
        cmocka_unit_test(test_text_escapes_controls_for_a_terminal),
        cmocka_unit_test(test_text_width),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_json_and_trec),
        cmocka_unit_test(test_also_and_form_feeds),
        cmocka_unit_test(test_explain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
