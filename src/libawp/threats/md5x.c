/*
 * threats/md5x.c - MD5 (RFC 1321) over many independent messages at once.
 *
 * dpkg records an MD5 per installed file, so checking a Debian system for
 * tampered files means hashing most of its bytes with MD5. One MD5 stream is
 * a chain of dependent 32-bit additions and rotations (about 5 cycles per
 * byte, ~700 MB/s, whatever the library); but the files are independent, so
 * with AVX-512 sixteen files are hashed side by side, one per 32-bit lane of
 * a 512-bit register (the "multi-buffer" technique): the same instructions,
 * sixteen times the work. The caller (verify.c) keeps the lanes fed.
 *
 * The algorithm below is written from RFC 1321 (section 3.4: the four
 * auxiliary functions, the 64-entry table T[i] = floor(2^32 * |sin(i)|), the
 * per-round shift amounts and message word orders). The vector version
 * computes F/G/H/I with one ternary-logic instruction each and rotates with
 * VPROLD; message words are gathered from the sixteen lane buffers, which
 * all lie in one allocation so 32-bit offsets from its start reach them.
 *
 * Invariant: both versions produce the same state as OpenSSL's MD5 for the
 * same blocks (tests/unit/test_threats_md5x.c).
 */
#include "threats/threats_int.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MD5X_HAVE_AVX512 1
#include <immintrin.h>
#endif

static const uint32_t T[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

void awp_md5_init(uint32_t st[4])
{
	st[0] = 0x67452301;
	st[1] = 0xefcdab89;
	st[2] = 0x98badcfe;
	st[3] = 0x10325476;
}

static inline uint32_t rol(uint32_t x, unsigned s)
{
	return (x << s) | (x >> (32 - s));
}

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One step: a = b + ((a + f(b,c,d) + X[k] + T[i]) <<< s). */
#define SF(b, c, d) (d ^ (b & (c ^ d)))
#define SG(b, c, d) (c ^ (d & (b ^ c)))
#define SH(b, c, d) (b ^ c ^ d)
#define SI(b, c, d) (c ^ (b | ~d))
#define S(f, a, b, c, d, k, i, s) a = b + rol(a + f(b, c, d) + X[k] + T[i], s)

void awp_md5_blocks(uint32_t st[4], const uint8_t *p, size_t nblocks)
{
	uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
	for (; nblocks; nblocks--, p += 64) {
		uint32_t X[16];
		for (int j = 0; j < 16; j++)
			X[j] = le32(p + 4 * j);
		uint32_t aa = a, bb = b, cc = c, dd = d;
		S(SF, a, b, c, d, 0, 0, 7); S(SF, d, a, b, c, 1, 1, 12); S(SF, c, d, a, b, 2, 2, 17); S(SF, b, c, d, a, 3, 3, 22);
		S(SF, a, b, c, d, 4, 4, 7); S(SF, d, a, b, c, 5, 5, 12); S(SF, c, d, a, b, 6, 6, 17); S(SF, b, c, d, a, 7, 7, 22);
		S(SF, a, b, c, d, 8, 8, 7); S(SF, d, a, b, c, 9, 9, 12); S(SF, c, d, a, b, 10, 10, 17); S(SF, b, c, d, a, 11, 11, 22);
		S(SF, a, b, c, d, 12, 12, 7); S(SF, d, a, b, c, 13, 13, 12); S(SF, c, d, a, b, 14, 14, 17); S(SF, b, c, d, a, 15, 15, 22);
		S(SG, a, b, c, d, 1, 16, 5); S(SG, d, a, b, c, 6, 17, 9); S(SG, c, d, a, b, 11, 18, 14); S(SG, b, c, d, a, 0, 19, 20);
		S(SG, a, b, c, d, 5, 20, 5); S(SG, d, a, b, c, 10, 21, 9); S(SG, c, d, a, b, 15, 22, 14); S(SG, b, c, d, a, 4, 23, 20);
		S(SG, a, b, c, d, 9, 24, 5); S(SG, d, a, b, c, 14, 25, 9); S(SG, c, d, a, b, 3, 26, 14); S(SG, b, c, d, a, 8, 27, 20);
		S(SG, a, b, c, d, 13, 28, 5); S(SG, d, a, b, c, 2, 29, 9); S(SG, c, d, a, b, 7, 30, 14); S(SG, b, c, d, a, 12, 31, 20);
		S(SH, a, b, c, d, 5, 32, 4); S(SH, d, a, b, c, 8, 33, 11); S(SH, c, d, a, b, 11, 34, 16); S(SH, b, c, d, a, 14, 35, 23);
		S(SH, a, b, c, d, 1, 36, 4); S(SH, d, a, b, c, 4, 37, 11); S(SH, c, d, a, b, 7, 38, 16); S(SH, b, c, d, a, 10, 39, 23);
		S(SH, a, b, c, d, 13, 40, 4); S(SH, d, a, b, c, 0, 41, 11); S(SH, c, d, a, b, 3, 42, 16); S(SH, b, c, d, a, 6, 43, 23);
		S(SH, a, b, c, d, 9, 44, 4); S(SH, d, a, b, c, 12, 45, 11); S(SH, c, d, a, b, 15, 46, 16); S(SH, b, c, d, a, 2, 47, 23);
		S(SI, a, b, c, d, 0, 48, 6); S(SI, d, a, b, c, 7, 49, 10); S(SI, c, d, a, b, 14, 50, 15); S(SI, b, c, d, a, 5, 51, 21);
		S(SI, a, b, c, d, 12, 52, 6); S(SI, d, a, b, c, 3, 53, 10); S(SI, c, d, a, b, 10, 54, 15); S(SI, b, c, d, a, 1, 55, 21);
		S(SI, a, b, c, d, 8, 56, 6); S(SI, d, a, b, c, 15, 57, 10); S(SI, c, d, a, b, 6, 58, 15); S(SI, b, c, d, a, 13, 59, 21);
		S(SI, a, b, c, d, 4, 60, 6); S(SI, d, a, b, c, 11, 61, 10); S(SI, c, d, a, b, 2, 62, 15); S(SI, b, c, d, a, 9, 63, 21);
		a += aa;
		b += bb;
		c += cc;
		d += dd;
	}
	st[0] = a;
	st[1] = b;
	st[2] = c;
	st[3] = d;
}

size_t awp_md5_pad(uint8_t *tail, size_t taillen, uint64_t total)
{
	/* tail holds the last taillen (< 64) bytes; room for 128 bytes. */
	size_t n = taillen + 1 + 8 <= 64 ? 64 : 128;
	tail[taillen] = 0x80;
	memset(tail + taillen + 1, 0, n - taillen - 1 - 8);
	uint64_t bits = total * 8;
	for (int i = 0; i < 8; i++)
		tail[n - 8 + i] = (uint8_t)(bits >> (8 * i));
	return n / 64;
}

void awp_md5_hex(const uint32_t st[4], char out[33])
{
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		uint8_t byte = (uint8_t)(st[i / 4] >> (8 * (i % 4)));
		out[2 * i] = hx[byte >> 4];
		out[2 * i + 1] = hx[byte & 15];
	}
	out[32] = 0;
}

