/*
 * test_qrank.c — queries of the query language against a brute-force
 * reference: random corpora (a small vocabulary, so scores tie often) and
 * random queries (words, phrases, "..."~N, prefixes, +/-, AND/OR/NOT,
 * parentheses, doc: filters). The reference re-analyzes every stored
 * passage's text, evaluates the parsed tree directly over its tokens and
 * scores with the documented formula; loci_search, pruned and exhaustive,
 * must return the same passages in the same order with the same scores,
 * bit for bit, and --count the same number of matches.
 */
#include "testutil.h"

#include <fnmatch.h>
#include <math.h>

#include "analyzer.h"
#include "bm25.h"
#include "qrank.h"
#include "query.h"

#define MAXP 600
#define MAXT 260
#define TL 40 /* longest term kept, NUL included (the corpus has none longer) */

static const char *random_vocab[] = {"alpha", "beta", "gamma", "delta", "alps", "betamax",
                                     "gam", "omega", "x", "y"};
/* the words queries are made of */
static const char *const *vocab;
static size_t NV;

struct ptoks {
    char t[MAXT][TL];
    size_t n;
};

static struct ptoks P[MAXP];
static char docname[MAXP][32];
static size_t npass;

static int grab(void *ctx, const struct token *t)
{
    struct ptoks *p = ctx;
    if (p->n < MAXT) {
        assert_true(t->term_len < TL);
        memcpy(p->t[p->n], t->term, t->term_len);
        p->t[p->n][t->term_len] = 0;
        p->n++;
    }
    return 0;
}

/* reference leaves, built in the same order as the engine documents */
struct rleaf {
    char terms[8][TL];
    size_t n;
    unsigned near;
    int scoring, qtf, phrase;
    double weight;
};
static struct rleaf L[2048];
static size_t nl;

struct rnode { /* per tree node: its leaves */
    const struct qnode *q;
    size_t leaf[130];
    size_t nleaf;
    int absent;
};
static struct rnode R[256];
static size_t nr;
static int plain; /* the query is plain words: a split word is its words */

static struct rnode *rnode_of(const struct qnode *q)
{
    for (size_t i = 0; i < nr; i++)
        if (R[i].q == q)
            return &R[i];
    return NULL;
}

static size_t df_of_term(const char *t)
{
    size_t df = 0;
    for (size_t p = 0; p < npass; p++)
        for (size_t i = 0; i < P[p].n; i++)
            if (!strcmp(P[p].t[i], t)) {
                df++;
                break;
            }
    return df;
}

static int in_index(const char *t) { return df_of_term(t) > 0; }

static size_t add_rleaf(char terms[][TL], size_t n, unsigned near, int scoring)
{
    if (n == 1 && scoring)
        for (size_t l = 0; l < nl; l++)
            if (!L[l].phrase && L[l].scoring && !strcmp(L[l].terms[0], terms[0])) {
                L[l].qtf++;
                return l;
            }
    struct rleaf *r = &L[nl];
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < n; i++)
        strcpy(r->terms[i], terms[i]);
    r->n = n;
    r->near = n > 1 ? near : 0;
    r->phrase = n > 1;
    r->scoring = scoring;
    r->qtf = 1;
    return nl++;
}

static int tcmp(const void *a, const void *b) { return strcmp(a, b); }

static size_t df_of_term(const char *t);

static int by_df_desc(const void *a, const void *b)
{
    size_t x = df_of_term(a), y = df_of_term(b);
    return x != y ? (x < y ? 1 : -1) : strcmp(a, b);
}

