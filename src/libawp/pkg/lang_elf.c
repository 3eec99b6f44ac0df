/*
 * pkg/lang_elf.c - executables that carry their own dependency list: Go
 * build info (lang_go.c) and cargo-auditable's .dep-v0 (lang_rust.c).
 *
 * wants() takes regular files with an execute bit and a plausible size (no
 * read: it runs for every file). parse() reads the 64-byte ELF header, the
 * program headers (to map Go's pointers to file offsets), the section
 * headers and their name table, then only the wanted sections. ELF layout:
 * the System V gABI, 32/64-bit, either byte order; integers are read with
 * the bounds-checked util/bytes.h helpers.
 */
#include "pkg/lang_int.h"

#include "util/bytes.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

#define PT_LOAD 1
#define SHT_NOBITS 8

int lang_reader_exact(const lang_reader *r, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;
	while (got < len) {
		size_t n = 0;
		int err = r->read(r->ctx, (char *)buf + got, len - got, off + got, &n);
		if (err < 0)
			return err;
		if (n == 0)
			return awp_error_set(AWP_ECORRUPT, "truncated at byte %llu", (unsigned long long)(off + got));
		got += n;
	}
	return 0;
}

int lang_elf_v2o(const lang_elf *e, uint64_t va, uint64_t *off, uint64_t *avail)
{
	for (size_t i = 0; i < e->nseg; i++) {
		const struct lang_elf_seg *s = &e->seg[i];
		if (va >= s->vaddr && va - s->vaddr < s->filesz) {
			*off = s->off + (va - s->vaddr);
			*avail = s->filesz - (va - s->vaddr);
			return 0;
		}
	}
	return AWP_ENOTFOUND;
}

static uint64_t rd(const lang_elf *e, const void *b, size_t len, size_t off, int size)
{
	if (size == 2)
		return e->be ? awp_be16(b, len, off) : awp_le16(b, len, off);
	if (size == 4)
		return e->be ? awp_be32(b, len, off) : awp_le32(b, len, off);
	return e->be ? awp_be64(b, len, off) : awp_le64(b, len, off);
}

static int warn(awp_inventory *inv, const char *path, const char *what)
{
	int e = awp_inv_warn(inv, path, "ELF: %s: %s", what, awp_error_last());
	return e < 0 ? e : 0;
}

/* The Go magic, searched in writable segments of a binary without section
 * headers (Go puts it at the start of its data). */
static int go_scan(awp_inventory *inv, const char *path, const lang_reader *r, const lang_elf *e)
{
	static const char magic[] = "\xff Go buildinf:";
	enum { CHUNK = 64 * 1024, M = sizeof magic - 1 };
	char *buf = awp_malloc(CHUNK + M);
	if (!buf)
		return AWP_ENOMEM;
	int err = 0;
	for (size_t i = 0; i < e->nseg; i++) {
		const struct lang_elf_seg *s = &e->seg[i];
		if (!(s->flags & 2) || s->off >= r->size)
			continue;
		uint64_t end = s->off + (s->filesz < AWP_MAX_GO_SCAN ? s->filesz : AWP_MAX_GO_SCAN);
		if (end > r->size)
			end = r->size;
		for (uint64_t pos = s->off; pos < end; pos += CHUNK) {
			size_t n = (size_t)(end - pos < CHUNK + M ? end - pos : CHUNK + M);
			if ((err = lang_reader_exact(r, buf, n, pos)) < 0)
				goto done;
			for (size_t k = 0; k + M <= n; k += 16) /* the header is 16-byte aligned */
				if (memcmp(buf + k, magic, M) == 0) {
					err = lang_go_buildinfo(inv, path, r, e, pos + k, r->size - (pos + k));
					goto done;
				}
		}
	}
done:
	free(buf);
	return err;
}

