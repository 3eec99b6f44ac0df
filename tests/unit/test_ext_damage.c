/*
 * ext backend on damaged images: every corruption gives a clean error that
 * names the filesystem, a damaged directory is reported by the walker which
 * goes on, and failing source reads come back as errors (never a crash).
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/sys/source.h>
#include <awp/walk.h>

#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static char *dir;

static long long sh_num(const char *fmt, const char *arg)
{
	char cmd[2048], b[64] = "";
	snprintf(cmd, sizeof cmd, fmt, dir, arg);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(b, sizeof b, p))
		b[0] = '\0';
	pclose(p);
	return b[0] ? strtoll(b, NULL, 0) : -1;
}

/* Copy base image `from` to `to` and overwrite `len` bytes at `off` with `pat`
 * ("zero", "ff" or "rand"). */
static void damage(const char *from, const char *to, long long off, int len, const char *pat)
{
	const char *src = strcmp(pat, "zero") == 0 ? "head -c %d /dev/zero"
			  : strcmp(pat, "ff") == 0  ? "head -c %d /dev/zero | tr '\\000' '\\377'"
						    : "head -c %d /dev/urandom";
	char gen[128];
	snprintf(gen, sizeof gen, src, len);
	CHECK(test_sh("cd %s && cp %s %s && %s | dd of=%s bs=1 seek=%lld conv=notrunc status=none", dir, from, to,
		      gen, to, off) == 0);
}

static int open_img(const char *file, awp_source **src, awp_fs **fs)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	*fs = NULL;
	int err = awp_source_open(src, path);
	CHECK_OK(err);
	if (err < 0)
		return err;
	return awp_fs_open(fs, *src, file);
}

struct walkres {
	size_t entries, errors;
	char last_error[512];
};

static int walk_cb(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	struct walkres *w = payload;
	w->entries++;
	if (e->st.type == AWP_FT_REG) { /* read contents too: errors must be clean */
		awp_file *f = NULL;
		char buf[65536];
		size_t n;
		if (awp_file_open(&f, fs, e->st.ino) < 0)
			return 0;
		for (uint64_t off = 0; awp_file_read(f, buf, sizeof buf, off, &n) == 0 && n > 0; off += n)
			;
		awp_file_free(f);
	}
	return 0;
}

static void on_error(const char *path, int code, const char *msg, void *payload)
{
	struct walkres *w = payload;
	w->errors++;
	snprintf(w->last_error, sizeof w->last_error, "%s: %s", path, msg);
}

static struct walkres walk(awp_fs *fs)
{
	struct walkres w = {0};
	awp_walk_options o = AWP_WALK_OPTIONS_INIT;
	o.on_error = on_error;
	o.error_payload = &w;
	CHECK_OK(awp_fs_walk(fs, &o, walk_cb, &w));
	return w;
}

/* A source over another one whose reads fail in [bad, bad + badlen). */
struct failsrc {
	awp_source *inner;
	uint64_t bad, badlen;
};

static int fail_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct failsrc *f = ctx;
	if (off < f->bad + f->badlen && off + len > f->bad)
		return awp_error_set(AWP_EIO, "failing.img: injected read error at %llu", (unsigned long long)off);
	return awp_source_read(f->inner, buf, len, off);
}

static void fail_close(void *ctx)
{
	struct failsrc *f = ctx;
	awp_source_free(f->inner);
	free(f);
}

static const awp_source_ops fail_ops = {AWP_SOURCE_OPS_VERSION, "failing", 1, fail_read, fail_close};

