/*
 * test_eval.c — the evaluation measures against values computed by hand,
 * with trec_eval's conventions (ties, duplicates, graded gains, queries
 * without relevant documents, queries missing from the run), and errors;
 * the per-query comparison of two runs against counts worked out by hand.
 */
#include "testutil.h"

#include <math.h>

#include "buf.h"
#include "eval.h"

static const char QRELS[] = "1 0 d1 2\n1 0 d2 1\n1 0 d3 0\n1 0 d9 3\n"
                            "2 0 e1 0\n2 0 e2 -1\n" /* no relevant document: not counted */
                            "3 0 f1 1\n"
                            "4 0 g1 1\n4 0 g2 1\n"; /* absent from the run: scores 0 */

static void test_hand_computed(void **state)
{
    (void)state;
    /* q1 ranking: d3 (5.0); d2 and d1 tie at 4.0 and go by docid
     * descending, so d2 then d1; x; the second d1 line is a duplicate.
     *   ranks: 1 d3 (0), 2 d2 (grade 1), 3 d1 (grade 2), 4 x (0); 3 relevant
     *   AP  = (1/2 + 2/3) / 3 = 0.388889
     *   P10 = 2/10 = 0.2;  R100 = 2/3 = 0.666667;  RR = 1/2
     *   DCG = 1/log2(3) + 2/log2(4) = 0.630930 + 1 = 1.630930
     *   IDCG = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.261860 + 0.5 = 4.761860
     *   nDCG@10 = 1.630930 / 4.761860 = 0.342499
     * q3: f1 at rank 105 of 120: AP = RR = 1/105 = 0.009524; P10 = R100 = nDCG = 0
     * q4: nothing retrieved: all 0
     * means over 3 queries: MAP = (0.388889 + 0.009524)/3 = 0.132804
     *   nDCG = 0.342499/3 = 0.114166; P10 = 0.066667; R100 = 0.222222;
     *   RR = (0.5 + 0.009524)/3 = 0.169841 */
    struct buf run = {0};
    const char *head = "1 Q0 d3 1 5.0 t\n1 Q0 d1 2 4.0 t\n1 Q0 d2 3 4.0 t\n1 Q0 x 4 3.0 t\n"
                       "1 Q0 d1 5 1.0 t\n2 Q0 e1 1 1 t\n";
    buf_append(&run, head, strlen(head));
    char line[64];
    for (int i = 0; i < 120; i++) {
        int n = snprintf(line, sizeof line, "3 Q0 %s%d %d %d t\n", i == 104 ? "f" : "z",
                         i == 104 ? 1 : i, i + 1, 1000 - i);
        buf_append(&run, line, (size_t)n);
    }
    struct eval_qrels *q;
    struct eval_run *r;
    loci_error err;
    assert_int_equal(eval_qrels_parse(QRELS, strlen(QRELS), "qrels", &q, &err), LOCI_OK);
    assert_int_equal(eval_run_parse((const char *)run.data, run.len, "run", &r, &err), LOCI_OK);
    struct eval_result res;
    assert_int_equal(eval_compute(q, r, &res, &err), LOCI_OK);
    assert_int_equal(res.num_q, 3);
    assert_string_equal(res.queries[0].qid, "1");
    const double *m1 = res.queries[0].m;
    assert_true(fabs(m1[EVAL_MAP] - 0.388889) < 1e-6);
    assert_true(fabs(m1[EVAL_NDCG10] - 0.342499) < 1e-6);
    assert_true(fabs(m1[EVAL_P10] - 0.2) < 1e-9);
    assert_true(fabs(m1[EVAL_R100] - 0.666667) < 1e-6);
    assert_true(fabs(m1[EVAL_RR] - 0.5) < 1e-9);
    assert_string_equal(res.queries[1].qid, "3");
    assert_true(fabs(res.queries[1].m[EVAL_MAP] - 1.0 / 105) < 1e-9);
    assert_true(res.queries[1].m[EVAL_R100] == 0);
    assert_string_equal(res.queries[2].qid, "4");
    for (int i = 0; i < EVAL_NMEASURES; i++)
        assert_true(res.queries[2].m[i] == 0);
    assert_true(fabs(res.mean[EVAL_MAP] - 0.132804) < 1e-6);
    assert_true(fabs(res.mean[EVAL_NDCG10] - 0.114166) < 1e-6);
    assert_true(fabs(res.mean[EVAL_P10] - 0.066667) < 1e-6);
    assert_true(fabs(res.mean[EVAL_R100] - 0.222222) < 1e-6);
    assert_true(fabs(res.mean[EVAL_RR] - 0.169841) < 1e-6);
    eval_result_free(&res);
    eval_run_free(r);
    eval_qrels_free(q);
    buf_free(&run);
}

