/*
 * compile.c — compiling a parsed query against an index (contract in
 * compile.h): each clause's words analyzed as the text was, a word of
 * several terms becoming a phrase, a prefix expanded to at most PREFIX_MAX
 * terms, a lone CJK character searched as the prefix of its bigrams.
 */
#include "compile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm25.h"
#include "buf.h"
#include "error.h"
#include "query.h"

/* Append t to q as a new term (qtf 1, not a stopword); NULL: no memory. */
static struct qterm *append(struct qcollect *q, const struct token *t)
{
    if (q->n == q->cap) {
        struct qterm *p = array_grow(q->terms, &q->cap, q->n + 1, sizeof *p, 8);
        if (!p)
            return NULL;
        q->terms = p;
    }
    struct qterm *qt = &q->terms[q->n++];
    memset(qt, 0, sizeof *qt);
    memcpy(qt->bytes, t->term, t->term_len); /* NUL-terminated by the memset */
    qt->len = t->term_len;
    qt->qtf = 1;
    qt->content = 1;
    qt->kind = t->kind;
    return qt;
}

int qcollect_add(struct qcollect *q, const struct token *t, int stop)
{
    q->cjk |= t->kind != TOKEN_WORD;
    for (size_t i = 0; i < q->n; i++)
        if (q->terms[i].len == t->term_len && !memcmp(q->terms[i].bytes, t->term, t->term_len)) {
            q->terms[i].qtf++;
            q->terms[i].content += !stop;
            return 0;
        }
    struct qterm *qt = append(q, t);
    if (!qt)
        return LOCI_ENOMEM;
    qt->content = !stop;
    return 0;
}

int qcollect_term(void *ctx, const struct token *t) { return qcollect_add(ctx, t, 0); }

/* Most terms a prefix expands to; past it, the most frequent are kept and
 * the results carry a warning. */
#define PREFIX_MAX 128

struct prefix_term {
    char bytes[ANALYZER_MAX_TERM];
    size_t len;
    struct term_info *ti;       /* per segment */
    uint64_t df;                /* live, in the index */
};

struct compiler {
    loci_index *idx;
    const char *q;
    struct qplan plan;
    size_t cap;                 /* of plan.leaf */
    uint32_t *qtf;              /* per leaf: occurrences of a scoring term */
    struct qcollect words;      /* analysis of one clause */
    struct qcollect hl;         /* highlighted terms */
    struct prefix_term *pre;    /* a prefix's expansion */
    struct term_info *segti;    /* a lookup's term_info in each segment */
    size_t npre, precap;
    char *warning;
    loci_error *err;
};

static void free_prefix(struct compiler *c)
{
    for (size_t i = 0; i < c->npre; i++)
        free(c->pre[i].ti);
    c->npre = 0;
}

int qcollect_token(void *ctx, const struct token *t)
{
    return append(ctx, t) ? 0 : LOCI_ENOMEM;
}

/* A clause's analysis as a query: the tail of a CJK run that ends the
 * clause is dropped, so that the run may go on in the text ("東京" is
 * 東京 and 京, and must find 東京都: 東京, 京都, 都). Inside the clause a
 * tail stays, as in the text, keeping the next word's position. */
static void drop_final_tail(struct qcollect *q)
{
    if (q->n > 1 && q->terms[q->n - 1].kind == TOKEN_CJK_TAIL)
        q->n--;
}

static char *label_of(const struct qterm *t, size_t n, unsigned near)
{
    struct buf b = {0};
    int rc = 0;
    if (n > 1)
        rc |= buf_append(&b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            rc |= buf_append(&b, " ", 1);
        rc |= buf_append(&b, t[i].bytes, t[i].len);
    }
    if (n > 1)
        rc |= buf_append(&b, "\"", 1);
    char num[24];
    int k = near ? snprintf(num, sizeof num, "~%u", near) : 0;
    rc |= buf_append(&b, num, (size_t)k);
    rc |= buf_append(&b, "", 1);
    if (rc) {
        buf_free(&b);
        return NULL;
    }
    return (char *)b.data;
}

