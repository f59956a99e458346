/*
 * index.c — opening an index (its manifest, then each segment it names)
 * and what the searcher asks of the whole: statistics, lookups summed over
 * segments, passages by global id (see index.h and docs/FORMAT.md,
 * "Readers" and "Statistics over segments").
 */
#include "index.h"
#include "stopwords.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "format.h"
#include "lfile.h"
#include "path.h"

static void close_segments(loci_index *idx)
{
    for (size_t i = 0; i < idx->nseg; i++) {
        reader_close(&idx->segs[i]);
        free(idx->deleted[i]);
    }
    free(idx->segs);
    free(idx->views);
    free(idx->deleted);
    free(idx->found);
    idx->found = NULL;
    idx->segs = NULL;
    idx->views = NULL;
    idx->deleted = NULL;
    idx->nseg = 0;
    manifest_free(&idx->manifest);
}

void loci_index_close(loci_index *idx)
{
    if (!idx)
        return;
    close_segments(idx);
    analyzer_free(idx->an);
    stopset_free(idx->stop);
    free(idx->stop_spec);
    free(idx->dir);
    free(idx);
}

/* 1 if `path` no longer names the directory open as `dirfd`: a rebuild
 * swapped it out (or removed it) while we were opening it. */
static int dir_replaced(int dirfd, const char *path)
{
    struct stat a, b;
    if (fstat(dirfd, &a) != 0 || stat(path, &b) != 0)
        return 1;
    return a.st_nlink == 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino;
}

/* Open the directory of the index at `dir`: the directory itself, or,
 * while a rebuild on a file system without atomic exchange has moved the
 * old index aside (indexdir.c), that old index (`used` gets its path). */
