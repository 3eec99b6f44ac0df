/*
 * pkg/rpm_header.c - one RPM header blob as rpmdb stores it, into a package.
 *
 * Format (rpm doc/manual/format.md, "Header"): big-endian il (index entry
 * count) and dl (data store size), then il entries of 16 bytes {tag, type,
 * offset, count}, then dl bytes of data. Offsets are relative to the data
 * store. The stored blob has no leading 8-byte header magic. Region tags
 * (61-63) describe signed/immutable ranges and are skipped here. Every
 * offset, count and string is checked against dl before use.
 */
#include "pkg/osdb_int.h"

#include "util/bytes.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	T_CHAR = 1, T_INT8 = 2, T_INT16 = 3, T_INT32 = 4, T_INT64 = 5,
	T_STRING = 6, T_BIN = 7, T_STRING_ARRAY = 8, T_I18NSTRING = 9,
};

enum {
	TAG_NAME = 1000, TAG_VERSION = 1001, TAG_RELEASE = 1002, TAG_EPOCH = 1003,
	TAG_VENDOR = 1011, TAG_LICENSE = 1014, TAG_ARCH = 1022, TAG_OLDFILENAMES = 1027,
	TAG_FILEDIGESTS = 1035, TAG_SOURCERPM = 1044, TAG_DIRINDEXES = 1116,
	TAG_BASENAMES = 1117, TAG_DIRNAMES = 1118, TAG_FILEDIGESTALGO = 5011,
	TAG_MODULARITYLABEL = 5096,
};

struct hdr {
	const uint8_t *blob;
	size_t len;
	uint32_t il, dl;
	const uint8_t *index, *data;
};

struct entry {
	uint32_t type, off, count;
};

static int find(const struct hdr *h, uint32_t tag, struct entry *e)
{
	for (uint32_t i = 0; i < h->il; i++) {
		const uint8_t *p = h->index + (size_t)i * 16;
		if (awp_be32(p, 16, 0) != tag)
			continue;
		e->type = awp_be32(p, 16, 4);
		e->off = awp_be32(p, 16, 8);
		e->count = awp_be32(p, 16, 12);
		return e->off < h->dl;
	}
	return 0;
}

/* A string at data offset off; NULL unless NUL-terminated inside the store. */
static const char *str_at(const struct hdr *h, uint32_t off, uint32_t *next)
{
	if (off >= h->dl)
		return NULL;
	const uint8_t *end = memchr(h->data + off, '\0', h->dl - off);
	if (!end)
		return NULL;
	if (next)
		*next = (uint32_t)(end - h->data) + 1;
	return (const char *)(h->data + off);
}

static const char *get_str(const struct hdr *h, uint32_t tag)
{
	struct entry e;
	if (!find(h, tag, &e))
		return NULL;
	if (e.type != T_STRING && e.type != T_I18NSTRING && e.type != T_STRING_ARRAY)
		return NULL;
	return str_at(h, e.off, NULL);
}

static int get_int32(const struct hdr *h, uint32_t tag, uint32_t *out)
{
	struct entry e;
	if (!find(h, tag, &e) || e.type != T_INT32 || e.count < 1 || h->dl - e.off < 4)
		return 0;
	*out = awp_be32(h->data, h->dl, e.off);
	return 1;
}

/* Pointers to the count strings of a string array (malloc'd array). */
static int get_strings(const struct hdr *h, uint32_t tag, const char ***out, uint32_t *count)
{
	struct entry e;
	*out = NULL;
	*count = 0;
	if (!find(h, tag, &e) || (e.type != T_STRING_ARRAY && e.type != T_I18NSTRING))
		return 0;
	/* each string takes at least one byte: a count above the store is corrupt */
	if (e.count == 0)
		return 0;
	if (e.count > h->dl - e.off || e.count > AWP_MAX_RPM_FILES)
		return awp_error_set(AWP_ECORRUPT, "tag %u: %u strings do not fit", tag, e.count);
	const char **v = awp_malloc(e.count * sizeof(*v));
	if (!v)
		return AWP_ENOMEM;
	uint32_t off = e.off;
	for (uint32_t i = 0; i < e.count; i++) {
		if (!(v[i] = str_at(h, off, &off))) {
			free(v);
			return awp_error_set(AWP_ECORRUPT, "tag %u: string %u runs past the data store", tag, i);
		}
	}
	*out = v;
	*count = e.count;
	return 1;
}

