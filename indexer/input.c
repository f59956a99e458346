/*
 * input.c — files, directories, stdin, gzip and JSON Lines (see input.h).
 */
#include "input.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "error.h"
#include "extract.h"
#include "json.h"

#define READ_CHUNK (256 * 1024)
#define BINARY_PROBE 8192

struct reader {
    const struct input_options *o;
    input_doc_fn fn;
    void *ctx;
    struct input_stats *stats;
    struct buf data;      /* file contents (text) or pending bytes (JSONL) */
    struct json_field fields[3];
    int spill_fd;         /* a streamed record's text beyond stream_over; -1: none yet */
    uint64_t size;        /* the file being read: its size and mtime */
    int64_t mtime_ns;
    struct extractor x;   /* a marked-up file's extractor, */
    struct buf xout;      /* its output, */
    int xdone;            /* and whether it has been ended */
    /* the directories on the walk's path, to find loops when following links */
    struct { dev_t dev; ino_t ino; } *dirs;
    size_t ndirs, cap_dirs;
    int sink_failed;      /* the receiver of the documents failed, not the input */
};

/* Documents handed on. A failure there (the build's own: a run that
 * cannot be written) is the build's, not the file's: read_or_skip must
 * not report the file as unreadable and skip it. */
static int sink_doc(struct reader *r, const struct input_doc *d, loci_error *err)
{
    int rc = r->fn(r->ctx, d, err);
    r->sink_failed |= rc != 0;
    return rc;
}

static int sink_begin(struct reader *r, const struct input_doc *d, loci_error *err)
{
    int rc = r->o->begin(r->ctx, d, err);
    r->sink_failed |= rc != 0;
    return rc;
}

static int sink_chunk(struct reader *r, const char *text, size_t len, loci_error *err)
{
    int rc = r->o->chunk(r->ctx, text, len, err);
    r->sink_failed |= rc != 0;
    return rc;
}

static int sink_end(struct reader *r, loci_error *err)
{
    int rc = r->o->end(r->ctx, err);
    r->sink_failed |= rc != 0;
    return rc;
}

static void warnf(const struct input_options *o, const char *fmt, const char *path)
{
    if (!o->warn)
        return;
    char msg[4200];
    snprintf(msg, sizeof msg, fmt, path);
    o->warn(o->warn_ctx, msg);
}

static int gz_error(gzFile gz, const char *path, loci_error *err)
{
    int code;
    const char *m = gzerror(gz, &code);
    if (code == Z_ERRNO)
        return err_set(err, LOCI_EIO, "%s: %s", path, strerror(errno));
    return err_set(err, LOCI_EIO, "%s: gzip: %s", path, m ? m : "read error");
}

/* Read more of gz into r->data; returns bytes read, 0 at end, -1 on error. */
static int read_more(struct reader *r, gzFile gz)
{
    if (buf_reserve(&r->data, READ_CHUNK))
        return -2;
    int n = gzread(gz, r->data.data + r->data.len, READ_CHUNK);
    if (n > 0) {
        r->data.len += (size_t)n;
        r->stats->bytes += (uint64_t)n;
    }
    return n;
}

static int is_binary(const uint8_t *p, size_t n)
{
    return memchr(p, '\0', n < BINARY_PROBE ? n : BINARY_PROBE) != NULL;
}

int64_t input_mtime_ns(const struct stat *st)
{
    int64_t ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + (int64_t)st->st_mtim.tv_nsec;
    return ns < 0 ? 0 : ns;
}

static int streaming(const struct reader *r)
{
    return r->o->stream_over && r->o->begin && r->o->chunk && r->o->end;
}

/* Deliver a document whose text is text[0..len) whole or, when `stream`
 * (its text is larger than stream_over), as a stream: begin, those bytes,
 * then each piece next() gives until it gives none (*n: read_more's last
 * result, below 0 on a read failure). */
typedef int (*next_fn)(struct reader *r, gzFile gz, const char **p, size_t *len);

