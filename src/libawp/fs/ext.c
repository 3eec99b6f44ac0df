/*
 * fs/ext.c - ext2/3/4 read-only backend: open, stat, readdir, lookup,
 * readlink (file data is in ext_file.c, the io_manager in ext_io.c).
 *
 * libext2fs is opened read-only (never EXT2_FLAG_RW) and strict about
 * checksums: a bad inode, directory block or extent block checksum is an
 * error for that object. Only when the superblock or group descriptors fail
 * their checksums do we reopen ignoring them, say so in info.warning, and
 * turn strict checking back on. libext2fs trusts a few on-disk fields, so
 * before handing it anything we check: the filesystem fits in its source
 * (bounds the group descriptor table), inode numbers are within
 * s_inodes_count, directories are below AWP_MAX_EXT_DIR_SIZE and map no more
 * blocks than their size, extent trees are at most 5 deep.
 */
#include "fs/ext_int.h"

#include "util/bytes.h"
#include "util/crc32c.h"
#include "util/error.h"
#include "util/mem.h"

#include <et/com_err.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SB_OFFSET 1024
#define SB_MAGIC 0xEF53

static pthread_once_t et_once = PTHREAD_ONCE_INIT;

/* com_err needs the ext2 table registered once to name libext2fs codes. */
static void et_init(void)
{
	initialize_ext2_error_table();
}

int awp_ext_error(struct ext_fs *x, errcode_t e, uint64_t ino, const char *what)
{
	int code;
	const char *text;
	char ino_txt[40] = "";
	if (ino)
		snprintf(ino_txt, sizeof ino_txt, "inode %llu: ", (unsigned long long)ino);
	if (e == EXT2_ET_SHORT_READ && x->io.err) {
		code = x->io.err;
		x->io.err = 0;
		return awp_error_set(code, "%s (%s): %s%s: read failed: %s", x->type, x->name, ino_txt, what,
				     x->io.msg);
	}
	switch (e) {
	case EXT2_ET_NO_MEMORY: code = AWP_ENOMEM; break;
	case EXT2_ET_UNSUPP_FEATURE:
	case EXT2_ET_RO_UNSUPP_FEATURE:
	case EXT2_ET_UNIMPLEMENTED: code = AWP_EUNSUPPORTED; break;
	case EXT2_ET_FILE_NOT_FOUND: code = AWP_ENOTFOUND; break;
	default: code = AWP_ECORRUPT; break;
	}
	pthread_once(&et_once, et_init);
	text = error_message(e);
	return awp_error_set(code, "%s (%s): %s%s: %s", x->type, x->name, ino_txt, what, text);
}

int awp_ext_inode_csum_ok(ext2_filsys fs, uint64_t ino, const unsigned char *raw, unsigned isz)
{
	if (!ext2fs_has_feature_metadata_csum(fs->super))
		return 1;
	/* checksum_lo at 0x7C; extra_isize at 0x80 and checksum_hi at 0x82 in
	 * large inodes whose extra part reaches it */
	int has_hi = isz > EXT2_GOOD_OLD_INODE_SIZE && awp_le16(raw, isz, 0x80) >= EXT4_INODE_CSUM_HI_EXTRA_END;
	uint32_t provided = awp_le16(raw, isz, 0x7C) | (has_hi ? (uint32_t)awp_le16(raw, isz, 0x82) << 16 : 0);
	unsigned char ig[8];
	uint32_t gen = awp_le32(raw, isz, 0x64), ino32 = (uint32_t)ino;
	for (int i = 0; i < 4; i++) {
		ig[i] = (unsigned char)(ino32 >> (8 * i));
		ig[4 + i] = (unsigned char)(gen >> (8 * i));
	}
	unsigned char body[1024]; /* the inode with its checksum fields zeroed, in one pass */
	if (isz > sizeof body)
		return 0;
	memcpy(body, raw, isz);
	body[0x7C] = body[0x7D] = 0;
	if (has_hi)
		body[0x82] = body[0x83] = 0;
	uint32_t crc = awp_crc32c_update(fs->csum_seed, ig, 8);
	crc = awp_crc32c_update(crc, body, isz);
	if (!has_hi)
		crc &= 0xFFFF;
	if (crc == provided)
		return 1;
	/* libext2fs takes an inode whose base 128 bytes are all zero as good */
	for (unsigned i = 0; i < EXT2_GOOD_OLD_INODE_SIZE; i++)
		if (raw[i])
			return 0;
	return 1;
}

