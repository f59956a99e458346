/*
 * query.c — tokenizer and recursive-descent parser of the query language
 * (grammar in query.h). Errors are one line naming the 1-based column.
 *
 * Tokens: whitespace separates; '(' ')' and '"' are tokens of their own
 * wherever they are; '+' or '-' is a modifier only at the start of a token
 * and followed by something ("Indo-Pacific" and "a - b" hold no
 * operator); a word is any other run of bytes, and AND, OR, NOT (upper
 * case, whole words) are operators.
 */
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

enum tkind { T_EOF, T_WORD, T_PHRASE, T_LP, T_RP, T_AND, T_OR, T_NOT, T_PLUS, T_MINUS };

struct parser {
    const char *q;
    size_t len, pos;
    enum tkind tok;       /* current token */
    size_t tstart, tlen;  /* its text (for a phrase: between the quotes) */
    size_t tat;           /* byte offset where it starts */
    unsigned near;
    loci_error *err;
    int rc;
};

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

static int is_delim(char c) { return is_space(c) || c == '(' || c == ')' || c == '"'; }

unsigned query_column(const char *q, size_t off)
{
    unsigned col = 1;
    for (size_t i = 0; i < off; i++)
        col += ((unsigned char)q[i] & 0xC0) != 0x80;
    return col;
}

static int word_is(const char *w, size_t n, const char *s)
{
    return n == strlen(s) && !memcmp(w, s, n);
}

int query_is_plain(const char *q, size_t len)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && is_space(q[i]))
            i++;
        size_t s = i;
        while (i < len && !is_space(q[i])) {
            if (q[i] == '(' || q[i] == ')' || q[i] == '"')
                return 0;
            i++;
        }
        size_t n = i - s;
        if (n == 0)
            break;
        const char *w = q + s;
        if ((n > 1 && (w[0] == '+' || w[0] == '-')) || w[n - 1] == '*' ||
            (n >= 4 && !memcmp(w, "doc:", 4)) || word_is(w, n, "AND") || word_is(w, n, "OR") ||
            word_is(w, n, "NOT"))
            return 0;
    }
    return 1;
}

static int fail(struct parser *p, size_t at, const char *what)
{
    if (!p->rc)
        p->rc = err_set(p->err, LOCI_EINVAL, "query: column %u: %s", query_column(p->q, at), what);
    return p->rc;
}

static void next(struct parser *p)
{
    const char *q = p->q;
    while (p->pos < p->len && is_space(q[p->pos]))
        p->pos++;
    p->tat = p->pos;
    p->near = 0;
    if (p->pos == p->len) {
        p->tok = T_EOF;
        return;
    }
    char c = q[p->pos];
    if (c == '(' || c == ')') {
        p->tok = c == '(' ? T_LP : T_RP;
        p->pos++;
        return;
    }
    if (c == '"') {
        /* an unbalanced quote closes at the end of the query */
        size_t s = ++p->pos;
        while (p->pos < p->len && q[p->pos] != '"')
            p->pos++;
        p->tok = T_PHRASE;
        p->tstart = s;
        p->tlen = p->pos - s;
        if (p->pos < p->len)
            p->pos++;
        if (p->pos + 1 < p->len && q[p->pos] == '~' && q[p->pos + 1] >= '0' &&
            q[p->pos + 1] <= '9') {
            size_t at = p->pos++;
            unsigned long n = 0;
            while (p->pos < p->len && q[p->pos] >= '0' && q[p->pos] <= '9') {
                if (n <= QUERY_MAX_NEAR)
                    n = n * 10 + (unsigned long)(q[p->pos] - '0');
                p->pos++;
            }
            if (n == 0 || n > QUERY_MAX_NEAR)
                fail(p, at, "~N: N must be from 1 to 1000");
            p->near = (unsigned)n;
        }
        return;
    }
    if ((c == '+' || c == '-') && p->pos + 1 < p->len && !is_space(q[p->pos + 1]) &&
        q[p->pos + 1] != ')') {
        p->tok = c == '+' ? T_PLUS : T_MINUS;
        p->pos++;
        return;
    }
    size_t s = p->pos;
    while (p->pos < p->len && !is_delim(q[p->pos]))
        p->pos++;
    p->tstart = s;
    p->tlen = p->pos - s;
    const char *w = q + s;
    size_t n = p->tlen;
    p->tok = word_is(w, n, "AND") ? T_AND : word_is(w, n, "OR") ? T_OR
           : word_is(w, n, "NOT") ? T_NOT : T_WORD;
}

