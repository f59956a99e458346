/*
 * builder_int.h — the builder's entry points for commits (living.c):
 * a builder that writes one segment into a given directory, and a way to
 * feed it a document as stored in another segment (a merge).
 */
#ifndef LOCI_BUILDER_INT_H
#define LOCI_BUILDER_INT_H

#include <stdint.h>

#include "loci.h"
#include "reader.h"

struct living;

/* A builder whose segment files and runs go into `segdir` (which must
 * exist and stay until it is finished); no lock, no swap. `opt`'s
 * passage and stemming settings must be final. */
int builder_new_at(const char *segdir, const loci_build_options *opt, loci_builder **out,
                   loci_error *err);

/* Write the segment's files into its directory (the runs are merged and
 * gone). LOCI_EEMPTY when no document had a word. */
int builder_finish_segment(loci_builder *b, loci_build_stats *stats, loci_error *err);

/* Documents added so far (retired or not). */
uint64_t builder_documents_in(const loci_builder *b);

/* Symbolic links met in directories and not followed, so far. */
uint64_t builder_symlinks_skipped(const loci_builder *b);

/* A commit's builder (LOCI_BUILD_ADD, UPDATE): the FNV-1a hashes of the
 * texts it stored (not its duplicates'), in no particular use order; valid
 * until the builder is freed. */
const uint64_t *builder_text_hashes(const loci_builder *b, size_t *n);

/* Add a document as segment records keep it: its stored text (title
 * included), first line and line mode, and its source, size, mtime and
 * hash carried over unchanged. */
int builder_add_stored(loci_builder *b, const struct doc_info *d, const char *text,
                       loci_error *err);

#endif
