/*
 * test_input.c — the indexer's input layer: directory walks in sorted
 * order, gzip, binary files, standard text and JSON Lines records with
 * line numbers, and its errors.
 */
#include "testutil.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <zlib.h>

#include "buf.h"
#include "error.h"
#include "input.h"

#define MAXDOCS 16

struct got {
    size_t n;
    char name[MAXDOCS][256], title[MAXDOCS][64], text[MAXDOCS][256];
    unsigned line[MAXDOCS];
    int has_title[MAXDOCS], rec[MAXDOCS];
    int fail_at;   /* return an error at this document (1-based), 0: never */
    int fail_io;   /* that error is LOCI_EIO (the build's: a run not written) */
    int lenient;   /* skip unreadable files instead of failing */
    int follow;    /* follow symbolic links inside directories */
    loci_doc_format format; /* text files' format (0: auto) */
    int warnings;
    char last_warning[600];
};

static int on_doc(void *ctx, const struct input_doc *d, loci_error *err)
{
    struct got *g = ctx;
    if (g->fail_at && (int)g->n + 1 == g->fail_at)
        return err_set(err, g->fail_io ? LOCI_EIO : LOCI_EINVAL, "stop");
    assert_true(g->n < MAXDOCS);
    snprintf(g->name[g->n], 256, "%.*s", (int)d->name_len, d->name);
    snprintf(g->text[g->n], 256, "%.*s", (int)d->text_len, d->text);
    g->has_title[g->n] = d->title != NULL;
    if (d->title)
        snprintf(g->title[g->n], 64, "%.*s", (int)d->title_len, d->title);
    g->line[g->n] = d->line;
    g->rec[g->n] = d->line_is_record;
    g->n++;
    return 0;
}

static void on_warn(void *ctx, const char *msg)
{
    struct got *g = ctx;
    assert_non_null(strstr(msg, "skipped"));
    snprintf(g->last_warning, sizeof g->last_warning, "%s", msg);
    g->warnings++;
}

static int add(const char *path, loci_input_format fmt, struct got *g, struct input_stats *st,
               loci_error *err)
{
    struct input_options o = {.format = fmt, .strict = !g->lenient, .warn = on_warn, .warn_ctx = g,
                              .follow = g->follow, .doc_format = g->format};
    return input_add_path(&o, path, on_doc, g, st, err);
}

static void gz_write(const char *dir, const char *name, const char *data)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    gzFile gz = gzopen(path, "wb");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, data, (unsigned)strlen(data)), (int)strlen(data));
    assert_int_equal(gzclose(gz), Z_OK);
}

static void test_directory_walk(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp(), sub[600];
    snprintf(sub, sizeof sub, "%s/b-sub", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    free(tu_write_file(dir, "c.txt", "third", 5));
    free(tu_write_file(dir, "a.txt", "first", 5));
    free(tu_write_file(sub, "x.txt", "second", 6));
    free(tu_write_file(dir, ".hidden", "no", 2));
    free(tu_write_file(dir, "bin.dat", "ab\0cd", 5));
    gz_write(dir, "d.txt.gz", "zipped text");
    free(tu_write_file(dir, "e.txt", "", 0));
    struct got g = {0};
    struct input_stats st = {0};
    loci_error err;
    char withslash[600];
    snprintf(withslash, sizeof withslash, "%s/", dir);
    assert_int_equal(add(withslash, LOCI_INPUT_TEXT, &g, &st, &err), LOCI_OK);
    assert_int_equal(g.n, 5);
    char want[600];
    snprintf(want, sizeof want, "%s/a.txt", dir);
    assert_string_equal(g.name[0], want);
    assert_string_equal(g.text[0], "first");
    assert_string_equal(g.text[1], "second"); /* b-sub/x.txt sorts before c.txt */
    assert_string_equal(g.text[2], "third");
    assert_string_equal(g.text[3], "zipped text");
    assert_string_equal(g.text[4], "");
    assert_int_equal(g.line[0], 1);
    assert_int_equal(g.rec[0], 0);
    assert_int_equal(g.warnings, 1);
    assert_int_equal(st.skipped, 1);
    assert_int_equal(st.documents, 5);
    assert_int_equal(st.files, 6);
    assert_int_equal(st.bytes, 5 + 6 + 5 + 11 + 5);
    tu_rmtree(dir);
    free(dir);
}

static void test_jsonl(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    const char *jl = "{\"id\": \"d1\", \"title\": \"T\", \"text\": \"one\\ntwo\"}\n"
                     "\n"
                     "   \n"
                     "{\"text\": \"no id\", \"extra\": [1, {\"x\": 2}]}\n"
                     "{\"id\": 7, \"text\": \"last\"}";
    char *path = tu_write_file(dir, "c.jsonl", jl, strlen(jl));
    gz_write(dir, "c2.jsonl.gz", jl);
    struct got g = {0};
    struct input_stats st = {0};
    loci_error err;
    assert_int_equal(add(path, LOCI_INPUT_JSONL, &g, &st, &err), LOCI_OK);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.name[0], "d1");
    assert_string_equal(g.title[0], "T");
    assert_string_equal(g.text[0], "one\ntwo");
    assert_int_equal(g.line[0], 1);
    assert_int_equal(g.rec[0], 1);
    char want[700];
    snprintf(want, sizeof want, "%s:4", path);
    assert_string_equal(g.name[1], want);
    assert_int_equal(g.has_title[1], 0);
    assert_int_equal(g.line[1], 4);
    assert_string_equal(g.name[2], "7");
    assert_int_equal(g.line[2], 5);
    char gzpath[700];
    snprintf(gzpath, sizeof gzpath, "%s/c2.jsonl.gz", dir);
    struct got g2 = {0};
    assert_int_equal(add(gzpath, LOCI_INPUT_JSONL, &g2, &st, &err), LOCI_OK);
    assert_int_equal(g2.n, 3);
    assert_string_equal(g2.text[2], "last");
    free(path);
    tu_rmtree(dir);
    free(dir);
}

