/*
 * path.h — building file paths into fixed buffers, with overflow reported
 * instead of silently truncated (a truncated path could name another file).
 */
#ifndef LOCI_PATH_H
#define LOCI_PATH_H

#include <stddef.h>

#define PATH_BUF 4096

/* out = dir "/" name. Returns 0, or -1 if it does not fit in n bytes. */
int path_join(char *out, size_t n, const char *dir, const char *name);

/* Split `path` into its parent directory and last component (trailing
 * slashes ignored; "idx" -> ".", "idx"). parent and base hold PATH_BUF
 * bytes. Returns 0, or -1 for an empty or too long path. */
int path_split(const char *path, char *parent, char *base);

/* out = parent "/" prefix base suffix: a name beside `path`, such as the
 * ".idx.old" an index is moved to while it is replaced without an atomic
 * exchange (PATH_OLD_PREFIX, PATH_OLD_SUFFIX). 0, or -1 if it does not fit. */
int path_sibling(char *out, size_t n, const char *path, const char *prefix, const char *suffix);
#define PATH_OLD_PREFIX "."
#define PATH_OLD_SUFFIX ".old"

#endif
