/*
 * poscursor.c — reading a posting's positions (see poscursor.h).
 */
#include "poscursor.h"

#include "codec.h"
#include "error.h"

void poscursor_open(struct poscursor *pc, struct segment *seg, const struct term_info *ti)
{
    pc->seg = seg;
    pc->off = ti->pos_off;
    pc->len = ti->pos_len;
    pc->block = UINT32_MAX;
    pc->at = 0;
    pc->p = pc->end = pc->vend = NULL;
}

/* Start reading block b of c's term at its first posting. */
static int enter_block(struct poscursor *pc, const struct cursor *c, uint32_t b, loci_error *err)
{
    uint64_t start = 0, end = pc->len;
    if (c->skips) {
        start = le64_get(c->skips + (size_t)b * SKIP_SIZE + SKIP_POS);
        if (b + 1 < c->nblocks)
            end = le64_get(c->skips + (size_t)(b + 1) * SKIP_SIZE + SKIP_POS);
    }
    if (start > end || end > pc->len)
        return err_corrupt(err, "positions: block %u out of range", b);
    pc->p = pc->vend = pc->seg->pos.body + pc->off + start;
    pc->end = pc->seg->pos.body + pc->off + end;
    pc->block = b;
    pc->at = 0;
    return LOCI_OK;
}

/* Verify the rest of the page holding pc->vend (within the block). */
static int verify_page(struct poscursor *pc, loci_error *err)
{
    uint64_t off = (uint64_t)(pc->vend - pc->seg->pos.body);
    uint64_t stop = (off / LFILE_PAGE_SIZE + 1) * LFILE_PAGE_SIZE;
    uint64_t end = (uint64_t)(pc->end - pc->seg->pos.body);
    if (stop > end)
        stop = end;
    int rc = lfile_verify(&pc->seg->pos, off, stop - off, err);
    if (!rc)
        pc->vend = pc->seg->pos.body + stop;
    return rc;
}

/* The positions of c's current posting: into out (when not NULL), and
 * how many are below `limit` into *below (when not NULL). */
static int walk(struct poscursor *pc, const struct cursor *c, uint32_t *out, uint32_t limit,
                uint32_t *below, loci_error *err)
{
    int rc;
    if (pc->block != c->block || pc->at > c->i)
        if ((rc = enter_block(pc, c, c->block, err)))
            return rc;
    /* Skip the postings before this one in the block: their tf varints
     * end at bytes below 0x80, so counting those is enough (no decoding;
     * a frequent term's block is walked for every phrase candidate). */
    uint64_t skip = 0;
    for (; pc->at < c->i; pc->at++)
        skip += c->tfs[pc->at];
    while (skip > 0 && pc->p < pc->end) {
        if (pc->p == pc->vend && (rc = verify_page(pc, err)))
            return rc;
        /* eight verified bytes at a time while they end fewer varints
         * than are left to skip (a varint ends at a byte without 0x80) */
        while (pc->vend - pc->p >= 8) {
            /* count the bytes below 0x80: their top bits, summed by a
             * multiply (no popcount instruction in the baseline x86-64) */
            uint64_t m = (~le64_get(pc->p) & 0x8080808080808080ULL) >> 7;
            unsigned ends = (unsigned)((m * 0x0101010101010101ULL) >> 56);
            if (ends >= skip)
                break;
            skip -= ends;
            pc->p += 8;
        }
        if (pc->p < pc->vend)
            skip -= *pc->p++ < 0x80;
    }
    if (skip)
        return err_corrupt(err, "positions: truncated in block %u", c->block);
    uint32_t v;
    uint64_t pos = 0;
    for (uint32_t j = 0; j < c->tfs[c->i]; j++) {
        while (pc->vend < pc->end && pc->vend - pc->p < VARINT_MAX)
            if ((rc = verify_page(pc, err)))
                return rc;
        if (varint_get32(&pc->p, pc->vend, &v))
            return err_corrupt(err, "positions: truncated in block %u", c->block);
        pos = j == 0 ? v : pos + v;
        if (pos > UINT32_MAX)
            return err_corrupt(err, "positions: position out of range in block %u", c->block);
        if (out)
            out[j] = (uint32_t)pos;
        if (below)
            *below += pos < limit;
    }
    pc->at = c->i + 1;
    return LOCI_OK;
}

int poscursor_get(struct poscursor *pc, const struct cursor *c, uint32_t *out, loci_error *err)
{
    return walk(pc, c, out, 0, NULL, err);
}

int poscursor_count_below(struct poscursor *pc, const struct cursor *c, uint32_t limit,
                          uint32_t *below, loci_error *err)
{
    *below = 0;
    return walk(pc, c, NULL, limit, below, err);
}
