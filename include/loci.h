/*
 * loci.h — the public C API of libloci, a full-text passage search engine.
 *
 * This is the only installed header. Everything is reached through opaque
 * handles with the loci_ prefix; the two command-line programs (loci-index,
 * loci-search) use nothing else, so whatever they can do, an embedding
 * program can do too.
 *
 * Conventions (the same for every function):
 *  - Fallible functions return an int status: LOCI_OK (0) on success, a
 *    negative LOCI_E* code on failure. Some return a positive count.
 *  - Fallible functions take a `loci_error *err` last. It may be NULL. On
 *    failure it receives the code and a one-line message naming the file,
 *    the offset and the reason ("index/postings: checksum mismatch in page 3").
 *  - Constructors fill an out-pointer; on failure the out-pointer is NULL.
 *  - Every *_free / *_close accepts NULL and does nothing.
 *  - The library never prints, exits or aborts on bad input or bad data.
 *  - A handle is used by one thread at a time; separate handles on the same
 *    index may be used from separate threads.
 *
 * ABI (libloci.so.MAJOR; README.md "Embedding"): what stays stable within
 * a major version is every function declared here with LOCI_API, the
 * status codes, and the handles, which are opaque (loci_index,
 * loci_results, loci_builder: only pointers cross the API). The option
 * structs a caller fills (loci_build_options, loci_search_options) are
 * only ever set up by their *_init function, which also sets their `size`;
 * the library refuses (LOCI_EINVAL) a struct whose size is not its own, so
 * a program built against another layout fails cleanly instead of having
 * its options misread. The structs the library fills (loci_error,
 * loci_hit, loci_passage, loci_span, loci_explain_clause, the stats) keep
 * their layout within a major version; a change to any of them, or to a
 * function's signature, bumps LOCI_VERSION_MAJOR and the soname.
 */
#ifndef LOCI_H
#define LOCI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header; loci_version() gives the library's. A
 * program may check loci_version() / 10000 == LOCI_VERSION_MAJOR. */
#define LOCI_VERSION "0.2.0"
#define LOCI_VERSION_MAJOR 0
#define LOCI_VERSION_MINOR 2
#define LOCI_VERSION_PATCH 0
#define LOCI_VERSION_NUMBER \
    (LOCI_VERSION_MAJOR * 10000 + LOCI_VERSION_MINOR * 100 + LOCI_VERSION_PATCH)

/* The public API: the only symbols libloci exports (everything else is
 * compiled with hidden visibility; see the Makefile). Every function
 * declared here starts with LOCI_API (tests/symbols.sh checks it). */
#if defined(__GNUC__) || defined(__clang__)
#define LOCI_API __attribute__((visibility("default")))
#else
#define LOCI_API
#endif

/* Status codes. Negative values are errors. */
enum {
    LOCI_OK = 0,
    LOCI_ENOMEM = -1,    /* out of memory */
    LOCI_EIO = -2,       /* a file could not be read, written or renamed */
    LOCI_ECORRUPT = -3,  /* the index fails a checksum or a bounds check */
    LOCI_EVERSION = -4,  /* the index was written by an incompatible version */
    LOCI_EINVAL = -5,    /* a bad argument or option */
    LOCI_ENOTFOUND = -6, /* no index (or input file) at the given path */
    LOCI_EUTF8 = -7,     /* invalid UTF-8 where it is not accepted */
    LOCI_EEMPTY = -8,    /* nothing to index, or a query without terms */
    LOCI_EFORMAT = -9,   /* malformed input (bad JSON line, ...) */
    LOCI_ECANCELED = -10 /* the build was cancelled (loci_builder_cancel) */
};

#define LOCI_ERRMSG_MAX 512

/* Error details, filled by a failing call when the caller passes one. */
typedef struct loci_error {
    int code;                      /* one of the LOCI_E* codes */
    char message[LOCI_ERRMSG_MAX]; /* one line, no trailing newline */
} loci_error;

/* A static, human-readable name for a status code ("checksum mismatch"...). */
LOCI_API const char *loci_strerror(int code);

/* "loci 0.2.0 (utf8proc 2.8.0, zlib 1.2.13, Snowball)": static string. */
LOCI_API const char *loci_version_string(void);

/* The run-time library's version as MAJOR * 10000 + MINOR * 100 + PATCH
 * (LOCI_VERSION_NUMBER of the loci.h it was built with). */