static void rcompile(struct analyzer *an, const char *q, const struct qnode *n, int scoring)
{
    struct rnode *r = &R[nr++];
    memset(r, 0, sizeof *r);
    r->q = n;
    struct ptoks w = {0};
    switch (n->kind) {
    case QN_WORD:
    case QN_PHRASE:
        analyzer_run(an, q + n->start, n->len, grab, &w);
        if (!w.n)
            r->absent = 1;
        else if (plain)
            for (size_t i = 0; i < w.n; i++)
                r->leaf[r->nleaf++] = add_rleaf(&w.t[i], 1, 0, scoring);
        else
            r->leaf[r->nleaf++] = add_rleaf(w.t, w.n, n->near, scoring);
        return;
    case QN_PREFIX: {
        analyzer_run_unstemmed(an, q + n->start, n->len, grab, &w);
        if (!w.n) {
            r->absent = 1;
            return;
        }
        /* every distinct indexed term with the prefix, in sorted order */
        static char found[512][TL];
        size_t nf = 0;
        for (size_t p = 0; p < npass; p++)
            for (size_t i = 0; i < P[p].n; i++)
                if (!strncmp(P[p].t[i], w.t[0], strlen(w.t[0]))) {
                    size_t j = 0;
                    while (j < nf && strcmp(found[j], P[p].t[i]))
                        j++;
                    if (j == nf)
                        strcpy(found[nf++], P[p].t[i]);
                }
        if (nf > 128) { /* the engine's cap: the 128 most frequent */
            qsort(found, nf, sizeof *found, by_df_desc);
            nf = 128;
        }
        qsort(found, nf, sizeof *found, tcmp);
        for (size_t j = 0; j < nf; j++) {
            assert_true(r->nleaf < 130 && nl < 2048);
            r->leaf[r->nleaf++] = add_rleaf(&found[j], 1, 0, scoring);
        }
        return;
    }
    case QN_DOC:
        return;
    default: {
        int present = 0;
        for (size_t i = 0; i < n->nkid; i++) {
            const struct qnode *k = n->kid[i];
            rcompile(an, q, k, scoring && k->mod != QM_EXCLUDED);
            int a = rnode_of(k)->absent;
            if (n->kind == QN_OR)
                present |= !a;
            else
                present |= !a && k->kind != QN_DOC && k->mod != QM_EXCLUDED;
        }
        r->absent = !present;
    }
    }
}

/* tf of leaf l in passage p, straight from its tokens */
static uint32_t rtf(const struct rleaf *l, size_t p)
{
    const struct ptoks *t = &P[p];
    uint32_t f = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->t[i], l->terms[0]))
            continue;
        int ok = 1;
        for (size_t k = 1; k < l->n && ok; k++) {
            ok = 0;
            if (!l->near) {
                ok = i + k < t->n && !strcmp(t->t[i + k], l->terms[k]);
            } else {
                for (size_t j = 0; j < t->n && !ok; j++)
                    ok = j != i && (j > i ? j - i : i - j) <= l->near && !strcmp(t->t[j], l->terms[k]);
            }
        }
        f += ok;
    }
    return f;
}

static uint32_t TF[2048];

static int rmatch(const struct qnode *n)
{
    const struct rnode *r = rnode_of(n);
    if (r->absent || n->kind == QN_DOC)
        return -1;
    if (n->kind == QN_WORD || n->kind == QN_PHRASE || n->kind == QN_PREFIX) {
        for (size_t i = 0; i < r->nleaf; i++)
            if (TF[r->leaf[i]])
                return 1;
        return 0;
    }
    int req = 0, opt = 0, any = 0, res = -1;
    for (size_t i = 0; i < n->nkid; i++) {
        int m = rmatch(n->kid[i]);
        if (m < 0)
            continue;
        enum qmod mod = n->kid[i]->mod;
        if (n->kind == QN_OR) {
            if (m)
                return 1;
            res = 0;
        } else if (n->kind == QN_AND) {
            if (mod == QM_EXCLUDED ? m : !m)
                return 0;
            if (mod != QM_EXCLUDED)
                res = 1;
        } else if (mod == QM_EXCLUDED) {
            if (m)
                return 0;
        } else if (mod == QM_REQUIRED) {
            if (!m)
                return 0;
            req = 1;
        } else {
            opt = 1;
            any |= m;
        }
    }
    if (n->kind == QN_SEQ)
        return req ? 1 : opt ? any : -1;
    return res;
}

static int doc_ok(const struct qnode *tree, const char *q, size_t p)
{
    int in = 0, nin = 0;
    for (size_t i = 0; i < tree->nkid; i++) {
        const struct qnode *k = tree->kid[i];
        if (k->kind != QN_DOC)
            continue;
        char pat[64];
        snprintf(pat, sizeof pat, "%.*s", (int)k->len, q + k->start);
        int m = fnmatch(pat, docname[p], 0) == 0;
        if (k->mod == QM_EXCLUDED) {
            if (m)
                return 0;
        } else {
            nin++;
            in |= m;
        }
    }
    return !nin || in;
}

struct rhit {
    uint32_t p;
    double s;
};

