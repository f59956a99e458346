/*
 * test_error.c — status codes, their texts, and filling loci_error.
 */
#include "testutil.h"

#include "error.h"

static void test_set_and_strings(void **state)
{
    (void)state;
    loci_error err;
    assert_int_equal(err_set(&err, LOCI_EIO, "%s: %d", "file", 7), LOCI_EIO);
    assert_int_equal(err.code, LOCI_EIO);
    assert_string_equal(err.message, "file: 7");
    assert_int_equal(err_corrupt(&err, "bad %s", "page"), LOCI_ECORRUPT);
    assert_int_equal(err.code, LOCI_ECORRUPT);
    assert_string_equal(err.message, "bad page");
    assert_int_equal(err_set(NULL, LOCI_EINVAL, "ignored"), LOCI_EINVAL);
    err_clear(&err);
    assert_int_equal(err.code, LOCI_OK);
    assert_string_equal(err.message, "");
    const int codes[] = {LOCI_OK, LOCI_ENOMEM, LOCI_EIO, LOCI_ECORRUPT, LOCI_EVERSION,
                         LOCI_EINVAL, LOCI_ENOTFOUND, LOCI_EUTF8, LOCI_EEMPTY, LOCI_EFORMAT};
    for (size_t i = 0; i < 10; i++) {
        assert_true(strlen(loci_strerror(codes[i])) > 1);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(loci_strerror(codes[i]), loci_strerror(codes[j]));
    }
    assert_string_equal(loci_strerror(-1000), "unknown error");
    assert_non_null(strstr(loci_version_string(), "utf8proc"));
    assert_non_null(strstr(loci_version_string(), "zlib"));
    assert_non_null(strstr(loci_version_string(), LOCI_VERSION));
    /* long messages are cut, not overflowed */
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    err_set(&err, LOCI_EIO, "%s", big);
    assert_int_equal(strlen(err.message), LOCI_ERRMSG_MAX - 1);
}

/* The version macros agree with each other and with the library; an
 * option struct of another size is refused with a message. */
static void test_version_and_option_size(void **state)
{
    (void)state;
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", LOCI_VERSION_MAJOR, LOCI_VERSION_MINOR, LOCI_VERSION_PATCH);
    assert_string_equal(v, LOCI_VERSION);
    assert_int_equal(loci_version(), LOCI_VERSION_NUMBER);
    assert_int_equal(loci_version() / 10000, LOCI_VERSION_MAJOR);
    loci_error err;
    assert_int_equal(err_opt_size(&err, "loci_search_options", 48, 48), 0);
    assert_int_equal(err_opt_size(&err, "loci_search_options", 40, 48), LOCI_EINVAL);
    assert_int_equal(err.code, LOCI_EINVAL);
    assert_string_equal(err.message, "loci_search_options: size 40, this libloci's is 48 "
                                     "(set them up with loci_search_options_init)");
    loci_search_options so;
    loci_search_options_init(&so);
    assert_int_equal(so.size, sizeof so);
    loci_build_options bo;
    loci_build_options_init(&bo);
    assert_int_equal(bo.size, sizeof bo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_and_strings),
        cmocka_unit_test(test_version_and_option_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
