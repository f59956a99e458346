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

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "codec.h"
#include "error.h"
#include "format.h"

#define NO_TERM UINT32_MAX /* a surface form whose stem is empty */

#define DOC_SPAN 65536 /* document mode: tokens kept before they go to the inverter */

int splitter_init(struct splitter *s, const loci_build_options *opt, loci_error *err)
{
    memset(s, 0, sizeof *s);
    s->mode = opt->passage_mode;
    s->size = opt->passage_tokens;
    s->stride = opt->passage_stride;
    s->utf8_error = opt->strict || !opt->replace_invalid_utf8;
    s->force_cut = SPLIT_FORCE_CUT;
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
    buf_free(&s->carry);
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

/* Count lines up to `upto` of the text being analyzed, note a blank line
 * (two newlines with only white space between) in the gap since the last
 * token, and where the paragraphs around it end and begin (see
 * doc_token); the gap may span several pieces of a streamed document.
 * White space, the usual gap, costs what it did before paragraphs were
 * kept whole: the other bytes of a gap are rare. */
static inline void scan_gap(struct splitter *s, size_t upto)
{
    int nl = s->gap_nl, blank = s->gap_blank, para = blank | s->gap_doc_start;
    uint32_t line = s->cur_line;
    for (size_t i = s->scan_pos; i < upto; i++) {
        char c = s->cur_text[i];
        if (c == '\n') {
            line++;
            blank |= nl;
            para |= nl;
            nl = 1;
        } else if (c == '\f') {
            /* a form feed ends a paragraph, without being a line: the
             * extractors (extract.h) end paragraphs with it */
            blank = para = 1;
        } else if (c != ' ' && c != '\t' && c != '\r' && c != '\v') {
            nl = 0;
            uint32_t o = (uint32_t)(s->doc_off + i);
            if (!para) {
                s->gap_para_end = o + 1; /* the last token's paragraph goes on */
            } else if (!s->gap_after_blank) {
                s->gap_after_blank = 1; /* the next paragraph has begun */
                s->gap_first = o;
                s->gap_first_line = line;
            }
        }
    }
    s->gap_nl = nl;
    s->gap_blank = blank;
    s->cur_line = line;
    s->scan_pos = upto;
}

/* The gap after the latest token has ended at a blank line (or at the
 * document's end, `doc_end`): a passage that ends at that token ends with
 * its paragraph. */
static void close_gap(struct splitter *s, int doc_end)
{
    if (s->last_tok != SIZE_MAX && (doc_end || s->gap_blank))
        s->toks[s->last_tok].trail = s->gap_para_end;
}

/* How many of toks[a..e) are the title's: they lead (tokens are in
 * document order), so count from a while they start inside it. */
static uint32_t title_tokens(const struct splitter *s, size_t a, size_t e)
{
    size_t i = a;
    while (i < e && s->toks[i].start < s->title_end)
        i++;
    return (uint32_t)(i - a);
}

static int emit_passage(struct splitter *s, size_t a, size_t e, loci_error *err)
{
    if (s->npassages == UINT32_MAX)
        return err_set(err, LOCI_EINVAL, "too many passages in one batch");
    uint32_t pid = s->npassages++;
    uint8_t rec[PASS_SIZE];
    le32_put(rec + PASS_DOC, s->doc);
    le32_put(rec + PASS_ORDINAL, s->ordinal++);
    le32_put(rec + PASS_LINE, s->fixed_line ? s->fixed_line : s->toks[a].lead_line);
    le32_put(rec + PASS_LEN, s->toks[e - 1].trail - s->toks[a].lead);
    le64_put(rec + PASS_START, s->toks[a].lead);
    le32_put(rec + PASS_TITLE, title_tokens(s, a, e));
    if (buf_append(s->passages, rec, sizeof rec) || buf_put_le32(s->lengths, (uint32_t)(e - a)))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    s->tokens += e - a;
    if (inverter_add_passage(s->inv, pid, s->terms + a, e - a))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    return LOCI_OK;
}

/* The open paragraph ends at toks[ntoks]: its last windows, the last one
 * ending at the paragraph's end (every token is in a window). */
static int close_paragraph(struct splitter *s, loci_error *err)
{
    if (s->mode == LOCI_PASSAGE_DOCUMENT || s->ntoks == s->w)
        return LOCI_OK;
    for (;;) {
        size_t e = s->ntoks - s->w > s->size ? s->w + s->size : s->ntoks;
        int rc = emit_passage(s, s->w, e, err);
        if (rc)
            return rc;
        if (e == s->ntoks)
            break;
        s->w += s->stride;
    }
    s->w = s->ntoks;
    return LOCI_OK;
}

/* Document mode: the kept tokens go to the document's one passage. */
static int doc_span(struct splitter *s, loci_error *err)
{
    if (!s->doc_open) {
        if (s->npassages == UINT32_MAX)
            return err_set(err, LOCI_EINVAL, "too many passages in one batch");
        s->doc_open = 1;
        s->doc_pid = s->npassages++;
        inverter_begin_passage(s->inv, s->doc_pid);
    }
    size_t n = s->ntoks - s->w;
    if (!n)
        return LOCI_OK;
    if (s->doc_tokens == 0) {
        s->doc_first_line = s->toks[s->w].lead_line;
        s->doc_start = s->toks[s->w].lead;
    }
    s->doc_end = s->toks[s->ntoks - 1].trail;
    if (s->doc_tokens + n > UINT32_MAX)
        return err_set(err, LOCI_EINVAL, "%s: more than 2^32 tokens in one passage", s->source);
    s->doc_title += title_tokens(s, s->w, s->ntoks);
    if (inverter_add_span(s->inv, s->terms + s->w, n, (uint32_t)s->doc_tokens))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    s->doc_tokens += n;
    s->w = s->ntoks;
    return LOCI_OK;
}

/* Move the live tokens to the front of the arrays. */
static void compact(struct splitter *s)
{
    size_t w = s->w, live = s->nseen - w;
    memmove(s->toks, s->toks + w, live * sizeof *s->toks);
    memmove(s->terms, s->terms + w, (s->ntoks - w) * sizeof *s->terms);
    if (s->last_tok != SIZE_MAX)
        s->last_tok = s->last_tok >= w ? s->last_tok - w : SIZE_MAX;
    s->ntoks -= w;
    s->kidx -= w;
    s->nseen -= w;
    s->w = 0;
}

/* Give the oldest waiting token its term id. A token without one is
 * dropped (a blank line before it moves to the next one); a kept one may
 * end a paragraph, and every window that ends before it is emitted. */
static int resolve_one(struct splitter *s, loci_error *err)
{
    const struct pending_token *p = &s->ring[s->nresolved % SPLIT_RING];
    uint32_t term;
    s->nresolved++;
    int rc = term_of(s, p->bytes, p->len, p->hash, &term);
    if (rc)
        return err_set(err, rc, "%s: %s while analyzing", s->source, loci_strerror(rc));
    size_t k = s->kidx++;
    if (term == NO_TERM) {
        if (s->toks[k].para_start && !s->para_carry) {
            /* the paragraph's text starts where this dropped token's did */
            s->carry_lead = s->toks[k].lead;
            s->carry_lead_line = s->toks[k].lead_line;
        }
        s->para_carry |= s->toks[k].para_start;
        if (s->last_tok == k)
            s->last_tok = SIZE_MAX;
        return LOCI_OK;
    }
    if (s->para_carry) {
        s->toks[k].para_start = 1;
        s->toks[k].lead = s->carry_lead;
        s->toks[k].lead_line = s->carry_lead_line;
        s->para_carry = 0;
    }
    if (s->mode == LOCI_PASSAGE_PARAGRAPH && s->toks[k].para_start && s->ntoks > s->w &&
        (rc = close_paragraph(s, err)))
        return rc;
    size_t n = s->ntoks;
    if (n != k) {
        s->toks[n] = s->toks[k];
        if (s->last_tok == k)
            s->last_tok = n;
    }
    s->terms[n++] = term;
    s->ntoks = n;
    if (n - s->w <= s->size || s->mode == LOCI_PASSAGE_DOCUMENT) {
        if (n - s->w < DOC_SPAN || s->mode != LOCI_PASSAGE_DOCUMENT) {
            if (s->w >= 4096 && s->w >= s->nseen - s->w) /* after paragraphs */
                compact(s);
            return LOCI_OK;
        }
        rc = doc_span(s, err);
    } else {
        /* a window is not the paragraph's last once a token past it exists */
        while (!rc && s->ntoks - s->w > s->size) {
            rc = emit_passage(s, s->w, s->w + s->size, err);
            s->w += s->stride;
        }
    }
    if (s->w >= 4096 && s->w >= s->nseen - s->w)
        compact(s);
    return rc;
}

struct on_token_ctx {
    struct splitter *s;
    loci_error *err;
};

/* Tokens are resolved SPLIT_RING behind the analyzer: each new token's
 * table slot is prefetched at once and the record it points at half-way,
 * so the cache misses of a large batch's lookups overlap. */
static int on_token(void *ctx, const struct token *t)
{
    struct on_token_ctx *c = ctx;
    struct splitter *s = c->s;
    if (s->nseen == s->cap_toks) { /* toks and terms grow in step */
        size_t cap = s->cap_toks, cap2 = s->cap_toks;
        struct doc_token *p = array_grow(s->toks, &cap, s->nseen + 1, sizeof *p, 4096);
        if (p)
            s->toks = p;
        uint32_t *q = array_grow(s->terms, &cap2, s->nseen + 1, sizeof *q, 4096);
        if (q)
            s->terms = q;
        if (!p || !q)
            return err_set(c->err, LOCI_ENOMEM, "out of memory");
        s->cap_toks = cap;
    }
    scan_gap(s, t->start);
    close_gap(s, 0);
    struct doc_token *d = &s->toks[s->nseen++];
    d->para_start = (uint32_t)s->gap_blank;
    d->line = s->cur_line;
    d->start = (uint32_t)(s->doc_off + t->start);
    d->end = (uint32_t)(s->doc_off + t->end);
    if ((s->gap_blank || s->gap_doc_start) && s->gap_after_blank) {
        d->lead = s->gap_first; /* the paragraph's first non-blank byte */
        d->lead_line = s->gap_first_line;
    } else {
        d->lead = d->start;
        d->lead_line = d->line;
    }
    d->trail = d->end; /* until a blank line after it says otherwise */
    s->last_tok = s->nseen - 1;
    s->gap_nl = s->gap_blank = 0;
    s->gap_doc_start = s->gap_after_blank = 0;
    s->gap_para_end = d->end;
    s->scan_pos = t->end; /* tokens hold no newlines */
    struct pending_token *p = &s->ring[s->seen % SPLIT_RING];
    p->hash = strtab_hash(t->term, t->term_len);
    p->len = (uint8_t)t->term_len;
    memcpy(p->bytes, t->term, t->term_len);
    strtab_prefetch_slot(&s->surfaces, p->hash);
    if (s->seen >= SPLIT_RING / 2)
        strtab_prefetch_record(&s->surfaces,
                               s->ring[(s->seen - SPLIT_RING / 2) % SPLIT_RING].hash);
    s->seen++;
    return s->seen - s->nresolved == SPLIT_RING ? resolve_one(s, c->err) : LOCI_OK;
}

static unsigned line_of(const char *text, size_t off, unsigned first)
{
    unsigned line = first;
    for (size_t i = 0; i < off; i++)
        line += text[i] == '\n';
    return line;
}

/* Analyze text[0..len), the document's bytes from doc_off on: a piece
 * that ends at a safe cut (or at the document's end). */
static int analyze_piece(struct splitter *s, const char *text, size_t len, loci_error *err)
{
    unsigned line0 = s->cur_line; /* the line of text[0] */
    size_t bad;
    if (s->utf8_error && !utf8_valid(text, len, &bad)) {
        unsigned line = s->fixed_line ? s->fixed_line : line_of(text, bad, line0);
        return err_set(err, LOCI_EUTF8,
                       "%s:%u: invalid UTF-8 (byte 0x%02x); drop --strict to index it with U+FFFD",
                       s->source, line, (unsigned char)text[bad]);
    }
    uint64_t invalid = analyzer_invalid_count(s->an);
    s->cur_text = text;
    s->scan_pos = 0;
    struct on_token_ctx c = {s, err};
    int rc = analyzer_run_unstemmed(s->an, text, len, on_token, &c);
    if (rc == LOCI_ENOMEM)
        return err_set(err, rc, "%s: %s while analyzing", s->source, loci_strerror(rc));
    while (!rc && s->nresolved < s->seen)
        rc = resolve_one(s, err);
    if (rc)
        return rc; /* err was set where it happened */
    scan_gap(s, len);
    uint64_t n = analyzer_invalid_count(s->an) - invalid;
    if (n) {
        if (!s->doc_invalid && !utf8_valid(text, len, &bad))
            s->doc_bad_line = s->fixed_line ? s->fixed_line : line_of(text, bad, line0);
        s->doc_invalid += n;
    }
    s->doc_off += len;
    return LOCI_OK;
}

/* Analyze text[0..len) (the document from doc_off on) in pieces that end
 * at safe cuts, none longer than force_cut: a run of more than force_cut
 * bytes without a safe cut is cut at a character boundary. Whether such
 * a forced cut happens, and where, depends only on the text (it happens
 * at the last safe cut before the run), not on how the text arrived.
 * Unless `final`, the text after the last safe cut is left: *used is what
 * was analyzed. */
static int analyze(struct splitter *s, const char *text, size_t len, int final, size_t *used,
                   loci_error *err)
{
    size_t pos = 0;
    int rc = LOCI_OK;
    while (!rc && len - pos > s->force_cut) {
        size_t c = analyzer_safe_cut(text + pos, s->force_cut);
        if (!c) {
            c = s->force_cut;
            while (c > 0 && ((unsigned char)text[pos + c] & 0xc0) == 0x80)
                c--;
            if (!c)
                c = s->force_cut;
        }
        rc = analyze_piece(s, text + pos, c, err);
        pos += c;
    }
    if (!rc && pos < len) {
        size_t c = final ? len - pos : analyzer_safe_cut(text + pos, len - pos);
        if (c)
            rc = analyze_piece(s, text + pos, c, err);
        pos += c;
    }
    *used = pos;
    return rc;
}

void splitter_begin_doc(struct splitter *s, uint32_t doc, const char *source,
                        unsigned first_line, unsigned fixed_line)
{
    s->doc = doc;
    s->source = source;
    s->fixed_line = fixed_line;
    s->ordinal = 0;
    s->doc_off = 0;
    s->carry.len = 0;
    s->w = s->ntoks = s->kidx = s->nseen = 0;
    s->para_carry = 0;
    s->seen = s->nresolved = 0;
    s->cur_line = first_line;
    s->gap_nl = s->gap_blank = 0;
    s->gap_doc_start = 1;
    s->gap_after_blank = 0;
    s->last_tok = SIZE_MAX;
    s->doc_open = 0;
    s->doc_tokens = 0;
    s->title_end = 0;
    s->doc_title = 0;
    s->doc_invalid = 0;
    s->doc_bad_line = 0;
}

static int check_size(struct splitter *s, size_t more, loci_error *err)
{
    if (s->doc_off + s->carry.len + more > UINT32_MAX)
        return err_set(err, LOCI_EINVAL, "%s: document larger than 4 GiB", s->source);
    return LOCI_OK;
}

int splitter_feed(struct splitter *s, const char *text, size_t len, loci_error *err)
{
    size_t used;
    int rc = check_size(s, len, err);
    if (rc)
        return rc;
    if (!s->carry.len) {
        if ((rc = analyze(s, text, len, 0, &used, err)))
            return rc;
        if (used < len && buf_append(&s->carry, text + used, len - used))
            return err_set(err, LOCI_ENOMEM, "out of memory");
        return LOCI_OK;
    }
    if (buf_append(&s->carry, text, len))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    if ((rc = analyze(s, (const char *)s->carry.data, s->carry.len, 0, &used, err)))
        return rc;
    memmove(s->carry.data, s->carry.data + used, s->carry.len - used);
    s->carry.len -= used;
    return LOCI_OK;
}

int splitter_end_doc(struct splitter *s, loci_error *err)
{
    size_t used;
    int rc = LOCI_OK;
    if (s->carry.len) {
        rc = analyze(s, (const char *)s->carry.data, s->carry.len, 1, &used, err);
        s->carry.len = 0;
    }
    if (rc)
        return rc;
    close_gap(s, 1); /* the document's end ends the last paragraph */
    if (s->mode != LOCI_PASSAGE_DOCUMENT)
        return close_paragraph(s, err);
    if (!s->doc_open) {
        /* the whole document at once (the usual case) */
        return s->ntoks > s->w ? emit_passage(s, s->w, s->ntoks, err) : LOCI_OK;
    }
    if ((rc = doc_span(s, err)))
        return rc;
    if (inverter_end_passage(s->inv))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    uint8_t rec[PASS_SIZE];
    le32_put(rec + PASS_DOC, s->doc);
    le32_put(rec + PASS_ORDINAL, 0);
    le32_put(rec + PASS_LINE, s->fixed_line ? s->fixed_line : s->doc_first_line);
    le32_put(rec + PASS_LEN, s->doc_end - s->doc_start);
    le64_put(rec + PASS_START, s->doc_start);
    le32_put(rec + PASS_TITLE, (uint32_t)s->doc_title);
    if (buf_append(s->passages, rec, sizeof rec) ||
        buf_put_le32(s->lengths, (uint32_t)s->doc_tokens))
        return err_set(err, LOCI_ENOMEM, "out of memory");
    s->tokens += s->doc_tokens;
    s->doc_open = 0;
    return LOCI_OK;
}

void splitter_set_title(struct splitter *s, size_t bytes)
{
    s->title_end = bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes;
}

int splitter_doc(struct splitter *s, uint32_t doc, const char *source, const char *text,
                 size_t len, unsigned first_line, unsigned fixed_line, loci_error *err)
{
    return splitter_doc_titled(s, doc, source, text, len, 0, first_line, fixed_line, err);
}

int splitter_doc_titled(struct splitter *s, uint32_t doc, const char *source, const char *text,
                        size_t len, size_t title_bytes, unsigned first_line, unsigned fixed_line,
                        loci_error *err)
{
    splitter_begin_doc(s, doc, source, first_line, fixed_line);
    splitter_set_title(s, title_bytes);
    size_t used;
    int rc = check_size(s, len, err);
    if (!rc)
        rc = analyze(s, text, len, 1, &used, err);
    return rc ? rc : splitter_end_doc(s, err);
}

int splitter_rebatch(struct splitter *s, struct buf *passages, struct buf *lengths,
                     loci_error *err)
{
    if (s->doc_open)
        return err_set(err, LOCI_EINVAL, "internal error: a passage is open");
    if (s->kidx != s->nseen)
        return err_set(err, LOCI_EINVAL, "internal error: tokens wait for their terms");
    compact(s);
    size_t live = s->ntoks;
    /* the waiting tokens' terms, by their bytes */
    struct buf stems = {0};
    int rc = LOCI_OK;
    for (size_t i = 0; i < live && !rc; i++) {
        size_t len;
        const char *b = inverter_term_bytes(s->inv, s->terms[i], &len);
        if (buf_putc(&stems, (uint8_t)len) || buf_append(&stems, b, len))
            rc = err_set(err, LOCI_ENOMEM, "out of memory");
    }
    splitter_begin_batch(s, passages, lengths);
    const uint8_t *p = stems.data;
    for (size_t i = 0; i < live && !rc; i++) {
        size_t len = *p++;
        if (inverter_intern(s->inv, (const char *)p, len, &s->terms[i]))
            rc = err_set(err, LOCI_ENOMEM, "out of memory");
        p += len;
    }
    buf_free(&stems);
    return rc;
}
