/*
 * fs/xfs.c - read-only XFS: superblock, inode numbers, inode cores, stat and
 * symlinks; the ops table. Extent maps and file reads are in xfs_bmap.c,
 * directories in xfs_dir.c. The log is ignored (read as-is, like a crashed
 * filesystem seen without recovery).
 *
 * Invariants: every number that comes from disk is checked against the
 * geometry of the superblock before it turns into a byte offset, and every
 * byte offset is read through awp_source_read (which refuses ranges past the
 * end of the source). Only v4 (dir2) and v5 filesystems are read.
 *
 * Format reference: xfs_format.h (struct xfs_dsb, struct xfs_dinode),
 * "XFS Algorithms & Data Structures" chapters "Superblocks", "On-disk Inode".
 */
#include "fs/xfs_int.h"

#include "util/bytes.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* sb_versionnum bits (low nibble is the version). */
#define XFS_SB_VERSION_NUMBITS 0x000f
#define XFS_SB_VERSION_DIRV2BIT 0x2000
#define XFS_SB_VERSION_BORGBIT 0x4000 /* ASCII case-insensitive names */
#define XFS_SB_VERSION_MOREBITSBIT 0x8000
/* sb_features2 */
#define XFS_SB_VERSION2_FTYPE 0x0200
/* sb_features_incompat (v5) */
#define XFS_SB_FEAT_INCOMPAT_FTYPE 0x01
#define XFS_SB_FEAT_INCOMPAT_SPINODES 0x02
#define XFS_SB_FEAT_INCOMPAT_META_UUID 0x04
#define XFS_SB_FEAT_INCOMPAT_BIGTIME 0x08
#define XFS_SB_FEAT_INCOMPAT_NEEDSREPAIR 0x10
#define XFS_SB_FEAT_INCOMPAT_NREXT64 0x20
#define XFS_SB_FEAT_INCOMPAT_EXCHRANGE 0x40 /* log items only */
#define XFS_SB_FEAT_INCOMPAT_PARENT 0x80    /* parent pointers are xattrs */
/* Everything we can read; metadir (0x100) moves metadata inodes and is refused. */
#define XFS_INCOMPAT_KNOWN                                                                                      \
	(XFS_SB_FEAT_INCOMPAT_FTYPE | XFS_SB_FEAT_INCOMPAT_SPINODES | XFS_SB_FEAT_INCOMPAT_META_UUID |           \
	 XFS_SB_FEAT_INCOMPAT_BIGTIME | XFS_SB_FEAT_INCOMPAT_NEEDSREPAIR | XFS_SB_FEAT_INCOMPAT_NREXT64 |         \
	 XFS_SB_FEAT_INCOMPAT_EXCHRANGE | XFS_SB_FEAT_INCOMPAT_PARENT)

/* di_flags / di_flags2 */
#define XFS_DIFLAG_REALTIME 0x0001
#define XFS_DIFLAG2_BIGTIME (1ull << 3)
#define XFS_DIFLAG2_NREXT64 (1ull << 4)
/* Inode core sizes: v1/v2 end at di_next_unlinked, v3 adds crc..di_uuid. */
#define XFS_DINODE_CORE_V2 100
#define XFS_DINODE_CORE_V3 176
/* Bigtime timestamps count nanoseconds from 1901-12-13 (-2^31 s). */
#define XFS_BIGTIME_EPOCH_OFFSET 2147483648ll
/* v5 remote symlink block header (struct xfs_dsymlink_hdr). */
#define XFS_SYMLINK_HDR_V5 56

static int ilog2_exact(uint64_t v)
{
	if (v == 0 || (v & (v - 1)))
		return -1;
	int l = 0;
	while (v > 1) {
		v >>= 1;
		l++;
	}
	return l;
}

static int xfs_probe(awp_source *src)
{
	unsigned char sb[512];
	if (awp_source_size(src) < sizeof sb || awp_source_read(src, sb, sizeof sb, 0) < 0)
		return 0;
	if (awp_be32(sb, sizeof sb, 0) != XFS_SB_MAGIC)
		return 0;
	unsigned v = awp_be16(sb, sizeof sb, 100) & XFS_SB_VERSION_NUMBITS;
	return (v == 4 || v == 5) ? 1 : 0;
}

static int bad_sb(const char *name, const char *what)
{
	return awp_error_set(AWP_ECORRUPT, "xfs (%s): superblock: %s", name, what);
}

