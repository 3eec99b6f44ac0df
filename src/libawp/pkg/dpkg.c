/*
 * pkg/dpkg.c - Debian/Ubuntu packages from /var/lib/dpkg/status and
 * /var/lib/dpkg/status.d/ (distroless images: one stanza file per package,
 * with <file>.md5sums beside it).
 *
 * The status file is deb822: stanzas of "Field: value" lines separated by
 * blank lines; lines starting with a space or tab continue the previous
 * field (we only need single-line fields, so continuations are skipped).
 * Only packages whose Status is "install|hold ok installed" are installed.
 * `Source:` may carry its own version in parentheses (binNMUs:
 * "Source: bash (5.2.15-2)" for Version 5.2.15-2+b2); without Source the
 * package is its own source. Files come from info/<pkg>[:<arch>].list and
 * digests from info/<pkg>[:<arch>].md5sums; the declared licence from
 * /usr/share/doc/<pkg>/copyright when it is machine-readable
 * (pkg/dpkg_copyright.c). Everything is read line by line in chunks.
 */
#include "pkg/osdb_int.h"

#include "util/error.h"
#include "util/mem.h"
#include "util/strbuf.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STATUS_PATH "/var/lib/dpkg/status"
#define STATUSD_PATH "/var/lib/dpkg/status.d"
#define INFO_DIR "/var/lib/dpkg/info"

struct stanza {
	char name[256], version[256], arch[64], source[512], status[128];
	int has_status, nfields;
};

static int open_reader(awp_inventory *inv, awp_fs *fs, const char *path, awp_file **f, awp_osdb_reader *r, int quiet)
{
	awp_stat st;
	int err = awp_fs_lookup(fs, path, 1, &st);
	if (err == 0 && st.type != AWP_FT_REG)
		err = awp_error_set(AWP_ECORRUPT, "%s: not a regular file", path);
	if (err == 0)
		err = awp_file_open(f, fs, st.ino);
	if (err < 0) {
		if (err == AWP_ENOMEM)
			return err;
		if (!(quiet && err == AWP_ENOTFOUND) && awp_inv_warn(inv, path, "%s", awp_error_last()) < 0)
			return AWP_ENOMEM;
		return AWP_ENOTFOUND;
	}
	awp_osdb_reader_file(r, *f, path);
	return 0;
}

/* Own the paths of a .list file; a line followed by "<line>/..." is a directory and is skipped. */
static int read_list(awp_inventory *inv, awp_fs *fs, size_t pkg, const char *path)
{
	awp_file *f = NULL;
	awp_osdb_reader r;
	int err = open_reader(inv, fs, path, &f, &r, 1);
	if (err < 0)
		return err == AWP_ENOMEM ? err : 0;
	awp_linereader lr;
	awp_strbuf prev = AWP_STRBUF_INIT;
	int have_prev = 0;
	if ((err = awp_linereader_init(&lr, &r, r.size < AWP_MAX_MANIFEST_SIZE ? r.size : AWP_MAX_MANIFEST_SIZE)) < 0)
		goto done;
	if (r.size > AWP_MAX_MANIFEST_SIZE && (err = awp_inv_warn(inv, path, "file list larger than %u MiB; rest ignored",
								    AWP_MAX_MANIFEST_SIZE >> 20)) < 0)
		goto done;
	size_t len;
	while ((err = awp_linereader_next(&lr, &len)) > 0) {
		if (lr.line[0] != '/' || lr.cut)
			continue;
		if (have_prev) {
			int isdir = strncmp(lr.line, prev.ptr, prev.len) == 0 && lr.line[prev.len] == '/';
			if (!isdir && strcmp(prev.ptr, "/.") != 0 && (err = awp_inv_own_file(inv, pkg, prev.ptr, NULL)) < 0)
				goto done;
		}
		awp_strbuf_truncate(&prev, 0);
		if (awp_strbuf_add(&prev, lr.line, len) < 0) {
			err = AWP_ENOMEM;
			goto done;
		}
		have_prev = 1;
	}
	if (err < 0)
		goto warn;
	if (have_prev && strcmp(prev.ptr, "/.") != 0 && (err = awp_inv_own_file(inv, pkg, prev.ptr, NULL)) < 0)
		goto done;
	err = 0;
	goto done;
warn:
	if (err != AWP_ENOMEM)
		err = awp_inv_warn(inv, path, "%s", awp_error_last());
done:
	awp_strbuf_free(&prev);
	awp_linereader_free(&lr);
	awp_file_free(f);
	return err;
}

