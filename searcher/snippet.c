/*
 * snippet.c — loci_snippet: the part of a passage worth showing when the
 * whole passage is too long — about N characters around its densest
 * cluster of matches, cut at word boundaries.
 *
 * Why the densest cluster: a passage is a paragraph of up to 200 tokens;
 * the place where most query words meet is where it answers the query.
 * Windows are counted in characters (not bytes), so a snippet of Korean
 * or Russian text is as long on screen as one of English.
 */
#include <stddef.h>

#include "loci.h"

/* Characters in text[a..b): UTF-8 lead bytes. */
static size_t chars(const char *text, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i < b; i++)
        n += ((unsigned char)text[i] & 0xc0) != 0x80;
    return n;
}

/* Byte offset after up to `n` characters from `from` going forward (dir 1)
 * or before them going backward (dir -1), not past `limit`. */
static size_t walk(const char *text, size_t from, size_t n, int dir, size_t limit)
{
    size_t i = from;
    while (n > 0 && i != limit) {
        if (dir > 0) {
            i++;
            while (i < limit && ((unsigned char)text[i] & 0xc0) == 0x80)
                i++;
        } else {
            i--;
            while (i > limit && ((unsigned char)text[i] & 0xc0) == 0x80)
                i--;
        }
        n--;
    }
    return i;
}

/* Form feeds (and vertical tabs) are white space too: the extractors end
 * paragraphs with form feeds, which a passage in document or window mode
 * holds. */
static int is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

void loci_snippet(const char *text, size_t len, const loci_span *spans, size_t nspans,
                  size_t want, size_t *start, size_t *end)
{
    *start = 0;
    *end = len;
    if (want == 0 || chars(text, 0, len) <= want)
        return;
    /* the cluster: the most spans that fit in `want` characters, from the
     * first such run (ties go to the earlier one) */
    size_t best_i = 0, best_j = 0, best = 0;
    for (size_t i = 0, j = 0; i < nspans; i++) {
        if (j < i)
            j = i;
        while (j + 1 < nspans && spans[j + 1].end <= len &&
               chars(text, spans[i].start, spans[j + 1].end) <= want)
            j++;
        if (spans[j].end <= len && chars(text, spans[i].start, spans[j].end) <= want &&
            j - i + 1 > best) {
            best = j - i + 1;
            best_i = i;
            best_j = j;
        }
    }
    size_t a = best ? spans[best_i].start : 0, b = best ? spans[best_j].end : 0;
    /* pad around it: half of what is left before, the rest after (more
     * before when the passage ends early) */
    size_t left = want - chars(text, a, b);
    size_t s = walk(text, a, left / 2, -1, 0);
    size_t e = walk(text, b, want - chars(text, s, b), 1, len);
    if (e == len)
        s = walk(text, a, want - chars(text, a, len), -1, 0);
    /* whole words: the start moves forward to a word's start, the end back
     * to a word's end, never into the matches */
    if (s > 0 && !is_space(text[s - 1])) {
        size_t t = s;
        while (t < a && !is_space(text[t]))
            t++;
        if (t < a)
            s = t;
    }
    while (s < a && is_space(text[s]))
        s++;
    if (e < len && !is_space(text[e])) {
        size_t t = e;
        while (t > b && !is_space(text[t - 1]))
            t--;
        if (t > b)
            e = t;
    }
    while (e > b && is_space(text[e - 1]))
        e--;
    *start = s;
    *end = e;
}