LOCI_API int loci_version(void);

/* ------------------------------------------------------------------ */
/* Building an index                                                    */
/* ------------------------------------------------------------------ */

typedef enum {
    LOCI_PASSAGE_PARAGRAPH = 0, /* blank-line paragraphs, long ones windowed */
    LOCI_PASSAGE_DOCUMENT = 1,  /* one passage per document (never windowed) */
    LOCI_PASSAGE_WINDOW = 2     /* fixed windows of N tokens every STRIDE */
} loci_passage_mode;

typedef enum {
    LOCI_INPUT_TEXT = 0, /* each file is one document */
    LOCI_INPUT_JSONL = 1 /* each line of each file is one JSON document */
} loci_input_format;

/* How a text file's bytes become a document's text (issue 15). AUTO (the
 * default) decides per file, by the name's extension and else by the
 * first bytes; the others apply to every file. HTML, MAN and MARKDOWN
 * turn markup into plain text whose lines are the file's lines (README.md,
 * "Formats"). JSON Lines records and documents added from memory are
 * always text. */
typedef enum {
    LOCI_FORMAT_AUTO = 0,
    LOCI_FORMAT_TEXT = 1,
    LOCI_FORMAT_HTML = 2,
    LOCI_FORMAT_MAN = 3,
    LOCI_FORMAT_MARKDOWN = 4
} loci_doc_format;

/* What loci_builder_finish does with the index at `dir` (format 4: an
 * index is a manifest and segments, changed in place by commits). */
typedef enum {
    LOCI_BUILD_REPLACE = 0, /* a whole build: a new index replaces any old one */
    LOCI_BUILD_ADD = 1,     /* add the documents to the index (created if missing) */
    LOCI_BUILD_UPDATE = 2   /* bring the index up to date with the paths added:
                               new and changed files (records) are indexed, changed
                               ones replace their old documents, unchanged ones are
                               kept, ones gone from a given directory or JSON Lines
                               file are deleted */
} loci_build_mode;

typedef struct loci_build_stats {
    uint64_t documents, passages, terms, tokens; /* of the new segment, if any */
    uint64_t input_bytes, index_bytes;
    uint64_t skipped_files;      /* binary or unreadable inputs skipped */
    uint64_t runs;               /* sorted runs merged (one per batch of input) */
    uint64_t invalid_utf8;       /* sequences replaced by U+FFFD */
    /* commits (LOCI_BUILD_ADD, LOCI_BUILD_UPDATE, deletions, merges) */
    uint64_t added, replaced, deleted, unchanged; /* documents */
    uint64_t segments;           /* segments of the index after it */
    uint64_t live_documents;     /* documents of the index after it */
    uint64_t deleted_documents;  /* deleted documents still in its segments */
    int committed;               /* 1 if a new manifest was written */
    /* (added in 0.1: after the fields above, which keep their places) */
    uint64_t symlinks_skipped;   /* symbolic links in directories not followed */
    uint64_t duplicates;         /* documents whose text an earlier one has: stored
                                    once, their names kept (loci_doc_also) */
} loci_build_stats;

