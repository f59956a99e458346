/*
 * eval_main.c — loci-eval: score TREC runs against TREC qrels with
 * trec_eval's measures and conventions (see eval.h), or compare two runs
 * query by query (--compare).
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliopt.h"
#include "eval.h"
#include "loci.h"

#define PROG "loci-eval"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " PROG " [-q] [--json] QRELS RUN...\n"
            "       " PROG " --compare [-n N] [-m MEASURE]... [--json] QRELS RUN_A RUN_B\n"
            "Evaluate TREC runs (qid Q0 docid rank score tag) against TREC qrels\n"
            "(qid 0 docid grade) with trec_eval's measures: map, ndcg_cut_10, P_10,\n"
            "recall_100, recip_rank, num_q.\n"
            "\n"
            "  -q           also print each query's measures\n"
            "      --json   one JSON object per run (with -q: a \"per_query\" object);\n"
            "               with --compare, one object for the comparison\n"
            "  -c, --compare  compare RUN_B against RUN_A query by query: for every\n"
            "               measure, the means, B - A, and the queries where B is\n"
            "               higher (wins), lower (losses) or equal (ties), with the\n"
            "               two-sided sign test's p over wins and losses; then the\n"
            "               queries where B and A differ most\n"
            "  -n, --largest N  list the N largest differences per measure (default\n"
            "               10; 0 for none)\n"
            "  -m, --measure MEASURE  list them for MEASURE (repeatable; default\n"
            "               ndcg_cut_10 and map)\n"
            "  -h, --help   show this help\n"
            "  -V, --version\n"
            "\n"
            "Conventions (trec_eval's): relevant means grade > 0, and nDCG gains are the\n"
            "grades; runs are ranked by score, ties by docid descending, the rank column\n"
            "is ignored; a docid repeated in one query counts once (its first line);\n"
            "means are over the qrels queries with a relevant document, a query missing\n"
            "from a run scoring 0. With several runs, each block starts with run<TAB>FILE.\n"
            "Exit status: 0 on success, 2 on error.\n");
}

/* A JSON string: quotes and backslashes escaped, control characters
 * (which no file name or qid needs) dropped. */
static void json_str(const char *s)
{
    putchar('"');
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            putchar('\\');
        if ((unsigned char)*p >= 0x20)
            putchar(*p);
    }
    putchar('"');
}

static void print_json(const char *run, const struct eval_result *res, int per_query)
{
    printf("{\"run\": ");
    json_str(run);
    printf(", \"num_q\": %zu", res->num_q);
    for (int m = 0; m < EVAL_NMEASURES; m++)
        printf(", \"%s\": %.6f", eval_measure_names[m], res->mean[m]);
    if (per_query) {
        printf(", \"per_query\": {");
        for (size_t i = 0; i < res->num_q; i++) {
            printf("%s", i ? ", " : "");
            json_str(res->queries[i].qid);
            printf(": {");
            for (int m = 0; m < EVAL_NMEASURES; m++)
                printf("%s\"%s\": %.6f", m ? ", " : "", eval_measure_names[m],
                       res->queries[i].m[m]);
            printf("}");
        }
        printf("}");
    }
    printf("}\n");
}

static void print_text(const struct eval_result *res, int per_query)
{
    if (per_query)
        for (size_t i = 0; i < res->num_q; i++)
            for (int m = 0; m < EVAL_NMEASURES; m++)
                printf("%s\t%s\t%.4f\n", eval_measure_names[m], res->queries[i].qid,
                       res->queries[i].m[m]);
    printf("num_q\tall\t%zu\n", res->num_q);
    for (int m = 0; m < EVAL_NMEASURES; m++)
        printf("%s\tall\t%.4f\n", eval_measure_names[m], res->mean[m]);
}

/* Run B against run A on every measure; `list[m]` says whether measure m
 * gets its `largest` largest differences listed. */
