/*
 * tests/unit/part_expect.h - shared by test_gpt.c and test_mbr.c: open a
 * disk image through awp, and read expected partitions from a TSV file made
 * with sfdisk --json | jq (number, offset, size, type, uuid, name).
 */
#ifndef AWP_TEST_PART_EXPECT_H
#define AWP_TEST_PART_EXPECT_H

#include "harness.h"
#include "fscompare.h"

#include <awp/volume.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct expect_part {
	int number;
	unsigned long long offset, size;
	char type[64], uuid[64], name[256];
};

/* jq filter over sfdisk --json: one line per partition, tab separated,
 * offsets and sizes in bytes (sector size from the table). */
#define SFDISK_JQ \
	"'.partitiontable as $t | $t.partitions[] | [(.node | capture(\"(?<n>[0-9]+)$\").n), " \
	"(.start * ($t.sectorsize // 512)), (.size * ($t.sectorsize // 512)), .type, (.uuid // \"\"), " \
	"(.name // \"\")] | @tsv'"

static inline int read_expect(const char *path, struct expect_part *out, int cap)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[1024];
	int n = 0;
	while (n < cap && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *field[6] = {0};
		char *p = line;
		for (int i = 0; i < 6; i++) {
			field[i] = p;
			char *tab = p ? strchr(p, '\t') : NULL;
			if (tab)
				*tab = '\0';
			p = tab ? tab + 1 : NULL;
		}
		struct expect_part *e = &out[n++];
		memset(e, 0, sizeof(*e));
		e->number = (int)strtol(field[0], NULL, 10);
		e->offset = strtoull(field[1] ? field[1] : "0", NULL, 10);
		e->size = strtoull(field[2] ? field[2] : "0", NULL, 10);
		snprintf(e->type, sizeof e->type, "%s", field[3] ? field[3] : "");
		snprintf(e->uuid, sizeof e->uuid, "%s", field[4] ? field[4] : "");
		snprintf(e->name, sizeof e->name, "%s", field[5] ? field[5] : "");
	}
	fclose(f);
	return n;
}

/* Open `path` (any image format) as a disk. */
static inline awp_disk *open_disk(const char *path)
{
	awp_source *src = NULL;
	int err = awp_source_open(&src, path);
	CHECK_MSG(err == 0, awp_error_last());
	if (err)
		return NULL;
	awp_disk *d = NULL;
	err = awp_disk_open(&d, src);
	CHECK_MSG(err == 0, awp_error_last());
	awp_source_free(src);
	return err ? NULL : d;
}

static inline const awp_volume *find_number(const awp_disk *d, int number, size_t *index)
{
	for (size_t i = 0; i < awp_disk_volume_count(d); i++) {
		const awp_volume *v = awp_disk_volume(d, i);
		if (v->kind == AWP_VOL_PARTITION && v->number == number) {
			if (index)
				*index = i;
			return v;
		}
	}
	return NULL;
}

static inline int has_warning(const awp_disk *d, const char *needle)
{
	for (size_t i = 0; i < awp_disk_warning_count(d); i++) {
		if (strstr(awp_disk_warning(d, i), needle))
			return 1;
	}
	return 0;
}

static inline void dump_disk(const awp_disk *d)
{
	fprintf(stderr, "scheme %s id %s\n", awp_disk_scheme(d), awp_disk_id(d));
	for (size_t i = 0; i < awp_disk_volume_count(d); i++) {
		const awp_volume *v = awp_disk_volume(d, i);
		fprintf(stderr, "  %s #%d %llu+%llu type %s (%s) name '%s' uuid %s fs %s reason %s\n", v->name,
			v->number, (unsigned long long)v->offset, (unsigned long long)v->size, v->type, v->type_name,
			v->part_name, v->part_uuid, v->fs_type, v->reason_code);
	}
	for (size_t i = 0; i < awp_disk_warning_count(d); i++)
		fprintf(stderr, "  warning: %s\n", awp_disk_warning(d, i));
}

#endif
