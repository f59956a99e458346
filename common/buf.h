/*
 * buf.h — a growable byte buffer, and the growth rule of every other
 * dynamic array of the code base (array_grow).
 *
 * Owns its memory. A zeroed struct buf is a valid empty buffer. Appends
 * return LOCI_OK or LOCI_ENOMEM; on failure the buffer is unchanged.
 */
#ifndef LOCI_BUF_H
#define LOCI_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "codec.h"

struct buf {
    uint8_t *data;
    size_t len, cap;
};

/* Make room for at least `extra` more bytes. */
int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_putc(struct buf *b, uint8_t c);
int buf_put_varint_slow(struct buf *b, uint64_t v);
/* Append a LEB128 varint (see codec.h). Inline fast path when there is
 * room: the inverter appends one per token. */
static inline int buf_put_varint(struct buf *b, uint64_t v)
{
    if (b->cap - b->len < VARINT_MAX)
        return buf_put_varint_slow(b, v);
    b->len += varint_put(b->data + b->len, v);
    return 0;
}
int buf_put_le32(struct buf *b, uint32_t v);
int buf_put_le64(struct buf *b, uint64_t v);
/* Release the memory; the buffer becomes empty and reusable. */
void buf_free(struct buf *b);

/* Room for at least `need` (> *cap) items of `size` bytes in `items`, an
 * array of *cap items: the capacity doubles, from `first` when it is 0.
 * Returns the array, perhaps moved, and sets *cap; NULL when memory (or
 * size_t) runs out, the old array and *cap unchanged. */
void *array_grow(void *items, size_t *cap, size_t need, size_t size, size_t first);

#endif
