/*
 * extract_html.c — HTML/XHTML to plain text (see extract_html.h).
 */
#include "extract_html.h"

#include <string.h>

#include "extract.h"

enum {
    H_TEXT,     /* text */
    H_LT,       /* after '<' */
    H_NAME,     /* a tag's name */
    H_ATTRS,    /* the rest of a tag, up to '>' */
    H_BANG,     /* after "<!" */
    H_BANG_DASH,/* after "<!-" */
    H_COMMENT,  /* inside "<!-- ... -->" */
    H_DECL,     /* "<!DOCTYPE ...>", "<![CDATA[...]]>" and "<?...>": up to '>' */
    H_ENTITY,   /* after '&' */
    H_RAW       /* inside script or style, looking for its end tag */
};

/* HTML 4's Latin-1 references, U+00A0 to U+00FF in order. */
static const char *const latin1[96] = {
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave",
    "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve",
    "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml",
    "Yacute", "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig",
    "ccedil", "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth",
    "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave",
    "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml"};

/* Greek letters, HTML 4: capitals from U+0391, small ones from U+03B1 (U+03A2 is unassigned). */
static const char *const greek[25] = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
    "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigmaf", "sigma",
    "tau", "upsilon", "phi", "chi", "psi", "omega"};

static const struct {
    const char *name;
    unsigned cp;
} others[] = {
    {"quot", 34}, {"amp", 38}, {"apos", 39}, {"lt", 60}, {"gt", 62}, {"OElig", 338},
    {"oelig", 339}, {"Scaron", 352}, {"scaron", 353}, {"Yuml", 376}, {"fnof", 402},
    {"circ", 710}, {"tilde", 732}, {"thetasym", 977}, {"upsih", 978}, {"piv", 982},
    {"ensp", 8194}, {"emsp", 8195}, {"thinsp", 8201}, {"zwnj", 8204}, {"zwj", 8205},
    {"lrm", 8206}, {"rlm", 8207}, {"ndash", 8211}, {"mdash", 8212}, {"lsquo", 8216},
    {"rsquo", 8217}, {"sbquo", 8218}, {"ldquo", 8220}, {"rdquo", 8221}, {"bdquo", 8222},
    {"dagger", 8224}, {"Dagger", 8225}, {"bull", 8226}, {"hellip", 8230}, {"permil", 8240},
    {"prime", 8242}, {"Prime", 8243}, {"lsaquo", 8249}, {"rsaquo", 8250}, {"oline", 8254},
    {"frasl", 8260}, {"euro", 8364}, {"image", 8465}, {"weierp", 8472}, {"real", 8476},
    {"trade", 8482}, {"alefsym", 8501}, {"larr", 8592}, {"uarr", 8593}, {"rarr", 8594},
    {"darr", 8595}, {"harr", 8596}, {"crarr", 8629}, {"lArr", 8656}, {"uArr", 8657},
    {"rArr", 8658}, {"dArr", 8659}, {"hArr", 8660}, {"forall", 8704}, {"part", 8706},
    {"exist", 8707}, {"empty", 8709}, {"nabla", 8711}, {"isin", 8712}, {"notin", 8713},
    {"ni", 8715}, {"prod", 8719}, {"sum", 8721}, {"minus", 8722}, {"lowast", 8727},
    {"radic", 8730}, {"prop", 8733}, {"infin", 8734}, {"ang", 8736}, {"and", 8743},
    {"or", 8744}, {"cap", 8745}, {"cup", 8746}, {"int", 8747}, {"there4", 8756},
    {"sim", 8764}, {"cong", 8773}, {"asymp", 8776}, {"ne", 8800}, {"equiv", 8801},
    {"le", 8804}, {"ge", 8805}, {"sub", 8834}, {"sup", 8835}, {"nsub", 8836},
    {"sube", 8838}, {"supe", 8839}, {"oplus", 8853}, {"otimes", 8855}, {"perp", 8869},
    {"sdot", 8901}, {"lceil", 8968}, {"rceil", 8969}, {"lfloor", 8970}, {"rfloor", 8971},
    {"lang", 9001}, {"rang", 9002}, {"loz", 9674}, {"spades", 9824}, {"clubs", 9827},
    {"hearts", 9829}, {"diams", 9830},
    /* HTML 5 names common in documentation */
    {"nbsp", 160}, {"Tab", 9}, {"NewLine", 10}, {"dash", 8208}, {"hyphen", 8208},
    {"lsqb", 91}, {"rsqb", 93}, {"lowbar", 95}, {"lbrace", 123}, {"rbrace", 125},
    {"verbar", 124}, {"vert", 124}, {"sol", 47}, {"bsol", 92}, {"colon", 58}, {"comma", 44},
    {"period", 46}, {"excl", 33}, {"quest", 63}, {"num", 35}, {"dollar", 36}, {"percnt", 37},
    {"ast", 42}, {"plus", 43}, {"equals", 61}, {"commat", 64}, {"grave", 96}, {"lpar", 40},
    {"rpar", 41}, {"semi", 59}, {"check", 10003}, {"cross", 10007}, {"star", 9734},
    {"starf", 9733}, {"mldr", 8230}, {"nldr", 8229}, {"larrb", 8676}, {"rarrb", 8677},
    {"ZeroWidthSpace", 8203}, {"NoBreak", 8288}, {"copysr", 8471}, {"half", 189}};

