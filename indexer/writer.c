/*
 * writer.c — lexicon, postings and positions files (see docs/FORMAT.md).
 *
 * Terms are written in byte order. A term's postings are cut into blocks
 * of FMT_BLOCK passages; each block stores d-gaps minus one and tf minus one
 * bit-packed, each with its own width. Terms of more than one block get a
 * fixed-size skip table first (last id, block end, positions offset, and
 * the block's score bounds) so a reader can jump to any block and, later,
 * skip whole blocks whose best score cannot enter the top k.
 */
#include "writer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm25.h"
#include "buf.h"
#include "codec.h"
#include "error.h"
#include "format.h"
#include "lfile.h"
#include "path.h"

int writer_put_file(const char *dir, const char *name, const char *magic,
                    const void *body, size_t len, loci_error *err)
{
    char path[PATH_BUF];
    if (path_join(path, sizeof path, dir, name))
        return err_set(err, LOCI_EINVAL, "%s: path too long", dir);
    struct lfile_writer w;
    int rc = lfile_create(&w, path, magic, err);
    if (rc)
        return rc;
    rc = lfile_write(&w, body, len, err);
    if (rc) {
        lfile_abort(&w);
        return rc;
    }
    return lfile_finish(&w, err);
}

/* The float stored for a block maximum must never be below the true
 * maximum, or pruning could drop a passage that belongs in the top k. */
static float round_up_float(double v)
{
    float f = (float)v;
    if ((double)f < v)
        f = nextafterf(f, INFINITY);
    return f;
}

struct term_writer {
    struct lfile_writer lex, post, pos;
    struct buf block;      /* current term's block data */
    struct buf skips;      /* current term's skip table */
    struct buf lexblock;   /* entries of the current lexicon block */
    struct buf lextable;   /* u64 offsets of lexicon blocks */
    uint32_t lexcount;     /* entries in lexblock */
    uint64_t lex_post_base, lex_pos_base;
    const char *prev;      /* previous term of the lexicon block */
    uint32_t prev_len;
};

static int flush_lex_block(struct term_writer *tw, loci_error *err)
{
    if (tw->lexcount == 0)
        return LOCI_OK;
    uint8_t head[3 * VARINT_MAX];
    size_t n = varint_put(head, tw->lex_post_base);
    n += varint_put(head + n, tw->lex_pos_base);
    n += varint_put(head + n, tw->lexcount);
    if (buf_put_le64(&tw->lextable, lfile_tell(&tw->lex)))
        return err_set(err, LOCI_ENOMEM, "out of memory writing the lexicon");
    int rc = lfile_write(&tw->lex, head, n, err);
    if (!rc)
        rc = lfile_write(&tw->lex, tw->lexblock.data, tw->lexblock.len, err);
    tw->lexblock.len = 0;
    tw->lexcount = 0;
    return rc;
}

static int add_lex_entry(struct term_writer *tw, const struct inv_term *t,
                         uint64_t post_off, uint64_t post_len,
                         uint64_t pos_off, uint64_t pos_len, loci_error *err)
{
    if (tw->lexcount == LEX_BLOCK) {
        int rc = flush_lex_block(tw, err);
        if (rc)
            return rc;
    }
    uint32_t prefix = 0;
    if (tw->lexcount == 0) {
        tw->lex_post_base = post_off;
        tw->lex_pos_base = pos_off;
    } else {
        uint32_t m = t->len < tw->prev_len ? t->len : tw->prev_len;
        while (prefix < m && t->bytes[prefix] == tw->prev[prefix])
            prefix++;
    }
    struct buf *b = &tw->lexblock;
    if (buf_put_varint(b, prefix) || buf_put_varint(b, t->len - prefix) ||
        buf_append(b, t->bytes + prefix, t->len - prefix) || buf_put_varint(b, t->df) ||
        buf_put_varint(b, post_len) || buf_put_varint(b, pos_len))
        return err_set(err, LOCI_ENOMEM, "out of memory writing the lexicon");
    tw->lexcount++;
    tw->prev = t->bytes;
    tw->prev_len = t->len;
    return LOCI_OK;
}

/* Skip past `tf` position varints; returns bytes skipped. The positions
 * were written by the inverter, so they are well-formed. */
static size_t skip_positions(const uint8_t *p, uint32_t tf)
{
    const uint8_t *q = p;
    while (tf--) {
        while (*q & 0x80)
            q++;
        q++;
    }
    return (size_t)(q - p);
}

