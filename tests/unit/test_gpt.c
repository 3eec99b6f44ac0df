/*
 * GPT: tables made with sgdisk on image files are read back and compared with
 * sfdisk --json (numbers, offsets, sizes, type and unique GUIDs, names);
 * damaged primary header or entry array -> the backup is used with a
 * warning; both damaged -> no GPT, with warnings; 4096-byte sectors; the
 * fixture Debian images (raw, qcow2, vmdk) against their manifest.
 */
#include "part_expect.h"

#include <awp/source.h>

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

static char *dir;

static void compare_sfdisk(const char *img, const char *tsv, int expect_count)
{
	char p[4096], t[4096];
	snprintf(p, sizeof p, "%s/%s", dir, img);
	snprintf(t, sizeof t, "%s/%s", dir, tsv);
	struct expect_part ex[64];
	int n = read_expect(t, ex, 64);
	CHECK_EQ_INT(n, expect_count);
	awp_disk *d = open_disk(p);
	if (!d)
		return;
	CHECK_EQ_STR(awp_disk_scheme(d), "gpt");
	CHECK_EQ_INT(awp_disk_volume_count(d), n);
	for (int i = 0; i < n; i++) {
		size_t idx = 0;
		const awp_volume *v = find_number(d, ex[i].number, &idx);
		CHECK(v != NULL);
		if (!v)
			continue;
		CHECK_EQ_INT(v->offset, ex[i].offset);
		CHECK_EQ_INT(v->size, ex[i].size);
		CHECK_EQ_STR(v->type, ex[i].type);
		CHECK_EQ_STR(v->part_uuid, ex[i].uuid);
		CHECK_EQ_STR(v->part_name, ex[i].name);
		char nm[16];
		snprintf(nm, sizeof nm, "p%d", ex[i].number);
		CHECK_EQ_STR(v->name, nm);
		CHECK(awp_disk_volume_source(d, idx) != NULL);
	}
	awp_disk_free(d);
}

/* A minimal GPT with 4096-byte logical sectors, written by hand (sfdisk and
 * sgdisk take the sector size from the device, which is 512 for a file). */
static void put_le32(uint8_t *b, uint32_t v) { for (int i = 0; i < 4; i++) b[i] = (uint8_t)(v >> (8 * i)); }
static void put_le64(uint8_t *b, uint64_t v) { for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i)); }

static void write_gpt4k(const char *path, uint64_t nlba)
{
	const uint32_t ss = 4096;
	uint8_t *disk = calloc(nlba, ss);
	uint8_t *mbr = disk;
	mbr[446 + 4] = 0xEE;
	put_le32(mbr + 446 + 8, 1);
	put_le32(mbr + 446 + 12, (uint32_t)(nlba - 1));
	mbr[510] = 0x55;
	mbr[511] = 0xAA;
	uint8_t *ent = disk + 2 * ss; /* 128 entries x 128 bytes = 4 LBAs */
	static const uint8_t linux_fs[16] = {0xAF, 0x3D, 0xC6, 0x0F, 0x83, 0x84, 0x72, 0x47,
					     0x8E, 0x79, 0x3D, 0x69, 0xD8, 0x47, 0x7D, 0xE4};
	memcpy(ent, linux_fs, 16);
	for (int i = 0; i < 16; i++)
		ent[16 + i] = (uint8_t)(0x10 + i);
	put_le64(ent + 32, 16);
	put_le64(ent + 40, 16 + 255);
	const char *nm = "data4k";
	for (int i = 0; nm[i]; i++)
		ent[56 + 2 * i] = (uint8_t)nm[i];
	uint32_t ecrc = (uint32_t)crc32(0, ent, 128 * 128);
	uint8_t *h = disk + ss;
	memcpy(h, "EFI PART", 8);
	put_le32(h + 8, 0x00010000);
	put_le32(h + 12, 92);
	put_le64(h + 24, 1);
	put_le64(h + 32, nlba - 1);
	put_le64(h + 40, 6);
	put_le64(h + 48, nlba - 6);
	for (int i = 0; i < 16; i++)
		h[56 + i] = (uint8_t)(0xA0 + i);
	put_le64(h + 72, 2);
	put_le32(h + 80, 128);
	put_le32(h + 84, 128);
	put_le32(h + 88, ecrc);
	put_le32(h + 16, (uint32_t)crc32(0, h, 92));
	/* Deliberately no backup: a primary-only table must still be read. */
	FILE *f = fopen(path, "wb");
	fwrite(disk, ss, nlba, f);
	fclose(f);
	free(disk);
}

