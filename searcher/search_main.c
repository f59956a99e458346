/*
 * search_main.c — loci-search: the command-line front end of loci_search.
 *
 * Parses options, opens the index, runs one query (the arguments) or many
 * (--queries FILE|-, one per line, answered and flushed line by line so a
 * script can keep one process open), prints hits, and maps the outcome to
 * grep's exit codes: 0 something matched, 1 nothing did, 2 error.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cliopt.h"
#include "error.h"
#include "json.h"
#include "loci.h"
#include "output.h"
#include "shardio.h"
#include "stopwords.h"

#define PROG "loci-search"
#define MAX_K 100000000
#define MAX_K_TEXT "100000000"
#define PATH_MAX_SHOWN 400 /* bytes of a --queries path shown in a message */

enum format { FMT_TEXT_OUT, FMT_JSON_OUT, FMT_TREC_OUT };

#define MAX_INDEXES 4096
#define STATS_LINE_MAX ((size_t)64 << 20) /* bytes of a --global-stats or --merge line */

struct settings {
    const char *index;
    const char *indexes[MAX_INDEXES]; /* -i given n_indexes times: searched as one */
    size_t n_indexes;
    int partial;       /* --partial: an index (or run) that cannot be read is left out */
    int query_stats;   /* --query-stats: print each query's statistics (phase 1) */
    const char *global_stats; /* --global-stats FILE: score with these (phase 2) */
    struct stats_table *gtable;
    int merge;         /* --merge RUN...: merge the shards' runs (phase 3) */
    loci_search_options so;
    enum format format;
    const char *run_tag;
    const char *queries;
    struct text_style style; /* color, width, escaping of text output */
    int check;
    int stats;         /* --stats: describe the index and exit */
    int quiet;         /* -q: print no hits, only the exit status tells */
    int count_only;    /* --count: print how many passages (documents) match */
    int files;         /* -l: print the matching documents' names */
    int end_record;    /* --end-record: a JSON record closes every query */
    unsigned snippet;  /* --snippet N: about N characters around the matches */
    int explain;       /* --explain: each clause's share of each score */
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " PROG " [-i DIR]... [-k N] [options] QUERY...\n"
            "       " PROG " [-i DIR]... --queries FILE|- [options]\n"
            "       " PROG " --merge [-k N] [options] RUN...\n"
            "Rank the passages of a loci index by BM25 and print the best ones.\n"
            "\n"
            "  -i, --index DIR       index directory (default: $LOCI_INDEX or .loci); given\n"
            "                        several times, the indexes (shards) are searched as one\n"
            "                        index of all their documents, in the order given\n"
            "      --partial         an index or run that cannot be read is left out with a\n"
            "                        warning (the results say they are partial) instead of\n"
            "                        being an error\n"
            "      --query-stats     print the statistics each query needs from the index\n"
            "                        (passages, tokens, each term's df) as one JSON line\n"
            "      --global-stats FILE  score with the statistics of FILE, the --query-stats\n"
            "                        lines of all shards, summed per query (runs then carry\n"
            "                        scores to the last bit)\n"
            "      --merge RUN...    merge the shards' runs (--json or --format trec output of\n"
            "                        --global-stats searches, in shard order) into the top k\n"
            "                        (README: Shards)\n"
            "  -k N                  number of results per query (default 10, at most " MAX_K_TEXT ")\n"
            "      --k1 X            BM25 term-frequency saturation (default %.2g)\n"
            "      --b X             BM25 length normalization, 0..1 (default %.2g)\n"
            "      --title-weight W  a JSON Lines title counts W times its text's words\n"
            "                        (BM25F; 0 < W <= 100, default 1; W != 1 reads the\n"
            "                        positions of candidates with a title: slower)\n"
            "      --group passage|doc  one result per passage (default) or per document\n"
            "      --exhaustive      score every posting (no pruning)\n"
            "      --proximity[=W]   add a bonus for query words that stand close together\n"
            "                        in a passage: Buettcher, Clarke and Lushman's score\n"
            "                        times W (W default %.2g, 0 to 100; off by default); it\n"
            "                        ranks 2k+10 or more passages and reads their\n"
            "                        positions: title queries took 2.7x the median time,\n"
            "                        3.6x the p95 (README: Proximity)\n"
            "      --explain         after each hit, each clause's tf, idf, length\n"
            "                        normalization and contribution to the score\n"
            "                        (JSON: \"explain\": [...])\n"
            "      --plain           the query is words only: no operators, quotes or\n"
            "                        parentheses (for passing arbitrary text)\n"
            "      --stopwords none|LANG|FILE  words a query leaves out when it has others\n"
            "                        (not in phrases, not +required): default the list of\n"
            "                        the index's stemming language; a language's list; or\n"
            "                        a file of words ('#' comments); --stopwords list\n"
            "                        prints the languages with a list\n"
            "      --expand[=D,T,W]  pseudo-relevance feedback (RM3): add to the query the T\n"
            "                        terms most typical of its D best passages, the query\n"
            "                        weighing W and the terms 1-W (default 10,10,0.5; D\n"
            "                        alone or D,T also do). Slow: it reads the text of D\n"
            "                        passages and ranks twice, some 2 ms a query on a\n"
            "                        Wikipedia sample against 0.02 ms without\n"
            "                        (README: Query expansion)\n"
            "      --format text|json|trec  output format (default text)\n"
            "      --json            same as --format json (JSON Lines, one hit per line)\n"
            "      --run-tag T       tag column of --format trec (default loci)\n"
            "      --queries FILE    one query per line, \"qid<TAB>text\" or just text;\n"
            "                        - reads standard input; results are flushed per query;\n"
            "                        a line that fails is reported (FILE:LINE) and skipped,\n"
            "                        and the exit status is then 2; lines are at most %d bytes\n"
            "      --color[=WHEN]    highlight matches: auto (default), always, never\n"
            "      --offset N        skip the N best results first (paging: the same as\n"
            "                        ranks N+1..N+k of a larger -k)\n"
            "  -l, --files-with-matches  print the names of the best k matching documents,\n"
            "                        one per line, in rank order (\"qid<TAB>name\" with --queries)\n"
            "      --snippet N       show about N characters around the densest cluster of\n"
            "                        matches, with \"…\" where text is left out, instead of\n"
            "                        the whole passage (JSON: \"snippet\": [start, end] bytes)\n"
            "      --count           print how many passages match (documents with\n"
            "                        --group doc) instead of the results\n"
            "      --end-record      JSON: end every query's hits with a record\n"
            "                        {\"qid\", \"query\", \"end\": true, \"hits\", \"total\"}\n"
            "      --check           verify every checksum of the index and exit\n"
            "      --stats           describe the index (counts, settings, format, date,\n"
            "                        sizes) and exit; with --json as one JSON object\n"
            "  -q, --quiet           print no results: the exit status says whether\n"
            "                        anything matched (errors are still printed)\n"
            "  -h, --help            show this help\n"
            "  -V, --version         show version information\n"
            "\n"
            "Query syntax (README: Query language):\n"
            "  words like these      ranked by BM25; a passage needs at least one\n"
            "  \"an exact phrase\"     consecutive words, in order; \"a b\"~N: within N words\n"
            "  +word  -word          required, excluded (also +\"a phrase\", -(a OR b))\n"
            "  a AND b, a OR b, a NOT b, ( )   AND and NOT bind tighter than OR, OR\n"
            "                        tighter than juxtaposition; lower-case and/or/not\n"
            "                        are words\n"
            "  sanction*             every term with that prefix (the 128 most frequent)\n"
            "  doc:GLOB              only documents whose name matches the glob\n"
            "\n"
            "Exit status: 0 if something matched, 1 if nothing did, 2 on error.\n",
            LOCI_DEFAULT_K1, LOCI_DEFAULT_B, LOCI_PROXIMITY_WEIGHT, LOCI_QUERY_MAX);
}

