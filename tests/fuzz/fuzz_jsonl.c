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
 *  3. The reader end to end: the bytes become a file (a memfd, reached as
 *     /proc/self/fd/N) read by input_add_path as JSONL, non-strict. Every
 *     document handed to the callback must be well formed, and lines must
 *     increase. Errors are fine; crashes, leaks and hangs are not.
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
struct seen {
    unsigned last_line;
    size_t docs;
    size_t max_line; /* newlines in the input + 1 */
};

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
    struct seen s = {0, 0, 1};
    for (size_t i = 0; i < size; i++)
        s.max_line += data[i] == '\n';
    /* gzip input is decompressed: any line count is possible */
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        s.max_line = (size_t)-1;
    loci_error err;
    memset(&err, 0, sizeof err);
    int rc = input_add_path(&o, path, on_doc, &s, &st, &err);
    if (rc != LOCI_OK) {
        if (rc > 0 || rc < LOCI_EFORMAT)
            fail("input_add_path: not a LOCI_E* status");
        if (!memchr(err.message, '\0', sizeof err.message) || strchr(err.message, '\n') ||
            err.message[0] == '\0')
            fail("input_add_path: error message not one line");
    }
    if (st.documents != s.docs)
        fail("input_add_path: stats.documents differs from the callbacks");
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_extract(data, size);
    check_roundtrip(data, size);
#ifndef FUZZ_JSON_ONLY
    check_reader(data, size);
#endif
    return 0;
}
