/*
 * util/bytes.h - bounds-checked little/big-endian readers for on-disk data.
 *
 * On-disk structures are never cast to C structs: alignment, padding and
 * endianness would make that wrong on some host. Each reader takes the buffer
 * length so a field outside the buffer reads as 0 instead of past the end;
 * parsers still check sizes themselves and treat this as a last safety net.
 */
#ifndef AWP_UTIL_BYTES_H
#define AWP_UTIL_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t awp_le16(const void *buf, size_t len, size_t off)
{
	const uint8_t *p = (const uint8_t *)buf + off;
	if (off > len || len - off < 2)
		return 0;
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t awp_le32(const void *buf, size_t len, size_t off)
{
	const uint8_t *p = (const uint8_t *)buf + off;
	if (off > len || len - off < 4)
		return 0;
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t awp_le64(const void *buf, size_t len, size_t off)
{
	if (off > len || len - off < 8)
		return 0;
	return (uint64_t)awp_le32(buf, len, off) | ((uint64_t)awp_le32(buf, len, off + 4) << 32);
}

static inline uint16_t awp_be16(const void *buf, size_t len, size_t off)
{
	const uint8_t *p = (const uint8_t *)buf + off;
	if (off > len || len - off < 2)
		return 0;
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t awp_be32(const void *buf, size_t len, size_t off)
{
	const uint8_t *p = (const uint8_t *)buf + off;
	if (off > len || len - off < 4)
		return 0;
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline uint64_t awp_be64(const void *buf, size_t len, size_t off)
{
	if (off > len || len - off < 8)
		return 0;
	return ((uint64_t)awp_be32(buf, len, off) << 32) | (uint64_t)awp_be32(buf, len, off + 4);
}

/** a + b into *out; returns 1 on overflow. */
static inline int awp_add_overflow(uint64_t a, uint64_t b, uint64_t *out)
{
	return __builtin_add_overflow(a, b, out);
}

/** a * b into *out; returns 1 on overflow. */
static inline int awp_mul_overflow(uint64_t a, uint64_t b, uint64_t *out)
{
	return __builtin_mul_overflow(a, b, out);
}

#endif
