/*
 * fuzz_build.c — libFuzzer target for the indexing pipeline on outside
 * text: passage splitting (indexer/passage.c), inversion, run files,
 * merging, writing (format 4: a manifest and one segment), and reading
 * the result back.
 *
 * Input: byte 0 picks the options (passage mode and size, stemming,
 * invalid UTF-8 replaced or refused); the rest is split at 0x1E (ASCII
 * record separator) into up to 16 documents. The index is built in a
 * scratch directory on tmpfs. Refusals (invalid UTF-8 when not replaced,
 * nothing to index) are fine. A build that succeeds must pass its own
 * loci_index_check, count the documents it was given, and every passage
 * must read back as the bytes of its document at its byte range, with the
 * document's name and the line of its first byte.
 */
#include "fuzzutil.h" /* first: it asks for XSI (nftw) */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loci.h"

#define MAXDOCS 16

static char dir[300];

static void fail(const char *what, const loci_error *err)
{
    fprintf(stderr, "fuzz_build: %s%s%s\n", what, err ? ": " : "", err ? err->message : "");
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *base = fuzz_scratch("fuzz_build");
    snprintf(dir, sizeof dir, "%s/index", base);
    return 0;
}

struct doc {
    const char *text;
    size_t len;
};

static void check_index(const struct doc *docs, size_t ndocs)
{
    loci_index *idx;
    loci_error err;
    if (loci_index_open(dir, &idx, &err))
        fail("a fresh index does not open", &err);
    if (loci_index_check(idx, &err))
        fail("a fresh index fails its check", &err);
    loci_index_stats st;
    loci_index_stats_get(idx, &st);
    if (st.documents != ndocs)
        fail("document count differs from the documents added", NULL);
    /* format 4: a whole build is a manifest and one segment, nothing deleted */
    if (st.segments != 1 || st.deleted_documents != 0)
        fail("a fresh index is not one segment without deletions", NULL);
    for (uint64_t i = 0; i < st.passages; i++) {
        loci_passage p;
        if (loci_passage_get(idx, (uint32_t)i, &p, &err))
            fail("a passage of a fresh index cannot be read", &err);
        if (p.doc >= ndocs)
            fail("passage of a document that was not added", NULL);
        const struct doc *d = &docs[p.doc];
        if (p.byte_start > p.byte_end || p.byte_end > d->len)
            fail("passage outside its document", NULL);
        if (p.text_len != p.byte_end - p.byte_start ||
            (p.text_len && memcmp(p.text, d->text + p.byte_start, p.text_len)))
            fail("passage text is not its document's bytes", NULL);
        char name[16];
        int n = snprintf(name, sizeof name, "d%u", p.doc);
        if (p.doc_name_len != (size_t)n || memcmp(p.doc_name, name, (size_t)n))
            fail("passage has another document's name", NULL);
        uint32_t line = 1;
        for (uint64_t j = 0; j < p.byte_start; j++)
            line += d->text[j] == '\n';
        if (p.line != line) {
            fprintf(stderr, "fuzz_build: passage %llu: line %u, its first byte is on line %u\n",
                    (unsigned long long)i, p.line, line);
            abort();
        }
    }
    loci_index_close(idx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned opt = data[0];
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = opt & 1 ? "english" : "none";
    o.replace_invalid_utf8 = (opt >> 1) & 1;
    o.passage_mode = (loci_passage_mode)((opt >> 2) % 3);
    o.passage_tokens = 1 + (opt >> 4);     /* 1..16: small, so windows are cut */
    o.passage_stride = (opt & 0x40) ? 1 + (opt >> 6) : 0;
    o.threads = 1;
    o.memory = 1u << 20;                  /* small batches: several runs to merge */

    struct doc docs[MAXDOCS];
    size_t ndocs = 0;
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    while (ndocs < MAXDOCS) {
        const char *sep = memchr(p, 0x1e, (size_t)(end - p));
        if (!sep || ndocs == MAXDOCS - 1)
            sep = end;
        docs[ndocs].text = p;
        docs[ndocs].len = (size_t)(sep - p);
        ndocs++;
        if (sep == end)
            break;
        p = sep + 1;
    }

    loci_builder *b;
    loci_error err;
    if (loci_builder_new(dir, &o, &b, &err))
        fail("loci_builder_new", &err);
    int rc = 0;
    for (size_t i = 0; i < ndocs && !rc; i++) {
        char name[16];
        snprintf(name, sizeof name, "d%zu", i);
        rc = loci_builder_add_document(b, name, NULL, docs[i].text, docs[i].len, 1, &err);
    }
    if (!rc)
        rc = loci_builder_finish(b, NULL, &err);
    loci_builder_free(b);
    if (rc == LOCI_OK)
        check_index(docs, ndocs);
    else if (rc != LOCI_EUTF8 && rc != LOCI_EEMPTY)
        fail("the build failed", &err);
    return 0;
}
