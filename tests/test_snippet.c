/*
 * test_snippet.c — loci_snippet: about N characters around the densest
 * cluster of matches, whole words, never past the text; the whole text
 * when it is short.
 */
#include "testutil.h"

#include "loci.h"

static size_t nchars(const char *s, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i < b; i++)
        n += ((unsigned char)s[i] & 0xc0) != 0x80;
    return n;
}

/* Spans of every occurrence of `word` in text. */
static size_t find_all(const char *text, const char *word, loci_span *spans, size_t max)
{
    size_t n = 0, wl = strlen(word);
    for (const char *p = strstr(text, word); p && n < max; p = strstr(p + 1, word))
        spans[n++] = (loci_span){(uint32_t)(p - text), (uint32_t)(p - text + wl)};
    return n;
}

static void test_short_text_is_whole(void **state)
{
    (void)state;
    const char *t = "a short passage";
    loci_span sp[] = {{2, 7}};
    size_t s, e;
    loci_snippet(t, strlen(t), sp, 1, 40, &s, &e);
    assert_int_equal(s, 0);
    assert_int_equal(e, strlen(t));
    loci_snippet(t, strlen(t), sp, 1, 0, &s, &e); /* 0: no snippet */
    assert_int_equal(e, strlen(t));
}

static void test_densest_cluster(void **state)
{
    (void)state;
    /* one match early, three close together late: the snippet is the late
     * cluster, in whole words, at most 40 characters */
    const char *t = "kiwi grows far away from here and there is a lot of filler text in "
                    "between the two parts of this passage until the end where kiwi and "
                    "kiwi meet kiwi again at last";
    loci_span sp[8];
    size_t n = find_all(t, "kiwi", sp, 8), s, e;
    assert_int_equal(n, 4);
    loci_snippet(t, strlen(t), sp, n, 40, &s, &e);
    assert_true(s <= sp[1].start && e >= sp[3].end);
    assert_true(nchars(t, s, e) <= 40);
    assert_true(s == 0 || t[s - 1] == ' ');
    assert_true(e == strlen(t) || t[e] == ' ');
    assert_true(t[s] != ' ' && t[e - 1] != ' ');
}

static void test_characters_not_bytes(void **state)
{
    (void)state;
    /* Cyrillic: two bytes a character; 30 characters of it are 60 bytes */
    char t[2000] = "";
    for (int i = 0; i < 40; i++)
        strcat(t, i == 20 ? "ключ " : "слово ");
    loci_span sp[2];
    size_t n = find_all(t, "ключ", sp, 2), s, e;
    assert_int_equal(n, 1);
    loci_snippet(t, strlen(t), sp, n, 30, &s, &e);
    assert_true(s <= sp[0].start && e >= sp[0].end);
    assert_true(nchars(t, s, e) <= 30);
    assert_true(nchars(t, s, e) >= 20); /* not 30 bytes */
}

static void test_no_matches_and_random(void **state)
{
    (void)state;
    const char *t = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu";
    size_t s, e;
    loci_snippet(t, strlen(t), NULL, 0, 20, &s, &e);
    assert_int_equal(s, 0);
    assert_true(nchars(t, s, e) <= 20 && e > 0);
    /* random texts and spans: the snippet stays inside the text, holds at
     * least one span when there is one, and is never longer than asked
     * (unless one span alone is) */
    uint64_t seed = 11;
    for (int round = 0; round < 2000; round++) {
        char text[600];
        size_t len = 0;
        loci_span sp[40];
        size_t n = 0;
        while (len < 500) {
            size_t wl = 1 + tu_rand(&seed) % 9;
            int match = tu_rand(&seed) % 6 == 0 && n < 40;
            if (match)
                sp[n++] = (loci_span){(uint32_t)len, (uint32_t)(len + wl)};
            for (size_t k = 0; k < wl; k++)
                text[len++] = (char)('a' + tu_rand(&seed) % 26);
            text[len++] = ' ';
        }
        len--; /* no trailing space */
        if (n && sp[n - 1].end > len)
            n--;
        size_t want = 10 + tu_rand(&seed) % 200;
        loci_snippet(text, len, sp, n, want, &s, &e);
        assert_true(s <= e && e <= len);
        assert_true(nchars(text, s, e) <= want);
        if (n) {
            int holds = 0;
            for (size_t i = 0; i < n; i++)
                holds |= sp[i].start >= s && sp[i].end <= e;
            assert_true(holds || sp[0].end - sp[0].start > want);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_text_is_whole),
        cmocka_unit_test(test_densest_cluster),
        cmocka_unit_test(test_characters_not_bytes),
        cmocka_unit_test(test_no_matches_and_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