static int rhit_cmp(const void *a, const void *b)
{
    const struct rhit *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? 1 : -1;
    return (x->p > y->p) - (x->p < y->p);
}

static const char *pick(uint64_t *seed) { return vocab[tu_rand(seed) % NV]; }

static void gen_clause(char *out, size_t cap, uint64_t *seed, int depth);

static void gen_unit(char *out, size_t cap, uint64_t *seed, int depth)
{
    switch (tu_rand(seed) % 9) {
    case 0:
    case 1:
    case 2:
        snprintf(out, cap, "%s", pick(seed));
        break;
    case 3:
        snprintf(out, cap, "\"%s %s\"", pick(seed), pick(seed));
        break;
    case 4:
        snprintf(out, cap, "\"%s %s %s\"", pick(seed), pick(seed), pick(seed));
        break;
    case 5:
        snprintf(out, cap, "\"%s %s\"~%d", pick(seed), pick(seed), 1 + (int)(tu_rand(seed) % 4));
        break;
    case 6: {
        const char *w = pick(seed);
        snprintf(out, cap, "%.*s*", 1 + (int)(tu_rand(seed) % 3), w);
        break;
    }
    case 7:
        snprintf(out, cap, "%s-%s", pick(seed), pick(seed)); /* a phrase of two */
        break;
    default:
        if (depth < 3) {
            out[0] = '(';
            gen_clause(out + 1, cap - 2, seed, depth + 1);
            strcat(out, ")");
        } else {
            snprintf(out, cap, "zzz");
        }
    }
}

static void gen_clause(char *out, size_t cap, uint64_t *seed, int depth)
{
    size_t n = 1 + tu_rand(seed) % 3, len = 0;
    out[0] = 0;
    for (size_t i = 0; i < n && len + 60 < cap; i++) {
        char u[200], v[210];
        gen_unit(u, sizeof u, seed, depth);
        unsigned r = (unsigned)(tu_rand(seed) % 10);
        if (r == 0 && i > 0)
            snprintf(v, sizeof v, "-%s", u);
        else if (r == 1)
            snprintf(v, sizeof v, "+%s", u);
        else
            snprintf(v, sizeof v, "%s", u);
        const char *op = "";
        if (i > 0) {
            unsigned o = (unsigned)(tu_rand(seed) % 6);
            op = o == 0 ? " AND " : o == 1 ? " OR " : o == 2 ? " NOT " : " ";
            if (*op != ' ' || op[1])
                if (v[0] == '-' || v[0] == '+') /* keep it valid most of the time */
                    memmove(v, v + 1, strlen(v));
        }
        len += (size_t)snprintf(out + len, cap - len, "%s%s", op, v);
    }
}

/* Random queries over idx, against the reference: pruned and exhaustive,
 * top 1 and top 15, with counts and explanations. */