static int deliver_text(struct reader *r, const char *path, const char *text, size_t len,
                        int stream, next_fn next, gzFile gz, loci_error *err)
{
    struct input_doc d = {path, path, strlen(path), NULL, 0, text, len, 1, 0, r->size,
                          r->mtime_ns};
    r->stats->documents++;
    if (!stream)
        return sink_doc(r, &d, err);
    /* larger than stream_over: the rest goes on in pieces */
    d.text = NULL;
    d.text_len = 0;
    int rc = sink_begin(r, &d, err);
    if (!rc)
        rc = sink_chunk(r, text, len, err);
    int n = 0;
    const char *p;
    size_t pl;
    while (!rc && (n = next(r, gz, &p, &pl)) > 0)
        rc = sink_chunk(r, p, pl, err);
    if (rc)
        return rc;
    loci_error rerr; /* a read error, once the document is ended */
    int read_rc = n == -2  ? err_set(&rerr, LOCI_ENOMEM, "%s: out of memory", path)
                  : n < 0 ? gz_error(gz, path, &rerr)
                          : LOCI_OK;
    if ((rc = sink_end(r, err)))
        return rc;
    if (read_rc && err)
        *err = rerr;
    return read_rc;
}

/* next_fn of a text file: the next bytes read. */
static int next_raw(struct reader *r, gzFile gz, const char **p, size_t *len)
{
    r->data.len = 0;
    int n = read_more(r, gz);
    *p = (const char *)r->data.data;
    *len = r->data.len;
    return n;
}

/* next_fn of a marked-up file: the text of the next bytes read (an
 * extractor may hold back bytes it cannot decide yet: then more are read). */
static int next_extracted(struct reader *r, gzFile gz, const char **p, size_t *len)
{
    r->xout.len = 0;
    while (r->xout.len == 0) {
        r->data.len = 0;
        int n = read_more(r, gz);
        if (n < 0)
            return n;
        if (n == 0) {
            if (r->xdone)
                return 0;
            r->xdone = 1;
            if (extract_end(&r->x, &r->xout))
                return -2;
            if (!r->xout.len)
                return 0;
        } else if (extract_feed(&r->x, (const char *)r->data.data, r->data.len, &r->xout)) {
            return -2;
        }
    }
    *p = (const char *)r->xout.data;
    *len = r->xout.len;
    return 1;
}

static int read_text(struct reader *r, gzFile gz, const char *path, loci_error *err)
{
    r->data.len = 0;
    int n, stream = 0;
    while ((n = read_more(r, gz)) > 0)
        if (streaming(r) && r->data.len > r->o->stream_over) {
            stream = 1;
            break;
        }
    if (n == -2)
        return err_set(err, LOCI_ENOMEM, "%s: out of memory", path);
    if (n < 0)
        return gz_error(gz, path, err);
    if (is_binary(r->data.data, r->data.len)) {
        warnf(r->o, "%s: binary file skipped", path);
        r->stats->skipped++;
        return LOCI_OK;
    }
    loci_doc_format f = r->o->doc_format;
    if (f == LOCI_FORMAT_AUTO)
        f = extract_detect(path, (const char *)r->data.data, r->data.len);
    if (f == LOCI_FORMAT_TEXT) /* the fast path: the bytes are the text */
        return deliver_text(r, path, (const char *)r->data.data, r->data.len, stream, next_raw,
                            gz, err);
    /* Marked up: the extractor's output is the text. It is streamed when
     * the text (not the file) is larger than stream_over, so whether a
     * document is streamed depends on its text alone. */
    extract_begin(&r->x, f);
    r->xdone = 0;
    r->xout.len = 0;
    if (extract_feed(&r->x, (const char *)r->data.data, r->data.len, &r->xout))
        return err_set(err, LOCI_ENOMEM, "%s: out of memory", path);
    while (stream && r->xout.len <= r->o->stream_over) {
        r->data.len = 0;
        if ((n = read_more(r, gz)) == 0)
            stream = 0;
        else if (n == -2 || (n > 0 && extract_feed(&r->x, (const char *)r->data.data,
                                                   r->data.len, &r->xout)))
            return err_set(err, LOCI_ENOMEM, "%s: out of memory", path);
        else if (n < 0)
            return gz_error(gz, path, err);
    }
    if (!stream) {
        r->xdone = 1;
        if (extract_end(&r->x, &r->xout))
            return err_set(err, LOCI_ENOMEM, "%s: out of memory", path);
    }
    return deliver_text(r, path, (const char *)r->xout.data, r->xout.len, stream,
                        next_extracted, gz, err);
}

/* Deliver the record whose fields were just extracted. */
static int jsonl_deliver(struct reader *r, const char *path, unsigned line, loci_error *err);

