/*
 * writer.c — lexicon, postings and positions files (see docs/FORMAT.md),
 * written as a stream of terms.
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

static int flush_lex_block(struct term_writer *tw, loci_error *err)
{
    if (tw->lexcount == 0)
        return LOCI_OK;
    uint8_t head[3 * VARINT_MAX];
    size_t n = varint_put(head, tw->lex_post_base);
    n += varint_put(head + n, tw->lex_pos_base);
    n += varint_put(head + n, tw->lexcount);
    if (buf_put_le64(&tw->lextable, lfile_tell(&tw->lex)) ||
        buf_put_le64(&tw->lexkeys, tw->block_key))
        return err_set(err, LOCI_ENOMEM, "out of memory writing the lexicon");
    int rc = lfile_write(&tw->lex, head, n, err);
    if (!rc)
        rc = lfile_write(&tw->lex, tw->lexblock.data, tw->lexblock.len, err);
    tw->lexblock.len = 0;
    tw->lexcount = 0;
    return rc;
}

static int add_lex_entry(struct term_writer *tw, uint64_t post_off, uint64_t post_len,
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
        tw->block_key = lex_key(tw->term, tw->term_len);
    } else {
        uint32_t m = tw->term_len < tw->prev_len ? tw->term_len : tw->prev_len;
        while (prefix < m && tw->term[prefix] == tw->prev[prefix])
            prefix++;
    }
    struct buf *b = &tw->lexblock;
    if (buf_put_varint(b, prefix) || buf_put_varint(b, tw->term_len - prefix) ||
        buf_append(b, tw->term + prefix, tw->term_len - prefix) || buf_put_varint(b, tw->df) ||
        buf_put_varint(b, post_len) || buf_put_varint(b, pos_len))
        return err_set(err, LOCI_ENOMEM, "out of memory writing the lexicon");
    tw->lexcount++;
    memcpy(tw->prev, tw->term, tw->term_len);
    tw->prev_len = tw->term_len;
    return LOCI_OK;
}

int tw_open(struct term_writer *tw, const char *dir, const uint32_t *lengths, double avglen,
            double k1, double b, loci_error *err)
{
    memset(tw, 0, sizeof *tw);
    tw->lengths = lengths;
    tw->avglen = avglen;
    tw->k1 = k1;
    tw->b = b;
    char path[PATH_BUF];
    int rc;
    if (path_join(path, sizeof path, dir, FMT_LEXICON))
        return err_set(err, LOCI_EINVAL, "%s: path too long", dir);
    if ((rc = lfile_create(&tw->lex, path, FMT_MAGIC_LEXICON, err)))
        return rc;
    path_join(path, sizeof path, dir, FMT_POSTINGS); /* no longer than the one above */
    if ((rc = lfile_create(&tw->post, path, FMT_MAGIC_POSTINGS, err))) {
        tw_abort(tw);
        return rc;
    }
    path_join(path, sizeof path, dir, FMT_POSITIONS);
    if ((rc = lfile_create(&tw->pos, path, FMT_MAGIC_POSITIONS, err))) {
        tw_abort(tw);
        return rc;
    }
    return LOCI_OK;
}

int tw_begin(struct term_writer *tw, const char *term, size_t len, uint32_t df, loci_error *err)
{
    if (len == 0 || len > sizeof tw->term || df == 0)
        return err_set(err, LOCI_EINVAL, "internal error: bad term");
    memcpy(tw->term, term, len);
    tw->term_len = (uint32_t)len;
    tw->df = df;
    tw->n = 0;
    tw->inblock = 0;
    tw->prev_last = -1;
    tw->pos_start = lfile_tell(&tw->pos);
    tw->block_pos = 0;
    tw->pos_bytes = 0;
    tw->block.len = 0;
    tw->skips.len = 0;
    return LOCI_OK;
}

