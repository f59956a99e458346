/*
 * builder.c — loci_builder: documents in, a whole index directory out, in
 * bounded memory and on several threads.
 *
 * Flow:
 *  1. The calling thread reads input (input.c) and packs documents into
 *     batches (sizes: next_batch_size), numbered in input order.
 *  2. Worker threads take batches in any order; each tokenizes its batch,
 *     splits it into passages (passage.c), inverts it with batch-local
 *     passage ids, compresses the text blocks that lie inside the batch
 *     (textstore.h), and writes the postings as a sorted run file (run.c).
 *  3. The calling thread retires finished batches strictly in order:
 *     their text goes to the text store, their passage and document
 *     records (rebased to global ids, coded relative to each other) and
 *     lengths are streamed to their files. A batch's first global passage
 *     id is only known here.
 *  4. finish() merges all runs (merge.c) into the lexicon, postings and
 *     positions, writes meta, and swaps the temporary directory into place
 *     (indexdir.c).
 *
 * A document larger than a batch skips steps 1-3: it is streamed on the
 * calling thread (see "streamed documents" below).
 *
 * Why this shape: memory holds at most threads + 1 batches, their
 * inverters, and 4 bytes per passage (lengths, needed for the block score
 * bounds), whatever the corpus size; and because passage ids are assigned
 * at retirement in input order and runs are merged in that order, the
 * index is byte-for-byte the same for any thread count or memory budget.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "codec.h"
#include "commit.h"
#include "error.h"
#include "format.h"
#include "dedup.h"
#include "hash.h"
#include "indexdir.h"
#include "input.h"
#include "inverter.h"
#include "builder_int.h"
#include "living.h"
#include "lfile.h"
#include "merge.h"
#include "loci.h"
#include "manifest.h"
#include "passage.h"
#include "recfile.h"
#include "path.h"
#include "run.h"
#include "textstore.h"
#include "writer.h"

#define DEFAULT_PASSAGE_TOKENS 200
#define DEFAULT_MEMORY (512ull << 20)
#define MIN_BATCH (64u << 10)
#define BASE_BATCH (4u << 20)
#define BATCH_GROWTH 64 /* batches grow to 1/64 of the text read so far */
#define MERGE_BUF (256u << 10)
#define MAX_THREADS 64
#define PROGRESS_EVERY (1u << 20)
#define STREAM_CHUNK (256u << 10) /* a streamed document from memory goes in these */

/* A document of a batch; offsets are into the batch's text and names. */
struct doc_meta {
    uint64_t text_off, text_len, name_off, src_off;
    uint64_t file;        /* input file number: JSONL records of one file share it */
    uint64_t invalid;     /* invalid UTF-8 sequences replaced (set by the worker) */
    uint32_t name_len, src_len, first_line, fixed_line, first_passage;
    uint32_t bad_line;    /* line of the first of them */
    uint32_t has_src;     /* 0: added from memory, no source file */
    uint32_t hash_given;  /* 1: hash was given (a merge), not to be computed */
    uint32_t alias;       /* 1: its text is document alias_of's: stored once, there */
    uint32_t alias_of;
    uint32_t title_bytes; /* the text starts with a title of this many bytes (0: none) */
    uint64_t size, hash;  /* the source file's size; FNV-1a of the text */
    int64_t mtime;        /* the source file's mtime, ns */
};

/* A document as it comes in (add_doc, stream_begin). */
struct doc_in {
    const char *source;   /* for messages, and the docs record when has_src */
    const char *name;
    size_t name_len;
    const char *title;
    size_t title_len;
    size_t stored_title;  /* title NULL, text from an index: its title's bytes in text */
    const char *text;
    size_t len;
    unsigned first_line, fixed_line;
    uint64_t file;
    int has_src, hash_given;
    uint64_t size, hash;
    int64_t mtime;
};

enum { B_QUEUED, B_RUNNING, B_DONE };

struct batch {
    uint64_t seq;
    struct buf text, meta, names;   /* meta: struct doc_meta[]; names: names and sources */
    uint64_t text_start;            /* stream offset of text.data[0] */
    struct text_blocks ztext;       /* the whole text blocks inside `text`, compressed */
    size_t zstart;                  /* where in `text` the first of them starts */
    uint32_t ndocs;
    struct buf passages, lengths;   /* worker output */
    uint32_t npassages;
    uint64_t tokens;
    int state, rc;
    loci_error err;
};

struct worker {
    loci_builder *b;
    struct splitter split;
    pthread_t thread;
    int started;
};

struct loci_builder {
    loci_build_options opt;
    char *stem, *id_field, *title_field, *text_field; /* owned option strings */
    char *dir, *tmpdir;             /* tmpdir: where runs go */
    char *segdir;                   /* where the segment's eight files go */
    int lockfd;                     /* a format 4 DIR's lock, held by a whole build */
    struct living *lv;              /* a commit (ADD, UPDATE, merge), or NULL */
    uint64_t docs_in;               /* documents given to batches or streamed */
    uint64_t memory;                /* the budget, in bytes */
    uint64_t batch_bytes;           /* the most text per batch the budget allows */
    uint64_t next_bytes;            /* text of the batch being filled */
    /* workers and the batches in flight, in input order */
    unsigned nthreads;
    struct worker *workers;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int shutdown;                   /* workers exit when the queue is empty */
    int abandon;                    /* workers exit at once (build abandoned) */
    struct batch **fifo;
    unsigned fifo_cap, fifo_head, fifo_n;
    struct batch *cur;              /* being filled */
    struct batch *spare[MAX_THREADS + 2]; /* retired batches kept for reuse */
    unsigned nspare;
    uint64_t next_seq;
    uint64_t text_queued;           /* text bytes in submitted batches */
    /* output of retired batches */
    struct textstore text;
    struct recfile_writer passages_f, docs_f;
    struct lfile_writer lengths_f;
    struct buf rec;                 /* record being encoded */
    struct buf prev_name;           /* the previous docs record's name, */
    uint64_t prev_first_passage;    /* and first passage, */
    uint64_t prev_first_line;       /* first line, */
    uint64_t prev_size;             /* the source's size and mtime, */
    int64_t prev_mtime;
    struct buf prev_source;         /* and source (prev_has_src) */
    int prev_has_src;
    uint64_t prev_doc, prev_line;   /* the previous passages record's */
    uint64_t docs_written, passages_written;
    struct buf lengths_mem;         /* u32 per passage, host order */
    struct buf lengths16;           /* a batch's lengths as the file stores them */
    struct buf title_lengths;       /* (u32 passage, u32 title tokens) LE pairs of
                                     * the passages with title tokens, in order */
    struct buf long_lengths;        /* (u32 passage, u32 length) LE pairs of the
                                       passages of LENGTH_LONG tokens or more */
    uint64_t text_base;
    char **runs;
    uint32_t *run_base;
    size_t nruns, cap_runs;
    struct input_stats in;
    uint64_t last_progress;
    /* invalid UTF-8 of the file being retired, warned about once per file */
    uint64_t bad_file, bad_count;
    uint32_t bad_line;
    struct buf bad_source;
    /* the document being streamed (larger than batch_bytes), on this thread */
    struct splitter stream;
    int stream_ready, streaming;
    struct buf stream_passages, stream_lengths, stream_name;
    char stream_source[PATH_BUF];
    uint64_t stream_seq;            /* run number of its current part */
    uint64_t stream_text_off, stream_text_len, stream_first_passage;
    uint64_t stream_fed;            /* text bytes since its last run */
    uint64_t stream_file;
    unsigned stream_fixed_line, stream_first_line;
    int stream_has_src, stream_hash_given;
    uint64_t stream_size, stream_hash;
    int64_t stream_mtime;
    uint64_t seen;                  /* input documents met (for first/end_document) */
    int skipping;                   /* the document being streamed is not selected */
    struct dedup dedup;             /* the texts seen, to store each one once */
    struct buf aliases;             /* (u32 document, u32 duplicate) pairs, LE */
    struct buf hashes;              /* a commit's: the texts' FNV-1a, u64 each (living.c) */
    loci_build_stats stats;
    int failed, finished;
    atomic_int cancelled;           /* loci_builder_cancel was called */
};

