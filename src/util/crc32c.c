/*
 * util/crc32c.c - CRC-32C (util/crc32c.h).
 */
#include "util/crc32c.h"

#include <pthread.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define AWP_CRC32C_HW 1
#include <nmmintrin.h>

__attribute__((target("sse4.2"))) static uint32_t update_hw(uint32_t crc, const unsigned char *p, size_t len)
{
	while (len && ((uintptr_t)p & 7)) {
		crc = _mm_crc32_u8(crc, *p++);
		len--;
	}
	uint64_t c = crc;
	while (len >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		c = _mm_crc32_u64(c, v);
		p += 8;
		len -= 8;
	}
	crc = (uint32_t)c;
	while (len--)
		crc = _mm_crc32_u8(crc, *p++);
	return crc;
}
#endif

static uint32_t table[256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
		table[i] = c;
	}
}

uint32_t awp_crc32c_update_sw(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	pthread_once(&table_once, table_init);
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

uint32_t awp_crc32c_update(uint32_t crc, const void *buf, size_t len)
{
#ifdef AWP_CRC32C_HW
	static int have = -1; /* every thread computes the same answer */
	int h = __atomic_load_n(&have, __ATOMIC_RELAXED);
	if (h < 0) {
		__builtin_cpu_init();
		h = __builtin_cpu_supports("sse4.2") ? 1 : 0;
		__atomic_store_n(&have, h, __ATOMIC_RELAXED);
	}
	if (h)
		return update_hw(crc, buf, len);
#endif
	return awp_crc32c_update_sw(crc, buf, len);
}

uint32_t awp_crc32c(uint32_t crc, const void *buf, size_t len)
{
	return ~awp_crc32c_update(~crc, buf, len);
}