/* Encode the postings gathered in ids/tfs as one block. */
static int flush_block(struct term_writer *tw, loci_error *err)
{
    uint32_t vals[FMT_BLOCK];
    uint8_t packed[2 + 2 * FMT_BLOCK * 4];
    uint32_t n = tw->inblock, max_tf = 0, min_len = UINT32_MAX;
    double max_impact = 0;
    if (n == 0)
        return LOCI_OK;
    /* For tf = 1 (most postings) the impact only falls as the length
     * grows (every step of bm25_tfpart is monotonic, also in floating
     * point), so only the shortest such passage needs the formula. */
    uint32_t min_len1 = UINT32_MAX;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len = tw->lengths[tw->ids[i]], tf = tw->tfs[i];
        if (tf > max_tf)
            max_tf = tf;
        if (len < min_len)
            min_len = len;
        if (tf == 1) {
            if (len < min_len1)
                min_len1 = len;
        } else {
            double imp = bm25_tfpart(tf, len, tw->k1, tw->b, tw->avglen);
            if (imp > max_impact)
                max_impact = imp;
        }
        vals[i] = (uint32_t)((int64_t)tw->ids[i] - tw->prev_last - 1);
        tw->prev_last = tw->ids[i];
    }
    if (min_len1 != UINT32_MAX) {
        double imp = bm25_tfpart(1, min_len1, tw->k1, tw->b, tw->avglen);
        if (imp > max_impact)
            max_impact = imp;
    }
    unsigned wg = bitpack_width(vals, n);
    size_t m = 2;
    m += bitpack_encode(vals, n, wg, packed + m);
    for (uint32_t i = 0; i < n; i++)
        vals[i] = tw->tfs[i] - 1;
    unsigned wt = bitpack_width(vals, n);
    m += bitpack_encode(vals, n, wt, packed + m);
    packed[0] = (uint8_t)wg;
    packed[1] = (uint8_t)wt;
    if (buf_append(&tw->block, packed, m))
        return err_set(err, LOCI_ENOMEM, "out of memory writing postings");
    if (tw->block.len > UINT32_MAX)
        return err_set(err, LOCI_EINVAL, "term postings too large (over 4 GiB)");
    uint8_t skip[SKIP_SIZE];
    float fi = round_up_float(max_impact);
    uint32_t fbits;
    memcpy(&fbits, &fi, 4);
    le32_put(skip + SKIP_LAST_ID, tw->ids[n - 1]);
    le32_put(skip + SKIP_END, (uint32_t)tw->block.len);
    le64_put(skip + SKIP_POS, tw->block_pos);
    le32_put(skip + SKIP_MAX_TF, max_tf);
    le32_put(skip + SKIP_MIN_LEN, min_len);
    le32_put(skip + SKIP_MAX_IMPACT, fbits);
    if (buf_append(&tw->skips, skip, SKIP_SIZE))
        return err_set(err, LOCI_ENOMEM, "out of memory writing postings");
    tw->inblock = 0;
    tw->block_pos = tw->pos_bytes;
    return LOCI_OK;
}

int tw_add(struct term_writer *tw, uint32_t pid, uint32_t tf, uint32_t pos_len, loci_error *err)
{
    if (tw->n == tw->df || (int64_t)pid <= (tw->inblock ? (int64_t)tw->ids[tw->inblock - 1] : tw->prev_last) || tf == 0)
        return err_set(err, LOCI_EINVAL, "internal error: postings out of order");
    tw->ids[tw->inblock] = pid;
    tw->tfs[tw->inblock] = tf;
    tw->inblock++;
    tw->n++;
    tw->pos_bytes += pos_len;
    return tw->inblock == FMT_BLOCK ? flush_block(tw, err) : LOCI_OK;
}

int tw_positions(struct term_writer *tw, const uint8_t *p, size_t n, loci_error *err)
{
    return lfile_write(&tw->pos, p, n, err);
}

int tw_end(struct term_writer *tw, loci_error *err)
{
    if (tw->n != tw->df)
        return err_set(err, LOCI_EINVAL, "internal error: %u postings for df %u", tw->n, tw->df);
    if (lfile_tell(&tw->pos) - tw->pos_start != tw->pos_bytes)
        return err_set(err, LOCI_EINVAL, "internal error: positions do not match their postings");
    int rc = tw->inblock ? flush_block(tw, err) : LOCI_OK;
    uint64_t post_off = lfile_tell(&tw->post);
    uint32_t nblocks = (uint32_t)(tw->skips.len / SKIP_SIZE);
    if (!rc && nblocks > 1)
        rc = lfile_write(&tw->post, tw->skips.data, tw->skips.len, err);
    if (!rc)
        rc = lfile_write(&tw->post, tw->block.data, tw->block.len, err);
    if (!rc)
        rc = add_lex_entry(tw, post_off, lfile_tell(&tw->post) - post_off, tw->pos_start,
                           lfile_tell(&tw->pos) - tw->pos_start, err);
    tw->terms++;
    return rc;
}

int tw_finish(struct term_writer *tw, loci_error *err)
{
    int rc = flush_lex_block(tw, err);
    if (!rc) {
        uint64_t table_off = lfile_tell(&tw->lex);
        uint8_t trailer[LEX_TRAILER];
        le64_put(trailer, tw->lextable.len / 8);
        le64_put(trailer + 8, table_off);
        rc = lfile_write(&tw->lex, tw->lextable.data, tw->lextable.len, err);
        if (!rc)
            rc = lfile_write(&tw->lex, tw->lexkeys.data, tw->lexkeys.len, err);
        if (!rc)
            rc = lfile_write(&tw->lex, trailer, sizeof trailer, err);
    }
    /* lfile_finish frees its writer whatever happens; abort the others */
    if (!rc && (rc = lfile_finish(&tw->lex, err)) == 0 && (rc = lfile_finish(&tw->post, err)) == 0)
        rc = lfile_finish(&tw->pos, err);
    tw_abort(tw);
    return rc;
}

void tw_abort(struct term_writer *tw)
{
    lfile_abort(&tw->lex);
    lfile_abort(&tw->post);
    lfile_abort(&tw->pos);
    buf_free(&tw->block);
    buf_free(&tw->skips);
    buf_free(&tw->lexblock);
    buf_free(&tw->lextable);
    buf_free(&tw->lexkeys);
}