void loci_build_options_init(loci_build_options *o)
{
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->stem_language = "english";
    o->passage_mode = LOCI_PASSAGE_PARAGRAPH;
    o->passage_tokens = DEFAULT_PASSAGE_TOKENS;
    o->input_format = LOCI_INPUT_TEXT;
    o->replace_invalid_utf8 = 1;
    o->id_field = "id";
    o->title_field = "title";
    o->text_field = "text";
}

/* A non-fatal event, through the caller's warn callback. */
#define warnf(b, ...) warn_to((b)->opt.warn, (b)->opt.warn_ctx, __VA_ARGS__)

/* ---- batches and workers ------------------------------------------------------ */

static void batch_free(struct batch *bt)
{
    if (!bt)
        return;
    buf_free(&bt->text);
    buf_free(&bt->meta);
    buf_free(&bt->names);
    buf_free(&bt->passages);
    buf_free(&bt->lengths);
    text_blocks_free(&bt->ztext);
    free(bt);
}

/* A retired batch, emptied for reuse: its buffers keep their memory, so
 * the next batch is filled without page faults or regrowth copies. */
static void batch_recycle(loci_builder *b, struct batch *bt)
{
    if (b->nspare == sizeof b->spare / sizeof *b->spare) {
        batch_free(bt);
        return;
    }
    bt->text.len = bt->meta.len = bt->names.len = bt->passages.len = bt->lengths.len = 0;
    bt->ztext.z.len = bt->ztext.clens.len = 0;
    bt->ztext.count = 0;
    bt->ndocs = bt->npassages = 0;
    bt->tokens = 0;
    bt->state = B_QUEUED;
    bt->rc = 0;
    b->spare[b->nspare++] = bt;
}

static void run_path(const loci_builder *b, uint64_t seq, char *out, size_t n)
{
    snprintf(out, n, "%s/run-%08llu", b->tmpdir, (unsigned long long)seq);
}

