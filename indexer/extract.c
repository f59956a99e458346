/*
 * extract.c — format detection and the extractors' common entry points
 * (see extract.h).
 */
#include "extract.h"

#include <string.h>
#include <strings.h>

static const char *const format_names[] = {"auto", "text", "html", "man", "markdown"};

const char *extract_format_name(loci_doc_format f)
{
    return (unsigned)f < 5 ? format_names[f] : "?";
}

int extract_parse_format(const char *name, loci_doc_format *out)
{
    for (unsigned i = 0; i < 5; i++)
        if (!strcmp(name, format_names[i])) {
            *out = (loci_doc_format)i;
            return 0;
        }
    return -1;
}

size_t extract_utf8(char out[4], unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

int extract_put_utf8(struct buf *out, unsigned cp)
{
    char tmp[4];
    return buf_append(out, tmp, extract_utf8(tmp, cp));
}

int extract_text(int *last_break, struct buf *out, const char *p, size_t n)
{
    for (size_t i = 0; i < n && *last_break; i++)
        if (p[i] != ' ' && p[i] != '\n' && p[i] != '\t' && p[i] != '\r')
            *last_break = 0;
    return buf_append(out, p, n);
}

int extract_break(int *last_break, struct buf *out)
{
    if (*last_break)
        return LOCI_OK;
    *last_break = 1;
    return buf_putc(out, '\f');
}

/* 1 if the path has a component "man" or "man" + a section ("man1", "man3p"). */
static int under_man_dir(const char *path, size_t end)
{
    for (size_t i = 0; i + 3 <= end; i++) {
        if ((i > 0 && path[i - 1] != '/') || memcmp(path + i, "man", 3))
            continue;
        size_t j = i + 3;
        if (j < end && path[j] >= '1' && path[j] <= '9')
            while (j < end && path[j] != '/')
                j++;
        if (j < end && path[j] == '/')
            return 1;
    }
    return 0;
}

static int ext_is(const char *ext, size_t len, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == len && !strncasecmp(ext, *list, len))
            return 1;
    return 0;
}

/* The format the extension says, or AUTO when it says nothing. */
static loci_doc_format by_name(const char *path)
{
    static const char *const html[] = {"html", "htm", "xhtml", "xht", "shtml", NULL};
    static const char *const md[] = {"md", "markdown", "mdown", "mkd", "mkdn", NULL};
    static const char *const man[] = {"man", "roff", "troff", "mdoc", NULL};
    static const char *const text[] = {"txt", "text", NULL};
    size_t end = strlen(path);
    if (end > 3 && !strcasecmp(path + end - 3, ".gz"))
        end -= 3;
    size_t dot = end, base = end;
    while (base > 0 && path[base - 1] != '/')
        base--;
    while (dot > base && path[dot - 1] != '.')
        dot--;
    if (dot <= base + 1)
        return LOCI_FORMAT_AUTO; /* no extension (or a hidden name) */
    const char *ext = path + dot;
    size_t len = end - dot;
    if (ext_is(ext, len, html))
        return LOCI_FORMAT_HTML;
    if (ext_is(ext, len, md))
        return LOCI_FORMAT_MARKDOWN;
    if (ext_is(ext, len, man))
        return LOCI_FORMAT_MAN;
    if (ext_is(ext, len, text))
        return LOCI_FORMAT_TEXT;
    /* a man section: a digit or 'n', then at most a few letters/digits */
    if (len >= 1 && len <= 6 && ((ext[0] >= '1' && ext[0] <= '9') || ext[0] == 'n') &&
        under_man_dir(path, base)) {
        for (size_t i = 1; i < len; i++)
            if (!((ext[i] >= 'a' && ext[i] <= 'z') || (ext[i] >= '0' && ext[i] <= '9')))
                return LOCI_FORMAT_AUTO;
        return LOCI_FORMAT_MAN;
    }
    return LOCI_FORMAT_AUTO;
}

static int starts_ci(const char *s, size_t n, const char *prefix)
{
    size_t l = strlen(prefix);
    return n >= l && !strncasecmp(s, prefix, l);
}

static int contains_ci(const char *s, size_t n, const char *needle)
{
    size_t l = strlen(needle);
    for (size_t i = 0; i + l <= n; i++)
        if (!strncasecmp(s + i, needle, l))
            return 1;
    return 0;
}

loci_doc_format extract_detect(const char *path, const char *head, size_t n)
{
    loci_doc_format f = by_name(path);
    if (f != LOCI_FORMAT_AUTO)
        return f;
    /* man pages: the first line, as written */
    if (starts_ci(head, n, ".TH ") || starts_ci(head, n, ".Dd") || starts_ci(head, n, ".\\\"") ||
        starts_ci(head, n, "'\\\"") || starts_ci(head, n, ".so "))
        return LOCI_FORMAT_MAN;
    size_t i = 0;
    if (n >= 3 && !memcmp(head, "\xef\xbb\xbf", 3))
        i = 3;
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
        i++;
    if (starts_ci(head + i, n - i, "<!doctype html") || starts_ci(head + i, n - i, "<html"))
        return LOCI_FORMAT_HTML;
    if (starts_ci(head + i, n - i, "<?xml") || starts_ci(head + i, n - i, "<!doctype")) {
        size_t probe = n - i < 1024 ? n - i : 1024;
        if (contains_ci(head + i, probe, "<html"))
            return LOCI_FORMAT_HTML;
    }
    return LOCI_FORMAT_TEXT;
}

void extract_begin(struct extractor *x, loci_doc_format format)
{
    x->format = format;
    switch (format) {
    case LOCI_FORMAT_HTML:
        html_begin(&x->u.html);
        break;
    case LOCI_FORMAT_MAN:
        man_begin(&x->u.man);
        break;
    case LOCI_FORMAT_MARKDOWN:
        markdown_begin(&x->u.md);
        break;
    default:
        x->format = LOCI_FORMAT_TEXT;
        break;
    }
}

int extract_feed(struct extractor *x, const char *p, size_t n, struct buf *out)
{
    switch (x->format) {
    case LOCI_FORMAT_HTML:
        return html_feed(&x->u.html, p, n, out);
    case LOCI_FORMAT_MAN:
        return man_feed(&x->u.man, p, n, out);
    case LOCI_FORMAT_MARKDOWN:
        return markdown_feed(&x->u.md, p, n, out);
    default:
        return buf_append(out, p, n);
    }
}

int extract_end(struct extractor *x, struct buf *out)
{
    switch (x->format) {
    case LOCI_FORMAT_HTML:
        return html_end(&x->u.html, out);
    case LOCI_FORMAT_MAN:
        return man_end(&x->u.man, out);
    case LOCI_FORMAT_MARKDOWN:
        return markdown_end(&x->u.md, out);
    default:
        return LOCI_OK;
    }
}
