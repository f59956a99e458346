/*
 * cursor.c — decoding a term's postings blocks (see cursor.h, and the
 * postings layout in docs/FORMAT.md).
 *
 * Blocks are decoded whole into ids[]/tfs[] (bit-unpacking 128 values at
 * a time is far cheaper than decoding one posting at a time), and each
 * block's pages are verified just before its first decode, so a query pays
 * checksums only for the blocks it reads.
 */
#include "cursor.h"

#include "codec.h"
#include "error.h"

static void fail(struct cursor *c, const char *what)
{
    if (!c->rc)
        c->rc = err_corrupt(c->err, "postings: %s", what);
    c->id = CURSOR_END;
}

/* Bytes [start, end) of block b, relative to c->data. */
static void block_range(const struct cursor *c, uint32_t b, uint32_t *start, uint32_t *end)
{
    if (!c->skips) {
        *start = 0;
        *end = (uint32_t)(c->end - c->data);
        return;
    }
    *start = b == 0 ? 0 : le32_get(c->skips + (size_t)(b - 1) * SKIP_SIZE + SKIP_END);
    *end = le32_get(c->skips + (size_t)b * SKIP_SIZE + SKIP_END);
}

static int decode_block(struct cursor *c, uint32_t b)
{
    struct segment *seg = c->seg;
    uint32_t s, e;
    block_range(c, b, &s, &e);
    if (s > e || e > (uint32_t)(c->end - c->data) || e - s < 2) {
        fail(c, "block out of range");
        return -1;
    }
    const uint8_t *p = c->data + s, *end = c->data + e;
    uint64_t file_off = (uint64_t)(p - seg->post.body);
    if (lfile_verify(&seg->post, file_off, e - s, c->err)) {
        if (!c->rc)
            c->rc = c->err ? c->err->code : LOCI_ECORRUPT;
        c->id = CURSOR_END;
        return -1;
    }
    uint32_t n = b + 1 < c->nblocks ? FMT_BLOCK : c->df - b * FMT_BLOCK;
    unsigned wg = p[0], wt = p[1];
    p += 2;
    if (wg > 32 || wt > 32) {
        fail(c, "bad bit width");
        return -1;
    }
    size_t used = bitpack_decode(p, end, n, wg, c->ids);
    if (wg && !used) {
        fail(c, "truncated block");
        return -1;
    }
    p += used;
    /* ids are gaps minus one: prefix sums, checked once at the end as they
     * only grow (64-bit: 128 gaps of 32 bits cannot wrap) */
    uint64_t prev = b == 0 ? 0 : (uint64_t)le32_get(c->skips + (size_t)(b - 1) * SKIP_SIZE) + 1;
    uint64_t id = prev;
    if (c->lazy_tfs) { /* cursor_load_tfs decodes them if asked */
        c->tf_in = p;
        c->tf_end = end;
        c->tf_width = wt;
        c->tfs_loaded = 0;
        for (uint32_t i = 0; i < n; i++) {
            id = prev + c->ids[i];
            c->ids[i] = (uint32_t)id;
            prev = id + 1;
        }
    } else {
        used = bitpack_decode(p, end, n, wt, c->tfs);
        if (wt && !used) {
            fail(c, "truncated block");
            return -1;
        }
        for (uint32_t i = 0; i < n; i++) {
            id = prev + c->ids[i];
            c->ids[i] = (uint32_t)id;
            prev = id + 1;
            c->tfs[i] += 1;
        }
    }
    if (id >= seg->passages) {
        fail(c, "passage id out of range");
        return -1;
    }
    if (c->skips && c->ids[n - 1] != le32_get(c->skips + (size_t)b * SKIP_SIZE + SKIP_LAST_ID)) {
        fail(c, "block disagrees with its skip entry");
        return -1;
    }
    c->block = b;
    c->n = n;
    c->i = 0;
    c->id = c->ids[0];
    c->decoded = 1;
    return 0;
}

/* The common part of both opens: the skip table checked and verified;
 * nothing decoded yet. */
static int open_table(struct cursor *c, struct segment *seg, const struct term_info *ti, loci_error *err)
{
    c->rc = 0;
    c->err = err;
    c->df = ti->df;
    c->nblocks = (ti->df + FMT_BLOCK - 1) / FMT_BLOCK;
    c->id = CURSOR_END;
    const uint8_t *start = seg->post.body + ti->post_off;
    c->end = start + ti->post_len;
    if (c->nblocks > 1) {
        uint64_t table = (uint64_t)c->nblocks * SKIP_SIZE;
        if (table > ti->post_len)
            return err_corrupt(err, "postings: skip table out of range");
        int rc = lfile_verify(&seg->post, ti->post_off, table, err);
        if (rc)
            return rc;
        c->skips = start;
        c->data = start + table;
    } else {
        c->skips = NULL;
        c->data = start;
    }
    c->seg = seg;
    return LOCI_OK;
}

int cursor_open(struct cursor *c, struct segment *seg, const struct term_info *ti, loci_error *err)
{
    c->lazy_tfs = 0;
    int rc = open_table(c, seg, ti, err);
    if (rc)
        return rc;
    if (decode_block(c, 0))
        return c->rc;
    return LOCI_OK;
}

