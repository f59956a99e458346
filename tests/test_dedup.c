/*
 * test_dedup.c — the table of texts seen in a build: an identical text is
 * found as the first document that had it, different texts (even of the
 * same length, or one a prefix of another) are not, empty texts and
 * texts over DEDUP_MAX are never recorded, and the table keeps every
 * text through its growth.
 */
#include "testutil.h"

#include "dedup.h"

static void test_same_and_different(void **state)
{
    (void)state;
    struct dedup d = {0};
    assert_int_equal(dedup_find_or_add(&d, "alpha beta", 10, 0), -1);
    assert_int_equal(dedup_find_or_add(&d, "alpha betb", 10, 1), -1);
    assert_int_equal(dedup_find_or_add(&d, "alpha bet", 9, 2), -1);
    assert_int_equal(dedup_find_or_add(&d, "alpha beta", 10, 3), 0);
    assert_int_equal(dedup_find_or_add(&d, "alpha bet", 9, 4), 2);
    /* the 8-byte words and the tail both count */
    assert_int_equal(dedup_find_or_add(&d, "0123456789abcdefX", 17, 5), -1);
    assert_int_equal(dedup_find_or_add(&d, "0123456789abcdefY", 17, 6), -1);
    assert_int_equal(dedup_find_or_add(&d, "1123456789abcdefX", 17, 7), -1);
    assert_int_equal(dedup_find_or_add(&d, "0123456789abcdefX", 17, 8), 5);
    /* empty texts are not duplicates */
    assert_int_equal(dedup_find_or_add(&d, "", 0, 9), -1);
    assert_int_equal(dedup_find_or_add(&d, "", 0, 10), -1);
    dedup_free(&d);
}

static void test_too_large(void **state)
{
    (void)state;
    struct dedup d = {0};
    char *big = calloc(DEDUP_MAX + 1, 1);
    assert_non_null(big);
    assert_int_equal(dedup_find_or_add(&d, big, DEDUP_MAX + 1, 0), -1);
    assert_int_equal(dedup_find_or_add(&d, big, DEDUP_MAX + 1, 1), -1);
    assert_int_equal(dedup_find_or_add(&d, big, DEDUP_MAX, 2), -1);
    assert_int_equal(dedup_find_or_add(&d, big, DEDUP_MAX, 3), 2);
    free(big);
    dedup_free(&d);
}

static void test_growth(void **state)
{
    (void)state;
    struct dedup d = {0};
    enum { N = 20000 };
    char t[32];
    for (uint32_t i = 0; i < N; i++) {
        int n = snprintf(t, sizeof t, "text number %u", i);
        assert_int_equal(dedup_find_or_add(&d, t, (size_t)n, i), -1);
    }
    assert_true(d.cap >= 2 * N);
    for (uint32_t i = 0; i < N; i++) {
        int n = snprintf(t, sizeof t, "text number %u", i);
        assert_int_equal(dedup_find_or_add(&d, t, (size_t)n, N + i), i);
    }
    assert_int_equal(d.n, N);
    dedup_free(&d);
    assert_null(d.slots);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_and_different),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
