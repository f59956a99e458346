/*
 * analyzer.c — tokenization, normalization and stemming (contract and
 * rules in analyzer.h).
 *
 * Structure: one scanner finds token boundaries on the original bytes;
 * then each token is normalized, either through the ASCII table (when all
 * its bytes are ASCII) or through utf8proc. Both paths share the scanner
 * and everything after normalization, so the only thing that differs is
 * the mapping of ASCII letters to lower case — which is what the tests
 * compare. The `slow` flag forces utf8proc for everything (tests only).
 *
 * No allocation per token: the utf8proc work buffer grows with the longest
 * non-ASCII token seen and is reused.
 *
 * CJK runs (analyzer.h) branch off the general scan at their first
 * character, which is never ASCII, so the ASCII fast path does not look
 * for them at all; a CJK run is emitted as it is scanned, keeping only
 * the previous character, so a run of any length takes no memory.
 */
#include "analyzer.h"

#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "error.h"
#include "hash.h"

/* Stemming costs more than everything else the analyzer does, and word
 * frequencies are Zipfian, so a direct-mapped cache of recent stems
 * answers most tokens. An entry holds the input and its stem. The cache
 * starts small and grows (emptied) while misses keep coming, up to
 * STEM_CACHE entries: a build fills 2 MiB of it usefully, but a searcher
 * stems a few words per query, and touching fresh pages of a large cache
 * cost a cold query several microseconds. */
#define STEM_CACHE 16384
#define STEM_CACHE_FIRST 64

struct stem_entry {
    uint8_t in_len, out_len;
    char in[ANALYZER_MAX_TERM], out[ANALYZER_MAX_TERM];
};

struct analyzer {
    char lang[32];
    struct sb_stemmer *stemmer; /* NULL for "none" */
    struct stem_entry *cache;   /* cache_size entries, allocated at the first stem */
    size_t cache_size;
    uint64_t misses;            /* since the cache last grew */
    uint64_t invalid;
    int legacy;                 /* analyzer_legacy: no CJK bigrams, no elision */
    int elision;                /* ELIDE_* of the stemming language */
    utf8proc_int32_t *ubuf;     /* utf8proc work buffer */
    size_t ucap;                /* in code points */
    char clean[4 * ANALYZER_MAX_TERM + 8];
    char *big;                  /* cleaned bytes of tokens too long for `clean` */
    size_t bigcap;
};

/* Languages whose articles are elided (analyzer.h). */
enum { ELIDE_NONE = 0, ELIDE_FRENCH, ELIDE_ITALIAN };

/* Character classes of the scanner. */
enum { C_OTHER = 0, C_WORD, C_DIGIT, C_APOS, C_JOIN, C_DOTCOMMA };

/* ASCII: class, and lower-case form for word bytes. */
static unsigned char ascii_class[128];
static char ascii_lower[128];
/* 1 for ASCII letters and digits; 0 for everything else, bytes >= 0x80
 * included, so the fast token loop needs one lookup per byte. */
static unsigned char ascii_word[256];
static int tables_ready;

static void init_tables(void)
{
    /* Idempotent and writes the same values each time, so a race between
     * two first calls is harmless. */
    for (int c = 0; c < 128; c++) {
        ascii_class[c] = C_OTHER;
        ascii_lower[c] = (char)c;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            ascii_class[c] = C_WORD;
        if (c >= '0' && c <= '9')
            ascii_class[c] = C_DIGIT;
        if (c >= 'A' && c <= 'Z')
            ascii_lower[c] = (char)(c - 'A' + 'a');
        ascii_word[c] = ascii_class[c] == C_WORD || ascii_class[c] == C_DIGIT;
    }
    ascii_class['\''] = C_APOS;
    ascii_class['.'] = C_DOTCOMMA;
    ascii_class[','] = C_DOTCOMMA;
    tables_ready = 1;
}

