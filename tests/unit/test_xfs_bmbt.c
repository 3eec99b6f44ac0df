/*
 * A file whose extent map is a B+tree of depth 3 (root level 2 in the
 * inode -> 2 node blocks -> 6 leaf blocks), as a badly fragmented file has.
 * mkfs.xfs -p writes files contiguously and nothing short of mounting
 * fragments them, so the test builds the tree itself inside a real image:
 *
 *   1. mkfs.xfs (1 KiB blocks) a tree with frag.bin (64 blocks) and
 *      pad.bin (16 blocks, whose blocks become the btree blocks);
 *   2. swap frag.bin's data blocks pairwise on disk so that no two file
 *      blocks are physically adjacent, leave blocks 10-11 as a hole and
 *      map block 20 as an unwritten extent over garbage;
 *   3. write BMA3/BMAP leaf and node blocks and a level-2 bmdr root into
 *      frag.bin's inode; empty pad.bin (inode and source file).
 *
 * Then awp must read frag.bin byte-exact (holes and unwritten as zeros),
 * and damaged variants (pointer out of range, a pointer loop, bad magic)
 * must fail cleanly with AWP_ECORRUPT while the rest stays readable.
 * CRCs of the rewritten metadata are not updated: awp does not check them.
 */
#include "xfs_testlib.h"

#include "fs/xfs_int.h"
#include "util/bytes.h"

#include <awp/fs.h>
#include <awp/walk.h>

#include <fcntl.h>
#include <stdlib.h>

#define NBLK 64

static void put16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }
static void put32(unsigned char *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }
static void put64(unsigned char *p, uint64_t v) { put32(p, (uint32_t)(v >> 32)); put32(p + 4, (uint32_t)v); }

static void pack_rec(unsigned char *r, uint64_t off, uint64_t fsb, uint32_t len, int unwritten)
{
	put64(r, ((uint64_t)(unwritten ? 1 : 0) << 63) | (off << 9) | (fsb >> 43));
	put64(r + 8, (fsb << 21) | len);
}

typedef struct geo {
	uint32_t bs, blocklog, isz, inopblog, agblklog, agblocks;
	int v5;
	unsigned char uuid[16];
} geo;

static uint64_t ino_off(const geo *g, uint64_t ino)
{
	unsigned bits = g->agblklog + g->inopblog;
	uint64_t agno = ino >> bits, agino = ino & ((1ull << bits) - 1);
	return ((agno * g->agblocks + (agino >> g->inopblog)) << g->blocklog) + ((agino & ((1ull << g->inopblog) - 1)) * g->isz);
}

static uint64_t fsb_off(const geo *g, uint64_t fsb)
{
	return (((fsb >> g->agblklog) * g->agblocks) + (fsb & ((1ull << g->agblklog) - 1))) << g->blocklog;
}

static int rd(int fd, void *b, size_t n, uint64_t off) { return pread(fd, b, n, (off_t)off) == (ssize_t)n ? 0 : -1; }
static int wr(int fd, const void *b, size_t n, uint64_t off) { return pwrite(fd, b, n, (off_t)off) == (ssize_t)n ? 0 : -1; }

/* The single extent of a freshly made file: its first fs block. */
static uint64_t first_fsb(const geo *g, int fd, uint64_t ino, unsigned *fork_at, size_t *forksize)
{
	unsigned char in[2048];
	CHECK(rd(fd, in, g->isz, ino_off(g, ino)) == 0);
	CHECK_EQ_INT(in[5], 2); /* extents */
	CHECK_EQ_INT(awp_be32(in, sizeof in, 76), 1);
	*fork_at = g->v5 ? 176 : 100;
	*forksize = in[82] ? (size_t)in[82] * 8 : g->isz - *fork_at;
	uint64_t off, fsb;
	uint32_t len;
	int unw;
	xfs_bmbt_unpack(in + *fork_at, &off, &fsb, &len, &unw);
	return fsb;
}

