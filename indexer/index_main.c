/*
 * index_main.c — loci-index: the command-line front end of loci_builder.
 *
 * Parses options, feeds every PATH to the builder, finishes (which swaps
 * the new index into place atomically, or with --add, --update, --delete
 * and --merge makes one commit: indexer/living.c) and prints a one-line
 * summary.
 * Any error: one line on stderr, exit 2, and the previous index untouched.
 * SIGINT, SIGTERM and SIGHUP cancel the build: its temporary files are
 * removed, the previous index stays, and the process ends by the signal.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cliopt.h"
#include "loci.h"

#define PROG "loci-index"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " PROG " [-o DIR] [options] PATH...\n"
            "       " PROG " [-o DIR] [options] --add PATH... | --update PATH...\n"
            "       " PROG " [-o DIR] --delete NAME... | --delete-from FILE | --merge\n"
            "       " PROG " -o DIR --merge-indexes INDEX...\n"
            "Index text files, directories (recursively), JSON Lines or - (standard input)\n"
            "into a loci index. .gz files are decompressed; binary files are skipped;\n"
            "HTML, man pages and Markdown are indexed as their text, with their lines.\n"
            "\n"
            "      --add               add the PATHs' documents to the index (created if\n"
            "                          missing) instead of replacing it, in one commit\n"
            "      --update            bring the index up to date with the PATHs: new and\n"
            "                          changed files are indexed (a changed one replaces its\n"
            "                          documents), unchanged ones are not read again, files\n"
            "                          and JSON Lines records gone from them are deleted\n"
            "      --delete            the arguments are document NAMEs to delete\n"
            "      --delete-from FILE  delete the documents named in FILE, one per line\n"
            "                          (with --add or --update: in the same commit)\n"
            "      --merge             merge all segments of the index into one\n"
            "      --no-merge          never merge segments by the merge policy in a commit\n"
            "      --shard I/N         build only shard I (0..N-1) of N of the input: its\n"
            "                          documents, counted in input order, from I*D/N to\n"
            "                          (I+1)*D/N (D: all of them), so shards 0..N-1 in order\n"
            "                          hold the input in order (README: Shards)\n"
            "      --merge-indexes     the arguments are indexes (shards): combine them, in\n"
            "                          order, into the index at -o DIR, as one build of all\n"
            "                          their documents would make it\n"
            "\n"
            "  -o, --output DIR        index directory (default: $LOCI_INDEX or .loci);\n"
            "                          an existing index there is replaced atomically\n"
            "      --format FMT        the files' format: auto (default: by extension, else by\n"
            "                          content), text, html, man or markdown\n"
            "  -L, --follow            follow symbolic links inside directories (default:\n"
            "                          skipped and counted; a PATH given is always followed)\n"
            "      --jsonl             input is JSON Lines, one document per line\n"
            "      --id-field F        JSON field of the document id (default id)\n"
            "      --title-field F     JSON field of the title (default title)\n"
            "      --text-field F      JSON field of the text (default text)\n"
            "      --stem LANG         Snowball stemmer language, or none (default english);\n"
            "                          --stem list prints the languages\n"
            "      --passage MODE      paragraph (default): blank-line paragraphs, long ones\n"
            "                          cut into overlapping windows; document: one passage\n"
            "                          per document; window:N[:STRIDE]: N-token windows\n"
            "      --passage-limit N   longest paragraph in tokens before windowing (default 200)\n"
            "      --replace-invalid-utf8  accepted for compatibility: the default now (invalid\n"
            "                          UTF-8 is indexed as U+FFFD, one warning per file)\n"
            "      --memory SIZE       memory budget, e.g. 256M or 2G (default 512M); larger\n"
            "                          corpora are indexed in sorted runs that are merged,\n"
            "                          larger documents are streamed\n"
            "      --threads N         parsing threads (default, or 0: the number of cores)\n"
            "      --strict            an unreadable input file or invalid UTF-8 is an error\n"
            "                          (default: the file is reported, skipped and counted;\n"
            "                          invalid UTF-8 is replaced by U+FFFD with a warning)\n"
            "  -q, --quiet             no summary line\n"
            "  -h, --help              show this help\n"
            "  -V, --version           show version information\n"
            "\n"
            "Exit status: 0 on success, 2 on error.\n");
}

static int die_usage(const char *msg, const char *arg)
{
    return cli_usage_error(PROG, msg, arg);
}

/* The signal that cancelled the build, and the build to cancel. */
static volatile sig_atomic_t got_signal;
static loci_builder *volatile current_build;