static int open_dir(const char *dir, char *used, loci_error *err)
{
    for (int tries = 0; tries < 2; tries++) {
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            snprintf(used, PATH_BUF, "%s", dir);
            return fd;
        }
        if (errno == EACCES)
            return err_set(err, LOCI_EIO, "%s: permission denied", dir);
        if (errno == ENOTDIR)
            return err_set(err, LOCI_EINVAL, "%s: not an index directory", dir);
        if (errno != ENOENT)
            return err_set(err, LOCI_EIO, "%s: %s", dir, strerror(errno));
        if (path_sibling(used, PATH_BUF, dir, PATH_OLD_PREFIX, PATH_OLD_SUFFIX) == 0 &&
            (fd = open(used, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
            return fd;
        /* neither: the swap may have finished in between; look once more */
    }
    return err_set(err, LOCI_ENOTFOUND, "%s: no index here (build one with loci-index)", dir);
}

/* The passage settings and language every segment must share. */
static int same_settings(const struct segment *a, const struct segment *b)
{
    return a->passage_mode == b->passage_mode && a->passage_tokens == b->passage_tokens &&
           a->passage_stride == b->passage_stride && !strcmp(a->stem, b->stem);
}

/* The per-segment arrays for n segments (closed by close_segments). */
static int alloc_segments(loci_index *idx, size_t n)
{
    idx->segs = calloc(n ? n : 1, sizeof *idx->segs);
    idx->views = calloc(n ? n : 1, sizeof *idx->views);
    idx->deleted = calloc(n ? n : 1, sizeof *idx->deleted);
    idx->found = calloc(n ? n : 1, sizeof *idx->found);
    return idx->segs && idx->views && idx->deleted && idx->found ? 0 : -1;
}

/* Open every segment the manifest names, relative to the index's
 * directory. LOCI_ENOTFOUND (err set) when one is missing: a commit
 * removed it after we read the manifest, and the open starts over. */
static int open_segments(loci_index *idx, int dirfd, const char *shown, loci_error *err)
{
    const struct manifest *m = &idx->manifest;
    size_t n = m->nseg;
    if (alloc_segments(idx, n))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const struct manifest_segment *ms = &m->seg[i];
        char name[MANIFEST_NAME_MAX], path[PATH_BUF];
        manifest_segment_name(ms->number, name);
        if (path_join(path, sizeof path, shown, name))
            return err_set(err, LOCI_EINVAL, "%s: path too long", shown);
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return err_set(err, errno == ENOENT ? LOCI_ENOTFOUND : LOCI_EIO,
                           "%s: %s (named by the manifest)", path,
                           errno == ENOENT ? "missing" : strerror(errno));
        int rc = reader_open(&idx->segs[i], fd, path, err);
        close(fd);
        if (rc)
            return rc;
        idx->nseg = i + 1; /* opened: closed by close_segments */
        struct segment *s = &idx->segs[i];
        if (lfile_table_crc(&s->meta) != ms->meta_crc || s->documents != ms->documents ||
            s->passages != ms->passages || s->tokens != ms->tokens)
            return err_corrupt(err, "%s: not the segment the manifest names (files of two "
                                    "commits mixed); rebuild the index with loci-index",
                               path);
        if (i && !same_settings(s, &idx->segs[0]))
            return err_corrupt(err, "%s: passage settings or language differ from %s's", path,
                               name);
    }
    return LOCI_OK;
}

/* Each segment's view scores at the index's scoring average length. */
static void scoring_views(loci_index *idx)
{
    for (size_t i = 0; i < idx->nseg; i++) {
        struct segview *v = &idx->views[i];
        double a = idx->score_avglen, s = idx->segs[i].avglen;
        v->avglen = a;
        /* tf*(k1+1)/(tf + k1*(1-b+b*len/A)) grows with A by at most the
         * factor A/a over its value at a <= A (the denominator shrinks by
         * at most that), and does not grow when A <= a */
        v->impact_scale = a > s ? a / s : 1.0;
    }
}

/* The live statistics, deleted-passage bitmaps and segment views. */
static int assemble(loci_index *idx, loci_error *err)
{
    const struct manifest *m = &idx->manifest;
    uint64_t passage_base = 0, doc_base = 0;
    for (size_t i = 0; i < idx->nseg; i++) {
        const struct manifest_segment *ms = &m->seg[i];
        idx->all_passages += ms->passages;
        idx->all_documents += ms->documents;
        idx->passages += ms->passages - ms->deleted_passages;
        idx->tokens += ms->tokens - ms->deleted_tokens;
        idx->deleted_documents += ms->ndeleted;
    }
    idx->documents = idx->all_documents - idx->deleted_documents;
    idx->avglen = idx->passages ? (double)idx->tokens / (double)idx->passages : 0;
    idx->score_passages = idx->passages;
    idx->score_avglen = idx->avglen;
    for (size_t i = 0; i < idx->nseg; i++) {
        const struct manifest_segment *ms = &m->seg[i];
        struct segment *s = &idx->segs[i];
        if (ms->ndeleted) {
            uint8_t *bits = calloc((size_t)(s->passages + 7) / 8, 1);
            if (!bits)
                return err_set(err, LOCI_ENOMEM, "out of memory");
            idx->deleted[i] = bits;
            for (size_t j = 0; j < ms->ndeleted; j++)
                for (uint32_t k = 0; k < ms->deleted[j].passages; k++) {
                    uint32_t d = ms->deleted[j].first_passage + k;
                    bits[d >> 3] |= (uint8_t)(1u << (d & 7));
                }
        }
        struct segview *v = &idx->views[i];
        v->seg = s;
        v->number = i;
        v->passage_base = (uint32_t)passage_base;
        v->doc_base = (uint32_t)doc_base;
        v->deleted = idx->deleted[i];
        passage_base += ms->passages;
        doc_base += ms->documents;
    }
    for (size_t i = 0; i < idx->nseg; i++) {
        unsigned major, minor;
        lfile_version(&idx->segs[i].meta, &major, &minor);
        int legacy = minor < LFILE_MINOR_TOKENS;
        if (i == 0)
            idx->legacy_tokens = legacy;
        else if (legacy != idx->legacy_tokens)
            /* an older loci added to a newer index: its terms disagree */
            return err_set(err, LOCI_EVERSION,
                           "%s: segments whose terms were made by different analyzers (format "
                           "4.0 and 4.%d or later): rebuild it with loci-index",
                           idx->dir, LFILE_MINOR_TOKENS);
    }
    scoring_views(idx);
    if (idx->nseg) {
        memcpy(idx->stem, idx->segs[0].stem, sizeof idx->stem);
        idx->passage_mode = idx->segs[0].passage_mode;
        idx->passage_tokens = idx->segs[0].passage_tokens;
        idx->passage_stride = idx->segs[0].passage_stride;
    } else {
        snprintf(idx->stem, sizeof idx->stem, "english");
    }
    return LOCI_OK;
}

/* One attempt at opening the index in the directory open as `dirfd`. */
static int open_once(loci_index *idx, int dirfd, const char *shown, loci_error *err)
{
    int rc = manifest_read(dirfd, shown, &idx->manifest, err);
    if (rc == LOCI_ENOTFOUND) {
        if (faccessat(dirfd, FMT_META, F_OK, 0) == 0)
            return err_set(err, LOCI_EVERSION,
                           "%s: an index of format 3 or older; this loci reads format %d: "
                           "rebuild it with loci-index",
                           shown, LFILE_MAJOR);
        return err_set(err, LOCI_ENOTFOUND, "%s: no index here (build one with loci-index)",
                       shown);
    }
    if (!rc) {
        struct stat st;
        if (fstatat(dirfd, MANIFEST_FILE, &st, 0) == 0) {
            idx->built = (int64_t)st.st_mtime;
            idx->manifest_bytes = (uint64_t)st.st_size;
        }
        rc = open_segments(idx, dirfd, shown, err);
    }
    return rc;
}

/* 1 if the manifest in `dirfd` is no longer the one idx read (a commit
 * replaced it, and may have removed segments we were opening). */
static int manifest_changed(const loci_index *idx, int dirfd, const char *shown)
{
    struct manifest now;
    loci_error ignored;
    if (manifest_read(dirfd, shown, &now, &ignored))
        return 1;
    int changed = now.generation != idx->manifest.generation;
    manifest_free(&now);
    return changed;
}

/* How many times an open that raced with a commit or a rebuild's swap
 * starts over. */
#define OPEN_ATTEMPTS 16

int loci_index_open(const char *dir, loci_index **out, loci_error *err)
{
    *out = NULL;
    if (!dir || !*dir)
        return err_set(err, LOCI_EINVAL, "no index directory given");
    if (strlen(dir) >= PATH_BUF - 64)
        return err_set(err, LOCI_EINVAL, "%s: path too long", dir);
    loci_index *idx = calloc(1, sizeof *idx);
    if (!idx || !(idx->dir = strdup(dir))) {
        free(idx);
        return err_set(err, LOCI_ENOMEM, "out of memory");
    }
    /* The manifest and every segment are opened relative to one
     * descriptor of the directory, so a whole rebuild that swaps the
     * directory meanwhile cannot mix its files into ours; a commit that
     * removed a segment after we read the manifest, or a swap, makes us
     * start over on the new state. */
    int rc = LOCI_OK;
    for (int attempt = 0;; attempt++) {
        char used[PATH_BUF];
        int dirfd = open_dir(dir, used, err);
        if (dirfd < 0) {
            rc = dirfd;
            break;
        }
        rc = open_once(idx, dirfd, used, err);
        /* a segment missing or incomplete because a commit removed it
         * after we read the manifest: the manifest has changed since */
        int retry = rc && rc != LOCI_ENOMEM && attempt + 1 < OPEN_ATTEMPTS &&
                    (rc == LOCI_ENOTFOUND || dir_replaced(dirfd, used) ||
                     (idx->manifest.generation && manifest_changed(idx, dirfd, used)));
        close(dirfd);
        if (!retry)
            break;
        close_segments(idx);
        idx->built = 0;
    }
    if (!rc)
        rc = assemble(idx, err);
    if (!rc)
        rc = analyzer_new(idx->stem, &idx->an, err);
    if (!rc && idx->legacy_tokens)
        analyzer_legacy(idx->an); /* queries analyzed as its text was */
    if (rc) {
        loci_index_close(idx);
        return rc;
    }
    *out = idx;
    return LOCI_OK;
}

/* Move the segments of `from` (an open index) to the end of `to`, whose
 * arrays have room; `from` keeps nothing of them. */
static void take_segments(loci_index *to, loci_index *from)
{
    for (size_t i = 0; i < from->nseg; i++) {
        to->segs[to->nseg++] = from->segs[i];
        to->manifest.seg[to->manifest.nseg++] = from->manifest.seg[i];
        free(from->deleted[i]); /* assemble makes them again */
    }
    from->nseg = 0;
    from->manifest.nseg = 0;
    if (from->built > to->built)
        to->built = from->built;
    to->manifest_bytes += from->manifest_bytes;
}

int loci_index_open_many(const char *const *dirs, size_t n, loci_index **out, loci_error *err)
{
    *out = NULL;
    if (!dirs || n == 0)
        return err_set(err, LOCI_EINVAL, "no index directory given");
    if (n == 1)
        return loci_index_open(dirs[0], out, err);
    loci_index **one = calloc(n, sizeof *one), *all = calloc(1, sizeof *all);
    struct buf names = {0};
    int rc = one && all ? LOCI_OK : err_set(err, LOCI_ENOMEM, "out of memory");
    size_t total = 0, first = n; /* first: the first index with a segment */
    for (size_t i = 0; i < n && !rc; i++) {
        if ((rc = loci_index_open(dirs[i], &one[i], err)))
            break;
        total += one[i]->nseg;
        if (one[i]->nseg && first == n)
            first = i;
        else if (one[i]->nseg && !same_settings(&one[i]->segs[0], &one[first]->segs[0]))
            rc = err_set(err, LOCI_EINVAL,
                         "%s: stemming language or passage settings differ from %s's; "
                         "shards searched together must be built alike",
                         dirs[i], dirs[first]);
        if (!rc && (buf_append(&names, i ? " + " : "", i ? 3 : 0) ||
                    buf_append(&names, dirs[i], strlen(dirs[i]))))
            rc = err_set(err, LOCI_ENOMEM, "out of memory");
    }
    if (!rc && (buf_putc(&names, '\0') || !(all->dir = strdup((const char *)names.data))))
        rc = err_set(err, LOCI_ENOMEM, "out of memory");
    if (!rc) {
        all->manifest.seg = calloc(total ? total : 1, sizeof *all->manifest.seg);
        all->manifest.seg_cap = total ? total : 1;
        if (alloc_segments(all, total) || !all->manifest.seg)
            rc = err_set(err, LOCI_ENOMEM, "out of memory");
    }
    uint64_t passages = 0, documents = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        passages += one[i]->all_passages;
        documents += one[i]->all_documents;
    }
    /* ids are 32-bit (loci_hit); beyond, shards are searched apart */
    if (!rc && (passages > UINT32_MAX || documents > UINT32_MAX))
        rc = err_set(err, LOCI_EINVAL,
                     "%s: %llu passages in all, more than one index numbers (2^32); search "
                     "the shards apart (--query-stats, --global-stats, --merge)",
                     all->dir, (unsigned long long)passages);
    for (size_t i = 0; i < n && !rc; i++)
        take_segments(all, one[i]);
    for (size_t i = 0; one && i < n; i++)
        loci_index_close(one[i]);
    free(one);
    buf_free(&names);
    if (!rc)
        rc = assemble(all, err);
    if (!rc)
        rc = analyzer_new(all->stem, &all->an, err);
    if (!rc && all->legacy_tokens)
        analyzer_legacy(all->an);
    if (rc) {
        loci_index_close(all);
        return rc;
    }
    *out = all;
    return LOCI_OK;
}

