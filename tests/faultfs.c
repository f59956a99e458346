/*
 * faultfs.c — an LD_PRELOAD shim that makes chosen file-system calls fail,
 * for tests/faults.sh (built as build/faultfs.so by `make fault-tests`).
 *
 *   LD_PRELOAD=build/faultfs.so FAULT_PATH=/tmp/x/ FAULT_OP=fsync FAULT_AT=3 \
 *       FAULT_ERRNO=EIO bin/loci-index -o /tmp/x/idx input.txt
 *
 * Environment:
 *
 *   FAULT_PATH=PREFIX   only calls on paths starting with PREFIX (relative
 *                       paths are made absolute with the working directory
 *                       first), or on file descriptors opened on such paths,
 *                       are candidates. Unset: the shim does nothing but pass
 *                       calls through.
 *   FAULT_OP=KIND[,KIND...]
 *                       the kinds of call that FAULT_AT counts, or `any` for
 *                       all of them. Kinds:
 *                         write      every data write: write, pwrite, pwrite64,
 *                                    writev, pwritev (one kind, because the
 *                                    library is free to pick any of them)
 *                         fsync, fdatasync (any fd opened under PREFIX,
 *                                    directories too)
 *                         close      of an fd opened under PREFIX for writing
 *                                    (a failed close of a file only read, or
 *                                    of a directory, loses nothing)
 *                         rename, renameat, renameat2 (a rename is a candidate
 *                                    when either path starts with PREFIX)
 *                         mkdir      mkdir and mkdtemp (glibc's mkdtemp calls
 *                                    mkdir internally, out of reach)
 *                         open       open/open64/openat/openat64/creat/creat64
 *                                    with O_CREAT (creating a file)
 *                         opendir, unlink, rmdir
 *                         openread   an open without O_CREAT (reading a file
 *                                    or a directory); not part of `any`
 *   FAULT_AT=N[,M...]   the Nth candidate call of those kinds (1-based, counted
 *                       atomically across threads) fails; just that one (and
 *                       the Mth..., up to 16 of them). 0 or unset: none.
 *   FAULT_ERRNO=NAME    the errno of the failure, by name (ENOSPC, EIO, EACCES,
 *                       EXDEV, EINVAL, EPERM, ENOENT, EROFS, EDQUOT, EMFILE,
 *                       ENOTEMPTY, EEXIST, EBUSY); default EIO.
 *   FAULT_ALWAYS=KIND:ERRNO
 *                       besides, every candidate call of KIND fails with
 *                       ERRNO (not counted for FAULT_AT), e.g. renameat2:EINVAL
 *                       for a file system without atomic exchange.
 *   FAULT_QUOTA=BYTES   a disk that fills up: data writes on candidate fds
 *                       succeed until BYTES in total have been written; the
 *                       write that crosses the limit is short (writes what
 *                       fits) and later ones fail with ENOSPC. The count only
 *                       grows (unlinking a file gives no space back), so the
 *                       disk is at least as full as a real one would be.
 *   FAULT_COUNT_FILE=F  at exit, append to F one line "KIND COUNT" per kind
 *                       (candidate calls seen, failed or not) and a line
 *                       "bytes N" (bytes written on candidate fds), so that a
 *                       test can learn N from a fault-free run; and "late 1"
 *                       when the first failure injected (FAULT_AT or
 *                       FAULT_QUOTA) came after a candidate rename had
 *                       succeeded (when the new index may be in place
 *                       already), "late 0" otherwise.
 *
 * A failed close still closes the descriptor (as Linux does). Calls made
 * before the shim's constructor ran are passed through; the constructor
 * resolves every real function with dlsym(RTLD_NEXT) (before any thread of
 * the program starts) and the shim never calls itself. Not seen: calls libc
 * makes internally (fopen, fclose, closedir, mkdtemp's mkdir), dup/dup2 and
 * fcntl(F_DUPFD) copies of a descriptor.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum kind {
    K_WRITE,
    K_FSYNC,
    K_FDATASYNC,
    K_CLOSE,
    K_RENAME,
    K_RENAMEAT,
    K_RENAMEAT2,
    K_MKDIR,
    K_OPEN,
    K_OPENDIR,
    K_UNLINK,
    K_RMDIR,
    K_OPENREAD,
    K_COUNT
};

static const char *const kind_names[K_COUNT] = {
    "write", "fsync", "fdatasync", "close", "rename", "renameat",
    "renameat2", "mkdir", "open", "opendir", "unlink", "rmdir", "openread",
};

#define MAX_FD 65536

static atomic_int ready;                     /* constructor done and FAULT_PATH set */
static char prefix[4096];
static size_t prefix_len;
static unsigned selected;                    /* bit per kind */
#define MAX_AT 16
static long fault_at[MAX_AT];               /* call numbers to fail, 0-terminated */
static int fault_errno = EIO;
static long long quota = -1;
static int always_kind = -1, always_errno;
static const char *count_file;
static atomic_long candidates;               /* of the selected kinds */
static atomic_long seen[K_COUNT];
static atomic_llong written;
static atomic_int renamed;                   /* a candidate rename succeeded */
static atomic_int injected, late;            /* a failure was injected; after a rename */
static atomic_uchar tracked[MAX_FD];
static _Thread_local int busy;

