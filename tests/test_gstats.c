/*
 * test_gstats.c — global statistics (common/gstats.h): parts summed, a
 * term given twice by one part counted once, terms sorted, lookups and
 * prefix ranges, and the public accessors.
 */
#include "testutil.h"

#include "gstats.h"

static void add(loci_global_stats *s, const char *t, uint64_t df)
{
    assert_int_equal(loci_global_stats_add_term(s, t, strlen(t), df), LOCI_OK);
}

static void test_sum_and_lookup(void **state)
{
    (void)state;
    loci_global_stats *s;
    assert_int_equal(loci_global_stats_new(&s), LOCI_OK);
    assert_int_equal(loci_global_stats_add_part(s, 10, 100), LOCI_OK);
    add(s, "beta", 3);
    add(s, "alpha", 2);
    add(s, "beta", 3); /* the same part, the same term: once */
    assert_int_equal(loci_global_stats_add_part(s, 5, 40), LOCI_OK);
    add(s, "alpha", 4);
    add(s, "alphabet", 1);
    add(s, "gamma", 0);
    assert_int_equal(loci_global_stats_passages(s), 15);
    assert_int_equal(loci_global_stats_tokens(s), 140);
    assert_int_equal(loci_global_stats_count(s), 4);
    assert_int_equal(gstats_df(s, "alpha", 5), 6);
    assert_int_equal(gstats_df(s, "beta", 4), 3);
    assert_int_equal(gstats_df(s, "gamma", 5), 0);
    assert_int_equal(gstats_df(s, "delta", 5), -1);
    assert_int_equal(gstats_df(s, "alph", 4), -1);
    const char *t;
    size_t len;
    uint64_t df;
    const char *want[] = {"alpha", "alphabet", "beta", "gamma"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(loci_global_stats_term(s, i, &t, &len, &df), LOCI_OK);
        assert_int_equal(len, strlen(want[i]));
        assert_memory_equal(t, want[i], len);
    }
    assert_int_equal(loci_global_stats_term(s, 4, &t, &len, &df), LOCI_EINVAL);
    size_t lo, hi;
    gstats_prefix(s, "alp", 3, &lo, &hi);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 2);
    gstats_prefix(s, "b", 1, &lo, &hi);
    assert_int_equal(hi - lo, 1);
    gstats_prefix(s, "z", 1, &lo, &hi);
    assert_int_equal(hi - lo, 0);
    /* adding after sealing seals again */
    assert_int_equal(loci_global_stats_add_part(s, 1, 1), LOCI_OK);
    add(s, "alpha", 1);
    assert_int_equal(loci_global_stats_count(s), 4);
    assert_int_equal(gstats_df(s, "alpha", 5), 7);
    loci_global_stats_free(s);
}

static void test_overflow_refused(void **state)
{
    (void)state;
    loci_global_stats *s;
    assert_int_equal(loci_global_stats_new(&s), LOCI_OK);
    assert_int_equal(loci_global_stats_add_part(s, UINT64_MAX, 1), LOCI_OK);
    assert_int_equal(loci_global_stats_add_part(s, 1, 1), LOCI_EINVAL);
    assert_int_equal(loci_global_stats_passages(s), UINT64_MAX);
    /* an empty sum has no term */
    assert_int_equal(loci_global_stats_count(s), 0);
    size_t lo, hi;
    gstats_prefix(s, "", 0, &lo, &hi);
    assert_int_equal(hi, lo);
    loci_global_stats_free(s);
    loci_global_stats_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sum_and_lookup),
        cmocka_unit_test(test_overflow_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
