/*
 * dedup.c — byte-identical texts of a build (see dedup.h).
 */
#include "dedup.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

static uint64_t rotl(uint64_t x, int r)
{
    return x << r | x >> (64 - r);
}

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

/* Two lanes with different multipliers and rotations over 8-byte words:
 * a text is read once, at several bytes per cycle (the input thread
 * hashes every document, so this is on the build's critical path). */
static void key_of(const char *p, size_t n, uint64_t *h1, uint64_t *h2)
{
    uint64_t a = 0x9e3779b97f4a7c15ULL ^ n, b = 0x6a09e667f3bcc909ULL + n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        a = rotl(a ^ (w * 0x87c37b91114253d5ULL), 31) * 0x4cf5ad432745937fULL;
        b = rotl(b + (w * 0x52dce729ULL), 27) * 0x9e3779b97f4a7c15ULL + 0x38495ab5;
    }
    uint64_t t = 0;
    if (i < n)
        memcpy(&t, p + i, n - i);
    a = mix(a ^ (t * 0x87c37b91114253d5ULL) ^ n);
    b = mix(b + t * 0x52dce729ULL + rotl(n, 17));
    *h1 = a;
    *h2 = b;
}

static int grow(struct dedup *d)
{
    size_t cap = d->cap ? d->cap * 2 : 1024;
    uint32_t *s = calloc(cap, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < d->n; i++) {
        size_t j = (size_t)d->entries[i].h1 & (cap - 1);
        while (s[j])
            j = (j + 1) & (cap - 1);
        s[j] = (uint32_t)i + 1;
    }
    free(d->slots);
    d->slots = s;
    d->cap = cap;
    return 0;
}

int64_t dedup_find_or_add(struct dedup *d, const char *text, size_t len, uint32_t doc)
{
    if (len == 0 || len > DEDUP_MAX)
        return -1;
    uint64_t h1, h2;
    key_of(text, len, &h1, &h2);
    if ((d->n + 1) * 2 > d->cap && grow(d))
        return -2;
    size_t j = (size_t)h1 & (d->cap - 1);
    for (; d->slots[j]; j = (j + 1) & (d->cap - 1)) {
        const struct dedup_entry *e = &d->entries[d->slots[j] - 1];
        if (e->h1 == h1 && e->h2 == h2)
            return e->doc;
    }
    if (d->n == UINT32_MAX - 1)
        return -1; /* full: no more texts are recorded */
    if (d->n == d->cap_entries) {
        struct dedup_entry *e = array_grow(d->entries, &d->cap_entries, d->n + 1, sizeof *e, 1024);
        if (!e)
            return -2;
        d->entries = e;
    }
    d->entries[d->n].h1 = h1;
    d->entries[d->n].h2 = h2;
    d->entries[d->n].doc = doc;
    d->slots[j] = (uint32_t)++d->n;
    return -1;
}

void dedup_free(struct dedup *d)
{
    free(d->slots);
    free(d->entries);
    memset(d, 0, sizeof *d);
}
