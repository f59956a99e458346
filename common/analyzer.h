/*
 * analyzer.h — text analysis: UTF-8 text in, normalized terms out.
 *
 * One analyzer is used identically by the indexer and the searcher; its
 * settings (the stemming language) are recorded in the index.
 *
 * Pipeline, per token:
 *  1. Decode UTF-8. Invalid sequences become U+FFFD (a separator) and are
 *     counted (analyzer_invalid_count).
 *  2. Tokens are maximal runs of "word" code points: letters (L*), digits
 *     and numbers (N*) and combining marks (M*), classified on the original
 *     text so that token byte offsets point into the caller's buffer.
 *     Inside a run, these join instead of separating:
 *       - an apostrophe (U+0027 ' or U+2019 ’ or U+02BC) between two word
 *         characters; a trailing possessive 's is dropped ("ROK’s" → "rok",
 *         like "ROK's"), other apostrophes are removed ("don't" → "dont");
 *       - '.' or ',' between two digits ("11.7" stays one token "11.7").
 *     Hyphens and all other punctuation separate ("Indo-Pacific" → indo, pacific).
 *  3. Each token is normalized with utf8proc: NFKC (compatibility
 *     composition: fullwidth "ＣＣＤＣＯＥ" → "CCDCOE"), case folding, and
 *     accent folding (strip marks: "à" → "a"), ignoring default-ignorable
 *     code points. If normalization turns a token into several word runs
 *     ("½" → "1⁄2"), each run is a token with the original byte range.
 *  4. Tokens longer than ANALYZER_MAX_TERM bytes are truncated at a
 *     character boundary (never rejected).
 *  5. Stemming with Snowball (libstemmer) unless the language is "none".
 *
 * ASCII fast path: a token made only of ASCII bytes is lower-cased through
 * a table without calling utf8proc; it must give exactly the tokens the
 * utf8proc path gives (tests compare both on random ASCII).
 *
 * Scripts written without spaces between words — runs of Han, Hiragana,
 * Katakana and Hangul ("CJK runs") — have no word boundaries the scanner
 * could see, so a CJK run is indexed as overlapping bigrams, as Lucene's
 * CJKAnalyzer and Xapian's cjk ngram do: "東京都" → 東京, 京都, then the
 * run's last character alone (都, TOKEN_CJK_TAIL), each at its own
 * position; a run of one character is that character (TOKEN_CJK_LONE).
 * A CJK run ends a word of another script and vice versa ("Tokyo東京" →
 * tokyo, 東京, 京). Characters are normalized one by one (NFKC and case
 * folding, but marks are kept: バ must not become ハ; a combining mark
 * or a halfwidth sound mark joins the character before it, decomposed
 * Hangul jamo join into their syllable) and never stemmed. A bigram's byte
 * range covers its two characters, so consecutive bigrams overlap.
 *
 * Why the tail: with it every character of a run starts exactly one
 * token, so a one-character query can be searched as the prefix of the
 * terms (search.c), and a run followed by another word keeps that word
 * at the position after the run's end, whatever the query cuts off.
 *
 * Elision (French and Italian stemming only, as Lucene's ElisionFilter):
 * an article or pronoun with its apostrophe (' or ’) before a vowel or h
 * is dropped — "l'école" → école, "dell'anno" → anno — and the token's
 * range starts after the apostrophe.
 *
 * analyzer_legacy makes an analyzer analyze as format 4.0's did, without
 * CJK bigrams and elision, for reading indexes written with it.
 *
 * An analyzer is not thread-safe (the stemmer has state); use one per thread.
 */
#ifndef LOCI_ANALYZER_H
#define LOCI_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "loci.h"

/* Longest term in bytes; longer tokens are truncated to at most this. */
#define ANALYZER_MAX_TERM 64

struct analyzer;

/* What a token is (struct token.kind). */
enum token_kind {
    TOKEN_WORD = 0,   /* a word of a script with spaces, a number */
    TOKEN_CJK_BIGRAM, /* two consecutive characters of a CJK run */
    TOKEN_CJK_LONE,   /* a CJK run of one character */
    TOKEN_CJK_TAIL    /* the last character of a longer run, after its last bigram */
};

/* One token, handed to the callback. `term` is valid only during the call. */
struct token {
    const char *term;   /* normalized (and stemmed) bytes, not NUL-terminated */
    size_t term_len;    /* 1..ANALYZER_MAX_TERM */
    size_t start, end;  /* byte range in the analyzed text, end exclusive */
    uint32_t pos;       /* 0, 1, 2, ... within one analyzer_run call */
    int kind;           /* enum token_kind */
};

/* Return 0 to continue; any other value stops analyzer_run, which returns it. */
typedef int (*token_fn)(void *ctx, const struct token *t);

/* `stem_language`: "none" or a Snowball language name ("english", ...).
 * LOCI_EINVAL for an unknown language (message lists how to get the list). */
int analyzer_new(const char *stem_language, struct analyzer **out, loci_error *err);
void analyzer_free(struct analyzer *a);

/* Analyze as format 4.0's analyzer did: CJK runs as whole-run tokens
 * like other words, no elision. For indexes written by it (index.c). */
void analyzer_legacy(struct analyzer *a);

/* 1 if the analyzer is in legacy mode. */
int analyzer_is_legacy(const struct analyzer *a);

/* The language given at creation ("none" or the Snowball name). */
const char *analyzer_language(const struct analyzer *a);

/* Tokenize text[0..len) and call fn for each token in order. Returns 0,
 * LOCI_ENOMEM, or the first non-zero value returned by fn. */
int analyzer_run(struct analyzer *a, const char *text, size_t len, token_fn fn, void *ctx);

/* analyzer_run without step 5: tokens are normalized but not stemmed (and
 * `pos` counts them all). analyzer_run's tokens are exactly these, each
 * passed through analyzer_stem, dropping any whose stem is empty. The
 * indexer uses it to look a word up by its surface form before stemming. */
int analyzer_run_unstemmed(struct analyzer *a, const char *text, size_t len, token_fn fn,
                           void *ctx);

/* Step 5 alone: the stem of a normalized token (itself for numbers, for
 * CJK terms and when the language is "none"). *out is valid until the next call on `a`.
 * Returns LOCI_OK or LOCI_ENOMEM. */
int analyzer_stem(struct analyzer *a, const char *term, size_t len, const char **out,
                  size_t *out_len);

/* For tests: analyzer_run with the ASCII fast path disabled (everything
 * through utf8proc). Must produce exactly the tokens of analyzer_run. */
int analyzer_run_slow(struct analyzer *a, const char *text, size_t len, token_fn fn, void *ctx);

/* Where text may be cut for analysis: the largest i in [1, len] such
 * that text[i-1] is an ASCII byte that is neither a word character nor
 * one that can join a token (an apostrophe, '.', ','): a space, a
 * newline, '-', '(' ... ; 0 if there is none. The analyzer looks behind a
 * token's start never and past its end only up to such a byte, so
 * analyzing text[0..i) and text[i..len) separately gives exactly the
 * tokens (byte ranges shifted by i) and invalid-UTF-8 counts of analyzing
 * text[0..len) at once. */
size_t analyzer_safe_cut(const char *text, size_t len);

/* Invalid UTF-8 sequences replaced by all analyzer_run calls so far. */
uint64_t analyzer_invalid_count(const struct analyzer *a);

/* 1 if text[0..len) is valid UTF-8; else 0 and *bad = offset of the first
 * invalid byte (bad may be NULL). Overlongs, surrogates and code points
 * above U+10FFFF are invalid. */
int utf8_valid(const char *text, size_t len, size_t *bad);

#endif
