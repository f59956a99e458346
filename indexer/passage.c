/*
 * passage.c — splitting documents into passages (see passage.h).
 *
 * Paragraphs end at blank lines (two newlines with only white space
 * between). A paragraph longer than `size` tokens is cut into windows of
 * `size` tokens every `stride`, the last one ending at the paragraph's end,
 * so every token is in a window and a phrase cut by one boundary is whole
 * in the neighbouring window.
 */
#include "passage.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "codec.h"
#include "error.h"
#include "format.h"

#define NO_TERM UINT32_MAX /* a surface form whose stem is empty */

struct doc_token {
    uint32_t line;
    uint32_t start, end;   /* byte range in the document text */
    uint32_t para_start;   /* 1 if a blank line precedes it */
};

int splitter_init(struct splitter *s, const loci_build_options *opt, loci_error *err)
{
    memset(s, 0, sizeof *s);
    s->mode = opt->passage_mode;
    s->size = opt->passage_tokens;
    s->stride = opt->passage_stride;
    s->utf8_error = opt->strict || !opt->replace_invalid_utf8;
    if (inverter_new(&s->inv))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    return analyzer_new(opt->stem_language, &s->an, err);
}

void splitter_free(struct splitter *s)
{
    analyzer_free(s->an);
    inverter_free(s->inv);
    strtab_free(&s->surfaces);
    free(s->surface_term);
    free(s->toks);
    free(s->terms);
    memset(s, 0, sizeof *s);
}

void splitter_begin_batch(struct splitter *s, struct buf *passages, struct buf *lengths)
{
    inverter_clear(s->inv);
    strtab_clear(&s->surfaces);
    s->passages = passages;
    s->lengths = lengths;
    s->npassages = 0;
    s->tokens = 0;
}

/* Term id of an unstemmed token (h: its strtab_hash): by its surface
 * form if seen in this batch, else stemmed and interned (NO_TERM if the
 * stem is empty). */
static int term_of(struct splitter *s, const char *word, size_t len, uint32_t h, uint32_t *term)
{
    uint32_t sid;
    int added, rc = strtab_intern_hashed(&s->surfaces, word, len, h, &sid, &added);
    if (rc)
        return rc;
    if (!added) {
        *term = s->surface_term[sid];
        return LOCI_OK;
    }
    if (sid == s->cap_surface) {
        uint32_t *p =
            array_grow(s->surface_term, &s->cap_surface, (size_t)sid + 1, sizeof *p, 4096);
        if (!p)
            return LOCI_ENOMEM;
        s->surface_term = p;
    }
    const char *stem;
    size_t stem_len;
    if ((rc = analyzer_stem(s->an, word, len, &stem, &stem_len)))
        return rc;
    *term = NO_TERM;
    if (stem_len && (rc = inverter_intern(s->inv, stem, stem_len, term)))
        return rc;
    s->surface_term[sid] = *term;
    return LOCI_OK;
}

/* Count lines up to `upto`, and report whether a blank line lies in
 * [scan_pos, upto). */
static int scan_gap(struct splitter *s, size_t upto)
{
    int blank = 0, nl = 0;
    for (size_t i = s->scan_pos; i < upto; i++) {
        char c = s->cur_text[i];
        if (c == '\n') {
            s->cur_line++;
            if (nl)
                blank = 1;
            nl = 1;
        } else if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') {
            nl = 0;
        }
    }
    s->scan_pos = upto;
    return blank;
}

/* Give the oldest pending token its term id. */
static int resolve_one(struct splitter *s)
{
    const struct pending_token *p = &s->ring[s->nresolved % SPLIT_RING];
    int rc = term_of(s, p->bytes, p->len, p->hash, &s->terms[s->nresolved]);
    if (!rc && s->terms[s->nresolved] == NO_TERM)
        s->dropped++;
    s->nresolved++;
    return rc;
}

/* Tokens are resolved SPLIT_RING behind the analyzer: each new token's
 * table slot is prefetched at once and the record it points at half-way,
 * so the cache misses of a large batch's lookups overlap. */
static int on_token(void *ctx, const struct token *t)
{
    struct splitter *s = ctx;
    if (s->ntoks == s->cap_toks) { /* toks and terms grow in step */
        size_t cap = s->cap_toks, cap2 = s->cap_toks;
        struct doc_token *p = array_grow(s->toks, &cap, s->ntoks + 1, sizeof *p, 4096);
        if (p)
            s->toks = p;
        uint32_t *q = array_grow(s->terms, &cap2, s->ntoks + 1, sizeof *q, 4096);
        if (q)
            s->terms = q;
        if (!p || !q)
            return LOCI_ENOMEM;
        s->cap_toks = cap;
    }
    struct doc_token *d = &s->toks[s->ntoks];
    d->para_start = scan_gap(s, t->start);
    d->line = s->cur_line;
    d->start = (uint32_t)t->start;
    d->end = (uint32_t)t->end;
    s->scan_pos = t->end; /* tokens hold no newlines */
    struct pending_token *p = &s->ring[s->ntoks % SPLIT_RING];
    p->hash = strtab_hash(t->term, t->term_len);
    p->len = (uint8_t)t->term_len;
    memcpy(p->bytes, t->term, t->term_len);
    strtab_prefetch_slot(&s->surfaces, p->hash);
    if (s->ntoks >= SPLIT_RING / 2)
        strtab_prefetch_record(&s->surfaces,
                               s->ring[(s->ntoks - SPLIT_RING / 2) % SPLIT_RING].hash);
    s->ntoks++;
    return s->ntoks - s->nresolved == SPLIT_RING ? resolve_one(s) : LOCI_OK;
}

