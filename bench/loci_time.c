/*
 * loci_time.c — query latency harness for bench/query (not installed).
 *
 *   loci-time INDEX QUERIES K [exhaustive]
 *
 * Opens INDEX once (its time goes to stderr as "open_us N"), then runs
 * each query of QUERIES (qid<TAB>text) with top K and prints one line per
 * query: microseconds spent in loci_search plus reading the hits' passage
 * and document ids — what Xapian's get_mset and FTS5's fetchall do in the
 * peers' harnesses. Process start and index open are excluded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loci.h"

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: loci-time INDEX QUERIES K [exhaustive]\n");
        return 2;
    }
    loci_search_options so;
    loci_search_options_init(&so);
    so.k = (unsigned)atoi(argv[3]);
    so.exhaustive = argc > 4 && strcmp(argv[4], "exhaustive") == 0;
    loci_error err;
    loci_index *idx;
    double t0 = now_us();
    if (loci_index_open(argv[1], &idx, &err)) {
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
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *text = strchr(line, '\t');
        text = text ? text + 1 : line;
        loci_results *r;
        double t = now_us();
        int rc = loci_search(idx, text, &so, &r, &err);
        if (rc == LOCI_OK) {
            for (size_t i = 0; i < loci_results_count(r); i++)
                sink += loci_results_hit(r, i)->passage + loci_results_hit(r, i)->doc;
            loci_results_free(r);
        } else if (rc != LOCI_EEMPTY) {
            fprintf(stderr, "loci-time: %s\n", err.message);
            return 2;
        }
        printf("%.1f\n", now_us() - t);
    }
    fclose(f);
    loci_index_close(idx);
    return sink == 42 ? 3 : 0; /* keeps the hit reads from being optimized away */
}
