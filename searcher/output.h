/*
 * output.h — how loci-search prints a hit: text for people (highlighted,
 * word-wrapped), JSON Lines for programs, TREC run lines for evaluation.
 *
 * Each function appends to a struct buf; the caller writes it out, so the
 * formatting is testable without a terminal.
 */
#ifndef LOCI_OUTPUT_H
#define LOCI_OUTPUT_H

#include <stddef.h>

#include "buf.h"
#include "loci.h"

#define OUTPUT_WIDTH 80   /* text mode wraps to this many columns */
#define OUTPUT_INDENT 4

/* Everything known about one hit when it is printed. */
struct output_hit {
    const char *qid;          /* query id ("1" for a command-line query) */
    const char *query;
    size_t rank;              /* 1-based */
    const loci_hit *hit;
    const loci_passage *passage;
    const loci_span *spans;   /* highlights, byte offsets into passage->text */
    size_t nspans;
    int decimals;             /* of the score; 0: the format's usual (text 4, else 6) */
    int snippet;              /* show only text[snip_start, snip_end) (--snippet) */
    size_t snip_start, snip_end;
    const loci_explain_clause *explain; /* --explain: the score's clauses, or NULL */
    size_t nexplain;
    /* the document's other names (loci_doc_also): nalso names back to
     * back in `also`, also_len[i] bytes each; text output shows them as
     * "also: ...", JSON as "also": [...] (only when there are some) */
    const char *also;
    const size_t *also_len;
    size_t nalso;
};

/* The decimals to print score i of a ranked list with: at least `min`, and
 * as many more (up to 17) as it takes to print it differently from each
 * neighbour whose score differs, so that distinct scores never read as
 * equal. */
int output_decimals(const double *scores, size_t n, size_t i, int min);

/* How text output looks. */
struct text_style {
    int color;    /* wrap highlights in ANSI bold red */
    int width;    /* columns to wrap to (0: OUTPUT_WIDTH) */
    int escape;   /* show control characters, escape sequences and invalid
                     bytes of the document as \x1b, \u202e (for a terminal,
                     which would act on them) */
};

/* "1. 12.3456  path:23\n" then the passage wrapped to the style's width
 * and a blank line. */
int output_text(struct buf *out, const struct output_hit *h, const struct text_style *st);

/* With h->explain, text output ends each hit with one line per clause:
 * "    clause: tf T, idf I, norm N -> C", then the blank line; JSON gains
 * "explain": [{"clause", "tf", "idf", "norm", "contribution"}, ...]. */

/* One JSON object and a newline; keys in the order documented in README. */
int output_json(struct buf *out, const struct output_hit *h);

/* -l: the passage's document name and a newline, after "qid<TAB>" when
 * qid is not NULL; escaped like text output when the style says so. */
int output_name(struct buf *out, const char *qid, const loci_passage *p,
                const struct text_style *st);

/* -l --json: {"qid": ..., "query": ..., "rank": n, "doc": name, "doc_id": id}. */
int output_name_json(struct buf *out, const struct output_hit *h);

/* --count: "N\n", or "qid<TAB>N\n" when qid is not NULL. */
int output_count_text(struct buf *out, const char *qid, int64_t total);
/* --count --json: {"qid": ..., "query": ..., "count": N}. */
int output_count_json(struct buf *out, const char *qid, const char *query, int64_t total);

/* --end-record: {"qid": ..., "query": ..., "end": true, "hits": n,
 * "total": N} closes a query's hits (total -1 when not counted). */
int output_end_json(struct buf *out, const char *qid, const char *query, size_t hits,
                    int64_t total);

/* "qid Q0 docid rank score tag\n". With `by_doc` the docid is the document
 * name, else "name#ordinal". Whitespace in names becomes '_'. */
int output_trec(struct buf *out, const struct output_hit *h, int by_doc, const char *tag);

#endif