int loci_index_set_global_stats(loci_index *idx, loci_global_stats *s, loci_error *err)
{
    if (s && gstats_seal(s))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    if (s && (s->passages < idx->passages || s->tokens < idx->tokens))
        return err_set(err, LOCI_EINVAL,
                       "global statistics: %llu passages and %llu tokens, fewer than %s "
                       "holds alone; they are not the sum over a set of shards that holds it",
                       (unsigned long long)s->passages, (unsigned long long)s->tokens, idx->dir);
    idx->gs = s;
    idx->score_passages = s ? s->passages : idx->passages;
    idx->score_avglen = !s ? idx->avglen
                        : s->passages ? (double)s->tokens / (double)s->passages
                                      : 0;
    scoring_views(idx);
    return LOCI_OK;
}

int loci_index_check(loci_index *idx, loci_error *err)
{
    for (size_t i = 0; i < idx->nseg; i++) {
        int rc = reader_check(&idx->segs[i], err);
        if (rc)
            return rc;
    }
    return LOCI_OK;
}

void loci_index_stats_get(const loci_index *idx, loci_index_stats *st)
{
    memset(st, 0, sizeof *st);
    for (size_t i = 0; i < idx->nseg; i++) {
        loci_index_stats s;
        reader_stats(&idx->segs[i], &s);
        if (i == 0)
            *st = s;
        else {
            st->terms += s.terms; /* per segment: exact once merged */
            st->index_bytes += s.index_bytes;
            for (size_t f = 0; f < s.nfiles; f++)
                st->files[f].bytes += s.files[f].bytes;
        }
    }
    if (!idx->nseg) {
        snprintf(st->stem_language, sizeof st->stem_language, "%s", idx->stem);
        st->format_major = LFILE_MAJOR;
        st->format_minor = LFILE_MINOR;
        st->nfiles = FMT_NFILES;
        for (size_t f = 0; f < FMT_NFILES; f++)
            snprintf(st->files[f].name, sizeof st->files[f].name, "%s", FMT_FILES[f].name);
    }
    snprintf(st->files[st->nfiles].name, sizeof st->files[st->nfiles].name, "%s", MANIFEST_FILE);
    st->files[st->nfiles++].bytes = idx->manifest_bytes;
    st->index_bytes += idx->manifest_bytes;
    st->documents = idx->documents;
    st->passages = idx->passages;
    st->tokens = idx->tokens;
    st->avg_passage_tokens = idx->avglen;
    st->built = idx->built;
    st->segments = idx->nseg;
    st->deleted_documents = idx->deleted_documents;
}

