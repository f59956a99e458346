/*
 * format.h — constants of the on-disk index format, shared by the writer
 * (indexer/writer.c) and the reader (common/reader.c).
 *
 * docs/FORMAT.md is the byte-by-byte description; this header only names
 * its numbers. An index is a directory holding a manifest (manifest.h)
 * and segments; a segment is a directory of eight files, each wrapped in
 * the checksummed envelope of lfile.h:
 *
 *   meta       counts and settings (analyzer, passages, BM25 reference)
 *   lexicon    sorted terms in front-coded blocks + block offset table
 *   postings   per term: [skip table if > 1 block] + bit-packed blocks
 *   positions  per term: token positions of each posting, varint deltas
 *   lengths    u16 token count per passage (+ a table of long ones)
 *   passages   varint records: doc, ordinal, line, byte range per passage
 *   docs       varint records: text range, first passage, name, and
 *              where it came from (first line, source, size, mtime, hash)
 *   text       documents' text, zlib-compressed in 64 KiB blocks
 */
#ifndef LOCI_FORMAT_H
#define LOCI_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* File names inside an index directory, and their magics (8 bytes). */
#define FMT_META "meta"
#define FMT_LEXICON "lexicon"
#define FMT_POSTINGS "postings"
#define FMT_POSITIONS "positions"
#define FMT_LENGTHS "lengths"
#define FMT_PASSAGES "passages"
#define FMT_DOCS "docs"
#define FMT_TEXT "text"

#define FMT_MAGIC_META "LOCImeta"
#define FMT_MAGIC_LEXICON "LOCIlexi"
#define FMT_MAGIC_POSTINGS "LOCIpost"
#define FMT_MAGIC_POSITIONS "LOCIposi"
#define FMT_MAGIC_LENGTHS "LOCIlens"
#define FMT_MAGIC_PASSAGES "LOCIpass"
#define FMT_MAGIC_DOCS "LOCIdocs"
#define FMT_MAGIC_TEXT "LOCItext"

/* Every file of an index, meta first; meta's file table (META_FILES)
 * lists the others in this order. */
struct fmt_file {
    const char *name, *magic;
};
static const struct fmt_file FMT_FILES[] = {
    {FMT_META, FMT_MAGIC_META},           {FMT_LEXICON, FMT_MAGIC_LEXICON},
    {FMT_POSTINGS, FMT_MAGIC_POSTINGS},   {FMT_POSITIONS, FMT_MAGIC_POSITIONS},
    {FMT_LENGTHS, FMT_MAGIC_LENGTHS},     {FMT_PASSAGES, FMT_MAGIC_PASSAGES},
    {FMT_DOCS, FMT_MAGIC_DOCS},           {FMT_TEXT, FMT_MAGIC_TEXT},
};
#define FMT_NFILES 8

/* meta body: fixed little-endian fields at these offsets. */
#define META_DOCUMENTS 0      /* u64 */
#define META_PASSAGES 8       /* u64 */
#define META_TERMS 16         /* u64 */
#define META_TOKENS 24        /* u64: sum of passage lengths */
#define META_REF_K1 32        /* f64 bits: k1 the block maxima were computed with */
#define META_REF_B 40         /* f64 bits: b likewise */
#define META_PASSAGE_MODE 48  /* u32: loci_passage_mode */
#define META_PASSAGE_TOKENS 52 /* u32 */
#define META_PASSAGE_STRIDE 56 /* u32 */
#define META_MAX_TERM 60      /* u32: ANALYZER_MAX_TERM at build time */
#define META_BLOCK_SIZE 64    /* u32: postings per block (128) */
#define META_STEM 68          /* char[32], NUL-padded stemming language */
#define META_SIZE_3_0 100   /* the record of format 3.0 ends here */
/* 3.1: the build's file table. For each file after meta in FMT_FILES
 * order, its body length and table CRC (lfile_table_crc), so a reader
 * can tell that every file it opened belongs to the same build. */
#define META_FILES 100
#define META_FILE_LEN 0       /* u64 */
#define META_FILE_CRC 8       /* u32 */
#define META_FILE_ENTRY 12
#define META_SIZE (META_FILES + (FMT_NFILES - 1) * META_FILE_ENTRY)
/* 4.1: after the file table, the duplicates (docs/FORMAT.md, meta): a
 * count, then (u32 document, u32 duplicate) pairs by document, duplicate. */
