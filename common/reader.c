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

#include "analyzer.h"
#include "codec.h"
#include "error.h"
#include "format.h"
#include "path.h"
#include "recfile.h"

/* Where each file of FMT_FILES lives in struct segment, in the same order. */
static const size_t FIELD[FMT_NFILES] = {
    offsetof(struct segment, meta), offsetof(struct segment, lex),
    offsetof(struct segment, post), offsetof(struct segment, pos),
    offsetof(struct segment, lens), offsetof(struct segment, pass),
    offsetof(struct segment, docs), offsetof(struct segment, text),
};
#define NFILES FMT_NFILES

void (*reader_open_hook)(size_t file_index);

static struct lfile *file_of(struct segment *seg, size_t i)
{
    return (struct lfile *)((char *)seg + FIELD[i]);
}

static void close_files(struct segment *seg)
{
    for (size_t i = 0; i < NFILES; i++)
        lfile_close(file_of(seg, i));
}

void reader_close(struct segment *seg)
{
    close_files(seg);
    buf_free(&seg->block);
    buf_free(&seg->ptext);
    buf_free(&seg->docname);
    buf_free(&seg->docsource);
    buf_free(&seg->docname2);
    buf_free(&seg->docsource2);
    memset(seg, 0, sizeof *seg);
}

static double f64_get(const uint8_t *p)
{
    uint64_t bits = le64_get(p);
    double d;
    memcpy(&d, &bits, 8);
    return d;
}

