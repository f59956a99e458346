/*
 * test_cliopt.c — usage errors are one line naming the option as typed,
 * and exit status 2.
 */
#include "testutil.h"

#include <fcntl.h>
#include <getopt.h>

#include "cliopt.h"

/* Run getopt_long over argv as the programs do and return what the
 * usage error printed on stderr (caller frees). */
static char *bad_option_message(int argc, char **argv)
{
    static const struct option longopts[] = {{"index", required_argument, 0, 'i'},
                                             {"json", no_argument, 0, 'j'},
                                             {0, 0, 0, 0}};
    char *dir = tu_mkdtemp(), path[600];
    snprintf(path, sizeof path, "%s/err", dir);
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    close(fd);
    optind = 1;
    opterr = 0;
    int c, rc = -1;
    while ((c = getopt_long(argc, argv, ":i:k:q", longopts, NULL)) != -1)
        if (c == '?' || c == ':') {
            rc = cli_bad_option("prog", argv, c);
            break;
        }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_int_equal(rc, 2);
    char *msg = tu_read_file(path, NULL);
    tu_rmtree(dir);
    free(dir);
    return msg;
}

static void test_bad_options(void **state)
{
    (void)state;
    char a0[] = "prog", unknown[] = "--frobnicate", x[] = "x", k[] = "-k", z[] = "-qz",
         eq[] = "--nope=3", idx[] = "--index";
    char *v1[] = {a0, unknown, x, NULL};
    char *m = bad_option_message(3, v1);
    assert_string_equal(m, "prog: unknown option: --frobnicate (see prog --help)\n");
    free(m);
    char *v2[] = {a0, x, k, NULL};
    m = bad_option_message(3, v2);
    assert_string_equal(m, "prog: this option needs a value: -k (see prog --help)\n");
    free(m);
    char *v3[] = {a0, z, NULL}; /* -q is fine, -z is not */
    m = bad_option_message(2, v3);
    assert_string_equal(m, "prog: unknown option: -z (see prog --help)\n");
    free(m);
    char *v4[] = {a0, eq, NULL};
    m = bad_option_message(2, v4);
    assert_string_equal(m, "prog: unknown option: --nope (see prog --help)\n");
    free(m);
    char *v5[] = {a0, idx, NULL};
    m = bad_option_message(2, v5);
    assert_string_equal(m, "prog: this option needs a value: --index (see prog --help)\n");
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_bad_options)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