static const char *algo_name(uint32_t algo)
{
	switch (algo) {
	case 1: return "md5";
	case 2: return "sha1";
	case 8: return "sha256";
	case 9: return "sha384";
	case 10: return "sha512";
	default: return NULL;
	}
}

static int add_files(awp_inventory *inv, const struct hdr *h, size_t pkg)
{
	const char **base = NULL, **dirs = NULL, **digests = NULL;
	uint32_t nbase = 0, ndirs = 0, ndig = 0;
	int err;
	awp_strbuf path = AWP_STRBUF_INIT, dg = AWP_STRBUF_INIT;
	uint32_t algo = 1;
	get_int32(h, TAG_FILEDIGESTALGO, &algo);
	const char *aname = algo_name(algo);

	if ((err = get_strings(h, TAG_BASENAMES, &base, &nbase)) < 0)
		goto done;
	if ((err = get_strings(h, TAG_FILEDIGESTS, &digests, &ndig)) < 0)
		goto done;
	if (!base) {
		/* rpm < 4.0 headers: full paths in OLDFILENAMES */
		if ((err = get_strings(h, TAG_OLDFILENAMES, &base, &nbase)) < 0)
			goto done;
		for (uint32_t i = 0; i < nbase; i++)
			if ((err = awp_inv_own_file(inv, pkg, base[i], NULL)) < 0)
				goto done;
		err = 0;
		goto done;
	}
	if (nbase == 0) {
		err = 0;
		goto done;
	}
	if ((err = get_strings(h, TAG_DIRNAMES, &dirs, &ndirs)) < 0)
		goto done;
	struct entry di;
	if (!find(h, TAG_DIRINDEXES, &di) || di.type != T_INT32 || di.count != nbase ||
	    (uint64_t)di.count * 4 > h->dl - di.off) {
		err = awp_error_set(AWP_ECORRUPT, "file list: dirindexes do not match %u basenames", nbase);
		goto done;
	}
	for (uint32_t i = 0; i < nbase; i++) {
		uint32_t d = awp_be32(h->data, h->dl, di.off + (size_t)i * 4);
		if (d >= ndirs) {
			err = awp_error_set(AWP_ECORRUPT, "file list: dir index %u out of range (%u dirs)", d, ndirs);
			goto done;
		}
		awp_strbuf_truncate(&path, 0);
		if (awp_strbuf_puts(&path, dirs[d]) < 0 || awp_strbuf_puts(&path, base[i]) < 0) {
			err = AWP_ENOMEM;
			goto done;
		}
		const char *digest = NULL;
		if (aname && i < ndig && digests[i][0]) {
			awp_strbuf_truncate(&dg, 0);
			if (awp_strbuf_printf(&dg, "%s:%s", aname, digests[i]) < 0) {
				err = AWP_ENOMEM;
				goto done;
			}
			digest = dg.ptr;
		}
		if ((err = awp_inv_own_file(inv, pkg, awp_strbuf_cstr(&path), digest)) < 0)
			goto done;
	}
	err = 0;
done:
	free(base);
	free(dirs);
	free(digests);
	awp_strbuf_free(&path);
	awp_strbuf_free(&dg);
	return err;
}

