/*
 * fs/xfs_dir.c - XFS version 2/3 directories.
 *
 * Shortform directories live in the inode's data fork. Every other form
 * (block, leaf, node, B+tree) keeps its entries in data blocks in the first
 * 32 GiB of the directory's address space (XFS_DIR2_LEAF_OFFSET); the leaf,
 * node and free-index blocks above that only speed up lookups and are not
 * read. So one loop handles all of them: map the directory like a file and
 * parse every mapped data block below 32 GiB, in offset order.
 *
 * Format reference: xfs_da_format.h (xfs_dir2_sf_hdr, xfs_dir2_data_hdr,
 * xfs_dir3_data_hdr, xfs_dir2_data_entry, xfs_dir2_data_unused,
 * xfs_dir2_block_tail), "XFS Algorithms & Data Structures": "Directories".
 */
#include "fs/xfs_int.h"

#include "util/bytes.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

#define XFS_DIR2_DATA_HDR_LEN 16  /* magic + 3 bestfree pairs */
#define XFS_DIR3_DATA_HDR_LEN 64  /* xfs_dir3_blk_hdr (48) + bestfree + pad */
#define XFS_DIR3_OWNER_OFF 40
#define XFS_DIR2_DATA_FREE_TAG 0xffff

typedef struct dirwalk {
	xfs_ctx *x;
	uint64_t ino;
	awp_dirent_cb cb;
	void *payload;
} dirwalk;

static awp_ftype ftype_of(unsigned t)
{
	/* XFS_DIR3_FT_*: 1 reg, 2 dir, 3 chr, 4 blk, 5 fifo, 6 sock, 7 symlink */
	static const awp_ftype map[] = {AWP_FT_UNKNOWN, AWP_FT_REG,  AWP_FT_DIR,  AWP_FT_CHR,
					AWP_FT_BLK,     AWP_FT_FIFO, AWP_FT_SOCK, AWP_FT_SYMLINK};
	return t < sizeof map / sizeof map[0] ? map[t] : AWP_FT_UNKNOWN;
}

static int dcorrupt(dirwalk *w, const char *what)
{
	return awp_error_set(AWP_ECORRUPT, "xfs (%s): directory inode %llu: %s", w->x->name,
			     (unsigned long long)w->ino, what);
}

/* Hand one entry to the callback; "." and ".." are dropped here. */
static int emit(dirwalk *w, const unsigned char *name, size_t namelen, uint64_t ino, unsigned ftype)
{
	char buf[256];
	if (namelen == 0 || namelen > 255)
		return dcorrupt(w, "entry with a bad name length");
	memcpy(buf, name, namelen);
	buf[namelen] = '\0';
	if (memchr(buf, '\0', namelen) || memchr(buf, '/', namelen))
		return dcorrupt(w, "entry name contains NUL or '/'");
	if ((namelen == 1 && buf[0] == '.') || (namelen == 2 && buf[0] == '.' && buf[1] == '.'))
		return 0;
	if (ino == 0)
		return dcorrupt(w, "entry with inode number 0");
	awp_dirent ent = {buf, ino, w->x->has_ftype ? ftype_of(ftype) : AWP_FT_UNKNOWN};
	return w->cb(&ent, w->payload);
}

/* Shortform: count, i8count, parent, then {namelen, offset[2], name,
 * [ftype], inumber (4 or 8 bytes)} packed without padding. */
static int read_sf(dirwalk *w, const xfs_inode *ip)
{
	const unsigned char *d = ip->fork;
	size_t lim = ip->size < ip->forksize ? (size_t)ip->size : ip->forksize;
	if (lim < 6)
		return dcorrupt(w, "shortform directory too small");
	unsigned count = d[0], i8 = d[1];
	size_t isz = i8 ? 8 : 4, pos = 2 + isz;
	size_t fty = w->x->has_ftype ? 1 : 0;
	for (unsigned i = 0; i < count; i++) {
		if (pos + 3 > lim)
			return dcorrupt(w, "shortform entry past the end of the fork");
		size_t namelen = d[pos];
		size_t name = pos + 3, after = name + namelen + fty;
		if (namelen == 0 || after + isz > lim)
			return dcorrupt(w, "shortform entry past the end of the fork");
		uint64_t ino = i8 ? awp_be64(d, lim, after) : awp_be32(d, lim, after);
		int r = emit(w, d + name, namelen, ino, fty ? d[name + namelen] : 0);
		if (r != 0)
			return r;
		pos = after + isz;
	}
	return 0;
}