static void on_signal(int sig)
{
    got_signal = sig;
    loci_builder_cancel(current_build);
}

/* Without SA_RESTART, so that a read blocked on a pipe or a terminal
 * returns and the build notices the cancellation. A signal ignored when
 * we started (nohup, a background job) stays ignored. */
static void catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
}

/* Progress on a terminal: one line, rewritten in place. */
struct progress {
    struct timespec start;
    uint64_t total;    /* input bytes when known (plain files only), else 0 */
    int shown;
};

static struct progress prog;

/* Clear the progress line, if one is shown, before anything else is
 * written to stderr. */
static void clear_progress(void)
{
    if (prog.shown)
        fputs("\r\033[K", stderr);
    prog.shown = 0;
}

static void warn(void *ctx, const char *message)
{
    (void)ctx;
    if (got_signal)
        return; /* a read cut short by the signal is not worth a warning */
    clear_progress();
    fprintf(stderr, PROG ": warning: %s\n", message);
}

/* A whole number in [1, 1e9], the whole string; -1 if not. */
static long parse_count(const char *s, char **end)
{
    errno = 0;
    long v = strtol(s, end, 10);
    if (errno || *end == s || v < 1 || v > 1000000000)
        return -1;
    return v;
}

/* "512M", "2G", "65536", "64k": bytes; 0 if malformed. */
static uint64_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return 0;
    uint64_t mul = 1;
    switch (*end) {
    case 'k': case 'K': mul = 1ull << 10; end++; break;
    case 'm': case 'M': mul = 1ull << 20; end++; break;
    case 'g': case 'G': mul = 1ull << 30; end++; break;
    case '\0': break;
    default: return 0;
    }
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || v > UINT64_MAX / mul)
        return 0;
    return v * mul;
}

static double elapsed(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void show_progress(void *ctx, const loci_build_stats *s)
{
    struct progress *p = ctx;
    double secs = elapsed(&p->start);
    double rate = secs > 0 ? (double)s->input_bytes / secs / 1e6 : 0;
    fprintf(stderr, "\r" PROG ": %.1f MB, %llu document%s, %.1f MB/s", (double)s->input_bytes / 1e6,
            (unsigned long long)s->documents, s->documents == 1 ? "" : "s", rate);
    if (p->total && rate > 0 && s->input_bytes < p->total) {
        double left = (double)(p->total - s->input_bytes) / 1e6 / rate;
        fprintf(stderr, ", %.0f%%, ETA %d:%02d", 100.0 * (double)s->input_bytes / (double)p->total,
                (int)left / 60, (int)left % 60);
    }
    fputs("\033[K", stderr); /* clear the rest of the line */
    p->shown = 1;
}

/* Sum of the sizes of plain (not .gz) regular files named; 0 if any input
 * is of unknown size (directory walks are not pre-scanned, gz and stdin). */
static uint64_t known_total(char **paths, int n)
{
    uint64_t total = 0;
    for (int i = 0; i < n; i++) {
        struct stat st;
        size_t l = strlen(paths[i]);
        if (strcmp(paths[i], "-") == 0 || (l > 3 && !strcmp(paths[i] + l - 3, ".gz")) ||
            stat(paths[i], &st) != 0 || !S_ISREG(st.st_mode))
            return 0;
        total += (uint64_t)st.st_size;
    }
    return total;
}

static int parse_passage(const char *arg, loci_build_options *o)
{
    if (!strcmp(arg, "paragraph")) {
        o->passage_mode = LOCI_PASSAGE_PARAGRAPH;
        return 0;
    }
    if (!strcmp(arg, "document")) {
        o->passage_mode = LOCI_PASSAGE_DOCUMENT;
        return 0;
    }
    if (strncmp(arg, "window:", 7))
        return -1;
    char *end;
    long n = parse_count(arg + 7, &end), stride = 0;
    if (n < 0)
        return -1;
    if (*end == ':') {
        stride = parse_count(end + 1, &end);
        if (stride < 0 || stride > n)
            return -1;
    }
    if (*end)
        return -1;
    o->passage_mode = LOCI_PASSAGE_WINDOW;
    o->passage_tokens = (unsigned)n;
    o->passage_stride = (unsigned)stride;
    return 0;
}

/* 1234567 -> "1,234,567" */
static const char *commas(unsigned long long v, char *buf)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%llu", v), o = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

/* The merge keeps every sorted run open at once, and a corpus of tens of
 * gigabytes leaves hundreds of runs: more files than a soft limit of 1024
 * allows. Raise the soft limit to the hard one. */
static void raise_file_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl); /* best effort: the build may not need it */
    }
}

