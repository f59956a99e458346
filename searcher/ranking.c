/*
 * ranking.c — the k best passages (or documents) of a query's terms: BM25
 * over postings cursors, document-at-a-time, by one of three strategies
 * that give the same results bit for bit (see ranking.h).
 *
 * Every candidate is scored completely before the next, summing term
 * contributions in the query's term order (a fixed order keeps
 * floating-point sums identical across strategies).
 *
 * Grouping by document: passage ids follow input order, so the passages of
 * one document are consecutive in the traversal; a document's score is the
 * best score of its passages (see README: why the maximum).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bm25.h"
#include "codec.h"
#include "cursor.h"
#include "error.h"
#include "poscursor.h"
#include "ranking.h"
#include "titles.h"

/* Queries of up to this many terms rank without allocating. */
#define RANK_LOCAL 8

/* State of one evaluation: cursors in query-term order, their weights
 * (qtf * idf) and score upper bounds, and the top-k being filled. */
struct eval {
    const struct segview *view;
    struct segment *seg;
    const uint8_t *lens, *lens_verified; /* the lengths file's body and page flags */
    double k1, b, avglen;
    struct cursor *cur;
    double *w, *ub;
    size_t nc;
    struct topk *top;
    int grouped;
    int ref_params;         /* k1, b are those the block maxima were stored for */
    double impact_scale;    /* stored maxima times this bound at avglen (index.h) */
    double theta0;          /* lower bound of the final k-th score (seed_threshold) */
    struct grouping group;  /* grouping: the current document's best passage */
    /* BM25F (bm25.h), when the title weight is not 1 and the segment has
     * titles: a term's title tf is counted from its positions (a
     * passage's title tokens are its first ones), for the candidates
     * with a title only. The stored block maxima are for plain BM25, so
     * the bounds come from each block's largest tf and shortest length,
     * scaled by tf_scale and len_scale (bm25.h). */
    int titled;
    double tw, tf_scale, len_scale;
    struct titles titles;
    struct poscursor *pc;   /* one per cursor */
    loci_error *err;
    int rc;
};

/* Length of passage d: a u16 of the lengths file, whose page is verified
 * the first time (like every page; a one-shot search does not checksum
 * the whole array): inline, the check is a byte load and a branch per
 * candidate. Passages of LENGTH_LONG tokens or more, and pages not yet
 * verified, go through the reader. On corruption the error goes to e->rc,
 * which every loop checks. */
static double len_slow(struct eval *e, uint32_t d)
{
    int64_t len = reader_passage_length(e->seg, d, e->err);
    if (len < 0) {
        e->rc = e->err->code;
        return 0;
    }
    return (double)len;
}

static inline double len_of(struct eval *e, uint32_t d)
{
    if (!e->lens_verified[d / (LFILE_PAGE_SIZE / 2)])
        return len_slow(e, d);
    uint32_t len = le16_get(e->lens + 2 * (size_t)d);
    return len < LENGTH_LONG ? (double)len : len_slow(e, d);
}

int ranking_offer(struct topk *top, struct grouping *g, const struct segview *v, uint32_t d,
                  double score, loci_error *err)
{
    if (segview_deleted(v, d))
        return LOCI_OK;
    loci_hit h = {v->passage_base + d, 0, score};
    if (!g) {
        topk_push(top, &h);
        return LOCI_OK;
    }
    int64_t doc = reader_passage_doc(v->seg, d, err);
    if (doc < 0)
        return err->code;
    h.doc = v->doc_base + (uint32_t)doc;
    if (doc != g->best_doc) {
        if (g->best_doc >= 0)
            topk_push(top, &g->best);
        g->best = h;
        g->best_doc = doc;
    } else if (hit_better(&h, &g->best)) {
        g->best = h;
    }
    return LOCI_OK;
}

void ranking_offer_done(struct topk *top, struct grouping *g)
{
    if (g->best_doc >= 0)
        topk_push(top, &g->best);
    g->best_doc = -1;
}

/* BM25F tf part of term t at passage d (its cursor there). */
static double titled_tfpart(struct eval *e, size_t t, uint32_t d, double len)
{
    const struct cursor *c = &e->cur[t];
    uint32_t n = titles_of(&e->titles, d), below = 0;
    if (n) {
        int rc = poscursor_count_below(&e->pc[t], c, n, &below, e->err);
        if (rc)
            e->rc = rc;
    }
    return bm25f_tfpart(cursor_tf(c), below, len, n, e->tw, e->k1, e->b, e->avglen);
}

