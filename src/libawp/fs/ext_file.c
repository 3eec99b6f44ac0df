/*
 * fs/ext_file.c - ext file data: a logical->physical run map built once per
 * open file, then reads straight from the source.
 *
 * Extent files: leaf extents from libext2fs's extent iterator (uninitialized
 * extents read as zeros). Block-mapped files (ext2/3): ext2fs_block_iterate3
 * with adjacent blocks coalesced. Inline data: copied from the inode (and
 * its system.data xattr) at open and clamped to i_size. Invariants of the
 * map: runs are sorted by logical block, do not overlap, lie inside the
 * filesystem, and nothing past i_size is mapped; everything not mapped is a
 * hole. A read of a contiguous run is one awp_source_read into the caller's
 * buffer, so big reads cost one system call per extent.
 */
#include "fs/ext_int.h"

#include "util/bytes.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

struct run {
	uint64_t lblk;
	uint64_t pblk;
	uint64_t len;         /* blocks */
	int uninit;
};

struct ext_file {
	struct ext_fs *x;
	uint64_t ino;
	uint64_t size;
	struct run *runs;
	size_t nruns, cap;
	size_t hint;          /* run of the last read: sequential reads skip the search */
	unsigned char *inline_data; /* inline files: the whole content */
};

static int add_run(struct ext_file *f, uint64_t lblk, uint64_t pblk, uint64_t len, int uninit)
{
	struct ext_fs *x = f->x;
	uint64_t end_l, end_p;
	if (len == 0)
		return 0;
	if (awp_add_overflow(lblk, len, &end_l) || awp_add_overflow(pblk, len, &end_p) || end_p > x->blocks ||
	    pblk < x->fs->super->s_first_data_block)
		return awp_error_set(AWP_ECORRUPT, "%s (%s): inode %llu: blocks %llu+%llu lie outside the filesystem",
				     x->type, x->name, (unsigned long long)f->ino, (unsigned long long)pblk,
				     (unsigned long long)len);
	if (f->nruns) {
		struct run *last = &f->runs[f->nruns - 1];
		if (lblk < last->lblk + last->len)
			return awp_error_set(AWP_ECORRUPT,
					     "%s (%s): inode %llu: block map out of order at logical block %llu",
					     x->type, x->name, (unsigned long long)f->ino, (unsigned long long)lblk);
		if (lblk == last->lblk + last->len && pblk == last->pblk + last->len && uninit == last->uninit) {
			last->len += len;
			return 0;
		}
	}
	if (f->nruns >= AWP_MAX_EXT_RUNS)
		return awp_error_set(AWP_ELIMIT, "%s (%s): inode %llu: more than %u extents", x->type, x->name,
				     (unsigned long long)f->ino, AWP_MAX_EXT_RUNS);
	if (AWP_GROW(f->runs, f->cap, f->nruns + 1) < 0)
		return AWP_ENOMEM;
	f->runs[f->nruns++] = (struct run){lblk, pblk, len, uninit};
	return 0;
}

/* Logical blocks that hold file bytes: nothing past this is mapped. */
static uint64_t size_blocks(struct ext_file *f)
{
	return f->size / f->x->bs + (f->size % f->x->bs != 0);
}

/* A tree of depth 0 (up to four extents in the inode itself: most files)
 * is read here; libext2fs's extent handle costs an allocation and several
 * calls per file, a tenth of reading a small file. Same checks: header
 * magic, entry count within the room of i_block, runs in order and inside
 * the filesystem (add_run). */
static int map_inode_extents(struct ext_file *f, const struct ext2_inode_large *in, uint64_t nblocks)
{
	struct ext_fs *x = f->x;
	const void *b = in->i_block;
	size_t blen = sizeof in->i_block;
	unsigned entries = awp_le16(b, blen, 2), max = awp_le16(b, blen, 4);
	if (awp_le16(b, blen, 0) != 0xF30A || entries > max || max > (blen - 12) / 12)
		return awp_error_set(AWP_ECORRUPT, "%s (%s): inode %llu: corrupt extent header in the inode", x->type,
				     x->name, (unsigned long long)f->ino);
	for (unsigned i = 0; i < entries; i++) {
		size_t o = 12 + 12 * (size_t)i;
		uint64_t lblk = awp_le32(b, blen, o);
		uint64_t len = awp_le16(b, blen, o + 4);
		uint64_t pblk = (uint64_t)awp_le16(b, blen, o + 6) << 32 | awp_le32(b, blen, o + 8);
		int uninit = len > 32768; /* EXT_INIT_MAX_LEN: longer means unwritten */
		if (uninit)
			len -= 32768;
		if (lblk >= nblocks)
			break; /* preallocated past EOF; later extents are further on */
		if (len > nblocks - lblk)
			len = nblocks - lblk;
		int err = add_run(f, lblk, pblk, len, uninit);
		if (err < 0)
			return err;
	}
	return 0;
}

