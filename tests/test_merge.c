/*
 * test_merge.c — merging runs: a random batch cut into 1, 2, 7 or 40 runs
 * (some of them empty, and one run per passage) gives byte-identical
 * lexicon, postings and positions files, and the merge removes the run
 * files it reads.
 */
#include "testutil.h"

#include <sys/stat.h>

#include "format.h"
#include "inverter.h"
#include "merge.h"
#include "run.h"

#define VOCAB 60
#define PASSAGES 400
#define MAXLEN 30

static int len[PASSAGES];
static uint32_t lengths[PASSAGES];
static char words[PASSAGES][MAXLEN][16];

static void make_batch(uint64_t seed)
{
    for (int p = 0; p < PASSAGES; p++) {
        len[p] = (int)(tu_rand(&seed) % MAXLEN);
        lengths[p] = (uint32_t)len[p];
        for (int i = 0; i < len[p]; i++) {
            int v = (int)(tu_rand(&seed) % VOCAB * (tu_rand(&seed) % VOCAB) / VOCAB);
            snprintf(words[p][i], 16, "t%d", v);
        }
    }
}

/* Passages [from, to) as one run file, with local ids from 0. */
static void write_run(const char *path, int from, int to)
{
    struct inverter *inv;
    assert_int_equal(inverter_new(&inv), 0);
    for (int p = from; p < to; p++) {
        uint32_t ids[MAXLEN];
        for (int i = 0; i < len[p]; i++)
            assert_int_equal(inverter_intern(inv, words[p][i], strlen(words[p][i]), &ids[i]),
                             LOCI_OK);
        assert_int_equal(inverter_add_passage(inv, (uint32_t)(p - from), ids, (size_t)len[p]),
                         LOCI_OK);
    }
    loci_error err;
    assert_int_equal(run_write(path, inv, &err), LOCI_OK);
    inverter_free(inv);
}

/* Cut the batch into `nruns` runs and merge them into `dir`. */
static uint64_t build(const char *dir, size_t nruns)
{
    assert_int_equal(mkdir(dir, 0755), 0);
    char **paths = calloc(nruns, sizeof *paths);
    uint32_t *bases = calloc(nruns, sizeof *bases);
    for (size_t r = 0; r < nruns; r++) {
        int from = (int)(PASSAGES * r / nruns), to = (int)(PASSAGES * (r + 1) / nruns);
        paths[r] = malloc(700);
        snprintf(paths[r], 700, "%s/run-%zu", dir, r);
        bases[r] = (uint32_t)from;
        write_run(paths[r], from, to);
    }
    uint64_t tokens = 0;
    for (int p = 0; p < PASSAGES; p++)
        tokens += lengths[p];
    struct merge_input in = {paths, bases, nruns, 64u << 10, lengths,
                             (double)tokens / PASSAGES, 1.5, 0.75, NULL};
    uint64_t terms;
    loci_error err;
    if (merge_runs(dir, &in, &terms, &err))
        fail_msg("merge: %s", err.message);
    for (size_t r = 0; r < nruns; r++) {
        assert_int_not_equal(access(paths[r], F_OK), 0); /* the merge removed it */
        free(paths[r]);
    }
    free(paths);
    free(bases);
    return terms;
}

static void test_any_cut_gives_the_same_files(void **state)
{
    (void)state;
    make_batch(5);
    char *root = tu_mkdtemp(), one[600];
    snprintf(one, sizeof one, "%s/runs-1", root);
    uint64_t terms = build(one, 1);
    assert_true(terms > 20);
    const size_t cuts[] = {2, 7, 40, PASSAGES};
    for (size_t c = 0; c < sizeof cuts / sizeof *cuts; c++) {
        char dir[600];
        snprintf(dir, sizeof dir, "%s/runs-%zu", root, cuts[c]);
        assert_int_equal(build(dir, cuts[c]), terms);
        static const char *const files[] = {FMT_LEXICON, FMT_POSTINGS, FMT_POSITIONS};
        for (size_t f = 0; f < 3; f++)
            tu_assert_same_file(one, dir, files[f]);
    }
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_any_cut_gives_the_same_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
