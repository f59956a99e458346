/*
 * builder.c — loci_builder: documents in, a whole index directory out.
 *
 * Flow: documents arrive (from input.c or loci_builder_add_document); each
 * is validated as UTF-8, appended to the text store, tokenized once, split
 * into passages, and each passage is fed to the inverter. finish() writes
 * the remaining files into a temporary directory beside the target and
 * swaps it into place.
 *
 * Atomic replacement: the build lives in DIR's parent as
 * ".NAME.tmp-PID-XXXXXX". When DIR does not exist it is a rename(2); when
 * it does, renameat2(RENAME_EXCHANGE) swaps the two directories in one step,
 * so a reader always sees the old index or the new one, whole. A temp dir
 * left by a killed build (its PID no longer running) is removed by the next
 * build. DIR is only ever replaced if it is a loci index or empty: pointing
 * -o at a directory of documents must not delete them.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer.h"
#include "buf.h"
#include "codec.h"
#include "error.h"
#include "format.h"
#include "input.h"
#include "inverter.h"
#include "lfile.h"
#include "path.h"
#include "loci.h"
#include "textstore.h"
#include "writer.h"

#define DEFAULT_PASSAGE_TOKENS 200

/* One token of the document being split into passages. */
struct doc_token {
    uint32_t term;
    uint32_t line;
    uint32_t start, end;   /* byte range in the document text */
    uint32_t para_start;   /* 1 if a blank line precedes it */
};

struct loci_builder {
    loci_build_options opt;
    char *stem, *id_field, *title_field, *text_field; /* owned option strings */
    char *dir;             /* target index directory */
    char *tmpdir;          /* the build's temporary directory */
    struct analyzer *an;
    struct inverter *inv;
    struct textstore text;
    struct buf passages;   /* PASS_SIZE records */
    struct buf docs;       /* DOC_SIZE records */
    struct buf names;      /* document name heap */
    struct buf lengths;    /* u32 token count per passage */
    struct buf scratch;    /* title + text of a JSONL record */
    struct doc_token *toks;
    size_t ntoks, cap_toks;
    /* state of the tokenizer callback for the current document */
    const char *cur_text;
    size_t scan_pos;       /* bytes before this were scanned for newlines */
    uint32_t cur_line;
    int rc;
    loci_build_stats stats;
    int finished;
};

void loci_build_options_init(loci_build_options *o)
{
    memset(o, 0, sizeof *o);
    o->stem_language = "english";
    o->passage_mode = LOCI_PASSAGE_PARAGRAPH;
    o->passage_tokens = DEFAULT_PASSAGE_TOKENS;
    o->passage_stride = 0;
    o->input_format = LOCI_INPUT_TEXT;
    o->id_field = "id";
    o->title_field = "title";
    o->text_field = "text";
}

/* ---- directories ------------------------------------------------------- */

/* Remove the regular files of `dir`, then `dir` itself. Only used on
 * directories this code created (temp dirs) or verified to be indexes. */
static void remove_dir_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[PATH_BUF];
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            if (path_join(path, sizeof path, dir, e->d_name) == 0)
                unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* Split dir into its parent and last component (both PATH_BUF bytes). */
static int split_path(const char *dir, char *parent, char *base)
{
    size_t n = strlen(dir);
    if (n >= PATH_BUF)
        return -1;
    memcpy(parent, dir, n + 1);
    while (n > 1 && parent[n - 1] == '/')
        parent[--n] = '\0';
    char *slash = strrchr(parent, '/');
    if (!slash) {
        memcpy(base, parent, n + 1);
        strcpy(parent, ".");
    } else {
        strcpy(base, slash + 1);
        if (slash == parent)
            slash[1] = '\0'; /* the root */
        else
            *slash = '\0';
    }
    return 0;
}

/* Remove temp dirs of earlier builds of the same index whose process is gone. */
static void remove_stale_temps(const char *parent, const char *base)
{
    char prefix[PATH_BUF + 8];
    size_t plen = (size_t)snprintf(prefix, sizeof prefix, ".%s.tmp-", base);
    DIR *d = opendir(parent);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, prefix, plen) != 0)
            continue;
        long pid = strtol(e->d_name + plen, NULL, 10);
        if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue; /* a build still running */
        char path[PATH_BUF];
        if (path_join(path, sizeof path, parent, e->d_name) == 0)
            remove_dir_files(path);
    }
    closedir(d);
}

