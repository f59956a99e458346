/*
 * reader.c — opening an index and reading its records (see reader.h and
 * docs/FORMAT.md).
 *
 * Every read of file data goes through lfile_verify first, so a flipped
 * bit anywhere surfaces as LOCI_ECORRUPT naming the file and page, never
 * as a wrong answer or a crash. Structural values (offsets, counts) are
 * bounds-checked before use even though the CRCs matched, because a CRC
 * protects against damage, not against a malicious file.
 */
#include "reader.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "codec.h"
#include "error.h"
#include "format.h"
#include "path.h"
#include "recfile.h"

/* Where each file of FMT_FILES lives in loci_index, in the same order. */
static const size_t FIELD[FMT_NFILES] = {
    offsetof(struct loci_index, meta), offsetof(struct loci_index, lex),
    offsetof(struct loci_index, post), offsetof(struct loci_index, pos),
    offsetof(struct loci_index, lens), offsetof(struct loci_index, pass),
    offsetof(struct loci_index, docs), offsetof(struct loci_index, text),
};
#define NFILES FMT_NFILES

void (*reader_open_hook)(size_t file_index);

static struct lfile *file_of(loci_index *idx, size_t i)
{
    return (struct lfile *)((char *)idx + FIELD[i]);
}

static void close_files(loci_index *idx)
{
    for (size_t i = 0; i < NFILES; i++)
        lfile_close(file_of(idx, i));
}

void loci_index_close(loci_index *idx)
{
    if (!idx)
        return;
    close_files(idx);
    analyzer_free(idx->an);
    buf_free(&idx->block);
    buf_free(&idx->ptext);
    buf_free(&idx->docname);
    buf_free(&idx->docsource);
    buf_free(&idx->docname2);
    buf_free(&idx->docsource2);
    free(idx->dir);
    free(idx);
}

static double f64_get(const uint8_t *p)
{
    uint64_t bits = le64_get(p);
    double d;
    memcpy(&d, &bits, 8);
    return d;
}

static int read_meta(loci_index *idx, loci_error *err)
{
    struct lfile *f = &idx->meta;
    if (f->body_len < META_SIZE_3_0)
        return err_corrupt(err, "%s: meta record too short", f->path);
    int rc = lfile_verify(f, 0, f->body_len, err);
    if (rc)
        return rc;
    const uint8_t *m = f->body;
    idx->documents = le64_get(m + META_DOCUMENTS);
    idx->passages = le64_get(m + META_PASSAGES);
    idx->terms = le64_get(m + META_TERMS);
    idx->tokens = le64_get(m + META_TOKENS);
    idx->ref_k1 = f64_get(m + META_REF_K1);
    idx->ref_b = f64_get(m + META_REF_B);
    idx->block_size = le32_get(m + META_BLOCK_SIZE);
    idx->passage_mode = le32_get(m + META_PASSAGE_MODE);
    idx->passage_tokens = le32_get(m + META_PASSAGE_TOKENS);
    idx->passage_stride = le32_get(m + META_PASSAGE_STRIDE);
    memcpy(idx->stem, m + META_STEM, 31);
    idx->stem[31] = '\0';
    if (idx->block_size != FMT_BLOCK)
        return err_corrupt(err, "%s: postings block size %u, expected %u", f->path,
                           idx->block_size, FMT_BLOCK);
    if (idx->passages == 0 || idx->passages > UINT32_MAX || idx->documents > UINT32_MAX)
        return err_corrupt(err, "%s: implausible passage or document count", f->path);
    idx->avglen = (double)idx->tokens / (double)idx->passages;
    return LOCI_OK;
}