static int add_node_leaf(struct compiler *c, struct qnode *n, size_t l)
{
    size_t *p = realloc(n->leaf, (n->nleaf + 1) * sizeof *p);
    if (!p)
        return err_set(c->err, LOCI_ENOMEM, "out of memory");
    n->leaf = p;
    p[n->nleaf++] = l;
    return 0;
}

/* A leaf of node n for terms t[0..nt): one term, or a phrase (near: its
 * ~N). A scoring term already a leaf counts once more there, as the same
 * word twice in a plain query does. */
static int add_leaf(struct compiler *c, struct qnode *n, const struct qterm *t, size_t nt,
                    const struct prefix_term *known, unsigned near, int scoring, int hl_head)
{
    struct qplan *p = &c->plan;
    if (nt == 1 && scoring)
        for (size_t l = 0; l < p->nleaf; l++)
            if (p->leaf[l].kind == QL_TERM && p->leaf[l].scoring &&
                strlen(p->leaf[l].label) == t->len && !memcmp(p->leaf[l].label, t->bytes, t->len)) {
                c->qtf[l]++;
                p->leaf[l].hl_head &= hl_head; /* also asked for whole */
                return add_node_leaf(c, n, l);
            }
    if (p->nleaf == QRANK_MAX_LEAVES)
        return err_set(c->err, LOCI_EINVAL,
                       "query: column %u: more than %d terms and phrases (prefixes expanded)",
                       n->col, QRANK_MAX_LEAVES);
    if (p->nleaf == c->cap) {
        size_t cap = c->cap;
        struct qleaf *q = array_grow(p->leaf, &c->cap, p->nleaf + 1, sizeof *q, 8);
        uint32_t *f = q ? realloc(c->qtf, c->cap * sizeof *f) : NULL;
        if (q)
            p->leaf = q;
        if (!f) {
            c->cap = q ? c->cap : cap;
            return err_set(c->err, LOCI_ENOMEM, "out of memory");
        }
        c->qtf = f;
    }
    struct qleaf *L = &p->leaf[p->nleaf];
    memset(L, 0, sizeof *L);
    L->kind = nt == 1 ? QL_TERM : QL_PHRASE;
    L->scoring = scoring;
    L->n = nt;
    L->near = nt == 1 ? 0 : near;
    L->hl_head = hl_head;
    L->expanded = known != NULL;
    size_t nseg = c->idx->nseg;
    L->ti = calloc(nseg ? nseg * nt : 1, sizeof *L->ti);
    L->off = calloc(nt, sizeof *L->off);
    L->label = label_of(t, nt, L->near);
    c->qtf[p->nleaf] = 1;
    p->nleaf++; /* counted now, so that plan_free frees what was allocated */
    if (!L->ti || !L->off || !L->label)
        return err_set(c->err, LOCI_ENOMEM, "out of memory");
    L->found = 1;
    for (size_t k = 0; k < nt; k++) {
        L->off[k] = (uint32_t)k; /* the phrase's tokens are consecutive */
        int64_t df;
        if (known) {
            memcpy(c->segti, known->ti, nseg * sizeof *c->segti);
            df = (int64_t)known->df;
        } else if ((df = index_lookup(c->idx, t[k].bytes, t[k].len, c->segti, c->err)) < 0) {
            return (int)df;
        }
        for (size_t s = 0; s < nseg; s++)
            L->ti[s * nt + k] = c->segti[s];
        if (nt == 1)
            L->df = (uint64_t)df;
        if (!df)
            L->found = 0;
        else
            L->weight += bm25_idf(c->idx->score_passages, (uint64_t)df);
        if (scoring)
            for (size_t j = 0; j < nt; j++) /* highlighted: the words it matches */
                if (qcollect_term(&c->hl, &(struct token){t[j].bytes, t[j].len, 0, 0, 0, 0}))
                    return err_set(c->err, LOCI_ENOMEM, "out of memory");
    }
    return add_node_leaf(c, n, p->nleaf - 1);
}