/* 1 if `dir` is absent, empty, or holds a loci index (its meta magic). */
static int replaceable(const char *dir)
{
    char path[PATH_BUF];
    if (path_join(path, sizeof path, dir, FMT_META))
        return 0;
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        char magic[LFILE_MAGIC_LEN];
        ssize_t n = read(fd, magic, sizeof magic);
        close(fd);
        return n == (ssize_t)sizeof magic && memcmp(magic, FMT_MAGIC_META, sizeof magic) == 0;
    }
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT;
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = 0;
    closedir(d);
    return empty;
}

/* ---- construction ------------------------------------------------------ */

static char *dup_or(const char *s, const char *dflt)
{
    return strdup(s && *s ? s : dflt);
}

int loci_builder_new(const char *dir, const loci_build_options *opt, loci_builder **out,
                     loci_error *err)
{
    *out = NULL;
    loci_build_options defaults;
    if (!opt) {
        loci_build_options_init(&defaults);
        opt = &defaults;
    }
    if (!dir || !*dir)
        return err_set(err, LOCI_EINVAL, "no index directory given");
    if (opt->passage_tokens == 0 && opt->passage_mode != LOCI_PASSAGE_DOCUMENT)
        return err_set(err, LOCI_EINVAL, "passage size must be at least 1 token");
    if (opt->passage_stride > opt->passage_tokens)
        return err_set(err, LOCI_EINVAL, "passage stride %u is larger than the window %u",
                       opt->passage_stride, opt->passage_tokens);

    struct stat st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
        return err_set(err, LOCI_EINVAL, "%s: exists and is not a directory", dir);
    if (!replaceable(dir))
        return err_set(err, LOCI_EINVAL,
                       "%s: exists and is not a loci index; refusing to replace it", dir);

    loci_builder *b = calloc(1, sizeof *b);
    if (!b)
        return err_set(err, LOCI_ENOMEM, "out of memory");
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

    int rc = analyzer_new(b->stem, &b->an, err);
    if (rc) {
        loci_builder_free(b);
        return rc;
    }
    if (inverter_new(&b->inv)) {
        loci_builder_free(b);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }

    char parent[PATH_BUF], base[PATH_BUF], tmpl[2 * PATH_BUF + 64];
    if (split_path(dir, parent, base)) {
        loci_builder_free(b);
        return err_set(err, LOCI_EINVAL, "index path too long");
    }
    remove_stale_temps(parent, base);
    int w = snprintf(tmpl, sizeof tmpl, "%s/.%s.tmp-%ld-XXXXXX", parent, base, (long)getpid());
    if (w < 0 || (size_t)w >= PATH_BUF || !mkdtemp(tmpl)) {
        int e = errno;
        loci_builder_free(b);
        return err_set(err, LOCI_EIO, "%s: cannot create a temporary directory: %s", parent,
                       strerror(e));
    }
    b->tmpdir = strdup(tmpl);
    if (!b->tmpdir) {
        remove_dir_files(tmpl);
        loci_builder_free(b);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    rc = textstore_open(&b->text, b->tmpdir, err);
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
    textstore_abort(&b->text);
    if (b->tmpdir && !b->finished)
        remove_dir_files(b->tmpdir);
    analyzer_free(b->an);
    inverter_free(b->inv);
    buf_free(&b->passages);
    buf_free(&b->docs);
    buf_free(&b->names);
    buf_free(&b->lengths);
    buf_free(&b->scratch);
    free(b->toks);
    free(b->stem);
    free(b->id_field);
    free(b->title_field);
    free(b->text_field);
    free(b->dir);
    free(b->tmpdir);
    free(b);
}

/* ---- documents and passages ---------------------------------------------- */

/* Advance line counting to `upto`, and report whether a blank line (two
 * newlines with only white space between them) lies in [scan_pos, upto). */
static int scan_gap(loci_builder *b, size_t upto)
{
    int blank = 0, nl = 0;
    for (size_t i = b->scan_pos; i < upto; i++) {
        char c = b->cur_text[i];
        if (c == '\n') {
            b->cur_line++;
            if (nl)
                blank = 1;
            nl = 1;
        } else if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') {
            nl = 0;
        }
    }
    b->scan_pos = upto;
    return blank;
}

