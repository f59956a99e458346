/*
 * manifest.h — an index's manifest (format 4, docs/FORMAT.md): the
 * segments of the current commit, and the documents deleted from them
 * with what those took from the collection statistics. Coding and
 * reading only: index.c opens the segments a manifest names, and the
 * indexer's commits write new manifests.
 */
#ifndef LOCI_MANIFEST_H
#define LOCI_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "loci.h"

#define MANIFEST_FILE "manifest"
#define MANIFEST_MAGIC "LOCImani"

/* A deleted document of a segment: its id and passages in the segment. */
struct manifest_deleted {
    uint32_t doc, first_passage, passages;
};

/* What the deleted passages took from one term's df: the term is
 * terms.data[off, off + len) of its segment. */
struct manifest_df {
    uint32_t off, len;
    uint32_t df;
};

struct manifest_segment {
    uint64_t number;              /* its directory: seg-NUMBER */
    uint32_t meta_crc;            /* table_crc of its meta */
    uint64_t documents, passages, tokens;
    uint64_t deleted_passages, deleted_tokens;
    struct manifest_deleted *deleted; /* by increasing doc */
    size_t ndeleted, deleted_cap;
    struct manifest_df *dfs;      /* by term (memcmp order) */
    size_t ndfs, dfs_cap;
    struct buf terms;             /* the dfs' term bytes */
};

struct manifest {
    uint64_t generation;
    uint64_t next_segment;
    struct manifest_segment *seg; /* in id order */
    size_t nseg, seg_cap;
};

/* The directory name of segment `number` ("seg-000042"); `out` holds at
 * least MANIFEST_NAME_MAX bytes. */
#define MANIFEST_NAME_MAX 32
void manifest_segment_name(uint64_t number, char *out);

/* Decode a manifest body; `path` names it in messages. On failure `m`
 * holds nothing that needs freeing. */
int manifest_decode(const uint8_t *body, size_t len, const char *path, struct manifest *m,
                    loci_error *err);

/* The body of `m`, appended to `out` (a segment's deleted documents must
 * be by increasing id and its dfs by term). */
int manifest_encode(const struct manifest *m, struct buf *out);

/* Read, verify and decode DIR/manifest, DIR open as `dirfd` (`shown`
 * names DIR in messages). LOCI_ENOTFOUND when there is none. */
int manifest_read(int dirfd, const char *shown, struct manifest *m, loci_error *err);

/* A deep copy (for a writer preparing the next commit). */
int manifest_copy(struct manifest *dst, const struct manifest *src);

void manifest_free(struct manifest *m);

/* What segment s's deletions took from the df of term[0..len): 0 when
 * nothing. */
uint32_t manifest_deleted_df(const struct manifest_segment *s, const char *term, size_t len);

/* Append a segment (documents, passages, tokens, number, meta_crc set by
 * the caller afterwards); NULL when out of memory. */
struct manifest_segment *manifest_add_segment(struct manifest *m);

/* 1 if document `doc` of the segment is deleted (a bisection of its list). */
int manifest_doc_deleted(const struct manifest_segment *s, uint32_t doc);

/* Record a deleted document of segment s (ids must grow), and a term's
 * df taken by it (terms in memcmp order, each once: the caller sums). */
int manifest_add_deleted(struct manifest_segment *s, uint32_t doc, uint32_t first_passage,
                         uint32_t passages);
int manifest_add_df(struct manifest_segment *s, const char *term, size_t len, uint32_t df);

/* 1 if document `doc` of segment s is deleted (a binary search). */
int manifest_doc_deleted(const struct manifest_segment *s, uint32_t doc);

/* Live figures of segment s. */
static inline uint64_t manifest_live_documents(const struct manifest_segment *s)
{
    return s->documents - s->ndeleted;
}

#endif
