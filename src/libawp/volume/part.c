/*
 * volume/part.c - what GPT and MBR scanning share: adding one partition,
 * with a slice source when its range lies inside the disk and a "damaged"
 * verdict (and a warning) when it does not.
 */
#include "volume/part.h"

#include "util/error.h"

#include <stdio.h>

int awp_part_add(awp_disk *d, awp_volume *v, const char *what)
{
	uint64_t disk = awp_source_size(d->src);
	if (v->size == 0 || v->offset > disk || v->size > disk - v->offset) {
		char reason[160];
		snprintf(reason, sizeof reason, "partition range %llu+%llu bytes lies outside the disk (%llu bytes)",
			 (unsigned long long)v->offset, (unsigned long long)v->size, (unsigned long long)disk);
		v->reason_code = "damaged";
		v->reason = reason;
		int err = awp_disk_warn(d, "%s: partition %d: %s", what, v->number, reason);
		if (err < 0)
			return err;
		return awp_disk_add_volume(d, v, NULL);
	}
	char name[512];
	snprintf(name, sizeof name, "%s %s", awp_source_name(d->src), v->name);
	awp_source *slice = NULL;
	int err = awp_source_slice(&slice, d->src, v->offset, v->size, name);
	if (err < 0)
		return err;
	err = awp_disk_add_volume(d, v, slice);
	awp_source_free(slice);
	return err;
}