int analyzer_new(const char *lang, struct analyzer **out, loci_error *err)
{
    *out = NULL;
    if (!tables_ready)
        init_tables();
    if (!lang || !*lang)
        lang = "english";
    if (strlen(lang) >= 32)
        return err_set(err, LOCI_EINVAL,
                       "unknown stemming language \"%.40s\" (loci-index --stem list shows them)",
                       lang);
    struct analyzer *a = calloc(1, sizeof *a);
    if (!a)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    /* Snowball's names are lower case; "German" means german */
    for (size_t i = 0; lang[i]; i++)
        a->lang[i] = lang[i] >= 'A' && lang[i] <= 'Z' ? (char)(lang[i] - 'A' + 'a') : lang[i];
    /* libstemmer's names and ISO 639 codes for the two languages */
    static const char *const fr[] = {"french", "fr", "fre", "fra"},
                             *const it[] = {"italian", "it", "ita"};
    for (size_t i = 0; i < 4; i++)
        if (!strcmp(a->lang, fr[i]))
            a->elision = ELIDE_FRENCH;
    for (size_t i = 0; i < 3; i++)
        if (!strcmp(a->lang, it[i]))
            a->elision = ELIDE_ITALIAN;
    if (strcmp(a->lang, "none") != 0) {
        a->stemmer = sb_stemmer_new(a->lang, "UTF_8");
        if (!a->stemmer) {
            char list[1024] = "";
            size_t n = 0;
            const char **names = sb_stemmer_list();
            for (size_t i = 0; names[i] && n + 40 < sizeof list; i++)
                n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", names[i]);
            free(a);
            return err_set(err, LOCI_EINVAL, "unknown stemming language \"%s\" (known: none, %s)",
                           lang, list);
        }
    }
    *out = a;
    return LOCI_OK;
}

const char *const *loci_stem_languages(void)
{
    return (const char *const *)sb_stemmer_list();
}

void analyzer_free(struct analyzer *a)
{
    if (!a)
        return;
    if (a->stemmer)
        sb_stemmer_delete(a->stemmer);
    free(a->cache);
    free(a->ubuf);
    free(a->big);
    free(a);
}

const char *analyzer_language(const struct analyzer *a) { return a->lang; }

void analyzer_legacy(struct analyzer *a) { a->legacy = 1; }

int analyzer_is_legacy(const struct analyzer *a) { return a->legacy; }

uint64_t analyzer_invalid_count(const struct analyzer *a) { return a->invalid; }

/* Decode one UTF-8 sequence at s[0..n), n >= 1. Returns its length and
 * the code point, or the length of the maximal invalid subpart with
 * *cp = -1. */
static size_t decode(const unsigned char *s, size_t n, int32_t *cp)
{
    unsigned char b = s[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    size_t need;
    int32_t v;
    unsigned char lo = 0x80, hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
        need = 1;
        v = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        v = b & 0x0f;
        if (b == 0xe0)
            lo = 0xa0; /* overlong */
        if (b == 0xed)
            hi = 0x9f; /* surrogates */
    } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        v = b & 0x07;
        if (b == 0xf0)
            lo = 0x90; /* overlong */
        if (b == 0xf4)
            hi = 0x8f; /* above U+10FFFF */
    } else {
        *cp = -1;
        return 1;
    }
    size_t i = 1;
    for (; i <= need; i++) {
        if (i >= n || s[i] < lo || s[i] > hi) {
            *cp = -1;
            return i;
        }
        v = (v << 6) | (s[i] & 0x3f);
        lo = 0x80;
        hi = 0xbf;
    }
    *cp = v;
    return i;
}

int utf8_valid(const char *text, size_t len, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        /* eight ASCII bytes at a time: most text is mostly ASCII */
        if (len - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w & 0x8080808080808080ULL) == 0) {
                i += 8;
                continue;
            }
        }
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        int32_t cp;
        size_t n = decode(s + i, len - i, &cp);
        if (cp < 0) {
            if (bad)
                *bad = i;
            return 0;
        }
        i += n;
    }
    return 1;
}

size_t analyzer_safe_cut(const char *text, size_t len)
{
    if (!tables_ready)
        init_tables();
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = len; i > 0; i--)
        if (s[i - 1] < 0x80 && ascii_class[s[i - 1]] == C_OTHER)
            return i;
    return 0;
}

static int is_apostrophe(int32_t cp) { return cp == 0x27 || cp == 0x2019 || cp == 0x02bc; }

