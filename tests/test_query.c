/*
 * test_query.c — the query parser: the tree of each construct, the
 * precedence of OR, AND/NOT and juxtaposition, what is an operator and
 * what is a word, and one error line naming the column for each kind of
 * malformed query.
 */
#include "testutil.h"

#include "query.h"

/* The tree as a compact string: W(word) P(phrase)~N X(prefix) D(glob),
 * AND[..] OR[..] SEQ[..], with + / - / ! (NOT operand) before a kid. */
static void show(const char *q, const struct qnode *n, char *out, size_t cap)
{
    size_t l = strlen(out);
    const char *mod = n->mod == QM_REQUIRED ? "+" : n->mod == QM_EXCLUDED ? "-" : "";
    switch (n->kind) {
    case QN_WORD: snprintf(out + l, cap - l, "%sW(%.*s)", mod, (int)n->len, q + n->start); return;
    case QN_PHRASE:
        snprintf(out + l, cap - l, "%sP(%.*s)~%u", mod, (int)n->len, q + n->start, n->near);
        return;
    case QN_PREFIX: snprintf(out + l, cap - l, "%sX(%.*s)", mod, (int)n->len, q + n->start); return;
    case QN_DOC: snprintf(out + l, cap - l, "%sD(%.*s)", mod, (int)n->len, q + n->start); return;
    default: break;
    }
    snprintf(out + l, cap - l, "%s%s[", mod,
             n->kind == QN_AND ? "AND" : n->kind == QN_OR ? "OR" : "SEQ");
    for (size_t i = 0; i < n->nkid; i++) {
        if (i)
            strncat(out, " ", cap - strlen(out) - 1);
        show(q, n->kid[i], out, cap);
    }
    strncat(out, "]", cap - strlen(out) - 1);
}

static void expect(const char *q, const char *tree)
{
    struct qnode *n;
    loci_error err;
    if (query_parse(q, strlen(q), &n, &err))
        fail_msg("%s: %s", q, err.message);
    char buf[512] = "";
    show(q, n, buf, sizeof buf);
    if (strcmp(buf, tree))
        fail_msg("%s: got %s, want %s", q, buf, tree);
    query_free(n);
}

static void expect_error(const char *q, const char *msg)
{
    struct qnode *n;
    loci_error err;
    assert_int_equal(query_parse(q, strlen(q), &n, &err), LOCI_EINVAL);
    assert_null(n);
    if (strcmp(err.message, msg))
        fail_msg("%s: got \"%s\", want \"%s\"", q, err.message, msg);
}

static void test_constructs(void **state)
{
    (void)state;
    expect("cyber defence", "SEQ[W(cyber) W(defence)]");
    expect("\"Cyber Defence\"", "SEQ[P(Cyber Defence)~0]");
    expect("\"a b\"~5 c", "SEQ[P(a b)~5 W(c)]");
    expect("NATO -Korea +Japan", "SEQ[W(NATO) -W(Korea) +W(Japan)]");
    expect("+\"a b\" -(c OR d)", "SEQ[+P(a b)~0 -SEQ[OR[W(c) W(d)]]]");
    expect("sanction*", "SEQ[X(sanction)]");
    expect("doc:corpus/*.txt sanctions", "SEQ[D(corpus/*.txt) W(sanctions)]");
    expect("Indo-Pacific boundary-layer", "SEQ[W(Indo-Pacific) W(boundary-layer)]");
    expect("a - b", "SEQ[W(a) W(-) W(b)]");
    expect("cats and dogs or not", "SEQ[W(cats) W(and) W(dogs) W(or) W(not)]");
    expect("\"unclosed phrase", "SEQ[P(unclosed phrase)~0]");
    expect("a AND -b", "SEQ[AND[W(a) -W(b)]]");
}

