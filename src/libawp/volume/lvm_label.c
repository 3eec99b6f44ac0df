/*
 * volume/lvm_label.c - read an LVM2 physical volume's label, pv_header and
 * metadata areas, returning the committed metadata text of each area.
 *
 * Layout (lvm2 lib/label/label.h, lib/format_text/layout.h), little endian:
 *   label_header (one of sectors 0..3): id "LABELONE" @0, sector_xl @8,
 *     crc_xl @16 (over bytes 20..511), offset_xl @20, type "LVM2 001" @24
 *   pv_header @offset_xl: pv uuid[32], device_size_xl, then disk_locn
 *     {offset_xl, size_xl} data areas ended by a zero offset, then the same
 *     for metadata areas
 *   mda_header (first 512 bytes of a metadata area): checksum_xl @0 (over
 *     bytes 4..511), magic[16] @4, version @20 (1), start @24, size @32,
 *     raw_locn[] @40 {offset, size, checksum, flags} (24 bytes each)
 * The text of raw_locn[0] (the committed copy) starts at start + offset and,
 * as the area is a circular buffer after its header, continues at
 * start + 512 when it reaches start + size. Its checksum runs over the text.
 *
 * Invariant: nothing here trusts an offset: every area is checked against the
 * source size and every text length against AWP_MAX_LVM_METADATA.
 */
#include "volume/lvm_int.h"

#include "util/bytes.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_SCAN_SECTORS 4
#define MDA_MAGIC " LVM2 x[5A%r0N*>"
#define RAW_LOCN_IGNORED 0x1u

uint32_t lvm_crc(uint32_t crc, const void *buf, size_t len)
{
	/* Half-byte table for the reflected polynomial 0xEDB88320, as lvm2 computes it. */
	static const uint32_t tab[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
		0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};
	const unsigned char *p = buf;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ tab[crc & 0xf];
		crc = (crc >> 4) ^ tab[crc & 0xf];
	}
	return crc;
}

