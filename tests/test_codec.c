/*
 * test_codec.c — varints and bit-packing: round trips on random data
 * (empty, single, every width, maximum values) and rejection of truncated
 * or overlong input.
 */
#include "testutil.h"

#include "codec.h"

static void test_varint_round_trip(void **state)
{
    (void)state;
    uint64_t seed = 1;
    uint8_t buf[VARINT_MAX * 1000];
    uint64_t vals[1000];
    for (int round = 0; round < 50; round++) {
        size_t n = 0;
        for (int i = 0; i < 1000; i++) {
            /* values of every magnitude, including the extremes */
            int bits = (int)(tu_rand(&seed) % 65);
            vals[i] = bits == 64 ? UINT64_MAX : tu_rand(&seed) & ((1ULL << bits) - 1);
            size_t l = varint_put(buf + n, vals[i]);
            assert_int_equal(l, varint_len(vals[i]));
            n += l;
        }
        const uint8_t *p = buf;
        for (int i = 0; i < 1000; i++) {
            uint64_t v;
            assert_int_equal(varint_get(&p, buf + n, &v), 0);
            assert_true(v == vals[i]);
        }
        assert_ptr_equal(p, buf + n);
    }
    assert_int_equal(varint_len(0), 1);
    assert_int_equal(varint_len(127), 1);
    assert_int_equal(varint_len(128), 2);
    assert_int_equal(varint_len(UINT64_MAX), 10);
}

static void test_varint_rejects_bad_input(void **state)
{
    (void)state;
    uint8_t buf[16];
    size_t n = varint_put(buf, 300);
    const uint8_t *p = buf;
    uint64_t v;
    assert_int_equal(varint_get(&p, buf + n - 1, &v), -1); /* truncated */
    assert_ptr_equal(p, buf);
    memset(buf, 0x80, 11);
    buf[11] = 0;
    p = buf;
    assert_int_equal(varint_get(&p, buf + 12, &v), -1); /* 12 bytes: overlong */
    memset(buf, 0xff, 9);
    buf[9] = 0x02; /* 10th byte > 1 overflows 64 bits */
    p = buf;
    assert_int_equal(varint_get(&p, buf + 10, &v), -1);
    buf[9] = 0x01;
    p = buf;
    assert_int_equal(varint_get(&p, buf + 10, &v), 0);
    assert_true(v == UINT64_MAX);
    uint32_t v32;
    n = varint_put(buf, (uint64_t)UINT32_MAX + 1);
    p = buf;
    assert_int_equal(varint_get32(&p, buf + n, &v32), -1);
    n = varint_put(buf, UINT32_MAX);
    p = buf;
    assert_int_equal(varint_get32(&p, buf + n, &v32), 0);
    assert_int_equal(v32, UINT32_MAX);
    p = buf;
    assert_int_equal(varint_get(&p, buf, &v), -1); /* empty */
}

static void test_zigzag(void **state)
{
    (void)state;
    /* small changes either way are small values */
    assert_int_equal(zigzag_encode(0), 0);
    assert_int_equal(zigzag_encode(-1), 1);
    assert_int_equal(zigzag_encode(1), 2);
    assert_int_equal(zigzag_encode(-2), 3);
    const int64_t v[] = {0, 1, -1, 63, -64, 64, 1000000, -1000000, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        assert_true(zigzag_decode(zigzag_encode(v[i])) == v[i]);
    assert_true(zigzag_encode(INT64_MIN) == UINT64_MAX);
}

static void test_bitpack_round_trip(void **state)
{
    (void)state;
    uint64_t seed = 2;
    uint32_t in[BITPACK_MAX], out[BITPACK_MAX];
    uint8_t packed[BITPACK_MAX * 4 + 8];
    for (unsigned w = 0; w <= 32; w++) {
        for (int round = 0; round < 40; round++) {
            size_t n = round == 0 ? 0 : round == 1 ? 1 : round == 2 ? BITPACK_MAX
                                                                    : 1 + tu_rand(&seed) % BITPACK_MAX;
            uint32_t mask = w == 32 ? UINT32_MAX : (1u << w) - 1;
            for (size_t i = 0; i < n; i++)
                in[i] = round == 3 ? mask : (uint32_t)tu_rand(&seed) & mask;
            if (n && w)
                in[0] = mask; /* the width is exactly w */
            assert_int_equal(bitpack_width(in, n), n && w ? w : 0);
            size_t bytes = bitpack_encode(in, n, w, packed);
            assert_int_equal(bytes, bitpack_bytes(n, w));
            memset(out, 0xab, sizeof out);
            assert_int_equal(bitpack_decode(packed, packed + bytes, n, w, out), bytes);
            assert_memory_equal(in, out, n * sizeof *in);
            /* with bytes after the values (as inside a postings file) the
             * 8-byte loads cover more of them: same values */
            memset(packed + bytes, 0xff, 8);
            memset(out, 0xab, sizeof out);
            assert_int_equal(bitpack_decode(packed, packed + bytes + 8, n, w, out), bytes);
            assert_memory_equal(in, out, n * sizeof *in);
            /* every slack from none to 8 bytes moves where the 8-byte
             * loads must stop; an exact-size heap copy lets the sanitizer
             * tests catch a load past the end */
            for (size_t slack = 0; slack <= 8; slack++) {
                uint8_t *copy = malloc(bytes + slack ? bytes + slack : 1);
                assert_non_null(copy);
                memcpy(copy, packed, bytes + slack);
                memset(out, 0xab, sizeof out);
                assert_int_equal(bitpack_decode(copy, copy + bytes + slack, n, w, out), bytes);
                assert_memory_equal(in, out, n * sizeof *in);
                free(copy);
            }
            if (bytes > 0) /* one byte short must be refused */
                assert_int_equal(bitpack_decode(packed, packed + bytes - 1, n, w, out), 0);
        }
    }
    uint32_t z[3] = {9, 9, 9};
    assert_int_equal(bitpack_decode(packed, packed, 3, 0, z), 0);
    assert_int_equal(z[0] + z[1] + z[2], 0); /* width 0: all zeros */
    assert_int_equal(bitpack_decode(packed, packed + 100, 3, 33, z), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_varint_round_trip),
        cmocka_unit_test(test_varint_rejects_bad_input),
        cmocka_unit_test(test_zigzag),
        cmocka_unit_test(test_bitpack_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
