/*
 * test_extract_man.c — man pages to text: requests dropped, macros that
 * carry text kept, font and other escapes removed or printed, section
 * headings as paragraphs, every newline kept (extractutil.h).
 */
#include "testutil.h"

#include "extractutil.h"

static char out[4096];

static const char *man(const char *in)
{
    xu_extract(LOCI_FORMAT_MAN, in, out, sizeof out);
    return out;
}

static void test_requests_and_headings(void **state)
{
    (void)state;
    assert_string_equal(man(".\\\" a comment\n.TH LS 1 \"2024\" \"GNU\"\n.SH NAME\nls \\- list\n"),
                        "\n\nNAME|\nls - list\n");
    assert_string_equal(man(".SH \"SEE ALSO\"\n.BR dir (1),\n.IX Item \"x\"\n.B \"bold words\" more\n"),
                        "SEE ALSO|\ndir(1),\n\nbold words more\n");
    /* .IP keeps its tag, not its indent; .PP and .TP end paragraphs */
    assert_string_equal(man("a\n.PP\nb\n.IP \\(bu 4\nc\n.TP\n.B \\-x\nd"),
                        "a\n|\nb\n|\xe2\x80\xa2\nc\n|\n-x\nd");
    /* macro definitions and equations are skipped whole */
    assert_string_equal(man(".de XX\n.B inside\n..\n.EQ\nx sup 2\n.EN\nafter"), "\n\n\n\n\n\nafter");
}

static void test_escapes(void **state)
{
    (void)state;
    assert_string_equal(man("\\fBbold\\fR \\fIit\\fP \\f(CWcw\\fR \\f[B]b\\f[]"), "bold it cw b");
    assert_string_equal(man("\\s+2big\\s0 \\s10x\\s-1y"), "big xy");
    assert_string_equal(man("\\(em\\[en]\\(lq\\(rq\\*(lq\\*R\\e\\\\\\&.\\[u00E9]"),
                        "\xe2\x80\x94\xe2\x80\x93\xe2\x80\x9c\xe2\x80\x9d\xe2\x80\x9c\xc2\xae\\\\."
                        "\xc3\xa9");
    assert_string_equal(man("a\\h'3n'b\\w'xx'c\\kxd\\zze"), "abcdze");
    assert_string_equal(man("text \\\" comment\nnext"), "text \nnext");
    /* an escape cut by the end of the line ends there */
    assert_string_equal(man("a\\f\nb\\(e\nc\\"), "a\nb\nc");
    /* nothing of "fB" or "IX" is left to be found */
    assert_null(strstr(man(".IX Header \"x\"\n\\fBword\\fR"), "fB"));
}

static void test_mdoc(void **state)
{
    (void)state;
    assert_string_equal(man(".Dd May 1, 2020\n.Dt LS 1\n.Sh NAME\n.Nm ls\n.Nd list\n"
                            ".Sh SYNOPSIS\n.Op Fl a Ar file\n.Pp\n.It Fl v\nverbose"),
                        "\n\nNAME|\nls\nlist\n|SYNOPSIS|\na file\n|\nv\nverbose");
}

static void test_tables(void **state)
{
    (void)state;
    /* tbl: options and format lines are not text, the data is */
    assert_string_equal(man("x\n.TS\nallbox;\nl l.\nname\tvalue\n.TE\ny"), "x\n|\n\n\nname\tvalue\n|\ny");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests_and_headings),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_mdoc),
        cmocka_unit_test(test_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
