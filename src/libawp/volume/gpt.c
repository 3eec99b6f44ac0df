/*
 * volume/gpt.c - GUID partition tables (UEFI spec 2.10, chapter 5.3).
 *
 * The header sits at LBA 1 and its backup at the last LBA; both carry a CRC32
 * of themselves and of the entry array they point to. We look for "EFI PART"
 * with 512- and 4096-byte logical sectors. The primary header and array are
 * used when both CRCs hold; otherwise the backup (at the primary's
 * alternate_lba, else the disk's last LBA) is used with a warning. When
 * neither is intact there is no GPT: the caller falls back to the MBR (which
 * then sees only the protective entry) and the warnings say why.
 *
 * Every field read from disk is checked before use: header size, entry size
 * and count (AWP_MAX_GPT_*), LBAs inside the disk. An entry whose range is
 * outside the disk is listed as "damaged" with no source.
 */
#include "volume/part.h"

#include "util/bytes.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define GPT_HEADER_MIN 92
#define GPT_NAME_UNITS 36

struct gpt_hdr {
	uint64_t my_lba, alt_lba, first_usable, last_usable, entries_lba;
	uint32_t nentries, entry_size, entries_crc;
	uint8_t disk_guid[16];
};

static const struct {
	const char *guid;
	const char *name;
} gpt_types[] = {
	{"C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI System"},
	{"21686148-6449-6E6F-744E-656564454649", "BIOS boot"},
	{"024DEE41-33E7-11D3-9D69-0008C781F39F", "MBR partition scheme"},
	{"0FC63DAF-8483-4772-8E79-3D69D8477DE4", "Linux filesystem"},
	{"E6D6D379-F507-44C2-A23C-238F2A3DF928", "Linux LVM"},
	{"0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "Linux swap"},
	{"A19D880F-05FC-4D3B-A006-743F0F84911E", "Linux RAID"},
	{"933AC7E1-2EB4-4F13-B844-0E14E2AEF915", "Linux home"},
	{"3B8F8425-20E0-4F3B-907F-1A25A76F98E8", "Linux server data"},
	{"44479540-F297-41B2-9AF7-D131D5F0458A", "Linux root (x86)"},
	{"4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "Linux root (x86-64)"},
	{"B921B045-1DF0-41C3-AF44-4C6F280D3FAE", "Linux root (ARM-64)"},
	{"69DAD710-2CE4-4E3C-B16C-21A1D49ABED3", "Linux root (ARM)"},
	{"8484680C-9521-48C6-9C11-B0720656F69E", "Linux /usr (x86-64)"},
	{"B0E01050-EE5F-4390-949A-9101B17104E9", "Linux /usr (ARM-64)"},
	{"BC13C2FF-59E6-4262-A352-B275FD6F7172", "Linux extended boot"},
	{"4D21B016-B534-45C2-A9FB-5C16E091FD2D", "Linux variable data"},
	{"7EC6F557-3BC5-4ACA-B293-16EF5DF639D1", "Linux temporary data"},
	{"CA7D7CCB-63ED-4C53-861C-1742536059CC", "Linux LUKS"},
	{"7FFEC5C9-2D00-49B7-8941-3EA10A5586B7", "Linux dm-crypt"},
	{"EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", "Microsoft basic data"},
	{"E3C9E316-0B5C-4DB8-817D-F92DF00215AE", "Microsoft reserved"},
	{"DE94BBA4-06D1-4D40-A16A-BFD50179D6AC", "Windows recovery environment"},
	{"5808C8AA-7E8F-42E0-85D2-E1E90434CFB3", "Windows LDM metadata"},
	{"AF9B60A0-1431-4F62-BC68-3311714A69AD", "Windows LDM data"},
	{"6A898CC3-1DD2-11B2-99A6-080020736631", "Solaris /usr & Apple ZFS"},
	{"48465300-0000-11AA-AA11-00306543ECAC", "Apple HFS/HFS+"},
	{"7C3457EF-0000-11AA-AA11-00306543ECAC", "Apple APFS"},
	{"516E7CB4-6ECF-11D6-8FF8-00022D09712B", "FreeBSD UFS"},
	{"83BD6B9D-7F41-11DC-BE0B-001560B84F0F", "FreeBSD boot"},
};

static void guid_text(const uint8_t *g, char out[37])
{
	/* First three fields little-endian, the last two big-endian. */
	snprintf(out, 37, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		 g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14],
		 g[15]);
}

static const char *type_name(const char *guid)
{
	for (size_t i = 0; i < sizeof gpt_types / sizeof gpt_types[0]; i++) {
		if (strcmp(gpt_types[i].guid, guid) == 0)
			return gpt_types[i].name;
	}
	return "";
}

/* UTF-16LE partition name (NUL-terminated or 36 units) to UTF-8. */
static void name_utf8(const uint8_t *p, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < GPT_NAME_UNITS; i++) {
		uint32_t c = awp_le16(p, GPT_NAME_UNITS * 2, i * 2);
		if (c == 0)
			break;
		if (c >= 0xD800 && c <= 0xDBFF && i + 1 < GPT_NAME_UNITS) {
			uint32_t lo = awp_le16(p, GPT_NAME_UNITS * 2, (i + 1) * 2);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			} else {
				c = 0xFFFD;
			}
		} else if (c >= 0xD800 && c <= 0xDFFF) {
			c = 0xFFFD;
		}
		char b[4];
		size_t n;
		if (c < 0x80) {
			b[0] = (char)c;
			n = 1;
		} else if (c < 0x800) {
			b[0] = (char)(0xC0 | (c >> 6));
			b[1] = (char)(0x80 | (c & 0x3F));
			n = 2;
		} else if (c < 0x10000) {
			b[0] = (char)(0xE0 | (c >> 12));
			b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
			b[2] = (char)(0x80 | (c & 0x3F));
			n = 3;
		} else {
			b[0] = (char)(0xF0 | (c >> 18));
			b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
			b[2] = (char)(0x80 | ((c >> 6) & 0x3F));
			b[3] = (char)(0x80 | (c & 0x3F));
			n = 4;
		}
		if (o + n >= cap)
			break;
		memcpy(out + o, b, n);
		o += n;
	}
	out[o] = '\0';
}