/*
 * The inode straight from the metadata cache. libext2fs's read copies the
 * whole inode-table block into a buffer of its own at each change of block,
 * then the inode into its inode cache, then out: ~400 instructions and a
 * 4 KiB copy for each of the ~11,000 stats of a Debian walk. The checks are
 * the same: the table's location in range as libext2fs checks it, and the
 * checksum as ext2fs_inode_csum_verify computes it (awp_ext_inode_csum_ok:
 * test_ext compares the two on every inode of an image and on damaged
 * copies), one crc pass over a zeroed-field copy instead of libext2fs's
 * calls through its own wrappers. Anything unusual (a failed read or
 * checksum, odd geometry, a big-endian host where libext2fs swaps fields)
 * returns 0 and the caller asks libext2fs, which also words the error.
 */
/* The per-group inode table locations and used blocks, once (looking them
 * up through libext2fs's group descriptor accessors cost more than the
 * rest of an inode read). */
static int itable_build(struct ext_fs *x)
{
	ext2_filsys fs = x->fs;
	uint32_t ipg = fs->super->s_inodes_per_group;
	unsigned isz = EXT2_INODE_SIZE(fs->super);
	dgrp_t n = fs->group_desc_count;
	x->itable = awp_calloc(n ? n : 1, sizeof(*x->itable));
	x->itable_used = awp_calloc(n ? n : 1, sizeof(*x->itable_used));
	if (!x->itable || !x->itable_used) {
		x->itable_state = -1;
		return -1;
	}
	for (dgrp_t g = 0; g < n; g++) {
		blk64_t table = ext2fs_inode_table_loc(fs, g);
		if (!table || table < fs->super->s_first_data_block ||
		    table + fs->inode_blocks_per_group - 1 >= ext2fs_blocks_count(fs->super))
			continue; /* stays 0 */
		uint64_t used = ipg;
		if (ext2fs_has_group_desc_csum(fs) && ext2fs_bg_itable_unused(fs, g) < ipg)
			used = ipg - ext2fs_bg_itable_unused(fs, g);
		x->itable[g] = table;
		x->itable_used[g] = (uint32_t)((used * isz + x->bs - 1) / x->bs);
	}
	x->itable_state = 1;
	return 0;
}

static int read_inode_cached(struct ext_fs *x, uint64_t ino, struct ext2_inode_large *out)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	ext2_filsys fs = x->fs;
	uint32_t ipg = fs->super->s_inodes_per_group;
	unsigned isz = EXT2_INODE_SIZE(fs->super);
	if (!ipg || isz < EXT2_GOOD_OLD_INODE_SIZE || isz > 1024 || isz > x->bs || (fs->flags & EXT2_FLAG_IMAGE_FILE))
		return 0;
	uint64_t group = (ino - 1) / ipg;
	if (group >= fs->group_desc_count || (x->itable_state == 0 && itable_build(x) < 0) || x->itable_state < 0)
		return 0;
	blk64_t table = x->itable[group];
	if (!table)
		return 0;
	uint64_t idx = (ino - 1) % ipg, byte = idx * isz;
	/* read-ahead stays inside the table's used part (the rest is zeros) */
	uint64_t end = x->itable_used[group], blk = byte / x->bs;
	const unsigned char *b = awp_ext_io_block(&x->io, table + blk, x->bs, end > blk ? end - blk : 1, 1);
	if (!b)
		return 0;
	const unsigned char *raw = b + byte % x->bs;
	if (!(fs->flags & EXT2_FLAG_IGNORE_CSUM_ERRORS) && !awp_ext_inode_csum_ok(fs, ino, raw, isz))
		return 0;
	memcpy(out, raw, isz < sizeof(*out) ? isz : sizeof(*out));
	return 1;
#else
	(void)x;
	(void)ino;
	(void)out;
	return 0;