static void test_errors(void **state)
{
    (void)state;
    struct eval_run *r;
    struct eval_qrels *q;
    loci_error err;
    const char *bad = "1 Q0 d1 1 2.0 t\n1 Q0 d2 2.0 t\n";
    assert_int_equal(eval_run_parse(bad, strlen(bad), "run.txt", &r, &err), LOCI_EFORMAT);
    assert_string_equal(err.message, "run.txt:2: expected 6 fields");
    bad = "1 0 d1 high\n";
    assert_int_equal(eval_qrels_parse(bad, strlen(bad), "q.txt", &q, &err), LOCI_EFORMAT);
    assert_non_null(strstr(err.message, "q.txt:1"));
    assert_int_equal(eval_run_load("/nonexistent/run", &r, &err), LOCI_ENOTFOUND);
    /* no record at all (fuzz_eval: qsort got a NULL array, UBSan stopped) */
    assert_int_equal(eval_qrels_parse("", 0, "q.txt", &q, &err), LOCI_OK);
    eval_qrels_free(q);
    assert_int_equal(eval_run_parse(" \t\n\n", 4, "run.txt", &r, &err), LOCI_OK);
    eval_run_free(r);
}

/* Two runs over five one-relevant (q4: two-relevant) queries, by hand:
 *          run A                    run B
 *   q1  a at 1: AP 1, nDCG 1      a at 2: AP 1/2, nDCG 1/log2(3) = 0.630930
 *   q2  b at 3: AP 1/3, nDCG 1/2  b at 1: AP 1, nDCG 1
 *   q3  c at 1: 1, 1              c at 1: 1, 1 (a tie)
 *   q4  absent: 0, 0              d at 2 of {d, e}: AP 1/2 / 2 = 1/4,
 *                                   nDCG 0.630930 / (1 + 0.630930) = 0.386853
 *   q5  a5 at 1: 1, 1             a5 at 2: 1/2, 0.630930
 * B - A, map:  q1 -1/2, q2 +2/3, q3 0, q4 +1/4, q5 -1/2: wins 2 (q2, q4),
 *   losses 2 (q1, q5), ties 1; means 10/3/5 = 0.666667 and 3.25/5 = 0.65,
 *   B - A = -0.016667; largest first: q2, q1, q5 (|-1/2| equal: by qid), q4.
 * B - A, nDCG: q1 -0.369070, q2 +1/2, q4 +0.386853, q5 -0.369070:
 *   the order q2, q4, q1, q5.
 * Sign test, 2 wins 2 losses: 2 (1 + 4 + 6) / 16 > 1, so 1. A perfect run
 * (every relevant document first) against A on map: wins q2 and q4, ties
 * the other three: 2 (1/2)^2 = 0.5. */
static const char CMP_QRELS[] = "1 0 a 1\n2 0 b 1\n3 0 c 1\n4 0 d 1\n4 0 e 1\n5 0 a5 1\n";
static const char CMP_A[] = "1 Q0 a 1 3 A\n2 Q0 x 1 3 A\n2 Q0 y 2 2 A\n2 Q0 b 3 1 A\n"
                            "3 Q0 c 1 3 A\n5 Q0 a5 1 3 A\n";
static const char CMP_B[] = "1 Q0 x 1 3 B\n1 Q0 a 2 2 B\n2 Q0 b 1 3 B\n3 Q0 c 1 3 B\n"
                            "4 Q0 x 1 3 B\n4 Q0 d 2 2 B\n5 Q0 x 1 3 B\n5 Q0 a5 2 2 B\n";
static const char CMP_P[] = "1 Q0 a 1 3 P\n2 Q0 b 1 3 P\n3 Q0 c 1 3 P\n4 Q0 d 1 3 P\n"
                            "4 Q0 e 2 2 P\n5 Q0 a5 1 3 P\n";

