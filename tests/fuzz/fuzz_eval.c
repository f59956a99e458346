/*
 * fuzz_eval.c — libFuzzer target for loci-eval's parsers (searcher/eval.h):
 * TREC qrels and run files are outside input too.
 *
 * The input is a qrels text and a run text separated by the first NUL byte
 * (without one, the whole input is tried as both). When both parse, the
 * measures are computed and must be what measures are: finite, within
 * [0, 1], and the means within [0, 1], one query result per evaluated
 * query. Parse errors are fine; crashes, leaks and hangs are not.
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
            eval_result_free(&res);
        } else {
            check_error(rc3, &err);
        }
    }
    eval_qrels_free(q);
    eval_run_free(r);
    return 0;
}
