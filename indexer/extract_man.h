/*
 * extract_man.h — man pages (troff with the man or mdoc macros) to plain
 * text, as a streaming state machine (issue 15).
 *
 * Control lines (starting with '.' or '\'') are requests and macros: the
 * ones that carry text (.B, .I, .BR and the other font alternations,
 * .SH/.SS section headings, .IP's tag, mdoc's .Nm, .Nd, .Fl, .Ar, ...) keep
 * their arguments as text (quotes removed; mdoc macro names among the
 * arguments dropped); the others (.TH, .IX, .nf, .ft, .de ... "..", ...)
 * are dropped whole, and so are comments (.\" and \"). Section headings
 * are paragraphs of their own; .PP, .LP, .P, .TP, .IP, .HP, .Pp, .It, .sp
 * end a paragraph (with a form feed, passage.h). Escapes are removed or
 * replaced by what they print: font changes (\fB, \f(CW, \f[...]) and
 * size changes go, \- is '-', \(em and \[em] an em dash, \(lq a quotation
 * mark, \[u00E9] that character, \e a backslash, and so on. Every input
 * newline is copied where it was read, and no other is written, so the
 * output's lines are the page's lines.
 *
 * The state is bounded (names of at most MAN_NAME_MAX bytes are kept);
 * input comes in chunks of any size and gives the output of the whole.
 */
#ifndef LOCI_EXTRACT_MAN_H
#define LOCI_EXTRACT_MAN_H

#include <stddef.h>

#include "buf.h"

#define MAN_NAME_MAX 16

struct man_extractor {
    int state;        /* where in a line */
    int line_kind;    /* what the current control line does with its arguments */
    int skip_block;   /* inside .de/.ig (until ".."), .EQ (until .EN) */
    int table;        /* inside .TS: 1 while its format lines last */
    size_t name_len;  /* a macro's name, or an escape's argument */
    char name[MAN_NAME_MAX];
    int esc_state;    /* inside an escape (0: not) */
    char esc_kind;    /* the escape's letter */
    char esc_delim;   /* the delimiter of \h'...' and the like */
    unsigned esc_left;/* bytes of a \(xx name still to come */
    int in_arg;       /* inside an argument of a control line */
    char last_nonspace; /* in a tbl format line: its last non-blank byte */
    int quoted;       /* inside a quoted argument */
    unsigned argn;    /* arguments of the control line so far */
    size_t arg_len;   /* bytes of the current argument held back in arg */
    char arg[4];      /* an mdoc argument is held until it is known not to be a macro */
    int arg_out;      /* the current argument has been written */
    int line_out;     /* an argument of this line has been written */
    int last_break;   /* the last byte written was a form feed */
    int heading;      /* end the line with a break */
    int fmt_line;     /* this line is a tbl format line */
};

void man_begin(struct man_extractor *m);
/* Append the text of p[0..n) to out. LOCI_OK or LOCI_ENOMEM. */
int man_feed(struct man_extractor *m, const char *p, size_t n, struct buf *out);
int man_end(struct man_extractor *m, struct buf *out);

#endif
