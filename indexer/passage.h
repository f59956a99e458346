/*
 * passage.h — one document in, passages out: tokenizes a document once,
 * cuts its tokens into passages (paragraphs, windows or the whole
 * document) and feeds each passage to an inverter, appending the
 * passage's record and length to the batch's outputs.
 *
 * A document is given whole (splitter_doc) or as a stream of chunks of
 * any size (splitter_begin_doc, splitter_feed..., splitter_end_doc); both
 * give exactly the same passages. A stream is analyzed up to the last
 * safe cut of what has arrived (analyzer_safe_cut) and the rest is kept
 * for the next chunk; passages are emitted as soon as they are decided
 * (a window once a token past its end exists, a paragraph at the next
 * paragraph's first token), so memory holds one window's tokens and at
 * most SPLIT_FORCE_CUT bytes of text, whatever the document's size. A
 * run of more than SPLIT_FORCE_CUT bytes without a safe cut (no ASCII
 * space or punctuation) is cut at a character boundary anyway, in both
 * forms: a word longer than that is two tokens. In document mode the
 * document's one passage is fed to the inverter as it goes; the
 * inverter holds all of its postings until the end.
 *
 * A splitter belongs to one thread (it owns an analyzer, whose stemmer is
 * not thread-safe). Tokens are looked up by their unstemmed surface form
 * first: a word seen before in the batch costs one lookup, and only new
 * words are stemmed and interned as terms. Passage and document numbers
 * are local to the current batch; the builder rebases them when it
 * retires the batch.
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

struct doc_token {
    uint32_t line;
    uint32_t start, end;   /* byte range in the document text */
    uint32_t para_start;   /* 1 if a blank line precedes it */
    /* Where a passage that starts (ends) at this token starts (ends): its
     * paragraph's first (last) non-blank byte when it starts (ends) the
     * paragraph, so that punctuation, brackets and footnote marks around
     * the words are part of the passage as written; else the token itself
     * (a window cut inside a paragraph). lead_line is the line of `lead`. */
    uint32_t lead, lead_line, trail;
};

#define SPLIT_RING 8 /* tokens between analysis and term lookup (a power of two) */
#define SPLIT_FORCE_CUT (1u << 20) /* longest text analyzed without a safe cut */

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
    size_t force_cut;            /* SPLIT_FORCE_CUT (tests make it small) */
    /* the current document */
    uint32_t doc;
    const char *source;
    unsigned fixed_line;
    uint32_t ordinal;            /* its next passage's number */
    uint64_t doc_off;            /* document offset of the text being analyzed */
    struct buf carry;            /* streamed text after the last cut */
    /* Tokens, in document order: toks[w..ntoks) are the kept tokens (with
     * a term, in terms[]) not yet out of every window; toks[kidx..nseen)
     * the ones waiting for their term (in ring[] too); in between, the
     * tokens dropped for want of a term. toks[0..w) is dead. */
    struct doc_token *toks;
    uint32_t *terms;
    size_t w, ntoks, kidx, nseen, cap_toks;
    uint32_t para_carry;         /* para_start of dropped tokens, for the next */
    uint64_t seen, nresolved;    /* tokens analyzed, and given a term id */
    struct pending_token ring[SPLIT_RING];
    const char *cur_text;        /* tokenizer callback state */
    size_t scan_pos;
    uint32_t cur_line;
    int gap_nl, gap_blank;       /* blank-line state between two tokens */
    /* the gap since the last token, for the passages' text ranges */
    int gap_doc_start;           /* no token yet in the document */
    uint32_t gap_para_end;       /* after the last non-blank byte before a blank line */
    int gap_after_blank;         /* a non-blank byte followed the blank line: */
    uint32_t gap_first, gap_first_line; /* the first one, and its line */
    size_t last_tok;             /* toks[] index of the latest token (SIZE_MAX: none) */
    uint32_t carry_lead, carry_lead_line; /* lead of a dropped paragraph start */
    int doc_open;                /* document mode: its passage is begun */
    uint32_t doc_pid, doc_first_line, doc_start, doc_end;
    uint64_t doc_tokens;
    uint32_t title_end;          /* bytes of the document's title (0: none) */
    uint64_t doc_title;          /* document mode: its passage's title tokens */
    uint64_t doc_invalid;        /* the document's invalid UTF-8 sequences, */
    unsigned doc_bad_line;       /* and the line of the first one */
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
/* Start a new batch in the middle of a streamed document (the old one's
 * run has been written): the inverter is emptied, and the tokens still
 * waiting for a later window get their terms again in the new one. */
int splitter_rebatch(struct splitter *s, struct buf *passages, struct buf *lengths,
                     loci_error *err);

/* Index one document as local document `doc`. `source` names it in
 * messages. `fixed_line` != 0: every passage reports that line (JSONL
 * records); else lines are counted from `first_line`. Invalid UTF-8 is
 * analyzed as U+FFFD and counted in doc_invalid (doc_bad_line: the line
 * of the first one), or, when the options ask for it (strict, or
 * replace_invalid_utf8 == 0), is a LOCI_EUTF8 error "SOURCE:LINE: ...". */
int splitter_doc(struct splitter *s, uint32_t doc, const char *source, const char *text,
                 size_t len, unsigned first_line, unsigned fixed_line, loci_error *err);

/* splitter_doc in pieces: begin, feed the text in chunks of any size
 * (chunk boundaries may fall anywhere, inside a word or a UTF-8
 * sequence), end. `source` must stay valid until the end. */
void splitter_begin_doc(struct splitter *s, uint32_t doc, const char *source,
                        unsigned first_line, unsigned fixed_line);
/* The document just begun starts with a title of `bytes` bytes (a JSON
 * Lines record's "title\n"): each passage records how many of its
 * leading tokens are the title's (PASS_TITLE), for BM25F scoring. The
 * title's tokens are the document's first, so in every passage they are
 * a prefix. splitter_doc_titled: splitter_doc with a title. */
void splitter_set_title(struct splitter *s, size_t bytes);
int splitter_doc_titled(struct splitter *s, uint32_t doc, const char *source, const char *text,
                        size_t len, size_t title_bytes, unsigned first_line, unsigned fixed_line,
                        loci_error *err);
int splitter_feed(struct splitter *s, const char *text, size_t len, loci_error *err);
int splitter_end_doc(struct splitter *s, loci_error *err);

#endif