/*
 * Read and check the header at `lba` and its entry array. Returns 1 and
 * fills h and *array (caller frees) when both are intact, 0 when absent or
 * damaged (with *why set for a warning, *why = NULL when there is simply no
 * signature), <0 on an I/O error that is not the disk's fault.
 */
static int read_gpt(awp_disk *d, uint32_t ss, uint64_t lba, struct gpt_hdr *h, uint8_t **array, const char **why)
{
	uint64_t disk = awp_source_size(d->src);
	uint64_t nlba = disk / ss;
	*array = NULL;
	*why = NULL;
	if (lba == 0 || lba >= nlba)
		return 0;
	uint8_t *b = awp_malloc(ss);
	if (!b)
		return AWP_ENOMEM;
	int ret = 0;
	if (awp_source_read(d->src, b, ss, lba * ss) < 0) {
		*why = "cannot read the header";
		goto done;
	}
	if (memcmp(b, "EFI PART", 8) != 0)
		goto done;
	uint32_t hsize = awp_le32(b, ss, 12);
	if (hsize < GPT_HEADER_MIN || hsize > ss) {
		*why = "header size is invalid";
		goto done;
	}
	uint32_t crc = awp_le32(b, ss, 16);
	memset(b + 16, 0, 4);
	if ((uint32_t)crc32(0, b, hsize) != crc) {
		*why = "header CRC32 mismatch";
		goto done;
	}
	h->my_lba = awp_le64(b, ss, 24);
	h->alt_lba = awp_le64(b, ss, 32);
	h->first_usable = awp_le64(b, ss, 40);
	h->last_usable = awp_le64(b, ss, 48);
	memcpy(h->disk_guid, b + 56, 16);
	h->entries_lba = awp_le64(b, ss, 72);
	h->nentries = awp_le32(b, ss, 80);
	h->entry_size = awp_le32(b, ss, 84);
	h->entries_crc = awp_le32(b, ss, 88);
	if (h->my_lba != lba) {
		*why = "header does not point at itself";
		goto done;
	}
	if (h->entry_size < 128 || h->entry_size > AWP_MAX_GPT_ENTRY_SIZE || h->entry_size % 8 != 0) {
		*why = "entry size is invalid";
		goto done;
	}
	uint64_t bytes = (uint64_t)h->nentries * h->entry_size;
	if (h->nentries == 0 || bytes > AWP_MAX_GPT_ARRAY_BYTES) {
		*why = "entry count is invalid or above the limit";
		goto done;
	}
	uint64_t array_sectors = (bytes + ss - 1) / ss;
	if (h->entries_lba < 2 || h->entries_lba >= nlba || array_sectors > nlba - h->entries_lba) {
		*why = "entry array lies outside the disk";
		goto done;
	}
	if (h->first_usable > h->last_usable || h->last_usable >= nlba) {
		/* A disk image grown or shrunk after partitioning: the usable
		 * range is only a hint, entries are checked one by one. */
		awp_disk_warn(d, "GPT: usable range %llu-%llu does not fit the disk (%llu sectors)",
			      (unsigned long long)h->first_usable, (unsigned long long)h->last_usable,
			      (unsigned long long)nlba);
	}
	uint8_t *arr = awp_malloc((size_t)bytes);
	if (!arr) {
		ret = AWP_ENOMEM;
		goto done;
	}
	if (awp_source_read(d->src, arr, (size_t)bytes, h->entries_lba * ss) < 0) {
		free(arr);
		*why = "cannot read the entry array";
		goto done;
	}
	if ((uint32_t)crc32(0, arr, (uInt)bytes) != h->entries_crc) {
		free(arr);
		*why = "entry array CRC32 mismatch";
		goto done;
	}
	*array = arr;
	ret = 1;
done:
	free(b);
	return ret;
}

