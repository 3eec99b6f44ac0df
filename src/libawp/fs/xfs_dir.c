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
