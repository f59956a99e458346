/*
 * fuzz_index.c — libFuzzer target for the index reader (common/manifest.c,
 * common/index.c, common/reader.c, common/cursor.c, searcher/) on damaged
 * index files.
 *
 * An index (format 4, docs/FORMAT.md) is DIR/manifest and the eight files
 * of its segment DIR/seg-000001/. Every file is checksummed, so random
 * bytes on disk only ever reach the CRC check. To fuzz the parsers behind
 * the checksums, the input is a file BODY that this target wraps in a
 * valid envelope (lfile_create / lfile_write / lfile_finish: header, page
 * CRCs and table CRC all valid):
 *
 *   input[0] & 16 the manifest: the body is written as DIR/manifest, and
 *                 the segment's files are the good ones
 *   otherwise
 *   input[0] & 7  selects the segment file (meta, lexicon, postings,
 *                 positions, lengths, passages, docs, text)
 *   input[0] & 8  "repair the trailer" (lexicon, passages, docs, text):
 *                 the table offset in the trailer is set to where the
 *                 body's length puts the table. Without it, any mutation
 *                 that inserts or deletes bytes in these files fails the
 *                 layout check at open, so the block and record decoders
 *                 would see only same-length changes.
 *   input[1..]    its body
 *
 * The checksums are not the only chain of trust: meta's file table holds
 * the body length and table CRC of the seven other files (format 3.1), and
 * the manifest holds meta's table CRC and its document, passage and token
 * counts (4.0); a reader refuses files that do not match ("not from the
 * same build"). So after writing a mutated segment file the target repairs
 * the chain, as a build would have written it: it rewrites meta with its
 * file table set to the files actually there (a mutated meta keeps its
 * fuzzed fields 0..99, and gets the table when it is long enough for one),
 * then writes a manifest (manifest_encode) naming segment 1 with that
 * meta's table CRC and counts. Until this repair, the target wrote only
 * the mutated file: from format 3.1 on, every input but an unchanged body
 * failed the file table check at open, and the decoders behind it
 * (lexicon, postings, positions, lengths, passages, docs, text) were never
 * reached; the manifest was not fuzzed at all.
 *
 * The other files are hard links to a small valid index built once at
 * start-up; whatever an input replaced is restored after it (a new inode:
 * truncating a hard link would damage the good index). The damaged index
 * is opened and, when it opens, searched (pruned and exhaustive, several
 * k), its passages fetched, located and highlighted, its stats read and
 * its checksums checked. Errors are the expected outcome; a crash, an
 * ASan/UBSan report, a leak or a hang (libFuzzer -timeout) is a bug.
 *
 * Seeds: with FUZZ_INDEX_WRITE_SEEDS=DIR set, the target writes the real
 * body of each file of its index (prefixed with the selector byte) into
 * DIR and exits: the eight segment files, lexicon, passages, docs and
 * text again with "repair" set, the manifest, and a manifest that deletes a document
 * (manifest-deleted: the deleted-document and df lists); tests/fuzz/index/
 * was made that way.
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
#include "index.h" /* the id space and deletions, for checking hits */
#include "lfile.h"
#include "loci.h"
#include "manifest.h"
#include "recfile.h"

/* The segment the good index's manifest names. */
#define SEGMENT 1
#define FILES FMT_FILES

/* Words present in the documents (stems included), one absent, and
 * multi-word queries mixing frequent and rare terms. */
static const char *const QUERIES[] = {
    "common", "alpha", "bravo charlie", "common delta echo", "café 11.7",
    "zyzzyva", "alpha zyzzyva", "window words hotel india", "running",
    "termaa0 termgb6 glossary", "termzz999",
};

/* The good index and the scratch one (its files hard links to the good
 * ones but for what an input replaces), and their segment directories. */
static char good[300], scratch[300], good_seg[300], scratch_seg[300];
/* The good meta body (the file table of the good files, and an empty
 * duplicates table: the good index has none). */
static uint8_t good_meta[META_ALIAS_TABLE];

/* One function per file, called by LLVMFuzzerTestOneInput (see there). */
static volatile unsigned which;
#define MARK(n) static __attribute__((noinline)) void mark##n(void) { which = which * 31 + n; }
MARK(0) MARK(1) MARK(2) MARK(3) MARK(4) MARK(5) MARK(6) MARK(7) MARK(8)

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

