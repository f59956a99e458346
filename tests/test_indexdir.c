/*
 * test_indexdir.c — the index directory's life cycle: which directories may
 * be replaced, temporaries beside the target (and stale ones removed), and
 * the swap of a finished build into place, new or replacing.
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "format.h"
#include "indexdir.h"
#include "lfile.h"
#include "manifest.h"

/* A directory that looks like an index: meta and lexicon with their
 * magics; `marker` goes into meta after the magic, to tell builds apart. */
static void make_fake_index(const char *dir, const char *marker)
{
    assert_int_equal(mkdir(dir, 0755), 0);
    char meta[64] = {0}, lex[16] = {0};
    memcpy(meta, FMT_MAGIC_META, LFILE_MAGIC_LEN);
    snprintf(meta + LFILE_MAGIC_LEN, sizeof meta - LFILE_MAGIC_LEN, "%s", marker);
    memcpy(lex, FMT_MAGIC_LEXICON, LFILE_MAGIC_LEN);
    free(tu_write_file(dir, FMT_META, meta, sizeof meta));
    free(tu_write_file(dir, FMT_LEXICON, lex, sizeof lex));
}

/* The marker of the fake index at `dir`. */
static void assert_marker(const char *dir, const char *marker)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, FMT_META);
    char *m = tu_read_file(path, NULL);
    assert_string_equal(m + LFILE_MAGIC_LEN, marker);
    free(m);
}

/* indexdir_check_replaceable, with the message it gives. */
static int replaceable(const char *dir, const char *want_in_message)
{
    loci_error err;
    int rc = indexdir_check_replaceable(dir, &err);
    if (want_in_message && !strstr(err.message, want_in_message))
        fail_msg("'%s' not in '%s'", want_in_message, err.message);
    return rc == LOCI_OK;
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
    assert_true(replaceable(p, NULL));
    snprintf(p, sizeof p, "%s/empty", root);
    assert_int_equal(mkdir(p, 0755), 0);
    assert_true(replaceable(p, NULL));
    snprintf(p, sizeof p, "%s/index", root);
    make_fake_index(p, "x");
    assert_true(replaceable(p, NULL));
    /* a folder of documents must never be replaced; the message names what
     * is in the way */
    snprintf(p, sizeof p, "%s/documents", root);
    assert_int_equal(mkdir(p, 0755), 0);
    free(tu_write_file(p, "notes.txt", "mine", 4));
    assert_false(replaceable(p, "holds 'notes.txt', which is not part of a loci index"));
    free(tu_write_file(p, "more.txt", "mine", 4));
    assert_false(replaceable(p, "and 1 more"));
    /* nor an index with something else added */
    snprintf(p, sizeof p, "%s/index-plus", root);
    make_fake_index(p, "x");
    free(tu_write_file(p, "thesis.txt", "mine", 4));
    assert_false(replaceable(p, "'thesis.txt'"));
    /* nor one lone file that happens to be called meta */
    snprintf(p, sizeof p, "%s/other", root);
    assert_int_equal(mkdir(p, 0755), 0);
    free(tu_write_file(p, FMT_META, "not an index meta", 17));
    assert_false(replaceable(p, "not recognized as a loci index (files with a loci header: 0 of 1;"));
    tu_rmtree(root);
    free(root);
}

/* A damaged index must not block its own rebuild: meta missing, empty or
 * overwritten, the other files still say what the directory is. */
static void test_damaged_index_is_replaceable(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), p[600], meta[700];
    snprintf(p, sizeof p, "%s/idx", root);
    make_fake_index(p, "x");
    char post[16] = {0};
    memcpy(post, FMT_MAGIC_POSTINGS, LFILE_MAGIC_LEN);
    free(tu_write_file(p, FMT_POSTINGS, post, sizeof post));
    snprintf(meta, sizeof meta, "%s/%s", p, FMT_META);
    free(tu_write_file(p, FMT_META, "", 0)); /* empty */
    assert_true(replaceable(p, NULL));
    free(tu_write_file(p, FMT_META, "garbage garbage", 15)); /* bad */
    assert_true(replaceable(p, NULL));
    assert_int_equal(unlink(meta), 0); /* missing */
    assert_true(replaceable(p, NULL));
    tu_rmtree(root);
    free(root);
}

