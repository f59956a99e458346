/*
 * fuzz_eval.c — libFuzzer target for loci-eval's parsers (searcher/eval.h):
 * TREC qrels and run files are outside input too.
 *
 * The input is a qrels text and a run text separated by the first NUL byte
 * (without one, the whole input is tried as both). When both parse, the
 * measures are computed and must be what measures are: finite, within
 * [0, 1], and the means within [0, 1], one query result per evaluated
 * query; and the run compared with an empty run must only win or tie.
 * Parse errors are fine; crashes, leaks and hangs are not.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_eval: %s\n", what);
    abort();
}

static int in_unit(double x)
{
    return isfinite(x) && x >= 0 && x <= 1 + 1e-9;
}

static void check_error(int rc, const loci_error *err)
{
    if (rc > 0 || rc < LOCI_EFORMAT)
        fail("not a LOCI_E* status");
    if (!memchr(err->message, '\0', sizeof err->message) || strchr(err->message, '\n') ||
        err->message[0] == '\0')
        fail("error message not one line");
}

/* The run against an empty run (every measure 0): it never loses, each
 * query is a win or a tie, and the differences come largest first. */
static void compare_to_nothing(const struct eval_qrels *q, const struct eval_result *res)
{
    struct eval_run *none;
    struct eval_result zero;
    loci_error err;
    if (eval_run_parse("", 0, "none", &none, &err) || eval_compute(q, none, &zero, &err))
        fail("an empty run does not evaluate");
    for (int m = 0; m < EVAL_NMEASURES; m++) {
        struct eval_comparison c;
        if (eval_compare(&zero, res, m, &c, &err))
            fail("results of the same qrels do not compare");
        if (c.losses || c.wins + c.ties != res->num_q || c.ndiffs != c.wins)
            fail("against nothing: a loss, or counts that do not add up");
        if (!(c.sign_p > 0 && c.sign_p <= 1))
            fail("sign test p outside (0, 1]");
        for (size_t i = 1; i < c.ndiffs; i++)
            if (c.diffs[i].b - c.diffs[i].a > c.diffs[i - 1].b - c.diffs[i - 1].a)
                fail("differences not largest first");
        eval_comparison_free(&c);
    }
    eval_result_free(&zero);
    eval_run_free(none);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const uint8_t *nul = memchr(data, '\0', size);
    size_t qlen = nul ? (size_t)(nul - data) : size;
    const char *run_text = nul ? text + qlen + 1 : text;
    size_t rlen = nul ? size - qlen - 1 : size;
    struct eval_qrels *q = NULL;
    struct eval_run *r = NULL;
    loci_error err;
    int rc = eval_qrels_parse(text, qlen, "qrels", &q, &err);
    if (rc) {
        check_error(rc, &err);
        if (q)
            fail("qrels: an error with a result");
    }
    int rc2 = eval_run_parse(run_text, rlen, "run", &r, &err);
    if (rc2) {
        check_error(rc2, &err);
        if (r)
            fail("run: an error with a result");
    }
    if (!rc && !rc2) {
        struct eval_result res;
        int rc3 = eval_compute(q, r, &res, &err);
        if (rc3 == LOCI_OK) {
            for (size_t i = 0; i < res.num_q; i++) {
                if (!res.queries[i].qid)
                    fail("an evaluated query without a qid");
                if (i > 0 && strcmp(res.queries[i - 1].qid, res.queries[i].qid) >= 0)
                    fail("queries not sorted by qid, or one twice");
                for (int m = 0; m < EVAL_NMEASURES; m++)
                    if (!in_unit(res.queries[i].m[m]))
                        fail("a measure outside [0, 1]");
            }
            for (int m = 0; m < EVAL_NMEASURES; m++)
                if (!in_unit(res.mean[m]))
                    fail("a mean outside [0, 1]");
            compare_to_nothing(q, &res);
            eval_result_free(&res);
        } else {
            check_error(rc3, &err);
        }
    }
    eval_qrels_free(q);
    eval_run_free(r);
    return 0;
}
