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

/* A source that hands out a record a few bytes at a time, dropping what
 * was parsed into a fresh allocation each time (so a parser that kept a
 * pointer into dropped bytes fails under ASan). */
struct trickle {
    struct json_source src;
    const char *text;
    size_t len, given;
    char *buf;
    uint64_t *seed;
};

static int trickle_more(struct json_source *src, size_t keep)
{
    struct trickle *t = src->ctx;
    if (t->given == t->len)
        return 0;
    size_t n = 1 + tu_rand(t->seed) % 7;
    if (n > t->len - t->given)
        n = t->len - t->given;
    size_t kept = src->len - keep;
    char *nb = malloc(kept + n + 1);
    assert_non_null(nb);
    memcpy(nb, src->data + keep, kept);
    memcpy(nb + kept, t->text + t->given, n);
    free(t->buf);
    t->buf = nb;
    t->given += n;
    src->data = nb;
    src->len = kept + n;
    src->off += keep;
    return 1;
}

struct store {
    struct buf b;
};

static int spill_to_store(void *ctx, struct json_field *f, int reset)
{
    struct store *st = ctx;
    if (reset)
        st->b.len = 0;
    else
        assert_int_equal(buf_append(&st->b, f->value.data, f->value.len), 0);
    return 0;
}

/* json_extract_source on a record trickling in gives what json_extract
 * gives on it whole: the same values (spilled or not), or the same error
 * at the same offset. */
static void check_stream_same(const char *json, size_t len, uint64_t *seed)
{
    struct fields a, b;
    init(&a);
    init(&b);
    size_t off_a = 0;
    const char *why_a = NULL, *why_b = NULL;
    int rc_a = json_extract(json, len, a.f, 3, &off_a, &why_a);
    struct store st = {{0}};
    b.f[2].spill = spill_to_store;
    b.f[2].spill_ctx = &st;
    b.f[2].spill_over = 1 + tu_rand(seed) % 8;
    struct trickle t = {{0}, json, len, 0, NULL, seed};
    t.src.more = trickle_more;
    t.src.ctx = &t;
    t.src.data = "";
    uint64_t off_b = 0;
    int rc_b = json_extract_source(&t.src, b.f, 3, &off_b, &why_b);
    if (rc_a != rc_b)
        fail_msg("%.*s: %d whole, %d streamed", (int)len, json, rc_a, rc_b);
    if (rc_a) {
        assert_int_equal(off_a, off_b);
        assert_string_equal(why_a, why_b);
    } else {
        for (int i = 0; i < 3; i++) {
            assert_int_equal(a.f[i].found, b.f[i].found);
            struct buf *v = &b.f[i].value;
            if (i == 2) {
                assert_int_equal(st.b.len, b.f[2].spilled);
                buf_append(&st.b, v->data, v->len);
                v = &st.b;
            }
            if (a.f[i].found) {
                assert_int_equal(a.f[i].value.len, v->len);
                assert_memory_equal(a.f[i].value.data, v->data, v->len);
            }
        }
    }
    free(t.buf);
    buf_free(&st.b);
    done(&a);
    done(&b);
}

static void test_source_equals_whole(void **state)
{
    (void)state;
    uint64_t seed = 5;
    static const char *const records[] = {
        " {\"id\": 12, \"skip\": {\"a\": [1, \"}]\", {\"b\": null}], \"c\": true},\"title\": null, \"text\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"} ",
        "{\"id\": -1.5e3, \"text\": \"x\\ud800y\", \"text\": \"z\\udc00\"}",
        "{\"text\": \"long long long long text\", \"id\": 0, \"text\": \"again, longer than before\"}",
        "{\"text\": \"abc", "{\"text\" \"abc\"}", "{\"text\": \"abc\",}", "{\"text\": \"a\\qb\"}",
        "{\"text\": \"a\x01\"}", "[1, 2]", "{\"text\": \"a\"} x", "{\"text\": true}",
        "{\"n\": 01}", "{\"n\": 1.}", "{\"n\": 1e+}", "{\"n\": -}", "{\"text\": nul}",
        "{\"text\": \"\\u12\"}", "{\"text\": \"\\ud800\\u12\"}", "   ", "", "{}",
        "{\"a_very_long_key_that_matches_nothing\": \"v\", \"text\": \"t\"}",
        "{\"title\": 1e5, \"text\": \"\\\"\"}"};
    for (size_t i = 0; i < sizeof records / sizeof *records; i++)
        for (int k = 0; k < 20; k++)
            check_stream_same(records[i], strlen(records[i]), &seed);
    /* random records and random damage to them */
    static const char *const pieces[] = {"a", "\"", "\\", "\n", "\xc3\xa9", " ", "\\u00e9",
                                         "\\ud83d\\ude00", "\\n", "/"};
    struct buf json = {0}, text = {0};
    for (int round = 0; round < 2000; round++) {
        text.len = 0;
        int n = (int)(tu_rand(&seed) % 60);
        for (int i = 0; i < n; i++) {
            const char *p = pieces[tu_rand(&seed) % 10];
            buf_append(&text, p, strlen(p));
        }
        json.len = 0;
        const char *head = round % 3 ? "{\"id\": 42, \"text\": " : "{\"x\": [1.5, {}], \"text\": ";
        buf_append(&json, head, strlen(head));
        assert_int_equal(json_put_string(&json, (const char *)text.data, text.len), 0);
        buf_append(&json, ", \"title\": \"T\"}", 15);
        if (round % 2) { /* damage: flip, cut or insert a byte */
            size_t at = tu_rand(&seed) % json.len;
            switch (tu_rand(&seed) % 3) {
            case 0: json.data[at] = (uint8_t)"{}[]\",:\\ 0e-"[tu_rand(&seed) % 12]; break;
            case 1: json.len = at; break;
            default: json.data[at] = '\x05'; break;
            }
        }
        check_stream_same((const char *)json.data, json.len, &seed);
    }
    buf_free(&json);
    buf_free(&text);
}

/* A capped field keeps its first bytes and says it had more. */
static void test_field_cap(void **state)
{
    (void)state;
    struct fields s;
    init(&s);
    s.f[0].cap = 4;
    s.f[1].cap = 4;
    const char *json = "{\"id\": 123456, \"title\": \"abcd\", \"text\": \"x\"}";
    size_t off;
    const char *why;
    assert_int_equal(json_extract(json, strlen(json), s.f, 3, &off, &why), 0);
    assert_value(&s.f[0], "1234", 4);
    assert_int_equal(s.f[0].overflow, 1);
    assert_value(&s.f[1], "abcd", 4);
    assert_int_equal(s.f[1].overflow, 0);
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
        cmocka_unit_test(test_source_equals_whole),
        cmocka_unit_test(test_field_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
