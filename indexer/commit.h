/*
 * commit.h — changing an index in place (format 4, docs/FORMAT.md
 * "Commits"): the writer's lock, the new segment's temporary directory,
 * and the manifest swap that is the commit point.
 *
 * One job: the protocol. A commit
 *   1. opens DIR/lock and takes flock(LOCK_EX | LOCK_NB) on it (another
 *      writer: "DIR: another loci-index is writing this index"); if
 *      DIR/lock is no longer the file locked (a whole build swapped DIR
 *      meanwhile) it starts over;
 *   2. reads the manifest and removes what it does not name (seg-*
 *      directories, .seg-tmp-* and .manifest.tmp-* left by a killed
 *      writer: the lock says none is running);
 *   3. gives the builder DIR/.seg-tmp-PID-XXXXXX to write a new segment
 *      in (and its runs); the segment is synced and renamed to seg-N;
 *   4. writes DIR/.manifest.tmp-PID, syncs it, renames it over
 *      DIR/manifest (the commit point) and syncs DIR;
 *   5. removes the segments the new manifest no longer names.
 * A writer killed before 4 leaves the previous commit whole.
 *
 * What goes into a commit (which documents are deleted, which segments
 * merged, by the merge policy) is decided in living.c; this module
 * only makes it happen atomically. Test hooks fail or stop it at each
 * step.
 */
#ifndef LOCI_COMMIT_H
#define LOCI_COMMIT_H

#include <stdint.h>

#include "loci.h"
#include "manifest.h"

#define COMMIT_LOCK "lock"
#define COMMIT_SEG_TMP ".seg-tmp-"
#define COMMIT_MANIFEST_TMP ".manifest.tmp-"

/* A writer's hold on an index directory. */
struct commit {
    char *dir;
    int dirfd, lockfd;
    struct manifest cur;      /* the manifest read under the lock */
    int has_index;            /* 0: DIR had no manifest (a new index) */
    char *segtmp;             /* the new segment's temporary directory, or NULL */
};

/* Steps 1 and 2: lock DIR (created if missing when `create`), read its
 * manifest (none: has_index 0) and remove leftovers. LOCI_EINVAL "DIR:
 * another loci-index is writing this index" when locked. */
int commit_begin(struct commit *c, const char *dir, int create, loci_error *err);

/* Create the new segment's temporary directory (c->segtmp). */
int commit_segment_temp(struct commit *c, loci_error *err);

/* Step 3 for the finished segment in c->segtmp: sync it, rename it to
 * seg-N (N = next->next_segment, which is then incremented) and append
 * its entry (counts and meta CRC) to `next`. */
int commit_add_segment(struct commit *c, struct manifest *next, loci_error *err);

/* Steps 4 and 5: write `next` (generation = current + 1) as the new
 * manifest, then remove segments it does not name. */
int commit_publish(struct commit *c, struct manifest *next, loci_error *err);

/* Release the lock, remove an unpublished temporary segment. */
void commit_end(struct commit *c);

/* Fill a manifest entry's counts and meta_crc from segment directory
 * `segdir` (its meta). */
int commit_segment_entry(const char *segdir, struct manifest_segment *s, loci_error *err);

/* Write manifest `m` to `path` as an lfile (fsynced). */
int commit_write_manifest(const char *path, const struct manifest *m, loci_error *err);

/* Remove everything in `dir` that manifest `m` does not name: seg-*
 * directories, .seg-tmp-*, .manifest.tmp-*. */
void commit_remove_unnamed(const char *dir, const struct manifest *m);

/* Lock `dir`'s index for a whole build (which then swaps DIR): *fd is the
 * locked DIR/lock, or -1 when DIR holds no format 4 index. */
int commit_lock_for_build(const char *dir, int *fd, loci_error *err);

/* For tests: called at each step with its name ("segment-renamed",
 * "manifest-written", "manifest-renamed", "removed"); a non-zero return
 * fails the commit there with LOCI_EIO (a test may also _exit). Also
 * called with "locked" right after the flock, before the check that
 * DIR/lock is still the file locked (its return is ignored). */
extern int (*commit_hook)(const char *step);

#endif