/* The tf part of term t at passage d, its cursor standing there: BM25,
 * or BM25F for a segment with titles weighted apart. Every strategy
 * scores through here, so they agree bit for bit. */
static inline double tfpart_at(struct eval *e, size_t t, uint32_t d, double len)
{
    if (e->titled)
        return titled_tfpart(e, t, d, len);
    return bm25_tfpart(cursor_tf(&e->cur[t]), len, e->k1, e->b, e->avglen);
}

/* Score of passage d: every cursor positioned on d contributes, summed in
 * query-term order. MaxScore sums the same products in the same order
 * (from its per-term contributions), so a passage gets the same
 * floating-point score whichever strategy evaluates it. */
static double score_of(struct eval *e, uint32_t d)
{
    double len = len_of(e, d), score = 0;
    for (size_t i = 0; i < e->nc; i++)
        if (e->cur[i].id == d)
            score += e->w[i] * tfpart_at(e, i, d, len);
    return score;
}

/* A scored passage: to the heap, or, grouping by document, kept as its
 * document's best until the traversal leaves the document (passages of a
 * document are consecutive, as ids follow input order). */
static void offer(struct eval *e, uint32_t d, double score)
{
    int rc = ranking_offer(e->top, e->grouped ? &e->group : NULL, e->view, d, score, e->err);
    if (rc)
        e->rc = rc;
}

static void check_cursors(struct eval *e)
{
    for (size_t i = 0; i < e->nc && !e->rc; i++)
        if (e->cur[i].rc)
            e->rc = e->cur[i].rc;
}

/* Exhaustive document-at-a-time: every passage with a query term is
 * scored. (A cursor that meets corrupt data ends; ranking_top checks the
 * cursors once at the end.) */
static void evaluate_exhaustive(struct eval *e)
{
    while (!e->rc) {
        uint32_t d = CURSOR_END;
        for (size_t i = 0; i < e->nc; i++)
            if (e->cur[i].id < d)
                d = e->cur[i].id;
        if (d == CURSOR_END)
            break;
        offer(e, d, score_of(e, d));
        for (size_t i = 0; i < e->nc; i++)
            if (e->cur[i].id == d)
                cursor_next(&e->cur[i]);
    }
}

/* Slack for comparing a bound with the threshold: bounds and scores are
 * summed in different orders, so they may differ in the last bits. */
static double slack(double theta) { return 1e-9 * fabs(theta) + 1e-15; }

/* Score a passage must reach to matter: the top-k threshold, or the seeded
 * lower bound of the final one while that is higher. */
static double threshold(const struct eval *e)
{
    double t = topk_threshold(e->top);
    return t > e->theta0 ? t : e->theta0;
}

/* The largest BM25 tf part in block b of a cursor with skips: stored for
 * the reference parameters, else bounded from the block's largest tf and
 * shortest passage (tfpart grows with tf and shrinks with length). */
static double block_max_tfpart(const struct eval *e, const struct cursor *c, uint32_t b)
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

/* Bound of term t's contribution within block b of its cursor. */
static double block_bound_at(const struct eval *e, size_t t, uint32_t b)
{
    const struct cursor *c = &e->cur[t];
    if (!c->skips)
        return e->ub[t];
    return e->w[t] * block_max_tfpart(e, c, b) * (1 + 1e-9);
}

/* Bound of term t's contribution within the current block of its cursor
 * (valid on a shallow cursor). */
static double block_bound(const struct eval *e, size_t t)
{
    return block_bound_at(e, t, e->cur[t].block);
}

struct block_rank {
    double bound;
    uint32_t block;
    uint32_t eval;          /* which evaluation (segment) the block is of */
};

static int by_bound_desc(const void *a, const void *b)
{
    const struct block_rank *x = a, *y = b;
    if (x->bound != y->bound)
        return x->bound < y->bound ? 1 : -1;
    if (x->eval != y->eval)
        return x->eval < y->eval ? -1 : 1;
    return (x->block > y->block) - (x->block < y->block);
}

