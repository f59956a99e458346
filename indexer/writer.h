/*
 * writer.h — writing the files of an index into a (temporary) directory.
 *
 * writer_put_file writes a small file whole. The term writer streams the
 * lexicon, postings and positions: terms arrive in byte order, each with
 * its postings in passage order, and nothing but the current term's block
 * data is held in memory, so the merge of any number of runs can feed it.
 */
#ifndef LOCI_WRITER_H
#define LOCI_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "format.h"
#include "lfile.h"
#include "loci.h"

/* Write dir/name as one lfile with the given body. */
int writer_put_file(const char *dir, const char *name, const char *magic,
                    const void *body, size_t len, loci_error *err);

struct term_writer {
    struct lfile_writer lex, post, pos;
    const uint32_t *lengths;  /* token count per passage */
    double avglen, k1, b;     /* for the stored block maxima */
    uint64_t terms;
    /* the current term */
    uint32_t df, n;           /* announced postings, postings added */
    uint32_t ids[FMT_BLOCK], tfs[FMT_BLOCK];
    uint32_t inblock;
    int64_t prev_last;        /* last id of the previous block (-1 at start) */
    uint64_t pos_start;       /* positions offset of the term */
    uint64_t block_pos;       /* positions offset of the current block, from pos_start */
    uint64_t pos_bytes;       /* positions bytes of the postings added so far */
    struct buf block;         /* block data of the term */
    struct buf skips;         /* skip table of the term */
    char term[256];
    uint32_t term_len;
    /* the lexicon block being built */
    struct buf lexblock, lextable;
    struct buf lexkeys;       /* each block's first term's lex_key */
    uint64_t block_key;       /* of the block being built */
    uint32_t lexcount;
    uint64_t lex_post_base, lex_pos_base;
    char prev[256];
    uint32_t prev_len;
};

/* Create lexicon, postings and positions in `dir`. lengths[p] is passage
 * p's token count (kept, not copied); avglen their mean; k1, b the
 * reference BM25 parameters of the block maxima. */
int tw_open(struct term_writer *tw, const char *dir, const uint32_t *lengths, double avglen,
            double k1, double b, loci_error *err);
/* Start a term (greater than the previous one) with `df` postings. */
int tw_begin(struct term_writer *tw, const char *term, size_t len, uint32_t df, loci_error *err);
/* One posting, in increasing passage order; its positions take pos_len
 * bytes of the term's positions. */
int tw_add(struct term_writer *tw, uint32_t pid, uint32_t tf, uint32_t pos_len, loci_error *err);
/* Positions of the term's postings (their varints, in posting order),
 * any number of bytes at a time, before or after the postings they
 * belong to. */
int tw_positions(struct term_writer *tw, const uint8_t *p, size_t n, loci_error *err);
/* End the term (after exactly df postings and all their positions). */
int tw_end(struct term_writer *tw, loci_error *err);
/* Write the lexicon's block table and close the three files. */
int tw_finish(struct term_writer *tw, loci_error *err);
/* Delete the unfinished files. Safe after finish and on a zeroed struct. */
void tw_abort(struct term_writer *tw);

#endif
