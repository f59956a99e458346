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

#endif