static struct qnode *node_new(struct parser *p, enum qkind kind, size_t at)
{
    struct qnode *n = calloc(1, sizeof *n);
    if (!n) {
        if (!p->rc)
            p->rc = err_set(p->err, LOCI_ENOMEM, "out of memory");
        return NULL;
    }
    n->kind = kind;
    n->col = query_column(p->q, at);
    return n;
}

static int add_kid(struct parser *p, struct qnode *parent, struct qnode *kid)
{
    struct qnode **k = realloc(parent->kid, (parent->nkid + 1) * sizeof *k);
    if (!k) {
        query_free(kid);
        if (!p->rc)
            p->rc = err_set(p->err, LOCI_ENOMEM, "out of memory");
        return p->rc;
    }
    parent->kid = k;
    k[parent->nkid++] = kid;
    return 0;
}

void query_free(struct qnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkid; i++)
        query_free(n->kid[i]);
    free(n->kid);
    free(n->leaf);
    free(n);
}

static struct qnode *parse_seq(struct parser *p, unsigned depth);

static int starts_clause(enum tkind t)
{
    return t == T_WORD || t == T_PHRASE || t == T_LP || t == T_PLUS || t == T_MINUS;
}

static const char *op_name(enum tkind t)
{
    return t == T_AND ? "AND" : t == T_OR ? "OR" : "NOT";
}

static struct qnode *parse_primary(struct parser *p, unsigned depth)
{
    size_t at = p->tat;
    struct qnode *n = NULL;
    if (p->tok == T_LP) {
        if (depth >= QUERY_MAX_DEPTH) {
            fail(p, at, "parentheses nested too deep");
            return NULL;
        }
        next(p);
        if (p->tok == T_RP) {
            fail(p, at, "empty parentheses");
            return NULL;
        }
        n = parse_seq(p, depth + 1);
        if (!n)
            return NULL;
        if (p->tok != T_RP) {
            query_free(n);
            fail(p, at, "unbalanced '('");
            return NULL;
        }
        n->col = query_column(p->q, at);
        next(p);
        return n;
    }
    if (p->tok == T_PHRASE) {
        if (!(n = node_new(p, QN_PHRASE, at)))
            return NULL;
        n->near = p->near;
    } else if (p->tok == T_WORD) {
        const char *w = p->q + p->tstart;
        if (p->tlen > 4 && !memcmp(w, "doc:", 4)) {
            if (!(n = node_new(p, QN_DOC, at)))
                return NULL;
            p->tstart += 4;
            p->tlen -= 4;
        } else if (p->tlen > 1 && w[p->tlen - 1] == '*') {
            if (!(n = node_new(p, QN_PREFIX, at)))
                return NULL;
            while (p->tlen > 0 && w[p->tlen - 1] == '*')
                p->tlen--;
        } else if (!(n = node_new(p, QN_WORD, at))) {
            return NULL;
        }
    } else {
        fail(p, at, p->tok == T_EOF ? "a clause is missing at the end"
                    : p->tok == T_RP ? "unbalanced ')'"
                    : p->tok == T_PLUS || p->tok == T_MINUS ? "'+' or '-' needs a clause after it"
                    : "an operator needs a clause on each side");
        return NULL;
    }
    n->start = p->tstart;
    n->len = p->tlen;
    next(p);
    return n;
}

static struct qnode *parse_unary(struct parser *p, unsigned depth)
{
    enum qmod mod = QM_NONE;
    size_t at = p->tat;
    if (p->tok == T_PLUS || p->tok == T_MINUS) {
        mod = p->tok == T_PLUS ? QM_REQUIRED : QM_EXCLUDED;
        next(p);
        if (!starts_clause(p->tok) || p->tok == T_PLUS || p->tok == T_MINUS) {
            fail(p, at, "'+' or '-' needs a clause after it");
            return NULL;
        }
    }
    struct qnode *n = parse_primary(p, depth);
    if (n) {
        n->mod = mod;
        if (mod != QM_NONE)
            n->col = query_column(p->q, at);
    }
    return n;
}

/* The operands of a binary operator chain (AND/NOT or OR) into one node
 * of `kind`; a single operand is returned as it is, with its modifier. */