static int map_extents(struct ext_file *f, struct ext2_inode_large *in)
{
	struct ext_fs *x = f->x;
	ext2_extent_handle_t h = NULL;
	struct ext2fs_extent ex;
	uint64_t nblocks = size_blocks(f);
	unsigned depth = awp_le16(in->i_block, sizeof in->i_block, 6);
	if (depth > AWP_MAX_EXT_EXTENT_DEPTH)
		return awp_error_set(AWP_ECORRUPT, "%s (%s): inode %llu: extent tree too deep", x->type, x->name,
				     (unsigned long long)f->ino);
	if (depth == 0)
		return map_inode_extents(f, in, nblocks);
	errcode_t e = ext2fs_extent_open2(x->fs, (ext2_ino_t)f->ino, (struct ext2_inode *)in, &h);
	if (e)
		return awp_ext_error(x, e, f->ino, "opening extent tree");
	int err = 0;
	size_t visited = 0;
	e = ext2fs_extent_get(h, EXT2_EXTENT_ROOT, &ex);
	while (!e) {
		if (++visited > 2 * (size_t)AWP_MAX_EXT_RUNS) {
			err = awp_error_set(AWP_ELIMIT, "%s (%s): inode %llu: too many extents", x->type, x->name,
					    (unsigned long long)f->ino);
			break;
		}
		if (ex.e_flags & EXT2_EXTENT_FLAGS_LEAF) {
			if (ex.e_lblk >= nblocks)
				break; /* preallocated past EOF; later extents are further on */
			uint64_t len = ex.e_len;
			if (len > nblocks - ex.e_lblk)
				len = nblocks - ex.e_lblk;
			if ((err = add_run(f, ex.e_lblk, ex.e_pblk, len, !!(ex.e_flags & EXT2_EXTENT_FLAGS_UNINIT))) < 0)
				break;
		}
		e = ext2fs_extent_get(h, EXT2_EXTENT_NEXT_LEAF, &ex);
	}
	if (!err && e && e != EXT2_ET_EXTENT_NO_NEXT && e != EXT2_ET_NO_CURRENT_NODE)
		err = awp_ext_error(x, e, f->ino, "reading extent tree");
	ext2fs_extent_free(h);
	return err;
}

struct bi {
	struct ext_file *f;
	uint64_t nblocks;
	int err;
};

static int bi_cb(ext2_filsys fs, blk64_t *blocknr, e2_blkcnt_t blockcnt, blk64_t ref_blk, int ref_offset,
		 void *priv)
{
	struct bi *b = priv;
	if (blockcnt < 0)
		return 0;
	if ((uint64_t)blockcnt >= b->nblocks)
		return BLOCK_ABORT;
	if ((b->err = add_run(b->f, (uint64_t)blockcnt, *blocknr, 1, 0)) < 0)
		return BLOCK_ABORT;
	return 0;
}

static int map_blocks(struct ext_file *f)
{
	struct bi b = {f, size_blocks(f), 0};
	if (b.nblocks == 0)
		return 0;
	errcode_t e = ext2fs_block_iterate3(f->x->fs, (ext2_ino_t)f->ino, BLOCK_FLAG_READ_ONLY | BLOCK_FLAG_DATA_ONLY,
					    NULL, bi_cb, &b);
	if (b.err < 0)
		return b.err;
	if (e)
		return awp_ext_error(f->x, e, f->ino, "reading block map");
	return 0;
}