static void test_errors(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    const char *bad = "{\"text\": \"ok\"}\n{\"text\": \"x\" \"y\"}\n";
    char *path = tu_write_file(dir, "bad.jsonl", bad, strlen(bad));
    struct got g = {0};
    struct input_stats st = {0};
    loci_error err;
    assert_int_equal(add(path, LOCI_INPUT_JSONL, &g, &st, &err), LOCI_EFORMAT);
    assert_non_null(strstr(err.message, "bad.jsonl:2: invalid JSON"));
    free(path);
    path = tu_write_file(dir, "notext.jsonl", "{\"id\": 1}\n", 10);
    assert_int_equal(add(path, LOCI_INPUT_JSONL, &g, &st, &err), LOCI_EFORMAT);
    assert_non_null(strstr(err.message, "notext.jsonl:1: no \"text\" field"));
    free(path);
    char missing[600];
    snprintf(missing, sizeof missing, "%s/missing", dir);
    assert_int_equal(add(missing, LOCI_INPUT_TEXT, &g, &st, &err), LOCI_ENOTFOUND);
    assert_non_null(strstr(err.message, "no such file"));
    /* the callback's error stops the walk and comes back */
    free(tu_write_file(dir, "a.txt", "a", 1));
    free(tu_write_file(dir, "b.txt", "b", 1));
    struct got g2 = {0};
    g2.fail_at = 2;
    char sub[600];
    snprintf(sub, sizeof sub, "%s", dir);
    assert_int_equal(add(sub, LOCI_INPUT_TEXT, &g2, &st, &err), LOCI_EINVAL);
    assert_string_equal(err.message, "stop");
    /* corrupt gzip: an I/O error naming the file */
    char gzbad[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage-garbage";
    path = tu_write_file(dir, "bad.gz", gzbad, sizeof gzbad - 1);
    struct got g3 = {0};
    assert_int_equal(add(path, LOCI_INPUT_TEXT, &g3, &st, &err), LOCI_EIO);
    assert_non_null(strstr(err.message, "bad.gz"));
    /* not strict: reported, skipped, counted, and the walk goes on */
    struct got g4 = {0};
    g4.lenient = 1;
    struct input_stats st4 = {0};
    assert_int_equal(add(path, LOCI_INPUT_TEXT, &g4, &st4, &err), LOCI_OK);
    assert_int_equal(g4.warnings, 1);
    assert_int_equal(st4.skipped, 1);
    assert_int_equal(g4.n, 0);
    /* an I/O error of the receiver (the build's disk full) is not the
     * file's: never reported as an unreadable file and skipped */
    struct got g5 = {0};
    g5.lenient = 1;
    g5.fail_at = 1;
    g5.fail_io = 1;
    struct input_stats st5 = {0};
    assert_int_equal(add(sub, LOCI_INPUT_TEXT, &g5, &st5, &err), LOCI_EIO);
    assert_string_equal(err.message, "stop");
    assert_int_equal(g5.warnings, 0);
    assert_int_equal(st5.skipped, 0);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

/* Followed (-L), a dangling symbolic link and a symlink loop inside a
 * walk are skipped with a warning like unreadable files; --strict makes
 * them errors. Not followed (the default), links are only counted. */
static void test_bad_symlinks(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp(), link[600];
    free(tu_write_file(dir, "a.txt", "first", 5));
    free(tu_write_file(dir, "d.txt", "last", 4));
    snprintf(link, sizeof link, "%s/b-dangling", dir);
    assert_int_equal(symlink("no-such-target", link), 0);
    struct got g0 = {0};
    struct input_stats st0 = {0};
    loci_error err0;
    assert_int_equal(add(dir, LOCI_INPUT_TEXT, &g0, &st0, &err0), LOCI_OK);
    assert_int_equal(g0.n, 2);
    assert_int_equal(g0.warnings, 0);
    assert_int_equal(st0.skipped, 0);
    assert_int_equal(st0.symlinks, 1);
    struct got g = {0};
    g.lenient = 1;
    g.follow = 1;
    struct input_stats st = {0};
    loci_error err;
    assert_int_equal(add(dir, LOCI_INPUT_TEXT, &g, &st, &err), LOCI_OK);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.text[1], "last");
    assert_int_equal(g.warnings, 1);
    char want[700];
    snprintf(want, sizeof want, "%s: dangling symbolic link; skipped", link);
    assert_string_equal(g.last_warning, want);
    assert_int_equal(st.skipped, 1);
    struct got gs = {0};
    gs.follow = 1;
    assert_int_equal(add(dir, LOCI_INPUT_TEXT, &gs, &st, &err), LOCI_EIO);
    snprintf(want, sizeof want, "%s: dangling symbolic link", link);
    assert_string_equal(err.message, want);

    assert_int_equal(unlink(link), 0);
    snprintf(link, sizeof link, "%s/c-loop", dir);
    assert_int_equal(symlink("c-loop", link), 0);
    struct got g2 = {0};
    g2.lenient = 1;
    g2.follow = 1;
    struct input_stats st2 = {0};
    assert_int_equal(add(dir, LOCI_INPUT_TEXT, &g2, &st2, &err), LOCI_OK);
    assert_int_equal(g2.n, 2);
    assert_int_equal(g2.warnings, 1);
    snprintf(want, sizeof want, "%s: too many levels of symbolic links; skipped", link);
    assert_string_equal(g2.last_warning, want);
    assert_int_equal(st2.skipped, 1);
    struct got gs2 = {0};
    gs2.follow = 1;
    assert_int_equal(add(dir, LOCI_INPUT_TEXT, &gs2, &st2, &err), LOCI_EIO);
    assert_non_null(strstr(err.message, "c-loop: too many levels of symbolic links"));
    /* a top-level path that does not exist stays an error, strict or not */
    snprintf(link, sizeof link, "%s/b-dangling", dir);
    assert_int_equal(symlink("no-such-target", link), 0);
    struct got g3 = {0};
    g3.lenient = 1;
    assert_int_equal(add(link, LOCI_INPUT_TEXT, &g3, &st2, &err), LOCI_ENOTFOUND);
    tu_rmtree(dir);
    free(dir);
}

/* A file symlinked inside a walk is not followed by default (like
 * ripgrep), only counted; with follow it is read, and so are symlinked
 * directories, a directory that links back to its ancestor being skipped
 * as a loop. A symlink given as the path itself is followed either way. */
static void test_symlinks_followed_or_not(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp(), path[600], target[600];
    free(tu_write_file(dir, "a.txt", "alpha", 5));
    snprintf(path, sizeof path, "%s/sub", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    free(tu_write_file(path, "s.txt", "sub text", 8));
    snprintf(path, sizeof path, "%s/b-link.txt", dir);
    snprintf(target, sizeof target, "%s/a.txt", dir);
    assert_int_equal(symlink(target, path), 0);
    snprintf(path, sizeof path, "%s/sub/up", dir); /* a loop: sub/up -> dir */
    assert_int_equal(symlink(dir, path), 0);
    snprintf(path, sizeof path, "%s/c-dirlink", dir);
    snprintf(target, sizeof target, "%s/sub", dir);
    assert_int_equal(symlink(target, path), 0);

    struct got g = {0};
    struct input_stats st = {0};
    loci_error err;
    assert_int_equal(add(dir, LOCI_INPUT_TEXT, &g, &st, &err), LOCI_OK);
    assert_int_equal(g.n, 2); /* a.txt, sub/s.txt */
    assert_string_equal(g.text[0], "alpha");
    assert_string_equal(g.text[1], "sub text");
    assert_int_equal(st.symlinks, 3);
    assert_int_equal(g.warnings, 0);

    struct got gf = {0};
    gf.follow = 1;
    gf.lenient = 1;
    struct input_stats sf = {0};
    assert_int_equal(add(dir, LOCI_INPUT_TEXT, &gf, &sf, &err), LOCI_OK);
    /* a.txt, b-link.txt, c-dirlink/s.txt, c-dirlink/up (the loop: skipped), sub/s.txt, sub/up/... */
    assert_int_equal(sf.symlinks, 0);
    char want[700];
    snprintf(want, sizeof want, "%s/b-link.txt", dir);
    int found = 0;
    for (size_t i = 0; i < gf.n; i++)
        found += !strcmp(gf.name[i], want);
    assert_int_equal(found, 1);
    assert_true(gf.warnings >= 1);
    assert_non_null(strstr(gf.last_warning, "symbolic link loop"));

    /* given explicitly: followed */
    struct got ge = {0};
    struct input_stats se = {0};
    snprintf(path, sizeof path, "%s/b-link.txt", dir);
    assert_int_equal(add(path, LOCI_INPUT_TEXT, &ge, &se, &err), LOCI_OK);
    assert_int_equal(ge.n, 1);
    assert_string_equal(ge.text[0], "alpha");
    tu_rmtree(dir);
    free(dir);
}

static void wr(const char *dir, const char *name, const char *text)
{
    free(tu_write_file(dir, name, text, strlen(text)));
}

/* Marked-up files are extracted on the way (by extension or by content;
 * --format overrides), keeping their lines; text files are untouched. */
static void test_formats(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    wr(dir, "a.html", "<p>x &amp; y</p>\n<p>z</p>");
    wr(dir, "b", "<!DOCTYPE html>\n<b>bold</b>");
    wr(dir, "c.md", "# Head\ntext");
    wr(dir, "d.txt", "<p>as is</p>");
    wr(dir, "e", ".TH X 1\n.SH NAME\nx \\- \\fBdoes\\fR");
    struct got g = {0};
    struct input_stats st = {0};
    loci_error err;
    assert_int_equal(add(dir, LOCI_INPUT_TEXT, &g, &st, &err), LOCI_OK);
    assert_int_equal(g.n, 5);
    assert_string_equal(g.text[0], "x & y\f\nz\f");
    assert_string_equal(g.text[1], "\nbold");
    assert_string_equal(g.text[2], "# Head\f\ntext");
    assert_string_equal(g.text[3], "<p>as is</p>");
    assert_string_equal(g.text[4], "\nNAME\f\nx - does");
    struct got gt = {0};
    gt.format = LOCI_FORMAT_TEXT;
    assert_int_equal(add(dir, LOCI_INPUT_TEXT, &gt, &st, &err), LOCI_OK);
    assert_string_equal(gt.text[0], "<p>x &amp; y</p>\n<p>z</p>");
    struct got gh = {0};
    gh.format = LOCI_FORMAT_HTML;
    assert_int_equal(add(dir, LOCI_INPUT_TEXT, &gh, &st, &err), LOCI_OK);
    assert_string_equal(gh.text[3], "as is\f");
    tu_rmtree(dir);
    free(dir);
}

/* A subdirectory that cannot be opened is skipped with a warning (an
 * error with strict). As root, permissions do not stop opendir, so the
 * walk runs in a child process that has given up root. */
static void test_unopenable_subdir(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp(), sub[600];
    assert_int_equal(chmod(dir, 0755), 0);
    snprintf(sub, sizeof sub, "%s/b-locked", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    free(tu_write_file(sub, "x.txt", "hidden", 6));
    char *f = tu_write_file(dir, "a.txt", "first", 5);
    chmod(f, 0644);
    free(f);
    f = tu_write_file(dir, "c.txt", "third", 5);
    chmod(f, 0644);
    free(f);
    assert_int_equal(chmod(sub, 0), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(90);
        struct got g = {0};
        g.lenient = 1;
        struct input_stats st = {0};
        loci_error err;
        if (add(dir, LOCI_INPUT_TEXT, &g, &st, &err) != LOCI_OK)
            _exit(1);
        char want[700];
        snprintf(want, sizeof want, "%s: Permission denied; skipped", sub);
        if (g.n != 2 || strcmp(g.text[1], "third") || g.warnings != 1 || st.skipped != 1 ||
            strcmp(g.last_warning, want))
            _exit(2);
        struct got gs = {0};
        if (add(dir, LOCI_INPUT_TEXT, &gs, &st, &err) != LOCI_EIO ||
            !strstr(err.message, "b-locked: Permission denied"))
            _exit(3);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    chmod(sub, 0700);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    tu_rmtree(dir);
    free(dir);
}

/* Streaming: documents over stream_over come as begin, chunks, end. */
struct streamed {
    int whole, begun, ended, chunks;
    char name[64], title[64];
    unsigned line;
    struct buf text;    /* the last document's text, however it came */
};

static int st_doc(void *ctx, const struct input_doc *d, loci_error *err)
{
    (void)err;
    struct streamed *s = ctx;
    s->whole++;
    s->text.len = 0;
    buf_append(&s->text, d->text, d->text_len);
    return 0;
}

static int st_begin(void *ctx, const struct input_doc *d, loci_error *err)
{
    (void)err;
    struct streamed *s = ctx;
    assert_int_equal(s->begun, s->ended);
    assert_null(d->text);
    s->begun++;
    s->text.len = 0;
    snprintf(s->name, sizeof s->name, "%.*s", (int)d->name_len, d->name);
    snprintf(s->title, sizeof s->title, "%.*s", d->title ? (int)d->title_len : 0,
             d->title ? d->title : "");
    s->line = d->line;
    return 0;
}

static int st_chunk(void *ctx, const char *p, size_t n, loci_error *err)
{
    (void)err;
    struct streamed *s = ctx;
    assert_int_equal(s->begun, s->ended + 1);
    s->chunks++;
    buf_append(&s->text, p, n);
    return 0;
}

static int st_end(void *ctx, loci_error *err)
{
    (void)err;
    struct streamed *s = ctx;
    s->ended++;
    return 0;
}

static int st_add(const char *path, loci_input_format fmt, size_t over, struct streamed *s,
                  const char *tmpdir, loci_error *err)
{
    struct input_options o = {.format = fmt, .strict = 1, .stream_over = over, .begin = st_begin,
                              .chunk = st_chunk, .end = st_end, .tmpdir = tmpdir};
    struct input_stats st = {0};
    return input_add_path(&o, path, st_doc, s, &st, err);
}

static void test_stream_text_file(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    size_t n = 1000000;
    char *text = malloc(n);
    for (size_t i = 0; i < n; i++)
        text[i] = (char)('a' + i % 23);
    char *path = tu_write_file(dir, "big.txt", text, n);
    struct streamed s = {0};
    loci_error err;
    assert_int_equal(st_add(path, LOCI_INPUT_TEXT, 100000, &s, dir, &err), LOCI_OK);
    assert_int_equal(s.whole, 0);
    assert_int_equal(s.begun, 1);
    assert_int_equal(s.ended, 1);
    assert_true(s.chunks > 2);
    assert_string_equal(s.name, path);
    assert_int_equal(s.text.len, n);
    assert_memory_equal(s.text.data, text, n);
    /* at or under the threshold: whole, as without streaming */
    struct streamed s2 = {0};
    assert_int_equal(st_add(path, LOCI_INPUT_TEXT, n, &s2, dir, &err), LOCI_OK);
    assert_int_equal(s2.whole, 1);
    assert_int_equal(s2.begun, 0);
    buf_free(&s.text);
    buf_free(&s2.text);
    free(text);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

/* A JSONL record larger than stream_over is parsed as it is read: its
 * text (spilled to a temporary file) comes as a stream after the title,
 * the records around it come whole, and its errors read as they do
 * without streaming. */
static void test_stream_jsonl_record(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    size_t n = 600000;
    struct buf jl = {0}, want = {0};
    buf_append(&jl, "{\"text\": \"small\"}\n", 18);
    buf_append(&jl, "{\"text\": \"", 10);
    for (size_t i = 0; i < n; i++) {
        if (i % 1000 == 999) {
            buf_append(&jl, "\\n\\u00e9", 8);
            buf_append(&want, "\n\xc3\xa9", 3);
        } else {
            buf_putc(&jl, (uint8_t)('a' + i % 26));
            buf_putc(&want, (uint8_t)('a' + i % 26));
        }
    }
    const char *tail = "\", \"title\": \"Late\", \"id\": \"big\", \"x\": [1, {\"y\": null}]}  \r\n"
                       "{\"id\": 3, \"text\": \"after\"}\n";
    buf_append(&jl, tail, strlen(tail));
    char *path = tu_write_file(dir, "big.jsonl", jl.data, jl.len);
    struct streamed s = {0};
    loci_error err;
    assert_int_equal(st_add(path, LOCI_INPUT_JSONL, 50000, &s, dir, &err), LOCI_OK);
    assert_int_equal(s.whole, 2);
    assert_int_equal(s.begun, 1);
    assert_int_equal(s.ended, 1);
    assert_string_equal(s.name, "big");
    assert_string_equal(s.title, "Late");
    assert_int_equal(s.line, 2);
    assert_int_equal(s.text.len, 5); /* the last record, whole */
    assert_memory_equal(s.text.data, "after", 5);
    /* stream only: the text came whole and in order */
    struct streamed s2 = {0};
    jl.len -= strlen("{\"id\": 3, \"text\": \"after\"}\n");
    free(path);
    path = tu_write_file(dir, "big2.jsonl", jl.data, jl.len);
    assert_int_equal(st_add(path, LOCI_INPUT_JSONL, 50000, &s2, dir, &err), LOCI_OK);
    assert_int_equal(s2.begun, 1);
    assert_int_equal(s2.text.len, want.len);
    assert_memory_equal(s2.text.data, want.data, want.len);
    /* the same error and column as without streaming */
    jl.data[jl.len - 30] = '\x01';
    free(path);
    path = tu_write_file(dir, "bad.jsonl", jl.data, jl.len);
    struct streamed s3 = {0}, s4 = {0};
    loci_error err2;
    assert_int_equal(st_add(path, LOCI_INPUT_JSONL, 50000, &s3, dir, &err), LOCI_EFORMAT);
    assert_int_equal(st_add(path, LOCI_INPUT_JSONL, 0, &s4, dir, &err2), LOCI_EFORMAT);
    assert_string_equal(err.message, err2.message);
    assert_non_null(strstr(err.message, "bad.jsonl:2: invalid JSON"));
    /* an id or title over INPUT_FIELD_CAP in a streamed record is an error */
    struct buf big = {0};
    const char *head = "{\"text\": \"x\", \"title\": \"";
    buf_append(&big, head, strlen(head));
    for (size_t i = 0; i < INPUT_FIELD_CAP + 10; i++)
        buf_putc(&big, 'T');
    buf_append(&big, "\"}\n", 3);
    free(path);
    path = tu_write_file(dir, "title.jsonl", big.data, big.len);
    struct streamed s5 = {0};
    assert_int_equal(st_add(path, LOCI_INPUT_JSONL, 50000, &s5, dir, &err), LOCI_EFORMAT);
    if (!strstr(err.message, "title.jsonl:1: field \"title\" is larger than"))
        fail_msg("%s", err.message);
    /* a long blank line is skipped, as it is without streaming */
    big.len = 0;
    for (size_t i = 0; i < 200000; i++)
        buf_putc(&big, i % 2 ? ' ' : '\t');
    const char *z = "\n{\"text\": \"z\"}";
    buf_append(&big, z, strlen(z));
    free(path);
    path = tu_write_file(dir, "blank.jsonl", big.data, big.len);
    struct streamed s6 = {0};
    assert_int_equal(st_add(path, LOCI_INPUT_JSONL, 50000, &s6, dir, &err), LOCI_OK);
    assert_int_equal(s6.whole, 1);
    assert_int_equal(s6.begun, 0);
    buf_free(&big);
    buf_free(&jl);
    buf_free(&want);
    buf_free(&s.text);
    buf_free(&s2.text);
    buf_free(&s3.text);
    buf_free(&s4.text);
    buf_free(&s5.text);
    buf_free(&s6.text);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_directory_walk),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_bad_symlinks),
        cmocka_unit_test(test_symlinks_followed_or_not),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_unopenable_subdir),
        cmocka_unit_test(test_stream_text_file),
        cmocka_unit_test(test_stream_jsonl_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
