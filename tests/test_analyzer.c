/*
 * test_analyzer.c — tokenization, normalization and stemming: every
 * example of the analyzer contract, invalid UTF-8, truncation, and the
 * ASCII fast path giving exactly the utf8proc path's tokens.
 */
#include "testutil.h"

#include "analyzer.h"

#define MAXTOK 64

struct toks {
    size_t n;
    char term[MAXTOK][ANALYZER_MAX_TERM + 1];
    size_t start[MAXTOK], end[MAXTOK];
    uint32_t pos[MAXTOK];
    int kind[MAXTOK];
};

static int collect(void *ctx, const struct token *t)
{
    struct toks *k = ctx;
    assert_true(t->term_len >= 1 && t->term_len <= ANALYZER_MAX_TERM);
    if (k->n < MAXTOK) {
        memcpy(k->term[k->n], t->term, t->term_len);
        k->term[k->n][t->term_len] = '\0';
        k->start[k->n] = t->start;
        k->end[k->n] = t->end;
        k->pos[k->n] = t->pos;
        k->kind[k->n] = t->kind;
    }
    k->n++;
    return 0;
}

static struct analyzer *make(const char *lang)
{
    struct analyzer *a;
    loci_error err;
    assert_int_equal(analyzer_new(lang, &a, &err), LOCI_OK);
    return a;
}

static struct toks run(struct analyzer *a, const char *text)
{
    struct toks k;
    memset(&k, 0, sizeof k);
    assert_int_equal(analyzer_run(a, text, strlen(text), collect, &k), 0);
    return k;
}

/* Terms of `text` joined by spaces. */
static const char *terms(struct analyzer *a, const char *text)
{
    static char out[1024];
    struct toks k = run(a, text);
    out[0] = '\0';
    for (size_t i = 0; i < k.n && i < MAXTOK; i++) {
        if (i)
            strcat(out, " ");
        strcat(out, k.term[i]);
    }
    return out;
}

static void test_hyphen_splits(void **state)
{
    (void)state;
    struct analyzer *a = make("none");
    assert_string_equal(terms(a, "Indo-Pacific"), "indo pacific");
    struct toks k = run(a, "the Indo-Pacific.");
    assert_int_equal(k.n, 3);
    assert_int_equal(k.start[1], 4);
    assert_int_equal(k.end[1], 8);
    assert_int_equal(k.start[2], 9);
    assert_int_equal(k.end[2], 16);
    assert_int_equal(k.pos[2], 2);
    analyzer_free(a);
}

static void test_apostrophes(void **state)
{
    (void)state;
    struct analyzer *a = make("none");
    assert_string_equal(terms(a, "ROK\xe2\x80\x99s goal"), "rok goal");
    assert_string_equal(terms(a, "ROK's goal"), "rok goal");
    assert_string_equal(terms(a, "don't"), "dont");
    assert_string_equal(terms(a, "don\xe2\x80\x99t"), "dont");
    assert_string_equal(terms(a, "'quoted' words'"), "quoted words");
    /* the possessive keeps its byte range: the whole original token */
    struct toks k = run(a, "ROK's");
    assert_int_equal(k.end[0], 5);
    analyzer_free(a);
}

static void test_numbers(void **state)
{
    (void)state;
    struct analyzer *a = make("english");
    assert_string_equal(terms(a, "$11.7 billion"), "11.7 billion");
    assert_string_equal(terms(a, "2,000 units."), "2,000 unit");
    assert_string_equal(terms(a, "end. Next"), "end next");
    assert_string_equal(terms(a, "version 1.2.3"), "version 1.2.3");
    analyzer_free(a);
}

static void test_fullwidth_and_accents(void **state)
{
    (void)state;
    struct analyzer *a = make("english");
    assert_string_equal(terms(a, "\xef\xbc\xa3\xef\xbc\xa3\xef\xbc\xa4\xef\xbc\xa3\xef\xbc\xaf\xef\xbc\xa5"),
                        "ccdcoe");
    assert_string_equal(terms(a, "CCDCOE"), "ccdcoe");
    char x[256];
    strcpy(x, terms(a, "vis-\xc3\xa0-vis"));
    assert_string_equal(x, terms(a, "vis a vis"));
    assert_string_equal(terms(a, "Caf\xc3\xa9 na\xc3\xafve"), terms(a, "cafe naive"));
    /* decomposed input (e + combining acute) equals precomposed */
    strcpy(x, terms(a, "cafe\xcc\x81"));
    assert_string_equal(x, terms(a, "caf\xc3\xa9"));
    /* ligature ﬁ (NFKC) */
    assert_string_equal(terms(a, "\xef\xac\x81nal"), terms(a, "final"));
    analyzer_free(a);
}

