/*
 * extract_man.c — man pages to plain text (see extract_man.h).
 */
#include "extract_man.h"

#include <string.h>

#include "extract.h"

enum { M_BOL, M_NAME, M_ARGS, M_TEXT, M_SKIP };

/* What a control line does with its arguments. */
enum {
    K_DROP,  /* nothing: a request, .TH, .IX, ... */
    K_TEXT,  /* words separated by spaces: .B, .I, .SH, ... */
    K_ALT,   /* joined without spaces: .BR, .IR, ... (font alternations) */
    K_FIRST, /* the first argument only: .IP's tag (the second is an indent) */
    K_MDOC   /* words, without the mdoc macro names among them: .Nm, .Fl, .It, ... */
};

enum { SKIP_NONE, SKIP_DE, SKIP_EQ }; /* skip_block */

enum {
    E_NONE,
    E_START,  /* after '\' */
    E_NAME,   /* the name after \f, \*, \n, \s, ...: one byte, (xx or [name] */
    E_SIZE2,  /* \s1 might go on with a second digit */
    E_PAREN,  /* a (xx name: esc_left bytes to come */
    E_BRACK,  /* a [name], up to ']' */
    E_DELIM0, /* \h'...' and the like: the delimiter comes next */
    E_DELIM,  /* up to the delimiter */
    E_COMMENT /* \" up to the end of the line */
};

void man_begin(struct man_extractor *m)
{
    memset(m, 0, sizeof *m);
    m->state = M_BOL;
    m->last_break = 1;
}

static int put(struct man_extractor *m, struct buf *out, const char *p, size_t n)
{
    return extract_text(&m->last_break, out, p, n);
}

static int put_break(struct man_extractor *m, struct buf *out)
{
    return extract_break(&m->last_break, out);
}