#endif
}

int awp_ext_read_inode(struct ext_fs *x, uint64_t ino, struct ext2_inode_large *out)
{
	if (ino < 1 || ino > x->fs->super->s_inodes_count)
		return awp_error_set(AWP_ECORRUPT, "%s (%s): inode %llu is out of range (1..%u)", x->type, x->name,
				     (unsigned long long)ino, x->fs->super->s_inodes_count);
	memset(out, 0, sizeof(*out));
	if (read_inode_cached(x, ino, out)) /* (writes out only when it succeeds) */
		return 0;
	errcode_t e = ext2fs_read_inode_full(x->fs, (ext2_ino_t)ino, (struct ext2_inode *)out, sizeof(*out));
	if (e)
		return awp_ext_error(x, e, ino, "reading inode");
	return 0;
}

/* --- probe and open ---------------------------------------------------------- */

static int ext_probe(awp_source *src)
{
	unsigned char b[2];
	if (awp_source_size(src) < SB_OFFSET + 1024)
		return 0;
	if (awp_source_read(src, b, sizeof b, SB_OFFSET + 0x38) < 0)
		return 0;
	return awp_le16(b, sizeof b, 0) == SB_MAGIC;
}

/* ext3 = journal and nothing newer than ext3 knows; ext4 = any feature beyond
 * (the same rule as blkid). */
static const char *type_of(const struct ext2_super_block *sb)
{
	uint32_t incompat_ext3 = EXT2_FEATURE_INCOMPAT_FILETYPE | EXT3_FEATURE_INCOMPAT_RECOVER |
				 EXT2_FEATURE_INCOMPAT_META_BG;
	uint32_t rocompat_ext3 = EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE |
				 0x0004u /* btree_dir, never used */;
	if ((sb->s_feature_incompat & ~incompat_ext3) || (sb->s_feature_ro_compat & ~rocompat_ext3))
		return "ext4";
	if (sb->s_feature_compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL)
		return "ext3";
	return "ext2";
}

/* Our own look at the raw superblock before libext2fs trusts it. */
static int precheck(struct ext_fs *x, awp_source *src)
{
	unsigned char sb[1024];
	int err = awp_source_read(src, sb, sizeof sb, SB_OFFSET);
	if (err < 0)
		return awp_error_prefix(err, "ext (%s): superblock: ", x->name);
	if (awp_le16(sb, sizeof sb, 0x38) != SB_MAGIC)
		return awp_error_set(AWP_ECORRUPT, "ext (%s): bad superblock magic", x->name);
	uint32_t log_bs = awp_le32(sb, sizeof sb, 0x18);
	if (log_bs > 6) /* 1 KiB << 6 = 64 KiB, the largest ext block */
		return awp_error_set(AWP_ECORRUPT, "ext (%s): block size 2^(10+%u) is invalid", x->name, log_bs);
	uint64_t bs = 1024u << log_bs;
	uint64_t blocks = awp_le32(sb, sizeof sb, 0x04);
	if (awp_le32(sb, sizeof sb, 0x60) & EXT4_FEATURE_INCOMPAT_64BIT)
		blocks |= (uint64_t)awp_le32(sb, sizeof sb, 0x150) << 32;
	uint64_t bytes;
	if (awp_mul_overflow(blocks, bs, &bytes) || bytes > awp_source_size(src))
		return awp_error_set(AWP_ECORRUPT,
				     "ext (%s): filesystem of %llu blocks of %llu bytes is larger than its volume "
				     "(%llu bytes)",
				     x->name, (unsigned long long)blocks, (unsigned long long)bs,
				     (unsigned long long)awp_source_size(src));
	return 0;
}

static void add_warning(struct ext_fs *x, const char *w)
{
	size_t n = strlen(x->warning);
	snprintf(x->warning + n, sizeof x->warning - n, "%s%s", n ? "; " : "", w);
}

static void ext_close(void *ctx)
{
	struct ext_fs *x = ctx;
	if (!x)
		return;
	if (x->fs)
		ext2fs_close_free(&x->fs);
	awp_ext_io_release(&x->io);
	free(x->dirblock);
	free(x->itable);
	free(x->itable_used);
	free(x);
}

