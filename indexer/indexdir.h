/*
 * indexdir.h — the index directory's life cycle: a temporary directory
 * beside the target for the build, removal of temporaries left by killed
 * builds, and the atomic swap of the finished build into place.
 *
 * The build lives in DIR's parent as ".NAME.tmp-PID-XXXXXX". When DIR
 * does not exist, finishing is a rename(2); when it does,
 * renameat2(RENAME_EXCHANGE) swaps the two directories in one step, so a
 * reader sees the old index or the new one, whole. A temp dir whose PID no
 * longer runs is removed by the next build. DIR is only replaced if it is
 * a loci index or empty: pointing -o at a folder of documents must not
 * delete them.
 */
#ifndef LOCI_INDEXDIR_H
#define LOCI_INDEXDIR_H

#include <stdint.h>

#include "loci.h"

/* 1 if `dir` is absent, empty, or holds a loci index. */
int indexdir_replaceable(const char *dir);

/* Remove stale temporaries of `dir` and create a new one; *tmp is
 * malloc'ed. */
int indexdir_create_temp(const char *dir, char **tmp, loci_error *err);

/* Remove the regular files of `dir`, then `dir`. */
void indexdir_remove(const char *dir);

/* Move the finished build `tmp` to `dir`, replacing what is there. */
int indexdir_swap(const char *tmp, const char *dir, loci_error *err);

/* Total bytes of the index files in `dir`. */
uint64_t indexdir_bytes(const char *dir);

#endif
