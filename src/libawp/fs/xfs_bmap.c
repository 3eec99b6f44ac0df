/*
 * fs/xfs_bmap.c - XFS data fork mappings: extent lists and the bmap B+tree
 * (to any depth up to AWP_MAX_XFS_BTREE_LEVELS), and regular file reads.
 *
 * A file's whole mapping is built once at open into a sorted array of
 * extents (adjacent runs merged); reads then binary-search it and issue one
 * source read per contiguous run. Holes and unwritten (preallocated)
 * extents read as zeros.
 *
 * Invariants of a built map: extents are sorted by file offset, do not
 * overlap, have len > 0, and every physical run was checked to lie inside
 * its allocation group and the source.
 *
 * Format reference: xfs_format.h (xfs_bmbt_rec, xfs_bmdr_block,
 * xfs_btree_block long form), "XFS Algorithms & Data Structures": "Data
 * Extents", "B+tree Extent List".
 */
#include "fs/xfs_int.h"

#include "util/bytes.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

/* Long-form btree block header sizes: v4 magic..rightsib, v5 adds
 * blkno, lsn, uuid, owner, crc, pad. */
#define XFS_BTREE_LBLOCK_LEN 24
#define XFS_BTREE_LBLOCK_CRC_LEN 72
#define XFS_BTREE_LBLOCK_OWNER_OFF 56
/* File offsets are 54 bits; keep byte offsets well inside int64. */
#define XFS_MAX_FILEOFF_BYTES (1ull << 62)

void xfs_bmbt_unpack(const unsigned char *rec, uint64_t *startoff, uint64_t *startblock, uint32_t *count,
		     int *unwritten)
{
	/* l0: [63] unwritten, [62:9] startoff, [8:0] startblock high bits;
	 * l1: [63:21] startblock low bits, [20:0] blockcount. */
	uint64_t l0 = awp_be64(rec, 16, 0), l1 = awp_be64(rec, 16, 8);
	*unwritten = (int)(l0 >> 63);
	*startoff = (l0 >> 9) & ((1ull << 54) - 1);
	*startblock = ((l0 & 0x1ff) << 43) | (l1 >> 21);
	*count = (uint32_t)(l1 & ((1u << 21) - 1));
}

void xfs_extmap_free(xfs_extmap *map)
{
	free(map->v);
	map->v = NULL;
	map->n = map->cap = 0;
}

typedef struct build {
	xfs_ctx *x;
	uint64_t ino;
	xfs_extmap *map;
	size_t blocks;       /* bmbt blocks visited */
} build;

static int corrupt(build *b, const char *what)
{
	return awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: %s", b->x->name, (unsigned long long)b->ino, what);
}

static int add_rec(build *b, const unsigned char *rec)
{
	uint64_t off, fsb, phys;
	uint32_t len;
	int unwritten;
	xfs_bmbt_unpack(rec, &off, &fsb, &len, &unwritten);
	if (len == 0)
		return corrupt(b, "extent with zero length");
	if ((off + len) > (XFS_MAX_FILEOFF_BYTES >> b->x->blocklog))
		return corrupt(b, "extent beyond the largest file offset");
	if (xfs_fsb_to_phys(b->x, fsb, len, &phys) < 0)
		return awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: extent at block %llu (+%u) out of range",
				     b->x->name, (unsigned long long)b->ino, (unsigned long long)fsb, len);
	xfs_extmap *m = b->map;
	if (m->n > 0) {
		xfs_extent *p = &m->v[m->n - 1];
		if (off < p->off + p->len)
			return corrupt(b, "extents overlap or are out of order");
		if (p->off + p->len == off && p->unwritten == (uint32_t)unwritten &&
		    p->phys + ((uint64_t)p->len << b->x->blocklog) == phys && (uint64_t)p->len + len <= UINT32_MAX) {
			p->len += len;
			return 0;
		}
	}
	if (m->n >= AWP_MAX_XFS_EXTENTS)
		return awp_error_set(AWP_ELIMIT, "xfs (%s): inode %llu: more than %u extents", b->x->name,
				     (unsigned long long)b->ino, AWP_MAX_XFS_EXTENTS);
	if (AWP_GROW(m->v, m->cap, m->n + 1) < 0)
		return AWP_ENOMEM;
	m->v[m->n++] = (xfs_extent){off, phys, len, (uint32_t)unwritten};
	return 0;
}

/* Visit the bmbt block `fsb`, which must be at `level`; levels strictly
 * decrease on the way down, so a pointer cycle cannot recurse forever. */
