/*
 * fs/vfat_int.h - private to fs/vfat.c: on-disk constants and hard limits
 * of the FAT12/16/32 reader.
 *
 * Layout facts are from Microsoft's "FAT: General Overview of On-Disk
 * Format" (the FAT32 File System Specification, 2000).
 */
#ifndef AWP_FS_VFAT_INT_H
#define AWP_FS_VFAT_INT_H

#include <stdint.h>

/* Boot sector / BPB field offsets (spec section 3). */
#define VFAT_BPB_BYTS_PER_SEC 11
#define VFAT_BPB_SEC_PER_CLUS 13
#define VFAT_BPB_RSVD_SEC_CNT 14
#define VFAT_BPB_NUM_FATS 16
#define VFAT_BPB_ROOT_ENT_CNT 17
#define VFAT_BPB_TOT_SEC16 19
#define VFAT_BPB_FAT_SZ16 22
#define VFAT_BPB_TOT_SEC32 32
/* FAT12/16 extended BPB */
#define VFAT_BS16_BOOT_SIG 38
#define VFAT_BS16_VOL_ID 39
#define VFAT_BS16_VOL_LAB 43
/* FAT32 extended BPB */
#define VFAT_BPB32_FAT_SZ32 36
#define VFAT_BPB32_EXT_FLAGS 40
#define VFAT_BPB32_ROOT_CLUS 44
#define VFAT_BPB32_FS_INFO 48
#define VFAT_BS32_BOOT_SIG 66
#define VFAT_BS32_VOL_ID 67
#define VFAT_BS32_VOL_LAB 71

/* FSInfo sector (spec section 5). */
#define VFAT_FSI_LEAD_SIG 0x41615252u
#define VFAT_FSI_STRUC_SIG 0x61417272u
#define VFAT_FSI_STRUC_SIG_OFF 484
#define VFAT_FSI_FREE_COUNT_OFF 488

/* FAT type by cluster count (spec section 3.5). */
#define VFAT_FAT12_MAX_CLUSTERS 4084u
#define VFAT_FAT16_MAX_CLUSTERS 65524u
/* FAT32 entries are 28 bits; 0x0FFFFFF7 is "bad", so the highest data
 * cluster number is 0x0FFFFFF6 and there are at most that minus 1 clusters. */
#define VFAT_FAT32_MAX_CLUSTERS 0x0FFFFFF5u

/* Directory entry (spec section 6). */
#define VFAT_DIRENT_SIZE 32
#define VFAT_ATTR_READ_ONLY 0x01
#define VFAT_ATTR_HIDDEN 0x02
#define VFAT_ATTR_SYSTEM 0x04
#define VFAT_ATTR_VOLUME_ID 0x08
#define VFAT_ATTR_DIRECTORY 0x10
#define VFAT_ATTR_LONG_NAME 0x0F
#define VFAT_ATTR_LONG_NAME_MASK 0x3F
#define VFAT_DIR_FREE_ALL 0x00     /* this and every later entry are free */
#define VFAT_DIR_DELETED 0xE5
#define VFAT_DIR_KANJI_E5 0x05     /* first byte really is 0xE5 */
#define VFAT_NTRES_LOWER_BASE 0x08 /* byte 12: base name is lower case */
#define VFAT_NTRES_LOWER_EXT 0x10  /* byte 12: extension is lower case */
#define VFAT_LFN_LAST 0x40         /* ord flag of the last (first stored) LFN entry */
#define VFAT_LFN_CHARS 13          /* UTF-16 units per LFN entry */

/* --- limits (for untrusted input) ------------------------------------------ */

/* LFN order numbers are 1..20: 20 x 13 = 260 UTF-16 units >= the 255-char name limit. */
#define AWP_VFAT_MAX_LFN_ENTRIES 20
/* The spec caps a directory at 65536 entries (2 MiB); a longer chain is damage. */
#define AWP_VFAT_MAX_DIR_BYTES (65536u * VFAT_DIRENT_SIZE)
/* Largest cluster accepted: 128 sectors of 4 KiB (beyond what any formatter makes). */
#define AWP_VFAT_MAX_CLUSTER_BYTES (512u * 1024u)
/* Runs cached per open file: 1M runs = 16 MiB of map for a pathologically
 * fragmented file; such a file is refused with AWP_ELIMIT, not read. */
#define AWP_VFAT_MAX_RUNS (1u << 20)
/* used_bytes counts FAT entries only when the FAT is at most this large
 * (8 MiB = 2M FAT32 clusters) so open stays cheap; else FSInfo or unknown. */
#define AWP_VFAT_MAX_USED_SCAN_BYTES (8u * 1024u * 1024u)
/* FAT sectors are read through a window of this size. */
#define VFAT_FAT_WINDOW (64u * 1024u)
/* Directories are read in chunks of this size. */
#define VFAT_DIR_CHUNK (64u * 1024u)

#endif
