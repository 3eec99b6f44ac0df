/*
 * vfat backend: FAT12/16/32 images built with mkfs.vfat + mcopy from a
 * generated tree are compared with the tree (names incl. long, mixed-case
 * and unicode ones, contents, types); then damaged images (FAT loops,
 * clusters out of range, short chains, directory loops, bad BPBs) must fail
 * cleanly; then the ESP of the Debian fixture when it is present.
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/walk.h>

#include <stdint.h>
#include <stdlib.h>

#define MTOOLS "LC_ALL=C.UTF-8 TZ=UTC MTOOLS_SKIP_CHECK=1 "

/* 2023-06-15 12:34:56 UTC, an even second (FAT times have 2 s resolution). */
#define KNOWN_MTIME 1686832496

static void make_tree(const char *dir)
{
	int rc = test_sh(
		"set -e; cd %s; mkdir -p tree/sub/deeper/deepest 'tree/Mixed Case Dir' tree/many tree/empty; cd tree; "
		": > empty.txt; printf x > one.byte; "
		"for n in 511 512 513 2047 2048 2049 4095 4096 4097 65535 65536 65537; do "
		"  head -c $n /dev/urandom > size-$n.bin; done; "
		"head -c 3145745 /dev/urandom > big-3MiB.bin; "
		"printf 'hello\\n' > readme.txt; printf 'upper\\n' > UPPER.TXT; printf 'mixed\\n' > Mixed.Txt; "
		"printf 'base lower\\n' > lower.TXT; "
		"printf 'long\\n' > 'a very long file name with spaces and more than thirteen characters.data'; "
		"printf 'cafe\\n' > café.txt; printf 'nihon\\n' > 日本.txt; "
		"printf 'deep\\n' > sub/deeper/deepest/leaf.txt; head -c 10000 /dev/urandom > sub/deeper/data.bin; "
		"printf 'in mixed\\n' > 'Mixed Case Dir/Some File.md'; "
		"for i in $(seq 1 600); do echo $i > many/entry-with-a-long-name-$i.txt; done; "
		"TZ=UTC touch -d '2023-06-15 12:34:56' Mixed.Txt",
		dir);
	CHECK_EQ_INT(rc, 0);
}

static awp_fs *open_image(const char *path, awp_source **srcp)
{
	awp_source *src = NULL;
	awp_fs *fs = NULL;
	if (awp_source_open(&src, path) < 0) {
		CHECK_MSG(0, awp_error_last());
		return NULL;
	}
	int err = awp_fs_open(&fs, src, "test.img");
	if (err < 0) {
		CHECK_MSG(0, awp_error_last());
		awp_source_free(src);
		return NULL;
	}
	*srcp = src;
	return fs;
}

