/*
 * pkg/dpkg_copyright.c - the declared licence of a dpkg package, from
 * /usr/share/doc/<package>/copyright in the machine-readable format
 * (DEP-5, www.debian.org/doc/packaging-manuals/copyright-format/1.0/).
 *
 * The file is deb822: paragraphs of "Field: value" lines separated by blank
 * lines, continuation lines start with a space or tab. The first paragraph
 * (the header) must carry `Format:` (older drafts: `Format-Specification:`)
 * with one of the format's URLs; any other file is free text and gives no
 * licence (we do not guess from prose). Every later paragraph with a
 * `Files:` field is a Files paragraph; the first line of its `License:`
 * field is the licence's short name or a Debian licence expression
 * ("GPL-2+", "GPL-1+ or Artistic", "GPL-3+ with Bison exception").
 * Stand-alone License paragraphs (no Files) hold licence texts and are
 * skipped, as is the header's optional License.
 *
 * The result is the distinct first lines in order of appearance, joined by
 * "; " (no short name or Debian expression contains ';'). The SBOM writers
 * map it to an SPDX expression (report/sbom_license.c).
 *
 * All packages are done in one pass after the status file (dpkg.c): the
 * /usr/share/doc listing is read once, then each package's directory;
 * entries that are symlinks are resolved by path inside the filesystem.
 *
 * Invariants: the file is read line by line in chunks and at most
 * AWP_MAX_COPYRIGHT_SIZE bytes of it; at most AWP_MAX_COPYRIGHT_LICENSES
 * names are kept; at most one warning per file.
 */
#include "pkg/osdb_int.h"

#include "util/error.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/strmap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DOC_DIR "/usr/share/doc"

struct cparse {
	awp_inventory *inv;
	const char *name;       /* the file, for warnings */
	int warned;
	awp_strbuf *out;        /* "a; b; c" */
	size_t nlic;
	/* the current paragraph */
	int has_files, has_license;
	char license[AWP_MAX_LICENSE_NAME + 1];
};

