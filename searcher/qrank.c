/*
 * qrank.c — evaluating a compiled query (qrank.h): leaf cursors (a term's
 * postings, or a phrase's: its terms' postings intersected, then their
 * positions compared), the match tree, doc: filters, and MaxScore over
 * the scoring leaves, document-at-a-time.
 *
 * Pruned and exhaustive evaluation run the same loop (exhaustive just
 * never raises the cut), and a candidate's score is always summed in leaf
 * order from the same contributions, so both give the same bits.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bm25.h"
#include "codec.h"
#include "cursor.h"
#include "error.h"
#include "poscursor.h"
#include "qrank.h"
#include "ranking.h"
#include "titles.h"

/* A leaf's cursor: id is the next passage where the leaf really occurs
 * (a phrase: where its terms stand in place), tf its frequency there. */
struct lstate {
    struct cursor *cur;     /* one per term */
    size_t *drive;          /* phrase: its terms, rarest first (leapfrog order) */
    double *tmax;           /* phrase: each term's largest tf part (with bounds) */
    struct poscursor *pc;
    uint32_t **pos;         /* phrase: positions of each term at the candidate */
    uint32_t *cap;
    uint32_t id, tf;
    uint32_t title_tf;      /* phrase, titled: its occurrences starting in the title */
    double ub;              /* bound of the leaf's contribution */
};

struct qeval {
    const struct segview *view;
    struct segment *seg;
    const struct qplan *plan;
    const uint8_t *lens, *lens_verified;
    double k1, b, avglen;
    int ref_params;
    double impact_scale;    /* stored maxima times this bound at avglen (index.h) */
    /* BM25F (as in ranking.c): title weight tw != 1 in a segment with
     * titles; bounds from block tfs and lengths times these scales */
    int titled;
    double tw, tf_scale, len_scale;
    struct titles titles;
    /* With one scoring leaf, a phrase candidate whose terms' block maxima
     * bound it below this cut cannot enter the top k (nothing else would
     * add to its score), and its positions are not read. -inf: off. */
    double solo_cut;
    struct lstate *ls;
    uint8_t *hit;           /* per leaf: occurs at the candidate */
    double *contrib;
    struct topk *top;
    int grouped;
    struct grouping group;  /* grouping: the current document's best passage */
    int64_t filter_doc;     /* doc: filters' verdict for this document */
    int filter_ok;
    char *name;             /* a document name, NUL-terminated for qrank_glob */
    size_t name_cap;
    loci_error *err;
    int rc;
};

static double len_slow(struct qeval *e, uint32_t d)
{
    int64_t len = reader_passage_length(e->seg, d, e->err);
    if (len < 0) {
        e->rc = e->err->code;
        return 0;
    }
    return (double)len;
}

/* A passage's length, as ranking.c reads it. */
static double len_of(struct qeval *e, uint32_t d)
{
    if (!e->lens_verified[d / (LFILE_PAGE_SIZE / 2)])
        return len_slow(e, d);
    uint32_t len = le16_get(e->lens + 2 * (size_t)d);
    return len < LENGTH_LONG ? (double)len : len_slow(e, d);
}

/* Positions of term k of leaf L at its cursor's posting, into ls->pos[k]. */
static int read_positions(struct qeval *e, struct lstate *s, size_t k)
{
    uint32_t tf = cursor_tf(&s->cur[k]);
    if (tf > s->cap[k]) {
        uint32_t *p = realloc(s->pos[k], (size_t)tf * sizeof *p);
        if (!p)
            return e->rc = err_set(e->err, LOCI_ENOMEM, "out of memory");
        s->pos[k] = p;
        s->cap[k] = tf;
    }
    if (poscursor_get(&s->pc[k], &s->cur[k], s->pos[k], e->err))
        return e->rc = e->err->code;
    return 0;
}

/* Occurrences of a phrase in the passage all its cursors stand on. Exact
 * phrase: the first term's positions p with term k at p + off[k] for
 * every k. "..."~N: the first term's positions p with every other term
 * within N positions of p, either side (at another position: two terms
 * never share one). Both count at most one occurrence per position of
 * the first term, so the frequency is at most its tf. */
