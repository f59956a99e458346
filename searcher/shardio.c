/*
 * shardio.c — statistics lines and run lines of shards searched apart
 * (see shardio.h), with the small strict JSON reader they need: objects,
 * strings (escapes decoded), unsigned integers, numbers, arrays of
 * [start, end] pairs, and any other value skipped, nesting bounded.
 */
#include "shardio.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "error.h"
#include "gstats.h"
#include "hash.h"
#include "json.h"

/* ---- reading JSON ------------------------------------------------------------ */

#define MAX_DEPTH 32

struct jp {
    const char *p, *end, *start;
    const char *why;       /* the first problem, static */
};

static int fail(struct jp *j, const char *why)
{
    if (!j->why)
        j->why = why;
    return -1;
}

static void ws(struct jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int expect(struct jp *j, char c)
{
    ws(j);
    if (j->p >= j->end || *j->p != c) {
        static const char *msgs[] = {"expected '{'", "expected ':'", "expected ',' or '}'",
                                     "expected '['", "expected ']'", "expected a value"};
        return fail(j, c == '{' ? msgs[0] : c == ':' ? msgs[1] : c == '[' ? msgs[3]
                       : c == ']' ? msgs[4] : msgs[5]);
    }
    j->p++;
    return 0;
}

static int hex4(const char *p, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d == 16)
            return -1;
        *v = *v << 4 | d;
    }
    return 0;
}

