/*
 * search.c — answering a query (loci_search and the results API): a query
 * of plain words is analyzed into distinct terms, looked up, weighted by
 * idf and ranked by ranking.h, exactly as before the query language; any
 * other query is parsed (query.h), compiled into leaves against the index
 * (compile.h), and ranked by qrank.h. Either way the terms are looked up
 * in every segment of the index (index.h) and weighted by their live df
 * over all of them, and the segments are ranked in turn into one top k.
 * Query stopwords are left out first (stopwords.h); with options.expand_*
 * the query is ranked once more, expanded (expand.h); with
 * options.proximity, that ranking gives the candidates of an exact rerank
 * by BM25 plus the proximity bonus (proximity.h, rank_proximity). Then
 * the hits' documents, and highlighting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "bm25.h"
#include "compile.h"
#include "buf.h"
#include "error.h"
#include "expand.h"
#include "qrank.h"
#include "query.h"
#include "stopwords.h"
#include "ranking.h"
#include "gstats.h"
#include "index.h"
#include "proximity.h"
#include "topk.h"


struct loci_results {
    loci_hit *hits;
    size_t n;
    struct qterm *terms;
    size_t nterms;
    struct analyzer *an;   /* the index's analyzer, for highlighting */
    int64_t total;         /* matching passages or documents; -1: not counted */
    char *warning;         /* e.g. a prefix expansion cut; NULL: none */
    struct qplan *plan;    /* the compiled query (NULL for plain words) */
    double k1, b;          /* for explaining */
    double title_weight;
    double proximity;      /* the options' weight of the proximity bonus */
};

void loci_search_options_init(loci_search_options *o)
{
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->k = 10;
    o->k1 = LOCI_DEFAULT_K1;
    o->b = LOCI_DEFAULT_B;
    o->group = LOCI_GROUP_PASSAGE;
    o->exhaustive = 0;
    o->offset = 0;
    o->count = 0;
    o->plain = 0;
    o->stopwords = NULL;
    o->expand_docs = 0;
    o->expand_terms = EXPAND_DEFAULT_TERMS;
    o->expand_weight = EXPAND_DEFAULT_WEIGHT;
    o->title_weight = 1;
    o->proximity = 0;
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
    free(r->warning);
    if (r->plan) {
        plan_free(r->plan);
        free(r->plan);
    }
    free(r);
}

const char *loci_results_warning(const loci_results *r) { return r ? r->warning : NULL; }


/* Query stopwords (stopwords.h): the set opt->stopwords names, made once
 * per index handle and kept while the next searches name the same. */