static uint32_t phrase_freq(struct qeval *e, const struct qleaf *L, struct lstate *s)
{
    for (size_t k = 0; k < L->n; k++) {
        /* (the cursors opened shallow: tfs are decoded only here) */
        if ((e->rc = cursor_load_tfs(&s->cur[k])) || read_positions(e, s, k))
            return 0;
    }
    uint32_t n0 = cursor_tf(&s->cur[0]), freq = 0;
    uint32_t title = e->titled ? titles_of(&e->titles, s->cur[0].id) : 0;
    size_t at[QRANK_MAX_PHRASE] = {0}; /* per term: first position not yet passed */
    s->title_tf = 0;
    for (uint32_t i = 0; i < n0; i++) {
        uint64_t p = s->pos[0][i];
        int ok = 1;
        for (size_t k = 1; k < L->n && ok; k++) {
            const uint32_t *pk = s->pos[k];
            uint32_t nk = cursor_tf(&s->cur[k]);
            if (!L->near) {
                uint64_t want = p + L->off[k];
                while (at[k] < nk && pk[at[k]] < want)
                    at[k]++;
                ok = at[k] < nk && pk[at[k]] == want;
            } else {
                uint64_t lo = p > L->near ? p - L->near : 0, hi = p + L->near;
                while (at[k] < nk && pk[at[k]] < lo)
                    at[k]++;
                size_t j = at[k];
                if (j < nk && pk[j] == p)
                    j++;
                ok = j < nk && pk[j] <= hi;
            }
        }
        freq += (uint32_t)ok;
        s->title_tf += ok && p < title; /* an occurrence is the title's if it starts there */
    }
    return freq;
}

static double block_max_tfpart(const struct qeval *e, const struct cursor *c, uint32_t b);

/* Move phrase leaf l to its first occurrence at or after d. The terms
 * leapfrog rarest first, so a frequent word ("of") moves only to
 * passages that hold the rare ones. */
static void phrase_seek(struct qeval *e, size_t l, uint32_t d)
{
    const struct qleaf *L = &e->plan->leaf[l];
    struct lstate *s = &e->ls[l];
    for (;;) {
        int moved;
        do { /* leapfrog to a passage holding every term */
            moved = 0;
            for (size_t i = 0; i < L->n && d != CURSOR_END; i++) {
                struct cursor *c = &s->cur[s->drive[i]];
                cursor_next_geq(c, d);
                if (c->id != d) {
                    d = c->id;
                    moved = 1;
                }
            }
        } while (moved && d != CURSOR_END);
        if (d == CURSOR_END || e->rc)
            break;
        if (L->scoring && e->solo_cut > -INFINITY) {
            /* the phrase occurs at most as often as each of its terms */
            double m = INFINITY;
            for (size_t k = 0; k < L->n; k++) {
                const struct cursor *c = &s->cur[k];
                double v = c->skips ? block_max_tfpart(e, c, c->block) : s->tmax[k];
                m = v < m ? v : m;
                if (L->near)
                    break; /* a near group: only its first term bounds it */
            }
            if (L->weight * m * (1 + 1e-9) < e->solo_cut) {
                d++;
                continue;
            }
            /* Tighter, before reading positions: this passage's own tfs
             * (the smallest bounds the phrase's frequency; a near group's
             * first) and length. bm25_tfpart grows with tf. */
            uint32_t mtf = UINT32_MAX;
            for (size_t k = 0; k < L->n && !e->rc; k++) {
                e->rc = cursor_load_tfs(&s->cur[k]);
                uint32_t t = cursor_tf(&s->cur[k]);
                mtf = t < mtf ? t : mtf;
                if (L->near)
                    break;
            }
            if (e->rc)
                break;
            if (L->weight *
                    bm25_tfpart(e->tf_scale * mtf, e->len_scale * len_of(e, d), e->k1, e->b,
                                e->avglen) *
                    (1 + 1e-9) <
                e->solo_cut) {
                d++;
                continue;
            }
        }
        uint32_t f = phrase_freq(e, L, s);
        if (f) {
            s->id = d;
            s->tf = f;
            return;
        }
        d++;
    }
    s->id = CURSOR_END;
    s->tf = 0;
}

/* Move leaf l to its first occurrence at or after target. */
static void leaf_seek(struct qeval *e, size_t l, uint32_t target)
{
    const struct qleaf *L = &e->plan->leaf[l];
    struct lstate *s = &e->ls[l];
    if (s->id >= target)
        return;
    if (e->rc) {
        s->id = CURSOR_END;
        return;
    }
    if (L->kind == QL_PHRASE) {
        phrase_seek(e, l, target);
        return;
    }
    cursor_next_geq(&s->cur[0], target);
    s->id = s->cur[0].id;
    s->tf = s->id == CURSOR_END ? 0 : cursor_tf(&s->cur[0]);
}

