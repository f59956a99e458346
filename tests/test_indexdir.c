/*
 * test_indexdir.c — the index directory's life cycle: which directories may
 * be replaced, temporaries beside the target (and stale ones removed), and
 * the swap of a finished build into place, new or replacing.
 */
#include "testutil.h"

#include <dirent.h>
#include <sys/stat.h>

#include "format.h"
#include "indexdir.h"
#include "lfile.h"

/* A directory that looks like an index: a meta file with the right magic. */
static void make_fake_index(const char *dir, const char *marker)
{
    assert_int_equal(mkdir(dir, 0755), 0);
    char meta[16] = {0};
    memcpy(meta, FMT_MAGIC_META, LFILE_MAGIC_LEN);
    free(tu_write_file(dir, FMT_META, meta, sizeof meta));
    free(tu_write_file(dir, "marker", marker, strlen(marker)));
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static void test_replaceable(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), p[600];
    snprintf(p, sizeof p, "%s/absent", root);
    assert_true(indexdir_replaceable(p));
    snprintf(p, sizeof p, "%s/empty", root);
    assert_int_equal(mkdir(p, 0755), 0);
    assert_true(indexdir_replaceable(p));
    snprintf(p, sizeof p, "%s/index", root);
    make_fake_index(p, "x");
    assert_true(indexdir_replaceable(p));
    /* a folder of documents must never be replaced */
    snprintf(p, sizeof p, "%s/documents", root);
    assert_int_equal(mkdir(p, 0755), 0);
    free(tu_write_file(p, "notes.txt", "mine", 4));
    assert_false(indexdir_replaceable(p));
    /* nor one whose meta file is something else */
    snprintf(p, sizeof p, "%s/other", root);
    assert_int_equal(mkdir(p, 0755), 0);
    free(tu_write_file(p, FMT_META, "not an index meta", 17));
    assert_false(indexdir_replaceable(p));
    tu_rmtree(root);
    free(root);
}

static void test_temp_beside_target_and_stale_removed(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600], stale[700], live[700];
    snprintf(dir, sizeof dir, "%s/idx", root);
    /* a temporary of a build whose process is gone (pid 1 is always
     * running, so a huge pid stands for a dead one) and of a live one */
    snprintf(stale, sizeof stale, "%s/.idx.tmp-2147483000-abcdef", root);
    snprintf(live, sizeof live, "%s/.idx.tmp-%ld-abcdef", root, (long)getpid());
    assert_int_equal(mkdir(stale, 0755), 0);
    free(tu_write_file(stale, "postings", "x", 1));
    assert_int_equal(mkdir(live, 0755), 0);
    char *tmp;
    loci_error err;
    assert_int_equal(indexdir_create_temp(dir, &tmp, &err), LOCI_OK);
    char prefix[700];
    snprintf(prefix, sizeof prefix, "%s/.idx.tmp-%ld-", root, (long)getpid());
    assert_int_equal(strncmp(tmp, prefix, strlen(prefix)), 0);
    struct stat st;
    assert_int_equal(stat(tmp, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_not_equal(stat(stale, &st), 0); /* removed */
    assert_int_equal(stat(live, &st), 0);      /* kept: its build may still run */
    indexdir_remove(tmp);
    assert_int_not_equal(stat(tmp, &st), 0);
    free(tmp);
    tu_rmtree(root);
    free(root);
}

static void test_swap_new_and_replacing(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600], tmp[700];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_error err;
    /* first build: a rename */
    snprintf(tmp, sizeof tmp, "%s/.idx.tmp-1", root);
    make_fake_index(tmp, "first");
    assert_int_equal(indexdir_swap(tmp, dir, &err), LOCI_OK);
    char path[700];
    snprintf(path, sizeof path, "%s/marker", dir);
    char *m = tu_read_file(path, NULL);
    assert_string_equal(m, "first");
    free(m);
    assert_true(indexdir_bytes(dir) > 0);
    /* second build replaces it whole; nothing of either is left over */
    snprintf(tmp, sizeof tmp, "%s/.idx.tmp-2", root);
    make_fake_index(tmp, "second");
    assert_int_equal(indexdir_swap(tmp, dir, &err), LOCI_OK);
    m = tu_read_file(path, NULL);
    assert_string_equal(m, "second");
    free(m);
    assert_int_equal(count_entries(root), 1);
    tu_rmtree(root);
    free(root);
}

static void test_swap_refuses_a_folder_of_documents(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600], tmp[700];
    snprintf(dir, sizeof dir, "%s/docs", root);
    assert_int_equal(mkdir(dir, 0755), 0);
    free(tu_write_file(dir, "thesis.txt", "years of work", 13));
    snprintf(tmp, sizeof tmp, "%s/.docs.tmp-1", root);
    make_fake_index(tmp, "new");
    loci_error err;
    assert_int_equal(indexdir_swap(tmp, dir, &err), LOCI_EINVAL);
    assert_non_null(strstr(err.message, "not a loci index"));
    char path[700];
    snprintf(path, sizeof path, "%s/thesis.txt", dir);
    char *t = tu_read_file(path, NULL);
    assert_string_equal(t, "years of work");
    free(t);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replaceable),
        cmocka_unit_test(test_temp_beside_target_and_stale_removed),
        cmocka_unit_test(test_swap_new_and_replacing),
        cmocka_unit_test(test_swap_refuses_a_folder_of_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
