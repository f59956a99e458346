/*
 * reader.h — one segment of an index, open: its eight mapped files,
 * dictionary lookup, passage and document records, passage text. A
 * segment is what a whole index was before format 4 (docs/FORMAT.md);
 * index.h holds an index's segments together, and nothing else needs to
 * know that there may be several.
 *
 * Opening maps the eight files and checks their envelopes (lfile.h); data
 * pages are verified when first used. All eight are opened relative to
 * one descriptor of the segment's directory, and meta's file table must
 * match each of them, so the files of two builds are never mixed. Nothing
 * is loaded into memory but the meta record, so opening costs the same for
 * any segment size.
 */
#ifndef LOCI_READER_H
#define LOCI_READER_H

#include <stdint.h>

#include "buf.h"
#include "lfile.h"
#include "loci.h"

struct segment {
    struct lfile meta, lex, post, pos, lens, pass, docs, text;
    uint64_t documents, passages, terms, tokens;
    double avglen;             /* tokens / passages */
    double ref_k1, ref_b;      /* parameters of the stored block maxima */
    uint32_t block_size;
    uint32_t passage_mode, passage_tokens, passage_stride;
    int64_t built;             /* meta's modification time */
    char stem[32];
    uint64_t lex_blocks;       /* lexicon block count */
    uint64_t lex_table;        /* body offset of the block offset table */
    int lex_table_ok;          /* the block offsets and keys are verified */
    uint64_t text_blocks, text_table, text_raw;
    uint64_t long_lengths;     /* passages of LENGTH_LONG tokens or more */
    /* 4.3: the lengths file's title table, (u32 passage, u32 title tokens)
     * for every passage with title tokens, by passage: its entry count and
     * body offset. `titles` is 1 when the segment records titles (older
     * ones are read as having none: the docs flag is refused there). */
    int titles;
    uint64_t title_count, title_table;
    int64_t cached_block;      /* text block held in `block` (-1: none) */
    struct buf block;          /* a decompressed text block */
    struct buf ptext;          /* text of the last reader_passage_get */
    struct buf docname;        /* name of the last document located */
    struct buf docsource;      /* and its source (reader_doc) */
    struct buf docname2, docsource2; /* scratch of reader_doc */
    /* 4.1: duplicates, documents whose text is an earlier document's and
     * is stored there only: (document, duplicate) pairs in meta */
    uint64_t aliases;
    const uint8_t *alias_table;
};

/* Open the segment whose directory is open as `dirfd` (`shown` names it
 * in messages). On failure nothing needs closing. */
int reader_open(struct segment *seg, int dirfd, const char *shown, loci_error *err);
void reader_close(struct segment *seg);

/* The segment's own figures and files (loci_index_stats, one segment). */
void reader_stats(const struct segment *seg, loci_index_stats *st);

/* Verify every checksum and the structure of every file. */
int reader_check(struct segment *seg, loci_error *err);

/* A passage's record (and text) by its id within the segment; ids in
 * `out` are the segment's. Pointers stay valid until the next call on the
 * segment. */
int reader_locate(struct segment *seg, uint32_t passage, loci_passage *out, loci_error *err);
int reader_passage_get(struct segment *seg, uint32_t passage, loci_passage *out, loci_error *err);

/* The title table (above), verified: *tab is title_count entries of 8
 * bytes. LOCI_OK, or a corruption error. */
int reader_title_table(struct segment *seg, const uint8_t **tab, loci_error *err);

/* What the lexicon says about one term. */
struct term_info {
    uint32_t df;
    uint64_t post_off, post_len;   /* byte range in the postings body */
    uint64_t pos_off, pos_len;     /* byte range in the positions body */
};

/* Look a term up. Returns 1 and fills *ti when found, 0 when absent,
 * a negative LOCI_E* code on corruption. */
int reader_lookup(struct segment *seg, const char *term, size_t len, struct term_info *ti,
                  loci_error *err);
/* The same in each of nseg segments: found[i] is 1 (ti[i] filled) or 0.
 * LOCI_OK, or a negative LOCI_E* code on corruption. */
int reader_lookup_all(struct segment *segs, size_t nseg, const char *term, size_t len,
                      struct term_info *ti, int *found, loci_error *err);

/* Call fn for every indexed term that starts with prefix[0..len), in
 * sorted order; a non-zero return of fn stops the walk and is returned.
 * The term bytes are valid during the call only. */
typedef int (*reader_term_fn)(void *ctx, const char *term, size_t len, const struct term_info *ti);
int reader_prefix(struct segment *seg, const char *prefix, size_t len, reader_term_fn fn, void *ctx,
                  loci_error *err);

/* Document id of a passage, or -1 with err set on corruption. */
int64_t reader_passage_doc(struct segment *seg, uint32_t passage, loci_error *err);

/* Token count of a passage (< passages), or -1 with err set on
 * corruption. Scoring reads the common case inline (ranking.c) and calls
 * this for passages of LENGTH_LONG tokens or more. */
int64_t reader_passage_length(struct segment *seg, uint32_t passage, loci_error *err);

/* Everything the docs record says about a document (format 4.0). */
struct doc_info {
    const char *name;
    size_t name_len;
    uint64_t text_off, text_len;     /* its range of the text stream */
    uint32_t first_passage, passages;
    uint32_t first_line;             /* line of the text's first byte */
    int fixed_line;                  /* every passage is on first_line (JSON Lines) */
    const char *source;              /* its source file; NULL/0: none */
    size_t source_len;
    uint64_t size;                   /* the source's size and mtime when it was read */
    int64_t mtime_ns;
    uint64_t hash;                   /* FNV-1a 64 of its text as stored */
    uint32_t title_bytes;            /* its text starts with a title this long (0: none) */
};

/* Document `doc`: pointers valid until the next call on seg. */
int reader_doc(struct segment *seg, uint32_t doc, struct doc_info *out, loci_error *err);

/* Entry i (< seg->aliases) of the duplicates table: document `doc` has
 * the same text as document `dup` (doc < dup), which is stored with doc
 * only (dup has no text and no passage of its own). */
void reader_alias(const struct segment *seg, uint64_t i, uint32_t *doc, uint32_t *dup);
/* The first entry whose document is `doc` or after (seg->aliases: none). */
uint64_t reader_alias_find(const struct segment *seg, uint32_t doc);
/* The duplicates as a map: (*out)[d] is the document whose text document
 * d has, plus one, or 0; *out is NULL when the segment has none (the
 * caller frees it). LOCI_OK or LOCI_ENOMEM. */
int reader_alias_targets(const struct segment *seg, uint32_t **out, loci_error *err);

/* Every document's docs-record flags (DOC_*, format.h) and text hash, in
 * order, each record decoded once (reader_doc decodes a record block from
 * its start for every document). */
int reader_docs_scan(struct segment *seg, void (*fn)(void *ctx, uint32_t doc, uint64_t flags,
                                                     uint64_t hash),
                     void *ctx, loci_error *err);

/* The document's whole stored text (d from reader_doc), valid until the
 * next call on seg. */
int reader_doc_text(struct segment *seg, const struct doc_info *d, const char **text,
                    loci_error *err);

/* For tests only: when set, called after each file of an index is opened
 * (index in FMT_FILES order), so a test can swap the directory mid-open. */
extern void (*reader_open_hook)(size_t file_index);

#endif
