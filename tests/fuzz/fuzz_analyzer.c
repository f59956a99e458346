/*
 * fuzz_analyzer.c — libFuzzer target for the text analyzer (analyzer.h).
 *
 * The analyzer has two implementations of the same contract: the ASCII
 * fast path (analyzer_run) and the utf8proc path (analyzer_run_slow). The
 * unit tests compare them on random ASCII; this target compares them on
 * arbitrary bytes (invalid UTF-8, mixed scripts, long runs), with and
 * without stemming, and aborts on the first difference in any token's
 * bytes, range or position. It also checks the token invariants every
 * caller relies on (ranges inside the text and in order, term lengths in
 * 1..ANALYZER_MAX_TERM) and that analyzer_run is analyzer_run_unstemmed
 * followed by analyzer_stem, as analyzer.h promises.
 *
 * CJK runs (bigrams, tails, lone characters) are checked too: a bigram is
 * two code points, a tail or lone character one, and their ranges may
 * overlap the previous token's (bigrams do) but never start before it.
 * A French analyzer reaches elision, and a legacy one the 4.0 analysis.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"

struct tok {
    char term[ANALYZER_MAX_TERM];
    size_t term_len, start, end;
    uint32_t pos;
    int kind;
};

struct toks {
    struct tok *t;
    size_t n, cap;
    size_t len; /* of the analyzed text, for the invariants */
};

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_analyzer: %s\n", what);
    abort();
}

/* Code points in a (valid UTF-8) term. */
static size_t code_points(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xc0) != 0x80;
    return c;
}

static int collect(void *ctx, const struct token *t)
{
    struct toks *k = ctx;
    if (t->term_len < 1 || t->term_len > ANALYZER_MAX_TERM)
        fail("term length outside 1..ANALYZER_MAX_TERM");
    if (!(t->start < t->end && t->end <= k->len))
        fail("token range outside the text");
    if (t->kind < TOKEN_WORD || t->kind > TOKEN_CJK_TAIL)
        fail("unknown token kind");
    size_t ncp = code_points(t->term, t->term_len);
    if (t->kind == TOKEN_CJK_BIGRAM ? ncp != 2 : t->kind != TOKEN_WORD && ncp != 1)
        fail("a CJK bigram not of two characters, or a tail/lone one not of one");
    if (k->n > 0) {
        const struct tok *p = &k->t[k->n - 1];
        if (t->pos <= p->pos)
            fail("token positions not increasing");
        /* Several tokens from one run (normalization split it) share the
         * run's range; a CJK run's tokens overlap (a bigram covers two
         * characters); otherwise ranges follow each other. */
        int same = t->start == p->start && t->end == p->end;
        int cjk = t->kind != TOKEN_WORD && p->kind != TOKEN_WORD;
        if (cjk ? t->start < p->start || t->end < p->end : !same && t->start < p->end)
            fail("token ranges overlap or go backwards");
        if (p->kind == TOKEN_CJK_BIGRAM && t->kind != TOKEN_CJK_BIGRAM &&
            t->kind != TOKEN_CJK_TAIL)
            fail("a CJK run's bigrams not followed by its tail");
    }
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 64;
        struct tok *nt = realloc(k->t, cap * sizeof *nt);
        if (!nt)
            fail("out of memory");
        k->t = nt;
        k->cap = cap;
    }
    struct tok *d = &k->t[k->n++];
    memcpy(d->term, t->term, t->term_len);
    d->term_len = t->term_len;
    d->start = t->start;
    d->end = t->end;
    d->pos = t->pos;
    d->kind = t->kind;
    return 0;
}

/* The stemmed stream rebuilt from the unstemmed one, as analyzer.h states
 * analyzer_run is: each token stemmed, empty stems dropped. */
struct restem {
    struct analyzer *a;
    struct toks *out;
};

static int stem_then_collect(void *ctx, const struct token *t)
{
    struct restem *r = ctx;
    const char *s;
    size_t n;
    if (analyzer_stem(r->a, t->term, t->term_len, &s, &n))
        fail("analyzer_stem failed");
    if (n == 0)
        return 0;
    if (n > ANALYZER_MAX_TERM)
        fail("stem longer than ANALYZER_MAX_TERM");
    /* copy first: s lives in the analyzer, and so does t->term */
    char buf[ANALYZER_MAX_TERM];
    memcpy(buf, s, n);
    struct token u = *t;
    u.term = buf;
    u.term_len = n;
    return collect(r->out, &u);
}

static void same(const struct toks *x, const struct toks *y, const char *what)
{
    if (x->n != y->n) {
        fprintf(stderr, "fuzz_analyzer: %s: %zu tokens vs %zu\n", what, x->n, y->n);
        abort();
    }
    for (size_t i = 0; i < x->n; i++) {
        const struct tok *a = &x->t[i], *b = &y->t[i];
        if (a->term_len != b->term_len || memcmp(a->term, b->term, a->term_len) ||
            a->start != b->start || a->end != b->end || a->pos != b->pos || a->kind != b->kind) {
            fprintf(stderr,
                    "fuzz_analyzer: %s: token %zu differs: \"%.*s\" [%zu,%zu) pos %u vs "
                    "\"%.*s\" [%zu,%zu) pos %u\n",
                    what, i, (int)a->term_len, a->term, a->start, a->end, a->pos,
                    (int)b->term_len, b->term, b->start, b->end, b->pos);
            abort();
        }
    }
}

static struct analyzer *an_none, *an_english, *an_french, *an_legacy;
static struct toks fast, slow, rebuilt;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    loci_error err;
    if (analyzer_new("none", &an_none, &err) || analyzer_new("english", &an_english, &err) ||
        analyzer_new("french", &an_french, &err) || analyzer_new("english", &an_legacy, &err)) {
        fprintf(stderr, "fuzz_analyzer: analyzer_new: %s\n", err.message);
        abort();
    }
    analyzer_legacy(an_legacy);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct analyzer *ans[4] = {an_none, an_english, an_french, an_legacy};
    static const char *const names[4] = {"none", "english", "french", "legacy"};
    char what[64];
    for (int i = 0; i < 4; i++) {
        struct analyzer *a = ans[i];
        fast.n = slow.n = rebuilt.n = 0;
        fast.len = slow.len = rebuilt.len = size;
        if (analyzer_run(a, text, size, collect, &fast))
            fail("analyzer_run failed");
        if (analyzer_run_slow(a, text, size, collect, &slow))
            fail("analyzer_run_slow failed");
        snprintf(what, sizeof what, "%s: fast vs slow path", names[i]);
        same(&fast, &slow, what);
        struct restem r = {a, &rebuilt};
        if (analyzer_run_unstemmed(a, text, size, stem_then_collect, &r))
            fail("analyzer_run_unstemmed failed");
        snprintf(what, sizeof what, "%s: run vs unstemmed+stem", names[i]);
        same(&fast, &rebuilt, what);
        if (i == 3) {
            /* the legacy analysis knows no CJK runs */
            for (size_t j = 0; j < fast.n; j++)
                if (fast.t[j].kind != TOKEN_WORD)
                    fail("legacy: a CJK token");
        }
    }
    return 0;
}
