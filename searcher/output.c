/*
 * output.c — formatting hits as text, JSON Lines and TREC (see output.h).
 */
#include "output.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "error.h"
#include "json.h"

#define HL_ON "\033[1;31m"
#define HL_OFF "\033[0m"

static int putf(struct buf *out, const char *fmt, ...) LOCI_PRINTF(2, 3);

static int putf(struct buf *out, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return LOCI_EINVAL;
    if ((size_t)n < sizeof tmp)
        return buf_append(out, tmp, (size_t)n);
    if (buf_reserve(out, (size_t)n + 1))
        return LOCI_ENOMEM;
    va_start(ap, fmt);
    vsnprintf((char *)out->data + out->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    out->len += (size_t)n;
    return LOCI_OK;
}

/* A character a terminal would act on instead of showing: C0 and C1
 * controls (ESC starts escape sequences), DEL, and the bidirectional
 * overrides and isolates that reorder what is shown. */
static int is_control(utf8proc_int32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* One character at s[0..n): its byte length in *len, and how it is shown:
 * into `esc` (NUL-terminated) when it must be escaped — "\x1b" for a
 * control byte or an invalid one, "\u202e" for the others — else esc[0]
 * is 0 and it is copied. Returns its display columns. */
static size_t char_display(const char *s, size_t n, int escape, size_t *len, char esc[16])
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
    esc[0] = '\0';
    if (l <= 0) {
        *len = 1;
        if (escape)
            snprintf(esc, 16, "\\x%02x", (unsigned char)s[0]);
        return escape ? strlen(esc) : 1;
    }
    *len = (size_t)l;
    if (escape && is_control(cp)) {
        if (cp < 0x80)
            snprintf(esc, 16, "\\x%02x", (unsigned)cp);
        else
            snprintf(esc, 16, "\\u%04x", (unsigned)cp);
        return strlen(esc);
    }
    int w = utf8proc_charwidth(cp);
    return w < 0 ? 0 : (size_t)w;
}

/* Form feeds (and vertical tabs) are white space too: the extractors end
 * paragraphs with form feeds, which a passage in document or window mode
 * holds. */
static int is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* 1 if a and b print the same with d decimals. */
static int same_print(double a, double b, int d)
{
    char x[64], y[64];
    snprintf(x, sizeof x, "%.*f", d, a);
    snprintf(y, sizeof y, "%.*f", d, b);
    return strcmp(x, y) == 0;
}

int output_decimals(const double *scores, size_t n, size_t i, int min)
{
    int d = min;
    for (size_t j = i ? i - 1 : i + 1; j <= i + 1 && j < n; j += 2)
        while (d < 17 && scores[j] != scores[i] && same_print(scores[j], scores[i], d))
            d++;
    return d;
}

/* Bytes of a document name or passage as text output shows them. */
static int put_shown(struct buf *out, const char *s, size_t n, int escape)
{
    int rc = LOCI_OK;
    for (size_t i = 0, l; !rc && i < n; i += l) {
        char esc[16];
        char_display(s + i, n - i, escape, &l, esc);
        rc = esc[0] ? buf_append(out, esc, strlen(esc)) : buf_append(out, s + i, l);
    }
    return rc;
}

/* Indent a new output line. */
static int indent(struct buf *out)
{
    return buf_append(out, "    ", OUTPUT_INDENT);
}

int output_text(struct buf *out, const struct output_hit *h, const struct text_style *st)
{
    const loci_passage *p = h->passage;
    int rc = putf(out, "%zu. %.*f  ", h->rank, h->decimals ? h->decimals : 4, h->hit->score);
    /* the document name is shown as safely as the text */
    rc = rc ? rc : put_shown(out, p->doc_name, p->doc_name_len, st->escape);
    rc = rc ? rc : putf(out, ":%u\n", p->line);
    /* the same text under other names: one line, not one hit each */
    const char *an = h->also;
    for (size_t i = 0; i < h->nalso && !rc; an += h->also_len[i++]) {
        rc = i ? buf_append(out, ", ", 2) : indent(out);
        rc = rc ? rc : i ? LOCI_OK : buf_append(out, "also: ", 6);
        rc = rc ? rc : put_shown(out, an, h->also_len[i], st->escape);
    }
    rc = rc ? rc : h->nalso ? buf_putc(out, '\n') : LOCI_OK;
    if (rc)
        return rc;
    /* Word wrap: words are runs of non-space bytes; a highlight span never
     * contains white space (tokens don't), so it starts and ends inside
     * one word, on character boundaries, and the escape codes can be
     * emitted before the character they start at. */
    const char *t = p->text;
    size_t n = p->text_len, i = 0, col = 0, span = 0;
    if (h->snippet) {
        /* only the snippet, "…" where text was left out */
        i = h->snip_start;
        n = h->snip_end;
        while (span < h->nspans && h->spans[span].start < i)
            span++;
    }
    int cut_before = h->snippet && i > 0, cut_after = h->snippet && n < p->text_len;
    size_t width = (st->width > OUTPUT_INDENT + 10 ? (size_t)st->width : OUTPUT_WIDTH) - OUTPUT_INDENT;
    int in_hl = 0;
    while (i < n) {
        while (i < n && is_space(t[i]))
            i++;
        if (i >= n)
            break;
        size_t ws = i, wcols = 0, l;
        char esc[16];
        while (i < n && !is_space(t[i])) {
            wcols += char_display(t + i, n - i, st->escape, &l, esc);
            i += l;
        }
        if (cut_before) {
            wcols++; /* the "…" goes on the first word */
        }
        if (cut_after && i >= n)
            wcols++;
        if (col == 0) {
            rc = indent(out);
        } else if (col + 1 + wcols > width) {
            rc = buf_putc(out, '\n');
            rc = rc ? rc : indent(out);
            col = 0;
        } else {
            rc = buf_putc(out, ' ');
            col++;
        }
        if (cut_before) {
            rc = rc ? rc : buf_append(out, "\xe2\x80\xa6", 3);
            cut_before = 0;
        }
        for (size_t j = ws; j < i && !rc; j += l) {
            if (st->color && in_hl && h->spans[span].end <= j) {
                buf_append(out, HL_OFF, strlen(HL_OFF));
                in_hl = 0;
                span++;
            }
            if (st->color && !in_hl && span < h->nspans && h->spans[span].start <= j) {
                buf_append(out, HL_ON, strlen(HL_ON));
                in_hl = 1;
            }
            char_display(t + j, i - j, st->escape, &l, esc);
            rc = esc[0] ? buf_append(out, esc, strlen(esc)) : buf_append(out, t + j, l);
        }
        if (in_hl && h->spans[span].end <= i) {
            buf_append(out, HL_OFF, strlen(HL_OFF));
            in_hl = 0;
            span++;
        }
        if (cut_after && i >= n)
            rc = rc ? rc : buf_append(out, "\xe2\x80\xa6", 3);
        col += wcols;
    }
    if (rc)
        return rc;
    if (in_hl)
        buf_append(out, HL_OFF, strlen(HL_OFF));
    rc = buf_putc(out, '\n');
    for (size_t x = 0; x < h->nexplain && !rc; x++) {
        const loci_explain_clause *c = &h->explain[x];
        rc = indent(out);
        rc = rc ? rc : put_shown(out, c->clause, strlen(c->clause), st->escape);
        rc = rc ? rc : putf(out, ": tf %u, idf %.6g, norm %.6g -> %.6g\n", c->tf, c->idf,
                            c->norm, c->contribution);
    }
    return rc ? rc : buf_putc(out, '\n');
}

int output_name(struct buf *out, const char *qid, const loci_passage *p,
                const struct text_style *st)
{
    int rc = qid ? putf(out, "%s\t", qid) : LOCI_OK;
    rc = rc ? rc : put_shown(out, p->doc_name, p->doc_name_len, st->escape);
    return rc ? rc : buf_putc(out, '\n');
}

int output_count_text(struct buf *out, const char *qid, int64_t total)
{
    return qid ? putf(out, "%s\t%lld\n", qid, (long long)total)
               : putf(out, "%lld\n", (long long)total);
}

/* {"qid": QID, "query": QUERY, — the start every record of a query has */
static int put_query_keys(struct buf *out, const char *qid, const char *query)
{
    int rc = buf_append(out, "{\"qid\": ", 8);
    rc = rc ? rc : json_put_string(out, qid, strlen(qid));
    rc = rc ? rc : buf_append(out, ", \"query\": ", 11);
    return rc ? rc : json_put_string(out, query, strlen(query));
}

int output_name_json(struct buf *out, const struct output_hit *h)
{
    int rc = put_query_keys(out, h->qid, h->query);
    rc = rc ? rc : putf(out, ", \"rank\": %zu, \"doc\": ", h->rank);
    rc = rc ? rc : json_put_string(out, h->passage->doc_name, h->passage->doc_name_len);
    return rc ? rc : putf(out, ", \"doc_id\": %u}\n", h->passage->doc);
}

int output_count_json(struct buf *out, const char *qid, const char *query, int64_t total)
{
    int rc = put_query_keys(out, qid, query);
    return rc ? rc : putf(out, ", \"count\": %lld}\n", (long long)total);
}

int output_end_json(struct buf *out, const char *qid, const char *query, size_t hits,
                    int64_t total)
{
    int rc = put_query_keys(out, qid, query);
    return rc ? rc
              : putf(out, ", \"end\": true, \"hits\": %zu, \"total\": %lld}\n", hits,
                     (long long)total);
}

int output_json(struct buf *out, const struct output_hit *h)
{
    const loci_passage *p = h->passage;
    int rc = put_query_keys(out, h->qid, h->query);
    rc = rc ? rc
            : putf(out, ", \"rank\": %zu, \"score\": %.*f, \"doc\": ", h->rank,
                   h->decimals ? h->decimals : 6, h->hit->score);
    rc = rc ? rc : json_put_string(out, p->doc_name, p->doc_name_len);
    rc = rc ? rc
            : putf(out,
                   ", \"doc_id\": %u, \"passage\": %u, \"ordinal\": %u, \"line\": %u, "
                   "\"byte_start\": %llu, \"byte_end\": %llu, \"text\": ",
                   p->doc, p->id, p->ordinal, p->line, (unsigned long long)p->byte_start,
                   (unsigned long long)p->byte_end);
    rc = rc ? rc : json_put_string(out, p->text, p->text_len);
    rc = rc ? rc : buf_append(out, ", \"highlights\": [", 17);
    for (size_t i = 0; i < h->nspans && !rc; i++)
        rc = putf(out, "%s[%u, %u]", i ? ", " : "", h->spans[i].start, h->spans[i].end);
    rc = rc ? rc : buf_putc(out, ']');
    if (h->snippet)
        rc = rc ? rc : putf(out, ", \"snippet\": [%zu, %zu]", h->snip_start, h->snip_end);
    if (h->nalso) {
        rc = rc ? rc : buf_append(out, ", \"also\": [", 11);
        const char *an = h->also;
        for (size_t i = 0; i < h->nalso && !rc; an += h->also_len[i++]) {
            rc = i ? buf_append(out, ", ", 2) : LOCI_OK;
            rc = rc ? rc : json_put_string(out, an, h->also_len[i]);
        }
        rc = rc ? rc : buf_putc(out, ']');
    }
    if (h->explain) {
        rc = rc ? rc : buf_append(out, ", \"explain\": [", 14);
        for (size_t i = 0; i < h->nexplain && !rc; i++) {
            const loci_explain_clause *c = &h->explain[i];
            rc = putf(out, "%s{\"clause\": ", i ? ", " : "");
            rc = rc ? rc : json_put_string(out, c->clause, strlen(c->clause));
            rc = rc ? rc : putf(out, ", \"tf\": %u, \"idf\": %.17g, \"norm\": %.17g, "
                                     "\"contribution\": %.17g}", c->tf, c->idf, c->norm,
                                c->contribution);
        }
        rc = rc ? rc : buf_putc(out, ']');
    }
    return rc ? rc : buf_append(out, "}\n", 2);
}

static int put_trec_name(struct buf *out, const char *s, size_t n)
{
    if (n == 0)
        return buf_putc(out, '_');
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (buf_putc(out, (uint8_t)(c == ' ' || c == '\t' || c == '\n' || c == '\r' ? '_' : c)))
            return LOCI_ENOMEM;
    }
    return LOCI_OK;
}

int output_trec(struct buf *out, const struct output_hit *h, int by_doc, const char *tag)
{
    const loci_passage *p = h->passage;
    int rc = put_trec_name(out, h->qid, strlen(h->qid));
    rc = rc ? rc : buf_append(out, " Q0 ", 4);
    rc = rc ? rc : put_trec_name(out, p->doc_name, p->doc_name_len);
    if (!rc && !by_doc)
        rc = putf(out, "#%u", p->ordinal);
    rc = rc ? rc : putf(out, " %zu %.*f ", h->rank, h->decimals ? h->decimals : 6, h->hit->score);
    rc = rc ? rc : put_trec_name(out, tag, strlen(tag));
    return rc ? rc : buf_putc(out, '\n');
}
