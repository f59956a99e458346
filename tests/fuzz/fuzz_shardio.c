/*
 * fuzz_shardio.c — libFuzzer target for what shards searched apart read
 * from outside (searcher/shardio.h): the --global-stats lines and the
 * runs --merge reads.
 *
 * The input is statistics lines and run lines separated by the first NUL
 * byte (without one, the whole input is tried as both). Every statistics
 * line that parses is summed into its query; each query's sum, written
 * back as a line (shardio_put_stats) and read again, must give the same
 * sums (its terms sorted and distinct). Every run line that parses must
 * be a hit whose highlights lie within its text. Errors must be one line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gstats.h"
#include "shardio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((noreturn)) static void fail(const char *what)
{
    fprintf(stderr, "fuzz_shardio: %s\n", what);
    abort();
}

static void check_error(int rc, const loci_error *err)
{
    if (rc != LOCI_EFORMAT && rc != LOCI_ENOMEM)
        fail("not LOCI_EFORMAT");
    if (!memchr(err->message, '\0', sizeof err->message) || strchr(err->message, '\n') ||
        err->message[0] == '\0')
        fail("error message not one line");
}

/* Each line of text[0..len) in turn. */
static void lines(const char *text, size_t len, void (*fn)(void *, const char *, size_t), void *ctx)
{
    while (len) {
        const char *nl = memchr(text, '\n', len);
        size_t n = nl ? (size_t)(nl - text) : len;
        fn(ctx, text, n);
        text += n + (nl ? 1 : 0);
        len -= n + (nl ? 1 : 0);
    }
}

static void stats_line(void *ctx, const char *line, size_t len)
{
    loci_error err;
    int rc = stats_table_add(ctx, line, len, "fuzz:1", &err);
    if (rc)
        check_error(rc, &err);
}

static void round_trip(struct stats_entry *e)
{
    struct buf out = {0};
    if (shardio_put_stats(&out, e->qid, e->query ? e->query : "", e->s))
        fail("cannot write statistics");
    struct stats_table again = {0};
    loci_error err;
    if (stats_table_add(&again, (const char *)out.data, out.len - 1, "again", &err))
        fail("statistics written do not read back");
    loci_global_stats *a = e->s, *b = again.e[0].s;
    size_t n = loci_global_stats_count(a);
    if (again.n != 1 || loci_global_stats_count(b) != n ||
        loci_global_stats_passages(a) != loci_global_stats_passages(b) ||
        loci_global_stats_tokens(a) != loci_global_stats_tokens(b))
        fail("statistics changed on the way back");
    for (size_t i = 0; i < n; i++) {
        const char *x, *y;
        size_t xl, yl;
        uint64_t dx, dy;
        if (loci_global_stats_term(a, i, &x, &xl, &dx) || loci_global_stats_term(b, i, &y, &yl, &dy))
            fail("term lost");
        if (dx != dy)
            fail("df changed");
        if (i) {
            const char *p;
            size_t pl;
            uint64_t d;
            loci_global_stats_term(a, i - 1, &p, &pl, &d);
            size_t m = pl < xl ? pl : xl;
            int c = m ? memcmp(p, x, m) : 0;
            if (c > 0 || (c == 0 && pl >= xl))
                fail("terms not sorted and distinct");
        }
        if (gstats_df(a, x, xl) != (int64_t)(dx > INT64_MAX ? INT64_MAX : dx))
            fail("lookup disagrees");
    }
    stats_table_free(&again);
    buf_free(&out);
}

static void run_line(void *ctx, const char *line, size_t len)
{
    struct run_hit *h = ctx;
    loci_error err;
    int rc = run_parse_line(h, line, len, "fuzz:1", &err);
    if (rc) {
        check_error(rc, &err);
        return;
    }
    if (h->skip)
        return;
    if (!h->qid.data || !h->doc.data)
        fail("a hit without qid or doc");
    for (size_t i = 0; i < h->nspans; i++)
        if (h->spans[i].start > h->spans[i].end || h->spans[i].end > h->text.len)
            fail("a highlight outside the text");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const uint8_t *nul = memchr(data, '\0', size);
    size_t slen = nul ? (size_t)(nul - data) : size;
    const char *runs = nul ? text + slen + 1 : text;
    size_t rlen = nul ? size - slen - 1 : size;

    struct stats_table t = {0};
    lines(text, slen, stats_line, &t);
    loci_error err;
    int rc = stats_table_check(&t, "fuzz", &err);
    if (rc)
        check_error(rc, &err);
    for (size_t i = 0; i < t.n; i++)
        round_trip(&t.e[i]);
    stats_table_free(&t);

    struct run_hit h = {0};
    lines(runs, rlen, run_line, &h);
    run_hit_free(&h);
    return 0;
}