/* Write `body` as the lfile `path` (magic `magic`). The caller has made
 * sure `path` is not a hard link to a good file. */
static void write_file(const char *path, const char *magic, const void *body, size_t len)
{
    struct lfile_writer w;
    loci_error err;
    if (lfile_create(&w, path, magic, &err) || lfile_write(&w, body, len, &err) ||
        lfile_finish(&w, &err))
        fail("writing a file", &err);
}

/* Replace the scratch file `path` (a hard link to a good file) by a new
 * inode holding `body`. */
static void replace_file(const char *path, const char *magic, const void *body, size_t len)
{
    if (unlink(path))
        fail("unlink", NULL);
    write_file(path, magic, body, len);
}

/* Put the good file back: a hard link again. */
static void restore_file(const char *dir, const char *name)
{
    char path[600], from[600];
    join(path, sizeof path, dir == good_seg ? scratch_seg : scratch, name);
    join(from, sizeof from, dir, name);
    if (unlink(path) || link(from, path))
        fail("restoring a good file", NULL);
}

/* The body length and table CRC of the file at `path`, from its header
 * (what meta's file table and the manifest record of a file). */
static void file_identity(const char *path, uint64_t *body_len, uint32_t *table_crc)
{
    uint8_t h[LFILE_HEADER_SIZE];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || pread(fd, h, sizeof h, 0) != (ssize_t)sizeof h)
        fail("reading a header", NULL);
    close(fd);
    *body_len = le64_get(h + 16);
    *table_crc = le32_get(h + 32);
}

/* The body of a manifest naming segment SEGMENT, `s`, with the meta at
 * `meta_path` (body `meta`, `len` bytes): its table CRC and counts. The
 * caller sets s's deletions, if any. */
static void encode_manifest(const char *meta_path, const uint8_t *meta, size_t len,
                            struct manifest_segment *s, struct buf *out)
{
    uint64_t mlen;
    struct manifest m = {.generation = 1, .next_segment = SEGMENT + 1, .seg = s, .nseg = 1};
    s->number = SEGMENT;
    file_identity(meta_path, &mlen, &s->meta_crc);
    s->documents = len >= META_DOCUMENTS + 8 ? le64_get(meta + META_DOCUMENTS) : 0;
    s->passages = len >= META_PASSAGES + 8 ? le64_get(meta + META_PASSAGES) : 0;
    s->tokens = len >= META_TOKENS + 8 ? le64_get(meta + META_TOKENS) : 0;
    out->len = 0;
    if (manifest_encode(&m, out))
        fail("manifest_encode: out of memory", NULL);
}

static void write_seed(const char *dir, const char *name, unsigned selector, const void *body,
                       size_t len)
{
    char out[600];
    join(out, sizeof out, dir, name);
    FILE *w = fopen(out, "wb");
    if (!w || fputc((int)selector, w) == EOF || fwrite(body, 1, len, w) != len || fclose(w))
        fail("cannot write a seed", NULL);
}

/* A manifest that deletes document 1 of the good index, with what its
 * passages took from the df of "common" (in each of them that has the
 * word): the deleted-document and df lists, and the statistics and hit
 * filtering that follow them. */
static void write_deleted_seed(const char *dir)
{
    loci_index *idx;
    loci_error err;
    if (loci_index_open(good, &idx, &err))
        fail("loci_index_open", &err);
    char path[600];
    join(path, sizeof path, good_seg, FMT_LENGTHS);
    struct lfile lens;
    if (lfile_open(&lens, path, FMT_MAGIC_LENGTHS, &err))
        fail("lfile_open", &err);
    struct manifest_segment s = {0};
    uint32_t first = UINT32_MAX, n = 0, df = 0;
    uint64_t tokens = 0;
    loci_index_stats st;
    loci_index_stats_get(idx, &st);
    for (uint32_t p = 0; p < st.passages; p++) {
        loci_passage ps;
        if (loci_passage_get(idx, p, &ps, &err))
            fail("loci_passage_get", &err);
        if (ps.doc != 1)
            continue;
        if (first == UINT32_MAX)
            first = p;
        n++;
        tokens += le16_get(lens.body + 2 * (size_t)p); /* no long passages here */
        for (size_t i = 0; i + 6 <= ps.text_len; i++)
            if (!memcmp(ps.text + i, "common", 6)) {
                df++;
                break;
            }
    }
    lfile_close(&lens);
    loci_index_close(idx);
    if (!n || !df || manifest_add_deleted(&s, 1, first, n) ||
        manifest_add_df(&s, "common", 6, df))
        fail("the deleted-document seed", NULL);
    s.deleted_passages = n;
    s.deleted_tokens = tokens;
    join(path, sizeof path, good_seg, FMT_META);
    struct buf body = {0};
    encode_manifest(path, good_meta, sizeof good_meta, &s, &body);
    write_seed(dir, "manifest-deleted", 16, body.data, body.len);
    buf_free(&body);
    free(s.deleted);
    free(s.dfs);
    buf_free(&s.terms);
}