static int collect_prefix(void *ctx, const char *term, size_t len, const struct term_info *ti,
                          uint64_t df)
{
    struct compiler *c = ctx;
    if (c->npre == c->precap) {
        struct prefix_term *p = array_grow(c->pre, &c->precap, c->npre + 1, sizeof *p, 16);
        if (!p)
            return LOCI_ENOMEM;
        c->pre = p;
    }
    struct prefix_term *t = &c->pre[c->npre];
    size_t nseg = c->idx->nseg;
    if (!(t->ti = malloc((nseg ? nseg : 1) * sizeof *t->ti)))
        return LOCI_ENOMEM;
    c->npre++;
    memcpy(t->ti, ti, nseg * sizeof *ti);
    memset(t->bytes, 0, sizeof t->bytes);
    memcpy(t->bytes, term, len < sizeof t->bytes ? len : sizeof t->bytes);
    t->len = len < sizeof t->bytes ? len : sizeof t->bytes;
    t->df = df;
    return 0;
}

static int by_df_desc(const void *a, const void *b)
{
    const struct prefix_term *x = a, *y = b;
    if (x->df != y->df)
        return x->df < y->df ? 1 : -1;
    return memcmp(x->bytes, y->bytes, sizeof x->bytes) < 0 ? -1 : 1; /* zero-padded: term order */
}

static int by_term(const void *a, const void *b)
{
    const struct prefix_term *x = a, *y = b;
    int r = memcmp(x->bytes, y->bytes, sizeof x->bytes);
    return r ? r : (x->len > y->len) - (x->len < y->len);
}

static int compile_word(struct compiler *c, struct qnode *n, int scoring);

/* A prefix clause, or (cjk_head) a clause of one CJK character: every
 * term starting with it — the character alone and each bigram it starts,
 * so it is found wherever it occurs — highlighted on that character. A
 * prefix ending in CJK bigrams ("サイバー*") is the word itself: its
 * bigrams already find it at the start of a longer run. */
static int compile_prefix(struct compiler *c, struct qnode *n, int scoring, int cjk_head)
{
    c->words.n = 0;
    int rc = analyzer_run_unstemmed(c->idx->an, c->q + n->start, n->len, qcollect_token, &c->words);
    if (rc)
        return err_set(c->err, rc, "query: %s", loci_strerror(rc));
    drop_final_tail(&c->words);
    if (c->words.n == 0) {
        n->absent = 1;
        return 0;
    }
    if (c->words.n > 1 && c->words.terms[c->words.n - 1].kind == TOKEN_CJK_BIGRAM)
        return compile_word(c, n, scoring);
    cjk_head |= c->words.terms[0].kind == TOKEN_CJK_LONE; /* 東* as 東 */
    if (c->words.n > 1)
        return err_set(c->err, LOCI_EINVAL, "query: column %u: a prefix must be one word", n->col);
    free_prefix(c);
    if ((rc = index_prefix(c->idx, c->words.terms[0].bytes, c->words.terms[0].len,
                            collect_prefix, c, c->err)))
        return rc == LOCI_ENOMEM ? err_set(c->err, rc, "out of memory") : rc;
    if (c->npre > PREFIX_MAX) {
        qsort(c->pre, c->npre, sizeof *c->pre, by_df_desc);
        if (!c->warning) {
            char msg[200];
            snprintf(msg, sizeof msg,
                     "query: column %u: %.*s* matches %zu terms; searching the %d most frequent",
                     n->col, (int)c->words.terms[0].len, c->words.terms[0].bytes, c->npre,
                     PREFIX_MAX);
            if (!(c->warning = strdup(msg)))
                return err_set(c->err, LOCI_ENOMEM, "out of memory");
        }
        for (size_t i = PREFIX_MAX; i < c->npre; i++)
            free(c->pre[i].ti);
        c->npre = PREFIX_MAX;
        qsort(c->pre, c->npre, sizeof *c->pre, by_term);
    }
    for (size_t i = 0; i < c->npre; i++) {
        struct qterm t;
        memcpy(t.bytes, c->pre[i].bytes, c->pre[i].len);
        t.len = c->pre[i].len;
        t.kind = TOKEN_WORD;
        if ((rc = add_leaf(c, n, &t, 1, &c->pre[i], 0, scoring, cjk_head)))
            return rc;
    }
    return 0;
}

