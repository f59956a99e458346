/*
 * stopwords.h — query-time stopword lists: the function words of a
 * language ("the", "of", "what", ...) that a bag-of-words query leaves out.
 *
 * Why at query time only: the index keeps every word and its position, so
 * phrases ("the who"), required words (+the) and a query made of nothing
 * but such words still find what they ask for; only the optional words of
 * a longer query are dropped, where they add noise to the ranking (long
 * natural-language requests suffer most: bench/RESULTS.md, issue 17).
 *
 * A list is matched against a token's normalized but unstemmed form (the
 * analyzer's steps 1–4), as a reader would: "being" is a stopword, "beings"
 * is not, though both stem to "be". The built-in lists are ours, written
 * for this project: articles, pronouns, prepositions, conjunctions,
 * auxiliary verbs and question words of each language.
 *
 * A list file holds words separated by white space; '#' starts a comment
 * running to the end of the line. It must be UTF-8, at most
 * STOPWORDS_FILE_MAX bytes.
 */
#ifndef LOCI_STOPWORDS_H
#define LOCI_STOPWORDS_H

#include <stddef.h>

#include "analyzer.h"
#include "loci.h"

#define STOPWORDS_FILE_MAX (1 << 20)

struct stopset;

/* The built-in list of a Snowball language (words separated by spaces),
 * or NULL when there is none for it. */
const char *stopwords_builtin(const char *language);

/* The languages with a built-in list, NULL-terminated. */
const char *const *stopwords_languages(void);

/* A set from list text (the file syntax above), its words normalized by
 * `an` as query words are. An empty list gives an empty set. LOCI_EUTF8
 * (with the line) for invalid UTF-8, LOCI_ENOMEM. `what` names the source
 * in messages. */
int stopset_parse(struct analyzer *an, const char *text, size_t len, const char *what,
                  struct stopset **out, loci_error *err);

/* The set `spec` names for an index whose stemming language is
 * `language`: NULL for that language's built-in list (none when it has
 * none), "none" for no list (*out NULL), a language name for its list, or
 * else the path of a list file. LOCI_EINVAL when spec is neither a language
 * with a list nor a readable file; the errors of stopset_parse. */
int stopset_resolve(struct analyzer *an, const char *language, const char *spec,
                    struct stopset **out, loci_error *err);

/* The checks of stopset_resolve that need no analyzer: spec (as there)
 * names a language with a list, or a readable UTF-8 file of at most
 * STOPWORDS_FILE_MAX bytes. For programs that check options first. */
int stopwords_check(const char *spec, loci_error *err);

/* 1 if the normalized, unstemmed term is in the set (s may be NULL). */
int stopset_has(const struct stopset *s, const char *term, size_t len);

size_t stopset_size(const struct stopset *s);

void stopset_free(struct stopset *s);

#endif