/* One seed per file, lexicon, passages, docs and text again with
 * "repair" set, the manifest, and a manifest with a deleted document. */
static void write_seeds(const char *dir)
{
    for (unsigned i = 0; i < 9; i++) {
        char path[600];
        join(path, sizeof path, i < 8 ? good_seg : good, i < 8 ? FILES[i].name : MANIFEST_FILE);
        struct lfile f;
        loci_error err;
        if (lfile_open(&f, path, i < 8 ? FILES[i].magic : MANIFEST_MAGIC, &err))
            fail("lfile_open", &err);
        write_seed(dir, i < 8 ? FILES[i].name : MANIFEST_FILE, i < 8 ? i : 16, f.body,
                   (size_t)f.body_len);
        if (i == 1 || i == 5 || i == 6 || i == 7) {
            char name[64];
            snprintf(name, sizeof name, "%s-repair", FILES[i].name);
            write_seed(dir, name, i | 8, f.body, (size_t)f.body_len);
        }
        lfile_close(&f);
    }
    write_deleted_seed(dir);
}

/* Make the trailer's table offset agree with the body's length (see the
 * header comment); the block (or record) count stays whatever the input
 * says. */
static void repair_trailer(unsigned sel, uint8_t *body, size_t len)
{
    size_t trailer = sel == 1 ? LEX_TRAILER : sel == 7 ? TEXT_TRAILER : RECFILE_TRAILER;
    size_t entry = sel == 7 ? TEXT_ENTRY_SIZE : sel == 1 ? LEX_ENTRY : 8;
    if (len < trailer)
        return;
    uint64_t blocks = le64_get(body + len - trailer);
    if (sel == 5 || sel == 6) /* passages, docs: a record count */
        blocks = blocks / RECFILE_BLOCK + (blocks % RECFILE_BLOCK != 0);
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
    char seg[MANIFEST_NAME_MAX];
    manifest_segment_name(SEGMENT, seg);
    join(good, sizeof good, base, "good");
    join(scratch, sizeof scratch, base, "scratch");
    join(good_seg, sizeof good_seg, good, seg);
    join(scratch_seg, sizeof scratch_seg, scratch, seg);
    build_index();
    char path[600];
    join(path, sizeof path, good_seg, FMT_META);
    struct lfile meta;
    loci_error err;
    if (lfile_open(&meta, path, FMT_MAGIC_META, &err))
        fail("the good index has no meta", &err);
    if (meta.body_len != sizeof good_meta)
        fail("the good meta is not of this format", NULL);
    memcpy(good_meta, meta.body, sizeof good_meta);
    lfile_close(&meta);
    const char *seeds = getenv("FUZZ_INDEX_WRITE_SEEDS");
    if (seeds && *seeds) {
        write_seeds(seeds);
        exit(0);
    }
    if (mkdir(scratch, 0755) || mkdir(scratch_seg, 0755))
        fail("mkdir scratch", NULL);
    for (unsigned i = 0; i < 9; i++) {
        char from[600], to[600];
        const char *name = i < 8 ? FILES[i].name : MANIFEST_FILE;
        join(from, sizeof from, i < 8 ? good_seg : good, name);
        join(to, sizeof to, i < 8 ? scratch_seg : scratch, name);
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
            if (mode >= 2) /* BM25F: title tables and positions read */
                so.title_weight = mode == 3 ? 2.5 : 0.5;
            loci_results *r;
            if (loci_search(idx, QUERIES[q], &so, &r, &err))
                continue;
            for (size_t i = 0; i < loci_results_count(r); i++) {
                const loci_hit *h = loci_results_hit(r, i);
                /* Corrupt data must fail, not yield ids a caller would index
                 * its arrays with. This also catches reads past a body that
                 * ASan cannot see: the files are mapped, not malloc'ed. The
                 * id space holds the deleted documents too (stats count the
                 * live ones), but a deleted passage is never a hit. */
                if (h->passage >= idx->all_passages || h->doc >= idx->all_documents)
                    fail("a hit outside the index", NULL);
                uint32_t local;
                if (segview_deleted(index_view_of_passage(idx, h->passage, &local), local))
                    fail("a deleted passage among the hits", NULL);
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
    uint32_t all = (uint32_t)idx->all_passages;
    uint32_t ids[] = {0, 1, 7, all / 2, all - 1, all, UINT32_MAX};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        loci_passage p;
        loci_passage_locate(idx, ids[i], &p, &err);
    }
    loci_index_check(idx, &err);
}

/* Write the mutated segment file `sel` (body[0..len)), then repair the
 * chain of trust behind it: meta's file table, then the manifest. */
static void write_segment_file(unsigned sel, const uint8_t *body, size_t len)
{
    char path[600], meta_path[600];
    join(path, sizeof path, scratch_seg, FILES[sel].name);
    join(meta_path, sizeof meta_path, scratch_seg, FMT_META);
    uint8_t fixed[META_ALIAS_TABLE], *meta = fixed;
    size_t mlen = sizeof fixed;
    if (sel == 0) {
        /* the fuzzed fields, and the good files' table when there is room */
        if (!(meta = malloc(len ? len : 1)))
            fail("out of memory", NULL);
        memcpy(meta, body, len);
        mlen = len;
        if (mlen >= META_SIZE)
            memcpy(meta + META_FILES, good_meta + META_FILES, META_SIZE - META_FILES);
    } else {
        replace_file(path, FILES[sel].magic, body, len);
        uint64_t blen;
        uint32_t crc;
        file_identity(path, &blen, &crc);
        memcpy(fixed, good_meta, sizeof fixed);
        uint8_t *e = fixed + META_FILES + (sel - 1) * META_FILE_ENTRY;
        le64_put(e + META_FILE_LEN, blen);
        le32_put(e + META_FILE_CRC, crc);
    }
    replace_file(meta_path, FMT_MAGIC_META, meta, mlen);
    struct manifest_segment s = {0};
    struct buf m = {0};
    encode_manifest(meta_path, meta, mlen, &s, &m);
    join(path, sizeof path, scratch, MANIFEST_FILE);
    replace_file(path, MANIFEST_MAGIC, m.data, m.len);
    buf_free(&m);
    if (meta != fixed)
        free(meta);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int manifest = data[0] & 16;
    unsigned sel = data[0] & 7;
    const uint8_t *body = data + 1;
    size_t body_len = size - 1;
    uint8_t *copy = NULL;
    if (!manifest && (data[0] & 8) && (sel == 1 || sel == 5 || sel == 6 || sel == 7)) {
        if (!(copy = malloc(body_len ? body_len : 1)))
            return 0;
        memcpy(copy, body, body_len);
        repair_trailer(sel, copy, body_len);
        body = copy;
    }
    /* A distinct edge per file: libFuzzer keeps an input only for new
     * coverage, and the valid bodies of the nine files all cover the same
     * reader code, so without this eight of the nine seeds would be
     * dropped as redundant. (A switch of plain stores becomes one table
     * lookup: it takes a call to a distinct function per case.) */
    switch (manifest ? 8 : sel) {
    case 0: mark0(); break;
    case 1: mark1(); break;
    case 2: mark2(); break;
    case 3: mark3(); break;
    case 4: mark4(); break;
    case 5: mark5(); break;
    case 6: mark6(); break;
    case 7: mark7(); break;
    default: mark8(); break;
    }
    if (manifest) {
        char path[600];
        join(path, sizeof path, scratch, MANIFEST_FILE);
        replace_file(path, MANIFEST_MAGIC, body, body_len);
    } else {
        write_segment_file(sel, body, body_len);
    }
    free(copy);
    loci_index *idx;
    loci_error err;
    if (loci_index_open(scratch, &idx, &err) == LOCI_OK) {
        exercise(idx);
        loci_index_close(idx);
    }
    if (!manifest) {
        if (sel)
            restore_file(good_seg, FILES[sel].name);
        restore_file(good_seg, FMT_META);
    }
    restore_file(good, MANIFEST_FILE);
    return 0;
}