static int is_mark(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}

/* Code points of the scripts written without spaces: Han, Hiragana,
 * Katakana, Hangul (with their radicals, iteration marks, numerals,
 * jamo and halfwidth forms). Only those that are also word characters
 * make CJK runs: the CJK punctuation (、。「」・) separates. */
static int is_cjk(int32_t cp)
{
    if (cp < 0x1100)
        return 0;
    return cp <= 0x11ff                          /* Hangul jamo */
        || (cp >= 0x2e80 && cp <= 0x2fdf)        /* CJK and Kangxi radicals */
        || (cp >= 0x3005 && cp <= 0x3007)        /* 々 〆 〇 */
        || (cp >= 0x3021 && cp <= 0x3029)        /* Hangzhou numerals */
        || (cp >= 0x3031 && cp <= 0x3035)        /* kana repeat marks */
        || (cp >= 0x3038 && cp <= 0x303c)
        || (cp >= 0x3041 && cp <= 0x30ff)        /* Hiragana, Katakana */
        || (cp >= 0x3131 && cp <= 0x318e)        /* Hangul compatibility jamo */
        || (cp >= 0x31f0 && cp <= 0x31ff)        /* Katakana phonetic extensions */
        || (cp >= 0x3400 && cp <= 0x4dbf)        /* Han extension A */
        || (cp >= 0x4e00 && cp <= 0x9fff)        /* Han */
        || (cp >= 0xa960 && cp <= 0xa97f)        /* Hangul jamo extended A */
        || (cp >= 0xac00 && cp <= 0xd7ff)        /* Hangul syllables, jamo extended B */
        || (cp >= 0xf900 && cp <= 0xfaff)        /* Han compatibility */
        || (cp >= 0xff66 && cp <= 0xffdc)        /* halfwidth Katakana and Hangul */
        || (cp >= 0x1aff0 && cp <= 0x1b16f)      /* Kana extended, supplement */
        || (cp >= 0x20000 && cp <= 0x3ffff);     /* Han extensions B... */
}

/* A character that starts a CJK unit (not a mark that joins one). */
static int cjk_base(int32_t cp) { return is_cjk(cp) && !is_mark(cp); }

/* A character that joins the CJK character before it into one unit: a
 * combining mark (dakuten U+3099, variation selectors), a halfwidth sound
 * mark, a Hangul medial vowel or final consonant jamo. */
static int cjk_attached(int32_t cp)
{
    if (cp < 0x300)
        return 0;
    return (cp >= 0x1160 && cp <= 0x11ff) || (cp >= 0xd7b0 && cp <= 0xd7ff) || cp == 0xff9e ||
           cp == 0xff9f || is_mark(cp);
}

/* A single code point that NFKC and case folding leave as it is: the
 * common CJK characters skip utf8proc. */
static int cjk_plain(int32_t cp)
{
    return (cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x30a1 && cp <= 0x30fa) || cp == 0x30fc ||
           (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
           (cp >= 0xac00 && cp <= 0xd7a3);
}

static int classify_cp(int32_t cp)
{
    if (cp < 0)
        return C_OTHER;
    if (is_apostrophe(cp))
        return C_APOS;
    if (cp == '.' || cp == ',')
        return C_DOTCOMMA;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_ND:
        return C_DIGIT;
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return C_WORD;
    case UTF8PROC_CATEGORY_CF:
        /* soft hyphen, zero-width joiners: inside a word they join (and
         * normalization removes them) */
        return C_JOIN;
    default:
        return C_OTHER;
    }
}

/* Class of the code point at s[i]; *len receives its byte length, *cp
 * the code point (-1 if invalid). */
static int class_at(struct analyzer *a, const unsigned char *s, size_t n, size_t i, size_t *len,
                    int32_t *cp, int slow, int count)
{
    if (s[i] < 0x80 && !slow) {
        *len = 1;
        *cp = s[i];
        return ascii_class[s[i]];
    }
    *len = decode(s + i, n - i, cp);
    if (*cp < 0 && count)
        a->invalid++;
    return classify_cp(*cp);
}

static int is_word_class(int c) { return c == C_WORD || c == C_DIGIT; }