static void score_text(const struct eval_qrels *q, const char *text, struct eval_result *res)
{
    struct eval_run *r;
    loci_error err;
    assert_int_equal(eval_run_parse(text, strlen(text), "run", &r, &err), LOCI_OK);
    assert_int_equal(eval_compute(q, r, res, &err), LOCI_OK);
    eval_run_free(r);
}

/* the listed differences, in order (as many as c->ndiffs) */
static void expect_diffs(const struct eval_comparison *c, const struct eval_diff *want)
{
    for (size_t i = 0; i < c->ndiffs; i++) {
        assert_string_equal(c->diffs[i].qid, want[i].qid);
        assert_true(fabs(c->diffs[i].a - want[i].a) < 1e-6);
        assert_true(fabs(c->diffs[i].b - want[i].b) < 1e-6);
    }
}

/* wins, losses, ties; and every query that differs listed */
static void expect_counts(const struct eval_comparison *c, size_t w, size_t l, size_t t)
{
    assert_int_equal(c->wins, w);
    assert_int_equal(c->losses, l);
    assert_int_equal(c->ties, t);
    assert_int_equal(c->ndiffs, w + l);
}

static void test_compare(void **state)
{
    (void)state;
    struct eval_qrels *q;
    loci_error err;
    assert_int_equal(eval_qrels_parse(CMP_QRELS, strlen(CMP_QRELS), "qrels", &q, &err), LOCI_OK);
    struct eval_result a, b, p;
    score_text(q, CMP_A, &a);
    score_text(q, CMP_B, &b);
    score_text(q, CMP_P, &p);
    struct eval_comparison c;

    assert_int_equal(eval_compare(&a, &b, EVAL_MAP, &c, &err), LOCI_OK);
    assert_int_equal(c.num_q, 5);
    expect_counts(&c, 2, 2, 1);
    assert_true(fabs(c.mean_a - 0.666667) < 1e-6);
    assert_true(fabs(c.mean_b - 0.65) < 1e-9);
    assert_true(fabs(c.mean_diff + 0.016667) < 1e-6);
    assert_true(c.sign_p == 1);
    const struct eval_diff map_diffs[] = {{"2", 1.0 / 3, 1}, {"1", 1, 0.5}, {"5", 1, 0.5}, {"4", 0, 0.25}};
    expect_diffs(&c, map_diffs);
    eval_comparison_free(&c);

    assert_int_equal(eval_compare(&a, &b, EVAL_NDCG10, &c, &err), LOCI_OK);
    expect_counts(&c, 2, 2, 1);
    const struct eval_diff ndcg_diffs[] = {
        {"2", 0.5, 1}, {"4", 0, 0.386853}, {"1", 1, 0.630930}, {"5", 1, 0.630930}};
    expect_diffs(&c, ndcg_diffs);
    eval_comparison_free(&c);

    assert_int_equal(eval_compare(&a, &p, EVAL_MAP, &c, &err), LOCI_OK);
    expect_counts(&c, 2, 0, 3);
    assert_true(fabs(c.sign_p - 0.5) < 1e-12);
    eval_comparison_free(&c);

    /* a run against itself: all ties, nothing listed */
    assert_int_equal(eval_compare(&b, &b, EVAL_RR, &c, &err), LOCI_OK);
    expect_counts(&c, 0, 0, 5);
    assert_true(c.mean_diff == 0 && c.sign_p == 1);
    eval_comparison_free(&c);

    /* results of different qrels do not compare */
    struct eval_query q1 = {"1", {0}}, q2 = {"2", {0}};
    struct eval_result x = {&q1, 1, {0}}, y = {&q2, 1, {0}}, none = {NULL, 0, {0}};
    assert_int_equal(eval_compare(&x, &y, EVAL_MAP, &c, &err), LOCI_EINVAL);
    assert_non_null(strstr(err.message, "different queries"));
    assert_int_equal(eval_compare(&x, &none, EVAL_MAP, &c, &err), LOCI_EINVAL);
    assert_int_equal(eval_compare(&x, &x, EVAL_NMEASURES, &c, &err), LOCI_EINVAL);
    eval_result_free(&a);
    eval_result_free(&b);
    eval_result_free(&p);
    eval_qrels_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
