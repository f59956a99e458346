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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "loci.h"
#include "output.h"

#define PROG "loci-search"

enum format { FMT_TEXT_OUT, FMT_JSON_OUT, FMT_TREC_OUT };

struct settings {
    const char *index;
    loci_search_options so;
    enum format format;
    const char *run_tag;
    const char *queries;
    int color;
    int check;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " PROG " [-i DIR] [-k N] [options] QUERY...\n"
            "       " PROG " [-i DIR] --queries FILE|- [options]\n"
            "Rank the passages of a loci index by BM25 and print the best ones.\n"
            "\n"
            "  -i, --index DIR       index directory (default: $LOCI_INDEX or .loci)\n"
            "  -k N                  number of results per query (default 10)\n"
            "      --k1 X            BM25 term-frequency saturation (default %.2g)\n"
            "      --b X             BM25 length normalization, 0..1 (default %.2g)\n"
            "      --group passage|doc  one result per passage (default) or per document\n"
            "      --exhaustive      score every posting (no pruning)\n"
            "      --format text|json|trec  output format (default text)\n"
            "      --json            same as --format json (JSON Lines, one hit per line)\n"
            "      --run-tag T       tag column of --format trec (default loci)\n"
            "      --queries FILE    one query per line, \"qid<TAB>text\" or just text;\n"
            "                        - reads standard input; results are flushed per query\n"
            "      --color[=WHEN]    highlight matches: auto (default), always, never\n"
            "      --check           verify every checksum of the index and exit\n"
            "  -h, --help            show this help\n"
            "  -V, --version         show version information\n"
            "\n"
            "Exit status: 0 if something matched, 1 if nothing did, 2 on error.\n",
            LOCI_DEFAULT_K1, LOCI_DEFAULT_B);
}

