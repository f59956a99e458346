/*
 * codec.h — integer codecs of the on-disk format.
 *
 *  - Little-endian fixed-width put/get (the format never uses host order).
 *  - LEB128 varints: 7 bits per byte, low groups first, high bit = "more".
 *    Decoding is bounded: it never reads past `end` and rejects encodings
 *    longer than VARINT_MAX bytes or overflowing 64 bits.
 *  - Zigzag coding of signed changes (record files).
 *  - Bit-packed blocks: up to BITPACK_MAX (128) unsigned 32-bit values
 *    stored with one common bit width w (0..32) chosen as the width of the
 *    largest value; ceil(n*w/8) bytes, values packed LSB-first. The width
 *    itself is stored by the caller (postings store it in one byte).
 *
 * These functions are pure: no allocation, no global state.
 */
#ifndef LOCI_CODEC_H
#define LOCI_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define VARINT_MAX 10
#define BITPACK_MAX 128

static inline void le16_put(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void le32_put(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void le64_put(uint8_t *p, uint64_t v)
{
    le32_put(p, (uint32_t)v);
    le32_put(p + 4, (uint32_t)(v >> 32));
}
static inline uint16_t le16_get(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t le32_get(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t le64_get(const uint8_t *p)
{
    return (uint64_t)le32_get(p) | ((uint64_t)le32_get(p + 4) << 32);
}

/* Write v as a varint at p (room for VARINT_MAX bytes); return bytes written.
 * Inline: the inverter calls it for every token. */
static inline size_t varint_put(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

/* Number of bytes varint_put would write. */
size_t varint_len(uint64_t v);

/* Decode a varint from [*p, end). On success advance *p, store the value
 * and return 0; on truncation or overlong/overflowing input return -1 and
 * leave *p unchanged. */
int varint_get_slow(const uint8_t **p, const uint8_t *end, uint64_t *v);
static inline int varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    /* inline for the one-byte values that dominate (gaps, tfs, positions),
     * and the two-byte ones of the lexicon's lengths and counts */
    const uint8_t *q = *p;
    if (q < end && q[0] < 0x80) {
        *v = q[0];
        *p = q + 1;
        return 0;
    }
    if (end - q >= 2 && q[1] < 0x80) {
        *v = (uint64_t)(q[0] & 0x7f) | (uint64_t)q[1] << 7;
        *p = q + 2;
        return 0;
    }
    return varint_get_slow(p, end, v);
}

/* Same, but the value must fit in 32 bits (else -1). */
int varint_get32(const uint8_t **p, const uint8_t *end, uint32_t *v);

/* Zigzag: signed changes as unsigned varint values (0, -1, 1, -2, ... ->
 * 0, 1, 2, 3, ...), so small changes either way stay one byte. */
static inline uint64_t zigzag_encode(int64_t v)
{
    return ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0);
}
static inline int64_t zigzag_decode(uint64_t v)
{
    return (int64_t)((v >> 1) ^ (0 - (v & 1)));
}

/* Bit width (0..32) needed for the largest of v[0..n). */
unsigned bitpack_width(const uint32_t *v, size_t n);

/* Bytes taken by n values of width w: (n*w + 7) / 8. */
static inline size_t bitpack_bytes(size_t n, unsigned w) { return (n * w + 7) / 8; }

/* Pack v[0..n) (n <= BITPACK_MAX, every value < 2^w) at out; returns the
 * bytes written, bitpack_bytes(n, w). */
size_t bitpack_encode(const uint32_t *v, size_t n, unsigned w, uint8_t *out);

/* Unpack n values of width w (w <= 32) from [in, end) into v. Returns the
 * bytes consumed, or 0 with n > 0 and w > 0 if the input is too short
 * (then v is unspecified). */
size_t bitpack_decode(const uint8_t *in, const uint8_t *end, size_t n, unsigned w, uint32_t *v);

#endif
