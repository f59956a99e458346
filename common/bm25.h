/*
 * bm25.h — the Okapi BM25 formula, in one place so the index writer (which
 * stores per-block maxima) and the searcher score with the same arithmetic.
 *
 *   score(q, p) = sum over query terms t of  qtf(t) * idf(t) * tfpart(t, p)
 *   idf(t)      = max(ln((N - df + 0.5) / (df + 0.5)),
 *                     BM25_IDF_COMMON * ln(1 + (N - df + 0.5) / (df + 0.5)))
 *   tfpart      = tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avglen))
 *
 * N and df count passages. The idf is the Robertson–Spärck Jones weight of
 * the probabilistic model BM25 comes from. It reaches zero for a term in
 * half of the passages and would go negative beyond. Lucene's form,
 * ln(1 + ...), stays positive, but giving very common words their full
 * Lucene weight adds noise to long natural-language queries (CISI: -0.007
 * nDCG@10, bench/RESULTS.md). So a common word gets a twentieth of its
 * Lucene weight: too little to move answers (both collections within
 * +-0.002 for factors 0.01 to 0.3), enough that a query made only of
 * common words ("NATO" over the bundled analysis) shows real, distinct
 * scores instead of 0.0000, and still decreasing with df. For rare terms
 * the RSJ weight is the larger and is used unchanged.
 */
#ifndef LOCI_BM25_H
#define LOCI_BM25_H

#include <math.h>
#include <stdint.h>

#define BM25_IDF_COMMON 0.05

static inline double bm25_idf(uint64_t passages, uint64_t df)
{
    double odds = ((double)passages - (double)df + 0.5) / ((double)df + 0.5);
    double rsj = log(odds), common = BM25_IDF_COMMON * log1p(odds);
    return rsj > common ? rsj : common;
}

static inline double bm25_tfpart(double tf, double len, double k1, double b, double avglen)
{
    return tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * len / avglen));
}

/* BM25F with one extra field, a JSON Lines record's title, weighted W
 * (--title-weight): the title's tokens count W times, in the term
 * frequency and in the passage length alike,
 *   tf' = tf + (W - 1) * title_tf,   len' = len + (W - 1) * title_len,
 * then the usual saturation, normalized by the plain average length (the
 * corpus statistics, and so shards' gathered ones, stay those of BM25;
 * W is a search-time choice). tf and len already count the title's
 * tokens once. With W = 1 this is bm25_tfpart, bit for bit. Bounds: tf'
 * is at most max(W, 1) * tf and len' at least min(W, 1) * len, so a
 * block's stored largest tf and smallest length still bound it. */
static inline double bm25f_tfpart(double tf, double title_tf, double len, double title_len,
                                  double w, double k1, double b, double avglen)
{
    return bm25_tfpart(tf + (w - 1.0) * title_tf, len + (w - 1.0) * title_len, k1, b, avglen);
}

#endif
