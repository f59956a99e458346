/*
 * indexdir.h — the index directory's life cycle: a temporary directory
 * beside the target for the build, removal of temporaries left by killed
 * builds, and the swap of the finished build into place.
 *
 * The build lives in DIR's parent as ".NAME.tmp-HOST-PID-XXXXXX" (HOST:
 * the host name's letters and digits), created with the umask's
 * permissions. When DIR does not exist, finishing is a
 * rename(2); when it does, renameat2(RENAME_EXCHANGE) swaps the two
 * directories in one step, so a reader sees the old index or the new one,
 * whole.
 *
 * File systems without that exchange (NFS, some FUSE) get two renames:
 * DIR is moved to ".NAME.old", the build to DIR, and ".NAME.old" removed.
 * Readers look at ".NAME.old" when DIR is missing, so they find an index
 * throughout; a build killed between the two renames leaves the old index
 * there, and the next build moves it back before anything else. The swap
 * reports that it was not atomic, so the caller can say so.
 *
 * A temporary of this host whose PID no longer runs (beside any index of
 * the same parent) is removed by the next build, if it holds nothing but
 * index and run files. DIR is only replaced if it is empty or a loci index: pointing
 * -o at a folder of documents must not delete them.
 */
#ifndef LOCI_INDEXDIR_H
#define LOCI_INDEXDIR_H

#include <stdint.h>

#include "loci.h"

/* LOCI_OK if `dir` is absent, empty, or holds a loci index (nothing but
 * index files, at least two of them with a loci header — so an index
 * whose meta is missing or damaged can still be rebuilt). Otherwise an
 * error that says what was found: permission denied, not a directory, a
 * file that is not part of an index. */
int indexdir_check_replaceable(const char *dir, loci_error *err);

/* Put back an index left aside by a killed non-atomic swap, remove stale
 * temporaries beside `dir`, and create a new temporary; *tmp is malloc'ed. */
int indexdir_create_temp(const char *dir, char **tmp, loci_error *err);

/* Remove the regular files of `dir`, then `dir`. */
void indexdir_remove(const char *dir);

/* Move the finished build `tmp` to `dir`, replacing what is there.
 * *not_atomic is set to 1 when the file system could not exchange the two
 * directories and two renames were used. Once the new index is in place
 * the swap has succeeded; a failure after that point (the fsync that
 * makes the rename durable) is reported in `late` (code LOCI_OK if none),
 * not as an error. */
int indexdir_swap(const char *tmp, const char *dir, int *not_atomic, loci_error *late,
                  loci_error *err);

/* Six letters and digits for a unique name. */
void indexdir_random_suffix(char out[7]);

/* fsync a directory (file systems that cannot: fine). */
int indexdir_sync_dir(const char *dir, loci_error *err);

/* Total bytes of the index files in `dir`. */
uint64_t indexdir_bytes(const char *dir);

/* For tests: the directory exchange (renameat2 RENAME_EXCHANGE by
 * default), and a function called between the two renames of the
 * fallback. */
extern int (*indexdir_exchange)(const char *a, const char *b);
extern void (*indexdir_between_renames)(void);

#endif
