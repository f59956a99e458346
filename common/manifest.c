/*
 * manifest.c — coding and reading an index's manifest (see manifest.h and
 * docs/FORMAT.md, "manifest").
 *
 * A manifest is read whole at open: it is small (a few dozen bytes per
 * segment, plus the deletions since the last merge), and everything in it
 * is needed for the collection statistics anyway.
 */
#include "manifest.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "error.h"
#include "lfile.h"
#include "path.h"

#define SEG_FIXED 80 /* bytes of a segment's fixed fields */

void manifest_segment_name(uint64_t number, char *out)
{
    snprintf(out, MANIFEST_NAME_MAX, "seg-%06" PRIu64, number);
}

static void segment_free(struct manifest_segment *s)
{
    free(s->deleted);
    free(s->dfs);
    buf_free(&s->terms);
}

void manifest_free(struct manifest *m)
{
    for (size_t i = 0; i < m->nseg; i++)
        segment_free(&m->seg[i]);
    free(m->seg);
    memset(m, 0, sizeof *m);
}

struct manifest_segment *manifest_add_segment(struct manifest *m)
{
    struct manifest_segment *p = array_grow(m->seg, &m->seg_cap, m->nseg + 1, sizeof *p, 4);
    if (!p)
        return NULL;
    m->seg = p;
    struct manifest_segment *s = &m->seg[m->nseg++];
    memset(s, 0, sizeof *s);
    return s;
}

int manifest_add_deleted(struct manifest_segment *s, uint32_t doc, uint32_t first_passage,
                         uint32_t passages)
{
    struct manifest_deleted *p =
        array_grow(s->deleted, &s->deleted_cap, s->ndeleted + 1, sizeof *p, 16);
    if (!p)
        return LOCI_ENOMEM;
    s->deleted = p;
    s->deleted[s->ndeleted++] = (struct manifest_deleted){doc, first_passage, passages};
    return LOCI_OK;
}

int manifest_add_df(struct manifest_segment *s, const char *term, size_t len, uint32_t df)
{
    struct manifest_df *p = array_grow(s->dfs, &s->dfs_cap, s->ndfs + 1, sizeof *p, 64);
    if (!p)
        return LOCI_ENOMEM;
    s->dfs = p;
    if (s->terms.len > UINT32_MAX - len || buf_append(&s->terms, term, len))
        return LOCI_ENOMEM;
    s->dfs[s->ndfs++] = (struct manifest_df){(uint32_t)(s->terms.len - len), (uint32_t)len, df};
    return LOCI_OK;
}

int manifest_copy(struct manifest *dst, const struct manifest *src)
{
    memset(dst, 0, sizeof *dst);
    dst->generation = src->generation;
    dst->next_segment = src->next_segment;
    for (size_t i = 0; i < src->nseg; i++) {
        const struct manifest_segment *a = &src->seg[i];
        struct manifest_segment *b = manifest_add_segment(dst);
        if (!b)
            goto fail;
        b->number = a->number;
        b->meta_crc = a->meta_crc;
        b->documents = a->documents;
        b->passages = a->passages;
        b->tokens = a->tokens;
        b->deleted_passages = a->deleted_passages;
        b->deleted_tokens = a->deleted_tokens;
        for (size_t j = 0; j < a->ndeleted; j++)
            if (manifest_add_deleted(b, a->deleted[j].doc, a->deleted[j].first_passage,
                                     a->deleted[j].passages))
                goto fail;
        for (size_t j = 0; j < a->ndfs; j++)
            if (manifest_add_df(b, (const char *)a->terms.data + a->dfs[j].off, a->dfs[j].len,
                                a->dfs[j].df))
                goto fail;
    }
    return LOCI_OK;
fail:
    manifest_free(dst);
    return LOCI_ENOMEM;
}

static int cmp_bytes(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return (alen > blen) - (alen < blen);
}

