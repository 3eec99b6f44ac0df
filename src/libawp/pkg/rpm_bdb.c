/*
 * pkg/rpm_bdb.c - /var/lib/rpm/Packages, a Berkeley DB hash database
 * (RHEL/CentOS 7-8, Amazon Linux 2): our own reader, no libdb.
 *
 * Format facts (Berkeley DB db_page.h, "hash access method"):
 *  - page 0 is the hash metadata page: magic 0x061561 at offset 12 (its byte
 *    order gives the file's), version at 16, page size at 20, page type 8 at
 *    25, encryption algorithm at 24, last page number at 32;
 *  - every page starts with a 26-byte header: pgno@8, prev@12, next@16,
 *    entries (u16)@20, hf_offset (u16)@22, level@24, type@25;
 *  - hash pages (type 13, or 2 "unsorted") hold `entries` u16 item offsets
 *    right after the header, alternating key and data; an item starts with
 *    its kind: 1 = key/data bytes inline (length up to the previous item's
 *    offset, the first item up to the page end), 3 = off-page: pgno@4,
 *    total length@8;
 *  - overflow pages (type 7) chain through next; hf_offset is the number of
 *    bytes used on the page, data starts after the header.
 * Rather than following buckets, every hash page is visited in page order:
 * each record lives on exactly one of them, and damaged bucket links cannot
 * send the reader in circles. Every count, offset and chain is bounded.
 */
#include "pkg/osdb_int.h"

#include "util/bytes.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

enum {
	HASH_MAGIC = 0x061561,
	P_HASH_UNSORTED = 2, P_OVERFLOW = 7, P_HASHMETA = 8, P_HASH = 13,
	H_KEYDATA = 1, H_OFFPAGE = 3,
	PAGE_HDR = 26,
};

struct bdb {
	const awp_osdb_reader *r;
	int be;
	uint32_t pagesize, last;
	uint8_t *ovpage;
};

static uint32_t u32(const struct bdb *b, const uint8_t *p, size_t len, size_t off)
{
	return b->be ? awp_be32(p, len, off) : awp_le32(p, len, off);
}

static uint16_t u16(const struct bdb *b, const uint8_t *p, size_t len, size_t off)
{
	return b->be ? awp_be16(p, len, off) : awp_le16(p, len, off);
}

static int read_page(struct bdb *b, uint32_t pgno, uint8_t *buf)
{
	return awp_osdb_pread(b->r, buf, b->pagesize, (uint64_t)pgno * b->pagesize);
}

/* Gather an off-page record of tlen bytes starting at pgno into *out. */
static int read_overflow(struct bdb *b, uint32_t pgno, uint32_t tlen, uint8_t **out)
{
	if (tlen > AWP_MAX_RPM_HEADER_SIZE)
		return awp_error_set(AWP_ECORRUPT, "%s: record of %u bytes exceeds limit", b->r->name, tlen);
	uint8_t *data = awp_malloc(tlen ? tlen : 1);
	if (!data)
		return AWP_ENOMEM;
	uint32_t got = 0, hops = 0;
	int err = 0;
	while (got < tlen) {
		if (pgno == 0 || pgno > b->last || ++hops > b->last) {
			err = awp_error_set(AWP_ECORRUPT, "%s: overflow chain broken at page %u", b->r->name, pgno);
			goto fail;
		}
		if ((err = read_page(b, pgno, b->ovpage)) < 0)
			goto fail;
		if (b->ovpage[25] != P_OVERFLOW) {
			err = awp_error_set(AWP_ECORRUPT, "%s: page %u is not an overflow page", b->r->name, pgno);
			goto fail;
		}
		uint32_t used = u16(b, b->ovpage, b->pagesize, 22);
		if (used > b->pagesize - PAGE_HDR || used > tlen - got || used == 0) {
			err = awp_error_set(AWP_ECORRUPT, "%s: overflow page %u holds %u bytes", b->r->name, pgno, used);
			goto fail;
		}
		memcpy(data + got, b->ovpage + PAGE_HDR, used);
		got += used;
		pgno = u32(b, b->ovpage, b->pagesize, 16);
	}
	*out = data;
	return 0;
fail:
	free(data);
	return err;
}