static void check_queries(loci_index *idx, const char *stem, uint64_t seed, int rounds)
{
    loci_error err;
    loci_index_stats st;
    loci_index_stats_get(idx, &st);
    npass = st.passages;
    assert_true(npass <= MAXP);
    struct analyzer *an;
    assert_int_equal(analyzer_new(stem, &an, &err), LOCI_OK);
    for (size_t p = 0; p < npass; p++) {
        loci_passage lp;
        assert_int_equal(loci_passage_get(idx, (uint32_t)p, &lp, &err), LOCI_OK);
        snprintf(docname[p], sizeof docname[p], "%.*s", (int)lp.doc_name_len, lp.doc_name);
        P[p].n = 0;
        analyzer_run(an, lp.text, lp.text_len, grab, &P[p]);
    }
    int valid = 0;
    for (int round = 0; round < rounds; round++) {
        char q[600];
        gen_clause(q, sizeof q - 40, &seed, 0);
        static const char *filters[] = {" doc:*a*", " -doc:*1*", " -doc:*.md", " doc:b/* doc:*7*"};
        if (tu_rand(&seed) % 5 == 0)
            strcat(q, filters[tu_rand(&seed) % 4]); /* room: 40 */
        struct qnode *tree;
        if (query_parse(q, strlen(q), &tree, &err))
            continue;
        nl = nr = 0;
        plain = query_is_plain(q, strlen(q));
        rcompile(an, q, tree, 1);
        for (size_t l = 0; l < nl; l++) {
            double w = 0;
            int found = 1;
            for (size_t k = 0; k < L[l].n; k++) {
                found &= in_index(L[l].terms[k]);
                w += bm25_idf(npass, df_of_term(L[l].terms[k]));
            }
            L[l].weight = !found ? 0 : L[l].phrase ? w : L[l].qtf * bm25_idf(npass, df_of_term(L[l].terms[0]));
        }
        static struct rhit ref[MAXP];
        size_t nref = 0;
        for (size_t p = 0; p < npass; p++) {
            for (size_t l = 0; l < nl; l++)
                TF[l] = rtf(&L[l], p);
            if (rmatch(tree) <= 0 || !doc_ok(tree, q, p))
                continue;
            double s = 0;
            for (size_t l = 0; l < nl; l++)
                if (L[l].scoring && TF[l])
                    s += L[l].weight * bm25_tfpart(TF[l], (double)P[p].n, LOCI_DEFAULT_K1,
                                                   LOCI_DEFAULT_B, st.avg_passage_tokens);
            ref[nref++] = (struct rhit){(uint32_t)p, s};
        }
        qsort(ref, nref, sizeof *ref, rhit_cmp);
        for (int exh = 0; exh < 2; exh++) {
            for (unsigned k = 1; k <= 30; k += 14) {
                loci_search_options so;
                loci_search_options_init(&so);
                /* the reference knows no stopwords (test_search checks
                 * that leaving them out is searching without them) */
                so.stopwords = "none";
                so.k = k;
                so.exhaustive = exh;
                so.count = 1;
                loci_results *r;
                int rc = loci_search(idx, q, &so, &r, &err);
                if (rc) { /* queries that analyze to nothing, or only exclude */
                    assert_true(rc == LOCI_EEMPTY || rc == LOCI_EINVAL);
                    assert_true(rmatch(tree) < 0);
                    continue;
                }
                valid += k == 1 && !exh;
                size_t want = nref < k ? nref : k;
                if (loci_results_count(r) != want)
                    fail_msg("query %s: %zu hits, want %zu", q, loci_results_count(r), want);
                if (loci_results_total(r) != (int64_t)nref)
                    fail_msg("query %s: counted %lld, want %zu", q, (long long)loci_results_total(r), nref);
                for (size_t i = 0; i < want; i++) {
                    const loci_hit *h = loci_results_hit(r, i);
                    if (h->passage != ref[i].p || memcmp(&h->score, &ref[i].s, sizeof(double)))
                        fail_msg("query %s (k %u, exhaustive %d): hit %zu is %u %.17g, want %u %.17g",
                                 q, k, exh, i, h->passage, h->score, ref[i].p, ref[i].s);
                    /* --explain: the contributions add up to the score, bit for bit */
                    loci_explain_clause *ex;
                    size_t nex;
                    assert_int_equal(loci_results_explain(idx, r, i, &ex, &nex, &err), LOCI_OK);
                    double sum = 0;
                    for (size_t c = 0; c < nex; c++)
                        sum += ex[c].contribution;
                    if (memcmp(&sum, &h->score, sizeof sum))
                        fail_msg("query %s: explained %.17g, scored %.17g", q, sum, h->score);
                    free(ex);
                }
                loci_results_free(r);
            }
        }
        query_free(tree);
    }
    assert_true(valid > rounds / 3);
    analyzer_free(an);
}

static void check_corpus(loci_passage_mode mode, uint64_t seed0)
{
    uint64_t seed = seed0;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_build_options o;
    loci_build_options_init(&o);
    o.stem_language = "none";
    o.passage_mode = mode;
    o.passage_tokens = 12;
    o.passage_stride = 8;
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, &o, &b, &err), LOCI_OK);
    size_t ndocs = 60;
    vocab = random_vocab;
    NV = sizeof random_vocab / sizeof *random_vocab;
    for (size_t d = 0; d < ndocs; d++) {
        char text[2000] = "", name[32];
        size_t len = 0, nw = 3 + tu_rand(&seed) % 30;
        for (size_t w = 0; w < nw; w++) {
            /* skewed: the first words far more often */
            size_t v = tu_rand(&seed) % NV;
            if (tu_rand(&seed) % 2)
                v %= 4;
            len += (size_t)snprintf(text + len, sizeof text - len, "%s%s",
                                    w && tu_rand(&seed) % 9 == 0 ? "\n\n" : " ", vocab[v]);
        }
        snprintf(name, sizeof name, "%s/d%zu.txt", d % 3 ? "a" : "b", d);
        assert_int_equal(loci_builder_add_document(b, name, NULL, text, len, 1, &err), LOCI_OK);
    }
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
    loci_index *idx;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    check_queries(idx, "none", seed, 300);
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