uint32_t manifest_deleted_df(const struct manifest_segment *s, const char *term, size_t len)
{
    size_t lo = 0, hi = s->ndfs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct manifest_df *d = &s->dfs[mid];
        int c = cmp_bytes(s->terms.data + d->off, d->len, (const uint8_t *)term, len);
        if (c == 0)
            return d->df;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* ---- coding ------------------------------------------------------------------ */

int manifest_encode(const struct manifest *m, struct buf *out)
{
    struct buf lists = {0};
    int rc = buf_put_le64(out, m->generation) || buf_put_le64(out, m->next_segment) ||
             buf_put_le64(out, m->nseg);
    for (size_t i = 0; i < m->nseg && !rc; i++) {
        const struct manifest_segment *s = &m->seg[i];
        lists.len = 0;
        uint32_t prev = 0;
        for (size_t j = 0; j < s->ndeleted && !rc; j++) {
            const struct manifest_deleted *d = &s->deleted[j];
            rc = buf_put_varint(&lists, j ? d->doc - prev : d->doc) ||
                 buf_put_varint(&lists, d->first_passage) || buf_put_varint(&lists, d->passages);
            prev = d->doc;
        }
        const uint8_t *pt = NULL;
        size_t plen = 0;
        for (size_t j = 0; j < s->ndfs && !rc; j++) {
            const uint8_t *t = s->terms.data + s->dfs[j].off;
            size_t len = s->dfs[j].len, shared = 0;
            while (shared < len && shared < plen && t[shared] == pt[shared])
                shared++;
            rc = buf_put_varint(&lists, shared) || buf_put_varint(&lists, len - shared) ||
                 buf_append(&lists, t + shared, len - shared) ||
                 buf_put_varint(&lists, s->dfs[j].df);
            pt = t;
            plen = len;
        }
        rc = rc || buf_put_le64(out, s->number) || buf_put_le32(out, s->meta_crc) ||
             buf_put_le32(out, 0) || buf_put_le64(out, s->documents) ||
             buf_put_le64(out, s->passages) || buf_put_le64(out, s->tokens) ||
             buf_put_le64(out, s->ndeleted) || buf_put_le64(out, s->deleted_passages) ||
             buf_put_le64(out, s->deleted_tokens) || buf_put_le64(out, s->ndfs) ||
             buf_put_le64(out, lists.len) || buf_append(out, lists.data, lists.len);
    }
    buf_free(&lists);
    return rc ? LOCI_ENOMEM : LOCI_OK;
}

/* Decode segment lists: deleted documents, then the df table. */
static int decode_lists(struct manifest_segment *s, const uint8_t *p, const uint8_t *end,
                        uint64_t ndeleted, uint64_t ndfs)
{
    uint64_t doc = 0, passages = 0;
    for (uint64_t j = 0; j < ndeleted; j++) {
        uint64_t d, first, n;
        if (varint_get(&p, end, &d) || varint_get(&p, end, &first) || varint_get(&p, end, &n))
            return -1;
        if (j && d == 0)
            return -1; /* ids must grow */
        doc = j ? doc + d : d;
        if (doc >= s->documents || first > s->passages || n > s->passages - first)
            return -1;
        passages += n;
        if (manifest_add_deleted(s, (uint32_t)doc, (uint32_t)first, (uint32_t)n))
            return LOCI_ENOMEM;
    }
    if (passages != s->deleted_passages)
        return -1;
    uint8_t term[256];
    size_t tlen = 0;
    for (uint64_t j = 0; j < ndfs; j++) {
        uint64_t shared, suffix, df;
        if (varint_get(&p, end, &shared) || varint_get(&p, end, &suffix) || shared > tlen ||
            suffix > sizeof term - shared || suffix > (uint64_t)(end - p))
            return -1;
        uint8_t next[256];
        memcpy(next, term, (size_t)shared);
        memcpy(next + shared, p, (size_t)suffix);
        p += suffix;
        size_t nlen = (size_t)(shared + suffix);
        if (j && cmp_bytes(term, tlen, next, nlen) >= 0)
            return -1; /* terms must be in order, each once */
        memcpy(term, next, nlen);
        tlen = nlen;
        if (varint_get(&p, end, &df) || df == 0 || df > s->deleted_passages)
            return -1;
        if (manifest_add_df(s, (const char *)term, tlen, (uint32_t)df))
            return LOCI_ENOMEM;
    }
    return p == end ? 0 : -1;
}

int manifest_decode(const uint8_t *body, size_t len, const char *path, struct manifest *m,
                    loci_error *err)
{
    memset(m, 0, sizeof *m);
    const uint8_t *p = body, *end = body + len;
    if (len < 24)
        return err_corrupt(err, "%s: manifest too short", path);
    m->generation = le64_get(p);
    m->next_segment = le64_get(p + 8);
    uint64_t nseg = le64_get(p + 16);
    p += 24;
    if (nseg > (len - 24) / SEG_FIXED)
        return err_corrupt(err, "%s: implausible segment count", path);
    uint64_t passages = 0, documents = 0;
    for (uint64_t i = 0; i < nseg; i++) {
        if ((size_t)(end - p) < SEG_FIXED)
            goto corrupt;
        struct manifest_segment *s = manifest_add_segment(m);
        if (!s) {
            manifest_free(m);
            return err_set(err, LOCI_ENOMEM, "out of memory");
        }
        s->number = le64_get(p);
        s->meta_crc = le32_get(p + 8);
        s->documents = le64_get(p + 16);
        s->passages = le64_get(p + 24);
        s->tokens = le64_get(p + 32);
        uint64_t ndeleted = le64_get(p + 40);
        s->deleted_passages = le64_get(p + 48);
        s->deleted_tokens = le64_get(p + 56);
        uint64_t ndfs = le64_get(p + 64), lists = le64_get(p + 72);
        p += SEG_FIXED;
        /* ids must fit in 32 bits across the index, as in one segment */
        passages += s->passages;
        documents += s->documents;
        if (s->number >= m->next_segment || (i && s->number <= m->seg[i - 1].number) ||
            s->passages > UINT32_MAX || s->documents > UINT32_MAX || passages > UINT32_MAX ||
            documents > UINT32_MAX || ndeleted > s->documents ||
            s->deleted_passages > s->passages || s->deleted_tokens > s->tokens ||
            lists > (uint64_t)(end - p) || ndfs > lists)
            goto corrupt;
        int rc = decode_lists(s, p, p + lists, ndeleted, ndfs);
        if (rc == LOCI_ENOMEM) {
            manifest_free(m);
            return err_set(err, LOCI_ENOMEM, "out of memory");
        }
        if (rc)
            goto corrupt;
        p += lists;
    }
    if (p != end)
        goto corrupt;
    return LOCI_OK;
corrupt:
    manifest_free(m);
    return err_corrupt(err, "%s: malformed manifest", path);
}

int manifest_read(int dirfd, const char *shown, struct manifest *m, loci_error *err)
{
    char path[PATH_BUF];
    memset(m, 0, sizeof *m);
    if (path_join(path, sizeof path, shown, MANIFEST_FILE))
        return err_set(err, LOCI_EINVAL, "%s: path too long", shown);
    struct lfile f;
    int rc = lfile_open_at(&f, dirfd, MANIFEST_FILE, path, MANIFEST_MAGIC, err);
    if (rc)
        return rc;
    rc = lfile_verify(&f, 0, f.body_len, err);
    if (!rc && f.body_len > SIZE_MAX)
        rc = err_corrupt(err, "%s: too large", path);
    if (!rc)
        rc = manifest_decode(f.body, (size_t)f.body_len, path, m, err);
    lfile_close(&f);
    return rc;
}

int manifest_doc_deleted(const struct manifest_segment *s, uint32_t doc)
{
    size_t lo = 0, hi = s->ndeleted;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->deleted[mid].doc == doc)
            return 1;
        if (s->deleted[mid].doc < doc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
