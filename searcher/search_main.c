/*
 * search_main.c — loci-search: the command-line front end of loci_search.
 *
 * Parses options, opens the index, runs one query (the arguments) or many
 * (--queries FILE|-, one per line, answered and flushed line by line so a
 * script can keep one process open), prints hits, and maps the outcome to
 * grep's exit codes: 0 something matched, 1 nothing did, 2 error.
 */
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
#include "json.h"
#include "loci.h"
#include "output.h"

#define PROG "loci-search"
#define MAX_K 100000000
#define MAX_K_TEXT "100000000"
#define PATH_MAX_SHOWN 400 /* bytes of a --queries path shown in a message */

enum format { FMT_TEXT_OUT, FMT_JSON_OUT, FMT_TREC_OUT };

struct settings {
    const char *index;
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
            "usage: " PROG " [-i DIR] [-k N] [options] QUERY...\n"
            "       " PROG " [-i DIR] --queries FILE|- [options]\n"
            "Rank the passages of a loci index by BM25 and print the best ones.\n"
            "\n"
            "  -i, --index DIR       index directory (default: $LOCI_INDEX or .loci)\n"
            "  -k N                  number of results per query (default 10, at most " MAX_K_TEXT ")\n"
            "      --k1 X            BM25 term-frequency saturation (default %.2g)\n"
            "      --b X             BM25 length normalization, 0..1 (default %.2g)\n"
            "      --group passage|doc  one result per passage (default) or per document\n"
            "      --exhaustive      score every posting (no pruning)\n"
            "      --explain         after each hit, each clause's tf, idf, length\n"
            "                        normalization and contribution to the score\n"
            "                        (JSON: \"explain\": [...])\n"
            "      --plain           the query is words only: no operators, quotes or\n"
            "                        parentheses (for passing arbitrary text)\n"
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
            LOCI_DEFAULT_K1, LOCI_DEFAULT_B, LOCI_QUERY_MAX);
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

/* Run one query and print its hits. `where` prefixes messages about the
 * query ("FILE:LINE: "; "" for a command-line query). Returns Q_MATCH,
 * Q_NONE, Q_ERROR (message printed), Q_EMPTY (no searchable word, nothing
 * printed) or Q_FATAL (stdout cannot be written: stop). */
static int run_query(loci_index *idx, const struct settings *s, const char *where,
                     const char *qid, const char *query, struct buf *out)
{
    loci_results *r;
    loci_error err;
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
           O_COUNT, O_OFFSET, O_END, O_STATS, O_SNIPPET, O_PLAIN, O_EXPLAIN };
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
        {0, 0, 0, 0}};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":i:k:lqhV", longopts, NULL)) != -1) {
        double v;
        switch (c) {
        case 'i': s.index = optarg; break;
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
        case O_PLAIN: s.so.plain = 1; break;
        case O_EXPLAIN: s.explain = 1; break;
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
    if (loci_index_open(s.index, &idx, &err)) {
        fprintf(stderr, PROG ": %s\n", err.message);
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
    loci_index_close(idx);
    return status;
}
