/*
 * test_extract_html.c — HTML to text: tags, comments, script and style
 * removed, entities decoded, block elements as paragraph breaks, every
 * newline kept where it was (extractutil.h checks that, and that any
 * split of the input gives the same text).
 */
#include "testutil.h"

#include "extractutil.h"

static char out[4096];

static const char *html(const char *in)
{
    xu_extract(LOCI_FORMAT_HTML, in, out, sizeof out);
    return out;
}

static void test_tags_and_blocks(void **state)
{
    (void)state;
    assert_string_equal(html("<p>Hello <b>wor</b>ld</p><p>next</p>"), "Hello world|next|");
    assert_string_equal(html("<div class=\"term\">a</div>\n<li>b<br>c</li>"), "a|\nb c|");
    /* a '>' inside a quoted attribute does not end the tag */
    assert_string_equal(html("<a title=\"x > y\" href='>'>link</a> text"), "link text");
    /* newlines inside tags, comments and scripts are kept, nothing else of them */
    assert_string_equal(html("<a\nhref=x>w</a><!-- c\nc --><script>\nvar x = '<p>';\n</script>z"),
                        "\nw\n\n\nz");
    assert_string_equal(html("<style type=\"text/css\"><!--\np {}\n--></STYLE>after"), "\n\nafter");
    /* not tags */
    assert_string_equal(html("a < b and c<3"), "a < b and c<3");
    assert_string_equal(html("<!DOCTYPE html><?xml version=\"1.0\"?>x"), "x");
    assert_string_equal(html("<![CDATA[raw]]>y"), "y");
}

static void test_title(void **state)
{
    (void)state;
    assert_string_equal(html("<html><head><title>The Title</title></head>\n<body>Text</body>"),
                        "The Title|\nText|"); /* breaks around white space are one */
}

static void test_entities(void **state)
{
    (void)state;
    assert_string_equal(html("&lt;tag&gt; &amp; &quot;q&quot; &apos;"), "<tag> & \"q\" '");
    assert_string_equal(html("caf&eacute; &Eacute;&mdash;&#233;&#xE9;&#X41;"),
                        "caf\xc3\xa9 \xc3\x89\xe2\x80\x94\xc3\xa9\xc3\xa9" "A");
    assert_string_equal(html("&alpha;&Omega;&Sigma;&sigmaf;&euro;&hellip;&nbsp;"),
                        "\xce\xb1\xce\xa9\xce\xa3\xcf\x82\xe2\x82\xac\xe2\x80\xa6\xc2\xa0");
    /* unknown or unterminated references stay as written */
    assert_string_equal(html("&nosuch; AT&T &amp"), "&nosuch; AT&T &amp");
    /* a reference to a newline or a form feed would add a line or a break */
    assert_string_equal(html("a&#10;b&#12;c&NewLine;d"), "a b c d");
    assert_string_equal(html("&#0;&#xD800;&#1114112;"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    assert_int_equal(html_entity("amp", 3), '&');
    assert_int_equal(html_entity("yuml", 4), 0xff);
    assert_int_equal(html_entity("Beta", 4), 0x392);
    assert_int_equal(html_entity("Sigmaf", 6), 0);
    assert_int_equal(html_entity("bogus", 5), 0);
}

static void test_form_feed_in_text(void **state)
{
    (void)state;
    /* a form feed of the page is a space: only block elements make breaks */
    assert_string_equal(html("a\fb"), "a b");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tags_and_blocks),
        cmocka_unit_test(test_title),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_form_feed_in_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
