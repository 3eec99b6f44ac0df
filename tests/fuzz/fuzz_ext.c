/*
 * fuzz_ext - the ext2/3/4 backend on arbitrary images.
 *
 * The input describes a 128 KiB image sparsely, so that seeds stay small
 * (an mke2fs image is mostly zeros): a sequence of records
 *   le32 offset, le16 length, <length> bytes
 * each copied into a zeroed image (clipped at its end); a truncated record
 * ends the list. tests/fuzz/fuzz_ext_seeds.sh makes the seeds from real
 * mke2fs images. The target opens the image, walks it, reads every file
 * (at most 1 MiB each), every symlink, and looks up a few paths.
 */
#include <awp/fs.h>
#include <awp/sys/source.h>
#include <awp/walk.h>

#include <stdlib.h>
#include <string.h>

enum { IMG = 128 * 1024, MAX_READ = 1 << 20 };

struct mem {
	unsigned char *buf;
};

static int mem_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct mem *m = ctx;
	memcpy(buf, m->buf + off, len); /* the core has checked the range */
	return 0;
}

static void mem_close(void *ctx)
{
	struct mem *m = ctx;
	free(m->buf);
	free(m);
}

static const awp_source_ops mem_ops = {AWP_SOURCE_OPS_VERSION, "memory", 1, mem_read, mem_close};

static int visit(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	static unsigned char buf[65536];
	(void)payload;
	if (e->st.type == AWP_FT_SYMLINK) {
		char *t = NULL;
		if (awp_fs_readlink(fs, e->st.ino, &t) == 0)
			free(t);
	} else if (e->st.type == AWP_FT_REG && !e->hardlink_repeat) {
		awp_file *f = NULL;
		if (awp_file_open(&f, fs, e->st.ino) < 0)
			return 0;
		size_t n;
		for (uint64_t off = 0; off < MAX_READ && awp_file_read(f, buf, sizeof buf, off, &n) == 0 && n > 0;
		     off += n)
			;
		awp_file_free(f);
	}
	return 0;
}

static void on_error(const char *path, int code, const char *msg, void *payload)
{
	(void)path, (void)code, (void)msg, (void)payload;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem *m = calloc(1, sizeof(*m));
	if (!m || !(m->buf = calloc(1, IMG))) {
		free(m);
		return 0;
	}
	size_t p = 0;
	while (size - p >= 6) {
		uint32_t off = (uint32_t)data[p] | (uint32_t)data[p + 1] << 8 | (uint32_t)data[p + 2] << 16 |
			       (uint32_t)data[p + 3] << 24;
		size_t len = (size_t)data[p + 4] | (size_t)data[p + 5] << 8;
		p += 6;
		if (len > size - p)
			len = size - p;
		if (off < IMG)
			memcpy(m->buf + off, data + p, len < IMG - off ? len : IMG - off);
		p += len;
	}
	awp_source *src = NULL;
	if (awp_source_new(&src, &mem_ops, m, IMG, "fuzz.img") < 0)
		return 0;
	awp_fs *fs = NULL;
	if (awp_fs_open(&fs, src, "fuzz.img") == 0) {
		awp_walk_options o = AWP_WALK_OPTIONS_INIT;
		o.on_error = on_error;
		awp_fs_walk(fs, &o, visit, NULL);
		awp_stat st;
		static const char *const paths[] = {"/a", "/d/b", "/d/ll", "/l/x", "/d/../a", NULL};
		for (int i = 0; paths[i]; i++)
			awp_fs_lookup(fs, paths[i], 1, &st);
		awp_fs_free(fs);
	}
	awp_source_free(src);
	return 0;
}