static void test_other_scripts(void **state)
{
    (void)state;
    struct analyzer *a = make("english");
    /* 대한민국 국회: two Hangul words, 12 and 6 bytes: bigrams and tails */
    struct toks k = run(a, "대한민국 국회");
    assert_string_equal(terms(a, "대한민국 국회"), "대한 한민 민국 국 국회 회");
    assert_int_equal(k.n, 6);
    assert_int_equal(k.start[4], 13);
    assert_int_equal(k.end[4], 19);
    assert_int_equal(k.pos[4], 4);
    /* in legacy mode (format 4.0), a run is one token */
    analyzer_legacy(a);
    assert_true(analyzer_is_legacy(a));
    k = run(a, "대한민국 국회");
    assert_int_equal(k.n, 2);
    assert_int_equal(k.start[0], 0);
    assert_int_equal(k.end[0], 12);
    assert_int_equal(k.start[1], 13);
    assert_int_equal(k.end[1], 19);
    assert_string_equal(k.term[1], "국회");
    analyzer_free(a);
    a = make("none");
    /* Greek and Cyrillic case folding */
    assert_string_equal(terms(a, "\xce\x91\xce\x98\xce\x97\xce\x9d\xce\x91"),
                        "\xce\xb1\xce\xb8\xce\xb7\xce\xbd\xce\xb1");
    assert_string_equal(terms(a, "\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90"),
                        "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0");
    /* ½ normalizes to 1⁄2: two tokens with the original byte range */
    k = run(a, "\xc2\xbd");
    assert_int_equal(k.n, 2);
    assert_string_equal(k.term[0], "1");
    assert_string_equal(k.term[1], "2");
    assert_int_equal(k.end[1], 2);
    analyzer_free(a);
}

/* Token i of k has this byte range and kind. */
static void assert_tok(const struct toks *k, size_t i, size_t start, size_t end, int kind)
{
    assert_true(i < k->n);
    assert_int_equal(k->start[i], start);
    assert_int_equal(k->end[i], end);
    assert_int_equal(k->kind[i], kind);
}

/* CJK runs: overlapping bigrams, then the run's last character; a run of
 * one character is that character; ranges cover the characters. */
static void test_cjk_bigrams(void **state)
{
    (void)state;
    struct analyzer *a = make("english");
    /* Chinese */
    struct toks k = run(a, "网络安全");
    assert_string_equal(terms(a, "网络安全"), "网络 络安 安全 全");
    assert_tok(&k, 0, 0, 6, TOKEN_CJK_BIGRAM);
    assert_tok(&k, 1, 3, 9, TOKEN_CJK_BIGRAM);
    assert_tok(&k, 3, 9, 12, TOKEN_CJK_TAIL);
    assert_int_equal(k.pos[3], 3);
    /* Japanese: kanji and kana in one run; CJK punctuation separates */
    assert_string_equal(terms(a, "東京に行く。サイバー"), "東京 京に に行 行く く サイ イバ バー ー");
    /* Korean: the particle is a bigram of its own, the word's bigram stays */
    assert_string_equal(terms(a, "협력을"), "협력 력을 을");
    /* a lone character */
    k = run(a, "a 東 b");
    assert_int_equal(k.n, 3);
    assert_string_equal(k.term[1], "東");
    assert_tok(&k, 1, 2, 5, TOKEN_CJK_LONE);
    /* mixed: a CJK run ends a Latin word and the other way round */
    k = run(a, "Tokyo東京大学Universities");
    assert_string_equal(terms(a, "Tokyo東京大学Universities"), "tokyo 東京 京大 大学 学 univers");
    assert_tok(&k, 0, 0, 5, TOKEN_WORD);
    assert_tok(&k, 1, 5, 11, TOKEN_CJK_BIGRAM);
    assert_tok(&k, 4, 14, 17, TOKEN_CJK_TAIL);
    assert_tok(&k, 5, 17, 29, TOKEN_WORD);
    assert_int_equal(k.pos[5], 5);
    /* halfwidth katakana normalize to fullwidth (ﾊﾞ is one character) */
    char x[256];
    strcpy(x, terms(a, "ｻｲﾊﾞｰ"));
    assert_string_equal(x, "サイ イバ バー ー");
    /* the dakuten is kept: バ is not ハ */
    assert_string_equal(terms(a, "バ"), "バ");
    /* decomposed jamo compose into their syllable, one character */
    assert_string_equal(terms(a, "\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab\xea\xb5\xad"), "한국 국");
    /* a variation selector joins its character and is dropped */
    k = run(a, "東\xef\xb8\x80京");
    assert_string_equal(k.term[0], "東京");
    assert_int_equal(k.end[0], 9);
    /* bigrams are not stemmed */
    const char *st;
    size_t sl;
    assert_int_equal(analyzer_stem(a, "東京", 6, &st, &sl), LOCI_OK);
    assert_int_equal(sl, 6);
    analyzer_free(a);
}