/* Build one image from the tree and compare it with the tree. */
static void check_image(const char *dir, const char *mkfs_args, int fat_bits, size_t size_kb)
{
	fprintf(stderr, "--- FAT%d: mkfs.vfat %s\n", fat_bits, mkfs_args);
	CHECK_EQ_INT(test_sh("cd %s && rm -f img && mkfs.vfat -F %d %s -n MYLABEL -i 1234ABCD -C img %zu >/dev/null && " MTOOLS
			     "mcopy -m -s -i img tree/* ::/ && " MTOOLS "mattrib -i img +r ::/UPPER.TXT",
			     dir, fat_bits, mkfs_args, size_kb),
		     0);
	char path[512];
	snprintf(path, sizeof path, "%s/img", dir);
	awp_source *src = NULL;
	awp_fs *fs = open_image(path, &src);
	if (!fs)
		return;
	const awp_fs_info *info = awp_fs_info_get(fs);
	CHECK_EQ_STR(info->type, "vfat");
	CHECK_EQ_STR(info->label, "MYLABEL");
	CHECK_EQ_STR(info->uuid, "1234-ABCD");
	CHECK_EQ_INT(info->size_bytes, (uint64_t)size_kb * 1024);
	CHECK(info->used_bytes > 3 * 1024 * 1024 && info->used_bytes < info->size_bytes);
	/* exactly the allocated clusters fsck.fat counts, times the cluster size */
	CHECK_EQ_INT(test_sh("cd %s && c=$(fsck.fat -n img | sed -n 's|.* \\([0-9]*\\)/[0-9]* clusters$|\\1|p') && "
			     "b=$(" MTOOLS "minfo -i img | sed -n 's/^cluster size: \\([0-9]*\\) sectors$/\\1/p') && "
			     "s=$(" MTOOLS "minfo -i img | sed -n 's/^sector size: \\([0-9]*\\) bytes$/\\1/p') && "
			     "test $((c * b * s)) -eq %llu",
			     dir, (unsigned long long)info->used_bytes),
		     0);
	CHECK(info->warning == NULL);

	snprintf(path, sizeof path, "%s/tree", dir);
	awp_fs *tree = NULL;
	CHECK_OK(awp_fs_open_dir(&tree, path));
	fscompare_result r;
	CHECK_OK(fscompare(tree, fs, 0, NULL, &r));
	CHECK_EQ_INT(r.mismatches, 0);
	CHECK_EQ_INT(r.files, 12 + 1 + 2 + 4 + 3 + 2 + 1 + 600);
	CHECK_EQ_INT(r.dirs, 7);
	fprintf(stderr, "FAT%d: %zu entries, %llu bytes compared\n", fat_bits, r.entries, (unsigned long long)r.bytes);

	awp_stat st;
	CHECK_OK(awp_fs_lookup(fs, "/Mixed.Txt", 0, &st));
	CHECK_EQ_INT(st.mtime, KNOWN_MTIME);
	CHECK_EQ_INT(st.mode, 0644);
	CHECK_OK(awp_fs_lookup(fs, "/UPPER.TXT", 0, &st));
	CHECK_EQ_INT(st.mode, 0444);
	CHECK_OK(awp_fs_lookup(fs, "/sub/deeper", 0, &st));
	CHECK_EQ_INT(st.type, AWP_FT_DIR);
	CHECK_EQ_INT(st.mode, 0755);
	/* FAT names are case-insensitive; an exact match still wins. */
	char *data = NULL;
	size_t len = 0;
	CHECK_OK(awp_fs_read_file(fs, "/MIXED.TXT", 100, &data, &len));
	CHECK_EQ_STR(data, "mixed\n");
	free(data);
	CHECK_OK(awp_fs_read_file(fs, "/SUB/Deeper/DEEPEST/leaf.TXT", 100, &data, &len));
	CHECK_EQ_STR(data, "deep\n");
	free(data);
	CHECK_EQ_INT(awp_fs_lookup(fs, "/nope.txt", 0, &st), AWP_ENOTFOUND);

	/* Unaligned reads across cluster and run boundaries. */
	awp_file *f = NULL, *g = NULL;
	awp_stat hs;
	CHECK_OK(awp_fs_lookup(fs, "/big-3MiB.bin", 0, &st));
	CHECK_OK(awp_fs_lookup(tree, "/big-3MiB.bin", 0, &hs));
	CHECK_OK(awp_file_open(&f, fs, st.ino));
	CHECK_OK(awp_file_open(&g, tree, hs.ino));
	if (f && g) {
		char a[7000], b[7000];
		uint64_t offs[] = {0, 511, 4095, 65537, 1000003, 3145745 - 7000, 3145745 - 3};
		for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
			size_t na = 0, nb = 0;
			CHECK_OK(awp_file_read(f, a, sizeof a, offs[i], &na));
			CHECK_OK(awp_file_read(g, b, sizeof b, offs[i], &nb));
			CHECK_EQ_INT(na, nb);
			CHECK(na == nb && memcmp(a, b, na) == 0);
		}
	}
	awp_file_free(f);
	awp_file_free(g);
	awp_fs_free(tree);
	awp_fs_free(fs);
	awp_source_free(src);
}

