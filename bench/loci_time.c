/*
 * loci_time.c — query latency harness for bench/query (not installed).
 *
 *   loci-time INDEX QUERIES K [exhaustive] [count] [again] [syntax] [expand] [title=W]
 *             [stats=FILE]
 *
 * INDEX may be several index directories joined by commas (shards, opened
 * as one with loci_index_open_many: bench/shards); stats=FILE scores each
 * query with its global statistics from FILE (loci-search --query-stats
 * lines of all shards: the second phase of a search of shards apart).
 * LOCI_TIME_PROXIMITY=W in the environment sets options.proximity
 * (--proximity=W; bench/ab passes no options but its own).
 * Opens INDEX once (its time goes to stderr as "open_us N"), then runs
 * each query of QUERIES (qid<TAB>text) with top K and prints one line per
 * query: microseconds spent in loci_search plus reading the hits' passage
 * and document ids — what Xapian's get_mset and FTS5's fetchall do in the
 * peers' harnesses — then a tab and the page faults the process took
 * meanwhile (counted outside the timed span). Process start and index
 * open are excluded. With "again", the whole file runs twice and the
 * second pass is printed: the latency of a process whose index pages are
 * already mapped and checksummed, as in a long-running server. Queries
 * are plain words (options.plain), so that the numbers stay comparable
 * across versions whatever characters the query files hold; with
 * "syntax" they are read in the query language (bench/query_lang). With
 * "expand", each query is expanded by pseudo-relevance feedback with
 * loci-search --expand's defaults (its cost: README, "Query expansion");
 * with "title=W", titles weigh W (loci-search --title-weight).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "loci.h"
#include "shardio.h"

static long page_faults(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_minflt + u.ru_majflt;
}

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* stats=FILE: every line summed into its query's statistics. */
static int load_stats(const char *file, struct stats_table *t)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        perror(file);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    loci_error err;
    int rc = 0;
    while (!rc && (n = getline(&line, &cap, f)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n && (rc = stats_table_add(t, line, (size_t)n, file, &err)))
            fprintf(stderr, "loci-time: %s\n", err.message);
    }
    free(line);
    fclose(f);
    if (!rc && stats_table_check(t, file, &err)) {
        fprintf(stderr, "loci-time: %s\n", err.message);
        rc = -1;
    }
    return rc;
}

/* INDEX: one directory, or several joined by commas. */
static int open_index(char *arg, loci_index **idx, loci_error *err)
{
    const char *dirs[256];
    size_t n = 0;
    for (char *p = strtok(arg, ","); p && n < 256; p = strtok(NULL, ","))
        dirs[n++] = p;
    return loci_index_open_many(dirs, n, idx, err);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: loci-time INDEX QUERIES K [exhaustive] [count] [again] [syntax] [expand] [title=W]\n");
        return 2;
    }
    loci_search_options so;
    loci_search_options_init(&so);
    so.k = (unsigned)atoi(argv[3]);
    so.plain = 1;
    /* from the environment, so that bench/ab (fixed arguments) can compare
     * a build with and without it */
    const char *prox = getenv("LOCI_TIME_PROXIMITY");
    if (prox && *prox)
        so.proximity = atof(prox);
    int passes = 1;
    struct stats_table st = {0};
    const char *stats_file = NULL;
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "exhaustive") == 0)
            so.exhaustive = 1;
        else if (strcmp(argv[i], "count") == 0)
            so.count = 1; /* the total too (--count, --end-record) */
        else if (strcmp(argv[i], "again") == 0)
            passes = 2;
        else if (strcmp(argv[i], "expand") == 0)
            so.expand_docs = LOCI_DEFAULT_EXPAND_DOCS;
        else if (strcmp(argv[i], "syntax") == 0)
            so.plain = 0;
        else if (strncmp(argv[i], "stats=", 6) == 0)
            stats_file = argv[i] + 6;
        else if (strncmp(argv[i], "title=", 6) == 0)
            so.title_weight = atof(argv[i] + 6); /* --title-weight */
        else {
            fprintf(stderr, "loci-time: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    loci_error err;
    loci_index *idx;
    double t0 = now_us();
    if (stats_file && load_stats(stats_file, &st))
        return 2;
    if (open_index(argv[1], &idx, &err)) {
        fprintf(stderr, "loci-time: %s\n", err.message);
        return 2;
    }
    fprintf(stderr, "open_us %.0f\n", now_us() - t0);
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    char line[4096];
    unsigned long sink = 0;
    for (int pass = 1; pass <= passes; pass++) {
        rewind(f);
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = '\0';
            char *text = strchr(line, '\t');
            if (text)
                *text++ = '\0';
            else
                text = line;
            loci_results *r;
            struct stats_entry *e = stats_file ? stats_table_find(&st, line) : NULL;
            if (stats_file && !e) {
                fprintf(stderr, "loci-time: %s: no statistics of query %s\n", stats_file, line);
                return 2;
            }
            long faults = page_faults();
            double t = now_us();
            /* timed with the search: a server would set them per query */
            int rc = e ? loci_index_set_global_stats(idx, e->s, &err) : LOCI_OK;
            if (!rc)
                rc = loci_search(idx, text, &so, &r, &err);
            if (rc == LOCI_OK) {
                for (size_t i = 0; i < loci_results_count(r); i++)
                    sink += loci_results_hit(r, i)->passage + loci_results_hit(r, i)->doc;
                loci_results_free(r);
            } else if (rc != LOCI_EEMPTY) {
                fprintf(stderr, "loci-time: %s\n", err.message);
                return 2;
            }
            double us = now_us() - t;
            if (pass == passes)
                printf("%.1f\t%ld\n", us, page_faults() - faults);
        }
    }
    fclose(f);
    stats_table_free(&st);
    loci_index_close(idx);
    return sink == 42 ? 3 : 0; /* keeps the hit reads from being optimized away */
}
