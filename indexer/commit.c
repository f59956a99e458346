/*
 * commit.c — the commit protocol of docs/FORMAT.md "Commits" (see
 * commit.h).
 */
#define _GNU_SOURCE
#include "commit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "error.h"
#include "format.h"
#include "indexdir.h"
#include "lfile.h"
#include "path.h"

int (*commit_hook)(const char *step);

static int hook(const char *step, loci_error *err)
{
    if (commit_hook && commit_hook(step))
        return err_set(err, LOCI_EIO, "commit failed at %s (test hook)", step);
    return LOCI_OK;
}

int commit_write_manifest(const char *path, const struct manifest *m, loci_error *err)
{
    struct buf body = {0};
    if (manifest_encode(m, &body)) {
        buf_free(&body);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    struct lfile_writer w;
    int rc = lfile_create(&w, path, MANIFEST_MAGIC, err);
    if (!rc) {
        rc = lfile_write(&w, body.data, body.len, err);
        if (rc)
            lfile_abort(&w);
        else
            rc = lfile_finish(&w, err);
    }
    buf_free(&body);
    return rc;
}

int commit_segment_entry(const char *segdir, struct manifest_segment *s, loci_error *err)
{
    char path[PATH_BUF];
    if (path_join(path, sizeof path, segdir, FMT_META))
        return err_set(err, LOCI_EINVAL, "%s: path too long", segdir);
    struct lfile f;
    int rc = lfile_open(&f, path, FMT_MAGIC_META, err);
    if (rc)
        return rc;
    rc = lfile_verify(&f, 0, f.body_len, err);
    if (!rc && f.body_len < META_SIZE)
        rc = err_corrupt(err, "%s: meta record too short", path);
    if (!rc) {
        s->documents = le64_get(f.body + META_DOCUMENTS);
        s->passages = le64_get(f.body + META_PASSAGES);
        s->tokens = le64_get(f.body + META_TOKENS);
        s->meta_crc = lfile_table_crc(&f);
    }
    lfile_close(&f);
    return rc;
}

/* 1 if manifest m names segment directory `name`. */
static int named(const struct manifest *m, const char *name)
{
    char want[MANIFEST_NAME_MAX];
    for (size_t i = 0; i < m->nseg; i++) {
        manifest_segment_name(m->seg[i].number, want);
        if (!strcmp(want, name))
            return 1;
    }
    return 0;
}

void commit_remove_unnamed(const char *dir, const struct manifest *m)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[PATH_BUF];
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        int seg = !strncmp(n, SEG_PREFIX, strlen(SEG_PREFIX)) && !named(m, n);
        if (!seg && strncmp(n, COMMIT_SEG_TMP, strlen(COMMIT_SEG_TMP)) &&
            strncmp(n, COMMIT_MANIFEST_TMP, strlen(COMMIT_MANIFEST_TMP)))
            continue;
        if (path_join(path, sizeof path, dir, n))
            continue;
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            indexdir_remove(path);
        else
            unlink(path);
    }
    closedir(d);
}

/* 1 if `dir` no longer is the directory open as dirfd, or its lock file
 * no longer the one open as lockfd. */
static int replaced(const char *dir, int dirfd, int lockfd)
{
    struct stat a, b;
    if (fstat(dirfd, &a) != 0 || stat(dir, &b) != 0 || a.st_dev != b.st_dev ||
        a.st_ino != b.st_ino)
        return 1;
    if (fstat(lockfd, &a) != 0 || fstatat(dirfd, COMMIT_LOCK, &b, 0) != 0)
        return 1;
    return a.st_nlink == 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino;
}