static int die_usage(const char *msg, const char *arg)
{
    return cli_usage_error(PROG, msg, arg);
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

/* --expand[=D[,T[,W]]] into o; -1 if malformed or out of range. */
static int parse_expand(const char *arg, loci_search_options *o)
{
    unsigned long d = LOCI_DEFAULT_EXPAND_DOCS, t = o->expand_terms;
    double w = o->expand_weight;
    if (arg) {
        /* digits, then optionally ",digits", then optionally ",number" */
        char *end;
        errno = 0;
        if (!isdigit((unsigned char)arg[0]))
            return -1;
        d = strtoul(arg, &end, 10);
        if (*end == ',' && isdigit((unsigned char)end[1])) {
            t = strtoul(end + 1, &end, 10);
            if (*end == ',' && (isdigit((unsigned char)end[1]) || end[1] == '.'))
                w = strtod(end + 1, &end);
        }
        if (errno || *end)
            return -1;
    }
    if (d < 1 || d > 1000 || t > 1000 || !(w > 0 && w <= 1))
        return -1;
    o->expand_docs = (unsigned)d;
    o->expand_terms = (unsigned)t;
    o->expand_weight = w;
    return 0;
}

/* Flush `out` to stdout; -1 on a write error. */
static int putf(struct buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append printf output to `out`. */
static int putf(struct buf *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(out, (size_t)n + 1))
        return LOCI_ENOMEM;
    va_start(ap, fmt);
    vsnprintf((char *)out->data + out->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    out->len += (size_t)n;
    return 0;
}

static int flush_out(struct buf *out)
{
    int rc = 0;
    if (out->len && fwrite(out->data, 1, out->len, stdout) != out->len)
        rc = -1;
    out->len = 0;
    if (fflush(stdout) != 0)
        rc = -1;
    return rc;
}

/* Outcomes of run_query. */
enum { Q_MATCH = 0, Q_NONE = 1, Q_ERROR = 2, Q_EMPTY = 3, Q_FATAL = 4 };

static int print_query_stats(loci_index *idx, const struct settings *s, const char *where,
                             const char *qid, const char *query, struct buf *out);

/* Run one query and print its hits. `where` prefixes messages about the
 * query ("FILE:LINE: "; "" for a command-line query). Returns Q_MATCH,
 * Q_NONE, Q_ERROR (message printed), Q_EMPTY (no searchable word, nothing
 * printed) or Q_FATAL (stdout cannot be written: stop). */
static int run_query(loci_index *idx, const struct settings *s, const char *where,
                     const char *qid, const char *query, struct buf *out)
{
    loci_results *r;
    loci_error err;
    if (s->query_stats)
        return print_query_stats(idx, s, where, qid, query, out);
    if (s->gtable) {
        struct stats_entry *e = stats_table_find(s->gtable, qid);
        if (!e || (e->query && strcmp(e->query, query))) {
            fprintf(stderr, PROG ": %s%s: %s query %s\n", where, s->global_stats,
                    e ? "other statistics, of another text, for" : "no statistics for", qid);
            return Q_ERROR;
        }
        if (loci_index_set_global_stats(idx, e->s, &err)) {
            fprintf(stderr, PROG ": %s%s\n", where, err.message);
            return Q_ERROR;
        }
    }
    int rc = loci_search(idx, query, &s->so, &r, &err);
    if (rc == LOCI_EEMPTY)
        return Q_EMPTY;
    if (rc) {
        fprintf(stderr, PROG ": %s%s\n", where, err.message);
        return Q_ERROR;
    }
    if (loci_results_warning(r))
        fprintf(stderr, PROG ": warning: %s%s\n", where, loci_results_warning(r));
    size_t n = loci_results_count(r);
    if (s->quiet) {
        loci_results_free(r);
        return n ? Q_MATCH : Q_NONE;
    }
    out->len = 0;
    if (s->count_only) {
        int64_t total = loci_results_total(r);
        loci_results_free(r);
        rc = s->format == FMT_JSON_OUT ? output_count_json(out, qid, query, total)
             : s->queries              ? output_count_text(out, qid, total)
                                       : output_count_text(out, NULL, total);
        if (rc || flush_out(out)) {
            fprintf(stderr, PROG ": write error: %s\n", rc ? "out of memory" : strerror(errno));
            return Q_FATAL;
        }
        return total > 0 ? Q_MATCH : Q_NONE;
    }
    double *scores = malloc((n ? n : 1) * sizeof *scores);
    if (!scores) {
        fprintf(stderr, PROG ": %sout of memory\n", where);
        loci_results_free(r);
        return Q_ERROR;
    }
    for (size_t i = 0; i < n; i++)
        scores[i] = loci_results_hit(r, i)->score;
    if (s->format == FMT_TEXT_OUT && s->queries) {
        buf_append(out, "# ", 2);
        buf_append(out, qid, strlen(qid));
        buf_append(out, ": ", 2);
        buf_append(out, query, strlen(query));
        buf_putc(out, '\n');
    }
    struct buf also = {0};
    size_t *also_len = NULL;
    for (size_t i = 0; i < n; i++) {
        const loci_hit *h = loci_results_hit(r, i);
        loci_passage p;
        /* the document's other names, copied before the passage is read
         * (they live in the same buffers) */
        size_t nalso = 0;
        int grc = LOCI_OK;
        if (s->format != FMT_TREC_OUT && !s->files) {
            int k = loci_doc_also(idx, h->doc, 0, NULL, NULL, &err);
            grc = k < 0 ? k : LOCI_OK;
            free(also_len);
            also_len = k > 0 ? malloc((size_t)k * sizeof *also_len) : NULL;
            also.len = 0;
            for (int j = 0; j < k && !grc; j++) {
                const char *an;
                size_t al;
                int got = also_len ? loci_doc_also(idx, h->doc, (size_t)j, &an, &al, &err)
                                   : LOCI_ENOMEM;
                if (got < 0)
                    grc = got;
                else if (buf_append(&also, an, al))
                    grc = LOCI_ENOMEM;
                else
                    also_len[nalso++] = al;
            }
            if (grc == LOCI_ENOMEM)
                snprintf(err.message, sizeof err.message, "out of memory");
        }
        grc = grc ? grc
              : s->format == FMT_TREC_OUT || s->files ? loci_passage_locate(idx, h->passage, &p, &err)
                                                      : loci_passage_get(idx, h->passage, &p, &err);
        loci_span *spans = NULL;
        struct output_hit oh = {qid, query, i + 1, h, &p, NULL, 0,
                                output_decimals(scores, n, i, s->format == FMT_TEXT_OUT ? 4 : 6),
                                0, 0, 0, NULL, 0, (const char *)also.data, also_len, nalso};
        /* a shard's run for --merge: scores to the last bit */
        if (s->gtable && s->format != FMT_TEXT_OUT)
            oh.decimals = shardio_exact_decimals(h->score, oh.decimals);
        if (!grc && s->format != FMT_TREC_OUT && !s->files)
            grc = loci_results_highlight(r, p.text, p.text_len, &spans, &oh.nspans, &err);
        loci_explain_clause *ex = NULL;
        if (!grc && s->explain && s->format != FMT_TREC_OUT && !s->files) {
            grc = loci_results_explain(idx, r, i, &ex, &oh.nexplain, &err);
            oh.explain = ex;
        }
        if (grc) {
            /* nothing of a failed query is printed */
            free(spans);
            fprintf(stderr, PROG ": %s%s\n", where, err.message);
            loci_results_free(r);
            free(scores);
            buf_free(&also);
            free(also_len);
            return Q_ERROR;
        }
        oh.spans = spans;
        if (s->snippet && s->format != FMT_TREC_OUT && !s->files) {
            oh.snippet = 1;
            loci_snippet(p.text, p.text_len, spans, oh.nspans, s->snippet, &oh.snip_start,
                         &oh.snip_end);
        }
        int orc = s->files && s->format == FMT_JSON_OUT ? output_name_json(out, &oh)
                  : s->files                  ? output_name(out, s->queries ? qid : NULL, &p,
                                                            &s->style)
                  : s->format == FMT_JSON_OUT ? output_json(out, &oh)
                  : s->format == FMT_TREC_OUT ? output_trec(out, &oh, s->so.group == LOCI_GROUP_DOCUMENT,
                                                            s->run_tag)
                                              : output_text(out, &oh, &s->style);
        free(spans);
        free(ex);
        if (orc) {
            fprintf(stderr, PROG ": %sout of memory\n", where);
            loci_results_free(r);
            free(scores);
            buf_free(&also);
            free(also_len);
            return Q_ERROR;
        }
    }
    buf_free(&also);
    free(also_len);
    if (s->end_record && s->format == FMT_JSON_OUT && !s->files &&
        output_end_json(out, qid, query, n, loci_results_total(r))) {
        fprintf(stderr, PROG ": %sout of memory\n", where);
        loci_results_free(r);
        free(scores);
        return Q_ERROR;
    }
    loci_results_free(r);
    free(scores);
    if (flush_out(out)) {
        fprintf(stderr, PROG ": write error: %s\n", strerror(errno));
        return Q_FATAL;
    }
    return n ? Q_MATCH : Q_NONE;
}

/* --query-stats: the statistics of one query, one JSON line. */
static int print_query_stats(loci_index *idx, const struct settings *s, const char *where,
                             const char *qid, const char *query, struct buf *out)
{
    loci_global_stats *st = NULL;
    loci_error err;
    int rc = loci_query_stats(idx, query, &s->so, &st, &err);
    if (rc == LOCI_EEMPTY) {
        /* still a line, so that phase 2 finds the query's statistics */
        loci_index_stats is;
        loci_index_stats_get(idx, &is);
        if (loci_global_stats_new(&st) || loci_global_stats_add_part(st, is.passages, is.tokens))
            rc = err_set(&err, LOCI_ENOMEM, "out of memory");
        else
            rc = LOCI_OK;
    }
    if (rc) {
        loci_global_stats_free(st);
        fprintf(stderr, PROG ": %s%s\n", where, err.message);
        return Q_ERROR;
    }
    out->len = 0;
    rc = shardio_put_stats(out, qid, query, st);
    loci_global_stats_free(st);
    if (rc || flush_out(out)) {
        fprintf(stderr, PROG ": write error: %s\n", rc ? "out of memory" : strerror(errno));
        return Q_FATAL;
    }
    return Q_MATCH;
}

static const char *mode_name(loci_passage_mode m)
{
    return m == LOCI_PASSAGE_DOCUMENT ? "document" : m == LOCI_PASSAGE_WINDOW ? "window" : "paragraph";
}

/* --stats: what the index holds and how it was built, as xapian-delve
 * shows it: text for people, one JSON object with --json. */
static int print_stats(loci_index *idx, const char *dir, int json, struct buf *out)
{
    loci_index_stats st;
    loci_index_stats_get(idx, &st);
    char built[64] = "unknown";
    time_t t = (time_t)st.built;
    struct tm tm;
    if (st.built && gmtime_r(&t, &tm))
        strftime(built, sizeof built, "%Y-%m-%dT%H:%M:%SZ", &tm);
    out->len = 0;
    int rc;
    if (json) {
        rc = buf_append(out, "{\"index\": ", 10);
        rc = rc ? rc : json_put_string(out, dir, strlen(dir));
        rc = rc ? rc
                : putf(out,
                       ", \"format\": \"%u.%u\", \"built\": \"%s\", \"segments\": %u, "
                       "\"documents\": %llu, \"deleted_documents\": %llu, "
                       "\"passages\": %llu, \"terms\": %llu, \"tokens\": %llu, "
                       "\"avg_passage_tokens\": %.2f, \"stem\": ",
                       st.format_major, st.format_minor, built, st.segments,
                       (unsigned long long)st.documents, (unsigned long long)st.deleted_documents,
                       (unsigned long long)st.passages, (unsigned long long)st.terms,
                       (unsigned long long)st.tokens, st.avg_passage_tokens);
        rc = rc ? rc : json_put_string(out, st.stem_language, strlen(st.stem_language));
        rc = rc ? rc
                : putf(out,
                       ", \"passage_mode\": \"%s\", \"passage_tokens\": %u, \"passage_stride\": %u, "
                       "\"bytes\": %llu, \"files\": {",
                       mode_name(st.passage_mode), st.passage_tokens, st.passage_stride,
                       (unsigned long long)st.index_bytes);
        for (size_t i = 0; i < st.nfiles && !rc; i++)
            rc = putf(out, "%s\"%s\": %llu", i ? ", " : "", st.files[i].name,
                      (unsigned long long)st.files[i].bytes);
        rc = rc ? rc : buf_append(out, "}}\n", 3);
    } else {
        rc = putf(out,
                  "index       %s\nformat      %u.%u\nbuilt       %s\nsegments    %u\n"
                  "documents   %llu (%llu deleted since their segments were written)\n"
                  "passages    %llu (%s",
                  dir, st.format_major, st.format_minor, built, st.segments,
                  (unsigned long long)st.documents, (unsigned long long)st.deleted_documents,
                  (unsigned long long)st.passages, mode_name(st.passage_mode));
        if (!rc && st.passage_mode != LOCI_PASSAGE_DOCUMENT)
            rc = putf(out, st.passage_mode == LOCI_PASSAGE_WINDOW
                               ? ", %u-token windows every %u tokens"
                               : ", longer than %u tokens cut into windows every %u tokens",
                      st.passage_tokens, st.passage_stride);
        rc = rc ? rc
                : putf(out,
                       ")\nterms       %llu\ntokens      %llu (%.1f per passage)\n"
                       "stemming    %s\nbytes       %llu\n",
                       (unsigned long long)st.terms, (unsigned long long)st.tokens,
                       st.avg_passage_tokens, st.stem_language,
                       (unsigned long long)st.index_bytes);
        for (size_t i = 0; i < st.nfiles && !rc; i++)
            rc = putf(out, "  %-10s%llu\n", st.files[i].name, (unsigned long long)st.files[i].bytes);
    }
    if (rc || flush_out(out)) {
        fprintf(stderr, PROG ": write error: %s\n", rc ? "out of memory" : strerror(errno));
        return 2;
    }
    return 0;
}

/* Read one line into `line` (NUL-terminated, newline dropped), keeping at
 * most `cap` bytes: the rest of a longer line is read and dropped, so a
 * line without end (--queries /dev/zero) cannot take unbounded memory;
 * *too_long is set as soon as the cap is passed, and `on_too_long` called
 * then, so the error shows at once. Returns 1 for a line, 0 at the end,
 * -1 on a read or memory error. */
static int read_line(FILE *f, struct buf *line, size_t cap, int *too_long,
                     void (*on_too_long)(void *), void *ctx)
{
    line->len = 0;
    *too_long = 0;
    int c, any = 0;
    while ((c = getc(f)) != EOF) {
        any = 1;
        if (c == '\n')
            break;
        if (line->len < cap) {
            if (buf_putc(line, (char)c))
                return -1;
        } else if (!*too_long) {
            *too_long = 1;
            on_too_long(ctx);
        }
    }
    if (c == EOF && ferror(f))
        return -1;
    if (buf_putc(line, '\0'))
        return -1;
    line->len--;
    return any;
}

struct line_ctx {
    const char *file;
    unsigned long lineno;
};

static void report_too_long(void *ctx)
{
    const struct line_ctx *lc = ctx;
    fprintf(stderr, PROG ": %s:%lu: query longer than %d bytes; skipped\n", lc->file,
            lc->lineno + 1, LOCI_QUERY_MAX); /* counted once the line is read */
}

/* --queries: answer every line; a line that fails is reported with its
 * number and the next one answered. Exit status: 2 if any line failed,
 * else 0 if any query matched, else 1. */
static int run_queries(loci_index *idx, const struct settings *s, struct buf *out)
{
    FILE *f = strcmp(s->queries, "-") == 0 ? stdin : fopen(s->queries, "r");
    if (!f) {
        fprintf(stderr, PROG ": %s: %s\n", s->queries, strerror(errno));
        return 2;
    }
    struct buf line = {0};
    struct line_ctx lc = {strcmp(s->queries, "-") == 0 ? "(stdin)" : s->queries, 0};
    int any = 0, failed = 0, fatal = 0, got, too_long;
    while ((got = read_line(f, &line, LOCI_QUERY_MAX, &too_long, report_too_long, &lc)) > 0) {
        lc.lineno++;
        char *text = (char *)line.data;
        size_t len = line.len;
        if (too_long) {
            failed = 1;
            continue;
        }
        if (strlen(text) != len) {
            fprintf(stderr, PROG ": %s:%lu: the query contains a NUL byte; skipped\n", lc.file,
                    lc.lineno);
            failed = 1;
            continue;
        }
        while (len > 0 && text[len - 1] == '\r')
            text[--len] = '\0';
        if (len == 0)
            continue;
        char qidbuf[32], *qid = qidbuf, *tab = strchr(text, '\t'), where[64 + PATH_MAX_SHOWN];
        if (tab) {
            *tab = '\0';
            qid = text;
            text = tab + 1;
        } else {
            snprintf(qidbuf, sizeof qidbuf, "%lu", lc.lineno);
        }
        snprintf(where, sizeof where, "%.*s:%lu: ", PATH_MAX_SHOWN, lc.file, lc.lineno);
        int rc = run_query(idx, s, where, qid, text, out);
        if (rc == Q_EMPTY)
            fprintf(stderr, PROG ": %swarning: query %s has no searchable words\n", where, qid);
        else if (rc == Q_ERROR)
            failed = 1;
        else if (rc == Q_FATAL) {
            fatal = 1;
            break;
        } else if (rc == Q_MATCH)
            any = 1;
    }
    if (got < 0 && !fatal) {
        fprintf(stderr, PROG ": %s: %s\n", lc.file, ferror(f) ? strerror(errno) : "out of memory");
        failed = 1;
    }
    buf_free(&line);
    if (f != stdin)
        fclose(f);
    return fatal || failed ? 2 : any ? 0 : 1;
}

/* Text output says that results are partial on its first line too, where
 * a reader sees it (the other formats are read by programs, which have
 * the warning on stderr and, with --partial, asked for it). */
static void partial_note(const struct settings *s, size_t got, size_t of, const char *what)
{
    if (s->format == FMT_TEXT_OUT && !s->files && !s->count_only && !s->quiet && !s->query_stats)
        printf("# partial results: %zu of %zu %s\n", got, of, what);
}

/* The indexes of -i, as one. With --partial, those that cannot be
 * opened are left out, each named in a warning. */
static int open_indexes(struct settings *s, loci_index **idx)
{
    loci_error err;
    size_t n = s->n_indexes, missing = 0;
    if (s->partial && n > 1) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            loci_index *one;
            if (loci_index_open(s->indexes[i], &one, &err)) {
                fprintf(stderr, PROG ": warning: partial results: %s left out (%s)\n",
                        s->indexes[i], err.message);
                missing++;
                continue;
            }
            loci_index_close(one);
            s->indexes[m++] = s->indexes[i];
        }
        if (!m) {
            fprintf(stderr, PROG ": none of the %zu indexes could be opened\n", n);
            return -1;
        }
        if (missing) {
            fprintf(stderr, PROG ": warning: partial results: %zu of %zu indexes searched\n", m,
                    n);
            partial_note(s, m, n, "indexes searched");
        }
        n = s->n_indexes = m;
    }
    if (loci_index_open_many(s->indexes, n, idx, &err)) {
        fprintf(stderr, PROG ": %s\n", err.message);
        return -1;
    }
    return 0;
}