typedef struct loci_build_options {
    size_t size;                /* sizeof(loci_build_options): set by
                                   loci_build_options_init, checked by the library */
    const char *stem_language;  /* Snowball language or "none"; default "english" */
    loci_passage_mode passage_mode;
    unsigned passage_tokens;    /* window size / paragraph limit; default 200 */
    unsigned passage_stride;    /* window step; 0 = 3/4 of passage_tokens */
    loci_input_format input_format;
    const char *id_field;       /* JSONL fields; defaults "id", "title", "text" */
    const char *title_field;
    const char *text_field;
    /* Invalid UTF-8 in the input. 1 (the default): each invalid sequence
     * is indexed as U+FFFD (a separator), counted in invalid_utf8, and
     * each file with some gets one warning "FILE:LINE: N invalid UTF-8
     * sequences replaced by U+FFFD" (LINE: of the first one; a JSON Lines
     * file's records add up to one warning). 0: it is an error
     * (LOCI_EUTF8, "FILE:LINE: invalid UTF-8 (byte 0x..)"), as with strict. */
    int replace_invalid_utf8;
    /* 1: an unreadable input file (a dangling symbolic link, a symlink
     * loop, a subdirectory that cannot be opened) is an error instead of
     * being warned about, skipped and counted; so is invalid UTF-8. */
    int strict;
    uint64_t memory;            /* memory budget in bytes; 0 = 512 MiB */
    unsigned threads;           /* parsing threads; 0 = number of cores */
    /* Called for non-fatal events (a binary file skipped, ...); may be NULL. */
    void (*warn)(void *ctx, const char *message);
    void *warn_ctx;
    /* Called now and then while input is read (stats so far); may be NULL. */
    void (*progress)(void *ctx, const struct loci_build_stats *so_far);
    void *progress_ctx;
    /* LOCI_BUILD_REPLACE (the default), ADD or UPDATE. Adding and updating
     * take the passage and stemming settings of the existing index; asking
     * for different ones (other than the defaults) is LOCI_EINVAL. */
    loci_build_mode mode;
    /* 1: a commit never merges segments by the merge policy (README.md,
     * "Living indexes"); loci_index_merge still merges. */
    int no_merge;
    /* Build only the documents numbered [first_document, end_document) of
     * the input, numbered from 0 in the order they are read (every path
     * and loci_builder_add_document together); end_document 0: no end.
     * A shard of a corpus (loci-index --shard I/N, README.md "Shards") is
     * such a range: see loci_input_count and loci_shard_range. */
    uint64_t first_document, end_document;
    /* The files' format (LOCI_FORMAT_AUTO by default). */
    loci_doc_format doc_format;
    /* 1: follow symbolic links met inside directories (files and
     * directories; a directory already on the walk's path is skipped as a
     * loop). 0 (the default): they are skipped and counted in
     * symlinks_skipped. A path given to loci_builder_add_path is followed
     * either way. */
    int follow_symlinks;
} loci_build_options;

/* Fill `o` with the defaults described above (and its size). */
LOCI_API void loci_build_options_init(loci_build_options *o);

/* The Snowball languages stem_language may name (besides "none"; case
 * does not matter): a static, NULL-terminated list. */
LOCI_API const char *const *loci_stem_languages(void);

typedef struct loci_builder loci_builder;

/* A build reads input on the calling thread and tokenizes, splits and
 * inverts batches of documents on `threads` worker threads, writing sorted
 * runs to the temporary directory when a batch is done and merging them at
 * finish, so memory stays near `memory` whatever the corpus size. A
 * document larger than a batch (memory / (4 * (threads + 1))) is streamed
 * on the calling thread instead, a piece at a time, so memory stays near
 * `memory` whatever the size of one document too (except in
 * LOCI_PASSAGE_DOCUMENT mode, where a document's one passage keeps its
 * postings in memory until its end). The index does not depend on
 * `threads` or `memory`: passage ids follow input order and the result is
 * byte-for-byte the same. */


/* Start building an index that will live in directory `dir`. Nothing at
 * `dir` changes until loci_builder_finish succeeds. `opt` may be NULL
 * (defaults). The options' strings are copied. */
LOCI_API int loci_builder_new(const char *dir, const loci_build_options *opt,
                     loci_builder **out, loci_error *err);

/* Add a file, a directory (recursively, in sorted order) or "-" for
 * standard input. Files ending in .gz are decompressed. Binary files are
 * skipped with a warning. */
LOCI_API int loci_builder_add_path(loci_builder *b, const char *path, loci_error *err);

/* Add one document from memory. `title` may be NULL. `text` need not be
 * NUL-terminated. `first_line` is the source line of text[0] (1-based).
 * Its text (title included) is taken as it is (no format extraction); a
 * text byte-identical to an earlier document's is stored once, this
 * document becoming another name of that one (loci_doc_also).
 * Documents are copied into batches that worker threads process, so a
 * problem with a document's content (invalid UTF-8 when it is an error)
 * is reported, and its warnings given, by a later add or by
 * loci_builder_finish (by this call for a document larger than a batch,
 * which is streamed at once). After any error the build is failed:
 * only loci_builder_free remains to be called. */
LOCI_API int loci_builder_add_document(loci_builder *b, const char *name,
                              const char *title, const char *text, size_t len,
                              unsigned first_line, loci_error *err);

