/*
 * indexdir.c — temporary build directories and the swap into place (see
 * indexdir.h).
 */
#define _GNU_SOURCE
#include "indexdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "format.h"
#include "lfile.h"
#include "manifest.h"
#include "path.h"

static int exchange_dirs(const char *a, const char *b)
{
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
}

int (*indexdir_exchange)(const char *a, const char *b) = exchange_dirs;
void (*indexdir_between_renames)(void);

/* Remove `dir`'s files and, `depth` levels down, its directories (an
 * index holds segment directories of files), then `dir`. */
static void remove_tree(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[PATH_BUF];
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            if (path_join(path, sizeof path, dir, e->d_name) != 0)
                continue;
            struct stat st;
            if (depth > 0 && lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(path, depth - 1);
            else
                unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

void indexdir_remove(const char *dir)
{
    remove_tree(dir, 1);
}

/* A segment directory's name: "seg-" and digits. */
static int is_segment_name(const char *n)
{
    if (strncmp(n, SEG_PREFIX, strlen(SEG_PREFIX)))
        return 0;
    n += strlen(SEG_PREFIX);
    if (!*n)
        return 0;
    for (; *n; n++)
        if (*n < '0' || *n > '9')
            return 0;
    return 1;
}

/* What a killed commit leaves in an index directory. */
static int is_leftover_name(const char *n)
{
    return !strncmp(n, ".seg-tmp-", 9) || !strncmp(n, ".manifest.tmp-", 14);
}

/* Index of `name` in FMT_FILES, or -1. */
static int index_file(const char *name)
{
    for (int i = 0; i < FMT_NFILES; i++)
        if (!strcmp(name, FMT_FILES[i].name))
            return i;
    return -1;
}

/* 1 if `dir` holds nothing but regular files named like index files or
 * run files (a segment, or one being written); with `top`, also a
 * manifest, a lock, segment directories and a commit's leftovers: what
 * an index or a build's temporary directory can hold. */
static int only_files(const char *dir, int top)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int ok = 1;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        const char *n = e->d_name;
        if (!strcmp(n, ".") || !strcmp(n, ".."))
            continue;
        struct stat st;
        char sub[PATH_BUF];
        if (fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) != 0)
            ok = 0;
        else if (S_ISDIR(st.st_mode))
            ok = top && (is_segment_name(n) || is_leftover_name(n)) &&
                 path_join(sub, sizeof sub, dir, n) == 0 && only_files(sub, 0);
        else
            ok = S_ISREG(st.st_mode) &&
                 (index_file(n) >= 0 || !strncmp(n, "run-", 4) ||
                  (top && (!strcmp(n, MANIFEST_FILE) || !strcmp(n, "lock") ||
                           is_leftover_name(n))));
    }
    closedir(d);
    return ok;
}

static int only_build_files(const char *dir)
{
    return only_files(dir, 1);
}

/* This machine's name as it goes into a temporary's name: letters and
 * digits only (so the name parses back), at most 32 of them. */