/* Deleted entries are skipped and a file written into the holes they left
 * is read across its 21 runs. */
static void check_fragmented(const char *dir)
{
	CHECK_EQ_INT(test_sh("set -e; cd %s; rm -rf fr; mkdir -p fr/t; for i in $(seq 10 49); do head -c 1024 /dev/urandom "
			     "> fr/t/F$i.BIN; done; mkfs.vfat -F 16 -s 1 -C fr/f.img 8192 >/dev/null; " MTOOLS
			     "mcopy -i fr/f.img fr/t/* ::/; for i in $(seq 10 2 49); do " MTOOLS "mdel -i fr/f.img ::/F$i.BIN; "
			     "rm fr/t/F$i.BIN; done; head -c 30000 /dev/urandom > fr/t/BIG.BIN; " MTOOLS
			     "mcopy -i fr/f.img fr/t/BIG.BIN ::/",
			     dir),
		     0);
	char path[512];
	snprintf(path, sizeof path, "%s/fr/f.img", dir);
	awp_source *src = NULL;
	awp_fs *fs = open_image(path, &src);
	if (!fs)
		return;
	snprintf(path, sizeof path, "%s/fr/t", dir);
	awp_fs *tree = NULL;
	CHECK_OK(awp_fs_open_dir(&tree, path));
	fscompare_result r;
	CHECK_OK(fscompare(tree, fs, 0, NULL, &r));
	CHECK_EQ_INT(r.mismatches, 0);
	CHECK_EQ_INT(r.files, 21);
	awp_fs_free(tree);
	awp_fs_free(fs);
	awp_source_free(src);
}

/* --- damaged images --------------------------------------------------------- */

struct img {
	unsigned char *buf;
	size_t len;
	uint32_t bps, spc, rsvd, nfats, fatsz, root_off, data_off;
};

static uint16_t rd16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static void wr16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }

static int load(struct img *im, const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return -1;
	fseek(fp, 0, SEEK_END);
	im->len = (size_t)ftell(fp);
	fseek(fp, 0, SEEK_SET);
	im->buf = malloc(im->len);
	size_t got = fread(im->buf, 1, im->len, fp);
	fclose(fp);
	if (got != im->len)
		return -1;
	im->bps = rd16(im->buf + 11);
	im->spc = im->buf[13];
	im->rsvd = rd16(im->buf + 14);
	im->nfats = im->buf[16];
	im->fatsz = rd16(im->buf + 22);
	im->root_off = (im->rsvd + im->nfats * im->fatsz) * im->bps;
	im->data_off = im->root_off + rd16(im->buf + 17) * 32;
	return 0;
}

static void save(const struct img *im, const char *path, size_t len)
{
	FILE *fp = fopen(path, "wb");
	CHECK(fp != NULL);
	if (!fp)
		return;
	CHECK_EQ_INT(fwrite(im->buf, 1, len, fp), len);
	fclose(fp);
}

/* FAT16: set the entry of cluster c in every FAT copy. */
static void set_fat(struct img *im, uint32_t c, uint16_t v)
{
	for (uint32_t i = 0; i < im->nfats; i++)
		wr16(im->buf + (im->rsvd + i * im->fatsz) * im->bps + c * 2, v);
}

/* Short entry named `name83` (11 bytes) in the directory at byte `off`. */
static unsigned char *find_entry(struct img *im, size_t off, const char *name83)
{
	for (size_t i = 0; i < 512; i++) {
		unsigned char *e = im->buf + off + i * 32;
		if (e[0] == 0)
			break;
		if (memcmp(e, name83, 11) == 0)
			return e;
	}
	return NULL;
}

static size_t cluster_at(const struct img *im, uint32_t c)
{
	return im->data_off + (size_t)(c - 2) * im->spc * im->bps;
}