static int is_csum_error(errcode_t e)
{
	return e == EXT2_ET_SB_CSUM_INVALID || e == EXT2_ET_BAD_CRC || e == EXT2_ET_UNKNOWN_CSUM;
}

static int ext_open(void **ctx, awp_source *src, const char *name, awp_fs_info *info, uint64_t *root_ino)
{
	struct ext_fs *x = awp_calloc(1, sizeof(*x));
	if (!x)
		return AWP_ENOMEM;
	x->name = name;
	x->io.src = src;
	snprintf(x->type, sizeof x->type, "ext");
	int err = precheck(x, src);
	if (err < 0)
		goto fail;
	char dev[64];
	awp_ext_io_name(dev, sizeof dev, &x->io);
	/* Read-only (no EXT2_FLAG_RW); an external journal device is refused
	 * by libext2fs (no EXT2_FLAG_JOURNAL_DEV_OK) as unsupported. */
	int flags = EXT2_FLAG_64BITS | EXT2_FLAG_SKIP_MMP;
	errcode_t e = ext2fs_open2(dev, NULL, flags, 0, 0, awp_ext_io_manager(), &x->fs);
	if (e && is_csum_error(e)) {
		pthread_once(&et_once, et_init);
		char w[200];
		snprintf(w, sizeof w, "metadata checksum errors ignored at open (%s)", error_message(e));
		add_warning(x, w);
		x->fs = NULL;
		e = ext2fs_open2(dev, NULL, flags | EXT2_FLAG_IGNORE_CSUM_ERRORS, 0, 0, awp_ext_io_manager(),
				 &x->fs);
		if (!e) /* checksums of inodes, directories and extents stay checked */
			x->fs->flags &= ~EXT2_FLAG_IGNORE_CSUM_ERRORS;
	}
	if (e) {
		x->fs = NULL;
		err = awp_ext_error(x, e, 0, "opening");
		goto fail;
	}
	struct ext2_super_block *sb = x->fs->super;
	snprintf(x->type, sizeof x->type, "%s", type_of(sb));
	x->bs = (uint32_t)x->fs->blocksize;
	x->blocks = ext2fs_blocks_count(sb);
	if (sb->s_inodes_count < EXT2_ROOT_INO) {
		err = awp_error_set(AWP_ECORRUPT, "%s (%s): only %u inodes", x->type, x->name, sb->s_inodes_count);
		goto fail;
	}
	size_t ll = 0;
	while (ll < sizeof sb->s_volume_name && sb->s_volume_name[ll])
		ll++;
	memcpy(x->label, sb->s_volume_name, ll);
	x->label[ll] = '\0';
	const unsigned char *u = sb->s_uuid;
	int zero = 1;
	for (int i = 0; i < 16; i++)
		zero &= u[i] == 0;
	if (!zero)
		snprintf(x->uuid, sizeof x->uuid,
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2],
			 u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	if (ext2fs_has_feature_journal_needs_recovery(sb))
		add_warning(x, "journal needs recovery; read as-is (recent changes may be missing)");
	if (sb->s_state & EXT2_ERROR_FS)
		add_warning(x, "filesystem is marked as having errors");

	memset(info, 0, sizeof(*info));
	info->type = x->type;
	info->label = x->label;
	info->uuid = x->uuid;
	info->block_size = x->bs;
	info->size_bytes = x->blocks * x->bs;
	uint64_t freeb = ext2fs_free_blocks_count(sb);
	info->used_bytes = freeb <= x->blocks ? (x->blocks - freeb) * x->bs : 0;
	info->warning = x->warning[0] ? x->warning : NULL;
	*root_ino = EXT2_ROOT_INO;
	*ctx = x;
	return 0;
fail:
	ext_close(x);
	return err;
}

/* --- stat ------------------------------------------------------------------- */

static awp_ftype ftype_of_mode(uint16_t mode)
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