#ifdef MD5X_HAVE_AVX512

#define VT(i) _mm512_set1_epi32((int)T[i])
/* F = b?c:d (0xCA), G = d?b:c (0xE4 with b,c,d), H = b^c^d (0x96), I = c^(b|~d) (0x39). */
#define VF(b, c, d) _mm512_ternarylogic_epi32(b, c, d, 0xCA)
#define VG(b, c, d) _mm512_ternarylogic_epi32(b, c, d, 0xE4)
#define VH(b, c, d) _mm512_ternarylogic_epi32(b, c, d, 0x96)
#define VI(b, c, d) _mm512_ternarylogic_epi32(b, c, d, 0x39)
#define V(f, a, b, c, d, k, i, s)                                                                          \
	a = _mm512_add_epi32(                                                                              \
		b, _mm512_rol_epi32(_mm512_add_epi32(_mm512_add_epi32(a, f(b, c, d)),                      \
						     _mm512_add_epi32(X[k], VT(i))),                       \
				    s))

__attribute__((target("avx512f"))) static void blocks16(uint32_t st[4][16], const uint8_t *base,
							  const uint32_t off[16], size_t nblocks)
{
	__m512i a = _mm512_loadu_si512(st[0]), b = _mm512_loadu_si512(st[1]);
	__m512i c = _mm512_loadu_si512(st[2]), d = _mm512_loadu_si512(st[3]);
	__m512i idx = _mm512_loadu_si512(off);
	const __m512i step = _mm512_set1_epi32(64);
	for (; nblocks; nblocks--) {
		__m512i X[16];
		for (int j = 0; j < 16; j++)
			X[j] = _mm512_i32gather_epi32(idx, (const void *)(base + 4 * j), 1);
		idx = _mm512_add_epi32(idx, step);
		__m512i aa = a, bb = b, cc = c, dd = d;
		V(VF, a, b, c, d, 0, 0, 7); V(VF, d, a, b, c, 1, 1, 12); V(VF, c, d, a, b, 2, 2, 17); V(VF, b, c, d, a, 3, 3, 22);
		V(VF, a, b, c, d, 4, 4, 7); V(VF, d, a, b, c, 5, 5, 12); V(VF, c, d, a, b, 6, 6, 17); V(VF, b, c, d, a, 7, 7, 22);
		V(VF, a, b, c, d, 8, 8, 7); V(VF, d, a, b, c, 9, 9, 12); V(VF, c, d, a, b, 10, 10, 17); V(VF, b, c, d, a, 11, 11, 22);
		V(VF, a, b, c, d, 12, 12, 7); V(VF, d, a, b, c, 13, 13, 12); V(VF, c, d, a, b, 14, 14, 17); V(VF, b, c, d, a, 15, 15, 22);
		V(VG, a, b, c, d, 1, 16, 5); V(VG, d, a, b, c, 6, 17, 9); V(VG, c, d, a, b, 11, 18, 14); V(VG, b, c, d, a, 0, 19, 20);
		V(VG, a, b, c, d, 5, 20, 5); V(VG, d, a, b, c, 10, 21, 9); V(VG, c, d, a, b, 15, 22, 14); V(VG, b, c, d, a, 4, 23, 20);
		V(VG, a, b, c, d, 9, 24, 5); V(VG, d, a, b, c, 14, 25, 9); V(VG, c, d, a, b, 3, 26, 14); V(VG, b, c, d, a, 8, 27, 20);
		V(VG, a, b, c, d, 13, 28, 5); V(VG, d, a, b, c, 2, 29, 9); V(VG, c, d, a, b, 7, 30, 14); V(VG, b, c, d, a, 12, 31, 20);
		V(VH, a, b, c, d, 5, 32, 4); V(VH, d, a, b, c, 8, 33, 11); V(VH, c, d, a, b, 11, 34, 16); V(VH, b, c, d, a, 14, 35, 23);
		V(VH, a, b, c, d, 1, 36, 4); V(VH, d, a, b, c, 4, 37, 11); V(VH, c, d, a, b, 7, 38, 16); V(VH, b, c, d, a, 10, 39, 23);
		V(VH, a, b, c, d, 13, 40, 4); V(VH, d, a, b, c, 0, 41, 11); V(VH, c, d, a, b, 3, 42, 16); V(VH, b, c, d, a, 6, 43, 23);
		V(VH, a, b, c, d, 9, 44, 4); V(VH, d, a, b, c, 12, 45, 11); V(VH, c, d, a, b, 15, 46, 16); V(VH, b, c, d, a, 2, 47, 23);
		V(VI, a, b, c, d, 0, 48, 6); V(VI, d, a, b, c, 7, 49, 10); V(VI, c, d, a, b, 14, 50, 15); V(VI, b, c, d, a, 5, 51, 21);
		V(VI, a, b, c, d, 12, 52, 6); V(VI, d, a, b, c, 3, 53, 10); V(VI, c, d, a, b, 10, 54, 15); V(VI, b, c, d, a, 1, 55, 21);
		V(VI, a, b, c, d, 8, 56, 6); V(VI, d, a, b, c, 15, 57, 10); V(VI, c, d, a, b, 6, 58, 15); V(VI, b, c, d, a, 13, 59, 21);
		V(VI, a, b, c, d, 4, 60, 6); V(VI, d, a, b, c, 11, 61, 10); V(VI, c, d, a, b, 2, 62, 15); V(VI, b, c, d, a, 9, 63, 21);
		a = _mm512_add_epi32(a, aa);
		b = _mm512_add_epi32(b, bb);
		c = _mm512_add_epi32(c, cc);
		d = _mm512_add_epi32(d, dd);
	}
	_mm512_storeu_si512(st[0], a);
	_mm512_storeu_si512(st[1], b);
	_mm512_storeu_si512(st[2], c);
	_mm512_storeu_si512(st[3], d);
}
#endif

