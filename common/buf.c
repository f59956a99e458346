/*
 * buf.c — growable byte buffer (see buf.h).
 */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "loci.h"

int buf_reserve(struct buf *b, size_t extra)
{
    if (b->cap - b->len >= extra)
        return LOCI_OK;
    if (extra > SIZE_MAX / 2 - b->len)
        return LOCI_ENOMEM;
    size_t cap = b->cap ? b->cap : 64;
    while (cap - b->len < extra)
        cap *= 2; /* doubling keeps appends amortized O(1) */
    uint8_t *p = realloc(b->data, cap);
    if (!p)
        return LOCI_ENOMEM;
    b->data = p;
    b->cap = cap;
    return LOCI_OK;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
    if (n == 0)
        return LOCI_OK;
    if (buf_reserve(b, n))
        return LOCI_ENOMEM;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return LOCI_OK;
}

int buf_putc(struct buf *b, uint8_t c)
{
    if (b->len == b->cap && buf_reserve(b, 1))
        return LOCI_ENOMEM;
    b->data[b->len++] = c;
    return LOCI_OK;
}

int buf_put_varint_slow(struct buf *b, uint64_t v)
{
    if (buf_reserve(b, VARINT_MAX))
        return LOCI_ENOMEM;
    b->len += varint_put(b->data + b->len, v);
    return LOCI_OK;
}

int buf_put_le32(struct buf *b, uint32_t v)
{
    if (buf_reserve(b, 4))
        return LOCI_ENOMEM;
    le32_put(b->data + b->len, v);
    b->len += 4;
    return LOCI_OK;
}

int buf_put_le64(struct buf *b, uint64_t v)
{
    if (buf_reserve(b, 8))
        return LOCI_ENOMEM;
    le64_put(b->data + b->len, v);
    b->len += 8;
    return LOCI_OK;
}

void *array_grow(void *items, size_t *cap, size_t need, size_t size, size_t first)
{
    size_t n = *cap ? *cap : (first ? first : 1);
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return NULL;
        n *= 2; /* doubling keeps appends amortized O(1) */
    }
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = realloc(items, n * size);
    if (!p)
        return NULL;
    *cap = n;
    return p;
}

void buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