static int die_usage(const char *msg, const char *arg)
{
    fprintf(stderr, PROG ": %s%s%s\nTry '" PROG " --help' for more information.\n", msg,
            arg ? ": " : "", arg ? arg : "");
    return 2;
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

/* Run one query and print its hits. Returns 0 (matched), 1 (no match),
 * 2 (error, message printed), or 3 (no searchable word, not fatal here). */
static int run_query(loci_index *idx, const struct settings *s, const char *qid,
                     const char *query, struct buf *out)
{
    loci_results *r;
    loci_error err;
    int rc = loci_search(idx, query, &s->so, &r, &err);
    if (rc == LOCI_EEMPTY)
        return 3;
    if (rc) {
        fprintf(stderr, PROG ": %s\n", err.message);
        return 2;
    }
    size_t n = loci_results_count(r);
    if (s->format == FMT_TEXT_OUT && s->queries) {
        buf_append(out, "# ", 2);
        buf_append(out, qid, strlen(qid));
        buf_append(out, ": ", 2);
        buf_append(out, query, strlen(query));
        buf_putc(out, '\n');
    }
    for (size_t i = 0; i < n; i++) {
        const loci_hit *h = loci_results_hit(r, i);
        loci_passage p;
        int grc = s->format == FMT_TREC_OUT ? loci_passage_locate(idx, h->passage, &p, &err)
                                            : loci_passage_get(idx, h->passage, &p, &err);
        if (grc) {
            fprintf(stderr, PROG ": %s\n", err.message);
            loci_results_free(r);
            return 2;
        }
        struct output_hit oh = {qid, query, i + 1, h, &p, NULL, 0};
        loci_span *spans = NULL;
        if (s->format != FMT_TREC_OUT &&
            loci_results_highlight(r, p.text, p.text_len, &spans, &oh.nspans, &err)) {
            fprintf(stderr, PROG ": %s\n", err.message);
            loci_results_free(r);
            return 2;
        }
        oh.spans = spans;
        int orc = s->format == FMT_JSON_OUT   ? output_json(out, &oh)
                  : s->format == FMT_TREC_OUT ? output_trec(out, &oh, s->so.group == LOCI_GROUP_DOCUMENT,
                                                            s->run_tag)
                                              : output_text(out, &oh, s->color);
        free(spans);
        if (orc) {
            fprintf(stderr, PROG ": out of memory\n");
            loci_results_free(r);
            return 2;
        }
    }
    loci_results_free(r);
    if (flush_out(out)) {
        fprintf(stderr, PROG ": write error: %s\n", strerror(errno));
        return 2;
    }
    return n ? 0 : 1;
}

static int run_queries(loci_index *idx, const struct settings *s, struct buf *out)
{
    FILE *f = strcmp(s->queries, "-") == 0 ? stdin : fopen(s->queries, "r");
    if (!f) {
        fprintf(stderr, PROG ": %s: %s\n", s->queries, strerror(errno));
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long lineno = 0;
    int any = 0, status = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        char qidbuf[32], *qid = qidbuf, *text = line, *tab = strchr(line, '\t');
        if (tab) {
            *tab = '\0';
            qid = line;
            text = tab + 1;
        } else {
            snprintf(qidbuf, sizeof qidbuf, "%lu", lineno);
        }
        int rc = run_query(idx, s, qid, text, out);
        if (rc == 3)
            fprintf(stderr, PROG ": warning: query %s has no searchable words\n", qid);
        else if (rc == 2) {
            status = 2;
            break;
        } else if (rc == 0)
            any = 1;
    }
    if (ferror(f) && status != 2) {
        fprintf(stderr, PROG ": %s: %s\n", s->queries, strerror(errno));
        status = 2;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return status ? status : any ? 0 : 1;
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
    enum { O_K1 = 256, O_B, O_GROUP, O_EXH, O_FORMAT, O_JSON, O_TAG, O_QUERIES, O_COLOR, O_CHECK };
    static const struct option longopts[] = {
        {"index", required_argument, 0, 'i'}, {"k1", required_argument, 0, O_K1},
        {"b", required_argument, 0, O_B},     {"group", required_argument, 0, O_GROUP},
        {"exhaustive", no_argument, 0, O_EXH}, {"format", required_argument, 0, O_FORMAT},
        {"json", no_argument, 0, O_JSON},     {"run-tag", required_argument, 0, O_TAG},
        {"queries", required_argument, 0, O_QUERIES},
        {"color", optional_argument, 0, O_COLOR}, {"colour", optional_argument, 0, O_COLOR},
        {"check", no_argument, 0, O_CHECK},   {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},     {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "i:k:hV", longopts, NULL)) != -1) {
        double v;
        switch (c) {
        case 'i': s.index = optarg; break;
        case 'k': {
            char *end;
            errno = 0;
            long k = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || k < 1 || k > 100000000)
                return die_usage("-k needs a whole number from 1", optarg);
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
        case 'h': usage(stdout); return 0;
        case 'V': printf("%s\n", loci_version_string()); return 0;
        default: return die_usage("bad usage", NULL);
        }
    }
    if (!strcmp(color, "always"))
        s.color = 1;
    else if (!strcmp(color, "auto")) {
        const char *nc = getenv("NO_COLOR");
        s.color = isatty(STDOUT_FILENO) && !(nc && *nc);
    }
    if (s.format != FMT_TEXT_OUT)
        s.color = 0;

    /* The query: the remaining arguments joined by spaces. */
    struct buf query = {0};
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            buf_putc(&query, ' ');
        buf_append(&query, argv[i], strlen(argv[i]));
    }
    buf_putc(&query, '\0');
    if (!s.check && !s.queries && optind >= argc) {
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
    if (s.check) {
        status = loci_index_check(idx, &err) ? 2 : 0;
        if (status)
            fprintf(stderr, PROG ": %s\n", err.message);
        else
            printf("%s: index OK\n", s.index);
    } else if (s.queries) {
        status = run_queries(idx, &s, &out);
    } else {
        status = run_query(idx, &s, "1", (const char *)query.data, &out);
        if (status == 3) {
            fprintf(stderr, PROG ": the query has no searchable words\n");
            status = 2;
        }
    }
    buf_free(&out);
    buf_free(&query);
    loci_index_close(idx);
    return status;
}
