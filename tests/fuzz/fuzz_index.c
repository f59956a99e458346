/*
 * fuzz_index.c — libFuzzer target for the index reader (common/reader.c,
 * common/cursor.c, searcher/) on damaged index files.
 *
 * Every index file is checksummed, so random bytes on disk only ever reach
 * the CRC check. To fuzz the parsers behind the checksums, the input is a
 * file BODY that this target wraps in a valid envelope (lfile_create /
 * lfile_write / lfile_finish: header, page CRCs and table CRC all valid):
 *
 *   input[0] & 7  selects the file (meta, lexicon, postings, positions,
 *                 lengths, passages, docs, text)
 *   input[0] & 8  "repair the trailer" (lexicon and text): the table offset
 *                 in the trailer is set to where the body's length puts the
 *                 table. Without it, any mutation that inserts or deletes
 *                 bytes in these files fails the layout check at open, so
 *                 the block decoders would see only same-length changes.
 *   input[1..]    its body
 *
 * The other seven files are hard links to a small valid index built once at
 * start-up. The damaged index is opened and, when it opens, searched
 * (pruned and exhaustive, several k), its passages fetched, located and
 * highlighted, its stats read and its checksums checked. Errors are the
 * expected outcome; a crash, an ASan/UBSan report, a leak or a hang
 * (libFuzzer -timeout) is a bug.
 *
 * Seeds: with FUZZ_INDEX_WRITE_SEEDS=DIR set, the target writes the real
 * body of each file of its index (prefixed with the selector byte) into
 * DIR and exits; tests/fuzz/index/ was made that way.
 */
#include "fuzzutil.h" /* first: it asks for XSI (nftw) */

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "format.h"
#include "lfile.h"
#include "loci.h"

static const struct {
    const char *name, *magic;
} FILES[8] = {
    {FMT_META, FMT_MAGIC_META},         {FMT_LEXICON, FMT_MAGIC_LEXICON},
    {FMT_POSTINGS, FMT_MAGIC_POSTINGS}, {FMT_POSITIONS, FMT_MAGIC_POSITIONS},
    {FMT_LENGTHS, FMT_MAGIC_LENGTHS},   {FMT_PASSAGES, FMT_MAGIC_PASSAGES},
    {FMT_DOCS, FMT_MAGIC_DOCS},         {FMT_TEXT, FMT_MAGIC_TEXT},
};

/* Words present in the documents (stems included), one absent, and
 * multi-word queries mixing frequent and rare terms. */
static const char *const QUERIES[] = {
    "common", "alpha", "bravo charlie", "common delta echo", "café 11.7",
    "zyzzyva", "alpha zyzzyva", "window words hotel india", "running",
    "termaa0 termgb6 glossary", "termzz999",
};

static char good[300], scratch[300];

/* One function per file, called by LLVMFuzzerTestOneInput (see there). */
static volatile unsigned which;
#define MARK(n) static __attribute__((noinline)) void mark##n(void) { which = which * 31 + n; }
MARK(0) MARK(1) MARK(2) MARK(3) MARK(4) MARK(5) MARK(6) MARK(7)

static void fail(const char *what, const loci_error *err)
{
    fprintf(stderr, "fuzz_index: %s%s%s\n", what, err ? ": " : "", err ? err->message : "");
    abort();
}

static void join(char *out, size_t n, const char *dir, const char *name)
{
    if ((size_t)snprintf(out, n, "%s/%s", dir, name) >= n)
        fail("path too long", NULL);
}

/* A few dozen short documents of several paragraphs: a frequent word
 * ("common", in every passage: more than one postings block), words shared
 * by some documents, a non-ASCII word and a number, and a long paragraph
 * that the paragraph limit cuts into windows. */