/* Open and lock DIR/lock; the directory open as *dirfd. */
static int lock_dir(const char *dir, int create, int *dirfd, int *lockfd, loci_error *err)
{
    *dirfd = *lockfd = -1;
    for (int attempt = 0; attempt < 16; attempt++) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 && errno == ENOENT && create) {
            if (mkdir(dir, 0777) != 0 && errno != EEXIST)
                return err_set(err, LOCI_EIO, "%s: cannot create the index directory: %s", dir,
                               strerror(errno));
            dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        }
        if (dfd < 0) {
            if (errno == ENOENT)
                return err_set(err, LOCI_ENOTFOUND, "%s: no index here (build one with loci-index)",
                               dir);
            if (errno == ENOTDIR)
                return err_set(err, LOCI_EINVAL, "%s: not an index directory", dir);
            return err_set(err, LOCI_EIO, "%s: %s", dir,
                           errno == EACCES ? "permission denied" : strerror(errno));
        }
        int lfd = openat(dfd, COMMIT_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (lfd < 0) {
            int e = errno;
            close(dfd);
            return err_set(err, LOCI_EIO, "%s/%s: %s", dir, COMMIT_LOCK,
                           e == EACCES ? "permission denied" : strerror(e));
        }
        if (flock(lfd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            close(lfd);
            close(dfd);
            if (e == EWOULDBLOCK)
                return err_set(err, LOCI_EINVAL, "%s: another loci-index is writing this index",
                               dir);
            return err_set(err, LOCI_EIO, "%s/%s: cannot lock: %s", dir, COMMIT_LOCK, strerror(e));
        }
        if (commit_hook)
            commit_hook("locked"); /* tests: swap DIR here */
        if (!replaced(dir, dfd, lfd)) {
            *dirfd = dfd;
            *lockfd = lfd;
            return LOCI_OK;
        }
        close(lfd); /* a whole build swapped DIR meanwhile: start over */
        close(dfd);
    }
    return err_set(err, LOCI_EIO, "%s: the index keeps being replaced; try again", dir);
}

int commit_lock_for_build(const char *dir, int *fd, loci_error *err)
{
    *fd = -1;
    char path[PATH_BUF];
    struct stat st;
    if (path_join(path, sizeof path, dir, MANIFEST_FILE))
        return err_set(err, LOCI_EINVAL, "%s: path too long", dir);
    if (lstat(path, &st) != 0)
        return LOCI_OK; /* no format 4 index there: nothing to lock */
    int dirfd;
    int rc = lock_dir(dir, 0, &dirfd, fd, err);
    if (!rc)
        close(dirfd);
    return rc;
}

/* A directory without a manifest that a commit may make an index in:
 * nothing but the lock and a killed writer's leftovers. */
static int empty_enough(const char *dir, loci_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return err_set(err, LOCI_EIO, "%s: %s", dir, strerror(errno));
    struct dirent *e;
    int rc = LOCI_OK, old = 0;
    while (!rc && (e = readdir(d))) {
        const char *n = e->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, COMMIT_LOCK) ||
            !strncmp(n, SEG_PREFIX, strlen(SEG_PREFIX)) ||
            !strncmp(n, COMMIT_SEG_TMP, strlen(COMMIT_SEG_TMP)) ||
            !strncmp(n, COMMIT_MANIFEST_TMP, strlen(COMMIT_MANIFEST_TMP)))
            continue;
        if (!strcmp(n, FMT_META))
            old = 1;
        else
            rc = err_set(err, LOCI_EINVAL,
                         "%s: holds '%s', which is not part of a loci index; refusing to use it",
                         dir, n);
    }
    closedir(d);
    if (!rc && old)
        rc = err_set(err, LOCI_EVERSION,
                     "%s: holds an index of format 3 or older; rebuild it with loci-index -o %s "
                     "PATH...",
                     dir, dir);
    return rc;
}

int commit_begin(struct commit *c, const char *dir, int create, loci_error *err)
{
    memset(c, 0, sizeof *c);
    c->dirfd = c->lockfd = -1;
    if (!(c->dir = strdup(dir)))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    int rc = lock_dir(dir, create, &c->dirfd, &c->lockfd, err);
    if (!rc) {
        rc = manifest_read(c->dirfd, dir, &c->cur, err);
        if (rc == LOCI_ENOTFOUND) {
            rc = empty_enough(dir, err);
            if (!rc && !create)
                rc = err_set(err, LOCI_ENOTFOUND, "%s: no index here (build one with loci-index)",
                             dir);
            c->cur.generation = 0;
            c->cur.next_segment = 1;
        } else if (!rc) {
            c->has_index = 1;
        }
    }
    if (rc) {
        commit_end(c);
        return rc;
    }
    commit_remove_unnamed(dir, &c->cur);
    return LOCI_OK;
}

