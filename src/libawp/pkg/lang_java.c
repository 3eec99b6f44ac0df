/*
 * pkg/lang_java.c - Java archives (.jar, .war, .ear, Jenkins .jpi/.hpi).
 *
 * One package per META-INF/maven/<group>/<artifact>/pom.properties (a shaded
 * jar carries one per bundled artifact). An archive without any falls back
 * to its MANIFEST.MF (Implementation-Title/-Version, then Bundle-SymbolicName/
 * Bundle-Version) and then to its file name ("name-1.2.3.jar").
 *
 * The outer archive is read with libarchive through callbacks over awp_file
 * reads (a 64 KiB window, seekable so the zip central directory is used);
 * nested archives (WEB-INF/lib/x.jar, BOOT-INF/lib/x.jar, lib/x.jar in an
 * ear, any *.jar entry) are inflated into memory and read recursively. Only
 * pom.properties, MANIFEST.MF and nested archives are inflated; other
 * entries are skipped. Only the seekable zip reader is used (the central
 * directory is the truth; the streaming reader would guess entries from
 * local headers, and misreads stored nested jars of a truncated file).
 * Limits (lang_int.h) on depth, entries, bytes per
 * nested archive, live and total bytes and the inflation ratio keep a zip
 * bomb harmless; hitting one is a warning naming the jar, and what was
 * found so far is kept.
 *
 * Packages: type "maven", manager "maven", name "group:artifact", path the
 * outer file, entry "inner.jar!/META-INF/maven/g/a/pom.properties".
 */
#include "pkg/lang_int.h"

#include "util/archive_dl.h"
#include "util/error.h"
#include "util/mem.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { WINDOW = 64 * 1024 };

struct jar_ctx {
	awp_inventory *inv;
	const char *path;
	uint64_t entries, inflated, live;
	int stop;        /* a global limit was hit: unwind */
};

static int is_archive_name(const char *name)
{
	/* asked of every file on the disk: one look at the extension */
	const char *dot = strrchr(name, '.');
	if (!dot || strlen(dot) != 4)
		return 0;
	return strcasecmp(dot, ".jar") == 0 || strcasecmp(dot, ".war") == 0 || strcasecmp(dot, ".ear") == 0 ||
	       strcasecmp(dot, ".jpi") == 0 || strcasecmp(dot, ".hpi") == 0;
}

static int java_wants(const char *path, const char *name, const awp_stat *st)
{
	return st->type == AWP_FT_REG && is_archive_name(name);
}

/* key=value / key: value lines; '#' and '!' start comments. */
static int prop_get(const char *buf, size_t len, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key), i = 0;
	out[0] = '\0';
	while (i < len) {
		size_t e = i;
		while (e < len && buf[e] != '\n' && buf[e] != '\r')
			e++;
		size_t s = i;
		while (s < e && (buf[s] == ' ' || buf[s] == '\t'))
			s++;
		if (e - s > klen && memcmp(buf + s, key, klen) == 0) {
			size_t v = s + klen;
			while (v < e && (buf[v] == ' ' || buf[v] == '\t'))
				v++;
			if (v < e && (buf[v] == '=' || buf[v] == ':')) {
				return lang_copy_trimmed(out, cap, buf + v + 1, e - v - 1);
			}
		}
		i = e + 1;
	}
	return 0;
}

/* MANIFEST.MF main section header, with 72-byte line continuations (a line
 * starting with one space continues the previous one). */
static int manifest_get(const char *buf, size_t len, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key), i = 0, n = 0;
	int in = 0;
	out[0] = '\0';
	while (i < len) {
		size_t e = i;
		while (e < len && buf[e] != '\n')
			e++;
		size_t ll = e - i;
		if (ll && buf[e - 1] == '\r')
			ll--;
		const char *line = buf + i;
		if (in) {
			if (ll == 0 || line[0] != ' ')
				break;
			for (size_t k = 1; k < ll && n + 1 < cap; k++)
				out[n++] = line[k];
		} else if (ll == 0) {
			break; /* end of the main section */
		} else if (ll > klen && line[klen] == ':' && strncasecmp(line, key, klen) == 0) {
			size_t v = klen + 1;
			while (v < ll && line[v] == ' ')
				v++;
			for (; v < ll && n + 1 < cap; v++)
				out[n++] = line[v];
			in = 1;
		}
		i = e + 1;
	}
	while (n && isspace((unsigned char)out[n - 1]))
		n--;
	out[n] = '\0';
	return in && n > 0;
}