static void bt_header(const geo *g, unsigned char *b, uint16_t level, uint16_t n, uint64_t fsb, uint64_t owner)
{
	memset(b, 0, g->bs);
	put32(b, g->v5 ? XFS_BMAP3_MAGIC : XFS_BMAP_MAGIC);
	put16(b + 4, level);
	put16(b + 6, n);
	put64(b + 8, ~0ull);  /* leftsib: none */
	put64(b + 16, ~0ull); /* rightsib: none */
	if (g->v5) {
		put64(b + 24, fsb_off(g, fsb) >> 9); /* blkno in 512-byte units */
		memcpy(b + 40, g->uuid, 16);
		put64(b + 56, owner);
	}
}

struct fixture {
	geo g;
	uint64_t frag_ino, pad_fsb, node_fsb[2], leaf_fsb[6], root_ptr_at;
	unsigned fork_at;
	size_t forksize;
};

static int build(const char *dir, const char *opts, struct fixture *fx)
{
	char tree[4096], img[4096], p[4200];
	snprintf(tree, sizeof tree, "%s/tree", dir);
	snprintf(img, sizeof img, "%s/xfs.img", dir);
	test_sh("rm -rf %s && mkdir -p %s/d", tree, tree);
	snprintf(p, sizeof p, "%s/frag.bin", tree);
	CHECK(xt_write_random(p, NBLK * 1024, 7) == 0);
	/* blocks 10, 11 (hole) and 20 (unwritten) are zeros in the source */
	CHECK(test_sh("dd if=/dev/zero of=%s bs=1024 seek=10 count=2 conv=notrunc status=none && "
		      "dd if=/dev/zero of=%s bs=1024 seek=20 count=1 conv=notrunc status=none && "
		      "head -c 16384 /dev/urandom > %s/pad.bin && printf 'ok\\n' > %s/d/other",
		      p, p, tree, tree) == 0);
	if (xt_mkfs(img, 64, tree, opts) != 0)
		return -1;

	awp_source *src = NULL;
	awp_fs *fs = NULL;
	awp_stat st;
	uint64_t pad_ino = 0;
	CHECK_OK(awp_source_open(&src, img));
	CHECK_OK(awp_fs_open(&fs, src, "bmbt.img"));
	if (!fs)
		return -1;
	CHECK_OK(awp_fs_lookup(fs, "/frag.bin", 0, &st));
	fx->frag_ino = st.ino;
	CHECK_OK(awp_fs_lookup(fs, "/pad.bin", 0, &st));
	pad_ino = st.ino;
	awp_fs_free(fs);
	awp_source_free(src);

	int fd = open(img, O_RDWR);
	CHECK(fd >= 0);
	unsigned char sb[512];
	CHECK(rd(fd, sb, sizeof sb, 0) == 0);
	geo *g = &fx->g;
	g->bs = awp_be32(sb, 512, 4);
	g->agblocks = awp_be32(sb, 512, 84);
	g->isz = awp_be16(sb, 512, 104);
	g->blocklog = sb[120];
	g->inopblog = sb[123];
	g->agblklog = sb[124];
	g->v5 = (awp_be16(sb, 512, 100) & 0xf) == 5;
	memcpy(g->uuid, sb + 32, 16);
	CHECK_EQ_INT(g->bs, 1024);

	unsigned pad_fork_at;
	size_t pad_forksize;
	fx->pad_fsb = first_fsb(g, fd, pad_ino, &pad_fork_at, &pad_forksize);
	uint64_t data_fsb = first_fsb(g, fd, fx->frag_ino, &fx->fork_at, &fx->forksize);

	/* Swap the file's blocks pairwise on disk; map block i where its data went. */
	unsigned char a[1024], b[1024];
	for (unsigned i = 0; i < NBLK; i += 2) {
		CHECK(rd(fd, a, 1024, fsb_off(g, data_fsb + i)) == 0);
		CHECK(rd(fd, b, 1024, fsb_off(g, data_fsb + i + 1)) == 0);
		CHECK(wr(fd, b, 1024, fsb_off(g, data_fsb + i)) == 0);
		CHECK(wr(fd, a, 1024, fsb_off(g, data_fsb + i + 1)) == 0);
	}
	memset(a, 0xAA, sizeof a); /* garbage under the unwritten extent */
	CHECK(wr(fd, a, 1024, fsb_off(g, data_fsb + 21)) == 0);

	unsigned char recs[NBLK][16];
	unsigned nrec = 0;
	for (unsigned i = 0; i < NBLK; i++) {
		if (i == 10 || i == 11)
			continue;
		pack_rec(recs[nrec++], i, data_fsb + (i ^ 1), 1, i == 20);
	}
	/* 6 leaves of ~10 records, 2 nodes of 3 leaves, root of 2 nodes. */
	size_t hdr = g->v5 ? 72 : 24, maxrecs = (g->bs - hdr) / 16;
	unsigned char *blk = calloc(1, g->bs);
	unsigned per = (nrec + 5) / 6, r = 0;
	uint64_t leaf_first[6];
	for (unsigned l = 0; l < 6; l++) {
		fx->leaf_fsb[l] = fx->pad_fsb + l;
		unsigned n = nrec - r < per ? nrec - r : per;
		bt_header(g, blk, 0, (uint16_t)n, fx->leaf_fsb[l], fx->frag_ino);
		leaf_first[l] = awp_be64(recs[r], 16, 0) >> 9 & ((1ull << 54) - 1);
		memcpy(blk + hdr, recs[r], (size_t)n * 16);
		r += n;
		CHECK(wr(fd, blk, g->bs, fsb_off(g, fx->leaf_fsb[l])) == 0);
	}
	CHECK_EQ_INT(r, nrec);
	for (unsigned nd = 0; nd < 2; nd++) {
		fx->node_fsb[nd] = fx->pad_fsb + 6 + nd;
		bt_header(g, blk, 1, 3, fx->node_fsb[nd], fx->frag_ino);
		for (unsigned k = 0; k < 3; k++) {
			put64(blk + hdr + k * 8, leaf_first[nd * 3 + k]);
			put64(blk + hdr + maxrecs * 8 + k * 8, fx->leaf_fsb[nd * 3 + k]);
		}
		CHECK(wr(fd, blk, g->bs, fsb_off(g, fx->node_fsb[nd])) == 0);
	}
	free(blk);

	/* The inode: btree format, bmdr root {level 2, 2 records}. */
	unsigned char in[2048];
	uint64_t io = ino_off(g, fx->frag_ino);
	CHECK(rd(fd, in, g->isz, io) == 0);
	in[5] = 3;
	put32(in + 76, nrec);
	unsigned char *f = in + fx->fork_at;
	memset(f, 0, fx->forksize);
	size_t rmax = (fx->forksize - 4) / 16;
	put16(f, 2);
	put16(f + 2, 2);
	put64(f + 4, leaf_first[0]);
	put64(f + 12, leaf_first[3]);
	put64(f + 4 + rmax * 8, fx->node_fsb[0]);
	put64(f + 4 + rmax * 8 + 8, fx->node_fsb[1]);
	fx->root_ptr_at = io + fx->fork_at + 4 + rmax * 8;
	CHECK(wr(fd, in, g->isz, io) == 0);

	/* pad.bin gives its blocks away: make it empty on both sides. */
	io = ino_off(g, pad_ino);
	CHECK(rd(fd, in, g->isz, io) == 0);
	put64(in + 56, 0);
	put32(in + 76, 0);
	memset(in + pad_fork_at, 0, pad_forksize);
	CHECK(wr(fd, in, g->isz, io) == 0);
	close(fd);
	snprintf(p, sizeof p, "%s/pad.bin", tree);
	CHECK(truncate(p, 0) == 0);
	return 0;
}