static int warn(struct cparse *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int warn(struct cparse *c, const char *fmt, ...)
{
	if (c->warned)
		return 0;
	c->warned = 1;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return awp_inv_warn(c->inv, c->name, "%s", msg);
}

/* A Format URL of the copyright format 1.0 or of its DEP-5 drafts. */
static int dep5_url(const char *v)
{
	if (strncasecmp(v, "https://", 8) == 0)
		v += 8;
	else if (strncasecmp(v, "http://", 7) == 0)
		v += 7;
	else
		return 0;
	static const char *const exact[] = {
		"www.debian.org/doc/packaging-manuals/copyright-format/1.0",
		"dep.debian.net/deps/dep5",
	};
	size_t n = strlen(v);
	while (n && v[n - 1] == '/')
		n--;
	for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (strlen(exact[i]) == n && strncasecmp(v, exact[i], n) == 0)
			return 1;
	/* the drafts as served from the DEP repository viewers: ".../dep5.mdwn?op=file&rev=..." */
	static const char *const prefix[] = {
		"svn.debian.org/wsvn/dep/web/deps/dep5.mdwn",
		"anonscm.debian.org/viewvc/dep/web/deps/dep5.mdwn",
	};
	for (size_t i = 0; i < sizeof prefix / sizeof prefix[0]; i++)
		if (strncasecmp(v, prefix[i], strlen(prefix[i])) == 0)
			return 1;
	return 0;
}

/* Copy a field value with surrounding blanks removed and inner runs of blanks
 * collapsed to one space. 0, or -1 when it does not fit. */
static int squeeze(char *dst, size_t cap, const char *v)
{
	size_t n = 0;
	int space = 0;
	for (; *v; v++) {
		if (*v == ' ' || *v == '\t') {
			space = n > 0;
			continue;
		}
		if (n + (size_t)space + 2 > cap)
			return -1;
		if (space)
			dst[n++] = ' ';
		space = 0;
		dst[n++] = *v == ';' ? ',' : *v; /* ';' separates our list */
	}
	dst[n] = '\0';
	return 0;
}

static int add_license(struct cparse *c, const char *name)
{
	/* distinct names only: compare against every kept one (at most a few dozen) */
	const char *s = c->out->len ? c->out->ptr : "";
	size_t nl = strlen(name);
	while (*s) {
		const char *e = strstr(s, "; ");
		size_t l = e ? (size_t)(e - s) : strlen(s);
		if (l == nl && memcmp(s, name, l) == 0)
			return 0;
		s += l + (e ? 2 : 0);
	}
	if (c->nlic >= AWP_MAX_COPYRIGHT_LICENSES)
		return warn(c, "more than %d distinct licences; the rest are ignored", AWP_MAX_COPYRIGHT_LICENSES);
	if ((c->out->len && awp_strbuf_puts(c->out, "; ") < 0) || awp_strbuf_puts(c->out, name) < 0)
		return AWP_ENOMEM;
	c->nlic++;
	return 0;
}

static int end_paragraph(struct cparse *c, unsigned long lineno)
{
	int err = 0;
	if (c->has_files && c->has_license && c->license[0])
		err = add_license(c, c->license);
	else if (c->has_files && !c->has_license)
		err = warn(c, "the Files paragraph ending before line %lu has no License field", lineno);
	c->has_files = c->has_license = 0;
	c->license[0] = '\0';
	return err;
}

int awp_dpkg_copyright_parse(awp_inventory *inv, const awp_osdb_reader *r, awp_strbuf *out)
{
	struct cparse c = {inv, r->name, 0, out, 0, 0, 0, ""};
	awp_strbuf_truncate(out, 0);
	int err;
	if (r->size > AWP_MAX_COPYRIGHT_SIZE &&
	    (err = warn(&c, "copyright file of %llu bytes is larger than %u MiB; the rest is ignored",
			(unsigned long long)r->size, AWP_MAX_COPYRIGHT_SIZE >> 20)) < 0)
		return err;
	awp_linereader lr;
	if ((err = awp_linereader_init(&lr, r, r->size < AWP_MAX_COPYRIGHT_SIZE ? r->size : AWP_MAX_COPYRIGHT_SIZE)) < 0)
		return err;
	/* para: 0 before the header, 1 in the header, 2 after it */
	int para = 0, dep5 = 0;
	unsigned long lineno = 0;
	size_t len;
	while ((err = awp_linereader_next(&lr, &len)) > 0) {
		const char *line = lr.line;
		lineno++;
		if (strlen(line) != len) {
			err = warn(&c, "NUL byte at line %lu: not a text file; no licence taken", lineno);
			dep5 = 0;
			goto done;
		}
		if (strspn(line, " \t") == len) {
			if (para == 1) {
				if (!dep5)
					goto done; /* not machine-readable: stop reading at once */
				para = 2;
			} else if (para == 2 && (err = end_paragraph(&c, lineno)) < 0) {
				goto done;
			}
			continue;
		}
		if (para == 0)
			para = 1;
		/* continuation lines (only the first line of License matters) and comments */
		if (line[0] == ' ' || line[0] == '\t' || line[0] == '#')
			continue;
		const char *colon = strchr(line, ':');
		size_t klen = colon ? (size_t)(colon - line) : 0;
		if (!colon || !klen || memchr(line, ' ', klen) || memchr(line, '\t', klen))
			continue; /* not a field line: skipped */
		const char *v = colon + 1;
		if (para == 1) {
			if ((klen == 6 && strncasecmp(line, "Format", 6) == 0) ||
			    (klen == 20 && strncasecmp(line, "Format-Specification", 20) == 0)) {
				char url[512];
				dep5 = squeeze(url, sizeof url, v) == 0 && dep5_url(url);
			}
			continue;
		}
		if (klen == 5 && strncasecmp(line, "Files", 5) == 0) {
			c.has_files = 1;
		} else if (klen == 7 && strncasecmp(line, "License", 7) == 0) {
			if (c.has_license)
				continue; /* a repeated field: the first one counts */
			c.has_license = 1;
			if (lr.cut || squeeze(c.license, sizeof c.license, v) < 0) {
				c.license[0] = '\0';
				if ((err = warn(&c, "License short name at line %lu is too long; ignored", lineno)) < 0)
					goto done;
			}
		}
	}
	if (err < 0) {
		/* a read error: keep what was read, say why the rest is missing */
		if (err != AWP_ENOMEM)
			err = warn(&c, "line %lu: %s", lineno, awp_error_last());
		if (err < 0)
			goto done;
	}
	err = para == 2 ? end_paragraph(&c, lineno + 1) : 0;
done:
	awp_linereader_free(&lr);
	if (err < 0)
		return err;
	if (!dep5)
		awp_strbuf_truncate(out, 0);
	return dep5;
}

/* Parse the copyright file `ino` (a regular file) into package pkg's licence. */
static int read_ino(awp_inventory *inv, awp_fs *fs, size_t pkg, const char *path, uint64_t ino)
{
	awp_file *f;
	awp_osdb_reader r;
	int err = awp_osdb_open(inv, fs, path, ino, &f, &r);
	if (err <= 0)
		return err;
	awp_strbuf lic = AWP_STRBUF_INIT;
	err = awp_dpkg_copyright_parse(inv, &r, &lic);
	if (err > 0 && lic.len) {
		const char *s = awp_inv_str(inv, lic.ptr);
		if (!s)
			err = AWP_ENOMEM;
		else
			inv->pkgs[pkg].license = s;
	}
	awp_strbuf_free(&lic);
	awp_file_free(f);
	return err < 0 ? err : 0;
}

/* The copyright file by its path: symlinks followed inside the filesystem. */
static int read_path(awp_inventory *inv, awp_fs *fs, size_t pkg, const char *name)
{
	char path[512];
	int n = snprintf(path, sizeof path, DOC_DIR "/%s/copyright", name);
	if (n < 0 || (size_t)n >= sizeof path)
		return 0;
	awp_stat st;
	/* Intermediate symlinks are followed inside the filesystem: with usrmerge
	 * or doc-dir sharing, /usr/share/doc/libgcc-s1 -> gcc-12-base. */
	int err = awp_fs_lookup(fs, path, 1, &st);
	if (err == AWP_ENOTFOUND)
		return 0; /* docs excluded (path-exclude in dpkg.cfg.d) or none */
	if (err == 0 && st.type != AWP_FT_REG)
		err = awp_error_set(AWP_ECORRUPT, "not a regular file");
	if (err < 0)
		return err == AWP_ENOMEM ? err : awp_inv_warn(inv, path, "%s", awp_error_last());
	return read_ino(inv, fs, pkg, path, st.ino);
}

static int valid_name(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
	       strlen(name) < 256;
}

int awp_dpkg_copyright_read(awp_inventory *inv, awp_fs *fs, size_t pkg, const char *name)
{
	return valid_name(name) ? read_path(inv, fs, pkg, name) : 0;
}

/* --- every package at once ------------------------------------------------- */

/* The entries of /usr/share/doc, read once: a path lookup per package would
 * walk /, usr, share, doc and the package's directory each time, more
 * directories than fs.c's lookup cache keeps. */
struct docdir {
	awp_strmap map;  /* name -> index */
	struct docent {
		char *name;
		uint64_t ino;
		awp_ftype type;
	} *v;
	size_t n, cap;
	int full;
};

static int doc_ent(const awp_dirent *e, void *payload)
{
	struct docdir *d = payload;
	if (e->name[0] == '.')
		return 0;
	if (d->n >= AWP_MAX_DOC_ENTRIES) {
		d->full = 1;
		return 1;
	}
	if (AWP_GROW(d->v, d->cap, d->n + 1) < 0 || !(d->v[d->n].name = awp_strdup(e->name)))
		return AWP_ENOMEM;
	d->v[d->n].ino = e->ino;
	d->v[d->n].type = e->type;
	if (awp_strmap_put(&d->map, d->v[d->n].name, d->n) < 0) {
		free(d->v[d->n].name);
		return AWP_ENOMEM;
	}
	d->n++;
	return 0;
}

struct find {
	uint64_t ino;
	awp_ftype type;
	int found;
};

static int find_copyright(const awp_dirent *e, void *payload)
{
	struct find *f = payload;
	if (strcmp(e->name, "copyright") != 0)
		return 0;
	f->ino = e->ino;
	f->type = e->type;
	f->found = 1;
	return 1;
}

/* The type of a directory entry, from the inode when the entry does not say. */
static awp_ftype entry_type(awp_fs *fs, uint64_t ino, awp_ftype t)
{
	awp_stat st;
	if (t != AWP_FT_UNKNOWN)
		return t;
	return awp_fs_stat(fs, ino, &st) == 0 ? st.type : AWP_FT_UNKNOWN;
}

int awp_dpkg_copyrights(awp_inventory *inv, awp_fs *fs, size_t from)
{
	awp_stat st;
	if (awp_fs_lookup(fs, DOC_DIR, 1, &st) < 0 || st.type != AWP_FT_DIR)
		return 0;
	struct docdir d = {0};
	int err = awp_fs_readdir(fs, st.ino, doc_ent, &d);
	if (err == AWP_ENOMEM)
		goto done;
	if (err < 0) {
		/* unreadable listing: fall back to one path lookup per package */
		if ((err = awp_inv_warn(inv, DOC_DIR, "%s", awp_error_last())) < 0)
			goto done;
	} else if (d.full && (err = awp_inv_warn(inv, DOC_DIR, "more than %d entries; the rest are looked up one by one",
						   AWP_MAX_DOC_ENTRIES)) < 0) {
		goto done;
	}
	err = 0;
	for (size_t i = from; i < inv->count && err >= 0; i++) {
		const awp_package *p = &inv->pkgs[i];
		if (strcmp(p->type, "dpkg") != 0 || !valid_name(p->name))
			continue;
		size_t k;
		if (!awp_strmap_get(&d.map, p->name, &k)) {
			if (d.full || d.n == 0)
				err = read_path(inv, fs, i, p->name);
			continue; /* no doc directory: nothing declared */
		}
		awp_ftype t = entry_type(fs, d.v[k].ino, d.v[k].type);
		if (t != AWP_FT_DIR) {
			/* a symlink to another package's doc directory, or something odd: by path */
			err = read_path(inv, fs, i, p->name);
			continue;
		}
		struct find f = {0, AWP_FT_UNKNOWN, 0};
		int e = awp_fs_readdir(fs, d.v[k].ino, find_copyright, &f);
		if (e == AWP_ENOMEM) {
			err = e;
		} else if (e < 0 || (f.found && entry_type(fs, f.ino, f.type) != AWP_FT_REG)) {
			err = read_path(inv, fs, i, p->name); /* a symlinked copyright file, or a damaged directory */
		} else if (f.found) {
			char path[512];
			snprintf(path, sizeof path, DOC_DIR "/%s/copyright", p->name);
			err = read_ino(inv, fs, i, path, f.ino);
		}
	}
done:
	for (size_t i = 0; i < d.n; i++)
		free(d.v[i].name);
	free(d.v);
	awp_strmap_free(&d.map);
	return err;
}