static void report_long_line(void *ctx)
{
    (void)ctx;
}

/* Call fn(ctx, where, line, len) for each non-empty line of `path` (open
 * as f), `where` being "FILE:LINE"; fn returns 0 to go on. A line longer
 * than cap is an error, or with skip_long skipped (it was reported where
 * it was first read). Returns 0, or -1 once a message is printed. */
typedef int (*line_fn)(void *ctx, const char *where, char *line, size_t len);

static int each_line(FILE *f, const char *path, size_t cap, int skip_long, line_fn fn, void *ctx)
{
    struct buf line = {0};
    unsigned long lineno = 0;
    int got, too_long, rc = 0;
    while (!rc && (got = read_line(f, &line, cap, &too_long, report_long_line, NULL)) > 0) {
        char where[64 + PATH_MAX_SHOWN];
        snprintf(where, sizeof where, "%.*s:%lu", PATH_MAX_SHOWN, path, ++lineno);
        if (too_long && !skip_long) {
            fprintf(stderr, PROG ": %s: line longer than %zu bytes\n", where, cap);
            rc = -1;
        } else if (!too_long && line.len) {
            rc = fn(ctx, where, (char *)line.data, line.len);
        }
    }
    if (!rc && got < 0) {
        fprintf(stderr, PROG ": %s: %s\n", path, ferror(f) ? strerror(errno) : "out of memory");
        rc = -1;
    }
    buf_free(&line);
    return rc;
}