static int write_term(struct term_writer *tw, const struct inv_term *t, const uint32_t *lengths,
                      double avglen, double k1, double b, loci_error *err)
{
    uint32_t ids[FMT_BLOCK], tfs[FMT_BLOCK], vals[FMT_BLOCK];
    uint8_t packed[2 + 2 * FMT_BLOCK * 4];
    const uint8_t *dp = t->docs.data, *dend = t->docs.data + t->docs.len;
    const uint8_t *pp = t->positions.data;
    uint32_t nblocks = (t->df + FMT_BLOCK - 1) / FMT_BLOCK;
    uint64_t prev_pid = 0; /* stored +1, as in the inverter */
    int64_t prev_last = -1;
    size_t pos_rel = 0;

    tw->block.len = 0;
    tw->skips.len = 0;
    for (uint32_t blk = 0; blk < nblocks; blk++) {
        uint32_t n = blk + 1 < nblocks ? FMT_BLOCK : t->df - blk * FMT_BLOCK;
        size_t block_pos = pos_rel;
        uint32_t max_tf = 0, min_len = UINT32_MAX;
        double max_impact = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t gap, tf;
            if (varint_get(&dp, dend, &gap) || varint_get(&dp, dend, &tf))
                return err_set(err, LOCI_EINVAL, "internal error: bad in-memory postings");
            prev_pid += gap;
            ids[i] = (uint32_t)(prev_pid - 1);
            tfs[i] = (uint32_t)tf;
            pos_rel += skip_positions(pp + pos_rel, (uint32_t)tf);
            uint32_t len = lengths[ids[i]];
            if (tfs[i] > max_tf)
                max_tf = tfs[i];
            if (len < min_len)
                min_len = len;
            double imp = bm25_tfpart(tfs[i], len, k1, b, avglen);
            if (imp > max_impact)
                max_impact = imp;
        }
        for (uint32_t i = 0; i < n; i++) {
            vals[i] = (uint32_t)((int64_t)ids[i] - prev_last - 1);
            prev_last = ids[i];
        }
        unsigned wg = bitpack_width(vals, n);
        size_t m = 2;
        m += bitpack_encode(vals, n, wg, packed + m);
        for (uint32_t i = 0; i < n; i++)
            vals[i] = tfs[i] - 1;
        unsigned wt = bitpack_width(vals, n);
        m += bitpack_encode(vals, n, wt, packed + m);
        packed[0] = (uint8_t)wg;
        packed[1] = (uint8_t)wt;
        if (buf_append(&tw->block, packed, m))
            return err_set(err, LOCI_ENOMEM, "out of memory writing postings");
        uint8_t skip[SKIP_SIZE];
        float fi = round_up_float(max_impact);
        uint32_t fbits;
        memcpy(&fbits, &fi, 4);
        le32_put(skip + SKIP_LAST_ID, ids[n - 1]);
        le32_put(skip + SKIP_END, (uint32_t)tw->block.len);
        le64_put(skip + SKIP_POS, block_pos);
        le32_put(skip + SKIP_MAX_TF, max_tf);
        le32_put(skip + SKIP_MIN_LEN, min_len);
        le32_put(skip + SKIP_MAX_IMPACT, fbits);
        if (buf_append(&tw->skips, skip, SKIP_SIZE))
            return err_set(err, LOCI_ENOMEM, "out of memory writing postings");
    }
    if (tw->block.len > UINT32_MAX)
        return err_set(err, LOCI_EINVAL, "term postings too large (over 4 GiB)");

    uint64_t post_off = lfile_tell(&tw->post), pos_off = lfile_tell(&tw->pos);
    int rc = 0;
    if (nblocks > 1)
        rc = lfile_write(&tw->post, tw->skips.data, tw->skips.len, err);
    if (!rc)
        rc = lfile_write(&tw->post, tw->block.data, tw->block.len, err);
    if (!rc)
        rc = lfile_write(&tw->pos, t->positions.data, t->positions.len, err);
    if (!rc)
        rc = add_lex_entry(tw, t, post_off, lfile_tell(&tw->post) - post_off, pos_off,
                           t->positions.len, err);
    return rc;
}

int writer_put_terms(const char *dir, struct inverter *inv, const uint32_t *lengths,
                     double avglen, double k1, double b, loci_error *err)
{
    struct term_writer tw;
    memset(&tw, 0, sizeof tw);
    char path[PATH_BUF];
    int rc;
    if (path_join(path, sizeof path, dir, FMT_LEXICON))
        return err_set(err, LOCI_EINVAL, "%s: path too long", dir);
    if ((rc = lfile_create(&tw.lex, path, FMT_MAGIC_LEXICON, err)))
        return rc;
    path_join(path, sizeof path, dir, FMT_POSTINGS); /* no longer than the one above */
    if ((rc = lfile_create(&tw.post, path, FMT_MAGIC_POSTINGS, err))) {
        lfile_abort(&tw.lex);
        return rc;
    }
    path_join(path, sizeof path, dir, FMT_POSITIONS);
    if ((rc = lfile_create(&tw.pos, path, FMT_MAGIC_POSITIONS, err))) {
        lfile_abort(&tw.lex);
        lfile_abort(&tw.post);
        return rc;
    }
    uint32_t *ids = inverter_sorted_ids(inv);
    if (!ids)
        rc = err_set(err, LOCI_ENOMEM, "out of memory sorting terms");
    size_t n = inverter_term_count(inv);
    for (size_t i = 0; !rc && i < n; i++)
        rc = write_term(&tw, inverter_term(inv, ids[i]), lengths, avglen, k1, b, err);
    free(ids);
    if (!rc)
        rc = flush_lex_block(&tw, err);
    if (!rc) {
        uint64_t table_off = lfile_tell(&tw.lex);
        uint8_t trailer[LEX_TRAILER];
        le64_put(trailer, tw.lextable.len / 8);
        le64_put(trailer + 8, table_off);
        rc = lfile_write(&tw.lex, tw.lextable.data, tw.lextable.len, err);
        if (!rc)
            rc = lfile_write(&tw.lex, trailer, sizeof trailer, err);
    }
    buf_free(&tw.block);
    buf_free(&tw.skips);
    buf_free(&tw.lexblock);
    buf_free(&tw.lextable);
    if (rc) {
        lfile_abort(&tw.lex);
        lfile_abort(&tw.post);
        lfile_abort(&tw.pos);
        return rc;
    }
    if ((rc = lfile_finish(&tw.lex, err))) {
        lfile_abort(&tw.post);
        lfile_abort(&tw.pos);
        return rc;
    }
    if ((rc = lfile_finish(&tw.post, err))) {
        lfile_abort(&tw.pos);
        return rc;
    }
    return lfile_finish(&tw.pos, err);
}
