/*
 * volume/mbr.c - DOS/MBR partition tables with extended partitions.
 *
 * Sector 0 ends with 55 AA and holds four primary entries at 446 (boot flag,
 * CHS, type, CHS, start LBA, sector count; CHS is ignored). An extended
 * entry (0x05, 0x0F, 0x85) starts a chain of EBRs: in each, entry 0 is a
 * logical partition whose start is relative to that EBR, entry 1 links to the
 * next EBR with a start relative to the extended partition's first sector.
 * Logical partitions are numbered from 5 as Linux does.
 *
 * A FAT or NTFS filesystem on the whole disk also ends sector 0 with 55 AA:
 * such a boot sector, or one whose entries are not plausible (boot flag other
 * than 0x00/0x80, empty start or size), is not taken for a partition table.
 * A type 0xEE entry is the protective MBR of a GPT disk whose GPT could not
 * be read: we say so and list no partitions from it.
 *
 * The extended container itself is listed (reason "extended", no source) so
 * that the list matches what fdisk shows; its logical partitions follow.
 * EBR chains are cut at AWP_MAX_MBR_LOGICAL entries or at the first EBR seen
 * twice, with a warning.
 */
#include "volume/part.h"

#include "util/bytes.h"
#include "util/error.h"
#include "util/u64set.h"

#include <stdio.h>
#include <string.h>

#define SECTOR 512u

struct mbr_entry {
	uint8_t boot, type;
	uint32_t start, count;
};

static const char *mbr_type_name(uint8_t t)
{
	switch (t) {
	case 0x01: return "FAT12";
	case 0x04: case 0x06: case 0x0e: return "FAT16";
	case 0x05: return "Extended";
	case 0x07: return "HPFS/NTFS/exFAT";
	case 0x0b: return "W95 FAT32";
	case 0x0c: return "W95 FAT32 (LBA)";
	case 0x0f: return "W95 Extended (LBA)";
	case 0x27: return "Hidden NTFS WinRE";
	case 0x42: return "SFS";
	case 0x82: return "Linux swap / Solaris";
	case 0x83: return "Linux";
	case 0x85: return "Linux extended";
	case 0x8e: return "Linux LVM";
	case 0xa5: return "FreeBSD";
	case 0xa6: return "OpenBSD";
	case 0xa9: return "NetBSD";
	case 0xee: return "GPT";
	case 0xef: return "EFI (FAT-12/16/32)";
	case 0xfd: return "Linux raid autodetect";
	default: return "";
	}
}

static int is_extended(uint8_t t)
{
	return t == 0x05 || t == 0x0f || t == 0x85;
}

static void parse_entries(const uint8_t *s, struct mbr_entry e[4])
{
	for (int i = 0; i < 4; i++) {
		size_t o = 446 + (size_t)i * 16;
		e[i].boot = s[o];
		e[i].type = s[o + 4];
		e[i].start = awp_le32(s, SECTOR, o + 8);
		e[i].count = awp_le32(s, SECTOR, o + 12);
	}
}

/* A FAT or NTFS volume boot record: a jump, a sane BPB and a type string. */
static int looks_like_vbr(const uint8_t *s)
{
	if (!(s[0] == 0xEB || s[0] == 0xE9))
		return 0;
	if (memcmp(s + 3, "NTFS    ", 8) == 0 || memcmp(s + 3, "EXFAT   ", 8) == 0)
		return 1;
	uint16_t bps = awp_le16(s, SECTOR, 11);
	uint8_t spc = s[13];
	if (bps < 512 || bps > 4096 || (bps & (bps - 1)) || spc == 0 || (spc & (spc - 1)))
		return 0;
	return memcmp(s + 54, "FAT", 3) == 0 || memcmp(s + 82, "FAT", 3) == 0 ||
	       awp_le16(s, SECTOR, 14) != 0; /* reserved sectors: BPB present */
}

static int add_one(awp_disk *d, int number, const struct mbr_entry *e, uint64_t start_lba, const char *reason_code,
		   const char *reason)
{
	char name[16], type[8];
	snprintf(name, sizeof name, "p%d", number);
	snprintf(type, sizeof type, "0x%02x", e->type);
	awp_volume v = {
		.name = name, .kind = AWP_VOL_PARTITION, .number = number,
		.offset = start_lba * SECTOR, .size = (uint64_t)e->count * SECTOR,
		.type = type, .type_name = mbr_type_name(e->type),
		.reason_code = reason_code, .reason = reason,
	};
	if (reason_code && strcmp(reason_code, "extended") == 0)
		return awp_disk_add_volume(d, &v, NULL);
	return awp_part_add(d, &v, "MBR");
}

