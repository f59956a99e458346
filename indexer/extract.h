/*
 * extract.h — which format a document is in, and the one entry point to
 * the extractors that turn HTML, man pages and Markdown into plain text
 * (extract_html.h, extract_man.h, extract_markdown.h; issue 15).
 *
 * Detection: by the file name's extension (after a ".gz"), else by the
 * first bytes. .html .htm .xhtml .xht .shtml are HTML; .md .markdown
 * .mdown .mkd .mkdn Markdown; .man .roff .troff .mdoc, and a section
 * suffix (".1", ".3pm", ".8ssl", ".n") under a man directory (a path
 * component "man" or "manN..."), man pages; .txt .text are text. Other
 * names are sniffed: "<!DOCTYPE html", "<html" (or "<?xml" followed by
 * an html element) is HTML; a first line starting with ".TH", ".Dd",
 * ".\"", "'\"" or ".so " is a man page; anything else is text.
 *
 * Every extractor keeps the input's newlines where they were and writes
 * no other, so line numbers counted through the output are the source
 * file's; paragraphs are ended by form feeds (passage.h). Text needs no
 * extractor: input.c passes it on untouched.
 */
#ifndef LOCI_EXTRACT_H
#define LOCI_EXTRACT_H

#include <stddef.h>

#include "buf.h"
#include "extract_html.h"
#include "extract_man.h"
#include "extract_markdown.h"
#include "loci.h"

struct extractor {
    loci_doc_format format;
    union {
        struct html_extractor html;
        struct man_extractor man;
        struct markdown_extractor md;
    } u;
};

/* The format of a file named `path` whose first bytes are head[0..n). */
loci_doc_format extract_detect(const char *path, const char *head, size_t n);

/* Start a document in `format` (not AUTO; TEXT copies). */
void extract_begin(struct extractor *x, loci_doc_format format);
/* Append the text of p[0..n) to out: LOCI_OK or LOCI_ENOMEM. */
int extract_feed(struct extractor *x, const char *p, size_t n, struct buf *out);
/* The document has ended: append what was held back. */
int extract_end(struct extractor *x, struct buf *out);

/* "auto", "text", "html", "man", "markdown" <-> the enum; parse returns
 * 0, or -1 for an unknown name. */
const char *extract_format_name(loci_doc_format f);
int extract_parse_format(const char *name, loci_doc_format *out);

/* What the extractors share. extract_text appends text; extract_break
 * appends a paragraph break (a form feed) unless the last thing appended
 * was one, with nothing but white space since, or nothing was appended
 * yet (*last_break starts at 1): no empty paragraphs. */
int extract_text(int *last_break, struct buf *out, const char *p, size_t n);
int extract_break(int *last_break, struct buf *out);

/* Code point cp as UTF-8 into out (1-4 bytes, its length returned);
 * and the same appended to a buffer. */
size_t extract_utf8(char out[4], unsigned cp);
int extract_put_utf8(struct buf *out, unsigned cp);

#endif