/* One term, passages not grouped: the top k are the term's k
 * highest-scoring postings, so its blocks are visited by decreasing block
 * maximum, and the traversal stops at the first block whose maximum is
 * below the top-k threshold. A block above the threshold holds a passage
 * of the final top k, so about k blocks at most are decoded wherever they
 * lie, where the id-ordered traversal decodes every block until the
 * threshold has risen. es[0..m) are the term's evaluations in the
 * segments of an index, one cursor each, sharing one top k: their blocks
 * are visited in one order, so the segments together decode what one
 * index would (a list of one block has no stored maximum: its bound is
 * its term bound). Exact, like the others: scores come from score_of, and
 * a block is dropped only below the threshold. Errors: in each es[i].rc. */
static void one_term_blocks(struct eval *es, size_t m)
{
    size_t nb = 0;
    for (size_t i = 0; i < m; i++)
        nb += es[i].cur[0].nblocks;
    struct block_rank *r = malloc((nb ? nb : 1) * sizeof *r);
    if (!r) {
        es[0].rc = err_set(es[0].err, LOCI_ENOMEM, "out of memory");
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < m; i++)
        for (uint32_t b = 0; b < es[i].cur[0].nblocks; b++)
            r[n++] = (struct block_rank){block_bound_at(&es[i], 0, b), b, (uint32_t)i};
    qsort(r, n, sizeof *r, by_bound_desc);
    for (size_t i = 0; i < n; i++) {
        struct eval *e = &es[r[i].eval];
        struct cursor *c = &e->cur[0];
        double theta = threshold(e);
        if (theta > -INFINITY && r[i].bound < theta - slack(theta))
            break;
        cursor_seek_block(c, r[i].block);
        check_cursors(e);
        for (uint32_t j = 0; j < c->n && !e->rc; j++) {
            c->i = j;
            c->id = c->ids[j];
            offer(e, c->id, score_of(e, c->id));
        }
        if (e->rc)
            break;
    }
    free(r);
}

static void evaluate_one_term(struct eval *e) { one_term_blocks(e, 1); }

/* Move past passage d: decoded cursors step, shallow ones jump. */
static void step_past(struct cursor *c, uint32_t d)
{
    if (c->id != d)
        return;
    if (c->decoded)
        cursor_next(c);
    else
        cursor_shallow_geq(c, d + 1);
}

/* MaxScore (Turtle & Flood): terms sorted by upper bound; the longest
 * prefix whose bounds sum below the top-k threshold is "non-essential" —
 * a passage containing only those terms cannot enter the top k — so
 * candidates come from the essential terms only, and non-essential
 * cursors jump (next_geq, skipping whole blocks) to candidates that may
 * still make it. Block-max refinement: before decoding anything at a
 * candidate, the essential cursors' current-block maxima bound every
 * passage up to the end of the nearest block; if that bound is below the
 * threshold the whole range is skipped without decoding a block. The
 * threshold is the top k's, or the seeded one (seed_threshold) while that
 * is higher. Exact: a passage is dropped only when its bound is below the
 * threshold.
 *
 * A cursor that meets corrupt data ends (its id becomes CURSOR_END), so
 * the loop needs no error test per candidate; the caller checks the
 * cursors once at the end. */