/* A cursor left before block 0 (see cursor_open_shallow), its tfs decoded
 * with each block or (lazy_tfs) only when asked. */
static int open_undecoded(struct cursor *c, struct segment *seg, const struct term_info *ti,
                          int lazy_tfs, loci_error *err)
{
    c->lazy_tfs = 0;
    int rc = open_table(c, seg, ti, err);
    if (rc)
        return rc;
    if (!c->skips) /* one block: nothing to skip, and shallow moves need skips */
        return decode_block(c, 0) ? c->rc : LOCI_OK;
    c->lazy_tfs = lazy_tfs;
    c->block = 0;
    c->decoded = 0;
    c->id = 0; /* a lower bound, as after cursor_shallow_geq(c, 0) */
    return LOCI_OK;
}

int cursor_open_shallow(struct cursor *c, struct segment *seg, const struct term_info *ti,
                        loci_error *err)
{
    return open_undecoded(c, seg, ti, 1, err);
}

int cursor_open_deferred(struct cursor *c, struct segment *seg, const struct term_info *ti,
                         loci_error *err)
{
    return open_undecoded(c, seg, ti, 0, err);
}

int cursor_load_tfs(struct cursor *c)
{
    if (!c->lazy_tfs || c->tfs_loaded)
        return LOCI_OK;
    if (!bitpack_decode(c->tf_in, c->tf_end, c->n, c->tf_width, c->tfs) && c->tf_width) {
        fail(c, "truncated block");
        return c->rc;
    }
    for (uint32_t i = 0; i < c->n; i++)
        c->tfs[i] += 1;
    c->tfs_loaded = 1;
    return LOCI_OK;
}

void cursor_seek_block(struct cursor *c, uint32_t b)
{
    if (b >= c->nblocks) {
        c->id = CURSOR_END;
        return;
    }
    decode_block(c, b);
}

uint32_t cursor_block_last(const struct cursor *c)
{
    if (c->skips)
        return le32_get(c->skips + (size_t)c->block * SKIP_SIZE + SKIP_LAST_ID);
    return c->ids[c->n - 1];
}

void cursor_shallow_geq(struct cursor *c, uint32_t target)
{
    if (c->id >= target)
        return;
    if (c->decoded && c->ids[c->n - 1] >= target) {
        while (c->id < target) /* within the decoded block: cheap */
            c->id = c->ids[++c->i];
        return;
    }
    if (!c->skips) {
        c->id = CURSOR_END;
        return;
    }
    uint32_t b = c->block;
    while (b < c->nblocks && le32_get(c->skips + (size_t)b * SKIP_SIZE + SKIP_LAST_ID) < target)
        b++;
    if (b >= c->nblocks) {
        c->id = CURSOR_END;
        return;
    }
    if (b != c->block)
        c->decoded = 0;
    c->block = b;
    if (c->decoded) {
        while (c->id < target)
            c->id = c->ids[++c->i];
    } else {
        c->id = target; /* a lower bound: the block holds some id >= target */
    }
}

void cursor_materialize(struct cursor *c)
{
    if (c->decoded || c->id == CURSOR_END)
        return;
    uint32_t lower = c->id;
    if (decode_block(c, c->block))
        return;
    while (c->id < lower) /* the block's last id is >= lower */
        c->id = c->ids[++c->i];
}

void cursor_next(struct cursor *c)
{
    if (++c->i < c->n) {
        c->id = c->ids[c->i];
        return;
    }
    if (c->block + 1 >= c->nblocks) {
        c->id = CURSOR_END;
        return;
    }
    decode_block(c, c->block + 1);
}

void cursor_next_geq(struct cursor *c, uint32_t target)
{
    if (!c->decoded) {
        cursor_shallow_geq(c, target);
        cursor_materialize(c);
        return;
    }
    if (c->id >= target)
        return;
    /* Skip whole blocks whose last id is below the target. */
    if (c->skips && le32_get(c->skips + (size_t)c->block * SKIP_SIZE + SKIP_LAST_ID) < target) {
        /* The first block whose last id reaches the target: usually the
         * next one, but a phrase's frequent word jumps thousands of blocks
         * to the rare words' passages, so gallop, then bisect. */
        uint32_t b = c->block + 1, hi, step = 1;
        for (;;) {
            hi = b + step - 1;
            if (hi >= c->nblocks) {
                hi = c->nblocks;
                break;
            }
            if (le32_get(c->skips + (size_t)hi * SKIP_SIZE + SKIP_LAST_ID) >= target)
                break;
            b = hi + 1;
            step *= 2;
        }
        while (b < hi) {
            uint32_t mid = b + (hi - b) / 2;
            if (le32_get(c->skips + (size_t)mid * SKIP_SIZE + SKIP_LAST_ID) < target)
                b = mid + 1;
            else
                hi = mid;
        }
        if (b >= c->nblocks) {
            c->id = CURSOR_END;
            return;
        }
        if (decode_block(c, b))
            return;
    }
    if (c->ids[c->n - 1] < target) { /* a single block, passed */
        c->id = CURSOR_END;
        return;
    }
    /* the block's last id reaches the target: scan to it in place */
    uint32_t i = c->i;
    while (c->ids[i] < target)
        i++;
    c->i = i;
    c->id = c->ids[i];
}
