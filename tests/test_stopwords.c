/*
 * test_stopwords.c — query stopword lists (common/stopwords.h): list text
 * normalized as query words are (case, accents, apostrophes), comments,
 * duplicates, exact membership, the built-in lists, and what a spec
 * resolves to (none, the index's language, a language, a file) with the
 * errors of a bad one.
 */
#include "testutil.h"

#include "stopwords.h"

static struct analyzer *english(void)
{
    struct analyzer *an;
    loci_error err;
    assert_int_equal(analyzer_new("english", &an, &err), LOCI_OK);
    return an;
}

static int has(const struct stopset *s, const char *w) { return stopset_has(s, w, strlen(w)); }

static void test_parse_normalizes(void **state)
{
    (void)state;
    struct analyzer *an = english();
    struct stopset *s;
    loci_error err;
    const char *text = "The  über\n# a comment: ignored\nDON'T being # trailing\nthe\n";
    assert_int_equal(stopset_parse(an, text, strlen(text), "t", &s, &err), LOCI_OK);
    assert_int_equal(stopset_size(s), 4); /* the, uber, dont, being: "the" once */
    assert_true(has(s, "the"));
    assert_true(has(s, "uber"));
    assert_true(has(s, "dont"));
    assert_true(has(s, "being")); /* unstemmed: not "be" */
    assert_false(has(s, "be"));
    assert_false(has(s, "comment"));
    assert_false(has(s, "trailing"));
    assert_false(has(s, "th"));   /* a prefix of a word is not it */
    assert_false(has(s, "thee")); /* nor a longer word */
    assert_false(has(s, ""));
    assert_false(stopset_has(NULL, "the", 3));
    stopset_free(s);

    const char *bad = "the\nok \xc3\n";
    assert_int_equal(stopset_parse(an, bad, strlen(bad), "list.txt", &s, &err), LOCI_EUTF8);
    assert_null(s);
    assert_string_equal(err.message, "list.txt: line 2: invalid UTF-8");
    assert_int_equal(stopset_parse(an, "", 0, "t", &s, &err), LOCI_OK);
    assert_int_equal(stopset_size(s), 0);
    stopset_free(s);
    analyzer_free(an);
}

static void test_builtin_lists(void **state)
{
    (void)state;
    assert_non_null(stopwords_builtin("english"));
    assert_ptr_equal(stopwords_builtin("porter"), stopwords_builtin("english"));
    assert_null(stopwords_builtin("none"));
    assert_null(stopwords_builtin("tamil")); /* a stemmer without a list */
    assert_null(stopwords_builtin(NULL));
    size_t n = 0;
    struct analyzer *an = english();
    loci_error err;
    for (const char *const *l = stopwords_languages(); *l; l++, n++) {
        const char *list = stopwords_builtin(*l);
        assert_non_null(list);
        struct stopset *s;
        assert_int_equal(stopset_parse(an, list, strlen(list), *l, &s, &err), LOCI_OK);
        assert_true(stopset_size(s) >= 30);
        stopset_free(s);
    }
    assert_true(n >= 10);
    assert_ptr_equal(loci_stopword_languages(), stopwords_languages());
    /* accents fold as in the text: German "für" is "fur" */
    struct stopset *s;
    assert_int_equal(stopset_resolve(an, "english", "german", &s, &err), LOCI_OK);
    assert_true(has(s, "fur"));
    assert_true(has(s, "uber"));
    assert_false(has(s, "the"));
    stopset_free(s);
    analyzer_free(an);
}

static void test_resolve(void **state)
{
    (void)state;
    struct analyzer *an = english();
    struct stopset *s;
    loci_error err;
    /* the default: the index's language's list, or none */
    assert_int_equal(stopset_resolve(an, "english", NULL, &s, &err), LOCI_OK);
    assert_true(has(s, "what"));
    assert_false(has(s, "ranking"));
    stopset_free(s);
    assert_int_equal(stopset_resolve(an, "none", NULL, &s, &err), LOCI_OK);
    assert_null(s);
    assert_int_equal(stopset_resolve(an, "tamil", NULL, &s, &err), LOCI_OK);
    assert_null(s);
    assert_int_equal(stopset_resolve(an, "english", "none", &s, &err), LOCI_OK);
    assert_null(s);

    char *dir = tu_mkdtemp();
    char *path = tu_write_file(dir, "list", "Alpha # x\nbeta\n", 15);
    assert_int_equal(stopset_resolve(an, "english", path, &s, &err), LOCI_OK);
    assert_int_equal(stopset_size(s), 2);
    assert_true(has(s, "alpha"));
    assert_false(has(s, "the"));
    stopset_free(s);
    assert_int_equal(stopwords_check(path, &err), LOCI_OK);
    free(path);

    path = tu_write_file(dir, "bad", "ok\n\xff\n", 4);
    assert_int_equal(stopwords_check(path, &err), LOCI_EUTF8);
    assert_non_null(strstr(err.message, "line 2: invalid UTF-8"));
    assert_int_equal(stopset_resolve(an, "english", path, &s, &err), LOCI_EUTF8);
    assert_null(s);
    free(path);

    assert_int_equal(stopwords_check("klingon", &err), LOCI_EINVAL);
    assert_non_null(strstr(err.message, "'klingon' is neither a language"));
    assert_int_equal(stopset_resolve(an, "english", "klingon", &s, &err), LOCI_EINVAL);
    char missing[600];
    snprintf(missing, sizeof missing, "%s/missing", dir);
    assert_int_equal(stopwords_check(missing, &err), LOCI_ENOTFOUND);
    assert_int_equal(stopwords_check("french", &err), LOCI_OK);
    assert_int_equal(stopwords_check(NULL, &err), LOCI_OK);

    /* larger than the cap: refused, not read whole */
    size_t big = STOPWORDS_FILE_MAX + 1;
    char *text = malloc(big);
    memset(text, 'a', big);
    path = tu_write_file(dir, "big", text, big);
    assert_int_equal(stopwords_check(path, &err), LOCI_EINVAL);
    assert_non_null(strstr(err.message, "larger than 1 MiB"));
    free(path);
    free(text);
    tu_rmtree(dir);
    free(dir);
    analyzer_free(an);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_normalizes),
        cmocka_unit_test(test_builtin_lists),
        cmocka_unit_test(test_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
