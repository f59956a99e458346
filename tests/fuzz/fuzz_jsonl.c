/*
 * fuzz_jsonl.c — libFuzzer target for the JSON Lines input path.
 *
 * Three views of the same bytes, all through module APIs (json.h,
 * input.h) so that the target survives a rewrite of the reader's
 * internals:
 *  1. json_extract on the whole input as one record (fields id, title,
 *     text): no crash, no leak, and on success the values are no longer
 *     than the input and valid UTF-8 whenever the input is (escapes only
 *     produce valid code points; a lone surrogate becomes U+FFFD).
 *  2. json_put_string on the input, then json_extract of {"text": that}:
 *     the literal is valid UTF-8 and, for valid UTF-8 input, reads back as
 *     the input itself.
 *  2b. json_extract_source, the parser a record too large for memory
 *     goes through, fed the same bytes a few at a time (the split driven
 *     by the input itself) with the text field spilling every few bytes:
 *     the same status, values and error offset as json_extract.
 *  3. The reader end to end: the bytes become a file (a memfd, reached as
 *     /proc/self/fd/N) read by input_add_path as JSONL, non-strict. Every
 *     document handed to the callback must be well formed, lines must
 *     increase, and for plain files the documents must be, in order, the
 *     non-blank lines as json_extract reads them, with their line numbers
 *     (input.h's contract, checked against a model built here). Errors are
 *     fine; crashes, leaks and hangs are not.
 *
 * The reader costs about a millisecond per input (it reserves 256 KiB
 * read buffers, and ASan maps and unmaps every large block), 40 times
 * what 1 and 2 cost, so the same file built with -DFUZZ_JSON_ONLY is a
 * second target, fuzz_json, that runs 1 and 2 alone at full speed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analyzer.h"
#include "buf.h"
#include "input.h"
#include "json.h"

#ifndef FUZZ_JSON_ONLY
static int fd = -1;
static char path[64];
#endif

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_jsonl: %s\n", what);
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef FUZZ_JSON_ONLY
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fd = memfd_create("fuzz_jsonl", 0);
    if (fd < 0) {
        /* no memfd: a temporary file, unlinked at once, reached the same way */
        char tmpl[] = "/tmp/fuzz_jsonl-XXXXXX";
        fd = mkstemp(tmpl);
        if (fd < 0)
            fail("cannot create a scratch file");
        unlink(tmpl);
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return 0;
}
#endif

static void check_extract(const uint8_t *data, size_t size)
{
    struct json_field f[3] = {{.name = "id"}, {.name = "title"}, {.name = "text"}};
    size_t off = 0;
    const char *why = NULL;
    int rc = json_extract((const char *)data, size, f, 3, &off, &why);
    if (rc == LOCI_OK) {
        int valid = utf8_valid((const char *)data, size, NULL);
        for (int i = 0; i < 3; i++) {
            if (!f[i].found)
                continue;
            if (f[i].value.len > size)
                fail("json_extract: a value longer than the record");
            if (valid && !utf8_valid((const char *)f[i].value.data, f[i].value.len, NULL))
                fail("json_extract: invalid UTF-8 value from a valid UTF-8 record");
        }
    } else if (rc == LOCI_EFORMAT) {
        if (!why || off > size)
            fail("json_extract: error without a reason or offset past the end");
    } else if (rc != LOCI_ENOMEM) {
        fail("json_extract: unexpected status");
    }
    for (int i = 0; i < 3; i++)
        buf_free(&f[i].value);
}

static void check_roundtrip(const uint8_t *data, size_t size)
{
    struct buf lit = {0};
    if (buf_append(&lit, "{\"text\":", 8) || json_put_string(&lit, (const char *)data, size) ||
        buf_append(&lit, "}", 1)) {
        buf_free(&lit);
        return; /* out of memory */
    }
    if (!utf8_valid((const char *)lit.data, lit.len, NULL))
        fail("json_put_string: invalid UTF-8 output");
    struct json_field f = {.name = "text"};
    size_t off;
    const char *why;
    int rc = json_extract((const char *)lit.data, lit.len, &f, 1, &off, &why);
    if (rc == LOCI_OK) {
        if (!f.found)
            fail("json_put_string: its literal has no value");
        if (utf8_valid((const char *)data, size, NULL) &&
            (f.value.len != size || (size && memcmp(f.value.data, data, size))))
            fail("json_put_string then json_extract does not give the input back");
    } else if (rc != LOCI_ENOMEM) {
        fprintf(stderr, "fuzz_jsonl: json_extract rejects json_put_string's literal: %s at %zu\n",
                why, off);
        abort();
    }
    buf_free(&f.value);
    buf_free(&lit);
}