/* Whether the large inode holds a field ending `end` bytes past offset 128. */
static int has_extra(struct ext_fs *x, const struct ext2_inode_large *in, size_t end)
{
	return EXT2_INODE_SIZE(x->fs->super) > EXT2_GOOD_OLD_INODE_SIZE &&
	       (size_t)in->i_extra_isize >= end && EXT2_GOOD_OLD_INODE_SIZE + (size_t)in->i_extra_isize <=
	       (size_t)EXT2_INODE_SIZE(x->fs->super);
}

static int ext_stat(void *ctx, uint64_t ino, awp_stat *out)
{
	struct ext_fs *x = ctx;
	struct ext2_inode_large in;
	int err = awp_ext_read_inode(x, ino, &in);
	if (err < 0)
		return err;
	out->type = ftype_of_mode(in.i_mode);
	out->mode = in.i_mode & 07777;
	out->uid = inode_uid(in);
	out->gid = inode_gid(in);
	out->nlink = in.i_links_count;
	out->size = EXT2_I_SIZE(&in);
	out->allocated = ext2fs_get_stat_i_blocks(x->fs, (struct ext2_inode *)&in) * 512;
	/* Seconds are signed 32 bits; with the extra field its low 2 bits extend
	 * the epoch and the rest is nanoseconds (kernel ext4_decode_extra_time). */
	out->mtime = (int32_t)in.i_mtime;
	if (has_extra(x, &in, 12)) { /* i_mtime_extra is at 128 + 8 .. 128 + 12 */
		out->mtime += (int64_t)(in.i_mtime_extra & 3) << 32;
		out->mtime_nsec = in.i_mtime_extra >> 2;
		if (out->mtime_nsec > 999999999)
			out->mtime_nsec = 0;
	}
	if (out->type == AWP_FT_CHR || out->type == AWP_FT_BLK) {
		/* Old encoding in i_block[0] (8:8), new in i_block[1] (kernel new_decode_dev). */
		uint32_t b0 = in.i_block[0], b1 = in.i_block[1];
		if (b0) {
			out->rdev_major = (b0 >> 8) & 0xff;
			out->rdev_minor = b0 & 0xff;
		} else {
			out->rdev_major = (b1 & 0xfff00) >> 8;
			out->rdev_minor = (b1 & 0xff) | ((b1 >> 12) & 0xfff00);
		}
	}
	return 0;
}

/* --- directories ---------------------------------------------------------------- */

struct rd {
	struct ext_fs *x;
	awp_dirent_cb cb;
	void *payload;
	uint64_t blocks, max_blocks;
	int ret;              /* callback's nonzero return */
	int corrupt;          /* our own cap was hit */
};

static awp_ftype ftype_of_dirent(int ft)
{
	switch (ft) {
	case EXT2_FT_REG_FILE: return AWP_FT_REG;
	case EXT2_FT_DIR: return AWP_FT_DIR;
	case EXT2_FT_CHRDEV: return AWP_FT_CHR;
	case EXT2_FT_BLKDEV: return AWP_FT_BLK;
	case EXT2_FT_FIFO: return AWP_FT_FIFO;
	case EXT2_FT_SOCK: return AWP_FT_SOCK;
	case EXT2_FT_SYMLINK: return AWP_FT_SYMLINK;
	default: return AWP_FT_UNKNOWN;
	}
}

static int rd_cb(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset, int blocksize, char *buf,
		 void *priv)
{
	struct rd *r = priv;
	/* Every directory block starts with an entry at offset 0 and we ask for
	 * empty ones too, so this counts blocks: a damaged extent map cannot make
	 * us read more blocks than the directory's size holds. */
	if (offset == 0 && ++r->blocks > r->max_blocks) {
		r->corrupt = 1;
		return DIRENT_ABORT;
	}
	if (d->inode == 0)
		return 0;
	int len = ext2fs_dirent_name_len(d);
	if (len == 0 || (len == 1 && d->name[0] == '.') || (len == 2 && d->name[0] == '.' && d->name[1] == '.'))
		return 0;
	char name[EXT2_NAME_LEN + 1];
	memcpy(name, d->name, (size_t)len);
	name[len] = '\0';
	if (memchr(name, '\0', (size_t)len) || memchr(name, '/', (size_t)len))
		return 0; /* a name the kernel could not have written: not a path component */
	awp_ftype t = AWP_FT_UNKNOWN;
	if (ext2fs_has_feature_filetype(r->x->fs->super))
		t = ftype_of_dirent(ext2fs_dirent_file_type(d));
	awp_dirent ent = {.name = name, .ino = d->inode, .type = t};
	int rc = r->cb(&ent, r->payload);
	if (rc != 0) {
		r->ret = rc;
		return DIRENT_ABORT;
	}
	return 0;
}