static void test_temp_beside_target_and_stale_removed(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600], stale[700], stale_other[700], live[700], foreign[700];
    snprintf(dir, sizeof dir, "%s/idx", root);
    /* temporaries of builds whose process is gone (pid 1 is always
     * running, so a huge pid stands for a dead one) — of this index and of
     * another beside it — and of a live one */
    snprintf(stale, sizeof stale, "%s/.idx.tmp-2147483000-abcdef", root);
    snprintf(stale_other, sizeof stale_other, "%s/.other.tmp-2147483001-abcdef", root);
    snprintf(live, sizeof live, "%s/.idx.tmp-%ld-abcdef", root, (long)getppid());
    /* a dead build's name, but holding something no build writes */
    snprintf(foreign, sizeof foreign, "%s/.mine.tmp-2147483002-abcdef", root);
    /* a dead PID of another machine (a shared file system): its build may
     * be running there; and one of this machine */
    char other_host[700], this_host[700], h[256] = "", tag[40] = "";
    gethostname(h, sizeof h - 1);
    for (size_t i = 0, n = 0; h[i] && n < 32; i++)
        if ((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' && h[i] <= 'Z') || (h[i] >= '0' && h[i] <= '9'))
            tag[n++] = h[i];
    snprintf(other_host, sizeof other_host, "%s/.idx.tmp-elsewhere%s-2147483003-abcdef", root, tag);
    snprintf(this_host, sizeof this_host, "%s/.idx.tmp-%s-2147483004-abcdef", root, tag);
    assert_int_equal(mkdir(other_host, 0755), 0);
    assert_int_equal(mkdir(this_host, 0755), 0);
    free(tu_write_file(this_host, "meta", "x", 1));
    assert_int_equal(mkdir(stale, 0755), 0);
    free(tu_write_file(stale, "postings", "x", 1));
    free(tu_write_file(stale, "run-00000003", "x", 1));
    assert_int_equal(mkdir(stale_other, 0755), 0);
    free(tu_write_file(stale_other, "text", "x", 1));
    assert_int_equal(mkdir(live, 0755), 0);
    assert_int_equal(mkdir(foreign, 0755), 0);
    free(tu_write_file(foreign, "diary.txt", "x", 1));
    char *tmp;
    loci_error err;
    assert_int_equal(indexdir_create_temp(dir, &tmp, &err), LOCI_OK);
    char prefix[700], pid[32];
    snprintf(prefix, sizeof prefix, "%s/.idx.tmp-", root);
    snprintf(pid, sizeof pid, "-%ld-", (long)getpid());
    assert_int_equal(strncmp(tmp, prefix, strlen(prefix)), 0);
    assert_non_null(strstr(tmp + strlen(prefix), pid));
    struct stat st;
    assert_int_equal(stat(tmp, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_not_equal(stat(stale, &st), 0);       /* removed */
    assert_int_not_equal(stat(stale_other, &st), 0); /* removed too */
    assert_int_equal(stat(live, &st), 0);            /* kept: its build may still run */
    assert_int_equal(stat(foreign, &st), 0);         /* kept: not a build's */
    assert_int_equal(stat(other_host, &st), 0);      /* kept: another machine's */
    assert_int_not_equal(stat(this_host, &st), 0);   /* removed */
    indexdir_remove(tmp);
    assert_int_not_equal(stat(tmp, &st), 0);
    free(tmp);
    tu_rmtree(root);
    free(root);
}

/* The temporary directory, and so the index, gets the umask's mode (it
 * used to be 0700 whatever the umask). */
static void test_temp_respects_umask(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    static const mode_t masks[] = {022, 077, 002};
    for (size_t i = 0; i < sizeof masks / sizeof *masks; i++) {
        mode_t old = umask(masks[i]);
        char *tmp;
        loci_error err;
        int rc = indexdir_create_temp(dir, &tmp, &err);
        umask(old);
        assert_int_equal(rc, LOCI_OK);
        struct stat st;
        assert_int_equal(stat(tmp, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0777 & ~masks[i]);
        indexdir_remove(tmp);
        free(tmp);
    }
    tu_rmtree(root);
    free(root);
}

static void test_swap_new_and_replacing(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600], tmp[700];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_error err, late;
    int not_atomic;
    /* first build: a rename */
    snprintf(tmp, sizeof tmp, "%s/.idx.tmp-1", root);
    make_fake_index(tmp, "first");
    assert_int_equal(indexdir_swap(tmp, dir, &not_atomic, &late, &err), LOCI_OK);
    assert_int_equal(late.code, LOCI_OK);
    assert_marker(dir, "first");
    assert_true(indexdir_bytes(dir) > 0);
    /* second build replaces it whole, atomically; nothing of either is
     * left over */
    snprintf(tmp, sizeof tmp, "%s/.idx.tmp-2", root);
    make_fake_index(tmp, "second");
    assert_int_equal(indexdir_swap(tmp, dir, &not_atomic, &late, &err), LOCI_OK);
    assert_int_equal(not_atomic, 0);
    assert_marker(dir, "second");
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
    loci_error err, late;
    int not_atomic;
    assert_int_equal(indexdir_swap(tmp, dir, &not_atomic, &late, &err), LOCI_EINVAL);
    assert_non_null(strstr(err.message, "not part of a loci index"));
    char path[700];
    snprintf(path, sizeof path, "%s/thesis.txt", dir);
    char *t = tu_read_file(path, NULL);
    assert_string_equal(t, "years of work");
    free(t);
    tu_rmtree(root);
    free(root);
}

/* A file system without an atomic exchange (NFS, some FUSE): the injected
 * renameat2 fails as it does there. */
static int no_exchange(const char *a, const char *b)
{
    (void)a;
    (void)b;
    errno = EINVAL;
    return -1;
}

static void test_swap_without_atomic_exchange(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600], tmp[700];
    snprintf(dir, sizeof dir, "%s/idx", root);
    snprintf(tmp, sizeof tmp, "%s/.idx.tmp-1", root);
    make_fake_index(dir, "old");
    make_fake_index(tmp, "new");
    int (*saved)(const char *, const char *) = indexdir_exchange;
    indexdir_exchange = no_exchange;
    loci_error err, late;
    int not_atomic = 0;
    int rc = indexdir_swap(tmp, dir, &not_atomic, &late, &err);
    indexdir_exchange = saved;
    assert_int_equal(rc, LOCI_OK);
    assert_int_equal(not_atomic, 1); /* the caller says so */
    assert_marker(dir, "new");
    assert_int_equal(count_entries(root), 1); /* no .idx.old, no temporary */
    tu_rmtree(root);
    free(root);
}

static void die_between_renames(void) { _exit(0); }

/* kill -9 between the fallback's two renames: the old index is not lost.
 * Until the next build it waits at .idx.old (where readers find it); the
 * next build puts it back before anything else, and removes the dead
 * build's temporary. */
static void test_kill_between_renames_keeps_the_old_index(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600], tmp[700], old[700];
    snprintf(dir, sizeof dir, "%s/idx", root);
    snprintf(old, sizeof old, "%s/.idx.old", root);
    make_fake_index(dir, "old");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        snprintf(tmp, sizeof tmp, "%s/.idx.tmp-%ld-abcdef", root, (long)getpid());
        make_fake_index(tmp, "new");
        indexdir_exchange = no_exchange;
        indexdir_between_renames = die_between_renames;
        loci_error err, late;
        int not_atomic;
        indexdir_swap(tmp, dir, &not_atomic, &late, &err);
        _exit(1); /* not reached */
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct stat st;
    assert_int_not_equal(stat(dir, &st), 0); /* the moment with no index */
    assert_marker(old, "old");
    char *next;
    loci_error err;
    assert_int_equal(indexdir_create_temp(dir, &next, &err), LOCI_OK);
    assert_marker(dir, "old");
    assert_int_not_equal(stat(old, &st), 0);
    assert_int_equal(count_entries(root), 2); /* idx and the new temporary */
    indexdir_remove(next);
    free(next);
    tu_rmtree(root);
    free(root);
}

/* Permission denied is said as such, not as "not a loci index". Root
 * reads every directory, so this runs as another user only; tests/faults.sh
 * injects EACCES for the programs under any user. */
static void test_permission_denied(void **state)
{
    (void)state;
    if (geteuid() == 0)
        skip();
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    make_fake_index(dir, "x");
    assert_int_equal(chmod(dir, 0), 0);
    assert_false(replaceable(dir, "permission denied"));
    assert_int_equal(chmod(dir, 0755), 0);
    tu_rmtree(root);
    free(root);
}

/* A format 4 index: manifest, lock, segment directories of index files,
 * and a killed commit's leftovers are all replaceable; a foreign file in
 * a segment is not. Its bytes count the segments' files; removing it
 * removes them. */
static void test_format4_index(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), p[600], seg[700], sub[800];
    snprintf(p, sizeof p, "%s/idx", root);
    snprintf(seg, sizeof seg, "%s/seg-000001", p);
    assert_int_equal(mkdir(p, 0755), 0);
    char man[40] = {0};
    memcpy(man, MANIFEST_MAGIC, LFILE_MAGIC_LEN);
    free(tu_write_file(p, MANIFEST_FILE, man, sizeof man));
    free(tu_write_file(p, "lock", "", 0));
    make_fake_index(seg, "one");
    snprintf(sub, sizeof sub, "%s/.seg-tmp-1-abcdef", p);
    make_fake_index(sub, "left");
    free(tu_write_file(p, ".manifest.tmp-1", man, sizeof man));
    assert_true(replaceable(p, NULL));
    assert_int_equal(indexdir_bytes(p), 40 + 64 + 16);
    /* a segment directory holding something else is not an index's */
    char *keep = tu_write_file(seg, "notes.txt", "mine", 4);
    assert_false(replaceable(p, "notes.txt"));
    unlink(keep);
    free(keep);
    /* nor a directory that is not named like a segment */
    snprintf(sub, sizeof sub, "%s/photos", p);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_false(replaceable(p, "photos"));
    assert_int_equal(rmdir(sub), 0);
    assert_true(replaceable(p, NULL));
    indexdir_remove(p);
    struct stat st;
    assert_int_not_equal(lstat(p, &st), 0);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replaceable),
        cmocka_unit_test(test_damaged_index_is_replaceable),
        cmocka_unit_test(test_temp_beside_target_and_stale_removed),
        cmocka_unit_test(test_temp_respects_umask),
        cmocka_unit_test(test_swap_new_and_replacing),
        cmocka_unit_test(test_swap_refuses_a_folder_of_documents),
        cmocka_unit_test(test_swap_without_atomic_exchange),
        cmocka_unit_test(test_kill_between_renames_keeps_the_old_index),
        cmocka_unit_test(test_permission_denied),
        cmocka_unit_test(test_format4_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