#define META_ALIASES META_SIZE          /* u64 */
#define META_ALIAS_TABLE (META_SIZE + 8)
#define META_ALIAS_ENTRY 8

/* Postings: passages per block, and the skip entry of a multi-block term. */
#define FMT_BLOCK 128
#define SKIP_LAST_ID 0        /* u32: last passage id in the block */
#define SKIP_END 4            /* u32: end of the block's bytes, from the first block */
#define SKIP_POS 8            /* u64: block's first positions byte, from the term's start */
#define SKIP_MAX_TF 16        /* u32: largest tf in the block */
#define SKIP_MIN_LEN 20       /* u32: smallest passage length in the block */
#define SKIP_MAX_IMPACT 24    /* f32 bits: max tf-part of BM25 at the reference k1, b */
#define SKIP_SIZE 28

/* Lengths: a u16 per passage; passages of LENGTH_LONG tokens or more
 * store LENGTH_LONG and their length in a table of (u32 passage, u32
 * length) pairs after the array, its u64 count ending the body. */
#define LENGTH_LONG 0xFFFF

/* Lexicon: terms per front-coded block; the trailer ends the body. */
#define LEX_BLOCK 32
#define LEX_TRAILER 16        /* u64 block count, u64 offset of the block table */
#define LEX_ENTRY 16          /* per block: u64 offset (table), u64 key (keys) */

/* A term's key: its first 8 bytes, big-endian, zero-padded, so that keys
 * compare as the terms do, ties aside (lexicon block keys). */
static inline uint64_t lex_key(const void *term, size_t len)
{
    const uint8_t *t = term;
    uint64_t k = 0;
    for (size_t i = 0; i < 8; i++)
        k = k << 8 | (i < len ? t[i] : 0);
    return k;
}

/* Passage records (recfile.h) are five varints in this order: doc,
 * ordinal, line, len (bytes of text), start (first byte in the document's
 * text). Document records are varints — text offset in the text
 * stream, text length, first passage, shared name bytes, first line,
 * flags (DOC_*), [source], size, mtime, u64 hash — then the name's bytes.
 * The indexer's workers hand passages over as fixed records of PASS_SIZE
 * bytes with these fields at these offsets (an internal layout). */
#define PASS_DOC 0            /* u32 */
#define PASS_ORDINAL 4        /* u32 */
#define PASS_LINE 8           /* u32 */
#define PASS_LEN 12           /* u32 */
#define PASS_START 16         /* u64 */
#define PASS_TITLE 24         /* u32: its leading tokens that are the title's */
#define PASS_SIZE 28

/* Docs records (4.0): the flags varint after first_line. Bit 0: every
 * passage is on first_line (a JSON Lines record); bits 1-2: the source. */
#define DOC_FIXED_LINE 1u
#define DOC_SRC_SHIFT 1
#define DOC_SRC_MASK 3u
#define DOC_SRC_NONE 0u     /* added from memory */
#define DOC_SRC_NAME 1u     /* the file named by the name */
#define DOC_SRC_PREVIOUS 2u /* the previous record's (never first in a block) */
#define DOC_SRC_GIVEN 3u    /* varint length + bytes follow */
/* 4.3: bit 3, the text begins with a JSON Lines title: a varint follows
 * the flags, the title's length in bytes (the text is title "\n" text). */
#define DOC_TITLE 8u

/* An index directory (format 4): the segment directories' prefix. */
#define SEG_PREFIX "seg-"

/* Text: raw bytes per compressed block, and the table entry of a block. */
#define TEXT_BLOCK 65536
#define TEXT_ENTRY_OFF 0      /* u64: body offset of the zlib stream */
#define TEXT_ENTRY_CLEN 8     /* u32: compressed length */
#define TEXT_ENTRY_RLEN 12    /* u32: raw length (TEXT_BLOCK except the last) */
#define TEXT_ENTRY_SIZE 16
#define TEXT_TRAILER 24       /* u64 block count, u64 table offset, u64 raw length */

#endif
