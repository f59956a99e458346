/*
 * test_writer.c — what the index writer stores beside the postings for
 * pruning: every block's largest tf, shortest passage and largest BM25 tf
 * part (the searcher skips blocks on these, so each must bound every
 * posting of its block, and be tight), checked against a brute-force
 * computation over the decoded block; and whole files written by
 * writer_put_file read back.
 */
#include "testutil.h"

#include <math.h>

#include "bm25.h"
#include "cursor.h"
#include "index.h"
#include "writer.h"

#define NDOCS 2000

static void test_block_maxima_bound_every_posting_tightly(void **state)
{
    (void)state;
    uint64_t seed = 7;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    static char texts[NDOCS][2048];
    const char *docs[NDOCS];
    for (int d = 0; d < NDOCS; d++) {
        /* "hit" in half the documents. Short documents (0 to 3 other
         * words, only in the first half) hold it once, long ones (150 to
         * 399 other words) once or twice: a block's largest impact comes
         * from tf 1 in a short passage in the first half (about 1.79),
         * from tf 2 in a long one in the second (at most about 1.62), and
         * the writer computes the two cases differently. */
        int hit = tu_rand(&seed) % 2 == 0;
        int is_short = d < NDOCS / 2 && tu_rand(&seed) % 4 == 0;
        int filler = is_short ? (int)(tu_rand(&seed) % 4) : 150 + (int)(tu_rand(&seed) % 250);
        int tf = !hit ? 0 : is_short || tu_rand(&seed) % 4 ? 1 : 2;
        char *text = texts[d];
        size_t n = 0;
        for (int i = 0; i < filler; i++)
            n += (size_t)snprintf(text + n, sizeof texts[d] - n, "f%d ", i % 7);
        for (int i = 0; i < tf; i++)
            n += (size_t)snprintf(text + n, sizeof texts[d] - n, "hit ");
        /* and a word of its own, the same length in every document:
         * identical texts would be stored once */
        snprintf(text + n, sizeof texts[d] - n, "u%04d", d);
        docs[d] = text;
    }
    loci_index *idx = tu_build(dir, docs, NDOCS, LOCI_PASSAGE_DOCUMENT);
    loci_error err;
    struct term_info ti;
    assert_int_equal(reader_lookup(&idx->segs[0], "hit", 3, &ti, &err), 1);
    struct cursor c;
    assert_int_equal(cursor_open(&c, &idx->segs[0], &ti, &err), LOCI_OK);
    assert_true(c.nblocks > 4);
    for (uint32_t bl = 0; bl < c.nblocks; bl++) {
        cursor_seek_block(&c, bl);
        assert_int_equal(c.rc, LOCI_OK);
        uint32_t max_tf = 0, min_len = UINT32_MAX;
        double max_imp = 0;
        for (uint32_t i = 0; i < c.n; i++) {
            int64_t got = reader_passage_length(&idx->segs[0], c.ids[i], &err);
            assert_true(got > 0);
            uint32_t len = (uint32_t)got;
            if (c.tfs[i] > max_tf)
                max_tf = c.tfs[i];
            if (len < min_len)
                min_len = len;
            double imp = bm25_tfpart(c.tfs[i], len, idx->segs[0].ref_k1, idx->segs[0].ref_b, idx->avglen);
            if (imp > max_imp)
                max_imp = imp;
        }
        const uint8_t *s = c.skips + (size_t)bl * SKIP_SIZE;
        assert_int_equal(le32_get(s + SKIP_LAST_ID), c.ids[c.n - 1]);
        assert_int_equal(le32_get(s + SKIP_MAX_TF), max_tf);
        assert_int_equal(le32_get(s + SKIP_MIN_LEN), min_len);
        uint32_t bits = le32_get(s + SKIP_MAX_IMPACT);
        float f;
        memcpy(&f, &bits, 4);
        /* an upper bound, and the smallest float that is one */
        assert_true((double)f >= max_imp);
        assert_true((double)nextafterf(f, 0) < max_imp);
    }
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

static void test_put_file_reads_back(void **state)
{
    (void)state;
    char *root = tu_mkdtemp();
    static uint8_t body[3 * LFILE_PAGE_SIZE + 5];
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (uint8_t)(i * 13);
    loci_error err;
    assert_int_equal(writer_put_file(root, "blob", "LOCIblob", body, sizeof body, &err), LOCI_OK);
    char path[700];
    snprintf(path, sizeof path, "%s/blob", root);
    struct lfile f;
    assert_int_equal(lfile_open(&f, path, "LOCIblob", &err), LOCI_OK);
    assert_int_equal(f.body_len, sizeof body);
    assert_int_equal(lfile_verify(&f, 0, f.body_len, &err), LOCI_OK);
    assert_memory_equal(f.body, body, sizeof body);
    lfile_close(&f);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_maxima_bound_every_posting_tightly),
        cmocka_unit_test(test_put_file_reads_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