/* Parse and check the primary superblock (struct xfs_dsb). */
static int sb_parse(xfs_ctx *x, const unsigned char *sb, size_t n, const char **warning)
{
	const char *nm = x->name;
	if (awp_be32(sb, n, 0) != XFS_SB_MAGIC)
		return awp_error_set(AWP_EUNSUPPORTED, "xfs (%s): bad superblock magic", nm);
	uint16_t vnum = awp_be16(sb, n, 100);
	unsigned version = vnum & XFS_SB_VERSION_NUMBITS;
	if (version != 4 && version != 5)
		return awp_error_set(AWP_EUNSUPPORTED, "xfs (%s): superblock version %u not supported", nm, version);
	x->v5 = version == 5;
	x->blocksize = awp_be32(sb, n, 4);
	x->dblocks = awp_be64(sb, n, 8);
	x->rootino = awp_be64(sb, n, 56);
	x->agblocks = awp_be32(sb, n, 84);
	x->agcount = awp_be32(sb, n, 88);
	x->sectsize = awp_be16(sb, n, 102);
	x->inodesize = awp_be16(sb, n, 104);
	uint16_t inopblock = awp_be16(sb, n, 106);
	x->blocklog = sb[120];
	unsigned sectlog = sb[121];
	x->inodelog = sb[122];
	x->inopblog = sb[123];
	x->agblklog = sb[124];
	unsigned dirblklog = sb[192];
	uint32_t features2 = awp_be32(sb, n, 200);

	int bl = ilog2_exact(x->blocksize);
	if (bl < 9 || bl > 16 || (uint32_t)bl != x->blocklog)
		return bad_sb(nm, "bad block size");
	int sl = ilog2_exact(x->sectsize);
	if (sl < 9 || sl > 15 || (unsigned)sl != sectlog || x->sectsize > x->blocksize)
		return bad_sb(nm, "bad sector size");
	int il = ilog2_exact(x->inodesize);
	if (il < 8 || il > 11 || (uint32_t)il != x->inodelog || x->inodesize > x->blocksize)
		return bad_sb(nm, "bad inode size");
	if (inopblock != x->blocksize / x->inodesize || x->inopblog != x->blocklog - x->inodelog)
		return bad_sb(nm, "bad inodes per block");
	if (x->agcount == 0 || x->agcount > AWP_MAX_XFS_AGCOUNT || x->agblocks < 8)
		return bad_sb(nm, "bad allocation group geometry");
	if (x->agblklog > 31 || (1ull << x->agblklog) < x->agblocks || (x->agblklog > 0 && (1ull << (x->agblklog - 1)) >= x->agblocks))
		return bad_sb(nm, "bad sb_agblklog");
	if (x->dblocks == 0 || x->dblocks > (uint64_t)x->agcount * x->agblocks ||
	    x->dblocks <= (uint64_t)(x->agcount - 1) * x->agblocks)
		return bad_sb(nm, "block count does not match the allocation groups");
	if (x->dblocks > (UINT64_MAX >> 1) >> x->blocklog)
		return bad_sb(nm, "block count too large");
	if (x->agblklog + x->inopblog > 56)
		return bad_sb(nm, "inode numbers too wide");
	if (dirblklog > 16 - x->blocklog)
		return bad_sb(nm, "bad directory block size");
	x->dirblksize = x->blocksize << dirblklog;

	if (x->v5) {
		uint32_t incompat = awp_be32(sb, n, 216);
		if (incompat & ~(uint32_t)XFS_INCOMPAT_KNOWN)
			return awp_error_set(AWP_EUNSUPPORTED,
					     "xfs (%s): unsupported incompatible features 0x%x (e.g. metadir)", nm,
					     (unsigned)(incompat & ~(uint32_t)XFS_INCOMPAT_KNOWN));
		x->has_ftype = (incompat & XFS_SB_FEAT_INCOMPAT_FTYPE) != 0;
		x->nrext64 = (incompat & XFS_SB_FEAT_INCOMPAT_NREXT64) != 0;
		if (incompat & XFS_SB_FEAT_INCOMPAT_NEEDSREPAIR)
			*warning = "filesystem is marked as needing repair; read as-is";
	} else {
		if (!(vnum & XFS_SB_VERSION_DIRV2BIT))
			return awp_error_set(AWP_EUNSUPPORTED, "xfs (%s): version 1 directories not supported", nm);
		x->has_ftype = (vnum & XFS_SB_VERSION_MOREBITSBIT) && (features2 & XFS_SB_VERSION2_FTYPE);
	}
	x->ascii_ci = (vnum & XFS_SB_VERSION_BORGBIT) != 0;
	if (sb[126])
		*warning = "superblock says mkfs did not finish (sb_inprogress); read as-is";

	memcpy(x->label, sb + 108, 12);
	x->label[12] = '\0';
	const unsigned char *u = sb + 32;
	snprintf(x->uuid, sizeof x->uuid,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3],
		 u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	return 0;
}

