/*
 * test_shardio.c — the lines shards exchange (searcher/shardio.h):
 * statistics written and read back, summed per query, checked for
 * statistics of different shard sets; run lines in JSON and TREC; exact
 * score decimals; malformed lines refused with one line naming where.
 */
#include "testutil.h"

#include <math.h>

#include "gstats.h"
#include "shardio.h"

static void test_stats_round_trip(void **state)
{
    (void)state;
    loci_global_stats *s;
    assert_int_equal(loci_global_stats_new(&s), LOCI_OK);
    assert_int_equal(loci_global_stats_add_part(s, 7, 30), LOCI_OK);
    assert_int_equal(loci_global_stats_add_term(s, "caf\xc3\xa9", 5, 2), LOCI_OK);
    assert_int_equal(loci_global_stats_add_term(s, "a\"b", 3, 1), LOCI_OK);
    struct buf out = {0};
    assert_int_equal(shardio_put_stats(&out, "q1", "caf\xc3\xa9 \"x\"", s), LOCI_OK);
    assert_non_null(memchr(out.data, '\n', out.len));
    struct stats_table t = {0};
    loci_error err;
    /* two shards' lines of the same query */
    assert_int_equal(stats_table_add(&t, (const char *)out.data, out.len - 1, "f:1", &err), LOCI_OK);
    assert_int_equal(stats_table_add(&t, (const char *)out.data, out.len - 1, "f:2", &err), LOCI_OK);
    assert_int_equal(t.n, 1);
    struct stats_entry *e = stats_table_find(&t, "q1");
    assert_non_null(e);
    assert_string_equal(e->query, "caf\xc3\xa9 \"x\"");
    assert_int_equal(loci_global_stats_passages(e->s), 14);
    assert_int_equal(loci_global_stats_tokens(e->s), 60);
    assert_int_equal(gstats_seal(e->s), LOCI_OK);
    assert_int_equal(gstats_df(e->s, "caf\xc3\xa9", 5), 4);
    assert_int_equal(gstats_df(e->s, "a\"b", 3), 2);
    assert_null(stats_table_find(&t, "q2"));
    assert_int_equal(stats_table_check(&t, "f", &err), LOCI_OK);
    /* another query summed over one shard only: a mixed file */
    const char *one = "{\"qid\": \"q2\", \"passages\": 7, \"tokens\": 30, \"df\": {}}";
    assert_int_equal(stats_table_add(&t, one, strlen(one), "f:3", &err), LOCI_OK);
    assert_int_equal(stats_table_check(&t, "f", &err), LOCI_EFORMAT);
    assert_non_null(strstr(err.message, "mixes"));
    stats_table_free(&t);
    buf_free(&out);
    loci_global_stats_free(s);
}

/* Thousands of queries from several shards, lines interleaved: each sum
 * is found again (the table's hash, grown many times). */
static void test_stats_many_queries(void **state)
{
    (void)state;
    struct stats_table t = {0};
    loci_error err;
    char line[200];
    for (int part = 0; part < 3; part++)
        for (int q = 0; q < 3000; q++) {
            int n = snprintf(line, sizeof line,
                             "{\"qid\": \"q%d\", \"passages\": 10, \"tokens\": 50, "
                             "\"df\": {\"t%d\": %d}}",
                             q, q % 7, part + 1);
            assert_int_equal(stats_table_add(&t, line, (size_t)n, "f:1", &err), LOCI_OK);
        }
    assert_int_equal(t.n, 3000);
    assert_int_equal(stats_table_check(&t, "f", &err), LOCI_OK);
    for (int q = 0; q < 3000; q += 7) {
        char qid[16], term[8];
        snprintf(qid, sizeof qid, "q%d", q);
        snprintf(term, sizeof term, "t%d", q % 7);
        struct stats_entry *e = stats_table_find(&t, qid);
        assert_non_null(e);
        assert_string_equal(e->qid, qid);
        assert_int_equal(loci_global_stats_passages(e->s), 30);
        assert_int_equal(gstats_seal(e->s), LOCI_OK);
        assert_int_equal(gstats_df(e->s, term, strlen(term)), 6);
    }
    assert_null(stats_table_find(&t, "q3000"));
    stats_table_free(&t);
}