static int query_stopset(loci_index *idx, const loci_search_options *opt,
                         const struct stopset **out, loci_error *err)
{
    const char *spec = opt->stopwords;
    if (idx->stop_known && (spec ? idx->stop_spec && !strcmp(spec, idx->stop_spec) : !idx->stop_spec)) {
        *out = idx->stop;
        return LOCI_OK;
    }
    struct stopset *s;
    char *copy = NULL;
    int rc = stopset_resolve(idx->an, analyzer_language(idx->an), spec, &s, err);
    if (rc)
        return rc;
    if (spec && !(copy = strdup(spec))) {
        stopset_free(s);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    stopset_free(idx->stop);
    free(idx->stop_spec);
    idx->stop = stopset_size(s) ? s : NULL;
    if (!idx->stop)
        stopset_free(s);
    idx->stop_spec = copy;
    idx->stop_known = 1;
    *out = idx->stop;
    return LOCI_OK;
}

/* Analysis of a plain query with stopwords: each unstemmed token checked
 * against the set, then stemmed as analyzer_run would. */
struct stop_collect {
    struct qcollect *q;
    struct analyzer *an;
    const struct stopset *stop;
};

static int collect_unstemmed(void *ctx, const struct token *t)
{
    struct stop_collect *c = ctx;
    int stop = t->kind == TOKEN_WORD && stopset_has(c->stop, t->term, t->term_len);
    struct token st = *t;
    int rc = analyzer_stem(c->an, t->term, t->term_len, &st.term, &st.term_len);
    return rc ? rc : st.term_len ? qcollect_add(c->q, &st, stop) : 0;
}

/* A plain term's weight: (qtf + boost) * idf (boost 0 without --expand:
 * then exactly qtf * idf). Ranking and explaining use this one formula. */
static double term_weight(const struct qterm *t, uint64_t passages, uint64_t df)
{
    return ((double)t->qtf + t->boost) * bm25_idf(passages, df);
}


/* ---- loci_search ----------------------------------------------------------------- */

/* The segments in the order they are ranked into the shared top k: the
 * largest first, so that the threshold it reaches prunes the others from
 * their start. (Any order gives the same hits: ties are broken by id.) */
static size_t *ranking_order(const loci_index *idx)
{
    size_t *o = malloc((idx->nseg ? idx->nseg : 1) * sizeof *o);
    if (!o)
        return NULL;
    for (size_t i = 0; i < idx->nseg; i++) {
        size_t j = i;
        for (; j > 0 && idx->segs[o[j - 1]].passages < idx->segs[i].passages; j--)
            o[j] = o[j - 1];
        o[j] = i;
    }
    return o;
}

/* A compiled query over every segment; with `total`, its matches
 * counted too (documents when `grouped`). */
static int rank_plan(loci_index *idx, const struct qplan *plan, const loci_search_options *opt,
                     struct topk *top, uint64_t *total, int grouped, loci_error *err)
{
    size_t *order = ranking_order(idx);
    if (!order)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    int rc = LOCI_OK;
    for (size_t i = 0; i < idx->nseg && !rc; i++) {
        const struct segview *v = &idx->views[order[i]];
        uint64_t n = 0;
        rc = qrank_top(v, plan, opt, top, err);
        if (!rc && total && !(rc = qrank_count(v, plan, grouped, &n, err)))
            *total += n;
    }
    free(order);
    return rc;
}

/* Plain words (q: distinct terms with their counts) over every segment:
 * each term's weight from its live df in the index, its postings from
 * each segment in turn; with `total`, the matches counted (documents when
 * `count_grouped`). */
static int rank_words(loci_index *idx, const struct qcollect *q, const loci_search_options *opt,
                      struct topk *top, uint64_t *total, int count_grouped, loci_error *err)
{
    size_t nseg = idx->nseg, *order = ranking_order(idx);
    struct term_info *ti = calloc(nseg && q->n ? nseg * q->n : 1, sizeof *ti);
    struct query_term *qt = calloc(nseg && q->n ? nseg * q->n : 1, sizeof *qt);
    const struct segview **views = malloc((nseg ? nseg : 1) * sizeof *views);
    double *weight = calloc(q->n, sizeof *weight);
    uint8_t *live = calloc(q->n, 1);
    int rc = order && ti && qt && views && weight && live ? LOCI_OK
                                                 : err_set(err, LOCI_ENOMEM, "out of memory");
    for (size_t i = 0; i < q->n && !rc; i++) {
        int64_t df = index_lookup(idx, q->terms[i].bytes, q->terms[i].len, ti + i * nseg, err);
        if (df < 0)
            rc = (int)df;
        else if (df > 0)
            weight[i] = term_weight(&q->terms[i], idx->score_passages, (uint64_t)df);
        live[i] = df > 0;
    }
    int grouped = opt->group == LOCI_GROUP_DOCUMENT;
    /* the segments' rows of terms, in ranking order */
    uint64_t postings = 0;
    for (size_t j = 0; j < nseg && !rc; j++)
        for (size_t i = 0; i < q->n; i++) {
            struct query_term *t = &qt[j * q->n + i];
            t->ti = ti[i * nseg + order[j]];
            t->found = live[i] && t->ti.df > 0;
            t->weight = weight[i];
            t->tfmax = -1;
            postings += t->found ? t->ti.df : 0;
            views[j] = &idx->views[order[j]];
        }
    /* Pruned (more postings than a plain evaluation is worth), one term
     * is ranked by its blocks' maxima over all segments at once, and
     * several from a threshold seeded over all segments. */
    size_t found = 0, only = 0;
    for (size_t i = 0; i < q->n; i++)
        if (live[i]) {
            found++;
            only = i;
        }
    int pruned = !grouped && !opt->exhaustive && postings > ranking_plain_per_k * (uint64_t)opt->k;
    double theta0 = -INFINITY;
    if (!rc && pruned && found > 1)
        rc = ranking_seed(views, nseg, qt, q->n, opt, &theta0, err);
    else if (!rc && pruned && found == 1)
        rc = ranking_one_term(views, nseg, qt, q->n, only, opt, top, err);
    /* every segment's postings asked for before the first is ranked, so
     * that their cache misses overlap (a segment's ranking starts with
     * its terms' skip tables or single blocks) */
    int ranked = pruned && found == 1;
    for (size_t j = 0; j < nseg && !rc && !ranked; j++)
        for (size_t i = 0; i < q->n; i++)
            if (qt[j * q->n + i].found) { /* (the lookup checked the range) */
                const struct term_info *t = &qt[j * q->n + i].ti;
                const uint8_t *p = views[j]->seg->post.body + t->post_off;
                __builtin_prefetch(p);
                if (t->post_len > 64)
                    __builtin_prefetch(p + 64);
            }
    for (size_t j = 0; j < nseg && !rc; j++) {
        uint64_t n = 0;
        if (!ranked)
            rc = ranking_top(views[j], qt + j * q->n, q->n, opt, theta0, top, err);
        if (!rc && total &&
            !(rc = ranking_count(views[j], qt + j * q->n, q->n, count_grouped, &n, err)))
            *total += n;
    }
    free(order);
    free(ti);
    free(qt);
    free(views);
    free(weight);
    free(live);
    return rc;
}

/* The query, plain words (q) or compiled (plan), ranked into top. */
static int rank_query(loci_index *idx, const struct qcollect *q, const struct qplan *plan,
                      const loci_search_options *opt, struct topk *top, uint64_t *total,
                      int count_grouped, loci_error *err)
{
    return plan ? rank_plan(idx, plan, opt, top, total, count_grouped, err)
                : rank_words(idx, q, opt, top, total, count_grouped, err);
}

/* ---- the proximity bonus ---------------------------------------------------------- */

/* The query's proximity terms (proximity.h), into *out (*n of them, at
 * most PROXIMITY_MAX_TERMS; the caller frees each ti and the array): the
 * distinct words of plain words, or a compiled query's scoring words —
 * not its phrases (whose words already stand together), nor a prefix's
 * expansion, nor excluded words, nor --expand's terms (which are not the
 * query's), nor the stopwords left out — found in the index, with their
 * BM25 weights. */
static int prox_terms(loci_index *idx, const struct qterm *words, size_t nwords,
                      const struct qplan *plan, struct prox_term **out, size_t *n, loci_error *err)
{
    size_t nseg = idx->nseg ? idx->nseg : 1, cand = plan ? plan->nleaf : nwords, m = 0;
    struct prox_term *t = calloc(cand ? cand : 1, sizeof *t);
    int rc = t ? LOCI_OK : err_set(err, LOCI_ENOMEM, "out of memory");
    for (size_t i = 0; i < cand && m < PROXIMITY_MAX_TERMS && !rc; i++) {
        if (!(t[m].ti = calloc(nseg, sizeof *t[m].ti))) {
            rc = err_set(err, LOCI_ENOMEM, "out of memory");
            break;
        }
        if (plan) {
            const struct qleaf *L = &plan->leaf[i];
            if (L->kind != QL_TERM || !L->scoring || !L->found || L->expanded || L->expansion) {
                free(t[m].ti);
                continue;
            }
            memcpy(t[m].ti, L->ti, idx->nseg * sizeof *t[m].ti);
            t[m++].weight = L->weight;
            continue;
        }
        int64_t df = words[i].expansion ? 0 /* not the query's */
                                        : index_lookup(idx, words[i].bytes, words[i].len, t[m].ti, err);
        if (df <= 0) {
            free(t[m].ti);
            rc = df < 0 ? (int)df : LOCI_OK;
            continue;
        }
        t[m++].weight = term_weight(&words[i], idx->score_passages, (uint64_t)df);
    }
    if (rc) {
        for (size_t i = 0; i < m; i++)
            free(t[i].ti);
        free(t);
        return rc;
    }
    *out = t;
    *n = m;
    return LOCI_OK;
}

static void prox_terms_free(struct prox_term *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(t[i].ti);
    free(t);
}

/* Each hit's global document id. */
static int set_docs(loci_index *idx, loci_hit *hits, size_t n, loci_error *err)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t in_seg;
        const struct segview *v = index_view_of_passage(idx, hits[i].passage, &in_seg);
        int64_t doc = reader_passage_doc(v->seg, in_seg, err);
        if (doc < 0)
            return err->code;
        hits[i].doc = v->doc_base + (uint32_t)doc;
    }
    return LOCI_OK;
}