/* Open `path`; expect open to work and reading /BIG.BIN to fail with code. */
static void expect_read_fails(const char *path, int code, const char *words)
{
	awp_source *src = NULL;
	awp_fs *fs = open_image(path, &src);
	if (!fs)
		return;
	char *data = NULL;
	size_t len = 0;
	int err = awp_fs_read_file(fs, "/BIG.BIN", 1 << 20, &data, &len);
	CHECK_EQ_INT(err, code);
	CHECK_MSG(strstr(awp_error_last(), "vfat (test.img)") && strstr(awp_error_last(), words), awp_error_last());
	fprintf(stderr, "expected error: %s\n", awp_error_last());
	free(data);
	awp_fs_free(fs);
	awp_source_free(src);
}

static void expect_open_fails(const char *path, int code)
{
	awp_source *src = NULL;
	awp_fs *fs = NULL;
	CHECK_OK(awp_source_open(&src, path));
	int err = awp_fs_open(&fs, src, "test.img");
	CHECK_EQ_INT(err, code);
	CHECK_MSG(strstr(awp_error_last(), "test.img") != NULL, awp_error_last());
	fprintf(stderr, "expected error: %s\n", awp_error_last());
	awp_fs_free(fs);
	awp_source_free(src);
}

static int walk_cb(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	(void)fs;
	(void)e;
	(*(size_t *)payload)++;
	return 0;
}

