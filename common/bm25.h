/*
 * bm25.h — the Okapi BM25 formula, in one place so the index writer (which
 * stores per-block maxima) and the searcher score with the same arithmetic.
 *
 *   score(q, p) = sum over query terms t of  qtf(t) * idf(t) * tfpart(t, p)
 *   idf(t)      = max(BM25_IDF_FLOOR, ln((N - df + 0.5) / (df + 0.5)))
 *   tfpart      = tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avglen))
 *
 * N and df count passages. The idf is the Robertson–Spärck Jones weight of
 * the probabilistic model BM25 comes from. It reaches zero for a term in
 * half of the passages and would go negative beyond, so it is floored at a
 * tiny positive value: such terms are no evidence for or against a passage
 * but still break ties, and a query made only of them still ranks. The
 * popular alternative ln(1 + ...) gives very common words a small positive
 * weight, which adds noise to long natural-language queries (measured in
 * bench/RESULTS.md).
 */
#ifndef LOCI_BM25_H
#define LOCI_BM25_H

#include <math.h>
#include <stdint.h>

#define BM25_IDF_FLOOR 1e-6

static inline double bm25_idf(uint64_t passages, uint64_t df)
{
    double idf = log(((double)passages - (double)df + 0.5) / ((double)df + 0.5));
    return idf > BM25_IDF_FLOOR ? idf : BM25_IDF_FLOOR;
}

static inline double bm25_tfpart(double tf, double len, double k1, double b, double avglen)
{
    return tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * len / avglen));
}

#endif