static int by_doc_then_rank(const void *a, const void *b)
{
    const loci_hit *x = a, *y = b;
    if (x->doc != y->doc)
        return x->doc < y->doc ? -1 : 1;
    return hit_better(x, y) ? -1 : hit_better(y, x);
}

/* Ranking with the proximity bonus, exactly: a passage's final score is
 * its BM25 score plus its bonus, which is at most pmax (proximity.h). The
 * BM25 top k' passages (pruned as usual; k' = 2k + 10 first) get their
 * bonus and are ranked again, grouped by document if asked for. Any
 * passage outside them has a BM25 score at most the k'-th's, so a final
 * score at most that plus pmax (the cut); when the k-th final hit is above
 * the cut, no passage outside can enter (nor change a document's best
 * passage), and the answer is exact. Otherwise k' grows fourfold, until
 * the cut is passed or k' holds every match. With opt->exhaustive the
 * cut is never trusted: every match is scored, BM25 and bonus — the
 * reference the pruned answer equals bit for bit (tests/test_proximity.c). */
static int rank_proximity(loci_index *idx, const struct qcollect *q, const struct qplan *plan,
                          const loci_search_options *opt, struct topk *top, uint64_t *total,
                          loci_error *err)
{
    int grouped = opt->group == LOCI_GROUP_DOCUMENT;
    struct prox_term *t = NULL;
    size_t nt = 0;
    int rc = prox_terms(idx, q->terms, q->n, plan, &t, &nt, err);
    if (rc)
        return rc;
    if (nt < 2) { /* no pair: no bonus */
        prox_terms_free(t, nt);
        return rank_query(idx, q, plan, opt, top, total, grouped, err);
    }
    struct prox_params pp = {opt->proximity, opt->k1, opt->b};
    double pmax = proximity_max(t, nt, &pp);
    loci_search_options sub = *opt;
    sub.group = LOCI_GROUP_PASSAGE;
    uint64_t kp = 2 * (uint64_t)opt->k + 10;
    for (int done = 0, first = 1; !done && !rc; first = 0) {
        if (kp > idx->all_passages)
            kp = idx->all_passages ? idx->all_passages : 1;
        sub.k = (unsigned)kp;
        struct topk cand = {0};
        if (topk_init(&cand, (size_t)kp))
            rc = err_set(err, LOCI_ENOMEM, "out of memory");
        if (!rc)
            rc = rank_query(idx, q, plan, &sub, &cand, first ? total : NULL, grouped, err);
        if (!rc) {
            topk_sort(&cand);
            int all = cand.n < kp || kp >= idx->all_passages;
            double cut = all ? -INFINITY : cand.heap[cand.n - 1].score + pmax;
            rc = proximity_add(idx, t, nt, &pp, cand.heap, cand.n, err);
            if (!rc && grouped && !(rc = set_docs(idx, cand.heap, cand.n, err)))
                qsort(cand.heap, cand.n, sizeof *cand.heap, by_doc_then_rank);
            top->n = 0;
            for (size_t i = 0; i < cand.n && !rc; i++) /* grouped: each doc's first */
                if (!grouped || i == 0 || cand.heap[i].doc != cand.heap[i - 1].doc)
                    topk_push(top, &cand.heap[i]);
            done = all || (!opt->exhaustive && top->n == top->k && topk_threshold(top) > cut);
            kp *= 4;
        }
        topk_free(&cand);
    }
    prox_terms_free(t, nt);
    return rc;
}

