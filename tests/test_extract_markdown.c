/*
 * test_extract_markdown.c — Markdown: headings and list items become
 * paragraphs of their own, fenced code is left alone, every byte else is
 * kept (extractutil.h checks lines and splits).
 */
#include "testutil.h"

#include "extractutil.h"

static char out[4096];

static const char *md(const char *in)
{
    xu_extract(LOCI_FORMAT_MARKDOWN, in, out, sizeof out);
    return out;
}

static void test_headings(void **state)
{
    (void)state;
    assert_string_equal(md("# Title\ntext\n## Sub ##\nmore"), "# Title|\ntext\n|## Sub ##|\nmore");
    assert_string_equal(md("#hashtag\n####### seven"), "#hashtag\n####### seven");
    assert_string_equal(md("Setext\n======\nbody\nOther\n---\nx"),
                        "Setext\n======|\nbody\nOther\n---|\nx");
    assert_string_equal(md("   # indented\n    # code"), "   # indented|\n    # code");
    assert_string_equal(md("#"), "#|");
}

static void test_lists(void **state)
{
    (void)state;
    assert_string_equal(md("intro\n- one\n- two\n  cont\n* three\n+ four"),
                        "intro\n|- one\n|- two\n  cont\n|* three\n|+ four");
    assert_string_equal(md("1. a\n22) b\n1234567890. c\n-no\n3.14 pi"),
                        "1. a\n|22) b\n1234567890. c\n-no\n3.14 pi");
    /* a number other than 1 does not interrupt a paragraph (CommonMark)... */
    assert_string_equal(md("text (line\n23) on it\n1. one\n2. two\n\n3. three\n\npara\n4) no"),
                        "text (line\n23) on it\n|1. one\n|2. two\n\n|3. three\n\npara\n4) no");
}

static void test_fences(void **state)
{
    (void)state;
    assert_string_equal(md("```sh\n# comment\n- x\n```\n# Real"), "```sh\n# comment\n- x\n```\n|# Real|");
    assert_string_equal(md("~~~~\n```\n# in\n~~~~\n- out"), "~~~~\n```\n# in\n~~~~\n|- out");
    assert_string_equal(md("a\fb"), "a b");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headings),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_fences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
