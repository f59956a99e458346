/*
 * writer.h — writing the files of an index into a (temporary) directory.
 *
 * The builder collects documents, passages and an inverter, then calls
 * these to lay the index out in the format of docs/FORMAT.md. The text
 * file is written separately, while documents stream in (textstore.h).
 */
#ifndef LOCI_WRITER_H
#define LOCI_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "inverter.h"
#include "loci.h"

/* Write dir/name as one lfile with the given body. */
int writer_put_file(const char *dir, const char *name, const char *magic,
                    const void *body, size_t len, loci_error *err);

/* Write lexicon, postings and positions for every term of `inv`.
 * lengths[p] is passage p's token count; avglen their mean; k1 and b the
 * reference parameters for the stored per-block maxima. */
int writer_put_terms(const char *dir, struct inverter *inv, const uint32_t *lengths,
                     double avglen, double k1, double b, loci_error *err);

#endif