/* French and Italian elision (Lucene's lists), before a vowel or h. */
static void test_elision(void **state)
{
    (void)state;
    struct analyzer *a = make("french");
    char x[256];
    strcpy(x, terms(a, "école"));
    assert_string_equal(terms(a, "l'école"), x);
    assert_string_equal(terms(a, "L\xe2\x80\x99\xc3\x89" "cole"), x);
    struct toks k = run(a, "l'école");
    assert_int_equal(k.start[0], 2); /* the range starts after the article */
    assert_int_equal(k.end[0], 8);
    strcpy(x, terms(a, "homme il hier"));
    assert_string_equal(terms(a, "l'homme qu'il jusqu'hier"), x);
    /* not before a consonant, not a word that is no article */
    assert_string_equal(terms(a, "l'table"), "ltabl");
    assert_string_equal(terms(a, "aujourd'hui"), "aujourdhui");
    assert_string_equal(terms(a, "dell'anno"), "dellanno");
    analyzer_free(a);
    a = make("italian");
    strcpy(x, terms(a, "anno amica uomo"));
    assert_string_equal(terms(a, "dell'anno un'amica l'uomo"), x);
    analyzer_free(a);
    /* other languages keep the apostrophe's old rule */
    a = make("none");
    assert_string_equal(terms(a, "l'école"), "lecole");
    analyzer_free(a);
    a = make("french");
    analyzer_legacy(a);
    assert_string_equal(terms(a, "l'école"), "lecol");
    analyzer_free(a);
}

static void test_long_tokens_truncated(void **state)
{
    (void)state;
    struct analyzer *a = make("none");
    char text[400];
    memset(text, 'x', 300);
    text[300] = '\0';
    struct toks k = run(a, text);
    assert_int_equal(k.n, 1);
    assert_int_equal(strlen(k.term[0]), ANALYZER_MAX_TERM);
    assert_int_equal(k.end[0], 300);
    /* multi-byte: 150 × "é" (2 bytes): cut at a character boundary */
    text[0] = '\0';
    for (int i = 0; i < 150; i++)
        strcat(text, "\xc3\xa9");
    k = run(a, text);
    assert_int_equal(k.n, 1);
    assert_true(strlen(k.term[0]) <= ANALYZER_MAX_TERM);
    assert_int_equal(strlen(k.term[0]), ANALYZER_MAX_TERM); /* folded to 'e', 1 byte each */
    memset(text, 0, sizeof text);
    for (int i = 0; i < 100; i++)
        strcat(text, "\xce\xb1"); /* α stays 2 bytes */
    k = run(a, text);
    assert_int_equal(strlen(k.term[0]) % 2, 0);
    assert_true(strlen(k.term[0]) <= ANALYZER_MAX_TERM);
    analyzer_free(a);
}

/* A token of combining marks only strips to nothing: no token, and no
 * crash in a fresh analyzer (fuzz_build found a NULL write there). */
