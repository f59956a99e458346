/*
 * json.c — reading fields from one JSON Lines record, and writing JSON
 * string literals (contract in json.h).
 *
 * The parser is a strict recursive-descent scanner over one object. It
 * only materializes the values of requested top-level fields; everything
 * else is validated and skipped. Long strings are copied in runs between
 * escapes, because records can carry megabytes of text. The text is in
 * memory (json_extract) or comes from a source as the parser needs it
 * (json_extract_source): the parser only ever asks for bytes at its end
 * of the text, so the source can drop what has been parsed.
 */
#include "json.h"

#include <stdint.h>
#include <string.h>

#include "loci.h"

struct parser {
    const unsigned char *s, *end, *start;
    struct json_source *src; /* NULL: the text is all there */
    const char *why;
    uint64_t err_off;
    int depth;
    int nomem;
    int ioerr;               /* a source or spill error (LOCI_E*) */
    size_t key_limit;        /* longest key worth keeping (longer ones match nothing) */
};

static int fail(struct parser *p, const unsigned char *at, const char *why)
{
    if (!p->why) {
        p->why = why;
        p->err_off = (p->src ? p->src->off : 0) + (uint64_t)(at - p->start);
    }
    return -1;
}

/* More bytes from the source: 1 if some arrived (p->s then points at the
 * same byte as before, maybe moved), 0 at the end of the record. */
static int more(struct parser *p)
{
    struct json_source *src = p->src;
    if (!src || p->ioerr)
        return 0;
    uint64_t at = src->off + (uint64_t)(p->s - p->start);
    int rc = src->more(src, (size_t)(p->s - p->start));
    p->start = (const unsigned char *)src->data;
    p->end = p->start + src->len;
    p->s = p->start + (size_t)(at - src->off);
    if (rc < 0) {
        p->ioerr = rc;
        return 0;
    }
    return rc > 0;
}

/* 1 if n bytes are there at p->s (reading more if need be). */
static int avail(struct parser *p, size_t n)
{
    while ((size_t)(p->end - p->s) < n)
        if (!more(p))
            return 0;
    return 1;
}

static void skip_ws(struct parser *p)
{
    for (;;) {
        while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
            p->s++;
        if (p->s < p->end || !more(p))
            return;
    }
}

/* Where a string's or number's text goes: a key, a field's value, or
 * nowhere (out NULL). */
struct sink {
    struct buf *out;
    struct json_field *f; /* the field, for its cap and spill */
    size_t limit;         /* 0: none; else keep at most this many bytes */
};

static int sink_put(struct parser *p, struct sink *k, const void *data, size_t n)
{
    if (!k || !k->out)
        return 0;
    if (k->limit && n > k->limit - k->out->len) {
        n = k->limit - k->out->len;
        if (k->f)
            k->f->overflow = 1;
    }
    if (n && buf_append(k->out, data, n)) {
        p->nomem = 1;
        return -1;
    }
    struct json_field *f = k->f;
    if (f && f->spill && f->value.len >= f->spill_over) {
        int rc = f->spill(f->spill_ctx, f, 0);
        if (rc) {
            p->ioerr = rc;
            return -1;
        }
        f->spilled += f->value.len;
        f->value.len = 0;
    }
    return 0;
}

/* A captured field starts over (a duplicate key: the last one wins). */
static int field_reset(struct parser *p, struct json_field *f)
{
    f->value.len = 0;
    f->overflow = 0;
    if (f->spilled) {
        int rc = f->spill(f->spill_ctx, f, 1);
        if (rc) {
            p->ioerr = rc;
            return -1;
        }
        f->spilled = 0;
    }
    return 0;
}

static int hex4(const unsigned char *s, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = s[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        *v = *v * 16 + d;
    }
    return 0;
}

static int put_utf8(struct parser *p, struct sink *out, unsigned cp)
{
    unsigned char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xc0 | (cp >> 6));
        b[1] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (unsigned char)(0xe0 | (cp >> 12));
        b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (unsigned char)(0xf0 | (cp >> 18));
        b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return sink_put(p, out, b, n);
}

/* Parse a string at p->s (on the opening quote). If out is not NULL,
 * append the unescaped text to it. */
