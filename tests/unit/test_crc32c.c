/*
 * util/crc32c.c and its use as libext2fs's ext2fs_crc32c_le: the
 * instruction path and the table path agree with a bit-by-bit reference on
 * random data at every alignment and length (short ones, and medium and
 * long ones taken in interleaved rounds), the known check value holds,
 * and the process's ext2fs_crc32c_le is awp's (libext2fs binds to it).
 */
#include "harness.h"
#include "util/crc32c.h"

#include <dlfcn.h>
#include <ext2fs/ext2fs.h>
#include <stdlib.h>
#include <string.h>

static uint32_t reference(uint32_t crc, const unsigned char *p, size_t len)
{
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
	}
	return crc;
}

void test_main(void)
{
	CHECK_EQ_INT(awp_crc32c(0, "123456789", 9), 0xe3069283);
	unsigned char buf[4096 + 16];
	uint32_t seed = 12345;
	for (size_t i = 0; i < sizeof buf; i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (unsigned char)(seed >> 16);
	}
	int bad = 0;
	for (size_t off = 0; off < 16; off++) {
		for (size_t len = 0; len <= 300; len += (len < 40 ? 1 : 37)) {
			uint32_t init = (uint32_t)(off * 2654435761u + len);
			uint32_t want = reference(init, buf + off, len);
			bad += awp_crc32c_update(init, buf + off, len) != want;
			bad += awp_crc32c_update_sw(init, buf + off, len) != want;
			bad += ext2fs_crc32c_le(init, buf + off, len) != want;
		}
	}
	CHECK_EQ_INT(bad, 0);
	/* lengths around the three-stripe rounds (3 x 64 and 3 x 256 bytes) */
	static const size_t longs[] = {191, 192, 193, 200, 255, 256, 383, 384, 385, 575, 576, 767, 768, 769, 775,
				       959, 960, 1000, 1535, 1536, 1537, 2303, 2304, 3072, 4000, 4096};
	for (size_t off = 0; off < 16; off += 3)
		for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++) {
			uint32_t init = (uint32_t)(off * 2654435761u + longs[i]);
			bad += awp_crc32c_update(init, buf + off, longs[i]) != reference(init, buf + off, longs[i]);
		}
	CHECK_EQ_INT(bad, 0);
	/* a whole 4 KiB directory block, as libext2fs checksums them */
	CHECK_EQ_INT(awp_crc32c_update(~0u, buf, 4096), reference(~0u, buf, 4096));
	/* the process's ext2fs_crc32c_le, which libext2fs calls through its
	 * PLT, is the one this executable exports */
	void *sym = dlsym(RTLD_DEFAULT, "ext2fs_crc32c_le");
	void *ours = (void *)(uintptr_t)&ext2fs_crc32c_le;
	CHECK_MSG(sym == ours, "libext2fs would bind to its own crc32c");
}