static int on_token(void *ctx, const struct token *t)
{
    loci_builder *b = ctx;
    if (b->ntoks == b->cap_toks) {
        size_t cap = b->cap_toks ? b->cap_toks * 2 : 4096;
        struct doc_token *p = realloc(b->toks, cap * sizeof *p);
        if (!p)
            return LOCI_ENOMEM;
        b->toks = p;
        b->cap_toks = cap;
    }
    struct doc_token *d = &b->toks[b->ntoks];
    d->para_start = scan_gap(b, t->start);
    d->line = b->cur_line;
    d->start = (uint32_t)t->start;
    d->end = (uint32_t)t->end;
    b->scan_pos = t->end; /* tokens hold no newlines */
    int rc = inverter_intern(b->inv, t->term, t->term_len, &d->term);
    if (rc)
        return rc;
    b->ntoks++;
    return 0;
}

static int emit_passage(loci_builder *b, uint32_t doc, uint32_t ordinal, size_t s, size_t e,
                        uint32_t fixed_line, loci_error *err)
{
    if (b->stats.passages >= UINT32_MAX)
        return err_set(err, LOCI_EINVAL, "too many passages (the limit is 2^32 - 1)");
    uint32_t pid = (uint32_t)b->stats.passages++;
    uint8_t rec[PASS_SIZE];
    le32_put(rec + PASS_DOC, doc);
    le32_put(rec + PASS_ORDINAL, ordinal);
    le32_put(rec + PASS_LINE, fixed_line ? fixed_line : b->toks[s].line);
    le32_put(rec + PASS_LEN, b->toks[e - 1].end - b->toks[s].start);
    le64_put(rec + PASS_START, b->toks[s].start);
    if (buf_append(&b->passages, rec, sizeof rec) || buf_put_le32(&b->lengths, (uint32_t)(e - s)))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    b->stats.tokens += e - s;
    inverter_begin_passage(b->inv, pid);
    for (size_t i = s; i < e; i++)
        if (inverter_add(b->inv, b->toks[i].term, (uint32_t)(i - s)))
            return err_set(err, LOCI_ENOMEM, "out of memory");
    if (inverter_end_passage(b->inv))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    return LOCI_OK;
}

/* Cut tokens [s, e) into windows of `size` every `stride`; the last window
 * ends at e. */
static int emit_windows(loci_builder *b, uint32_t doc, uint32_t *ordinal, size_t s, size_t e,
                        size_t size, size_t stride, uint32_t fixed_line, loci_error *err)
{
    for (size_t w = s;; w += stride) {
        size_t we = e - w > size ? w + size : e;
        int rc = emit_passage(b, doc, (*ordinal)++, w, we, fixed_line, err);
        if (rc || we == e)
            return rc;
    }
}

static int split_passages(loci_builder *b, uint32_t doc, uint32_t fixed_line, loci_error *err)
{
    size_t n = b->ntoks, size = b->opt.passage_tokens, stride = b->opt.passage_stride;
    uint32_t ordinal = 0;
    if (n == 0)
        return LOCI_OK;
    switch (b->opt.passage_mode) {
    case LOCI_PASSAGE_DOCUMENT:
        return emit_passage(b, doc, 0, 0, n, fixed_line, err);
    case LOCI_PASSAGE_WINDOW:
        return emit_windows(b, doc, &ordinal, 0, n, size, stride, fixed_line, err);
    case LOCI_PASSAGE_PARAGRAPH:
    default:
        for (size_t s = 0; s < n;) {
            size_t e = s + 1;
            while (e < n && !b->toks[e].para_start)
                e++;
            int rc = emit_windows(b, doc, &ordinal, s, e, size, stride, fixed_line, err);
            if (rc)
                return rc;
            s = e;
        }
        return LOCI_OK;
    }
}

static unsigned line_of(const char *text, size_t off, unsigned first)
{
    unsigned line = first;
    for (size_t i = 0; i < off; i++)
        line += text[i] == '\n';
    return line;
}

/* Index one document. `fixed_line` != 0: all passages report that line
 * (JSONL records); else lines are counted from `first_line`. */