static int stats_line(void *ctx, const char *where, char *line, size_t len)
{
    loci_error err;
    if (stats_table_add(ctx, line, len, where, &err)) {
        fprintf(stderr, PROG ": %s\n", err.message);
        return -1;
    }
    return 0;
}

/* --global-stats FILE: every line summed into its query's statistics. */
static int load_global_stats(const char *file, struct stats_table *t)
{
    FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
    if (!f) {
        fprintf(stderr, PROG ": %s: %s\n", file, strerror(errno));
        return -1;
    }
    loci_error err;
    int rc = each_line(f, file, STATS_LINE_MAX, 0, stats_line, t);
    if (!rc && !t->n) {
        fprintf(stderr, PROG ": %s: no statistics (the --query-stats output of every shard)\n",
                file);
        rc = -1;
    }
    if (!rc && stats_table_check(t, file, &err)) {
        fprintf(stderr, PROG ": %s\n", err.message);
        rc = -1;
    }
    if (f != stdin)
        fclose(f);
    return rc;
}

/* ---- --merge: the shards' runs into one ---------------------------------------- */

struct mhit {
    struct run_hit h;
    size_t q, run, pos;  /* query (in output order), run (shard), place in its run */
};

struct merge_state {
    struct mhit *hits;
    size_t n, cap;
    char **qid, **qtext; /* queries in output order, with their text (or NULL) */
    size_t nq, capq;
    size_t last;         /* the query found last */
};