static void build_index(void)
{
    static const char *const W[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
                                    "golf", "hotel", "india", "juliet", "kilo", "lima"};
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "english";
    o.passage_mode = LOCI_PASSAGE_PARAGRAPH;
    o.passage_tokens = 24;
    o.threads = 1;
    o.memory = 16u << 20;
    loci_builder *b;
    loci_error err;
    if (loci_builder_new(good, &o, &b, &err))
        fail("loci_builder_new", &err);
    char text[4096], name[32];
    for (unsigned d = 0; d < 36; d++) {
        size_t n = 0;
        for (unsigned p = 0; p < 4; p++) {
            n += (size_t)snprintf(text + n, sizeof text - n, "%sThe common %s and %s %s.",
                                  p ? "\n\n" : "", W[(d + p) % 12], W[(d * 7 + p) % 12],
                                  p == 1 ? "running runs" : "");
            if (d % 5 == 0 && p == 2)
                n += (size_t)snprintf(text + n, sizeof text - n, " Café at 11.7 degrees.");
        }
        if (d % 9 == 0) {
            n += (size_t)snprintf(text + n, sizeof text - n, "\n\nwindow");
            for (unsigned i = 0; i < 40; i++)
                n += (size_t)snprintf(text + n, sizeof text - n, " words %s", W[i % 12]);
        }
        /* distinct words, so that the lexicon has several blocks of 32 terms
         * (its binary search and front coding get something to do) */
        n += (size_t)snprintf(text + n, sizeof text - n, "\n\nglossary");
        for (unsigned i = 0; i < 6; i++)
            n += (size_t)snprintf(text + n, sizeof text - n, " term%c%c%u",
                                  'a' + (d * 6 + i) % 26, 'a' + (d + i) % 7, d * 6 + i);
        snprintf(name, sizeof name, "doc%02u.txt", d);
        if (loci_builder_add_document(b, name, d % 4 ? NULL : "A title", text, n, 1, &err))
            fail("loci_builder_add_document", &err);
    }
    if (loci_builder_finish(b, NULL, &err))
        fail("loci_builder_finish", &err);
    loci_builder_free(b);
}

static void write_seed(const char *dir, const char *name, unsigned selector, const struct lfile *f)
{
    char out[600];
    join(out, sizeof out, dir, name);
    FILE *w = fopen(out, "wb");
    if (!w || fputc((int)selector, w) == EOF ||
        fwrite(f->body, 1, (size_t)f->body_len, w) != (size_t)f->body_len || fclose(w))
        fail("cannot write a seed", NULL);
}

/* One seed per file, and the lexicon and text again with "repair" set. */
static void write_seeds(const char *dir)
{
    for (unsigned i = 0; i < 8; i++) {
        char path[600];
        join(path, sizeof path, good, FILES[i].name);
        struct lfile f;
        loci_error err;
        if (lfile_open(&f, path, FILES[i].magic, &err))
            fail("lfile_open", &err);
        write_seed(dir, FILES[i].name, i, &f);
        if (i == 1 || i == 7) {
            char name[64];
            snprintf(name, sizeof name, "%s-repair", FILES[i].name);
            write_seed(dir, name, i | 8, &f);
        }
        lfile_close(&f);
    }
}

/* Make the trailer's table offset agree with the body's length (see the
 * header comment); the block count stays whatever the input says. */
static void repair_trailer(unsigned sel, uint8_t *body, size_t len)
{
    size_t trailer = sel == 1 ? LEX_TRAILER : TEXT_TRAILER, entry = sel == 1 ? 8 : TEXT_ENTRY_SIZE;
    if (len < trailer)
        return;
    uint64_t blocks = le64_get(body + len - trailer);
    if (blocks > (len - trailer) / entry)
        return;
    le64_put(body + len - trailer + 8, len - trailer - entry * blocks);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *base = fuzz_scratch("fuzz_index");
    join(good, sizeof good, base, "good");
    join(scratch, sizeof scratch, base, "scratch");
    build_index();
    const char *seeds = getenv("FUZZ_INDEX_WRITE_SEEDS");
    if (seeds && *seeds) {
        write_seeds(seeds);
        exit(0);
    }
    if (mkdir(scratch, 0755))
        fail("mkdir scratch", NULL);
    for (unsigned i = 0; i < 8; i++) {
        char from[600], to[600];
        join(from, sizeof from, good, FILES[i].name);
        join(to, sizeof to, scratch, FILES[i].name);
        if (link(from, to))
            fail("link", NULL);
    }
    return 0;
}