/* The bundled analysis (corpus/, English stemming, paragraphs windowed),
 * with queries of its own words: capitalized, hyphenated, stemmed. */
static void test_bundled_corpus(void **state)
{
    (void)state;
    static const char *words[] = {"NATO", "Korea", "Korean", "cyber", "Defence", "defense",
                                  "Japan", "Australia", "partners", "sanctions", "Indo",
                                  "Pacific", "security", "the", "of", "and", "China",
                                  "cooperation", "ROK", "EU", "Seoul", "arms", "AP4",
                                  "summit", "strategic", "Indo-Pacific", "sanction", "part"};
    vocab = words;
    NV = sizeof words / sizeof *words;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    loci_builder *b;
    loci_error err;
    assert_int_equal(loci_builder_new(dir, NULL, &b, &err), LOCI_OK);
    assert_int_equal(loci_builder_add_path(b, "corpus", &err), LOCI_OK);
    assert_int_equal(loci_builder_finish(b, NULL, &err), LOCI_OK);
    loci_builder_free(b);
    loci_index *idx;
    assert_int_equal(loci_index_open(dir, &idx, &err), LOCI_OK);
    check_queries(idx, "english", 99, 400);
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

static void test_random_paragraphs(void **state)
{
    (void)state;
    check_corpus(LOCI_PASSAGE_PARAGRAPH, 42);
}

static void test_random_windows(void **state)
{
    (void)state;
    check_corpus(LOCI_PASSAGE_WINDOW, 7);
}

static void test_random_documents(void **state)
{
    (void)state;
    check_corpus(LOCI_PASSAGE_DOCUMENT, 1234);
}

/* doc: globs: '*' and '?' as fnmatch has them (without flags), and a
 * pattern of many stars against a long name in linear time. */
static void test_glob(void **state)
{
    (void)state;
    static const char *cases[][2] = {
        {"corpus/*.txt", "corpus/a.txt"}, {"corpus/*.txt", "corpus/sub/a.txt"},
        {"*.md", "README.md"},            {"*.md", "README.mdx"},
        {"a?c", "abc"},                   {"a?c", "ac"},
        {"*", ""},                        {"", ""},
        {"", "a"},                        {"**a**", "bab"},
        {"*ab*ab", "xabyabab"},           {"a*b*c", "abbbc"},
        {"a*b*c", "acb"},                 {"*?", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (qrank_glob(cases[i][0], cases[i][1]) != (fnmatch(cases[i][0], cases[i][1], 0) == 0))
            fail_msg("glob %s on %s", cases[i][0], cases[i][1]);
    char pat[200] = "", name[4001];
    for (int i = 0; i < 40; i++)
        strcat(pat, "*a");
    strcat(pat, "*b");
    memset(name, 'a', 4000);
    name[4000] = 0;
    assert_false(qrank_glob(pat, name));
}

/* A query that expands to more than QRANK_MAX_LEAVES terms is refused. */
static void test_too_many_leaves(void **state)
{
    (void)state;
    char *root = tu_mkdtemp(), dir[600];
    snprintf(dir, sizeof dir, "%s/idx", root);
    const char *docs[] = {"a b"};
    loci_index *idx = tu_build(dir, docs, 1, LOCI_PASSAGE_DOCUMENT);
    size_t cap = 6 * (QRANK_MAX_LEAVES + 2);
    char *q = malloc(cap);
    assert_non_null(q);
    strcpy(q, "+a");
    for (int i = 0; i <= QRANK_MAX_LEAVES; i++)
        snprintf(q + strlen(q), cap - strlen(q), " w%d", i);
    loci_results *r;
    loci_error err;
    assert_int_equal(loci_search(idx, q, NULL, &r, &err), LOCI_EINVAL);
    assert_non_null(strstr(err.message, "more than 4096 terms"));
    free(q);
    loci_index_close(idx);
    tu_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_paragraphs),
        cmocka_unit_test(test_random_windows),
        cmocka_unit_test(test_random_documents),
        cmocka_unit_test(test_bundled_corpus),
        cmocka_unit_test(test_glob),
        cmocka_unit_test(test_too_many_leaves),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