static int walk(build *b, uint64_t fsb, unsigned level)
{
	xfs_ctx *x = b->x;
	uint64_t phys;
	if (++b->blocks > AWP_MAX_XFS_BTREE_BLOCKS)
		return awp_error_set(AWP_ELIMIT, "xfs (%s): inode %llu: extent btree has more than %u blocks", x->name,
				     (unsigned long long)b->ino, AWP_MAX_XFS_BTREE_BLOCKS);
	if (xfs_fsb_to_phys(x, fsb, 1, &phys) < 0)
		return awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: extent btree block %llu out of range",
				     x->name, (unsigned long long)b->ino, (unsigned long long)fsb);
	size_t bs = x->blocksize;
	unsigned char *blk = awp_malloc(bs);
	if (!blk)
		return AWP_ENOMEM;
	int err = awp_source_read(x->src, blk, bs, phys);
	if (err < 0) {
		awp_error_prefix(err, "xfs (%s): inode %llu: extent btree: ", x->name, (unsigned long long)b->ino);
		goto done;
	}
	size_t hdr = x->v5 ? XFS_BTREE_LBLOCK_CRC_LEN : XFS_BTREE_LBLOCK_LEN;
	uint32_t magic = awp_be32(blk, bs, 0);
	if (magic != (x->v5 ? XFS_BMAP3_MAGIC : XFS_BMAP_MAGIC)) {
		err = awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: extent btree block %llu: bad magic 0x%08x",
				    x->name, (unsigned long long)b->ino, (unsigned long long)fsb, magic);
		goto done;
	}
	if (x->v5 && awp_be64(blk, bs, XFS_BTREE_LBLOCK_OWNER_OFF) != b->ino) {
		err = awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: extent btree block %llu belongs to inode %llu",
				    x->name, (unsigned long long)b->ino, (unsigned long long)fsb,
				    (unsigned long long)awp_be64(blk, bs, XFS_BTREE_LBLOCK_OWNER_OFF));
		goto done;
	}
	unsigned blevel = awp_be16(blk, bs, 4), numrecs = awp_be16(blk, bs, 6);
	size_t maxrecs = (bs - hdr) / 16; /* leaf record or key+pointer pair: 16 bytes */
	if (blevel != level) {
		err = awp_error_set(AWP_ECORRUPT,
				    "xfs (%s): inode %llu: extent btree block %llu: level %u where %u was expected "
				    "(loop or misdirected pointer)",
				    x->name, (unsigned long long)b->ino, (unsigned long long)fsb, blevel, level);
		goto done;
	}
	if (numrecs == 0 || numrecs > maxrecs) {
		err = awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: extent btree block %llu: bad record count %u",
				    x->name, (unsigned long long)b->ino, (unsigned long long)fsb, numrecs);
		goto done;
	}
	for (unsigned i = 0; i < numrecs && err >= 0; i++) {
		if (level == 0)
			err = add_rec(b, blk + hdr + (size_t)i * 16);
		else
			err = walk(b, awp_be64(blk, bs, hdr + maxrecs * 8 + (size_t)i * 8), level - 1);
	}
done:
	free(blk);
	return err;
}

int xfs_extmap_build(xfs_ctx *x, const xfs_inode *ip, xfs_extmap *map)
{
	build b = {x, ip->ino, map, 0};
	const unsigned char *f = ip->fork;
	size_t fs = ip->forksize;
	int err = 0;
	map->n = 0;
	if (ip->flags & 0x0001) /* XFS_DIFLAG_REALTIME */
		return awp_error_set(AWP_EUNSUPPORTED, "xfs (%s): inode %llu: realtime files are not supported", x->name,
				     (unsigned long long)ip->ino);
	if (ip->format == XFS_DINODE_FMT_EXTENTS) {
		if (ip->nextents > fs / 16)
			return corrupt(&b, "extent count larger than the data fork");
		for (uint64_t i = 0; i < ip->nextents && err >= 0; i++)
			err = add_rec(&b, f + i * 16);
	} else if (ip->format == XFS_DINODE_FMT_BTREE) {
		/* The root (xfs_bmdr_block) in the inode: level, numrecs, keys, ptrs. */
		unsigned level = awp_be16(f, fs, 0), numrecs = awp_be16(f, fs, 2);
		size_t maxrecs = fs >= 4 ? (fs - 4) / 16 : 0;
		if (level == 0 || level > AWP_MAX_XFS_BTREE_LEVELS)
			return corrupt(&b, "extent btree depth out of range");
		if (numrecs == 0 || numrecs > maxrecs)
			return corrupt(&b, "bad extent btree root record count");
		for (unsigned i = 0; i < numrecs && err >= 0; i++)
			err = walk(&b, awp_be64(f, fs, 4 + maxrecs * 8 + (size_t)i * 8), level - 1);
	} else {
		return awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: data fork format %u has no extents", x->name,
				     (unsigned long long)ip->ino, ip->format);
	}
	if (err < 0)
		xfs_extmap_free(map);
	return err;
}

