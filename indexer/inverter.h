/*
 * inverter.h — the in-memory inverted index a build accumulates.
 *
 * Terms are interned (strtab.h) and get dense ids in order of first
 * appearance. Each term keeps two growing byte streams:
 *   docs:      per posting, varint(passage id gap) varint(tf)
 *              varint(bytes of the posting's positions)
 *   positions: per posting, tf varints: first position, then deltas
 * (the byte counts let a run carry the positions as one block, copied
 * without decoding, while the writer still knows where each postings
 * block's positions start).
 * Passages are added in increasing id order, one at a time:
 *   inverter_begin_passage(p) ; inverter_add(term, pos)... ; inverter_end_passage()
 * Positions within a passage must be added in increasing order.
 *
 * The writer (writer.h) reads the terms back in byte order. A worker keeps
 * one inverter for all its batches: inverter_clear empties it but keeps its
 * memory, so later batches reuse warm pages instead of faulting in new ones.
 */
#ifndef LOCI_INVERTER_H
#define LOCI_INVERTER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct inverter;

struct inv_term {
    uint32_t df;           /* passages containing the term */
    uint32_t last_pid;     /* last passage that contains it (+1; 0 = none) */
    uint32_t tf;           /* occurrences in the current passage */
    uint32_t last_pos;     /* last position added in the current passage */
    struct buf docs;
    struct buf positions;
    size_t pos_mark;       /* positions.len when the current passage began */
};

int inverter_new(struct inverter **out);
void inverter_free(struct inverter *inv);
/* Remove every term and posting; keep the allocated memory. */
void inverter_clear(struct inverter *inv);

/* Id of `term` (1..255 bytes), adding it if new. Returns LOCI_ENOMEM or
 * LOCI_OK with *id set. */
int inverter_intern(struct inverter *inv, const char *term, size_t len, uint32_t *id);

/* Start passage `pid` (strictly greater than any earlier one). */
void inverter_begin_passage(struct inverter *inv, uint32_t pid);
/* One occurrence of term `id` at token position `pos` of the current passage. */
int inverter_add(struct inverter *inv, uint32_t id, uint32_t pos);
/* Close the current passage: write the postings of the terms it touched. */
int inverter_end_passage(struct inverter *inv);
/* The three above for a whole passage: terms ids[0..n) at positions
 * 0..n-1. Prefetches a few terms ahead (their entries are scattered over
 * a large table). */
int inverter_add_passage(struct inverter *inv, uint32_t pid, const uint32_t *ids, size_t n);

/* inverter_add for terms ids[0..n) at positions pos..pos+n-1 of the
 * current passage, prefetching like inverter_add_passage (a passage
 * added in several spans: one document streamed as one passage). */
int inverter_add_span(struct inverter *inv, const uint32_t *ids, size_t n, uint32_t pos);

size_t inverter_term_count(const struct inverter *inv);
struct inv_term *inverter_term(struct inverter *inv, uint32_t id);
/* The bytes of term `id` (not NUL-terminated); valid until the next intern. */
const char *inverter_term_bytes(const struct inverter *inv, uint32_t id, size_t *len);

/* Term ids sorted by term bytes (memcmp order, shorter first on ties).
 * Caller frees. NULL on ENOMEM. */
uint32_t *inverter_sorted_ids(struct inverter *inv);

#endif