static void check_damaged(const char *dir)
{
	/* 512-byte clusters; BIG.BIN spans 16 contiguous clusters. */
	CHECK_EQ_INT(test_sh("cd %s && rm -rf d && mkdir -p d/SUB/INNER && head -c 8192 /dev/urandom > d/BIG.BIN && "
			     "echo hi > d/SUB/F.TXT && echo smile > d/emoji-XY.txt && mkfs.vfat -F 16 -s 1 -C dmg.img 8192 >/dev/null && " MTOOLS
			     "mcopy -s -i dmg.img d/* ::/",
			     dir),
		     0);
	char path[512], out[512];
	snprintf(path, sizeof path, "%s/dmg.img", dir);
	snprintf(out, sizeof out, "%s/bad.img", dir);
	struct img im = {0};
	int loaded = load(&im, path);
	CHECK_EQ_INT(loaded, 0);
	if (loaded < 0) {
		free(im.buf);
		return;
	}
	unsigned char *big = find_entry(&im, im.root_off, "BIG     BIN");
	unsigned char *sub = find_entry(&im, im.root_off, "SUB        ");
	CHECK(big && sub);
	if (!big || !sub) {
		free(im.buf);
		return;
	}
	uint32_t first = rd16(big + 26), subc = rd16(sub + 26);
	unsigned char *inner = find_entry(&im, cluster_at(&im, subc), "INNER      ");
	CHECK(inner != NULL);
	if (!inner) {
		free(im.buf);
		return;
	}

	/* Characters beyond the BMP: mtools cannot write them (it truncates the
	 * code point), so write the surrogate pair D83D DE00 (U+1F600) by hand. */
	unsigned char *lfn = NULL;
	for (size_t i = 0; i < 64; i++) {
		unsigned char *e = im.buf + im.root_off + i * 32;
		if (e[11] == 0x0F && e[1] == 'e' && e[3] == 'm' && e[16] == 'X' && e[18] == 'Y')
			lfn = e;
	}
	CHECK(lfn != NULL);
	if (lfn) {
		wr16(lfn + 16, 0xD83D);
		wr16(lfn + 18, 0xDE00);
		save(&im, out, im.len);
		awp_source *src = NULL;
		awp_fs *fs = open_image(out, &src);
		char *data = NULL;
		size_t len = 0;
		if (fs) {
			CHECK_OK(awp_fs_read_file(fs, "/emoji-\xF0\x9F\x98\x80.txt", 100, &data, &len));
			CHECK_EQ_STR(data, "smile\n");
			free(data);
			awp_fs_free(fs);
			awp_source_free(src);
		}
		/* A long name whose checksum does not match its short entry is ignored. */
		lfn[13] ^= 0x55;
		save(&im, out, im.len);
		fs = open_image(out, &src);
		if (fs) {
			awp_stat st;
			CHECK_EQ_INT(awp_fs_lookup(fs, "/emoji-\xF0\x9F\x98\x80.txt", 0, &st), AWP_ENOTFOUND);
			CHECK_OK(awp_fs_read_file(fs, "/EMOJI-XY.TXT", 100, &data, &len));
			free(data);
			awp_fs_free(fs);
			awp_source_free(src);
		}
		lfn[13] ^= 0x55;
	}

	/* Loop in a file's chain: 4th cluster links back to the 2nd. */
	set_fat(&im, first + 3, (uint16_t)(first + 1));
	save(&im, out, im.len);
	expect_read_fails(out, AWP_ECORRUPT, "loops");
	/* Cluster number beyond the volume. */
	set_fat(&im, first + 3, 0xFFF0);
	save(&im, out, im.len);
	expect_read_fails(out, AWP_ECORRUPT, "outside");
	/* Chain shorter than the size. */
	set_fat(&im, first + 3, 0xFFFF);
	save(&im, out, im.len);
	expect_read_fails(out, AWP_ECORRUPT, "ends after");
	/* Free cluster in the chain. */
	set_fat(&im, first + 3, 0);
	save(&im, out, im.len);
	expect_read_fails(out, AWP_ECORRUPT, "free cluster");
	/* A first cluster out of range. */
	set_fat(&im, first + 3, (uint16_t)(first + 4));
	uint16_t saved = rd16(big + 26);
	wr16(big + 26, 0xFFF0);
	save(&im, out, im.len);
	expect_read_fails(out, AWP_ECORRUPT, "outside");
	wr16(big + 26, saved);

	/* A directory whose chain loops on itself: readdir fails, the walk goes on. */
	uint16_t subnext = rd16(im.buf + (im.rsvd * im.bps) + subc * 2);
	set_fat(&im, subc, (uint16_t)subc);
	save(&im, out, im.len);
	{
		awp_source *src = NULL;
		awp_fs *fs = open_image(out, &src);
		awp_stat st;
		if (fs) {
			CHECK_EQ_INT(awp_fs_lookup(fs, "/SUB/F.TXT", 0, &st), AWP_ECORRUPT);
			CHECK_MSG(strstr(awp_error_last(), "loops") != NULL, awp_error_last());
			fprintf(stderr, "expected error: %s\n", awp_error_last());
			size_t n = 0;
			CHECK_OK(awp_fs_walk(fs, NULL, walk_cb, &n));
			CHECK(awp_fs_walk_errors(fs) >= 1);
			awp_fs_free(fs);
			awp_source_free(src);
		}
	}
	set_fat(&im, subc, subnext);

	/* A subdirectory pointing back at its parent: the walker sees the same inode. */
	uint16_t innerc = rd16(inner + 26);
	wr16(inner + 26, (uint16_t)subc);
	save(&im, out, im.len);
	{
		awp_source *src = NULL;
		awp_fs *fs = open_image(out, &src);
		if (fs) {
			size_t n = 0;
			CHECK_OK(awp_fs_walk(fs, NULL, walk_cb, &n));
			CHECK_EQ_INT(awp_fs_walk_errors(fs), 1);
			CHECK_EQ_INT(n, 6); /* / BIG.BIN emoji SUB SUB/F.TXT SUB/INNER */
			awp_fs_free(fs);
			awp_source_free(src);
		}
	}
	wr16(inner + 26, innerc);

	/* Damaged boot sectors. */
	unsigned char bs[512];
	memcpy(bs, im.buf, 512);
	wr16(im.buf + 14, 0); /* no reserved sectors */
	save(&im, out, im.len);
	expect_open_fails(out, AWP_ECORRUPT);
	memcpy(im.buf, bs, 512);
	wr16(im.buf + 19, 10); /* total sectors smaller than the metadata */
	save(&im, out, im.len);
	expect_open_fails(out, AWP_ECORRUPT);
	memcpy(im.buf, bs, 512);
	wr16(im.buf + 22, 0xFFFF); /* FAT larger than the volume */
	save(&im, out, im.len);
	expect_open_fails(out, AWP_ECORRUPT);
	memcpy(im.buf, bs, 512);
	im.buf[13] = 3; /* sectors per cluster not a power of two */
	save(&im, out, im.len);
	expect_open_fails(out, AWP_EUNSUPPORTED);
	memcpy(im.buf, bs, 512);
	wr16(im.buf + 11, 300); /* bytes per sector */
	save(&im, out, im.len);
	expect_open_fails(out, AWP_EUNSUPPORTED);
	memcpy(im.buf, bs, 512);

	/* Truncated image: opens with a warning, files past the end fail cleanly. */
	size_t cut = cluster_at(&im, first + 2);
	save(&im, out, cut);
	{
		awp_source *src = NULL;
		awp_fs *fs = open_image(out, &src);
		if (fs) {
			CHECK(awp_fs_info_get(fs)->warning != NULL);
			char *data = NULL;
			size_t len = 0;
			CHECK_EQ_INT(awp_fs_read_file(fs, "/BIG.BIN", 1 << 20, &data, &len), AWP_ECORRUPT);
			CHECK_MSG(strstr(awp_error_last(), "vfat (test.img)") != NULL, awp_error_last());
			fprintf(stderr, "expected error: %s\n", awp_error_last());
			free(data);
			awp_fs_free(fs);
			awp_source_free(src);
		}
	}
	free(im.buf);
}

