/*
 * fuzzutil.h — what the fuzz targets that build indexes share: a scratch
 * directory of their own, removed at exit. Header-only, like
 * tests/testutil.h, so each target stays one file.
 */
#ifndef LOCI_FUZZUTIL_H
#define LOCI_FUZZUTIL_H

/* nftw is an XSI function; include this header first. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char fuzz_base[256];

static int fuzz_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void fuzz_cleanup(void)
{
    if (fuzz_base[0])
        nftw(fuzz_base, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Create the target's scratch directory ("NAME-XXXXXX" on a RAM file
 * system when there is one: every build fsyncs its files) and return its
 * path; it is removed at exit. Aborts if it cannot be made. */
static inline const char *fuzz_scratch(const char *name)
{
    const char *t = getenv("TMPDIR");
    if (!t || !*t)
        t = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(fuzz_base, sizeof fuzz_base, "%s/%s-XXXXXX", t, name);
    if (!mkdtemp(fuzz_base)) {
        fprintf(stderr, "%s: mkdtemp %s failed\n", name, fuzz_base);
        abort();
    }
    atexit(fuzz_cleanup);
    return fuzz_base;
}

#endif