static void host_tag(char out[33])
{
    char h[256] = "";
    gethostname(h, sizeof h - 1);
    size_t n = 0;
    for (const char *p = h; *p && n < 32; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
            out[n++] = *p;
    out[n] = '\0';
}

/* If `name` is a temporary's, ".NAME.tmp-HOST-PID-XXXXXX", set *pid and
 * copy HOST (empty for the older ".NAME.tmp-PID-XXXXXX") and return 1. */
static int parse_temp(const char *name, char host[33], long *pid)
{
    const char *t = NULL;
    if (name[0] != '.')
        return 0;
    for (const char *p = strstr(name, ".tmp-"); p; p = strstr(p + 1, ".tmp-"))
        t = p; /* the last one: NAME may itself contain ".tmp-" */
    if (!t)
        return 0;
    const char *rest = t + 5, *last = strrchr(rest, '-');
    if (!last || !last[1] || last == rest)
        return 0;
    const char *p = last; /* the PID runs back from here to a '-' or rest */
    while (p > rest && p[-1] >= '0' && p[-1] <= '9')
        p--;
    if (p == last || (p > rest && p[-1] != '-'))
        return 0;
    size_t hl = p > rest ? (size_t)(p - 1 - rest) : 0;
    if (hl > 32)
        return 0;
    memcpy(host, rest, hl);
    host[hl] = '\0';
    *pid = strtol(p, NULL, 10);
    return *pid > 0;
}

/* Remove the temporaries in `parent` of builds whose process is gone —
 * of any index there, not only ours, so an interrupted build of another
 * name does not leave its files behind for ever. Only this machine's:
 * on a shared file system a PID says nothing about another host. */
static void remove_stale_temps(const char *parent)
{
    DIR *d = opendir(parent);
    if (!d)
        return;
    char me[33];
    host_tag(me);
    struct dirent *e;
    while ((e = readdir(d))) {
        char host[33];
        long pid;
        if (!parse_temp(e->d_name, host, &pid) || (host[0] && strcmp(host, me)))
            continue; /* not a temporary, or another machine's */
        if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* its build is still running */
        char path[PATH_BUF];
        if (path_join(path, sizeof path, parent, e->d_name) == 0 && only_build_files(path))
            indexdir_remove(path);
    }
    closedir(d);
}

/* A build killed between the two renames of a non-atomic swap left the
 * old index at ".NAME.old" and nothing at `dir`: put it back. If `dir`
 * exists, ".NAME.old" is the index a finished swap replaced: remove it. */
static int recover_old(const char *dir, loci_error *err)
{
    char old[PATH_BUF];
    struct stat st;
    if (path_sibling(old, sizeof old, dir, PATH_OLD_PREFIX, PATH_OLD_SUFFIX) ||
        lstat(old, &st) != 0 || !S_ISDIR(st.st_mode) || !only_build_files(old))
        return LOCI_OK;
    if (lstat(dir, &st) == 0) {
        indexdir_remove(old);
        return LOCI_OK;
    }
    if (errno == ENOENT && rename(old, dir) != 0)
        return err_set(err, LOCI_EIO, "%s: cannot move the previous index back from %s: %s", dir,
                       old, strerror(errno));
    return LOCI_OK;
}

/* Count the index files of the directory open as `d` (`dir`), and those
 * with their loci header; at the top, a format 4 index's manifest and
 * segment directories count too, and its lock and a commit's leftovers
 * are ignored. Anything else is foreign (the first one named). */
static int count_index_files(DIR *d, const char *dir, int top, int *files, int *headers,
                             int *foreign, char *first_foreign, size_t ff_len, loci_error *err)
{
    struct dirent *e;
    int rc = LOCI_OK;
    while (!rc && (e = readdir(d))) {
        const char *n = e->d_name;
        struct stat st;
        if (!strcmp(n, ".") || !strcmp(n, ".."))
            continue;
        int have = fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) == 0;
        if (top && have && is_leftover_name(n))
            continue;
        if (top && have && S_ISREG(st.st_mode) && !strcmp(n, "lock"))
            continue;
        if (top && have && S_ISDIR(st.st_mode) && is_segment_name(n)) {
            char sub[PATH_BUF];
            DIR *sd = path_join(sub, sizeof sub, dir, n) == 0 ? opendir(sub) : NULL;
            if (!sd)
                return err_set(err, LOCI_EIO, "%s/%s: %s", dir, n,
                               errno == EACCES ? "permission denied" : strerror(errno));
            rc = count_index_files(sd, sub, 0, files, headers, foreign, first_foreign, ff_len,
                                   err);
            closedir(sd);
            continue;
        }
        int i = index_file(n);
        int manifest = top && !strcmp(n, MANIFEST_FILE);
        if ((i < 0 && !manifest) || !have || !S_ISREG(st.st_mode)) {
            if (!(*foreign)++)
                snprintf(first_foreign, ff_len, "%s", n);
            continue;
        }
        (*files)++;
        int fd = openat(dirfd(d), n, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return err_set(err, LOCI_EIO, "%s/%s: %s", dir, n,
                           errno == EACCES ? "permission denied" : strerror(errno));
        char magic[LFILE_MAGIC_LEN];
        *headers += read(fd, magic, sizeof magic) == (ssize_t)sizeof magic &&
                    memcmp(magic, manifest ? MANIFEST_MAGIC : FMT_FILES[i].magic,
                           sizeof magic) == 0;
        close(fd);
    }
    return rc;
}

int indexdir_check_replaceable(const char *dir, loci_error *err)
{
    struct stat st;
    if (lstat(dir, &st) != 0) {
        if (errno == ENOENT)
            return LOCI_OK;
        if (errno == EACCES)
            return err_set(err, LOCI_EIO, "%s: permission denied", dir);
        return err_set(err, LOCI_EIO, "%s: %s", dir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return err_set(err, LOCI_EINVAL, "%s: exists and is not a directory; refusing to replace it",
                       dir);
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == EACCES)
            return err_set(err, LOCI_EIO, "%s: permission denied", dir);
        return err_set(err, LOCI_EIO, "%s: %s", dir, strerror(errno));
    }
    int files = 0, headers = 0, foreign = 0, rc = LOCI_OK;
    char first_foreign[256] = "";
    rc = count_index_files(d, dir, 1, &files, &headers, &foreign, first_foreign,
                           sizeof first_foreign, err);
    closedir(d);
    if (rc)
        return rc;
    if (foreign > 1)
        return err_set(err, LOCI_EINVAL,
                       "%s: holds '%s' and %d more entries that are not part of a loci index; "
                       "refusing to replace it",
                       dir, first_foreign, foreign - 1);
    if (foreign)
        return err_set(err, LOCI_EINVAL,
                       "%s: holds '%s', which is not part of a loci index; refusing to replace it",
                       dir, first_foreign);
    if (files > 0 && headers < 2)
        return err_set(err, LOCI_EINVAL,
                       "%s: not recognized as a loci index (files with a loci header: %d of %d; "
                       "at least 2 needed); refusing to replace it",
                       dir, headers, files);
    return LOCI_OK;
}

/* Six characters for a unique name (mkdtemp would do, but it creates the
 * directory 0700 whatever the umask). */
void indexdir_random_suffix(char out[7])
{
    static const char abc[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned char r[6];
    if (getentropy(r, sizeof r) != 0) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        uint64_t x = (uint64_t)t.tv_nsec ^ ((uint64_t)t.tv_sec << 20) ^ (uint64_t)getpid();
        for (int i = 0; i < 6; i++, x >>= 8)
            r[i] = (unsigned char)x;
    }
    for (int i = 0; i < 6; i++)
        out[i] = abc[r[i] % (sizeof abc - 1)];
    out[6] = '\0';
}

int indexdir_create_temp(const char *dir, char **tmp, loci_error *err)
{
    char parent[PATH_BUF], base[PATH_BUF], path[PATH_BUF];
    *tmp = NULL;
    if (path_split(dir, parent, base))
        return err_set(err, LOCI_EINVAL, "index path too long");
    int rc = recover_old(dir, err);
    if (rc)
        return rc;
    remove_stale_temps(parent);
    char host[33];
    host_tag(host);
    for (int tries = 0;; tries++) {
        char suffix[7];
        indexdir_random_suffix(suffix);
        int w = snprintf(path, sizeof path, "%s/.%s.tmp-%s%s%ld-%s", parent, base, host,
                         host[0] ? "-" : "", (long)getpid(), suffix);
        if (w < 0 || (size_t)w >= sizeof path)
            return err_set(err, LOCI_EINVAL, "index path too long");
        if (mkdir(path, 0777) == 0)
            break;
        if (errno != EEXIST || tries == 100)
            return err_set(err, LOCI_EIO, "%s: cannot create a temporary directory: %s", parent,
                           errno == EACCES ? "permission denied" : strerror(errno));
    }
    if (!(*tmp = strdup(path))) {
        indexdir_remove(path);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    return LOCI_OK;
}

/* fsync a directory, so the names in it (or a rename into it) are on
 * disk. File systems that cannot sync a directory say EINVAL: fine. */
int indexdir_sync_dir(const char *dir, loci_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return err_set(err, LOCI_EIO, "%s: %s", dir, strerror(errno));
    int rc = fsync(fd) == 0 || errno == EINVAL || errno == ENOTSUP ? 0 : errno;
    close(fd);
    if (rc)
        return err_set(err, LOCI_EIO, "%s: fsync: %s", dir, strerror(rc));
    return LOCI_OK;
}

static int sync_parent(const char *dir, loci_error *err)
{
    char parent[PATH_BUF], base[PATH_BUF];
    if (path_split(dir, parent, base))
        return err_set(err, LOCI_EINVAL, "index path too long");
    return indexdir_sync_dir(parent, err);
}

/* The fallback of indexdir_swap: move the old index aside, the new one in,
 * and only then remove the old one. */
static int swap_by_renames(const char *tmp, const char *dir, loci_error *late, loci_error *err)
{
    char old[PATH_BUF];
    if (path_sibling(old, sizeof old, dir, PATH_OLD_PREFIX, PATH_OLD_SUFFIX))
        return err_set(err, LOCI_EINVAL, "index path too long");
    if (only_build_files(old))
        indexdir_remove(old); /* an old index a killed swap left after the new one was in */
    if (rename(dir, old) != 0)
        return err_set(err, LOCI_EIO, "%s: cannot move the old index aside: %s", dir,
                       strerror(errno));
    if (indexdir_between_renames)
        indexdir_between_renames();
    if (rename(tmp, dir) != 0) {
        int e = errno;
        if (rename(old, dir) != 0)
            return err_set(err, LOCI_EIO,
                           "%s: cannot rename the new index into place (%s); the previous "
                           "index is in %s",
                           dir, strerror(e), old);
        return err_set(err, LOCI_EIO, "%s: cannot rename the new index into place: %s", dir,
                       strerror(e));
    }
    sync_parent(dir, late);
    indexdir_remove(old);
    return LOCI_OK;
}

int indexdir_swap(const char *tmp, const char *dir, int *not_atomic, loci_error *late,
                  loci_error *err)
{
    *not_atomic = 0;
    err_clear(late);
    int rc = indexdir_check_replaceable(dir, err);
    if (!rc)
        rc = indexdir_sync_dir(tmp, err);
    if (rc)
        return rc;
    if (rename(tmp, dir) == 0) {
        sync_parent(dir, late);
        return LOCI_OK;
    }
    if (errno != ENOTEMPTY && errno != EEXIST)
        return err_set(err, LOCI_EIO, "%s: cannot rename the new index into place: %s", dir,
                       strerror(errno));
    if (indexdir_exchange(tmp, dir) == 0) {
        indexdir_remove(tmp); /* now the old index */
        sync_parent(dir, late);
        return LOCI_OK;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP && errno != EOPNOTSUPP)
        return err_set(err, LOCI_EIO, "%s: cannot swap the new index into place: %s", dir,
                       strerror(errno));
    *not_atomic = 1;
    return swap_by_renames(tmp, dir, late, err);
}

static uint64_t bytes_in(const char *dir, int depth)
{
    uint64_t total = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    char path[PATH_BUF];
    while ((e = readdir(d))) {
        struct stat st;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            path_join(path, sizeof path, dir, e->d_name) || lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth > 0 && is_segment_name(e->d_name))
            total += bytes_in(path, depth - 1);
        else if (S_ISREG(st.st_mode) &&
                 (index_file(e->d_name) >= 0 || !strcmp(e->d_name, MANIFEST_FILE)))
            total += (uint64_t)st.st_size;
    }
    closedir(d);
    return total;
}

uint64_t indexdir_bytes(const char *dir)
{
    return bytes_in(dir, 1);
}
