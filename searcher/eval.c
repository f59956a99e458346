/*
 * eval.c — TREC qrels and runs, and the measures of eval.h.
 *
 * Both files are parsed into arrays of (qid, docid, value) records that
 * are sorted once; each query is then a contiguous slice, and a run
 * document's grade is found by binary search in its query's qrels slice.
 * Cost: O(n log n) in the sizes of the files.
 */
#include "eval.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"

const char *const eval_measure_names[EVAL_NMEASURES] = {"map", "ndcg_cut_10", "P_10",
                                                        "recall_100", "recip_rank"};

struct rec {
    char *qid, *doc;
    double value;   /* grade (qrels) or score (run) */
    size_t line;    /* input order, to keep the first of duplicate docids */
};

struct recs {
    struct rec *v;
    size_t n;
};

struct eval_qrels { struct recs r; };
struct eval_run { struct recs r; };

static void recs_free(struct recs *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].qid);
        free(r->v[i].doc);
    }
    free(r->v);
}

void eval_qrels_free(struct eval_qrels *q)
{
    if (q) {
        recs_free(&q->r);
        free(q);
    }
}

void eval_run_free(struct eval_run *r)
{
    if (r) {
        recs_free(&r->r);
        free(r);
    }
}

/* Split a line into at most `max` whitespace-separated fields. */
static size_t split(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (!*p)
            break;
        if (n == max)
            return max + 1;
        f[n++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r')
            p++;
        if (*p)
            *p++ = '\0';
    }
    return n;
}

/* Parse lines of `want` fields; qid in field 0, docid in field 2, value in
 * field `vfield`. */
static int parse(const char *text, size_t len, const char *name, size_t want, size_t vfield,
                 struct recs *out, loci_error *err)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0, lineno = 0;
    const char *p = text, *end = text + len;
    char *line = NULL;
    size_t linecap = 0;
    int rc = LOCI_OK;
    while (p < end && !rc) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lineno++;
        if (l + 1 > linecap) {
            linecap = l + 1;
            char *q = realloc(line, linecap);
            if (!q) {
                rc = err_set(err, LOCI_ENOMEM, "out of memory");
                break;
            }
            line = q;
        }
        memcpy(line, p, l);
        line[l] = '\0';
        p += l + (nl ? 1 : 0);
        char *f[8];
        size_t n = split(line, f, 7);
        if (n == 0)
            continue;
        if (n != want) {
            rc = err_set(err, LOCI_EFORMAT, "%s:%zu: expected %zu fields", name, lineno, want);
            break;
        }
        char *e;
        errno = 0;
        double v = strtod(f[vfield], &e);
        if (errno || *e || !isfinite(v)) {
            rc = err_set(err, LOCI_EFORMAT, "%s:%zu: \"%s\" is not a number", name, lineno,
                         f[vfield]);
            break;
        }
        if (out->n == cap) {
            struct rec *q = array_grow(out->v, &cap, out->n + 1, sizeof *q, 1024);
            if (!q) {
                rc = err_set(err, LOCI_ENOMEM, "out of memory");
                break;
            }
            out->v = q;
        }
        struct rec *r = &out->v[out->n];
        r->qid = strdup(f[0]);
        r->doc = strdup(f[2]);
        r->value = v;
        r->line = lineno;
        if (!r->qid || !r->doc) {
            free(r->qid);
            free(r->doc);
            rc = err_set(err, LOCI_ENOMEM, "out of memory");
            break;
        }
        out->n++;
    }
    free(line);
    if (rc)
        recs_free(out);
    return rc;
}

static int by_qid_doc(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    int c = strcmp(x->qid, y->qid);
    if (c)
        return c;
    c = strcmp(x->doc, y->doc);
    if (c)
        return c;
    return (x->line > y->line) - (x->line < y->line);
}

/* trec_eval's ranking: score descending, then docid descending. */
static int by_qid_rank(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    int c = strcmp(x->qid, y->qid);
    if (c)
        return c;
    if (x->value != y->value)
        return x->value > y->value ? -1 : 1;
    return -strcmp(x->doc, y->doc);
}

/* Sort by (qid, doc) and drop later duplicates of a (qid, doc). */
static void dedup(struct recs *r)
{
    if (r->n < 2)
        return; /* and no records at all: r->v is NULL, which qsort must not get */
    qsort(r->v, r->n, sizeof *r->v, by_qid_doc);
    size_t o = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (o && !strcmp(r->v[o - 1].qid, r->v[i].qid) && !strcmp(r->v[o - 1].doc, r->v[i].doc)) {
            free(r->v[i].qid);
            free(r->v[i].doc);
            continue;
        }
        r->v[o++] = r->v[i];
    }
    r->n = o;
}

