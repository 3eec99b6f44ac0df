/*
 * Fuzz the XFS reader: open, walk, stat, readlink, read every file, look
 * paths up.
 *
 * Input: either a raw image prefix (the source is the input itself), or a
 * sparse image so that small seeds can describe a whole filesystem:
 *   "AWPZ" be64 virtual_size { be32 offset_in_8_byte_units, be16 len, bytes[len] }*
 * Bytes not covered by a record read as zeros. Seeds in
 * tests/fuzz/corpus/fuzz_xfs/ are mkfs.xfs images stored that way (log
 * area and zero runs left out).
 */
#include <awp/fs.h>
#include <awp/sys/source.h>
#include <awp/walk.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct chunk {
	uint64_t off;
	const uint8_t *p;
	size_t len;
} chunk;

typedef struct memsrc {
	const uint8_t *raw;
	size_t rawlen;
	chunk *c;
	size_t nc;
} memsrc;

static int mem_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	memsrc *m = ctx;
	if (m->raw) {
		memcpy(buf, m->raw + off, len);
		return 0;
	}
	memset(buf, 0, len);
	for (size_t i = 0; i < m->nc; i++) {
		uint64_t s = m->c[i].off, e = s + m->c[i].len;
		uint64_t a = off > s ? off : s, b = off + len < e ? off + len : e;
		if (a < b)
			memcpy((uint8_t *)buf + (a - off), m->c[i].p + (a - s), (size_t)(b - a));
	}
	return 0;
}

static void mem_close(void *ctx)
{
	memsrc *m = ctx;
	free(m->c);
	free(m);
}

static const awp_source_ops mem_ops = {AWP_SOURCE_OPS_VERSION, "fuzz", 1, mem_read, mem_close};

static uint64_t be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static int walk_cb(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	char *buf = payload;
	if (e->st.type == AWP_FT_SYMLINK) {
		char *t = NULL;
		if (awp_fs_readlink(fs, e->st.ino, &t) == 0)
			free(t);
	} else if (e->st.type == AWP_FT_REG) {
		awp_file *f = NULL;
		if (awp_file_open(&f, fs, e->st.ino) == 0) {
			uint64_t off = 0;
			size_t n = 0;
			/* the first MiB is enough: deeper offsets use the same code */
			while (off < (1u << 20) && awp_file_read(f, buf, 65536, off, &n) == 0 && n > 0)
				off += n;
			awp_file_free(f);
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	memsrc *m = calloc(1, sizeof(*m));
	if (!m)
		return 0;
	uint64_t vsize = size;
	if (size >= 12 && memcmp(data, "AWPZ", 4) == 0) {
		vsize = be(data + 4, 8);
		if (vsize > (1ull << 32))
			vsize = 1ull << 32;
		size_t pos = 12;
		while (pos + 6 <= size) {
			uint64_t off = be(data + pos, 4) * 8;
			size_t len = (size_t)be(data + pos + 4, 2);
			pos += 6;
			if (len > size - pos)
				len = size - pos;
			chunk *nc = realloc(m->c, (m->nc + 1) * sizeof(*nc));
			if (!nc)
				break;
			m->c = nc;
			m->c[m->nc++] = (chunk){off, data + pos, len};
			pos += len;
		}
	} else {
		m->raw = data;
		m->rawlen = size;
	}
	awp_source *src = NULL;
	if (awp_source_new(&src, &mem_ops, m, vsize, "fuzz") < 0)
		return 0;
	awp_fs *fs = NULL;
	if (awp_fs_open(&fs, src, "fuzz") == 0) {
		char *buf = malloc(65536);
		awp_fs_walk(fs, NULL, walk_cb, buf);
		free(buf);
		awp_stat st;
		awp_fs_lookup(fs, "/etc/passwd", 1, &st);
		awp_fs_lookup(fs, "/d/sub/x", 1, &st);
		awp_fs_free(fs);
	}
	awp_source_free(src);
	return 0;
}
