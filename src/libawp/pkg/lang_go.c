/*
 * pkg/lang_go.c - Go build info: the toolchain version and the module list
 * that the Go linker embeds (runtime/debug.BuildInfo).
 *
 * Layout (as read by Go's debug/buildinfo; facts, not code): a 32-byte
 * header "\xff Go buildinf:" + pointer size (byte 14) + flags (byte 15:
 * bit 0 big endian, bit 1 strings inline). Go >= 1.18 (inline): two
 * strings follow the header, each a uvarint length then the bytes: the
 * version ("go1.21.3") and the modinfo. Older: at bytes 16 and 16+ptrsize,
 * pointers to Go string headers {data pointer, length}, which are virtual
 * addresses mapped through the PT_LOAD segments. The modinfo is framed by
 * 16 sentinel bytes on each side (dropped when byte len-17 is a newline)
 * and holds tab-separated lines:
 *   path <main package>   mod <module> <version> <sum>
 *   dep <module> <version> <sum>   => <module> <version> <sum> (replaces
 *   the line before)   build <key>=<value>
 *
 * Packages (type "go", manager "go", path the binary): "stdlib" with the
 * toolchain version without its "go" prefix ("1.21.3", the name OSV's Go
 * ecosystem uses for the standard library), the main module (its version
 * may be "(devel)": kept as the binary says) and every dependency, versions
 * as Go writes them ("v1.2.3"). A replacement by a local directory
 * ("../x", whatever its version) keeps the replaced module. Edges: main module -> the others.
 */
#include "pkg/lang_int.h"

#include "util/bytes.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Modules of one binary (large ones: ~500). */
#define AWP_MAX_GO_MODULES 20000

static int uvarint(const unsigned char *b, size_t len, size_t *pos, uint64_t *out)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64 && *pos < len; shift += 7) {
		unsigned char c = b[(*pos)++];
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

struct gomod {
	const char *path, *version;
};

/* Split a tab-separated line into at most n fields (in place). */
static size_t fields(char *line, char **f, size_t n)
{
	size_t k = 0;
	while (k < n) {
		f[k++] = line;
		char *t = strchr(line, '\t');
		if (!t)
			break;
		*t = '\0';
		line = t + 1;
	}
	return k;
}

int lang_go_modinfo(awp_inventory *inv, const char *path, const char *goversion, const char *mod, size_t len)
{
	char *text = awp_strndup(mod, len);
	struct gomod *mods = NULL;
	size_t n = 0, cap = 0, *idx = NULL;
	int err = 0, have_main = 0;
	if (!text)
		return AWP_ENOMEM;
	/* mods[0] is the main module (may stay empty). */
	if (AWP_GROW(mods, cap, 1) < 0)
		goto nomem;
	mods[n++] = (struct gomod){"", ""};
	int last = -1; /* the line a "=>" replaces */
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *f[4] = {0};
		size_t k = fields(line, f, 4);
		if (k >= 3 && strcmp(f[0], "mod") == 0) {
			mods[0] = (struct gomod){f[1], f[2]};
			have_main = 1;
			last = 0;
		} else if (k >= 2 && strcmp(f[0], "dep") == 0) {
			if (n >= AWP_MAX_GO_MODULES) {
				err = awp_inv_warn(inv, path, "Go build info: more than %d modules", AWP_MAX_GO_MODULES);
				break;
			}
			if (AWP_GROW(mods, cap, n + 1) < 0)
				goto nomem;
			mods[n] = (struct gomod){f[1], k >= 3 ? f[2] : ""};
			last = (int)n++;
		} else if (k >= 2 && strcmp(f[0], "=>") == 0 && last >= 0) {
			/* A local directory ("./x", "../x", "/x") is not a module
			 * anyone publishes advisories for: keep the replaced one. */
			int local = f[1][0] == '.' || f[1][0] == '/';
			if (k >= 3 && f[2][0] && !local)
				mods[last] = (struct gomod){f[1], f[2]};
			last = -1;
		}
	}
	if (!(idx = awp_calloc(n + 1, sizeof(*idx))))
		goto nomem;
	size_t nidx = 0, main_idx = SIZE_MAX;
	if (goversion && strncmp(goversion, "go", 2) == 0) {
		char v[64];
		snprintf(v, sizeof v, "%s", goversion + 2);
		v[strcspn(v, " \t")] = '\0'; /* "go1.21.3 X:boringcrypto" */
		if (v[0] && (err = lang_add(inv, "go", "go", "stdlib", v, path, "", "", &idx[nidx++])) < 0)
			goto done;
	}
	if (have_main && mods[0].path[0] &&
	    (err = lang_add(inv, "go", "go", mods[0].path, mods[0].version, path, "", "", &main_idx)) < 0)
		goto done;
	for (size_t i = 1; i < n; i++) {
		if (!mods[i].path[0])
			continue;
		if ((err = lang_add(inv, "go", "go", mods[i].path, mods[i].version, path, "", "", &idx[nidx++])) < 0)
			goto done;
	}
	if (main_idx != SIZE_MAX && nidx)
		err = awp_inv_set_deps(inv, main_idx, idx, nidx);
	goto done;
nomem:
	err = AWP_ENOMEM;
done:
	free(idx);
	free(mods);
	free(text);
	return err;
}

