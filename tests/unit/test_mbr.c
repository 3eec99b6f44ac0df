/*
 * MBR: tables made with sfdisk scripts on image files (primary, extended with
 * three logical partitions) compared with sfdisk --json; a whole-disk FAT
 * filesystem is not taken for a partition table; entries past the end of a
 * truncated image are "damaged"; an EBR chain that loops is cut with a
 * warning; the small-rpm fixture has one partition at 1 MiB.
 */
#include "part_expect.h"

#include <awp/source.h>

static char *dir;

static awp_disk *open_in_dir(const char *name)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return open_disk(p);
}

void test_main(void)
{
	dir = test_tmpdir();
	CHECK(dir != NULL);
	CHECK(test_sh("cd %s && truncate -s 64M m.img && printf '%%s\\n' 'label: dos' 'label-id: 0x1234abcd' "
		      "'start=2048, size=16384, type=83, bootable' 'size=8192, type=82' "
		      "'size=16384, type=0c' 'type=5' 'size=8192, type=83' 'size=4096, type=8e' 'type=fd' "
		      "| sfdisk -q m.img && sfdisk --json m.img | jq -r " SFDISK_JQ " > m.tsv && "
		      "p6=$(sfdisk --json m.img | jq -r '.partitiontable.partitions[] | select(.node|endswith(\"6\")) "
		      "| .start') && printf 'MARKER-P6' | dd of=m.img bs=1 seek=$(( p6 * 512 )) conv=notrunc status=none",
		      dir) == 0);
	struct expect_part ex[16];
	char t[4096];
	snprintf(t, sizeof t, "%s/m.tsv", dir);
	int n = read_expect(t, ex, 16);
	CHECK_EQ_INT(n, 7); /* 3 primary, the extended container, 3 logical */
	awp_disk *d = open_in_dir("m.img");
	if (d) {
		CHECK_EQ_STR(awp_disk_scheme(d), "mbr");
		CHECK_EQ_STR(awp_disk_id(d), "0x1234abcd");
		CHECK_EQ_INT(awp_disk_volume_count(d), n);
		CHECK_EQ_INT(awp_disk_warning_count(d), 0);
		for (int i = 0; i < n; i++) {
			size_t idx = 0;
			const awp_volume *v = find_number(d, ex[i].number, &idx);
			CHECK(v != NULL);
			if (!v)
				continue;
			char type[80];
			snprintf(type, sizeof type, "0x%02lx", strtoul(ex[i].type, NULL, 16));
			CHECK_EQ_STR(v->type, type);
			CHECK_EQ_INT(v->offset, ex[i].offset);
			CHECK_EQ_INT(v->size, ex[i].size);
			if (ex[i].number == 4) {
				CHECK_EQ_STR(v->reason_code, "extended");
				CHECK(awp_disk_volume_source(d, idx) == NULL);
			} else {
				CHECK(awp_disk_volume_source(d, idx) != NULL);
			}
		}
		const awp_volume *v;
		size_t idx;
		CHECK((v = find_number(d, 1, NULL)) && strcmp(v->type_name, "Linux") == 0);
		CHECK((v = find_number(d, 2, NULL)) && strcmp(v->type_name, "Linux swap / Solaris") == 0);
		CHECK((v = find_number(d, 6, &idx)) && strcmp(v->type_name, "Linux LVM") == 0);
		CHECK((v = find_number(d, 7, NULL)) && strcmp(v->type_name, "Linux raid autodetect") == 0);
		CHECK(find_number(d, 8, NULL) == NULL);
		if (find_number(d, 6, &idx)) {
			char buf[10] = {0};
			CHECK_OK(awp_source_read(awp_disk_volume_source(d, idx), buf, 9, 0));
			CHECK_EQ_STR(buf, "MARKER-P6");
		}
		awp_disk_free(d);
	}

	/* A FAT filesystem on the whole disk ends sector 0 with 55AA too. */
	CHECK(test_sh("cd %s && mkfs.vfat -C fat.img 16384 >/dev/null && mkfs.vfat -F 32 -C fat32.img 65536 >/dev/null",
		      dir) == 0);
	static const char *const fats[] = {"fat.img", "fat32.img"};
	for (int i = 0; i < 2; i++) {
		if ((d = open_in_dir(fats[i]))) {
			CHECK_EQ_STR(awp_disk_scheme(d), "none");
			CHECK_EQ_INT(awp_disk_volume_count(d), 1);
			CHECK_EQ_INT(awp_disk_warning_count(d), 0);
			CHECK_EQ_STR(awp_disk_volume(d, 0)->fs_type, "vfat");
			awp_disk_free(d);
		}
	}

	/* Truncated: the last logical partitions run past the end. */
	CHECK(test_sh("cd %s && cp m.img short.img && truncate -s 30M short.img", dir) == 0);
	if ((d = open_in_dir("short.img"))) {
		CHECK_EQ_STR(awp_disk_scheme(d), "mbr");
		size_t idx = 0;
		const awp_volume *v = find_number(d, 1, &idx);
		CHECK(v && awp_disk_volume_source(d, idx) != NULL);
		CHECK(has_warning(d, "outside the disk") || has_warning(d, "cannot be read"));
		int damaged = 0;
		for (size_t i = 0; i < awp_disk_volume_count(d); i++)
			damaged += strcmp(awp_disk_volume(d, i)->reason_code, "damaged") == 0;
		CHECK(damaged >= 1);
		awp_disk_free(d);
	}

	/* The second EBR links to itself: cut, with a warning. Its link entry
	 * is made a copy of the first EBR's link (same relative start). */
	CHECK(test_sh("cd %s && cp m.img loop.img && ext=$(sfdisk --json m.img | jq -r '.partitiontable.partitions[] "
		      "| select(.node|endswith(\"4\")) | .start') && "
		      "rel=$(od -An -tu4 -j $(( ext*512 + 462 + 8 )) -N4 m.img | tr -d ' ') && "
		      "dd if=m.img of=loop.img bs=1 skip=$(( ext*512 + 462 )) seek=$(( (ext+rel)*512 + 462 )) count=16 "
		      "conv=notrunc status=none", dir) == 0);
	if ((d = open_in_dir("loop.img"))) {
		CHECK_EQ_STR(awp_disk_scheme(d), "mbr");
		CHECK(awp_disk_volume_count(d) <= 4 + 130);
		CHECK(has_warning(d, "loops"));
		CHECK(find_number(d, 6, NULL) != NULL);
		awp_disk_free(d);
	}

	/* Garbage with 55AA: not a table, one whole-disk volume and a warning. */
	CHECK(test_sh("cd %s && head -c 1048576 /dev/urandom > junk.img && "
		      "printf '\\125\\252' | dd of=junk.img bs=1 seek=510 conv=notrunc status=none && "
		      "printf '\\x33' | dd of=junk.img bs=1 seek=446 conv=notrunc status=none", dir) == 0);
	if ((d = open_in_dir("junk.img"))) {
		CHECK(awp_disk_volume_count(d) >= 1);
		awp_disk_free(d);
	}

	const char *rpm = test_fixture("small-rpm-ext4.raw");
	if (rpm && (d = open_disk(rpm))) {
		CHECK_EQ_STR(awp_disk_scheme(d), "mbr");
		CHECK_EQ_STR(awp_disk_id(d), "0x5ca1ab1e");
		CHECK_EQ_INT(awp_disk_volume_count(d), 1);
		const awp_volume *v = awp_disk_volume(d, 0);
		CHECK_EQ_INT(v->number, 1);
		CHECK_EQ_INT(v->offset, 1024 * 1024);
		CHECK_EQ_INT(v->size, 20 * 1024 * 1024);
		CHECK_EQ_STR(v->type, "0x83");
		CHECK_EQ_STR(v->fs_type, "ext4");
		CHECK_EQ_INT(v->readable, 1);
		awp_disk_free(d);
	}
	static const char *const bare[] = {"small-synthetic-ext4.raw", "small-alpine-ext4.raw"};
	for (int i = 0; i < 2; i++) {
		const char *f = test_fixture(bare[i]);
		if (f && (d = open_disk(f))) {
			CHECK_EQ_STR(awp_disk_scheme(d), "none");
			CHECK_EQ_STR(awp_disk_volume(d, 0)->fs_type, "ext4");
			awp_disk_free(d);
		}
	}
	test_rmtree(dir);
	free(dir);
}