static void check_io_errors(const char *img, long long bs)
{
	long long dblk = sh_num("cd %s && debugfs -R 'blocks /d1' %s 2>/dev/null | awk '{print $1}'", img);
	long long fblk = sh_num("cd %s && debugfs -R 'blocks /big' %s 2>/dev/null | awk '{print $2}'", img);
	CHECK(dblk > 0 && fblk > 0);
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, img);
	for (int which = 0; which < 2; which++) {
		struct failsrc *f = calloc(1, sizeof(*f));
		awp_source *src = NULL;
		awp_fs *fs = NULL;
		CHECK_OK(awp_source_open(&f->inner, path));
		f->bad = (uint64_t)(which ? fblk : dblk) * (uint64_t)bs;
		f->badlen = 1;
		CHECK_OK(awp_source_new(&src, &fail_ops, f, awp_source_size(f->inner), "failing.img"));
		CHECK_OK(awp_fs_open(&fs, src, "failing.img"));
		awp_stat st;
		if (which == 0) {
			/* the directory block cannot be read: the io error surfaces */
			int err = awp_fs_lookup(fs, "/d1/file1", 0, &st);
			CHECK_EQ_INT(err, AWP_EIO);
			CHECK_MSG(strstr(awp_error_last(), "failing.img") != NULL, awp_error_last());
			struct walkres w = walk(fs);
			CHECK_EQ_INT(w.errors, 1);
			fprintf(stderr, "walk error: %s\n", w.last_error);
		} else {
			awp_file *fh = NULL;
			char buf[8192];
			size_t n;
			CHECK_OK(awp_fs_lookup(fs, "/big", 0, &st));
			CHECK_OK(awp_file_open(&fh, fs, st.ino));
			CHECK_OK(awp_file_read(fh, buf, (size_t)bs, 0, &n));
			CHECK_EQ_INT(awp_file_read(fh, buf, sizeof buf, 0, &n), AWP_EIO);
			CHECK_MSG(strstr(awp_error_last(), "injected") != NULL, awp_error_last());
			fprintf(stderr, "io error: %s\n", awp_error_last());
			CHECK_MSG(strstr(awp_error_last(), "inode") != NULL, awp_error_last());
			awp_file_free(fh);
		}
		awp_fs_free(fs);
		awp_source_free(src);
	}
}

