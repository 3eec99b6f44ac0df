/*
 * cloud/cloud_int.h - private to the instance scan (instance_scan.c) and the
 * assembly of an instance's volumes into one tree (assemble.c).
 */
#ifndef AWP_CLOUD_INT_H
#define AWP_CLOUD_INT_H

#include <awp/aws_scan.h>
#include <awp/target.h>

#include "util/arena.h"

/* /etc/fstab is a few hundred bytes; anything above 1 MiB is not one. */
#define AWP_MAX_FSTAB (1u << 20)
/* fstab entries considered (Linux machines have a handful). */
#define AWP_MAX_FSTAB_ENTRIES 256
/* Volumes of one instance (EC2 allows up to 128 attachments on Nitro). */
#define AWP_MAX_INSTANCE_VOLUMES 128
/* Filesystems found on one instance's volumes (partitions and LVs included). */
#define AWP_MAX_INSTANCE_FILESYSTEMS 1024

/* One EBS volume of an instance, as snapshotted and opened. */
typedef struct cloud_disk {
	const char *volume_id;   /* arena strings */
	const char *device;      /* block device mapping name, "" when unknown */
	const char *snapshot_id; /* the snapshot read */
	int is_root_device;
	int nvme_index;          /* guess of the nvmeN number (root 0, others in mapping order) */
	awp_target *target;      /* NULL when it could not be opened */
	const char *err_code;    /* when target is NULL */
	const char *err;
} cloud_disk;

/* What the assembly produced for one instance. */
typedef struct cloud_machine {
	awp_fs *fs;                 /* the mount table (NULL on failure) */
	awp_target *lvm;            /* volume groups spanning several disks (or NULL) */
	awp_aws_scan_volume *vols;  /* arena-allocated array */
	size_t nvols;
	int partial;                /* something that should have been read was not */
	const char *fail_code;      /* set when no tree could be made */
	const char *fail;
} cloud_machine;

/**
 * Find the root filesystem among the disks' volumes, read its /etc/fstab
 * and place the other filesystems by UUID=, LABEL=, PARTUUID=, PARTLABEL=,
 * /dev/disk/by-*, /dev/sdX|xvdX|nvmeN device names (mapped through the
 * block device mapping) and LVM names. Strings go to `a`.
 * @return 0 (failures to assemble are in m->fail_code), AWP_ENOMEM
 */
int cloud_assemble(cloud_machine *m, cloud_disk *disks, size_t n, const char *name, awp_arena *a);
void cloud_machine_clear(cloud_machine *m);

/* The pseudo-disk of volume groups spanning several disks, in the volume list. */
#define CLOUD_LVM_VOLUME_ID "lvm"
/* Reason of a per-disk LV read through the cross-volume assembly instead. */
#define CLOUD_LVM_SPANS "lvm_spans_volumes"

/* Exposed for tests: the normalised base device name and partition of a
 * /dev path ("/dev/sdf1" -> "xvdf", 1; "/dev/nvme1n1p2" -> "nvme1", 2). */
int cloud_parse_device(const char *dev, char *base, size_t base_len, int *part);

/* One /etc/fstab line: fields point into the parsed buffer, spec and file
 * with their octal escapes (\040) undone; opts is "" when absent. */
typedef struct cloud_fstab_entry {
	char *spec, *file, *type;
	const char *opts;
} cloud_fstab_entry;

/**
 * The next entry of a NUL-terminated fstab text, parsed in place (the text
 * is modified; *cursor starts at it). Comments, blank lines and lines with
 * fewer than 3 fields are skipped.
 * @return 1 with *e filled, 0 at the end
 */
int cloud_fstab_next(char **cursor, cloud_fstab_entry *e);
/** 1 when the entry mounts a filesystem from a volume somewhere below "/"
 *  (not the root, a swap/virtual/network type, or a bind mount). */
int cloud_fstab_places(const cloud_fstab_entry *e);
/* Exposed for tests: "/dev/mapper/vg-lv" or "/dev/vg/lv" -> "vg/lv", or -1. */
int cloud_lvm_name(const char *spec, char *out, size_t len);

#endif
