/*
 * hash.h — the in-memory hash of short byte strings (terms), shared by the
 * build's interning tables and the analyzer's stem cache; and PREFETCH, a
 * hint to start loading an address that will be read soon.
 *
 * Eight bytes per step with a multiply-xorshift mix: terms average about
 * six bytes, so most take one step. The value is never stored on disk, so
 * it may depend on the host's byte order.
 */
#ifndef LOCI_HASH_H
#define LOCI_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
/* 64-bit FNV-1a, incrementally: h = fnv1a64(FNV1A64_INIT, p, n), then
 * h = fnv1a64(h, more, m)... Unlike hash_bytes this one is stored: the
 * docs records hold it for every document's text (docs/FORMAT.md). */
#define FNV1A64_INIT 0xcbf29ce484222325ULL
static inline uint64_t fnv1a64(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ULL;
    return h;
}

#endif

static inline uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL);
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        h = (h ^ v) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
        s += 8;
        n -= 8;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)s[i] << (8 * i);
    h = (h ^ v) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 29);
}

/* 64-bit FNV-1a, incrementally: h = fnv1a64(FNV1A64_INIT, p, n), then
 * h = fnv1a64(h, more, m)... Unlike hash_bytes this one is stored: the
 * docs records hold it for every document's text (docs/FORMAT.md). */
#define FNV1A64_INIT 0xcbf29ce484222325ULL
static inline uint64_t fnv1a64(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ULL;
    return h;
}

#endif
