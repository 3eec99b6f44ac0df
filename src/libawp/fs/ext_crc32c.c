/*
 * fs/ext_crc32c.c - libext2fs's CRC-32C, replaced by util/crc32c.c.
 *
 * Why: on a metadata_csum filesystem libext2fs verifies the checksum of
 * every inode, directory block and extent block it reads with its own
 * table-driven ext2fs_crc32c_le(); on the Debian fixture that was half of a
 * metadata walk (~4 ms of `awp sbom`'s 23 ms). libext2fs calls the function
 * through its PLT, so a definition with the same name and contract in the
 * process takes its place: libawp.so exports this one and comes before
 * libext2fs in the lookup order; executables linked with the static library
 * pull it in and export it (-u and --export-dynamic-symbol, CMakeLists.txt).
 * The contract is the reflected CRC-32C register update without inversion,
 * which is what the CPU's crc32 instruction computes. The checks stay as
 * strict as before; only their speed changes.
 */
#include "fs/ext_int.h"

#include "util/crc32c.h"

AWP_EXTERN __u32 ext2fs_crc32c_le(__u32 crc, unsigned char const *p, size_t len)
{
	return awp_crc32c_update(crc, p, len);
}
