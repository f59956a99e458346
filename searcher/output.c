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

/* Display columns of one UTF-8 character at s (length *len). */
static int char_width(const char *s, size_t n, size_t *len)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
    if (l <= 0) {
        *len = 1;
        return 1;
    }
    *len = (size_t)l;
    int w = utf8proc_charwidth(cp);
    return w < 0 ? 0 : w;
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

int output_text(struct buf *out, const struct output_hit *h, int color)
{
    const loci_passage *p = h->passage;
    int rc = putf(out, "%zu. %.*f  %.*s:%u\n", h->rank, h->decimals ? h->decimals : 4,
                  h->hit->score, (int)p->doc_name_len, p->doc_name, p->line);
    if (rc)
        return rc;
    /* Word wrap: words are runs of non-space bytes; a highlight span never
     * contains white space (tokens don't), so it starts and ends inside
     * one word and the escape codes can be emitted per byte offset. */
    const char *t = p->text;
    size_t n = p->text_len, i = 0, col = 0, span = 0;
    const size_t width = OUTPUT_WIDTH - OUTPUT_INDENT;
    int in_hl = 0;
    while (i < n) {
        while (i < n && (t[i] == ' ' || t[i] == '\n' || t[i] == '\t' || t[i] == '\r'))
            i++;
        if (i >= n)
            break;
        size_t ws = i, wcols = 0;
        while (i < n && t[i] != ' ' && t[i] != '\n' && t[i] != '\t' && t[i] != '\r') {
            size_t l;
            wcols += (size_t)char_width(t + i, n - i, &l);
            i += l;
        }
        if (col == 0) {
            for (int k = 0; k < OUTPUT_INDENT; k++)
                buf_putc(out, ' ');
        } else if (col + 1 + wcols > width) {
            if (buf_putc(out, '\n'))
                return LOCI_ENOMEM;
            for (int k = 0; k < OUTPUT_INDENT; k++)
                buf_putc(out, ' ');
            col = 0;
        } else {
            buf_putc(out, ' ');
            col++;
        }
        for (size_t j = ws; j < i; j++) {
            if (color && in_hl && h->spans[span].end == j) {
                buf_append(out, HL_OFF, strlen(HL_OFF));
                in_hl = 0;
                span++;
            }
            if (color && !in_hl && span < h->nspans && h->spans[span].start == j) {
                buf_append(out, HL_ON, strlen(HL_ON));
                in_hl = 1;
            }
            if (buf_putc(out, (uint8_t)t[j]))
                return LOCI_ENOMEM;
        }
        if (in_hl && h->spans[span].end <= i) {
            buf_append(out, HL_OFF, strlen(HL_OFF));
            in_hl = 0;
            span++;
        }
        col += wcols;
    }
    if (in_hl)
        buf_append(out, HL_OFF, strlen(HL_OFF));
    return buf_append(out, "\n\n", 2);
}

int output_json(struct buf *out, const struct output_hit *h)
{
    const loci_passage *p = h->passage;
    int rc = buf_append(out, "{\"qid\": ", 8);
    rc = rc ? rc : json_put_string(out, h->qid, strlen(h->qid));
    rc = rc ? rc : buf_append(out, ", \"query\": ", 11);
    rc = rc ? rc : json_put_string(out, h->query, strlen(h->query));
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
    return rc ? rc : buf_append(out, "]}\n", 3);
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
