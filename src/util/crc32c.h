/*
 * util/crc32c.h - CRC-32C (Castagnoli), with the CPU's crc32 instruction
 * when it has one (SSE4.2), else a byte-wise table.
 */
#ifndef AWP_UTIL_CRC32C_H
#define AWP_UTIL_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/** The reflected CRC-32C register update over p[0..len): no pre- or
 *  post-inversion (libext2fs's ext2fs_crc32c_le contract). */
uint32_t awp_crc32c_update(uint32_t crc, const void *p, size_t len);
/** The same without the instruction (tests compare both). */
uint32_t awp_crc32c_update_sw(uint32_t crc, const void *p, size_t len);
/** The usual CRC-32C of a message, continued from `crc` (0 to start): what
 *  x-goog-hash and iSCSI report; "123456789" gives 0xe3069283. */
uint32_t awp_crc32c(uint32_t crc, const void *buf, size_t len);

#endif