/* One directory block's entries, checked as libext2fs's directory
 * iteration checks them (ext2fs_process_dir_block): 1 done, 0 damaged
 * (*e set), or the callback's nonzero return in r->ret (-1). */
static int block_entries(struct rd *r, const unsigned char *b, uint32_t bs, errcode_t *e)
{
	int has_ft = ext2fs_has_feature_filetype(r->x->fs->super);
	for (uint32_t off = 0; off < bs - 8;) {
		uint32_t ino = awp_le32(b, bs, off), rec_len = awp_le16(b, bs, off + 4);
		unsigned name_len = b[off + 6];
		if (off + rec_len > bs || rec_len < 8 || rec_len % 4 != 0 || name_len + 8 > rec_len) {
			*e = EXT2_ET_DIR_CORRUPTED;
			return 0;
		}
		const char *nm = (const char *)b + off + 8;
		off += rec_len;
		if (ino == 0 || name_len == 0 || (name_len == 1 && nm[0] == '.') ||
		    (name_len == 2 && nm[0] == '.' && nm[1] == '.'))
			continue;
		char name[EXT2_NAME_LEN + 1];
		memcpy(name, nm, name_len);
		name[name_len] = '\0';
		if (memchr(name, '\0', name_len) || memchr(name, '/', name_len))
			continue; /* a name the kernel could not have written: not a path component */
		awp_dirent ent = {.name = name, .ino = ino, .type = has_ft ? ftype_of_dirent(b[off - rec_len + 7]) : AWP_FT_UNKNOWN};
		int rc = r->cb(&ent, r->payload);
		if (rc != 0) {
			r->ret = rc;
			return -1;
		}
	}
	return 1;
}

/*
 * A leaf directory block's checksum, as ext2fs_dirent_csum_verify has it:
 * the entries' record lengths must chain exactly onto a 12-byte tail
 * (inode 0, name length 0, type 0xDE) whose checksum is crc32c(seed, inode
 * number, inode generation, block up to the tail). libext2fs reads the
 * directory's inode again for its generation at every block; we have it.
 * 1 good, 0 bad, -1 not a leaf block with a tail (an htree node: ask
 * ext2fs_dir_block_csum_verify).
 */
static int dirent_tail_csum_ok(struct ext_fs *x, uint64_t dir, uint32_t gen, const unsigned char *b, uint32_t bs)
{
	uint32_t top = bs - 12, off = 0;
	while (off < top) {
		uint32_t rec_len = awp_le16(b, bs, off + 4);
		if (rec_len < 8 || rec_len % 4 != 0)
			return -1;
		off += rec_len;
	}
	if (off != top || awp_le32(b, bs, top) != 0 || awp_le16(b, bs, top + 4) != 12 ||
	    awp_le16(b, bs, top + 6) != EXT2_DIR_NAME_LEN_CSUM)
		return -1;
	unsigned char ig[8];
	uint32_t ino32 = (uint32_t)dir;
	for (int i = 0; i < 4; i++) {
		ig[i] = (unsigned char)(ino32 >> (8 * i));
		ig[4 + i] = (unsigned char)(gen >> (8 * i));
	}
	uint32_t crc = ext2fs_crc32c_le(x->fs->csum_seed, ig, 8);
	crc = ext2fs_crc32c_le(crc, b, top);
	return crc == awp_le32(b, bs, top + 8);
}

/*
 * A directory whose extents sit in the inode (depth 0: all but huge ones),
 * read block by block from the metadata cache. libext2fs's iteration opens
 * a block iterator and an extent handle, reads the inode again and copies
 * each block through its io channel: about half of a metadata walk. The
 * checks are libext2fs's: each block's checksum by its own
 * ext2fs_dir_block_csum_verify (on a copy: it may zero the checksum field
 * while it computes), each entry's record length and name length as
 * ext2fs_process_dir_block has them, with the same errors. Returns 1 when
 * done (or a negative error, or the callback's value), 0 when this
 * directory is not one it reads (no entry given yet): libext2fs's turn.
 */