#ifndef FUZZ_JSON_ONLY
/* What input.h promises for a plain (not gzip, not binary) file: each
 * non-blank line is one record, in order, and a document is what
 * json_extract makes of its line. A blank line holds only JSON whitespace
 * other than the newline that ends it. The reader stops at the first bad
 * record, so the documents it delivers are a prefix of these lines. */
struct line {
    size_t off, len;
    unsigned no;
};

struct seen {
    const uint8_t *data;
    struct line *lines;   /* non-blank lines; NULL when the model does not apply */
    size_t nlines;
    unsigned last_line;
    size_t docs;
    size_t max_line;      /* newlines in the input + 1 */
};

static int blank_line(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

static void same_bytes(const char *what, const char *a, size_t na, const void *b, size_t nb)
{
    if (na != nb || (na && memcmp(a, b, na))) {
        fprintf(stderr, "fuzz_jsonl: input_doc: %s differs from json_extract of its line\n", what);
        abort();
    }
}

/* Compare document d with the model's k-th non-blank line. */
static void check_model(const struct seen *s, const struct input_doc *d)
{
    if (s->docs >= s->nlines)
        fail("input_doc: more documents than non-blank lines");
    const struct line *l = &s->lines[s->docs];
    if (d->line != l->no) {
        fprintf(stderr, "fuzz_jsonl: document %zu: line %u, but its record is on line %u\n",
                s->docs + 1, d->line, l->no);
        abort();
    }
    struct json_field f[3] = {{.name = "id"}, {.name = "title"}, {.name = "text"}};
    size_t off;
    const char *why;
    if (json_extract((const char *)s->data + l->off, l->len, f, 3, &off, &why) != LOCI_OK ||
        !f[2].found)
        fail("input_doc: a document from a line json_extract rejects");
    same_bytes("text", d->text, d->text_len, f[2].value.data, f[2].value.len);
    /* an empty title may come as NULL: only the bytes count */
    same_bytes("title", d->title, d->title_len, f[1].value.data, f[1].found ? f[1].value.len : 0);
    if (f[0].found) {
        same_bytes("name", d->name, d->name_len, f[0].value.data, f[0].value.len);
    } else {
        char name[128];
        int n = snprintf(name, sizeof name, "%s:%u", path, l->no);
        same_bytes("fallback name", d->name, d->name_len, name, (size_t)n);
    }
    for (int i = 0; i < 3; i++)
        buf_free(&f[i].value);
}

static int on_doc(void *ctx, const struct input_doc *d, loci_error *err)
{
    (void)err;
    struct seen *s = ctx;
    if (!d->source || strcmp(d->source, path) != 0)
        fail("input_doc: source is not the path read");
    if (d->name_len > 0 && !d->name)
        fail("input_doc: name_len without name");
    if (d->text_len > 0 && !d->text)
        fail("input_doc: text_len without text");
    if (d->title_len > 0 && !d->title)
        fail("input_doc: title_len without title");
    if (d->line < 1 || d->line > s->max_line)
        fail("input_doc: line outside the file");
    if (s->docs > 0 && d->line <= s->last_line)
        fail("input_doc: lines not increasing");
    if (!d->line_is_record)
        fail("input_doc: a JSONL document without line_is_record");
    /* touch every byte, so ASan sees any pointer past its buffer */
    volatile unsigned sum = 0;
    for (size_t i = 0; i < d->name_len; i++)
        sum += (unsigned char)d->name[i];
    for (size_t i = 0; i < d->text_len; i++)
        sum += (unsigned char)d->text[i];
    for (size_t i = 0; i < d->title_len; i++)
        sum += (unsigned char)d->title[i];
    (void)sum;
    if (s->lines)
        check_model(s, d);
    s->last_line = d->line;
    s->docs++;
    return 0;
}

static void check_reader(const uint8_t *data, size_t size)
{
    if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
        fail("cannot write the scratch file");
    struct input_options o = {.format = LOCI_INPUT_JSONL, .strict = 0};
    struct input_stats st = {0};
    struct seen s = {.data = data, .max_line = 1};
    for (size_t i = 0; i < size; i++)
        s.max_line += data[i] == '\n';
    int gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    int binary = memchr(data, '\0', size < 8192 ? size : 8192) != NULL;
    if (gzip) {
        s.max_line = (size_t)-1; /* decompressed: any line count is possible */
    } else if (!binary) {
        s.lines = malloc((s.max_line) * sizeof *s.lines);
        if (!s.lines)
            fail("out of memory");
        size_t start = 0;
        unsigned no = 1;
        for (size_t i = 0; i <= size; i++) {
            if (i < size && data[i] != '\n')
                continue;
            if (!blank_line(data + start, i - start))
                s.lines[s.nlines++] = (struct line){start, i - start, no};
            no++;
            start = i + 1;
        }
    }
    loci_error err;
    memset(&err, 0, sizeof err);
    int rc = input_add_path(&o, path, on_doc, &s, &st, &err);
    if (rc != LOCI_OK) {
        if (rc > 0 || rc < LOCI_EFORMAT)
            fail("input_add_path: not a LOCI_E* status");
        if (!memchr(err.message, '\0', sizeof err.message) || strchr(err.message, '\n') ||
            err.message[0] == '\0')
            fail("input_add_path: error message not one line");
    } else if (s.lines && s.docs != s.nlines) {
        fail("input_add_path: succeeded without a document for every non-blank line");
    }
    if (st.documents != s.docs)
        fail("input_add_path: stats.documents differs from the callbacks");
    free(s.lines);
}
#endif

/* 2b: a source that hands out the record a few bytes at a time. */
struct trickle {
    struct json_source src;
    const uint8_t *data;
    size_t size, given;
    char *buf;
    unsigned step;
};

static int trickle_more(struct json_source *src, size_t keep)
{
    struct trickle *t = src->ctx;
    if (t->given == t->size)
        return 0;
    /* the piece sizes come from the bytes themselves: 1 to 8 */
    size_t n = 1 + (t->data[t->given] + t->step++) % 8;
    if (n > t->size - t->given)
        n = t->size - t->given;
    size_t kept = src->len - keep;
    char *nb = malloc(kept + n + 1); /* a fresh buffer: stale pointers show */
    if (!nb)
        return LOCI_ENOMEM;
    memcpy(nb, src->data + keep, kept);
    memcpy(nb + kept, t->data + t->given, n);
    free(t->buf);
    t->buf = nb;
    t->given += n;
    src->data = nb;
    src->len = kept + n;
    src->off += keep;
    return 1;
}

static int spill_to(void *ctx, struct json_field *f, int reset)
{
    struct buf *b = ctx;
    if (reset)
        b->len = 0;
    else if (buf_append(b, f->value.data, f->value.len))
        return LOCI_ENOMEM;
    return LOCI_OK;
}

static void check_source(const uint8_t *data, size_t size)
{
    struct json_field a[3] = {{.name = "id"}, {.name = "title"}, {.name = "text"}};
    struct json_field b[3] = {{.name = "id"}, {.name = "title"}, {.name = "text"}};
    struct buf spilled = {0};
    b[2].spill = spill_to;
    b[2].spill_ctx = &spilled;
    b[2].spill_over = 1 + (size ? data[0] % 8 : 0);
    size_t off_a = 0;
    uint64_t off_b = 0;
    const char *why_a = NULL, *why_b = NULL;
    int rc_a = json_extract((const char *)data, size, a, 3, &off_a, &why_a);
    struct trickle t = {{0}, data, size, 0, NULL, 0};
    t.src.more = trickle_more;
    t.src.ctx = &t;
    t.src.data = "";
    int rc_b = json_extract_source(&t.src, b, 3, &off_b, &why_b);
    if (rc_a == LOCI_ENOMEM || rc_b == LOCI_ENOMEM) {
        /* nothing to compare */
    } else if (rc_a != rc_b) {
        fail("json_extract_source: another status than json_extract");
    } else if (rc_a) {
        if (off_a != off_b || !why_a || !why_b || strcmp(why_a, why_b))
            fail("json_extract_source: another error than json_extract");
    } else {
        for (int i = 0; i < 3; i++) {
            if (a[i].found != b[i].found)
                fail("json_extract_source: another field found");
            if (!a[i].found)
                continue;
            const struct buf *head = i == 2 ? &spilled : NULL;
            size_t hl = head ? head->len : 0;
            if (a[i].value.len != hl + b[i].value.len ||
                (hl && memcmp(a[i].value.data, head->data, hl)) ||
                (b[i].value.len && memcmp(a[i].value.data + hl, b[i].value.data, b[i].value.len)))
                fail("json_extract_source: another value than json_extract");
        }
    }
    for (int i = 0; i < 3; i++) {
        buf_free(&a[i].value);
        buf_free(&b[i].value);
    }
    buf_free(&spilled);
    free(t.buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_extract(data, size);
    check_roundtrip(data, size);
    check_source(data, size);
#ifndef FUZZ_JSON_ONLY
    check_reader(data, size);
#endif
    return 0;
}
