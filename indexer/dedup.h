/*
 * dedup.h — finding documents whose text is byte-identical to an earlier
 * document's during a build (issue 15: "duplicates once").
 *
 * Each text (of at most DEDUP_MAX bytes, and not empty) is keyed by its
 * length and two independent 64-bit hashes of it, 128 bits in all, and
 * looked up in an open-addressing table of the texts seen so far. Equal
 * keys are taken as equal texts: the builder keeps no text it has
 * already handed to the workers, and an accidental match of 128 bits
 * and a length is far less likely than a disk error. The table takes
 * about 32 bytes per distinct text.
 *
 * The builder never streams a document of DEDUP_MAX bytes or fewer, so
 * which documents are duplicates depends on the texts alone, not on the
 * memory budget or the threads. JSON Lines records are never looked up:
 * each record is its own document.
 */
#ifndef LOCI_DEDUP_H
#define LOCI_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#define DEDUP_MAX (1u << 20)

struct dedup_entry {
    uint64_t h1, h2;
    uint32_t doc;
};

struct dedup {
    uint32_t *slots;             /* entry index + 1; 0: empty */
    size_t cap;                  /* slots, a power of two (0: none yet) */
    struct dedup_entry *entries;
    size_t n, cap_entries;
};

/* The document with the same text as text[0..len) seen before, or -1
 * after recording this text as document `doc` (also -1, recording
 * nothing, for an empty text or one over DEDUP_MAX bytes); -2 when out of
 * memory. */
int64_t dedup_find_or_add(struct dedup *d, const char *text, size_t len, uint32_t doc);

void dedup_free(struct dedup *d);

#endif