static void evaluate_maxscore(struct eval *e)
{
    size_t n = e->nc, order_local[RANK_LOCAL];
    double prefix_local[RANK_LOCAL + 1], contrib_local[RANK_LOCAL];
    int local = n <= RANK_LOCAL; /* (as in ranking_top) */
    size_t *order = local ? order_local : malloc(n * sizeof *order);
    double *prefix = local ? prefix_local : malloc((n + 1) * sizeof *prefix);
    double *contrib = local ? contrib_local : malloc(n * sizeof *contrib); /* w * tfpart at the candidate */
    if (!order || !prefix || !contrib) {
        if (!local) {
            free(order);
            free(prefix);
            free(contrib);
        }
        e->rc = err_set(e->err, LOCI_ENOMEM, "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++) /* insertion sort by bound: queries are short */
        for (size_t j = i; j > 0 && e->ub[order[j]] < e->ub[order[j - 1]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    prefix[0] = 0;
    for (size_t i = 0; i < n; i++)
        prefix[i + 1] = prefix[i] + e->ub[order[i]];
    size_t ne = 0; /* order[0..ne) are non-essential */
    /* The block-max bound of the range [.., range_last], kept while the
     * traversal is inside it: it bounds every passage of the range
     * whatever happens to ne meanwhile (it was summed over the cursors
     * that were essential, each standing at or before the range). */
    uint32_t range_last = 0;
    double range_bound = INFINITY;
    int have_range = 0;
    double theta = -INFINITY, cut = -INFINITY; /* cut: theta less the slack */
    while (!e->rc) {
        double t_now = threshold(e);
        if (t_now != theta) {
            theta = t_now;
            cut = theta - slack(theta);
            while (ne < n && prefix[ne + 1] < cut)
                ne++;
            if (ne == n)
                break; /* no passage can enter the top k any more */
        }
        uint32_t d = CURSOR_END;
        for (size_t i = ne; i < n; i++)
            if (e->cur[order[i]].id < d)
                d = e->cur[order[i]].id;
        if (d == CURSOR_END)
            break;
        if (theta > -INFINITY) {
            if (!have_range || d > range_last) {
                /* [d, last] with last the nearest end of a current block:
                 * in it, every essential term's postings lie in its
                 * current block */
                uint32_t last = CURSOR_END;
                for (size_t i = ne; i < n; i++) {
                    struct cursor *c = &e->cur[order[i]];
                    if (c->id != CURSOR_END && cursor_block_last(c) < last)
                        last = cursor_block_last(c);
                }
                double bound = prefix[ne];
                for (size_t i = ne; i < n; i++)
                    if (e->cur[order[i]].id <= last)
                        bound += block_bound(e, order[i]);
                range_last = last;
                range_bound = bound;
                have_range = 1;
            }
            if (range_bound < cut) {
                for (size_t i = ne; i < n; i++)
                    if (e->cur[order[i]].id <= range_last)
                        cursor_shallow_geq(&e->cur[order[i]], range_last + 1);
                have_range = 0;
                continue;
            }
        }
        /* Decode the blocks under d (a cursor may land past d) and compute
         * each essential term's contribution once, exactly as score_of
         * does; the score is then summed in query-term order from them:
         * the same bits as score_of. */
        double len = -1, partial = 0;
        int moved = 0;
        for (size_t i = ne; i < n; i++) {
            size_t t = order[i];
            struct cursor *c = &e->cur[t];
            if (c->id != d)
                continue;
            if (!c->decoded) {
                cursor_materialize(c);
                if (c->id != d) {
                    moved = 1;
                    continue;
                }
            }
            if (len < 0)
                len = len_of(e, d);
            contrib[t] = e->w[t] * tfpart_at(e, t, d, len);
            partial += contrib[t];
        }
        if (moved) {
            /* some cursor had only a lower bound at d: d may not be a
             * candidate at all; start again from the new minimum */
            continue;
        }
        /* The non-essential terms, largest bound first, while the passage
         * may still reach the threshold. */
        size_t i = ne;
        while (i > 0 && partial + prefix[i] >= cut) {
            size_t t = order[--i];
            struct cursor *c = &e->cur[t];
            cursor_next_geq(c, d);
            if (c->id == d) {
                contrib[t] = e->w[t] * tfpart_at(e, t, d, len);
                partial += contrib[t];
            }
        }
        if (i == 0 && partial >= cut) {
            double score = 0;
            for (size_t t = 0; t < n; t++)
                if (e->cur[t].id == d)
                    score += contrib[t];
            offer(e, d, score);
        }
        for (size_t j = ne; j < n; j++)
            step_past(&e->cur[order[j]], d);
    }
    if (!local) {
        free(order);
        free(prefix);
        free(contrib);
    }
}

/* Upper bound of one term's contribution, from its skip entries (per-block
 * maxima) or, for a single block, from its decoded tfs. */
static double term_bound(struct eval *e, const struct cursor *c, double w, double tfmax)
{
    double m = 0;
    if (c->skips && tfmax >= 0) {
        m = tfmax; /* (ranking_seed read the skip entries) */
    } else if (c->skips) {
        for (uint32_t b = 0; b < c->nblocks; b++) {
            double v = block_max_tfpart(e, c, b);
            if (v > m)
                m = v;
        }
    } else {
        /* one block, no stored maximum: its largest tf at the shortest
         * length there could be (reading each posting's length would cost
         * a cache miss per posting, for a bound only MaxScore's split of
         * the terms needs; a rare term is essential anyway) */
        uint32_t tf = 0;
        for (uint32_t i = 0; i < c->n; i++)
            tf = c->tfs[i] > tf ? c->tfs[i] : tf;
        m = bm25_tfpart(e->tf_scale * tf, 0, e->k1, e->b, e->avglen);
    }
    return w * m * (1 + 1e-9);
}


/* An evaluation's settings for segment v (no cursors yet). */
static void eval_init(struct eval *e, const struct segview *v, const loci_search_options *opt,
                      struct topk *top, loci_error *err)
{
    struct segment *seg = v->seg;
    memset(e, 0, sizeof *e);
    e->view = v;
    e->seg = seg;
    e->lens = seg->lens.body;
    e->lens_verified = seg->lens.verified;
    e->k1 = opt->k1;
    e->b = opt->b;
    e->avglen = v->avglen;
    e->impact_scale = v->impact_scale;
    e->top = top;
    e->grouped = opt->group == LOCI_GROUP_DOCUMENT;
    e->group.best_doc = -1;
    e->err = err;
    e->ref_params = opt->k1 == seg->ref_k1 && opt->b == seg->ref_b;
    e->theta0 = -INFINITY;
    e->tw = opt->title_weight;
    e->tf_scale = e->len_scale = 1;
    if (opt->title_weight != 1 && seg->title_count) {
        e->titled = 1;
        e->ref_params = 0;
        titles_bound_scales(e->tw, &e->tf_scale, &e->len_scale);
        e->rc = titles_open(&e->titles, seg, err);
    }
}

/* Position cursors for a titled evaluation's cursors (terms[i] found, in
 * order), into pc (nc of them). */
static void open_poscursors(struct eval *e, struct poscursor *pc, const struct query_term *terms,
                            size_t nterms)
{
    e->pc = pc;
    size_t k = 0;
    for (size_t i = 0; i < nterms; i++)
        if (terms[i].found)
            poscursor_open(&pc[k++], e->seg, &terms[i].ti);
}

/* Threshold seeding. In passage-id order the top-k threshold rises slowly
 * (the first k passages met fill the heap whatever their scores), so
 * MaxScore prunes little on the way. Before any traversal, each term's
 * ceil(k/128) blocks with the largest maxima among all its blocks in all
 * segments (their stored maxima bound the index-wide scores: index.h) are
 * chosen, and the passages of each segment's chosen blocks are scored with
 * the terms whose chosen blocks hold them, summed in query-term order:
 * each sum is at most the passage's full score (the missing contributions
 * are positive, and rounding is monotonic), so the k-th largest sum over
 * all segments is at most the final k-th score, and every segment's
 * traversal may drop anything below it from the start. Exact. Seeding
 * once for the whole index, rather than per segment, gives every segment
 * the threshold of the index's best blocks, not of its own. Skipped when
 * the chosen blocks hold more than half of all the postings: the
 * traversal is then about as short. */
struct seed_pick {
    double bound;
    uint32_t seg, block;
};

static int by_segment_block(const void *a, const void *b)
{
    const struct seed_pick *x = a, *y = b;
    if (x->seg != y->seg)
        return x->seg < y->seg ? -1 : 1;
    return (x->block > y->block) - (x->block < y->block);
}

/* Per term, its `want` blocks with the largest maxima, kept in no order. */
static void seed_choose(struct seed_pick *pick, uint32_t *m, uint32_t want, double v, uint32_t seg,
                        uint32_t block)
{
    if (*m < want) {
        pick[(*m)++] = (struct seed_pick){v, seg, block};
        return;
    }
    uint32_t low = 0;
    for (uint32_t j = 1; j < *m; j++)
        if (pick[j].bound < pick[low].bound)
            low = j;
    if (v > pick[low].bound)
        pick[low] = (struct seed_pick){v, seg, block};
}

/* The seeded sums of segment s's chosen blocks into `seed`. */
static void seed_segment(struct eval *e, const struct query_term *terms, size_t n,
                         const struct seed_pick *pick, const uint32_t *npick, uint32_t cap,
                         uint32_t s, struct topk *seed, uint32_t *ids, uint32_t *tfs,
                         uint32_t *cnt, uint32_t *at, struct cursor *scratch)
{
    /* ids/tfs: room for `cap` blocks per term (a term's picks in one
     * segment: up to `want` blocks of its list, or its one-block list) */
    size_t stride = (size_t)cap * FMT_BLOCK;
    int any = 0;
    for (size_t t = 0; t < n && !e->rc; t++) {
        cnt[t] = at[t] = 0;
        for (uint32_t j = 0; j < npick[t] && !e->rc; j++) {
            const struct seed_pick *p = &pick[t * cap + j];
            if (p->seg != s)
                continue;
            if ((e->rc = cursor_open_deferred(scratch, e->seg, &terms[t].ti, e->err)))
                break;
            cursor_seek_block(scratch, p->block);
            if ((e->rc = scratch->rc))
                break;
            /* (picks are in block order: the ids stay sorted) */
            memcpy(ids + t * stride + cnt[t], scratch->ids, scratch->n * sizeof *ids);
            memcpy(tfs + t * stride + cnt[t], scratch->tfs, scratch->n * sizeof *tfs);
            cnt[t] += scratch->n;
            any = 1;
        }
    }
    while (any && !e->rc) { /* merge the terms' chosen postings by passage id */
        uint32_t d = CURSOR_END;
        for (size_t t = 0; t < n; t++)
            if (at[t] < cnt[t] && ids[t * stride + at[t]] < d)
                d = ids[t * stride + at[t]];
        if (d == CURSOR_END)
            break;
        double len = len_of(e, d), sum = 0;
        for (size_t t = 0; t < n; t++) {
            size_t j = t * stride + at[t];
            if (at[t] < cnt[t] && ids[j] == d) {
                sum += terms[t].weight * bm25_tfpart(tfs[j], len, e->k1, e->b, e->avglen);
                at[t]++;
            }
        }
        loci_hit h = {d, 0, sum};
        if (!segview_deleted(e->view, d)) /* it could never enter the top k */
            topk_push(seed, &h);
    }
}

int ranking_seed(const struct segview *const *views, size_t nseg, struct query_term *terms,
                 size_t nterms, const loci_search_options *opt, double *theta0, loci_error *err)
{
    *theta0 = -INFINITY;
    /* The seed sums plain BM25 from the postings' tfs, which with a title
     * weight is no lower bound of a passage's score: not seeded then. */
    if (opt->title_weight != 1)
        return LOCI_OK;
    size_t n = nterms, k = opt->k;
    uint32_t want = (uint32_t)((k + FMT_BLOCK - 1) / FMT_BLOCK); /* blocks per term */
    /* per term: up to `want` blocks of lists with skips, chosen by their
     * maxima, after the lists of one block (no stored maximum; a rare
     * term's, in small segments) as long as those hold at most `want`
     * blocks' worth of postings */
    uint32_t cap = want + (uint32_t)nseg;
    struct seed_pick *pick = malloc((n ? n : 1) * cap * sizeof *pick);
    uint32_t *npick = calloc(n ? n : 1, sizeof *npick);
    if (!pick || !npick) {
        free(pick);
        free(npick);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    uint64_t chosen = 0, all = 0;
    struct eval e;
    int rc = LOCI_OK;
    for (size_t t = 0; t < n && !rc; t++) {
        struct seed_pick *p = pick + t * cap;
        uint32_t nsingle = 0, nblock = 0;
        uint64_t single = 0;
        for (uint32_t s = 0; s < nseg && !rc; s++) {
            struct query_term *q = &terms[s * n + t];
            if (!q->found)
                continue;
            all += q->ti.df;
            uint32_t nblocks = (q->ti.df + FMT_BLOCK - 1) / FMT_BLOCK;
            if (nblocks == 1) {
                if (single + q->ti.df <= (uint64_t)want * FMT_BLOCK) {
                    single += q->ti.df;
                    p[want + nsingle++] = (struct seed_pick){0, s, 0};
                }
                continue;
            }
            struct segment *seg = views[s]->seg;
            if ((rc = lfile_verify(&seg->post, q->ti.post_off, (uint64_t)nblocks * SKIP_SIZE, err)))
                break;
            eval_init(&e, views[s], opt, NULL, err);
            struct cursor c; /* only what block_max_tfpart reads */
            c.skips = seg->post.body + q->ti.post_off;
            double most = 0; /* (term_bound need not read them again) */
            for (uint32_t bl = 0; bl < nblocks; bl++) {
                double v = block_max_tfpart(&e, &c, bl);
                most = v > most ? v : most;
                seed_choose(p, &nblock, want, v, s, bl);
            }
            q->tfmax = most;
        }
        /* the chosen: p[0..nblock) then the single blocks, in segment and
         * block order */
        memmove(p + nblock, p + want, nsingle * sizeof *p);
        npick[t] = nblock + nsingle;
        qsort(p, npick[t], sizeof *p, by_segment_block);
        chosen += (uint64_t)nblock * FMT_BLOCK + single;
    }
    if (rc || chosen < k || 2 * chosen > all) {
        free(pick);
        free(npick);
        return rc;
    }
    /* per term: the chosen postings of one segment (ids, tfs) */
    uint32_t *ids = malloc(n * cap * FMT_BLOCK * sizeof *ids);
    uint32_t *tfs = malloc(n * cap * FMT_BLOCK * sizeof *tfs);
    uint32_t *cnt = calloc(n, sizeof *cnt), *at = calloc(n, sizeof *at);
    struct cursor *scratch = malloc(sizeof *scratch);
    struct topk seed = {0};
    if (!ids || !tfs || !cnt || !at || !scratch || topk_init(&seed, k))
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    for (uint32_t s = 0; s < nseg && !rc; s++) {
        eval_init(&e, views[s], opt, NULL, err);
        seed_segment(&e, terms + s * n, n, pick, npick, cap, s, &seed, ids, tfs, cnt, at, scratch);
        rc = e.rc;
    }
    if (!rc && seed.n == seed.k)
        *theta0 = topk_threshold(&seed);
    topk_free(&seed);
    free(ids);
    free(tfs);
    free(cnt);
    free(at);
    free(scratch);
    free(pick);
    free(npick);
    return rc;
}

/* Pruning pays only when the postings far outnumber the k results kept:
 * with fewer than 16 a result, most would be scored anyway, and the plain
 * evaluation does that without the bookkeeping (bench/ab, title queries:
 * top 1000 median 474 -> 406 us, top 10 unchanged; 16, 32 and 64 measured
 * the same). */
unsigned ranking_plain_per_k = 16;

int ranking_top(const struct segview *v, const struct query_term *terms, size_t nterms,
                const loci_search_options *opt, double theta0, struct topk *top, loci_error *err)
{
    struct eval e;
    struct segment *seg = v->seg;
    eval_init(&e, v, opt, top, err);
    e.theta0 = theta0;
    /* Short queries (most) keep their cursors on the stack: every segment
     * of an index ranks with its own, and the allocations were a fair
     * part of a small segment's cost. Not cleared: cursor_open sets what
     * is read (a cursor is over 1 KiB). */
    struct cursor cur_local[RANK_LOCAL];
    double w_local[RANK_LOCAL], ub_local[RANK_LOCAL];
    struct poscursor pc_local[RANK_LOCAL];
    int local = nterms <= RANK_LOCAL;
    int rc0 = e.rc; /* (eval_init's) */
    e.cur = local ? cur_local : malloc(nterms * sizeof *e.cur);
    e.w = local ? w_local : malloc(nterms * sizeof *e.w);
    e.ub = local ? ub_local : malloc(nterms * sizeof *e.ub);
    struct poscursor *pc = !e.titled ? NULL : local ? pc_local : malloc(nterms * sizeof *pc);
    if (!e.cur || !e.w || !e.ub || (e.titled && !pc))
        e.rc = err_set(err, LOCI_ENOMEM, "out of memory");
    else if (rc0)
        e.rc = rc0;
    else if (e.titled)
        open_poscursors(&e, pc, terms, nterms);
    uint64_t postings = 0;
    for (size_t i = 0; i < nterms; i++)
        postings += terms[i].found ? terms[i].ti.df : 0;
    /* With a threshold (seeded, or of the top k the segments before
     * filled), even a small segment is pruned. */
    int known = theta0 > -INFINITY || topk_threshold(top) > -INFINITY;
    int plain = opt->exhaustive || (!known && postings <= ranking_plain_per_k * (uint64_t)opt->k);
    for (size_t i = 0; i < nterms && !e.rc; i++) {
        if (!terms[i].found)
            continue;
        /* the exhaustive evaluation reads every cursor's first posting;
         * the others handle cursors still before their first block */
        e.rc = (plain ? cursor_open : cursor_open_deferred)(&e.cur[e.nc], seg, &terms[i].ti, err);
        if (e.rc)
            break; /* (the cursor is half set: not cleared beforehand) */
        e.w[e.nc] = terms[i].weight;
        /* bounds are for pruning; the plain evaluation does not read them */
        e.ub[e.nc] = plain ? 0 : term_bound(&e, &e.cur[e.nc], e.w[e.nc], terms[i].tfmax);
        e.nc++;
    }
    if (!e.rc) {
        if (plain)
            evaluate_exhaustive(&e);
        else if (e.nc == 1 && e.cur[0].skips && !e.grouped)
            evaluate_one_term(&e);
        else
            evaluate_maxscore(&e);
    }
    if (!e.rc)
        check_cursors(&e); /* a cursor that met corrupt data ended early */
    if (!e.rc && e.grouped)
        ranking_offer_done(top, &e.group);
    if (!local) {
        free(e.cur);
        free(e.w);
        free(e.ub);
        free(pc);
    }
    return e.rc;
}

int ranking_one_term(const struct segview *const *views, size_t nseg,
                     const struct query_term *terms, size_t nterms, size_t which,
                     const loci_search_options *opt, struct topk *top, loci_error *err)
{
    struct eval *es = calloc(nseg ? nseg : 1, sizeof *es);
    struct cursor *cur = malloc((nseg ? nseg : 1) * sizeof *cur);
    struct poscursor *pc = malloc((nseg ? nseg : 1) * sizeof *pc);
    double *w = calloc(nseg ? nseg : 1, sizeof *w), *ub = calloc(nseg ? nseg : 1, sizeof *ub);
    int rc = es && cur && pc && w && ub ? LOCI_OK : err_set(err, LOCI_ENOMEM, "out of memory");
    size_t m = 0;
    for (size_t s = 0; s < nseg && !rc; s++) {
        const struct query_term *q = &terms[s * nterms + which];
        if (!q->found)
            continue;
        struct eval *e = &es[m];
        eval_init(e, views[s], opt, top, err);
        e->cur = &cur[m];
        e->w = &w[m];
        e->ub = &ub[m];
        if (e->rc || (rc = cursor_open_deferred(e->cur, views[s]->seg, &q->ti, err))) {
            rc = rc ? rc : e->rc;
            break;
        }
        if (e->titled)
            open_poscursors(e, &pc[m], q, 1);
        e->nc = 1;
        w[m] = q->weight;
        /* (a block's own maximum bounds it when the list has them) */
        ub[m] = e->cur->skips ? 0 : term_bound(e, e->cur, w[m], q->tfmax);
        m++;
    }
    if (!rc)
        one_term_blocks(es, m);
    for (size_t i = 0; i < m && !rc; i++) {
        if (!es[i].rc)
            check_cursors(&es[i]); /* a cursor that met corrupt data ended early */
        rc = es[i].rc;
    }
    free(es);
    free(cur);
    free(pc);
    free(w);
    free(ub);
    return rc;
}

int ranking_count(const struct segview *v, const struct query_term *terms, size_t nterms,
                  int grouped, uint64_t *count, loci_error *err)
{
    struct segment *seg = v->seg;
    *count = 0;
    size_t found = 0, only = 0;
    for (size_t i = 0; i < nterms; i++)
        if (terms[i].found) {
            found++;
            only = i;
        }
    if (found == 1 && !grouped && !v->deleted) {
        *count = terms[only].ti.df; /* one term: its df, nothing to decode */
        return LOCI_OK;
    }
    struct cursor *cur = calloc(found ? found : 1, sizeof *cur);
    if (!cur)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    size_t nc = 0;
    int rc = LOCI_OK;
    for (size_t i = 0; i < nterms && !rc; i++)
        if (terms[i].found)
            rc = cursor_open(&cur[nc++], seg, &terms[i].ti, err);
    int64_t last_doc = -1;
    while (!rc) {
        uint32_t d = CURSOR_END;
        for (size_t i = 0; i < nc; i++)
            if (cur[i].id < d)
                d = cur[i].id;
        if (d == CURSOR_END)
            break;
        if (segview_deleted(v, d)) {
        } else if (grouped) {
            /* a document's passages are consecutive: count it once */
            int64_t doc = reader_passage_doc(seg, d, err);
            if (doc < 0) {
                rc = err->code;
                break;
            }
            *count += doc != last_doc;
            last_doc = doc;
        } else {
            (*count)++;
        }
        for (size_t i = 0; i < nc; i++)
            if (cur[i].id == d)
                cursor_next(&cur[i]);
    }
    for (size_t i = 0; i < nc && !rc; i++)
        rc = cur[i].rc;
    free(cur);
    return rc;
}