/* Item i of a hash page: its kind, bytes and length. */
static int item(const struct bdb *b, const uint8_t *pg, uint16_t n, uint16_t i, const uint8_t **p, size_t *len)
{
	uint32_t off = u16(b, pg, b->pagesize, PAGE_HDR + 2u * i);
	uint32_t end = i == 0 ? b->pagesize : u16(b, pg, b->pagesize, PAGE_HDR + 2u * (i - 1));
	if (off < PAGE_HDR + 2u * n || off >= end || end > b->pagesize)
		return awp_error_set(AWP_ECORRUPT, "%s: item %u at offset %u out of place", b->r->name, i, off);
	*p = pg + off;
	*len = end - off;
	return 0;
}

int awp_rpm_bdb_read(const awp_osdb_reader *r, awp_rpm_blob_cb cb, void *payload)
{
	uint8_t meta[512];
	struct bdb b = {r, 0, 0, 0, NULL};
	uint8_t *pg = NULL;
	int err;
	if ((err = awp_osdb_pread(r, meta, sizeof meta, 0)) < 0)
		return err;
	if (awp_le32(meta, sizeof meta, 12) == HASH_MAGIC)
		b.be = 0;
	else if (awp_be32(meta, sizeof meta, 12) == HASH_MAGIC)
		b.be = 1;
	else
		return awp_error_set(AWP_ECORRUPT, "%s: not a Berkeley DB hash database", r->name);
	b.pagesize = u32(&b, meta, sizeof meta, 20);
	if (b.pagesize < 512 || b.pagesize > AWP_MAX_BDB_PAGESIZE || (b.pagesize & (b.pagesize - 1)))
		return awp_error_set(AWP_ECORRUPT, "%s: page size %u invalid", r->name, b.pagesize);
	if (meta[25] != P_HASHMETA)
		return awp_error_set(AWP_ECORRUPT, "%s: page 0 is not a hash metadata page", r->name);
	if (meta[24] != 0)
		return awp_error_set(AWP_EUNSUPPORTED, "%s: encrypted Berkeley DB", r->name);
	b.last = u32(&b, meta, sizeof meta, 32);
	uint64_t pages = r->size / b.pagesize;
	if (pages == 0 || b.last >= pages)
		return awp_error_set(AWP_ECORRUPT, "%s: last page %u beyond the file's %llu pages", r->name, b.last,
				     (unsigned long long)pages);
	if (b.last > AWP_MAX_BDB_PAGES)
		return awp_error_set(AWP_ELIMIT, "%s: %u pages exceed limit", r->name, b.last);
	pg = awp_malloc(b.pagesize);
	b.ovpage = awp_malloc(b.pagesize);
	if (!pg || !b.ovpage) {
		err = AWP_ENOMEM;
		goto done;
	}
	for (uint32_t pgno = 1; pgno <= b.last; pgno++) {
		if ((err = read_page(&b, pgno, pg)) < 0)
			goto done;
		if (pg[25] != P_HASH && pg[25] != P_HASH_UNSORTED)
			continue;
		uint16_t n = u16(&b, pg, b.pagesize, 20);
		if (n > (b.pagesize - PAGE_HDR) / 2) {
			err = awp_error_set(AWP_ECORRUPT, "%s: page %u: %u entries do not fit", r->name, pgno, n);
			goto done;
		}
		for (uint16_t i = 1; i < n; i += 2) {
			const uint8_t *k, *d;
			size_t klen, dlen;
			if ((err = item(&b, pg, n, i - 1, &k, &klen)) < 0 || (err = item(&b, pg, n, i, &d, &dlen)) < 0)
				goto done;
			/* rpm keys are header numbers; key 0 is bookkeeping, not a header. */
			if (k[0] == H_KEYDATA && klen == 5 && u32(&b, k, klen, 1) == 0)
				continue;
			if (d[0] == H_KEYDATA) {
				err = cb(d + 1, dlen - 1, payload);
			} else if (d[0] == H_OFFPAGE && dlen >= 12) {
				uint8_t *rec = NULL;
				if ((err = read_overflow(&b, u32(&b, d, dlen, 4), u32(&b, d, dlen, 8), &rec)) < 0)
					goto done;
				err = cb(rec, u32(&b, d, dlen, 8), payload);
				free(rec);
			} else {
				err = awp_error_set(AWP_ECORRUPT, "%s: page %u: item kind %u unexpected", r->name, pgno, d[0]);
			}
			if (err < 0)
				goto done;
		}
	}
	err = 0;
done:
	free(pg);
	free(b.ovpage);
	return err;
}