int lang_elf_parse(awp_inventory *inv, const char *path, const lang_reader *r)
{
	unsigned char h[64];
	lang_elf *e = NULL;
	unsigned char *sh = NULL;
	char *names = NULL;
	int err;
	if (r->size < 52 || lang_reader_exact(r, h, r->size < 64 ? 52 : 64, 0) < 0)
		return 0;
	if (memcmp(h, "\x7f" "ELF", 4) != 0 || (h[4] != 1 && h[4] != 2) || (h[5] != 1 && h[5] != 2))
		return 0; /* not ELF: scripts and other executables */
	if (!(e = awp_calloc(1, sizeof(*e))))
		return AWP_ENOMEM;
	e->is64 = h[4] == 2;
	e->be = h[5] == 2;
	size_t hl = sizeof h;
	uint64_t phoff = e->is64 ? rd(e, h, hl, 0x20, 8) : rd(e, h, hl, 0x1c, 4);
	uint64_t shoff = e->is64 ? rd(e, h, hl, 0x28, 8) : rd(e, h, hl, 0x20, 4);
	unsigned phentsize = (unsigned)rd(e, h, hl, e->is64 ? 0x36 : 0x2a, 2);
	unsigned phnum = (unsigned)rd(e, h, hl, e->is64 ? 0x38 : 0x2c, 2);
	unsigned shentsize = (unsigned)rd(e, h, hl, e->is64 ? 0x3a : 0x2e, 2);
	unsigned shnum = (unsigned)rd(e, h, hl, e->is64 ? 0x3c : 0x30, 2);
	unsigned shstrndx = (unsigned)rd(e, h, hl, e->is64 ? 0x3e : 0x32, 2);
	unsigned phmin = e->is64 ? 56 : 32, shmin = e->is64 ? 64 : 40;

	/* Program headers: PT_LOAD segments, to translate Go's pointers. */
	if (phoff && phnum && phentsize >= phmin && phnum <= 0xffff) {
		unsigned char ph[64];
		for (unsigned i = 0; i < phnum && e->nseg < AWP_MAX_ELF_SEGMENTS; i++) {
			if ((err = lang_reader_exact(r, ph, phmin, phoff + (uint64_t)i * phentsize)) < 0) {
				err = warn(inv, path, "program headers");
				goto done;
			}
			if (rd(e, ph, phmin, 0, 4) != PT_LOAD)
				continue;
			struct lang_elf_seg *s = &e->seg[e->nseg++];
			if (e->is64) {
				s->flags = (uint32_t)rd(e, ph, phmin, 4, 4);
				s->off = rd(e, ph, phmin, 8, 8);
				s->vaddr = rd(e, ph, phmin, 16, 8);
				s->filesz = rd(e, ph, phmin, 32, 8);
			} else {
				s->off = rd(e, ph, phmin, 4, 4);
				s->vaddr = rd(e, ph, phmin, 8, 4);
				s->filesz = rd(e, ph, phmin, 16, 4);
				s->flags = (uint32_t)rd(e, ph, phmin, 24, 4);
			}
		}
	}
	if (!shoff || !shnum || shentsize < shmin || shstrndx >= shnum) {
		err = go_scan(inv, path, r, e);
		goto done;
	}
	if (shnum > AWP_MAX_ELF_SECTIONS) {
		err = awp_inv_warn(inv, path, "ELF: %u sections exceed the limit of %d", shnum, AWP_MAX_ELF_SECTIONS);
		goto done;
	}
	size_t shlen = (size_t)shnum * shentsize;
	if (!(sh = awp_malloc(shlen))) {
		err = AWP_ENOMEM;
		goto done;
	}
	if ((err = lang_reader_exact(r, sh, shlen, shoff)) < 0) {
		err = warn(inv, path, "section headers");
		goto done;
	}
#define SH(i, f32, f64, sz) rd(e, sh, shlen, (size_t)(i) * shentsize + (e->is64 ? (f64) : (f32)), e->is64 ? (sz) : 4)
	uint64_t stroff = SH(shstrndx, 16, 24, 8), strsz = SH(shstrndx, 20, 32, 8);
	if (strsz > AWP_MAX_ELF_SHSTRTAB || strsz == 0) {
		err = awp_inv_warn(inv, path, "ELF: section name table of %llu bytes", (unsigned long long)strsz);
		goto done;
	}
	if (!(names = awp_malloc((size_t)strsz + 1))) {
		err = AWP_ENOMEM;
		goto done;
	}
	if ((err = lang_reader_exact(r, names, (size_t)strsz, stroff)) < 0) {
		err = warn(inv, path, "section names");
		goto done;
	}
	names[strsz] = '\0';
	err = 0;
	for (unsigned i = 0; i < shnum && err >= 0; i++) {
		uint64_t nm = rd(e, sh, shlen, (size_t)i * shentsize, 4);
		if (nm >= strsz || rd(e, sh, shlen, (size_t)i * shentsize + 4, 4) == SHT_NOBITS)
			continue;
		const char *name = names + nm;
		uint64_t off = SH(i, 16, 24, 8), size = SH(i, 20, 32, 8);
		if (strcmp(name, ".go.buildinfo") == 0) {
			err = lang_go_buildinfo(inv, path, r, e, off, size);
		} else if (strcmp(name, ".dep-v0") == 0) {
			if (size > AWP_MAX_RUST_SECTION) {
				err = awp_inv_warn(inv, path, ".dep-v0: %llu bytes exceed the limit of %u",
						   (unsigned long long)size, AWP_MAX_RUST_SECTION);
				continue;
			}
			char *buf = awp_malloc(size ? (size_t)size : 1);
			if (!buf) {
				err = AWP_ENOMEM;
				break;
			}
			if (lang_reader_exact(r, buf, (size_t)size, off) < 0)
				err = warn(inv, path, ".dep-v0");
			else
				err = lang_rust_depv0(inv, path, buf, (size_t)size);
			free(buf);
		}
	}
#undef SH
done:
	free(names);
	free(sh);
	free(e);
	return err < 0 ? err : 0;
}