/* A Go string header at virtual address va -> its bytes (old format). */
static int go_string(const lang_reader *r, const lang_elf *e, int ptrsize, int be, uint64_t va, char **out,
		     size_t *len)
{
	unsigned char hdr[16];
	uint64_t off, avail;
	*out = NULL;
	if (lang_elf_v2o(e, va, &off, &avail) < 0 || avail < (uint64_t)ptrsize * 2)
		return awp_error_set(AWP_ECORRUPT, "string header at 0x%llx not in the file", (unsigned long long)va);
	int err = lang_reader_exact(r, hdr, (size_t)ptrsize * 2, off);
	if (err < 0)
		return err;
	uint64_t data, n;
	if (ptrsize == 8) {
		data = be ? awp_be64(hdr, 16, 0) : awp_le64(hdr, 16, 0);
		n = be ? awp_be64(hdr, 16, 8) : awp_le64(hdr, 16, 8);
	} else {
		data = be ? awp_be32(hdr, 16, 0) : awp_le32(hdr, 16, 0);
		n = be ? awp_be32(hdr, 16, 4) : awp_le32(hdr, 16, 4);
	}
	if (n > AWP_MAX_GO_BUILDINFO)
		return awp_error_set(AWP_ELIMIT, "string of %llu bytes", (unsigned long long)n);
	if (lang_elf_v2o(e, data, &off, &avail) < 0 || avail < n)
		return awp_error_set(AWP_ECORRUPT, "string at 0x%llx not in the file", (unsigned long long)data);
	char *s = awp_malloc((size_t)n + 1);
	if (!s)
		return AWP_ENOMEM;
	if ((err = lang_reader_exact(r, s, (size_t)n, off)) < 0) {
		free(s);
		return err;
	}
	s[n] = '\0';
	*out = s;
	*len = (size_t)n;
	return 0;
}

static void unframe(const char **mod, size_t *len)
{
	if (*len >= 33 && (*mod)[*len - 17] == '\n') {
		*mod += 16;
		*len -= 32;
	}
}

int lang_go_buildinfo(awp_inventory *inv, const char *path, const lang_reader *r, const lang_elf *e, uint64_t off,
		      uint64_t len)
{
	if (len > AWP_MAX_GO_BUILDINFO)
		len = AWP_MAX_GO_BUILDINFO;
	if (off >= r->size)
		len = 0;
	else if (len > r->size - off)
		len = r->size - off;
	if (len < 32)
		return awp_inv_warn(inv, path, "Go build info: %llu bytes, too short", (unsigned long long)len);
	unsigned char *b = awp_malloc((size_t)len + 1);
	char *ver = NULL, *mod = NULL;
	if (!b)
		return AWP_ENOMEM;
	int err = lang_reader_exact(r, b, (size_t)len, off);
	if (err < 0) {
		err = awp_inv_warn(inv, path, "Go build info: %s", awp_error_last());
		goto done;
	}
	if (memcmp(b, "\xff Go buildinf:", 14) != 0) {
		err = awp_inv_warn(inv, path, "Go build info: no magic");
		goto done;
	}
	int ptrsize = b[14], flags = b[15];
	if (flags & 2) {
		size_t pos = 32;
		uint64_t vl, ml;
		if (uvarint(b, (size_t)len, &pos, &vl) < 0 || vl > len - pos) {
			err = awp_inv_warn(inv, path, "Go build info: bad version length");
			goto done;
		}
		const char *v = (const char *)b + pos;
		pos += (size_t)vl;
		if (uvarint(b, (size_t)len, &pos, &ml) < 0 || ml > len - pos) {
			err = awp_inv_warn(inv, path, "Go build info: bad modinfo length");
			goto done;
		}
		const char *m = (const char *)b + pos;
		size_t mlen = (size_t)ml;
		if (!(ver = awp_strndup(v, (size_t)vl))) {
			err = AWP_ENOMEM;
			goto done;
		}
		unframe(&m, &mlen);
		err = lang_go_modinfo(inv, path, ver, m, mlen);
	} else {
		if (ptrsize != 4 && ptrsize != 8) {
			err = awp_inv_warn(inv, path, "Go build info: pointer size %d", ptrsize);
			goto done;
		}
		int be = flags & 1;
		uint64_t pv, pm;
		if (ptrsize == 8) {
			pv = be ? awp_be64(b, len, 16) : awp_le64(b, len, 16);
			pm = be ? awp_be64(b, len, 24) : awp_le64(b, len, 24);
		} else {
			pv = be ? awp_be32(b, len, 16) : awp_le32(b, len, 16);
			pm = be ? awp_be32(b, len, 20) : awp_le32(b, len, 20);
		}
		size_t vlen = 0, mlen = 0;
		if ((err = go_string(r, e, ptrsize, be, pv, &ver, &vlen)) < 0 ||
		    (err = go_string(r, e, ptrsize, be, pm, &mod, &mlen)) < 0) {
			err = err == AWP_ENOMEM ? err : awp_inv_warn(inv, path, "Go build info: %s", awp_error_last());
			goto done;
		}
		const char *m = mod;
		unframe(&m, &mlen);
		err = lang_go_modinfo(inv, path, ver, m, mlen);
	}
done:
	free(mod);
	free(ver);
	free(b);
	return err;
}
