/*
 * test_json.c — reading fields of JSON Lines records (escapes, numbers,
 * nulls, skipped nested values, errors with offsets) and writing JSON
 * strings (escapes, invalid UTF-8, round trips).
 */
#include "testutil.h"

#include "json.h"

struct fields {
    struct json_field f[3];
};

static void init(struct fields *s)
{
    memset(s, 0, sizeof *s);
    s->f[0].name = "id";
    s->f[1].name = "title";
    s->f[2].name = "text";
}

static void done(struct fields *s)
{
    for (int i = 0; i < 3; i++)
        buf_free(&s->f[i].value);
}

static int parse(struct fields *s, const char *json, size_t *off, const char **why)
{
    return json_extract(json, strlen(json), s->f, 3, off, why);
}

static void assert_value(const struct json_field *f, const char *want, size_t len)
{
    assert_int_equal(f->found, 1);
    assert_int_equal(f->value.len, len);
    assert_memory_equal(f->value.data, want, len);
}

static void test_fields(void **state)
{
    (void)state;
    struct fields s;
    init(&s);
    size_t off;
    const char *why;
    assert_int_equal(parse(&s, " {\"id\": 12, \"skip\": {\"a\": [1, \"}]\", {\"b\": null}], \"c\": true},"
                               "\"title\": null, \"text\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"} ",
                           &off, &why),
                     0);
    assert_value(&s.f[0], "12", 2);
    assert_int_equal(s.f[1].found, 0);
    assert_value(&s.f[2], "a\"b\\c/d\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80", 18);
    /* numbers, lone surrogates, duplicates (last wins), missing fields */
    assert_int_equal(parse(&s, "{\"id\": -1.5e3, \"text\": \"x\\ud800y\", \"text\": \"z\\udc00\"}", &off, &why), 0);
    assert_value(&s.f[0], "-1.5e3", 6);
    assert_value(&s.f[2], "z\xef\xbf\xbd", 4);
    assert_int_equal(s.f[1].found, 0);
    assert_int_equal(parse(&s, "{}", &off, &why), 0);
    assert_int_equal(s.f[0].found + s.f[1].found + s.f[2].found, 0);
    done(&s);
}

static void expect_error(const char *json, size_t want_off, const char *want_why)
{
    struct fields s;
    init(&s);
    size_t off = 999;
    const char *why = NULL;
    assert_int_equal(parse(&s, json, &off, &why), LOCI_EFORMAT);
    assert_non_null(why);
    if (strstr(why, want_why) == NULL)
        fail_msg("%s: got \"%s\", want \"%s\"", json, why, want_why);
    assert_int_equal(off, want_off);
    done(&s);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("{\"text\": \"abc", 13, "unterminated"); /* at the end */
    expect_error("{\"text\" \"abc\"}", 8, "expected ':'");
    expect_error("{\"text\": \"abc\",}", 15, "expected a string key");
    expect_error("{\"text\": \"a\\qb\"}", 11, "bad escape");
    expect_error("{\"text\": \"a\x01\"}", 11, "control character");
    expect_error("[1, 2]", 0, "expected '{'");
    expect_error("{\"text\": \"a\"} x", 14, "trailing characters");
    expect_error("{\"text\": true}", 9, "not a string or number");
    expect_error("{\"n\": 01}", 7, "expected ',' or '}'");
    char deep[300] = "{\"a\": ";
    for (int i = 0; i < 100; i++)
        strcat(deep, "[");
    expect_error(deep, 6 + JSON_MAX_DEPTH - 1, "nesting too deep");
}

static void test_put_string(void **state)
{
    (void)state;
    struct buf b = {0};
    assert_int_equal(json_put_string(&b, "a\"b\\c\n\x01\t", 8), 0);
    const char *want = "\"a\\\"b\\\\c\\n\\u0001\\t\"";
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.data, want, b.len);
    b.len = 0;
    /* invalid bytes: one \ufffd per maximal subpart; valid UTF-8 kept */
    assert_int_equal(json_put_string(&b, "\xff\xc3\xa9\xe2\x82", 5), 0);
    want = "\"\\ufffd\xc3\xa9\\ufffd\"";
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.data, want, b.len);
    buf_free(&b);
}

static void test_round_trip_random(void **state)
{
    (void)state;
    uint64_t seed = 11;
    static const char *const pieces[] = {"a", "\"", "\\", "\n", "\x1f", "\xc3\xa9", "\xe2\x82\xac",
                                         "\xf0\x9f\x98\x80", " ", "/", "\x7f"};
    struct buf text = {0}, json = {0};
    struct fields s;
    init(&s);
    for (int round = 0; round < 500; round++) {
        text.len = 0;
        int n = (int)(tu_rand(&seed) % 40);
        for (int i = 0; i < n; i++) {
            const char *p = pieces[tu_rand(&seed) % 11];
            buf_append(&text, p, strlen(p));
        }
        json.len = 0;
        buf_append(&json, "{\"text\": ", 9);
        assert_int_equal(json_put_string(&json, (const char *)text.data, text.len), 0);
        buf_putc(&json, '}');
        size_t off;
        const char *why;
        assert_int_equal(json_extract((const char *)json.data, json.len, s.f, 3, &off, &why), 0);
        assert_value(&s.f[2], (const char *)text.data, text.len);
    }
    buf_free(&text);
    buf_free(&json);
    done(&s);
}

/* Escapes, quotes and control characters at every offset of a long
 * string, so the eight-byte scan stops at each of them wherever they fall. */
static void test_long_strings(void **state)
{
    (void)state;
    static const char *const specials[] = {"\\n", "\\\"", "\\\\", "\\u00e9"};
    static const char *const decoded[] = {"\n", "\"", "\\", "\xc3\xa9"};
    struct fields s;
    init(&s);
    for (size_t pre = 0; pre < 24; pre++) {
        for (size_t k = 0; k < 4; k++) {
            char json[128], want[64];
            char plain[32];
            memset(plain, 'x', pre);
            plain[pre] = '\0';
            snprintf(json, sizeof json, "{\"text\": \"%s%sabcdefghijklmnop\"}", plain, specials[k]);
            int wn = snprintf(want, sizeof want, "%s%sabcdefghijklmnop", plain, decoded[k]);
            size_t off;
            const char *why;
            assert_int_equal(parse(&s, json, &off, &why), 0);
            assert_value(&s.f[2], want, (size_t)wn);
        }
        /* a raw control character is an error at its own column */
        char bad[64];
        snprintf(bad, sizeof bad, "{\"text\": \"%.*s\tabcdefghij\"}", (int)pre,
                 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        size_t off;
        const char *why;
        assert_int_equal(parse(&s, bad, &off, &why), LOCI_EFORMAT);
        assert_int_equal(off, 10 + pre);
    }
    done(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_long_strings),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_put_string),
        cmocka_unit_test(test_round_trip_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
