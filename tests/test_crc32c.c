/*
 * test_crc32c.c — CRC-32C: the published check value, continuation, and
 * the hardware path (three interleaved streams, combined) against the
 * table-driven one for many lengths and alignments.
 */
#include "testutil.h"

#include "crc32c.h"

static void test_check_values(void **state)
{
    (void)state;
    assert_int_equal(crc32c(0, "123456789", 9), 0xe3069283u);
    assert_int_equal(crc32c_portable(0, "123456789", 9), 0xe3069283u);
    assert_int_equal(crc32c(0, "", 0), 0);
    /* 32 zero bytes (RFC 3720, B.4) */
    static const uint8_t zeros[32];
    assert_int_equal(crc32c(0, zeros, 32), 0x8a9136aau);
    uint8_t ones[32];
    memset(ones, 0xff, sizeof ones);
    assert_int_equal(crc32c(0, ones, 32), 0x62a8ab43u);
}

static void test_paths_agree(void **state)
{
    (void)state;
    static uint8_t buf[3 * 4096 + 64];
    uint64_t seed = 12345;
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)tu_rand(&seed);
    size_t lens[] = {0, 1, 7, 8, 9, 63, 1359, 1360, 4079, 4080, 4081, 4096, 8192, 3 * 4096};
    for (size_t a = 0; a < 9; a++)
        for (size_t l = 0; l < sizeof lens / sizeof *lens; l++) {
            uint32_t want = crc32c_portable(0, buf + a, lens[l]);
            assert_int_equal(crc32c(0, buf + a, lens[l]), want);
            /* continuation: any split gives the same CRC */
            size_t cut = lens[l] / 3;
            assert_int_equal(crc32c(crc32c(0, buf + a, cut), buf + a + cut, lens[l] - cut), want);
            assert_int_equal(
                crc32c_portable(crc32c_portable(0, buf + a, cut), buf + a + cut, lens[l] - cut),
                want);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_values),
        cmocka_unit_test(test_paths_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
