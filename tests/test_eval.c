/*
 * test_eval.c — the evaluation measures against values computed by hand,
 * with trec_eval's conventions (ties, duplicates, graded gains, queries
 * without relevant documents, queries missing from the run), and errors.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
