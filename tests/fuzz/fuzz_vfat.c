/*
 * fuzz_vfat - the FAT12/16/32 reader on arbitrary bytes: open, walk every
 * entry, read every regular file (bounded), resolve a few paths.
 *
 * Only inputs that the probe names "vfat" are opened, so a mutated input that
 * grows an ext or XFS magic does not send this target into another backend.
 * Seeds: tests/fuzz/corpus/fuzz_vfat (made by make_vfat_seeds.py).
 */
#include <awp/fs.h>
#include <awp/sys/source.h>
#include <awp/walk.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mem {
	const uint8_t *p;
};

static int mem_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct mem *m = ctx;
	memcpy(buf, m->p + off, len); /* the core has checked the range */
	return 0;
}

static void mem_close(void *ctx)
{
	(void)ctx;
}

static const awp_source_ops mem_ops = {
	.version = AWP_SOURCE_OPS_VERSION,
	.format = "memory",
	.thread_safe = 1,
	.read = mem_read,
	.close = mem_close,
};

/* Read each file in odd-sized chunks, at most 256 KiB of it. */
static int visit(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	(void)payload;
	if (e->st.type != AWP_FT_REG)
		return 0;
	awp_file *f = NULL;
	if (awp_file_open(&f, fs, e->st.ino) < 0)
		return 0;
	static char buf[5000];
	uint64_t off = 0;
	while (off < awp_file_size(f) && off < (256u << 10)) {
		size_t n = 0;
		if (awp_file_read(f, buf, sizeof buf, off, &n) < 0 || n == 0)
			break;
		off += n;
	}
	awp_file_free(f);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem m = {data};
	awp_source *src = NULL;
	awp_fs *fs = NULL;
	if (awp_source_new(&src, &mem_ops, &m, size, "fuzz") < 0)
		return 0;
	const char *what = awp_fs_probe(src);
	if (what && strcmp(what, "vfat") == 0 && awp_fs_open(&fs, src, "fuzz") == 0) {
		const awp_fs_info *info = awp_fs_info_get(fs);
		if (strlen(info->label) > 64 || strlen(info->uuid) > 9)
			abort();
		awp_walk_options opts = AWP_WALK_OPTIONS_INIT;
		opts.max_depth = 32;
		awp_fs_walk(fs, &opts, visit, NULL);
		awp_stat st;
		awp_fs_lookup(fs, "/EFI/BOOT/BOOTX64.EFI", 1, &st);
		awp_fs_lookup(fs, "/a/../B/./c", 1, &st);
		char *text = NULL;
		size_t len = 0;
		if (awp_fs_read_file(fs, "/readme.txt", 1 << 16, &text, &len) == 0)
			free(text);
	}
	awp_fs_free(fs);
	awp_source_free(src);
	return 0;
}
