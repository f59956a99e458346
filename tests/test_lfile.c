/*
 * test_lfile.c — the checksummed envelope: write/read round trips of many
 * sizes, every single-byte flip detected, truncation, extension, wrong
 * magic, wrong version, missing file, abort.
 */
#include "testutil.h"


#include "crc32c.h"
#include "lfile.h"

#define MAGIC "LOCItest"

static char *write_file(const char *dir, const uint8_t *data, size_t n, uint64_t *seed)
{
    char *path = malloc(strlen(dir) + 8);
    sprintf(path, "%s/f", dir);
    struct lfile_writer w;
    loci_error err;
    assert_int_equal(lfile_create(&w, path, MAGIC, &err), LOCI_OK);
    size_t off = 0;
    while (off < n) {
        size_t m = 1 + tu_rand(seed) % 3000;
        if (m > n - off)
            m = n - off;
        assert_int_equal(lfile_write(&w, data + off, m, &err), LOCI_OK);
        assert_int_equal(lfile_tell(&w), off + m);
        off += m;
    }
    assert_int_equal(lfile_finish(&w, &err), LOCI_OK);
    return path;
}

static void test_round_trip(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    uint64_t seed = 3;
    const size_t sizes[] = {0, 1, LFILE_PAGE_SIZE - 1, LFILE_PAGE_SIZE, LFILE_PAGE_SIZE + 1,
                            5 * LFILE_PAGE_SIZE + 17, (1 << 20) + 5 * LFILE_PAGE_SIZE};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        size_t n = sizes[s];
        uint8_t *data = malloc(n + 1);
        for (size_t i = 0; i < n; i++)
            data[i] = (uint8_t)tu_rand(&seed);
        char *path = write_file(dir, data, n, &seed);
        struct lfile f;
        loci_error err;
        assert_int_equal(lfile_open(&f, path, MAGIC, &err), LOCI_OK);
        assert_int_equal(f.body_len, n);
        assert_int_equal(f.page_count, (n + LFILE_PAGE_SIZE - 1) / LFILE_PAGE_SIZE);
        assert_int_equal(lfile_verify(&f, 0, n, &err), LOCI_OK);
        assert_memory_equal(f.body, data, n);
        assert_int_equal(lfile_verify(&f, n, 0, &err), LOCI_OK);
        assert_int_equal(lfile_verify(&f, n, 1, &err), LOCI_ECORRUPT);
        assert_int_equal(lfile_verify(&f, UINT64_MAX, 2, &err), LOCI_ECORRUPT);
        lfile_close(&f);
        free(path);
        free(data);
    }
    tu_rmtree(dir);
    free(dir);
}

static void test_every_flip_detected(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    uint64_t seed = 4;
    size_t n = 2 * LFILE_PAGE_SIZE + LFILE_PAGE_SIZE / 2;
    uint8_t *data = malloc(n);
    for (size_t i = 0; i < n; i++)
        data[i] = (uint8_t)tu_rand(&seed);
    char *path = write_file(dir, data, n, &seed);
    size_t len;
    char *file = tu_read_file(path, &len);
    assert_int_equal(len, LFILE_HEADER_SIZE + n + 4 * 3);
    for (size_t i = 0; i < len; i++) {
        file[i] ^= 0x01;
        free(tu_write_file(dir, "f", file, len));
        struct lfile f;
        loci_error err;
        int rc = lfile_open(&f, path, MAGIC, &err);
        if (rc == LOCI_OK) {
            rc = lfile_verify(&f, 0, f.body_len, &err);
            lfile_close(&f);
        }
        if (rc != LOCI_ECORRUPT && rc != LOCI_EVERSION)
            fail_msg("flip at byte %zu not detected", i);
        file[i] ^= 0x01;
    }
    /* truncated by one byte, and extended by one byte */
    free(tu_write_file(dir, "f", file, len - 1));
    struct lfile f;
    loci_error err;
    assert_int_equal(lfile_open(&f, path, MAGIC, &err), LOCI_ECORRUPT);
    char *longer = malloc(len + 1);
    memcpy(longer, file, len);
    longer[len] = 0;
    free(tu_write_file(dir, "f", longer, len + 1));
    assert_int_equal(lfile_open(&f, path, MAGIC, &err), LOCI_ECORRUPT);
    free(tu_write_file(dir, "f", file, len));
    assert_int_equal(lfile_open(&f, path, "LOCIxxxx", &err), LOCI_ECORRUPT);
    assert_non_null(strstr(err.message, "magic"));
    assert_int_equal(lfile_open(&f, path, MAGIC, &err), LOCI_OK);
    lfile_close(&f);
    free(longer);
    free(file);
    free(data);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

static void test_version_missing_abort(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    uint64_t seed = 5;
    char *path = write_file(dir, (const uint8_t *)"abc", 3, &seed);
    size_t len;
    char *file = tu_read_file(path, &len);
    /* the next major version with a correct header CRC: a version error */
    file[8] = LFILE_MAJOR + 1;
    uint32_t c = crc32c(0, file, 60);
    file[60] = (char)c;
    file[61] = (char)(c >> 8);
    file[62] = (char)(c >> 16);
    file[63] = (char)(c >> 24);
    free(tu_write_file(dir, "f", file, len));
    struct lfile f;
    loci_error err;
    assert_int_equal(lfile_open(&f, path, MAGIC, &err), LOCI_EVERSION);
    char want[32];
    snprintf(want, sizeof want, "version %d.%d", LFILE_MAJOR + 1, LFILE_MINOR);
    assert_non_null(strstr(err.message, want));
    free(file);

    char missing[600];
    snprintf(missing, sizeof missing, "%s/nope", dir);
    assert_int_equal(lfile_open(&f, missing, MAGIC, &err), LOCI_ENOTFOUND);

    struct lfile_writer w;
    assert_int_equal(lfile_create(&w, missing, MAGIC, &err), LOCI_OK);
    assert_int_equal(lfile_write(&w, "xyz", 3, &err), LOCI_OK);
    lfile_abort(&w);
    assert_int_equal(access(missing, F_OK), -1);
    struct lfile_writer zero;
    memset(&zero, 0, sizeof zero);
    lfile_abort(&zero); /* a zeroed writer is safe */
    free(path);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_every_flip_detected),
        cmocka_unit_test(test_version_missing_abort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
