/*
 * test_compile.c — compiling a query against an index (searcher/compile.h):
 * the leaves of words, phrases, exclusions and prefixes with their flags
 * and idf weights, optional stopwords left out (and kept when nothing else
 * is searched for), the highlighted terms, the errors of a query that only
 * excludes or has no word, and the term collection of plain queries.
 */
#include "testutil.h"

#include <math.h>

#include "bm25.h"
#include "compile.h"

struct fixture {
    char *dir;
    loci_index *idx;
    struct stopset *stop;
};

static int setup(void **state)
{
    static struct fixture f;
    f.dir = tu_mkdtemp();
    char idxdir[600];
    snprintf(idxdir, sizeof idxdir, "%s/idx", f.dir);
    const char *docs[] = {"red fruit and an apple", "a pear is a fruit", "apples applied daily",
                          "the end"};
    f.idx = tu_build_stem(idxdir, docs, 4, LOCI_PASSAGE_DOCUMENT, "english");
    loci_error err;
    assert_int_equal(stopset_resolve(f.idx->an, "english", NULL, &f.stop, &err), LOCI_OK);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    stopset_free(f->stop);
    loci_index_close(f->idx);
    tu_rmtree(f->dir);
    free(f->dir);
    return 0;
}

/* The index of the leaf labelled `label`, or -1. */
static int leaf_of(const struct qplan *p, const char *label)
{
    for (size_t l = 0; l < p->nleaf; l++)
        if (!strcmp(p->leaf[l].label, label))
            return (int)l;
    return -1;
}

static int highlighted(const struct qcollect *hl, const char *term)
{
    for (size_t i = 0; i < hl->n; i++)
        if (!strcmp(hl->terms[i].bytes, term))
            return 1;
    return 0;
}

static void compile_ok(struct fixture *f, const char *q, int words_only, const struct stopset *s,
                       struct qplan *p, struct qcollect *hl)
{
    char *warning = NULL;
    loci_error err;
    int rc = plan_query(f->idx, q, strlen(q), words_only, s, p, hl, &warning, &err);
    if (rc)
        fail_msg("%s: %s", q, err.message);
    assert_null(warning);
}

static void test_leaves(void **state)
{
    struct fixture *f = *state;
    struct qplan p;
    struct qcollect hl;
    compile_ok(f, "+apple \"red fruit\" -pear the apple", 0, f->stop, &p, &hl);
    assert_int_equal(p.nleaf, 3); /* apple (twice: one leaf), the phrase, pear; not "the" */
    int apple = leaf_of(&p, "appl"), phrase = leaf_of(&p, "\"red fruit\""), pear = leaf_of(&p, "pear");
    assert_true(apple >= 0 && phrase >= 0 && pear >= 0);
    assert_int_equal(leaf_of(&p, "the"), -1);
    assert_int_equal(p.leaf[apple].kind, QL_TERM);
    assert_true(p.leaf[apple].scoring);
    /* df of "appl": d0 (apple), d2 (apples); qtf 2 */
    assert_int_equal(p.leaf[apple].df, 2);
    assert_true(fabs(p.leaf[apple].weight - 2 * bm25_idf(4, 2)) < 1e-12);
    assert_int_equal(p.leaf[phrase].kind, QL_PHRASE);
    assert_int_equal(p.leaf[phrase].n, 2);
    assert_false(p.leaf[pear].scoring); /* excluded: matches, never scores */
    assert_true(highlighted(&hl, "appl") && highlighted(&hl, "red") && highlighted(&hl, "fruit"));
    assert_false(highlighted(&hl, "pear"));
    assert_false(highlighted(&hl, "the"));
    plan_free(&p);
    free(hl.terms);

    /* without a stopword set, "the" is a word like the others */
    compile_ok(f, "apple the", 0, NULL, &p, &hl);
    assert_int_equal(p.nleaf, 2);
    assert_true(leaf_of(&p, "the") >= 0);
    plan_free(&p);
    free(hl.terms);

    /* a query of stopwords only is searched whole; "+the" keeps its word */
    compile_ok(f, "the and", 1, f->stop, &p, &hl);
    assert_int_equal(p.nleaf, 2);
    plan_free(&p);
    free(hl.terms);
    compile_ok(f, "+the apple", 0, f->stop, &p, &hl);
    assert_true(leaf_of(&p, "the") >= 0);
    plan_free(&p);
    free(hl.terms);
    /* words_only reads syntax as words: "+apple" is the word apple */
    compile_ok(f, "+apple -pear", 1, f->stop, &p, &hl);
    assert_true(p.leaf[leaf_of(&p, "pear")].scoring);
    plan_free(&p);
    free(hl.terms);
}

static void test_prefix_and_errors(void **state)
{
    struct fixture *f = *state;
    struct qplan p;
    struct qcollect hl;
    compile_ok(f, "appl*", 0, f->stop, &p, &hl);
    assert_int_equal(p.nleaf, 2); /* appl (apple, apples), appli (applied) */
    assert_true(leaf_of(&p, "appl") >= 0 && leaf_of(&p, "appli") >= 0);
    plan_free(&p);
    free(hl.terms);

    char *warning = NULL;
    loci_error err;
    assert_int_equal(plan_query(f->idx, "-pear", 5, 0, f->stop, &p, &hl, &warning, &err),
                     LOCI_EINVAL);
    assert_non_null(strstr(err.message, "only excludes"));
    assert_int_equal(plan_query(f->idx, "...", 3, 0, f->stop, &p, &hl, &warning, &err),
                     LOCI_EEMPTY);
    assert_int_equal(plan_query(f->idx, "(apple", 6, 0, f->stop, &p, &hl, &warning, &err),
                     LOCI_EINVAL);
    assert_non_null(strstr(err.message, "column"));
}

static void test_collect(void **state)
{
    (void)state;
    struct qcollect q = {0};
    struct token a = {"alpha", 5, 0, 5, 0, TOKEN_WORD}, b = {"beta", 4, 6, 10, 1, TOKEN_WORD};
    assert_int_equal(qcollect_add(&q, &a, 1), 0);
    assert_int_equal(qcollect_term(&q, &b), 0);
    assert_int_equal(qcollect_add(&q, &a, 0), 0);
    assert_int_equal(q.n, 2);
    assert_int_equal(q.terms[0].qtf, 2);
    assert_int_equal(q.terms[0].content, 1); /* once a stopword, once not */
    assert_int_equal(q.terms[1].qtf, 1);
    assert_int_equal(q.terms[1].content, 1);
    assert_false(q.cjk);
    assert_int_equal(qcollect_token(&q, &a), 0); /* appended, not counted */
    assert_int_equal(q.n, 3);
    assert_string_equal(q.terms[2].bytes, "alpha");
    free(q.terms);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leaves),
        cmocka_unit_test(test_prefix_and_errors),
        cmocka_unit_test(test_collect),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
