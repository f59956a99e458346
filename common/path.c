/*
 * path.c — see path.h.
 */
#include "path.h"

#include <stdio.h>

int path_join(char *out, size_t n, const char *dir, const char *name)
{
    int w = snprintf(out, n, "%s/%s", dir, name);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}