static void test_stats_refused(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "{",
        "{\"qid\": \"1\", \"passages\": 1, \"tokens\": 1}",                 /* no df */
        "{\"qid\": \"1\", \"passages\": -1, \"tokens\": 1, \"df\": {}}",
        "{\"qid\": \"1\", \"passages\": 1.5, \"tokens\": 1, \"df\": {}}",
        "{\"qid\": \"1\", \"passages\": 1, \"tokens\": 1, \"df\": {\"a\": 1}} x",
        "{\"qid\": \"1\", \"passages\": 99999999999999999999, \"tokens\": 1, \"df\": {}}",
        "{\"qid\": \"1\", \"passages\": 1, \"tokens\": 1, \"df\": {\"\xff\": 1}}",
        "{\"qid\": \"1\", \"passages\": 1, \"tokens\": 1, \"df\": {\"a\": 1}, \"df\": {}}",
        "{\"qid\": 1, \"passages\": 1, \"tokens\": 1, \"df\": {}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct stats_table t = {0};
        loci_error err;
        int rc = stats_table_add(&t, bad[i], strlen(bad[i]), "file:9", &err);
        if (rc != LOCI_EFORMAT)
            fail_msg("accepted: %s", bad[i]);
        assert_non_null(strstr(err.message, "file:9"));
        assert_null(strchr(err.message, '\n'));
        stats_table_free(&t);
    }
    /* the same query with two texts */
    struct stats_table t = {0};
    loci_error err;
    const char *a = "{\"qid\": \"1\", \"query\": \"x\", \"passages\": 1, \"tokens\": 1, \"df\": {}}";
    const char *b = "{\"qid\": \"1\", \"query\": \"y\", \"passages\": 1, \"tokens\": 1, \"df\": {}}";
    assert_int_equal(stats_table_add(&t, a, strlen(a), "f:1", &err), LOCI_OK);
    assert_int_equal(stats_table_add(&t, b, strlen(b), "f:2", &err), LOCI_EFORMAT);
    stats_table_free(&t);
}

static void test_run_lines(void **state)
{
    (void)state;
    struct run_hit h = {0};
    loci_error err;
    const char *json = "{\"qid\": \"7\", \"query\": \"a b\", \"rank\": 2, \"score\": "
                       "1.2345678901234567, \"doc\": \"d\\u00e9\", \"doc_id\": 3, \"passage\": 9, "
                       "\"ordinal\": 1, \"line\": 4, \"byte_start\": 10, \"byte_end\": 15, "
                       "\"text\": \"a b c\", \"highlights\": [[0, 1], [2, 3]], "
                       "\"explain\": [{\"clause\": \"a\", \"tf\": 1}]}";
    assert_int_equal(run_parse_line(&h, json, strlen(json), "r:1", &err), LOCI_OK);
    assert_true(h.json);
    assert_false(h.skip);
    assert_string_equal((const char *)h.qid.data, "7");
    assert_string_equal((const char *)h.doc.data, "d\xc3\xa9");
    assert_true(h.score == 1.2345678901234567);
    assert_int_equal(h.passage, 9);
    assert_int_equal(h.ordinal, 1);
    assert_int_equal(h.nspans, 2);
    assert_int_equal(h.spans[1].end, 3);
    const char *trec = "7 Q0 some/doc#3 12 0.500000000000000011 tag";
    assert_int_equal(run_parse_line(&h, trec, strlen(trec), "r:2", &err), LOCI_OK);
    assert_false(h.json);
    assert_string_equal((const char *)h.doc.data, "some/doc#3");
    assert_int_equal(h.rank, 12);
    assert_true(h.score == 0.5);
    const char *end = "{\"qid\": \"7\", \"query\": \"a\", \"end\": true, \"hits\": 0, \"total\": -1}";
    assert_int_equal(run_parse_line(&h, end, strlen(end), "r:3", &err), LOCI_OK);
    assert_true(h.skip);
    const char *bad[] = {"7 Q0 doc", "7 Q0 doc 1 x tag", "7 Q0 doc 1 0.5 tag extra",
                         "{\"qid\": \"7\", \"doc\": \"d\"}",
                         ("{\"qid\": \"7\", \"score\": 1, \"doc\": \"d\", \"text\": \"ab\", "
                          "\"highlights\": [[0, 3]]}"),
                         "{\"qid\": \"7\", \"score\": 1e999, \"doc\": \"d\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (run_parse_line(&h, bad[i], strlen(bad[i]), "r:4", &err) != LOCI_EFORMAT)
            fail_msg("accepted: %s", bad[i]);
        assert_non_null(strstr(err.message, "r:4"));
    }
    run_hit_free(&h);
}

static void test_exact_decimals(void **state)
{
    (void)state;
    double v[] = {1.0, 0.1, 1.0 / 3, 12.345678901234567, 1e-9 / 7, 0.0};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        int d = shardio_exact_decimals(v[i], 6);
        assert_true(d >= 6);
        char s[400];
        snprintf(s, sizeof s, "%.*f", d, v[i]);
        assert_true(strtod(s, NULL) == v[i]);
        if (d > 6) { /* the fewest */
            snprintf(s, sizeof s, "%.*f", d - 1, v[i]);
            assert_true(strtod(s, NULL) != v[i]);
        }
    }
    assert_int_equal(shardio_exact_decimals(1.0, 6), 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_round_trip),
        cmocka_unit_test(test_stats_many_queries),
        cmocka_unit_test(test_stats_refused),
        cmocka_unit_test(test_run_lines),
        cmocka_unit_test(test_exact_decimals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