/* The largest BM25 tf part in block b of a cursor with skips: stored for
 * the reference parameters, else bounded from the block's largest tf and
 * shortest passage. */
static double block_max_tfpart(const struct qeval *e, const struct cursor *c, uint32_t b)
{
    const uint8_t *s = c->skips + (size_t)b * SKIP_SIZE;
    if (e->ref_params) {
        uint32_t bits = le32_get(s + SKIP_MAX_IMPACT);
        float f;
        memcpy(&f, &bits, 4);
        return f * e->impact_scale;
    }
    return bm25_tfpart(e->tf_scale * le32_get(s + SKIP_MAX_TF),
                       e->len_scale * le32_get(s + SKIP_MIN_LEN), e->k1, e->b, e->avglen);
}

/* The largest BM25 tf part of a term's postings: from the skip entries'
 * block maxima, or from the postings of a single block. */
static double term_max_tfpart(struct qeval *e, const struct cursor *c)
{
    double m = 0;
    if (c->skips) {
        for (uint32_t b = 0; b < c->nblocks; b++) {
            double v = block_max_tfpart(e, c, b);
            m = v > m ? v : m;
        }
    } else {
        for (uint32_t i = 0; i < c->n; i++) {
            double v = bm25_tfpart(e->tf_scale * c->tfs[i], e->len_scale * len_of(e, c->ids[i]),
                                   e->k1, e->b, e->avglen);
            if (v > m)
                m = v;
        }
    }
    return m;
}

/* Does the tree match, given e->hit? 1, 0, or -1 for a clause left out. */
static int node_match(const struct qeval *e, const struct qnode *n)
{
    if (n->absent || n->kind == QN_DOC)
        return -1;
    switch (n->kind) {
    case QN_WORD:
    case QN_PHRASE:
    case QN_PREFIX:
        for (size_t i = 0; i < n->nleaf; i++)
            if (e->hit[n->leaf[i]])
                return 1;
        return 0;
    case QN_AND: {
        int r = -1;
        for (size_t i = 0; i < n->nkid; i++) {
            int m = node_match(e, n->kid[i]);
            if (m < 0)
                continue;
            if (n->kid[i]->mod == QM_EXCLUDED) {
                if (m)
                    return 0;
            } else {
                if (!m)
                    return 0;
                r = 1;
            }
        }
        return r;
    }
    case QN_OR: {
        int r = -1;
        for (size_t i = 0; i < n->nkid; i++) {
            int m = node_match(e, n->kid[i]);
            if (m > 0)
                return 1;
            if (m == 0)
                r = 0;
        }
        return r;
    }
    default: { /* QN_SEQ */
        int required = 0, optional = 0, any = 0;
        for (size_t i = 0; i < n->nkid; i++) {
            int m = node_match(e, n->kid[i]);
            if (m < 0)
                continue;
            enum qmod mod = n->kid[i]->mod;
            if (mod == QM_EXCLUDED) {
                if (m)
                    return 0;
            } else if (mod == QM_REQUIRED) {
                if (!m)
                    return 0;
                required = 1;
            } else {
                optional = 1;
                any |= m;
            }
        }
        return required ? 1 : optional ? any : -1;
    }
    }
}

/* Glob matching: '*' any run of bytes (slashes too), '?' any one byte,
 * anything else itself. Greedy with one backtrack point, so O(len(p) *
 * len(s)) whatever the pattern (fnmatch backtracks per star: a pattern of
 * many stars could take exponential time). */
int qrank_glob(const char *p, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*p == '*') {
            star = p++;
            resume = s;
        } else if (*p == '?' || *p == *s) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++resume;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

/* The doc: filters' verdict on passage d's document. */
static int doc_allowed(struct qeval *e, uint32_t d)
{
    const struct qplan *p = e->plan;
    if (!p->ndoc_in && !p->ndoc_out)
        return 1;
    int64_t doc = reader_passage_doc(e->seg, d, e->err);
    if (doc < 0) {
        e->rc = e->err->code;
        return 0;
    }
    if (doc == e->filter_doc)
        return e->filter_ok;
    loci_passage lp;
    if (reader_locate(e->seg, d, &lp, e->err)) {
        e->rc = e->err->code;
        return 0;
    }
    if (lp.doc_name_len + 1 > e->name_cap) {
        char *q = realloc(e->name, lp.doc_name_len + 1);
        if (!q) {
            e->rc = err_set(e->err, LOCI_ENOMEM, "out of memory");
            return 0;
        }
        e->name = q;
        e->name_cap = lp.doc_name_len + 1;
    }
    memcpy(e->name, lp.doc_name, lp.doc_name_len);
    e->name[lp.doc_name_len] = '\0';
    int ok = !p->ndoc_in;
    for (size_t i = 0; i < p->ndoc_in && !ok; i++)
        ok = qrank_glob(p->doc_in[i], e->name);
    for (size_t i = 0; i < p->ndoc_out && ok; i++)
        ok = !qrank_glob(p->doc_out[i], e->name);
    e->filter_doc = doc;
    e->filter_ok = ok;
    return ok;
}