/* ---- pseudo-relevance feedback (--expand) ------------------------------------------ */

struct df_lookup {
    loci_index *idx;
    struct term_info *ti;  /* scratch: one per segment */
    loci_error *err;
};

static int64_t df_of(void *ctx, const char *term, size_t len)
{
    struct df_lookup *d = ctx;
    return index_lookup(d->idx, term, len, d->ti, d->err);
}

/* A model's term (stemmed) is a stopword when the list holds it as it is:
 * most function words are their own stem ("the", "which", "this"). */
static int is_stopword(void *ctx, const char *term, size_t len)
{
    return stopset_has(ctx, term, len);
}

static int by_passage(const void *a, const void *b)
{
    const loci_hit *x = a, *y = b;
    return (x->passage > y->passage) - (x->passage < y->passage);
}

/* The expansion terms of a query (q: plain words, or plan): its best
 * opt->expand_docs passages ranked as the search ranks them, and the
 * relevance model of their texts (expand.h). */
static int feedback_terms(loci_index *idx, const struct qcollect *q, const struct qplan *plan,
                          const loci_search_options *opt, struct expand_term **out, size_t *n,
                          loci_error *err)
{
    loci_search_options fo = *opt;
    fo.k = opt->expand_docs;
    fo.offset = 0;
    fo.count = 0;
    struct topk top = {0};
    struct expand e;
    expand_init(&e, idx->an);
    struct df_lookup d = {idx, calloc(idx->nseg ? idx->nseg : 1, sizeof *d.ti), err};
    int rc = d.ti && !topk_init(&top, fo.k) ? LOCI_OK : err_set(err, LOCI_ENOMEM, "out of memory");
    if (!rc)
        rc = rank_query(idx, q, plan, &fo, &top, NULL, 0, err);
    /* read in passage order, so that neighbours in one text block (64
     * KiB, the reader caches the last one inflated) inflate it once; the
     * sums of the model then follow that order, the same every time */
    if (!rc)
        qsort(top.heap, top.n, sizeof *top.heap, by_passage);
    for (size_t i = 0; i < top.n && !rc; i++) {
        loci_passage p;
        if (!(rc = loci_passage_get(idx, top.heap[i].passage, &p, err)) &&
            (rc = expand_add(&e, p.text, p.text_len, top.heap[i].score)))
            rc = err_set(err, rc, "expansion: %s", loci_strerror(rc));
    }
    /* the query's stopwords (idx->stop: loci_search made it this
     * search's) expand no query either */
    if (!rc && (rc = expand_terms(&e, opt->expand_terms, idx->score_passages, df_of, &d,
                                  idx->stop ? is_stopword : NULL, idx->stop, out, n)) ==
                   LOCI_ENOMEM)
        rc = err_set(err, rc, "out of memory");
    expand_free(&e);
    topk_free(&top);
    free(d.ti);
    return rc;
}

/* The mass of the model beside a query of `length` terms: RM3 mixes the
 * query's distribution (qtf / length) with weight w and the model's with
 * 1 - w; scaled by length / w, the query's terms keep their qtf and a
 * model term of probability p gets p * this. */
static double model_mass(double length, double w) { return length * (1 - w) / w; }

/* Plain words: each expansion term adds to its word's weight, or joins
 * the words (optional, as they are). */
static int expand_words(struct qcollect *q, const struct expand_term *t, size_t n, double w)
{
    double length = 0;
    for (size_t i = 0; i < q->n; i++)
        length += q->terms[i].qtf;
    double mass = model_mass(length, w);
    size_t words = q->n;
    for (size_t j = 0; j < n && mass > 0; j++) {
        size_t i = 0;
        while (i < words &&
               (q->terms[i].len != t[j].len || memcmp(q->terms[i].bytes, t[j].bytes, t[j].len)))
            i++;
        if (i == words) {
            if (qcollect_token(q, &(struct token){t[j].bytes, t[j].len, 0, 0, 0, TOKEN_WORD}))
                return LOCI_ENOMEM;
            q->terms[i = q->n - 1].qtf = 0;
            q->terms[i].expansion = 1;
        }
        q->terms[i].boost += mass * t[j].p;
    }
    return LOCI_OK;
}

/* The number of terms of a compiled query's scoring clauses: a word or
 * a phrase counts its terms, a prefix one. */
static double plan_length(const struct qplan *p, const struct qnode *n)
{
    if (n->absent)
        return 0;
    switch (n->kind) {
    case QN_WORD:
    case QN_PHRASE:
        return n->nleaf ? (double)p->leaf[n->leaf[0]].n : 0;
    case QN_PREFIX:
        return 1;
    case QN_DOC:
        return 0;
    default: {
        double sum = 0;
        for (size_t i = 0; i < n->nkid; i++)
            if (n->kid[i]->mod != QM_EXCLUDED)
                sum += plan_length(p, n->kid[i]);
        return sum;
    }
    }
}

/* A compiled query: each expansion term adds to the weight of the scoring
 * leaf of that term, or becomes a leaf of its own, an optional word of the
 * query's top level; a term the query excludes is left out. */