/* One data block (or the single block of a block-form directory). */
static int read_data_block(dirwalk *w, const unsigned char *b, size_t bs, uint64_t db)
{
	xfs_ctx *x = w->x;
	uint32_t magic = awp_be32(b, bs, 0);
	int isblock;
	if (magic == (x->v5 ? XFS_DIR3_BLOCK_MAGIC : XFS_DIR2_BLOCK_MAGIC))
		isblock = 1;
	else if (magic == (x->v5 ? XFS_DIR3_DATA_MAGIC : XFS_DIR2_DATA_MAGIC))
		isblock = 0;
	else
		return awp_error_set(AWP_ECORRUPT, "xfs (%s): directory inode %llu: data block %llu: bad magic 0x%08x",
				     x->name, (unsigned long long)w->ino, (unsigned long long)db, magic);
	if (x->v5 && awp_be64(b, bs, XFS_DIR3_OWNER_OFF) != w->ino)
		return awp_error_set(AWP_ECORRUPT, "xfs (%s): directory inode %llu: data block %llu belongs to inode %llu",
				     x->name, (unsigned long long)w->ino, (unsigned long long)db,
				     (unsigned long long)awp_be64(b, bs, XFS_DIR3_OWNER_OFF));
	size_t pos = x->v5 ? XFS_DIR3_DATA_HDR_LEN : XFS_DIR2_DATA_HDR_LEN;
	size_t end = bs;
	if (isblock) {
		/* Block form: leaf entries (8 bytes each) and an 8-byte tail
		 * {count, stale} sit at the end of the block. */
		uint64_t count = awp_be32(b, bs, bs - 8);
		if (count > (bs - 8 - pos) / 8)
			return dcorrupt(w, "block directory leaf count out of range");
		end = bs - 8 - (size_t)count * 8;
	}
	size_t fty = x->has_ftype ? 1 : 0;
	while (pos + 8 <= end) {
		if (awp_be16(b, bs, pos) == XFS_DIR2_DATA_FREE_TAG) {
			size_t len = awp_be16(b, bs, pos + 2);
			if (len < 8 || (len & 7) || len > end - pos)
				return dcorrupt(w, "bad free space record in a data block");
			pos += len;
			continue;
		}
		/* inumber[8], namelen, name, [ftype], tag[2]; padded to 8 */
		uint64_t ino = awp_be64(b, bs, pos);
		size_t namelen = b[pos + 8];
		size_t entsize = (8 + 1 + namelen + fty + 2 + 7) & ~(size_t)7;
		if (namelen == 0 || entsize > end - pos)
			return dcorrupt(w, "data entry past the end of its block");
		if (awp_be16(b, bs, pos + entsize - 2) != pos)
			return dcorrupt(w, "data entry tag does not match its offset");
		int r = emit(w, b + pos + 9, namelen, ino, fty ? b[pos + 9 + namelen] : 0);
		if (r != 0)
			return r;
		pos += entsize;
	}
	return 0;
}

