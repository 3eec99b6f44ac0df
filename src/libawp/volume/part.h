/*
 * volume/part.h - private to the partition-table scanners (gpt.c, mbr.c):
 * limits on what a table read from disk may make us do, and shared helpers.
 */
#ifndef AWP_VOLUME_PART_H
#define AWP_VOLUME_PART_H

#include "volume/volume_int.h"

/** GPT entry size: the spec asks for 128 * 2^n; nobody uses more than 512. */
#define AWP_MAX_GPT_ENTRY_SIZE 1024
/** GPT entry array read at once: 128 entries of 128 bytes is the norm (16 KiB). */
#define AWP_MAX_GPT_ARRAY_BYTES (1u << 20)
/** Logical partitions in an MBR extended chain (Linux stops well before). */
#define AWP_MAX_MBR_LOGICAL 128

/**
 * Add partition `v` (offset/size in bytes filled in) to the disk. When the
 * range lies inside the disk it gets a slice source; otherwise it is listed
 * with reason "damaged" and a warning is recorded. `what` names the table in
 * the warning ("GPT", "MBR").
 */
int awp_part_add(awp_disk *d, awp_volume *v, const char *what);

#endif
