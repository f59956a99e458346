/*
 * living.c — what a commit holds: added documents, deletions with their
 * statistics, updates, merges (see living.h).
 */
#define _GNU_SOURCE
#include "living.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "builder_int.h"
#include "codec.h"
#include "commit.h"
#include "error.h"
#include "format.h"
#include "indexdir.h"
#include "input.h"
#include "inverter.h"
#include "manifest.h"
#include "passage.h"
#include "path.h"
#include "reader.h"

/* A live document of the index, as the docs records say. */
struct live_doc {
    uint32_t src_off, src_len, name_off, name_len; /* in living.strs */
    uint64_t size, hash;
    int64_t mtime;
    uint32_t seg, doc;       /* manifest position, id in the segment */
    uint32_t alias_of;       /* a duplicate: its text's document + 1 (0: not one) */
    uint8_t has_src, state, fixed_line;
};

enum { LD_UNTOUCHED, LD_PENDING, LD_KEPT, LD_DELETE };

struct living {
    struct commit c;
    int update;
    int jsonl;               /* the input is JSON Lines */
    loci_build_options opt;  /* the index's settings */
    char stem[32];
    void (*warn)(void *ctx, const char *message);
    void *warn_ctx;
    struct live_doc *docs;
    size_t ndocs, cap_docs;
    struct buf strs;
    int loaded;
    char **deletes;
    size_t ndeletes, cap_deletes;
    char **paths;
    size_t npaths, cap_paths;
    uint64_t added, replaced, unchanged, deleted;
};

#define lwarn(lv, ...) warn_to((lv)->warn, (lv)->warn_ctx, __VA_ARGS__)