static int read_blocks(dirwalk *w, const xfs_inode *ip)
{
	xfs_ctx *x = w->x;
	xfs_extmap map = {0};
	unsigned char *buf = NULL;
	int err = xfs_extmap_build(x, ip, &map);
	if (err < 0)
		return err;
	if (!(buf = awp_malloc(x->dirblksize))) {
		err = AWP_ENOMEM;
		goto done;
	}
	uint64_t dbfsb = x->dirblksize >> x->blocklog;   /* fs blocks per directory block */
	uint64_t leaf_fsb = XFS_DIR2_LEAF_OFFSET >> x->blocklog;
	uint64_t next_db = 0, nblocks = 0;
	for (size_t i = 0; i < map.n; i++) {
		const xfs_extent *e = &map.v[i];
		if (e->off >= leaf_fsb)
			break;
		uint64_t db = e->off / dbfsb;
		if (db < next_db)
			db = next_db;
		for (; db * dbfsb < e->off + e->len && db * dbfsb < leaf_fsb; db++) {
			if (++nblocks > AWP_MAX_XFS_DIR_BLOCKS) {
				err = awp_error_set(AWP_ELIMIT, "xfs (%s): directory inode %llu: more than %u data blocks",
						    x->name, (unsigned long long)w->ino, AWP_MAX_XFS_DIR_BLOCKS);
				goto done;
			}
			if ((err = xfs_extmap_read(x, &map, w->ino, buf, x->dirblksize, db * x->dirblksize)) < 0)
				goto done;
			if ((err = read_data_block(w, buf, x->dirblksize, db)) != 0)
				goto done;
			next_db = db + 1;
		}
	}
done:
	free(buf);
	xfs_extmap_free(&map);
	return err;
}

/* --- hashed lookup ------------------------------------------------------------
 *
 * Block, leaf and node directories index their entries by a hash of the
 * name (xfs_da_hashname) in entries {hashval, address/8} sorted by hash:
 * at the end of the single block (block form), in one leaf block at 32 GiB
 * (leaf form), or in leaf blocks under a da B+tree rooted at 32 GiB (node
 * and B+tree forms). When the index is damaged or in a form we do not
 * expect, lookup falls back to scanning the data blocks, which are the
 * ground truth anyway.
 */

#define XFS_DIR2_LEAF1_MAGIC 0xd2f1u
#define XFS_DIR3_LEAF1_MAGIC 0x3df1u
#define XFS_DIR2_LEAFN_MAGIC 0xd2ffu
#define XFS_DIR3_LEAFN_MAGIC 0x3dffu
#define XFS_DA_NODE_MAGIC 0xfebeu
#define XFS_DA3_NODE_MAGIC 0x3ebeu
#define XFS_DA_HDR_V4 16  /* xfs_da_blkinfo (12) + count + stale/level */
#define XFS_DA_HDR_V5 64  /* xfs_da3_blkinfo (56) + count + stale/level + pad */
#define XFS_LOOKUP_FALLBACK 1 /* internal: "use the scan" */

static uint32_t rol32(uint32_t v, unsigned s)
{
	return (v << s) | (v >> (32 - s));
}

/* xfs_da_hashname: 7-bit rotating hash over the name bytes. */
static uint32_t da_hash(const unsigned char *n, size_t len)
{
	uint32_t h = 0;
	for (; len >= 4; len -= 4, n += 4)
		h = ((uint32_t)n[0] << 21) ^ ((uint32_t)n[1] << 14) ^ ((uint32_t)n[2] << 7) ^ n[3] ^ rol32(h, 28);
	switch (len) {
	case 3: return ((uint32_t)n[0] << 14) ^ ((uint32_t)n[1] << 7) ^ n[2] ^ rol32(h, 21);
	case 2: return ((uint32_t)n[0] << 7) ^ n[1] ^ rol32(h, 14);
	case 1: return n[0] ^ rol32(h, 7);
	default: return h;
	}
}

typedef struct hlookup {
	xfs_ctx *x;
	uint64_t ino;
	xfs_extmap map;
	const char *name;
	size_t namelen;
	uint32_t hash;
	unsigned char *dbuf;     /* one directory block */
	uint64_t dbuf_db;        /* block held in dbuf + 1, 0 when none */
	unsigned char *lbuf;     /* one index block */
	uint64_t found;
	unsigned steps;          /* index blocks read (bounds loops) */
} hlookup;

static int read_dirblk(hlookup *h, unsigned char *buf, uint64_t byteoff)
{
	return xfs_extmap_read(h->x, &h->map, h->ino, buf, h->x->dirblksize, byteoff);
}