static int readdir_inode_extents(struct rd *r, uint64_t dir, const struct ext2_inode_large *in, uint64_t size)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	struct ext_fs *x = r->x;
	uint32_t bs = x->bs;
	const void *ib = in->i_block;
	size_t il = sizeof in->i_block;
	if (!(in->i_flags & EXT4_EXTENTS_FL) || (in->i_flags & EXT4_INLINE_DATA_FL) || bs < 1024 || bs >= 65536 ||
	    size % bs != 0 || awp_le16(ib, il, 0) != 0xF30A || awp_le16(ib, il, 6) != 0)
		return 0;
	unsigned entries = awp_le16(ib, il, 2);
	if (entries > awp_le16(ib, il, 4) || entries > (il - 12) / 12)
		return 0;
	uint64_t nblocks = size / bs, next = 0;
	for (unsigned i = 0; i < entries; i++) { /* all in order, inside the size and the filesystem */
		size_t o = 12 + 12 * (size_t)i;
		uint64_t lblk = awp_le32(ib, il, o), len = awp_le16(ib, il, o + 4);
		uint64_t pblk = (uint64_t)awp_le16(ib, il, o + 6) << 32 | awp_le32(ib, il, o + 8);
		if (len == 0 || len > 32768 || lblk < next || lblk + len > nblocks || pblk >= x->blocks ||
		    len > x->blocks - pblk)
			return 0;
		next = lblk + len;
	}
	if (!x->dirblock && !(x->dirblock = awp_malloc(bs)))
		return AWP_ENOMEM;
	int csum = ext2fs_has_feature_metadata_csum(x->fs->super) && !(x->fs->flags & EXT2_FLAG_IGNORE_CSUM_ERRORS);
	for (unsigned i = 0; i < entries; i++) {
		size_t o = 12 + 12 * (size_t)i;
		uint64_t len = awp_le16(ib, il, o + 4);
		uint64_t pblk = (uint64_t)awp_le16(ib, il, o + 6) << 32 | awp_le32(ib, il, o + 8);
		for (uint64_t k = 0; k < len; k++) {
			const unsigned char *b = awp_ext_io_block(&x->io, pblk + k, bs, len - k, 0);
			if (!b)
				return awp_ext_error(x, x->io.err ? EXT2_ET_SHORT_READ : EXT2_ET_NO_MEMORY, dir,
						     "reading directory");
			memcpy(x->dirblock, b, bs);
			int ok = csum ? dirent_tail_csum_ok(x, dir, in->i_generation, x->dirblock, bs) : 1;
			if (ok < 0)
				ok = ext2fs_dir_block_csum_verify(x->fs, (ext2_ino_t)dir,
								  (struct ext2_dir_entry *)(void *)x->dirblock);
			if (!ok)
				return awp_ext_error(x, EXT2_ET_DIR_CSUM_INVALID, dir, "reading directory");
			errcode_t e = 0;
			int done = block_entries(r, x->dirblock, bs, &e);
			if (done < 0)
				return r->ret;
			if (!done)
				return awp_ext_error(x, e, dir, "reading directory");
		}
	}
	return 1;
#else
	(void)r;
	(void)dir;
	(void)in;
	(void)size;
	return 0;
#endif
}

