/*
 * test_commit.c — the commit protocol (indexer/commit.c): the writer's
 * lock, leftovers of killed writers, the manifest swap as the commit
 * point (a failure at any step leaves the previous commit readable), and
 * generations.
 */
#include "testutil.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "commit.h"
#include "manifest.h"

static void write_doc(const char *dir, const char *name, const char *text)
{
    free(tu_write_file(dir, name, text, strlen(text)));
}

/* Give a file a text no other document has: adding a text a live
 * document already has merges segments (duplicates are stored once),
 * and these tests count segments. */
static void retext(const char *dir, const char *name)
{
    static unsigned n;
    char t[64];
    snprintf(t, sizeof t, "new text number %u\n", n++);
    write_doc(dir, name, t);
}

/* Run loci-index-like commits through the API. */
static int add_paths(const char *dir, loci_build_mode mode, const char *const *paths, size_t n,
                     loci_build_stats *st, loci_error *err)
{
    loci_build_options o;
    loci_build_options_init(&o);
    o.mode = mode;
    o.threads = 1;
    loci_builder *b;
    int rc = loci_builder_new(dir, &o, &b, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && !rc; i++)
        rc = loci_builder_add_path(b, paths[i], err);
    if (!rc)
        rc = loci_builder_finish(b, st, err);
    loci_builder_free(b);
    return rc;
}


static int exists(const char *dir, const char *name)
{
    char p[800];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return lstat(p, &st) == 0;
}

struct fixture {
    char *root;
    char idx[600], src[600], a[700], b[700], c[700];
};

static void setup(struct fixture *f)
{
    f->root = tu_mkdtemp();
    snprintf(f->idx, sizeof f->idx, "%s/idx", f->root);
    snprintf(f->src, sizeof f->src, "%s/src", f->root);
    assert_int_equal(mkdir(f->src, 0755), 0);
    write_doc(f->src, "a.txt", "alpha beta\n\ngamma");
    write_doc(f->src, "b.txt", "beta delta\n");
    snprintf(f->a, sizeof f->a, "%s/a.txt", f->src);
    snprintf(f->b, sizeof f->b, "%s/b.txt", f->src);
    snprintf(f->c, sizeof f->c, "%s/c.txt", f->src);
    loci_error err;
    const char *paths[] = {f->src};
    if (add_paths(f->idx, LOCI_BUILD_REPLACE, paths, 1, NULL, &err))
        fail_msg("build: %s", err.message);
}

static void teardown(struct fixture *f)
{
    tu_rmtree(f->root);
    free(f->root);
}

/* Another writer holds the lock: a commit fails at once, with one clear
 * line, and changes nothing. */
static void test_lock_held(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f);
    struct commit c;
    loci_error err;
    assert_int_equal(commit_begin(&c, f.idx, 0, &err), LOCI_OK);
    const char *paths[] = {f.a};
    loci_build_stats st;
    assert_int_equal(add_paths(f.idx, LOCI_BUILD_ADD, paths, 1, &st, &err), LOCI_EINVAL);
    assert_non_null(strstr(err.message, "another loci-index is writing this index"));
    assert_null(strchr(err.message, '\n'));
    /* a whole build waits for nobody either */
    assert_int_equal(add_paths(f.idx, LOCI_BUILD_REPLACE, paths, 1, &st, &err), LOCI_EINVAL);
    assert_non_null(strstr(err.message, "another loci-index is writing"));
    commit_end(&c);
    retext(f.src, "a.txt");
    assert_int_equal(add_paths(f.idx, LOCI_BUILD_ADD, paths, 1, &st, &err), LOCI_OK);
    struct manifest m;
    tu_read_manifest(f.idx, &m);
    assert_int_equal(m.generation, 2);
    assert_int_equal(m.nseg, 2);
    manifest_free(&m);
    teardown(&f);
}

/* What a killed writer leaves (temporaries, segments no manifest names)
 * goes at the next commit; the named segments stay. */
static void test_leftovers_removed(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f);
    char p[800];
    snprintf(p, sizeof p, "%s/.seg-tmp-999999-abcdef", f.idx);
    assert_int_equal(mkdir(p, 0755), 0);
    write_doc(p, "meta", "x");
    write_doc(f.idx, ".manifest.tmp-999999", "x");
    snprintf(p, sizeof p, "%s/seg-000007", f.idx);
    assert_int_equal(mkdir(p, 0755), 0);
    struct commit c;
    loci_error err;
    assert_int_equal(commit_begin(&c, f.idx, 0, &err), LOCI_OK);
    assert_false(exists(f.idx, ".seg-tmp-999999-abcdef"));
    assert_false(exists(f.idx, ".manifest.tmp-999999"));
    assert_false(exists(f.idx, "seg-000007"));
    assert_true(exists(f.idx, "seg-000001"));
    assert_true(exists(f.idx, "manifest"));
    assert_int_equal(c.cur.generation, 1);
    commit_end(&c);
    teardown(&f);
}