/* --- the ESP of the Debian fixture ------------------------------------------- */

static void check_fixture_esp(void)
{
	const char *fx = test_fixture("debian12-ext4-gpt.raw");
	if (!fx) {
		fprintf(stderr, "fixture debian12-ext4-gpt.raw absent: ESP part skipped\n");
		return;
	}
	/* Partition 15 of the manifest: offset 4 MiB, 130023424 bytes. */
	awp_source *disk = NULL, *esp = NULL;
	awp_fs *fs = NULL;
	CHECK_OK(awp_source_open(&disk, fx));
	CHECK_OK(awp_source_slice(&esp, disk, 4194304, 130023424, "debian12 p15"));
	CHECK_OK(awp_fs_open(&fs, esp, NULL));
	if (fs) {
		CHECK_EQ_STR(awp_fs_info_get(fs)->label, "EFI");
		CHECK_EQ_INT(strlen(awp_fs_info_get(fs)->uuid), 9);
		char *data = NULL;
		size_t len = 0;
		CHECK_OK(awp_fs_read_file(fs, "/EFI/debian/README.TXT", 4096, &data, &len));
		CHECK(data && strncmp(data, "Scanner fixture ESP.", 20) == 0);
		free(data);
	}
	awp_fs_free(fs);
	awp_source_free(esp);
	awp_source_free(disk);
}

void test_main(void)
{
	char *dir = test_tmpdir();
	CHECK(dir != NULL);
	if (!dir)
		return;
	if (test_sh("command -v mkfs.vfat >/dev/null && command -v mcopy >/dev/null") != 0)
		test_skip("mkfs.vfat or mtools not installed");
	make_tree(dir);
	check_image(dir, "-s 8", 12, 15 * 1024);
	check_image(dir, "", 16, 32 * 1024);
	check_image(dir, "-S 4096 -s 1", 16, 64 * 1024);
	check_image(dir, "", 32, 64 * 1024);
	check_fragmented(dir);
	check_damaged(dir);
	check_fixture_esp();
	test_rmtree(dir);
	free(dir);
}