/* Filesystem block number (agno << agblklog | agbno) of a run of `len`
 * blocks to a byte offset on the source; checks the run stays in its AG and
 * inside the filesystem. */
int xfs_fsb_to_phys(const xfs_ctx *x, uint64_t fsb, uint64_t len, uint64_t *phys)
{
	uint64_t agno = fsb >> x->agblklog;
	uint64_t agbno = fsb & ((1ull << x->agblklog) - 1);
	if (agno >= x->agcount || agbno + len > x->agblocks)
		return -1;
	uint64_t lin = agno * x->agblocks + agbno;
	if (lin + len > x->dblocks)
		return -1;
	uint64_t end = (lin + len) << x->blocklog;
	if (end > x->src_size)
		return -1;
	*phys = lin << x->blocklog;
	return 0;
}

static int64_t ts_decode(const unsigned char *p, int bigtime, uint32_t *nsec)
{
	if (bigtime) {
		uint64_t ns = awp_be64(p, 8, 0);
		*nsec = (uint32_t)(ns % 1000000000ull);
		return (int64_t)(ns / 1000000000ull) - XFS_BIGTIME_EPOCH_OFFSET;
	}
	*nsec = awp_be32(p, 8, 4);
	if (*nsec >= 1000000000u)
		*nsec = 0;
	return (int32_t)awp_be32(p, 8, 0);
}

int xfs_inode_read(xfs_ctx *x, uint64_t ino, xfs_inode *ip)
{
	unsigned agino_bits = x->agblklog + x->inopblog;
	uint64_t agno = ino >> agino_bits;
	uint64_t agino = ino & ((1ull << agino_bits) - 1);
	uint64_t agbno = agino >> x->inopblog;
	uint64_t slot = agino & ((1ull << x->inopblog) - 1);
	if (agno >= x->agcount || agbno >= x->agblocks || agno * x->agblocks + agbno >= x->dblocks)
		return awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: number out of range", x->name,
				     (unsigned long long)ino);
	uint64_t lin = agno * x->agblocks + agbno;
	if (x->icache_blk != lin + 1) {
		x->icache_blk = 0;
		int err = awp_source_read(x->src, x->icache, x->blocksize, lin << x->blocklog);
		if (err < 0)
			return awp_error_prefix(err, "xfs (%s): inode %llu: ", x->name, (unsigned long long)ino);
		x->icache_blk = lin + 1;
	}
	size_t isz = x->inodesize;
	memset(ip, 0, offsetof(xfs_inode, buf));
	memcpy(ip->buf, x->icache + (slot << x->inodelog), isz);
	const unsigned char *b = ip->buf;
	ip->ino = ino;
	if (awp_be16(b, isz, 0) != XFS_DINODE_MAGIC)
		return awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: bad inode magic", x->name,
				     (unsigned long long)ino);
	ip->mode = awp_be16(b, isz, 2);
	ip->version = b[4];
	ip->format = b[5];
	size_t core;
	if (ip->version == 3 && x->v5)
		core = XFS_DINODE_CORE_V3;
	else if ((ip->version == 1 || ip->version == 2) && !x->v5)
		core = XFS_DINODE_CORE_V2;
	else
		return awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: bad inode version %u", x->name,
				     (unsigned long long)ino, ip->version);
	if (core >= isz)
		return awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: inode too small", x->name,
				     (unsigned long long)ino);
	if (ip->version == 3 && awp_be64(b, isz, 152) != ino)
		return awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: inode records number %llu", x->name,
				     (unsigned long long)ino, (unsigned long long)awp_be64(b, isz, 152));
	ip->uid = awp_be32(b, isz, 8);
	ip->gid = awp_be32(b, isz, 12);
	ip->nlink = ip->version == 1 ? awp_be16(b, isz, 6) : awp_be32(b, isz, 16);
	ip->flags2 = ip->version == 3 ? awp_be64(b, isz, 120) : 0;
	int bigtime = (ip->flags2 & XFS_DIFLAG2_BIGTIME) != 0;
	ip->mtime = ts_decode(b + 40, bigtime, &ip->mtime_nsec);
	ip->size = awp_be64(b, isz, 56);
	ip->nblocks = awp_be64(b, isz, 64);
	if (ip->size >> 62)
		return awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: bad size", x->name, (unsigned long long)ino);
	if (ip->flags2 & XFS_DIFLAG2_NREXT64)
		ip->nextents = awp_be64(b, isz, 24);
	else
		ip->nextents = awp_be32(b, isz, 76);
	ip->flags = awp_be16(b, isz, 90);
	unsigned forkoff = b[82];
	size_t dsize = forkoff ? (size_t)forkoff << 3 : isz - core;
	if (core + dsize > isz)
		return awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: attribute fork offset %u out of range",
				     x->name, (unsigned long long)ino, forkoff);
	ip->fork = ip->buf + core;
	ip->forksize = dsize;
	if (ip->mode == 0)
		return awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: inode is not in use", x->name,
				     (unsigned long long)ino);
	return 0;
}