/* Index of the last extent starting at or before file block fb, or -1. */
static ptrdiff_t find(const xfs_extmap *map, uint64_t fb)
{
	size_t lo = 0, hi = map->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (map->v[mid].off <= fb)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ptrdiff_t)lo - 1;
}

int xfs_extmap_read(xfs_ctx *x, const xfs_extmap *map, uint64_t ino, void *buf, size_t len, uint64_t off)
{
	unsigned char *out = buf;
	unsigned bl = x->blocklog;
	/* i: the first extent that ends after `off` */
	ptrdiff_t f = find(map, off >> bl);
	size_t i = f < 0 ? 0 : (size_t)f;
	if (i < map->n && ((map->v[i].off + map->v[i].len) << bl) <= off)
		i++;
	while (len > 0) {
		uint64_t run;
		const xfs_extent *e = i < map->n ? &map->v[i] : NULL;
		uint64_t estart = e ? e->off << bl : UINT64_MAX;
		if (e && off >= estart) {
			uint64_t eend = (e->off + e->len) << bl;
			run = eend - off < len ? eend - off : len;
			if (e->unwritten) {
				memset(out, 0, (size_t)run);
			} else {
				int err = awp_source_read(x->src, out, (size_t)run, e->phys + (off - estart));
				if (err < 0)
					return awp_error_prefix(err, "xfs (%s): inode %llu: ", x->name, (unsigned long long)ino);
			}
			if (off + run == eend)
				i++;
		} else {
			/* a hole up to the next extent (or the end of the request) */
			run = estart - off < len ? estart - off : len;
			memset(out, 0, (size_t)run);
		}
		out += run;
		off += run;
		len -= (size_t)run;
	}
	return 0;
}

/* --- regular files ---------------------------------------------------------- */

typedef struct xfs_fh {
	xfs_ctx *x;
	uint64_t ino;
	uint64_t size;
	xfs_extmap map;
	unsigned char *inline_data; /* local-format data fork (rare) */
} xfs_fh;

void xfs_file_close(void *fh)
{
	xfs_fh *h = fh;
	if (!h)
		return;
	xfs_extmap_free(&h->map);
	free(h->inline_data);
	free(h);
}

int xfs_file_open(void *ctx, uint64_t ino, void **fh, uint64_t *size)
{
	xfs_ctx *x = ctx;
	xfs_fh *h = NULL;
	xfs_inode *ip = awp_malloc(sizeof(*ip));
	if (!ip)
		return AWP_ENOMEM;
	int err = xfs_inode_read(x, ino, ip);
	if (err < 0)
		goto done;
	if ((ip->mode & 0170000) != 0100000) {
		err = awp_error_set(AWP_EINVAL, "xfs (%s): inode %llu: not a regular file", x->name,
				    (unsigned long long)ino);
		goto done;
	}
	if (!(h = awp_calloc(1, sizeof(*h)))) {
		err = AWP_ENOMEM;
		goto done;
	}
	h->x = x;
	h->ino = ino;
	h->size = ip->size;
	if (ip->format == XFS_DINODE_FMT_LOCAL) {
		if (ip->size > ip->forksize) {
			err = awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: inline data larger than its fork",
					    x->name, (unsigned long long)ino);
			goto done;
		}
		if (!(h->inline_data = awp_malloc((size_t)ip->size + 1))) {
			err = AWP_ENOMEM;
			goto done;
		}
		memcpy(h->inline_data, ip->fork, (size_t)ip->size);
	} else if ((err = xfs_extmap_build(x, ip, &h->map)) < 0) {
		goto done;
	}
	*fh = h;
	*size = h->size;
	h = NULL;
done:
	xfs_file_close(h);
	free(ip);
	return err;
}

int xfs_file_read(void *fh, void *buf, size_t len, uint64_t off, size_t *nread)
{
	xfs_fh *h = fh;
	*nread = 0;
	if (off >= h->size)
		return 0;
	if (len > h->size - off)
		len = (size_t)(h->size - off);
	if (h->inline_data) {
		memcpy(buf, h->inline_data + off, len);
	} else {
		int err = xfs_extmap_read(h->x, &h->map, h->ino, buf, len, off);
		if (err < 0)
			return err;
	}
	*nread = len;
	return 0;
}