/* Is candidate d (scoring leaves already at or past d) a match? The
 * excluded leaves are moved to d first. */
static int matches(struct qeval *e, uint32_t d)
{
    const struct qplan *p = e->plan;
    for (size_t l = 0; l < p->nleaf; l++) {
        if (!p->leaf[l].scoring)
            leaf_seek(e, l, d);
        e->hit[l] = e->ls[l].id == d;
    }
    return !e->rc && node_match(e, p->tree) > 0 && doc_allowed(e, d);
}

static void offer(struct qeval *e, uint32_t d, double score)
{
    int rc = ranking_offer(e->top, e->grouped ? &e->group : NULL, e->view, d, score, e->err);
    if (rc)
        e->rc = rc;
}

static double slack(double theta) { return 1e-9 * fabs(theta) + 1e-15; }

static void eval_free(struct qeval *e)
{
    if (e->ls)
        for (size_t l = 0; l < e->plan->nleaf; l++) {
            struct lstate *s = &e->ls[l];
            for (size_t k = 0; s->pos && k < e->plan->leaf[l].n; k++)
                free(s->pos[k]);
            free(s->pos);
            free(s->cap);
            free(s->cur);
            free(s->pc);
            free(s->drive);
            free(s->tmax);
        }
    free(e->ls);
    free(e->hit);
    free(e->contrib);
    free(e->name);
}

/* Open every leaf's cursors and stand each leaf on its first occurrence;
 * with `bounds`, compute the leaves' contribution bounds. */
static int eval_open(struct qeval *e, const struct segview *v, const struct qplan *plan,
                     double k1, double b, double tw, int bounds, loci_error *err)
{
    memset(e, 0, sizeof *e);
    struct segment *seg = v->seg;
    e->view = v;
    e->seg = seg;
    e->plan = plan;
    e->lens = seg->lens.body;
    e->lens_verified = seg->lens.verified;
    e->k1 = k1;
    e->b = b;
    e->avglen = v->avglen;
    e->ref_params = k1 == seg->ref_k1 && b == seg->ref_b;
    e->impact_scale = v->impact_scale;
    e->group.best_doc = -1;
    e->filter_doc = -1;
    e->solo_cut = -INFINITY;
    e->err = err;
    size_t n = plan->nleaf ? plan->nleaf : 1;
    e->ls = calloc(n, sizeof *e->ls);
    e->hit = calloc(n, 1);
    e->contrib = calloc(n, sizeof *e->contrib);
    if (!e->ls || !e->hit || !e->contrib)
        return e->rc = err_set(err, LOCI_ENOMEM, "out of memory");
    e->tw = tw;
    e->tf_scale = e->len_scale = 1;
    if (tw != 1 && seg->title_count) {
        e->titled = 1;
        e->ref_params = 0;
        titles_bound_scales(tw, &e->tf_scale, &e->len_scale);
        if ((e->rc = titles_open(&e->titles, seg, err)))
            return e->rc;
    }
    for (size_t l = 0; l < plan->nleaf && !e->rc; l++) {
        const struct qleaf *L = &plan->leaf[l];
        struct lstate *s = &e->ls[l];
        s->id = CURSOR_END;
        const struct term_info *ti = qleaf_terms(L, v->number);
        if (!qleaf_in_segment(L, v->number))
            continue;
        s->cur = calloc(L->n, sizeof *s->cur);
        s->pc = calloc(L->n, sizeof *s->pc);
        s->pos = calloc(L->n, sizeof *s->pos);
        s->cap = calloc(L->n, sizeof *s->cap);
        s->drive = calloc(L->n, sizeof *s->drive);
        s->tmax = calloc(L->n, sizeof *s->tmax);
        if (!s->cur || !s->pc || !s->pos || !s->cap || !s->drive || !s->tmax)
            return e->rc = err_set(err, LOCI_ENOMEM, "out of memory");
        for (size_t k = 0; k < L->n; k++) { /* insertion sort by df */
            size_t j = k;
            for (; j > 0 && ti[s->drive[j - 1]].df > ti[k].df; j--)
                s->drive[j] = s->drive[j - 1];
            s->drive[j] = k;
        }
        double mt = INFINITY;
        for (size_t k = 0; k < L->n && !e->rc; k++) {
            /* A phrase occurs at most as often as each of its terms, a
             * near group as often as its first term. The bound takes one
             * term, the rarest (the first for a near group): scanning a
             * frequent word's skip table would cost more than a tighter
             * bound saves. Terms of one block are cheap, and phrase_seek
             * reads their tmax. */
            int bounding = bounds && (L->near ? k == 0 : k == s->drive[0]);
            /* A phrase's words open shallow: phrase_seek sends them to
             * its rarest word's passages, usually far past their first
             * blocks. */
            if ((e->rc = (L->kind == QL_PHRASE ? cursor_open_shallow : cursor_open)(
                     &s->cur[k], seg, &ti[k], err)))
                break;
            poscursor_open(&s->pc[k], seg, &ti[k]);
            if (bounds) {
                s->tmax[k] = bounding || !s->cur[k].skips ? term_max_tfpart(e, &s->cur[k]) : INFINITY;
                if (k == 0 || !L->near)
                    mt = s->tmax[k] < mt ? s->tmax[k] : mt;
            }
        }
        if (bounds && !e->rc)
            s->ub = L->weight * mt * (1 + 1e-9);
        if (e->rc)
            break;
        if (L->kind == QL_PHRASE) {
            phrase_seek(e, l, 0);
        } else {
            s->id = s->cur[0].id;
            s->tf = s->id == CURSOR_END ? 0 : cursor_tf(&s->cur[0]);
        }
    }
    return e->rc;
}

