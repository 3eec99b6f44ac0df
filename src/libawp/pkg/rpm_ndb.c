/*
 * pkg/rpm_ndb.c - /var/lib/rpm/Packages.db, rpm's "ndb" format (SUSE):
 * our own reader.
 *
 * Format facts (rpm lib/backend/ndb/rpmpkg.c), all little-endian:
 *  - a 32-byte file header: "RpmP" magic, version 0, generation, number of
 *    4 KiB slot pages, next package index;
 *  - slot pages follow from offset 32 (the header takes the first two
 *    16-byte slots): each slot is "Slot" magic, package index, block
 *    offset, block count; block offset 0 marks a free slot; blocks are 16
 *    bytes and blobs lie after the slot pages;
 *  - a blob starts with "BlbS" magic, package index, timestamp, length,
 *    then the RPM header, and must fill exactly its block count together
 *    with a 12-byte tail (adler32, length, "BlbE").
 */
#include "pkg/osdb_int.h"

#include "util/bytes.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

#define MAGIC(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
enum {
	NDB_PAGE = 4096, SLOT = 16, BLK = 16, HEAD = 16, TAIL = 12,
};

int awp_rpm_ndb_read(const awp_osdb_reader *r, awp_rpm_blob_cb cb, void *payload)
{
	uint8_t hdr[32];
	int err;
	if ((err = awp_osdb_pread(r, hdr, sizeof hdr, 0)) < 0)
		return err;
	if (awp_le32(hdr, 32, 0) != MAGIC('R', 'p', 'm', 'P'))
		return awp_error_set(AWP_ECORRUPT, "%s: not an rpm ndb database", r->name);
	if (awp_le32(hdr, 32, 4) != 0)
		return awp_error_set(AWP_EUNSUPPORTED, "%s: ndb version %u", r->name, awp_le32(hdr, 32, 4));
	uint32_t npages = awp_le32(hdr, 32, 12);
	if (npages == 0 || npages > AWP_MAX_NDB_SLOT_PAGES || (uint64_t)npages * NDB_PAGE > r->size)
		return awp_error_set(AWP_ECORRUPT, "%s: %u slot pages invalid", r->name, npages);
	uint64_t fileblks = r->size / BLK, minblk = (uint64_t)npages * (NDB_PAGE / BLK);
	uint8_t *page = awp_malloc(NDB_PAGE), *blob = NULL;
	if (!page)
		return AWP_ENOMEM;
	for (uint32_t p = 0; p < npages; p++) {
		if ((err = awp_osdb_pread(r, page, NDB_PAGE, (uint64_t)p * NDB_PAGE)) < 0)
			goto done;
		for (uint32_t o = p ? 0 : 32; o < NDB_PAGE; o += SLOT) {
			if (awp_le32(page, NDB_PAGE, o) != MAGIC('S', 'l', 'o', 't')) {
				err = awp_error_set(AWP_ECORRUPT, "%s: slot at %u: bad magic", r->name, p * NDB_PAGE + o);
				goto done;
			}
			uint32_t pkgidx = awp_le32(page, NDB_PAGE, o + 4);
			uint32_t blkoff = awp_le32(page, NDB_PAGE, o + 8);
			uint32_t blkcnt = awp_le32(page, NDB_PAGE, o + 12);
			if (blkoff == 0)
				continue;
			if (blkoff < minblk || blkcnt == 0 || (uint64_t)blkoff + blkcnt > fileblks) {
				err = awp_error_set(AWP_ECORRUPT, "%s: package %u: blocks %u+%u out of range", r->name, pkgidx,
						    blkoff, blkcnt);
				goto done;
			}
			uint8_t bh[HEAD];
			uint64_t boff = (uint64_t)blkoff * BLK;
			if ((err = awp_osdb_pread(r, bh, HEAD, boff)) < 0)
				goto done;
			uint32_t len = awp_le32(bh, HEAD, 12);
			if (awp_le32(bh, HEAD, 0) != MAGIC('B', 'l', 'b', 'S') || awp_le32(bh, HEAD, 4) != pkgidx ||
			    len > AWP_MAX_RPM_HEADER_SIZE || ((uint64_t)HEAD + len + TAIL + BLK - 1) / BLK != blkcnt) {
				err = awp_error_set(AWP_ECORRUPT, "%s: package %u: bad blob header", r->name, pkgidx);
				goto done;
			}
			blob = awp_malloc(len ? len : 1);
			if (!blob) {
				err = AWP_ENOMEM;
				goto done;
			}
			if ((err = awp_osdb_pread(r, blob, len, boff + HEAD)) < 0)
				goto done;
			err = cb(blob, len, payload);
			free(blob);
			blob = NULL;
			if (err < 0)
				goto done;
		}
	}
	err = 0;
done:
	free(blob);
	free(page);
	return err;
}
