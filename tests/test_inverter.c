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
    /* docs: gap 1 (pid 0 stored +1), tf 2; gap 5, tf 1 */
    const uint8_t want_docs[] = {1, 2, 5, 1};
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
        struct inv_term *t = inverter_term(inv, ids[i]);
        assert_int_equal(t->len, strlen(want[i]));
        assert_memory_equal(t->bytes, want[i], t->len);
    }
    free(ids);
    inverter_free(inv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intern_is_stable),
        cmocka_unit_test(test_postings_streams),
        cmocka_unit_test(test_sorted_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