/* "<32 hex>  relative/path" lines: digest "md5:<hex>" for "/relative/path". */
static int read_md5sums(awp_inventory *inv, awp_fs *fs, size_t pkg, const char *path)
{
	awp_file *f = NULL;
	awp_osdb_reader r;
	int err = open_reader(inv, fs, path, &f, &r, 1);
	if (err < 0)
		return err == AWP_ENOMEM ? err : 0;
	awp_linereader lr;
	awp_strbuf p = AWP_STRBUF_INIT;
	if ((err = awp_linereader_init(&lr, &r, r.size < AWP_MAX_MANIFEST_SIZE ? r.size : AWP_MAX_MANIFEST_SIZE)) < 0)
		goto done;
	size_t len;
	while ((err = awp_linereader_next(&lr, &len)) > 0) {
		if (len < 35 || lr.cut || lr.line[32] != ' ' || strspn(lr.line, "0123456789abcdef") != 32)
			continue;
		const char *rel = lr.line + 33;
		while (*rel == ' ' || *rel == '*')
			rel++;
		char digest[40];
		snprintf(digest, sizeof digest, "md5:%.32s", lr.line);
		awp_strbuf_truncate(&p, 0);
		if ((*rel != '/' && awp_strbuf_putc(&p, '/') < 0) || awp_strbuf_puts(&p, rel) < 0) {
			err = AWP_ENOMEM;
			goto done;
		}
		if ((err = awp_inv_own_file(inv, pkg, p.ptr, digest)) < 0)
			goto done;
	}
	if (err < 0 && err != AWP_ENOMEM)
		err = awp_inv_warn(inv, path, "%s", awp_error_last());
done:
	awp_strbuf_free(&p);
	awp_linereader_free(&lr);
	awp_file_free(f);
	return err;
}

static int installed(const struct stanza *s, int statusd)
{
	if (!s->has_status)
		return statusd; /* distroless status.d files may omit Status */
	char want[16], flag[16], state[32];
	if (sscanf(s->status, "%15s %15s %31s", want, flag, state) != 3)
		return 0;
	return (strcmp(want, "install") == 0 || strcmp(want, "hold") == 0) && strcmp(flag, "ok") == 0 &&
	       strcmp(state, "installed") == 0;
}

static int flush(awp_inventory *inv, awp_fs *fs, const awp_osdb_reader *r, struct stanza *s, int statusd)
{
	if (!s->nfields)
		return 0;
	int err = 0;
	if (!installed(s, statusd))
		goto out;
	if (!s->name[0] || !s->version[0]) {
		err = awp_inv_warn(inv, r->name, "installed stanza without %s%s%s", s->name[0] ? "" : "Package",
				   !s->name[0] && !s->version[0] ? " and " : "", s->version[0] ? "" : "Version");
		goto out;
	}
	char srcname[512], srcver[256];
	snprintf(srcname, sizeof srcname, "%s", s->source[0] ? s->source : s->name);
	snprintf(srcver, sizeof srcver, "%s", s->version);
	char *paren = strchr(srcname, '(');
	if (paren) {
		char *close = strchr(paren, ')');
		if (close) {
			*close = '\0';
			snprintf(srcver, sizeof srcver, "%s", paren + 1);
		}
		*paren = '\0';
	}
	size_t n = strlen(srcname);
	while (n && (srcname[n - 1] == ' ' || srcname[n - 1] == '\t'))
		srcname[--n] = '\0';
	awp_package t = {0};
	t.type = "dpkg";
	t.manager = "dpkg";
	t.name = s->name;
	t.version = s->version;
	t.arch = s->arch;
	t.source_name = srcname;
	t.source_version = srcver;
	t.path = r->name;
	size_t idx;
	if ((err = awp_inv_add(inv, &t, &idx)) < 0)
		goto out;
	if (fs) {
		char path[512];
		if (statusd) {
			snprintf(path, sizeof path, "%s.md5sums", r->name);
			err = read_md5sums(inv, fs, idx, path);
		} else {
			awp_stat st;
			snprintf(path, sizeof path, INFO_DIR "/%s.list", s->name);
			int multi = awp_fs_lookup(fs, path, 1, &st) < 0;
			snprintf(path, sizeof path, INFO_DIR "/%s%s%s.list", s->name, multi ? ":" : "", multi ? s->arch : "");
			if ((err = read_list(inv, fs, idx, path)) < 0 || inv->no_digests)
				goto out;
			snprintf(path, sizeof path, INFO_DIR "/%s%s%s.md5sums", s->name, multi ? ":" : "", multi ? s->arch : "");
			err = read_md5sums(inv, fs, idx, path);
		}
	}
out:
	memset(s, 0, sizeof(*s));
	return err;
}