static int elf_wants(const char *path, const char *name, const awp_stat *st)
{
	return st->type == AWP_FT_REG && (st->mode & 0111) && st->size >= 64 && st->size <= AWP_MAX_ELF_SIZE;
}

/* The file's first bytes, read once: the ELF header and, in practice, the
 * program headers right after it are parsed field by field, and each small
 * read was a system call (~5,000 for a Debian image's executables). */
#define HEAD_BYTES 4096
struct head_reader {
	awp_file *f;
	unsigned char head[HEAD_BYTES];
	size_t head_len; /* valid bytes of head; 0 until the first read */
	int loaded;
};

static int file_read(void *ctx, void *buf, size_t len, uint64_t off, size_t *nread)
{
	struct head_reader *h = ctx;
	if (!h->loaded) {
		h->loaded = 1;
		size_t got = 0;
		if (awp_file_read(h->f, h->head, sizeof h->head, 0, &got) == 0)
			h->head_len = got;
	}
	if (off < h->head_len && len <= h->head_len - off) {
		memcpy(buf, h->head + off, len);
		*nread = len;
		return 0;
	}
	return awp_file_read(h->f, buf, len, off, nread);
}

static int elf_parse(awp_inventory *inv, awp_fs *fs, const char *path, const awp_stat *st)
{
	/* An executable an OS package installed: its packages would be dropped
	 * as that package's (dedup), whose advisories cover it; not read. */
	if (awp_inventory_owner(inv, path, NULL) >= 0)
		return 0;
	struct head_reader *h = awp_calloc(1, sizeof(*h));
	if (!h)
		return AWP_ENOMEM;
	int err = awp_file_open(&h->f, fs, st->ino);
	if (err < 0) {
		free(h);
		if (err != AWP_ENOMEM)
			err = awp_inv_warn(inv, path, "%s", awp_error_last());
		return err < 0 ? err : 0;
	}
	lang_reader r = {file_read, h, awp_file_size(h->f)};
	err = lang_elf_parse(inv, path, &r);
	awp_file_free(h->f);
	free(h);
	return err;
}

const awp_analyzer awp_analyzer_lang_binary = {
	.name = "lang_binary",
	.wants = elf_wants,
	.parse = elf_parse,
};