static int query_slot(struct merge_state *m, const char *qid, const char *text, size_t *q)
{
    /* a run's hits come query by query: most lines are the last one's */
    if (m->last < m->nq && !strcmp(m->qid[m->last], qid) && (m->qtext[m->last] || !text || !*text)) {
        *q = m->last;
        return 0;
    }
    for (size_t i = 0; i < m->nq; i++)
        if (!strcmp(m->qid[i], qid)) {
            if (!m->qtext[i] && text && *text && !(m->qtext[i] = strdup(text)))
                return -1;
            *q = m->last = i;
            return 0;
        }
    if (m->nq == m->capq) {
        size_t cap = m->capq;
        char **a = array_grow(m->qid, &cap, m->nq + 1, sizeof *a, 16);
        if (!a)
            return -1;
        m->qid = a;
        cap = m->capq;
        char **b = array_grow(m->qtext, &cap, m->nq + 1, sizeof *b, 16);
        if (!b)
            return -1;
        m->qtext = b;
        m->capq = cap;
    }
    m->qid[m->nq] = strdup(qid);
    m->qtext[m->nq] = text && *text ? strdup(text) : NULL;
    if (!m->qid[m->nq] || (text && *text && !m->qtext[m->nq])) {
        free(m->qid[m->nq]);
        free(m->qtext[m->nq]);
        return -1;
    }
    *q = m->last = m->nq++;
    return 0;
}

/* --queries with --merge: the queries' order and texts. */
struct order_ctx {
    struct merge_state *m;
    unsigned long lineno;
};