static int expand_plan(loci_index *idx, struct qplan *p, const struct expand_term *t, size_t n,
                       double w, loci_error *err)
{
    double mass = model_mass(plan_length(p, p->tree), w);
    for (size_t j = 0; j < n && mass > 0; j++) {
        struct qleaf *same = NULL;
        int excluded = 0;
        for (size_t l = 0; l < p->nleaf; l++) {
            struct qleaf *L = &p->leaf[l];
            if (L->kind == QL_TERM && !strcmp(L->label, t[j].bytes)) {
                excluded |= !L->scoring;
                same = L->scoring ? L : same;
            }
        }
        double weight = mass * t[j].p * bm25_idf(idx->score_passages, t[j].df);
        if (excluded)
            continue;
        if (same) {
            same->weight += weight;
            continue;
        }
        if (p->nleaf == QRANK_MAX_LEAVES)
            break;
        struct qleaf *leaf = realloc(p->leaf, (p->nleaf + 1) * sizeof *leaf);
        if (!leaf)
            return err_set(err, LOCI_ENOMEM, "out of memory");
        p->leaf = leaf;
        struct qleaf *L = &p->leaf[p->nleaf];
        memset(L, 0, sizeof *L);
        L->kind = QL_TERM;
        L->scoring = 1;
        L->n = 1;
        L->expansion = 1;
        L->ti = calloc(idx->nseg ? idx->nseg : 1, sizeof *L->ti);
        L->off = calloc(1, sizeof *L->off);
        L->label = strdup(t[j].bytes);
        p->nleaf++; /* counted now, so that plan_free frees what was allocated */
        struct qnode *node = calloc(1, sizeof *node), **kid = NULL;
        size_t *nl = malloc(sizeof *nl);
        if (node && nl && (kid = realloc(p->tree->kid, (p->tree->nkid + 1) * sizeof *kid))) {
            p->tree->kid = kid;
            kid[p->tree->nkid++] = node;
            node->kind = QN_WORD;
            node->leaf = nl;
            node->nleaf = 1;
            nl[0] = p->nleaf - 1;
        } else {
            free(node);
            free(nl);
            return err_set(err, LOCI_ENOMEM, "out of memory");
        }
        if (!L->ti || !L->off || !L->label)
            return err_set(err, LOCI_ENOMEM, "out of memory");
        int64_t df = index_lookup(idx, t[j].bytes, t[j].len, L->ti, err);
        if (df < 0)
            return (int)df;
        L->found = df > 0;
        L->df = (uint64_t)df;
        L->weight = weight;
    }
    return LOCI_OK;
}

/* Is there an expansion to make? (The query's weight 1 leaves none.) */
static int expands(const loci_search_options *opt)
{
    return opt->expand_docs && opt->expand_terms && opt->expand_weight < 1;
}

/* --expand: the query (q, or plan) expanded by the model of its best
 * passages, ready to be ranked again. */
static int expand_query(loci_index *idx, struct qcollect *q, struct qplan *plan,
                        const loci_search_options *opt, loci_error *err)
{
    struct expand_term *t = NULL;
    size_t n = 0;
    int rc = feedback_terms(idx, q, plan, opt, &t, &n, err);
    if (!rc && plan)
        rc = expand_plan(idx, plan, t, n, opt->expand_weight, err);
    else if (!rc && expand_words(q, t, n, opt->expand_weight))
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    free(t);
    return rc;
}

/* The checks of a query's text every search makes; *qlen gets its length. */
static int check_query(const char *query, size_t *qlen, loci_error *err)
{
    size_t bad;
    *qlen = strlen(query);
    if (*qlen > LOCI_QUERY_MAX)
        return err_set(err, LOCI_EINVAL, "query: longer than %d bytes", LOCI_QUERY_MAX);
    if (!utf8_valid(query, *qlen, &bad))
        return err_set(err, LOCI_EUTF8, "query: invalid UTF-8 at byte %zu", bad);
    return LOCI_OK;
}

/* A query without syntax as a bag of words (q), for rank_words; but CJK
 * words are phrases of their bigrams, and one CJK character is a prefix:
 * plain words cannot say that, so such a query is left to be compiled as
 * the words it is (query_words): q empty, *words_only 0. */
static int collect_words(loci_index *idx, const char *query, size_t qlen,
                         const struct stopset *stop, struct qcollect *q, int *words_only,
                         loci_error *err)
{
    struct stop_collect sc = {q, idx->an, stop};
    int rc = stop ? analyzer_run_unstemmed(idx->an, query, qlen, collect_unstemmed, &sc)
                  : analyzer_run(idx->an, query, qlen, qcollect_term, q);
    if (rc)
        return err_set(err, rc, "query: %s", loci_strerror(rc));
    if (q->n == 0)
        return err_set(err, LOCI_EEMPTY, "query has no searchable words");
    /* stopwords are left out, unless the query is nothing else (a term
     * that was also a stopword counts its other occurrences) */
    size_t kept = 0;
    for (size_t i = 0; i < q->n; i++)
        kept += q->terms[i].content > 0;
    if (kept) {
        kept = 0;
        for (size_t i = 0; i < q->n; i++)
            if (q->terms[i].content) {
                q->terms[kept] = q->terms[i];
                q->terms[kept++].qtf = q->terms[i].content;
            }
        q->n = kept;
    }
    if (q->cjk) {
        free(q->terms);
        memset(q, 0, sizeof *q);
        *words_only = 0;
    }
    return LOCI_OK;
}