/* Open segment `number` of the index, relative to the locked DIR. */
static int seg_open(struct living *lv, uint64_t number, struct segment **out, loci_error *err)
{
    char name[MANIFEST_NAME_MAX], path[PATH_BUF];
    *out = NULL;
    manifest_segment_name(number, name);
    if (path_join(path, sizeof path, lv->c.dir, name))
        return err_set(err, LOCI_EINVAL, "%s: path too long", lv->c.dir);
    int fd = openat(lv->c.dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return err_corrupt(err, "%s: %s (the manifest names it)", path, strerror(errno));
    struct segment *seg = calloc(1, sizeof *seg);
    int rc = seg ? reader_open(seg, fd, path, err) : err_set(err, LOCI_ENOMEM, "out of memory");
    close(fd);
    if (rc) {
        free(seg);
        return rc;
    }
    *out = seg;
    return LOCI_OK;
}

static void seg_close(struct segment *seg)
{
    if (seg)
        reader_close(seg);
    free(seg);
}



/* ---- settings ---------------------------------------------------------------- */

static const char *mode_name(unsigned m)
{
    return m == LOCI_PASSAGE_DOCUMENT ? "document" : m == LOCI_PASSAGE_WINDOW ? "window" : "paragraph";
}

/* Take the index's passage and stemming settings (from its first
 * segment's meta); refuse explicitly different ones. */
static int take_settings(struct living *lv, loci_build_options *opt, const loci_build_options *given,
                         loci_error *err)
{
    if (!lv->c.has_index || lv->c.cur.nseg == 0) {
        lv->opt = *opt;
        snprintf(lv->stem, sizeof lv->stem, "%s", opt->stem_language ? opt->stem_language : "english");
        lv->opt.stem_language = lv->stem;
        return LOCI_OK;
    }
    struct segment *idx;
    int rc = seg_open(lv, lv->c.cur.seg[0].number, &idx, err);
    if (rc)
        return rc;
    loci_build_options d;
    loci_build_options_init(&d);
    snprintf(lv->stem, sizeof lv->stem, "%s", idx->stem);
    unsigned mode = idx->passage_mode, tokens = idx->passage_tokens, stride = idx->passage_stride;
    unsigned major, minor;
    lfile_version(&idx->meta, &major, &minor);
    seg_close(idx);
    /* Its terms were made by an older analyzer: new documents' terms, and
     * the deleted documents' df found by analyzing them again, would not
     * match them. */
    if (minor < LFILE_MINOR_TOKENS)
        return err_set(err, LOCI_EVERSION,
                       "%s: written by loci format %u.%u, whose analyzer made other terms (CJK "
                       "bigrams and elision came in %u.%u); it can be searched, but changing it "
                       "takes a rebuild (loci-index -o DIR PATH...)",
                       lv->c.dir, major, minor, LFILE_MAJOR, LFILE_MINOR_TOKENS);
    if (given) {
        const char *gs = given->stem_language && *given->stem_language ? given->stem_language : "english";
        if (strcmp(gs, "english") && strcasecmp(gs, lv->stem))
            return err_set(err, LOCI_EINVAL,
                           "%s: the index stems with '%s', not '%s' (rebuild it to change that)",
                           lv->c.dir, lv->stem, gs);
        if ((given->passage_mode != d.passage_mode && (unsigned)given->passage_mode != mode) ||
            (given->passage_tokens != d.passage_tokens && given->passage_tokens != tokens) ||
            (given->passage_stride != 0 && given->passage_stride != stride))
            return err_set(err, LOCI_EINVAL,
                           "%s: the index splits passages by %s of %u tokens (stride %u); adding "
                           "with other passage settings is not possible (rebuild it)",
                           lv->c.dir, mode_name(mode), tokens, stride);
    }
    opt->passage_mode = (loci_passage_mode)mode;
    opt->passage_tokens = tokens;
    opt->passage_stride = stride;
    opt->stem_language = lv->stem;
    lv->opt = *opt;
    return LOCI_OK;
}

int living_begin(const char *dir, loci_build_options *opt, const loci_build_options *given,
                 struct living **out, loci_error *err)
{
    *out = NULL;
    struct living *lv = calloc(1, sizeof *lv);
    if (!lv)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    lv->c.dirfd = lv->c.lockfd = -1;
    lv->update = opt->mode == LOCI_BUILD_UPDATE;
    lv->jsonl = opt->input_format == LOCI_INPUT_JSONL;
    lv->warn = opt->warn;
    lv->warn_ctx = opt->warn_ctx;
    int rc = commit_begin(&lv->c, dir, given != NULL, err);
    if (!rc)
        rc = take_settings(lv, opt, given, err);
    if (!rc)
        rc = commit_segment_temp(&lv->c, err);
    if (rc) {
        living_free(lv);
        return rc;
    }
    *out = lv;
    return LOCI_OK;
}

const char *living_segdir(const struct living *lv)
{
    return lv->c.segtmp;
}

void living_free(struct living *lv)
{
    if (!lv)
        return;
    commit_end(&lv->c);
    free(lv->docs);
    buf_free(&lv->strs);
    for (size_t i = 0; i < lv->ndeletes; i++)
        free(lv->deletes[i]);
    free(lv->deletes);
    for (size_t i = 0; i < lv->npaths; i++)
        free(lv->paths[i]);
    free(lv->paths);
    free(lv);
}

static int push_str(char ***v, size_t *n, size_t *cap, const char *s, loci_error *err)
{
    char **p = array_grow(*v, cap, *n + 1, sizeof *p, 16);
    if (!p)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    *v = p;
    if (!(p[*n] = strdup(s)))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    (*n)++;
    return LOCI_OK;
}

int living_delete(struct living *lv, const char *name, loci_error *err)
{
    return push_str(&lv->deletes, &lv->ndeletes, &lv->cap_deletes, name, err);
}

int living_note_path(struct living *lv, const char *path, loci_error *err)
{
    int rc = push_str(&lv->paths, &lv->npaths, &lv->cap_paths, path, err);
    if (!rc) { /* "dir/" and "dir" are the same */
        char *p = lv->paths[lv->npaths - 1];
        size_t l = strlen(p);
        while (l > 1 && p[l - 1] == '/')
            p[--l] = '\0';
    }
    return rc;
}

/* ---- the live documents ------------------------------------------------------ */

static const struct buf *sort_strs; /* for cmp_live (qsort has no context) */

static int cmp_bytes(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    size_t n = al < bl ? al : bl;
    int c = n ? memcmp(a, b, n) : 0;
    return c ? c : (al > bl) - (al < bl);
}

static int cmp_live(const void *x, const void *y)
{
    const struct live_doc *a = x, *b = y;
    const uint8_t *s = sort_strs->data;
    if (a->has_src != b->has_src)
        return a->has_src - b->has_src;
    int c = cmp_bytes(s + a->src_off, a->src_len, s + b->src_off, b->src_len);
    if (!c)
        c = cmp_bytes(s + a->name_off, a->name_len, s + b->name_off, b->name_len);
    if (!c)
        c = a->seg != b->seg ? (a->seg < b->seg ? -1 : 1) : (a->doc > b->doc) - (a->doc < b->doc);
    return c;
}

/* Load every live document of the index, sorted by (source, name). */
static int load_docs(struct living *lv, loci_error *err)
{
    if (lv->loaded)
        return LOCI_OK;
    for (size_t i = 0; i < lv->c.cur.nseg; i++) {
        const struct manifest_segment *s = &lv->c.cur.seg[i];
        struct segment *idx;
        uint32_t *target = NULL;
        int rc = seg_open(lv, s->number, &idx, err);
        if (rc)
            return rc;
        rc = reader_alias_targets(idx, &target, err);
        for (uint32_t d = 0; d < s->documents && !rc; d++) {
            if (manifest_doc_deleted(s, d))
                continue;
            struct doc_info di;
            if ((rc = reader_doc(idx, d, &di, err)))
                break;
            struct live_doc *p = array_grow(lv->docs, &lv->cap_docs, lv->ndocs + 1, sizeof *p, 256);
            if (!p || lv->strs.len + di.name_len + di.source_len > UINT32_MAX) {
                rc = err_set(err, LOCI_ENOMEM, "out of memory");
                break;
            }
            lv->docs = p;
            struct live_doc *e = &lv->docs[lv->ndocs++];
            memset(e, 0, sizeof *e);
            e->src_off = (uint32_t)lv->strs.len;
            e->src_len = (uint32_t)di.source_len;
            e->has_src = di.source != NULL;
            if (di.source_len && buf_append(&lv->strs, di.source, di.source_len))
                rc = err_set(err, LOCI_ENOMEM, "out of memory");
            e->name_off = (uint32_t)lv->strs.len;
            e->name_len = (uint32_t)di.name_len;
            if (!rc && buf_append(&lv->strs, di.name, di.name_len))
                rc = err_set(err, LOCI_ENOMEM, "out of memory");
            e->size = di.size;
            e->mtime = di.mtime_ns;
            e->hash = di.hash;
            e->fixed_line = di.fixed_line != 0;
            e->seg = (uint32_t)i;
            e->doc = d;
            e->alias_of = target ? target[d] : 0;
        }
        free(target);
        seg_close(idx);
        if (rc)
            return rc;
    }
    sort_strs = &lv->strs;
    if (lv->ndocs)
        qsort(lv->docs, lv->ndocs, sizeof *lv->docs, cmp_live);
    lv->loaded = 1;
    return LOCI_OK;
}

/* The live documents whose source is src[0..len): [*lo, *hi). */
static void source_range(struct living *lv, const char *src, size_t len, size_t *lo, size_t *hi)
{
    const uint8_t *s = lv->strs.data;
    size_t a = 0, b = lv->ndocs;
    while (a < b) { /* first with has_src and source >= src */
        size_t m = a + (b - a) / 2;
        const struct live_doc *e = &lv->docs[m];
        if (!e->has_src || cmp_bytes(s + e->src_off, e->src_len, (const uint8_t *)src, len) < 0)
            a = m + 1;
        else
            b = m;
    }
    *lo = a;
    b = lv->ndocs;
    while (a < b) { /* first past them: a bisection too, as a JSON Lines
                       source has as many documents as records */
        size_t m = a + (b - a) / 2;
        const struct live_doc *e = &lv->docs[m];
        if (cmp_bytes(s + e->src_off, e->src_len, (const uint8_t *)src, len) <= 0)
            a = m + 1;
        else
            b = m;
    }
    *hi = a;
}

int living_want_file(struct living *lv, const char *path, const struct stat *st, loci_error *err)
{
    int rc = load_docs(lv, err);
    if (rc)
        return rc;
    size_t lo, hi;
    source_range(lv, path, strlen(path), &lo, &hi);
    if (lo == hi)
        return 1; /* a new file */
    if (lv->docs[lo].fixed_line != lv->jsonl)
        return err_set(err, LOCI_EINVAL,
                       "%s: was indexed as %s; update it with%s --jsonl (and the same fields)", path,
                       lv->jsonl ? "a text file" : "JSON Lines", lv->jsonl ? "out" : "");
    int same = 1;
    int64_t mt = input_mtime_ns(st);
    for (size_t i = lo; i < hi; i++)
        same &= lv->docs[i].size == (uint64_t)st->st_size && lv->docs[i].mtime == mt;
    for (size_t i = lo; i < hi; i++)
        if (lv->docs[i].state == LD_UNTOUCHED) {
            lv->docs[i].state = same ? LD_KEPT : LD_PENDING;
            lv->unchanged += same;
        }
    return !same;
}

int living_keep_doc(struct living *lv, const char *source, const char *name, size_t name_len,
                    uint64_t hash, int have_hash)
{
    size_t lo, hi;
    source_range(lv, source, strlen(source), &lo, &hi);
    const uint8_t *s = lv->strs.data;
    while (lo < hi) { /* a source's documents are sorted by name: the first with this one */
        size_t m = lo + (hi - lo) / 2;
        const struct live_doc *e = &lv->docs[m];
        if (cmp_bytes(s + e->name_off, e->name_len, (const uint8_t *)name, name_len) < 0)
            lo = m + 1;
        else
            hi = m;
    }
    for (size_t i = lo; i < lv->ndocs; i++) {
        struct live_doc *e = &lv->docs[i];
        if (!e->has_src || strlen(source) != e->src_len ||
            memcmp(s + e->src_off, source, e->src_len) ||
            cmp_bytes(s + e->name_off, e->name_len, (const uint8_t *)name, name_len))
            break;
        if (e->state != LD_PENDING)
            continue;
        if (have_hash && e->hash == hash) {
            e->state = LD_KEPT;
            lv->unchanged++;
            return 1;
        }
        e->state = LD_DELETE;
        lv->replaced++;
        return 0;
    }
    lv->added++;
    return 0;
}

/* ---- deletions ------------------------------------------------------------------ */

static int cmp_cstr(const void *x, const void *y)
{
    const char *a = *(char *const *)x, *b = *(char *const *)y;
    return cmp_bytes((const uint8_t *)a, strlen(a), (const uint8_t *)b, strlen(b));
}

/* Delete docs[0..n) (sorted) from segment s of `next`: their passages,
 * tokens, and the df they take from each term (the stored text split and
 * analyzed again as the build did). */
static int delete_from_segment(struct living *lv, struct manifest_segment *s, const uint32_t *docs,
                               size_t n, loci_error *err)
{
    struct segment *idx;
    int rc = seg_open(lv, s->number, &idx, err);
    if (rc)
        return rc;
    loci_build_options o = lv->opt;
    o.strict = 0;
    o.replace_invalid_utf8 = 1;
    struct splitter sp;
    memset(&sp, 0, sizeof sp);
    struct buf pb = {0}, lb = {0};
    struct manifest_segment t;
    memset(&t, 0, sizeof t);
    uint32_t *ids = NULL;
    uint64_t want_passages = 0, want_tokens = 0;
    rc = splitter_init(&sp, &o, err);
    if (!rc)
        splitter_begin_batch(&sp, &pb, &lb);
    size_t a = 0, b = 0; /* merge the old deleted list with the new one */
    while (!rc && (a < s->ndeleted || b < n)) {
        if (b == n || (a < s->ndeleted && s->deleted[a].doc < docs[b])) {
            const struct manifest_deleted *d = &s->deleted[a++];
            rc = manifest_add_deleted(&t, d->doc, d->first_passage, d->passages);
            continue;
        }
        struct doc_info di;
        const char *text;
        uint32_t doc = docs[b++];
        if ((rc = reader_doc(idx, doc, &di, err)))
            break;
        char src[PATH_BUF];
        snprintf(src, sizeof src, "%.*s", (int)di.name_len, di.name);
        if ((rc = manifest_add_deleted(&t, doc, di.first_passage, di.passages)))
            break;
        want_passages += di.passages;
        for (uint32_t p = 0; p < di.passages && !rc; p++) {
            int64_t len = reader_passage_length(idx, di.first_passage + p, err);
            if (len < 0)
                rc = err ? err->code : LOCI_ECORRUPT;
            else
                want_tokens += (uint64_t)len;
        }
        if (!rc)
            rc = reader_doc_text(idx, &di, &text, err);
        if (!rc)
            rc = splitter_doc_titled(&sp, (uint32_t)(b - 1), src, text, di.text_len,
                                     di.title_bytes, di.first_line,
                                     di.fixed_line ? di.first_line : 0, err);
    }
    if (rc == LOCI_ENOMEM && (!err || err->code != LOCI_ENOMEM))
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    if (!rc && (sp.npassages != want_passages || sp.tokens != want_tokens))
        rc = err_corrupt(err,
                         "internal: %s/seg-%06llu: the deleted documents split into %u passages "
                         "of %llu tokens, the segment says %llu of %llu",
                         lv->c.dir, (unsigned long long)s->number, sp.npassages,
                         (unsigned long long)sp.tokens, (unsigned long long)want_passages,
                         (unsigned long long)want_tokens);
    if (!rc && !(ids = inverter_sorted_ids(sp.inv)))
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    /* the df table: the old one plus the new counts, by term */
    size_t nt = rc ? 0 : inverter_term_count(sp.inv), i = 0, j = 0;
    while (!rc && (i < s->ndfs || j < nt)) {
        const uint8_t *ot = i < s->ndfs ? s->terms.data + s->dfs[i].off : NULL;
        size_t ol = i < s->ndfs ? s->dfs[i].len : 0, nl = 0;
        const char *ntb = j < nt ? inverter_term_bytes(sp.inv, ids[j], &nl) : NULL;
        int c = !ot ? 1 : !ntb ? -1 : cmp_bytes(ot, ol, (const uint8_t *)ntb, nl);
        if (c < 0) {
            rc = manifest_add_df(&t, (const char *)ot, ol, s->dfs[i].df);
            i++;
        } else {
            uint32_t df = inverter_term(sp.inv, ids[j])->df + (c == 0 ? s->dfs[i].df : 0);
            rc = manifest_add_df(&t, ntb, nl, df);
            i += c == 0;
            j++;
        }
    }
    if (!rc) {
        s->deleted_passages += want_passages;
        s->deleted_tokens += want_tokens;
        free(s->deleted);
        free(s->dfs);
        buf_free(&s->terms);
        s->deleted = t.deleted;
        s->ndeleted = t.ndeleted;
        s->deleted_cap = t.deleted_cap;
        s->dfs = t.dfs;
        s->ndfs = t.ndfs;
        s->dfs_cap = t.dfs_cap;
        s->terms = t.terms;
        memset(&t, 0, sizeof t);
    } else if (rc == LOCI_ENOMEM && err && err->code != LOCI_ENOMEM) {
        err_set(err, LOCI_ENOMEM, "out of memory");
    }
    free(t.deleted);
    free(t.dfs);
    buf_free(&t.terms);
    free(ids);
    if (sp.an || sp.inv)
        splitter_free(&sp);
    buf_free(&pb);
    buf_free(&lb);
    seg_close(idx);
    return rc;
}

/* Apply every LD_DELETE document to `next`: their (segment, id) pairs
 * sorted, one pass per segment that has some. */
static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static int apply_deletions(struct living *lv, struct manifest *next, loci_error *err)
{
    size_t n = 0;
    for (size_t k = 0; k < lv->ndocs; k++)
        n += lv->docs[k].state == LD_DELETE;
    uint64_t *pairs = malloc((n ? n : 1) * sizeof *pairs);
    uint32_t *docs = malloc((n ? n : 1) * sizeof *docs);
    if (!pairs || !docs) {
        free(pairs);
        free(docs);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    n = 0;
    for (size_t k = 0; k < lv->ndocs; k++)
        if (lv->docs[k].state == LD_DELETE)
            pairs[n++] = (uint64_t)lv->docs[k].seg << 32 | lv->docs[k].doc;
    qsort(pairs, n, sizeof *pairs, cmp_u64);
    int rc = LOCI_OK;
    for (size_t i = 0; i < n && !rc;) {
        uint32_t seg = (uint32_t)(pairs[i] >> 32);
        size_t m = 0;
        while (i < n && (uint32_t)(pairs[i] >> 32) == seg)
            docs[m++] = (uint32_t)pairs[i++];
        rc = delete_from_segment(lv, &next->seg[seg], docs, m, err);
    }
    free(pairs);
    free(docs);
    return rc;
}

/* Remove segments [from, from + count) of m. */
static void drop_segments(struct manifest *m, size_t from, size_t count)
{
    for (size_t i = from; i < from + count; i++) {
        free(m->seg[i].deleted);
        free(m->seg[i].dfs);
        buf_free(&m->seg[i].terms);
    }
    memmove(m->seg + from, m->seg + from + count, (m->nseg - from - count) * sizeof *m->seg);
    m->nseg -= count;
}

/* ---- merges ------------------------------------------------------------------------ */

static uint64_t live_passages(const struct manifest_segment *s)
{
    return s->passages - s->deleted_passages;
}

/* The merge policy (living.h): the first segment of the tail run to
 * merge, or m->nseg for none. */
static size_t policy_from(const struct manifest *m)
{
    size_t n = m->nseg, from = n;
    for (size_t k = 0; k < n; k++)
        if (m->seg[k].deleted_passages * 100 > m->seg[k].passages * MERGE_DELETED_PCT) {
            from = k;
            break;
        }
    uint64_t lo = UINT64_MAX, hi = 0;
    size_t run = n;
    for (size_t i = n; i-- > 0;) {
        uint64_t lp = live_passages(&m->seg[i]);
        uint64_t nlo = lp < lo ? lp : lo, nhi = lp > hi ? lp : hi;
        if (nhi > (nlo ? nlo : 1) * MERGE_RATIO)
            break;
        lo = nlo;
        hi = nhi;
        run = i;
    }
    if (n - run >= MERGE_FANIN && run < from)
        from = run;
    return from;
}

/* Merge segments [from, nseg) of `next` into one new segment at the end:
 * their live documents, in order, through a builder. */
static int merge_tail(struct living *lv, struct manifest *next, size_t from,
                      const loci_build_options *opt, loci_error *err)
{
    if (lv->c.segtmp) { /* the unused directory of a builder without documents */
        indexdir_remove(lv->c.segtmp);
        free(lv->c.segtmp);
        lv->c.segtmp = NULL;
    }
    int rc = commit_segment_temp(&lv->c, err);
    if (rc)
        return rc;
    loci_build_options o = lv->opt;
    o.memory = opt->memory;
    o.threads = opt->threads;
    o.warn = NULL; /* the documents were warned about when first indexed */
    o.progress = NULL;
    o.strict = 0;
    o.replace_invalid_utf8 = 1;
    loci_builder *b;
    rc = builder_new_at(lv->c.segtmp, &o, &b, err);
    if (rc)
        return rc;
    uint64_t docs = 0;
    for (size_t i = from; i < next->nseg && !rc; i++) {
        const struct manifest_segment *s = &next->seg[i];
        struct segment *idx;
        uint32_t *target = NULL;
        if ((rc = seg_open(lv, s->number, &idx, err)))
            break;
        rc = reader_alias_targets(idx, &target, err);
        for (uint32_t d = 0; d < s->documents && !rc; d++) {
            if (manifest_doc_deleted(s, d))
                continue;
            struct doc_info di, ti;
            const char *text;
            /* a duplicate goes in with its document's text (deleted or
             * not: the text stays in the segment), and the builder makes
             * it a duplicate again, or the text's first name if that
             * document is gone */
            rc = reader_doc(idx, target && target[d] ? target[d] - 1 : d, &ti, err);
            if (!rc)
                rc = reader_doc_text(idx, &ti, &text, err);
            if (!rc)
                rc = reader_doc(idx, d, &di, err);
            di.text_off = ti.text_off;
            di.text_len = ti.text_len;
            di.title_bytes = ti.title_bytes; /* and its title */
            if (!rc)
                rc = builder_add_stored(b, &di, text, err);
            docs++;
        }
        free(target);
        seg_close(idx);
    }
    loci_build_stats st;
    if (!rc && docs)
        rc = builder_finish_segment(b, &st, err);
    loci_builder_free(b);
    if (rc)
        return rc;
    drop_segments(next, from, next->nseg - from);
    if (!docs) { /* nothing live: the segments just go */
        return LOCI_OK;
    }
    return commit_add_segment(&lv->c, next, err);
}

/* ---- the commit ------------------------------------------------------------------------ */

/* find_copies' scan of one segment's docs records. */
struct copy_scan {
    const uint64_t *sorted;  /* the new texts' hashes */
    size_t n;
    const struct manifest_segment *s;
    int found;
};

static void scan_copy(void *ctx, uint32_t doc, uint64_t flags, uint64_t hash)
{
    struct copy_scan *cs = ctx;
    if (!cs->found && !(flags & DOC_FIXED_LINE) &&
        bsearch(&hash, cs->sorted, cs->n, sizeof *cs->sorted, cmp_u64) &&
        !manifest_doc_deleted(cs->s, doc))
        cs->found = 1;
}

/* The texts the commit's builder stored that a live document (not being
 * deleted, not a JSON Lines record) already has, by their FNV-1a:
 * *force becomes the first segment holding one. A hash that matches by
 * chance only costs a merge. With the live documents loaded (updates,
 * deletions) they are looked at; else the docs records are scanned, each
 * decoded once, segment by segment up to the first that has one. */
static int find_copies(struct living *lv, const loci_builder *b, size_t *force, loci_error *err)
{
    size_t n;
    const uint64_t *h = builder_text_hashes(b, &n);
    if (!n)
        return LOCI_OK;
    uint64_t *sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    memcpy(sorted, h, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_u64);
    int rc = LOCI_OK;
    for (size_t i = 0; lv->loaded && i < lv->ndocs; i++) {
        const struct live_doc *e = &lv->docs[i];
        if (e->state != LD_DELETE && !e->fixed_line && e->seg < *force &&
            bsearch(&e->hash, sorted, n, sizeof *sorted, cmp_u64))
            *force = e->seg;
    }
    for (size_t i = 0; !lv->loaded && !rc && i < lv->c.cur.nseg && i < *force; i++) {
        struct copy_scan cs = {sorted, n, &lv->c.cur.seg[i], 0};
        struct segment *idx;
        if ((rc = seg_open(lv, cs.s->number, &idx, err)))
            break;
        rc = reader_docs_scan(idx, scan_copy, &cs, err);
        seg_close(idx);
        if (cs.found)
            *force = i;
    }
    free(sorted);
    return rc;
}

static int has_prefix_path(const uint8_t *src, size_t len, const char *p)
{
    size_t pl = strlen(p);
    if (len == pl && !memcmp(src, p, pl))
        return 1;
    if (pl == 1 && p[0] == '/')
        return len > 1 && src[0] == '/';
    return len > pl && !memcmp(src, p, pl) && src[pl] == '/';
}

int living_finish(struct living *lv, loci_builder *b, const loci_build_options *opt,
                  int merge_all, loci_build_stats *st, loci_error *err)
{
    loci_build_stats bst;
    memset(&bst, 0, sizeof bst);
    int rc = LOCI_OK;
    if (lv->ndeletes || lv->update)
        rc = load_docs(lv, err);
    /* updates: documents not found again */
    for (size_t i = 0; i < lv->ndocs && !rc && lv->update; i++) {
        struct live_doc *e = &lv->docs[i];
        if (e->state == LD_PENDING) {
            e->state = LD_DELETE;
            lv->deleted++;
        } else if (e->state == LD_UNTOUCHED && e->has_src) {
            for (size_t k = 0; k < lv->npaths; k++)
                if (has_prefix_path(lv->strs.data + e->src_off, e->src_len, lv->paths[k])) {
                    e->state = LD_DELETE;
                    lv->deleted++;
                    break;
                }
        }
    }
    /* deletions by name: the names sorted, each live document's name
     * looked up among them */
    size_t *hits = NULL;
    if (!rc && lv->ndeletes) {
        qsort(lv->deletes, lv->ndeletes, sizeof *lv->deletes, cmp_cstr);
        size_t n = 1; /* each name once */
        for (size_t k = 1; k < lv->ndeletes; k++) {
            if (!strcmp(lv->deletes[k], lv->deletes[n - 1]))
                free(lv->deletes[k]);
            else
                lv->deletes[n++] = lv->deletes[k];
        }
        lv->ndeletes = n;
        if (!(hits = calloc(lv->ndeletes, sizeof *hits)))
            rc = err_set(err, LOCI_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < lv->ndocs && hits; i++) {
        struct live_doc *e = &lv->docs[i];
        const uint8_t *nm = lv->strs.data + e->name_off;
        size_t lo = 0, hi = lv->ndeletes;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            const char *d = lv->deletes[mid];
            int c = cmp_bytes((const uint8_t *)d, strlen(d), nm, e->name_len);
            if (c == 0) {
                hits[mid]++;
                if (e->state != LD_DELETE) {
                    e->state = LD_DELETE;
                    lv->deleted++;
                }
                break;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    for (size_t k = 0; hits && k < lv->ndeletes; k++)
        if (!hits[k])
            lwarn(lv, "%s: no document named '%s'; nothing deleted", lv->c.dir, lv->deletes[k]);
    free(hits);
    struct manifest next;
    memset(&next, 0, sizeof next);
    int changed = 0;
    if (!rc && builder_documents_in(b) > 0) {
        rc = builder_finish_segment(b, &bst, err);
        changed = !rc;
        if (rc == LOCI_EEMPTY) {
            /* a segment needs a passage: documents without a word are
             * left out (no search finds them anyway) */
            lwarn(lv, "%s: %llu document%s without a word not added", lv->c.dir,
                  (unsigned long long)builder_documents_in(b),
                  builder_documents_in(b) == 1 ? "" : "s");
            memset(&bst, 0, sizeof bst);
            rc = LOCI_OK;
        }
    }
    size_t force = SIZE_MAX; /* the first segment a duplicate obliges to merge (below) */
    if (!rc && bst.documents)
        rc = find_copies(lv, b, &force, err);
    if (!rc && manifest_copy(&next, &lv->c.cur))
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    if (!rc && lv->loaded) {
        size_t ndel = 0;
        for (size_t i = 0; i < lv->ndocs; i++)
            ndel += lv->docs[i].state == LD_DELETE;
        if (ndel) {
            changed = 1;
            rc = apply_deletions(lv, &next, err);
        }
    }
    /* a live duplicate whose document was deleted now (or before) */
    for (size_t i = 0; i < lv->ndocs && !rc && lv->loaded; i++) {
        const struct live_doc *e = &lv->docs[i];
        if (e->alias_of && e->state != LD_DELETE && e->seg < force &&
            manifest_doc_deleted(&next.seg[e->seg], e->alias_of - 1))
            force = e->seg;
    }
    uint64_t force_number = force < lv->c.cur.nseg ? lv->c.cur.seg[force].number : 0;
    if (!rc && bst.documents)
        rc = commit_add_segment(&lv->c, &next, err);
    /* segments without a live document go */
    for (size_t i = 0; i < next.nseg && !rc;)
        if (next.seg[i].ndeleted == next.seg[i].documents)
            drop_segments(&next, i, 1);
        else
            i++;
    if (!rc) {
        /* the policy runs on commits only: a writer with nothing to commit
         * (an unchanged update) writes nothing */
        size_t from = merge_all                  ? 0
                      : opt->no_merge || !changed ? next.nseg
                                                  : policy_from(&next);
        if (merge_all && next.nseg == 1 && next.seg[0].ndeleted == 0)
            from = 1; /* one segment already */
        /* Duplicates are stored once, as a fresh build would: a text
         * added again, or the text of a duplicate whose document is
         * gone, is made so by merging from its segment on (the builder
         * finds the duplicates; the tail run keeps documents in order).
         * Done even with no_merge: it is what keeps scores exact. */
        for (size_t k = 0; force_number && k < from; k++)
            if (next.seg[k].number == force_number)
                from = k;
        if (from < next.nseg) {
            changed = 1;
            rc = merge_tail(lv, &next, from, opt, err);
        }
    }
    if (!rc && changed)
        rc = commit_publish(&lv->c, &next, err);
    if (!rc) {
        const struct manifest *m = changed ? &next : &lv->c.cur;
        if (st) {
            *st = bst;
            st->added = lv->update ? lv->added : bst.documents;
            st->replaced = lv->replaced;
            st->deleted = lv->deleted;
            st->unchanged = lv->unchanged;
            st->segments = m->nseg;
            st->live_documents = st->deleted_documents = 0;
            for (size_t i = 0; i < m->nseg; i++) {
                st->live_documents += manifest_live_documents(&m->seg[i]);
                st->deleted_documents += m->seg[i].ndeleted;
            }
            st->committed = changed;
            st->symlinks_skipped = builder_symlinks_skipped(b);
            st->index_bytes = indexdir_bytes(lv->c.dir);
        }
    }
    manifest_free(&next);
    return rc;
}

int loci_index_merge(const char *dir, const loci_build_options *opt, loci_build_stats *stats,
                     loci_error *err)
{
    loci_build_options o;
    if (opt && err_opt_size(err, "loci_build_options", opt->size, sizeof *opt))
        return LOCI_EINVAL;
    if (opt)
        o = *opt;
    else
        loci_build_options_init(&o);
    o.mode = LOCI_BUILD_ADD;
    if (!dir || !*dir)
        return err_set(err, LOCI_EINVAL, "no index directory given");
    struct living *lv;
    int rc = living_begin(dir, &o, NULL, &lv, err);
    if (rc)
        return rc;
    loci_builder *b;
    rc = builder_new_at(living_segdir(lv), &o, &b, err);
    if (!rc) {
        rc = living_finish(lv, b, &o, 1, stats, err);
        loci_builder_free(b);
    }
    living_free(lv);
    return rc;
}