static int ext_readdir(void *ctx, uint64_t dir, awp_dirent_cb cb, void *payload)
{
	struct ext_fs *x = ctx;
	struct ext2_inode_large in;
	int err = awp_ext_read_inode(x, dir, &in);
	if (err < 0)
		return err;
	if (!LINUX_S_ISDIR(in.i_mode))
		return awp_error_set(AWP_EINVAL, "%s (%s): inode %llu: not a directory", x->type, x->name,
				     (unsigned long long)dir);
	uint64_t size = EXT2_I_SIZE(&in);
	if (size > AWP_MAX_EXT_DIR_SIZE)
		return awp_error_set(AWP_ELIMIT, "%s (%s): inode %llu: directory size %llu exceeds the limit",
				     x->type, x->name, (unsigned long long)dir, (unsigned long long)size);
	if ((in.i_flags & EXT4_EXTENTS_FL) && awp_le16(in.i_block, sizeof in.i_block, 6) > AWP_MAX_EXT_EXTENT_DEPTH)
		return awp_error_set(AWP_ECORRUPT, "%s (%s): inode %llu: extent tree too deep", x->type, x->name,
				     (unsigned long long)dir);
	struct rd r = {.x = x, .cb = cb, .payload = payload, .max_blocks = size / x->bs + 4};
	int fast = readdir_inode_extents(&r, dir, &in, size);
	if (fast != 0)
		return fast < 0 || r.ret ? (r.ret ? r.ret : fast) : 0;
	errcode_t e = ext2fs_dir_iterate2(x->fs, (ext2_ino_t)dir, DIRENT_FLAG_INCLUDE_EMPTY, NULL, rd_cb, &r);
	if (r.ret)
		return r.ret;
	if (r.corrupt)
		return awp_error_set(AWP_ECORRUPT, "%s (%s): inode %llu: directory maps more blocks than its size",
				     x->type, x->name, (unsigned long long)dir);
	if (e)
		return awp_ext_error(x, e, dir, "reading directory");
	return 0;
}

/* No lookup op: fs.c caches the listing of the directory looked up last,
 * which serves the common pattern (many names in one directory) without
 * an htree hash implementation. */

/* --- symlinks ------------------------------------------------------------------------ */

static int ext_readlink(void *ctx, uint64_t ino, char **out)
{
	struct ext_fs *x = ctx;
	struct ext2_inode_large in;
	char *buf = NULL;
	void *fh = NULL;
	int err = awp_ext_read_inode(x, ino, &in);
	if (err < 0)
		return err;
	if (!LINUX_S_ISLNK(in.i_mode))
		return awp_error_set(AWP_EINVAL, "%s (%s): inode %llu: not a symlink", x->type, x->name,
				     (unsigned long long)ino);
	uint64_t size = EXT2_I_SIZE(&in);
	if (size > AWP_MAX_EXT_SYMLINK)
		return awp_error_set(AWP_ECORRUPT, "%s (%s): inode %llu: symlink of %llu bytes", x->type, x->name,
				     (unsigned long long)ino, (unsigned long long)size);
	if (!(buf = awp_malloc((size_t)size + 1)))
		return AWP_ENOMEM;
	if (!(in.i_flags & (EXT4_INLINE_DATA_FL | EXT4_EXTENTS_FL)) &&
	    ext2fs_is_fast_symlink((struct ext2_inode *)&in)) {
		memcpy(buf, in.i_block, (size_t)size); /* size < sizeof i_block (60) */
	} else {
		size_t got = 0;
		if ((err = awp_ext_data_open(x, ino, &in, &fh)) < 0)
			goto done;
		if ((err = awp_ext_file_read(fh, buf, (size_t)size, 0, &got)) < 0)
			goto done;
		if (got != size) {
			err = awp_error_set(AWP_ECORRUPT, "%s (%s): inode %llu: symlink target is short", x->type,
					    x->name, (unsigned long long)ino);
			goto done;
		}
	}
	buf[size] = '\0';
	if (strlen(buf) != size) {
		err = awp_error_set(AWP_ECORRUPT, "%s (%s): inode %llu: symlink target contains NUL", x->type,
				    x->name, (unsigned long long)ino);
		goto done;
	}
	*out = buf;
	buf = NULL;
done:
	awp_ext_file_close(fh);
	free(buf);
	return err;
}

const awp_fs_ops awp_fs_ext_ops = {
	.version = AWP_FS_OPS_VERSION,
	.type = "ext4",
	.probe = ext_probe,
	.open = ext_open,
	.close = ext_close,
	.stat = ext_stat,
	.readdir = ext_readdir,
	.readlink = ext_readlink,
	.file_open = awp_ext_file_open,
	.file_read = awp_ext_file_read,
	.file_close = awp_ext_file_close,
};