int eval_qrels_parse(const char *text, size_t len, const char *name, struct eval_qrels **out,
                     loci_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    int rc = parse(text, len, name, 4, 3, &(*out)->r, err);
    if (rc) {
        free(*out);
        *out = NULL;
        return rc;
    }
    dedup(&(*out)->r);
    return LOCI_OK;
}

int eval_run_parse(const char *text, size_t len, const char *name, struct eval_run **out,
                   loci_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    int rc = parse(text, len, name, 6, 4, &(*out)->r, err);
    if (rc) {
        free(*out);
        *out = NULL;
        return rc;
    }
    dedup(&(*out)->r);
    if ((*out)->r.n > 1)
        qsort((*out)->r.v, (*out)->r.n, sizeof *(*out)->r.v, by_qid_rank);
    return LOCI_OK;
}

static char *slurp(const char *path, size_t *len, loci_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(err, errno == ENOENT ? LOCI_ENOTFOUND : LOCI_EIO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        char *b = realloc(buf, cap);
        if (!b) {
            free(buf);
            buf = NULL;
        } else {
            buf = b;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf) {
        err_set(err, LOCI_ENOMEM, "out of memory");
        return NULL;
    }
    if (bad) {
        free(buf);
        err_set(err, LOCI_EIO, "%s: read error", path);
        return NULL;
    }
    *len = n;
    return buf;
}

int eval_qrels_load(const char *path, struct eval_qrels **out, loci_error *err)
{
    size_t len;
    char *text = slurp(path, &len, err);
    *out = NULL;
    if (!text)
        return err->code;
    int rc = eval_qrels_parse(text, len, path, out, err);
    free(text);
    return rc;
}

int eval_run_load(const char *path, struct eval_run **out, loci_error *err)
{
    size_t len;
    char *text = slurp(path, &len, err);
    *out = NULL;
    if (!text)
        return err->code;
    int rc = eval_run_parse(text, len, path, out, err);
    free(text);
    return rc;
}

/* Grade of `doc` in the qrels slice [q, qe) (sorted by doc), 0 if unjudged. */
static double grade_of(const struct rec *q, size_t n, const char *doc)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(q[mid].doc, doc);
        if (c == 0)
            return q[mid].value > 0 ? q[mid].value : 0;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int desc_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Measures of one query: judged docs q[0..nq), ranked docs r[0..nr). */
static int score_query(const struct rec *q, size_t nq, const struct rec *r, size_t nr,
                       double *m)
{
    size_t numrel = 0;
    double *ideal = malloc((nq ? nq : 1) * sizeof *ideal);
    if (!ideal)
        return -1;
    for (size_t i = 0; i < nq; i++) {
        ideal[i] = q[i].value > 0 ? q[i].value : 0;
        numrel += q[i].value > 0;
    }
    qsort(ideal, nq, sizeof *ideal, desc_double);
    double idcg = 0, dcg = 0, ap = 0, rr = 0;
    for (size_t i = 0; i < nq && i < 10; i++)
        idcg += ideal[i] / log2((double)i + 2);
    free(ideal);
    size_t rel_seen = 0, rel10 = 0, rel100 = 0;
    for (size_t i = 0; i < nr; i++) {
        double g = grade_of(q, nq, r[i].doc);
        if (i < 10)
            dcg += g / log2((double)i + 2);
        if (g > 0) {
            rel_seen++;
            ap += (double)rel_seen / (double)(i + 1);
            if (rr == 0)
                rr = 1.0 / (double)(i + 1);
            if (i < 10)
                rel10++;
            if (i < 100)
                rel100++;
        }
    }
    m[EVAL_MAP] = ap / (double)numrel;
    m[EVAL_NDCG10] = idcg > 0 ? dcg / idcg : 0;
    m[EVAL_P10] = (double)rel10 / 10.0;
    m[EVAL_R100] = (double)rel100 / (double)numrel;
    m[EVAL_RR] = rr;
    return 0;
}

int eval_compute(const struct eval_qrels *qr, const struct eval_run *run, struct eval_result *res,
                 loci_error *err)
{
    memset(res, 0, sizeof *res);
    const struct recs *q = &qr->r, *r = &run->r;
    res->queries = calloc(q->n ? q->n : 1, sizeof *res->queries);
    if (!res->queries)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    size_t ri = 0;
    for (size_t qi = 0; qi < q->n;) {
        size_t qe = qi;
        int anyrel = 0;
        while (qe < q->n && !strcmp(q->v[qe].qid, q->v[qi].qid)) {
            anyrel |= q->v[qe].value > 0;
            qe++;
        }
        /* the run slice of this qid (both sorted by qid) */
        while (ri < r->n && strcmp(r->v[ri].qid, q->v[qi].qid) < 0)
            ri++;
        size_t re = ri;
        while (re < r->n && !strcmp(r->v[re].qid, q->v[qi].qid))
            re++;
        if (anyrel) {
            struct eval_query *eq = &res->queries[res->num_q++];
            eq->qid = q->v[qi].qid;
            /* an empty run has no array at all: no pointer arithmetic on NULL */
            if (score_query(q->v + qi, qe - qi, r->n ? r->v + ri : NULL, re - ri, eq->m)) {
                eval_result_free(res);
                return err_set(err, LOCI_ENOMEM, "out of memory");
            }
            for (int m = 0; m < EVAL_NMEASURES; m++)
                res->mean[m] += eq->m[m];
        }
        qi = qe;
    }
    for (int m = 0; m < EVAL_NMEASURES && res->num_q; m++)
        res->mean[m] /= (double)res->num_q;
    return LOCI_OK;
}

void eval_result_free(struct eval_result *res)
{
    free(res->queries);
    res->queries = NULL;
    res->num_q = 0;
}

/* Largest |B - A| first, then by qid: a total order, so the listing is the
 * same whatever qsort does with equal keys. */
static int by_abs_diff(const void *x, const void *y)
{
    const struct eval_diff *p = x, *q = y;
    double dp = fabs(p->b - p->a), dq = fabs(q->b - q->a);
    if (dp != dq)
        return dp > dq ? -1 : 1;
    return strcmp(p->qid, q->qid);
}

/* Two-sided exact sign test: 2 P(X <= min(w, l)), X ~ Binomial(w + l, 1/2),
 * at most 1. The binomial terms in logarithms, so that n in the thousands
 * neither overflows nor underflows before the sum. */
static double sign_test(size_t w, size_t l)
{
    double n = (double)(w + l), p = 0;
    size_t k = w < l ? w : l;
    for (size_t i = 0; i <= k; i++)
        p += exp(lgamma(n + 1) - lgamma((double)i + 1) - lgamma(n - (double)i + 1) - n * log(2.0));
    return 2 * p < 1 ? 2 * p : 1;
}

int eval_compare(const struct eval_result *a, const struct eval_result *b, int measure,
                 struct eval_comparison *out, loci_error *err)
{
    memset(out, 0, sizeof *out);
    if (measure < 0 || measure >= EVAL_NMEASURES)
        return err_set(err, LOCI_EINVAL, "no measure %d", measure);
    if (a->num_q != b->num_q)
        return err_set(err, LOCI_EINVAL, "the runs were scored on %zu and %zu queries",
                       a->num_q, b->num_q);
    for (size_t i = 0; i < a->num_q; i++)
        if (strcmp(a->queries[i].qid, b->queries[i].qid))
            return err_set(err, LOCI_EINVAL, "the runs were scored on different queries (%s, %s)",
                           a->queries[i].qid, b->queries[i].qid);
    out->diffs = malloc((a->num_q ? a->num_q : 1) * sizeof *out->diffs);
    if (!out->diffs)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    out->num_q = a->num_q;
    double sa = 0, sb = 0;
    for (size_t i = 0; i < a->num_q; i++) {
        double x = a->queries[i].m[measure], y = b->queries[i].m[measure];
        sa += x;
        sb += y;
        if (x == y) {
            out->ties++;
            continue;
        }
        if (y > x)
            out->wins++;
        else
            out->losses++;
        out->diffs[out->ndiffs++] = (struct eval_diff){a->queries[i].qid, x, y};
    }
    if (out->num_q) {
        out->mean_a = sa / (double)out->num_q;
        out->mean_b = sb / (double)out->num_q;
        out->mean_diff = out->mean_b - out->mean_a;
    }
    out->sign_p = sign_test(out->wins, out->losses);
    if (out->ndiffs > 1)
        qsort(out->diffs, out->ndiffs, sizeof *out->diffs, by_abs_diff);
    return LOCI_OK;
}

void eval_comparison_free(struct eval_comparison *c)
{
    free(c->diffs);
    c->diffs = NULL;
    c->ndiffs = 0;
}