static int jsonl_record(struct reader *r, const char *path, unsigned line, const char *s,
                        size_t n, loci_error *err)
{
    size_t off;
    const char *why;
    int rc = json_extract(s, n, r->fields, 3, &off, &why);
    if (rc == LOCI_ENOMEM)
        return err_set(err, LOCI_ENOMEM, "%s:%u: out of memory", path, line);
    if (rc)
        return err_set(err, LOCI_EFORMAT, "%s:%u: invalid JSON: %s (column %zu)", path, line, why,
                       off + 1);
    return jsonl_deliver(r, path, line, err);
}

/* The text of a streamed record, spilled part first, in pieces. */
static int deliver_spilled(struct reader *r, const char *path, loci_error *err)
{
    const struct json_field *f = &r->fields[2];
    char *piece = malloc(READ_CHUNK);
    if (!piece)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    int rc = LOCI_OK;
    for (uint64_t off = 0; off < f->spilled && !rc;) {
        size_t want = f->spilled - off < READ_CHUNK ? (size_t)(f->spilled - off) : READ_CHUNK;
        ssize_t got = pread(r->spill_fd, piece, want, (off_t)off);
        if (got <= 0)
            rc = err_set(err, LOCI_EIO, "%s: reading back a temporary file: %s", path,
                         got < 0 ? strerror(errno) : "truncated");
        else
            rc = sink_chunk(r, piece, (size_t)got, err);
        off += got > 0 ? (uint64_t)got : 0;
    }
    free(piece);
    if (!rc && f->value.len)
        rc = sink_chunk(r, (const char *)f->value.data, f->value.len, err);
    return rc;
}

static int jsonl_deliver(struct reader *r, const char *path, unsigned line, loci_error *err)
{
    for (int i = 0; i < 2; i++)
        if (r->fields[i].overflow)
            return err_set(err, LOCI_EFORMAT, "%s:%u: field \"%s\" is larger than %u bytes",
                           path, line, r->fields[i].name, INPUT_FIELD_CAP);
    if (!r->fields[2].found)
        return err_set(err, LOCI_EFORMAT, "%s:%u: no \"%s\" field", path, line,
                       r->fields[2].name);
    char fallback[4200];
    struct input_doc d = {path, NULL, 0, NULL, 0, (const char *)r->fields[2].value.data,
                          r->fields[2].value.len, line, 1, r->size, r->mtime_ns};
    if (r->fields[0].found) {
        d.name = (const char *)r->fields[0].value.data;
        d.name_len = r->fields[0].value.len;
    } else {
        d.name_len = (size_t)snprintf(fallback, sizeof fallback, "%s:%u", path, line);
        if (d.name_len >= sizeof fallback)
            d.name_len = sizeof fallback - 1;
        d.name = fallback;
    }
    if (r->fields[1].found) {
        d.title = (const char *)r->fields[1].value.data;
        d.title_len = r->fields[1].value.len;
    }
    if (!d.text)
        d.text = "";
    r->stats->documents++;
    if (!r->fields[2].spilled)
        return sink_doc(r, &d, err);
    d.text = NULL;
    d.text_len = 0;
    int rc = sink_begin(r, &d, err);
    if (!rc)
        rc = deliver_spilled(r, path, err);
    return rc ? rc : sink_end(r, err);
}

/* ---- a JSON Lines record larger than stream_over ---------------------------- */

struct line_source {
    struct json_source src;
    struct reader *r;
    gzFile gz;
    size_t start;   /* where src.data starts in r->data */
    int done;       /* the line's newline (or the file's end) is in */
    int nl;         /* 1: it ended at a newline */
    int gz_rc;      /* read_more's failure */
};

/* json_source.more: drop what was parsed, read on, stop at the newline. */
static int line_more(struct json_source *src, size_t keep)
{
    struct line_source *ls = src->ctx;
    struct reader *r = ls->r;
    if (ls->done)
        return 0;
    size_t from = ls->start + keep, old = src->len - keep;
    memmove(r->data.data, r->data.data + from, r->data.len - from);
    r->data.len -= from;
    ls->start = 0;
    src->off += keep;
    int n = read_more(r, ls->gz);
    src->data = (const char *)r->data.data;
    if (n < 0) {
        ls->gz_rc = n;
        src->len = old;
        return n == -2 ? LOCI_ENOMEM : LOCI_EIO;
    }
    if (n == 0) {
        ls->done = 1;
        src->len = old;
        return 0;
    }
    const uint8_t *nl = memchr(r->data.data + old, '\n', r->data.len - old);
    src->len = nl ? (size_t)(nl - r->data.data) : r->data.len;
    if (nl)
        ls->done = ls->nl = 1;
    return src->len > old ? 1 : 0;
}

