/*
 * fuzz_queryparse.c — libFuzzer target for the query parser: any bytes
 * (up to LOCI_QUERY_MAX) are parsed; the parser must return a tree or one
 * error line, never crash, leak or hang, and what query_is_plain calls
 * plain must parse to optional words only (the plain path relies on it),
 * the very words query_words splits it into (search.c compiles a plain
 * query holding CJK words from query_words' tree).
 * Built by `make build/fuzz/fuzz_queryparse` (clang -fsanitize=fuzzer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > LOCI_QUERY_MAX)
        return 0;
    const char *q = (const char *)data;
    struct qnode *n = NULL;
    loci_error err;
    int rc = query_parse(q, size, &n, &err);
    if (rc) {
        if (n || !memchr(err.message, '\0', sizeof err.message) || strchr(err.message, '\n'))
            abort();
        return 0;
    }
    if (query_is_plain(q, size)) {
        struct qnode *w = NULL;
        if (query_words(q, size, &w, &err) ? n->nkid != 0 : w->nkid != n->nkid)
            abort();
        for (size_t i = 0; i < n->nkid; i++)
            if (n->kid[i]->kind != QN_WORD || n->kid[i]->mod != QM_NONE ||
                w->kid[i]->kind != QN_WORD || w->kid[i]->start != n->kid[i]->start ||
                w->kid[i]->len != n->kid[i]->len)
                abort();
        query_free(w);
    }
    query_free(n);
    return 0;
}