/* Tokenize, split and invert a batch; write its run. Runs on a worker. */
static void process_batch(loci_builder *b, struct splitter *s, struct batch *bt)
{
    splitter_begin_batch(s, &bt->passages, &bt->lengths);
    struct doc_meta *m = (struct doc_meta *)bt->meta.data;
    for (uint32_t i = 0; i < bt->ndocs && !bt->rc; i++) {
        char source[PATH_BUF];
        snprintf(source, sizeof source, "%.*s", (int)m[i].src_len,
                 (const char *)bt->names.data + m[i].src_off);
        m[i].first_passage = s->npassages;
        bt->rc = splitter_doc_titled(s, i, source, (const char *)bt->text.data + m[i].text_off,
                                     m[i].text_len, m[i].title_bytes, m[i].first_line,
                                     m[i].fixed_line, &bt->err);
        if (!m[i].hash_given)
            m[i].hash = fnv1a64(FNV1A64_INIT, bt->text.data + m[i].text_off, m[i].text_len);
        m[i].invalid = s->doc_invalid;
        m[i].bad_line = s->doc_bad_line;
    }
    bt->npassages = s->npassages;
    bt->tokens = s->tokens;
    if (!bt->rc) {
        /* compress the text blocks that lie wholly inside this batch */
        size_t len = bt->text.len, head = (TEXT_BLOCK - bt->text_start % TEXT_BLOCK) % TEXT_BLOCK;
        bt->zstart = head < len ? head : len;
        bt->rc = text_compress_blocks(&bt->ztext, bt->text.data + bt->zstart,
                                      (len - bt->zstart) / TEXT_BLOCK * TEXT_BLOCK, &bt->err);
    }
    if (!bt->rc && bt->npassages) {
        char path[PATH_BUF + 32];
        run_path(b, bt->seq, path, sizeof path);
        bt->rc = run_write(path, s->inv, &bt->err);
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    loci_builder *b = w->b;
    pthread_mutex_lock(&b->lock);
    for (;;) {
        struct batch *bt = NULL;
        if (b->abandon)
            break;
        for (unsigned i = 0; i < b->fifo_n && !bt; i++) {
            struct batch *c = b->fifo[(b->fifo_head + i) % b->fifo_cap];
            if (c->state == B_QUEUED)
                bt = c;
        }
        if (!bt) {
            if (b->shutdown)
                break;
            pthread_cond_wait(&b->cond, &b->lock);
            continue;
        }
        bt->state = B_RUNNING;
        pthread_mutex_unlock(&b->lock);
        process_batch(b, &w->split, bt);
        pthread_mutex_lock(&b->lock);
        bt->state = B_DONE;
        pthread_cond_broadcast(&b->cond);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

static void stop_workers(loci_builder *b)
{
    if (!b->workers)
        return;
    pthread_mutex_lock(&b->lock);
    b->shutdown = 1;
    pthread_cond_broadcast(&b->cond);
    pthread_mutex_unlock(&b->lock);
    for (unsigned i = 0; i < b->nthreads; i++)
        if (b->workers[i].started) {
            pthread_join(b->workers[i].thread, NULL);
            b->workers[i].started = 0;
        }
}

/* ---- retiring batches in order ------------------------------------------------- */

static int add_run(loci_builder *b, uint64_t seq, uint32_t base, loci_error *err)
{
    if (b->nruns == b->cap_runs) { /* runs and run_base grow in step */
        size_t cap = b->cap_runs, cap2 = b->cap_runs;
        char **r = array_grow(b->runs, &cap, b->nruns + 1, sizeof *r, 16);
        if (r)
            b->runs = r;
        uint32_t *rb = array_grow(b->run_base, &cap2, b->nruns + 1, sizeof *rb, 16);
        if (rb)
            b->run_base = rb;
        if (!r || !rb)
            return err_set(err, LOCI_ENOMEM, "out of memory");
        b->cap_runs = cap;
    }
    char path[PATH_BUF + 32];
    run_path(b, seq, path, sizeof path);
    if (!(b->runs[b->nruns] = strdup(path)))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    b->run_base[b->nruns++] = base;
    return LOCI_OK;
}

/* The docs record of the next document. Inside a record block, a record
 * leaves out its text offset (the previous document's end), gives its
 * first passage as a change, and shares its name's prefix with the
 * previous name (docs/FORMAT.md). */
static int add_doc_record(loci_builder *b, uint64_t text_off, uint64_t text_len,
                          uint64_t first_passage, const char *name, size_t name_len,
                          const struct doc_meta *m, const char *src, loci_error *err)
{
    struct buf *r = &b->rec;
    int first = b->docs_written % RECFILE_BLOCK == 0;
    size_t shared = 0, src_len = m->has_src ? m->src_len : 0;
    if (!first)
        while (shared < name_len && shared < b->prev_name.len &&
               name[shared] == (char)b->prev_name.data[shared])
            shared++;
    /* the source: none, the name, the previous record's, or given here */
    unsigned kind = !m->has_src ? DOC_SRC_NONE
                    : src_len == name_len && !memcmp(src, name, src_len) ? DOC_SRC_NAME
                    : !first && b->prev_has_src && b->prev_source.len == src_len &&
                            b->prev_size == m->size && b->prev_mtime == m->mtime &&
                            !memcmp(b->prev_source.data, src, src_len)
                        ? DOC_SRC_PREVIOUS
                        : DOC_SRC_GIVEN;
    uint64_t flags = (m->fixed_line ? DOC_FIXED_LINE : 0) | (uint64_t)kind << DOC_SRC_SHIFT |
                     (m->title_bytes ? DOC_TITLE : 0);
    r->len = 0;
    if ((first && buf_put_varint(r, text_off)) || buf_put_varint(r, text_len) ||
        buf_put_varint(r, first ? first_passage : first_passage - b->prev_first_passage) ||
        buf_put_varint(r, shared) ||
        buf_put_varint(r, first ? m->first_line
                                : zigzag_encode((int64_t)m->first_line - (int64_t)b->prev_first_line)) ||
        buf_put_varint(r, flags) || (m->title_bytes && buf_put_varint(r, m->title_bytes)) ||
        (kind == DOC_SRC_GIVEN && (buf_put_varint(r, src_len) || buf_append(r, src, src_len))) ||
        /* a source's size and mtime once, not with each of its records */
        ((kind == DOC_SRC_NAME || kind == DOC_SRC_GIVEN) &&
         (buf_put_varint(r, m->size) || buf_put_varint(r, (uint64_t)m->mtime))) ||
        buf_put_le64(r, m->hash) || buf_append(r, name + shared, name_len - shared))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    b->prev_first_line = m->first_line;
    b->prev_size = m->size;
    b->prev_mtime = m->mtime;
    b->prev_name.len = 0;
    b->prev_source.len = 0;
    b->prev_has_src = m->has_src;
    if (buf_append(&b->prev_name, name, name_len) ||
        (m->has_src && buf_append(&b->prev_source, src, src_len)))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    b->prev_first_passage = first_passage;
    b->docs_written++;
    if (b->lv && !m->alias && !m->fixed_line && text_len &&
        buf_append(&b->hashes, &m->hash, sizeof m->hash))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    return recfile_add(&b->docs_f, r->data, r->len, err);
}

/* The passages record of the next passage (pr: its PASS_SIZE record from
 * the worker). Inside a record block, the document and the line are
 * changes from the previous record. */
static int add_passage_record(loci_builder *b, uint64_t doc, const uint8_t *pr, loci_error *err)
{
    struct buf *r = &b->rec;
    int first = b->passages_written % RECFILE_BLOCK == 0;
    uint64_t line = le32_get(pr + PASS_LINE);
    r->len = 0;
    if (buf_put_varint(r, first ? doc : doc - b->prev_doc) ||
        buf_put_varint(r, le32_get(pr + PASS_ORDINAL)) ||
        buf_put_varint(r, first ? line : zigzag_encode((int64_t)line - (int64_t)b->prev_line)) ||
        buf_put_varint(r, le32_get(pr + PASS_LEN)) || buf_put_varint(r, le64_get(pr + PASS_START)))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    b->prev_doc = doc;
    b->prev_line = line;
    b->passages_written++;
    return recfile_add(&b->passages_f, r->data, r->len, err);
}

/* One warning for the invalid UTF-8 of a file (bad_source): how many
 * sequences were replaced, and the line of the first. */
static void flush_invalid(loci_builder *b)
{
    if (b->bad_count && b->opt.warn) {
        char msg[PATH_BUF + 128];
        snprintf(msg, sizeof msg, "%.*s:%u: %llu invalid UTF-8 sequence%s replaced by U+FFFD",
                 (int)b->bad_source.len, (const char *)b->bad_source.data, b->bad_line,
                 (unsigned long long)b->bad_count, b->bad_count == 1 ? "" : "s");
        b->opt.warn(b->opt.warn_ctx, msg);
    }
    b->bad_count = 0;
}

/* A retired document's invalid UTF-8: counted, and warned about once per
 * file (the records of a JSONL file add up), in input order. */
static int note_invalid(loci_builder *b, const struct doc_meta *m, const char *source,
                        loci_error *err)
{
    b->stats.invalid_utf8 += m->invalid;
    if (b->bad_count && m->file != b->bad_file)
        flush_invalid(b);
    if (m->invalid) {
        if (!b->bad_count) {
            b->bad_file = m->file;
            b->bad_line = m->bad_line;
            b->bad_source.len = 0;
            if (buf_append(&b->bad_source, source, m->src_len))
                return err_set(err, LOCI_ENOMEM, "out of memory");
        }
        b->bad_count += m->invalid;
    }
    if (!m->fixed_line) /* a whole file: nothing to add up */
        flush_invalid(b);
    return LOCI_OK;
}

/* The passages of a batch (or of a part of a streamed document), whose
 * run is file `seq`: their records and lengths, and the run. */
static int retire_passages(loci_builder *b, const struct buf *passages, const struct buf *lengths,
                           uint32_t npassages, uint64_t seq, uint32_t doc_base, loci_error *err)
{
    uint32_t pass_base = (uint32_t)b->stats.passages;
    int rc = LOCI_OK;
    b->lengths16.len = 0;
    if (buf_reserve(&b->lengths16, 2 * (size_t)npassages))
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    for (uint32_t p = 0; p < npassages && !rc; p++) {
        const uint8_t *pr = passages->data + (size_t)p * PASS_SIZE;
        uint32_t len = le32_get(lengths->data + 4 * (size_t)p);
        uint32_t title = le32_get(pr + PASS_TITLE);
        le16_put(b->lengths16.data + 2 * (size_t)p, len < LENGTH_LONG ? (uint16_t)len : LENGTH_LONG);
        if (buf_append(&b->lengths_mem, &len, sizeof len) ||
            (title && (buf_put_le32(&b->title_lengths, pass_base + p) ||
                       buf_put_le32(&b->title_lengths, title))) ||
            (len >= LENGTH_LONG && (buf_put_le32(&b->long_lengths, pass_base + p) ||
                                    buf_put_le32(&b->long_lengths, len))))
            rc = err_set(err, LOCI_ENOMEM, "out of memory");
        else
            rc = add_passage_record(b, doc_base + le32_get(pr + PASS_DOC), pr, err);
    }
    if (!rc)
        rc = lfile_write(&b->lengths_f, b->lengths16.data, 2 * (size_t)npassages, err);
    if (!rc && npassages)
        rc = add_run(b, seq, pass_base, err);
    if (!rc)
        b->stats.passages += npassages;
    return rc;
}

static int retire(loci_builder *b, struct batch *bt, loci_error *err)
{
    if (bt->rc) {
        if (err)
            *err = bt->err;
        return bt->rc;
    }
    if (b->stats.passages + bt->npassages > UINT32_MAX || b->stats.documents + bt->ndocs > UINT32_MAX)
        return err_set(err, LOCI_EINVAL, "too many passages or documents (the limit is 2^32 - 1)");
    uint32_t doc_base = (uint32_t)b->stats.documents, pass_base = (uint32_t)b->stats.passages;
    if (bt->text_start != b->text_base)
        return err_set(err, LOCI_EINVAL, "internal error: batch text out of order");
    /* the text: the head that completes the previous batch's last block,
     * the blocks the worker compressed, and the start of the next block */
    size_t zend = bt->zstart + bt->ztext.count * TEXT_BLOCK;
    int rc = textstore_append(&b->text, bt->text.data, bt->zstart, err);
    if (!rc && bt->ztext.count)
        rc = textstore_append_blocks(&b->text, &bt->ztext, err);
    if (!rc)
        rc = textstore_append(&b->text, bt->text.data + zend, bt->text.len - zend, err);
    const struct doc_meta *m = (const struct doc_meta *)bt->meta.data;
    for (uint32_t i = 0; i < bt->ndocs && !rc; i++) {
        if (m[i].alias) {
            b->stats.duplicates++;
            if (buf_put_le32(&b->aliases, m[i].alias_of) || buf_put_le32(&b->aliases, doc_base + i))
                rc = err_set(err, LOCI_ENOMEM, "out of memory");
        }
        rc = rc ? rc : add_doc_record(b, b->text_base + m[i].text_off, m[i].text_len,
                            pass_base + m[i].first_passage,
                            (const char *)bt->names.data + m[i].name_off, m[i].name_len, &m[i],
                            (const char *)bt->names.data + m[i].src_off, err);
        if (!rc)
            rc = note_invalid(b, &m[i], (const char *)bt->names.data + m[i].src_off, err);
    }
    if (!rc)
        rc = retire_passages(b, &bt->passages, &bt->lengths, bt->npassages, bt->seq, doc_base,
                             err);
    if (rc)
        return rc;
    b->text_base += bt->text.len;
    b->stats.documents += bt->ndocs;
    b->stats.tokens += bt->tokens;
    return LOCI_OK;
}

/* Retire every finished batch at the head of the queue. */
static int retire_ready(loci_builder *b, loci_error *err)
{
    for (;;) {
        pthread_mutex_lock(&b->lock);
        struct batch *head = b->fifo_n ? b->fifo[b->fifo_head] : NULL;
        int done = head && head->state == B_DONE;
        pthread_mutex_unlock(&b->lock);
        if (!done)
            return LOCI_OK;
        int rc = retire(b, head, err);
        pthread_mutex_lock(&b->lock);
        b->fifo_head = (b->fifo_head + 1) % b->fifo_cap;
        b->fifo_n--;
        pthread_mutex_unlock(&b->lock);
        batch_recycle(b, head);
        if (rc)
            return rc;
    }
}

/* Wait until the head batch is done (or the queue is empty). */
static void wait_head(loci_builder *b)
{
    pthread_mutex_lock(&b->lock);
    while (b->fifo_n && b->fifo[b->fifo_head]->state != B_DONE)
        pthread_cond_wait(&b->cond, &b->lock);
    pthread_mutex_unlock(&b->lock);
}

/* Queue the current batch for the workers, retiring old ones to make room. */
static int submit(loci_builder *b, loci_error *err)
{
    struct batch *bt = b->cur;
    if (!bt || bt->ndocs == 0)
        return LOCI_OK;
    b->cur = NULL;
    bt->text_start = b->text_queued;
    b->text_queued += bt->text.len;
    for (;;) {
        int rc = retire_ready(b, err);
        if (rc) {
            batch_free(bt);
            return rc;
        }
        pthread_mutex_lock(&b->lock);
        if (b->fifo_n < b->fifo_cap) {
            b->fifo[(b->fifo_head + b->fifo_n) % b->fifo_cap] = bt;
            b->fifo_n++;
            pthread_cond_broadcast(&b->cond);
            pthread_mutex_unlock(&b->lock);
            return LOCI_OK;
        }
        pthread_mutex_unlock(&b->lock);
        wait_head(b);
    }
}

/* Submit the current batch and retire every batch in flight. */
static int drain(loci_builder *b, loci_error *err)
{
    int rc = submit(b, err);
    while (!rc) {
        rc = retire_ready(b, err);
        pthread_mutex_lock(&b->lock);
        int empty = b->fifo_n == 0;
        pthread_mutex_unlock(&b->lock);
        if (empty || rc)
            break;
        wait_head(b);
    }
    return rc;
}

/* Size the next batch (batch boundaries do not change the index).
 * Batches of 4 MiB build fastest: an inverter of that size mostly stays
 * in cache (enwiki: 3.3 s against 3.6 s with 16 MiB batches), the last
 * batches end nearly together, and the merge is still cheap. Beyond 256
 * MiB of text batches grow with the input, up to what the memory budget
 * allows, so a large corpus does not leave thousands of runs: every run
 * costs the merge a heap step per term and an open file. The first batches are smaller still, doubling,
 * so the workers start while the input is being read. */
static void next_batch_size(loci_builder *b)
{
    uint64_t target = b->text_queued / BATCH_GROWTH;
    if (target < BASE_BATCH)
        target = BASE_BATCH;
    if (target > b->batch_bytes)
        target = b->batch_bytes;
    b->next_bytes = 2 * b->next_bytes < target ? 2 * b->next_bytes : target;
}

/* The size of text over which a document is streamed rather than put in
 * a batch: a batch's, but for documents that may be duplicates (not JSON
 * Lines records) never below what dedup.h deduplicates, so that which
 * documents are duplicates does not depend on the memory budget. */
static size_t stream_over(const loci_builder *b, int records)
{
    return (size_t)(records || b->batch_bytes > DEDUP_MAX ? b->batch_bytes : DEDUP_MAX);
}

/* Append one document to the current batch. */
static int add_doc(loci_builder *b, const struct doc_in *d, loci_error *err)
{
    const char *source = d->source, *name = d->name, *title = d->title, *text = d->text;
    size_t name_len = d->name_len, title_len = d->title_len, len = d->len;
    unsigned first_line = d->first_line, fixed_line = d->fixed_line;
    if (b->finished || b->failed)
        return err_set(err, LOCI_EINVAL, "the build is already finished or has failed");
    if (atomic_load(&b->cancelled)) {
        b->failed = 1;
        return err_set(err, LOCI_ECANCELED, "the build was cancelled");
    }
    if (!b->cur) {
        if (b->nspare)
            b->cur = b->spare[--b->nspare];
        else if (!(b->cur = calloc(1, sizeof *b->cur)))
            return err_set(err, LOCI_ENOMEM, "out of memory");
        b->cur->seq = b->next_seq++;
    }
    struct batch *bt = b->cur;
    b->docs_in++;
    /* a batch of empty documents still has a text buffer, so offsets into
     * it are never arithmetic on NULL */
    if (buf_reserve(&bt->text, 1))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    struct doc_meta m = {0};
    m.text_off = bt->text.len;
    m.name_off = bt->names.len;
    m.name_len = (uint32_t)(name_len > UINT32_MAX ? UINT32_MAX : name_len);
    m.src_off = bt->names.len + m.name_len;
    m.src_len = (uint32_t)strlen(source);
    m.first_line = first_line ? first_line : 1;
    m.fixed_line = fixed_line;
    m.file = d->file;
    m.has_src = d->has_src != 0;
    m.size = d->size;
    m.mtime = d->mtime < 0 ? 0 : d->mtime;
    m.hash_given = d->hash_given != 0;
    m.hash = d->hash;
    m.title_bytes = (uint32_t)(title_len ? title_len : d->stored_title);
    /* The title joins the first passage: "title\ntext" (one newline, so
     * the paragraph splitter keeps them together); its token count is
     * recorded (title_bytes, PASS_TITLE) so that a search can weight it
     * as a field of its own (BM25F, docs/FORMAT.md). */
    if ((title_len && (buf_append(&bt->text, title, title_len) || buf_putc(&bt->text, '\n'))) ||
        buf_append(&bt->text, text, len) || buf_append(&bt->names, name, m.name_len) ||
        buf_append(&bt->names, source, m.src_len))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    m.text_len = bt->text.len - m.text_off;
    /* A text seen before is not indexed again: the document becomes
     * another name of the first one with it (its text, passages and
     * postings are that one's). Not a JSON Lines record: a collection's
     * records are each their own, whatever their text (its ids are what
     * relevance judgments and other programs refer to). */
    const char *mine = (const char *)bt->text.data + m.text_off;
    int64_t same = fixed_line ? -1
                              : dedup_find_or_add(&b->dedup, mine, m.text_len,
                                                  (uint32_t)(b->docs_in - 1));
    if (same == -2)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    if (same >= 0) {
        if (!m.hash_given)
            m.hash = fnv1a64(FNV1A64_INIT, mine, m.text_len);
        m.hash_given = 1;
        m.alias = 1;
        m.alias_of = (uint32_t)same;
        bt->text.len = m.text_off;
        m.text_len = 0;
        m.title_bytes = 0; /* (no text of its own: no title either) */
    }
    if (buf_append(&bt->meta, &m, sizeof m))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    bt->ndocs++;
    if (bt->text.len >= b->next_bytes || bt->ndocs == UINT32_MAX) {
        int rc = submit(b, err);
        next_batch_size(b);
        if (rc) {
            b->failed = 1;
            return rc;
        }
    }
    return LOCI_OK;
}

/* ---- streamed documents ---------------------------------------------------------- */

/* A document larger than a batch (batch_bytes) is not copied into one: it
 * is streamed on the calling thread, after the batches before it have
 * been retired. Its text goes straight to the text store and through
 * this thread's splitter, whose passages are retired like a batch's each
 * time about a batch's worth of text has gone in (the splitter keeps only
 * the tokens of the window still open). Passage ids, runs and files come
 * out as if the document had been in a batch. In document mode its one
 * passage stays open, so its postings stay in memory until its end. */
static int stream_begin(loci_builder *b, const struct doc_in *d, loci_error *err)
{
    const char *source = d->source, *name = d->name;
    size_t name_len = d->name_len;
    unsigned first_line = d->first_line, fixed_line = d->fixed_line;
    uint64_t file = d->file;
    if (b->finished || b->failed || b->streaming)
        return err_set(err, LOCI_EINVAL, "the build is already finished or has failed");
    int rc = drain(b, err);
    if (!rc && !b->stream_ready) {
        rc = splitter_init(&b->stream, &b->opt, err);
        b->stream_ready = !rc;
    }
    if (rc)
        return rc;
    if (b->stats.documents >= UINT32_MAX)
        return err_set(err, LOCI_EINVAL, "too many passages or documents (the limit is 2^32 - 1)");
    b->stream_passages.len = b->stream_lengths.len = b->stream_name.len = 0;
    if (buf_append(&b->stream_name, name, name_len > UINT32_MAX ? UINT32_MAX : name_len))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    snprintf(b->stream_source, sizeof b->stream_source, "%s", source);
    splitter_begin_batch(&b->stream, &b->stream_passages, &b->stream_lengths);
    splitter_begin_doc(&b->stream, 0, b->stream_source, first_line ? first_line : 1, fixed_line);
    splitter_set_title(&b->stream, d->title_len ? d->title_len : d->stored_title);
    b->stream_seq = b->next_seq++;
    b->docs_in++;
    b->stream_text_off = b->text_base;
    b->stream_text_len = b->stream_fed = 0;
    b->stream_first_passage = b->stats.passages;
    b->stream_file = file;
    b->stream_fixed_line = fixed_line;
    b->stream_first_line = first_line ? first_line : 1;
    b->stream_has_src = d->has_src;
    b->stream_size = d->size;
    b->stream_mtime = d->mtime < 0 ? 0 : d->mtime;
    b->stream_hash_given = d->hash_given;
    b->stream_hash = d->hash_given ? d->hash : FNV1A64_INIT;
    b->streaming = 1;
    return LOCI_OK;
}

/* Write the run of the streamed document's passages so far, retire them,
 * and go on in an empty inverter. */
static int stream_flush(loci_builder *b, loci_error *err)
{
    struct splitter *s = &b->stream;
    b->stream_fed = 0;
    if (!s->npassages)
        return LOCI_OK;
    if (b->stats.passages + s->npassages > UINT32_MAX)
        return err_set(err, LOCI_EINVAL, "too many passages or documents (the limit is 2^32 - 1)");
    char path[PATH_BUF + 32];
    run_path(b, b->stream_seq, path, sizeof path);
    int rc = run_write(path, s->inv, err);
    if (!rc)
        rc = retire_passages(b, &b->stream_passages, &b->stream_lengths, s->npassages,
                             b->stream_seq, (uint32_t)b->stats.documents, err);
    if (rc)
        return rc;
    b->stats.tokens += s->tokens;
    b->stream_seq = b->next_seq++;
    b->stream_passages.len = b->stream_lengths.len = 0;
    return splitter_rebatch(s, &b->stream_passages, &b->stream_lengths, err);
}

static int stream_chunk(loci_builder *b, const char *p, size_t n, loci_error *err)
{
    if (!b->streaming || b->failed)
        return err_set(err, LOCI_EINVAL, "the build is already finished or has failed");
    if (atomic_load(&b->cancelled)) /* a large document must not delay Ctrl-C */
        return err_set(err, LOCI_ECANCELED, "the build was cancelled");
    int rc = textstore_append(&b->text, p, n, err);
    if (!rc)
        rc = splitter_feed(&b->stream, p, n, err);
    if (!b->stream_hash_given)
        b->stream_hash = fnv1a64(b->stream_hash, p, n);
    b->stream_text_len += n;
    b->stream_fed += n;
    if (!rc && b->stream_fed >= b->batch_bytes && b->opt.passage_mode != LOCI_PASSAGE_DOCUMENT)
        rc = stream_flush(b, err);
    if (rc)
        b->failed = 1;
    return rc;
}

static int stream_end(loci_builder *b, loci_error *err)
{
    if (!b->streaming || b->failed)
        return err_set(err, LOCI_EINVAL, "the build is already finished or has failed");
    b->streaming = 0;
    struct doc_meta m = {0};
    m.file = b->stream_file;
    m.fixed_line = b->stream_fixed_line;
    m.first_line = b->stream_first_line;
    m.src_len = (uint32_t)strlen(b->stream_source);
    m.has_src = b->stream_has_src != 0;
    m.size = b->stream_size;
    m.mtime = b->stream_mtime;
    m.hash = b->stream_hash;
    m.title_bytes = b->stream.title_end;
    int rc = splitter_end_doc(&b->stream, err);
    if (!rc)
        rc = stream_flush(b, err);
    if (!rc)
        rc = add_doc_record(b, b->stream_text_off, b->stream_text_len, b->stream_first_passage,
                            (const char *)b->stream_name.data, b->stream_name.len, &m,
                            b->stream_source, err);
    if (!rc) {
        m.invalid = b->stream.doc_invalid;
        m.bad_line = b->stream.doc_bad_line;
        rc = note_invalid(b, &m, b->stream_source, err);
    }
    if (rc) {
        b->failed = 1;
        return rc;
    }
    b->stats.documents++;
    b->text_base += b->stream_text_len;
    b->text_queued += b->stream_text_len;
    return LOCI_OK;
}

/* ---- construction ---------------------------------------------------------------- */

static char *dup_or(const char *s, const char *dflt)
{
    return strdup(s && *s ? s : dflt);
}

static int open_outputs(loci_builder *b, loci_error *err)
{
    char path[PATH_BUF];
    int rc = textstore_open(&b->text, b->segdir, err);
    if (rc)
        return rc;
    if (path_join(path, sizeof path, b->segdir, FMT_PASSAGES) ||
        (rc = recfile_create(&b->passages_f, path, FMT_MAGIC_PASSAGES, err)))
        return rc ? rc : err_set(err, LOCI_EINVAL, "path too long");
    path_join(path, sizeof path, b->segdir, FMT_LENGTHS);
    if ((rc = lfile_create(&b->lengths_f, path, FMT_MAGIC_LENGTHS, err)))
        return rc;
    path_join(path, sizeof path, b->segdir, FMT_DOCS);
    return recfile_create(&b->docs_f, path, FMT_MAGIC_DOCS, err);
}

/* A whole build writes its one segment into TMP/seg-000001 (its runs
 * stay in TMP). */
static int whole_segment_dir(loci_builder *b, loci_error *err)
{
    char name[MANIFEST_NAME_MAX], path[PATH_BUF];
    manifest_segment_name(1, name);
    if (path_join(path, sizeof path, b->tmpdir, name))
        return err_set(err, LOCI_EINVAL, "%s: path too long", b->tmpdir);
    if (mkdir(path, 0777) != 0)
        return err_set(err, LOCI_EIO, "%s: cannot create a directory: %s", path, strerror(errno));
    if (!(b->segdir = strdup(path)))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    return LOCI_OK;
}

/* The manifest of a whole build: generation 1, its one segment. */
static int write_whole_manifest(loci_builder *b, loci_error *err)
{
    struct manifest m = {0};
    char path[PATH_BUF];
    m.generation = 1;
    m.next_segment = 2;
    struct manifest_segment *s = manifest_add_segment(&m);
    int rc = s ? LOCI_OK : err_set(err, LOCI_ENOMEM, "out of memory");
    if (!rc) {
        s->number = 1;
        rc = commit_segment_entry(b->segdir, s, err);
    }
    if (!rc)
        rc = indexdir_sync_dir(b->segdir, err);
    if (!rc && path_join(path, sizeof path, b->tmpdir, MANIFEST_FILE))
        rc = err_set(err, LOCI_EINVAL, "%s: path too long", b->tmpdir);
    if (!rc)
        rc = commit_write_manifest(path, &m, err);
    manifest_free(&m);
    return rc;
}

/* A builder of a whole index at `dir` (segdir NULL), or of one segment
 * in the existing directory `segdir` (a commit's). */
static int builder_make(const char *dir, const char *segdir, const loci_build_options *opt,
                        loci_builder **out, loci_error *err);

int loci_builder_new(const char *dir, const loci_build_options *opt, loci_builder **out,
                     loci_error *err)
{
    *out = NULL;
    loci_build_options defaults;
    if (!opt) {
        loci_build_options_init(&defaults);
        opt = &defaults;
    }
    if (err_opt_size(err, "loci_build_options", opt->size, sizeof *opt))
        return LOCI_EINVAL;
    if (!dir || !*dir)
        return err_set(err, LOCI_EINVAL, "no index directory given");
    if (opt->mode == LOCI_BUILD_REPLACE)
        return builder_make(dir, NULL, opt, out, err);
    if (opt->mode != LOCI_BUILD_ADD && opt->mode != LOCI_BUILD_UPDATE)
        return err_set(err, LOCI_EINVAL, "unknown build mode %d", (int)opt->mode);
    loci_build_options o = *opt;
    struct living *lv;
    int rc = living_begin(dir, &o, opt, &lv, err);
    if (rc)
        return rc;
    rc = builder_make(dir, living_segdir(lv), &o, out, err);
    if (rc) {
        living_free(lv);
        return rc;
    }
    (*out)->lv = lv;
    return LOCI_OK;
}

int builder_new_at(const char *segdir, const loci_build_options *opt, loci_builder **out,
                   loci_error *err)
{
    return builder_make(segdir, segdir, opt, out, err);
}

static int builder_make(const char *dir, const char *segdir, const loci_build_options *opt,
                        loci_builder **out, loci_error *err)
{
    *out = NULL;
    if (opt->passage_tokens == 0 && opt->passage_mode != LOCI_PASSAGE_DOCUMENT)
        return err_set(err, LOCI_EINVAL, "passage size must be at least 1 token");
    if (opt->passage_stride > opt->passage_tokens)
        return err_set(err, LOCI_EINVAL, "passage stride %u is larger than the window %u",
                       opt->passage_stride, opt->passage_tokens);
    int rc = segdir ? LOCI_OK : indexdir_check_replaceable(dir, err);
    if (rc)
        return rc;

    loci_builder *b = calloc(1, sizeof *b);
    if (!b)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->cond, NULL);
    b->lockfd = -1;
    b->opt = *opt;
    b->stem = dup_or(opt->stem_language, "english");
    b->id_field = dup_or(opt->id_field, "id");
    b->title_field = dup_or(opt->title_field, "title");
    b->text_field = dup_or(opt->text_field, "text");
    b->dir = strdup(dir);
    if (!b->stem || !b->id_field || !b->title_field || !b->text_field || !b->dir) {
        loci_builder_free(b);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    b->opt.stem_language = b->stem;
    b->opt.id_field = b->id_field;
    b->opt.title_field = b->title_field;
    b->opt.text_field = b->text_field;
    if (b->opt.passage_stride == 0)
        b->opt.passage_stride = b->opt.passage_tokens - b->opt.passage_tokens / 4;
    if (b->opt.passage_stride == 0)
        b->opt.passage_stride = 1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    b->nthreads = opt->threads ? opt->threads : cores > 0 ? (unsigned)cores : 1;
    if (b->nthreads > MAX_THREADS)
        b->nthreads = MAX_THREADS;
    /* Each batch in flight holds its text, and its worker an inverter of
     * about the same size plus tokens: four shares per slot keeps the whole
     * within the budget (next_batch_size picks sizes below that). */
    b->memory = opt->memory ? opt->memory : DEFAULT_MEMORY;
    b->fifo_cap = b->nthreads + 1;
    b->batch_bytes = b->memory / (4 * (uint64_t)b->fifo_cap);
    if (b->batch_bytes < MIN_BATCH)
        b->batch_bytes = MIN_BATCH;
    b->next_bytes = BASE_BATCH / 8 < b->batch_bytes ? BASE_BATCH / 8 : b->batch_bytes;
    b->fifo = calloc(b->fifo_cap, sizeof *b->fifo);
    b->workers = calloc(b->nthreads, sizeof *b->workers);
    if (!b->fifo || !b->workers) {
        loci_builder_free(b);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    for (unsigned i = 0; i < b->nthreads && !rc; i++) {
        b->workers[i].b = b;
        rc = splitter_init(&b->workers[i].split, &b->opt, err);
    }
    if (segdir) {
        if (!rc && (!(b->tmpdir = strdup(segdir)) || !(b->segdir = strdup(segdir))))
            rc = err_set(err, LOCI_ENOMEM, "out of memory");
    } else {
        if (!rc)
            rc = commit_lock_for_build(dir, &b->lockfd, err);
        if (!rc)
            rc = indexdir_create_temp(dir, &b->tmpdir, err);
        if (!rc)
            rc = whole_segment_dir(b, err);
    }
    if (!rc)
        rc = open_outputs(b, err);
    for (unsigned i = 0; i < b->nthreads && !rc; i++) {
        if (pthread_create(&b->workers[i].thread, NULL, worker_main, &b->workers[i]) != 0)
            rc = err_set(err, LOCI_ENOMEM, "cannot start a worker thread");
        else
            b->workers[i].started = 1;
    }
    if (rc) {
        loci_builder_free(b);
        return rc;
    }
    *out = b;
    return LOCI_OK;
}

void loci_builder_free(loci_builder *b)
{
    if (!b)
        return;
    pthread_mutex_lock(&b->lock);
    b->abandon = 1;
    pthread_mutex_unlock(&b->lock);
    stop_workers(b);
    for (unsigned i = 0; b->workers && i < b->nthreads; i++)
        splitter_free(&b->workers[i].split);
    free(b->workers);
    for (unsigned i = 0; i < b->fifo_n; i++)
        batch_free(b->fifo[(b->fifo_head + i) % b->fifo_cap]);
    free(b->fifo);
    batch_free(b->cur);
    while (b->nspare)
        batch_free(b->spare[--b->nspare]);
    textstore_abort(&b->text);
    recfile_abort(&b->passages_f);
    lfile_abort(&b->lengths_f);
    recfile_abort(&b->docs_f);
    buf_free(&b->rec);
    dedup_free(&b->dedup);
    buf_free(&b->aliases);
    buf_free(&b->hashes);
    buf_free(&b->prev_name);
    buf_free(&b->prev_source);
    buf_free(&b->bad_source);
    if (b->stream_ready)
        splitter_free(&b->stream);
    buf_free(&b->stream_passages);
    buf_free(&b->stream_lengths);
    buf_free(&b->stream_name);
    if (b->tmpdir && !b->finished)
        indexdir_remove(b->tmpdir);
    for (size_t i = 0; i < b->nruns; i++)
        free(b->runs[i]);
    free(b->runs);
    free(b->run_base);
    buf_free(&b->lengths_mem);
    buf_free(&b->lengths16);
    buf_free(&b->long_lengths);
    buf_free(&b->title_lengths);
    free(b->stem);
    free(b->id_field);
    free(b->title_field);
    free(b->text_field);
    free(b->dir);
    free(b->tmpdir);
    free(b->segdir);
    if (b->lockfd >= 0)
        close(b->lockfd);
    living_free(b->lv);
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->cond);
    free(b);
}

/* ---- input ------------------------------------------------------------------------ */

/* 1 if the next input document is among those built (first_document,
 * end_document); counts it either way. */
static int selected(loci_builder *b)
{
    uint64_t d = b->seen++;
    return d >= b->opt.first_document && (!b->opt.end_document || d < b->opt.end_document);
}

int loci_builder_add_document(loci_builder *b, const char *name, const char *title,
                              const char *text, size_t len, unsigned first_line, loci_error *err)
{
    if (!selected(b))
        return LOCI_OK;
    b->in.bytes += len;
    b->in.documents++;
    size_t title_len = title ? strlen(title) : 0;
    struct doc_in d = {.source = name, .name = name, .name_len = strlen(name), .title = title,
                       .title_len = title_len, .text = text, .len = len,
                       .first_line = first_line};
    if (len + title_len <= stream_over(b, 0))
        return add_doc(b, &d, err);
    int rc = stream_begin(b, &d, err);
    if (!rc && title_len && !(rc = stream_chunk(b, title, title_len, err)))
        rc = stream_chunk(b, "\n", 1, err);
    for (size_t off = 0; off < len && !rc; off += STREAM_CHUNK)
        rc = stream_chunk(b, text + off, len - off < STREAM_CHUNK ? len - off : STREAM_CHUNK, err);
    if (!rc)
        rc = stream_end(b, err);
    if (rc)
        b->failed = 1;
    return rc;
}

static void progress(loci_builder *b)
{
    if (b->opt.progress && b->in.bytes - b->last_progress >= PROGRESS_EVERY) {
        b->last_progress = b->in.bytes;
        loci_build_stats now = b->stats;
        now.documents = b->in.documents;
        now.input_bytes = b->in.bytes;
        now.skipped_files = b->in.skipped;
        b->opt.progress(b->opt.progress_ctx, &now);
    }
}

/* An input document as the builder takes it: from a file (its source),
 * unless it is standard input. */
static struct doc_in input_doc_in(loci_builder *b, const struct input_doc *d)
{
    struct doc_in in = {.source = d->source, .name = d->name, .name_len = d->name_len,
                        .title = d->title, .title_len = d->title ? d->title_len : 0,
                        .text = d->text, .len = d->text_len, .first_line = d->line,
                        .fixed_line = d->line_is_record ? d->line : 0, .file = b->in.files,
                        .has_src = strcmp(d->source, "-") != 0, .size = d->size,
                        .mtime = d->mtime_ns};
    return in;
}

static int on_input_doc(void *ctx, const struct input_doc *d, loci_error *err)
{
    loci_builder *b = ctx;
    if (!selected(b))
        return LOCI_OK;
    struct doc_in in = input_doc_in(b, d);
    if (b->lv && b->opt.mode == LOCI_BUILD_UPDATE && in.has_src) {
        uint64_t h = FNV1A64_INIT;
        if (in.title_len)
            h = fnv1a64(fnv1a64(h, in.title, in.title_len), "\n", 1);
        h = fnv1a64(h, in.text, in.len);
        if (living_keep_doc(b->lv, in.source, in.name, in.name_len, h, 1))
            return LOCI_OK; /* unchanged */
    }
    int rc = add_doc(b, &in, err);
    if (!rc)
        progress(b);
    return rc;
}

static int on_input_begin(void *ctx, const struct input_doc *d, loci_error *err)
{
    loci_builder *b = ctx;
    if (!selected(b)) {
        b->skipping = 1;
        return LOCI_OK;
    }
    struct doc_in in = input_doc_in(b, d);
    /* too large to hold: its hash is known only once it is in, so an
     * update always replaces it */
    if (b->lv && b->opt.mode == LOCI_BUILD_UPDATE && in.has_src)
        living_keep_doc(b->lv, in.source, in.name, in.name_len, 0, 0);
    int rc = stream_begin(b, &in, err);
    if (!rc && d->title && d->title_len && !(rc = stream_chunk(b, d->title, d->title_len, err)))
        rc = stream_chunk(b, "\n", 1, err);
    if (rc)
        b->failed = 1;
    return rc;
}

static int on_input_chunk(void *ctx, const char *p, size_t n, loci_error *err)
{
    loci_builder *b = ctx;
    if (b->skipping)
        return LOCI_OK;
    int rc = stream_chunk(b, p, n, err);
    if (!rc)
        progress(b);
    return rc;
}

static int on_input_end(void *ctx, loci_error *err)
{
    loci_builder *b = ctx;
    if (b->skipping) {
        b->skipping = 0;
        return LOCI_OK;
    }
    return stream_end(b, err);
}

/* loci_input_count: documents counted, never held (a large one is
 * streamed past). */
static int count_doc(void *ctx, const struct input_doc *d, loci_error *err)
{
    (*(uint64_t *)ctx)++;
    return LOCI_OK;
}

static int count_chunk(void *ctx, const char *p, size_t n, loci_error *err) { return LOCI_OK; }

static int count_end(void *ctx, loci_error *err) { return LOCI_OK; }

int loci_input_count(const char *const *paths, size_t n, const loci_build_options *opt,
                     uint64_t *count, loci_error *err)
{
    loci_build_options dflt;
    if (!opt) {
        loci_build_options_init(&dflt);
        opt = &dflt;
    }
    struct input_options io = {
        .format = opt->input_format,
        .id_field = opt->id_field,
        .title_field = opt->title_field,
        .text_field = opt->text_field,
        .strict = opt->strict,
        .stream_over = 1u << 20,
        .begin = count_doc,
        .chunk = count_chunk,
        .end = count_end,
    };
    struct input_stats st = {0};
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(paths[i], "-"))
            return err_set(err, LOCI_EINVAL,
                           "standard input cannot be counted and then read again; give files");
        int rc = input_add_path(&io, paths[i], count_doc, count, &st, err);
        if (rc)
            return rc;
    }
    return LOCI_OK;
}

void loci_shard_range(uint64_t documents, unsigned shard, unsigned shards, uint64_t *first,
                      uint64_t *end)
{
    /* D*I/N without overflow: (D/N)*I + (D%N)*I/N, (D%N)*I < N*N */
    if (!shards || shard >= shards) {
        *first = 0;
        *end = documents;
        return;
    }
    uint64_t q = documents / shards, r = documents % shards;
    *first = q * shard + r * shard / shards;
    *end = q * (shard + 1) + r * (shard + 1) / shards;
}

static int on_want(void *ctx, const char *path, const struct stat *st, loci_error *err)
{
    loci_builder *b = ctx;
    return living_want_file(b->lv, path, st, err);
}

int loci_builder_delete(loci_builder *b, const char *name, loci_error *err)
{
    if (b->finished || b->failed)
        return err_set(err, LOCI_EINVAL, "the build is already finished or has failed");
    if (!b->lv)
        return err_set(err, LOCI_EINVAL,
                       "deleting documents needs LOCI_BUILD_ADD or LOCI_BUILD_UPDATE");
    return living_delete(b->lv, name, err);
}

uint64_t builder_documents_in(const loci_builder *b)
{
    return b->docs_in;
}

uint64_t builder_symlinks_skipped(const loci_builder *b)
{
    return b->in.symlinks;
}

const uint64_t *builder_text_hashes(const loci_builder *b, size_t *n)
{
    *n = b->hashes.len / sizeof(uint64_t);
    return (const uint64_t *)(const void *)b->hashes.data;
}

int builder_add_stored(loci_builder *b, const struct doc_info *d, const char *text,
                       loci_error *err)
{
    struct doc_in in = {.source = d->source ? d->source : "", .name = d->name,
                        .name_len = d->name_len, .text = text, .len = d->text_len,
                        .first_line = d->first_line,
                        .fixed_line = d->fixed_line ? d->first_line : 0, .file = b->in.files,
                        .has_src = d->source != NULL, .hash_given = 1, .size = d->size,
                        .hash = d->hash, .mtime = d->mtime_ns,
                        .stored_title = d->title_bytes < d->text_len ? d->title_bytes : 0};
    char src[PATH_BUF];
    snprintf(src, sizeof src, "%.*s", (int)d->source_len, d->source ? d->source : "");
    in.source = src;
    b->in.files++; /* each document its own file, for the invalid UTF-8 warnings */
    b->in.bytes += d->text_len;
    b->in.documents++;
    if (d->text_len <= stream_over(b, d->fixed_line))
        return add_doc(b, &in, err);
    int rc = stream_begin(b, &in, err);
    for (size_t off = 0; off < d->text_len && !rc; off += STREAM_CHUNK)
        rc = stream_chunk(b, text + off,
                          d->text_len - off < STREAM_CHUNK ? d->text_len - off : STREAM_CHUNK, err);
    if (!rc)
        rc = stream_end(b, err);
    if (rc)
        b->failed = 1;
    return rc;
}

int loci_builder_add_path(loci_builder *b, const char *path, loci_error *err)
{
    if (b->finished || b->failed)
        return err_set(err, LOCI_EINVAL, "the build is already finished or has failed");
    struct input_options io = {
        .format = b->opt.input_format,
        .doc_format = b->opt.doc_format,
        .follow = b->opt.follow_symlinks,
        .id_field = b->opt.id_field,
        .title_field = b->opt.title_field,
        .text_field = b->opt.text_field,
        .strict = b->opt.strict,
        .warn = b->opt.warn,
        .warn_ctx = b->opt.warn_ctx,
        .stream_over = stream_over(b, b->opt.input_format == LOCI_INPUT_JSONL),
        .begin = on_input_begin,
        .chunk = on_input_chunk,
        .end = on_input_end,
        .tmpdir = b->tmpdir,
    };
    int rc = LOCI_OK;
    if (b->lv && b->opt.mode == LOCI_BUILD_UPDATE) {
        io.want = on_want;
        rc = living_note_path(b->lv, path, err);
        struct stat st;
        if (!rc && strcmp(path, "-") && lstat(path, &st) != 0 && errno == ENOENT)
            return LOCI_OK; /* gone: its documents are deleted at finish */
    }
    if (!rc)
        rc = input_add_path(&io, path, on_input_doc, b, &b->in, err);
    if (!rc && atomic_load(&b->cancelled))
        rc = err_set(err, LOCI_ECANCELED, "the build was cancelled");
    if (rc)
        b->failed = 1;
    return rc;
}

/* ---- finishing ------------------------------------------------------------------------ */

static int cmp_alias(const void *x, const void *y)
{
    uint64_t a = (uint64_t)le32_get(x) << 32 | le32_get((const uint8_t *)x + 4);
    uint64_t c = (uint64_t)le32_get(y) << 32 | le32_get((const uint8_t *)y + 4);
    return (a > c) - (a < c);
}

static int write_meta(loci_builder *b, double k1, double bb, loci_error *err)
{
    /* 4.1: the alias table after the fixed record, by document then duplicate */
    size_t nalias = b->aliases.len / 8, size = META_SIZE + 8 + b->aliases.len;
    uint8_t *m = calloc(1, size);
    if (!m)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    if (nalias)
        qsort(b->aliases.data, nalias, 8, cmp_alias);
    le64_put(m + META_ALIASES, nalias);
    if (nalias)
        memcpy(m + META_ALIAS_TABLE, b->aliases.data, b->aliases.len);
    uint64_t k1bits, bbits;
    memcpy(&k1bits, &k1, 8);
    memcpy(&bbits, &bb, 8);
    le64_put(m + META_DOCUMENTS, b->stats.documents);
    le64_put(m + META_PASSAGES, b->stats.passages);
    le64_put(m + META_TERMS, b->stats.terms);
    le64_put(m + META_TOKENS, b->stats.tokens);
    le64_put(m + META_REF_K1, k1bits);
    le64_put(m + META_REF_B, bbits);
    le32_put(m + META_PASSAGE_MODE, (uint32_t)b->opt.passage_mode);
    le32_put(m + META_PASSAGE_TOKENS, b->opt.passage_tokens);
    le32_put(m + META_PASSAGE_STRIDE, b->opt.passage_stride);
    le32_put(m + META_MAX_TERM, ANALYZER_MAX_TERM);
    le32_put(m + META_BLOCK_SIZE, FMT_BLOCK);
    /* the analyzer's spelling of the language ("German" is german) */
    snprintf((char *)m + META_STEM, 32, "%s", analyzer_language(b->workers[0].split.an));
    /* the file table: the fingerprint of every other file of this build */
    for (size_t i = 1; i < FMT_NFILES; i++) {
        char path[PATH_BUF];
        struct lfile f;
        int rc = path_join(path, sizeof path, b->segdir, FMT_FILES[i].name)
                     ? err_set(err, LOCI_EINVAL, "%s: path too long", b->segdir)
                     : lfile_open(&f, path, FMT_FILES[i].magic, err);
        if (rc) {
            free(m);
            return rc;
        }
        uint8_t *e = m + META_FILES + (i - 1) * META_FILE_ENTRY;
        le64_put(e + META_FILE_LEN, f.body_len);
        le32_put(e + META_FILE_CRC, lfile_table_crc(&f));
        lfile_close(&f);
    }
    int rc = writer_put_file(b->segdir, FMT_META, FMT_MAGIC_META, m, size, err);
    free(m);
    return rc;
}

void loci_builder_cancel(loci_builder *b)
{
    if (b)
        atomic_store(&b->cancelled, 1);
}

static int finish_files(loci_builder *b, loci_error *err);

/* A build done: its input counts into its stats. */
static void mark_finished(loci_builder *b)
{
    b->finished = 1;
    b->stats.input_bytes = b->in.bytes;
    b->stats.skipped_files = b->in.skipped;
    b->stats.symlinks_skipped = b->in.symlinks;
    b->stats.runs = b->nruns;
}

int builder_finish_segment(loci_builder *b, loci_build_stats *stats, loci_error *err)
{
    if (b->finished || b->failed)
        return err_set(err, LOCI_EINVAL, "the build is already finished or has failed");
    int rc = finish_files(b, err);
    if (rc) {
        b->failed = 1;
        return rc;
    }
    mark_finished(b);
    if (stats)
        *stats = b->stats;
    return LOCI_OK;
}

int loci_builder_finish(loci_builder *b, loci_build_stats *stats, loci_error *err)
{
    if (b->finished || b->failed)
        return err_set(err, LOCI_EINVAL, "the build is already finished or has failed");
    if (b->lv) {
        int rc = living_finish(b->lv, b, &b->opt, 0, stats, err);
        if (rc)
            b->failed = 1;
        else
            b->finished = 1;
        return rc;
    }
    int rc = finish_files(b, err);
    if (!rc)
        rc = write_whole_manifest(b, err);
    if (!rc && atomic_load(&b->cancelled))
        rc = err_set(err, LOCI_ECANCELED, "the build was cancelled");
    if (!rc) {
        b->stats.index_bytes = indexdir_bytes(b->tmpdir);
        int not_atomic;
        loci_error late;
        rc = indexdir_swap(b->tmpdir, b->dir, &not_atomic, &late, err);
        if (!rc && not_atomic)
            warnf(b, "%s: this file system cannot exchange two directories atomically; the "
                     "index was replaced with two renames (a search meanwhile used the previous "
                     "index, moved aside)",
                  b->dir);
        if (!rc && late.code)
            warnf(b, "%s", late.message);
    }
    if (rc) {
        b->failed = 1;
        return rc;
    }
    mark_finished(b);
    b->stats.added = b->stats.documents;
    b->stats.segments = 1;
    b->stats.live_documents = b->stats.documents;
    b->stats.committed = 1;
    if (stats)
        *stats = b->stats;
    return LOCI_OK;
}

/* Drain the batches, write every file of the segment (runs merged). */
static int finish_files(loci_builder *b, loci_error *err)
{
    if (b->streaming) {
        b->failed = 1;
        return err_set(err, LOCI_EINVAL, "internal error: a streamed document is unfinished");
    }
    int rc = drain(b, err);
    stop_workers(b);
    if (!rc && atomic_load(&b->cancelled))
        rc = err_set(err, LOCI_ECANCELED, "the build was cancelled");
    if (rc) {
        b->failed = 1;
        return rc;
    }
    flush_invalid(b);
    if (b->stats.passages == 0) {
        b->failed = 1;
        return err_set(err, LOCI_EEMPTY, "no text to index (%llu document%s, none with words)",
                       (unsigned long long)b->stats.documents,
                       b->stats.documents == 1 ? "" : "s");
    }
    double avglen = (double)b->stats.tokens / (double)b->stats.passages;
    double k1 = LOCI_DEFAULT_K1, bb = LOCI_DEFAULT_B;
    rc = textstore_finish(&b->text, err);
    /* 4.3: long lengths, title table, u64 title count, u64 long count */
    uint8_t counts[16];
    le64_put(counts, b->title_lengths.len / 8);
    le64_put(counts + 8, b->long_lengths.len / 8);
    if (!rc)
        rc = lfile_write(&b->lengths_f, b->long_lengths.data, b->long_lengths.len, err);
    if (!rc)
        rc = lfile_write(&b->lengths_f, b->title_lengths.data, b->title_lengths.len, err);
    if (!rc)
        rc = lfile_write(&b->lengths_f, counts, sizeof counts, err);
    if (!rc)
        rc = lfile_finish(&b->lengths_f, err);
    if (!rc)
        rc = recfile_finish(&b->passages_f, err);
    if (!rc)
        rc = recfile_finish(&b->docs_f, err);
    if (!rc) {
        /* the runs' read buffers take an eighth of the budget, 256 KiB
         * each at most */
        struct merge_input in = {b->runs, b->run_base, b->nruns, b->memory / 8,
                                 (const uint32_t *)b->lengths_mem.data, avglen, k1, bb,
                                 &b->cancelled};
        if (in.buffer_bytes > (uint64_t)b->nruns * MERGE_BUF)
            in.buffer_bytes = (uint64_t)b->nruns * MERGE_BUF;
        rc = merge_runs(b->segdir, &in, &b->stats.terms, err);
    }
    if (!rc)
        rc = write_meta(b, k1, bb, err);
    if (!rc && atomic_load(&b->cancelled))
        rc = err_set(err, LOCI_ECANCELED, "the build was cancelled");
    return rc;
}
