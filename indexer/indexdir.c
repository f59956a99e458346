/*
 * indexdir.c — temporary build directories and the atomic swap (see
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
#include <unistd.h>

#include "error.h"
#include "format.h"
#include "lfile.h"
#include "path.h"

void indexdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[PATH_BUF];
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            if (path_join(path, sizeof path, dir, e->d_name) == 0)
                unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* Split dir into its parent and last component (both PATH_BUF bytes). */
static int split_path(const char *dir, char *parent, char *base)
{
    size_t n = strlen(dir);
    if (n >= PATH_BUF)
        return -1;
    memcpy(parent, dir, n + 1);
    while (n > 1 && parent[n - 1] == '/')
        parent[--n] = '\0';
    char *slash = strrchr(parent, '/');
    if (!slash) {
        memcpy(base, parent, n + 1);
        strcpy(parent, ".");
    } else {
        strcpy(base, slash + 1);
        if (slash == parent)
            slash[1] = '\0'; /* the root */
        else
            *slash = '\0';
    }
    return 0;
}

static void remove_stale_temps(const char *parent, const char *base)
{
    char prefix[PATH_BUF + 8];
    size_t plen = (size_t)snprintf(prefix, sizeof prefix, ".%s.tmp-", base);
    DIR *d = opendir(parent);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, prefix, plen) != 0)
            continue;
        long pid = strtol(e->d_name + plen, NULL, 10);
        if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue; /* a build still running */
        char path[PATH_BUF];
        if (path_join(path, sizeof path, parent, e->d_name) == 0)
            indexdir_remove(path);
    }
    closedir(d);
}

int indexdir_replaceable(const char *dir)
{
    char path[PATH_BUF];
    if (path_join(path, sizeof path, dir, FMT_META))
        return 0;
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        char magic[LFILE_MAGIC_LEN];
        ssize_t n = read(fd, magic, sizeof magic);
        close(fd);
        return n == (ssize_t)sizeof magic && memcmp(magic, FMT_MAGIC_META, sizeof magic) == 0;
    }
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT;
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = 0;
    closedir(d);
    return empty;
}

int indexdir_create_temp(const char *dir, char **tmp, loci_error *err)
{
    char parent[PATH_BUF], base[PATH_BUF], tmpl[2 * PATH_BUF + 64];
    *tmp = NULL;
    if (split_path(dir, parent, base))
        return err_set(err, LOCI_EINVAL, "index path too long");
    remove_stale_temps(parent, base);
    int w = snprintf(tmpl, sizeof tmpl, "%s/.%s.tmp-%ld-XXXXXX", parent, base, (long)getpid());
    if (w < 0 || (size_t)w >= PATH_BUF || !mkdtemp(tmpl))
        return err_set(err, LOCI_EIO, "%s: cannot create a temporary directory: %s", parent,
                       strerror(errno));
    if (!(*tmp = strdup(tmpl))) {
        indexdir_remove(tmpl);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    return LOCI_OK;
}

int indexdir_swap(const char *tmp, const char *dir, loci_error *err)
{
    if (!indexdir_replaceable(dir))
        return err_set(err, LOCI_EINVAL, "%s: exists and is not a loci index; refusing to replace it",
                       dir);
    if (rename(tmp, dir) == 0)
        return LOCI_OK;
    if (errno != ENOTEMPTY && errno != EEXIST)
        return err_set(err, LOCI_EIO, "%s: cannot rename the new index into place: %s", dir,
                       strerror(errno));
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
        indexdir_remove(tmp); /* now the old index */
        return LOCI_OK;
    }
    /* No atomic exchange on this file system: move the old index aside
     * first. A crash between the two renames leaves it in the .old dir. */
    char old[PATH_BUF + 32];
    snprintf(old, sizeof old, "%s.old", tmp);
    if (rename(dir, old) != 0 || rename(tmp, dir) != 0)
        return err_set(err, LOCI_EIO, "%s: cannot replace the index: %s", dir, strerror(errno));
    indexdir_remove(old);
    return LOCI_OK;
}

uint64_t indexdir_bytes(const char *dir)
{
    static const char *const files[] = {FMT_META, FMT_LEXICON, FMT_POSTINGS, FMT_POSITIONS,
                                        FMT_LENGTHS, FMT_PASSAGES, FMT_DOCS, FMT_TEXT};
    uint64_t total = 0;
    char path[PATH_BUF];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        struct stat st;
        if (path_join(path, sizeof path, dir, files[i]) == 0 && stat(path, &st) == 0)
            total += (uint64_t)st.st_size;
    }
    return total;
}
