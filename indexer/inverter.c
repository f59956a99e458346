/*
 * inverter.c — in-memory inversion of passages into per-term postings
 * (see inverter.h).
 *
 * Memory: a strtab of the term bytes, one struct inv_term per distinct
 * term, and the per-term streams. inverter_clear keeps all of it: the
 * terms array and every stream buffer are reused by the next batch's terms
 * (term i of the next batch inherits the buffers of term i of this one).
 * Only small buffers are kept: they are the many (one per rare term) whose
 * malloc and free would dominate, while the few large ones of frequent
 * terms could add up to more than a batch needs.
 */
#include "inverter.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "loci.h"
#include "strtab.h"

#define KEEP_BUF 256

struct inverter {
    struct strtab names;
    struct inv_term *terms;
    size_t cap_terms;      /* entries of `terms` initialized (buffers may hold memory) */
    uint32_t *touched;     /* terms seen in the current passage */
    size_t ntouched, cap_touched;
    uint32_t pid;          /* current passage */
};

int inverter_new(struct inverter **out)
{
    struct inverter *inv = calloc(1, sizeof *inv);
    if (!inv)
        return LOCI_ENOMEM;
    *out = inv;
    return LOCI_OK;
}

void inverter_free(struct inverter *inv)
{
    if (!inv)
        return;
    for (size_t i = 0; i < inv->cap_terms; i++) {
        buf_free(&inv->terms[i].docs);
        buf_free(&inv->terms[i].positions);
    }
    free(inv->terms);
    free(inv->touched);
    strtab_free(&inv->names);
    free(inv);
}

void inverter_clear(struct inverter *inv)
{
    size_t n = strtab_count(&inv->names);
    for (size_t i = 0; i < n; i++) {
        struct inv_term *t = &inv->terms[i];
        struct buf d = t->docs, p = t->positions;
        if (d.cap > KEEP_BUF)
            buf_free(&d);
        if (p.cap > KEEP_BUF)
            buf_free(&p);
        memset(t, 0, sizeof *t);
        t->docs = (struct buf){d.data, 0, d.cap};
        t->positions = (struct buf){p.data, 0, p.cap};
    }
    strtab_clear(&inv->names);
    inv->ntouched = 0;
}

int inverter_intern(struct inverter *inv, const char *term, size_t len, uint32_t *id)
{
    int added, rc = strtab_intern(&inv->names, term, len, id, &added);
    if (rc)
        return rc;
    if (added && *id == inv->cap_terms) {
        size_t old = inv->cap_terms;
        struct inv_term *t = array_grow(inv->terms, &inv->cap_terms, old + 1, sizeof *t, 1024);
        if (!t)
            return LOCI_ENOMEM;
        memset(t + old, 0, (inv->cap_terms - old) * sizeof *t);
        inv->terms = t;
    }
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
            uint32_t *p = array_grow(inv->touched, &inv->cap_touched, inv->ntouched + 1,
                                     sizeof *p, 256);
            if (!p)
                return LOCI_ENOMEM;
            inv->touched = p;
        }
        inv->touched[inv->ntouched++] = id;
        t->pos_mark = t->positions.len;
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
            buf_put_varint(&t->docs, t->tf) ||
            buf_put_varint(&t->docs, t->positions.len - t->pos_mark))
            return LOCI_ENOMEM;
        t->last_pid = inv->pid + 1;
        t->df++;
        t->tf = 0;
    }
    inv->ntouched = 0;
    return LOCI_OK;
}

int inverter_add_passage(struct inverter *inv, uint32_t pid, const uint32_t *ids, size_t n)
{
    inverter_begin_passage(inv, pid);
    if (inverter_add_span(inv, ids, n, 0))
        return LOCI_ENOMEM;
    return inverter_end_passage(inv);
}

int inverter_add_span(struct inverter *inv, const uint32_t *ids, size_t n, uint32_t pos)
{
    for (size_t i = 0; i < n; i++) {
        /* two stages: the entry eight tokens ahead, then (once it has
         * arrived) the end of the positions stream four tokens ahead */
        if (i + 8 < n)
            PREFETCH(&inv->terms[ids[i + 8]]);
        if (i + 4 < n) {
            const struct inv_term *t = &inv->terms[ids[i + 4]];
            if (t->positions.data)
                PREFETCH(t->positions.data + t->positions.len);
        }
        if (inverter_add(inv, ids[i], pos + (uint32_t)i))
            return LOCI_ENOMEM;
    }
    return LOCI_OK;
}

size_t inverter_term_count(const struct inverter *inv) { return strtab_count(&inv->names); }

struct inv_term *inverter_term(struct inverter *inv, uint32_t id) { return &inv->terms[id]; }

const char *inverter_term_bytes(const struct inverter *inv, uint32_t id, size_t *len)
{
    return strtab_bytes(&inv->names, id, len);
}

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
    size_t n = strtab_count(&inv->names);
    struct sort_key *keys = malloc((n ? n : 1) * sizeof *keys);
    uint32_t *ids = malloc((n ? n : 1) * sizeof *ids);
    if (!keys || !ids) {
        free(keys);
        free(ids);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *bytes = strtab_bytes(&inv->names, (uint32_t)i, &len);
        keys[i] = (struct sort_key){bytes, (uint32_t)len, (uint32_t)i};
    }
    qsort(keys, n, sizeof *keys, cmp_keys);
    for (size_t i = 0; i < n; i++)
        ids[i] = keys[i].id;
    free(keys);
    return ids;
}