static int add_doc(loci_builder *b, const char *source, const char *name, size_t name_len,
                   const char *text, size_t len, unsigned first_line, unsigned fixed_line,
                   loci_error *err)
{
    size_t bad;
    if (!b->opt.replace_invalid_utf8 && !utf8_valid(text, len, &bad)) {
        unsigned line = fixed_line ? fixed_line : line_of(text, bad, first_line);
        return err_set(err, LOCI_EUTF8,
                       "%s:%u: invalid UTF-8 (byte 0x%02x); use --replace-invalid-utf8 to index "
                       "it with U+FFFD",
                       source, line, (unsigned char)text[bad]);
    }
    if (b->stats.documents >= UINT32_MAX || len > UINT32_MAX)
        return err_set(err, LOCI_EINVAL, "%s: document too large or too many documents", source);
    uint32_t doc = (uint32_t)b->stats.documents;
    uint8_t rec[DOC_SIZE];
    le64_put(rec + DOC_TEXT_OFF, textstore_tell(&b->text));
    le64_put(rec + DOC_TEXT_LEN, len);
    le64_put(rec + DOC_NAME_OFF, b->names.len);
    le32_put(rec + DOC_NAME_LEN, (uint32_t)name_len);
    le32_put(rec + DOC_FIRST_PASSAGE, (uint32_t)b->stats.passages);
    if (buf_append(&b->docs, rec, sizeof rec) || buf_append(&b->names, name, name_len))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    int rc = textstore_append(&b->text, text, len, err);
    if (rc)
        return rc;

    b->ntoks = 0;
    b->cur_text = text;
    b->scan_pos = 0;
    b->cur_line = first_line;
    rc = analyzer_run(b->an, text, len, on_token, b);
    if (rc)
        return err_set(err, rc, "%s: %s while analyzing", source, loci_strerror(rc));
    b->stats.documents++;
    return split_passages(b, doc, fixed_line, err);
}

int loci_builder_add_document(loci_builder *b, const char *name, const char *title,
                              const char *text, size_t len, unsigned first_line, loci_error *err)
{
    if (b->finished)
        return err_set(err, LOCI_EINVAL, "the build is already finished");
    b->stats.input_bytes += len;
    if (title && *title) {
        /* The title joins the first passage: "title\ntext" (one newline,
         * so the paragraph splitter keeps them together). */
        b->scratch.len = 0;
        if (buf_append(&b->scratch, title, strlen(title)) || buf_putc(&b->scratch, '\n') ||
            buf_append(&b->scratch, text, len))
            return err_set(err, LOCI_ENOMEM, "out of memory");
        return add_doc(b, name, name, strlen(name), (const char *)b->scratch.data,
                       b->scratch.len, first_line ? first_line : 1, 0, err);
    }
    return add_doc(b, name, name, strlen(name), text, len, first_line ? first_line : 1, 0, err);
}

static int on_input_doc(void *ctx, const struct input_doc *d, loci_error *err)
{
    loci_builder *b = ctx;
    const char *text = d->text;
    size_t len = d->text_len;
    if (d->title && d->title_len) {
        b->scratch.len = 0;
        if (buf_append(&b->scratch, d->title, d->title_len) || buf_putc(&b->scratch, '\n') ||
            buf_append(&b->scratch, d->text, d->text_len))
            return err_set(err, LOCI_ENOMEM, "out of memory");
        text = (const char *)b->scratch.data;
        len = b->scratch.len;
    }
    return add_doc(b, d->source, d->name, d->name_len, text, len, d->line,
                   d->line_is_record ? d->line : 0, err);
}

int loci_builder_add_path(loci_builder *b, const char *path, loci_error *err)
{
    if (b->finished)
        return err_set(err, LOCI_EINVAL, "the build is already finished");
    struct input_options io = {
        .format = b->opt.input_format,
        .id_field = b->opt.id_field,
        .title_field = b->opt.title_field,
        .text_field = b->opt.text_field,
        .warn = b->opt.warn,
        .warn_ctx = b->opt.warn_ctx,
    };
    struct input_stats st = {0};
    int rc = input_add_path(&io, path, on_input_doc, b, &st, err);
    b->stats.input_bytes += st.bytes;
    b->stats.skipped_files += st.skipped;
    return rc;
}

/* ---- finishing ------------------------------------------------------------ */

static int write_meta(loci_builder *b, double k1, double bb, loci_error *err)
{
    uint8_t m[META_SIZE];
    memset(m, 0, sizeof m);
    uint64_t k1bits, bbits;
    memcpy(&k1bits, &k1, 8);
    memcpy(&bbits, &bb, 8);
    le64_put(m + META_DOCUMENTS, b->stats.documents);
    le64_put(m + META_PASSAGES, b->stats.passages);
    le64_put(m + META_TERMS, inverter_term_count(b->inv));
    le64_put(m + META_TOKENS, b->stats.tokens);
    le64_put(m + META_REF_K1, k1bits);
    le64_put(m + META_REF_B, bbits);
    le32_put(m + META_PASSAGE_MODE, (uint32_t)b->opt.passage_mode);
    le32_put(m + META_PASSAGE_TOKENS, b->opt.passage_tokens);
    le32_put(m + META_PASSAGE_STRIDE, b->opt.passage_stride);
    le32_put(m + META_MAX_TERM, ANALYZER_MAX_TERM);
    le32_put(m + META_BLOCK_SIZE, FMT_BLOCK);
    snprintf((char *)m + META_STEM, 32, "%s", b->stem);
    return writer_put_file(b->tmpdir, FMT_META, FMT_MAGIC_META, m, sizeof m, err);
}