static int order_line(void *ctx, const char *where, char *text, size_t len)
{
    struct order_ctx *o = ctx;
    o->lineno = strtoul(strrchr(where, ':') + 1, NULL, 10);
    char num[32], *qid = num, *tab;
    while (len > 0 && text[len - 1] == '\r')
        text[--len] = '\0';
    if (!len || strlen(text) != len)
        return 0; /* phase 2 reported it */
    if ((tab = strchr(text, '\t'))) {
        *tab = '\0';
        qid = text;
        text = tab + 1;
    } else {
        snprintf(num, sizeof num, "%lu", o->lineno);
    }
    size_t q;
    if (query_slot(o->m, qid, text, &q)) {
        fprintf(stderr, PROG ": out of memory\n");
        return -1;
    }
    return 0;
}

static int merge_query_order(struct merge_state *m, const char *file)
{
    FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
    if (!f) {
        fprintf(stderr, PROG ": %s: %s\n", file, strerror(errno));
        return -1;
    }
    struct order_ctx o = {m, 0};
    int rc = each_line(f, file, LOCI_QUERY_MAX, 1, order_line, &o);
    if (f != stdin)
        fclose(f);
    return rc;
}

struct run_ctx {
    struct merge_state *m;
    size_t run, pos;
};

static int run_line(void *ctx, const char *where, char *line, size_t len)
{
    struct run_ctx *rc = ctx;
    struct merge_state *m = rc->m;
    loci_error err;
    struct mhit *h = array_grow(m->hits, &m->cap, m->n + 1, sizeof *h, 64);
    if (!h) {
        fprintf(stderr, PROG ": out of memory\n");
        return -1;
    }
    m->hits = h;
    h = &m->hits[m->n];
    memset(h, 0, sizeof *h);
    if (run_parse_line(&h->h, line, len, where, &err)) {
        fprintf(stderr, PROG ": %s\n", err.message);
        run_hit_free(&h->h);
        return -1;
    }
    if (h->h.skip) {
        run_hit_free(&h->h);
        return 0;
    }
    if (query_slot(m, (const char *)h->h.qid.data, (const char *)h->h.query.data, &h->q)) {
        fprintf(stderr, PROG ": out of memory\n");
        run_hit_free(&h->h);
        return -1;
    }
    h->run = rc->run;
    h->pos = rc->pos++;
    m->n++;
    return 0;
}

/* Read one run (shard `run`) into m. 1: it could not be opened (reported). */
static int read_run(struct merge_state *m, const char *path, size_t run, int partial)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, PROG ": %s%s: %s\n", partial ? "warning: partial results: " : "", path,
                strerror(errno));
        return partial ? 1 : -1;
    }
    struct run_ctx rc = {m, run, 0};
    int st = each_line(f, path, STATS_LINE_MAX, 0, run_line, &rc);
    fclose(f);
    return st;
}

/* The order of one index of everything: score, descending; ties by
 * global passage id, which is the shard's place, then the place in the
 * shard's run (its ties are already by passage id). */
