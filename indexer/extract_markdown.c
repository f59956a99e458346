/*
 * extract_markdown.c — Markdown to plain text (see extract_markdown.h).
 */
#include "extract_markdown.h"

#include <string.h>

#include "extract.h"

#define RULE_EMPTY 1 /* x->rule: no byte but blanks on the line yet */
#define RULE_NONE 2  /* x->rule: the line is not a setext underline */

void markdown_begin(struct markdown_extractor *x)
{
    memset(x, 0, sizeof *x);
    x->in_prefix = 1;
    x->rule = RULE_EMPTY;
    x->last_break = 1;
}

static int put_break(struct markdown_extractor *x, struct buf *out)
{
    return extract_break(&x->last_break, out);
}

/* Bytes of the line (no newline): copied, a form feed as a space; notes
 * whether the line has text and whether it is a run of '=' or '-'. */
static int line_bytes(struct markdown_extractor *x, const char *p, size_t n, struct buf *out)
{
    if (n == 0)
        return LOCI_OK;
    if (buf_reserve(out, n))
        return LOCI_ENOMEM;
    uint8_t *d = out->data + out->len;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        d[i] = (uint8_t)(c == '\f' ? ' ' : c);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f')
            continue;
        x->line_text = 1;
        x->last_break = 0;
        if (x->rule == RULE_EMPTY && (c == '=' || c == '-'))
            x->rule = c;
        else if (x->rule != c)
            x->rule = RULE_NONE;
    }
    out->len += n;
    return LOCI_OK;
}

/* The held start of the line says what the line is (`complete`: it is
 * the whole line): write a break before a heading or a list item, note
 * fences, and let the bytes go. */
static int classify(struct markdown_extractor *x, struct buf *out, int complete)
{
    const char *s = x->pre;
    size_t n = x->pre_len, i = 0, k;
    int rc = LOCI_OK;
    x->in_prefix = 0;
    while (i < n && i < 3 && s[i] == ' ')
        i++;
    if (i < n && (s[i] == '`' || s[i] == '~')) {
        for (k = i; k < n && s[k] == s[i]; k++)
            ;
        if (k - i >= 3 && !x->fence) {
            x->fence = s[i];
            x->fence_len = k - i;
        } else if (k - i >= 3 && s[i] == x->fence && k - i >= x->fence_len) {
            x->fence = 0;
        }
    } else if (x->fence) {
        /* code: nothing is markup */
    } else if (i < n && s[i] == '#') {
        for (k = i; k < n && s[k] == '#'; k++)
            ;
        if (k - i <= 6 && (k == n ? complete : s[k] == ' ' || s[k] == '\t')) {
            x->heading = 1;
            rc = put_break(x, out);
        }
    } else if (i + 1 < n && (s[i] == '-' || s[i] == '*' || s[i] == '+') &&
               (s[i + 1] == ' ' || s[i + 1] == '\t')) {
        x->in_list = 1;
        rc = put_break(x, out);
    } else {
        for (k = i; k < n && s[k] >= '0' && s[k] <= '9'; k++)
            ;
        int item = k > i && k - i <= 9 && k + 1 < n && (s[k] == '.' || s[k] == ')') &&
                   (s[k + 1] == ' ' || s[k + 1] == '\t');
        /* numbered other than 1, it continues a paragraph unless a list
         * is going on or a blank line came before */
        if (item && (x->in_list || !x->prev_text || (k - i == 1 && s[i] == '1'))) {
            x->in_list = 1;
            rc = put_break(x, out);
        } else if (i == 0 && !x->prev_text && n > 0 && s[0] != ' ' && s[0] != '\t') {
            x->in_list = 0; /* an unindented paragraph after a blank line */
        }
    }
    return rc ? rc : line_bytes(x, s, n, out);
}

/* A byte that tells what a line starting with the held bytes is, once
 * it is held too. */
static int decides(const struct markdown_extractor *x, char c)
{
    if (x->pre_len == MD_PREFIX)
        return 1;
    if (c == ' ' || c == '\t') {
        for (size_t i = 0; i + 1 < x->pre_len; i++)
            if (x->pre[i] != ' ')
                return 1; /* the end of the line's first word */
        return x->pre_len > 3;
    }
    return !strchr("#-*+0123456789.)`~", c);
}

static int end_line(struct markdown_extractor *x, struct buf *out)
{
    int rc = x->in_prefix ? classify(x, out, 1) : LOCI_OK;
    int underline = x->rule == '=' || x->rule == '-';
    if (!rc && !x->fence && (x->heading || (underline && x->prev_text)))
        rc = put_break(x, out);
    x->prev_text = x->line_text && !underline;
    x->line_text = x->heading = 0;
    x->rule = RULE_EMPTY;
    x->in_prefix = 1;
    x->pre_len = 0;
    return rc ? rc : buf_putc(out, '\n');
}

int markdown_feed(struct markdown_extractor *x, const char *p, size_t n, struct buf *out)
{
    int rc = LOCI_OK;
    for (size_t i = 0; i < n && !rc;) {
        if (p[i] == '\n') {
            rc = end_line(x, out);
            i++;
        } else if (x->in_prefix) {
            x->pre[x->pre_len++] = p[i];
            if (decides(x, p[i]))
                rc = classify(x, out, 0);
            i++;
        } else {
            const char *nl = memchr(p + i, '\n', n - i);
            size_t e = nl ? (size_t)(nl - p) : n;
            rc = line_bytes(x, p + i, e - i, out);
            i = e;
        }
    }
    return rc;
}

int markdown_end(struct markdown_extractor *x, struct buf *out)
{
    int rc = x->in_prefix && x->pre_len ? classify(x, out, 1) : LOCI_OK;
    if (!rc && x->heading)
        rc = put_break(x, out);
    x->in_prefix = 1;
    x->pre_len = 0;
    x->heading = 0;
    return rc;
}
