/*
 * compile.h — a query compiled against an index (search.c's first step
 * for a query with syntax): the parsed tree's words analyzed, optional
 * stopwords left out, prefixes expanded, every term looked up in each
 * segment and weighted, into the leaves qrank.h evaluates (struct qplan);
 * and the distinct terms of a query, as plain-word searches rank them and
 * as the results keep them for highlighting and explaining.
 */
#ifndef LOCI_COMPILE_H
#define LOCI_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "index.h"
#include "loci.h"
#include "qrank.h"
#include "stopwords.h"

/* One distinct query term (kept with the results, for highlighting). */
struct qterm {
    char bytes[ANALYZER_MAX_TERM + 1]; /* NUL-terminated (for --explain) */
    size_t len;
    uint32_t qtf;          /* occurrences in the query */
    uint32_t content;      /* of them, those that were not stopwords */
    int kind;              /* enum token_kind */
    double boost;          /* --expand: the model's weight, added to qtf */
    int expansion;         /* --expand: a term the query does not have (not
                              highlighted) */
};

/* The distinct terms of a query, in order of first occurrence. */
struct qcollect {
    struct qterm *terms;
    size_t n, cap;
    int cjk;               /* some term is of a CJK run */
};

/* One occurrence of a term into q (counted in qtf, and in content unless
 * `stop`: it was a stopword). 0 or LOCI_ENOMEM. */
int qcollect_add(struct qcollect *q, const struct token *t, int stop);

/* qcollect_add of a token that is no stopword (a token_fn; ctx: q). */
int qcollect_term(void *ctx, const struct token *t);

/* Append the token to q as a term of its own, repeated terms kept (a
 * clause's terms in order; a token_fn, ctx: q). */
int qcollect_token(void *ctx, const struct token *t);

/* Parse (words_only: split at whitespace, query_words) and compile a query
 * against idx, its optional stopwords (`stop`, may be NULL) left out: the
 * leaves and tree into *plan (free with plan_free), the highlighted terms
 * into *hl, a warning (a prefix cut) or NULL into *warning. LOCI_EINVAL
 * for a syntax error or a query that only excludes, LOCI_EEMPTY for one
 * without a searchable word. */
int plan_query(loci_index *idx, const char *query, size_t qlen, int words_only,
               const struct stopset *stop, struct qplan *plan, struct qcollect *hl,
               char **warning, loci_error *err);

void plan_free(struct qplan *p);

#endif