static const char *fail_at;
static int fail_hook(const char *step)
{
    return fail_at && !strcmp(step, fail_at);
}

/* A commit failing at each step before the manifest's rename leaves the
 * previous commit whole and readable; after it, the new one. Each
 * successful commit increments the generation. */
static void test_failure_at_each_step(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f);
    write_doc(f.src, "c.txt", "epsilon zeta\n");
    const char *paths[] = {f.c};
    loci_build_stats st;
    loci_error err;
    commit_hook = fail_hook;
    static const char *const before[] = {"segment-renamed", "manifest-written"};
    for (size_t i = 0; i < 2; i++) {
        fail_at = before[i];
        assert_int_not_equal(add_paths(f.idx, LOCI_BUILD_ADD, paths, 1, &st, &err), LOCI_OK);
        struct manifest m;
        tu_read_manifest(f.idx, &m);
        assert_int_equal(m.generation, 1);
        assert_int_equal(m.nseg, 1);
        assert_int_equal(m.seg[0].documents, 2);
        manifest_free(&m);
        assert_true(exists(f.idx, "seg-000001"));
    }
    /* past the commit point: the new commit, even if what follows fails */
    fail_at = "manifest-renamed";
    assert_int_equal(add_paths(f.idx, LOCI_BUILD_ADD, paths, 1, &st, &err), LOCI_OK);
    struct manifest m;
    tu_read_manifest(f.idx, &m);
    assert_int_equal(m.generation, 2);
    assert_int_equal(m.nseg, 2);
    char name[MANIFEST_NAME_MAX];
    manifest_segment_name(m.seg[1].number, name);
    assert_true(exists(f.idx, name));
    manifest_free(&m);
    fail_at = NULL;
    commit_hook = NULL;
    /* the segments the failed commits left are gone after the next one */
    retext(f.src, "c.txt");
    assert_int_equal(add_paths(f.idx, LOCI_BUILD_ADD, paths, 1, &st, &err), LOCI_OK);
    tu_read_manifest(f.idx, &m);
    assert_int_equal(m.generation, 3);
    assert_int_equal(m.nseg, 3);
    for (uint64_t n = 1; n < m.next_segment; n++) {
        manifest_segment_name(n, name);
        int named = 0;
        for (size_t i = 0; i < m.nseg; i++)
            named |= m.seg[i].number == n;
        assert_int_equal(exists(f.idx, name), named);
    }
    manifest_free(&m);
    teardown(&f);
}

/* An update of an unchanged tree writes nothing: no commit, the same
 * manifest file. A changed file is replaced, a removed one deleted. */
static void test_unchanged_update_writes_nothing(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f);
    const char *paths[] = {f.src};
    loci_build_stats st;
    loci_error err;
    char mpath[700];
    snprintf(mpath, sizeof mpath, "%s/manifest", f.idx);
    struct stat before, after;
    assert_int_equal(stat(mpath, &before), 0);
    assert_int_equal(add_paths(f.idx, LOCI_BUILD_UPDATE, paths, 1, &st, &err), LOCI_OK);
    assert_int_equal(st.committed, 0);
    assert_int_equal(st.unchanged, 2);
    assert_int_equal(st.added + st.replaced + st.deleted, 0);
    assert_int_equal(stat(mpath, &after), 0);
    assert_int_equal(before.st_ino, after.st_ino);
    struct manifest m;
    tu_read_manifest(f.idx, &m);
    assert_int_equal(m.generation, 1);
    manifest_free(&m);
    /* b changes, c is new, a is gone */
    write_doc(f.src, "b.txt", "beta delta changed\n");
    write_doc(f.src, "c.txt", "new words\n");
    assert_int_equal(unlink(f.a), 0);
    assert_int_equal(add_paths(f.idx, LOCI_BUILD_UPDATE, paths, 1, &st, &err), LOCI_OK);
    assert_int_equal(st.committed, 1);
    assert_int_equal(st.added, 1);
    assert_int_equal(st.replaced, 1);
    assert_int_equal(st.deleted, 1);
    assert_int_equal(st.live_documents, 2);
    tu_read_manifest(f.idx, &m);
    assert_int_equal(m.generation, 2);
    manifest_free(&m);
    teardown(&f);
}

