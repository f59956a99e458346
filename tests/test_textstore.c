/*
 * test_textstore.c — the compressed text stream: passages read back byte
 * for byte from a document spanning several 64 KiB blocks, including
 * passages that straddle block boundaries.
 */
#include "testutil.h"

#include <sys/stat.h>

#include "loci.h"

static void test_text_across_blocks(void **state)
{
    (void)state;
    uint64_t seed = 5;
    size_t cap = 300000, len = 0;
    char *text = malloc(cap + 32);
    while (len < cap) {
        /* random words of 1..12 letters, some newlines */
        int wl = 1 + (int)(tu_rand(&seed) % 12);
        for (int i = 0; i < wl; i++)
            text[len++] = (char)('a' + tu_rand(&seed) % 26);
        text[len++] = tu_rand(&seed) % 10 ? ' ' : '\n';
    }
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    o.passage_mode = LOCI_PASSAGE_WINDOW;
    o.passage_tokens = 500;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_document(b, "small", NULL, "tiny doc", 8, 1, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_document(b, "big", NULL, text, len, 1, &err), LOCI_OK);
    loci_build_stats st;
    assert_int_equal(loci_builder_finish(b, &st, &err), LOCI_OK);
    loci_builder_free(b);
    /* random letters carry log2(26) = 4.7 bits per byte: zlib must get
     * the text file well under the raw size */
    char tpath[700];
    snprintf(tpath, sizeof tpath, "%s/seg-000001/text", dir);
    struct stat sb;
    assert_int_equal(stat(tpath, &sb), 0);
    assert_true((size_t)sb.st_size < len * 3 / 4);
    loci_index *idx;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    int straddles = 0;
    for (uint32_t p = 1; p < st.passages; p++) {
        loci_passage ps;
        assert_int_equal(loci_passage_get(idx, p, &ps, &err), LOCI_OK);
        assert_int_equal(ps.doc, 1);
        assert_true(ps.byte_end <= len);
        assert_memory_equal(ps.text, text + ps.byte_start, ps.text_len);
        /* the stream offset of the big document is 8 ("tiny doc") */
        if ((8 + ps.byte_start) / 65536 != (8 + ps.byte_end) / 65536)
            straddles++;
    }
    assert_true(straddles >= 3);
    /* and back to the first block after later ones */
    loci_passage ps;
    assert_int_equal(loci_passage_get(idx, 0, &ps, &err), LOCI_OK);
    assert_memory_equal(ps.text, "tiny doc", 8);
    assert_int_equal(loci_index_check(idx, &err), LOCI_OK);
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_across_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
