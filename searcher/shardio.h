/*
 * shardio.h — what shards searched apart exchange (README.md, "Shards"):
 * the statistics lines of loci-search --query-stats (written, and read back
 * for --global-stats, summed per query), and the result lines of each
 * shard's run (JSON Lines or TREC) that --merge reads. Both are outside
 * input, so the readers are strict and bounded, and fuzzed
 * (tests/fuzz/fuzz_shardio.c).
 */
#ifndef LOCI_SHARDIO_H
#define LOCI_SHARDIO_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "loci.h"

/* One query's statistics as a JSON line:
 * {"qid": Q, "query": T, "passages": N, "tokens": L, "df": {"term": df, ...}} */
int shardio_put_stats(struct buf *out, const char *qid, const char *query, loci_global_stats *s);

/* The statistics of every query of a --global-stats file, summed. */
struct stats_entry {
    char *qid, *query;
    loci_global_stats *s;
};

struct stats_table {
    struct stats_entry *e;
    size_t n, cap;
    size_t *slot;        /* open addressing over e by qid: index + 1, 0 empty */
    size_t nslot;        /* a power of two, at least 2n */
};

/* Add one line (without its newline) to the table: its part is summed
 * into its query's statistics. `where` ("FILE:LINE") prefixes messages.
 * LOCI_EFORMAT with err set for a malformed line; LOCI_ENOMEM. */
int stats_table_add(struct stats_table *t, const char *line, size_t len, const char *where,
                    loci_error *err);
/* After the last line: every query must sum the same shards (equal
 * passages, tokens and number of parts), else LOCI_EFORMAT. */
int stats_table_check(struct stats_table *t, const char *file, loci_error *err);
/* The statistics of query `qid`, or NULL. */
struct stats_entry *stats_table_find(struct stats_table *t, const char *qid);
void stats_table_free(struct stats_table *t);

/* One hit of a shard's run. */
struct run_hit {
    struct buf qid, query, doc, text;  /* NUL-terminated; query/text empty in TREC */
    double score;
    uint64_t rank, doc_id, passage, ordinal, line, byte_start, byte_end;
    loci_span *spans;                  /* highlights (JSON) */
    size_t nspans, cap_spans;
    int json;                          /* 1: from a JSON line (text and ids known) */
    int skip;                          /* an --end-record line: no hit */
};

/* Parse one line of a run: a JSON object from loci-search --json (an
 * {"end": true} record sets skip), or "qid Q0 docid rank score tag".
 * LOCI_EFORMAT with err set ("WHERE: ...") when it is neither. The hit's
 * buffers are reused from call to call; run_hit_free frees them. */
int run_parse_line(struct run_hit *h, const char *line, size_t len, const char *where,
                   loci_error *err);
void run_hit_free(struct run_hit *h);

/* The fewest decimals (at least min) with which "%.*f" of v reads back
 * as v exactly, so that runs carry scores to the last bit. */
int shardio_exact_decimals(double v, int min);

#endif