const struct segview *index_view_of_passage(const loci_index *idx, uint32_t p, uint32_t *local)
{
    size_t lo = 0, hi = idx->nseg;
    while (hi - lo > 1) { /* the last segment whose base is <= p */
        size_t mid = lo + (hi - lo) / 2;
        if (idx->views[mid].passage_base <= p)
            lo = mid;
        else
            hi = mid;
    }
    *local = p - idx->views[lo].passage_base;
    return &idx->views[lo];
}

/* A passage by global id: its segment's record, ids made global. */
static int passage_at(loci_index *idx, uint32_t passage, loci_passage *out, int text,
                      loci_error *err)
{
    if (passage >= idx->all_passages)
        return err_set(err, LOCI_EINVAL, "no passage %u (the index has %llu)", passage,
                       (unsigned long long)idx->all_passages);
    uint32_t local;
    const struct segview *v = index_view_of_passage(idx, passage, &local);
    int rc = text ? reader_passage_get(v->seg, local, out, err)
                  : reader_locate(v->seg, local, out, err);
    if (rc)
        return rc;
    out->id = passage;
    out->doc += v->doc_base;
    return LOCI_OK;
}

int loci_passage_locate(loci_index *idx, uint32_t passage, loci_passage *out, loci_error *err)
{
    return passage_at(idx, passage, out, 0, err);
}

