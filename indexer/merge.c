/*
 * merge.c — merging sorted runs into the index (see merge.h).
 */
#include "merge.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "run.h"
#include "writer.h"

/* Run a before run b: smaller current term, or the same term in an
 * earlier run. Terms hold no NUL bytes, so the zero-padded prefix keys
 * order them unless they are equal. */
static int before(const struct run_reader *r, size_t a, size_t b)
{
    if (r[a].term_key != r[b].term_key)
        return r[a].term_key < r[b].term_key;
    size_t n = r[a].term_len < r[b].term_len ? r[a].term_len : r[b].term_len;
    int c = memcmp(r[a].term, r[b].term, n);
    if (c)
        return c < 0;
    if (r[a].term_len != r[b].term_len)
        return r[a].term_len < r[b].term_len;
    return a < b;
}

static void sift_down(const struct run_reader *r, size_t *heap, size_t n, size_t i)
{
    for (;;) {
        size_t m = i, l = 2 * i + 1, rt = l + 1;
        if (l < n && before(r, heap[l], heap[m]))
            m = l;
        if (rt < n && before(r, heap[rt], heap[m]))
            m = rt;
        if (m == i)
            return;
        size_t t = heap[i];
        heap[i] = heap[m];
        heap[m] = t;
        i = m;
    }
}

static void sift_up(const struct run_reader *r, size_t *heap, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(r, heap[i], heap[p]))
            return;
        size_t t = heap[i];
        heap[i] = heap[p];
        heap[p] = t;
        i = p;
    }
}

/* Copy the current term's postings and positions from run r to the writer,
 * and move r to its next term. */
static int copy_term(struct run_reader *r, struct term_writer *tw, loci_error *err)
{
    int rc = LOCI_OK;
    while (r->left && !rc) {
        uint32_t pid, tf, plen;
        rc = run_posting(r, &pid, &tf, &plen, err);
        if (!rc)
            rc = tw_add(tw, pid, tf, plen, err);
    }
    for (size_t n = 1; n && !rc;) {
        const uint8_t *p;
        rc = run_positions(r, &p, &n, err);
        if (!rc && n)
            rc = tw_positions(tw, p, n, err);
    }
    return rc ? rc : run_next_term(r, err);
}

int merge_runs(const char *dir, const struct merge_input *in, uint64_t *terms, loci_error *err)
{
    size_t nr = in->nruns;
    struct run_reader *r = calloc(nr ? nr : 1, sizeof *r);
    size_t *heap = malloc((nr ? nr : 1) * sizeof *heap);
    size_t *same = malloc((nr ? nr : 1) * sizeof *same);
    *terms = 0;
    if (!r || !heap || !same) {
        free(r);
        free(heap);
        free(same);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    struct term_writer tw;
    int rc = tw_open(&tw, dir, in->lengths, in->avglen, in->k1, in->b, err);
    size_t opened = 0, n = 0;
    size_t bufsize = nr ? in->buffer_bytes / nr : 0;
    for (; opened < nr && !rc; opened++) {
        rc = run_open(&r[opened], in->paths[opened], in->bases[opened], bufsize, err);
        unlink(in->paths[opened]); /* readable until closed; frees disk early */
        if (!rc && !r[opened].eof)
            heap[n++] = opened;
    }
    for (size_t i = n / 2; i-- > 0;)
        sift_down(r, heap, n, i);
    while (!rc && n > 0) {
        if (in->cancel && atomic_load(in->cancel)) {
            rc = err_set(err, LOCI_ECANCELED, "the build was cancelled");
            break;
        }
        /* every run whose current term is the smallest, in run order */
        size_t k = 0;
        uint64_t df = 0;
        const struct run_reader *top = &r[heap[0]];
        char term[256];
        size_t tlen = top->term_len;
        memcpy(term, top->term, tlen);
        while (n > 0 && r[heap[0]].term_len == tlen && !memcmp(r[heap[0]].term, term, tlen)) {
            same[k++] = heap[0];
            df += r[heap[0]].df;
            heap[0] = heap[--n];
            sift_down(r, heap, n, 0);
        }
        if (df > UINT32_MAX) {
            rc = err_set(err, LOCI_EINVAL, "a term occurs in more than 2^32 passages");
            break;
        }
        rc = tw_begin(&tw, term, tlen, (uint32_t)df, err);
        for (size_t i = 0; i < k && !rc; i++) {
            rc = copy_term(&r[same[i]], &tw, err);
            if (!rc && !r[same[i]].eof) {
                heap[n++] = same[i];
                sift_up(r, heap, n - 1);
            }
        }
        if (!rc)
            rc = tw_end(&tw, err);
    }
    for (size_t i = 0; i < opened; i++)
        run_close(&r[i]);
    free(r);
    free(heap);
    free(same);
    *terms = tw.terms;
    if (rc) {
        tw_abort(&tw);
        return rc;
    }
    return tw_finish(&tw, err);
}