/* ---- the real functions ------------------------------------------------------ */

#define REAL(type, name, args)                                                    \
    static type(*real_##name) args;                                               \
    static type(*get_##name(void)) args                                           \
    {                                                                             \
        if (!real_##name)                                                         \
            *(void **)&real_##name = dlsym(RTLD_NEXT, #name);                     \
        return real_##name;                                                       \
    }

REAL(ssize_t, write, (int, const void *, size_t))
REAL(ssize_t, pwrite, (int, const void *, size_t, off_t))
REAL(ssize_t, pwrite64, (int, const void *, size_t, off_t))
REAL(ssize_t, writev, (int, const struct iovec *, int))
REAL(ssize_t, pwritev, (int, const struct iovec *, int, off_t))
REAL(int, fsync, (int))
REAL(int, fdatasync, (int))
REAL(int, close, (int))
REAL(int, rename, (const char *, const char *))
REAL(int, renameat, (int, const char *, int, const char *))
REAL(int, renameat2, (int, const char *, int, const char *, unsigned))
REAL(int, mkdir, (const char *, mode_t))
REAL(char *, mkdtemp, (char *))
REAL(int, open, (const char *, int, ...))
REAL(int, open64, (const char *, int, ...))
REAL(int, openat, (int, const char *, int, ...))
REAL(int, openat64, (int, const char *, int, ...))
REAL(int, creat, (const char *, mode_t))
REAL(int, creat64, (const char *, mode_t))
REAL(DIR *, opendir, (const char *))
REAL(int, unlink, (const char *))
REAL(int, rmdir, (const char *))

/* ---- configuration ------------------------------------------------------------ */

static const struct {
    const char *name;
    int value;
} errnos[] = {
    {"ENOSPC", ENOSPC}, {"EIO", EIO},       {"EACCES", EACCES},       {"EXDEV", EXDEV},
    {"EINVAL", EINVAL}, {"EPERM", EPERM},   {"ENOENT", ENOENT},       {"EROFS", EROFS},
    {"EDQUOT", EDQUOT}, {"EMFILE", EMFILE}, {"ENOTEMPTY", ENOTEMPTY}, {"EEXIST", EEXIST},
    {"EBUSY", EBUSY},
};

static void die(const char *what, const char *value)
{
    static const char head[] = "faultfs: bad ";
    ssize_t (*w)(int, const void *, size_t) = get_write();
    if (w(2, head, sizeof head - 1) < 0 || w(2, what, strlen(what)) < 0 ||
        w(2, ": ", 2) < 0 || w(2, value, strlen(value)) < 0 || w(2, "\n", 1) < 0)
        _exit(99);
    _exit(99);
}

static int errno_named(const char *var, const char *name)
{
    for (size_t i = 0; i < sizeof errnos / sizeof *errnos; i++)
        if (!strcmp(name, errnos[i].name))
            return errnos[i].value;
    die(var, name);
    return 0;
}

__attribute__((constructor)) static void faultfs_init(void)
{
    busy = 1;
    get_write(), get_pwrite(), get_pwrite64(), get_writev(), get_pwritev();
    get_fsync(), get_fdatasync(), get_close();
    get_rename(), get_renameat(), get_renameat2(), get_mkdir(), get_mkdtemp();
    get_open(), get_open64(), get_openat(), get_openat64(), get_creat(), get_creat64();
    get_opendir(), get_unlink(), get_rmdir();
    const char *p = getenv("FAULT_PATH");
    const char *op = getenv("FAULT_OP");
    const char *at = getenv("FAULT_AT");
    const char *en = getenv("FAULT_ERRNO");
    const char *q = getenv("FAULT_QUOTA");
    count_file = getenv("FAULT_COUNT_FILE");
    if (op && *op) {
        char list[256];
        snprintf(list, sizeof list, "%s", op);
        for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            int found = 0;
            for (int k = 0; k < K_COUNT; k++)
                if (!strcmp(t, kind_names[k]) || (!strcmp(t, "any") && k != K_OPENREAD)) {
                    selected |= 1u << k;
                    found = 1;
                }
            if (!found)
                die("FAULT_OP", t);
        }
    }
    if (at && *at) {
        char *end;
        const char *c = at;
        for (int k = 0; k < MAX_AT - 1; k++) {
            fault_at[k] = strtol(c, &end, 10);
            if (end == c || fault_at[k] < 0 || (*end && *end != ','))
                die("FAULT_AT", at);
            if (!*end)
                break;
            c = end + 1;
        }
        if (*end)
            die("FAULT_AT", at);
    }
    if (en && *en)
        fault_errno = errno_named("FAULT_ERRNO", en);
    const char *al = getenv("FAULT_ALWAYS");
    if (al && *al) {
        const char *colon = strchr(al, ':');
        if (!colon)
            die("FAULT_ALWAYS", al);
        for (int k = 0; k < K_COUNT; k++)
            if (strlen(kind_names[k]) == (size_t)(colon - al) &&
                !strncmp(al, kind_names[k], (size_t)(colon - al)))
                always_kind = k;
        if (always_kind < 0)
            die("FAULT_ALWAYS", al);
        always_errno = errno_named("FAULT_ALWAYS", colon + 1);
    }
    if (q && *q) {
        char *end;
        quota = strtoll(q, &end, 10);
        if (*end || quota < 0)
            die("FAULT_QUOTA", q);
    }
    if (p && *p) {
        if (strlen(p) >= sizeof prefix)
            die("FAULT_PATH", "too long");
        strcpy(prefix, p);
        prefix_len = strlen(prefix);
        atomic_store(&ready, 1);
    }
    busy = 0;
}

__attribute__((destructor)) static void faultfs_fini(void)
{
    if (!count_file || !atomic_load(&ready))
        return;
    busy = 1;
    char line[64 * (K_COUNT + 1)];
    size_t n = 0;
    for (int k = 0; k < K_COUNT; k++)
        n += (size_t)snprintf(line + n, sizeof line - n, "%s %ld\n", kind_names[k],
                              atomic_load(&seen[k]));
    n += (size_t)snprintf(line + n, sizeof line - n, "bytes %lld\nlate %d\n",
                          atomic_load(&written), atomic_load(&late));
    int fd = get_open()(count_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
        if (get_write()(fd, line, n) != (ssize_t)n)
            get_write()(2, "faultfs: cannot write the count file\n", 37);
        get_close()(fd);
    }
    busy = 0;
}

/* ---- deciding ------------------------------------------------------------------ */

static int active(void)
{
    return !busy && atomic_load(&ready);
}

static int path_matches(int dirfd, const char *path)
{
    if (!path)
        return 0;
    if (path[0] != '/') {
        if (dirfd != AT_FDCWD)
            return dirfd >= 0 && dirfd < MAX_FD && atomic_load(&tracked[dirfd]);
        char full[8192];
        if (!getcwd(full, sizeof full - 1))
            return 0;
        size_t n = strlen(full);
        snprintf(full + n, sizeof full - n, "/%s", path);
        return strncmp(full, prefix, prefix_len) == 0;
    }
    return strncmp(path, prefix, prefix_len) == 0;
}

/* tracked[fd]: 0 not under the prefix, 1 opened there, 2 opened there for writing */
static int fd_matches(int fd)
{
    return fd >= 0 && fd < MAX_FD && atomic_load(&tracked[fd]);
}

static int fd_writable(int fd)
{
    return fd >= 0 && fd < MAX_FD && atomic_load(&tracked[fd]) == 2;
}

/* A candidate call of kind k: count it; nonzero (errno set to the error
 * to return) if this one must fail. */
static void injecting(void)
{
    if (atomic_exchange(&injected, 1) == 0)
        atomic_store(&late, atomic_load(&renamed));
}

static int hit(enum kind k)
{
    atomic_fetch_add(&seen[k], 1);
    if ((int)k == always_kind) {
        errno = always_errno;
        return 1;
    }
    if (!(selected & (1u << k)))
        return 0;
    long n = atomic_fetch_add(&candidates, 1) + 1;
    for (int i = 0; i < MAX_AT && fault_at[i]; i++)
        if (n == fault_at[i]) {
            injecting();
            errno = fault_errno;
            return 1;
        }
    return 0;
}

static void track(int fd, int how)
{
    if (fd >= 0 && fd < MAX_FD)
        atomic_store(&tracked[fd], (unsigned char)how);
}

/* How many of n bytes the disk takes (FAULT_QUOTA), -1 when it is full. */
static ssize_t room(size_t n)
{
    if (quota < 0) {
        atomic_fetch_add(&written, (long long)n);
        return (ssize_t)n;
    }
    long long cur = atomic_load(&written);
    for (;;) {
        if (cur >= quota && n > 0)
            return -1;
        long long take = quota - cur < (long long)n ? quota - cur : (long long)n;
        if (atomic_compare_exchange_weak(&written, &cur, cur + take))
            return (ssize_t)take;
    }
}

/* ---- data writes ------------------------------------------------------------------ */

/* Common to write, pwrite and pwrite64: 1 and *len set when the call
 * must fail now (errno set), else 0 with *len the bytes to write. */
static int write_gate(int fd, size_t *len)
{
    if (!active() || !fd_matches(fd))
        return 0;
    if (hit(K_WRITE))
        return 1;
    ssize_t r = room(*len);
    if (r < 0) {
        injecting();
        errno = ENOSPC;
        return 1;
    }
    *len = (size_t)r;
    return 0;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    if (write_gate(fd, &n))
        return -1;
    return get_write()(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    if (write_gate(fd, &n))
        return -1;
    return get_pwrite()(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    if (write_gate(fd, &n))
        return -1;
    return get_pwrite64()(fd, buf, n, off);
}

/* The first `cnt` iovecs cut to `len` bytes in total, into out[] (at most
 * 64); returns the new count. */
static int cut_iov(const struct iovec *iov, int cnt, size_t len, struct iovec *out)
{
    int m = 0;
    for (int i = 0; i < cnt && m < 64 && len > 0; i++) {
        out[m] = iov[i];
        if (out[m].iov_len > len)
            out[m].iov_len = len;
        len -= out[m].iov_len;
        m++;
    }
    return m;
}

static size_t iov_total(const struct iovec *iov, int cnt)
{
    size_t t = 0;
    for (int i = 0; i < cnt; i++)
        t += iov[i].iov_len;
    return t;
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
    size_t total = iov_total(iov, cnt), n = total;
    if (write_gate(fd, &n))
        return -1;
    if (n == total)
        return get_writev()(fd, iov, cnt);
    struct iovec cut[64];
    return get_writev()(fd, cut, cut_iov(iov, cnt, n, cut));
}

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
    size_t total = iov_total(iov, cnt), n = total;
    if (write_gate(fd, &n))
        return -1;
    if (n == total)
        return get_pwritev()(fd, iov, cnt, off);
    struct iovec cut[64];
    return get_pwritev()(fd, cut, cut_iov(iov, cnt, n, cut), off);
}

/* ---- sync and close ------------------------------------------------------------------ */

int fsync(int fd)
{
    if (active() && fd_matches(fd) && hit(K_FSYNC))
        return -1;
    return get_fsync()(fd);
}

int fdatasync(int fd)
{
    if (active() && fd_matches(fd) && hit(K_FDATASYNC))
        return -1;
    return get_fdatasync()(fd);
}

int close(int fd)
{
    int fail = active() && fd_writable(fd) && hit(K_CLOSE);
    int e = errno;
    track(fd, 0);
    int rc = get_close()(fd);
    if (fail) {
        errno = e;
        return -1;
    }
    return rc;
}

/* ---- names ------------------------------------------------------------------------------ */

/* After a rename: note a candidate one that succeeded. */
static int renamed_if(int rc, const char *from, const char *to)
{
    if (rc == 0 && active() && (path_matches(AT_FDCWD, from) || path_matches(AT_FDCWD, to)))
        atomic_store(&renamed, 1);
    return rc;
}

int rename(const char *from, const char *to)
{
    if (active() && (path_matches(AT_FDCWD, from) || path_matches(AT_FDCWD, to)) &&
        hit(K_RENAME))
        return -1;
    return renamed_if(get_rename()(from, to), from, to);
}

int renameat(int fd1, const char *from, int fd2, const char *to)
{
    if (active() && (path_matches(fd1, from) || path_matches(fd2, to)) && hit(K_RENAMEAT))
        return -1;
    return renamed_if(get_renameat()(fd1, from, fd2, to), from, to);
}

int renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags)
{
    if (active() && (path_matches(fd1, from) || path_matches(fd2, to)) && hit(K_RENAMEAT2))
        return -1;
    return renamed_if(get_renameat2()(fd1, from, fd2, to, flags), from, to);
}

int mkdir(const char *path, mode_t mode)
{
    if (active() && path_matches(AT_FDCWD, path) && hit(K_MKDIR))
        return -1;
    return get_mkdir()(path, mode);
}

char *mkdtemp(char *tmpl)
{
    if (active() && path_matches(AT_FDCWD, tmpl) && hit(K_MKDIR))
        return NULL;
    return get_mkdtemp()(tmpl);
}

int unlink(const char *path)
{
    if (active() && path_matches(AT_FDCWD, path) && hit(K_UNLINK))
        return -1;
    return get_unlink()(path);
}

int rmdir(const char *path)
{
    if (active() && path_matches(AT_FDCWD, path) && hit(K_RMDIR))
        return -1;
    return get_rmdir()(path);
}

DIR *opendir(const char *path)
{
    if (active() && path_matches(AT_FDCWD, path) && hit(K_OPENDIR))
        return NULL;
    return get_opendir()(path);
}

/* ---- opening ------------------------------------------------------------------------------ */

/* Before an open: 1 (errno set) if it must fail; *match is what to
 * record in tracked[] for the new fd. */
static int open_gate(int dirfd, const char *path, int flags, int *match)
{
    *match = 0;
    if (active() && path_matches(dirfd, path))
        *match = (flags & O_ACCMODE) != O_RDONLY ? 2 : 1;
    return *match && hit(flags & O_CREAT ? K_OPEN : K_OPENREAD);
}

static int opened(int fd, int how)
{
    if (fd >= 0)
        track(fd, how);
    return fd;
}

static mode_t mode_arg(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    int match;
    if (open_gate(AT_FDCWD, path, flags, &match))
        return -1;
    return opened(get_open()(path, flags, mode), match);
}

int open64(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    int match;
    if (open_gate(AT_FDCWD, path, flags, &match))
        return -1;
    return opened(get_open64()(path, flags, mode), match);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    int match;
    if (open_gate(dirfd, path, flags, &match))
        return -1;
    return opened(get_openat()(dirfd, path, flags, mode), match);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    int match;
    if (open_gate(dirfd, path, flags, &match))
        return -1;
    return opened(get_openat64()(dirfd, path, flags, mode), match);
}

int creat(const char *path, mode_t mode)
{
    int match;
    if (open_gate(AT_FDCWD, path, O_CREAT | O_WRONLY, &match))
        return -1;
    return opened(get_creat()(path, mode), match);
}

int creat64(const char *path, mode_t mode)
{
    int match;
    if (open_gate(AT_FDCWD, path, O_CREAT | O_WRONLY, &match))
        return -1;
    return opened(get_creat64()(path, mode), match);
}