static void test_precedence(void **state)
{
    (void)state;
    expect("(Japan OR Australia) AND partners", "SEQ[AND[SEQ[OR[W(Japan) W(Australia)]] W(partners)]]");
    expect("a OR b AND c", "SEQ[OR[W(a) AND[W(b) W(c)]]]");
    expect("a AND b OR c", "SEQ[OR[AND[W(a) W(b)] W(c)]]");
    expect("a NOT b AND c", "SEQ[AND[W(a) -W(b) W(c)]]");
    expect("x a OR b y", "SEQ[W(x) OR[W(a) W(b)] W(y)]");
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("(a b", "query: column 1: unbalanced '('");
    expect_error("a b)", "query: column 4: unbalanced ')'");
    expect_error("a OR", "query: column 3: OR needs a clause on its right");
    expect_error("AND a", "query: column 1: AND needs a clause on its left");
    expect_error("a NOT", "query: column 3: NOT needs a clause on its right");
    expect_error("-a", "query: column 1: the query only excludes; add a word to search for");
    expect_error("x (-a)", "query: column 4: the query only excludes; add a word to search for");
    expect_error("a ()", "query: column 3: empty parentheses");
    expect_error("doc:x", "query: column 1: doc: filters need something to search for");
    expect_error("(a doc:x)", "query: column 4: doc: filters apply to the whole query; "
                              "write them outside parentheses");
    expect_error("a OR -b", "query: column 6: an OR operand cannot be excluded; use NOT");
    expect_error("\"a b\"~0", "query: column 6: ~N: N must be from 1 to 1000");
    expect_error("é (", "query: column 3: unbalanced '('");
    char deep[200] = "";
    for (int i = 0; i < QUERY_MAX_DEPTH + 1; i++)
        strcat(deep, "(");
    struct qnode *n;
    loci_error err;
    assert_int_equal(query_parse(deep, strlen(deep), &n, &err), LOCI_EINVAL);
    assert_non_null(strstr(err.message, "nested too deep"));
}

static void test_plain(void **state)
{
    (void)state;
    assert_true(query_is_plain("cyber defence Indo-Pacific a - b and or", 39));
    assert_false(query_is_plain("a \"b\"", 5));
    assert_false(query_is_plain("a -b", 4));
    assert_false(query_is_plain("a*", 2));
    assert_false(query_is_plain("a OR b", 6));
    assert_false(query_is_plain("doc:x a", 7));
    assert_false(query_is_plain("(a)", 3));
    /* what query_is_plain calls plain parses to optional words only */
    const char *q = "x y-z - w and";
    struct qnode *n;
    loci_error err;
    assert_int_equal(query_parse(q, strlen(q), &n, &err), LOCI_OK);
    for (size_t i = 0; i < n->nkid; i++) {
        assert_int_equal(n->kid[i]->kind, QN_WORD);
        assert_int_equal(n->kid[i]->mod, QM_NONE);
    }
    query_free(n);
}

/* query_words: the words between whitespace, no syntax at all (a plain
 * query holding CJK is compiled from it); the same words query_parse finds
 * in a plain query. */
static void test_words(void **state)
{
    (void)state;
    const char *q = "  東京 \"a\" -b c* OR\td ";
    struct qnode *n;
    loci_error err;
    assert_int_equal(query_words(q, strlen(q), &n, &err), LOCI_OK);
    char buf[256] = "";
    show(q, n, buf, sizeof buf);
    assert_string_equal(buf, "SEQ[W(東京) W(\"a\") W(-b) W(c*) W(OR) W(d)]");
    query_free(n);
    assert_int_equal(query_words(" \t ", 3, &n, &err), LOCI_EINVAL);
    assert_null(n);
    const char *p = "サイバー x-y - w";
    struct qnode *m;
    assert_int_equal(query_words(p, strlen(p), &n, &err), LOCI_OK);
    assert_int_equal(query_parse(p, strlen(p), &m, &err), LOCI_OK);
    buf[0] = '\0';
    show(p, n, buf, sizeof buf);
    char buf2[256] = "";
    show(p, m, buf2, sizeof buf2);
    assert_string_equal(buf, buf2);
    query_free(n);
    query_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constructs),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
