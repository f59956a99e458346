/*
 * crc32c.h — CRC-32C (Castagnoli; the checksum of iSCSI, ext4 and SSE4.2),
 * which format 4 uses for every header, page and table checksum.
 *
 * Why not zlib's CRC-32 any more: a query checksums every index page it
 * touches first, and on x86-64 the crc32 instruction computes CRC-32C
 * several times faster than zlib's table-driven CRC-32 (measured: a 4 KiB
 * page in about a quarter of the time, three streams interleaved). Other
 * machines get a table-driven version of the same function.
 */
#ifndef LOCI_CRC32C_H
#define LOCI_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* The CRC-32C of p[0..n) continued from `crc` (0 to start): crc32c(0,
 * "123456789", 9) is 0xe3069283, and crc32c(crc32c(0, a), b) is the CRC
 * of a followed by b. Thread-safe. */
uint32_t crc32c(uint32_t crc, const void *p, size_t n);

/* The table-driven version, whatever the machine (for tests). */
uint32_t crc32c_portable(uint32_t crc, const void *p, size_t n);

#endif
