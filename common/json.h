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
};

/* Parse text[0..len). Resets every field's `value.len` and `found` first.
 * Returns 0 on success; on malformed input returns LOCI_EFORMAT and sets
 * *err_off to the byte offset of the problem and *why to a static
 * description ("expected ':'"); LOCI_ENOMEM if memory runs out. A duplicate
 * requested key: the last one wins. */
int json_extract(const char *text, size_t len, struct json_field *fields, size_t nfields,
                 size_t *err_off, const char **why);

/* Append s[0..len) as a JSON string literal, quotes included. Control
 * characters, '"' and '\\' are escaped; invalid UTF-8 bytes become \ufffd.
 * Returns 0 or LOCI_ENOMEM. */
int json_put_string(struct buf *out, const char *s, size_t len);

#endif
