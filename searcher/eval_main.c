/*
 * eval_main.c — loci-eval: score TREC runs against TREC qrels with
 * trec_eval's measures and conventions (see eval.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cliopt.h"
#include "eval.h"
#include "loci.h"

#define PROG "loci-eval"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " PROG " [-q] [--json] QRELS RUN...\n"
            "Evaluate TREC runs (qid Q0 docid rank score tag) against TREC qrels\n"
            "(qid 0 docid grade) with trec_eval's measures: map, ndcg_cut_10, P_10,\n"
            "recall_100, recip_rank, num_q.\n"
            "\n"
            "  -q           also print each query's measures\n"
            "      --json   one JSON object per run (with -q: a \"per_query\" object)\n"
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

static void print_json(const char *run, const struct eval_result *res, int per_query)
{
    printf("{\"run\": \"");
    for (const char *p = run; *p; p++) {
        if (*p == '"' || *p == '\\')
            putchar('\\');
        if ((unsigned char)*p >= 0x20)
            putchar(*p);
    }
    printf("\", \"num_q\": %zu", res->num_q);
    for (int m = 0; m < EVAL_NMEASURES; m++)
        printf(", \"%s\": %.6f", eval_measure_names[m], res->mean[m]);
    if (per_query) {
        printf(", \"per_query\": {");
        for (size_t i = 0; i < res->num_q; i++) {
            printf("%s\"%s\": {", i ? ", " : "", res->queries[i].qid);
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

int main(int argc, char **argv)
{
    int per_query = 0, json = 0, c;
    static const struct option longopts[] = {{"json", no_argument, 0, 'j'},
                                             {"help", no_argument, 0, 'h'},
                                             {"version", no_argument, 0, 'V'},
                                             {0, 0, 0, 0}};
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'q': per_query = 1; break;
        case 'j': json = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("%s\n", loci_version_string()); return 0;
        default: return cli_bad_option(PROG, argv, c);
        }
    }
    if (argc - optind < 2)
        return cli_usage_error(PROG, "need a qrels file and at least one run", NULL);
    loci_error err;
    struct eval_qrels *qrels;
    if (eval_qrels_load(argv[optind], &qrels, &err)) {
        fprintf(stderr, PROG ": %s\n", err.message);
        return 2;
    }
    int status = 0, several = argc - optind > 2;
    for (int i = optind + 1; i < argc && !status; i++) {
        struct eval_run *run = NULL;
        struct eval_result res;
        if (eval_run_load(argv[i], &run, &err) || eval_compute(qrels, run, &res, &err)) {
            fprintf(stderr, PROG ": %s\n", err.message);
            eval_run_free(run);
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
        eval_run_free(run);
    }
    eval_qrels_free(qrels);
    return status;
}
