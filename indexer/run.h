/*
 * run.h — sorted runs: the postings of one batch of passages, written to a
 * temporary file so that a build of any size holds only a batch in memory.
 * The merge (builder.c) reads all runs back term by term, in batch order,
 * and streams them into the index writer.
 *
 * A run file is a sequence of term records in term byte order:
 *   record  := varint term_len  term  varint df
 *              varint docs_bytes  posting{df}  varint pos_bytes  pos{...}
 *   posting := varint gap  varint tf  varint pos_len
 * gap is the batch-local passage id + 1 minus the previous posting's (so
 * the first posting's gap is its local id + 1); pos_len is the byte length
 * of the posting's positions; all positions of the term follow as one
 * block of varints as in the index (per posting: first absolute, then
 * deltas). Both parts are the inverter's streams copied whole, and the
 * merge copies the positions on without decoding them. Runs are internal
 * to a build and removed with its temporary directory.
 */
#ifndef LOCI_RUN_H
#define LOCI_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "inverter.h"
#include "loci.h"

/* The smallest read buffer of a run reader: fill() may need room for a
 * term header (3 varints and 255 bytes) and three posting varints. */
#define RUN_MIN_BUF 4096

/* Write every term of `inv` to a new run file at `path`. */
int run_write(const char *path, struct inverter *inv, loci_error *err);

struct run_reader {
    char *path;
    int fd;
    uint8_t *buf;
    size_t pos, len;     /* unread bytes are buf[pos..len) */
    size_t cap;          /* size of buf */
    int eof;             /* no more term records */
    uint32_t base;       /* added to local passage ids */
    char term[256];
    size_t term_len;
    uint64_t term_key;   /* the term's first 8 bytes, big-endian, zero-padded:
                            comparing keys orders terms by their prefixes */
    uint32_t df;         /* postings of the current term */
    uint32_t left;       /* postings not yet read */
    uint64_t docs_left;   /* postings bytes not yet read */
    uint64_t pos_left;   /* positions bytes not yet read */
    uint64_t last;       /* previous local id + 1 */
};

/* Open a run, reading it through a buffer of `bufsize` bytes (at least
 * RUN_MIN_BUF); local passage ids are offset by `base`. Positions the
 * reader on the first term (or eof). */
int run_open(struct run_reader *r, const char *path, uint32_t base, size_t bufsize,
             loci_error *err);
/* Read the next posting of the current term: global passage id, tf, and
 * the byte length of its positions. */
int run_posting(struct run_reader *r, uint32_t *pid, uint32_t *tf, uint32_t *pos_len,
                loci_error *err);
/* After all postings: the term's positions, a piece at a time; *n = 0
 * when they are all read. *p is valid until the next call. */
int run_positions(struct run_reader *r, const uint8_t **p, size_t *n, loci_error *err);
/* After the postings and positions of the current term: move to the next
 * term (or eof). */
int run_next_term(struct run_reader *r, loci_error *err);
void run_close(struct run_reader *r);

#endif
