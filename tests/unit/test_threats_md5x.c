/*
 * Multi-lane MD5 (threats/md5x.c): the scalar and the 16-lane versions give
 * OpenSSL's digest for messages of every length around block and padding
 * boundaries, lanes of different lengths, and lanes fed in pieces.
 */
#include "harness.h"

#include "threats/threats_int.h"

#include "util/crypto_dl.h"

#include <stdlib.h>
#include <string.h>

static void ref_md5(const uint8_t *p, size_t n, char hex[33])
{
	uint8_t d[16];
	unsigned dl = 0;
	EVP_Digest(p, n, d, &dl, EVP_md5(), NULL);
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		hex[2 * i] = hx[d[i] >> 4];
		hex[2 * i + 1] = hx[d[i] & 15];
	}
	hex[32] = 0;
}

/* Scalar: whole blocks, then the padded tail. */
static void scalar_md5(const uint8_t *p, size_t n, char hex[33])
{
	uint32_t st[4];
	uint8_t tail[128];
	awp_md5_init(st);
	awp_md5_blocks(st, p, n / 64);
	memcpy(tail, p + n / 64 * 64, n % 64);
	awp_md5_blocks(st, tail, awp_md5_pad(tail, n % 64, n));
	awp_md5_hex(st, hex);
}

static void test_scalar(const uint8_t *data)
{
	for (size_t n = 0; n < 300; n++) {
		char a[33], b[33];
		ref_md5(data, n, a);
		scalar_md5(data, n, b);
		CHECK_EQ_STR(b, a);
	}
	char h[33];
	scalar_md5((const uint8_t *)"abc", 3, h);
	CHECK_EQ_STR(h, "900150983cd24fb0d6963f7d28e17f72"); /* RFC 1321 appendix A.5 */
}

/* Sixteen lanes of different lengths, each laid out (data + padding) in one
 * arena; lanes are advanced together by the shortest remaining count, as
 * verify.c does. */
static void test_lanes(const uint8_t *data)
{
	enum { CAP = 8192 };
	uint8_t *arena = calloc(AWP_MD5X_LANES, CAP);
	CHECK(arena != NULL);
	if (!arena)
		return;
	for (unsigned round = 0; round < 20; round++) {
		size_t len[AWP_MD5X_LANES], blocks[AWP_MD5X_LANES];
		uint32_t off[AWP_MD5X_LANES], st[4][AWP_MD5X_LANES];
		for (size_t l = 0; l < AWP_MD5X_LANES; l++) {
			len[l] = (round * 977 + l * 131) % (CAP - 256);
			uint8_t *lane = arena + l * CAP;
			memcpy(lane, data + l, len[l]);
			blocks[l] = len[l] / 64 + awp_md5_pad(lane + len[l] / 64 * 64, len[l] % 64, len[l]);
			off[l] = (uint32_t)(l * CAP);
			uint32_t s[4];
			awp_md5_init(s);
			for (int w = 0; w < 4; w++)
				st[w][l] = s[w];
		}
		for (;;) {
			size_t n = SIZE_MAX;
			for (size_t l = 0; l < AWP_MD5X_LANES; l++)
				if (blocks[l] && blocks[l] < n)
					n = blocks[l];
			if (n == SIZE_MAX)
				break;
			/* Finished lanes hash the start of their own slice (as
			 * verify.c does: every read stays inside the arena); their
			 * state is saved before and restored after. */
			for (size_t l = 0; l < AWP_MD5X_LANES; l++)
				if (!blocks[l])
					off[l] = (uint32_t)(l * CAP);
			uint32_t saved[4][AWP_MD5X_LANES];
			memcpy(saved, st, sizeof saved);
			awp_md5x_blocks(st, arena, off, n);
			for (size_t l = 0; l < AWP_MD5X_LANES; l++) {
				if (!blocks[l]) {
					for (int w = 0; w < 4; w++)
						st[w][l] = saved[w][l];
					continue;
				}
				blocks[l] -= n;
				off[l] += (uint32_t)(n * 64);
			}
		}
		for (size_t l = 0; l < AWP_MD5X_LANES; l++) {
			uint32_t s[4] = {st[0][l], st[1][l], st[2][l], st[3][l]};
			char a[33], b[33];
			awp_md5_hex(s, b);
			ref_md5(data + l, len[l], a);
			CHECK_EQ_STR(b, a);
		}
	}
	free(arena);
}

void test_main(void)
{
	uint8_t *data = malloc(1 << 16);
	CHECK(data != NULL);
	if (!data)
		return;
	uint32_t x = 12345;
	for (size_t i = 0; i < (1 << 16); i++) {
		x = x * 1103515245 + 12345;
		data[i] = (uint8_t)(x >> 16);
	}
	test_scalar(data);
	test_lanes(data);
	free(data);
}