size_t awp_md5x_lanes(void)
{
#ifdef MD5X_HAVE_AVX512
	static int have = -1; /* every thread computes the same answer */
	int h = __atomic_load_n(&have, __ATOMIC_RELAXED);
	if (h < 0) {
		__builtin_cpu_init();
		h = __builtin_cpu_supports("avx512f") ? 1 : 0;
		__atomic_store_n(&have, h, __ATOMIC_RELAXED);
	}
	if (h)
		return AWP_MD5X_LANES;
#endif
	return 1;
}

void awp_md5x_blocks(uint32_t st[4][AWP_MD5X_LANES], const uint8_t *base, const uint32_t off[AWP_MD5X_LANES],
		     size_t nblocks)
{
#ifdef MD5X_HAVE_AVX512
	if (awp_md5x_lanes() == AWP_MD5X_LANES) {
		blocks16(st, base, off, nblocks);
		return;
	}
#endif
	for (size_t l = 0; l < AWP_MD5X_LANES; l++) {
		uint32_t s[4] = {st[0][l], st[1][l], st[2][l], st[3][l]};
		awp_md5_blocks(s, base + off[l], nblocks);
		st[0][l] = s[0], st[1][l] = s[1], st[2][l] = s[2], st[3][l] = s[3];
	}
}