static int put_utf8(struct buf *b, unsigned cp)
{
    uint8_t u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (uint8_t)(0xC0 | cp >> 6);
        u[1] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (uint8_t)(0xE0 | cp >> 12);
        u[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (uint8_t)(0xF0 | cp >> 18);
        u[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        u[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return buf_append(b, u, n);
}

/* A string into out (NUL-terminated; out->len excludes the NUL); with
 * out NULL, skipped. */
static int jstring(struct jp *j, struct buf *out)
{
    if (expect(j, '"'))
        return fail(j, "expected a string");
    if (out)
        out->len = 0;
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p;
        if (c < 0x20)
            return fail(j, "control character in a string");
        if (c != '\\') {
            if (out && buf_putc(out, c))
                return fail(j, "out of memory");
            j->p++;
            continue;
        }
        if (j->end - j->p < 2)
            return fail(j, "unterminated string");
        char e = j->p[1];
        j->p += 2;
        unsigned cp;
        switch (e) {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case '/': cp = '/'; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u':
            if (j->end - j->p < 4 || hex4(j->p, &cp))
                return fail(j, "bad \\u escape");
            j->p += 4;
            if (cp >= 0xD800 && cp < 0xDC00) {
                unsigned lo;
                if (j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u' &&
                    !hex4(j->p + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    j->p += 6;
                } else {
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                cp = 0xFFFD;
            }
            break;
        default: return fail(j, "bad escape in a string");
        }
        if (out && put_utf8(out, cp))
            return fail(j, "out of memory");
    }
    if (j->p >= j->end)
        return fail(j, "unterminated string");
    j->p++;
    size_t bad;
    /* what loci writes is UTF-8 (json_put_string), and a term of another
     * encoding could only be another term */
    if (out && out->len && !utf8_valid((const char *)out->data, out->len, &bad))
        return fail(j, "invalid UTF-8 in a string");
    if (out && (buf_putc(out, 0) || (out->len--, 0)))
        return fail(j, "out of memory");
    return 0;
}

/* A number's literal: [-]digits[.digits][e[+-]digits]. */
static int jnumber(struct jp *j, const char **s, size_t *n)
{
    ws(j);
    const char *p = j->p;
    if (p < j->end && *p == '-')
        p++;
    const char *d = p;
    while (p < j->end && *p >= '0' && *p <= '9')
        p++;
    if (p == d)
        return fail(j, "expected a number");
    if (p < j->end && *p == '.') {
        d = ++p;
        while (p < j->end && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            return fail(j, "expected digits after '.'");
    }
    if (p < j->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < j->end && (*p == '+' || *p == '-'))
            p++;
        d = p;
        while (p < j->end && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            return fail(j, "expected digits of an exponent");
    }
    *s = j->p;
    *n = (size_t)(p - j->p);
    j->p = p;
    return 0;
}

static int juint(struct jp *j, uint64_t *v)
{
    const char *s;
    size_t n;
    if (jnumber(j, &s, &n))
        return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return fail(j, "expected a whole number >= 0");
        if (x > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
            return fail(j, "number too large");
        x = x * 10 + (uint64_t)(s[i] - '0');
    }
    *v = x;
    return 0;
}

static int jdouble(struct jp *j, double *v)
{
    const char *s;
    size_t n;
    char tmp[64];
    if (jnumber(j, &s, &n))
        return -1;
    if (n >= sizeof tmp)
        return fail(j, "number too long");
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    *v = strtod(tmp, NULL);
    if (!isfinite(*v))
        return fail(j, "number out of range");
    return 0;
}

static int jword(struct jp *j, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
        return fail(j, "expected a value");
    j->p += n;
    return 0;
}

/* Any value, skipped. */
static int jskip(struct jp *j, int depth)
{
    ws(j);
    if (j->p >= j->end)
        return fail(j, "expected a value");
    if (depth > MAX_DEPTH)
        return fail(j, "nested too deep");
    char c = *j->p;
    if (c == '"')
        return jstring(j, NULL);
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        j->p++;
        ws(j);
        if (j->p < j->end && *j->p == close) {
            j->p++;
            return 0;
        }
        for (;;) {
            if (c == '{' && (jstring(j, NULL) || expect(j, ':')))
                return -1;
            if (jskip(j, depth + 1))
                return -1;
            ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == close) {
                j->p++;
                return 0;
            }
            return fail(j, c == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
    if (c == 't')
        return jword(j, "true");
    if (c == 'f')
        return jword(j, "false");
    if (c == 'n')
        return jword(j, "null");
    const char *s;
    size_t n;
    return jnumber(j, &s, &n);
}

/* Walk an object: fn(ctx, j, key) reads each member's value (or
 * returns 1 to have it skipped). */
typedef int (*member_fn)(void *ctx, struct jp *j, const struct buf *key);

static int jobject(struct jp *j, struct buf *key, member_fn fn, void *ctx)
{
    if (expect(j, '{'))
        return -1;
    ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        return 0;
    }
    for (;;) {
        if (jstring(j, key) || expect(j, ':'))
            return -1;
        int r = fn(ctx, j, key);
        if (r < 0 || (r == 1 && jskip(j, 1)))
            return -1;
        ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            return 0;
        }
        return fail(j, "expected ',' or '}'");
    }
}

static int key_is(const struct buf *k, const char *name)
{
    return k->len == strlen(name) && !memcmp(k->data, name, k->len);
}

/* The whole line: one object and nothing after it. */
static int jline(struct jp *j, const char *line, size_t len, member_fn fn, void *ctx)
{
    struct buf key = {0};
    j->p = j->start = line;
    j->end = line + len;
    j->why = NULL;
    int rc = jobject(j, &key, fn, ctx);
    buf_free(&key);
    if (!rc) {
        ws(j);
        if (j->p != j->end)
            rc = fail(j, "text after the object");
    }
    return rc;
}

/* ---- statistics lines ---------------------------------------------------------- */

int shardio_put_stats(struct buf *out, const char *qid, const char *query, loci_global_stats *s)
{
    char num[80];
    int rc = buf_append(out, "{\"qid\": ", 8);
    rc = rc ? rc : json_put_string(out, qid, strlen(qid));
    rc = rc ? rc : buf_append(out, ", \"query\": ", 11);
    rc = rc ? rc : json_put_string(out, query, strlen(query));
    int n = snprintf(num, sizeof num, ", \"passages\": %llu, \"tokens\": %llu, \"df\": {",
                     (unsigned long long)loci_global_stats_passages(s),
                     (unsigned long long)loci_global_stats_tokens(s));
    rc = rc ? rc : buf_append(out, num, (size_t)n);
    size_t m = loci_global_stats_count(s);
    for (size_t i = 0; i < m && !rc; i++) {
        const char *t;
        size_t tl;
        uint64_t df;
        rc = loci_global_stats_term(s, i, &t, &tl, &df);
        rc = rc ? rc : i ? buf_append(out, ", ", 2) : 0;
        rc = rc ? rc : json_put_string(out, t, tl);
        n = snprintf(num, sizeof num, ": %llu", (unsigned long long)df);
        rc = rc ? rc : buf_append(out, num, (size_t)n);
    }
    return rc ? rc : buf_append(out, "}}\n", 3);
}

struct stats_parse {
    struct buf qid, query;
    int has_qid, has_query, has_passages, has_tokens, has_df;
    uint64_t passages, tokens;
    struct buf terms;           /* (u64 df, u32 len, bytes) each */
    size_t nterms;
};

static int df_member(void *ctx, struct jp *j, const struct buf *key)
{
    struct stats_parse *sp = ctx;
    uint64_t df;
    uint32_t len = (uint32_t)key->len;
    if (key->len > 1024)
        return fail(j, "a term longer than 1024 bytes");
    if (juint(j, &df))
        return -1;
    if (buf_append(&sp->terms, &df, sizeof df) || buf_append(&sp->terms, &len, sizeof len) ||
        buf_append(&sp->terms, key->data, key->len))
        return fail(j, "out of memory");
    sp->nterms++;
    return 0;
}

static int stats_member(void *ctx, struct jp *j, const struct buf *key)
{
    struct stats_parse *sp = ctx;
    if (key_is(key, "qid"))
        return sp->has_qid = 1, jstring(j, &sp->qid);
    if (key_is(key, "query"))
        return sp->has_query = 1, jstring(j, &sp->query);
    if (key_is(key, "passages"))
        return sp->has_passages = 1, juint(j, &sp->passages);
    if (key_is(key, "tokens"))
        return sp->has_tokens = 1, juint(j, &sp->tokens);
    if (key_is(key, "df")) {
        if (sp->has_df)
            return fail(j, "\"df\" given twice");
        sp->has_df = 1;
        struct buf k = {0};
        int rc = jobject(j, &k, df_member, sp);
        buf_free(&k);
        return rc;
    }
    return 1;
}

/* A query's slot: where its entry is, or the empty slot where it goes
 * (thousands of queries from each of many shards: a linear search per
 * line would be quadratic). */
static size_t *qid_slot(const struct stats_table *t, const char *qid)
{
    size_t mask = t->nslot - 1, i = (size_t)fnv1a64(FNV1A64_INIT, qid, strlen(qid)) & mask;
    while (t->slot[i] && strcmp(t->e[t->slot[i] - 1].qid, qid))
        i = (i + 1) & mask;
    return &t->slot[i];
}

struct stats_entry *stats_table_find(struct stats_table *t, const char *qid)
{
    if (!t->nslot)
        return NULL;
    size_t *s = qid_slot(t, qid);
    return *s ? &t->e[*s - 1] : NULL;
}

/* Room for one more entry in the slots (at most half full). */
static int grow_slots(struct stats_table *t)
{
    if (2 * (t->n + 1) <= t->nslot)
        return 0;
    size_t n = t->nslot ? 2 * t->nslot : 64;
    size_t *old = t->slot;
    if (!(t->slot = calloc(n, sizeof *t->slot))) {
        t->slot = old;
        return -1;
    }
    t->nslot = n;
    for (size_t i = 0; i < t->n; i++)
        *qid_slot(t, t->e[i].qid) = i + 1;
    free(old);
    return 0;
}

static int add_parsed(struct stats_table *t, struct stats_parse *sp, const char *where,
                      loci_error *err)
{
    struct stats_entry *e = stats_table_find(t, (const char *)sp->qid.data);
    if (!e) {
        struct stats_entry *p = array_grow(t->e, &t->cap, t->n + 1, sizeof *p, 16);
        if (!p)
            return err_set(err, LOCI_ENOMEM, "out of memory");
        t->e = p;
        if (grow_slots(t))
            return err_set(err, LOCI_ENOMEM, "out of memory");
        e = &t->e[t->n];
        memset(e, 0, sizeof *e);
        if (!(e->qid = strdup((const char *)sp->qid.data)) ||
            (sp->has_query && !(e->query = strdup((const char *)sp->query.data))) ||
            loci_global_stats_new(&e->s)) {
            free(e->qid);
            free(e->query);
            return err_set(err, LOCI_ENOMEM, "out of memory");
        }
        *qid_slot(t, e->qid) = t->n + 1;
        t->n++;
    } else if (sp->has_query && e->query && strcmp(e->query, (const char *)sp->query.data)) {
        return err_set(err, LOCI_EFORMAT, "%s: query %.64s: its text differs from an earlier line's",
                       where, e->qid);
    }
    if (loci_global_stats_add_part(e->s, sp->passages, sp->tokens))
        return err_set(err, LOCI_EFORMAT, "%s: the passages or tokens add up past 2^64", where);
    const uint8_t *p = sp->terms.data;
    for (size_t i = 0; i < sp->nterms; i++) {
        uint64_t df;
        uint32_t len;
        memcpy(&df, p, sizeof df);
        memcpy(&len, p + sizeof df, sizeof len);
        p += sizeof df + sizeof len;
        if (loci_global_stats_add_term(e->s, (const char *)p, len, df))
            return err_set(err, LOCI_ENOMEM, "out of memory");
        p += len;
    }
    return LOCI_OK;
}

int stats_table_add(struct stats_table *t, const char *line, size_t len, const char *where,
                    loci_error *err)
{
    struct stats_parse sp = {0};
    struct jp j;
    int rc = LOCI_OK;
    if (jline(&j, line, len, stats_member, &sp))
        rc = err_set(err, LOCI_EFORMAT, "%s: byte %zu: %s", where, (size_t)(j.p - j.start) + 1,
                     j.why ? j.why : "malformed");
    else if (!sp.has_qid || !sp.has_passages || !sp.has_tokens || !sp.has_df)
        rc = err_set(err, LOCI_EFORMAT,
                     "%s: not a --query-stats line (it needs \"qid\", \"passages\", \"tokens\" "
                     "and \"df\")",
                     where);
    else if (strlen((const char *)sp.qid.data) != sp.qid.len)
        rc = err_set(err, LOCI_EFORMAT, "%s: a NUL character in the qid", where);
    else
        rc = add_parsed(t, &sp, where, err);
    buf_free(&sp.qid);
    buf_free(&sp.query);
    buf_free(&sp.terms);
    return rc;
}

int stats_table_check(struct stats_table *t, const char *file, loci_error *err)
{
    for (size_t i = 1; i < t->n; i++) {
        const loci_global_stats *a = t->e[0].s, *b = t->e[i].s;
        if (loci_global_stats_passages(a) != loci_global_stats_passages(b) ||
            loci_global_stats_tokens(a) != loci_global_stats_tokens(b) ||
            a->parts != b->parts)
            return err_set(err, LOCI_EFORMAT,
                           "%s: query %.64s sums %u shards and %llu passages, query %.64s %u "
                           "and %llu: the file mixes the statistics of different shards",
                           file, t->e[0].qid, a->parts,
                           (unsigned long long)loci_global_stats_passages(a), t->e[i].qid,
                           b->parts, (unsigned long long)loci_global_stats_passages(b));
    }
    return LOCI_OK;
}

void stats_table_free(struct stats_table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->e[i].qid);
        free(t->e[i].query);
        loci_global_stats_free(t->e[i].s);
    }
    free(t->e);
    free(t->slot);
    memset(t, 0, sizeof *t);
}

/* ---- run lines ----------------------------------------------------------------- */

struct run_parse {
    struct run_hit *h;
    int has_qid, has_score, has_doc, end;
};

static int span_pairs(struct jp *j, struct run_hit *h)
{
    if (expect(j, '['))
        return -1;
    ws(j);
    if (j->p < j->end && *j->p == ']') {
        j->p++;
        return 0;
    }
    for (;;) {
        uint64_t a, b;
        if (expect(j, '[') || juint(j, &a) || expect(j, ',') || juint(j, &b) || expect(j, ']'))
            return -1;
        if (a > b || b > UINT32_MAX)
            return fail(j, "a highlight is not a byte range");
        loci_span *p = h->nspans == h->cap_spans
                           ? array_grow(h->spans, &h->cap_spans, h->nspans + 1, sizeof *p, 8)
                           : h->spans;
        if (!p)
            return fail(j, "out of memory");
        h->spans = p;
        h->spans[h->nspans++] = (loci_span){(uint32_t)a, (uint32_t)b};
        ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        return expect(j, ']');
    }
}

static int run_member(void *ctx, struct jp *j, const struct buf *key)
{
    struct run_parse *rp = ctx;
    struct run_hit *h = rp->h;
    if (key_is(key, "qid"))
        return rp->has_qid = 1, jstring(j, &h->qid);
    if (key_is(key, "query"))
        return jstring(j, &h->query);
    if (key_is(key, "doc"))
        return rp->has_doc = 1, jstring(j, &h->doc);
    if (key_is(key, "text"))
        return jstring(j, &h->text);
    if (key_is(key, "score"))
        return rp->has_score = 1, jdouble(j, &h->score);
    if (key_is(key, "highlights"))
        return span_pairs(j, h);
    if (key_is(key, "end")) {
        ws(j);
        rp->end = j->p < j->end && *j->p == 't';
        return 1;
    }
    static const char *const names[] = {"rank", "doc_id", "passage", "ordinal", "line",
                                        "byte_start", "byte_end"};
    uint64_t *fields[] = {&h->rank, &h->doc_id, &h->passage, &h->ordinal, &h->line,
                          &h->byte_start, &h->byte_end};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (key_is(key, names[i]))
            return juint(j, fields[i]);
    return 1;
}

/* The next whitespace-separated field of a TREC line. */
static int trec_field(const char **p, const char *end, const char **s, size_t *n)
{
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
    *s = *p;
    while (*p < end && **p != ' ' && **p != '\t')
        (*p)++;
    *n = (size_t)(*p - *s);
    return *n ? 0 : -1;
}

static int set_str(struct buf *b, const char *s, size_t n)
{
    b->len = 0;
    if (buf_append(b, s, n) || buf_putc(b, 0))
        return LOCI_ENOMEM;
    b->len--;
    return 0;
}

static int parse_trec(struct run_hit *h, const char *line, size_t len, const char *where,
                      loci_error *err)
{
    const char *p = line, *end = line + len, *f[6];
    size_t n[6];
    for (int i = 0; i < 6; i++)
        if (trec_field(&p, end, &f[i], &n[i]))
            return err_set(err, LOCI_EFORMAT,
                           "%s: neither a JSON hit nor a TREC line (qid Q0 docid rank score tag)",
                           where);
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    char num[64];
    char *e;
    if (p != end || n[3] >= sizeof num || n[4] >= sizeof num)
        return err_set(err, LOCI_EFORMAT, "%s: a TREC line has six fields", where);
    memcpy(num, f[4], n[4]);
    num[n[4]] = '\0';
    errno = 0;
    h->score = strtod(num, &e);
    if (*e || errno || !isfinite(h->score))
        return err_set(err, LOCI_EFORMAT, "%s: the score is not a number", where);
    memcpy(num, f[3], n[3]);
    num[n[3]] = '\0';
    h->rank = strtoull(num, &e, 10);
    if (*e || errno || num[0] == '-')
        return err_set(err, LOCI_EFORMAT, "%s: the rank is not a whole number", where);
    if (set_str(&h->qid, f[0], n[0]) || set_str(&h->doc, f[2], n[2]) ||
        set_str(&h->query, "", 0) || set_str(&h->text, "", 0))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    return LOCI_OK;
}

int run_parse_line(struct run_hit *h, const char *line, size_t len, const char *where,
                   loci_error *err)
{
    h->skip = 0;
    h->json = 0;
    h->nspans = 0;
    h->score = 0;
    h->rank = h->doc_id = h->passage = h->ordinal = h->line = h->byte_start = h->byte_end = 0;
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i == len || line[i] != '{')
        return parse_trec(h, line, len, where, err);
    if (set_str(&h->query, "", 0) || set_str(&h->text, "", 0) || set_str(&h->doc, "", 0))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    struct run_parse rp = {h, 0, 0, 0, 0};
    struct jp j;
    if (jline(&j, line, len, run_member, &rp))
        return err_set(err, LOCI_EFORMAT, "%s: byte %zu: %s", where, (size_t)(j.p - j.start) + 1,
                       j.why ? j.why : "malformed");
    if (rp.end && rp.has_qid) {
        h->skip = 1;
        return LOCI_OK;
    }
    if (!rp.has_qid || !rp.has_doc)
        return err_set(err, LOCI_EFORMAT, "%s: a JSON hit needs \"qid\" and \"doc\"", where);
    if (!rp.has_score)
        return err_set(err, LOCI_EFORMAT,
                       "%s: a hit without a score (runs of -l or --count cannot be merged)",
                       where);
    for (size_t s = 0; s < h->nspans; s++)
        if (h->spans[s].end > h->text.len)
            return err_set(err, LOCI_EFORMAT, "%s: a highlight beyond the text", where);
    h->json = 1;
    return LOCI_OK;
}

void run_hit_free(struct run_hit *h)
{
    buf_free(&h->qid);
    buf_free(&h->query);
    buf_free(&h->doc);
    buf_free(&h->text);
    free(h->spans);
    memset(h, 0, sizeof *h);
}

int shardio_exact_decimals(double v, int min)
{
    char s[720]; /* %.339f of the largest double */
    for (int d = min; d < 340; d++) {
        snprintf(s, sizeof s, "%.*f", d, v);
        if (strtod(s, NULL) == v)
            return d;
    }
    return 340;
}