static int warn(awp_disk *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A warning on d (none when d is NULL, as in the fuzz target); 0 or AWP_ENOMEM. */
static int warn(awp_disk *d, const char *fmt, ...)
{
	if (!d)
		return 0;
	char buf[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return awp_disk_warn(d, "%s", buf);
}

/* Read one metadata area; adds its committed text to pv->mdas when usable. */
static int read_mda(lvm_pv_label *pv, awp_source *src, const char *name, awp_disk *d,
		    uint64_t off, uint64_t size)
{
	unsigned char h[AWP_LVM_MDA_HEADER_SIZE];
	uint64_t srcsize = awp_source_size(src);
	int err;
	if (size <= AWP_LVM_MDA_HEADER_SIZE || off > srcsize || size > srcsize - off)
		return warn(d, "lvm (%s): metadata area at %llu (%llu bytes) is outside the device",
			    name, (unsigned long long)off, (unsigned long long)size);
	if ((err = awp_source_read(src, h, sizeof h, off)) < 0) {
		if (err == AWP_ENOMEM)
			return err;
		return warn(d, "lvm (%s): metadata area at %llu: %s", name, (unsigned long long)off, awp_error_last());
	}
	if (memcmp(h + 4, MDA_MAGIC, 16) != 0)
		return warn(d, "lvm (%s): metadata area at %llu has no mda_header magic", name, (unsigned long long)off);
	uint32_t stored = awp_le32(h, sizeof h, 0);
	uint32_t calc = lvm_crc(AWP_LVM_INITIAL_CRC, h + 4, sizeof h - 4);
	if (stored != calc && (err = warn(d, "lvm (%s): mda_header at %llu: checksum mismatch (stored 0x%08x, computed 0x%08x)",
					  name, (unsigned long long)off, stored, calc)) < 0)
		return err;
	uint32_t version = awp_le32(h, sizeof h, 20);
	if (version != 1)
		return warn(d, "lvm (%s): mda_header at %llu: unknown version %u", name, (unsigned long long)off, version);
	if (awp_le64(h, sizeof h, 24) != off &&
	    (err = warn(d, "lvm (%s): mda_header at %llu records start %llu", name, (unsigned long long)off,
			(unsigned long long)awp_le64(h, sizeof h, 24))) < 0)
		return err;
	/* The pv_header's size is authoritative (it bounded the area against the device). */
	uint64_t roff = awp_le64(h, sizeof h, 40);
	uint64_t rsize = awp_le64(h, sizeof h, 48);
	uint32_t rsum = awp_le32(h, sizeof h, 56);
	uint32_t rflags = awp_le32(h, sizeof h, 60);
	if (roff == 0 || rsize == 0 || (rflags & RAW_LOCN_IGNORED))
		return 0; /* empty area, or one marked "metadataignore": the text lives elsewhere */
	if (roff < AWP_LVM_MDA_HEADER_SIZE || roff >= size || rsize > size - AWP_LVM_MDA_HEADER_SIZE)
		return warn(d, "lvm (%s): metadata area at %llu: text location %llu+%llu is outside the area",
			    name, (unsigned long long)off, (unsigned long long)roff, (unsigned long long)rsize);
	if (rsize > AWP_MAX_LVM_METADATA)
		return warn(d, "lvm (%s): metadata area at %llu: text of %llu bytes exceeds the limit of %u",
			    name, (unsigned long long)off, (unsigned long long)rsize, AWP_MAX_LVM_METADATA);
	if (pv->nmdas >= AWP_MAX_LVM_MDAS)
		return 0;
	char *text = awp_malloc((size_t)rsize + 1);
	if (!text)
		return AWP_ENOMEM;
	size_t first = (size_t)(rsize < size - roff ? rsize : size - roff);
	err = awp_source_read(src, text, first, off + roff);
	if (err >= 0 && first < rsize)
		err = awp_source_read(src, text + first, (size_t)rsize - first, off + AWP_LVM_MDA_HEADER_SIZE);
	if (err < 0) {
		free(text);
		if (err == AWP_ENOMEM)
			return err;
		return warn(d, "lvm (%s): metadata text at %llu: %s", name, (unsigned long long)off, awp_error_last());
	}
	text[rsize] = 0;
	calc = lvm_crc(AWP_LVM_INITIAL_CRC, text, (size_t)rsize);
	if (calc != rsum) {
		/* lvm2 rejects such a copy; so do we (another PV usually holds a good one). */
		free(text);
		return warn(d, "lvm (%s): metadata text at %llu: checksum mismatch (stored 0x%08x, computed 0x%08x); copy ignored",
			    name, (unsigned long long)off, rsum, calc);
	}
	lvm_mda_text *m = &pv->mdas[pv->nmdas++];
	m->text = text;
	m->len = (size_t)rsize;
	m->where = off;
	return 0;
}

int lvm_label_read(lvm_pv_label *out, awp_source *src, const char *name, awp_disk *d)
{
	unsigned char buf[LABEL_SCAN_SECTORS * AWP_LVM_SECTOR];
	memset(out, 0, sizeof(*out));
	name = name ? name : awp_source_name(src);
	uint64_t srcsize = awp_source_size(src);
	size_t have = srcsize < sizeof buf ? (size_t)srcsize : sizeof buf;
	have -= have % AWP_LVM_SECTOR;
	if (have == 0)
		return 0;
	int err = awp_source_read(src, buf, have, 0);
	if (err < 0)
		return err == AWP_ENOMEM ? err : (warn(d, "lvm (%s): %s", name, awp_error_last()), 0);
	const unsigned char *sec = NULL;
	size_t s;
	for (s = 0; s < have / AWP_LVM_SECTOR; s++) {
		const unsigned char *p = buf + s * AWP_LVM_SECTOR;
		if (memcmp(p, "LABELONE", 8) == 0 && memcmp(p + 24, "LVM2 001", 8) == 0) {
			sec = p;
			break;
		}
	}
	if (!sec)
		return 0;
	const size_t L = AWP_LVM_SECTOR;
	uint32_t stored = awp_le32(sec, L, 16);
	uint32_t calc = lvm_crc(AWP_LVM_INITIAL_CRC, sec + 20, L - 20);
	if (stored != calc && (err = warn(d, "lvm (%s): label checksum mismatch (stored 0x%08x, computed 0x%08x)",
					  name, stored, calc)) < 0)
		return err;
	if (awp_le64(sec, L, 8) != s && (err = warn(d, "lvm (%s): label in sector %zu records sector %llu", name,
						     s, (unsigned long long)awp_le64(sec, L, 8))) < 0)
		return err;
	uint32_t phoff = awp_le32(sec, L, 20);
	/* uuid (32) + device size (8) + at least the two list terminators (32). */
	if (phoff < 32 || phoff > L - 72) {
		warn(d, "lvm (%s): label points to a pv_header at %u, outside its sector", name, phoff);
		return awp_error_set(AWP_ECORRUPT, "lvm (%s): bad pv_header offset %u", name, phoff);
	}
	const unsigned char *ph = sec + phoff;
	size_t phlen = L - phoff;
	for (int i = 0; i < 32; i++) {
		unsigned char c = ph[i];
		out->uuid[i] = (char)(c > ' ' && c < 0x7f ? c : '?');
	}
	out->uuid[32] = 0;
	out->dev_size = awp_le64(ph, phlen, 32);

	/* Skip the data areas, then read the metadata areas; both lists end with a zero offset. */
	size_t pos = 40;
	int list = 0;
	while (list < 2) {
		if (pos + 16 > phlen) {
			warn(d, "lvm (%s): pv_header area lists run past the label sector", name);
			break;
		}
		uint64_t aoff = awp_le64(ph, phlen, pos);
		uint64_t asize = awp_le64(ph, phlen, pos + 8);
		pos += 16;
		if (aoff == 0) {
			list++;
			continue;
		}
		if (list == 1 && (err = read_mda(out, src, name, d, aoff, asize)) < 0) {
			lvm_label_clear(out);
			return err;
		}
	}
	return 1;
}

void lvm_label_clear(lvm_pv_label *pv)
{
	for (size_t i = 0; i < pv->nmdas; i++)
		free(pv->mdas[i].text);
	pv->nmdas = 0;
}