static void test_marks_only_token(void **state)
{
    (void)state;
    struct analyzer *a = make("none");
    assert_string_equal(terms(a, "\xd6\xb9"), "");
    assert_string_equal(terms(a, "x \xd6\xb9 y"), "x y");
    analyzer_free(a);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    struct analyzer *a = make("none");
    const char *cases[] = {"ab\xff" "cd", "ab\xc0\x80" "cd", "ab\xed\xa0\x80" "cd", "ab\xe2\x82" "cd"};
    uint64_t before = 0;
    for (size_t i = 0; i < 4; i++) {
        struct toks k = run(a, cases[i]);
        assert_int_equal(k.n, 2);
        assert_string_equal(k.term[0], "ab");
        assert_string_equal(k.term[1], "cd");
        assert_true(analyzer_invalid_count(a) > before);
        before = analyzer_invalid_count(a);
        size_t bad = 99;
        assert_int_equal(utf8_valid(cases[i], strlen(cases[i]), &bad), 0);
        assert_int_equal(bad, 2);
    }
    /* one replacement per maximal invalid subpart */
    assert_int_equal(analyzer_invalid_count(a), 1 + 2 + 3 + 1);
    size_t bad;
    assert_int_equal(utf8_valid("caf\xc3\xa9 \xf0\x9f\x98\x80", 10, &bad), 1);
    assert_int_equal(utf8_valid("\xf4\x90\x80\x80", 4, &bad), 0); /* > U+10FFFF */
    /* the same offsets after runs of ASCII long enough for the 8-byte scan */
    for (size_t pre = 0; pre < 20; pre++) {
        char t[64];
        memset(t, 'a', pre);
        memcpy(t + pre, "\xc3\xa9xyz\xff" "abcdefghij", 16);
        assert_int_equal(utf8_valid(t, pre + 16, &bad), 0);
        assert_int_equal(bad, pre + 5);
        assert_int_equal(utf8_valid(t, pre + 5, &bad), 1);
    }
    analyzer_free(a);
}

static void test_stemming(void **state)
{
    (void)state;
    struct analyzer *a = make("english");
    assert_string_equal(terms(a, "running runs"), "run run");
    assert_string_equal(terms(a, "Cybersecurity"), terms(a, "cybersecurity"));
    assert_string_equal(terms(a, "2022"), "2022");
    assert_string_equal(analyzer_language(a), "english");
    analyzer_free(a);
    struct analyzer *b;
    loci_error err;
    assert_int_equal(analyzer_new("klingon", &b, &err), LOCI_EINVAL);
    assert_non_null(strstr(err.message, "klingon"));
    assert_null(b);
    a = make("french");
    assert_string_equal(terms(a, "continuellement"), "continuel");
    analyzer_free(a);
    /* a language name in any case; the list of names has them */
    a = make("German");
    assert_string_equal(analyzer_language(a), "german");
    assert_string_equal(terms(a, "Häuser"), "haus");
    analyzer_free(a);
    int german = 0, english = 0;
    for (const char *const *l = loci_stem_languages(); *l; l++) {
        german |= !strcmp(*l, "german");
        english |= !strcmp(*l, "english");
    }
    assert_true(german && english);
}

static int stop_at_two(void *ctx, const struct token *t)
{
    (void)t;
    int *n = ctx;
    return ++*n == 2 ? 42 : 0;
}

static void test_callback_stops(void **state)
{
    (void)state;
    struct analyzer *a = make("none");
    int n = 0;
    assert_int_equal(analyzer_run(a, "one two three", 13, stop_at_two, &n), 42);
    assert_int_equal(n, 2);
    analyzer_free(a);
}

static void test_ascii_fast_path_equals_utf8proc(void **state)
{
    (void)state;
    static const char alphabet[] = "aAbBzZqQeE09 5\n\t'.,-;:!?()\"xyzXYZ";
    struct analyzer *a = make("english");
    uint64_t seed = 1234;
    char text[200];
    for (int round = 0; round < 5000; round++) {
        size_t len = tu_rand(&seed) % sizeof text;
        for (size_t i = 0; i < len; i++)
            text[i] = alphabet[tu_rand(&seed) % (sizeof alphabet - 1)];
        struct toks fast, slow;
        memset(&fast, 0, sizeof fast);
        memset(&slow, 0, sizeof slow);
        assert_int_equal(analyzer_run(a, text, len, collect, &fast), 0);
        assert_int_equal(analyzer_run_slow(a, text, len, collect, &slow), 0);
        assert_int_equal(fast.n, slow.n);
        for (size_t i = 0; i < fast.n && i < MAXTOK; i++) {
            assert_string_equal(fast.term[i], slow.term[i]);
            assert_int_equal(fast.start[i], slow.start[i]);
            assert_int_equal(fast.end[i], slow.end[i]);
            assert_int_equal(fast.pos[i], slow.pos[i]);
        }
    }
    analyzer_free(a);
}