/* "openssl-3.0.7-16.el9.src.rpm" -> name "openssl", version "3.0.7-16.el9". */
static void split_srpm(const char *srpm, char *name, size_t ncap, char *ver, size_t vcap)
{
	name[0] = ver[0] = '\0';
	size_t n = strlen(srpm);
	static const char *const sfx[] = {".src.rpm", ".nosrc.rpm"};
	for (size_t i = 0; i < 2; i++) {
		size_t l = strlen(sfx[i]);
		if (n > l && strcmp(srpm + n - l, sfx[i]) == 0) {
			n -= l;
			break;
		}
	}
	/* release after the last '-', version after the one before */
	size_t rel = n, dash = 0;
	while (rel > 0 && srpm[rel - 1] != '-')
		rel--;
	if (rel > 1) {
		dash = rel - 1;
		while (dash > 0 && srpm[dash - 1] != '-')
			dash--;
	}
	if (rel <= 1 || dash <= 1) {
		snprintf(name, ncap, "%.*s", (int)n, srpm);
		return;
	}
	snprintf(name, ncap, "%.*s", (int)(dash - 1), srpm);
	snprintf(ver, vcap, "%.*s", (int)(n - dash), srpm + dash);
}

int awp_rpm_header_add(awp_inventory *inv, const char *dbpath, const uint8_t *blob, size_t len)
{
	struct hdr h = {blob, len, 0, 0, NULL, NULL};
	if (len < 8)
		return awp_error_set(AWP_ECORRUPT, "header blob of %zu bytes is too short", len);
	h.il = awp_be32(blob, len, 0);
	h.dl = awp_be32(blob, len, 4);
	if (h.il == 0 || h.il > AWP_MAX_RPM_HEADER_TAGS)
		return awp_error_set(AWP_ECORRUPT, "header index count %u out of range", h.il);
	if (h.dl > AWP_MAX_RPM_HEADER_SIZE)
		return awp_error_set(AWP_ECORRUPT, "header data size %u exceeds limit", h.dl);
	uint64_t need = 8 + (uint64_t)h.il * 16 + h.dl;
	if (need > len)
		return awp_error_set(AWP_ECORRUPT, "header needs %llu bytes, blob has %zu", (unsigned long long)need, len);
	h.index = blob + 8;
	h.data = h.index + (size_t)h.il * 16;

	const char *name = get_str(&h, TAG_NAME);
	const char *ver = get_str(&h, TAG_VERSION);
	const char *rel = get_str(&h, TAG_RELEASE);
	if (!name || !name[0] || !ver)
		return awp_error_set(AWP_ECORRUPT, "header without name or version");
	if (strcmp(name, "gpg-pubkey") == 0)
		return 0;
	uint32_t epoch = 0;
	int has_epoch = get_int32(&h, TAG_EPOCH, &epoch);
	char version[512], srcname[256] = "", srcver[256] = "";
	if (has_epoch)
		snprintf(version, sizeof version, "%u:%s%s%s", epoch, ver, rel ? "-" : "", rel ? rel : "");
	else
		snprintf(version, sizeof version, "%s%s%s", ver, rel ? "-" : "", rel ? rel : "");
	const char *srpm = get_str(&h, TAG_SOURCERPM);
	if (srpm && srpm[0])
		split_srpm(srpm, srcname, sizeof srcname, srcver, sizeof srcver);
	if (!srcname[0]) {
		snprintf(srcname, sizeof srcname, "%s", name);
		snprintf(srcver, sizeof srcver, "%s%s%s", ver, rel ? "-" : "", rel ? rel : "");
	}
	awp_package t = {0};
	t.type = "rpm";
	t.manager = "rpm";
	t.name = name;
	t.version = version;
	t.source_name = srcname;
	t.source_version = srcver;
	t.arch = get_str(&h, TAG_ARCH);
	t.path = dbpath;
	t.license = get_str(&h, TAG_LICENSE);
	t.vendor = get_str(&h, TAG_VENDOR);
	t.modularity = get_str(&h, TAG_MODULARITYLABEL);
	size_t idx;
	int err = awp_inv_add(inv, &t, &idx);
	if (err < 0)
		return err;
	return add_files(inv, &h, idx);
}