int loci_passage_get(loci_index *idx, uint32_t passage, loci_passage *out, loci_error *err)
{
    return passage_at(idx, passage, out, 1, err);
}

int loci_doc_also(loci_index *idx, uint32_t doc, size_t i, const char **name, size_t *name_len,
                  loci_error *err)
{
    if (doc >= idx->all_documents)
        return err_set(err, LOCI_EINVAL, "no document %u (the index has %llu)", doc,
                       (unsigned long long)idx->all_documents);
    size_t k = 0, hi = idx->nseg; /* k: the last segment whose first document is <= doc */
    while (hi - k > 1) {
        size_t mid = k + (hi - k) / 2;
        if (idx->views[mid].doc_base <= doc)
            k = mid;
        else
            hi = mid;
    }
    struct segment *s = &idx->segs[k];
    const struct manifest_segment *ms = &idx->manifest.seg[k];
    uint32_t local = doc - idx->views[k].doc_base, d, dup;
    size_t count = 0;
    for (uint64_t e = reader_alias_find(s, local); e < s->aliases; e++) {
        reader_alias(s, e, &d, &dup);
        if (d != local)
            break;
        if (manifest_doc_deleted(ms, dup))
            continue;
        if (name && count == i) {
            struct doc_info di;
            int rc = reader_doc(s, dup, &di, err);
            if (rc)
                return rc;
            *name = di.name;
            *name_len = di.name_len;
        }
        count++;
    }
    return count > INT32_MAX ? INT32_MAX : (int)count;
}