/* LOCI_BUILD_REPLACE: write the index into a temporary directory beside
 * `dir`, then rename it into place, replacing any previous index whole.
 * ADD and UPDATE: one commit holding the new segment (if any document was
 * added) and the deletions, atomically; nothing is written when nothing
 * changed. `stats` may be NULL. */
LOCI_API int loci_builder_finish(loci_builder *b, loci_build_stats *stats, loci_error *err);

/* Delete every live document named `name` from the index, in the same
 * commit as the documents added (LOCI_BUILD_ADD or UPDATE only). A name
 * that matches nothing is a warning, not an error. */
LOCI_API int loci_builder_delete(loci_builder *b, const char *name, loci_error *err);

/* Merge every segment of the index at `dir` into one (its live
 * documents, as a fresh build of them would be), in one commit. `opt`
 * gives memory, threads and callbacks (may be NULL); `stats` may be NULL. */
LOCI_API int loci_index_merge(const char *dir, const loci_build_options *opt, loci_build_stats *stats,
                     loci_error *err);

/* How many documents the paths hold as a build with `opt` reads them
 * (input format and fields; unreadable and binary files are skipped as a
 * build skips them, warnings aside). Standard input ("-") cannot be read
 * twice, so it is LOCI_EINVAL here. */
LOCI_API int loci_input_count(const char *const *paths, size_t n, const loci_build_options *opt,
                     uint64_t *count, loci_error *err);

/* Shard `shard` of `shards` of `documents` input documents: the
 * contiguous range [*first, *end) = [shard*D/shards, (shard+1)*D/shards)
 * (D = documents), so the shards in order hold the input in order. */
LOCI_API void loci_shard_range(uint64_t documents, unsigned shard, unsigned shards, uint64_t *first,
                      uint64_t *end);

/* Combine the indexes at dirs[0..n) into a new index at `out` (replaced
 * atomically, like a whole build): the live documents of each, in order,
 * fed through the builder again from their stored text, so the result is
 * byte for byte the index one build of those documents would be. They
 * must share stemming and passage settings; `opt` gives memory, threads
 * and callbacks (may be NULL). */
LOCI_API int loci_indexes_merge(const char *const *dirs, size_t n, const char *out,
                       const loci_build_options *opt, loci_build_stats *stats, loci_error *err);

/* Ask a build in progress to stop: its next check point (each document,
 * each file, each batch, each term of the merge) fails with
 * LOCI_ECANCELED, and loci_builder_free then removes its temporary files;
 * the old index is untouched. Only sets a flag: safe to call from a
 * signal handler (loci-index calls it on SIGINT, SIGTERM and SIGHUP) or
 * from another thread. Once loci_builder_finish has swapped the new index
 * in, cancelling has no effect. */
LOCI_API void loci_builder_cancel(loci_builder *b);

/* Free the builder. An unfinished build is abandoned; its temporary files
 * are removed and the old index (if any) is untouched. */
LOCI_API void loci_builder_free(loci_builder *b);

/* ------------------------------------------------------------------ */
/* Searching an index                                                   */
/* ------------------------------------------------------------------ */

typedef struct loci_index loci_index;

/* Open the index in `dir` (memory-mapped; headers are verified). */
LOCI_API int loci_index_open(const char *dir, loci_index **out, loci_error *err);
LOCI_API void loci_index_close(loci_index *idx);

/* Open several indexes (shards, README.md "Shards") as one: their
 * segments, in the order of dirs, form one index, so a search ranks them
 * into one top k with statistics (passages, tokens, each term's df) summed
 * over all of them, exactly as one index of all their documents in that
 * order would (passage and document ids run on from one index to the
 * next). Each is opened as loci_index_open opens one (its own snapshot).
 * They must share the stemming language and passage settings
 * (LOCI_EINVAL naming the first that differs). n must be at least 1;
 * n == 1 is loci_index_open. */
LOCI_API int loci_index_open_many(const char *const *dirs, size_t n, loci_index **out, loci_error *err);

/* Verify every checksum of every file of the index. */
LOCI_API int loci_index_check(loci_index *idx, loci_error *err);