/* Read a trailer of `n` u64 at the end of a body. */
static int read_trailer(struct lfile *f, size_t n, uint64_t *out, loci_error *err)
{
    if (f->body_len < 8 * n)
        return err_corrupt(err, "%s: file too short for its trailer", f->path);
    int rc = lfile_verify(f, f->body_len - 8 * n, 8 * n, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        out[i] = le64_get(f->body + f->body_len - 8 * n + 8 * i);
    return LOCI_OK;
}

static int check_layout(loci_index *idx, loci_error *err)
{
    uint64_t t[3];
    int rc = read_trailer(&idx->lex, 2, t, err);
    if (rc)
        return rc;
    idx->lex_blocks = t[0];
    idx->lex_table = t[1];
    if (idx->lex_blocks > idx->lex.body_len / 8 ||
        idx->lex_table + 8 * idx->lex_blocks + LEX_TRAILER != idx->lex.body_len)
        return err_corrupt(err, "%s: bad block table", idx->lex.path);

    if ((rc = read_trailer(&idx->text, 3, t, err)))
        return rc;
    idx->text_blocks = t[0];
    idx->text_table = t[1];
    idx->text_raw = t[2];
    if (idx->text_blocks > idx->text.body_len / TEXT_ENTRY_SIZE ||
        idx->text_table + TEXT_ENTRY_SIZE * idx->text_blocks + TEXT_TRAILER !=
            idx->text.body_len ||
        (idx->text_raw + TEXT_BLOCK - 1) / TEXT_BLOCK != idx->text_blocks)
        return err_corrupt(err, "%s: bad block table", idx->text.path);

    if ((rc = read_trailer(&idx->lens, 1, t, err)))
        return rc;
    idx->long_lengths = t[0];
    if (idx->long_lengths > idx->passages ||
        idx->lens.body_len != 2 * idx->passages + 8 * idx->long_lengths + 8)
        return err_corrupt(err, "%s: %llu bytes for %llu passages", idx->lens.path,
                           (unsigned long long)idx->lens.body_len,
                           (unsigned long long)idx->passages);
    if ((rc = recfile_check(&idx->pass, idx->passages, err)))
        return rc;
    return recfile_check(&idx->docs, idx->documents, err);
}

/* 3.1 and later: meta's file table must match every other file opened,
 * or the files come from two builds. */
static int check_same_build(loci_index *idx, loci_error *err)
{
    if (idx->meta.body_len < META_SIZE)
        return LOCI_OK; /* format 3.0: no table */
    for (size_t i = 1; i < NFILES; i++) {
        const uint8_t *e = idx->meta.body + META_FILES + (i - 1) * META_FILE_ENTRY;
        const struct lfile *f = file_of(idx, i);
        if (le64_get(e + META_FILE_LEN) != f->body_len ||
            le32_get(e + META_FILE_CRC) != lfile_table_crc(f))
            return err_corrupt(err,
                               "%s: not from the same build as %s (files of two indexes mixed); "
                               "rebuild the index with loci-index",
                               f->path, idx->meta.path);
    }
    return LOCI_OK;
}

/* Open and check every file of the index, relative to `dirfd` (the
 * directory `shown` in messages). */
static int open_files(loci_index *idx, int dirfd, const char *shown, loci_error *err)
{
    char path[PATH_BUF];
    for (size_t i = 0; i < NFILES; i++) {
        if (path_join(path, sizeof path, shown, FMT_FILES[i].name))
            return err_set(err, LOCI_EINVAL, "%s: path too long", shown);
        int rc = lfile_open_at(file_of(idx, i), dirfd, FMT_FILES[i].name, path,
                               FMT_FILES[i].magic, err);
        if (rc == LOCI_ENOTFOUND) {
            if (i == 0 && faccessat(dirfd, FMT_LEXICON, F_OK, 0) != 0)
                return err_set(err, LOCI_ENOTFOUND,
                               "%s: no index here (build one with loci-index)", shown);
            return err_corrupt(err,
                               "%s: missing (the index is incomplete); rebuild it with loci-index",
                               path);
        }
        if (rc)
            return rc;
        struct stat st;
        if (i == 0 && fstatat(dirfd, FMT_META, &st, 0) == 0)
            idx->built = (int64_t)st.st_mtime;
        if (reader_open_hook)
            reader_open_hook(i);
    }
    int rc = read_meta(idx, err);
    if (!rc)
        rc = check_same_build(idx, err);
    if (!rc)
        rc = check_layout(idx, err);
    return rc;
}

/* 1 if `path` no longer names the directory open as `dirfd`: a rebuild
 * swapped it out (or removed it) while we were opening its files. */
static int dir_replaced(int dirfd, const char *path)
{
    struct stat a, b;
    if (fstat(dirfd, &a) != 0 || stat(path, &b) != 0)
        return 1;
    return a.st_nlink == 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino;
}

/* Open the directory of the index at `dir`: the directory itself, or,
 * while a rebuild on a file system without atomic exchange has moved the
 * old index aside (indexdir.c), that old index (`used` gets its path). */
static int open_dir(const char *dir, char *used, loci_error *err)
{
    for (int tries = 0; tries < 2; tries++) {
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            snprintf(used, PATH_BUF, "%s", dir);
            return fd;
        }
        if (errno == EACCES)
            return err_set(err, LOCI_EIO, "%s: permission denied", dir);
        if (errno == ENOTDIR)
            return err_set(err, LOCI_EINVAL, "%s: not an index directory", dir);
        if (errno != ENOENT)
            return err_set(err, LOCI_EIO, "%s: %s", dir, strerror(errno));
        if (path_sibling(used, PATH_BUF, dir, PATH_OLD_PREFIX, PATH_OLD_SUFFIX) == 0 &&
            (fd = open(used, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
            return fd;
        /* neither: the swap may have finished in between; look once more */
    }
    return err_set(err, LOCI_ENOTFOUND, "%s: no index here (build one with loci-index)", dir);
}

/* How many times an open that raced with a rebuild's swap starts over. */
#define OPEN_ATTEMPTS 16

int loci_index_open(const char *dir, loci_index **out, loci_error *err)
{
    *out = NULL;
    if (!dir || !*dir)
        return err_set(err, LOCI_EINVAL, "no index directory given");
    if (strlen(dir) >= PATH_BUF - 64)
        return err_set(err, LOCI_EINVAL, "%s: path too long", dir);
    loci_index *idx = calloc(1, sizeof *idx);
    if (!idx || !(idx->dir = strdup(dir))) {
        free(idx);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    idx->cached_block = -1;
    /* Every file is opened relative to one descriptor of the directory,
     * so a rebuild that swaps the directory meanwhile cannot mix its files
     * into ours; if it swapped it (or removed it) under us, start over on
     * the new one. */
    int rc = LOCI_OK;
    for (int attempt = 0;; attempt++) {
        char used[PATH_BUF];
        int dirfd = open_dir(dir, used, err);
        if (dirfd < 0) {
            rc = dirfd;
            break;
        }
        rc = open_files(idx, dirfd, used, err);
        int retry = rc && attempt + 1 < OPEN_ATTEMPTS && dir_replaced(dirfd, used);
        close(dirfd);
        if (!retry)
            break;
        close_files(idx);
    }
    if (!rc)
        rc = analyzer_new(idx->stem, &idx->an, err);
    if (rc) {
        loci_index_close(idx);
        return rc;
    }
    *out = idx;
    return LOCI_OK;
}

void loci_index_stats_get(const loci_index *idx, loci_index_stats *st)
{
    memset(st, 0, sizeof *st);
    st->documents = idx->documents;
    st->passages = idx->passages;
    st->terms = idx->terms;
    st->tokens = idx->tokens;
    st->avg_passage_tokens = idx->avglen;
    snprintf(st->stem_language, sizeof st->stem_language, "%s", idx->stem);
    st->passage_mode = (loci_passage_mode)idx->passage_mode;
    st->passage_tokens = idx->passage_tokens;
    st->passage_stride = idx->passage_stride;
    lfile_version(&idx->meta, &st->format_major, &st->format_minor);
    st->built = idx->built;
    st->nfiles = NFILES;
    for (size_t i = 0; i < NFILES; i++) {
        const struct lfile *f = (const struct lfile *)((const char *)idx + FIELD[i]);
        snprintf(st->files[i].name, sizeof st->files[i].name, "%s", FMT_FILES[i].name);
        st->files[i].bytes = f->map_len;
        st->index_bytes += f->map_len;
    }
}

/* ---- lexicon --------------------------------------------------------------- */

/* Body range of lexicon block i (verified). */
static int lex_block(loci_index *idx, uint64_t i, const uint8_t **p, const uint8_t **end,
                     loci_error *err)
{
    const uint8_t *table = idx->lex.body + idx->lex_table;
    int rc = lfile_verify(&idx->lex, idx->lex_table + 8 * i, i + 1 < idx->lex_blocks ? 16 : 8, err);
    if (rc)
        return rc;
    uint64_t off = le64_get(table + 8 * i);
    uint64_t next = i + 1 < idx->lex_blocks ? le64_get(table + 8 * (i + 1)) : idx->lex_table;
    if (off > next || next > idx->lex_table)
        return err_corrupt(err, "%s: block %llu out of order", idx->lex.path,
                           (unsigned long long)i);
    rc = lfile_verify(&idx->lex, off, next - off, err);
    if (rc)
        return rc;
    *p = idx->lex.body + off;
    *end = idx->lex.body + next;
    return LOCI_OK;
}

static int cmp_term(const uint8_t *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = memcmp(a, b, n);
    if (c)
        return c;
    return (alen > blen) - (alen < blen);
}

/* Decoding state of one lexicon block. */
struct lex_iter {
    const uint8_t *p, *end;
    uint64_t post, pos;        /* running offsets */
    uint64_t remaining;
    uint8_t term[ANALYZER_MAX_TERM * 4];
    size_t len;
    struct term_info ti;
};

static int lex_iter_init(struct lex_iter *it, const uint8_t *p, const uint8_t *end)
{
    uint64_t count;
    it->p = p;
    it->end = end;
    it->len = 0;
    if (varint_get(&it->p, end, &it->post) || varint_get(&it->p, end, &it->pos) ||
        varint_get(&it->p, end, &count) || count == 0 || count > LEX_BLOCK)
        return -1;
    it->remaining = count;
    return 0;
}

/* Decode the next entry; -1 on malformed data. */
static int lex_iter_next(struct lex_iter *it)
{
    uint64_t prefix, suffix, df, plen, qlen;
    if (it->remaining == 0)
        return -1;
    if (varint_get(&it->p, it->end, &prefix) || varint_get(&it->p, it->end, &suffix) ||
        prefix > it->len || suffix > sizeof it->term - prefix ||
        suffix > (uint64_t)(it->end - it->p))
        return -1;
    memcpy(it->term + prefix, it->p, suffix);
    it->p += suffix;
    it->len = prefix + suffix;
    if (varint_get(&it->p, it->end, &df) || varint_get(&it->p, it->end, &plen) ||
        varint_get(&it->p, it->end, &qlen) || df == 0 || df > UINT32_MAX)
        return -1;
    it->ti.df = (uint32_t)df;
    it->ti.post_off = it->post;
    it->ti.post_len = plen;
    it->ti.pos_off = it->pos;
    it->ti.pos_len = qlen;
    it->post += plen;
    it->pos += qlen;
    it->remaining--;
    return 0;
}

/* The last lexicon block whose first term is <= term (0 when none is):
 * a binary search over the blocks' first terms. */
static int lex_find_block(loci_index *idx, const char *term, size_t len, uint64_t *block,
                          loci_error *err)
{
    uint64_t lo = 0, hi = idx->lex_blocks;
    struct lex_iter it;
    const uint8_t *p, *end;
    int rc;
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if ((rc = lex_block(idx, mid, &p, &end, err)))
            return rc;
        if (lex_iter_init(&it, p, end) || lex_iter_next(&it))
            return err_corrupt(err, "%s: malformed block %llu", idx->lex.path,
                               (unsigned long long)mid);
        if (cmp_term(it.term, it.len, term, len) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    *block = lo;
    return LOCI_OK;
}

static int term_in_range(loci_index *idx, const struct lex_iter *it, loci_error *err)
{
    if (it->ti.post_off + it->ti.post_len > idx->post.body_len ||
        it->ti.pos_off + it->ti.pos_len > idx->pos.body_len)
        return err_corrupt(err, "%s: postings of a term out of range", idx->lex.path);
    return LOCI_OK;
}

int reader_lookup(loci_index *idx, const char *term, size_t len, struct term_info *ti,
                  loci_error *err)
{
    struct lex_iter it;
    const uint8_t *p, *end;
    uint64_t lo;
    int rc;
    if (idx->lex_blocks == 0)
        return 0;
    if ((rc = lex_find_block(idx, term, len, &lo, err)))
        return rc;
    if ((rc = lex_block(idx, lo, &p, &end, err)))
        return rc;
    if (lex_iter_init(&it, p, end))
        return err_corrupt(err, "%s: malformed block %llu", idx->lex.path,
                           (unsigned long long)lo);
    while (it.remaining > 0) {
        if (lex_iter_next(&it))
            return err_corrupt(err, "%s: malformed block %llu", idx->lex.path,
                               (unsigned long long)lo);
        int c = cmp_term(it.term, it.len, term, len);
        if (c == 0) {
            if ((rc = term_in_range(idx, &it, err)))
                return rc;
            *ti = it.ti;
            return 1;
        }
        if (c > 0)
            break;
    }
    return 0;
}

int reader_prefix(loci_index *idx, const char *prefix, size_t len, reader_term_fn fn, void *ctx,
                  loci_error *err)
{
    struct lex_iter it;
    const uint8_t *p, *end;
    uint64_t b;
    int rc;
    if (idx->lex_blocks == 0)
        return LOCI_OK;
    if ((rc = lex_find_block(idx, prefix, len, &b, err)))
        return rc;
    /* terms with the prefix are consecutive, from the first >= prefix */
    for (; b < idx->lex_blocks; b++) {
        if ((rc = lex_block(idx, b, &p, &end, err)))
            return rc;
        if (lex_iter_init(&it, p, end))
            return err_corrupt(err, "%s: malformed block %llu", idx->lex.path,
                               (unsigned long long)b);
        while (it.remaining > 0) {
            if (lex_iter_next(&it))
                return err_corrupt(err, "%s: malformed block %llu", idx->lex.path,
                                   (unsigned long long)b);
            int c = memcmp(it.term, prefix, it.len < len ? it.len : len);
            if (c < 0 || (c == 0 && it.len < len))
                continue;
            if (c > 0)
                return LOCI_OK;
            if ((rc = term_in_range(idx, &it, err)))
                return rc;
            if ((rc = fn(ctx, (const char *)it.term, it.len, &it.ti)))
                return rc;
        }
    }
    return LOCI_OK;
}

/* ---- passages, documents, text ----------------------------------------------- */

/* Decode `n` varints of record `rec` into v; 0 or -1. */
static int decode_fields(const uint8_t **rec, const uint8_t *end, uint64_t *v, int n)
{
    for (int i = 0; i < n; i++)
        if (varint_get(rec, end, &v[i]))
            return -1;
    return 0;
}

/* The first `want` (1 or 5) fields of a passage (doc, ordinal, line, len,
 * start), decoded from the start of its record block: doc and line are
 * coded as changes from the previous record of the block
 * (docs/FORMAT.md), so the records before it are decoded too, but only
 * as far as the wanted fields need (a hit's document: one field each). */
static int passage_fields(loci_index *idx, uint32_t passage, int want, uint64_t *v,
                          loci_error *err)
{
    const uint8_t *p, *end, *rec;
    uint64_t k;
    size_t n;
    int rc = recfile_block(&idx->pass, idx->passages, passage, &k, &p, &end, err);
    if (rc)
        return rc;
    int before = want < 3 ? want : 3; /* fields coded as changes: doc, line */
    uint64_t doc = 0, line = 0;
    for (;; k++) {
        uint64_t f[5];
        if (recfile_next(&p, end, &rec, &n) ||
            decode_fields(&rec, rec + n, f, k == passage ? want : before))
            return err_corrupt(err, "%s: malformed passage %llu", idx->pass.path,
                               (unsigned long long)k);
        int first = k % RECFILE_BLOCK == 0;
        doc = first ? f[0] : doc + f[0];
        if (want > 1)
            line = first ? f[2] : line + (uint64_t)zigzag_decode(f[2]);
        if (doc >= idx->documents || line > UINT32_MAX)
            return err_corrupt(err, "%s: malformed passage %llu", idx->pass.path,
                               (unsigned long long)k);
        if (k == passage) {
            v[0] = doc;
            if (want > 1) {
                if (f[1] > UINT32_MAX || f[3] > UINT32_MAX)
                    return err_corrupt(err, "%s: malformed passage %u", idx->pass.path,
                                       passage);
                v[1] = f[1];
                v[2] = line;
                v[3] = f[3];
                v[4] = f[4];
            }
            return LOCI_OK;
        }
    }
}

/* Everything a docs record holds (4.0), decoded from the start of its
 * record block: offsets follow from the previous document, first
 * passages are deltas, names are front-coded, a source may be the
 * previous record's (docs/FORMAT.md). The name is built in idx->docname,
 * the source in idx->docsource. */
struct doc_rec {
    uint64_t text_off, text_len, first_passage, first_line, flags, size, mtime, hash;
    int has_source;
};

static int doc_fields_full(loci_index *idx, uint64_t doc, struct doc_rec *out, loci_error *err)
{
    const uint8_t *p, *end, *rec;
    uint64_t k, off = 0, len = 0, fp = 0;
    size_t n;
    int rc = recfile_block(&idx->docs, idx->documents, doc, &k, &p, &end, err);
    if (rc)
        return rc;
    struct buf *name = &idx->docname, *src = &idx->docsource;
    int has_src = 0;
    for (;; k++) {
        if (recfile_next(&p, end, &rec, &n))
            break;
        const uint8_t *rend = rec + n;
        int first = k % RECFILE_BLOCK == 0;
        /* text_len, first_passage (change), shared name bytes, first_line, flags */
        uint64_t f[5], v[2], slen = 0;
        if (!first)
            off += len; /* documents are contiguous in the text stream */
        else if (decode_fields(&rec, rend, &off, 1))
            break;
        if (decode_fields(&rec, rend, f, 5) || f[2] > name->len || (first && f[2]) ||
            f[4] >> (DOC_SRC_SHIFT + 2))
            break;
        unsigned kind = (unsigned)(f[4] >> DOC_SRC_SHIFT) & DOC_SRC_MASK;
        if (kind == DOC_SRC_GIVEN &&
            (varint_get(&rec, rend, &slen) || slen > (uint64_t)(rend - rec)))
            break;
        if (kind == DOC_SRC_PREVIOUS && (first || !has_src))
            break;
        const uint8_t *sbytes = rec;
        rec += kind == DOC_SRC_GIVEN ? slen : 0;
        if (decode_fields(&rec, rend, v, 2) || rend - rec < 8)
            break;
        uint64_t hash = le64_get(rec);
        rec += 8;
        len = f[0];
        fp = first ? f[1] : fp + f[1];
        name->len = (size_t)f[2];
        if (buf_append(name, rec, (size_t)(rend - rec)))
            return err_set(err, LOCI_ENOMEM, "out of memory");
        if (kind == DOC_SRC_NONE) {
            src->len = 0;
            has_src = 0;
        } else if (kind != DOC_SRC_PREVIOUS) {
            src->len = 0;
            has_src = 1;
            if (kind == DOC_SRC_NAME ? buf_append(src, name->data, name->len)
                                     : buf_append(src, sbytes, (size_t)slen))
                return err_set(err, LOCI_ENOMEM, "out of memory");
        }
        if (k == doc) {
            if (v[1] > INT64_MAX || f[3] > UINT32_MAX || fp > idx->passages)
                break;
            out->text_off = off;
            out->text_len = len;
            out->first_passage = fp;
            out->first_line = f[3];
            out->flags = f[4];
            out->size = v[0];
            out->mtime = v[1];
            out->hash = hash;
            out->has_source = has_src;
            return LOCI_OK;
        }
    }
    return err_corrupt(err, "%s: malformed document %llu", idx->docs.path,
                       (unsigned long long)k);
}

static int read_text(loci_index *idx, uint64_t off, uint64_t len, loci_error *err);

/* Text range and name of document `doc` (the name in idx->docname). */
static int doc_fields(loci_index *idx, uint64_t doc, uint64_t *text_off, uint64_t *text_len,
                      loci_error *err)
{
    struct doc_rec r;
    int rc = doc_fields_full(idx, doc, &r, err);
    if (rc)
        return rc;
    *text_off = r.text_off;
    *text_len = r.text_len;
    return LOCI_OK;
}

int reader_doc(loci_index *idx, uint32_t doc, struct doc_info *out, loci_error *err)
{
    if (doc >= idx->documents)
        return err_set(err, LOCI_EINVAL, "document %u out of range", doc);
    struct doc_rec r, next;
    int rc = doc_fields_full(idx, doc, &r, err);
    uint64_t end = idx->passages;
    if (!rc && doc + 1 < idx->documents) {
        /* the next record, without disturbing this one's name and source */
        struct buf name = idx->docname, src = idx->docsource;
        idx->docname = idx->docname2;
        idx->docsource = idx->docsource2;
        rc = doc_fields_full(idx, doc + 1, &next, err);
        idx->docname2 = idx->docname;
        idx->docsource2 = idx->docsource;
        idx->docname = name;
        idx->docsource = src;
        end = next.first_passage;
    }
    if (rc)
        return rc;
    if (end < r.first_passage || r.text_off > idx->text_raw ||
        r.text_len > idx->text_raw - r.text_off)
        return err_corrupt(err, "%s: malformed document %u", idx->docs.path, doc);
    memset(out, 0, sizeof *out);
    out->name = (const char *)idx->docname.data;
    out->name_len = idx->docname.len;
    out->text_off = r.text_off;
    out->text_len = r.text_len;
    out->first_passage = (uint32_t)r.first_passage;
    out->passages = (uint32_t)(end - r.first_passage);
    out->first_line = (uint32_t)r.first_line;
    out->fixed_line = (r.flags & DOC_FIXED_LINE) != 0;
    if (r.has_source) {
        out->source = idx->docsource.len ? (const char *)idx->docsource.data : "";
        out->source_len = idx->docsource.len;
    }
    out->size = r.size;
    out->mtime_ns = (int64_t)r.mtime;
    out->hash = r.hash;
    return LOCI_OK;
}

int reader_doc_text(loci_index *idx, const struct doc_info *d, const char **text, loci_error *err)
{
    int rc = read_text(idx, d->text_off, d->text_len, err);
    if (rc)
        return rc;
    *text = (const char *)idx->ptext.data;
    return LOCI_OK;
}

int64_t reader_passage_doc(loci_index *idx, uint32_t passage, loci_error *err)
{
    uint64_t v[5];
    if (passage_fields(idx, passage, 1, v, err))
        return -1;
    return (int64_t)v[0]; /* < documents, checked by passage_fields */
}

int64_t reader_passage_length(loci_index *idx, uint32_t passage, loci_error *err)
{
    int rc = lfile_verify(&idx->lens, 2 * (uint64_t)passage, 2, err);
    if (rc)
        return -1;
    uint32_t len = le16_get(idx->lens.body + 2 * (size_t)passage);
    if (len < LENGTH_LONG)
        return len;
    /* binary search of the (passage, length) pairs, in passage order */
    uint64_t table = 2 * idx->passages, lo = 0, hi = idx->long_lengths;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (lfile_verify(&idx->lens, table + 8 * mid, 8, err))
            return -1;
        const uint8_t *e = idx->lens.body + table + 8 * mid;
        uint32_t id = le32_get(e);
        if (id == passage) {
            len = le32_get(e + 4);
            if (len < LENGTH_LONG)
                break;
            return len;
        }
        if (id < passage)
            lo = mid + 1;
        else
            hi = mid;
    }
    err_corrupt(err, "%s: no length for long passage %u", idx->lens.path, passage);
    return -1;
}

/* Make text block `i` the cached one. */
static int load_text_block(loci_index *idx, uint64_t i, loci_error *err)
{
    if (idx->cached_block == (int64_t)i)
        return LOCI_OK;
    const uint8_t *e = idx->text.body + idx->text_table + i * TEXT_ENTRY_SIZE;
    int rc = lfile_verify(&idx->text, idx->text_table + i * TEXT_ENTRY_SIZE, TEXT_ENTRY_SIZE, err);
    if (rc)
        return rc;
    uint64_t off = le64_get(e + TEXT_ENTRY_OFF);
    uint32_t clen = le32_get(e + TEXT_ENTRY_CLEN), rlen = le32_get(e + TEXT_ENTRY_RLEN);
    uint64_t want = i + 1 < idx->text_blocks ? TEXT_BLOCK : idx->text_raw - i * TEXT_BLOCK;
    if (rlen != want || off + clen > idx->text_table)
        return err_corrupt(err, "%s: bad entry for block %llu", idx->text.path,
                           (unsigned long long)i);
    if ((rc = lfile_verify(&idx->text, off, clen, err)))
        return rc;
    idx->block.len = 0;
    if (buf_reserve(&idx->block, rlen ? rlen : 1))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    uLongf got = rlen;
    if (uncompress(idx->block.data, &got, idx->text.body + off, clen) != Z_OK || got != rlen) {
        idx->cached_block = -1;
        return err_corrupt(err, "%s: block %llu does not decompress", idx->text.path,
                           (unsigned long long)i);
    }
    idx->block.len = rlen;
    idx->cached_block = (int64_t)i;
    return LOCI_OK;
}

/* Copy text stream bytes [off, off+len) into idx->ptext. */
static int read_text(loci_index *idx, uint64_t off, uint64_t len, loci_error *err)
{
    idx->ptext.len = 0;
    if (off > idx->text_raw || len > idx->text_raw - off)
        return err_corrupt(err, "%s: text range out of bounds", idx->text.path);
    if (buf_reserve(&idx->ptext, len + 1))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    while (len > 0) {
        uint64_t blk = off / TEXT_BLOCK, in = off % TEXT_BLOCK;
        int rc = load_text_block(idx, blk, err);
        if (rc)
            return rc;
        uint64_t n = idx->block.len - in < len ? idx->block.len - in : len;
        buf_append(&idx->ptext, idx->block.data + in, n); /* room reserved above */
        off += n;
        len -= n;
    }
    idx->ptext.data[idx->ptext.len] = '\0';
    return LOCI_OK;
}

/* Fill `out` (but not its text); *stream_off receives the passage's offset
 * in the text stream. */
static int locate(loci_index *idx, uint32_t passage, loci_passage *out, uint64_t *stream_off,
                  loci_error *err)
{
    uint64_t p[5] = {0}; /* set by passage_fields (zeroed for the compiler) */
    int rc = passage_fields(idx, passage, 5, p, err);
    if (rc)
        return rc;
    uint64_t text_off = 0, text_len = 0, start = p[4], len = p[3];
    if ((rc = doc_fields(idx, p[0], &text_off, &text_len, err)))
        return rc;
    if (start > text_len || len > text_len - start || text_off > idx->text_raw ||
        text_len > idx->text_raw - text_off)
        return err_corrupt(err, "%s: passage %u outside its document", idx->pass.path, passage);
    *stream_off = text_off + start;
    out->id = passage;
    out->doc = (uint32_t)p[0];
    out->ordinal = (uint32_t)p[1];
    out->line = (uint32_t)p[2];
    out->byte_start = start;
    out->byte_end = start + len;
    out->doc_name = (const char *)idx->docname.data;
    out->doc_name_len = idx->docname.len;
    out->text = NULL;
    out->text_len = 0;
    return LOCI_OK;
}

int loci_passage_locate(loci_index *idx, uint32_t passage, loci_passage *out, loci_error *err)
{
    uint64_t off;
    return locate(idx, passage, out, &off, err);
}

int loci_passage_get(loci_index *idx, uint32_t passage, loci_passage *out, loci_error *err)
{
    uint64_t off;
    int rc = locate(idx, passage, out, &off, err);
    if (!rc)
        rc = read_text(idx, off, out->byte_end - out->byte_start, err);
    if (rc)
        return rc;
    out->text = (const char *)idx->ptext.data;
    out->text_len = idx->ptext.len;
    return LOCI_OK;
}

int loci_index_check(loci_index *idx, loci_error *err)
{
    for (size_t i = 0; i < NFILES; i++) {
        struct lfile *f = file_of(idx, i);
        int rc = lfile_check_table(f, err);
        if (!rc)
            rc = lfile_verify(f, 0, f->body_len, err);
        if (rc)
            return rc;
    }
    /* Structure: every lexicon entry in order and in range. */
    uint64_t nterms = 0;
    for (uint64_t b = 0; b < idx->lex_blocks; b++) {
        const uint8_t *p, *end;
        struct lex_iter it;
        int rc = lex_block(idx, b, &p, &end, err);
        if (rc)
            return rc;
        if (lex_iter_init(&it, p, end))
            return err_corrupt(err, "%s: malformed block %llu", idx->lex.path,
                               (unsigned long long)b);
        while (it.remaining > 0) {
            if (lex_iter_next(&it) || it.ti.post_off + it.ti.post_len > idx->post.body_len ||
                it.ti.pos_off + it.ti.pos_len > idx->pos.body_len || it.ti.df > idx->passages)
                return err_corrupt(err, "%s: malformed entry in block %llu", idx->lex.path,
                                   (unsigned long long)b);
            nterms++;
        }
    }
    if (nterms != idx->terms)
        return err_corrupt(err, "%s: %llu terms, meta says %llu", idx->lex.path,
                           (unsigned long long)nterms, (unsigned long long)idx->terms);
    /* Lengths: one (passage, length) pair for each LENGTH_LONG, in order. */
    uint64_t nlong = 0, table = 2 * idx->passages;
    for (uint64_t p = 0; p < idx->passages; p++) {
        if (le16_get(idx->lens.body + 2 * p) != LENGTH_LONG)
            continue;
        const uint8_t *e = idx->lens.body + table + 8 * nlong;
        if (nlong == idx->long_lengths || le32_get(e) != p || le32_get(e + 4) < LENGTH_LONG)
            return err_corrupt(err, "%s: no length for long passage %llu", idx->lens.path,
                               (unsigned long long)p);
        nlong++;
    }
    if (nlong != idx->long_lengths)
        return err_corrupt(err, "%s: %llu long lengths, %llu listed", idx->lens.path,
                           (unsigned long long)nlong, (unsigned long long)idx->long_lengths);
    for (uint64_t i = 0; i < idx->text_blocks; i++) {
        int rc = load_text_block(idx, i, err);
        if (rc)
            return rc;
    }
    return LOCI_OK;
}
