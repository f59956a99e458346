/*
 * path.c — see path.h.
 */
#include "path.h"

#include <stdio.h>
#include <string.h>

int path_join(char *out, size_t n, const char *dir, const char *name)
{
    int w = snprintf(out, n, "%s/%s", dir, name);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

int path_split(const char *path, char *parent, char *base)
{
    size_t n = strlen(path);
    if (n == 0 || n >= PATH_BUF)
        return -1;
    memcpy(parent, path, n + 1);
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

int path_sibling(char *out, size_t n, const char *path, const char *prefix, const char *suffix)
{
    char parent[PATH_BUF], base[PATH_BUF];
    if (path_split(path, parent, base))
        return -1;
    int w = snprintf(out, n, "%s/%s%s%s", parent, prefix, base, suffix);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}