typedef struct loci_index_stats {
    uint64_t documents, passages, terms, tokens;
    double avg_passage_tokens;
    char stem_language[32];
    loci_passage_mode passage_mode;    /* how the documents were split */
    unsigned passage_tokens;           /* window size / paragraph limit */
    unsigned passage_stride;           /* window step */
    unsigned format_major, format_minor; /* on-disk format (docs/FORMAT.md) */
    int64_t built;                     /* when it was written: seconds since the
                                          epoch (the modification time of meta) */
    uint64_t index_bytes;              /* all its files */
    size_t nfiles;
    struct {
        char name[16];
        uint64_t bytes;
    } files[9];                        /* each kind of file, all segments' together,
                                          and the manifest */
    unsigned segments;                 /* segments (docs/FORMAT.md); 1 after a whole
                                          build or a merge */
    uint64_t deleted_documents;        /* deleted since their segments were written
                                          (documents counts the live ones) */
} loci_index_stats;

LOCI_API void loci_index_stats_get(const loci_index *idx, loci_index_stats *st);

typedef enum {
    LOCI_GROUP_PASSAGE = 0, /* one hit per passage */
    LOCI_GROUP_DOCUMENT = 1 /* one hit per document, scored by its best passage */
} loci_group;

typedef struct loci_search_options {
    size_t size;       /* sizeof(loci_search_options): set by
                          loci_search_options_init, checked by the library */
    unsigned k;        /* number of hits; default 10 */
    double k1, b;      /* BM25 parameters; defaults LOCI_DEFAULT_K1, LOCI_DEFAULT_B */
    loci_group group;
    int exhaustive;    /* 1: score every posting (no pruning) */
    unsigned offset;   /* skip this many best hits first (paging): the hits are
                          exactly ranks offset+1 .. offset+k of a larger k */
    int count;         /* 1: also count every matching passage (or document),
                          for loci_results_total; costs a pass over the
                          query terms' postings (ids only), so it is asked for */
    int plain;         /* 1: the query is words only, with no syntax (for
                          arbitrary user text); 0: the query language below */
    const char *stopwords; /* query stopwords, left out of a query's optional
                          words unless it has no others (README: How loci
                          ranks): NULL, the default, for the built-in list of
                          the index's stemming language (none for "none" or a
                          language without one); "none"; a language name; or
                          the path of a list file (words, '#' comments). It is
                          read once per index handle while it stays the same */
    /* Pseudo-relevance feedback, RM3 (README.md, "Query expansion"): with
     * expand_docs > 0 the query is ranked first for its best expand_docs
     * passages (documents' best passages, grouped), their terms make a
     * relevance model, and its expand_terms most probable terms (terms in
     * more than half of the passages and one-byte terms left out) join the
     * query as optional words, the query weighing expand_weight and the
     * model 1 - expand_weight; then the query is ranked again, exactly (as
     * without expansion, pruned or exhaustive alike). A query with syntax
     * keeps its operators: the expansion terms are optional clauses beside
     * them (so with a +required clause they only add to scores), and a term
     * the query excludes is never added. About twice the cost of a search
     * or more (two rankings, the second of a longer query). Not with
     * global statistics (loci_index_set_global_stats: LOCI_EINVAL). */
    unsigned expand_docs;  /* feedback passages; 0 (the default): no expansion;
                              at most 1000 */
    unsigned expand_terms; /* expansion terms; default 10, at most 1000 */
    double expand_weight;  /* the original query's weight, 0 < w <= 1; default 0.5 */
    double title_weight; /* BM25F weight of a JSON Lines record's title
                          against its text (0 < W <= 100); default 1: the
                          title scores as text (docs/FORMAT.md, bm25.h) */
    double proximity;  /* 0 (default): BM25 alone. W > 0 (at most 100): add to
                          each passage's score W times Büttcher, Clarke and
                          Lushman's bonus for query words close together in
                          it (README "Proximity"). Exact (pruned ==
                          exhaustive); ranks 2k+10 or more passages and
                          reads their positions, so it costs time */
} loci_search_options;

#define LOCI_DEFAULT_K1 1.5
#define LOCI_DEFAULT_B 0.75
/* Feedback passages of expansion when asked for without a number
 * (loci-search --expand); loci_search_options_init leaves it off. */
#define LOCI_DEFAULT_EXPAND_DOCS 10
/* The proximity weight loci-search's --proximity means without a value. */
#define LOCI_PROXIMITY_WEIGHT 0.5

LOCI_API void loci_search_options_init(loci_search_options *o);

/* The languages with a built-in stopword list (loci_search_options.
 * stopwords): a static, NULL-terminated list. */
