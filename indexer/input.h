/*
 * input.h — turning the paths given to loci-index into documents.
 *
 * A path is a file, a directory (walked recursively in sorted order so a
 * build is deterministic; entries starting with '.' are skipped; symbolic
 * links inside it are not followed unless asked, like ripgrep: a file
 * symlinked next to its target would be indexed twice) or "-" for
 * standard input. Every file is read through zlib, so .gz files are
 * transparent. A marked-up text file (HTML, a man page, Markdown:
 * extract.h) is turned into plain text on the way, its lines kept.
 * A file with a NUL byte in its first 8 KiB is binary and skipped with a
 * warning, like grep does. Inside a walk, an entry that cannot be used — a
 * dangling symbolic link, a symlink loop, a subdirectory that cannot be
 * opened — is treated like an unreadable file (see input_add_path).
 *
 * Text input: each file is one document named by its path. JSON Lines
 * input: each non-blank line is one record; the id, title and text fields
 * are extracted (json.h) and the file is streamed line by line, never
 * loaded whole. With streaming on (input_options), a document is not
 * loaded whole either, however large.
 */
#ifndef LOCI_INPUT_H
#define LOCI_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include <sys/stat.h>

#include "loci.h"

struct input_doc {
    const char *source;   /* path of the file ("-" for stdin), for messages */
    const char *name;     /* the path, or the JSONL id ("PATH:LINE" without one) */
    size_t name_len;
    const char *title;    /* JSONL title or NULL */
    size_t title_len;
    const char *text;     /* raw bytes, not NUL-terminated */
    size_t text_len;
    unsigned line;        /* 1-based line of text[0] (JSONL: the record's line) */
    int line_is_record;   /* 1 for JSONL */
    /* the source file when it was opened (0 for standard input) */
    uint64_t size;        /* bytes (st_size) */
    int64_t mtime_ns;     /* modification time, ns since the epoch, at least 0 */
};

/* Called once per document; pointers are valid during the call only.
 * Return 0 to go on, or a LOCI_E* status to stop (input_add_path returns it). */
typedef int (*input_doc_fn)(void *ctx, const struct input_doc *d, loci_error *err);

struct input_options {
    loci_input_format format;
    loci_doc_format doc_format; /* text files: AUTO detects per file (extract.h) */
    /* 1: follow symbolic links found in directories (a directory already
     * on the walk's path is skipped as a loop); 0: count them in
     * stats->symlinks and go on. A path given is followed either way. */
    int follow;
    const char *id_field, *title_field, *text_field; /* NULL: "id", "title", "text" */
    int strict;            /* 1: an unreadable file is an error; 0: warn and skip it */
    void (*warn)(void *ctx, const char *message);     /* may be NULL */
    void *warn_ctx;
    /* Streaming (optional; off when stream_over is 0 or a callback is
     * NULL): a document whose text is larger than stream_over bytes is
     * never held in memory whole. Instead of fn, begin is called with the
     * document (text NULL, text_len 0; a JSONL title, if any, comes with
     * it), then chunk with its text in pieces, then end; all with fn's
     * ctx, and returning like fn. A text file is streamed once more than
     * stream_over bytes of it have been read. A JSONL record is streamed
     * once its line passes stream_over bytes: it is parsed as it is read,
     * its text field's value spilling to an unlinked temporary file in
     * tmpdir (NULL: $TMPDIR or /tmp) past stream_over bytes; its id and
     * title may then be at most INPUT_FIELD_CAP bytes ("PATH:LINE: field
     * "title" is larger than ..." otherwise). A read error in the middle
     * of a streamed document ends it (end is called) before the error is
     * returned or, unless strict, the file reported as skipped. */
    size_t stream_over;
    int (*begin)(void *ctx, const struct input_doc *d, loci_error *err);
    int (*chunk)(void *ctx, const char *text, size_t len, loci_error *err);
    int (*end)(void *ctx, loci_error *err);
    const char *tmpdir;
    /* Optional: called with every regular file found (given or walked,
     * not "-") and its stat before it is opened, with fn's ctx; 0 skips
     * the file (loci-index --update: one whose size and mtime did not
     * change), 1 reads it, a negative LOCI_E* status stops. */
    int (*want)(void *ctx, const char *path, const struct stat *st, loci_error *err);
};

#define INPUT_FIELD_CAP (1u << 20) /* id and title of a streamed JSONL record */

struct input_stats {
    uint64_t files, documents, bytes, skipped;
    uint64_t symlinks; /* symbolic links in directories, not followed */
};

/* Read `path` and call fn per document. Stats accumulate (caller zeroes).
 * Errors: LOCI_ENOTFOUND (no such path), LOCI_EFORMAT (bad JSON line,
 * missing text field: "PATH:LINE: ..."), LOCI_EIO (a file that cannot be
 * opened or read, or bad gzip data; inside a directory walk, also a
 * dangling symbolic link, a symlink loop or a subdirectory that cannot be
 * opened — unless !strict, when such a file is reported through warn as
 * "PATH: reason; skipped", counted in skipped, and the walk goes on). */
int input_add_path(const struct input_options *o, const char *path, input_doc_fn fn, void *ctx,
                   struct input_stats *stats, loci_error *err);

/* A file's modification time as the docs records keep it: nanoseconds
 * since the epoch, clamped at 0. */
int64_t input_mtime_ns(const struct stat *st);

#endif