/* After the last token: resolve the rest and drop the tokens without a
 * term (a blank line before a dropped token moves to the next one). */
static int resolve_all(struct splitter *s)
{
    while (s->nresolved < s->ntoks) {
        int rc = resolve_one(s);
        if (rc)
            return rc;
    }
    if (!s->dropped)
        return LOCI_OK;
    size_t n = 0;
    uint32_t para = 0;
    for (size_t i = 0; i < s->ntoks; i++) {
        para |= s->toks[i].para_start;
        if (s->terms[i] == NO_TERM)
            continue;
        s->toks[n] = s->toks[i];
        s->toks[n].para_start = para;
        s->terms[n++] = s->terms[i];
        para = 0;
    }
    s->ntoks = n;
    return LOCI_OK;
}

static int emit_passage(struct splitter *s, uint32_t doc, uint32_t ordinal, size_t a, size_t e,
                        uint32_t fixed_line, loci_error *err)
{
    if (s->npassages == UINT32_MAX)
        return err_set(err, LOCI_EINVAL, "too many passages in one batch");
    uint32_t pid = s->npassages++;
    uint8_t rec[PASS_SIZE];
    le32_put(rec + PASS_DOC, doc);
    le32_put(rec + PASS_ORDINAL, ordinal);
    le32_put(rec + PASS_LINE, fixed_line ? fixed_line : s->toks[a].line);
    le32_put(rec + PASS_LEN, s->toks[e - 1].end - s->toks[a].start);
    le64_put(rec + PASS_START, s->toks[a].start);
    if (buf_append(s->passages, rec, sizeof rec) || buf_put_le32(s->lengths, (uint32_t)(e - a)))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    s->tokens += e - a;
    if (inverter_add_passage(s->inv, pid, s->terms + a, e - a))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    return LOCI_OK;
}

static int emit_windows(struct splitter *s, uint32_t doc, uint32_t *ordinal, size_t a, size_t e,
                        uint32_t fixed_line, loci_error *err)
{
    for (size_t w = a;; w += s->stride) {
        size_t we = e - w > s->size ? w + s->size : e;
        int rc = emit_passage(s, doc, (*ordinal)++, w, we, fixed_line, err);
        if (rc || we == e)
            return rc;
    }
}

static unsigned line_of(const char *text, size_t off, unsigned first)
{
    unsigned line = first;
    for (size_t i = 0; i < off; i++)
        line += text[i] == '\n';
    return line;
}

int splitter_doc(struct splitter *s, uint32_t doc, const char *source, const char *text,
                 size_t len, unsigned first_line, unsigned fixed_line, loci_error *err)
{
    size_t bad;
    s->doc_invalid = 0;
    s->doc_bad_line = 0;
    if (s->utf8_error && !utf8_valid(text, len, &bad)) {
        unsigned line = fixed_line ? fixed_line : line_of(text, bad, first_line);
        return err_set(err, LOCI_EUTF8,
                       "%s:%u: invalid UTF-8 (byte 0x%02x); drop --strict to index it with U+FFFD",
                       source, line, (unsigned char)text[bad]);
    }
    if (len > UINT32_MAX)
        return err_set(err, LOCI_EINVAL, "%s: document larger than 4 GiB", source);
    s->ntoks = s->nresolved = s->dropped = 0;
    s->cur_text = text;
    s->scan_pos = 0;
    s->cur_line = first_line;
    uint64_t invalid = analyzer_invalid_count(s->an);
    int rc = analyzer_run_unstemmed(s->an, text, len, on_token, s);
    if ((s->doc_invalid = analyzer_invalid_count(s->an) - invalid) != 0) {
        if (!utf8_valid(text, len, &bad))
            s->doc_bad_line = fixed_line ? fixed_line : line_of(text, bad, first_line);
    }
    if (!rc)
        rc = resolve_all(s);
    if (rc)
        return err_set(err, rc, "%s: %s while analyzing", source, loci_strerror(rc));
    size_t n = s->ntoks;
    uint32_t ordinal = 0;
    if (n == 0)
        return LOCI_OK;
    switch (s->mode) {
    case LOCI_PASSAGE_DOCUMENT:
        return emit_passage(s, doc, 0, 0, n, fixed_line, err);
    case LOCI_PASSAGE_WINDOW:
        return emit_windows(s, doc, &ordinal, 0, n, fixed_line, err);
    case LOCI_PASSAGE_PARAGRAPH:
    default:
        for (size_t a = 0; a < n;) {
            size_t e = a + 1;
            while (e < n && !s->toks[e].para_start)
                e++;
            if ((rc = emit_windows(s, doc, &ordinal, a, e, fixed_line, err)))
                return rc;
            a = e;
        }
        return LOCI_OK;
    }
}
