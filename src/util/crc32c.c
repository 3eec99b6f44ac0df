/*
 * util/crc32c.c - CRC-32C (util/crc32c.h).
 */
#include "util/crc32c.h"

#include <pthread.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define AWP_CRC32C_HW 1
#include <nmmintrin.h>

__attribute__((target("sse4.2"))) static uint32_t update_hw1(uint32_t crc, const unsigned char *p, size_t len)
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

/*
 * The crc32 instruction takes 3 cycles but can start one per cycle, so one
 * running register uses a third of it. Long buffers go through in rounds of
 * three stripes updated side by side, the last two from 0, then joined: the
 * register is linear, so crc(c, A.B.C) = shift2(crc(c, A)) ^
 * shift1(crc(0, B)) ^ crc(0, C), where shiftN(x) = crc(x, N stripes of zero
 * bytes), read from tables of the images of each byte of x. Two stripe
 * sizes: 256 bytes for long buffers (directory blocks), 64 for medium ones
 * (a 256-byte inode's checksum).
 */
#define STRIPE_LONG 256
#define STRIPE_SHORT 64
static uint32_t shift_tab[2][2][4][256]; /* [long?][stripes - 1][byte of x][value] */
static pthread_once_t shift_once = PTHREAD_ONCE_INIT;

__attribute__((target("sse4.2"))) static void shift_init(void)
{
	static const unsigned char zeros[2 * STRIPE_LONG];
	for (int l = 0; l < 2; l++)
		for (int t = 0; t < 2; t++) {
			uint32_t bit[32];
			for (int i = 0; i < 32; i++)
				bit[i] = update_hw1(1u << i, zeros, (size_t)(t + 1) * (l ? STRIPE_LONG : STRIPE_SHORT));
			for (int k = 0; k < 4; k++)
				for (uint32_t b = 0; b < 256; b++) {
					uint32_t v = 0;
					for (int i = 0; i < 8; i++)
						if (b & (1u << i))
							v ^= bit[8 * k + i];
					shift_tab[l][t][k][b] = v;
				}
		}
}

static inline uint32_t shift(int l, int t, uint32_t x)
{
	const uint32_t(*tab)[256] = shift_tab[l][t];
	return tab[0][x & 0xff] ^ tab[1][(x >> 8) & 0xff] ^ tab[2][(x >> 16) & 0xff] ^ tab[3][x >> 24];
}

/* Rounds of three `stripe`-byte stripes while they fit; the rest is left. */
__attribute__((target("sse4.2"))) static inline uint32_t rounds(uint32_t crc, const unsigned char **pp, size_t *lenp,
								 size_t stripe, int l)
{
	const unsigned char *p = *pp;
	size_t len = *lenp;
	while (len >= 3 * stripe) {
		uint64_t a = crc, b = 0, c = 0;
		for (size_t i = 0; i < stripe; i += 8) {
			uint64_t va, vb, vc;
			memcpy(&va, p + i, 8);
			memcpy(&vb, p + stripe + i, 8);
			memcpy(&vc, p + 2 * stripe + i, 8);
			a = _mm_crc32_u64(a, va);
			b = _mm_crc32_u64(b, vb);
			c = _mm_crc32_u64(c, vc);
		}
		crc = shift(l, 1, (uint32_t)a) ^ shift(l, 0, (uint32_t)b) ^ (uint32_t)c;
		p += 3 * stripe;
		len -= 3 * stripe;
	}
	*pp = p;
	*lenp = len;
	return crc;
}

__attribute__((target("sse4.2"))) static uint32_t update_hw(uint32_t crc, const unsigned char *p, size_t len)
{
	if (len >= 3 * STRIPE_SHORT) {
		pthread_once(&shift_once, shift_init);
		crc = rounds(crc, &p, &len, STRIPE_LONG, 1);
		crc = rounds(crc, &p, &len, STRIPE_SHORT, 0);
	}
	return update_hw1(crc, p, len);
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
