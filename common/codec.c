/*
 * codec.c — varints and bit-packing (see codec.h for the encodings).
 *
 * Decoders are bounded by an explicit end pointer and reject malformed
 * input instead of reading past it: index data is checksummed, but a
 * decoder must still be safe on a forged file.
 */
#include "codec.h"

#include <string.h>

size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

int varint_get_slow(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
    const uint8_t *p = *pp;
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (p >= end)
            return -1;
        uint8_t b = *p++;
        /* the 10th byte may only carry the top bit of a 64-bit value */
        if (shift == 63 && b > 1)
            return -1;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *pp = p;
            *out = v;
            return 0;
        }
    }
    return -1;
}

int varint_get32(const uint8_t **p, const uint8_t *end, uint32_t *out)
{
    const uint8_t *q = *p;
    uint64_t v;
    if (varint_get(&q, end, &v) || v > UINT32_MAX)
        return -1;
    *p = q;
    *out = (uint32_t)v;
    return 0;
}

unsigned bitpack_width(const uint32_t *v, size_t n)
{
    uint32_t all = 0;
    for (size_t i = 0; i < n; i++)
        all |= v[i];
    unsigned w = 0;
    while (all) {
        w++;
        all >>= 1;
    }
    return w;
}

size_t bitpack_encode(const uint32_t *v, size_t n, unsigned w, uint8_t *out)
{
    size_t bytes = bitpack_bytes(n, w);
    if (w == 0)
        return 0;
    uint64_t acc = 0;
    unsigned bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        acc |= (uint64_t)v[i] << bits;
        bits += w;
        while (bits >= 8) {
            out[o++] = (uint8_t)acc;
            acc >>= 8;
            bits -= 8;
        }
    }
    if (bits)
        out[o++] = (uint8_t)acc;
    return bytes;
}

size_t bitpack_decode(const uint8_t *in, const uint8_t *end, size_t n, unsigned w, uint32_t *v)
{
    if (w == 0) {
        memset(v, 0, n * sizeof *v);
        return 0;
    }
    size_t bytes = bitpack_bytes(n, w);
    if (w > 32 || (size_t)(end - in) < bytes)
        return 0;
    const uint64_t mask = w == 32 ? 0xffffffffULL : ((1ULL << w) - 1);
    size_t avail = (size_t)(end - in), i = 0;
    /* Fast path: value i starts at bit i*w, so one 8-byte load at its first
     * byte holds it whole (its bit offset in that byte plus w is at most
     * 7 + 32 bits), as long as those 8 bytes lie inside the input: for i
     * up to fast, counted once rather than tested per value (i*w/8 <=
     * avail-8 while i*w < (avail-7)*8). */
    size_t fast = avail < 8 ? 0 : ((avail - 7) * 8 + w - 1) / w;
    if (fast > n)
        fast = n;
    for (size_t bit = 0; i < fast; i++, bit += w)
        v[i] = (uint32_t)((le64_get(in + (bit >> 3)) >> (bit & 7)) & mask);
    /* The last few values, a byte at a time. */
    size_t o = (i * w) >> 3;
    unsigned skip = (unsigned)((i * w) & 7);
    uint64_t acc = 0;
    unsigned bits = 0;
    if (skip) {
        acc = in[o++] >> skip;
        bits = 8 - skip;
    }
    for (; i < n; i++) {
        /* refill to at least w bits; at most 4 bytes since w <= 32 */
        while (bits < w) {
            acc |= (uint64_t)in[o++] << bits;
            bits += 8;
        }
        v[i] = (uint32_t)(acc & mask);
        acc >>= w;
        bits -= w;
    }
    return bytes;
}
