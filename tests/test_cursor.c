/*
 * test_cursor.c — postings cursors: every posting decoded in order with
 * its tf, and next_geq equal to a linear scan for random targets (from an
 * ordinary open and from a shallow one), over a term with many blocks.
 */
#include "testutil.h"

#include "cursor.h"
#include "index.h"

#define NDOCS 3000

static void test_cursor_matches_truth(void **state)
{
    (void)state;
    uint64_t seed = 99;
    int tf[NDOCS];
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    o.passage_mode = LOCI_PASSAGE_DOCUMENT;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    for (int d = 0; d < NDOCS; d++) {
        /* "hit" in about a third of the documents, up to 5 times */
        tf[d] = tu_rand(&seed) % 3 == 0 ? 1 + (int)(tu_rand(&seed) % 5) : 0;
        char text[128]; /* each text its own: identical ones would be stored once */
        snprintf(text, sizeof text, "filler%d", d);
        for (int i = 0; i < tf[d]; i++)
            strcat(text, " hit");
        assert_int_equal(loci_builder_add_document(b, "d", NULL, text, strlen(text), 1, &err),
                         LOCI_OK);
    }
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
    loci_index *idx;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    struct term_info ti;
    assert_int_equal(reader_lookup(&idx->segs[0], "hit", 3, &ti, &err), 1);
    assert_int_equal(reader_lookup(&idx->segs[0], "hix", 3, &ti, &err) , 0);
    assert_int_equal(reader_lookup(&idx->segs[0], "hit", 3, &ti, &err), 1);

    struct cursor c;
    assert_int_equal(cursor_open(&c, &idx->segs[0], &ti, &err), LOCI_OK);
    assert_true(c.nblocks > 3);
    int n = 0;
    for (int d = 0; d < NDOCS; d++) {
        if (!tf[d])
            continue;
        assert_int_equal(c.id, d);
        assert_int_equal(cursor_tf(&c), tf[d]);
        cursor_next(&c);
        n++;
    }
    assert_int_equal(c.id, CURSOR_END);
    assert_int_equal(n, (int)ti.df);

    for (int round = 0; round < 200; round++) {
        /* odd rounds open shallow: nothing decoded until the first move,
         * and a block's tfs only by cursor_load_tfs */
        if (round % 2) {
            assert_int_equal(cursor_open_shallow(&c, &idx->segs[0], &ti, &err), LOCI_OK);
            assert_int_equal(c.decoded, 0);
            assert_int_equal(c.id, 0);
        } else {
            assert_int_equal(cursor_open(&c, &idx->segs[0], &ti, &err), LOCI_OK);
        }
        uint32_t target = 0;
        while (target < NDOCS) {
            target += (uint32_t)(tu_rand(&seed) % 400);
            cursor_next_geq(&c, target);
            uint32_t want = target;
            while (want < NDOCS && !tf[want])
                want++;
            assert_int_equal(c.id, want < NDOCS ? want : CURSOR_END);
            if (c.id == CURSOR_END)
                break;
            /* a shallow-opened cursor decodes tfs only when asked */
            assert_int_equal(c.lazy_tfs, round % 2);
            assert_int_equal(cursor_load_tfs(&c), LOCI_OK);
            assert_int_equal(cursor_tf(&c), tf[want]);
        }
        assert_int_equal(c.rc, 0);
    }
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cursor_matches_truth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
