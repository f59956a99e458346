/*
 * extract_markdown.h — Markdown to plain text, as a streaming state
 * machine (issue 15).
 *
 * Markdown is text already: its markup characters (#, *, _, `, >, |) are
 * not words, so the analyzer passes over them. What the extractor adds is
 * structure: an ATX heading ("# Title") is a paragraph of its own, and
 * so is each list item ("- ", "* ", "+ ", "1. ", "1) "), so they become
 * their own passages; a setext underline ("===", "---") ends the heading
 * above it. Breaks are form feeds (passage.h: a form feed ends a
 * paragraph without being a line). Fenced code (``` or ~~~) is kept as
 * text, and nothing inside it is read as a heading or a list item.
 * Nothing else changes: every byte of the input is copied (a form feed in
 * the text becomes a space), so lines and words are the file's own.
 *
 * A line's first MD_PREFIX bytes are held until they say what the line
 * is; input comes in chunks of any size and gives the output of the whole.
 */
#ifndef LOCI_EXTRACT_MARKDOWN_H
#define LOCI_EXTRACT_MARKDOWN_H

#include <stddef.h>

#include "buf.h"

#define MD_PREFIX 16

struct markdown_extractor {
    int in_prefix;        /* the line's start is being held */
    size_t pre_len;
    char pre[MD_PREFIX];
    char fence;           /* inside fenced code: '`' or '~' (0: not) */
    size_t fence_len;     /* its opening run's length */
    int heading;          /* the line is a heading: a break at its end */
    char rule;            /* the line so far is a run of this '=' or '-' (0: not) */
    size_t rule_len;
    int prev_text;        /* the previous line had text (a setext underline may follow) */
    int in_list;          /* a list item began, and no unindented paragraph since */
    int line_text;        /* this line has a non-blank byte */
    int last_break;       /* the last byte written was a form feed */
};

void markdown_begin(struct markdown_extractor *x);
int markdown_feed(struct markdown_extractor *x, const char *p, size_t n, struct buf *out);
int markdown_end(struct markdown_extractor *x, struct buf *out);

#endif