/* analyzer_run_unstemmed + analyzer_stem, as the indexer uses them. */
struct stem_ctx {
    struct analyzer *a;
    struct toks *k;
};

static int stem_then_collect(void *ctx, const struct token *t)
{
    struct stem_ctx *c = ctx;
    struct token s = *t;
    assert_int_equal(analyzer_stem(c->a, t->term, t->term_len, &s.term, &s.term_len), LOCI_OK);
    if (s.term_len == 0)
        return 0;
    s.pos = (uint32_t)c->k->n; /* positions count the kept tokens */
    return collect(c->k, &s);
}

static void test_unstemmed_then_stem_equals_run(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "running ", "Runs ", "ROK's ", "don't ", "11.7 ", "1,000 ", "caf\xc3\xa9 ",
        "\xef\xbc\xa3\xef\xbc\xa3 ", "\xc2\xbd ", "na\xc3\xafve-ly ", "x\xe2\x80\x99s ",
        "generalizations ", "\n\n", "e.g. ", "A ", "cybersecurity ", "THE ", "\xe4\xb8\xad\xe6\x96\x87 ",
        "サイバー", "협력을 ", "Tokyo東京", "東 ", "ｻｲﾊﾞｰ "};
    struct analyzer *a = make("english"), *b = make("english");
    uint64_t seed = 99;
    char text[600];
    for (int round = 0; round < 2000; round++) {
        size_t len = 0;
        int n = (int)(tu_rand(&seed) % 20);
        for (int i = 0; i < n; i++) {
            const char *p = pieces[tu_rand(&seed) % (sizeof pieces / sizeof *pieces)];
            memcpy(text + len, p, strlen(p));
            len += strlen(p);
        }
        struct toks whole, split;
        memset(&whole, 0, sizeof whole);
        memset(&split, 0, sizeof split);
        struct stem_ctx c = {b, &split};
        assert_int_equal(analyzer_run(a, text, len, collect, &whole), 0);
        assert_int_equal(analyzer_run_unstemmed(b, text, len, stem_then_collect, &c), 0);
        assert_int_equal(whole.n, split.n);
        for (size_t i = 0; i < whole.n && i < MAXTOK; i++) {
            assert_string_equal(whole.term[i], split.term[i]);
            assert_int_equal(whole.start[i], split.start[i]);
            assert_int_equal(whole.end[i], split.end[i]);
            assert_int_equal(whole.pos[i], split.pos[i]);
        }
    }
    /* unstemmed really is unstemmed; numbers and "none" are their own stems */
    const char *st;
    size_t sl;
    assert_int_equal(analyzer_stem(a, "running", 7, &st, &sl), LOCI_OK);
    assert_int_equal(sl, 3);
    assert_memory_equal(st, "run", 3);
    assert_int_equal(analyzer_stem(a, "1,000", 5, &st, &sl), LOCI_OK);
    assert_int_equal(sl, 5);
    analyzer_free(a);
    analyzer_free(b);
    a = make("none");
    assert_int_equal(analyzer_stem(a, "running", 7, &st, &sl), LOCI_OK);
    assert_int_equal(sl, 7);
    analyzer_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hyphen_splits),
        cmocka_unit_test(test_apostrophes),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_fullwidth_and_accents),
        cmocka_unit_test(test_other_scripts),
        cmocka_unit_test(test_cjk_bigrams),
        cmocka_unit_test(test_elision),
        cmocka_unit_test(test_long_tokens_truncated),
        cmocka_unit_test(test_marks_only_token),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_stemming),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_ascii_fast_path_equals_utf8proc),
        cmocka_unit_test(test_unstemmed_then_stem_equals_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
