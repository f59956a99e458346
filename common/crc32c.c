/*
 * crc32c.c — CRC-32C, by the SSE4.2 crc32 instruction where the CPU has
 * it, else by tables (see crc32c.h).
 *
 * The instruction takes 3 cycles and can start one every cycle, so one
 * stream of it runs at a third of its speed. Long buffers are therefore
 * cut into three equal parts whose CRCs are computed side by side and then
 * combined: the CRC of A followed by B is the CRC of A "shifted" over
 * len(B) zero bytes, xor the CRC of B started from zero — a linear map of
 * the 32-bit CRC, tabulated once per part length (SHIFT_LEN) as four
 * 256-entry tables.
 */
#include "crc32c.h"

#include <pthread.h>
#include <string.h>

#define POLY 0x82f63b78u /* Castagnoli, reflected */

/* bytes of each of the three streams: a 4 KiB page is 3 x 1360 + 16 */
#define SHIFT_LEN 1360

static uint32_t table[8][256];      /* slicing by 8 */
static uint32_t shift[4][256];      /* CRC state -> state after SHIFT_LEN zero bytes */
static int have_sse42;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Raw (uninverted) CRC over n bytes, a byte at a time by table[0]. */
static uint32_t raw_bytes(uint32_t c, const uint8_t *p, size_t n)
{
    while (n--)
        c = table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return c;
}

static uint32_t raw_portable(uint32_t c, const uint8_t *p, size_t n)
{
    while (n && ((uintptr_t)p & 7)) {
        c = table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
        n--;
    }
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        v ^= c; /* little-endian machines (the format is little-endian too) */
        c = table[7][v & 0xff] ^ table[6][(v >> 8) & 0xff] ^ table[5][(v >> 16) & 0xff] ^
            table[4][(v >> 24) & 0xff] ^ table[3][(v >> 32) & 0xff] ^
            table[2][(v >> 40) & 0xff] ^ table[1][(v >> 48) & 0xff] ^ table[0][v >> 56];
    }
    return raw_bytes(c, p, n);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_X86 1
#include <nmmintrin.h>

__attribute__((target("sse4.2"))) static uint32_t raw_hw1(uint32_t c, const uint8_t *p, size_t n)
{
    uint64_t c64 = c;
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c64 = _mm_crc32_u64(c64, v);
    }
    c = (uint32_t)c64;
    while (n--)
        c = _mm_crc32_u8(c, *p++);
    return c;
}

static uint32_t shifted(uint32_t c)
{
    return shift[0][c & 0xff] ^ shift[1][(c >> 8) & 0xff] ^ shift[2][(c >> 16) & 0xff] ^
           shift[3][c >> 24];
}

__attribute__((target("sse4.2"))) static uint32_t raw_hw(uint32_t c, const uint8_t *p, size_t n)
{
    while (n >= 3 * SHIFT_LEN) {
        uint64_t a = c, b = 0, d = 0;
        const uint8_t *q = p + SHIFT_LEN, *r = p + 2 * SHIFT_LEN;
        for (size_t i = 0; i < SHIFT_LEN; i += 8) {
            uint64_t x, y, z;
            memcpy(&x, p + i, 8);
            memcpy(&y, q + i, 8);
            memcpy(&z, r + i, 8);
            a = _mm_crc32_u64(a, x);
            b = _mm_crc32_u64(b, y);
            d = _mm_crc32_u64(d, z);
        }
        c = shifted(shifted((uint32_t)a) ^ (uint32_t)b) ^ (uint32_t)d;
        p += 3 * SHIFT_LEN;
        n -= 3 * SHIFT_LEN;
    }
    return raw_hw1(c, p, n);
}
#endif

static void init_tables(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
        table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
}

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void init(void)
{
#ifdef HAVE_X86
    __builtin_cpu_init();
    have_sse42 = __builtin_cpu_supports("sse4.2");
    if (!have_sse42)
        return; /* the tables, by crc32c_portable's pthread_once */
    /* The raw CRC is linear in its state: the state after SHIFT_LEN zero
     * bytes, for each of the 32 one-bit states, then for each byte value
     * of each byte of a state as the xor of its bits' (32 short runs, not
     * 1024: this runs at start-up). */
    static const uint8_t zeros[SHIFT_LEN];
    uint32_t bit[32];
    for (int i = 0; i < 32; i++)
        bit[i] = raw_hw1(1u << i, zeros, SHIFT_LEN);
    for (int k = 0; k < 4; k++)
        for (uint32_t v = 0; v < 256; v++) {
            uint32_t s = 0;
            for (int i = 0; i < 8; i++)
                if (v >> i & 1)
                    s ^= bit[8 * k + i];
            shift[k][v] = s;
        }
#endif
}

uint32_t crc32c_portable(uint32_t crc, const void *p, size_t n)
{
    pthread_once(&tables_once, init_tables);
    return ~raw_portable(~crc, p, n);
}

uint32_t crc32c(uint32_t crc, const void *p, size_t n)
{
    pthread_once(&once, init);
#ifdef HAVE_X86
    if (have_sse42)
        return ~raw_hw(~crc, p, n);
#endif
    return crc32c_portable(crc, p, n);
}