static int compare(const struct eval_result *a, const struct eval_result *b, const char *fa,
                   const char *fb, const int *list, long largest, int json)
{
    struct eval_comparison c[EVAL_NMEASURES];
    loci_error err;
    for (int m = 0; m < EVAL_NMEASURES; m++) {
        if (eval_compare(a, b, m, &c[m], &err)) {
            fprintf(stderr, PROG ": %s and %s: %s\n", fa, fb, err.message);
            while (m--)
                eval_comparison_free(&c[m]);
            return 2;
        }
    }
    if (json) {
        printf("{\"run_a\": ");
        json_str(fa);
        printf(", \"run_b\": ");
        json_str(fb);
        printf(", \"num_q\": %zu, \"measures\": {", a->num_q);
        for (int m = 0; m < EVAL_NMEASURES; m++) {
            printf("%s\"%s\": {\"mean_a\": %.6f, \"mean_b\": %.6f, \"mean_diff\": %.6f, "
                   "\"wins\": %zu, \"losses\": %zu, \"ties\": %zu, \"sign_p\": %.6g",
                   m ? ", " : "", eval_measure_names[m], c[m].mean_a, c[m].mean_b,
                   c[m].mean_diff, c[m].wins, c[m].losses, c[m].ties, c[m].sign_p);
            if (list[m]) {
                printf(", \"largest\": [");
                for (size_t i = 0; i < c[m].ndiffs && i < (size_t)largest; i++) {
                    const struct eval_diff *d = &c[m].diffs[i];
                    printf("%s{\"qid\": ", i ? ", " : "");
                    json_str(d->qid);
                    printf(", \"a\": %.6f, \"b\": %.6f, \"diff\": %.6f}", d->a, d->b, d->b - d->a);
                }
                printf("]");
            }
            printf("}");
        }
        printf("}}\n");
    } else {
        printf("A\t%s\nB\t%s\nnum_q\t%zu\n", fa, fb, a->num_q);
        printf("measure\tA\tB\tB-A\twins\tlosses\tties\tsign_p\n");
        for (int m = 0; m < EVAL_NMEASURES; m++)
            printf("%s\t%.4f\t%.4f\t%+.4f\t%zu\t%zu\t%zu\t%.3g\n", eval_measure_names[m],
                   c[m].mean_a, c[m].mean_b, c[m].mean_diff, c[m].wins, c[m].losses, c[m].ties,
                   c[m].sign_p);
        for (int m = 0; m < EVAL_NMEASURES; m++) {
            if (!list[m] || !largest)
                continue;
            printf("\nlargest\t%s\nqid\tA\tB\tB-A\n", eval_measure_names[m]);
            for (size_t i = 0; i < c[m].ndiffs && i < (size_t)largest; i++) {
                const struct eval_diff *d = &c[m].diffs[i];
                printf("%s\t%.4f\t%.4f\t%+.4f\n", d->qid, d->a, d->b, d->b - d->a);
            }
        }
    }
    for (int m = 0; m < EVAL_NMEASURES; m++)
        eval_comparison_free(&c[m]);
    return 0;
}

/* Load and score one run; on failure print the error and return non-zero. */
static int score(const struct eval_qrels *qrels, const char *path, struct eval_result *res)
{
    struct eval_run *run = NULL;
    loci_error err;
    int rc = eval_run_load(path, &run, &err);
    if (!rc)
        rc = eval_compute(qrels, run, res, &err);
    eval_run_free(run);
    if (rc)
        fprintf(stderr, PROG ": %s\n", err.message);
    return rc;
}

static int measure_index(const char *name)
{
    for (int m = 0; m < EVAL_NMEASURES; m++)
        if (!strcmp(name, eval_measure_names[m]))
            return m;
    return -1;
}

int main(int argc, char **argv)
{
    int per_query = 0, json = 0, cmp = 0, c, list[EVAL_NMEASURES] = {0}, listed = 0, nset = 0;
    long largest = 10;
    static const struct option longopts[] = {{"json", no_argument, 0, 'j'},
                                             {"compare", no_argument, 0, 'c'},
                                             {"largest", required_argument, 0, 'n'},
                                             {"measure", required_argument, 0, 'm'},
                                             {"help", no_argument, 0, 'h'},
                                             {"version", no_argument, 0, 'V'},
                                             {0, 0, 0, 0}};
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qcn:m:hV", longopts, NULL)) != -1) {
        char *end;
        int m;
        switch (c) {
        case 'q': per_query = 1; break;
        case 'j': json = 1; break;
        case 'c': cmp = 1; break;
        case 'n':
            largest = strtol(optarg, &end, 10);
            if (end == optarg || *end || largest < 0 || largest == LONG_MAX)
                return cli_usage_error(PROG, "-n wants a count >= 0", optarg);
            nset = 1;
            break;
        case 'm':
            if ((m = measure_index(optarg)) < 0)
                return cli_usage_error(PROG, "no such measure", optarg);
            list[m] = listed = 1;
            break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("%s\n", loci_version_string()); return 0;
        default: return cli_bad_option(PROG, argv, c);
        }
    }
    if (cmp && per_query)
        return cli_usage_error(PROG, "-q does not go with --compare (see -n)", NULL);
    if (cmp && argc - optind != 3)
        return cli_usage_error(PROG, "--compare needs a qrels file and two runs", NULL);
    if (!cmp && (listed || nset))
        return cli_usage_error(PROG, "-n and -m go with --compare", NULL);
    if (argc - optind < 2)
        return cli_usage_error(PROG, "need a qrels file and at least one run", NULL);
    if (!listed)
        list[EVAL_NDCG10] = list[EVAL_MAP] = 1;
    loci_error err;
    struct eval_qrels *qrels;
    if (eval_qrels_load(argv[optind], &qrels, &err)) {
        fprintf(stderr, PROG ": %s\n", err.message);
        return 2;
    }
    int status = 0, several = argc - optind > 2;
    if (cmp) {
        struct eval_result a, b;
        if (score(qrels, argv[optind + 1], &a)) {
            status = 2;
        } else {
            if (score(qrels, argv[optind + 2], &b)) {
                status = 2;
            } else {
                status = compare(&a, &b, argv[optind + 1], argv[optind + 2], list, largest, json);
                eval_result_free(&b);
            }
            eval_result_free(&a);
        }
        eval_qrels_free(qrels);
        return status;
    }
    for (int i = optind + 1; i < argc; i++) {
        struct eval_result res;
        if (score(qrels, argv[i], &res)) {
            status = 2;
            break;
        }
        if (json) {
            print_json(argv[i], &res, per_query);
        } else {
            if (several)
                printf("run\t%s\n", argv[i]);
            print_text(&res, per_query);
        }
        eval_result_free(&res);
    }
    eval_qrels_free(qrels);
    return status;
}
