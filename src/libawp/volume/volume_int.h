/*
 * volume/volume_int.h - private to the volume module: the disk object that the
 * partition-table and LVM scanners fill in.
 */
#ifndef AWP_VOLUME_INT_H
#define AWP_VOLUME_INT_H

#include <awp/volume.h>

struct disk_volume {
	awp_volume v;          /* strings owned (strdup'd) */
	awp_source *src;       /* owned reference or NULL */
};

struct awp_disk {
	awp_source *src;
	char *scheme;
	char *id;
	struct disk_volume *vols;
	size_t nvols, cap;
	char **warnings;
	size_t nwarn, warncap;
};

/**
 * Append a volume. Strings in *v are copied (NULL becomes ""); `src` is
 * referenced (may be NULL). fs_type/readable/reason are filled in later by
 * disk.c unless reason_code is already set.
 */
int awp_disk_add_volume(awp_disk *d, const awp_volume *v, awp_source *src);
/** Record a warning (formatted). Returns 0 or AWP_ENOMEM. */
int awp_disk_warn(awp_disk *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Set scheme ("gpt"/"mbr"/"none") and disk id. */
int awp_disk_set_scheme(awp_disk *d, const char *scheme, const char *id);

/**
 * Scanners: each returns 1 when it found its table and added volumes, 0 when
 * the table is absent, <0 on a fatal error (I/O). Damage is a warning.
 */
int awp_part_gpt_scan(awp_disk *d);
int awp_part_mbr_scan(awp_disk *d);
/** Assemble LVM2 from the disk's volumes whose fs_type is "LVM2_member"
 *  and append the logical volumes. */
int awp_lvm_scan(awp_disk *d);

/**
 * A disk with no source of its own (awp_disk_source() is NULL) and no
 * volumes yet, scheme "none", id `name`: the holder of volumes assembled
 * from other disks (LVM volume groups spanning several disks).
 */
int awp_disk_new_virtual(awp_disk **out, const char *name);
/**
 * A virtual disk holding the logical volumes of the volume groups found on
 * the PV sources `pvs[0..n)` (from any disks; `pv_names` for messages),
 * each classified like the volumes of awp_disk_open().
 * @return 0 or AWP_ENOMEM
 */
int awp_disk_open_lvm(awp_disk **out, const char *name, awp_source *const *pvs, const char *const *pv_names,
		      size_t n);

#endif