LOCI_API const char *const *loci_stopword_languages(void);

typedef struct loci_hit {
    uint32_t passage;  /* passage id (0-based, in input order) */
    uint32_t doc;      /* document id (0-based, in input order) */
    double score;
} loci_hit;

typedef struct loci_results loci_results;

/* The longest query loci_search accepts, in bytes (LOCI_EINVAL beyond):
 * a query is something a person or a program writes, and a cap keeps a
 * runaway input from taking unbounded memory. */
#define LOCI_QUERY_MAX 65536

/* Rank passages for `query` (UTF-8, analyzed like the indexed text).
 * Unless options.plain, the query language applies (README.md, "Query
 * language"): "exact phrase", "a b"~N (within N positions), +required,
 * -excluded, AND, OR, NOT (upper case; AND/NOT bind tighter than OR, OR
 * tighter than juxtaposition), parentheses, prefix*, doc:GLOB. A query of
 * words only ranks exactly as with options.plain. A malformed query is
 * LOCI_EINVAL with a message naming the column ("query: column 5:
 * unbalanced ')'"), as is one that only excludes.
 * Returns LOCI_OK with zero hits when nothing matches; LOCI_EEMPTY when the
 * query has no searchable term; LOCI_EUTF8 when it is not valid UTF-8;
 * LOCI_EINVAL when it is longer than LOCI_QUERY_MAX bytes.
 * Hits are ordered by score, descending; ties by passage id, ascending. */
LOCI_API int loci_search(loci_index *idx, const char *query,
                const loci_search_options *opt, loci_results **out,
                loci_error *err);

/* ---- global statistics: searching shards apart (README.md, "Shards") ----
 *
 * Shards on different machines score with the statistics of them all:
 * phase 1 asks each shard what a query needs (loci_query_stats: its live
 * passages and tokens, and the live df of every term the query looks up,
 * a prefix's whole expansion included); the parts of all shards are
 * summed into one loci_global_stats (add_part, then add_term for each of
 * that part's terms); phase 2 searches each shard with the sum
 * (loci_index_set_global_stats), and the shards' top k lists, merged by
 * score (ties: shard order, then rank), are the top k of one index of
 * everything. */
typedef struct loci_global_stats loci_global_stats;

/* An empty sum. LOCI_OK or LOCI_ENOMEM. */
LOCI_API int loci_global_stats_new(loci_global_stats **out);
LOCI_API void loci_global_stats_free(loci_global_stats *s);
/* Start one shard's part: its live passages and tokens are added; the
 * terms added next are its. LOCI_EINVAL on overflow. */
LOCI_API int loci_global_stats_add_part(loci_global_stats *s, uint64_t passages, uint64_t tokens);
/* A term's df in the current part (added to the other parts' df of it;
 * within one part a term counts once). */
LOCI_API int loci_global_stats_add_term(loci_global_stats *s, const char *term, size_t len, uint64_t df);
LOCI_API uint64_t loci_global_stats_passages(const loci_global_stats *s);
LOCI_API uint64_t loci_global_stats_tokens(const loci_global_stats *s);
/* The distinct terms, sorted by their bytes, with their summed df. */
LOCI_API size_t loci_global_stats_count(loci_global_stats *s);
LOCI_API int loci_global_stats_term(loci_global_stats *s, size_t i, const char **term, size_t *len,
                           uint64_t *df);

/* Phase 1: the statistics `query` needs from idx (one part: idx's live
 * passages and tokens, and each term the query looks up with its live df
 * in idx, 0 when absent; a prefix gives every term of idx it matches).
 * Errors as loci_search's (LOCI_EEMPTY: no searchable word). *out is the
 * caller's to free. */
LOCI_API int loci_query_stats(loci_index *idx, const char *query, const loci_search_options *opt,
                     loci_global_stats **out, loci_error *err);

/* Phase 2: score the following searches of idx with `s` instead of idx's
 * own statistics (N, average passage length, df; a prefix expands to the
 * terms of s it matches), until it is called again; NULL returns to idx's
 * own. `s` must stay alive and unchanged meanwhile. A search that looks up
 * a term s does not know fails with LOCI_EINVAL (the statistics were
 * gathered for another query). */
LOCI_API int loci_index_set_global_stats(loci_index *idx, loci_global_stats *s, loci_error *err);

