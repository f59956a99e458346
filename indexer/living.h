/*
 * living.h — adding, updating, deleting and merging documents of a
 * format 4 index in place (issue 14, "living indexes"): what goes into a
 * commit. commit.c makes it happen atomically.
 *
 * A commit-mode builder (LOCI_BUILD_ADD, LOCI_BUILD_UPDATE) holds a
 * `struct living`: the index's lock and manifest (commit_begin), the
 * temporary directory its new segment is written in, the documents to
 * delete, and for updates the live documents' (source, name) -> size,
 * mtime, hash map, loaded once from the segments' docs records.
 *
 * Deletions keep the statistics exact: a deleted document's passages and
 * tokens, and per term the deleted passages holding it, go into the
 * manifest. The df are found by running the document's stored text
 * through the same splitter (passage.h) with the index's settings.
 *
 * Merge policy (every commit unless no_merge; README.md "Living
 * indexes"): only a run of segments at the end of the manifest is
 * merged, so document order is kept and segment numbers still grow
 * along the manifest; such a tail run is merged into one segment when it
 * has at least MERGE_FANIN (10) segments each within 10x of each other in
 * live passages (levels by size, log-structured), or when a segment's
 * deleted passages exceed 25% of its passages (that segment and every one
 * after it are rewritten without the deleted documents).
 */
#ifndef LOCI_LIVING_H
#define LOCI_LIVING_H

#include <sys/stat.h>

#include "loci.h"

#define MERGE_FANIN 10
#define MERGE_RATIO 10
#define MERGE_DELETED_PCT 25

struct living;

/* Lock and read the index at `dir` (created when missing, unless `given`
 * is NULL: a merge), create the new segment's temporary directory, and
 * fix `opt`'s passage and stemming settings to the index's (LOCI_EINVAL
 * when `given` asked for others). */
int living_begin(const char *dir, loci_build_options *opt, const loci_build_options *given,
                 struct living **out, loci_error *err);

/* The directory the new segment is written in. */
const char *living_segdir(const struct living *lv);

/* Delete every live document with this name (resolved at finish). */
int living_delete(struct living *lv, const char *name, loci_error *err);

/* --update: a path given (its documents not found again are deleted). */
int living_note_path(struct living *lv, const char *path, loci_error *err);

/* --update, before a file is read: 0 when its live documents have the same
 * size and mtime (kept, not read), 1 to read it. */
int living_want_file(struct living *lv, const char *path, const struct stat *st,
                     loci_error *err);

/* --update, for each document read: 1 when a live document of the same
 * source and name has the same hash (kept: do not add it), 0 to add it
 * (replacing that document, if any). Without have_hash (a streamed
 * document) it is always added. */
int living_keep_doc(struct living *lv, const char *source, const char *name, size_t name_len,
                    uint64_t hash, int have_hash);

/* The commit: finish the builder's segment (when it has documents),
 * apply deletions, run the merge policy (unless opt->no_merge) or, with
 * merge_all, merge everything; write the manifest. Nothing when nothing
 * changed. */
int living_finish(struct living *lv, loci_builder *b, const loci_build_options *opt,
                  int merge_all, loci_build_stats *st, loci_error *err);

void living_free(struct living *lv);

#endif
