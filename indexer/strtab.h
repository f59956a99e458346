/*
 * strtab.h — interning of short byte strings: each distinct string gets a
 * dense id (0, 1, 2, ... in order of first appearance).
 *
 * The inverter interns terms with it; the splitter interns the surface
 * forms of tokens with it, so that a repeated word costs one lookup instead
 * of stemming plus a second lookup.
 *
 * Layout, chosen for lookups that mostly hit: an open-addressing table of
 * (record offset + 1, 32-bit hash) pairs, kept at most half full, and one
 * growable arena of records [u32 id][u8 len][bytes]. A hit reads one slot
 * and one record. Strings are at most 255 bytes; ids and arena offsets fit
 * in 32 bits (interning more returns LOCI_ENOMEM).
 */
#ifndef LOCI_STRTAB_H
#define LOCI_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

#define STRTAB_MAX_LEN 255

struct strtab {
    uint32_t *slots;   /* 2 * nslots: record offset + 1 (0 = empty), hash */
    size_t nslots;     /* power of two, or 0 before the first intern */
    uint8_t *arena;
    size_t arena_len, arena_cap;
    uint32_t *offs;    /* id -> record offset */
    size_t n, cap;
};

/* A zeroed struct strtab is empty and valid. */
void strtab_free(struct strtab *t);
/* Forget every string but keep the memory for reuse. */
void strtab_clear(struct strtab *t);

/* Id of s[0..len) (len <= STRTAB_MAX_LEN), adding it if new; *added says
 * which (may be NULL). Returns LOCI_OK, LOCI_ENOMEM, or LOCI_EINVAL when
 * len > STRTAB_MAX_LEN. */
int strtab_intern(struct strtab *t, const char *s, size_t len, uint32_t *id, int *added);

/* The same with h = strtab_hash(s, len) computed by the caller, which may
 * have used it to prefetch (below) a few lookups ahead: most lookups of a
 * large table miss the cache, and the misses then overlap. */
static inline uint32_t strtab_hash(const char *s, size_t len) { return (uint32_t)hash_bytes(s, len); }
int strtab_intern_hashed(struct strtab *t, const char *s, size_t len, uint32_t h, uint32_t *id,
                         int *added);

/* Start loading the slot a lookup of hash h reads first. */
static inline void strtab_prefetch_slot(const struct strtab *t, uint32_t h)
{
    if (t->nslots)
        PREFETCH(&t->slots[2 * (h & (t->nslots - 1))]);
}

/* Start loading the record that slot points at (after strtab_prefetch_slot,
 * when the slot has arrived). */
static inline void strtab_prefetch_record(const struct strtab *t, uint32_t h)
{
    if (t->nslots) {
        const uint32_t *slot = &t->slots[2 * (h & (t->nslots - 1))];
        if (slot[0] && slot[1] == h)
            PREFETCH(t->arena + slot[0] - 1);
    }
}

static inline size_t strtab_count(const struct strtab *t) { return t->n; }

/* Bytes of string `id` (not NUL-terminated); valid until the next intern. */
static inline const char *strtab_bytes(const struct strtab *t, uint32_t id, size_t *len)
{
    const uint8_t *r = t->arena + t->offs[id];
    *len = r[4];
    return (const char *)r + 5;
}

#endif