/* json_field.spill: the text field's bytes beyond stream_over go to an
 * unlinked temporary file. */
static int spill_text(void *ctx, struct json_field *f, int reset)
{
    struct reader *r = ctx;
    if (reset)
        return LOCI_OK; /* overwritten from offset 0 */
    if (r->spill_fd < 0) {
        const char *dir = r->o->tmpdir;
        if (!dir || !*dir)
            dir = getenv("TMPDIR");
        if (!dir || !*dir)
            dir = "/tmp";
        char path[4200];
        snprintf(path, sizeof path, "%s/spill-XXXXXX", dir);
        r->spill_fd = mkstemp(path);
        if (r->spill_fd < 0)
            return LOCI_EIO;
        unlink(path);
    }
    for (size_t done = 0; done < f->value.len;) {
        ssize_t w = pwrite(r->spill_fd, f->value.data + done, f->value.len - done,
                           (off_t)(f->spilled + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return LOCI_EIO;
        done += (size_t)w;
    }
    return LOCI_OK;
}

/* Parse the record that starts at r->data[*start] and has no newline in
 * what has been read, reading on as it goes; deliver it as a stream.
 * *start becomes where the next line starts. */
static int jsonl_stream_record(struct reader *r, gzFile gz, const char *path, unsigned line,
                               size_t *start, loci_error *err)
{
    struct line_source ls = {{0}, r, gz, *start, 0, 0, 0};
    ls.src.data = (const char *)r->data.data + *start;
    ls.src.len = r->data.len - *start;
    ls.src.more = line_more;
    ls.src.ctx = &ls;
    for (int i = 0; i < 3; i++)
        r->fields[i].cap = i < 2 ? INPUT_FIELD_CAP : 0;
    r->fields[2].spill = spill_text;
    r->fields[2].spill_ctx = r;
    r->fields[2].spill_over = r->o->stream_over;
    uint64_t off;
    const char *why;
    int rc = json_extract_source(&ls.src, r->fields, 3, &off, &why);
    for (int i = 0; i < 3; i++) {
        r->fields[i].cap = 0;
        r->fields[i].spill = NULL;
    }
    uint64_t line_len = ls.src.off + ls.src.len;
    *start = ls.start + ls.src.len + (size_t)ls.nl;
    if (ls.gz_rc == -2 || rc == LOCI_ENOMEM)
        return err_set(err, LOCI_ENOMEM, "%s:%u: out of memory", path, line);
    if (ls.gz_rc)
        return gz_error(gz, path, err);
    if (rc == LOCI_EIO)
        return err_set(err, LOCI_EIO, "%s:%u: cannot write a temporary file: %s", path, line,
                       strerror(errno));
    if (rc == LOCI_EFORMAT && off == line_len && !strcmp(why, "expected '{'"))
        return LOCI_OK; /* a blank line */
    if (rc)
        return err_set(err, LOCI_EFORMAT, "%s:%u: invalid JSON: %s (column %llu)", path, line,
                       why, (unsigned long long)off + 1);
    return jsonl_deliver(r, path, line, err);
}

static int blank(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

static int read_jsonl(struct reader *r, gzFile gz, const char *path, loci_error *err)
{
    r->data.len = 0;
    size_t start = 0, scanned = 0;
    unsigned line = 1;
    int eof = 0, first = 1;
    for (;;) {
        uint8_t *nl = r->data.len > scanned
                          ? memchr(r->data.data + scanned, '\n', r->data.len - scanned)
                          : NULL;
        if (!nl && !eof && streaming(r) && r->data.len - start > r->o->stream_over && !first) {
            /* a record too large to hold: parse it as it is read */
            int rc = jsonl_stream_record(r, gz, path, line, &start, err);
            if (rc)
                return rc;
            line++;
            scanned = start;
            continue;
        }
        if (!nl && !eof) {
            /* keep the unfinished line, read more */
            if (start > 0) {
                memmove(r->data.data, r->data.data + start, r->data.len - start);
                r->data.len -= start;
                scanned -= start;
                start = 0;
            }
            scanned = r->data.len;
            int n = read_more(r, gz);
            if (n == -2)
                return err_set(err, LOCI_ENOMEM, "%s: out of memory", path);
            if (n < 0)
                return gz_error(gz, path, err);
            if (first && r->data.len > 0) {
                first = 0;
                if (is_binary(r->data.data, r->data.len)) {
                    warnf(r->o, "%s: binary file skipped", path);
                    r->stats->skipped++;
                    return LOCI_OK;
                }
            }
            if (n == 0)
                eof = 1;
            continue;
        }
        size_t end = nl ? (size_t)(nl - r->data.data) : r->data.len;
        if (end > start || nl) {
            const uint8_t *s = r->data.data + start;
            size_t n = end - start;
            if (!blank(s, n)) {
                int rc = jsonl_record(r, path, line, (const char *)s, n, err);
                if (rc)
                    return rc;
            }
        }
        if (!nl)
            return LOCI_OK;
        line++;
        start = end + 1;
        scanned = start;
    }
}

static int read_file(struct reader *r, const char *path, loci_error *err)
{
    gzFile gz;
    r->size = 0;
    r->mtime_ns = 0;
    int fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && strcmp(path, "-") != 0) {
        struct stat st;
        if (fstat(fd, &st) == 0) {
            r->size = (uint64_t)st.st_size;
            r->mtime_ns = input_mtime_ns(&st);
        }
    }
    gz = fd >= 0 ? gzdopen(fd, "rb") : NULL;
    if (!gz && fd >= 0) {
        int e = errno;
        close(fd);
        errno = e;
    }
    if (!gz) {
        if (errno == ENOENT)
            return err_set(err, LOCI_ENOTFOUND, "%s: no such file or directory", path);
        return err_set(err, LOCI_EIO, "%s: %s", path, errno ? strerror(errno) : "cannot open");
    }
    gzbuffer(gz, READ_CHUNK);
    r->stats->files++;
    int rc = r->o->format == LOCI_INPUT_JSONL ? read_jsonl(r, gz, path, err)
                                              : read_text(r, gz, path, err);
    gzclose(gz);
    return rc;
}

/* read_file, but an unreadable file is skipped with a warning unless strict.
 * (A JSONL file that fails half way has delivered its first records: they
 * stay; the build reports the file as skipped.) */
static int read_or_skip(struct reader *r, const char *path, loci_error *err)
{
    r->sink_failed = 0;
    int rc = read_file(r, path, err);
    if (rc != LOCI_EIO || r->o->strict || r->sink_failed)
        return rc;
    if (r->o->warn) {
        char msg[LOCI_ERRMSG_MAX + 32];
        snprintf(msg, sizeof msg, "%s; skipped", err ? err->message : path);
        r->o->warn(r->o->warn_ctx, msg);
    }
    r->stats->skipped++;
    return LOCI_OK;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An entry met inside a directory walk that cannot be used (a dangling
 * symbolic link, a symlink loop, a subdirectory that cannot be opened):
 * an error (LOCI_EIO, "PATH: reason") when strict, else reported as
 * "PATH: reason; skipped", counted in skipped, and the walk goes on. */
static int skip_entry(struct reader *r, const char *path, const char *why, loci_error *err)
{
    if (r->o->strict)
        return err_set(err, LOCI_EIO, "%s: %s", path, why);
    if (r->o->warn) {
        char msg[LOCI_ERRMSG_MAX + 32];
        snprintf(msg, sizeof msg, "%s: %s; skipped", path, why);
        r->o->warn(r->o->warn_ctx, msg);
    }
    r->stats->skipped++;
    return LOCI_OK;
}

static const char *stat_reason(int e)
{
    return e == ENOENT ? "dangling symbolic link"
           : e == ELOOP ? "too many levels of symbolic links"
                        : strerror(e);
}

static int walk(struct reader *r, const char *path, int top, loci_error *err);

static int walk_dir(struct reader *r, const char *dir, int top, loci_error *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        if (top)
            return err_set(err, LOCI_EIO, "%s: %s", dir, strerror(errno));
        return skip_entry(r, dir, strerror(errno), err);
    }
    /* a directory already on the walk's path (reached again through a
     * followed symbolic link) would be walked forever */
    struct stat ds;
    size_t depth = r->ndirs; /* restored at the end */
    if (fstat(dirfd(d), &ds) == 0) {
        for (size_t i = 0; i < r->ndirs; i++)
            if (r->dirs[i].dev == ds.st_dev && r->dirs[i].ino == ds.st_ino) {
                closedir(d);
                return skip_entry(r, dir, "symbolic link loop (a directory inside itself)", err);
            }
        if (r->ndirs == r->cap_dirs) {
            void *p = array_grow(r->dirs, &r->cap_dirs, r->ndirs + 1, sizeof *r->dirs, 16);
            if (!p) {
                closedir(d);
                return err_set(err, LOCI_ENOMEM, "out of memory");
            }
            r->dirs = p;
        }
        r->dirs[r->ndirs].dev = ds.st_dev;
        r->dirs[r->ndirs++].ino = ds.st_ino;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = LOCI_OK;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **p = array_grow(names, &cap, n + 1, sizeof *p, 64);
            if (!p) {
                rc = err_set(err, LOCI_ENOMEM, "out of memory");
                break;
            }
            names = p;
        }
        if (!(names[n] = strdup(e->d_name))) {
            rc = err_set(err, LOCI_ENOMEM, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (!rc)
        qsort(names, n, sizeof *names, cmp_names);
    /* "corpus/" and "corpus" give the same names */
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    for (size_t i = 0; i < n && !rc; i++) {
        size_t m = dl + strlen(names[i]) + 2;
        char *child = malloc(m);
        if (!child) {
            rc = err_set(err, LOCI_ENOMEM, "out of memory");
            break;
        }
        snprintf(child, m, "%.*s/%s", (int)dl, dir, names[i]);
        struct stat st;
        if (lstat(child, &st) != 0) {
            rc = skip_entry(r, child, strerror(errno), err);
        } else if (S_ISLNK(st.st_mode)) {
            /* Not followed by default (like ripgrep): a link beside its
             * target is the same text twice, and links to directories
             * can form cycles. */
            if (!r->o->follow)
                r->stats->symlinks++;
            else if (stat(child, &st) != 0)
                rc = skip_entry(r, child, stat_reason(errno), err);
            else
                rc = walk(r, child, 0, err);
        } else {
            rc = walk(r, child, 0, err);
        }
        free(child);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    r->ndirs = depth;
    return rc;
}

/* `top`: path was given by the caller (a missing one is an error); else
 * it was found by a directory walk. */
static int walk(struct reader *r, const char *path, int top, loci_error *err)
{
    struct stat st;
    if (strcmp(path, "-") == 0)
        return read_or_skip(r, path, err);
    if (stat(path, &st) != 0) {
        if (!top)
            return skip_entry(r, path, strerror(errno), err);
        if (errno == ENOENT)
            return err_set(err, LOCI_ENOTFOUND, "%s: no such file or directory", path);
        return err_set(err, LOCI_EIO, "%s: %s", path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return walk_dir(r, path, top, err);
    if (!S_ISREG(st.st_mode)) {
        warnf(r->o, "%s: not a regular file, skipped", path);
        r->stats->skipped++;
        return LOCI_OK;
    }
    if (r->o->want) {
        int w = r->o->want(r->ctx, path, &st, err);
        if (w <= 0)
            return w;
    }
    return read_or_skip(r, path, err);
}

int input_add_path(const struct input_options *o, const char *path, input_doc_fn fn, void *ctx,
                   struct input_stats *stats, loci_error *err)
{
    struct reader r;
    memset(&r, 0, sizeof r);
    r.o = o;
    r.fn = fn;
    r.ctx = ctx;
    r.stats = stats;
    r.fields[0].name = o->id_field ? o->id_field : "id";
    r.fields[1].name = o->title_field ? o->title_field : "title";
    r.fields[2].name = o->text_field ? o->text_field : "text";
    r.spill_fd = -1;
    int rc = walk(&r, path, 1, err);
    if (r.spill_fd >= 0)
        close(r.spill_fd);
    buf_free(&r.data);
    buf_free(&r.xout);
    free(r.dirs);
    for (int i = 0; i < 3; i++)
        buf_free(&r.fields[i].value);
    return rc;
}