static int parse_string(struct parser *p, struct sink *out)
{
    p->s++; /* opening quote */
    for (;;) {
        const unsigned char *run = p->s;
        /* skip plain bytes eight at a time: stop at a word holding a '"',
         * a backslash or a control character (the byte loop finds which) */
        const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
        while (p->end - p->s >= 8) {
            uint64_t w, q, b;
            memcpy(&w, p->s, 8);
            q = w ^ (ones * '"');
            b = w ^ (ones * '\\');
            if ((((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)) & highs)
                break;
            p->s += 8;
        }
        while (p->s < p->end && *p->s != '"' && *p->s != '\\' && *p->s >= 0x20)
            p->s++;
        if (p->s > run && sink_put(p, out, run, (size_t)(p->s - run)))
            return -1;
        if (p->s >= p->end) {
            if (more(p))
                continue;
            return fail(p, p->s, "unterminated string");
        }
        unsigned char c = *p->s;
        if (c == '"') {
            p->s++;
            return 0;
        }
        if (c < 0x20)
            return fail(p, p->s, "control character in string");
        /* backslash */
        if (!avail(p, 2))
            return fail(p, p->s, "unterminated string");
        unsigned char e = p->s[1];
        const char *simple = NULL;
        switch (e) {
        case '"': simple = "\""; break;
        case '\\': simple = "\\"; break;
        case '/': simple = "/"; break;
        case 'b': simple = "\b"; break;
        case 'f': simple = "\f"; break;
        case 'n': simple = "\n"; break;
        case 'r': simple = "\r"; break;
        case 't': simple = "\t"; break;
        case 'u': break;
        default: return fail(p, p->s, "bad escape");
        }
        if (simple) {
            if (sink_put(p, out, simple, 1))
                return -1;
            p->s += 2;
            continue;
        }
        unsigned cp, lo;
        if (!avail(p, 6) || hex4(p->s + 2, &cp))
            return fail(p, p->s, "bad \\u escape");
        p->s += 6;
        if (cp >= 0xd800 && cp <= 0xdbff) {
            if (avail(p, 6) && p->s[0] == '\\' && p->s[1] == 'u' && !hex4(p->s + 2, &lo) &&
                lo >= 0xdc00 && lo <= 0xdfff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p->s += 6;
            } else {
                cp = 0xfffd; /* lone high surrogate */
            }
        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            cp = 0xfffd; /* lone low surrogate */
        }
        if (put_utf8(p, out, cp))
            return -1;
    }
}

/* The byte i bytes after p->s, or -1 past the end. */
static int peek(struct parser *p, size_t i)
{
    return avail(p, i + 1) ? p->s[i] : -1;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }

/* Parse a number at p->s; if out is not NULL, append its text. */
static int parse_number(struct parser *p, struct sink *out)
{
    size_t i = 0;
    if (peek(p, i) == '-')
        i++;
    if (!is_digit(peek(p, i)))
        return fail(p, p->s, "bad number");
    if (peek(p, i) == '0')
        i++;
    else
        while (is_digit(peek(p, i)))
            i++;
    if (peek(p, i) == '.') {
        i++;
        if (!is_digit(peek(p, i)))
            return fail(p, p->s + i, "bad number");
        while (is_digit(peek(p, i)))
            i++;
    }
    if (peek(p, i) == 'e' || peek(p, i) == 'E') {
        i++;
        if (peek(p, i) == '+' || peek(p, i) == '-')
            i++;
        if (!is_digit(peek(p, i)))
            return fail(p, p->s + i, "bad number");
        while (is_digit(peek(p, i)))
            i++;
    }
    if (sink_put(p, out, p->s, i))
        return -1;
    p->s += i;
    return 0;
}

static int literal(struct parser *p, const char *word)
{
    size_t n = strlen(word);
    if (!avail(p, n) || memcmp(p->s, word, n) != 0)
        return fail(p, p->s, "unexpected character");
    p->s += n;
    return 0;
}

static int parse_value(struct parser *p);

static int parse_object(struct parser *p, struct json_field *fields, size_t nfields)
{
    if (++p->depth > JSON_MAX_DEPTH)
        return fail(p, p->s, "nesting too deep");
    p->s++; /* { */
    skip_ws(p);
    if (p->s < p->end && *p->s == '}') {
        p->s++;
        p->depth--;
        return 0;
    }
    struct buf key = {0};
    for (;;) {
        skip_ws(p);
        if (p->s >= p->end || *p->s != '"') {
            buf_free(&key);
            return fail(p, p->s, "expected a string key");
        }
        key.len = 0;
        struct sink ks = {&key, NULL, p->key_limit};
        if (parse_string(p, fields ? &ks : NULL)) {
            buf_free(&key);
            return -1;
        }
        skip_ws(p);
        if (p->s >= p->end || *p->s != ':') {
            buf_free(&key);
            return fail(p, p->s, "expected ':'");
        }
        p->s++;
        skip_ws(p);
        struct json_field *f = NULL;
        for (size_t i = 0; fields && i < nfields; i++)
            if (strlen(fields[i].name) == key.len && !memcmp(fields[i].name, key.data, key.len))
                f = &fields[i];
        int rc;
        if (!f) {
            rc = parse_value(p);
        } else if (p->s < p->end && *p->s == '"') {
            struct sink fs = {&f->value, f, f->cap};
            rc = field_reset(p, f);
            if (!rc)
                rc = parse_string(p, &fs);
            f->found = rc == 0;
        } else if (p->s < p->end && (*p->s == '-' || (*p->s >= '0' && *p->s <= '9'))) {
            struct sink fs = {&f->value, f, f->cap};
            rc = field_reset(p, f);
            if (!rc)
                rc = parse_number(p, &fs);
            f->found = rc == 0;
        } else if (p->s < p->end && *p->s == 'n') {
            rc = literal(p, "null");
            f->found = 0;
            if (!rc)
                rc = field_reset(p, f);
        } else {
            rc = fail(p, p->s, "field is not a string or number");
        }
        if (rc) {
            buf_free(&key);
            return -1;
        }
        skip_ws(p);
        if (p->s < p->end && *p->s == ',') {
            p->s++;
            continue;
        }
        if (p->s < p->end && *p->s == '}') {
            p->s++;
            break;
        }
        buf_free(&key);
        return fail(p, p->s, "expected ',' or '}'");
    }
    buf_free(&key);
    p->depth--;
    return 0;
}

static int parse_array(struct parser *p)
{
    if (++p->depth > JSON_MAX_DEPTH)
        return fail(p, p->s, "nesting too deep");
    p->s++; /* [ */
    skip_ws(p);
    if (p->s < p->end && *p->s == ']') {
        p->s++;
        p->depth--;
        return 0;
    }
    for (;;) {
        skip_ws(p);
        if (parse_value(p))
            return -1;
        skip_ws(p);
        if (p->s < p->end && *p->s == ',') {
            p->s++;
            continue;
        }
        if (p->s < p->end && *p->s == ']') {
            p->s++;
            p->depth--;
            return 0;
        }
        return fail(p, p->s, "expected ',' or ']'");
    }
}

static int parse_value(struct parser *p)
{
    if (p->s >= p->end)
        return fail(p, p->s, "unexpected end");
    switch (*p->s) {
    case '{': return parse_object(p, NULL, 0);
    case '[': return parse_array(p);
    case '"': return parse_string(p, NULL);
    case 't': return literal(p, "true");
    case 'f': return literal(p, "false");
    case 'n': return literal(p, "null");
    default:
        if (*p->s == '-' || (*p->s >= '0' && *p->s <= '9'))
            return parse_number(p, NULL);
        return fail(p, p->s, "unexpected character");
    }
}

static int extract(struct parser *p, struct json_field *fields, size_t nfields,
                   uint64_t *err_off, const char **why)
{
    p->key_limit = 1;
    for (size_t i = 0; i < nfields; i++) {
        size_t n = strlen(fields[i].name) + 1;
        if (n > p->key_limit)
            p->key_limit = n;
        fields[i].value.len = 0;
        fields[i].found = 0;
        fields[i].overflow = 0;
        fields[i].spilled = 0;
    }
    if (!p->src)
        p->key_limit = 0; /* the text is in memory anyway */
    skip_ws(p);
    int rc;
    if (p->s >= p->end || *p->s != '{')
        rc = fail(p, p->s, "expected '{'");
    else
        rc = parse_object(p, fields, nfields);
    if (!rc) {
        skip_ws(p);
        if (p->s < p->end)
            rc = fail(p, p->s, "trailing characters");
    }
    if (p->nomem)
        return LOCI_ENOMEM;
    if (p->ioerr)
        return p->ioerr;
    if (rc) {
        if (err_off)
            *err_off = p->err_off;
        if (why)
            *why = p->why;
        for (size_t i = 0; i < nfields; i++)
            fields[i].found = 0;
        return LOCI_EFORMAT;
    }
    return 0;
}

int json_extract(const char *text, size_t len, struct json_field *fields, size_t nfields,
                 size_t *err_off, const char **why)
{
    struct parser p = {0};
    p.s = p.start = (const unsigned char *)text;
    p.end = p.s + len;
    uint64_t off = 0;
    int rc = extract(&p, fields, nfields, &off, why);
    if (rc == LOCI_EFORMAT && err_off)
        *err_off = (size_t)off;
    return rc;
}

int json_extract_source(struct json_source *src, struct json_field *fields, size_t nfields,
                        uint64_t *err_off, const char **why)
{
    struct parser p = {0};
    p.src = src;
    p.s = p.start = (const unsigned char *)src->data;
    p.end = p.s + src->len;
    return extract(&p, fields, nfields, err_off, why);
}

/* Length of the valid UTF-8 sequence at s (n bytes available), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char b = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf)
        need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        if (b == 0xe0)
            lo = 0xa0;
        if (b == 0xed)
            hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        if (b == 0xf0)
            lo = 0x90;
        if (b == 0xf4)
            hi = 0x8f;
    } else
        return 0;
    for (size_t i = 1; i <= need; i++) {
        if (i >= n || s[i] < lo || s[i] > hi)
            return 0;
        lo = 0x80;
        hi = 0xbf;
    }
    return need + 1;
}

int json_put_string(struct buf *out, const char *str, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    if (buf_putc(out, '"'))
        return LOCI_ENOMEM;
    size_t i = 0;
    while (i < len) {
        size_t run = i;
        while (i < len && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\')
            i++;
        if (i > run && buf_append(out, s + run, i - run))
            return LOCI_ENOMEM;
        if (i >= len)
            break;
        unsigned char c = s[i];
        char esc[8];
        size_t n = 0;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            n = 2;
            i++;
        } else if (c < 0x20) {
            esc[0] = '\\';
            n = 2;
            switch (c) {
            case '\n': esc[1] = 'n'; break;
            case '\t': esc[1] = 't'; break;
            case '\r': esc[1] = 'r'; break;
            case '\b': esc[1] = 'b'; break;
            case '\f': esc[1] = 'f'; break;
            default:
                memcpy(esc, "\\u00", 4);
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 15];
                n = 6;
            }
            i++;
        } else {
            size_t l = utf8_seq(s + i, len - i);
            if (l) {
                if (buf_append(out, s + i, l))
                    return LOCI_ENOMEM;
                i += l;
                continue;
            }
            /* one \ufffd per maximal invalid subpart */
            size_t skip = 1;
            unsigned char b = s[i];
            if (b >= 0xc2 && b <= 0xf4) {
                unsigned char lo = b == 0xe0 ? 0xa0 : b == 0xf0 ? 0x90 : 0x80;
                unsigned char hi = b == 0xed ? 0x9f : b == 0xf4 ? 0x8f : 0xbf;
                size_t need = b <= 0xdf ? 1 : b <= 0xef ? 2 : 3;
                while (skip <= need && i + skip < len && s[i + skip] >= lo && s[i + skip] <= hi) {
                    skip++;
                    lo = 0x80;
                    hi = 0xbf;
                }
            }
            memcpy(esc, "\\ufffd", 6);
            n = 6;
            i += skip;
        }
        if (buf_append(out, esc, n))
            return LOCI_ENOMEM;
    }
    return buf_putc(out, '"') ? LOCI_ENOMEM : 0;
}