static void field(char *dst, size_t cap, const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	size_t n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

int awp_dpkg_parse_status(awp_inventory *inv, awp_fs *fs, const awp_osdb_reader *r, int statusd)
{
	uint64_t cap = statusd ? AWP_MAX_MANIFEST_SIZE : AWP_MAX_DPKG_STATUS_SIZE;
	int err;
	if (r->size > cap && (err = awp_inv_warn(inv, r->name, "dpkg database of %llu bytes exceeds the %llu MiB limit; "
						 "only the first %llu MiB are read", (unsigned long long)r->size,
						 (unsigned long long)(cap >> 20), (unsigned long long)(cap >> 20))) < 0)
		return err;
	awp_linereader lr;
	if ((err = awp_linereader_init(&lr, r, r->size < cap ? r->size : cap)) < 0)
		return err;
	struct stanza *s = awp_calloc(1, sizeof(*s));
	if (!s) {
		awp_linereader_free(&lr);
		return AWP_ENOMEM;
	}
	size_t len;
	static const struct {
		const char *key;
		size_t off, cap;
	} keys[] = {
		{"Package", offsetof(struct stanza, name), sizeof(((struct stanza *)0)->name)},
		{"Version", offsetof(struct stanza, version), sizeof(((struct stanza *)0)->version)},
		{"Architecture", offsetof(struct stanza, arch), sizeof(((struct stanza *)0)->arch)},
		{"Source", offsetof(struct stanza, source), sizeof(((struct stanza *)0)->source)},
		{"Status", offsetof(struct stanza, status), sizeof(((struct stanza *)0)->status)},
	};
	while ((err = awp_linereader_next(&lr, &len)) > 0) {
		const char *line = lr.line;
		if (strspn(line, " \t") == len) {
			/* a blank (or whitespace-only) line ends a stanza */
			if ((err = flush(inv, fs, r, s, statusd)) < 0)
				goto done;
			continue;
		}
		if (line[0] == ' ' || line[0] == '\t' || line[0] == '#')
			continue;
		const char *colon = strchr(line, ':');
		if (!colon)
			continue;
		s->nfields++;
		size_t klen = (size_t)(colon - line);
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			if (strlen(keys[i].key) == klen && strncasecmp(line, keys[i].key, klen) == 0) {
				field((char *)s + keys[i].off, keys[i].cap, colon + 1);
				if (i == 4)
					s->has_status = 1;
				break;
			}
		}
	}
	if (err < 0) {
		if (err != AWP_ENOMEM)
			err = awp_inv_warn(inv, r->name, "%s", awp_error_last());
		if (err < 0)
			goto done;
	}
	err = flush(inv, fs, r, s, statusd);
done:
	free(s);
	awp_linereader_free(&lr);
	return err;
}

static int parse_file(awp_inventory *inv, awp_fs *fs, const char *path, int statusd)
{
	awp_file *f = NULL;
	awp_osdb_reader r;
	int err = open_reader(inv, fs, path, &f, &r, 1);
	if (err < 0)
		return err == AWP_ENOMEM ? err : 0;
	err = awp_dpkg_parse_status(inv, fs, &r, statusd);
	awp_file_free(f);
	return err;
}

struct names {
	char **v;
	size_t n, cap;
};

static int add_name(const awp_dirent *e, void *payload)
{
	struct names *nm = payload;
	size_t l = strlen(e->name);
	if (e->name[0] == '.' || (l > 8 && strcmp(e->name + l - 8, ".md5sums") == 0))
		return 0;
	if (nm->n >= AWP_MAX_STATUSD_FILES)
		return 1;
	if (AWP_GROW(nm->v, nm->cap, nm->n + 1) < 0 || !(nm->v[nm->n] = awp_strdup(e->name)))
		return AWP_ENOMEM;
	nm->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect_status(awp_inventory *inv, awp_fs *fs)
{
	int err = parse_file(inv, fs, STATUS_PATH, 0);
	if (err < 0)
		return err;
	awp_stat st;
	if (awp_fs_lookup(fs, STATUSD_PATH, 1, &st) < 0 || st.type != AWP_FT_DIR)
		return 0;
	struct names nm = {0};
	err = awp_fs_readdir(fs, st.ino, add_name, &nm);
	if (err < 0 && err != AWP_ENOMEM)
		err = awp_inv_warn(inv, STATUSD_PATH, "%s", awp_error_last());
	else if (err > 0)
		err = awp_inv_warn(inv, STATUSD_PATH, "more than %d files; the rest are ignored", AWP_MAX_STATUSD_FILES);
	if (nm.n > 1)
		qsort(nm.v, nm.n, sizeof(*nm.v), cmp_str);
	for (size_t i = 0; i < nm.n && err >= 0; i++) {
		char path[1024];
		snprintf(path, sizeof path, STATUSD_PATH "/%s", nm.v[i]);
		err = parse_file(inv, fs, path, 1);
	}
	for (size_t i = 0; i < nm.n; i++)
		free(nm.v[i]);
	free(nm.v);
	return err;
}

static int collect(awp_inventory *inv, awp_fs *fs)
{
	size_t from = inv->count;
	int err = collect_status(inv, fs);
	/* licences after every .list/.md5sums: their lookups keep to one set of directories */
	return err < 0 ? err : awp_dpkg_copyrights(inv, fs, from);
}

const awp_analyzer awp_analyzer_dpkg = {"dpkg", collect, NULL, NULL, NULL};