/* Check the data entry at directory byte offset addr*8: 1 when it is ours. */
static int check_addr(hlookup *h, uint64_t addr)
{
	xfs_ctx *x = h->x;
	uint64_t off = addr << 3, db = off / x->dirblksize;
	size_t in = (size_t)(off % x->dirblksize), bs = x->dirblksize;
	if (off >= XFS_DIR2_LEAF_OFFSET)
		return -XFS_LOOKUP_FALLBACK;
	if (h->dbuf_db != db + 1) {
		h->dbuf_db = 0;
		if (read_dirblk(h, h->dbuf, db * x->dirblksize) < 0)
			return -XFS_LOOKUP_FALLBACK;
		h->dbuf_db = db + 1;
	}
	if (in + 12 > bs)
		return -XFS_LOOKUP_FALLBACK;
	size_t namelen = h->dbuf[in + 8];
	if (in + 9 + namelen > bs)
		return -XFS_LOOKUP_FALLBACK;
	if (namelen == h->namelen && memcmp(h->dbuf + in + 9, h->name, namelen) == 0) {
		h->found = awp_be64(h->dbuf, bs, in);
		return 1;
	}
	return 0;
}

/* Scan sorted {hash, address} entries at ents[0..count); 1 found, 0 not,
 * 2 when the run of equal hashes reaches the end (continue in the next leaf). */
static int scan_ents(hlookup *h, const unsigned char *ents, size_t count)
{
	size_t lo = 0, hi = count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (awp_be32(ents, count * 8, mid * 8) < h->hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < count; i++) {
		if (awp_be32(ents, count * 8, i * 8) != h->hash)
			return 0;
		uint32_t addr = awp_be32(ents, count * 8, i * 8 + 4);
		if (addr == 0) /* stale */
			continue;
		int r = check_addr(h, addr);
		if (r != 0)
			return r;
	}
	return 2;
}

static int lookup_hashed(hlookup *h, unsigned format_magic_unused)
{
	(void)format_magic_unused;
	xfs_ctx *x = h->x;
	size_t bs = x->dirblksize;
	size_t hdr = x->v5 ? XFS_DA_HDR_V5 : XFS_DA_HDR_V4;
	uint64_t leaf_fsb = XFS_DIR2_LEAF_OFFSET >> x->blocklog;
	/* Is there anything at 32 GiB? No: block form, index in block 0. */
	int has_leaf = 0;
	for (size_t i = 0; i < h->map.n; i++)
		if (h->map.v[i].off + h->map.v[i].len > leaf_fsb && h->map.v[i].off < leaf_fsb * 2)
			has_leaf = 1;
	if (!has_leaf) {
		if (read_dirblk(h, h->lbuf, 0) < 0)
			return -XFS_LOOKUP_FALLBACK;
		uint32_t magic = awp_be32(h->lbuf, bs, 0);
		if (magic != (x->v5 ? XFS_DIR3_BLOCK_MAGIC : XFS_DIR2_BLOCK_MAGIC))
			return -XFS_LOOKUP_FALLBACK;
		uint64_t count = awp_be32(h->lbuf, bs, bs - 8);
		if (count > (bs - 8) / 8 - 1)
			return -XFS_LOOKUP_FALLBACK;
		int r = scan_ents(h, h->lbuf + bs - 8 - count * 8, (size_t)count);
		return r == 1 ? 1 : 0;
	}
	uint64_t da = leaf_fsb; /* in filesystem blocks of the directory */
	for (;;) {
		if (++h->steps > 2 * AWP_MAX_XFS_BTREE_LEVELS + 64)
			return -XFS_LOOKUP_FALLBACK;
		if (da < leaf_fsb || read_dirblk(h, h->lbuf, da << x->blocklog) < 0)
			return -XFS_LOOKUP_FALLBACK;
		unsigned magic = awp_be16(h->lbuf, bs, 8);
		size_t count = awp_be16(h->lbuf, bs, hdr - (x->v5 ? 8 : 4));
		if (count > (bs - hdr) / 8)
			return -XFS_LOOKUP_FALLBACK;
		const unsigned char *ents = h->lbuf + hdr;
		if (magic == (x->v5 ? XFS_DA3_NODE_MAGIC : XFS_DA_NODE_MAGIC)) {
			/* {hashval, before}: first child whose max hash >= ours */
			size_t i = 0;
			while (i < count && awp_be32(ents, count * 8, i * 8) < h->hash)
				i++;
			if (i == count)
				return 0;
			da = awp_be32(ents, count * 8, i * 8 + 4);
			continue;
		}
		if (magic != (x->v5 ? XFS_DIR3_LEAF1_MAGIC : XFS_DIR2_LEAF1_MAGIC) &&
		    magic != (x->v5 ? XFS_DIR3_LEAFN_MAGIC : XFS_DIR2_LEAFN_MAGIC))
			return -XFS_LOOKUP_FALLBACK;
		int r = scan_ents(h, ents, count);
		if (r != 2)
			return r;
		uint32_t forw = awp_be32(h->lbuf, bs, 0); /* blkinfo.forw: the next leaf */
		if (forw == 0)
			return 0;
		da = forw;
	}
}