static int load_inline(struct ext_file *f, struct ext2_inode_large *in)
{
	struct ext_fs *x = f->x;
	size_t cap = EXT2_INODE_SIZE(x->fs->super) + (size_t)x->bs;
	if (cap > AWP_MAX_EXT_INLINE + 1024)
		cap = AWP_MAX_EXT_INLINE + 1024;
	size_t sz = 0;
	errcode_t e = ext2fs_inline_data_size(x->fs, (ext2_ino_t)f->ino, &sz);
	if (e)
		return awp_ext_error(x, e, f->ino, "reading inline data size");
	if (sz > cap)
		return awp_error_set(AWP_ECORRUPT, "%s (%s): inode %llu: inline data of %zu bytes", x->type, x->name,
				     (unsigned long long)f->ino, sz);
	/* libext2fs copies the 60-byte i_block area even when the data is shorter. */
	size_t alloc = sz < EXT4_MIN_INLINE_DATA_SIZE ? EXT4_MIN_INLINE_DATA_SIZE : sz;
	if (!(f->inline_data = awp_calloc(1, alloc + 1)))
		return AWP_ENOMEM;
	e = ext2fs_inline_data_get(x->fs, (ext2_ino_t)f->ino, (struct ext2_inode *)in, f->inline_data, &sz);
	if (e)
		return awp_ext_error(x, e, f->ino, "reading inline data");
	if (f->size > sz)
		f->size = sz; /* i_size beyond the inline area would read garbage */
	return 0;
}

void awp_ext_file_close(void *fh)
{
	struct ext_file *f = fh;
	if (!f)
		return;
	free(f->runs);
	free(f->inline_data);
	free(f);
}

int awp_ext_data_open(struct ext_fs *x, uint64_t ino, struct ext2_inode_large *in, void **fh)
{
	struct ext_file *f = awp_calloc(1, sizeof(*f));
	if (!f)
		return AWP_ENOMEM;
	f->x = x;
	f->ino = ino;
	f->size = EXT2_I_SIZE(in);
	int err;
	if (in->i_flags & EXT4_INLINE_DATA_FL)
		err = load_inline(f, in);
	else if (in->i_flags & EXT4_EXTENTS_FL)
		err = map_extents(f, in);
	else
		err = map_blocks(f);
	if (err < 0) {
		awp_ext_file_close(f);
		return err;
	}
	*fh = f;
	return 0;
}

int awp_ext_file_open(void *ctx, uint64_t ino, void **fh, uint64_t *size)
{
	struct ext_fs *x = ctx;
	struct ext2_inode_large in;
	int err = awp_ext_read_inode(x, ino, &in);
	if (err < 0)
		return err;
	if (!LINUX_S_ISREG(in.i_mode))
		return awp_error_set(AWP_EINVAL, "%s (%s): inode %llu: not a regular file", x->type, x->name,
				     (unsigned long long)ino);
	if ((err = awp_ext_data_open(x, ino, &in, fh)) < 0)
		return err;
	*size = ((struct ext_file *)*fh)->size;
	return 0;
}

/* Index of the first run that ends after logical block `lb` (nruns if none). */
static size_t find_run(struct ext_file *f, uint64_t lb)
{
	size_t h = f->hint;
	if (h < f->nruns && f->runs[h].lblk <= lb && lb < f->runs[h].lblk + f->runs[h].len)
		return h;
	size_t lo = 0, hi = f->nruns;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->runs[mid].lblk + f->runs[mid].len <= lb)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int awp_ext_file_read(void *fh, void *buf, size_t len, uint64_t off, size_t *nread)
{
	struct ext_file *f = fh;
	struct ext_fs *x = f->x;
	unsigned char *out = buf;
	*nread = 0;
	if (off >= f->size)
		return 0;
	if (len > f->size - off)
		len = (size_t)(f->size - off);
	if (f->inline_data) {
		memcpy(out, f->inline_data + off, len);
		*nread = len;
		return 0;
	}
	size_t done = 0;
	uint64_t bs = x->bs;
	while (done < len) {
		uint64_t pos = off + done;
		uint64_t lb = pos / bs;
		size_t i = find_run(f, lb);
		size_t want = len - done;
		if (i >= f->nruns || f->runs[i].lblk > lb) {
			/* a hole up to the next run */
			if (i < f->nruns) {
				uint64_t gap = f->runs[i].lblk * bs - pos;
				if (gap < want)
					want = (size_t)gap;
			}
			memset(out + done, 0, want);
		} else {
			struct run *r = &f->runs[i];
			f->hint = i;
			uint64_t in_run = (r->lblk + r->len) * bs - pos;
			if (in_run < want)
				want = (size_t)in_run;
			if (r->uninit) {
				memset(out + done, 0, want);
			} else {
				uint64_t phys = (r->pblk + (lb - r->lblk)) * bs + pos % bs;
				int err = awp_source_read(x->io.src, out + done, want, phys);
				if (err < 0)
					return awp_error_prefix(err, "%s (%s): inode %llu: data at %llu: ", x->type,
								x->name, (unsigned long long)f->ino,
								(unsigned long long)pos);
			}
		}
		done += want;
	}
	*nread = done;
	return 0;
}