/* Read the current entry's data into a new buffer of at most cap bytes.
 * Returns 0 (*over set when the entry is larger), 1 after a warning, or <0. */
static int read_entry(struct jar_ctx *c, struct archive *a, const char *what, size_t cap, char **out, size_t *len,
		      int *over)
{
	char *buf = NULL;
	size_t n = 0, bcap = 0;
	*out = NULL;
	*len = 0;
	*over = 0;
	for (;;) {
		if (AWP_GROW(buf, bcap, n + WINDOW + 1) < 0) {
			free(buf);
			return AWP_ENOMEM;
		}
		la_ssize_t r = archive_read_data(a, buf + n, WINDOW);
		if (r < 0) {
			int e = awp_inv_warn(c->inv, c->path, "%s: %s", what, archive_error_string(a));
			free(buf);
			return e < 0 ? e : 1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		c->inflated += (uint64_t)r;
		if (c->inflated > AWP_MAX_JAR_TOTAL) {
			c->stop = 1;
			int e = awp_inv_warn(c->inv, c->path, "%s: more than %u MiB inflated from one archive, stopped",
					     what, AWP_MAX_JAR_TOTAL >> 20);
			free(buf);
			return e < 0 ? e : 1;
		}
		if (n > cap) {
			*over = 1;
			break;
		}
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static int add_pkg(struct jar_ctx *c, const char *name, const char *version, const char *entry)
{
	return lang_add(c->inv, "maven", "maven", name, version, c->path, entry, "", NULL);
}

/* "commons-io-2.11.0.jar" -> name "commons-io", version "2.11.0". */
static int from_filename(struct jar_ctx *c, const char *label, const char *entry)
{
	const char *base = strrchr(label, '/');
	base = base ? base + 1 : label;
	char name[256];
	snprintf(name, sizeof name, "%s", base);
	char *dot = strrchr(name, '.');
	if (dot)
		*dot = '\0';
	char *dash = NULL;
	for (char *p = name; *p; p++)
		if (*p == '-' && isdigit((unsigned char)p[1]))
			dash = p;
	if (!dash || dash == name)
		return 0;
	*dash = '\0';
	return add_pkg(c, name, dash + 1, entry);
}

static int scan(struct jar_ctx *c, struct archive *a, const char *prefix, const char *label, uint64_t size, int depth);

static int nested(struct jar_ctx *c, struct archive *a, struct archive_entry *ent, const char *prefix,
		  const char *name, uint64_t container,
		  uint64_t *nested_bytes, int depth)
{
	char *what = awp_asprintf("%s%s", prefix, name);
	if (!what)
		return AWP_ENOMEM;
	int err = 0;
	if (depth + 1 > AWP_MAX_JAR_DEPTH) {
		err = awp_inv_warn(c->inv, c->path, "%s: archives nested deeper than %d, not read", what,
				   AWP_MAX_JAR_DEPTH);
		goto done;
	}
	uint64_t room = AWP_MAX_JAR_NESTED - c->live;
	if (archive_entry_size_is_set(ent) && (uint64_t)archive_entry_size(ent) > room) {
		err = awp_inv_warn(c->inv, c->path, "%s: nested archive larger than %u MiB in memory, not read", what,
				   AWP_MAX_JAR_NESTED >> 20);
		goto done;
	}
	/* Inflate no more than both the memory limit and the ratio allow. */
	uint64_t ratio_max = (uint64_t)AWP_MAX_JAR_RATIO * container + (1u << 20);
	uint64_t ratio_room = ratio_max > *nested_bytes ? ratio_max - *nested_bytes : 0;
	int by_ratio = ratio_room < room;
	char *buf = NULL;
	size_t len = 0;
	int over = 0;
	if ((err = read_entry(c, a, what, (size_t)(by_ratio ? ratio_room : room), &buf, &len, &over)) != 0)
		goto done;
	*nested_bytes += len;
	if (over && by_ratio) {
		err = awp_inv_warn(c->inv, c->path,
				   "%s: nested archives inflate to over %d times their container (zip bomb?), not read",
				   what, AWP_MAX_JAR_RATIO);
		c->stop = 2; /* this container only: see scan() */
	} else if (over) {
		err = awp_inv_warn(c->inv, c->path, "%s: nested archive larger than %u MiB in memory, not read", what,
				   AWP_MAX_JAR_NESTED >> 20);
	} else {
		struct archive *in = archive_read_new();
		if (!in) {
			free(buf);
			err = AWP_ENOMEM;
			goto done;
		}
		archive_read_support_format_zip_seekable(in);
		c->live += len;
		char *sub = awp_asprintf("%s!/", what);
		if (!sub) {
			err = AWP_ENOMEM;
		} else if (archive_read_open_memory(in, buf, len) != ARCHIVE_OK) {
			err = awp_inv_warn(c->inv, c->path, "%s: %s", what, archive_error_string(in));
		} else {
			err = scan(c, in, sub, what, len, depth + 1);
		}
		c->live -= len;
		free(sub);
		archive_read_free(in);
	}
	free(buf);
done:
	free(what);
	return err;
}

/* Visit the entries of one archive. `prefix` is put before entry names
 * ("" or "WEB-INF/lib/x.jar!/"), `label` names it for the file name
 * fallback, `size` is its compressed size (for the ratio check). */
static int scan(struct jar_ctx *c, struct archive *a, const char *prefix, const char *label, uint64_t size, int depth)
{
	struct archive_entry *e;
	char *manifest = NULL;
	size_t mlen = 0;
	uint64_t nested_bytes = 0;
	int found = 0, err = 0;
	for (;;) {
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			err = awp_inv_warn(c->inv, c->path, "%s%s: %s", prefix, *prefix ? "" : "zip",
					   archive_error_string(a));
			break;
		}
		if (++c->entries > AWP_MAX_JAR_ENTRIES) {
			c->stop = 1;
			err = awp_inv_warn(c->inv, c->path, "more than %d archive entries, stopped", AWP_MAX_JAR_ENTRIES);
			break;
		}
		const char *name = archive_entry_pathname(e);
		if (!name || archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (strncmp(name, "META-INF/maven/", 15) == 0 && lang_suffix(name, "/pom.properties")) {
			char *buf = NULL;
			size_t len = 0;
			int over = 0;
			char *entry = awp_asprintf("%s%s", prefix, name);
			if (!entry) {
				err = AWP_ENOMEM;
				break;
			}
			err = read_entry(c, a, entry, AWP_MAX_JAR_SMALL, &buf, &len, &over);
			if (err == 0) {
				char g[256], art[256], v[128], full[520];
				if (!prop_get(buf, len, "groupId", g, sizeof g) ||
				    !prop_get(buf, len, "artifactId", art, sizeof art) ||
				    !prop_get(buf, len, "version", v, sizeof v) || !g[0] || !art[0]) {
					err = awp_inv_warn(c->inv, c->path, "%s: no groupId, artifactId and version", entry);
				} else {
					snprintf(full, sizeof full, "%s:%s", g, art);
					err = add_pkg(c, full, v, entry);
					found++;
				}
			}
			free(buf);
			free(entry);
		} else if (strcmp(name, "META-INF/MANIFEST.MF") == 0 && !manifest) {
			int over = 0;
			err = read_entry(c, a, "META-INF/MANIFEST.MF", AWP_MAX_JAR_SMALL, &manifest, &mlen, &over);
		} else if (is_archive_name(name)) {
			err = nested(c, a, e, prefix, name, size, &nested_bytes, depth);
		}
		if (err < 0 || c->stop)
			break;
		err = 0;
	}
	if (c->stop == 2) /* the ratio check stops one container, not the jar */
		c->stop = 0;
	if (err >= 0 && !found && !c->stop) {
		char t[256], v[128], vid[256], full[520];
		const char *mentry = NULL;
		/* A title with spaces is a description ("ASM, a very small ..."),
		 * not a name: then the bundle name, then the file name. */
		if (manifest && ((manifest_get(manifest, mlen, "Implementation-Title", t, sizeof t) &&
				  !strpbrk(t, " \t") &&
				  manifest_get(manifest, mlen, "Implementation-Version", v, sizeof v)) ||
				 (manifest_get(manifest, mlen, "Bundle-SymbolicName", t, sizeof t) &&
				  manifest_get(manifest, mlen, "Bundle-Version", v, sizeof v)))) {
			char *semi = strchr(t, ';'); /* Bundle-SymbolicName: x;singleton:=true */
			if (semi)
				*semi = '\0';
			if (manifest_get(manifest, mlen, "Implementation-Vendor-Id", vid, sizeof vid))
				snprintf(full, sizeof full, "%s:%s", vid, t);
			else
				snprintf(full, sizeof full, "%s", t);
			char *entry = awp_asprintf("%sMETA-INF/MANIFEST.MF", prefix);
			mentry = entry;
			err = entry ? add_pkg(c, full, v, entry) : AWP_ENOMEM;
			free(entry);
		}
		if (!mentry && err >= 0)
			err = from_filename(c, label, *prefix ? label : "");
	}
	free(manifest);
	return err < 0 ? err : 0;
}

/* libarchive callbacks over an awp_file. */
struct file_src {
	awp_file *f;
	uint64_t size, pos;
	char buf[WINDOW];
};

static la_ssize_t file_read(struct archive *a, void *ctx, const void **out)
{
	struct file_src *s = ctx;
	size_t n = 0;
	if (s->pos >= s->size)
		return 0;
	if (awp_file_read(s->f, s->buf, sizeof s->buf, s->pos, &n) < 0) {
		archive_set_error(a, EIO, "%s", awp_error_last());
		return -1;
	}
	s->pos += n;
	*out = s->buf;
	return (la_ssize_t)n;
}

static la_int64_t file_seek(struct archive *a, void *ctx, la_int64_t off, int whence)
{
	struct file_src *s = ctx;
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)s->pos : (int64_t)s->size;
	int64_t np = base + off;
	if (np < 0)
		return ARCHIVE_FATAL;
	s->pos = (uint64_t)np;
	return np;
}

static la_int64_t file_skip(struct archive *a, void *ctx, la_int64_t n)
{
	struct file_src *s = ctx;
	if (n < 0)
		return 0;
	s->pos += (uint64_t)n;
	return n;
}

static int run(awp_inventory *inv, const char *path, struct archive *a, int opened, uint64_t size)
{
	struct jar_ctx c = {inv, path, 0, 0, 0, 0};
	int err;
	if (!opened)
		err = awp_inv_warn(inv, path, "zip: %s", archive_error_string(a));
	else
		err = scan(&c, a, "", path, size, 0);
	return err < 0 ? err : 0;
}

static int java_parse(awp_inventory *inv, awp_fs *fs, const char *path, const awp_stat *st)
{
	if (awp_archive_load() < 0) /* libarchive missing: the jar is skipped, with a warning */
		return awp_inv_warn(inv, path, "%s", awp_error_last());
	struct file_src *s = awp_calloc(1, sizeof(*s));
	struct archive *a = archive_read_new();
	int err = 0;
	if (!s || !a) {
		err = AWP_ENOMEM;
		goto done;
	}
	if ((err = awp_file_open(&s->f, fs, st->ino)) < 0) {
		err = err == AWP_ENOMEM ? err : awp_inv_warn(inv, path, "%s", awp_error_last());
		goto done;
	}
	s->size = awp_file_size(s->f);
	archive_read_support_format_zip_seekable(a);
	archive_read_set_callback_data(a, s);
	archive_read_set_read_callback(a, file_read);
	archive_read_set_seek_callback(a, file_seek);
	archive_read_set_skip_callback(a, file_skip);
	err = run(inv, path, a, archive_read_open1(a) == ARCHIVE_OK, s->size);
done:
	if (a)
		archive_read_free(a);
	if (s)
		awp_file_free(s->f);
	free(s);
	return err < 0 ? err : 0;
}

int lang_jar_parse_mem(awp_inventory *inv, const char *path, const void *buf, size_t len)
{
	if (awp_archive_load() < 0)
		return awp_inv_warn(inv, path, "%s", awp_error_last());
	struct archive *a = archive_read_new();
	if (!a)
		return AWP_ENOMEM;
	archive_read_support_format_zip_seekable(a);
	int err = run(inv, path, a, archive_read_open_memory(a, buf, len) == ARCHIVE_OK, len);
	archive_read_free(a);
	return err;
}

const awp_analyzer awp_analyzer_lang_java = {
	.name = "lang_java",
	.wants = java_wants,
	.parse = java_parse,
};
