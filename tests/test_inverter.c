/*
 * test_inverter.c — interning, postings and positions streams, and the
 * sorted term order the writer relies on.
 */
#include "testutil.h"
#include "codec.h"
#include "inverter.h"

static uint32_t intern(struct inverter *inv, const char *s)
{
    uint32_t id;
    assert_int_equal(inverter_intern(inv, s, strlen(s), &id), LOCI_OK);
    return id;
}

static void test_intern_is_stable(void **state)
{
    (void)state;
    struct inverter *inv;
    assert_int_equal(inverter_new(&inv), LOCI_OK);
    char word[32];
    /* enough terms to force several hash table growths */
    for (int i = 0; i < 5000; i++) {
        snprintf(word, sizeof word, "w%d", i);
        assert_int_equal(intern(inv, word), (uint32_t)i);
    }
    for (int i = 0; i < 5000; i += 7) {
        snprintf(word, sizeof word, "w%d", i);
        assert_int_equal(intern(inv, word), (uint32_t)i);
    }
    assert_int_equal(inverter_term_count(inv), 5000);
    inverter_free(inv);
}

static void test_postings_streams(void **state)
{
    (void)state;
    struct inverter *inv;
    assert_int_equal(inverter_new(&inv), LOCI_OK);
    uint32_t a = intern(inv, "alpha"), b = intern(inv, "beta");
    /* passage 0: alpha beta alpha ; passage 5: alpha */
    inverter_begin_passage(inv, 0);
    inverter_add(inv, a, 0);
    inverter_add(inv, b, 1);
    inverter_add(inv, a, 2);
    assert_int_equal(inverter_end_passage(inv), LOCI_OK);
    inverter_begin_passage(inv, 5);
    inverter_add(inv, a, 3);
    assert_int_equal(inverter_end_passage(inv), LOCI_OK);

    struct inv_term *t = inverter_term(inv, a);
    assert_int_equal(t->df, 2);
    /* docs: gap 1 (pid 0 stored +1), tf 2, 2 position bytes; gap 5, tf 1, 1 byte */
    const uint8_t want_docs[] = {1, 2, 2, 5, 1, 1};
    assert_int_equal(t->docs.len, sizeof want_docs);
    assert_memory_equal(t->docs.data, want_docs, sizeof want_docs);
    /* positions: 0, +2 ; 3 */
    const uint8_t want_pos[] = {0, 2, 3};
    assert_int_equal(t->positions.len, sizeof want_pos);
    assert_memory_equal(t->positions.data, want_pos, sizeof want_pos);
    assert_int_equal(inverter_term(inv, b)->df, 1);
    inverter_free(inv);
}

static void test_sorted_order(void **state)
{
    (void)state;
    struct inverter *inv;
    assert_int_equal(inverter_new(&inv), LOCI_OK);
    const char *words[] = {"b", "ab", "a", "abc", "\xc3\xa9", "z"};
    for (size_t i = 0; i < 6; i++)
        intern(inv, words[i]);
    uint32_t *ids = inverter_sorted_ids(inv);
    assert_non_null(ids);
    const char *want[] = {"a", "ab", "abc", "b", "z", "\xc3\xa9"};
    for (size_t i = 0; i < 6; i++) {
        size_t len;
        const char *bytes = inverter_term_bytes(inv, ids[i], &len);
        assert_int_equal(len, strlen(want[i]));
        assert_memory_equal(bytes, want[i], len);
    }
    free(ids);
    inverter_free(inv);
}

/* Fill an inverter with a fixed pattern; return its docs and positions
 * streams of term "t3" concatenated. */
static void fill_pattern(struct inverter *inv, int variant, uint8_t *out, size_t *n)
{
    char word[32];
    uint32_t ids[50];
    /* the variant changes which terms come first, so a reused inverter
     * hands the same term ids to different terms */
    for (int i = 0; i < 50; i++) {
        snprintf(word, sizeof word, "t%d", variant ? 49 - i : i);
        ids[variant ? 49 - i : i] = intern(inv, word);
    }
    for (uint32_t p = 0; p < 40; p++) {
        inverter_begin_passage(inv, p * 3);
        for (uint32_t k = 0; k < 30; k++)
            assert_int_equal(inverter_add(inv, ids[(p * 7 + k * k) % 50], k), LOCI_OK);
        assert_int_equal(inverter_end_passage(inv), LOCI_OK);
    }
    struct inv_term *t = inverter_term(inv, ids[3]);
    memcpy(out, t->docs.data, t->docs.len);
    memcpy(out + t->docs.len, t->positions.data, t->positions.len);
    *n = t->docs.len + t->positions.len;
}

static void test_clear_gives_a_fresh_inverter(void **state)
{
    (void)state;
    static uint8_t fresh[8192], reused[8192];
    size_t nf, nr;
    struct inverter *a, *b;
    assert_int_equal(inverter_new(&a), LOCI_OK);
    assert_int_equal(inverter_new(&b), LOCI_OK);
    fill_pattern(a, 1, fresh, &nf);
    fill_pattern(b, 0, reused, &nr); /* leaves buffers behind */
    inverter_clear(b);
    assert_int_equal(inverter_term_count(b), 0);
    fill_pattern(b, 1, reused, &nr);
    assert_int_equal(nf, nr);
    assert_memory_equal(fresh, reused, nf);
    assert_int_equal(inverter_term_count(b), 50);
    inverter_free(a);
    inverter_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intern_is_stable),
        cmocka_unit_test(test_postings_streams),
        cmocka_unit_test(test_sorted_order),
        cmocka_unit_test(test_clear_gives_a_fresh_inverter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
