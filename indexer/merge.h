/*
 * merge.h — the last step of a build: all sorted runs (run.h), merged term
 * by term into the index's lexicon, postings and positions (writer.h).
 *
 * Runs hold consecutive ranges of passage ids, in run order, so a term's
 * postings are its runs' postings concatenated in run order. A min-heap
 * of the runs' current terms (ties broken by run order) finds the next
 * term in O(log runs), which matters when a large corpus leaves hundreds
 * of runs.
 */
#ifndef LOCI_MERGE_H
#define LOCI_MERGE_H

#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>

#include "loci.h"

struct merge_input {
    char *const *paths;       /* run files, in run (passage id) order */
    const uint32_t *bases;    /* first passage id of each run */
    size_t nruns;
    size_t buffer_bytes;      /* read buffers of all runs together */
    const uint32_t *lengths;  /* token count per passage */
    double avglen, k1, b;     /* for the stored block maxima */
    const atomic_int *cancel; /* non-zero: stop with LOCI_ECANCELED (may be NULL) */
};

/* Merge into the index files of `dir`; run files are unlinked as they are
 * opened (they stay readable until closed). *terms receives the number of
 * distinct terms. */
int merge_runs(const char *dir, const struct merge_input *in, uint64_t *terms, loci_error *err);

#endif