/* Leaf l's title frequency at d, where it occurs (titled): a phrase's
 * from phrase_freq, a term's counted from its positions. */
static uint32_t leaf_title_tf(struct qeval *e, size_t l, uint32_t title)
{
    struct lstate *s = &e->ls[l];
    if (e->plan->leaf[l].kind == QL_PHRASE)
        return s->title_tf;
    uint32_t below = 0;
    if (title && poscursor_count_below(&s->pc[0], &s->cur[0], title, &below, e->err))
        e->rc = e->err->code;
    return below;
}

/* Leaf l's tf part at d, where it occurs: BM25, or BM25F when titled
 * (the same function for pruned and exhaustive runs: the same bits). */
static double leaf_tfpart(struct qeval *e, size_t l, uint32_t d, double len)
{
    if (!e->titled)
        return bm25_tfpart(e->ls[l].tf, len, e->k1, e->b, e->avglen);
    uint32_t title = titles_of(&e->titles, d);
    return bm25f_tfpart(e->ls[l].tf, leaf_title_tf(e, l, title), len, title, e->tw, e->k1, e->b,
                        e->avglen);
}

static void check_cursors(struct qeval *e)
{
    for (size_t l = 0; l < e->plan->nleaf && !e->rc; l++)
        for (size_t k = 0; e->ls[l].cur && k < e->plan->leaf[l].n && !e->rc; k++)
            if (e->ls[l].cur[k].rc)
                e->rc = e->ls[l].cur[k].rc;
}

/* MaxScore over the scoring leaves (see qrank.h): leaves sorted by bound;
 * the longest prefix whose bounds sum below the cut cannot make a passage
 * enter the top k alone, so candidates come from the others, and the
 * prefix's leaves are moved to a candidate only while its score can still
 * reach the cut. With `prune` 0 the cut stays at -inf: every passage
 * holding a scoring leaf is scored. With `count`, nothing is scored and
 * matches are counted. */