/* Open the image and try to read frag.bin; returns the error code. */
static int try_read(const char *img, uint64_t ino, const char *tree, int compare)
{
	awp_source *src = NULL;
	awp_fs *fs = NULL, *host = NULL;
	awp_file *f = NULL;
	CHECK_OK(awp_source_open(&src, img));
	CHECK_OK(awp_fs_open(&fs, src, "bmbt.img"));
	int err = awp_file_open(&f, fs, ino);
	if (err == 0) {
		CHECK_EQ_INT(awp_file_size(f), NBLK * 1024);
		awp_file_free(f);
	} else {
		CHECK(strstr(awp_error_last(), "inode") != NULL);
	}
	if (compare) {
		fscompare_result r;
		CHECK_OK(awp_fs_open_dir(&host, tree));
		CHECK_OK(fscompare(host, fs, FSCMP_MODE | FSCMP_OWNER, NULL, &r));
		CHECK_EQ_INT(r.mismatches, 0);
		CHECK_EQ_INT(r.files, 3);
		CHECK_EQ_INT(r.bytes, NBLK * 1024 + 3);
		awp_fs_free(host);
	} else {
		/* the rest of the filesystem stays readable */
		char *data = NULL;
		size_t len;
		CHECK_OK(awp_fs_read_file(fs, "/d/other", 10, &data, &len));
		free(data);
	}
	awp_fs_free(fs);
	awp_source_free(src);
	return err;
}