/* Walk the EBR chain of the extended partition starting at ext_lba. */
static int scan_logical(awp_disk *d, uint64_t ext_lba, uint64_t ext_count)
{
	uint64_t nsect = awp_source_size(d->src) / SECTOR;
	awp_u64set seen = {0};
	uint8_t s[SECTOR];
	uint64_t ebr = ext_lba;
	int number = 5, err = 0;
	for (;;) {
		if (number - 4 > AWP_MAX_MBR_LOGICAL) {
			err = awp_disk_warn(d, "MBR: more than %d logical partitions; the rest are ignored",
					    AWP_MAX_MBR_LOGICAL);
			break;
		}
		int added = awp_u64set_add(&seen, ebr);
		if (added < 0) {
			err = added;
			break;
		}
		if (added == 0) {
			err = awp_disk_warn(d, "MBR: extended partition chain loops back to sector %llu",
					    (unsigned long long)ebr);
			break;
		}
		if (ebr >= nsect || awp_source_read(d->src, s, SECTOR, ebr * SECTOR) < 0) {
			err = awp_disk_warn(d, "MBR: extended boot record at sector %llu cannot be read",
					    (unsigned long long)ebr);
			break;
		}
		if (s[510] != 0x55 || s[511] != 0xAA) {
			err = awp_disk_warn(d, "MBR: extended boot record at sector %llu has no 55AA signature",
					    (unsigned long long)ebr);
			break;
		}
		struct mbr_entry e[4];
		parse_entries(s, e);
		if (e[0].type != 0 && e[0].count != 0) {
			uint64_t start = ebr + e[0].start;
			if (start < ext_lba || start + e[0].count > ext_lba + ext_count)
				err = awp_disk_warn(d, "MBR: logical partition %d lies outside its extended partition",
						    number);
			if (err == 0)
				err = add_one(d, number, &e[0], start, NULL, NULL);
			if (err < 0)
				break;
			number++;
		}
		if (!is_extended(e[1].type) || e[1].start == 0)
			break;
		ebr = ext_lba + e[1].start;
	}
	awp_u64set_free(&seen);
	return err;
}

int awp_part_mbr_scan(awp_disk *d)
{
	uint64_t nsect = awp_source_size(d->src) / SECTOR;
	uint8_t s[SECTOR];
	if (nsect < 1 || awp_source_read(d->src, s, SECTOR, 0) < 0)
		return 0;
	if (s[510] != 0x55 || s[511] != 0xAA)
		return 0;
	struct mbr_entry e[4];
	parse_entries(s, e);
	int used = 0, sane = 1, protective = 0;
	for (int i = 0; i < 4; i++) {
		if (e[i].type == 0)
			continue;
		used++;
		if ((e[i].boot != 0x00 && e[i].boot != 0x80) || e[i].start == 0 || e[i].count == 0)
			sane = 0;
		if (e[i].type == 0xee)
			protective = 1;
	}
	if (used == 0)
		return 0;
	if (looks_like_vbr(s))
		return 0; /* a FAT/NTFS filesystem on the whole disk */
	if (!sane) {
		/* Boot code or garbage where the entries would be. */
		int err = awp_disk_warn(d, "sector 0 ends with 55AA but holds no plausible partition table");
		return err < 0 ? err : 0;
	}
	if (protective) {
		int err = awp_disk_warn(d, "MBR: protective entry (type 0xEE) of a GPT disk, but no valid GPT was found");
		return err < 0 ? err : 0;
	}
	for (int i = 0; i < 4; i++) {
		for (int j = i + 1; j < 4; j++) {
			if (e[i].type == 0 || e[j].type == 0)
				continue;
			uint64_t a0 = e[i].start, a1 = a0 + e[i].count, b0 = e[j].start, b1 = b0 + e[j].count;
			if (a0 < b1 && b0 < a1) {
				int err = awp_disk_warn(d, "MBR: partitions %d and %d overlap", i + 1, j + 1);
				if (err < 0)
					return err;
			}
		}
	}
	char id[16];
	snprintf(id, sizeof id, "0x%08x", awp_le32(s, SECTOR, 440));
	int err = awp_disk_set_scheme(d, "mbr", id);
	int extended_seen = 0;
	for (int i = 0; i < 4 && err == 0; i++) {
		if (e[i].type == 0)
			continue;
		if (is_extended(e[i].type)) {
			err = add_one(d, i + 1, &e[i], e[i].start, "extended",
				      "extended partition container; its logical partitions are listed separately");
			if (err == 0 && extended_seen++)
				err = awp_disk_warn(d, "MBR: more than one extended partition; only the first is read");
			else if (err == 0 && (uint64_t)e[i].start < nsect)
				err = scan_logical(d, e[i].start, e[i].count);
			continue;
		}
		err = add_one(d, i + 1, &e[i], e[i].start, NULL, NULL);
	}
	return err < 0 ? err : 1;
}
