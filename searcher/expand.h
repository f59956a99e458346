/*
 * expand.h — pseudo-relevance feedback: the relevance model (RM1, Lavrenko
 * and Croft) of a query's best passages, from which loci_search takes the
 * expansion terms of --expand (RM3: the model interpolated with the query;
 * the interpolation and the second ranking are search.c's).
 *
 *   P(w|R) = sum over feedback passages D of  P(D|q) * tf(w, D) / |D|
 *
 * with P(D|q) the passage's score over the feedback passages' scores (the
 * raw BM25 score, as Anserini weights BM25 feedback documents: an
 * exponential of a BM25 score would give nearly all the mass to the first
 * passage), and tf(w, D) / |D| the passage's own term distribution, read
 * by analyzing its stored text with the index's analyzer (the same terms
 * the index holds, so no format change is needed). The n most probable
 * terms that may expand a query are kept, their probabilities scaled to
 * sum to 1. A term may not when it is a stopword (a hook, NULL until a
 * stopword list is wired in), one byte long ("a", "x", "2"), or in more than
 * EXPAND_MAX_DF of the passages: past half, the Robertson–Spärck Jones
 * weight loci's idf is made of (bm25.h) is at or below zero, so such a
 * term says nothing about relevance — without a stopword list it is how
 * "the" and "of", the most probable words of any passage, are kept out.
 *
 * Everything is deterministic: passages are added in rank order, tokens
 * in text order, and ties of probability are broken by the term's bytes.
 */
#ifndef LOCI_EXPAND_H
#define LOCI_EXPAND_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "loci.h"

/* Largest share of the passages a term may be in and still expand a query. */
#define EXPAND_MAX_DF 0.5

/* Defaults of --expand (loci_search_options_init): Anserini's RM3 defaults
 * (10 feedback passages, 10 terms, the query's weight 0.5). */
#define EXPAND_DEFAULT_DOCS LOCI_DEFAULT_EXPAND_DOCS
#define EXPAND_DEFAULT_TERMS 10
#define EXPAND_DEFAULT_WEIGHT 0.5

/* Limits of the options (LOCI_EINVAL beyond). */
#define EXPAND_MAX_DOCS 1000
#define EXPAND_MAX_TERMS 1000

/* A model being built: add the feedback passages, then take its terms. */
struct expand {
    struct analyzer *an;
    struct expand_entry *term; /* every distinct term met, in order met */
    size_t n, cap;
    uint32_t *table;           /* open addressing: index + 1 into term, 0 empty */
    size_t tcap;               /* a power of two, at least twice n */
    uint32_t *doc;             /* the passage being added: its distinct terms */
    size_t ndoc, doccap;
    uint32_t passages;         /* passages added so far */
};

/* One term of the model. */
struct expand_term {
    char bytes[ANALYZER_MAX_TERM + 1]; /* NUL-terminated */
    size_t len;
    double p;                  /* its probability in the model, over the kept terms */
    uint64_t df;               /* as the df callback gave it */
};

/* Is term[0..len) a stopword (never an expansion term)? */
typedef int (*expand_stop_fn)(void *ctx, const char *term, size_t len);

/* The live df of term[0..len) in the index (0: absent), or a negative
 * LOCI_E* code (the error then in the caller's hands). */
typedef int64_t (*expand_df_fn)(void *ctx, const char *term, size_t len);

void expand_init(struct expand *e, struct analyzer *an);
void expand_free(struct expand *e);

/* Add a feedback passage's text with its weight (its score, > 0; a passage
 * of weight <= 0 or without a term adds nothing). LOCI_OK, LOCI_ENOMEM. */
int expand_add(struct expand *e, const char *text, size_t len, double weight);

/* The model's `nterms` most probable terms that may expand a query
 * (passages: N of the df fraction; stop may be NULL), most probable first
 * (ties: by bytes), into *out (malloc'ed; caller frees) and *n. df is
 * called for candidates in that order until enough are kept. Returns
 * LOCI_OK, LOCI_ENOMEM or df's error. */
int expand_terms(struct expand *e, unsigned nterms, uint64_t passages, expand_df_fn df,
                 void *df_ctx, expand_stop_fn stop, void *stop_ctx, struct expand_term **out,
                 size_t *n);

#endif