static void patch64(const char *img, uint64_t off, uint64_t v)
{
	unsigned char b[8];
	put64(b, v);
	int fd = open(img, O_RDWR);
	CHECK(fd >= 0 && wr(fd, b, 8, off) == 0);
	close(fd);
}

static void run(const char *dir, const char *opts)
{
	struct fixture fx;
	memset(&fx, 0, sizeof fx);
	char img[4096], tree[4096], save[4300];
	snprintf(img, sizeof img, "%s/xfs.img", dir);
	snprintf(tree, sizeof tree, "%s/tree", dir);
	snprintf(save, sizeof save, "%s.good", img);
	if (build(dir, opts, &fx) != 0) {
		CHECK_MSG(0, "image build failed");
		return;
	}
	CHECK_EQ_INT(try_read(img, fx.frag_ino, tree, 1), 0);
	CHECK(test_sh("cp %s %s", img, save) == 0);

	size_t hdr = fx.g.v5 ? 72 : 24, maxrecs = (fx.g.bs - hdr) / 16;
	uint64_t node0 = fsb_off(&fx.g, fx.node_fsb[0]);
	/* a node pointer far outside the filesystem */
	patch64(img, node0 + hdr + maxrecs * 8 + 8, 0x7fffffffffull);
	CHECK_EQ_INT(try_read(img, fx.frag_ino, tree, 0), AWP_ECORRUPT);
	/* a node pointing to itself: a loop */
	CHECK(test_sh("cp %s %s", save, img) == 0);
	patch64(img, node0 + hdr + maxrecs * 8 + 8, fx.node_fsb[0]);
	CHECK_EQ_INT(try_read(img, fx.frag_ino, tree, 0), AWP_ECORRUPT);
	/* the root pointing straight at a leaf (wrong level) */
	CHECK(test_sh("cp %s %s", save, img) == 0);
	patch64(img, fx.root_ptr_at, fx.leaf_fsb[0]);
	CHECK_EQ_INT(try_read(img, fx.frag_ino, tree, 0), AWP_ECORRUPT);
	/* a leaf whose magic is gone */
	CHECK(test_sh("cp %s %s", save, img) == 0);
	patch64(img, fsb_off(&fx.g, fx.leaf_fsb[4]), 0);
	CHECK_EQ_INT(try_read(img, fx.frag_ino, tree, 0), AWP_ECORRUPT);
	/* a leaf record pointing past the end of its allocation group */
	CHECK(test_sh("cp %s %s", save, img) == 0);
	{
		unsigned char rec[16];
		pack_rec(rec, 0, ((uint64_t)3 << fx.g.agblklog) | (fx.g.agblocks - 1), 5, 0);
		int fd = open(img, O_RDWR);
		CHECK(fd >= 0 && wr(fd, rec, 16, fsb_off(&fx.g, fx.leaf_fsb[0]) + hdr) == 0);
		close(fd);
	}
	CHECK_EQ_INT(try_read(img, fx.frag_ino, tree, 0), AWP_ECORRUPT);
}

void test_main(void)
{
	if (!xt_have_mkfs())
		test_skip("mkfs.xfs not installed");
	char *dir = test_tmpdir();
	CHECK(dir != NULL);
	run(dir, "-b size=1024");
	run(dir, "-b size=1024 -m crc=0");
	run(dir, "-b size=1024 -m crc=0 -i size=512");
	test_rmtree(dir);
	free(dir);
}
