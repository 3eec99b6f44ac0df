/*
 * Damaged XFS images: a bad superblock, a bad inode core magic, a bad
 * directory block magic, a bad root inode. Each must give a clean error
 * (no crash, no hang), and the walker must report the damaged path and go
 * on with the rest.
 */
#include "xfs_testlib.h"

#include "util/bytes.h"

#include <awp/fs.h>
#include <awp/walk.h>

#include <fcntl.h>
#include <stdlib.h>

struct geo {
	uint32_t bs, blocklog, isz, inopblog, agblklog, agblocks;
	uint64_t rootino;
};

static void geo_read(const char *img, struct geo *g)
{
	unsigned char sb[512];
	int fd = open(img, O_RDONLY);
	CHECK(fd >= 0 && pread(fd, sb, sizeof sb, 0) == (ssize_t)sizeof sb);
	close(fd);
	g->bs = awp_be32(sb, 512, 4);
	g->rootino = awp_be64(sb, 512, 56);
	g->agblocks = awp_be32(sb, 512, 84);
	g->isz = awp_be16(sb, 512, 104);
	g->blocklog = sb[120];
	g->inopblog = sb[123];
	g->agblklog = sb[124];
}

static uint64_t ino_off(const struct geo *g, uint64_t ino)
{
	unsigned bits = g->agblklog + g->inopblog;
	uint64_t agno = ino >> bits, agino = ino & ((1ull << bits) - 1);
	return ((agno * g->agblocks + (agino >> g->inopblog)) << g->blocklog) +
	       ((agino & ((1ull << g->inopblog) - 1)) * g->isz);
}

static void poke(const char *img, uint64_t off, const void *b, size_t n)
{
	int fd = open(img, O_RDWR);
	CHECK(fd >= 0 && pwrite(fd, b, n, (off_t)off) == (ssize_t)n);
	close(fd);
}

static uint64_t ino_of(const char *img, const char *path)
{
	awp_source *src = NULL;
	awp_fs *fs = NULL;
	awp_stat st = {0};
	CHECK_OK(awp_source_open(&src, img));
	CHECK_OK(awp_fs_open(&fs, src, "d.img"));
	if (fs)
		CHECK_OK(awp_fs_lookup(fs, path, 0, &st));
	awp_fs_free(fs);
	awp_source_free(src);
	return st.ino;
}

struct seen {
	size_t entries, errors;
	int saw_other;
};

static int seen_cb(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	(void)fs;
	struct seen *s = payload;
	s->entries++;
	if (strcmp(e->path, "/zz/other") == 0)
		s->saw_other = 1;
	return 0;
}

static void seen_err(const char *path, int code, const char *msg, void *payload)
{
	struct seen *s = payload;
	s->errors++;
	CHECK_EQ_INT(code, AWP_ECORRUPT);
	CHECK(strstr(msg, "xfs (d.img)") != NULL);
	(void)path;
}

/* Walk the image: every entry that can be read is reported, errors go to the callback. */
static struct seen walk(const char *img)
{
	struct seen s = {0, 0, 0};
	awp_source *src = NULL;
	awp_fs *fs = NULL;
	CHECK_OK(awp_source_open(&src, img));
	CHECK_OK(awp_fs_open(&fs, src, "d.img"));
	if (fs) {
		awp_walk_options o = AWP_WALK_OPTIONS_INIT;
		o.on_error = seen_err;
		o.error_payload = &s;
		CHECK_OK(awp_fs_walk(fs, &o, seen_cb, &s));
	}
	awp_fs_free(fs);
	awp_source_free(src);
	return s;
}

static int open_err(const char *img)
{
	awp_source *src = NULL;
	awp_fs *fs = NULL;
	CHECK_OK(awp_source_open(&src, img));
	int err = awp_fs_open(&fs, src, "d.img");
	awp_fs_free(fs);
	awp_source_free(src);
	return err;
}