/* A looked-up term's df as scores use it: its live df here (recorded for
 * loci_query_stats), or the global statistics'. */
static int64_t lookup_df(loci_index *idx, const char *term, size_t len, uint64_t df,
                         loci_error *err)
{
    if (idx->rec && loci_global_stats_add_term(idx->rec, term, len, df))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    if (!idx->gs)
        return (int64_t)df;
    int64_t g = gstats_df(idx->gs, term, len);
    if (g < 0)
        return err_set(err, LOCI_EINVAL,
                       "global statistics: no df of the term \"%.*s\" (were they gathered "
                       "for this query, from every shard?)",
                       (int)(len > 64 ? 64 : len), term);
    if ((uint64_t)g < df)
        return err_set(err, LOCI_EINVAL,
                       "global statistics: the term \"%.*s\" is in %llu passages of %s but "
                       "%lld in all shards",
                       (int)(len > 64 ? 64 : len), term, (unsigned long long)df, idx->dir,
                       (long long)g);
    return g;
}

int64_t index_lookup(loci_index *idx, const char *term, size_t len, struct term_info *ti,
                     loci_error *err)
{
    uint64_t df = 0;
    int rc = reader_lookup_all(idx->segs, idx->nseg, term, len, ti, idx->found, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < idx->nseg; i++) {
        if (!idx->found[i]) {
            memset(&ti[i], 0, sizeof ti[i]);
            continue;
        }
        uint32_t gone = manifest_deleted_df(&idx->manifest.seg[i], term, len);
        if (gone > ti[i].df)
            return err_corrupt(err, "%s: the manifest deletes more of a term than its df",
                               idx->dir);
        df += ti[i].df - gone;
    }
    return lookup_df(idx, term, len, df, err);
}

/* index_prefix: the segments' matches gathered, sorted, and summed per
 * term. */
struct prefix_hit {
    char term[256];
    size_t len;
    size_t seg;
    struct term_info ti;
};

