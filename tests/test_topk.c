/*
 * test_topk.c — the bounded heap keeps exactly the k best hits, in order,
 * with ties broken by passage id.
 */
#include "testutil.h"
#include "topk.h"

#include <math.h>

static int cmp_hits(const void *a, const void *b)
{
    const loci_hit *x = a, *y = b;
    if (hit_better(x, y))
        return -1;
    if (hit_better(y, x))
        return 1;
    return 0;
}

static void test_random_against_sort(void **state)
{
    (void)state;
    uint64_t seed = 42;
    for (int round = 0; round < 200; round++) {
        size_t n = tu_rand(&seed) % 300, k = 1 + tu_rand(&seed) % 20;
        loci_hit *all = malloc((n ? n : 1) * sizeof *all);
        struct topk t;
        assert_int_equal(topk_init(&t, k), LOCI_OK);
        for (size_t i = 0; i < n; i++) {
            /* few distinct scores, so ties are common */
            all[i] = (loci_hit){(uint32_t)i, 0, (double)(tu_rand(&seed) % 7)};
            topk_push(&t, &all[i]);
        }
        qsort(all, n, sizeof *all, cmp_hits);
        topk_sort(&t);
        size_t want = n < k ? n : k;
        assert_int_equal(t.n, want);
        for (size_t i = 0; i < want; i++) {
            assert_int_equal(t.heap[i].passage, all[i].passage);
            assert_true(t.heap[i].score == all[i].score);
        }
        topk_free(&t);
        free(all);
    }
}

static void test_threshold(void **state)
{
    (void)state;
    struct topk t;
    assert_int_equal(topk_init(&t, 2), LOCI_OK);
    loci_hit a = {1, 0, 5.0}, b = {2, 0, 3.0}, c = {3, 0, 4.0};
    topk_push(&t, &a);
    assert_true(isinf(topk_threshold(&t)));
    topk_push(&t, &b);
    assert_true(topk_threshold(&t) == 3.0);
    topk_push(&t, &c);
    assert_true(topk_threshold(&t) == 4.0);
    topk_sort(&t);
    assert_int_equal(t.heap[0].passage, 1);
    assert_int_equal(t.heap[1].passage, 3);
    topk_free(&t);
}

static void test_tie_prefers_lower_id(void **state)
{
    (void)state;
    struct topk t;
    assert_int_equal(topk_init(&t, 1), LOCI_OK);
    loci_hit a = {9, 0, 1.0}, b = {4, 0, 1.0}, c = {7, 0, 1.0};
    topk_push(&t, &a);
    topk_push(&t, &b);
    topk_push(&t, &c);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.heap[0].passage, 4);
    topk_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_against_sort),
        cmocka_unit_test(test_threshold),
        cmocka_unit_test(test_tie_prefers_lower_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