static const char *kill_at;
static int kill_hook(const char *step)
{
    if (kill_at && !strcmp(step, kill_at))
        _exit(9);
    return 0;
}

/* A writer killed at each step: before the manifest's rename the previous
 * commit is whole, after it the new one; the next writer removes what
 * the killed one left. */
static void test_killed_at_each_step(void **state)
{
    (void)state;
    static const char *const steps[] = {"segment-renamed", "manifest-written", "manifest-renamed",
                                        "removed"};
    for (size_t i = 0; i < 4; i++) {
        struct fixture f;
        setup(&f);
        write_doc(f.src, "c.txt", "epsilon zeta\n");
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            kill_at = steps[i];
            commit_hook = kill_hook;
            const char *paths[] = {f.c};
            loci_build_stats st;
            loci_error err;
            add_paths(f.idx, LOCI_BUILD_ADD, paths, 1, &st, &err);
            _exit(0);
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 9);
        struct manifest m;
        tu_read_manifest(f.idx, &m);
        assert_int_equal(m.generation, i < 2 ? 1 : 2);
        assert_int_equal(m.nseg, i < 2 ? 1 : 2);
        manifest_free(&m);
        /* leftovers (a renamed but unnamed seg-000002, a manifest
         * temporary) go with the next commit */
        const char *paths[] = {f.a};
        loci_build_stats st;
        loci_error err;
        assert_int_equal(add_paths(f.idx, LOCI_BUILD_ADD, paths, 1, &st, &err), LOCI_OK);
        tu_read_manifest(f.idx, &m);
        assert_int_equal(m.generation, i < 2 ? 2 : 3);
        char name[MANIFEST_NAME_MAX];
        for (uint64_t n = 1; n < m.next_segment; n++) {
            int named = 0;
            for (size_t k = 0; k < m.nseg; k++)
                named |= m.seg[k].number == n;
            manifest_segment_name(n, name);
            assert_int_equal(exists(f.idx, name), named);
        }
        char tmp[64];
        snprintf(tmp, sizeof tmp, ".manifest.tmp-%ld", (long)pid);
        assert_false(exists(f.idx, tmp));
        manifest_free(&m);
        teardown(&f);
    }
}

static char swap_a[600], swap_b[600], swap_old[700];
static int swaps;
static int swap_hook(const char *step)
{
    if (!strcmp(step, "locked") && swaps++ == 0) { /* a whole build's swap, meanwhile */
        assert_int_equal(rename(swap_a, swap_old), 0);
        assert_int_equal(rename(swap_b, swap_a), 0);
    }
    return 0;
}

/* A whole build swaps DIR between a writer's open and its lock: the
 * writer notices that DIR/lock is no longer the file it locked and
 * starts over on the new index. */
static void test_swapped_while_locking(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f);
    snprintf(swap_a, sizeof swap_a, "%s", f.idx);
    snprintf(swap_b, sizeof swap_b, "%s/other", f.root);
    snprintf(swap_old, sizeof swap_old, "%s/old", f.root);
    const char *paths[] = {f.a, f.b};
    loci_build_stats st;
    loci_error err;
    assert_int_equal(add_paths(swap_b, LOCI_BUILD_REPLACE, paths, 2, &st, &err), LOCI_OK);
    retext(f.src, "a.txt");
    assert_int_equal(add_paths(swap_b, LOCI_BUILD_ADD, paths, 1, &st, &err), LOCI_OK);
    swaps = 0;
    commit_hook = swap_hook;
    retext(f.src, "a.txt");
    assert_int_equal(add_paths(f.idx, LOCI_BUILD_ADD, paths, 1, &st, &err), LOCI_OK);
    commit_hook = NULL;
    assert_int_equal(swaps, 2); /* locked twice: the old DIR, then the new one */
    struct manifest m;
    tu_read_manifest(f.idx, &m); /* the index swapped in, with the commit */
    assert_int_equal(m.generation, 3);
    assert_int_equal(m.nseg, 3);
    manifest_free(&m);
    tu_read_manifest(swap_old, &m); /* the one swapped out, untouched */
    assert_int_equal(m.generation, 1);
    manifest_free(&m);
    teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock_held),
        cmocka_unit_test(test_leftovers_removed),
        cmocka_unit_test(test_failure_at_each_step),
        cmocka_unit_test(test_unchanged_update_writes_nothing),
        cmocka_unit_test(test_killed_at_each_step),
        cmocka_unit_test(test_swapped_while_locking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
