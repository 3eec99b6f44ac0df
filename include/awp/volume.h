/*
 * awp/volume.h - what a disk holds: partitions (GPT, MBR with logical
 * partitions), LVM2 logical volumes, or one filesystem on the whole disk.
 *
 * Every volume found is listed, including those awp does not read; each of
 * those carries a machine-readable reason code and words, so that coverage is
 * never silently partial.
 */
#ifndef AWP_VOLUME_H
#define AWP_VOLUME_H

#include <awp/common.h>
#include <awp/source.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awp_disk awp_disk;

typedef enum awp_volume_kind {
	AWP_VOL_WHOLE_DISK = 0, /**< no partition table: the disk itself */
	AWP_VOL_PARTITION,
	AWP_VOL_LVM,            /**< an LVM2 logical volume */
} awp_volume_kind;

/** One volume. All strings are borrowed from the disk; absent ones are "". */
typedef struct awp_volume {
	const char *name;        /**< "p1", "p5", "disk", "vg0/root" */
	awp_volume_kind kind;
	int number;              /**< partition number (1-based), 0 otherwise */
	uint64_t offset;         /**< bytes from the start of the disk (0 for LVM) */
	uint64_t size;           /**< bytes */
	const char *type;        /**< GPT type GUID, MBR type "0x83", LVM segment type "linear" */
	const char *type_name;   /**< "Linux filesystem", "EFI System", "Linux LVM", ... */
	const char *part_name;   /**< GPT partition name, LVM "vg/lv" */
	const char *part_uuid;   /**< GPT unique GUID, LVM LV uuid */
	const char *fs_type;     /**< "ext4", "xfs", "vfat", "swap", "LVM2_member", ... or "" */
	int readable;            /**< 1: awp reads a filesystem from it */
	const char *reason_code; /**< when not readable: "unsupported_filesystem", "encrypted",
	                              "lvm_member", "lvm_thin_unsupported", "lvm_cache_unsupported",
	                              "no_filesystem", "bios_boot", "swap", "damaged", "extended" */
	const char *reason;      /**< the same in words */
} awp_volume;

/**
 * Find the volumes on `src`: GPT (with fallback to the backup header), MBR
 * with extended/logical partitions, LVM2 physical volumes with linear and
 * striped LVs, or a filesystem on the whole disk. Damage in one table or
 * volume is a warning; the rest is still listed.
 * @return 0, or AWP_ENOMEM / AWP_EIO when the disk could not be read at all
 */
AWP_EXTERN int awp_disk_open(awp_disk **out, awp_source *src);
AWP_EXTERN void awp_disk_free(awp_disk *disk);

/** "gpt", "mbr" or "none". */
AWP_EXTERN const char *awp_disk_scheme(const awp_disk *disk);
/** GPT disk GUID or MBR disk signature ("0x1234abcd"), "" when none. */
AWP_EXTERN const char *awp_disk_id(const awp_disk *disk);
AWP_EXTERN awp_source *awp_disk_source(const awp_disk *disk);

AWP_EXTERN size_t awp_disk_volume_count(const awp_disk *disk);
AWP_EXTERN const awp_volume *awp_disk_volume(const awp_disk *disk, size_t i);
/** The volume's bytes as a source (borrowed), or NULL when it has none
 *  (e.g. an LVM volume whose segments could not be mapped). */
AWP_EXTERN awp_source *awp_disk_volume_source(const awp_disk *disk, size_t i);

/** Problems found while reading tables and metadata, in words. */
AWP_EXTERN size_t awp_disk_warning_count(const awp_disk *disk);
AWP_EXTERN const char *awp_disk_warning(const awp_disk *disk, size_t i);

#ifdef __cplusplus
}
#endif
#endif