int analyzer_stem(struct analyzer *a, const char *term, size_t len, const char **out,
                  size_t *out_len)
{
    *out = term;
    *out_len = len;
    if (!a->legacy && len && (unsigned char)term[0] >= 0xe1) {
        int32_t cp;
        decode((const unsigned char *)term, len, &cp);
        if (is_cjk(cp))
            return LOCI_OK; /* bigrams have no stems */
    }
    int number = 1;
    for (size_t i = 0; i < len && number; i++)
        number = (term[i] >= '0' && term[i] <= '9') || term[i] == '.' || term[i] == ',';
    if (!a->stemmer || number)
        return LOCI_OK;
    if (!a->cache || (a->misses > 8 * a->cache_size && a->cache_size < STEM_CACHE)) {
        size_t n = a->cache ? 4 * a->cache_size : STEM_CACHE_FIRST;
        struct stem_entry *c = calloc(n, sizeof *c);
        if (!c)
            return LOCI_ENOMEM;
        free(a->cache);
        a->cache = c;
        a->cache_size = n;
        a->misses = 0;
    }
    struct stem_entry *e = &a->cache[hash_bytes(term, len) & (a->cache_size - 1)];
    if (e->in_len != len || memcmp(e->in, term, len) != 0) {
        a->misses++;
        const sb_symbol *s = sb_stemmer_stem(a->stemmer, (const sb_symbol *)term, (int)len);
        if (!s)
            return LOCI_ENOMEM;
        size_t n = (size_t)sb_stemmer_length(a->stemmer);
        if (n > ANALYZER_MAX_TERM) {
            n = ANALYZER_MAX_TERM;
            while (n > 0 && (s[n] & 0xc0) == 0x80)
                n--;
        }
        memcpy(e->in, term, len);
        e->in_len = (uint8_t)len;
        memcpy(e->out, s, n);
        e->out_len = (uint8_t)n;
    }
    *out = e->out;
    *out_len = e->out_len;
    return LOCI_OK;
}

/* Flags of run(). */
enum { RUN_SLOW = 1, RUN_RAW = 2 };

/* Emit one normalized run (bytes of a token's normalized form). */
static int emit(struct analyzer *a, const char *term, size_t len, size_t start, size_t end,
                uint32_t *pos, token_fn fn, void *ctx, int flags)
{
    /* truncate at a character boundary */
    if (len > ANALYZER_MAX_TERM) {
        len = ANALYZER_MAX_TERM;
        while (len > 0 && ((unsigned char)term[len] & 0xc0) == 0x80)
            len--;
    }
    if (!(flags & RUN_RAW)) {
        int rc = analyzer_stem(a, term, len, &term, &len);
        if (rc)
            return rc;
    }
    if (len == 0)
        return 0;
    struct token t = {term, len, start, end, (*pos)++, TOKEN_WORD};
    return fn(ctx, &t);
}

/* Decompose s[0..n) with utf8proc into a->ubuf, growing it as needed;
 * *got receives the code points (<= 0: none, or invalid input). */
static int decompose(struct analyzer *a, const char *s, size_t n, utf8proc_option_t opts,
                     utf8proc_ssize_t *got)
{
    for (;;) {
        *got = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, a->ubuf,
                                  (utf8proc_ssize_t)a->ucap, opts);
        if (*got <= 0 || (size_t)*got <= a->ucap)
            return 0;
        size_t cap = (size_t)*got + 16;
        utf8proc_int32_t *p = realloc(a->ubuf, cap * sizeof *p);
        if (!p)
            return LOCI_ENOMEM;
        a->ubuf = p;
        a->ucap = cap;
    }
}

/* ---- CJK runs --------------------------------------------------------------- */

/* A run being emitted: its previous unit (a normalized code point and
 * the source bytes of the character it came from) and how many so far. */
struct cjk_run {
    int32_t prev;
    size_t prev_start, prev_end;
    size_t n;
    uint32_t *pos;
    token_fn fn;
    void *ctx;
};

