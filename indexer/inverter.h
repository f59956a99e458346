/*
 * inverter.h — the in-memory inverted index a build accumulates.
 *
 * Terms are interned into a hash table and get dense ids in order of first
 * appearance. Each term keeps two growing byte streams:
 *   docs:      per posting, varint(passage id gap) varint(tf)
 *   positions: per posting, tf varints: first position, then deltas
 * Passages are added in increasing id order, one at a time:
 *   inverter_begin_passage(p) ; inverter_add(term, pos)... ; inverter_end_passage()
 * Positions within a passage must be added in increasing order.
 *
 * The writer (writer.h) reads the terms back in byte order.
 */
#ifndef LOCI_INVERTER_H
#define LOCI_INVERTER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct inverter;

struct inv_term {
    const char *bytes;     /* interned term, not NUL-terminated */
    uint32_t len;
    uint32_t df;           /* passages containing the term */
    uint32_t last_pid;     /* last passage that contains it (+1; 0 = none) */
    uint32_t tf;           /* occurrences in the current passage */
    uint32_t last_pos;     /* last position added in the current passage */
    struct buf docs;
    struct buf positions;
};

int inverter_new(struct inverter **out);
void inverter_free(struct inverter *inv);

/* Id of `term`, adding it if new. Returns LOCI_ENOMEM or >= 0 via *id. */
int inverter_intern(struct inverter *inv, const char *term, size_t len, uint32_t *id);

/* Start passage `pid` (strictly greater than any earlier one). */
void inverter_begin_passage(struct inverter *inv, uint32_t pid);
/* One occurrence of term `id` at token position `pos` of the current passage. */
int inverter_add(struct inverter *inv, uint32_t id, uint32_t pos);
/* Close the current passage: write the postings of the terms it touched. */
int inverter_end_passage(struct inverter *inv);

size_t inverter_term_count(const struct inverter *inv);
struct inv_term *inverter_term(struct inverter *inv, uint32_t id);

/* Term ids sorted by term bytes (memcmp order, shorter first on ties).
 * Caller frees. NULL on ENOMEM. */
uint32_t *inverter_sorted_ids(struct inverter *inv);

#endif