int loci_query_stats(loci_index *idx, const char *query, const loci_search_options *opt,
                     loci_global_stats **out, loci_error *err)
{
    *out = NULL;
    loci_search_options defaults;
    if (!opt) {
        loci_search_options_init(&defaults);
        opt = &defaults;
    }
    if (idx->gs)
        return err_set(err, LOCI_EINVAL, "gathering statistics while scoring with global ones");
    size_t qlen;
    const struct stopset *stop = NULL;
    int rc = check_query(query, &qlen, err);
    if (!rc)
        rc = query_stopset(idx, opt, &stop, err);
    loci_global_stats *st = NULL;
    if (!rc && (loci_global_stats_new(&st) ||
                loci_global_stats_add_part(st, idx->passages, idx->tokens)))
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    struct qcollect q = {0};
    /* every lookup the search would make, made and recorded */
    idx->rec = st;
    /* the paths of loci_search: a bag of words, or a plan (with syntax,
     * or plain words holding CJK, compiled as words) */
    const int words = opt->plain || query_is_plain(query, qlen);
    int words_only = words;
    if (!rc && words) {
        rc = collect_words(idx, query, qlen, stop, &q, &words_only, err);
        struct term_info *ti = calloc(idx->nseg ? idx->nseg : 1, sizeof *ti);
        if (!rc && !ti)
            rc = err_set(err, LOCI_ENOMEM, "out of memory");
        for (size_t i = 0; i < q.n && !rc && words_only; i++) {
            int64_t df = index_lookup(idx, q.terms[i].bytes, q.terms[i].len, ti, err);
            if (df < 0)
                rc = (int)df;
        }
        free(ti);
    }
    if (!rc && !words_only) {
        struct qplan plan = {0};
        char *warning = NULL;
        rc = plan_query(idx, query, qlen, words, stop, &plan, &q, &warning, err);
        if (!rc)
            plan_free(&plan);
        free(warning);
    }
    idx->rec = NULL;
    free(q.terms);
    if (!rc && gstats_seal(st))
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    if (rc) {
        loci_global_stats_free(st);
        return rc;
    }
    *out = st;
    return LOCI_OK;
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
    if (err_opt_size(err, "loci_search_options", opt->size, sizeof *opt))
        return LOCI_EINVAL;
    if (opt->k == 0)
        return err_set(err, LOCI_EINVAL, "k must be at least 1");
    if (opt->offset > UINT32_MAX - opt->k)
        return err_set(err, LOCI_EINVAL, "offset + k must be below 2^32");
    if (!(opt->k1 >= 0) || !(opt->b >= 0 && opt->b <= 1))
        return err_set(err, LOCI_EINVAL, "BM25 parameters out of range (k1 >= 0, 0 <= b <= 1)");
    if (!(opt->proximity >= 0 && opt->proximity <= 100))
        return err_set(err, LOCI_EINVAL, "proximity weight out of range (0 to 100)");
    if (opt->expand_docs > EXPAND_MAX_DOCS || opt->expand_terms > EXPAND_MAX_TERMS ||
        !(opt->expand_weight > 0 && opt->expand_weight <= 1))
        return err_set(err, LOCI_EINVAL,
                       "expansion options out of range (at most %d passages and %d terms, "
                       "0 < weight <= 1)", EXPAND_MAX_DOCS, EXPAND_MAX_TERMS);
    if (opt->expand_docs && idx->gs)
        return err_set(err, LOCI_EINVAL,
                       "expansion needs the index's own statistics, not global ones");
    if (!(opt->title_weight > 0 && opt->title_weight <= 100))
        return err_set(err, LOCI_EINVAL, "title weight out of range (0 < W <= 100)");
    size_t qlen;
    const struct stopset *stop = NULL;
    int rc = check_query(query, &qlen, err);
    if (!rc)
        rc = query_stopset(idx, opt, &stop, err);
    if (rc)
        return rc;

    /* paging: rank offset + k, then drop the first offset */
    loci_search_options ranked = *opt;
    ranked.k = opt->k + opt->offset;
    struct topk top = {0};
    struct qcollect q = {0};
    uint64_t total = 0;
    char *warning = NULL;
    struct qplan *plan = NULL;
    const int words = opt->plain || query_is_plain(query, qlen); /* no syntax */
    int words_only = words; /* ranked as a bag of words, without a plan */
    if (words_only) {
        rc = collect_words(idx, query, qlen, stop, &q, &words_only, err);
        if (rc) {
            free(q.terms);
            return rc;
        }
    }
    if (!words_only) {
        if (!(plan = calloc(1, sizeof *plan)))
            return err_set(err, LOCI_ENOMEM, "out of memory");
        rc = plan_query(idx, query, qlen, words, stop, plan, &q, &warning, err);
        if (rc) {
            free(plan);
            plan = NULL;
        }
        if (!rc && expands(opt))
            rc = expand_query(idx, NULL, plan, opt, err);
    } else {
        rc = expands(opt) ? expand_query(idx, &q, NULL, opt, err) : LOCI_OK;
    }
    if (!rc && topk_init(&top, ranked.k))
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    if (!rc)
        rc = (opt->proximity > 0 ? rank_proximity(idx, &q, plan, &ranked, &top,
                                                  opt->count ? &total : NULL, err)
                                 : rank_query(idx, &q, plan, &ranked, &top,
                                              opt->count ? &total : NULL,
                                              opt->group == LOCI_GROUP_DOCUMENT, err));
    loci_results *r = NULL;
    if (!rc && !(r = calloc(1, sizeof *r)))
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    if (rc) {
        topk_free(&top);
        free(q.terms);
        free(warning);
        if (plan) {
            plan_free(plan);
            free(plan);
        }
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
    if (opt->group != LOCI_GROUP_DOCUMENT)
        rc = set_docs(idx, top.heap, top.n, err);
    r->hits = top.heap;
    r->n = top.n;
    r->terms = q.terms;
    r->nterms = q.n;
    r->an = idx->an;
    r->warning = warning;
    r->plan = plan;
    r->k1 = opt->k1;
    r->b = opt->b;
    r->title_weight = opt->title_weight;
    r->proximity = opt->proximity;
    if (rc) {
        loci_results_free(r);
        return rc;
    }
    *out = r;
    return LOCI_OK;
}

/* ---- explaining a hit ------------------------------------------------------------ */

/* A plan of plain words (each a scoring term leaf, in query order), for
 * explaining results of the plain path, which ranks without one. */
static int plain_plan(loci_index *idx, const loci_results *r, struct qplan *p, loci_error *err)
{
    memset(p, 0, sizeof *p);
    if (!(p->leaf = calloc(r->nterms ? r->nterms : 1, sizeof *p->leaf)))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    for (size_t i = 0; i < r->nterms; i++) {
        struct qleaf *L = &p->leaf[p->nleaf++];
        L->kind = QL_TERM;
        L->scoring = 1;
        L->n = 1;
        L->ti = calloc(idx->nseg ? idx->nseg : 1, sizeof *L->ti);
        L->off = calloc(1, sizeof *L->off);
        L->label = strndup(r->terms[i].bytes, r->terms[i].len);
        if (!L->ti || !L->off || !L->label)
            return err_set(err, LOCI_ENOMEM, "out of memory");
        int64_t df = index_lookup(idx, r->terms[i].bytes, r->terms[i].len, L->ti, err);
        if (df < 0)
            return (int)df;
        L->found = df > 0;
        L->df = (uint64_t)df;
        if (df)
            L->weight = term_weight(&r->terms[i], idx->score_passages, (uint64_t)df);
    }
    return LOCI_OK;
}

/* The proximity bonus of passage d as a clause "(proximity)": tf the
 * number of proximity terms, idf the query's largest bonus (Pmax), norm 1,
 * contribution the bonus. */
static int explain_proximity(loci_index *idx, const loci_results *r, uint32_t d,
                             loci_explain_clause *c, loci_error *err)
{
    struct prox_term *t = NULL;
    size_t nt = 0;
    int rc = prox_terms(idx, r->terms, r->nterms, r->plan, &t, &nt, err);
    loci_hit h = {d, 0, 0};
    struct prox_params pp = {r->proximity, r->k1, r->b};
    if (!rc)
        rc = proximity_add(idx, t, nt, &pp, &h, 1, err);
    c->clause = "(proximity)";
    c->tf = (uint32_t)nt;
    c->idf = rc ? 0 : proximity_max(t, nt, &pp);
    c->norm = 1;
    c->contribution = h.score;
    prox_terms_free(t, nt);
    return rc;
}

int loci_results_explain(loci_index *idx, const loci_results *r, size_t i,
                         loci_explain_clause **out, size_t *n, loci_error *err)
{
    *out = NULL;
    *n = 0;
    if (!r || i >= r->n)
        return err_set(err, LOCI_EINVAL, "explain: no hit %zu", i);
    struct qplan local;
    const struct qplan *p = r->plan;
    int rc = LOCI_OK;
    if (!p) {
        rc = plain_plan(idx, r, &local, err);
        p = &local;
    }
    uint32_t d = r->hits[i].passage, *tf = calloc(p->nleaf ? p->nleaf : 1, 2 * sizeof *tf);
    uint32_t *title_tf = tf ? tf + (p->nleaf ? p->nleaf : 1) : NULL, title = 0;
    loci_explain_clause *e = calloc(p->nleaf + 1, sizeof *e); /* + the proximity bonus */
    if (!rc && (!tf || !e))
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    uint32_t in_seg;
    const struct segview *v = index_view_of_passage(idx, d, &in_seg);
    int64_t len = rc ? 0 : reader_passage_length(v->seg, in_seg, err);
    if (len < 0)
        rc = err->code;
    if (!rc)
        rc = qrank_leaf_tfs(v, p, in_seg, r->title_weight, tf, title_tf, &title, err);
    size_t m = 0;
    for (size_t l = 0; l < p->nleaf && !rc; l++) {
        const struct qleaf *L = &p->leaf[l];
        if (!L->scoring)
            continue;
        loci_explain_clause *c = &e[m++];
        /* labels must live as long as r: a plain plan is freed below */
        c->clause = r->plan ? L->label : r->terms[l].bytes;
        c->tf = tf[l];
        c->idf = L->weight;
        /* BM25F's pseudo-length with a title weight (bm25.h) */
        double plen = (double)len + (r->title_weight - 1.0) * title;
        c->norm = 1.0 - r->b + r->b * plen / idx->score_avglen;
        c->contribution = tf[l] ? L->weight * bm25f_tfpart(tf[l], title_tf[l], (double)len, title,
                                                           r->title_weight, r->k1, r->b,
                                                           idx->score_avglen)
                                : 0;
    }
    if (!rc && r->proximity > 0)
        rc = explain_proximity(idx, r, r->hits[i].passage, &e[m++], err);
    if (!r->plan)
        plan_free(&local);
    free(tf);
    if (rc) {
        free(e);
        return rc;
    }
    *out = e;
    *n = m;
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
        if (q->expansion || q->len != t->term_len || memcmp(q->bytes, t->term, t->term_len))
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

/* Highlighting a compiled query: its scoring words and prefix terms where
 * they occur, and each occurrence of a scoring phrase as one span from its
 * first word to its last (its words elsewhere are not marked); excluded
 * clauses are never marked. */
struct hl_tok {
    char term[ANALYZER_MAX_TERM + 1];
    size_t start, end;
};

struct hl_toks {
    struct hl_tok *t;
    size_t n, cap;
};

static int hl_collect(void *ctx, const struct token *t)
{
    struct hl_toks *h = ctx;
    if (h->n == h->cap) {
        struct hl_tok *p = array_grow(h->t, &h->cap, h->n + 1, sizeof *p, 64);
        if (!p)
            return LOCI_ENOMEM;
        h->t = p;
    }
    struct hl_tok *k = &h->t[h->n++];
    memcpy(k->term, t->term, t->term_len);
    k->term[t->term_len] = '\0';
    k->start = t->start;
    k->end = t->end;
    return 0;
}

static int tok_is(const struct hl_tok *t, const char *term, size_t len)
{
    return strlen(t->term) == len && !memcmp(t->term, term, len);
}

static int span_cmp(const void *a, const void *b)
{
    const loci_span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

static int add_span(loci_span **s, size_t *n, size_t *cap, size_t start, size_t end)
{
    if (*n == *cap) {
        loci_span *p = array_grow(*s, cap, *n + 1, sizeof *p, 16);
        if (!p)
            return LOCI_ENOMEM;
        *s = p;
    }
    (*s)[(*n)++] = (loci_span){(uint32_t)start, (uint32_t)end};
    return 0;
}

/* End of the first code point of text[start..end). */
static size_t first_char_end(const char *text, size_t start, size_t end)
{
    size_t i = start + 1;
    while (i < end && ((unsigned char)text[i] & 0xc0) == 0x80)
        i++;
    return i;
}

static int highlight_plan(const struct qplan *p, const struct hl_toks *tk, const char *text,
                          loci_span **out, size_t *nout)
{
    loci_span *s = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (size_t l = 0; l < p->nleaf && !rc; l++) {
        const struct qleaf *L = &p->leaf[l];
        if (!L->scoring || L->expansion)
            continue;
        for (size_t i = 0; i < tk->n && !rc; i++) {
            if (L->kind == QL_TERM) {
                if (tok_is(&tk->t[i], L->label, strlen(L->label)))
                    rc = add_span(&s, &n, &cap, tk->t[i].start,
                                  L->hl_head ? first_char_end(text, tk->t[i].start, tk->t[i].end)
                                             : tk->t[i].end);
                continue;
            }
            /* the phrase's words are its label's, between the quotes */
            const char *w = L->label + 1;
            size_t wl = strcspn(w, " \"");
            if (!tok_is(&tk->t[i], w, wl))
                continue;
            size_t lo = tk->t[i].start, hi = tk->t[i].end;
            int ok = 1;
            for (size_t k = 1; k < L->n && ok; k++) {
                w += wl + 1;
                wl = strcspn(w, " \"");
                ok = 0;
                if (!L->near) {
                    ok = i + k < tk->n && tok_is(&tk->t[i + k], w, wl);
                    if (ok)
                        hi = tk->t[i + k].end;
                    continue;
                }
                size_t from = i > L->near ? i - L->near : 0;
                for (size_t j = from; j < tk->n && j <= i + L->near && !ok; j++)
                    if (j != i && tok_is(&tk->t[j], w, wl)) {
                        ok = 1;
                        lo = tk->t[j].start < lo ? tk->t[j].start : lo;
                        hi = tk->t[j].end > hi ? tk->t[j].end : hi;
                    }
            }
            if (ok)
                rc = add_span(&s, &n, &cap, lo, hi);
        }
    }
    if (rc) {
        free(s);
        return rc;
    }
    /* in order, overlapping spans merged */
    qsort(s, n, sizeof *s, span_cmp);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && s[i].start <= s[m - 1].end) {
            if (s[i].end > s[m - 1].end)
                s[m - 1].end = s[i].end;
        } else {
            s[m++] = s[i];
        }
    }
    *out = s;
    *nout = m;
    return 0;
}

int loci_results_highlight(const loci_results *r, const char *text, size_t len,
                           loci_span **spans, size_t *n, loci_error *err)
{
    *spans = NULL;
    *n = 0;
    if (r->plan) {
        struct hl_toks tk = {0};
        int rc = analyzer_run(r->an, text, len, hl_collect, &tk);
        if (!rc)
            rc = highlight_plan(r->plan, &tk, text, spans, n);
        free(tk.t);
        return rc ? err_set(err, rc, "highlighting: %s", loci_strerror(rc)) : LOCI_OK;
    }
    struct hl_ctx h = {r, NULL, 0, 0};
    int rc = analyzer_run(r->an, text, len, hl_token, &h);
    if (rc) {
        free(h.spans);
        return err_set(err, rc, "highlighting: %s", loci_strerror(rc));
    }
    *spans = h.spans;
    *n = h.n;
    return LOCI_OK;
}