static int cjk_token(struct cjk_run *r, const int32_t *cp, size_t ncp, size_t start, size_t end,
                     int kind)
{
    utf8proc_uint8_t b[8];
    size_t k = 0;
    for (size_t i = 0; i < ncp; i++)
        k += (size_t)utf8proc_encode_char(cp[i], b + k);
    struct token t = {(const char *)b, k, start, end, (*r->pos)++, kind};
    return r->fn(r->ctx, &t);
}

/* One more unit: the bigram of the previous one and this one. */
static int cjk_unit(struct cjk_run *r, int32_t cp, size_t start, size_t end)
{
    if (r->n) {
        int32_t two[2] = {r->prev, cp};
        int rc = cjk_token(r, two, 2, r->prev_start, end, TOKEN_CJK_BIGRAM);
        if (rc)
            return rc;
    }
    r->prev = cp;
    r->prev_start = start;
    r->prev_end = end;
    r->n++;
    return 0;
}

/* The character s[start..end) (a base and what joined it; `cp` the base,
 * `l` its length): normalized, each of its word code points a unit. Marks
 * that did not compose into the base are dropped, like the accents of
 * other scripts. */
static int cjk_char(struct analyzer *a, struct cjk_run *r, const unsigned char *s, size_t start,
                    size_t end, int32_t cp, size_t l)
{
    if (end - start == l && cjk_plain(cp))
        return cjk_unit(r, cp, start, end);
    const utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                                   UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
    utf8proc_ssize_t got;
    if (decompose(a, (const char *)s + start, end - start, opts, &got))
        return LOCI_ENOMEM;
    if (got <= 0)
        return 0;
    got = utf8proc_normalize_utf32(a->ubuf, got, opts);
    for (utf8proc_ssize_t i = 0; i < got; i++) {
        int32_t u = a->ubuf[i];
        if (is_word_class(classify_cp(u)) && !is_mark(u)) {
            int rc = cjk_unit(r, u, start, end);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* The CJK run at s[*ip] (a CJK base character): its bigrams, then its
 * tail or lone character; *ip moves past it. */
static int cjk_scan(struct analyzer *a, const unsigned char *s, size_t len, size_t *ip,
                    uint32_t *pos, token_fn fn, void *ctx)
{
    struct cjk_run r = {0, 0, 0, 0, pos, fn, ctx};
    size_t i = *ip;
    int rc = 0;
    while (i < len && !rc) {
        int32_t cp, c2;
        size_t l = decode(s + i, len - i, &cp);
        if (!cjk_base(cp) || !is_word_class(classify_cp(cp)))
            break;
        size_t start = i;
        i += l;
        while (i < len) {
            size_t l2 = decode(s + i, len - i, &c2);
            if (!cjk_attached(c2))
                break;
            i += l2;
        }
        rc = cjk_char(a, &r, s, start, i, cp, l);
    }
    *ip = i;
    if (!rc && r.n)
        rc = cjk_token(&r, &r.prev, 1, r.prev_start, r.prev_end,
                       r.n == 1 ? TOKEN_CJK_LONE : TOKEN_CJK_TAIL);
    return rc;
}

/* ---- elision ------------------------------------------------------------------ */

/* 1 if s[0..n) is an article or pronoun that elides in the language
 * (Lucene's French and Italian ElisionFilter lists), in any case. */
static int elidable(int lang, const unsigned char *s, size_t n)
{
    static const char *const fr[] = {"l", "m", "t", "qu", "n", "s", "j", "d", "c",
                                     "jusqu", "quoiqu", "lorsqu", "puisqu", NULL};
    static const char *const it[] = {"c", "l", "all", "dall", "dell", "nell", "sull",
                                     "coll", "pell", "gl", "agl", "dagl", "degl", "negl",
                                     "sugl", "un", "m", "t", "s", "v", "d", NULL};
    char w[8];
    if (n == 0 || n >= sizeof w)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= 0x80)
            return 0;
        w[i] = ascii_lower[s[i]];
    }
    w[n] = '\0';
    for (const char *const *p = lang == ELIDE_FRENCH ? fr : it; *p; p++)
        if (!strcmp(*p, w))
            return 1;
    return 0;
}

/* A vowel or h, accented or not (é, Â, œ, æ ...), in either case. */
static int vowel_or_h(int32_t cp)
{
    if (cp >= 0x80) {
        if (cp == 0x153 || cp == 0x152 || cp == 0xe6 || cp == 0xc6)
            return 1;
        utf8proc_int32_t d[4];
        int bound = 0;
        if (utf8proc_decompose_char(cp, d, 4, UTF8PROC_DECOMPOSE, &bound) < 1 || d[0] >= 0x80)
            return 0;
        cp = d[0];
    }
    return cp > 0 && strchr("aeiouyhAEIOUYH", (int)cp) != NULL;
}


/* Normalize a cleaned (apostrophe-free) non-ASCII token with utf8proc and
 * emit each word run of the result. */
static int normalize_slow(struct analyzer *a, const char *s, size_t n, size_t start, size_t end,
                          uint32_t *pos, token_fn fn, void *ctx, int flags)
{
    const utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                                   UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE;
    utf8proc_ssize_t got;
    if (decompose(a, s, n, opts, &got))
        return LOCI_ENOMEM;
    if (got <= 0)
        return 0; /* nothing left (a token of marks only, stripped), or
                     invalid input: no token; a fresh analyzer has no
                     buffer yet to re-encode into */
    utf8proc_ssize_t blen = utf8proc_reencode(a->ubuf, got, opts);
    if (blen < 0)
        return 0;
    const unsigned char *r = (const unsigned char *)a->ubuf;
    size_t rn = (size_t)blen, i = 0;
    int prev = C_OTHER;
    while (i < rn) {
        /* skip to a word run */
        size_t l;
        int32_t cp;
        l = decode(r + i, rn - i, &cp);
        int c = classify_cp(cp);
        if (!is_word_class(c)) {
            i += l;
            prev = c;
            continue;
        }
        size_t rs = i;
        prev = c;
        i += l;
        while (i < rn) {
            l = decode(r + i, rn - i, &cp);
            c = classify_cp(cp);
            if (is_word_class(c)) {
                prev = c;
                i += l;
                continue;
            }
            if (c == C_DOTCOMMA && prev == C_DIGIT && i + l < rn) {
                int32_t nx;
                decode(r + i + l, rn - i - l, &nx);
                if (classify_cp(nx) == C_DIGIT) {
                    prev = C_DOTCOMMA;
                    i += l;
                    continue;
                }
            }
            break;
        }
        int rc = emit(a, (const char *)r + rs, i - rs, start, end, pos, fn, ctx, flags);
        if (rc)
            return rc;
    }
    return 0;
}

/* The common token — ASCII letters and digits ended by ASCII punctuation,
 * space or the end of the text — lower-cased into a->clean in one pass.
 * Returns its end, or 0 when the token at `start` needs the general scan
 * (an apostrophe, a '.'/',' after a digit, a non-ASCII byte, or a token
 * too long for `clean`); the general scan then starts over at `start`. */
static size_t scan_ascii(struct analyzer *a, const unsigned char *s, size_t len, size_t start)
{
    size_t lim = len - start < sizeof a->clean ? len : start + sizeof a->clean;
    size_t j = start;
    while (j < lim && ascii_word[s[j]]) {
        a->clean[j - start] = ascii_lower[s[j]];
        j++;
    }
    if (j == len)
        return j;
    if (j == lim || s[j] >= 0x80)
        return 0;
    int c = ascii_class[s[j]];
    if (c == C_APOS || (c == C_DOTCOMMA && ascii_class[s[j - 1]] == C_DIGIT))
        return 0;
    return j;
}

static int run(struct analyzer *a, const char *text, size_t len, token_fn fn, void *ctx,
               int flags)
{
    const unsigned char *s = (const unsigned char *)text;
    const int slow = flags & RUN_SLOW, cjk = !a->legacy;
    uint32_t pos = 0;
    size_t i = 0;
    while (i < len) {
        size_t l;
        if (!slow && ascii_word[s[i]]) {
            size_t e = scan_ascii(a, s, len, i);
            if (e) {
                int rc = emit(a, a->clean, e - i, i, e, &pos, fn, ctx, flags);
                if (rc)
                    return rc;
                i = e;
                continue;
            }
        }
        /* Only this scan counts invalid sequences: the token loop below
         * stops before one and leaves it to be counted here. */
        int32_t cp;
        int c = class_at(a, s, len, i, &l, &cp, slow, 1);
        if (!is_word_class(c)) {
            i += l;
            continue;
        }
        if (cjk && cjk_base(cp)) {
            int rc = cjk_scan(a, s, len, &i, &pos, fn, ctx);
            if (rc)
                return rc;
            continue;
        }
        /* A token: word characters, joined across an apostrophe or format
         * character between word characters, and across '.'/',' between
         * digits. Remember apostrophe positions to clean them out. */
        size_t start = i, end;
        int prev = c, ascii = s[i] < 0x80;
        size_t napos = 0, last_apos = 0, first_apos = 0, first_apos_len = 0;
        i += l;
        for (;;) {
            if (i >= len)
                break;
            c = class_at(a, s, len, i, &l, &cp, slow, 0);
            if (is_word_class(c)) {
                if (cjk && cjk_base(cp))
                    break; /* a CJK run ends the word */
                ascii &= s[i] < 0x80;
                prev = c;
                i += l;
                continue;
            }
            if (c == C_APOS || c == C_JOIN || (c == C_DOTCOMMA && prev == C_DIGIT)) {
                size_t l2;
                if (i + l >= len)
                    break;
                int32_t cp2;
                int c2 = class_at(a, s, len, i + l, &l2, &cp2, slow, 0);
                if (c == C_DOTCOMMA ? c2 == C_DIGIT
                                    : is_word_class(c2) && !(cjk && cjk_base(cp2))) {
                    if (c == C_APOS) {
                        if (!napos) {
                            first_apos = i;
                            first_apos_len = l;
                        }
                        napos++;
                        last_apos = i;
                    }
                    ascii &= s[i] < 0x80;
                    prev = c;
                    i += l;
                    continue;
                }
            }
            break;
        }
        end = i;
        /* Elision: the token starts after its article ("l'école" → école) */
        if (napos && a->elision && !a->legacy && elidable(a->elision, s + start, first_apos - start)) {
            int32_t v;
            decode(s + first_apos + first_apos_len, len - first_apos - first_apos_len, &v);
            if (vowel_or_h(v)) {
                start = first_apos + first_apos_len;
                napos--;
            }
        }
        /* Clean: drop a final possessive 's, remove apostrophes. */
        size_t cut = end;
        if (napos) {
            size_t al = decode(s + last_apos, len - last_apos, &cp);
            if (last_apos + al + 1 == end && (s[end - 1] == 's' || s[end - 1] == 'S'))
                cut = last_apos;
        }
        size_t need = cut - start;
        char *out = a->clean;
        if (need > sizeof a->clean) {
            if (need > a->bigcap) {
                char *p = realloc(a->big, need);
                if (!p)
                    return LOCI_ENOMEM;
                a->big = p;
                a->bigcap = need;
            }
            out = a->big;
        }
        size_t n = 0;
        for (size_t j = start; j < cut;) {
            size_t jl = 1;
            cp = s[j];
            if (s[j] >= 0x80)
                jl = decode(s + j, cut - j, &cp);
            if (!is_apostrophe(cp)) {
                if (ascii && !slow)
                    out[n++] = ascii_lower[s[j]];
                else
                    for (size_t k = 0; k < jl; k++)
                        out[n++] = (char)s[j + k];
            }
            j += jl;
        }
        int rc = (ascii && !slow) ? emit(a, out, n, start, end, &pos, fn, ctx, flags)
                                  : normalize_slow(a, out, n, start, end, &pos, fn, ctx, flags);
        if (rc)
            return rc;
    }
    return 0;
}

int analyzer_run(struct analyzer *a, const char *text, size_t len, token_fn fn, void *ctx)
{
    return run(a, text, len, fn, ctx, 0);
}

int analyzer_run_unstemmed(struct analyzer *a, const char *text, size_t len, token_fn fn,
                           void *ctx)
{
    return run(a, text, len, fn, ctx, RUN_RAW);
}

int analyzer_run_slow(struct analyzer *a, const char *text, size_t len, token_fn fn, void *ctx)
{
    return run(a, text, len, fn, ctx, RUN_SLOW);
}