static awp_ftype mode_type(uint16_t mode)
{
	switch (mode & 0170000) {
	case 0100000: return AWP_FT_REG;
	case 0040000: return AWP_FT_DIR;
	case 0120000: return AWP_FT_SYMLINK;
	case 0020000: return AWP_FT_CHR;
	case 0060000: return AWP_FT_BLK;
	case 0010000: return AWP_FT_FIFO;
	case 0140000: return AWP_FT_SOCK;
	default: return AWP_FT_UNKNOWN;
	}
}

static int xfs_stat(void *ctx, uint64_t ino, awp_stat *out)
{
	xfs_ctx *x = ctx;
	xfs_inode *ip = awp_malloc(sizeof(*ip));
	if (!ip)
		return AWP_ENOMEM;
	int err = xfs_inode_read(x, ino, ip);
	if (err < 0)
		goto done;
	out->ino = ino;
	out->type = mode_type(ip->mode);
	out->mode = ip->mode & 07777;
	out->uid = ip->uid;
	out->gid = ip->gid;
	out->nlink = ip->nlink;
	out->size = ip->size;
	uint64_t alloc;
	out->allocated = awp_mul_overflow(ip->nblocks, x->blocksize, &alloc) ? 0 : alloc;
	out->mtime = ip->mtime;
	out->mtime_nsec = ip->mtime_nsec;
	if ((out->type == AWP_FT_CHR || out->type == AWP_FT_BLK) && ip->format == XFS_DINODE_FMT_DEV) {
		/* xfs_dev_t: 14-bit major above an 18-bit minor */
		uint32_t dev = awp_be32(ip->fork, ip->forksize, 0);
		out->rdev_major = (dev >> 18) & 0x3fff;
		out->rdev_minor = dev & 0x3ffff;
		out->size = 0;
	}
	if (out->type == AWP_FT_UNKNOWN)
		err = awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: bad file mode 0%o", x->name,
				    (unsigned long long)ino, ip->mode);
done:
	free(ip);
	return err;
}

static int xfs_readlink(void *ctx, uint64_t ino, char **out)
{
	xfs_ctx *x = ctx;
	xfs_extmap map = {0};
	unsigned char *blk = NULL;
	char *target = NULL;
	xfs_inode *ip = awp_malloc(sizeof(*ip));
	if (!ip)
		return AWP_ENOMEM;
	int err = xfs_inode_read(x, ino, ip);
	if (err < 0)
		goto done;
	if ((ip->mode & 0170000) != 0120000) {
		err = awp_error_set(AWP_EINVAL, "xfs (%s): inode %llu: not a symlink", x->name, (unsigned long long)ino);
		goto done;
	}
	size_t len = (size_t)ip->size;
	if (ip->size == 0 || ip->size > AWP_MAX_XFS_SYMLINK) {
		err = awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: symlink length %llu out of range", x->name,
				    (unsigned long long)ino, (unsigned long long)ip->size);
		goto done;
	}
	if (!(target = awp_malloc(len + 1))) {
		err = AWP_ENOMEM;
		goto done;
	}
	if (ip->format == XFS_DINODE_FMT_LOCAL) {
		if (len > ip->forksize) {
			err = awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: inline symlink larger than its fork",
					    x->name, (unsigned long long)ino);
			goto done;
		}
		memcpy(target, ip->fork, len);
	} else if (ip->format == XFS_DINODE_FMT_EXTENTS || ip->format == XFS_DINODE_FMT_BTREE) {
		if ((err = xfs_extmap_build(x, ip, &map)) < 0)
			goto done;
		if (!(blk = awp_malloc(x->blocksize))) {
			err = AWP_ENOMEM;
			goto done;
		}
		/* v5 remote symlink blocks each start with an "XSLM" header, but
		 * mkfs.xfs -p (xfsprogs 6.1 at least) writes the bare target
		 * without one: accept both, the header only when its magic is
		 * there (a target never starts with "XSLM" plus binary fields
		 * on a kernel-written filesystem). */
		size_t got = 0;
		for (uint64_t b = 0; got < len; b++) {
			if ((err = xfs_extmap_read(x, &map, ino, blk, x->blocksize, b << x->blocklog)) < 0)
				goto done;
			size_t hdr = 0;
			if (x->v5 && awp_be32(blk, x->blocksize, 0) == XFS_SYMLINK_MAGIC) {
				hdr = XFS_SYMLINK_HDR_V5;
				if (awp_be32(blk, x->blocksize, 4) != got) {
					err = awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: remote symlink block %llu "
							    "has offset %u, expected %zu", x->name, (unsigned long long)ino,
							    (unsigned long long)b, awp_be32(blk, x->blocksize, 4), got);
					goto done;
				}
			}
			size_t per = x->blocksize - hdr;
			size_t n = len - got < per ? len - got : per;
			memcpy(target + got, blk + hdr, n);
			got += n;
		}
	} else {
		err = awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: bad symlink fork format %u", x->name,
				    (unsigned long long)ino, ip->format);
		goto done;
	}
	target[len] = '\0';
	if (strlen(target) != len) {
		err = awp_error_set(AWP_ECORRUPT, "xfs (%s): inode %llu: symlink target contains NUL", x->name,
				    (unsigned long long)ino);
		goto done;
	}
	*out = target;
	target = NULL;