static int add_glob(struct compiler *c, struct qnode *n)
{
    int out = n->mod == QM_EXCLUDED;
    char ***list = out ? &c->plan.doc_out : &c->plan.doc_in;
    size_t *cnt = out ? &c->plan.ndoc_out : &c->plan.ndoc_in;
    char **l = realloc(*list, (*cnt + 1) * sizeof *l);
    if (!l)
        return err_set(c->err, LOCI_ENOMEM, "out of memory");
    *list = l;
    if (!(l[*cnt] = strndup(c->q + n->start, n->len)))
        return err_set(c->err, LOCI_ENOMEM, "out of memory");
    (*cnt)++;
    return 0;
}

/* A word or phrase: its terms, or the phrase of them (a word of one CJK
 * character: the prefix of the terms). */
static int compile_word(struct compiler *c, struct qnode *n, int scoring)
{
    c->words.n = 0;
    int rc = analyzer_run(c->idx->an, c->q + n->start, n->len, qcollect_token, &c->words);
    if (rc)
        return err_set(c->err, rc, "query: %s", loci_strerror(rc));
    if (c->words.n == 0) {
        n->absent = 1;
        return 0;
    }
    drop_final_tail(&c->words);
    if (c->words.n == 1 && c->words.terms[0].kind == TOKEN_CJK_LONE)
        return compile_prefix(c, n, scoring, 1);
    if (c->words.n > QRANK_MAX_PHRASE)
        return err_set(c->err, LOCI_EINVAL, "query: column %u: a phrase of more than %d words",
                       n->col, QRANK_MAX_PHRASE);
    return add_leaf(c, n, c->words.terms, c->words.n, NULL, n->near, scoring, 0);
}

/* Leaves for the clauses of n, in query order; `scoring` is 0 inside an
 * excluded clause. Marks clauses that analyze to nothing as absent. */
static int compile(struct compiler *c, struct qnode *n, int scoring)
{
    int rc;
    if (n->stop) {
        n->absent = 1;
        return 0;
    }
    switch (n->kind) {
    case QN_WORD:
    case QN_PHRASE:
        return compile_word(c, n, scoring);
    case QN_PREFIX:
        return compile_prefix(c, n, scoring, 0);
    case QN_DOC:
        return add_glob(c, n);
    default: {
        int present = 0;
        for (size_t i = 0; i < n->nkid; i++) {
            struct qnode *k = n->kid[i];
            if ((rc = compile(c, k, scoring && k->mod != QM_EXCLUDED)))
                return rc;
            if (n->kind == QN_OR)
                present |= !k->absent;
            else
                present |= !k->absent && k->kind != QN_DOC && k->mod != QM_EXCLUDED;
        }
        n->absent = !present;
        return 0;
    }
    }
}

void plan_free(struct qplan *p)
{
    for (size_t l = 0; l < p->nleaf; l++) {
        free(p->leaf[l].ti);
        free(p->leaf[l].off);
        free(p->leaf[l].label);
    }
    free(p->leaf);
    for (size_t i = 0; i < p->ndoc_in; i++)
        free(p->doc_in[i]);
    for (size_t i = 0; i < p->ndoc_out; i++)
        free(p->doc_out[i]);
    free(p->doc_in);
    free(p->doc_out);
    query_free(p->tree);
}