/* The summary of a commit: what changed, and the index after it. */
static void summary_commit(const char *dir, const loci_build_stats *st, double secs)
{
    char a[32], r[32], d[32], u[32], l[32], x[32];
    fprintf(stderr,
            PROG ": %s: %s added, %s replaced, %s deleted, %s unchanged; %llu segment%s, %s live "
                 "document%s, %s deleted%s in %.2f s\n",
            dir, commas(st->added, a), commas(st->replaced, r), commas(st->deleted, d),
            commas(st->unchanged, u), (unsigned long long)st->segments,
            st->segments == 1 ? "" : "s", commas(st->live_documents, l),
            st->live_documents == 1 ? "" : "s", commas(st->deleted_documents, x),
            st->committed ? "" : " (nothing changed, nothing written)", secs);
    if (st->symlinks_skipped) /* after the line: scripts read its fields in order */
        fprintf(stderr, PROG ": %llu symbolic link%s not followed (-L follows)\n",
                (unsigned long long)st->symlinks_skipped, st->symlinks_skipped == 1 ? "" : "s");
}

/* --delete-from FILE: one name per line (a trailing CR is dropped, blank
 * lines are skipped). */
static int delete_names_from(loci_builder *b, const char *path, loci_error *err)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        snprintf(err->message, sizeof err->message, "%s: %s", path, strerror(errno));
        err->code = LOCI_EIO;
        return LOCI_EIO;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = LOCI_OK;
    while (!rc && (n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n)
            rc = loci_builder_delete(b, line, err);
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return rc;
}

static int run_merge(const char *dir, const loci_build_options *o, int quiet)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    loci_build_stats st;
    loci_error err;
    int rc = loci_index_merge(dir, o, &st, &err);
    if (rc) {
        fprintf(stderr, PROG ": %s\n", err.message);
        return 2;
    }
    if (!quiet)
        summary_commit(dir, &st, elapsed(&t0));
    return 0;
}

/* --merge-indexes: the indexes at paths[0..n) into one at dir. */
static int run_merge_indexes(const char *dir, char *const *paths, size_t n,
                             const loci_build_options *o, int quiet)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    loci_build_stats st;
    loci_error err;
    int rc = loci_indexes_merge((const char *const *)paths, n, dir, o, &st, &err);
    if (rc) {
        fprintf(stderr, PROG ": %s\n", err.message);
        return 2;
    }
    if (!quiet) {
        char a[32], p[32], ib[32];
        fprintf(stderr, PROG ": %zu indexes merged: %s documents, %s passages -> %s (%s bytes) in %.2f s\n",
                n, commas(st.documents, a), commas(st.passages, p), dir,
                commas(st.index_bytes, ib), elapsed(&t0));
    }
    return 0;
}

/* --shard I/N: the range of input documents to build (the count of all
 * of them is kept for the summary). */
static uint64_t shard_input_documents;

