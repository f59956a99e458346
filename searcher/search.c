/*
 * search.c — answering a query (loci_search and the results API): the
 * query's analysis into distinct terms, their lookup and idf weights,
 * ranking (ranking.h), the hits' documents, and highlighting.
 */
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "bm25.h"
#include "buf.h"
#include "error.h"
#include "ranking.h"
#include "reader.h"
#include "topk.h"

/* One distinct query term (kept with the results, for highlighting). */
struct qterm {
    char bytes[ANALYZER_MAX_TERM];
    size_t len;
    uint32_t qtf;          /* occurrences in the query */
};

struct loci_results {
    loci_hit *hits;
    size_t n;
    struct qterm *terms;
    size_t nterms;
    struct analyzer *an;   /* the index's analyzer, for highlighting */
    int64_t total;         /* matching passages or documents; -1: not counted */
};

void loci_search_options_init(loci_search_options *o)
{
    o->k = 10;
    o->k1 = LOCI_DEFAULT_K1;
    o->b = LOCI_DEFAULT_B;
    o->group = LOCI_GROUP_PASSAGE;
    o->exhaustive = 0;
    o->offset = 0;
    o->count = 0;
}

size_t loci_results_count(const loci_results *r) { return r ? r->n : 0; }

int64_t loci_results_total(const loci_results *r) { return r ? r->total : -1; }

const loci_hit *loci_results_hit(const loci_results *r, size_t i)
{
    return r && i < r->n ? &r->hits[i] : NULL;
}

void loci_results_free(loci_results *r)
{
    if (!r)
        return;
    free(r->hits);
    free(r->terms);
    free(r);
}

struct qcollect {
    struct qterm *terms;
    size_t n, cap;
};

static int collect_term(void *ctx, const struct token *t)
{
    struct qcollect *q = ctx;
    for (size_t i = 0; i < q->n; i++)
        if (q->terms[i].len == t->term_len && !memcmp(q->terms[i].bytes, t->term, t->term_len)) {
            q->terms[i].qtf++;
            return 0;
        }
    if (q->n == q->cap) {
        struct qterm *p = array_grow(q->terms, &q->cap, q->n + 1, sizeof *p, 8);
        if (!p)
            return LOCI_ENOMEM;
        q->terms = p;
    }
    struct qterm *qt = &q->terms[q->n++];
    memset(qt, 0, sizeof *qt);
    memcpy(qt->bytes, t->term, t->term_len);
    qt->len = t->term_len;
    qt->qtf = 1;
    return 0;
}

