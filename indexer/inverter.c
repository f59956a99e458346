/*
 * inverter.c — in-memory inversion of passages into per-term postings
 * (see inverter.h).
 *
 * Memory: one struct inv_term per distinct term, the term bytes in an
 * arena of large chunks (stable pointers, no per-term malloc), and an
 * open-addressing hash table of term ids kept at most half full.
 */
#include "inverter.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "loci.h"

#define ARENA_CHUNK (256 * 1024)

struct arena_chunk {
    struct arena_chunk *next;
    size_t used;
    char data[];
};

struct inverter {
    struct inv_term *terms;
    size_t nterms, cap_terms;
    uint32_t *slots;        /* pairs: term id + 1 (0 = empty), low 32 bits of its hash */
    size_t nslots;          /* power of two */
    struct arena_chunk *arena;
    uint32_t *touched;      /* terms seen in the current passage */
    size_t ntouched, cap_touched;
    uint32_t pid;           /* current passage */
};

int inverter_new(struct inverter **out)
{
    struct inverter *inv = calloc(1, sizeof *inv);
    if (!inv)
        return LOCI_ENOMEM;
    inv->nslots = 1024;
    inv->slots = calloc(2 * inv->nslots, sizeof *inv->slots);
    if (!inv->slots) {
        free(inv);
        return LOCI_ENOMEM;
    }
    *out = inv;
    return LOCI_OK;
}

void inverter_free(struct inverter *inv)
{
    if (!inv)
        return;
    for (size_t i = 0; i < inv->nterms; i++) {
        buf_free(&inv->terms[i].docs);
        buf_free(&inv->terms[i].positions);
    }
    free(inv->terms);
    free(inv->slots);
    free(inv->touched);
    while (inv->arena) {
        struct arena_chunk *c = inv->arena;
        inv->arena = c->next;
        free(c);
    }
    free(inv);
}

static char *arena_copy(struct inverter *inv, const char *p, size_t n)
{
    struct arena_chunk *c = inv->arena;
    if (!c || ARENA_CHUNK - c->used < n) {
        c = malloc(sizeof *c + ARENA_CHUNK);
        if (!c)
            return NULL;
        c->next = inv->arena;
        c->used = 0;
        inv->arena = c;
    }
    char *r = c->data + c->used;
    memcpy(r, p, n);
    c->used += n;
    return r;
}

static int grow_slots(struct inverter *inv)
{
    size_t n = inv->nslots * 2;
    uint32_t *s = calloc(2 * n, sizeof *s);
    if (!s)
        return LOCI_ENOMEM;
    for (size_t i = 0; i < inv->nslots; i++) {
        uint32_t id = inv->slots[2 * i], h = inv->slots[2 * i + 1];
        if (!id)
            continue;
        /* the low hash bits are kept, so entries move without rehashing */
        size_t j = h & (n - 1);
        while (s[2 * j])
            j = (j + 1) & (n - 1);
        s[2 * j] = id;
        s[2 * j + 1] = h;
    }
    free(inv->slots);
    inv->slots = s;
    inv->nslots = n;
    return LOCI_OK;
}

int inverter_intern(struct inverter *inv, const char *term, size_t len, uint32_t *id)
{
    size_t mask = inv->nslots - 1;
    uint32_t h = (uint32_t)hash_bytes(term, len);
    size_t j = h & mask;
    for (;;) {
        uint32_t s = inv->slots[2 * j];
        if (!s)
            break;
        if (inv->slots[2 * j + 1] == h) {
            struct inv_term *t = &inv->terms[s - 1];
            if (t->len == len && memcmp(t->bytes, term, len) == 0) {
                *id = s - 1;
                return LOCI_OK;
            }
        }
        j = (j + 1) & mask;
    }
    if (inv->nterms == inv->cap_terms) {
        size_t cap = inv->cap_terms ? inv->cap_terms * 2 : 1024;
        struct inv_term *t = realloc(inv->terms, cap * sizeof *t);
        if (!t)
            return LOCI_ENOMEM;
        inv->terms = t;
        inv->cap_terms = cap;
    }
    char *bytes = arena_copy(inv, term, len);
    if (!bytes)
        return LOCI_ENOMEM;
    struct inv_term *t = &inv->terms[inv->nterms];
    memset(t, 0, sizeof *t);
    t->bytes = bytes;
    t->len = (uint32_t)len;
    inv->slots[2 * j] = (uint32_t)inv->nterms + 1;
    inv->slots[2 * j + 1] = h;
    *id = (uint32_t)inv->nterms++;
    if (inv->nterms * 2 > inv->nslots)
        return grow_slots(inv);
    return LOCI_OK;
}

void inverter_begin_passage(struct inverter *inv, uint32_t pid)
{
    inv->pid = pid;
    inv->ntouched = 0;
}

int inverter_add(struct inverter *inv, uint32_t id, uint32_t pos)
{
    struct inv_term *t = &inv->terms[id];
    uint32_t delta;
    if (t->tf == 0) {
        if (inv->ntouched == inv->cap_touched) {
            size_t cap = inv->cap_touched ? inv->cap_touched * 2 : 256;
            uint32_t *p = realloc(inv->touched, cap * sizeof *p);
            if (!p)
                return LOCI_ENOMEM;
            inv->touched = p;
            inv->cap_touched = cap;
        }
        inv->touched[inv->ntouched++] = id;
        delta = pos;
    } else {
        delta = pos - t->last_pos;
    }
    t->tf++;
    t->last_pos = pos;
    return buf_put_varint(&t->positions, delta);
}

int inverter_end_passage(struct inverter *inv)
{
    for (size_t i = 0; i < inv->ntouched; i++) {
        struct inv_term *t = &inv->terms[inv->touched[i]];
        /* Gap from the previous posting; last_pid is stored +1 so the first
         * posting's gap is pid + 1 and every gap is >= 1. */
        if (buf_put_varint(&t->docs, (uint64_t)inv->pid + 1 - t->last_pid) ||
            buf_put_varint(&t->docs, t->tf))
            return LOCI_ENOMEM;
        t->last_pid = inv->pid + 1;
        t->df++;
        t->tf = 0;
    }
    inv->ntouched = 0;
    return LOCI_OK;
}

size_t inverter_term_count(const struct inverter *inv) { return inv->nterms; }

struct inv_term *inverter_term(struct inverter *inv, uint32_t id) { return &inv->terms[id]; }

/* Sort keys carry the bytes themselves, so the comparator needs no context
 * (qsort has no context argument, and global state would not be thread-safe). */
struct sort_key {
    const char *bytes;
    uint32_t len, id;
};

static int cmp_keys(const void *a, const void *b)
{
    const struct sort_key *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->bytes, y->bytes, n);
    if (c)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

uint32_t *inverter_sorted_ids(struct inverter *inv)
{
    size_t n = inv->nterms;
    struct sort_key *keys = malloc((n ? n : 1) * sizeof *keys);
    uint32_t *ids = malloc((n ? n : 1) * sizeof *ids);
    if (!keys || !ids) {
        free(keys);
        free(ids);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        keys[i] = (struct sort_key){inv->terms[i].bytes, inv->terms[i].len, (uint32_t)i};
    qsort(keys, n, sizeof *keys, cmp_keys);
    for (size_t i = 0; i < n; i++)
        ids[i] = keys[i].id;
    free(keys);
    return ids;
}