static void run(const char *dir, const char *opts)
{
	char tree[4096], img[4096], good[4200];
	snprintf(tree, sizeof tree, "%s/tree", dir);
	snprintf(img, sizeof img, "%s/d.img", dir);
	snprintf(good, sizeof good, "%s.good", img);
	CHECK(test_sh("rm -rf %s && mkdir -p %s/blockdir %s/zz && printf 'a\\n' > %s/victim && printf 'b\\n' > %s/zz/other"
		      " && for i in $(seq 1 40); do : > %s/blockdir/file$i; done",
		      tree, tree, tree, tree, tree, tree) == 0);
	if (xt_mkfs(img, 64, tree, opts) != 0) {
		CHECK_MSG(0, opts);
		return;
	}
	CHECK(test_sh("cp %s %s", img, good) == 0);
	struct geo g;
	geo_read(img, &g);
	struct seen s = walk(img);
	CHECK_EQ_INT(s.errors, 0);
	size_t all = s.entries;

	/* 1. superblock magic: not recognised at all */
	poke(img, 0, "XXXX", 4);
	CHECK_EQ_INT(open_err(img), AWP_EUNSUPPORTED);
	/* 1b. magic fine, geometry nonsense: recognised and refused as damaged */
	CHECK(test_sh("cp %s %s", good, img) == 0);
	poke(img, 4, "\x00\x00\x03\x00", 4); /* block size 768 */
	CHECK_EQ_INT(open_err(img), AWP_ECORRUPT);
	CHECK(strstr(awp_error_last(), "xfs (d.img): superblock") != NULL);

	/* 2. inode core magic of /victim: its stat fails, the walk goes on */
	CHECK(test_sh("cp %s %s", good, img) == 0);
	uint64_t victim = ino_of(img, "/victim");
	poke(img, ino_off(&g, victim), "ZZ", 2);
	s = walk(img);
	CHECK_EQ_INT(s.errors, 1);
	CHECK_EQ_INT(s.entries, all - 1);
	CHECK(s.saw_other);

	/* 3. directory block magic of /blockdir (block form): readdir fails,
	 *    the directory itself is still reported, the walk goes on */
	CHECK(test_sh("cp %s %s", good, img) == 0);
	uint64_t bd = ino_of(img, "/blockdir");
	unsigned char in[2048];
	int fd = open(img, O_RDONLY);
	CHECK(fd >= 0 && pread(fd, in, g.isz, (off_t)ino_off(&g, bd)) == (ssize_t)g.isz);
	close(fd);
	CHECK_EQ_INT(in[5], 2); /* extents */
	unsigned fork_at = in[4] == 3 ? 176 : 100;
	uint64_t l0 = awp_be64(in, sizeof in, fork_at), l1 = awp_be64(in, sizeof in, fork_at + 8);
	uint64_t fsb = ((l0 & 0x1ff) << 43) | (l1 >> 21);
	uint64_t boff = (((fsb >> g.agblklog) * g.agblocks) + (fsb & ((1ull << g.agblklog) - 1))) << g.blocklog;
	poke(img, boff, "JUNK", 4);
	s = walk(img);
	CHECK_EQ_INT(s.errors, 1);
	CHECK_EQ_INT(s.entries, all - 40);
	CHECK(s.saw_other);

	/* 4. the root inode: nothing to walk, open refuses cleanly */
	CHECK(test_sh("cp %s %s", good, img) == 0);
	poke(img, ino_off(&g, g.rootino), "ZZ", 2);
	CHECK_EQ_INT(open_err(img), AWP_ECORRUPT);
	CHECK(strstr(awp_error_last(), "bad inode magic") != NULL);
}

void test_main(void)
{
	if (!xt_have_mkfs())
		test_skip("mkfs.xfs not installed");
	char *dir = test_tmpdir();
	CHECK(dir != NULL);
	run(dir, "");
	run(dir, "-m crc=0");
	test_rmtree(dir);
	free(dir);
}
