/*
 * strtab.c — string interning (see strtab.h).
 */
#include "strtab.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "loci.h"

#define MIN_SLOTS 1024
#define REC_HEAD 5 /* u32 id, u8 len */

void strtab_free(struct strtab *t)
{
    free(t->slots);
    free(t->arena);
    free(t->offs);
    memset(t, 0, sizeof *t);
}

void strtab_clear(struct strtab *t)
{
    if (t->slots)
        memset(t->slots, 0, 2 * t->nslots * sizeof *t->slots);
    t->arena_len = 0;
    t->n = 0;
}

static int grow_slots(struct strtab *t)
{
    size_t n = t->nslots ? t->nslots * 2 : MIN_SLOTS;
    uint32_t *s = calloc(2 * n, sizeof *s);
    if (!s)
        return LOCI_ENOMEM;
    for (size_t i = 0; i < t->nslots; i++) {
        uint32_t off = t->slots[2 * i], h = t->slots[2 * i + 1];
        if (!off)
            continue;
        /* the hash is kept, so entries move without rehashing the bytes */
        size_t j = h & (n - 1);
        while (s[2 * j])
            j = (j + 1) & (n - 1);
        s[2 * j] = off;
        s[2 * j + 1] = h;
    }
    free(t->slots);
    t->slots = s;
    t->nslots = n;
    return LOCI_OK;
}

/* Append a record for s and give it the next id; *off receives its offset. */
static int add_record(struct strtab *t, const char *s, size_t len, uint32_t *off)
{
    size_t need = REC_HEAD + len;
    if (t->arena_len + need > UINT32_MAX - 1 || t->n >= UINT32_MAX - 1)
        return LOCI_ENOMEM;
    if (t->arena_cap - t->arena_len < need) {
        size_t cap = t->arena_cap ? t->arena_cap : 64 * 1024;
        while (cap - t->arena_len < need)
            cap *= 2;
        uint8_t *a = realloc(t->arena, cap);
        if (!a)
            return LOCI_ENOMEM;
        t->arena = a;
        t->arena_cap = cap;
    }
    if (t->n == t->cap) {
        uint32_t *o = array_grow(t->offs, &t->cap, t->n + 1, sizeof *o, 1024);
        if (!o)
            return LOCI_ENOMEM;
        t->offs = o;
    }
    uint8_t *r = t->arena + t->arena_len;
    uint32_t id = (uint32_t)t->n;
    memcpy(r, &id, 4);
    r[4] = (uint8_t)len;
    memcpy(r + REC_HEAD, s, len);
    *off = (uint32_t)t->arena_len;
    t->offs[t->n++] = *off;
    t->arena_len += need;
    return LOCI_OK;
}

int strtab_intern(struct strtab *t, const char *s, size_t len, uint32_t *id, int *added)
{
    return strtab_intern_hashed(t, s, len, strtab_hash(s, len), id, added);
}

int strtab_intern_hashed(struct strtab *t, const char *s, size_t len, uint32_t h, uint32_t *id,
                         int *added)
{
    if (len > STRTAB_MAX_LEN)
        return LOCI_EINVAL;
    if (!t->nslots && grow_slots(t))
        return LOCI_ENOMEM;
    size_t mask = t->nslots - 1;
    size_t j = h & mask;
    for (;;) {
        uint32_t o = t->slots[2 * j];
        if (!o)
            break;
        if (t->slots[2 * j + 1] == h) {
            const uint8_t *r = t->arena + o - 1;
            if (r[4] == len && memcmp(r + REC_HEAD, s, len) == 0) {
                memcpy(id, r, 4);
                if (added)
                    *added = 0;
                return LOCI_OK;
            }
        }
        j = (j + 1) & mask;
    }
    uint32_t off;
    if (add_record(t, s, len, &off))
        return LOCI_ENOMEM;
    t->slots[2 * j] = off + 1;
    t->slots[2 * j + 1] = h;
    *id = (uint32_t)t->n - 1;
    if (added)
        *added = 1;
    if (t->n * 2 > t->nslots)
        return grow_slots(t);
    return LOCI_OK;
}