static int add_entries(awp_disk *d, uint32_t ss, const struct gpt_hdr *h, const uint8_t *arr)
{
	size_t alen = (size_t)h->nentries * h->entry_size;
	for (uint32_t i = 0; i < h->nentries; i++) {
		const uint8_t *e = arr + (size_t)i * h->entry_size;
		static const uint8_t zero[16];
		if (memcmp(e, zero, 16) == 0)
			continue;
		size_t base = (size_t)i * h->entry_size;
		char type[37], uuid[37], name[GPT_NAME_UNITS * 4 + 1], vname[16];
		guid_text(e, type);
		guid_text(e + 16, uuid);
		name_utf8(e + 56, name, sizeof name);
		uint64_t first = awp_le64(arr, alen, base + 32), last = awp_le64(arr, alen, base + 40);
		snprintf(vname, sizeof vname, "p%u", i + 1);
		awp_volume v = {
			.name = vname, .kind = AWP_VOL_PARTITION, .number = (int)(i + 1),
			.type = type, .type_name = type_name(type), .part_name = name, .part_uuid = uuid,
		};
		if (last < first || first > UINT64_MAX / ss || (last - first) >= UINT64_MAX / ss) {
			v.reason_code = "damaged";
			v.reason = "partition entry has an invalid LBA range";
			int err = awp_disk_warn(d, "GPT: partition %u: LBA range %llu-%llu is invalid", i + 1,
						(unsigned long long)first, (unsigned long long)last);
			if (err < 0 || (err = awp_disk_add_volume(d, &v, NULL)) < 0)
				return err;
			continue;
		}
		v.offset = first * ss;
		v.size = (last - first + 1) * ss;
		if (strcmp(type, "21686148-6449-6E6F-744E-656564454649") == 0) {
			v.reason_code = "bios_boot";
			v.reason = "BIOS boot partition holds boot loader code, no filesystem";
		}
		int err = awp_part_add(d, &v, "GPT");
		if (err < 0)
			return err;
	}
	return 0;
}

int awp_part_gpt_scan(awp_disk *d)
{
	static const uint32_t sizes[] = {512, 4096};
	uint64_t disk = awp_source_size(d->src);
	for (size_t si = 0; si < 2; si++) {
		uint32_t ss = sizes[si];
		if (disk / ss < 3)
			continue;
		struct gpt_hdr h, alt;
		uint8_t *arr = NULL;
		const char *why_p = NULL, *why_b = NULL;
		int r = read_gpt(d, ss, 1, &h, &arr, &why_p);
		if (r < 0)
			return r;
		if (r == 0) {
			/* Primary absent or damaged: the backup header sits at the
			 * primary's alternate_lba (when that much of it is readable),
			 * else at the last LBA. */
			uint64_t last = disk / ss - 1;
			uint8_t *p = awp_malloc(ss);
			if (!p)
				return AWP_ENOMEM;
			uint64_t alt_lba = last;
			if (why_p && awp_source_read(d->src, p, ss, ss) == 0) {
				uint64_t a = awp_le64(p, ss, 32);
				if (a > 1 && a < disk / ss)
					alt_lba = a;
			}
			free(p);
			r = read_gpt(d, ss, alt_lba, &alt, &arr, &why_b);
			if (r == 0 && alt_lba != last)
				r = read_gpt(d, ss, last, &alt, &arr, &why_b);
			if (r < 0)
				return r;
			if (r == 0) {
				if (why_p || why_b) {
					int err = awp_disk_warn(d, "GPT (%u-byte sectors): primary %s, backup %s: no usable "
								   "partition table", ss, why_p ? why_p : "absent",
								why_b ? why_b : "absent");
					if (err < 0)
						return err;
				}
				continue;
			}
			h = alt;
			int err = awp_disk_warn(d, "GPT: primary header %s; using the backup header at LBA %llu",
						why_p ? why_p : "missing", (unsigned long long)h.my_lba);
			if (err < 0) {
				free(arr);
				return err;
			}
		}
		char guid[37];
		guid_text(h.disk_guid, guid);
		int err = awp_disk_set_scheme(d, "gpt", guid);
		if (err == 0)
			err = add_entries(d, ss, &h, arr);
		free(arr);
		return err < 0 ? err : 1;
	}
	return 0;
}
