/*
 * query.h — the query language: a tokenizer and recursive-descent parser
 * turning a query string into a small tree (the syntax is documented in
 * README.md and include/loci.h).
 *
 * Grammar, loosest binding first (Lucene's and Xapian's precedence):
 *   seq     := item+                     juxtaposition: optional clauses,
 *                                        +required, -excluded
 *   item    := orexpr
 *   orexpr  := andexpr ("OR" andexpr)*
 *   andexpr := unary (("AND" | "NOT") unary)*     a NOT b = a AND NOT b
 *   unary   := ("+" | "-")? primary
 *   primary := WORD | PREFIX* | "PHRASE"(~N)? | "(" seq ")" | doc:GLOB
 *
 * The parser only checks the syntax; words are analyzed later (search.c),
 * where a clause that analyzes to no term at all is dropped. Nodes keep the
 * byte range of their text in the query, and a 1-based column for errors.
 */
#ifndef LOCI_QUERY_H
#define LOCI_QUERY_H

#include <stddef.h>

#include "loci.h"

/* Deepest nesting of parentheses accepted: bounds the parser's and the
 * evaluator's recursion whatever the input. */
#define QUERY_MAX_DEPTH 64

/* Largest N of "a b"~N. */
#define QUERY_MAX_NEAR 1000

enum qkind {
    QN_WORD,   /* text: a word (may analyze to several terms: a phrase) */
    QN_PHRASE, /* text: between the quotes; near > 0 for "..."~N */
    QN_PREFIX, /* text: the word without its trailing '*' */
    QN_DOC,    /* text: the glob after "doc:" */
    QN_AND,    /* kids; a kid with mod QM_EXCLUDED is a NOT operand */
    QN_OR,     /* kids */
    QN_SEQ     /* kids, each optional, required or excluded */
};

enum qmod { QM_NONE, QM_REQUIRED, QM_EXCLUDED };

struct qnode {
    enum qkind kind;
    enum qmod mod;        /* role in the parent (SEQ and AND kids) */
    size_t start, len;    /* text: byte range in the query */
    unsigned near;        /* QN_PHRASE: 0 exact phrase, else the N of ~N */
    unsigned col;         /* 1-based column (characters) of the clause */
    struct qnode **kid;
    size_t nkid;
    /* Filled when the query is compiled against an index (search.c): */
    int absent;           /* analyzed to no term: the clause is left out */
    int stop;             /* an optional word that is a stopword: left out */
    size_t *leaf;         /* word, phrase, prefix: its leaves (qrank.h) */
    size_t nleaf;
};

/* 1 when the query is words only (no quotes, parentheses, operators, +,
 * -, * or doc:, ...): it is then searched as a bag of words, exactly as
 * before the query language, and need not be parsed. Cheap: one scan. */
int query_is_plain(const char *q, size_t len);

/* Parse q[0..len). On success *out is a QN_SEQ tree (free with
 * query_free). On a syntax error: LOCI_EINVAL with a message naming the
 * column ("query: column 7: unbalanced ')'"), *out NULL. */
int query_parse(const char *q, size_t len, struct qnode **out, loci_error *err);

/* The tree of q[0..len) read as words only (no syntax): a QN_SEQ of the
 * QN_WORD runs between whitespace, as query_parse makes of a query for
 * which query_is_plain holds. LOCI_EINVAL for a query of no words. */
int query_words(const char *q, size_t len, struct qnode **out, loci_error *err);

void query_free(struct qnode *n);

/* 1-based column (in characters) of byte offset `off` of q. */
unsigned query_column(const char *q, size_t off);

#endif