static void fixture_vs_manifest(const char *image, const char *manifest, const char *root_fs)
{
	const char *img = test_fixture(image);
	if (!img)
		return;
	char imgpath[4096], tsv[4096];
	snprintf(imgpath, sizeof imgpath, "%s", img);
	const char *man = test_fixture(manifest);
	CHECK(man != NULL);
	if (!man)
		return;
	snprintf(tsv, sizeof tsv, "%s/%s.tsv", dir, image);
	CHECK(test_sh("jq -r '.partition_table.partitions[] | [.number, .offset_bytes, .size_bytes, .type, "
		      ".partition_guid, .name] | @tsv' '%s' > '%s'", man, tsv) == 0);
	struct expect_part ex[16];
	int n = read_expect(tsv, ex, 16);
	CHECK_EQ_INT(n, 3);
	awp_disk *d = open_disk(imgpath);
	if (!d)
		return;
	CHECK_EQ_STR(awp_disk_scheme(d), "gpt");
	CHECK_EQ_INT(awp_disk_volume_count(d), n);
	CHECK_EQ_INT(awp_disk_warning_count(d), 0);
	for (int i = 0; i < n; i++) {
		const awp_volume *v = find_number(d, ex[i].number, NULL);
		CHECK(v != NULL);
		if (!v)
			continue;
		CHECK_EQ_INT(v->offset, ex[i].offset);
		CHECK_EQ_INT(v->size, ex[i].size);
		CHECK_EQ_STR(v->type, ex[i].type);
		CHECK_EQ_STR(v->part_uuid, ex[i].uuid);
		CHECK_EQ_STR(v->part_name, ex[i].name);
		if (ex[i].number == 14)
			CHECK_EQ_STR(v->reason_code, "bios_boot");
		if (ex[i].number == 1)
			CHECK_EQ_STR(v->fs_type, root_fs);
	}
	char gid[64];
	snprintf(tsv, sizeof tsv, "%s/%s.gid", dir, image);
	CHECK(test_sh("jq -r .partition_table.disk_guid '%s' > '%s'", man, tsv) == 0);
	FILE *f = fopen(tsv, "r");
	if (f && fgets(gid, sizeof gid, f)) {
		gid[strcspn(gid, "\n")] = '\0';
		CHECK_EQ_STR(awp_disk_id(d), gid);
	}
	if (f)
		fclose(f);
	awp_disk_free(d);
}