unsigned html_entity(const char *name, size_t len)
{
    if (len == 0 || len >= HTML_ENTITY_MAX)
        return 0;
    for (unsigned i = 0; i < 96; i++)
        if (strlen(latin1[i]) == len && !memcmp(latin1[i], name, len))
            return 0xa0 + i;
    for (unsigned i = 0; i < 25; i++) {
        size_t gl = strlen(greek[i]);
        if (gl != len || memcmp(greek[i] + 1, name + 1, len - 1))
            continue;
        if (name[0] == greek[i][0])
            return 0x3b1 + i;
        /* capitals: no final sigma; U+03A2 is skipped */
        if (name[0] == greek[i][0] - 32 && i != 17)
            return 0x391 + i; /* sigma is 0x3a3: 0x3a2 is where sigmaf would be */
    }
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (strlen(others[i].name) == len && !memcmp(others[i].name, name, len))
            return others[i].cp;
    return 0;
}

/* Elements that begin and end a paragraph of text. */
static int is_block(const char *n, size_t len)
{
    static const char *const blocks[] = {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
        "tr", "table", "thead", "tbody", "tfoot", "caption", "pre", "blockquote", "title",
        "head", "body", "html", "section", "article", "header", "footer", "nav", "aside", "main",
        "figure", "figcaption", "address", "hr", "form", "fieldset", "legend", "details",
        "summary", "center", "menu", "dir", "noscript", "option", "select", "textarea",
        "frameset", "frame", "iframe", "object", "map", "hgroup"};
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        if (strlen(blocks[i]) == len && !memcmp(blocks[i], n, len))
            return 1;
    return 0;
}

void html_begin(struct html_extractor *h)
{
    memset(h, 0, sizeof *h);
    h->state = H_TEXT;
    h->last_break = 1; /* no break at the very start */
}

static int put(struct html_extractor *h, struct buf *out, const char *p, size_t n)
{
    return extract_text(&h->last_break, out, p, n);
}

static int put_break(struct html_extractor *h, struct buf *out)
{
    return extract_break(&h->last_break, out);
}

/* A '>' has ended the tag named h->name. */
static int tag_end(struct html_extractor *h, struct buf *out)
{
    const char *n = h->name;
    size_t len = h->name_len;
    h->state = H_TEXT;
    if (!h->closing && ((len == 6 && !memcmp(n, "script", 6)) || (len == 5 && !memcmp(n, "style", 5)))) {
        h->raw_end = n[1] == 'c' ? "</script" : "</style";
        h->raw_match = 0;
        h->state = H_RAW;
        return LOCI_OK;
    }
    if (is_block(n, len))
        return put_break(h, out);
    /* a line break or a table cell separates words, but not paragraphs */
    if ((len == 2 && !memcmp(n, "br", 2)) || (len == 2 && (!memcmp(n, "td", 2) || !memcmp(n, "th", 2))) ||
        (len == 3 && !memcmp(n, "img", 3)))
        return put(h, out, " ", 1);
    return LOCI_OK;
}

/* The reference in h->ent has ended (`semi`: with a ';'). */
static int entity_end(struct html_extractor *h, struct buf *out, int semi)
{
    unsigned cp = 0;
    const char *e = h->ent;
    size_t len = h->ent_len;
    h->state = H_TEXT;
    if (semi && len >= 2 && e[0] == '#') {
        int hex = e[1] == 'x' || e[1] == 'X';
        size_t i = hex ? 2 : 1;
        unsigned long v = 0;
        int ok = i < len;
        for (; i < len && ok; i++) {
            char c = e[i];
            int d = c >= '0' && c <= '9' ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                  : -1;
            if (d < 0)
                ok = 0;
            else if (v <= 0x10ffff)
                v = v * (hex ? 16 : 10) + (unsigned long)d;
        }
        if (ok) {
            cp = v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) ? 0xfffd : (unsigned)v;
            /* a reference may not bring back what it would end: not a newline */
            if (cp == '\n' || cp == '\f' || cp == '\r')
                cp = ' ';
        }
    } else if (semi) {
        cp = html_entity(e, len);
        if (cp == '\n')
            cp = ' ';
    }
    if (cp) {
        h->last_break = 0;
        return extract_put_utf8(out, cp);
    }
    /* not a reference: as written */
    int rc = put(h, out, "&", 1);
    rc = rc ? rc : put(h, out, e, len);
    return rc ? rc : semi ? put(h, out, ";", 1) : LOCI_OK;
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == ':' || c == '_';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

