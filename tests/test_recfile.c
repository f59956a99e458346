/*
 * test_recfile.c — record files: every record read back through its block
 * for counts around the block size, records of all sizes (empty, long),
 * a wrong record count and a record running past its block refused, and
 * an aborted file removed.
 */
#include "testutil.h"

#include "recfile.h"

#define MAGIC "LOCItest"

/* Record i: i % 7 == 0 is empty, i % 11 == 0 is 300 bytes, else a few. */
static size_t make_record(uint64_t i, uint8_t *out)
{
    size_t n = i % 7 == 0 ? 0 : i % 11 == 0 ? 300 : 1 + i % 5;
    for (size_t j = 0; j < n; j++)
        out[j] = (uint8_t)(i * 31 + j);
    return n;
}

static void write_records(const char *path, uint64_t count)
{
    struct recfile_writer w;
    loci_error err;
    assert_int_equal(recfile_create(&w, path, MAGIC, &err), LOCI_OK);
    uint8_t rec[300];
    for (uint64_t i = 0; i < count; i++)
        assert_int_equal(recfile_add(&w, rec, make_record(i, rec), &err), LOCI_OK);
    assert_int_equal(recfile_finish(&w, &err), LOCI_OK);
}

static void test_every_record_read_back(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), path[600];
    snprintf(path, sizeof path, "%s/records", root);
    const uint64_t counts[] = {0, 1, RECFILE_BLOCK - 1, RECFILE_BLOCK, RECFILE_BLOCK + 1,
                               5 * RECFILE_BLOCK + 17};
    for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
        uint64_t count = counts[c];
        write_records(path, count);
        struct lfile f;
        loci_error err;
        assert_int_equal(lfile_open(&f, path, MAGIC, &err), LOCI_OK);
        assert_int_equal(recfile_check(&f, count, &err), LOCI_OK);
        for (uint64_t i = 0; i < count; i++) {
            const uint8_t *p, *end, *rec;
            uint64_t first;
            size_t n;
            assert_int_equal(recfile_block(&f, count, i, &first, &p, &end, &err), LOCI_OK);
            assert_int_equal(first, i / RECFILE_BLOCK * RECFILE_BLOCK);
            for (uint64_t k = first; k <= i; k++)
                assert_int_equal(recfile_next(&p, end, &rec, &n), 0);
            uint8_t want[300];
            size_t wn = make_record(i, want);
            assert_int_equal(n, wn);
            assert_memory_equal(rec, want, wn);
            if (i % RECFILE_BLOCK == RECFILE_BLOCK - 1 || i + 1 == count)
                assert_ptr_equal(p, end); /* the block ends with its last record */
        }
        /* past the end */
        const uint8_t *p, *end;
        uint64_t first;
        assert_int_equal(recfile_block(&f, count, count, &first, &p, &end, &err), LOCI_ECORRUPT);
        lfile_close(&f);
    }
    tu_rmtree(root);
    free(root);
}

static void test_wrong_count_and_overrun_refused(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), path[600];
    snprintf(path, sizeof path, "%s/records", root);
    write_records(path, 100);
    struct lfile f;
    loci_error err;
    assert_int_equal(lfile_open(&f, path, MAGIC, &err), LOCI_OK);
    assert_int_equal(recfile_check(&f, 99, &err), LOCI_ECORRUPT);
    assert_int_equal(recfile_check(&f, 101, &err), LOCI_ECORRUPT);
    lfile_close(&f);
    /* a record that runs past its block */
    const uint8_t bad[] = {5, 1, 2};
    const uint8_t *p = bad, *rec;
    size_t n;
    assert_int_equal(recfile_next(&p, bad + sizeof bad, &rec, &n), -1);
    tu_rmtree(root);
    free(root);
}

static void test_abort_leaves_nothing(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), path[600];
    snprintf(path, sizeof path, "%s/records", root);
    struct recfile_writer w;
    loci_error err;
    assert_int_equal(recfile_create(&w, path, MAGIC, &err), LOCI_OK);
    assert_int_equal(recfile_add(&w, "abc", 3, &err), LOCI_OK);
    recfile_abort(&w);
    assert_int_not_equal(access(path, F_OK), 0);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_record_read_back),
        cmocka_unit_test(test_wrong_count_and_overrun_refused),
        cmocka_unit_test(test_abort_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
