/*
 * test_path.c — joining paths, and refusing to truncate one.
 */
#include "testutil.h"

#include "path.h"

static void test_join(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(path_join(out, sizeof out, "dir", "file"), 0);
    assert_string_equal(out, "dir/file");
    assert_int_equal(path_join(out, sizeof out, "dir", "0123456789ab"), -1); /* 16 + NUL */
    assert_int_equal(path_join(out, sizeof out, "dir", "0123456789a"), 0);   /* exactly fits */
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_join)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