int html_feed(struct html_extractor *h, const char *p, size_t n, struct buf *out)
{
    int rc = LOCI_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        char c = p[i];
        switch (h->state) {
        case H_TEXT: {
            /* the common case: a run of plain text goes out at once */
            size_t j = i;
            while (j < n && p[j] != '<' && p[j] != '&' && p[j] != '\f')
                j++;
            rc = put(h, out, p + i, j - i);
            if (j == n || rc)
                i = j;
            else if (p[j] == '<')
                h->state = H_LT, i = j;
            else if (p[j] == '&')
                h->state = H_ENTITY, h->ent_len = 0, i = j;
            else
                rc = put(h, out, " ", 1), i = j; /* a form feed in the text is not a break */
            break;
        }
        case H_LT:
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                h->state = H_NAME;
                h->closing = 0;
                h->name[0] = lower(c);
                h->name_len = 1;
            } else if (c == '/') {
                h->state = H_NAME;
                h->closing = 1;
                h->name_len = 0;
            } else if (c == '!') {
                h->state = H_BANG;
            } else if (c == '?') {
                h->state = H_DECL;
            } else {
                /* "a < b": not a tag */
                h->state = H_TEXT;
                rc = put(h, out, "<", 1);
                i--;
            }
            break;
        case H_NAME:
            if (is_name_char(c)) {
                if (h->name_len < HTML_NAME_MAX)
                    h->name[h->name_len] = lower(c);
                h->name_len++;
                break;
            }
            if (h->name_len > HTML_NAME_MAX)
                h->name_len = HTML_NAME_MAX; /* too long for any element we know */
            h->state = H_ATTRS;
            h->quote = 0;
            i--;
            break;
        case H_ATTRS:
            if (c == '\n')
                rc = buf_putc(out, '\n');
            else if (h->quote)
                h->quote = c == h->quote ? 0 : h->quote;
            else if (c == '"' || c == '\'')
                h->quote = c;
            else if (c == '>')
                rc = tag_end(h, out);
            break;
        case H_BANG:
            h->state = c == '-' ? H_BANG_DASH : H_DECL;
            if (c == '\n')
                rc = buf_putc(out, '\n');
            else if (c == '>')
                h->state = H_TEXT;
            break;
        case H_BANG_DASH:
            h->state = c == '-' ? H_COMMENT : H_DECL;
            h->dashes = 0;
            if (c == '\n')
                rc = buf_putc(out, '\n');
            else if (c == '>')
                h->state = H_TEXT;
            break;
        case H_COMMENT:
            if (c == '\n')
                rc = buf_putc(out, '\n');
            if (c == '>' && h->dashes >= 2)
                h->state = H_TEXT;
            h->dashes = c == '-' ? h->dashes + 1 : 0;
            break;
        case H_DECL:
            if (c == '\n')
                rc = buf_putc(out, '\n');
            else if (c == '>')
                h->state = H_TEXT;
            break;
        case H_ENTITY:
            if (c == ';') {
                rc = entity_end(h, out, 1);
            } else if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '#') && h->ent_len < HTML_ENTITY_MAX - 1) {
                h->ent[h->ent_len++] = c;
            } else {
                rc = entity_end(h, out, 0);
                i--;
            }
            break;
        case H_RAW:
            if (c == '\n')
                rc = buf_putc(out, '\n');
            if (lower(c) == h->raw_end[h->raw_match]) {
                if (!h->raw_end[++h->raw_match]) {
                    /* the end tag: its '>' is read as a tag's */
                    h->state = H_ATTRS;
                    h->closing = 1;
                    h->quote = 0;
                    h->name_len = 0;
                }
            } else {
                h->raw_match = c == '<' ? 1 : 0;
            }
            break;
        }
    }
    return rc;
}

int html_end(struct html_extractor *h, struct buf *out)
{
    int rc = LOCI_OK;
    if (h->state == H_ENTITY)
        rc = entity_end(h, out, 0);
    else if (h->state == H_LT)
        rc = put(h, out, "<", 1);
    h->state = H_TEXT;
    return rc;
}