int loci_search(loci_index *idx, const char *query, const loci_search_options *opt,
                loci_results **out, loci_error *err)
{
    *out = NULL;
    loci_search_options defaults;
    loci_error local;
    if (!err)
        err = &local; /* evaluation reads err->code */
    if (!opt) {
        loci_search_options_init(&defaults);
        opt = &defaults;
    }
    if (opt->k == 0)
        return err_set(err, LOCI_EINVAL, "k must be at least 1");
    if (opt->offset > UINT32_MAX - opt->k)
        return err_set(err, LOCI_EINVAL, "offset + k must be below 2^32");
    if (!(opt->k1 >= 0) || !(opt->b >= 0 && opt->b <= 1))
        return err_set(err, LOCI_EINVAL, "BM25 parameters out of range (k1 >= 0, 0 <= b <= 1)");
    size_t qlen = strlen(query), bad;
    if (qlen > LOCI_QUERY_MAX)
        return err_set(err, LOCI_EINVAL, "query: longer than %d bytes", LOCI_QUERY_MAX);
    if (!utf8_valid(query, qlen, &bad))
        return err_set(err, LOCI_EUTF8, "query: invalid UTF-8 at byte %zu", bad);

    struct qcollect q = {0};
    int rc = analyzer_run(idx->an, query, qlen, collect_term, &q);
    if (rc) {
        free(q.terms);
        return err_set(err, rc, "query: %s", loci_strerror(rc));
    }
    if (q.n == 0) {
        free(q.terms);
        return err_set(err, LOCI_EEMPTY, "query has no searchable words");
    }
    struct query_term *qt = calloc(q.n, sizeof *qt);
    if (!qt)
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    for (size_t i = 0; i < q.n && !rc; i++) {
        int f = reader_lookup(idx, q.terms[i].bytes, q.terms[i].len, &qt[i].ti, err);
        if (f < 0)
            rc = f;
        qt[i].found = f == 1;
        if (f == 1)
            qt[i].weight = q.terms[i].qtf * bm25_idf(idx->passages, qt[i].ti.df);
    }
    /* paging: rank offset + k, then drop the first offset */
    loci_search_options ranked = *opt;
    ranked.k = opt->k + opt->offset;
    struct topk top = {0};
    if (!rc && topk_init(&top, ranked.k))
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    if (!rc)
        rc = ranking_top(idx, qt, q.n, &ranked, &top, err);
    uint64_t total = 0;
    if (!rc && opt->count)
        rc = ranking_count(idx, qt, q.n, opt->group == LOCI_GROUP_DOCUMENT, &total, err);
    free(qt);
    loci_results *r = NULL;
    if (!rc && !(r = calloc(1, sizeof *r)))
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    if (rc) {
        topk_free(&top);
        free(q.terms);
        return rc;
    }
    topk_sort(&top);
    if (top.n <= opt->offset) {
        top.n = 0;
    } else if (opt->offset) {
        memmove(top.heap, top.heap + opt->offset, (top.n - opt->offset) * sizeof *top.heap);
        top.n -= opt->offset;
    }
    r->total = opt->count ? (int64_t)total : -1;
    if (opt->group != LOCI_GROUP_DOCUMENT) {
        for (size_t i = 0; i < top.n && !rc; i++) {
            int64_t doc = reader_passage_doc(idx, top.heap[i].passage, err);
            if (doc < 0)
                rc = err->code;
            else
                top.heap[i].doc = (uint32_t)doc;
        }
    }
    r->hits = top.heap;
    r->n = top.n;
    r->terms = q.terms;
    r->nterms = q.n;
    r->an = idx->an;
    if (rc) {
        loci_results_free(r);
        return rc;
    }
    *out = r;
    return LOCI_OK;
}

struct hl_ctx {
    const loci_results *r;
    loci_span *spans;
    size_t n, cap;
};

static int hl_token(void *ctx, const struct token *t)
{
    struct hl_ctx *h = ctx;
    for (size_t i = 0; i < h->r->nterms; i++) {
        const struct qterm *q = &h->r->terms[i];
        if (q->len != t->term_len || memcmp(q->bytes, t->term, t->term_len))
            continue;
        /* Merge with the previous span when the same original text was split
         * into several tokens by normalization. */
        if (h->n && h->spans[h->n - 1].start == t->start)
            return 0;
        if (h->n == h->cap) {
            loci_span *p = array_grow(h->spans, &h->cap, h->n + 1, sizeof *p, 16);
            if (!p)
                return LOCI_ENOMEM;
            h->spans = p;
        }
        h->spans[h->n++] = (loci_span){(uint32_t)t->start, (uint32_t)t->end};
        return 0;
    }
    return 0;
}

int loci_results_highlight(const loci_results *r, const char *text, size_t len,
                           loci_span **spans, size_t *n, loci_error *err)
{
    struct hl_ctx h = {r, NULL, 0, 0};
    *spans = NULL;
    *n = 0;
    int rc = analyzer_run(r->an, text, len, hl_token, &h);
    if (rc) {
        free(h.spans);
        return err_set(err, rc, "highlighting: %s", loci_strerror(rc));
    }
    *spans = h.spans;
    *n = h.n;
    return LOCI_OK;
}
