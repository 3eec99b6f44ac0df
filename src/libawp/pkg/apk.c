/*
 * pkg/apk.c - Alpine packages from /lib/apk/db/installed.
 *
 * Format (apk-tools, "installed database"): stanzas separated by blank
 * lines, each line "X:value" with a one-letter key: P name, V version,
 * A arch, o origin (source package), L licence, F a directory (relative to
 * /), R a file in the last F directory, Z the checksum of the last R file:
 * "Q1" + base64 SHA-1 (or "Q2" + base64 SHA-256).
 */
#include "pkg/osdb_int.h"

#include "util/error.h"
#include "util/mem.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INSTALLED_PATH "/lib/apk/db/installed"

struct pending_file {
	char *path;
	char *digest;
};

struct apkpkg {
	char name[256], version[128], arch[64], origin[256], license[512];
	awp_strbuf dir;
	struct pending_file *files;
	size_t nfiles, cap;
	int any;
};

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

/* "Q1<base64>" -> "sha1:<hex>" (Q2: sha256); 0 when not recognised. */
static int checksum(const char *z, char *out, size_t cap)
{
	const char *algo;
	size_t want;
	if (strncmp(z, "Q1", 2) == 0)
		algo = "sha1", want = 20;
	else if (strncmp(z, "Q2", 2) == 0)
		algo = "sha256", want = 32;
	else
		return 0;
	uint8_t bin[48];
	size_t n = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (const char *p = z + 2; *p && *p != '='; p++) {
		int v = b64val((unsigned char)*p);
		if (v < 0)
			return 0;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= sizeof bin)
				return 0;
			bin[n++] = (uint8_t)(acc >> bits);
		}
	}
	if (n != want || cap < strlen(algo) + 2 + 2 * n)
		return 0;
	size_t o = (size_t)snprintf(out, cap, "%s:", algo);
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, cap - o, "%02x", bin[i]);
	return 1;
}

static void reset(struct apkpkg *p)
{
	for (size_t i = 0; i < p->nfiles; i++) {
		free(p->files[i].path);
		free(p->files[i].digest);
	}
	p->nfiles = 0;
	p->name[0] = p->version[0] = p->arch[0] = p->origin[0] = p->license[0] = '\0';
	awp_strbuf_truncate(&p->dir, 0);
	p->any = 0;
}

static int flush(awp_inventory *inv, const char *dbpath, struct apkpkg *p)
{
	int err = 0;
	if (!p->any)
		goto out;
	if (!p->name[0] || !p->version[0]) {
		err = awp_inv_warn(inv, dbpath, "package stanza without %s", p->name[0] ? "V: (version)" : "P: (name)");
		goto out;
	}
	awp_package t = {0};
	t.type = "apk";
	t.manager = "apk";
	t.name = p->name;
	t.version = p->version;
	t.arch = p->arch;
	t.source_name = p->origin[0] ? p->origin : p->name;
	t.license = p->license;
	t.path = dbpath;
	size_t idx;
	if ((err = awp_inv_add(inv, &t, &idx)) < 0)
		goto out;
	for (size_t i = 0; i < p->nfiles; i++)
		if ((err = awp_inv_own_file(inv, idx, p->files[i].path, p->files[i].digest)) < 0)
			goto out;
out:
	reset(p);
	return err;
}

static void copy(char *dst, size_t cap, const char *v)
{
	snprintf(dst, cap, "%s", v);
}

int awp_apk_parse_installed(awp_inventory *inv, const awp_osdb_reader *r)
{
	int err;
	uint64_t limit = r->size < AWP_MAX_DB_SIZE ? r->size : AWP_MAX_DB_SIZE;
	if (r->size > AWP_MAX_DB_SIZE &&
	    (err = awp_inv_warn(inv, r->name, "apk database larger than %u MiB; rest ignored", AWP_MAX_DB_SIZE >> 20)) < 0)
		return err;
	awp_linereader lr;
	if ((err = awp_linereader_init(&lr, r, limit)) < 0)
		return err;
	struct apkpkg *p = awp_calloc(1, sizeof(*p));
	if (!p) {
		awp_linereader_free(&lr);
		return AWP_ENOMEM;
	}
	size_t len;
	while ((err = awp_linereader_next(&lr, &len)) > 0) {
		const char *l = lr.line;
		if (len == 0) {
			if ((err = flush(inv, r->name, p)) < 0)
				goto done;
			continue;
		}
		if (len < 2 || l[1] != ':')
			continue;
		p->any = 1;
		const char *v = l + 2;
		switch (l[0]) {
		case 'P': copy(p->name, sizeof p->name, v); break;
		case 'V': copy(p->version, sizeof p->version, v); break;
		case 'A': copy(p->arch, sizeof p->arch, v); break;
		case 'o': copy(p->origin, sizeof p->origin, v); break;
		case 'L': copy(p->license, sizeof p->license, v); break;
		case 'F':
			awp_strbuf_truncate(&p->dir, 0);
			if (awp_strbuf_putc(&p->dir, '/') < 0 || awp_strbuf_puts(&p->dir, v) < 0) {
				err = AWP_ENOMEM;
				goto done;
			}
			break;
		case 'R': {
			if (p->nfiles >= AWP_MAX_RPM_FILES)
				break;
			if (AWP_GROW(p->files, p->cap, p->nfiles + 1) < 0) {
				err = AWP_ENOMEM;
				goto done;
			}
			const char *d = awp_strbuf_cstr(&p->dir);
			char *path = awp_asprintf("%s%s%s", d, strcmp(d, "/") == 0 ? "" : "/", v);
			if (!path) {
				err = AWP_ENOMEM;
				goto done;
			}
			p->files[p->nfiles++] = (struct pending_file){path, NULL};
			break;
		}
		case 'Z': {
			char dg[80];
			if (p->nfiles && !p->files[p->nfiles - 1].digest && checksum(v, dg, sizeof dg) &&
			    !(p->files[p->nfiles - 1].digest = awp_strdup(dg))) {
				err = AWP_ENOMEM;
				goto done;
			}
			break;
		}
		default:
			break;
		}
	}
	if (err < 0 && err != AWP_ENOMEM && (err = awp_inv_warn(inv, r->name, "%s", awp_error_last())) < 0)
		goto done;
	err = flush(inv, r->name, p);
done:
	reset(p);
	free(p->files);
	awp_strbuf_free(&p->dir);
	free(p);
	awp_linereader_free(&lr);
	return err;
}

static int collect(awp_inventory *inv, awp_fs *fs)
{
	awp_stat st;
	if (awp_fs_lookup(fs, INSTALLED_PATH, 1, &st) < 0 || st.type != AWP_FT_REG)
		return 0;
	awp_file *f;
	awp_osdb_reader r;
	int err = awp_osdb_open(inv, fs, INSTALLED_PATH, st.ino, &f, &r);
	if (err <= 0)
		return err;
	err = awp_apk_parse_installed(inv, &r);
	awp_file_free(f);
	return err;
}

const awp_analyzer awp_analyzer_apk = {"apk", collect, NULL, NULL, NULL};