static struct qnode *parse_chain(struct parser *p, unsigned depth, enum qkind kind)
{
    size_t at = p->tat;
    struct qnode *first = kind == QN_OR ? parse_chain(p, depth, QN_AND) : parse_unary(p, depth);
    if (!first)
        return NULL;
    int is_op = kind == QN_OR ? p->tok == T_OR : p->tok == T_AND || p->tok == T_NOT;
    if (!is_op)
        return first;
    struct qnode *n = node_new(p, kind, at);
    if (!n || add_kid(p, n, first)) {
        if (!n)
            query_free(first);
        query_free(n);
        return NULL;
    }
    while (kind == QN_OR ? p->tok == T_OR : p->tok == T_AND || p->tok == T_NOT) {
        enum tkind op = p->tok;
        size_t opat = p->tat;
        next(p);
        if (!starts_clause(p->tok)) {
            char msg[64];
            snprintf(msg, sizeof msg, "%s needs a clause on its right", op_name(op));
            fail(p, opat, msg);
            query_free(n);
            return NULL;
        }
        struct qnode *k = kind == QN_OR ? parse_chain(p, depth, QN_AND) : parse_unary(p, depth);
        if (!k || add_kid(p, n, k)) {
            query_free(n);
            return NULL;
        }
        if (op == T_NOT)
            k->mod = QM_EXCLUDED;
    }
    int positive = 0;
    for (size_t i = 0; i < n->nkid; i++) {
        struct qnode *k = n->kid[i];
        if (k->kind == QN_DOC) {
            p->rc = err_set(p->err, LOCI_EINVAL,
                            "query: column %u: doc: filters apply to the whole query; "
                            "write them outside AND, OR and NOT", k->col);
            query_free(n);
            return NULL;
        }
        if (k->mod == QM_REQUIRED)
            k->mod = QM_NONE; /* an operand is required by its operator anyway */
        if (k->mod == QM_EXCLUDED && kind == QN_OR) {
            p->rc = err_set(p->err, LOCI_EINVAL,
                            "query: column %u: an OR operand cannot be excluded; use NOT", k->col);
            query_free(n);
            return NULL;
        }
        positive += k->mod != QM_EXCLUDED;
    }
    if (!positive) {
        p->rc = err_set(p->err, LOCI_EINVAL, "query: column %u: AND of exclusions only", n->col);
        query_free(n);
        return NULL;
    }
    return n;
}

static struct qnode *parse_seq(struct parser *p, unsigned depth)
{
    struct qnode *seq = node_new(p, QN_SEQ, p->tat);
    if (!seq)
        return NULL;
    int positive = 0, filters = 0;
    while (p->tok != T_EOF && p->tok != T_RP && !p->rc) {
        if (!starts_clause(p->tok)) {
            char msg[64];
            snprintf(msg, sizeof msg, "%s needs a clause on its left", op_name(p->tok));
            fail(p, p->tat, msg);
            break;
        }
        struct qnode *k = parse_chain(p, depth, QN_OR);
        if (!k || add_kid(p, seq, k))
            break;
        if (k->kind == QN_DOC) {
            if (depth > 0) {
                p->rc = err_set(p->err, LOCI_EINVAL,
                                "query: column %u: doc: filters apply to the whole query; "
                                "write them outside parentheses", k->col);
                break;
            }
            if (k->mod == QM_REQUIRED)
                k->mod = QM_NONE;
            filters++;
        } else {
            positive += k->mod != QM_EXCLUDED;
        }
    }
    if (!p->rc && p->tok == T_RP && depth == 0)
        fail(p, p->tat, "unbalanced ')'");
    if (!p->rc && !positive && seq->nkid > 0)
        p->rc = err_set(p->err, LOCI_EINVAL, "query: column %u: %s", seq->col,
                        filters && seq->nkid == (size_t)filters
                            ? "doc: filters need something to search for"
                            : "the query only excludes; add a word to search for");
    if (p->rc) {
        query_free(seq);
        return NULL;
    }
    return seq;
}

int query_words(const char *q, size_t len, struct qnode **out, loci_error *err)
{
    struct parser p = {q, len, 0, T_EOF, 0, 0, 0, 0, err, 0};
    struct qnode *seq = node_new(&p, QN_SEQ, 0);
    *out = NULL;
    if (!seq)
        return p.rc;
    for (size_t i = 0; i < len;) {
        while (i < len && is_space(q[i]))
            i++;
        size_t s = i;
        while (i < len && !is_space(q[i]))
            i++;
        if (i == s)
            break;
        struct qnode *w = node_new(&p, QN_WORD, s);
        if (!w || add_kid(&p, seq, w)) {
            query_free(seq);
            return p.rc;
        }
        w->start = s;
        w->len = i - s;
    }
    if (!seq->nkid) {
        query_free(seq);
        return err_set(err, LOCI_EINVAL, "query: no words");
    }
    *out = seq;
    return LOCI_OK;
}

int query_parse(const char *q, size_t len, struct qnode **out, loci_error *err)
{
    struct parser p = {q, len, 0, T_EOF, 0, 0, 0, 0, err, 0};
    *out = NULL;
    next(&p);
    struct qnode *n = p.rc ? NULL : parse_seq(&p, 0);
    if (!n)
        return p.rc ? p.rc : err_set(err, LOCI_ENOMEM, "out of memory");
    *out = n;
    return LOCI_OK;
}
