/*
 * test_strtab.c — string interning: dense ids in order of first
 * appearance, stable across table growth, bytes read back, clearing for
 * reuse, and the length limit.
 */
#include "testutil.h"

#include "strtab.h"

static uint32_t intern(struct strtab *t, const char *s, int *added)
{
    uint32_t id;
    assert_int_equal(strtab_intern(t, s, strlen(s), &id, added), LOCI_OK);
    return id;
}

static void test_ids_stable_across_growth(void **state)
{
    (void)state;
    struct strtab t = {0};
    char word[32];
    int added;
    /* enough strings to grow the slots and the arena several times */
    for (int i = 0; i < 20000; i++) {
        snprintf(word, sizeof word, "w%d", i);
        assert_int_equal(intern(&t, word, &added), (uint32_t)i);
        assert_true(added);
    }
    for (int i = 0; i < 20000; i += 3) {
        snprintf(word, sizeof word, "w%d", i);
        assert_int_equal(intern(&t, word, &added), (uint32_t)i);
        assert_false(added);
        size_t len;
        const char *b = strtab_bytes(&t, (uint32_t)i, &len);
        assert_int_equal(len, strlen(word));
        assert_memory_equal(b, word, len);
    }
    assert_int_equal(strtab_count(&t), 20000);
    strtab_free(&t);
}

static void test_prefixes_and_binary_are_distinct(void **state)
{
    (void)state;
    struct strtab t = {0};
    uint32_t id;
    assert_int_equal(strtab_intern(&t, "ab", 2, &id, NULL), LOCI_OK);
    assert_int_equal(id, 0);
    assert_int_equal(strtab_intern(&t, "abc", 3, &id, NULL), LOCI_OK);
    assert_int_equal(id, 1);
    assert_int_equal(strtab_intern(&t, "a\0b", 3, &id, NULL), LOCI_OK);
    assert_int_equal(id, 2);
    assert_int_equal(strtab_intern(&t, "a\0c", 3, &id, NULL), LOCI_OK);
    assert_int_equal(id, 3);
    assert_int_equal(strtab_intern(&t, "ab", 2, &id, NULL), LOCI_OK);
    assert_int_equal(id, 0);
    strtab_free(&t);
}

static void test_clear_and_reuse(void **state)
{
    (void)state;
    struct strtab t = {0};
    int added;
    for (int round = 0; round < 3; round++) {
        /* a different word first each round: ids restart at 0 */
        char first[32];
        snprintf(first, sizeof first, "round%d", round);
        assert_int_equal(intern(&t, first, &added), 0);
        assert_true(added);
        assert_int_equal(intern(&t, "shared", &added), 1);
        assert_true(added);
        assert_int_equal(intern(&t, first, &added), 0);
        assert_false(added);
        assert_int_equal(strtab_count(&t), 2);
        strtab_clear(&t);
        assert_int_equal(strtab_count(&t), 0);
    }
    strtab_free(&t);
}

static void test_length_limit(void **state)
{
    (void)state;
    struct strtab t = {0};
    char s[STRTAB_MAX_LEN + 1];
    memset(s, 'x', sizeof s);
    uint32_t id;
    assert_int_equal(strtab_intern(&t, s, STRTAB_MAX_LEN, &id, NULL), LOCI_OK);
    assert_int_equal(strtab_intern(&t, s, STRTAB_MAX_LEN + 1, &id, NULL), LOCI_EINVAL);
    assert_int_equal(strtab_count(&t), 1);
    strtab_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_stable_across_growth),
        cmocka_unit_test(test_prefixes_and_binary_are_distinct),
        cmocka_unit_test(test_clear_and_reuse),
        cmocka_unit_test(test_length_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