static void exercise(loci_index *idx)
{
    loci_error err;
    loci_index_stats st;
    loci_index_stats_get(idx, &st);
    for (size_t q = 0; q < sizeof QUERIES / sizeof *QUERIES; q++) {
        for (int mode = 0; mode < 5; mode++) {
            loci_search_options so;
            loci_search_options_init(&so);
            so.exhaustive = mode & 1;
            so.k = mode & 2 ? 10 : 1;
            if (mode == 4)
                so.group = LOCI_GROUP_DOCUMENT;
            loci_results *r;
            if (loci_search(idx, QUERIES[q], &so, &r, &err))
                continue;
            for (size_t i = 0; i < loci_results_count(r); i++) {
                const loci_hit *h = loci_results_hit(r, i);
                /* Corrupt data must fail, not yield ids a caller would index
                 * its arrays with. This also catches reads past a body that
                 * ASan cannot see: the files are mapped, not malloc'ed. */
                if (h->passage >= st.passages || h->doc >= st.documents)
                    fail("a hit outside the index", NULL);
                loci_passage p;
                if (loci_passage_get(idx, h->passage, &p, &err))
                    continue;
                loci_span *spans = NULL;
                size_t n = 0;
                if (loci_results_highlight(r, p.text, p.text_len, &spans, &n, &err) == LOCI_OK) {
                    for (size_t j = 0; j < n; j++)
                        if (spans[j].start > spans[j].end || spans[j].end > p.text_len)
                            fail("highlight span outside the passage", NULL);
                }
                free(spans);
            }
            loci_results_free(r);
        }
    }
    uint32_t ids[] = {0, 1, 7, (uint32_t)st.passages / 2, (uint32_t)st.passages - 1,
                      (uint32_t)st.passages, UINT32_MAX};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        loci_passage p;
        loci_passage_locate(idx, ids[i], &p, &err);
    }
    loci_index_check(idx, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0] & 7;
    const uint8_t *body = data + 1;
    size_t body_len = size - 1;
    uint8_t *copy = NULL;
    if ((data[0] & 8) && (sel == 1 || sel == 7)) {
        if (!(copy = malloc(body_len ? body_len : 1)))
            return 0;
        memcpy(copy, body, body_len);
        repair_trailer(sel, copy, body_len);
        body = copy;
    }
    /* A distinct edge per file: libFuzzer keeps an input only for new
     * coverage, and the valid bodies of the eight files all cover the same
     * reader code, so without this seven of the eight seeds would be
     * dropped as redundant. (A switch of plain stores becomes one table
     * lookup: it takes a call to a distinct function per case.) */
    switch (sel) {
    case 0: mark0(); break;
    case 1: mark1(); break;
    case 2: mark2(); break;
    case 3: mark3(); break;
    case 4: mark4(); break;
    case 5: mark5(); break;
    case 6: mark6(); break;
    default: mark7(); break;
    }
    char path[600], from[600];
    join(path, sizeof path, scratch, FILES[sel].name);
    join(from, sizeof from, good, FILES[sel].name);
    /* a new inode: truncating the hard link would damage the good index */
    if (unlink(path))
        fail("unlink", NULL);
    struct lfile_writer w;
    loci_error err;
    if (lfile_create(&w, path, FILES[sel].magic, &err) ||
        lfile_write(&w, body, body_len, &err) || lfile_finish(&w, &err))
        fail("writing the file", &err);
    free(copy);
    loci_index *idx;
    if (loci_index_open(scratch, &idx, &err) == LOCI_OK) {
        exercise(idx);
        loci_index_close(idx);
    }
    if (unlink(path) || link(from, path))
        fail("restoring the good file", NULL);
    return 0;
}
