/*
 * lfile.h — checksummed, versioned, memory-mapped index files.
 *
 * Every file of an index has the same envelope (see docs/FORMAT.md):
 *
 *   offset 0   header, LFILE_HEADER_SIZE (64) bytes, little-endian:
 *                0  magic[8]        file kind, e.g. "LOCIlex\0"
 *                8  u16 major       LFILE_MAJOR; a reader rejects another major
 *               10  u16 minor       LFILE_MINOR; additions that old readers may ignore
 *               12  u32 page_size   LFILE_PAGE_SIZE
 *               16  u64 body_len    bytes of body
 *               24  u64 page_count  ceil(body_len / page_size)
 *               32  u32 table_crc   CRC-32C of the page CRC table
 *               36  u8  reserved[24] zero
 *               60  u32 header_crc  CRC-32C of bytes 0..59
 *   offset 64  body (body_len bytes): the file kind's own content
 *   then       page CRC table: page_count x u32, CRC-32C (crc32c.h) of each
 *              page_size slice of the body (the last one may be short)
 *
 * The file size must be exactly 64 + body_len + 4 * page_count.
 *
 * Why pages: opening an index must stay cheap however large it is, so the
 * reader checks the header at open, and each page of the body the first
 * time a reader touches it (lfile_verify): a damaged CRC table shows up
 * there as a mismatch, so opening never reads the table. A bitmap remembers
 * verified pages, so hot pages are checked once per process. A full check
 * (lfile_verify(f, 0, body_len)) is what `loci-search --check` runs.
 *
 * The writer streams: it never holds more than one page, so files of any
 * size are written in bounded memory.
 */
#ifndef LOCI_LFILE_H
#define LOCI_LFILE_H

#include <stdint.h>
#include <stddef.h>

#include "buf.h"
#include "loci.h"

#define LFILE_HEADER_SIZE 64
#define LFILE_MAJOR 4
#define LFILE_MINOR 3
/* The first minor version whose terms are those of today's analyzer (4.1:
 * CJK bigrams, elision). Segments of an older minor are searched with
 * analyzer_legacy, and changing such an index takes a rebuild. */
#define LFILE_MINOR_TOKENS 1
/* The first minor version that records JSON Lines titles (4.3: the docs
 * record's title length, the lengths file's title table); older segments
 * are read as having no title. */
#define LFILE_MINOR_TITLES 3
#define LFILE_PAGE_SIZE 4096
#define LFILE_MAGIC_LEN 8

/* A file open for reading. Fields are read-only for users. */
struct lfile {
    char *path;               /* owned copy, for messages */
    const uint8_t *map;       /* whole file; NULL for an empty mapping */
    size_t map_len;
    const uint8_t *body;      /* map + LFILE_HEADER_SIZE */
    uint64_t body_len;
    uint32_t page_size;
    uint64_t page_count;
    const uint8_t *page_crcs; /* page_count little-endian u32 */
    uint8_t *verified;        /* one byte per page: 1 once its CRC matched */
};

/* Map `path` and check its envelope: size, magic (must equal `magic`,
 * LFILE_MAGIC_LEN bytes), major version and header CRC.
 * Errors: LOCI_ENOTFOUND (no such file), LOCI_EIO, LOCI_ECORRUPT,
 * LOCI_EVERSION ("format version 2.0 but this loci reads 1.x"). On failure
 * `f` holds nothing that needs closing. */
int lfile_open(struct lfile *f, const char *path, const char *magic, loci_error *err);

/* lfile_open of `name` relative to the directory open as `dirfd` (or
 * AT_FDCWD); `path` names the file in messages. Opening every file of an
 * index relative to one directory descriptor is what keeps a reader on one
 * build while a rebuild swaps the directory (reader.c). */
int lfile_open_at(struct lfile *f, int dirfd, const char *name, const char *path,
                  const char *magic, loci_error *err);

/* The header's table_crc: a fingerprint of the whole body (the CRC of the
 * page CRCs). meta records it for every other file of a build. */
uint32_t lfile_table_crc(const struct lfile *f);

/* The format version in the header. */
void lfile_version(const struct lfile *f, unsigned *major, unsigned *minor);

/* Check that [off, off+len) lies inside the body and that every page it
 * touches has a matching CRC. LOCI_ECORRUPT names the file and the page. */
int lfile_verify_range(struct lfile *f, uint64_t off, uint64_t len, loci_error *err);

/* The same, inline for the common case of a range within one or two
 * pages already verified (every read of index data checks its range). */
static inline int lfile_verify(struct lfile *f, uint64_t off, uint64_t len, loci_error *err)
{
    uint64_t page = off / LFILE_PAGE_SIZE, last = (off + len - 1) / LFILE_PAGE_SIZE;
    if (len && off < f->body_len && len <= f->body_len - off && last - page <= 1 &&
        f->verified[page] && f->verified[last])
        return 0; /* (a range of one or two pages, verified: most reads) */
    return lfile_verify_range(f, off, len, err);
}

/* write(2) all n bytes, retrying short writes and EINTR; 0 or -1 (errno).
 * Shared with the indexer's run files. */
int write_full(int fd, const void *p, size_t n);

/* Check the CRC of the page CRC table itself (part of a full check). */
int lfile_check_table(struct lfile *f, loci_error *err);

/* Unmap and free. A zeroed or already closed struct is fine. */
void lfile_close(struct lfile *f);

/* A file being written. */
struct lfile_writer {
    char *path;
    int fd;
    char magic[LFILE_MAGIC_LEN];
    uint64_t body_len;       /* bytes written to the body so far */
    uint32_t page_crc;       /* running CRC of the current, partial page */
    uint32_t page_fill;      /* bytes of the current page so far */
    struct buf crcs;         /* finished pages' CRCs, little-endian */
    struct buf pending;      /* write buffer, flushed in large chunks */
};

/* Create (truncate) `path` and reserve room for the header. */
int lfile_create(struct lfile_writer *w, const char *path, const char *magic, loci_error *err);

/* Append n bytes to the body. */
int lfile_write(struct lfile_writer *w, const void *p, size_t n, loci_error *err);

/* Bytes of body written so far (the body offset of the next write). */
static inline uint64_t lfile_tell(const struct lfile_writer *w) { return w->body_len; }

/* Write the CRC table and the header, fsync and close. The writer is freed
 * whatever the outcome. */
int lfile_finish(struct lfile_writer *w, loci_error *err);

/* Close and delete a file that will not be finished. Safe on a zeroed writer. */
void lfile_abort(struct lfile_writer *w);

#endif
