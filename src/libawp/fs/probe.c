/*
 * fs/probe.c - name what a volume holds from its signature, including the
 * things awp does not read (so a skipped volume can say what it is).
 * Offsets are from each format's specification: ext superblock at 1024
 * (magic at +0x38), XFS "XFSB" at 0, btrfs "_BHRfS_M" at 64 KiB + 0x40,
 * swap "SWAPSPACE2" at the end of the first page, LVM2 "LABELONE" in one of
 * the first four sectors, LUKS "LUKS\xba\xbe" at 0.
 */
#include <awp/fs.h>

#include "util/bytes.h"

#include <string.h>

/* ext feature bits that only ext4 sets (incompat: extents, 64bit, flex_bg, inline_data...). */
#define EXT4_INCOMPAT_ONLY 0x0000f3c0u
#define EXT3_COMPAT_HAS_JOURNAL 0x4u

static int read_opt(awp_source *src, void *buf, size_t len, uint64_t off)
{
	uint64_t size = awp_source_size(src);
	if (off > size || len > size - off)
		return -1;
	return awp_source_read(src, buf, len, off) < 0 ? -1 : 0;
}

static const char *probe_ext(awp_source *src)
{
	unsigned char sb[1024];
	if (read_opt(src, sb, sizeof sb, 1024) < 0 || awp_le16(sb, sizeof sb, 0x38) != 0xEF53)
		return NULL;
	uint32_t compat = awp_le32(sb, sizeof sb, 0x5C);
	uint32_t incompat = awp_le32(sb, sizeof sb, 0x60);
	if (incompat & EXT4_INCOMPAT_ONLY)
		return "ext4";
	if (compat & EXT3_COMPAT_HAS_JOURNAL)
		return "ext3";
	return "ext2";
}

static int looks_fat(const unsigned char *bs)
{
	if (bs[510] != 0x55 || bs[511] != 0xAA)
		return 0;
	if (!(bs[0] == 0xEB || bs[0] == 0xE9))
		return 0;
	uint16_t bps = awp_le16(bs, 512, 11);
	uint8_t spc = bs[13];
	if (bps < 512 || bps > 4096 || (bps & (bps - 1)) || spc == 0 || (spc & (spc - 1)))
		return 0;
	return memcmp(bs + 0x36, "FAT", 3) == 0 || memcmp(bs + 0x52, "FAT32", 5) == 0 ||
	       (awp_le16(bs, 512, 14) > 0 && bs[16] > 0);
}

AWP_EXTERN const char *awp_fs_probe(awp_source *src)
{
	unsigned char b[4096];
	const char *ext = probe_ext(src);
	if (ext)
		return ext;
	if (read_opt(src, b, 4096, 0) == 0) {
		if (memcmp(b, "XFSB", 4) == 0)
			return "xfs";
		if (memcmp(b, "LUKS\xba\xbe", 6) == 0)
			return "crypto_LUKS";
		if (memcmp(b + 4096 - 10, "SWAPSPACE2", 10) == 0 || memcmp(b + 4096 - 10, "SWAP-SPACE", 10) == 0)
			return "swap";
		for (int s = 0; s < 4; s++)
			if (memcmp(b + s * 512, "LABELONE", 8) == 0 && memcmp(b + s * 512 + 24, "LVM2 001", 8) == 0)
				return "LVM2_member";
		if (memcmp(b, "hsqs", 4) == 0)
			return "squashfs";
		if (memcmp(b + 3, "NTFS    ", 8) == 0)
			return "ntfs";
		if (memcmp(b + 3, "EXFAT   ", 8) == 0)
			return "exfat";
		if (looks_fat(b))
			return "vfat";
	}
	if (read_opt(src, b, 8, 0x10040) == 0 && memcmp(b, "_BHRfS_M", 8) == 0)
		return "btrfs";
	if (read_opt(src, b, 5, 0x8001) == 0 && memcmp(b, "CD001", 5) == 0)
		return "iso9660";
	return NULL;
}