void test_main(void)
{
	dir = test_tmpdir();
	CHECK(dir != NULL);
	CHECK(test_sh("set -e; cd %s && mkdir -p t/d1 t/d2 t/d3 && for i in $(seq 50); do echo $i > t/d1/file$i; done && "
		      "echo hi > t/d2/f && echo there > t/d3/g && head -c 1048576 /dev/urandom > t/big && "
		      "truncate -s 2M t/frag && for i in $(seq 0 11); do head -c 4096 /dev/urandom | "
		      "dd of=t/frag bs=4096 seek=$((i*16)) conv=notrunc status=none; done && "
		      "mke2fs -q -F -t ext4 -b 4096 -I 256 -d t csum.img 16M > /dev/null && "
		      "mke2fs -q -F -t ext4 -b 4096 -I 256 -O ^metadata_csum -d t plain.img 16M > /dev/null && "
		      "mke2fs -q -F -t ext2 -b 1024 -d t e2.img 16M > /dev/null",
		      dir) == 0);
	awp_source *src = NULL;
	awp_fs *fs = NULL, *host = NULL;
	awp_stat st;
	char tree[1024];
	snprintf(tree, sizeof tree, "%s/t", dir);

	/* The undamaged images read back right (incl. a depth-1 extent tree). */
	static const char *const ignore[] = {"/lost+found", NULL};
	CHECK_OK(awp_fs_open_dir(&host, tree));
	for (int i = 0; i < 3; i++) {
		const char *img = i == 0 ? "csum.img" : i == 1 ? "plain.img" : "e2.img";
		fscompare_result r;
		CHECK_OK(open_img(img, &src, &fs));
		if (fs) {
			CHECK_OK(fscompare(host, fs, FSCMP_MODE, ignore, &r));
			CHECK_EQ_INT(r.mismatches, 0);
		}
		awp_fs_free(fs);
		awp_source_free(src);
	}
	awp_fs_free(host);
	CHECK(test_sh("cd %s && debugfs -R 'ex /frag' plain.img 2>/dev/null | grep -q '^ 1/ 1'", dir) == 0);

	/* Superblock magic: not recognised at all. */
	damage("csum.img", "x.img", 1024 + 0x38, 2, "zero");
	CHECK_EQ_INT(open_img("x.img", &src, &fs), AWP_EUNSUPPORTED);
	awp_source_free(src);
	/* Block size field out of range, and a block count beyond the volume. */
	damage("plain.img", "x.img", 1024 + 0x18, 4, "ff");
	CHECK_EQ_INT(open_img("x.img", &src, &fs), AWP_ECORRUPT);
	CHECK_MSG(strstr(awp_error_last(), "x.img") != NULL, awp_error_last());
	awp_source_free(src);
	damage("plain.img", "x.img", 1024 + 0x04, 4, "ff");
	CHECK_EQ_INT(open_img("x.img", &src, &fs), AWP_ECORRUPT);
	awp_source_free(src);
	/* Superblock checksum broken: opened with a warning. */
	damage("csum.img", "x.img", 1024 + 0x78, 8, "rand"); /* s_volume_name */
	CHECK_OK(open_img("x.img", &src, &fs));
	if (fs) {
		const char *w = awp_fs_info_get(fs)->warning;
		CHECK_MSG(w && strstr(w, "checksum"), w ? w : "(no warning)");
	}
	awp_fs_free(fs);
	awp_source_free(src);

	/* An inode (in the inode table) overwritten: that file fails cleanly. */
	for (int i = 0; i < 2; i++) {
		const char *img = i ? "plain.img" : "csum.img";
		long long blk = sh_num("cd %s && debugfs -R 'imap /d2/f' %s 2>/dev/null | awk '/located/ {print $4}'", img);
		long long ioff = sh_num("cd %s && debugfs -R 'imap /d2/f' %s 2>/dev/null | awk '/located/ {print $6}'", img);
		CHECK(blk > 0 && ioff >= 0);
		damage(img, "x.img", blk * 4096 + ioff, 256, "ff");
		CHECK_OK(open_img("x.img", &src, &fs));
		if (fs) {
			int err = awp_fs_lookup(fs, "/d2/f", 0, &st);
			if (i == 0) {
				CHECK_EQ_INT(err, AWP_ECORRUPT);
				CHECK_MSG(strstr(awp_error_last(), "inode") != NULL, awp_error_last());
			}
			awp_file *f = NULL;
			if (err == 0 && awp_file_open(&f, fs, st.ino) == 0) { /* no checksum: garbage, but clean */
				char buf[4096];
				size_t n;
				(void)awp_file_read(f, buf, sizeof buf, 0, &n);
				awp_file_free(f);
			}
			struct walkres w = walk(fs);
			CHECK(w.entries > 50);
		}
		awp_fs_free(fs);
		awp_source_free(src);
	}

	/* A directory block overwritten: the walker reports it and goes on. */
	for (int i = 0; i < 3; i++) {
		const char *img = i == 0 ? "csum.img" : i == 1 ? "plain.img" : "e2.img";
		long long bs = i == 2 ? 1024 : 4096;
		long long blk = sh_num("cd %s && debugfs -R 'blocks /d1' %s 2>/dev/null | awk '{print $1}'", img);
		CHECK(blk > 0);
		damage(img, "x.img", blk * bs, (int)bs, "rand");
		CHECK_OK(open_img("x.img", &src, &fs));
		if (fs) {
			CHECK_EQ_INT(awp_fs_lookup(fs, "/d1/file1", 0, &st), AWP_ECORRUPT);
			CHECK_MSG(strstr(awp_error_last(), "x.img") && strstr(awp_error_last(), "inode"),
				  awp_error_last());
			struct walkres w = walk(fs);
			/* The block is random bytes: besides the directory itself, some
			 * garbage may parse as entries whose inodes then fail to stat,
			 * each reported too. */
			CHECK(w.errors >= 1);
			CHECK_MSG(strstr(w.last_error, "/d1") != NULL, w.last_error);
			CHECK_OK(awp_fs_lookup(fs, "/d3/g", 0, &st));
			CHECK(w.entries >= 7); /* / d1 d2 f d3 g big frag lost+found */
		}
		awp_fs_free(fs);
		awp_source_free(src);
	}

	/* One byte of a name in a checksummed directory block: the block's
	 * checksum catches it (none of its entries is given), the walk goes on. */
	{
		long long blk = sh_num("cd %s && debugfs -R 'blocks /d1' %s 2>/dev/null | awk '{print $1}'", "csum.img");
		CHECK(blk > 0);
		damage("csum.img", "x.img", blk * 4096 + 33, 1, "zero");
		CHECK_OK(open_img("x.img", &src, &fs));
		if (fs) {
			CHECK_EQ_INT(awp_fs_lookup(fs, "/d1/file1", 0, &st), AWP_ECORRUPT);
			CHECK_MSG(strstr(awp_error_last(), "checksum") && strstr(awp_error_last(), "x.img"), awp_error_last());
			struct walkres w = walk(fs);
			CHECK(w.errors >= 1);
			CHECK_MSG(strstr(w.last_error, "/d1") != NULL, w.last_error);
			CHECK_OK(awp_fs_lookup(fs, "/d3/g", 0, &st));
		}
		awp_fs_free(fs);
		awp_source_free(src);
	}

	/* Extent header in the inode (no checksum to catch it) and in a leaf block. */
	long long blk = sh_num("cd %s && debugfs -R 'imap /big' %s 2>/dev/null | awk '/located/ {print $4}'", "plain.img");
	long long ioff = sh_num("cd %s && debugfs -R 'imap /big' %s 2>/dev/null | awk '/located/ {print $6}'", "plain.img");
	damage("plain.img", "x.img", blk * 4096 + ioff + 40, 2, "ff"); /* i_block: eh_magic */
	CHECK_OK(open_img("x.img", &src, &fs));
	if (fs) {
		awp_file *f = NULL;
		CHECK_OK(awp_fs_lookup(fs, "/big", 0, &st));
		CHECK_EQ_INT(awp_file_open(&f, fs, st.ino), AWP_ECORRUPT);
		CHECK_MSG(strstr(awp_error_last(), "extent") != NULL, awp_error_last());
		/* and depth beyond the kernel's limit */
	}
	awp_fs_free(fs);
	awp_source_free(src);
	damage("plain.img", "x.img", blk * 4096 + ioff + 40 + 6, 2, "ff"); /* eh_depth */
	CHECK_OK(open_img("x.img", &src, &fs));
	if (fs) {
		awp_file *f = NULL;
		CHECK_OK(awp_fs_lookup(fs, "/big", 0, &st));
		CHECK_EQ_INT(awp_file_open(&f, fs, st.ino), AWP_ECORRUPT);
	}
	awp_fs_free(fs);
	awp_source_free(src);
	for (int i = 0; i < 2; i++) {
		const char *img = i ? "plain.img" : "csum.img";
		long long leaf = sh_num("cd %s && debugfs -R 'ex /frag' %s 2>/dev/null | awk '$1 == \"0/\" {print $8}'", img);
		CHECK(leaf > 0);
		damage(img, "x.img", leaf * 4096, 2, "zero");
		CHECK_OK(open_img("x.img", &src, &fs));
		if (fs) {
			awp_file *f = NULL;
			CHECK_OK(awp_fs_lookup(fs, "/frag", 0, &st));
			CHECK_EQ_INT(awp_file_open(&f, fs, st.ino), AWP_ECORRUPT);
			CHECK_MSG(strstr(awp_error_last(), "inode") != NULL, awp_error_last());
			fprintf(stderr, "extent leaf damage: %s\n", awp_error_last());
		}
		awp_fs_free(fs);
		awp_source_free(src);
	}

	/* A truncated image: the filesystem is larger than its volume. */
	CHECK(test_sh("cd %s && cp plain.img x.img && truncate -s 8M x.img", dir) == 0);
	CHECK_EQ_INT(open_img("x.img", &src, &fs), AWP_ECORRUPT);
	fprintf(stderr, "truncated: %s\n", awp_error_last());
	awp_source_free(src);

	check_io_errors("plain.img", 4096);
	test_rmtree(dir);
	free(dir);
}
