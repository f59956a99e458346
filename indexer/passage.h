/*
 * passage.h — one document in, passages out: tokenizes a document once,
 * cuts its tokens into passages (paragraphs, windows or the whole
 * document) and feeds each passage to an inverter, appending the
 * passage's record and length to the batch's outputs.
 *
 * A splitter belongs to one worker thread (it owns an analyzer, whose
 * stemmer is not thread-safe). Tokens are looked up by their unstemmed
 * surface form first: a word seen before in the batch costs one lookup,
 * and only new words are stemmed and interned as terms. Passage and
 * document numbers are local to the current batch; the builder rebases
 * them when it retires the batch.
 */
#ifndef LOCI_PASSAGE_H
#define LOCI_PASSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "buf.h"
#include "inverter.h"
#include "loci.h"
#include "strtab.h"

struct doc_token;

#define SPLIT_RING 8 /* tokens between analysis and term lookup (a power of two) */

/* A token waiting for its term id: its surface form and hash. */
struct pending_token {
    uint32_t hash;
    uint8_t len;
    char bytes[ANALYZER_MAX_TERM];
};

struct splitter {
    struct analyzer *an;
    loci_passage_mode mode;
    unsigned size, stride;       /* window size and step / paragraph limit */
    int utf8_error;              /* 1: invalid UTF-8 is an error, not U+FFFD */
    uint64_t doc_invalid;        /* the last document's invalid UTF-8 sequences, */
    unsigned doc_bad_line;       /* and the line of the first one */
    struct doc_token *toks;      /* the current document's tokens */
    uint32_t *terms;             /* and their term ids */
    size_t ntoks, cap_toks;
    size_t nresolved, dropped;   /* tokens with a term id; of them, without a term */
    struct pending_token ring[SPLIT_RING];
    const char *cur_text;        /* tokenizer callback state */
    size_t scan_pos;
    uint32_t cur_line;
    /* the batch being filled */
    struct inverter *inv;        /* owned; cleared for each batch */
    struct strtab surfaces;      /* surface forms of the batch's tokens */
    uint32_t *surface_term;      /* surface id -> term id (NO_TERM: none) */
    size_t cap_surface;
    struct buf *passages;        /* PASS_SIZE records, doc = local index */
    struct buf *lengths;         /* u32 little-endian per passage */
    uint32_t npassages;          /* local passage count */
    uint64_t tokens;
};

/* Set up `s` with its own analyzer and inverter. */
int splitter_init(struct splitter *s, const loci_build_options *opt, loci_error *err);
void splitter_free(struct splitter *s);
/* Start a batch: empty the inverter; passage records and lengths go to
 * the given buffers. */
void splitter_begin_batch(struct splitter *s, struct buf *passages, struct buf *lengths);

/* Index one document as local document `doc`. `source` names it in
 * messages. `fixed_line` != 0: every passage reports that line (JSONL
 * records); else lines are counted from `first_line`. Invalid UTF-8 is
 * analyzed as U+FFFD and counted in doc_invalid (doc_bad_line: the line
 * of the first one), or, when the options ask for it (strict, or
 * replace_invalid_utf8 == 0), is a LOCI_EUTF8 error "SOURCE:LINE: ...". */
int splitter_doc(struct splitter *s, uint32_t doc, const char *source, const char *text,
                 size_t len, unsigned first_line, unsigned fixed_line, loci_error *err);

#endif
