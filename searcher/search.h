/*
 * search.h — what tests reach inside search.c (the API is in loci.h).
 */
#ifndef LOCI_SEARCH_H
#define LOCI_SEARCH_H

/* A query with at most this many postings per result kept is evaluated
 * exhaustively even when pruning is allowed (it would score most of them
 * anyway). Tests set 0 so that pruning runs on their small indexes too;
 * a process-wide setting, not for use while searches run. */
extern unsigned search_plain_per_k;

#endif
