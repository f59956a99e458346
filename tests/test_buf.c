/*
 * test_buf.c — the growable byte buffer: appends, growth, integer helpers,
 * free and reuse; and array_grow, the growth of typed arrays.
 */
#include "testutil.h"

#include "buf.h"
#include "codec.h"

static void test_append_and_grow(void **state)
{
    (void)state;
    struct buf b = {0};
    for (int i = 0; i < 10000; i++)
        assert_int_equal(buf_putc(&b, (uint8_t)i), LOCI_OK);
    assert_int_equal(b.len, 10000);
    assert_true(b.cap >= b.len);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(b.data[i], (uint8_t)i);
    assert_int_equal(buf_append(&b, "xyz", 3), LOCI_OK);
    assert_memory_equal(b.data + 10000, "xyz", 3);
    assert_int_equal(buf_append(&b, NULL, 0), LOCI_OK);
    assert_int_equal(b.len, 10003);
    buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(buf_putc(&b, 7), LOCI_OK); /* reusable after free */
    assert_int_equal(b.data[0], 7);
    buf_free(&b);
}

static void test_integers(void **state)
{
    (void)state;
    struct buf b = {0};
    assert_int_equal(buf_put_le32(&b, 0x01020304), LOCI_OK);
    assert_int_equal(buf_put_le64(&b, 0x1122334455667788ULL), LOCI_OK);
    assert_int_equal(buf_put_varint(&b, 300), LOCI_OK);
    const uint8_t want[] = {4, 3, 2, 1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0xac, 0x02};
    assert_int_equal(b.len, sizeof want);
    assert_memory_equal(b.data, want, sizeof want);
    assert_int_equal(le32_get(b.data), 0x01020304);
    assert_true(le64_get(b.data + 4) == 0x1122334455667788ULL);
    buf_free(&b);
}

static void test_array_grow(void **state)
{
    (void)state;
    uint32_t *a = NULL;
    size_t cap = 0, n = 0;
    for (uint32_t i = 0; i < 5000; i++) {
        if (n == cap) {
            size_t before = cap;
            uint32_t *p = array_grow(a, &cap, n + 1, sizeof *p, 16);
            assert_non_null(p);
            assert_int_equal(cap, before ? 2 * before : 16); /* from `first`, then doubling */
            a = p;
        }
        a[n++] = i;
    }
    for (uint32_t i = 0; i < 5000; i++)
        assert_int_equal(a[i], i);
    /* a need beyond one doubling is met at once */
    size_t c2 = cap;
    uint32_t *p = array_grow(a, &c2, 5 * cap, sizeof *p, 16);
    assert_non_null(p);
    a = p;
    assert_true(c2 >= 5 * cap && c2 % cap == 0);
    /* sizes that would overflow fail, leaving the array and its capacity */
    size_t c3 = c2;
    assert_null(array_grow(a, &c3, SIZE_MAX / 2, sizeof *a, 16));
    assert_int_equal(c3, c2);
    assert_null(array_grow(a, &c3, SIZE_MAX, 1, 16));
    assert_int_equal(c3, c2);
    assert_int_equal(a[4999], 4999);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_grow),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_array_grow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