struct scan_find {
	const char *name;
	uint64_t ino;
};

static int scan_find_cb(const awp_dirent *ent, void *payload)
{
	struct scan_find *f = payload;
	if (strcmp(ent->name, f->name) != 0)
		return 0;
	f->ino = ent->ino;
	return 1;
}

int xfs_lookup(void *ctx, uint64_t dir_ino, const char *name, uint64_t *ino)
{
	xfs_ctx *x = ctx;
	hlookup h = {.x = x, .ino = dir_ino, .name = name, .namelen = strlen(name)};
	int err = 0;
	xfs_inode *ip = awp_malloc(sizeof(*ip));
	if (!ip)
		return AWP_ENOMEM;
	if ((err = xfs_inode_read(x, dir_ino, ip)) < 0)
		goto done;
	if (h.namelen == 0 || h.namelen > 255) {
		err = AWP_ENOTFOUND;
		goto done;
	}
	/* Shortform directories are small: scanning them is the lookup.
	 * ASCII-CI filesystems hash case-folded names: scan those too. */
	if ((ip->mode & 0170000) == 0040000 && !x->ascii_ci &&
	    (ip->format == XFS_DINODE_FMT_EXTENTS || ip->format == XFS_DINODE_FMT_BTREE)) {
		if ((err = xfs_extmap_build(x, ip, &h.map)) < 0)
			goto done;
		h.hash = da_hash((const unsigned char *)name, h.namelen);
		h.dbuf = awp_malloc(x->dirblksize);
		h.lbuf = awp_malloc(x->dirblksize);
		if (!h.dbuf || !h.lbuf) {
			err = AWP_ENOMEM;
			goto done;
		}
		int r = lookup_hashed(&h, 0);
		if (r == 1) {
			*ino = h.found;
			goto done;
		}
		if (r == 0) {
			err = AWP_ENOTFOUND;
			goto done;
		}
	}
	struct scan_find f = {name, 0};
	err = xfs_readdir(ctx, dir_ino, scan_find_cb, &f);
	if (err == 1) {
		*ino = f.ino;
		err = 0;
	} else if (err == 0) {
		err = AWP_ENOTFOUND;
	}
done:
	free(h.dbuf);
	free(h.lbuf);
	xfs_extmap_free(&h.map);
	free(ip);
	return err;
}

int xfs_readdir(void *ctx, uint64_t dir_ino, awp_dirent_cb cb, void *payload)
{
	xfs_ctx *x = ctx;
	dirwalk w = {x, dir_ino, cb, payload};
	xfs_inode *ip = awp_malloc(sizeof(*ip));
	if (!ip)
		return AWP_ENOMEM;
	int err = xfs_inode_read(x, dir_ino, ip);
	if (err < 0)
		goto done;
	if ((ip->mode & 0170000) != 0040000) {
		err = awp_error_set(AWP_EINVAL, "xfs (%s): inode %llu: not a directory", x->name,
				    (unsigned long long)dir_ino);
		goto done;
	}
	if (ip->format == XFS_DINODE_FMT_LOCAL)
		err = read_sf(&w, ip);
	else if (ip->format == XFS_DINODE_FMT_EXTENTS || ip->format == XFS_DINODE_FMT_BTREE)
		err = read_blocks(&w, ip);
	else
		err = dcorrupt(&w, "bad data fork format");
done:
	free(ip);
	return err;
}