/* An mdoc macro name: a capital and one or two small letters ("Fl", "Nm", "Xr"). */
static int is_mdoc_name(const char *s, size_t n)
{
    if (n < 2 || n > 3 || s[0] < 'A' || s[0] > 'Z')
        return 0;
    for (size_t i = 1; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return 0;
    return 1;
}

static int name_is(const struct man_extractor *m, const char *s)
{
    return strlen(s) == m->name_len && !memcmp(m->name, s, m->name_len);
}

static int name_in(const struct man_extractor *m, const char *const *list)
{
    for (; *list; list++)
        if (name_is(m, *list))
            return 1;
    return 0;
}

/* The name of a control line is read: decide what its arguments do. */
static int control(struct man_extractor *m, struct buf *out)
{
    static const char *const heads[] = {"SH", "SS", "Sh", "Ss", NULL};
    static const char *const texts[] = {"B", "I", "SM", "SB", "OP", "SY", "EX", NULL};
    static const char *const alts[] = {"BR", "BI", "IB", "IR", "RB", "RI", NULL};
    static const char *const breaks[] = {"PP", "LP", "P", "HP", "TP", "TQ", "Pp", "Lp", "sp",
                                         "RS", "RE", "Bl", "El", "Bd", "Ed", "Rs", "Re", NULL};
    static const char *const mdoc_drop[] = {"Dd", "Dt", "Os", "Bl", "El", "Bd", "Ed", "Bf",
                                            "Ef", "Bk", "Ek", "Rs", "Re", "Db", NULL};
    m->line_kind = K_DROP;
    m->argn = 0;
    m->in_arg = m->line_out = 0;
    m->heading = 0;
    if (m->skip_block == SKIP_DE) {
        if (name_is(m, "."))
            m->skip_block = SKIP_NONE;
        return LOCI_OK;
    }
    if (m->skip_block == SKIP_EQ) {
        if (name_is(m, "EN"))
            m->skip_block = SKIP_NONE;
        return LOCI_OK;
    }
    if (m->name_len >= 2 && m->name[0] == '\\' && (m->name[1] == '"' || m->name[1] == '#'))
        return LOCI_OK; /* a comment */
    if (name_in(m, heads)) {
        m->line_kind = K_TEXT;
        m->heading = 1;
        return put_break(m, out);
    }
    if (name_in(m, texts)) {
        m->line_kind = K_TEXT;
        return LOCI_OK;
    }
    if (name_in(m, alts)) {
        m->line_kind = K_ALT;
        return LOCI_OK;
    }
    if (name_in(m, breaks))
        return put_break(m, out);
    if (name_is(m, "IP")) {
        m->line_kind = K_FIRST;
        return put_break(m, out);
    }
    if (name_is(m, "It")) {
        m->line_kind = K_MDOC;
        return put_break(m, out);
    }
    if (name_is(m, "TS")) {
        m->table = 1;
        return put_break(m, out);
    }
    if (name_is(m, "TE")) {
        m->table = 0;
        return put_break(m, out);
    }
    if (name_is(m, "EQ")) {
        m->skip_block = SKIP_EQ;
        return LOCI_OK;
    }
    if (name_is(m, "de") || name_is(m, "de1") || name_is(m, "am") || name_is(m, "ig")) {
        m->skip_block = SKIP_DE;
        return LOCI_OK;
    }
    if (is_mdoc_name(m->name, m->name_len) && !name_in(m, mdoc_drop))
        m->line_kind = K_MDOC;
    return LOCI_OK;
}

/* One byte of an argument of the control line (or several, from an escape). */
static int arg_bytes(struct man_extractor *m, struct buf *out, const char *s, size_t n)
{
    int rc = LOCI_OK;
    switch (m->line_kind) {
    case K_DROP:
        return LOCI_OK;
    case K_FIRST:
        return m->argn == 1 ? put(m, out, s, n) : LOCI_OK;
    case K_MDOC:
        if (!m->arg_out && m->arg_len + n <= 3) {
            memcpy(m->arg + m->arg_len, s, n); /* held until it is known not to be a name */
            m->arg_len += n;
            return LOCI_OK;
        }
        if (!m->arg_out) {
            m->arg_out = 1;
            if (m->line_out)
                rc = put(m, out, " ", 1);
            m->line_out = 1;
            rc = rc ? rc : put(m, out, m->arg, m->arg_len);
        }
        return rc ? rc : put(m, out, s, n);
    default:
        if (!m->arg_out) {
            m->arg_out = 1;
            if (m->argn > 1 && m->line_kind == K_TEXT)
                rc = put(m, out, " ", 1);
        }
        return rc ? rc : put(m, out, s, n);
    }
}

/* The current argument has ended. */
static int arg_end(struct man_extractor *m, struct buf *out)
{
    int rc = LOCI_OK;
    if (m->in_arg && m->line_kind == K_MDOC && !m->arg_out && m->arg_len &&
        !is_mdoc_name(m->arg, m->arg_len)) {
        rc = m->line_out ? put(m, out, " ", 1) : LOCI_OK;
        rc = rc ? rc : put(m, out, m->arg, m->arg_len);
        m->line_out = 1;
    }
    m->in_arg = m->quoted = m->arg_out = 0;
    m->arg_len = 0;
    return rc;
}

/* Text from the page: straight out on a text line, through arg_bytes on
 * a control line. */
static int emit(struct man_extractor *m, struct buf *out, const char *s, size_t n)
{
    if (m->state == M_ARGS) {
        if (!m->in_arg) {
            m->in_arg = 1;
            m->argn++;
        }
        return arg_bytes(m, out, s, n);
    }
    return put(m, out, s, n);
}

static const struct {
    char name[4];
    const char *text;
} specials[] = {
    {"em", "\xe2\x80\x94"}, {"en", "\xe2\x80\x93"}, {"hy", "-"}, {"mi", "-"}, {"bu", "\xe2\x80\xa2"},
    {"aq", "'"}, {"dq", "\""}, {"lq", "\xe2\x80\x9c"}, {"rq", "\xe2\x80\x9d"}, {"oq", "\xe2\x80\x98"},
    {"cq", "\xe2\x80\x99"}, {"co", "\xc2\xa9"}, {"rg", "\xc2\xae"}, {"tm", "\xe2\x84\xa2"},
    {"de", "\xc2\xb0"}, {"ti", "~"}, {"ha", "^"}, {"rs", "\\"}, {"sl", "/"}, {"ga", "`"},
    {"aa", "\xc2\xb4"}, {"pl", "+"}, {"eq", "="}, {"mu", "\xc3\x97"}, {"di", "\xc3\xb7"},
    {">=", "\xe2\x89\xa5"}, {"<=", "\xe2\x89\xa4"}, {"!=", "\xe2\x89\xa0"}, {"->", "\xe2\x86\x92"},
    {"<-", "\xe2\x86\x90"}, {"sc", "\xc2\xa7"}, {"ps", "\xc2\xb6"}, {"Fo", "\xc2\xab"},
    {"Fc", "\xc2\xbb"}, {"ba", "|"}, {"bv", "|"}, {"or", "|"}, {"lB", "["}, {"rB", "]"},
    {"lC", "{"}, {"rC", "}"}, {"at", "@"}, {"sh", "#"}, {"Do", "$"}, {"ul", "_"}, {"ru", "_"},
    {"+-", "\xc2\xb1"}, {"12", "\xc2\xbd"}, {"14", "\xc2\xbc"}, {"34", "\xc2\xbe"},
    {"Eu", "\xe2\x82\xac"}, {"Po", "\xc2\xa3"}, {"ct", "\xc2\xa2"}, {"ss", "\xc3\x9f"},
    {"'e", "\xc3\xa9"}, {"`e", "\xc3\xa8"}, {"'a", "\xc3\xa1"}, {"`a", "\xc3\xa0"},
    {":u", "\xc3\xbc"}, {":o", "\xc3\xb6"}, {":a", "\xc3\xa4"}, {"tf", "\xe2\x88\xb4"},
    /* strings (\*(lq, \*R, ...) */
    {"Lq", "\xe2\x80\x9c"}, {"Rq", "\xe2\x80\x9d"}, {"R", "\xc2\xae"}, {"Tm", "\xe2\x84\xa2"}};

/* \(xx, \[xx], \*(xx: what the name in m->name prints (nothing when unknown). */
static int special(struct man_extractor *m, struct buf *out)
{
    const char *s = m->name;
    size_t n = m->name_len;
    if (m->esc_kind != '(' && m->esc_kind != '[' && m->esc_kind != '*')
        return LOCI_OK; /* a font, a size, a register: prints nothing */
    if (m->esc_kind != '*' && n >= 5 && n <= 7 && s[0] == 'u') {
        unsigned cp = 0;
        for (size_t i = 1; i < n; i++) {
            char c = s[i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0)
                return LOCI_OK;
            cp = cp * 16 + (unsigned)d;
        }
        if (cp < 0x20 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            cp = 0xfffd;
        if (m->state == M_ARGS) {
            char tmp[4];
            size_t l = extract_utf8(tmp, cp);
            return emit(m, out, tmp, l);
        }
        m->last_break = 0;
        return extract_put_utf8(out, cp);
    }
    for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++)
        if (strlen(specials[i].name) == n && !memcmp(specials[i].name, s, n))
            return emit(m, out, specials[i].text, strlen(specials[i].text));
    return LOCI_OK;
}

/* One byte of an escape sequence (never a newline: the line ends it).
 * *again: the byte is not part of it and is to be read as text. */
static int escape(struct man_extractor *m, struct buf *out, char c, int *again)
{
    switch (m->esc_state) {
    case E_START:
        m->esc_state = E_NONE;
        m->esc_kind = c;
        m->name_len = 0;
        switch (c) {
        case '\\': case 'e': case 'E':
            return emit(m, out, "\\", 1);
        case '-': case '.': case '\'': case '`':
            return emit(m, out, &c, 1);
        case ' ': case '~': case '0': case 't': case '_':
            return emit(m, out, " ", 1);
        case '"': case '#':
            m->esc_state = E_COMMENT;
            return LOCI_OK;
        case 'f': case 'F': case '*': case 'n': case 's': case 'g': case 'k': case 'V':
        case 'm': case 'M': case 'Y':
            m->esc_state = E_NAME;
            return LOCI_OK;
        case '(':
            m->esc_state = E_PAREN;
            m->esc_left = 2;
            return LOCI_OK;
        case '[':
            m->esc_state = E_BRACK;
            return LOCI_OK;
        case 'h': case 'v': case 'w': case 'o': case 'b': case 'l': case 'L': case 'D':
        case 'X': case 'Z': case 'x': case 'N': case 'R': case 'S': case 'A': case 'B':
        case 'C': case 'H': case 'T': case 'U': case 'O':
            m->esc_state = E_DELIM0;
            return LOCI_OK;
        case '|': case '^': case '&': case ')': case 'c': case '%': case ':': case ',':
        case '/': case 'd': case 'u': case 'r': case 'a': case 'p': case 'z': case '{':
        case '}': case 'j':
            return LOCI_OK;
        default:
            return emit(m, out, &c, 1);
        }
    case E_NAME:
        if (m->esc_kind == 's' && (c == '+' || c == '-') && m->name_len == 0) {
            m->name_len = 1; /* the sign: the size comes next */
            m->name[0] = c;
            return LOCI_OK;
        }
        m->name_len = 0;
        if (c == '(') {
            m->esc_state = E_PAREN;
            m->esc_left = 2;
        } else if (c == '[') {
            m->esc_state = E_BRACK;
        } else if (c == '\'' && m->esc_kind == 's') {
            m->esc_delim = c;
            m->esc_state = E_DELIM;
        } else {
            m->esc_state = m->esc_kind == 's' && c >= '1' && c <= '3' ? E_SIZE2 : E_NONE;
            m->name[0] = c;
            m->name_len = 1;
            if (m->esc_state == E_NONE)
                return special(m, out);
        }
        return LOCI_OK;
    case E_SIZE2:
        m->esc_state = E_NONE;
        *again = !(c >= '0' && c <= '9');
        return LOCI_OK;
    case E_PAREN:
        if (m->name_len < MAN_NAME_MAX)
            m->name[m->name_len++] = c;
        if (--m->esc_left == 0) {
            m->esc_state = E_NONE;
            return special(m, out);
        }
        return LOCI_OK;
    case E_BRACK:
        if (c == ']') {
            m->esc_state = E_NONE;
            return special(m, out);
        }
        if (m->name_len < MAN_NAME_MAX)
            m->name[m->name_len++] = c;
        return LOCI_OK;
    case E_DELIM0:
        m->esc_delim = c;
        m->esc_state = E_DELIM;
        return LOCI_OK;
    case E_DELIM:
        if (c == m->esc_delim)
            m->esc_state = E_NONE;
        return LOCI_OK;
    default: /* E_COMMENT */
        return LOCI_OK;
    }
}

/* The line ends, at a newline or at the input's end: an escape cut by
 * it ends, a control line's name and last argument take effect, and a
 * heading ends its paragraph. */
static int close_line(struct man_extractor *m, struct buf *out)
{
    int rc = LOCI_OK;
    m->esc_state = E_NONE;
    if (m->state == M_NAME)
        rc = control(m, out);
    if (!rc && (m->state == M_NAME || m->state == M_ARGS))
        rc = arg_end(m, out);
    if (!rc && m->heading)
        rc = put_break(m, out);
    m->state = M_BOL;
    m->heading = 0;
    return rc;
}

/* A newline: the line ends. */
static int end_line(struct man_extractor *m, struct buf *out)
{
    int rc = close_line(m, out);
    if (m->fmt_line && m->last_nonspace == '.')
        m->table = 2; /* the last format line: the table's data follows */
    m->fmt_line = 0;
    m->line_kind = K_DROP;
    return rc ? rc : buf_putc(out, '\n');
}

int man_feed(struct man_extractor *m, const char *p, size_t n, struct buf *out)
{
    int rc = LOCI_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        char c = p[i];
        if (c == '\n') {
            rc = end_line(m, out);
            continue;
        }
        if (m->esc_state) {
            int again = 0;
            rc = escape(m, out, c, &again);
            if (!again)
                continue;
        }
        switch (m->state) {
        case M_BOL:
            m->last_nonspace = 0;
            if (c == '.' || c == '\'') {
                m->state = M_NAME;
                m->name_len = 0;
                break;
            }
            if (m->skip_block || m->table == 1) {
                m->fmt_line = m->table == 1 && !m->skip_block;
                m->state = M_SKIP;
                i--;
                break;
            }
            m->state = M_TEXT;
            /* fall through */
        case M_TEXT: {
            if (c == '\\') {
                m->esc_state = E_START;
                break;
            }
            size_t j = i;
            while (j < n && p[j] != '\\' && p[j] != '\n' && p[j] != '\f')
                j++;
            rc = put(m, out, p + i, j - i);
            if (!rc && j < n && p[j] == '\f')
                rc = put(m, out, " ", 1), j++; /* a form feed in the text is not a break */
            i = j - 1;
            break;
        }
        case M_NAME:
            if (c == ' ' || c == '\t') {
                if (m->name_len == 0)
                    break; /* ".  SH": spaces may come before the name */
                rc = control(m, out);
                m->state = m->line_kind == K_DROP ? M_SKIP : M_ARGS;
            } else if (m->name_len < MAN_NAME_MAX) {
                m->name[m->name_len++] = c;
            }
            break;
        case M_ARGS:
            if (m->quoted) {
                if (c == '"') {
                    rc = arg_end(m, out);
                    break;
                }
            } else if (c == ' ' || c == '\t') {
                if (m->in_arg)
                    rc = arg_end(m, out);
                break;
            } else if (c == '"' && !m->in_arg) {
                m->in_arg = m->quoted = 1;
                m->argn++;
                break;
            }
            if (c == '\\')
                m->esc_state = E_START;
            else
                rc = emit(m, out, c == '\f' ? " " : &c, 1);
            break;
        default: /* M_SKIP */
            if (c != ' ' && c != '\t' && c != '\r')
                m->last_nonspace = c;
            break;
        }
    }
    return rc;
}

int man_end(struct man_extractor *m, struct buf *out)
{
    return close_line(m, out);
}