void test_main(void)
{
	dir = test_tmpdir();
	CHECK(dir != NULL);
	CHECK(test_sh("cd %s && truncate -s 64M g.img && sgdisk -U 11111111-2222-3333-4444-555555555555 "
		      "-n 1:2048:+1M -t 1:ef02 -c 1:bios "
		      "-n 2:0:+8M -t 2:ef00 -c 2:'EFI system' "
		      "-n 3:0:+20M -t 3:8300 -c 3:'root ünïcødé' -A 3:set:2 "
		      "-n 5:0:+4M -t 5:8200 -c 5:swap "
		      "-n 7:0:0 -t 7:8e00 -c 7:lvm g.img >/dev/null && "
		      "printf 'MARKER-P3' | dd of=g.img bs=1 seek=$((10*1024*1024)) conv=notrunc status=none && "
		      "sfdisk --json g.img | jq -r " SFDISK_JQ " > g.tsv", dir) == 0);
	compare_sfdisk("g.img", "g.tsv", 5);

	char p[4096];
	snprintf(p, sizeof p, "%s/g.img", dir);
	awp_disk *d = open_disk(p);
	if (d) {
		CHECK_EQ_STR(awp_disk_id(d), "11111111-2222-3333-4444-555555555555");
		CHECK_EQ_INT(awp_disk_warning_count(d), 0);
		size_t idx = 0;
		const awp_volume *v = find_number(d, 3, &idx);
		if (v) {
			CHECK_EQ_STR(v->type_name, "Linux filesystem");
			char buf[10] = {0};
			CHECK_OK(awp_source_read(awp_disk_volume_source(d, idx), buf, 9, 0));
			CHECK_EQ_STR(buf, "MARKER-P3");
			CHECK_EQ_STR(v->reason_code, "no_filesystem");
		}
		v = find_number(d, 1, NULL);
		if (v) {
			CHECK_EQ_STR(v->reason_code, "bios_boot");
			CHECK_EQ_STR(v->type_name, "BIOS boot");
		}
		v = find_number(d, 2, NULL);
		if (v)
			CHECK_EQ_STR(v->type_name, "EFI System");
		v = find_number(d, 7, NULL);
		if (v)
			CHECK_EQ_STR(v->type_name, "Linux LVM");
		awp_disk_free(d);
	}

	/* The same table through qcow2 and vmdk. */
	CHECK(test_sh("cd %s && qemu-img convert -O qcow2 g.img g.qcow2 && qemu-img convert -O vmdk g.img g.vmdk",
		      dir) == 0);
	compare_sfdisk("g.qcow2", "g.tsv", 5);
	compare_sfdisk("g.vmdk", "g.tsv", 5);

	/* Primary header zeroed -> backup header, with a warning. */
	CHECK(test_sh("cd %s && cp g.img nohdr.img && dd if=/dev/zero of=nohdr.img bs=512 seek=1 count=1 "
		      "conv=notrunc status=none && cp g.img badarr.img && "
		      "printf 'X' | dd of=badarr.img bs=1 seek=1100 conv=notrunc status=none", dir) == 0);
	compare_sfdisk("nohdr.img", "g.tsv", 5);
	compare_sfdisk("badarr.img", "g.tsv", 5);
	snprintf(p, sizeof p, "%s/nohdr.img", dir);
	if ((d = open_disk(p))) {
		CHECK(has_warning(d, "backup"));
		awp_disk_free(d);
	}
	snprintf(p, sizeof p, "%s/badarr.img", dir);
	if ((d = open_disk(p))) {
		CHECK(has_warning(d, "entry array CRC32 mismatch"));
		CHECK(has_warning(d, "backup"));
		awp_disk_free(d);
	}

	/* Both headers damaged -> no GPT: the whole disk, with warnings. */
	CHECK(test_sh("cd %s && cp g.img both.img && "
		      "printf 'X' | dd of=both.img bs=1 seek=600 conv=notrunc status=none && "
		      "printf 'X' | dd of=both.img bs=1 seek=$((64*1024*1024 - 512 + 88)) conv=notrunc status=none",
		      dir) == 0);
	snprintf(p, sizeof p, "%s/both.img", dir);
	if ((d = open_disk(p))) {
		CHECK_EQ_STR(awp_disk_scheme(d), "none");
		CHECK_EQ_INT(awp_disk_volume_count(d), 1);
		CHECK(has_warning(d, "no usable partition table"));
		CHECK(has_warning(d, "protective"));
		if (awp_disk_warning_count(d) < 2)
			dump_disk(d);
		awp_disk_free(d);
	}

	/* 4096-byte logical sectors. */
	snprintf(p, sizeof p, "%s/g4k.img", dir);
	write_gpt4k(p, 512);
	if ((d = open_disk(p))) {
		CHECK_EQ_STR(awp_disk_scheme(d), "gpt");
		CHECK_EQ_STR(awp_disk_id(d), "A3A2A1A0-A5A4-A7A6-A8A9-AAABACADAEAF");
		CHECK_EQ_INT(awp_disk_volume_count(d), 1);
		const awp_volume *v = find_number(d, 1, NULL);
		if (v) {
			CHECK_EQ_INT(v->offset, 16 * 4096);
			CHECK_EQ_INT(v->size, 256 * 4096);
			CHECK_EQ_STR(v->part_name, "data4k");
			CHECK_EQ_STR(v->part_uuid, "13121110-1514-1716-1819-1A1B1C1D1E1F");
		}
		awp_disk_free(d);
	}

	/* A partition that runs past the end of a truncated image: damaged. */
	CHECK(test_sh("cd %s && cp g.img short.img && truncate -s 40M short.img", dir) == 0);
	snprintf(p, sizeof p, "%s/short.img", dir);
	if ((d = open_disk(p))) {
		CHECK_EQ_STR(awp_disk_scheme(d), "gpt");
		const awp_volume *v;
		size_t idx = 0;
		if ((v = find_number(d, 7, &idx))) {
			CHECK_EQ_STR(v->reason_code, "damaged");
			CHECK(awp_disk_volume_source(d, idx) == NULL);
		}
		if ((v = find_number(d, 3, &idx)))
			CHECK(awp_disk_volume_source(d, idx) != NULL);
		CHECK(has_warning(d, "outside the disk"));
		awp_disk_free(d);
	}

	fixture_vs_manifest("debian12-ext4-gpt.raw", "debian12-ext4-gpt.raw.expected.json", "ext4");
	fixture_vs_manifest("debian12-ext4-gpt.qcow2", "debian12-ext4-gpt.raw.expected.json", "ext4");
	fixture_vs_manifest("debian12-ext4-gpt.vmdk", "debian12-ext4-gpt.raw.expected.json", "ext4");
	fixture_vs_manifest("debian12-xfs-gpt.raw", "debian12-xfs-gpt.raw.expected.json", "xfs");
	test_rmtree(dir);
	free(dir);
}
