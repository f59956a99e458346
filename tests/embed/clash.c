/*
 * clash.c — an application that defines buf_append, err_set and
 * cursor_next, names libloci uses inside, and uses libloci too
 * (tests/symbols.sh links it against libloci.a and libloci.so).
 *
 * With the library's internal symbols global, the static link fails with
 * "multiple definition of buf_append", and with the shared library the
 * application's functions would stand in for the library's. The program
 * prints what both its own functions and the library's answer, so a test
 * sees either mistake.
 */
#include <loci.h>
#include <stdio.h>
#include <string.h>

int buf_append(const char *s);
int err_set(int code);
int cursor_next(int x);

int buf_append(const char *s) { return (int)strlen(s); }
int err_set(int code) { return code * 10; }
int cursor_next(int x) { return x + 1; }

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: clash INDEX_DIR\n");
        return 2;
    }
    static const char text[] = "alpha beta gamma\n\ndelta beta epsilon\n";
    loci_error err;
    loci_build_options o;
    loci_build_options_init(&o);
    o.threads = 1;
    loci_builder *b;
    if (loci_builder_new(argv[1], &o, &b, &err) ||
        loci_builder_add_document(b, "doc1", NULL, text, sizeof text - 1, 1, &err) ||
        loci_builder_finish(b, NULL, &err)) {
        fprintf(stderr, "clash: build: %s\n", err.message);
        loci_builder_free(b);
        return 1;
    }
    loci_builder_free(b);
    loci_index *idx;
    if (loci_index_open(argv[1], &idx, &err)) {
        fprintf(stderr, "clash: open: %s\n", err.message);
        return 1;
    }
    loci_results *r;
    if (loci_search(idx, "beta", NULL, &r, &err)) {
        fprintf(stderr, "clash: search: %s\n", err.message);
        loci_index_close(idx);
        return 1;
    }
    printf("hits %zu\n", loci_results_count(r));
    loci_results_free(r);
    /* the library's err_set fills this message */
    if (loci_search(idx, "", NULL, &r, &err) != LOCI_EEMPTY || !err.message[0])
        printf("library error path broken\n");
    /* options of another layout are refused, not misread */
    loci_search_options so;
    loci_search_options_init(&so);
    so.size -= sizeof(int);
    if (loci_search(idx, "beta", &so, &r, &err) != LOCI_EINVAL || !strstr(err.message, "size"))
        printf("search options of another size accepted\n");
    o.size += 8;
    if (loci_builder_new(argv[1], &o, &b, &err) != LOCI_EINVAL || b)
        printf("build options of another size accepted\n");
    loci_index_close(idx);
    printf("app %d %d %d\n", buf_append("abc"), err_set(2), cursor_next(41));
    return 0;
}
