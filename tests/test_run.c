/*
 * test_run.c — run files: a random batch written by run_write and read
 * back through the smallest buffer gives every term in byte order with
 * its postings (ids rebased), term frequencies and positions exactly as
 * added; positions longer than the buffer arrive in pieces.
 */
#include "testutil.h"

#include "codec.h"
#include "inverter.h"
#include "run.h"

#define VOCAB 40
#define PASSAGES 300
#define MAXLEN 24

/* The batch as added: tokens[p][i] is the vocabulary index at position i. */
struct batch {
    int len[PASSAGES];
    int tokens[PASSAGES][MAXLEN];
};

static void word(int v, char *out) { snprintf(out, 16, "w%d%s", v, v % 3 ? "" : "x"); }

static struct inverter *fill(struct batch *bt, uint64_t seed)
{
    struct inverter *inv;
    assert_int_equal(inverter_new(&inv), 0);
    for (int p = 0; p < PASSAGES; p++) {
        bt->len[p] = (int)(tu_rand(&seed) % MAXLEN); /* some passages are empty */
        uint32_t ids[MAXLEN];
        for (int i = 0; i < bt->len[p]; i++) {
            /* skewed: low words are frequent */
            int v = (int)(tu_rand(&seed) % VOCAB * (tu_rand(&seed) % VOCAB) / VOCAB);
            char w[16];
            word(v, w);
            bt->tokens[p][i] = v;
            assert_int_equal(inverter_intern(inv, w, strlen(w), &ids[i]), LOCI_OK);
        }
        assert_int_equal(inverter_add_passage(inv, (uint32_t)p, ids, (size_t)bt->len[p]), LOCI_OK);
    }
    return inv;
}

static int by_bytes(const void *a, const void *b)
{
    char x[16], y[16];
    word(*(const int *)a, x);
    word(*(const int *)b, y);
    return strcmp(x, y); /* memcmp order, a prefix first: the runs' order */
}

static void test_batch_read_back(void **state)
{
    (void)state;
    static struct batch bt;
    struct inverter *inv = fill(&bt, 11);
    char *root = tu_mkdtemp(), path[600];
    snprintf(path, sizeof path, "%s/run-0", root);
    loci_error err;
    assert_int_equal(run_write(path, inv, &err), LOCI_OK);
    /* the vocabulary that occurs, in byte order */
    int used[VOCAB], nused = 0;
    for (int v = 0; v < VOCAB; v++)
        for (int p = 0, found = 0; p < PASSAGES && !found; p++)
            for (int i = 0; i < bt.len[p] && !found; i++)
                if (bt.tokens[p][i] == v)
                    used[nused++] = v, found = 1;
    qsort(used, (size_t)nused, sizeof *used, by_bytes);
    assert_int_equal((size_t)nused, inverter_term_count(inv));

    const uint32_t base = 1000;
    struct run_reader r;
    assert_int_equal(run_open(&r, path, base, RUN_MIN_BUF, &err), LOCI_OK);
    for (int t = 0; t < nused; t++) {
        assert_false(r.eof);
        char w[16];
        word(used[t], w);
        assert_int_equal(r.term_len, strlen(w));
        assert_memory_equal(r.term, w, r.term_len);
        uint64_t key = 0;
        for (size_t i = 0; i < 8; i++)
            key = key << 8 | (i < r.term_len ? (uint8_t)w[i] : 0);
        assert_true(r.term_key == key);
        /* expected postings: passages holding the word, positions in order */
        uint32_t want_pos[PASSAGES * MAXLEN];
        size_t nwant = 0, df = 0;
        uint32_t tfs[PASSAGES];
        for (int p = 0; p < PASSAGES; p++) {
            uint32_t tf = 0;
            for (int i = 0; i < bt.len[p]; i++)
                if (bt.tokens[p][i] == used[t]) {
                    want_pos[nwant++] = (uint32_t)i;
                    tf++;
                }
            if (!tf)
                continue;
            uint32_t pid, got_tf, pos_len;
            assert_int_equal(run_posting(&r, &pid, &got_tf, &pos_len, &err), LOCI_OK);
            assert_int_equal(pid, base + (uint32_t)p);
            assert_int_equal(got_tf, tf);
            assert_true(pos_len >= tf);
            tfs[df++] = tf;
        }
        assert_int_equal(r.df, df);
        /* positions: per posting, the first absolute, then deltas */
        struct buf all = {0};
        const uint8_t *piece;
        size_t n;
        do {
            assert_int_equal(run_positions(&r, &piece, &n, &err), LOCI_OK);
            assert_int_equal(buf_append(&all, piece, n), 0);
        } while (n > 0);
        const uint8_t *q = all.data, *end = all.data + all.len;
        size_t k = 0;
        for (size_t d = 0; d < df; d++) {
            uint64_t pos = 0;
            for (uint32_t j = 0; j < tfs[d]; j++) {
                uint64_t v;
                assert_int_equal(varint_get(&q, end, &v), 0);
                pos = j == 0 ? v : pos + v;
                assert_int_equal(pos, want_pos[k++]);
            }
        }
        assert_ptr_equal(q, end);
        buf_free(&all);
        assert_int_equal(run_next_term(&r, &err), LOCI_OK);
    }
    assert_true(r.eof);
    run_close(&r);
    inverter_free(inv);
    tu_rmtree(root);
    free(root);
}

static void test_positions_longer_than_the_buffer(void **state)
{
    (void)state;
    struct inverter *inv;
    assert_int_equal(inverter_new(&inv), 0);
    uint32_t id;
    assert_int_equal(inverter_intern(inv, "same", 4, &id), LOCI_OK);
    enum { N = 3 * RUN_MIN_BUF };
    uint32_t *ids = malloc(N * sizeof *ids);
    for (size_t i = 0; i < N; i++)
        ids[i] = id;
    assert_int_equal(inverter_add_passage(inv, 0, ids, N), LOCI_OK);
    char *root = tu_mkdtemp(), path[600];
    snprintf(path, sizeof path, "%s/run-0", root);
    loci_error err;
    assert_int_equal(run_write(path, inv, &err), LOCI_OK);
    struct run_reader r;
    assert_int_equal(run_open(&r, path, 0, RUN_MIN_BUF, &err), LOCI_OK);
    uint32_t pid, tf, pos_len;
    assert_int_equal(run_posting(&r, &pid, &tf, &pos_len, &err), LOCI_OK);
    assert_int_equal(tf, N);
    assert_int_equal(pos_len, N); /* 0 then N-1 deltas of 1: one byte each */
    size_t pieces = 0, total = 0, n;
    const uint8_t *piece;
    for (;;) {
        assert_int_equal(run_positions(&r, &piece, &n, &err), LOCI_OK);
        if (n == 0)
            break;
        for (size_t i = 0; i < n; i++)
            assert_int_equal(piece[i], total + i == 0 ? 0 : 1);
        total += n;
        pieces++;
    }
    assert_int_equal(total, N);
    assert_true(pieces > 1);
    assert_int_equal(run_next_term(&r, &err), LOCI_OK);
    assert_true(r.eof);
    run_close(&r);
    free(ids);
    inverter_free(inv);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_read_back),
        cmocka_unit_test(test_positions_longer_than_the_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
