/*
 * test_extract.c — format detection by name and by content, format names,
 * UTF-8 encoding, and plain text passing through untouched.
 */
#include "testutil.h"

#include "extractutil.h"

static loci_doc_format detect(const char *path, const char *head)
{
    return extract_detect(path, head, strlen(head));
}

static void test_by_name(void **state)
{
    (void)state;
    assert_int_equal(detect("doc/index.html", ""), LOCI_FORMAT_HTML);
    assert_int_equal(detect("doc/INDEX.HTM", ""), LOCI_FORMAT_HTML);
    assert_int_equal(detect("a/b.xhtml.gz", ""), LOCI_FORMAT_HTML);
    assert_int_equal(detect("README.md", ""), LOCI_FORMAT_MARKDOWN);
    assert_int_equal(detect("README.markdown.gz", ""), LOCI_FORMAT_MARKDOWN);
    assert_int_equal(detect("x.man", ""), LOCI_FORMAT_MAN);
    assert_int_equal(detect("/usr/share/man/man1/ls.1.gz", "x"), LOCI_FORMAT_MAN);
    assert_int_equal(detect("/usr/share/man/de/man3/printf.3pm.gz", "x"), LOCI_FORMAT_MAN);
    assert_int_equal(detect("man/tclsh.n", "x"), LOCI_FORMAT_MAN);
    /* a section number outside a man directory says nothing */
    assert_int_equal(detect("/usr/share/doc/x/changelog.1.gz", "x"), LOCI_FORMAT_TEXT);
    assert_int_equal(detect("mandir/ls.1", "x"), LOCI_FORMAT_TEXT);
    /* .txt is text, whatever it holds */
    assert_int_equal(detect("notes.txt", "<html>"), LOCI_FORMAT_TEXT);
    assert_int_equal(detect(".hidden", "x"), LOCI_FORMAT_TEXT);
}

static void test_by_content(void **state)
{
    (void)state;
    assert_int_equal(detect("NEWS", "<!DOCTYPE HTML PUBLIC"), LOCI_FORMAT_HTML);
    assert_int_equal(detect("page", "\xef\xbb\xbf\n  <html lang=en>"), LOCI_FORMAT_HTML);
    assert_int_equal(detect("page", "<?xml version=\"1.0\"?>\n<html xmlns="), LOCI_FORMAT_HTML);
    assert_int_equal(detect("data", "<?xml version=\"1.0\"?>\n<feed>"), LOCI_FORMAT_TEXT);
    assert_int_equal(detect("ls", ".TH LS 1"), LOCI_FORMAT_MAN);
    assert_int_equal(detect("ls", ".\\\" comment"), LOCI_FORMAT_MAN);
    assert_int_equal(detect("ls", "'\\\" t"), LOCI_FORMAT_MAN);
    assert_int_equal(detect("ls", ".Dd $Mdocdate$"), LOCI_FORMAT_MAN);
    assert_int_equal(detect("changelog", "pkg (1.0) unstable"), LOCI_FORMAT_TEXT);
    assert_int_equal(detect("-", ""), LOCI_FORMAT_TEXT);
}

static void test_names_and_text(void **state)
{
    (void)state;
    loci_doc_format f;
    for (int i = 0; i < 5; i++) {
        assert_int_equal(extract_parse_format(extract_format_name((loci_doc_format)i), &f), 0);
        assert_int_equal(f, i);
    }
    assert_int_equal(extract_parse_format("pdf", &f), -1);
    char out[64];
    xu_extract(LOCI_FORMAT_TEXT, "<p>kept\n&amp;\f</p>", out, sizeof out);
    assert_string_equal(out, "<p>kept\n&amp;|</p>");
    char u[4];
    assert_int_equal(extract_utf8(u, 0x41), 1);
    assert_int_equal(extract_utf8(u, 0xe9), 2);
    assert_int_equal(extract_utf8(u, 0x20ac), 3);
    assert_memory_equal(u, "\xe2\x82\xac", 3);
    assert_int_equal(extract_utf8(u, 0x1f600), 4);
    assert_memory_equal(u, "\xf0\x9f\x98\x80", 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_name),
        cmocka_unit_test(test_by_content),
        cmocka_unit_test(test_names_and_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