static uint64_t dir_bytes(const char *dir)
{
    static const char *const files[] = {FMT_META, FMT_LEXICON, FMT_POSTINGS, FMT_POSITIONS,
                                        FMT_LENGTHS, FMT_PASSAGES, FMT_DOCS, FMT_TEXT};
    uint64_t total = 0;
    char path[PATH_BUF];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        struct stat st;
        if (path_join(path, sizeof path, dir, files[i]) == 0 && stat(path, &st) == 0)
            total += (uint64_t)st.st_size;
    }
    return total;
}

static int swap_into_place(loci_builder *b, loci_error *err)
{
    if (!replaceable(b->dir))
        return err_set(err, LOCI_EINVAL, "%s: exists and is not a loci index; refusing to replace it",
                       b->dir);
    if (rename(b->tmpdir, b->dir) == 0)
        return LOCI_OK;
    if (errno != ENOTEMPTY && errno != EEXIST)
        return err_set(err, LOCI_EIO, "%s: cannot rename the new index into place: %s", b->dir,
                       strerror(errno));
    if (renameat2(AT_FDCWD, b->tmpdir, AT_FDCWD, b->dir, RENAME_EXCHANGE) == 0) {
        remove_dir_files(b->tmpdir); /* now the old index */
        return LOCI_OK;
    }
    /* No atomic exchange on this file system: move the old index aside
     * first. A crash between the two renames leaves it in the .old dir. */
    char old[PATH_BUF + 32];
    snprintf(old, sizeof old, "%s.old", b->tmpdir);
    if (rename(b->dir, old) != 0 || rename(b->tmpdir, b->dir) != 0)
        return err_set(err, LOCI_EIO, "%s: cannot replace the index: %s", b->dir,
                       strerror(errno));
    remove_dir_files(old);
    return LOCI_OK;
}

int loci_builder_finish(loci_builder *b, loci_build_stats *stats, loci_error *err)
{
    if (b->finished)
        return err_set(err, LOCI_EINVAL, "the build is already finished");
    if (b->stats.passages == 0)
        return err_set(err, LOCI_EEMPTY, "no text to index (%llu document%s, none with words)",
                       (unsigned long long)b->stats.documents,
                       b->stats.documents == 1 ? "" : "s");
    double avglen = (double)b->stats.tokens / (double)b->stats.passages;
    double k1 = LOCI_DEFAULT_K1, bb = LOCI_DEFAULT_B;
    int rc = textstore_finish(&b->text, err);
    if (!rc)
        rc = writer_put_file(b->tmpdir, FMT_LENGTHS, FMT_MAGIC_LENGTHS, b->lengths.data,
                             b->lengths.len, err);
    if (!rc)
        rc = writer_put_file(b->tmpdir, FMT_PASSAGES, FMT_MAGIC_PASSAGES, b->passages.data,
                             b->passages.len, err);
    if (!rc) {
        /* docs body: the records, then the name heap. */
        if (buf_append(&b->docs, b->names.data, b->names.len))
            rc = err_set(err, LOCI_ENOMEM, "out of memory");
        else
            rc = writer_put_file(b->tmpdir, FMT_DOCS, FMT_MAGIC_DOCS, b->docs.data, b->docs.len,
                                 err);
    }
    if (!rc) {
        /* lengths is a u32 array; the writer reads it in host order. */
        uint32_t *lens = malloc(b->lengths.len ? b->lengths.len : 1);
        if (!lens)
            return err_set(err, LOCI_ENOMEM, "out of memory");
        for (size_t i = 0; i < b->stats.passages; i++)
            lens[i] = le32_get(b->lengths.data + 4 * i);
        rc = writer_put_terms(b->tmpdir, b->inv, lens, avglen, k1, bb, err);
        free(lens);
    }
    if (!rc)
        rc = write_meta(b, k1, bb, err);
    if (!rc)
        b->stats.index_bytes = dir_bytes(b->tmpdir);
    if (!rc)
        rc = swap_into_place(b, err);
    if (rc)
        return rc;
    b->finished = 1;
    b->stats.terms = inverter_term_count(b->inv);
    b->stats.invalid_utf8 = analyzer_invalid_count(b->an);
    if (stats)
        *stats = b->stats;
    return LOCI_OK;
}
