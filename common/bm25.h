/*
 * bm25.h — the Okapi BM25 formula, in one place so the index writer (which
 * stores per-block maxima) and the searcher score with the same arithmetic.
 *
 *   score(q, p) = sum over query terms t of  qtf(t) * idf(t) * tfpart(t, p)
 *   idf(t)      = ln(1 + (N - df + 0.5) / (df + 0.5))
 *   tfpart      = tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avglen))
 *
 * This idf is always positive (unlike the classic Robertson–Spärck Jones
 * form, which goes negative for terms in more than half of the passages and
 * would make matching a common word *lower* a passage's score).
 */
#ifndef LOCI_BM25_H
#define LOCI_BM25_H

#include <math.h>
#include <stdint.h>

static inline double bm25_idf(uint64_t passages, uint64_t df)
{
    return log(1.0 + ((double)passages - (double)df + 0.5) / ((double)df + 0.5));
}

static inline double bm25_tfpart(double tf, double len, double k1, double b, double avglen)
{
    return tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * len / avglen));
}

#endif