/* What the unstemmed analysis of a word shows of it. */
struct word_look {
    const struct stopset *stop;
    size_t tokens;
    int stop_first;     /* its first token is a stopword */
};

static int look_token(void *ctx, const struct token *t)
{
    struct word_look *w = ctx;
    if (w->tokens++ == 0)
        w->stop_first = t->kind == TOKEN_WORD && stopset_has(w->stop, t->term, t->term_len);
    return 0;
}

/* Mark the optional words of the query's top sequence that are stopwords
 * (one token, in the set) as left out, unless nothing else would be
 * searched for: "the who" is searched whole, "+the" and "the band" in
 * quotes keep their "the", "what is a ranking function" is "ranking
 * function". */
static int mark_stopwords(struct compiler *c, struct qnode *seq, const struct stopset *stop)
{
    int other = 0;
    for (size_t i = 0; i < seq->nkid; i++) {
        struct qnode *k = seq->kid[i];
        if (k->mod == QM_EXCLUDED || k->kind == QN_DOC)
            continue;
        struct word_look w = {stop, 0, 0};
        if (k->kind == QN_WORD) {
            int rc = analyzer_run_unstemmed(c->idx->an, c->q + k->start, k->len, look_token, &w);
            if (rc)
                return err_set(c->err, rc, "query: %s", loci_strerror(rc));
        }
        k->stop = k->kind == QN_WORD && k->mod == QM_NONE && w.tokens == 1 && w.stop_first;
        other |= !k->stop && (k->kind != QN_WORD || w.tokens > 0);
    }
    for (size_t i = 0; i < seq->nkid && !other; i++)
        seq->kid[i]->stop = 0;
    return LOCI_OK;
}

/* Parse (words_only: split at whitespace, query_words) and compile a
 * query, its optional stopwords left out; the highlighted terms go to *hl. */
int plan_query(loci_index *idx, const char *query, size_t qlen, int words_only,
               const struct stopset *stop, struct qplan *plan, struct qcollect *hl,
               char **warning, loci_error *err)
{
    struct compiler c = {0};
    c.idx = idx;
    c.q = query;
    c.err = err;
    if (!(c.segti = calloc(idx->nseg ? idx->nseg : 1, sizeof *c.segti)))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    int rc = words_only ? query_words(query, qlen, &c.plan.tree, err)
                        : query_parse(query, qlen, &c.plan.tree, err);
    if (!rc && stop)
        rc = mark_stopwords(&c, c.plan.tree, stop);
    if (!rc)
        rc = compile(&c, c.plan.tree, 1);
    if (!rc && c.plan.tree->absent) {
        int excluded = 0;
        for (size_t i = 0; i < c.plan.tree->nkid; i++)
            excluded |= !c.plan.tree->kid[i]->absent && c.plan.tree->kid[i]->mod == QM_EXCLUDED;
        rc = excluded ? err_set(err, LOCI_EINVAL,
                                "query: column 1: the query only excludes; add a word to search for")
                      : err_set(err, LOCI_EEMPTY, "query has no searchable words");
    }
    for (size_t l = 0; !rc && l < c.plan.nleaf; l++)
        if (c.plan.leaf[l].kind == QL_TERM && c.plan.leaf[l].found)
            c.plan.leaf[l].weight = c.qtf[l] * bm25_idf(idx->score_passages, c.plan.leaf[l].df);
    free(c.qtf);
    free(c.words.terms);
    free_prefix(&c);
    free(c.pre);
    free(c.segti);
    if (rc) {
        plan_free(&c.plan);
        free(c.hl.terms);
        free(c.warning);
        return rc;
    }
    *plan = c.plan;
    *hl = c.hl;
    *warning = c.warning;
    return LOCI_OK;
}