struct prefix_gather {
    struct prefix_hit *hits;
    size_t n, cap;
    size_t seg;
};

static int gather(void *ctx, const char *term, size_t len, const struct term_info *ti)
{
    struct prefix_gather *g = ctx;
    struct prefix_hit *p = array_grow(g->hits, &g->cap, g->n + 1, sizeof *p, 16);
    if (!p)
        return LOCI_ENOMEM;
    g->hits = p;
    struct prefix_hit *h = &g->hits[g->n++];
    h->len = len < sizeof h->term ? len : sizeof h->term;
    memcpy(h->term, term, h->len);
    h->seg = g->seg;
    h->ti = *ti;
    return 0;
}

static int by_term_then_segment(const void *a, const void *b)
{
    const struct prefix_hit *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->term, y->term, n);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return (x->seg > y->seg) - (x->seg < y->seg);
}

/* index_prefix with global statistics: their terms with the prefix,
 * each looked up here (absent: df 0 in every segment). */
static int global_prefix(loci_index *idx, const char *prefix, size_t len, index_term_fn fn,
                         void *ctx, loci_error *err)
{
    size_t lo, hi;
    gstats_prefix(idx->gs, prefix, len, &lo, &hi);
    struct term_info *ti = calloc(idx->nseg ? idx->nseg : 1, sizeof *ti);
    int rc = ti ? LOCI_OK : LOCI_ENOMEM;
    for (size_t i = lo; i < hi && !rc; i++) {
        const char *term = gstats_bytes(idx->gs, i);
        size_t tl = idx->gs->t[i].len;
        int64_t df = index_lookup(idx, term, tl, ti, err);
        if (df < 0) {
            free(ti);
            return (int)df;
        }
        if (df)
            rc = fn(ctx, term, tl, ti, (uint64_t)df);
    }
    free(ti);
    if (rc == LOCI_ENOMEM)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    return rc;
}

int index_prefix(loci_index *idx, const char *prefix, size_t len, index_term_fn fn, void *ctx,
                 loci_error *err)
{
    if (idx->gs)
        return global_prefix(idx, prefix, len, fn, ctx, err);
    struct prefix_gather g = {0};
    struct term_info *ti = calloc(idx->nseg ? idx->nseg : 1, sizeof *ti);
    int rc = ti ? LOCI_OK : LOCI_ENOMEM;
    for (size_t i = 0; i < idx->nseg && !rc; i++) {
        g.seg = i;
        rc = reader_prefix(&idx->segs[i], prefix, len, gather, &g, err);
    }
    if (!rc && idx->nseg > 1)
        qsort(g.hits, g.n, sizeof *g.hits, by_term_then_segment);
    for (size_t i = 0; i < g.n && !rc;) {
        size_t j = i;
        uint64_t df = 0;
        memset(ti, 0, idx->nseg * sizeof *ti);
        for (; j < g.n && g.hits[j].len == g.hits[i].len &&
               !memcmp(g.hits[j].term, g.hits[i].term, g.hits[i].len);
             j++) {
            const struct prefix_hit *h = &g.hits[j];
            ti[h->seg] = h->ti;
            uint32_t gone = manifest_deleted_df(&idx->manifest.seg[h->seg], h->term, h->len);
            df += h->ti.df > gone ? h->ti.df - gone : 0;
        }
        /* loci_query_stats records the whole expansion: which terms the
         * 128 most frequent are is decided over all the shards */
        if (df && idx->rec && loci_global_stats_add_term(idx->rec, g.hits[i].term, g.hits[i].len, df))
            rc = LOCI_ENOMEM;
        if (df && !rc)
            rc = fn(ctx, g.hits[i].term, g.hits[i].len, ti, df);
        i = j;
    }
    free(g.hits);
    free(ti);
    if (rc == LOCI_ENOMEM)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    return rc;
}