static int shard_select(const char *spec, char *const *paths, size_t n, loci_build_options *o)
{
    char *end;
    errno = 0;
    unsigned long i = strtoul(spec, &end, 10), k = 0;
    int ok = end != spec && *end == '/' && spec[0] != '-';
    if (ok) {
        const char *d = end + 1;
        k = strtoul(d, &end, 10);
        ok = end != d && !*end && !errno && d[0] != '-' && k >= 1 && k <= 65536 && i < k;
    }
    if (!ok)
        return die_usage("--shard needs I/N with 0 <= I < N <= 65536", spec);
    uint64_t docs;
    loci_error err;
    if (loci_input_count((const char *const *)paths, n, o, &docs, &err)) {
        fprintf(stderr, PROG ": --shard: %s\n", err.message);
        return 2;
    }
    shard_input_documents = docs;
    loci_shard_range(docs, (unsigned)i, (unsigned)k, &o->first_document, &o->end_document);
    if (o->first_document == o->end_document) {
        fprintf(stderr, PROG ": --shard %s: the input has %llu documents, none for this shard\n",
                spec, (unsigned long long)docs);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    raise_file_limit();
    loci_build_options o;
    loci_build_options_init(&o);
    o.warn = warn;
    const char *dir = getenv("LOCI_INDEX");
    if (!dir || !*dir)
        dir = ".loci";
    int quiet = 0, del = 0, merge = 0, merge_indexes = 0;
    const char *delete_from = NULL, *shard = NULL;
    enum { O_JSONL = 256, O_ID, O_TITLE, O_TEXT, O_STEM, O_PASSAGE, O_LIMIT, O_REPLACE, O_MEMORY,
           O_THREADS, O_STRICT, O_ADD, O_UPDATE, O_DELETE, O_DELETE_FROM, O_MERGE, O_NO_MERGE,
           O_SHARD, O_MERGE_INDEXES, O_FORMAT };
    /* --format's names, in loci_doc_format order */
    static const char *const formats[] = {"auto", "text", "html", "man", "markdown"};
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'},  {"jsonl", no_argument, 0, O_JSONL},
        {"id-field", required_argument, 0, O_ID}, {"title-field", required_argument, 0, O_TITLE},
        {"text-field", required_argument, 0, O_TEXT}, {"stem", required_argument, 0, O_STEM},
        {"passage", required_argument, 0, O_PASSAGE},
        {"passage-limit", required_argument, 0, O_LIMIT},
        {"replace-invalid-utf8", no_argument, 0, O_REPLACE}, {"quiet", no_argument, 0, 'q'},
        {"memory", required_argument, 0, O_MEMORY}, {"threads", required_argument, 0, O_THREADS},
        {"strict", no_argument, 0, O_STRICT},     {"format", required_argument, 0, O_FORMAT},
        {"follow", no_argument, 0, 'L'},
        {"add", no_argument, 0, O_ADD},          {"update", no_argument, 0, O_UPDATE},
        {"delete", no_argument, 0, O_DELETE},
        {"delete-from", required_argument, 0, O_DELETE_FROM},
        {"merge", no_argument, 0, O_MERGE},      {"no-merge", no_argument, 0, O_NO_MERGE},
        {"shard", required_argument, 0, O_SHARD},
        {"merge-indexes", no_argument, 0, O_MERGE_INDEXES},
        {"help", no_argument, 0, 'h'},           {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0}};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qhVL", longopts, NULL)) != -1) {
        char *end;
        long v;
        switch (c) {
        case 'o': dir = optarg; break;
        case O_JSONL: o.input_format = LOCI_INPUT_JSONL; break;
        case O_ID: o.id_field = optarg; break;
        case O_TITLE: o.title_field = optarg; break;
        case O_TEXT: o.text_field = optarg; break;
        case O_STEM:
            if (!strcmp(optarg, "list")) {
                puts("none");
                for (const char *const *l = loci_stem_languages(); *l; l++)
                    puts(*l);
                return 0;
            }
            o.stem_language = optarg;
            break;
        case O_PASSAGE:
            if (parse_passage(optarg, &o))
                return die_usage("--passage is paragraph, document or window:N[:STRIDE] "
                                 "(1 <= STRIDE <= N)",
                                 optarg);
            break;
        case O_LIMIT:
            v = parse_count(optarg, &end);
            if (v < 0 || *end)
                return die_usage("--passage-limit needs a whole number from 1", optarg);
            o.passage_tokens = (unsigned)v;
            break;
        case O_REPLACE: o.replace_invalid_utf8 = 1; break;
        case O_MEMORY:
            o.memory = parse_size(optarg);
            if (o.memory < (16u << 20))
                return die_usage("--memory needs a size of at least 16M (e.g. 256M, 2G)", optarg);
            break;
        case O_THREADS:
            /* 0, as in the API: one per core */
            v = strcmp(optarg, "0") == 0 ? 0 : parse_count(optarg, &end);
            if (v < 0 || (v && *end) || v > 64)
                return die_usage("--threads needs a whole number from 0 (one per core) to 64",
                                 optarg);
            o.threads = (unsigned)v;
            break;
        case O_STRICT: o.strict = 1; break;
        case O_FORMAT: {
            size_t f = 0;
            while (f < 5 && strcmp(optarg, formats[f]))
                f++;
            if (f == 5)
                return die_usage("--format is auto, text, html, man or markdown", optarg);
            o.doc_format = (loci_doc_format)f;
            break;
        }
        case 'L': o.follow_symlinks = 1; break;
        case O_ADD: o.mode = LOCI_BUILD_ADD; break;
        case O_UPDATE: o.mode = LOCI_BUILD_UPDATE; break;
        case O_DELETE: del = 1; break;
        case O_DELETE_FROM: delete_from = optarg; break;
        case O_MERGE: merge = 1; break;
        case O_NO_MERGE: o.no_merge = 1; break;
        case O_SHARD: shard = optarg; break;
        case O_MERGE_INDEXES: merge_indexes = 1; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("%s\n", loci_version_string()); return 0;
        default: return cli_bad_option(PROG, argv, c);
        }
    }
    if ((del || delete_from) && o.mode == LOCI_BUILD_REPLACE)
        o.mode = LOCI_BUILD_ADD; /* deleting is a commit */
    if (merge && (del || delete_from || o.mode != LOCI_BUILD_REPLACE || optind < argc))
        return die_usage("--merge takes no other action or PATH", NULL);
    if (del && optind >= argc)
        return die_usage("--delete needs the NAMEs of the documents to delete", NULL);
    if (optind >= argc && !merge && !delete_from)
        return die_usage("no input given (a file, a directory or -)", NULL);
    if (merge)
        return run_merge(dir, &o, quiet);
    if ((merge_indexes || shard) && (del || delete_from || o.mode != LOCI_BUILD_REPLACE))
        return die_usage(merge_indexes ? "--merge-indexes takes no other action"
                                       : "--shard builds a whole index: no --add, --update or --delete",
                         NULL);
    if (merge_indexes && shard)
        return die_usage("--merge-indexes and --shard do not go together", NULL);
    if (merge_indexes)
        return run_merge_indexes(dir, argv + optind, (size_t)(argc - optind), &o, quiet);
    if (shard) {
        int st = shard_select(shard, argv + optind, (size_t)(argc - optind), &o);
        if (st)
            return st;
    }

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    prog.start = t0;
    prog.total = known_total(argv + optind, argc - optind);
    if (!quiet && isatty(STDERR_FILENO)) {
        o.progress = show_progress;
        o.progress_ctx = &prog;
    }
    loci_builder *b;
    loci_error err;
    catch_signals();
    int rc = loci_builder_new(dir, &o, &b, &err);
    current_build = b;
    if (!rc && got_signal)
        loci_builder_cancel(b); /* the signal came before there was a build to cancel */
    for (int i = optind; !rc && i < argc; i++)
        rc = del ? loci_builder_delete(b, argv[i], &err) : loci_builder_add_path(b, argv[i], &err);
    if (!rc && delete_from)
        rc = delete_names_from(b, delete_from, &err);
    loci_build_stats st;
    if (!rc)
        rc = loci_builder_finish(b, &st, &err);
    current_build = NULL;
    loci_builder_free(b); /* an unfinished build's temporary files go with it */
    clear_progress();
    if (rc == LOCI_ECANCELED && got_signal) {
        int sig = got_signal;
        fprintf(stderr, PROG ": interrupted by %s; %s was not changed\n",
                sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP", dir);
        signal(sig, SIG_DFL);
        raise(sig);
        return 128 + sig;
    }
    if (rc) {
        fprintf(stderr, PROG ": %s\n", err.message);
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!quiet && o.mode != LOCI_BUILD_REPLACE) {
        summary_commit(dir, &st, elapsed(&t0));
    } else if (!quiet) {
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        char a[32], p[32], t[32], in[32], ib[32];
        fprintf(stderr,
                PROG ": %s document%s, %s passage%s, %s term%s from %s bytes -> %s (%s bytes) "
                     "in %.2f s",
                commas(st.documents, a), st.documents == 1 ? "" : "s", commas(st.passages, p),
                st.passages == 1 ? "" : "s", commas(st.terms, t), st.terms == 1 ? "" : "s",
                commas(st.input_bytes, in), dir, commas(st.index_bytes, ib), secs);
        if (st.skipped_files)
            fprintf(stderr, "; %llu file%s skipped", (unsigned long long)st.skipped_files,
                    st.skipped_files == 1 ? "" : "s");
        if (st.duplicates)
            fprintf(stderr, "; %llu duplicate%s stored once", (unsigned long long)st.duplicates,
                    st.duplicates == 1 ? "" : "s");
        if (st.symlinks_skipped)
            fprintf(stderr, "; %llu symbolic link%s not followed (-L follows)",
                    (unsigned long long)st.symlinks_skipped, st.symlinks_skipped == 1 ? "" : "s");
        if (st.invalid_utf8)
            fprintf(stderr, "; %llu invalid UTF-8 sequence%s replaced",
                    (unsigned long long)st.invalid_utf8, st.invalid_utf8 == 1 ? "" : "s");
        if (shard)
            fprintf(stderr, "; shard %s: documents %llu to %llu of the input's %llu", shard,
                    (unsigned long long)o.first_document + 1, (unsigned long long)o.end_document,
                    (unsigned long long)shard_input_documents);
        fputc('\n', stderr);
    }
    return 0;
}