int commit_segment_temp(struct commit *c, loci_error *err)
{
    char path[PATH_BUF];
    for (int tries = 0;; tries++) {
        char suffix[7];
        indexdir_random_suffix(suffix);
        int w = snprintf(path, sizeof path, "%s/%s%ld-%s", c->dir, COMMIT_SEG_TMP, (long)getpid(),
                         suffix);
        if (w < 0 || (size_t)w >= sizeof path)
            return err_set(err, LOCI_EINVAL, "%s: path too long", c->dir);
        if (mkdir(path, 0777) == 0)
            break;
        if (errno != EEXIST || tries == 100)
            return err_set(err, LOCI_EIO, "%s: cannot create a temporary directory: %s", c->dir,
                           errno == EACCES ? "permission denied" : strerror(errno));
    }
    if (!(c->segtmp = strdup(path))) {
        indexdir_remove(path);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    return LOCI_OK;
}

int commit_add_segment(struct commit *c, struct manifest *next, loci_error *err)
{
    char name[MANIFEST_NAME_MAX], path[PATH_BUF];
    manifest_segment_name(next->next_segment, name);
    if (path_join(path, sizeof path, c->dir, name))
        return err_set(err, LOCI_EINVAL, "%s: path too long", c->dir);
    struct manifest_segment *s = manifest_add_segment(next);
    if (!s)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    int rc = commit_segment_entry(c->segtmp, s, err);
    if (!rc)
        rc = indexdir_sync_dir(c->segtmp, err);
    if (rc) {
        next->nseg--;
        return rc;
    }
    if (rename(c->segtmp, path) != 0) {
        next->nseg--;
        return err_set(err, LOCI_EIO, "%s: cannot rename the new segment into place: %s", path,
                       strerror(errno));
    }
    free(c->segtmp);
    c->segtmp = NULL;
    s->number = next->next_segment++;
    /* the segment's name is on disk before a manifest can name it */
    rc = indexdir_sync_dir(c->dir, err);
    return rc ? rc : hook("segment-renamed", err);
}

int commit_publish(struct commit *c, struct manifest *next, loci_error *err)
{
    char tmp[PATH_BUF], path[PATH_BUF];
    int w = snprintf(tmp, sizeof tmp, "%s/%s%ld", c->dir, COMMIT_MANIFEST_TMP, (long)getpid());
    if (w < 0 || (size_t)w >= sizeof tmp || path_join(path, sizeof path, c->dir, MANIFEST_FILE))
        return err_set(err, LOCI_EINVAL, "%s: path too long", c->dir);
    next->generation = c->cur.generation + 1;
    int rc = commit_write_manifest(tmp, next, err);
    if (!rc)
        rc = hook("manifest-written", err);
    if (!rc && rename(tmp, path) != 0)
        rc = err_set(err, LOCI_EIO, "%s: cannot rename the new manifest into place: %s", path,
                     strerror(errno));
    if (rc) {
        unlink(tmp);
        return rc;
    }
    /* the commit point is passed: what follows cannot undo it */
    loci_error late;
    indexdir_sync_dir(c->dir, &late);
    if (hook("manifest-renamed", &late))
        return LOCI_OK;
    commit_remove_unnamed(c->dir, next);
    hook("removed", &late);
    return LOCI_OK;
}

void commit_end(struct commit *c)
{
    if (c->segtmp)
        indexdir_remove(c->segtmp);
    free(c->segtmp);
    if (c->lockfd >= 0)
        close(c->lockfd); /* releases the flock */
    if (c->dirfd >= 0)
        close(c->dirfd);
    manifest_free(&c->cur);
    free(c->dir);
    memset(c, 0, sizeof *c);
    c->dirfd = c->lockfd = -1;
}
