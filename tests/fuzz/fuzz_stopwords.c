/*
 * fuzz_stopwords.c — libFuzzer target for stopword list files
 * (common/stopwords.h), outside input that loci-search --stopwords FILE
 * and loci_search_options.stopwords read.
 *
 * The input is a list's text. When it parses, every word of its first line
 * (up to a comment) must be found in the set, which checks the sorting
 * stopset_has's bisection needs. A parse error must be one line, with no
 * set. Crashes, leaks and hangs are failures.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stopwords.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_stopwords: %s\n", what);
    abort();
}

static struct analyzer *an;

/* Each token of the first line must be in the set. */
struct probe {
    const struct stopset *s;
};

static int probe_token(void *ctx, const struct token *t)
{
    struct probe *p = ctx;
    if (!stopset_has(p->s, t->term, t->term_len))
        fail("a word of the list is not in its set");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    loci_error err;
    if (!an && analyzer_new("english", &an, &err))
        fail("no analyzer");
    if (size > 65536)
        return 0;
    struct stopset *s;
    int rc = stopset_parse(an, (const char *)data, size, "fuzz", &s, &err);
    if (rc) {
        if (s || !memchr(err.message, '\0', sizeof err.message) || strchr(err.message, '\n'))
            fail("an error without a one-line message, or with a set");
        return 0;
    }
    /* the words before the first '#' of the first line are in the set */
    size_t end = 0;
    while (end < size && data[end] != '#' && data[end] != '\n')
        end++;
    struct probe p = {s};
    if (analyzer_run_unstemmed(an, (const char *)data, end, probe_token, &p))
        fail("analysis failed");
    stopset_free(s);
    return 0;
}