done:
	free(target);
	free(blk);
	free(ip);
	xfs_extmap_free(&map);
	return err;
}

static void xfs_close(void *ctx)
{
	xfs_ctx *x = ctx;
	if (!x)
		return;
	free(x->icache);
	free(x);
}

static int xfs_open(void **ctx, awp_source *src, const char *name, awp_fs_info *info, uint64_t *root_ino)
{
	unsigned char sb[512];
	xfs_ctx *x = awp_calloc(1, sizeof(*x));
	if (!x)
		return AWP_ENOMEM;
	x->src = src;
	x->name = name;
	x->src_size = awp_source_size(src);
	const char *warning = NULL;
	int err;
	if (x->src_size < sizeof sb) {
		err = awp_error_set(AWP_ECORRUPT, "xfs (%s): source too small for a superblock", name);
		goto fail;
	}
	if ((err = awp_source_read(src, sb, sizeof sb, 0)) < 0)
		goto fail;
	if ((err = sb_parse(x, sb, sizeof sb, &warning)) < 0)
		goto fail;
	if (!(x->icache = awp_malloc(x->blocksize))) {
		err = AWP_ENOMEM;
		goto fail;
	}
	/* The root must be a readable directory, or nothing else will work. */
	xfs_inode *ip = awp_malloc(sizeof(*ip));
	if (!ip) {
		err = AWP_ENOMEM;
		goto fail;
	}
	err = xfs_inode_read(x, x->rootino, ip);
	int isdir = err == 0 && (ip->mode & 0170000) == 0040000;
	free(ip);
	if (err < 0)
		goto fail;
	if (!isdir) {
		err = awp_error_set(AWP_ECORRUPT, "xfs (%s): root inode %llu is not a directory", name,
				    (unsigned long long)x->rootino);
		goto fail;
	}
	memset(info, 0, sizeof(*info));
	info->type = "xfs";
	info->label = x->label;
	info->uuid = x->uuid;
	info->block_size = x->blocksize;
	info->size_bytes = x->dblocks << x->blocklog;
	uint64_t fdblocks = awp_be64(sb, sizeof sb, 144);
	info->used_bytes = fdblocks <= x->dblocks ? (x->dblocks - fdblocks) << x->blocklog : 0;
	info->warning = warning;
	*root_ino = x->rootino;
	*ctx = x;
	return 0;
fail:
	xfs_close(x);
	return err;
}

const awp_fs_ops awp_fs_xfs_ops = {
	.version = AWP_FS_OPS_VERSION,
	.type = "xfs",
	.probe = xfs_probe,
	.open = xfs_open,
	.close = xfs_close,
	.stat = xfs_stat,
	.readdir = xfs_readdir,
	.readlink = xfs_readlink,
	.file_open = xfs_file_open,
	.file_read = xfs_file_read,
	.file_close = xfs_file_close,
	.lookup = xfs_lookup,
};
