/*
 * extract_html.h — HTML and XHTML to plain text, as a streaming state
 * machine (issue 15).
 *
 * Tags, comments, declarations and processing instructions are removed;
 * the contents of <script> and <style> are skipped; character references
 * (named: the HTML 4 set and the common HTML 5 ones; numeric: decimal and
 * hex) are decoded; block elements (p, div, h1-h6, li, table rows, title,
 * ...) end paragraphs with a form feed (passage.h: a form feed ends a
 * paragraph without being a line), so <title> is a paragraph of its own —
 * the document's title, as the first passage. Every newline of the input
 * is copied to the output where it was read, wherever it is (in a tag, a
 * comment, a script), and no other newline is written: a byte of output
 * is on the line of the input it came from, so passages keep pointing at
 * source lines.
 *
 * The state is a few dozen bytes; input comes in chunks of any size,
 * split anywhere, and the output is the same as for the whole input.
 */
#ifndef LOCI_EXTRACT_HTML_H
#define LOCI_EXTRACT_HTML_H

#include <stddef.h>

#include "buf.h"

#define HTML_NAME_MAX 16   /* tag names kept (longer ones are not block elements) */
#define HTML_ENTITY_MAX 32 /* longest character reference decoded */

struct html_extractor {
    int state;
    int closing;                  /* the tag being read is an end tag */
    char quote;                   /* inside a quoted attribute value */
    unsigned dashes;              /* in a comment: '-' seen before '>' */
    size_t name_len;
    char name[HTML_NAME_MAX];
    size_t ent_len;
    char ent[HTML_ENTITY_MAX];
    const char *raw_end;          /* in script/style: the end tag looked for */
    size_t raw_match;             /* its bytes matched so far */
    int last_break;               /* the last byte written was a form feed */
};

void html_begin(struct html_extractor *h);
/* Append the text of p[0..n) to out. LOCI_OK or LOCI_ENOMEM. */
int html_feed(struct html_extractor *h, const char *p, size_t n, struct buf *out);
/* The input has ended: flush what is pending. */
int html_end(struct html_extractor *h, struct buf *out);

/* The code point of a named character reference (without '&' and ';'),
 * or 0 when the name is not known. Exposed for the tests. */
unsigned html_entity(const char *name, size_t len);

#endif
