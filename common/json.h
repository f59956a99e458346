/*
 * json.h — the little JSON loci needs: reading fields of one JSON Lines
 * record, and writing JSON string literals.
 *
 * json_extract parses one whole JSON object (RFC 8259; the line may have
 * surrounding whitespace) and captures the values of the requested
 * top-level fields. Nested objects and arrays of other fields are skipped
 * (bounded nesting depth, JSON_MAX_DEPTH). Escapes are decoded, including
 * \uXXXX surrogate pairs; a lone surrogate becomes U+FFFD. A requested
 * field whose value is a string yields its text; a number yields its
 * literal text ("12"); null counts as absent; true/false/object/array
 * are an error ("field "id" is not a string or number").
 */
#ifndef LOCI_JSON_H
#define LOCI_JSON_H

#include <stddef.h>

#include "buf.h"

#define JSON_MAX_DEPTH 64

struct json_field {
    const char *name;   /* in: the field to capture */
    struct buf value;   /* out: its text (not NUL-terminated); caller frees */
    int found;          /* out: 1 if present and not null */
    /* Optional, for records too large for memory (zero: unused). */
    size_t cap;         /* in: keep at most this many bytes of the value; */
    int overflow;       /* out: 1 if it had more */
    /* in: called (reset 0) when value.len reaches spill_over: it stores
     * value's bytes somewhere, which the parser then empties; or (reset
     * 1) to drop everything stored (a duplicate key). Returns 0 or a
     * LOCI_E* code, which the parse returns. */
    int (*spill)(void *ctx, struct json_field *f, int reset);
    void *spill_ctx;
    size_t spill_over;
    uint64_t spilled;   /* out: bytes of the value given to spill, before `value` */
};

/* Where json_extract_source reads a record: data[0..len) is what has been
 * read, the record's bytes from offset `off` on. more(src, keep) is called
 * when the parser needs bytes past len: it must keep data[keep..len) (it
 * may drop data[0..keep), adding keep to off, and move the rest), append
 * what comes next, and return 1; or return 0 at the record's end, or a
 * negative LOCI_E* code (which the parse returns). */
struct json_source {
    const char *data;
    size_t len;
    uint64_t off;
    int (*more)(struct json_source *src, size_t keep);
    void *ctx;
};

/* Parse text[0..len). Resets every field's `value.len` and `found` first.
 * Returns 0 on success; on malformed input returns LOCI_EFORMAT and sets
 * *err_off to the byte offset of the problem and *why to a static
 * description ("expected ':'"); LOCI_ENOMEM if memory runs out. A duplicate
 * requested key: the last one wins. */
int json_extract(const char *text, size_t len, struct json_field *fields, size_t nfields,
                 size_t *err_off, const char **why);

/* json_extract over a record read from `src` as the parser goes, with the
 * same acceptance and errors (*err_off: the offset in the record). Keys
 * longer than every requested name are not kept. Also returns the codes
 * of src->more and of the fields' spill. */
int json_extract_source(struct json_source *src, struct json_field *fields, size_t nfields,
                        uint64_t *err_off, const char **why);

/* Append s[0..len) as a JSON string literal, quotes included. Control
 * characters, '"' and '\\' are escaped; invalid UTF-8 bytes become \ufffd.
 * Returns 0 or LOCI_ENOMEM. */
int json_put_string(struct buf *out, const char *s, size_t len);

#endif
