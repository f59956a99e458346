/*
 * test_poscursor.c — a posting's positions: every posting of a term with
 * many blocks read in order, and after jumps (next_geq skipping blocks,
 * and backwards to another block), from ordinary and shallow opens, equal
 * to where the term was written.
 */
#include "testutil.h"

#include "cursor.h"
#include "poscursor.h"
#include "index.h"

#define NDOCS 1500

static void test_positions_match_truth(void **state)
{
    (void)state;
    uint64_t seed = 5;
    static uint32_t want[NDOCS][8];
    static int tf[NDOCS];
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
        /* one document in eight long, its hits sparse: positions and
         * gaps of 128 and more take varints of two bytes */
        char text[4096] = "";
        size_t len = 0;
        int lng = tu_rand(&seed) % 8 == 0;
        int n = 1 + (int)(tu_rand(&seed) % (lng ? 500 : 40));
        tf[d] = 0;
        for (int i = 0; i < n; i++) {
            int hit = tu_rand(&seed) % (lng ? 60 : 4) == 0 && tf[d] < 8;
            if (hit)
                want[d][tf[d]++] = (uint32_t)i;
            len += (size_t)snprintf(text + len, sizeof text - len, "%s ", hit ? "hit" : "filler");
        }
        /* each text its own (identical ones would be stored once) */
        len += (size_t)snprintf(text + len, sizeof text - len, "end%d", d);
        assert_int_equal(loci_builder_add_document(b, "d", NULL, text, len, 1, &err), LOCI_OK);
    }
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
    loci_index *idx;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    struct term_info ti;
    assert_int_equal(reader_lookup(&idx->segs[0], "hit", 3, &ti, &err), 1);
    struct cursor c;
    struct poscursor pc;
    uint32_t got[64];
    assert_int_equal(cursor_open(&c, &idx->segs[0], &ti, &err), LOCI_OK);
    assert_true(c.nblocks > 3);
    poscursor_open(&pc, &idx->segs[0], &ti);
    for (; c.id != CURSOR_END; cursor_next(&c)) {
        assert_int_equal(cursor_tf(&c), tf[c.id]);
        assert_int_equal(poscursor_get(&pc, &c, got, &err), LOCI_OK);
        assert_memory_equal(got, want[c.id], tf[c.id] * sizeof *got);
    }
    for (int round = 0; round < 100; round++) {
        /* a fresh cursor (every other one opened shallow, its tfs loaded
         * before positions are read), a random jump, some postings read,
         * some skipped */
        assert_int_equal((round % 2 ? cursor_open_shallow : cursor_open)(&c, &idx->segs[0], &ti, &err),
                         LOCI_OK);
        poscursor_open(&pc, &idx->segs[0], &ti);
        uint32_t t = (uint32_t)(tu_rand(&seed) % NDOCS);
        while (c.id != CURSOR_END) {
            cursor_next_geq(&c, t);
            if (c.id == CURSOR_END)
                break;
            if (tu_rand(&seed) % 2) {
                assert_int_equal(cursor_load_tfs(&c), LOCI_OK);
                assert_int_equal(poscursor_get(&pc, &c, got, &err), LOCI_OK);
                assert_memory_equal(got, want[c.id], tf[c.id] * sizeof *got);
            }
            t = c.id + 1 + (uint32_t)(tu_rand(&seed) % 300);
        }
        /* and backwards to another block */
        cursor_seek_block(&c, 0);
        assert_int_equal(cursor_load_tfs(&c), LOCI_OK);
        assert_int_equal(poscursor_get(&pc, &c, got, &err), LOCI_OK);
        assert_memory_equal(got, want[c.id], tf[c.id] * sizeof *got);
    }
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions_match_truth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