static int read_meta(struct segment *seg, loci_error *err)
{
    struct lfile *f = &seg->meta;
    if (f->body_len < META_SIZE_3_0)
        return err_corrupt(err, "%s: meta record too short", f->path);
    int rc = lfile_verify(f, 0, f->body_len, err);
    if (rc)
        return rc;
    const uint8_t *m = f->body;
    seg->documents = le64_get(m + META_DOCUMENTS);
    seg->passages = le64_get(m + META_PASSAGES);
    seg->terms = le64_get(m + META_TERMS);
    seg->tokens = le64_get(m + META_TOKENS);
    seg->ref_k1 = f64_get(m + META_REF_K1);
    seg->ref_b = f64_get(m + META_REF_B);
    seg->block_size = le32_get(m + META_BLOCK_SIZE);
    seg->passage_mode = le32_get(m + META_PASSAGE_MODE);
    seg->passage_tokens = le32_get(m + META_PASSAGE_TOKENS);
    seg->passage_stride = le32_get(m + META_PASSAGE_STRIDE);
    memcpy(seg->stem, m + META_STEM, 31);
    seg->stem[31] = '\0';
    if (seg->block_size != FMT_BLOCK)
        return err_corrupt(err, "%s: postings block size %u, expected %u", f->path,
                           seg->block_size, FMT_BLOCK);
    if (seg->passages == 0 || seg->passages > UINT32_MAX || seg->documents > UINT32_MAX)
        return err_corrupt(err, "%s: implausible passage or document count", f->path);
    /* 4.1: the duplicates' table (4.0 ends at the file table) */
    seg->aliases = 0;
    seg->alias_table = NULL;
    if (f->body_len > META_SIZE) {
        uint64_t n = f->body_len >= META_ALIAS_TABLE ? le64_get(m + META_ALIASES) : UINT64_MAX;
        if (n > (f->body_len - META_SIZE) / META_ALIAS_ENTRY ||
            META_ALIAS_TABLE + META_ALIAS_ENTRY * n != f->body_len)
            return err_corrupt(err, "%s: bad duplicates table", f->path);
        uint64_t prev = 0;
        for (uint64_t i = 0; i < n; i++) {
            const uint8_t *e = m + META_ALIAS_TABLE + META_ALIAS_ENTRY * i;
            uint32_t doc = le32_get(e), dup = le32_get(e + 4);
            uint64_t key = (uint64_t)doc << 32 | dup;
            if (doc >= dup || dup >= seg->documents || (i && key <= prev))
                return err_corrupt(err, "%s: bad duplicates table (entry %llu)", f->path,
                                   (unsigned long long)i);
            prev = key;
        }
        seg->aliases = n;
        seg->alias_table = m + META_ALIAS_TABLE;
    }
    seg->avglen = (double)seg->tokens / (double)seg->passages;
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

static int check_layout(struct segment *seg, loci_error *err)
{
    uint64_t t[3];
    int rc = read_trailer(&seg->lex, 2, t, err);
    if (rc)
        return rc;
    seg->lex_blocks = t[0];
    seg->lex_table = t[1];
    if (seg->lex_blocks > seg->lex.body_len / LEX_ENTRY ||
        seg->lex_table + LEX_ENTRY * seg->lex_blocks + LEX_TRAILER != seg->lex.body_len)
        return err_corrupt(err, "%s: bad block table", seg->lex.path);

    if ((rc = read_trailer(&seg->text, 3, t, err)))
        return rc;
    seg->text_blocks = t[0];
    seg->text_table = t[1];
    seg->text_raw = t[2];
    if (seg->text_blocks > seg->text.body_len / TEXT_ENTRY_SIZE ||
        seg->text_table + TEXT_ENTRY_SIZE * seg->text_blocks + TEXT_TRAILER !=
            seg->text.body_len ||
        (seg->text_raw + TEXT_BLOCK - 1) / TEXT_BLOCK != seg->text_blocks)
        return err_corrupt(err, "%s: bad block table", seg->text.path);

    /* 4.3 ends the lengths with the title table and its count */
    unsigned major, minor;
    lfile_version(&seg->lens, &major, &minor);
    seg->titles = minor >= LFILE_MINOR_TITLES;
    if ((rc = read_trailer(&seg->lens, seg->titles ? 2 : 1, t, err)))
        return rc;
    seg->long_lengths = t[seg->titles];
    seg->title_count = seg->titles ? t[0] : 0;
    seg->title_table = 2 * seg->passages + 8 * seg->long_lengths;
    if (seg->long_lengths > seg->passages || seg->title_count > seg->passages ||
        seg->lens.body_len != 2 * seg->passages + 8 * seg->long_lengths +
                                  8 * seg->title_count + 8 + 8 * (uint64_t)seg->titles)
        return err_corrupt(err, "%s: %llu bytes for %llu passages", seg->lens.path,
                           (unsigned long long)seg->lens.body_len,
                           (unsigned long long)seg->passages);
    if ((rc = recfile_check(&seg->pass, seg->passages, err)))
        return rc;
    return recfile_check(&seg->docs, seg->documents, err);
}

/* 3.1 and later: meta's file table must match every other file opened,
 * or the files come from two builds. */
static int check_same_build(struct segment *seg, loci_error *err)
{
    if (seg->meta.body_len < META_SIZE)
        return LOCI_OK; /* format 3.0: no table */
    for (size_t i = 1; i < NFILES; i++) {
        const uint8_t *e = seg->meta.body + META_FILES + (i - 1) * META_FILE_ENTRY;
        const struct lfile *f = file_of(seg, i);
        if (le64_get(e + META_FILE_LEN) != f->body_len ||
            le32_get(e + META_FILE_CRC) != lfile_table_crc(f))
            return err_corrupt(err,
                               "%s: not from the same build as %s (files of two indexes mixed); "
                               "rebuild the index with loci-index",
                               f->path, seg->meta.path);
    }
    return LOCI_OK;
}

/* Open and check every file of the index, relative to `dirfd` (the
 * directory `shown` in messages). */
static int open_files(struct segment *seg, int dirfd, const char *shown, loci_error *err)
{
    char path[PATH_BUF];
    for (size_t i = 0; i < NFILES; i++) {
        if (path_join(path, sizeof path, shown, FMT_FILES[i].name))
            return err_set(err, LOCI_EINVAL, "%s: path too long", shown);
        int rc = lfile_open_at(file_of(seg, i), dirfd, FMT_FILES[i].name, path,
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
            seg->built = (int64_t)st.st_mtime;
        if (reader_open_hook)
            reader_open_hook(i);
    }
    int rc = read_meta(seg, err);
    if (!rc)
        rc = check_same_build(seg, err);
    if (!rc)
        rc = check_layout(seg, err);
    return rc;
}

int reader_open(struct segment *seg, int dirfd, const char *shown, loci_error *err)
{
    memset(seg, 0, sizeof *seg);
    seg->cached_block = -1;
    int rc = open_files(seg, dirfd, shown, err);
    if (rc)
        reader_close(seg);
    return rc;
}

void reader_stats(const struct segment *seg, loci_index_stats *st)
{
    memset(st, 0, sizeof *st);
    st->documents = seg->documents;
    st->passages = seg->passages;
    st->terms = seg->terms;
    st->tokens = seg->tokens;
    st->avg_passage_tokens = seg->avglen;
    snprintf(st->stem_language, sizeof st->stem_language, "%s", seg->stem);
    st->passage_mode = (loci_passage_mode)seg->passage_mode;
    st->passage_tokens = seg->passage_tokens;
    st->passage_stride = seg->passage_stride;
    lfile_version(&seg->meta, &st->format_major, &st->format_minor);
    st->built = seg->built;
    st->nfiles = NFILES;
    for (size_t i = 0; i < NFILES; i++) {
        const struct lfile *f = (const struct lfile *)((const char *)seg + FIELD[i]);
        snprintf(st->files[i].name, sizeof st->files[i].name, "%s", FMT_FILES[i].name);
        st->files[i].bytes = f->map_len;
        st->index_bytes += f->map_len;
    }
}

/* ---- lexicon --------------------------------------------------------------- */

/* Body range of lexicon block i (verified). */
static int lex_block(struct segment *seg, uint64_t i, const uint8_t **p, const uint8_t **end,
                     loci_error *err)
{
    const uint8_t *table = seg->lex.body + seg->lex_table;
    int rc = lfile_verify(&seg->lex, seg->lex_table + 8 * i, i + 1 < seg->lex_blocks ? 16 : 8, err);
    if (rc)
        return rc;
    uint64_t off = le64_get(table + 8 * i);
    uint64_t next = i + 1 < seg->lex_blocks ? le64_get(table + 8 * (i + 1)) : seg->lex_table;
    if (off > next || next > seg->lex_table)
        return err_corrupt(err, "%s: block %llu out of order", seg->lex.path,
                           (unsigned long long)i);
    rc = lfile_verify(&seg->lex, off, next - off, err);
    if (rc)
        return rc;
    *p = seg->lex.body + off;
    *end = seg->lex.body + next;
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
/* Skip one varint; -1 when it runs past end. */
static inline int varint_skip(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *q = *p;
    for (int i = 0; i < VARINT_MAX; i++)
        if (q + i < end && q[i] < 0x80) {
            *p = q + i + 1;
            return 0;
        }
    return -1;
}

/* Compare block b's first term with term[0..len), read in place: a
 * probe of the binary search needs only that, not the entry decoded
 * (every lookup makes a dozen probes, in every segment). */
static int block_first_cmp(struct segment *seg, uint64_t b, const char *term, size_t len, int *c,
                           loci_error *err)
{
    const uint8_t *p, *end;
    uint64_t prefix, suffix;
    int rc = lex_block(seg, b, &p, &end, err);
    if (rc)
        return rc;
    /* post_base, pos_base, count; then the first entry: prefix 0, suffix */
    if (varint_skip(&p, end) || varint_skip(&p, end) || varint_skip(&p, end) ||
        varint_get(&p, end, &prefix) || prefix != 0 || varint_get(&p, end, &suffix) ||
        suffix == 0 || suffix > ANALYZER_MAX_TERM * 4 || suffix > (uint64_t)(end - p))
        return err_corrupt(err, "%s: malformed block %llu", seg->lex.path, (unsigned long long)b);
    *c = cmp_term(p, (size_t)suffix, term, len);
    return LOCI_OK;
}

/* Block b's key (the lex_key of its first term). */
static int block_key(struct segment *seg, uint64_t b, uint64_t *key, loci_error *err)
{
    uint64_t off = seg->lex_table + 8 * seg->lex_blocks + 8 * b;
    int rc = lfile_verify(&seg->lex, off, 8, err);
    if (!rc)
        *key = le64_get(seg->lex.body + off);
    return rc;
}

/* The block table (offsets and keys, 16 bytes a block: a few pages of a
 * segment's lexicon) verified whole, once: every lookup searches it. */
static int lex_table_verify(struct segment *seg, loci_error *err)
{
    if (seg->lex_table_ok)
        return LOCI_OK;
    int rc = lfile_verify(&seg->lex, seg->lex_table, 16 * seg->lex_blocks, err);
    seg->lex_table_ok = !rc;
    return rc;
}

/* The block that holds term[0..len) if any block does: the last whose
 * first term is <= it (block 0 when none is). A branch-free binary search
 * over the blocks' keys, a dense array, finds the last block whose key is
 * <= the term's; when that key is below the term's, it is the block.
 * When it ties (terms sharing their first 8 bytes), whole first terms are
 * compared among the tying blocks. */
/* After the key search: `base` is the last block whose key is <= the
 * term's (or 0). Sets *block as lex_find_block does. */
static int lex_resolve_block(struct segment *seg, const char *term, size_t len, uint64_t kt,
                             uint64_t base, uint64_t *block, loci_error *err)
{
    uint64_t k = le64_get(seg->lex.body + seg->lex_table + 8 * seg->lex_blocks + 8 * base);
    int rc, c = 0;
    if (k < kt) {
        *block = base;
        return LOCI_OK;
    }
    if (k > kt) { /* (base 0) the term sorts before every block */
        *block = 0;
        return LOCI_OK;
    }
    /* ties: blocks lo..base have the term's key; the last of them whose
     * first term is <= the term */
    uint64_t lo = base, hi = base + 1;
    while (lo > 0) {
        if ((rc = block_key(seg, lo - 1, &k, err)))
            return rc;
        if (k != kt)
            break;
        lo--;
    }
    uint64_t tie = lo;
    while (lo < hi) { /* lo: the first tying block that starts above the term */
        uint64_t mid = lo + (hi - lo) / 2;
        if ((rc = block_first_cmp(seg, mid, term, len, &c, err)))
            return rc;
        if (c <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *block = lo > tie ? lo - 1 : (tie ? tie - 1 : 0);
    return LOCI_OK;
}

static int lex_find_block(struct segment *seg, const char *term, size_t len, uint64_t *block,
                          loci_error *err)
{
    uint64_t kt = lex_key(term, len);
    int rc;
    if ((rc = lex_table_verify(seg, err)))
        return rc;
    const uint8_t *keys = seg->lex.body + seg->lex_table + 8 * seg->lex_blocks;
    uint64_t base = 0, n = seg->lex_blocks;
    while (n > 1) { /* keys[base] <= kt, or base is 0 */
        uint64_t half = n / 2;
        base = le64_get(keys + 8 * (base + half)) <= kt ? base + half : base;
        n -= half;
    }
    return lex_resolve_block(seg, term, len, kt, base, block, err);
}

static int term_in_range(struct segment *seg, const struct lex_iter *it, loci_error *err)
{
    if (it->ti.post_off + it->ti.post_len > seg->post.body_len ||
        it->ti.pos_off + it->ti.pos_len > seg->pos.body_len)
        return err_corrupt(err, "%s: postings of a term out of range", seg->lex.path);
    return LOCI_OK;
}

/* Look the term up in lexicon block lo (see reader_lookup). */
static int lookup_in_block(struct segment *seg, const char *term, size_t len, uint64_t lo,
                           struct term_info *ti, loci_error *err)
{
    struct lex_iter it;
    const uint8_t *p, *end;
    int rc;
    if ((rc = lex_block(seg, lo, &p, &end, err)))
        return rc;
    if (lex_iter_init(&it, p, end))
        return err_corrupt(err, "%s: malformed block %llu", seg->lex.path,
                           (unsigned long long)lo);
    /* Search the front-coded entries without rebuilding their terms. While
     * every entry so far sorts before the term, `m` is the number of
     * leading bytes the last one shares with it. An entry sharing `prefix`
     * bytes with the last one (the longest such prefix: FORMAT.md) sorts
     * before the term too when prefix > m, after it when prefix < m (it
     * differs from the last one at byte `prefix`, upwards, where the last
     * one equals the term), and only when prefix == m do its own bytes
     * decide. Only offsets are summed for the entries passed over. */
    const uint8_t *q = it.p;
    uint64_t post = it.post, pos = it.pos;
    size_t m = 0;
    for (uint64_t n = it.remaining; n > 0; n--) {
        uint64_t prefix, suffix, df, plen, qlen;
        if (varint_get(&q, end, &prefix) || varint_get(&q, end, &suffix) ||
            suffix > (uint64_t)(end - q) || prefix + suffix > ANALYZER_MAX_TERM * 4)
            goto malformed;
        const uint8_t *sfx = q;
        q += suffix;
        if (varint_get(&q, end, &df) || varint_get(&q, end, &plen) ||
            varint_get(&q, end, &qlen) || df == 0 || df > UINT32_MAX)
            goto malformed;
        if (prefix < m)
            break;
        if (prefix == m) {
            size_t j = 0, rest = len - m;
            while (j < suffix && j < rest && sfx[j] == (uint8_t)term[m + j])
                j++;
            if (j == suffix && j == rest) { /* the term itself */
                it.ti.df = (uint32_t)df;
                it.ti.post_off = post;
                it.ti.post_len = plen;
                it.ti.pos_off = pos;
                it.ti.pos_len = qlen;
                if ((rc = term_in_range(seg, &it, err)))
                    return rc;
                *ti = it.ti;
                return 1;
            }
            if (j == rest || (j < suffix && sfx[j] > (uint8_t)term[m + j]))
                break; /* an extension of the term, or above it */
            m += j;
        }
        post += plen;
        pos += qlen;
    }
    return 0;
malformed:
    return err_corrupt(err, "%s: malformed block %llu", seg->lex.path, (unsigned long long)lo);
}

int reader_lookup(struct segment *seg, const char *term, size_t len, struct term_info *ti,
                  loci_error *err)
{
    int found, rc = reader_lookup_all(seg, 1, term, len, ti, &found, err);
    return rc ? rc : found;
}

/* Segments searched in step: the key searches advance together, one
 * probe per segment per round, so the cache misses of different segments'
 * probes (independent loads) overlap instead of following one another;
 * then every block's first lines are requested before any is scanned.
 * A term's lookups in the segments of an index are mostly such misses. */
#define LOOKUP_STEP 16

int reader_lookup_all(struct segment *segs, size_t nseg, const char *term, size_t len,
                      struct term_info *ti, int *found, loci_error *err)
{
    uint64_t kt = lex_key(term, len);
    for (size_t s0 = 0; s0 < nseg; s0 += LOOKUP_STEP) {
        size_t m = nseg - s0 < LOOKUP_STEP ? nseg - s0 : LOOKUP_STEP;
        uint64_t base[LOOKUP_STEP], n[LOOKUP_STEP], block[LOOKUP_STEP];
        const uint8_t *keys[LOOKUP_STEP];
        int rc, more = 0;
        for (size_t i = 0; i < m; i++) {
            struct segment *seg = &segs[s0 + i];
            base[i] = 0;
            n[i] = seg->lex_blocks;
            if (n[i] && (rc = lex_table_verify(seg, err)))
                return rc;
            keys[i] = seg->lex.body + seg->lex_table + 8 * seg->lex_blocks;
            more |= n[i] > 1;
        }
        while (more) {
            more = 0;
            for (size_t i = 0; i < m; i++) {
                if (n[i] <= 1)
                    continue;
                uint64_t half = n[i] / 2;
                base[i] = le64_get(keys[i] + 8 * (base[i] + half)) <= kt ? base[i] + half : base[i];
                n[i] -= half;
                more |= n[i] > 1;
            }
        }
        for (size_t i = 0; i < m; i++) {
            struct segment *seg = &segs[s0 + i];
            if (seg->lex_blocks == 0)
                continue;
            if ((rc = lex_resolve_block(seg, term, len, kt, base[i], &block[i], err)))
                return rc;
            /* (an offset out of range is not asked for; lex_block checks
             * the range when it scans) */
            uint64_t off = le64_get(seg->lex.body + seg->lex_table + 8 * block[i]);
            if (off < seg->lex_table) {
                __builtin_prefetch(seg->lex.body + off);
                if (off + 64 < seg->lex_table)
                    __builtin_prefetch(seg->lex.body + off + 64);
            }
        }
        for (size_t i = 0; i < m; i++) {
            struct segment *seg = &segs[s0 + i];
            rc = seg->lex_blocks ? lookup_in_block(seg, term, len, block[i], &ti[s0 + i], err) : 0;
            if (rc < 0)
                return rc;
            found[s0 + i] = rc;
        }
    }
    return LOCI_OK;
}

int reader_prefix(struct segment *seg, const char *prefix, size_t len, reader_term_fn fn, void *ctx,
                  loci_error *err)
{
    struct lex_iter it;
    const uint8_t *p, *end;
    uint64_t b;
    int rc;
    if (seg->lex_blocks == 0)
        return LOCI_OK;
    if ((rc = lex_find_block(seg, prefix, len, &b, err)))
        return rc;
    /* terms with the prefix are consecutive, from the first >= prefix */
    for (; b < seg->lex_blocks; b++) {
        if ((rc = lex_block(seg, b, &p, &end, err)))
            return rc;
        if (lex_iter_init(&it, p, end))
            return err_corrupt(err, "%s: malformed block %llu", seg->lex.path,
                               (unsigned long long)b);
        while (it.remaining > 0) {
            if (lex_iter_next(&it))
                return err_corrupt(err, "%s: malformed block %llu", seg->lex.path,
                                   (unsigned long long)b);
            int c = memcmp(it.term, prefix, it.len < len ? it.len : len);
            if (c < 0 || (c == 0 && it.len < len))
                continue;
            if (c > 0)
                return LOCI_OK;
            if ((rc = term_in_range(seg, &it, err)))
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
static int passage_fields(struct segment *seg, uint32_t passage, int want, uint64_t *v,
                          loci_error *err)
{
    const uint8_t *p, *end, *rec;
    uint64_t k;
    size_t n;
    int rc = recfile_block(&seg->pass, seg->passages, passage, &k, &p, &end, err);
    if (rc)
        return rc;
    int before = want < 3 ? want : 3; /* fields coded as changes: doc, line */
    uint64_t doc = 0, line = 0;
    for (;; k++) {
        uint64_t f[5];
        if (recfile_next(&p, end, &rec, &n) ||
            decode_fields(&rec, rec + n, f, k == passage ? want : before))
            return err_corrupt(err, "%s: malformed passage %llu", seg->pass.path,
                               (unsigned long long)k);
        int first = k % RECFILE_BLOCK == 0;
        doc = first ? f[0] : doc + f[0];
        if (want > 1)
            line = first ? f[2] : line + (uint64_t)zigzag_decode(f[2]);
        if (doc >= seg->documents || line > UINT32_MAX)
            return err_corrupt(err, "%s: malformed passage %llu", seg->pass.path,
                               (unsigned long long)k);
        if (k == passage) {
            v[0] = doc;
            if (want > 1) {
                if (f[1] > UINT32_MAX || f[3] > UINT32_MAX)
                    return err_corrupt(err, "%s: malformed passage %u", seg->pass.path,
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
 * previous record's (docs/FORMAT.md). The name is built in seg->docname,
 * the source in seg->docsource. */
struct doc_rec {
    uint64_t text_off, text_len, first_passage, first_line, flags, size, mtime, hash;
    uint64_t title_bytes;
    int has_source;
};

/* A reader_docs_scan callback, and what doc_fields_full calls it with. */
typedef void (*doc_each_fn)(void *ctx, uint32_t doc, uint64_t flags, uint64_t hash);

/* Document `doc`'s fields (its name in seg->docname, its source in
 * seg->docsource), decoded from the start of its record block; or, with
 * `each`, every record of the block from `doc` on, each given to it. */
static int doc_fields_each(struct segment *seg, uint64_t doc, struct doc_rec *out,
                           doc_each_fn each, void *ctx, loci_error *err)
{
    const uint8_t *p, *end, *rec;
    uint64_t k, off = 0, len = 0, fp = 0;
    size_t n;
    int rc = recfile_block(&seg->docs, seg->documents, doc, &k, &p, &end, err);
    if (rc)
        return rc;
    uint64_t block_end = (k / RECFILE_BLOCK + 1) * RECFILE_BLOCK;
    if (block_end > seg->documents)
        block_end = seg->documents;
    struct buf *name = &seg->docname, *src = &seg->docsource;
    int has_src = 0;
    uint64_t line = 0, size = 0, mtime = 0;
    for (;; k++) {
        if (each && k == block_end)
            return LOCI_OK;
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
        uint64_t title_bytes = 0;
        if (decode_fields(&rec, rend, f, 5) || f[2] > name->len || (first && f[2]) ||
            f[4] >> (DOC_SRC_SHIFT + 2 + seg->titles) ||
            ((f[4] & DOC_TITLE) && (varint_get(&rec, rend, &title_bytes) || !title_bytes ||
                                    title_bytes > f[0])))
            break;
        unsigned kind = (unsigned)(f[4] >> DOC_SRC_SHIFT) & DOC_SRC_MASK;
        if (kind == DOC_SRC_GIVEN &&
            (varint_get(&rec, rend, &slen) || slen > (uint64_t)(rend - rec)))
            break;
        if (kind == DOC_SRC_PREVIOUS && (first || !has_src))
            break;
        const uint8_t *sbytes = rec;
        rec += kind == DOC_SRC_GIVEN ? slen : 0;
        /* size and mtime: a source's own, or the previous record's */
        v[0] = kind == DOC_SRC_PREVIOUS ? size : 0;
        v[1] = kind == DOC_SRC_PREVIOUS ? mtime : 0;
        if (((kind == DOC_SRC_NAME || kind == DOC_SRC_GIVEN) && decode_fields(&rec, rend, v, 2)) ||
            rend - rec < 8)
            break;
        size = v[0];
        mtime = v[1];
        line = first ? f[3] : line + (uint64_t)zigzag_decode(f[3]);
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
        if (each && k >= doc) {
            each(ctx, (uint32_t)k, f[4], hash);
        } else if (k == doc) {
            if (v[1] > INT64_MAX || line > UINT32_MAX || fp > seg->passages)
                break;
            out->text_off = off;
            out->text_len = len;
            out->first_passage = fp;
            out->first_line = line;
            out->flags = f[4];
            out->size = v[0];
            out->mtime = v[1];
            out->hash = hash;
            out->title_bytes = title_bytes;
            out->has_source = has_src;
            return LOCI_OK;
        }
    }
    return err_corrupt(err, "%s: malformed document %llu", seg->docs.path,
                       (unsigned long long)k);
}

static int doc_fields_full(struct segment *seg, uint64_t doc, struct doc_rec *out, loci_error *err)
{
    return doc_fields_each(seg, doc, out, NULL, NULL, err);
}

int reader_docs_scan(struct segment *seg, void (*fn)(void *ctx, uint32_t doc, uint64_t flags,
                                                     uint64_t hash),
                     void *ctx, loci_error *err)
{
    int rc = LOCI_OK;
    for (uint64_t d = 0; d < seg->documents && !rc; d += RECFILE_BLOCK)
        rc = doc_fields_each(seg, d, NULL, fn, ctx, err);
    return rc;
}

static int read_text(struct segment *seg, uint64_t off, uint64_t len, loci_error *err);

/* Text range and name of document `doc` (the name in seg->docname). */
static int doc_fields(struct segment *seg, uint64_t doc, uint64_t *text_off, uint64_t *text_len,
                      loci_error *err)
{
    struct doc_rec r;
    int rc = doc_fields_full(seg, doc, &r, err);
    if (rc)
        return rc;
    *text_off = r.text_off;
    *text_len = r.text_len;
    return LOCI_OK;
}

int reader_doc(struct segment *seg, uint32_t doc, struct doc_info *out, loci_error *err)
{
    if (doc >= seg->documents)
        return err_set(err, LOCI_EINVAL, "document %u out of range", doc);
    struct doc_rec r, next;
    int rc = doc_fields_full(seg, doc, &r, err);
    uint64_t end = seg->passages;
    if (!rc && doc + 1 < seg->documents) {
        /* the next record, without disturbing this one's name and source */
        struct buf name = seg->docname, src = seg->docsource;
        seg->docname = seg->docname2;
        seg->docsource = seg->docsource2;
        rc = doc_fields_full(seg, doc + 1, &next, err);
        seg->docname2 = seg->docname;
        seg->docsource2 = seg->docsource;
        seg->docname = name;
        seg->docsource = src;
        end = next.first_passage;
    }
    if (rc)
        return rc;
    if (end < r.first_passage || r.text_off > seg->text_raw ||
        r.text_len > seg->text_raw - r.text_off)
        return err_corrupt(err, "%s: malformed document %u", seg->docs.path, doc);
    memset(out, 0, sizeof *out);
    out->name = (const char *)seg->docname.data;
    out->name_len = seg->docname.len;
    out->text_off = r.text_off;
    out->text_len = r.text_len;
    out->first_passage = (uint32_t)r.first_passage;
    out->passages = (uint32_t)(end - r.first_passage);
    out->first_line = (uint32_t)r.first_line;
    out->fixed_line = (r.flags & DOC_FIXED_LINE) != 0;
    if (r.has_source) {
        out->source = seg->docsource.len ? (const char *)seg->docsource.data : "";
        out->source_len = seg->docsource.len;
    }
    out->size = r.size;
    out->mtime_ns = (int64_t)r.mtime;
    out->hash = r.hash;
    out->title_bytes = (uint32_t)r.title_bytes;
    return LOCI_OK;
}

void reader_alias(const struct segment *seg, uint64_t i, uint32_t *doc, uint32_t *dup)
{
    const uint8_t *e = seg->alias_table + META_ALIAS_ENTRY * i;
    *doc = le32_get(e);
    *dup = le32_get(e + 4);
}

uint64_t reader_alias_find(const struct segment *seg, uint32_t doc)
{
    uint64_t lo = 0, hi = seg->aliases;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (le32_get(seg->alias_table + META_ALIAS_ENTRY * mid) < doc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The segment's duplicates (reader_alias) as a map: *out[d] is the
 * document whose text document d has, plus one, or 0; *out is NULL when
 * the segment has none. */
int reader_alias_targets(const struct segment *idx, uint32_t **out, loci_error *err)
{
    *out = NULL;
    if (!idx->aliases)
        return LOCI_OK;
    uint32_t *t = calloc((size_t)idx->documents, sizeof *t);
    if (!t)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    for (uint64_t i = 0; i < idx->aliases; i++) {
        uint32_t doc, dup;
        reader_alias(idx, i, &doc, &dup);
        t[dup] = doc + 1;
    }
    *out = t;
    return LOCI_OK;
}

int reader_doc_text(struct segment *seg, const struct doc_info *d, const char **text, loci_error *err)
{
    int rc = read_text(seg, d->text_off, d->text_len, err);
    if (rc)
        return rc;
    *text = (const char *)seg->ptext.data;
    return LOCI_OK;
}

int64_t reader_passage_doc(struct segment *seg, uint32_t passage, loci_error *err)
{
    uint64_t v[5];
    if (passage_fields(seg, passage, 1, v, err))
        return -1;
    return (int64_t)v[0]; /* < documents, checked by passage_fields */
}

int reader_title_table(struct segment *seg, const uint8_t **tab, loci_error *err)
{
    *tab = seg->lens.body + seg->title_table;
    return lfile_verify(&seg->lens, seg->title_table, 8 * seg->title_count, err);
}

int64_t reader_passage_length(struct segment *seg, uint32_t passage, loci_error *err)
{
    int rc = lfile_verify(&seg->lens, 2 * (uint64_t)passage, 2, err);
    if (rc)
        return -1;
    uint32_t len = le16_get(seg->lens.body + 2 * (size_t)passage);
    if (len < LENGTH_LONG)
        return len;
    /* binary search of the (passage, length) pairs, in passage order */
    uint64_t table = 2 * seg->passages, lo = 0, hi = seg->long_lengths;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (lfile_verify(&seg->lens, table + 8 * mid, 8, err))
            return -1;
        const uint8_t *e = seg->lens.body + table + 8 * mid;
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
    err_corrupt(err, "%s: no length for long passage %u", seg->lens.path, passage);
    return -1;
}

/* Make text block `i` the cached one. */
static int load_text_block(struct segment *seg, uint64_t i, loci_error *err)
{
    if (seg->cached_block == (int64_t)i)
        return LOCI_OK;
    const uint8_t *e = seg->text.body + seg->text_table + i * TEXT_ENTRY_SIZE;
    int rc = lfile_verify(&seg->text, seg->text_table + i * TEXT_ENTRY_SIZE, TEXT_ENTRY_SIZE, err);
    if (rc)
        return rc;
    uint64_t off = le64_get(e + TEXT_ENTRY_OFF);
    uint32_t clen = le32_get(e + TEXT_ENTRY_CLEN), rlen = le32_get(e + TEXT_ENTRY_RLEN);
    uint64_t want = i + 1 < seg->text_blocks ? TEXT_BLOCK : seg->text_raw - i * TEXT_BLOCK;
    if (rlen != want || off + clen > seg->text_table)
        return err_corrupt(err, "%s: bad entry for block %llu", seg->text.path,
                           (unsigned long long)i);
    if ((rc = lfile_verify(&seg->text, off, clen, err)))
        return rc;
    seg->block.len = 0;
    if (buf_reserve(&seg->block, rlen ? rlen : 1))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    uLongf got = rlen;
    if (uncompress(seg->block.data, &got, seg->text.body + off, clen) != Z_OK || got != rlen) {
        seg->cached_block = -1;
        return err_corrupt(err, "%s: block %llu does not decompress", seg->text.path,
                           (unsigned long long)i);
    }
    seg->block.len = rlen;
    seg->cached_block = (int64_t)i;
    return LOCI_OK;
}

/* Copy text stream bytes [off, off+len) into seg->ptext. */
static int read_text(struct segment *seg, uint64_t off, uint64_t len, loci_error *err)
{
    seg->ptext.len = 0;
    if (off > seg->text_raw || len > seg->text_raw - off)
        return err_corrupt(err, "%s: text range out of bounds", seg->text.path);
    if (buf_reserve(&seg->ptext, len + 1))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    while (len > 0) {
        uint64_t blk = off / TEXT_BLOCK, in = off % TEXT_BLOCK;
        int rc = load_text_block(seg, blk, err);
        if (rc)
            return rc;
        uint64_t n = seg->block.len - in < len ? seg->block.len - in : len;
        buf_append(&seg->ptext, seg->block.data + in, n); /* room reserved above */
        off += n;
        len -= n;
    }
    seg->ptext.data[seg->ptext.len] = '\0';
    return LOCI_OK;
}

/* Fill `out` (but not its text); *stream_off receives the passage's offset
 * in the text stream. */
static int locate(struct segment *seg, uint32_t passage, loci_passage *out, uint64_t *stream_off,
                  loci_error *err)
{
    uint64_t p[5] = {0}; /* set by passage_fields (zeroed for the compiler) */
    int rc = passage_fields(seg, passage, 5, p, err);
    if (rc)
        return rc;
    uint64_t text_off = 0, text_len = 0, start = p[4], len = p[3];
    if ((rc = doc_fields(seg, p[0], &text_off, &text_len, err)))
        return rc;
    if (start > text_len || len > text_len - start || text_off > seg->text_raw ||
        text_len > seg->text_raw - text_off)
        return err_corrupt(err, "%s: passage %u outside its document", seg->pass.path, passage);
    *stream_off = text_off + start;
    out->id = passage;
    out->doc = (uint32_t)p[0];
    out->ordinal = (uint32_t)p[1];
    out->line = (uint32_t)p[2];
    out->byte_start = start;
    out->byte_end = start + len;
    out->doc_name = (const char *)seg->docname.data;
    out->doc_name_len = seg->docname.len;
    out->text = NULL;
    out->text_len = 0;
    return LOCI_OK;
}

int reader_locate(struct segment *seg, uint32_t passage, loci_passage *out, loci_error *err)
{
    uint64_t off;
    return locate(seg, passage, out, &off, err);
}

int reader_passage_get(struct segment *seg, uint32_t passage, loci_passage *out, loci_error *err)
{
    uint64_t off;
    int rc = locate(seg, passage, out, &off, err);
    if (!rc)
        rc = read_text(seg, off, out->byte_end - out->byte_start, err);
    if (rc)
        return rc;
    out->text = (const char *)seg->ptext.data;
    out->text_len = seg->ptext.len;
    return LOCI_OK;
}

int reader_check(struct segment *seg, loci_error *err)
{
    for (size_t i = 0; i < NFILES; i++) {
        struct lfile *f = file_of(seg, i);
        int rc = lfile_check_table(f, err);
        if (!rc)
            rc = lfile_verify(f, 0, f->body_len, err);
        if (rc)
            return rc;
    }
    /* Structure: every lexicon entry in order and in range. */
    uint64_t nterms = 0;
    for (uint64_t b = 0; b < seg->lex_blocks; b++) {
        const uint8_t *p, *end;
        struct lex_iter it;
        int rc = lex_block(seg, b, &p, &end, err);
        if (rc)
            return rc;
        if (lex_iter_init(&it, p, end))
            return err_corrupt(err, "%s: malformed block %llu", seg->lex.path,
                               (unsigned long long)b);
        uint64_t key;
        for (int first = 1; it.remaining > 0; first = 0) {
            if (lex_iter_next(&it) || it.ti.post_off + it.ti.post_len > seg->post.body_len ||
                it.ti.pos_off + it.ti.pos_len > seg->pos.body_len || it.ti.df > seg->passages)
                return err_corrupt(err, "%s: malformed entry in block %llu", seg->lex.path,
                                   (unsigned long long)b);
            if (first && ((rc = block_key(seg, b, &key, err)) ||
                          key != lex_key(it.term, it.len)))
                return rc ? rc : err_corrupt(err, "%s: block %llu has a wrong key", seg->lex.path,
                                             (unsigned long long)b);
            nterms++;
        }
    }
    if (nterms != seg->terms)
        return err_corrupt(err, "%s: %llu terms, meta says %llu", seg->lex.path,
                           (unsigned long long)nterms, (unsigned long long)seg->terms);
    /* Lengths: one (passage, length) pair for each LENGTH_LONG, in order. */
    uint64_t nlong = 0, table = 2 * seg->passages;
    for (uint64_t p = 0; p < seg->passages; p++) {
        if (le16_get(seg->lens.body + 2 * p) != LENGTH_LONG)
            continue;
        const uint8_t *e = seg->lens.body + table + 8 * nlong;
        if (nlong == seg->long_lengths || le32_get(e) != p || le32_get(e + 4) < LENGTH_LONG)
            return err_corrupt(err, "%s: no length for long passage %llu", seg->lens.path,
                               (unsigned long long)p);
        nlong++;
    }
    /* Titles: by increasing passage, each within its passage */
    for (uint64_t i = 0; i < seg->title_count; i++) {
        const uint8_t *e = seg->lens.body + seg->title_table + 8 * i;
        uint32_t p = le32_get(e), n = le32_get(e + 4);
        int64_t len = p < seg->passages ? reader_passage_length(seg, p, err) : 0;
        if (len < 0)
            return err->code;
        if (p >= seg->passages || (i && p <= le32_get(e - 8)) || !n || n > len)
            return err_corrupt(err, "%s: bad title entry %llu", seg->lens.path,
                               (unsigned long long)i);
    }
    if (nlong != seg->long_lengths)
        return err_corrupt(err, "%s: %llu long lengths, %llu listed", seg->lens.path,
                           (unsigned long long)nlong, (unsigned long long)seg->long_lengths);
    for (uint64_t i = 0; i < seg->text_blocks; i++) {
        int rc = load_text_block(seg, i, err);
        if (rc)
            return rc;
    }
    return LOCI_OK;
}