static int by_merged_rank(const void *a, const void *b)
{
    const struct mhit *x = a, *y = b;
    if (x->q != y->q)
        return x->q < y->q ? -1 : 1;
    if (x->h.score != y->h.score)
        return x->h.score > y->h.score ? -1 : 1;
    if (x->run != y->run)
        return x->run < y->run ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Print hits[0..n) of one query as loci-search prints a search's. */
static int print_merged(const struct settings *s, const char *qid, const char *query,
                        struct mhit *hits, size_t n, struct buf *out)
{
    double *scores = malloc((n ? n : 1) * sizeof *scores);
    if (!scores)
        return LOCI_ENOMEM;
    for (size_t i = 0; i < n; i++)
        scores[i] = hits[i].h.score;
    int rc = 0;
    if (s->format == FMT_TEXT_OUT && s->queries && !s->files) {
        rc = putf(out, "# %s: %s\n", qid, query);
    }
    for (size_t i = 0; i < n && !rc; i++) {
        const struct run_hit *r = &hits[i].h;
        loci_hit h = {(uint32_t)r->passage, (uint32_t)r->doc_id, r->score};
        loci_passage p = {(uint32_t)r->passage, (uint32_t)r->doc_id, (uint32_t)r->ordinal,
                          (uint32_t)r->line, r->byte_start, r->byte_end,
                          (const char *)r->doc.data, r->doc.len,
                          (const char *)r->text.data, r->text.len};
        /* (a run's lines carry no "also" names: merged hits show none) */
        struct output_hit oh = {qid, query, i + 1, &h, &p, r->spans, r->nspans,
                                output_decimals(scores, n, i, s->format == FMT_TEXT_OUT ? 4 : 6),
                                0, 0, 0, NULL, 0, NULL, NULL, 0};
        if (s->snippet && s->format != FMT_TREC_OUT && !s->files) {
            oh.snippet = 1;
            loci_snippet(p.text, p.text_len, r->spans, r->nspans, s->snippet, &oh.snip_start,
                         &oh.snip_end);
        }
        rc = s->files && s->format == FMT_JSON_OUT ? output_name_json(out, &oh)
             : s->files                  ? output_name(out, s->queries ? qid : NULL, &p, &s->style)
             : s->format == FMT_JSON_OUT ? output_json(out, &oh)
             : s->format == FMT_TREC_OUT
                 ? output_trec(out, &oh, !r->json || s->so.group == LOCI_GROUP_DOCUMENT, s->run_tag)
                 : output_text(out, &oh, &s->style);
    }
    free(scores);
    return rc;
}

static int merge_runs(const struct settings *s, char **runs, size_t nruns, struct buf *out)
{
    struct merge_state m = {0};
    int rc = s->queries ? merge_query_order(&m, s->queries) : 0;
    size_t read = 0;
    for (size_t i = 0; i < nruns && rc >= 0; i++) {
        int r = read_run(&m, runs[i], i, s->partial);
        if (r < 0)
            rc = -1;
        else if (r == 0)
            read++;
    }
    if (rc >= 0 && read < nruns && !read) {
        fprintf(stderr, PROG ": none of the %zu runs could be read\n", nruns);
        rc = -1;
    } else if (rc >= 0 && read < nruns) {
        fprintf(stderr, PROG ": warning: partial results: %zu of %zu runs merged\n", read, nruns);
        partial_note(s, read, nruns, "runs merged");
    }
    for (size_t i = 0; i < m.n && rc >= 0; i++)
        if (!m.hits[i].h.json && s->format != FMT_TREC_OUT) {
            fprintf(stderr, PROG ": %s: a TREC run carries no text: merge it with --format trec, "
                            "or merge --json runs\n",
                    runs[m.hits[i].run]);
            rc = -1;
        }
    if (rc >= 0)
        qsort(m.hits, m.n, sizeof *m.hits, by_merged_rank);
    int any = 0, fatal = 0;
    for (size_t i = 0, q = 0; q < m.nq && rc >= 0 && !fatal; q++) {
        size_t j = i;
        while (j < m.n && m.hits[j].q == q)
            j++;
        /* ranks offset+1 .. offset+k of the merged list */
        size_t from = i + s->so.offset < j ? i + s->so.offset : j;
        size_t to = j - from > s->so.k ? from + s->so.k : j;
        out->len = 0;
        if (from < to || (s->format == FMT_TEXT_OUT && s->queries && !s->files)) {
            if (print_merged(s, m.qid[q], m.qtext[q] ? m.qtext[q] : "", m.hits + from, to - from,
                             out)) {
                fprintf(stderr, PROG ": out of memory\n");
                rc = -1;
            } else if (flush_out(out)) {
                fprintf(stderr, PROG ": write error: %s\n", strerror(errno));
                fatal = 1;
            }
        }
        any |= from < to;
        i = j;
    }
    for (size_t i = 0; i < m.n; i++)
        run_hit_free(&m.hits[i].h);
    for (size_t q = 0; q < m.nq; q++) {
        free(m.qid[q]);
        free(m.qtext[q]);
    }
    free(m.hits);
    free(m.qid);
    free(m.qtext);
    return rc < 0 || fatal ? 2 : any ? 0 : 1;
}

int main(int argc, char **argv)
{
    struct settings s;
    memset(&s, 0, sizeof s);
    loci_search_options_init(&s.so);
    s.index = getenv("LOCI_INDEX");
    if (!s.index || !*s.index)
        s.index = ".loci";
    s.run_tag = "loci";
    const char *color = "auto";
    enum { O_K1 = 256, O_B, O_GROUP, O_EXH, O_FORMAT, O_JSON, O_TAG, O_QUERIES, O_COLOR, O_CHECK,
           O_COUNT, O_OFFSET, O_END, O_STATS, O_SNIPPET, O_PLAIN, O_EXPLAIN, O_PARTIAL,
           O_QUERY_STATS, O_GLOBAL_STATS, O_MERGE, O_STOPWORDS, O_EXPAND, O_TITLE_WEIGHT,
           O_PROXIMITY };
    static const struct option longopts[] = {
        {"index", required_argument, 0, 'i'}, {"k1", required_argument, 0, O_K1},
        {"b", required_argument, 0, O_B},     {"group", required_argument, 0, O_GROUP},
        {"exhaustive", no_argument, 0, O_EXH}, {"format", required_argument, 0, O_FORMAT},
        {"json", no_argument, 0, O_JSON},     {"run-tag", required_argument, 0, O_TAG},
        {"queries", required_argument, 0, O_QUERIES},
        {"color", optional_argument, 0, O_COLOR}, {"colour", optional_argument, 0, O_COLOR},
        {"check", no_argument, 0, O_CHECK},   {"help", no_argument, 0, 'h'},
        {"count", no_argument, 0, O_COUNT},   {"offset", required_argument, 0, O_OFFSET},
        {"files-with-matches", no_argument, 0, 'l'}, {"end-record", no_argument, 0, O_END},
        {"stats", no_argument, 0, O_STATS},   {"snippet", required_argument, 0, O_SNIPPET},
        {"version", no_argument, 0, 'V'},     {"quiet", no_argument, 0, 'q'},
        {"plain", no_argument, 0, O_PLAIN},   {"explain", no_argument, 0, O_EXPLAIN},
        {"partial", no_argument, 0, O_PARTIAL}, {"query-stats", no_argument, 0, O_QUERY_STATS},
        {"global-stats", required_argument, 0, O_GLOBAL_STATS},
        {"merge", no_argument, 0, O_MERGE},   {"stopwords", required_argument, 0, O_STOPWORDS},
        {"expand", optional_argument, 0, O_EXPAND},
        {"title-weight", required_argument, 0, O_TITLE_WEIGHT},
        {"proximity", optional_argument, 0, O_PROXIMITY},
        {0, 0, 0, 0}};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":i:k:lqhV", longopts, NULL)) != -1) {
        double v;
        switch (c) {
        case 'i':
            if (s.n_indexes == MAX_INDEXES)
                return die_usage("at most 4096 indexes (-i) at once", optarg);
            s.indexes[s.n_indexes++] = s.index = optarg;
            break;
        case O_PARTIAL: s.partial = 1; break;
        case O_QUERY_STATS: s.query_stats = 1; break;
        case O_GLOBAL_STATS: s.global_stats = optarg; break;
        case O_MERGE: s.merge = 1; break;
        case 'k': {
            char *end;
            errno = 0;
            long k = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || k < 1 || k > MAX_K)
                return die_usage("-k needs a whole number from 1 to " MAX_K_TEXT, optarg);
            s.so.k = (unsigned)k;
            break;
        }
        case O_K1:
            if (parse_double(optarg, &v) || !(v >= 0 && v < 1e6))
                return die_usage("--k1 needs a number >= 0", optarg);
            s.so.k1 = v;
            break;
        case O_TITLE_WEIGHT:
            if (parse_double(optarg, &v) || !(v > 0 && v <= 100))
                return die_usage("--title-weight needs a number above 0, at most 100", optarg);
            s.so.title_weight = v;
            break;
        case O_B:
            if (parse_double(optarg, &v) || !(v >= 0 && v <= 1))
                return die_usage("--b needs a number from 0 to 1", optarg);
            s.so.b = v;
            break;
        case O_GROUP:
            if (!strcmp(optarg, "passage"))
                s.so.group = LOCI_GROUP_PASSAGE;
            else if (!strcmp(optarg, "doc") || !strcmp(optarg, "document"))
                s.so.group = LOCI_GROUP_DOCUMENT;
            else
                return die_usage("--group is passage or doc", optarg);
            break;
        case O_EXH: s.so.exhaustive = 1; break;
        case O_PROXIMITY:
            if (!optarg)
                v = LOCI_PROXIMITY_WEIGHT;
            else if (parse_double(optarg, &v) || !(v >= 0 && v <= 100))
                return die_usage("--proximity needs a weight from 0 to 100", optarg);
            s.so.proximity = v;
            break;
        case O_PLAIN: s.so.plain = 1; break;
        case O_STOPWORDS: {
            loci_error err;
            if (!strcmp(optarg, "list")) {
                for (const char *const *l = loci_stopword_languages(); *l; l++)
                    puts(*l);
                return 0;
            }
            s.so.stopwords = optarg;
            if (stopwords_check(optarg, &err)) { /* once, not per query */
                fprintf(stderr, PROG ": %s\n", err.message);
                return 2;
            }
            break;
        }
        case O_EXPLAIN: s.explain = 1; break;
        case O_EXPAND:
            if (parse_expand(optarg, &s.so))
                return die_usage("--expand is D, D,T or D,T,W: feedback passages (1 to 1000), "
                                 "terms (0 to 1000) and the query's weight (over 0, at most 1)",
                                 optarg);
            break;
        case O_FORMAT:
            if (!strcmp(optarg, "text"))
                s.format = FMT_TEXT_OUT;
            else if (!strcmp(optarg, "json"))
                s.format = FMT_JSON_OUT;
            else if (!strcmp(optarg, "trec"))
                s.format = FMT_TREC_OUT;
            else
                return die_usage("--format is text, json or trec", optarg);
            break;
        case O_JSON: s.format = FMT_JSON_OUT; break;
        case O_TAG: s.run_tag = optarg; break;
        case O_QUERIES: s.queries = optarg; break;
        case O_COLOR:
            color = optarg ? optarg : "always";
            if (strcmp(color, "auto") && strcmp(color, "always") && strcmp(color, "never"))
                return die_usage("--color is auto, always or never", color);
            break;
        case O_CHECK: s.check = 1; break;
        case O_COUNT: s.count_only = 1; break;
        case O_STATS: s.stats = 1; break;
        case O_SNIPPET: {
            char *end;
            errno = 0;
            long n = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || n < 10 || n > 100000)
                return die_usage("--snippet needs a number of characters from 10 to 100000", optarg);
            s.snippet = (unsigned)n;
            break;
        }
        case 'l': s.files = 1; break;
        case O_END: s.end_record = 1; break;
        case O_OFFSET: {
            char *end;
            errno = 0;
            long off = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || off < 0 || off > MAX_K)
                return die_usage("--offset needs a whole number from 0 to " MAX_K_TEXT, optarg);
            s.so.offset = (unsigned)off;
            break;
        }
        case 'h': usage(stdout); return 0;
        case 'V': printf("%s\n", loci_version_string()); return 0;
        case 'q': s.quiet = 1; break;
        default: return cli_bad_option(PROG, argv, c);
        }
    }
    int tty = isatty(STDOUT_FILENO);
    if (!strcmp(color, "always"))
        s.style.color = 1;
    else if (!strcmp(color, "auto")) {
        const char *nc = getenv("NO_COLOR");
        s.style.color = tty && !(nc && *nc);
    }
    if (s.format != FMT_TEXT_OUT)
        s.style.color = 0;
    if (s.files)
        s.so.group = LOCI_GROUP_DOCUMENT; /* one line per document */
    if (s.count_only || s.end_record)
        s.so.count = 1;
    if (s.count_only)
        s.so.k = 1; /* only the total is shown */
    /* A terminal gets text that cannot act on it, wrapped to its width;
     * a pipe gets the bytes as they are, in 80 columns. */
    s.style.escape = tty;
    struct winsize ws;
    s.style.width = tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col ? ws.ws_col
                                                                                   : OUTPUT_WIDTH;

    /* The query: the remaining arguments joined by spaces. */
    struct buf query = {0};
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            buf_putc(&query, ' ');
        buf_append(&query, argv[i], strlen(argv[i]));
    }
    buf_putc(&query, '\0');
    if (s.merge) {
        buf_free(&query);
        if (s.n_indexes || s.query_stats || s.global_stats || s.check || s.stats || s.count_only ||
            s.explain || s.end_record || s.so.expand_docs)
            return die_usage("--merge reads runs only: no -i, --query-stats, --global-stats, "
                             "--check, --stats, --count, --explain, --end-record or --expand",
                             NULL);
        if (optind >= argc)
            return die_usage("--merge needs the RUN files of the shards, in shard order", NULL);
        struct buf out = {0};
        int st = merge_runs(&s, argv + optind, (size_t)(argc - optind), &out);
        buf_free(&out);
        return st;
    }
    if (s.global_stats && s.so.offset) {
        /* a shard's run is its best offset + k: which of them are skipped
         * is known only once the runs are merged (--merge --offset) */
        s.so.k += s.so.offset;
        s.so.offset = 0;
    }
    if (s.so.expand_docs && (s.query_stats || s.global_stats)) {
        buf_free(&query);
        return die_usage("--expand ranks with the index's own statistics: not with "
                         "--query-stats or --global-stats", NULL);
    }
    if (s.query_stats && s.global_stats) {
        buf_free(&query);
        return die_usage("--query-stats (phase 1) and --global-stats (phase 2) are apart", NULL);
    }
    if (!s.check && !s.stats && !s.queries && optind >= argc) {
        buf_free(&query);
        return die_usage("no query given", NULL);
    }
    if (s.queries && optind < argc) {
        buf_free(&query);
        return die_usage("give either a query or --queries, not both", NULL);
    }

    loci_index *idx;
    loci_error err;
    struct stats_table gtable = {0};
    if (s.global_stats) {
        if (load_global_stats(s.global_stats, &gtable)) {
            stats_table_free(&gtable);
            buf_free(&query);
            return 2;
        }
        s.gtable = &gtable;
    }
    if (!s.n_indexes)
        s.indexes[s.n_indexes++] = s.index;
    if (open_indexes(&s, &idx)) {
        stats_table_free(&gtable);
        buf_free(&query);
        return 2;
    }
    int status;
    struct buf out = {0};
    if (s.stats) {
        status = print_stats(idx, s.index, s.format == FMT_JSON_OUT, &out);
    } else if (s.check) {
        status = loci_index_check(idx, &err) ? 2 : 0;
        if (status)
            fprintf(stderr, PROG ": %s\n", err.message);
        else
            printf("%s: index OK\n", s.index);
    } else if (s.queries) {
        status = run_queries(idx, &s, &out);
    } else {
        status = run_query(idx, &s, "", "1", (const char *)query.data, &out);
        if (status == Q_EMPTY)
            fprintf(stderr, PROG ": the query has no searchable words\n");
        if (status >= Q_ERROR)
            status = 2;
    }
    buf_free(&out);
    buf_free(&query);
    stats_table_free(&gtable);
    loci_index_close(idx);
    return status;
}