LOCI_API size_t loci_results_count(const loci_results *r);
/* A warning about the query that did not stop it (a prefix that matched
 * too many terms, ...): one line, or NULL. Valid until loci_results_free. */
LOCI_API const char *loci_results_warning(const loci_results *r);
/* With options.count: how many passages (documents, grouped) match the
 * query in all, whatever k and offset; -1 when it was not counted. */
LOCI_API int64_t loci_results_total(const loci_results *r);
/* The i-th hit; valid until loci_results_free. */
LOCI_API const loci_hit *loci_results_hit(const loci_results *r, size_t i);
LOCI_API void loci_results_free(loci_results *r);

/* How one clause of the query contributes to a hit's score (--explain). */
typedef struct loci_explain_clause {
    const char *clause;  /* the term, or a phrase's terms in quotes ("a b"~N);
                            valid until loci_results_free */
    uint32_t tf;         /* occurrences in the passage (a phrase's: whole) */
    double idf;          /* weight: qtf * idf of a term; a phrase: the sum
                            of its terms' idfs */
    double norm;         /* length normalization: 1 - b + b * len / avglen */
    double contribution; /* idf * tf * (k1 + 1) / (tf + k1 * norm); 0 when tf is 0 */
} loci_explain_clause;

/* Each scoring clause of the query (excluded ones never score) for hit i,
 * in the order the score sums them: adding the contributions up in this
 * order from 0 gives the hit's score exactly. With options.proximity, a
 * last clause "(proximity)" is the bonus (contribution; tf: the query's
 * proximity words, idf: the largest bonus any passage could get, norm 1).
 * *out is malloc'ed (caller frees), *n the count. A grouped hit explains
 * its best passage. */
LOCI_API int loci_results_explain(loci_index *idx, const loci_results *r, size_t i,
                         loci_explain_clause **out, size_t *n, loci_error *err);

typedef struct loci_span {
    uint32_t start, end; /* byte offsets into the passage text, end exclusive */
} loci_span;

/* Where a passage comes from and what it says. All pointers stay valid
 * until the next loci_passage_get on the same index or loci_index_close. */
typedef struct loci_passage {
    uint32_t id, doc;
    uint32_t ordinal;       /* passage number within its document, from 0 */
    uint32_t line;          /* 1-based line of the passage's first byte */
    uint64_t byte_start;    /* byte range in the document's text */
    uint64_t byte_end;
    const char *doc_name;   /* file path, or the JSONL id */
    size_t doc_name_len;
    const char *text;       /* the passage text (UTF-8), not NUL-terminated */
    size_t text_len;
} loci_passage;

LOCI_API int loci_passage_get(loci_index *idx, uint32_t passage, loci_passage *out,
                     loci_error *err);

/* The other names of document `doc` (a global id, loci_passage.doc):
 * documents whose text was byte-identical to its, stored once, with it
 * (README.md, "Duplicates"). Returns how many live ones there are (0 for
 * most documents), or a negative LOCI_E* code; when `name` is not NULL
 * and i is below that count, *name and *name_len get the i-th of them, in
 * the order they were indexed (valid until the next call on idx). */
LOCI_API int loci_doc_also(loci_index *idx, uint32_t doc, size_t i, const char **name, size_t *name_len,
                  loci_error *err);

/* Like loci_passage_get without the text (text NULL, text_len 0): no
 * decompression, so it is cheap enough for every hit of a large run. */
LOCI_API int loci_passage_locate(loci_index *idx, uint32_t passage, loci_passage *out,
                        loci_error *err);

/* Byte spans of `text` whose tokens match the query of `r`, in order.
 * *spans is malloc'ed (caller frees); *n receives the count. */
LOCI_API int loci_results_highlight(const loci_results *r, const char *text, size_t len,
                           loci_span **spans, size_t *n, loci_error *err);

/* The part of a passage to show when it is too long: a byte range
 * [*start, *end) of text[0..len) of about `chars` characters around its
 * densest cluster of highlight spans (from loci_results_highlight), cut at
 * word boundaries; the whole text when it is no longer than that (or
 * chars is 0). Pure: reads only its arguments. */
LOCI_API void loci_snippet(const char *text, size_t len, const loci_span *spans, size_t nspans,
                  size_t chars, size_t *start, size_t *end);

#ifdef __cplusplus
}
#endif
#endif /* LOCI_H */