static void run(struct qeval *e, int prune, uint64_t *count)
{
    const struct qplan *p = e->plan;
    size_t n = 0, *order = malloc((p->nleaf ? p->nleaf : 1) * sizeof *order);
    double *prefix = malloc((p->nleaf + 1) * sizeof *prefix);
    if (!order || !prefix) {
        free(order);
        free(prefix);
        e->rc = err_set(e->err, LOCI_ENOMEM, "out of memory");
        return;
    }
    for (size_t l = 0; l < p->nleaf; l++)
        if (p->leaf[l].scoring)
            order[n++] = l;
    for (size_t i = 1; i < n; i++) /* insertion sort by bound: queries are short */
        for (size_t j = i; j > 0 && e->ls[order[j]].ub < e->ls[order[j - 1]].ub; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    prefix[0] = 0;
    for (size_t i = 0; i < n; i++)
        prefix[i + 1] = prefix[i] + e->ls[order[i]].ub;
    size_t ne = 0;
    double theta = -INFINITY, cut = -INFINITY;
    int64_t last_doc = -1;
    while (!e->rc) {
        if (prune) {
            double t = topk_threshold(e->top);
            if (t != theta) {
                theta = t;
                cut = theta - slack(theta);
                if (n == 1)
                    e->solo_cut = cut;
                while (ne < n && prefix[ne + 1] < cut)
                    ne++;
                if (ne == n)
                    break;
            }
        }
        uint32_t d = CURSOR_END;
        for (size_t i = ne; i < n; i++)
            if (e->ls[order[i]].id < d)
                d = e->ls[order[i]].id;
        if (d == CURSOR_END)
            break;
        double len = count ? 0 : len_of(e, d), partial = 0;
        for (size_t i = ne; i < n && !count; i++) {
            size_t l = order[i];
            if (e->ls[l].id == d) {
                e->contrib[l] = p->leaf[l].weight * leaf_tfpart(e, l, d, len);
                partial += e->contrib[l];
            }
        }
        size_t i = ne;
        while (i > 0 && partial + prefix[i] >= cut) {
            size_t l = order[--i];
            leaf_seek(e, l, d);
            if (e->ls[l].id == d) {
                e->contrib[l] = p->leaf[l].weight * leaf_tfpart(e, l, d, len);
                partial += e->contrib[l];
            }
        }
        if (i == 0 && partial >= cut && !segview_deleted(e->view, d) && matches(e, d)) {
            if (count) {
                if (e->grouped) {
                    int64_t doc = reader_passage_doc(e->seg, d, e->err);
                    if (doc < 0)
                        e->rc = e->err->code;
                    *count += doc != last_doc;
                    last_doc = doc;
                } else {
                    (*count)++;
                }
            } else {
                double score = 0;
                for (size_t l = 0; l < p->nleaf; l++)
                    if (p->leaf[l].scoring && e->ls[l].id == d)
                        score += e->contrib[l];
                offer(e, d, score);
            }
        }
        for (size_t j = ne; j < n; j++)
            if (e->ls[order[j]].id == d)
                leaf_seek(e, order[j], d + 1);
    }
    free(order);
    free(prefix);
}

int qrank_top(const struct segview *v, const struct qplan *plan, const loci_search_options *opt,
              struct topk *top, loci_error *err)
{
    struct qeval e;
    if (!eval_open(&e, v, plan, opt->k1, opt->b, opt->title_weight, !opt->exhaustive, err)) {
        e.top = top;
        e.grouped = opt->group == LOCI_GROUP_DOCUMENT;
        run(&e, !opt->exhaustive, NULL);
    }
    if (!e.rc)
        check_cursors(&e);
    if (!e.rc && e.grouped)
        ranking_offer_done(top, &e.group);
    int rc = e.rc;
    eval_free(&e);
    return rc;
}

int qrank_count(const struct segview *v, const struct qplan *plan, int grouped, uint64_t *count,
                loci_error *err)
{
    struct qeval e;
    *count = 0;
    if (!eval_open(&e, v, plan, LOCI_DEFAULT_K1, LOCI_DEFAULT_B, 1, 0, err)) {
        e.grouped = grouped;
        run(&e, 0, count);
    }
    if (!e.rc)
        check_cursors(&e);
    int rc = e.rc;
    eval_free(&e);
    return rc;
}

int qrank_leaf_tfs(const struct segview *v, const struct qplan *plan, uint32_t d, double tw,
                   uint32_t *tf, uint32_t *title_tf, uint32_t *title, loci_error *err)
{
    struct qeval e;
    *title = 0;
    if (!eval_open(&e, v, plan, LOCI_DEFAULT_K1, LOCI_DEFAULT_B, tw, 0, err)) {
        if (e.titled)
            *title = titles_of(&e.titles, d);
        for (size_t l = 0; l < plan->nleaf; l++) {
            leaf_seek(&e, l, d);
            tf[l] = e.ls[l].id == d ? e.ls[l].tf : 0;
            title_tf[l] = tf[l] && e.titled ? leaf_title_tf(&e, l, *title) : 0;
        }
    }
    if (!e.rc)
        check_cursors(&e);
    int rc = e.rc;
    eval_free(&e);
    return rc;
}
