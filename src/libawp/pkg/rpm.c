/*
 * pkg/rpm.c - the rpm analyzer: finds the rpm database and adds one package
 * per header. rpm keeps one database at a time, in one of three formats;
 * the newest format found wins so that a leftover older file (after
 * `rpmdb --rebuilddb` to another backend) does not count packages twice:
 * rpmdb.sqlite, then Packages.db (ndb), then Packages (Berkeley DB), in
 * /var/lib/rpm and /usr/lib/sysimage/rpm (Fedora >= 36, SUSE).
 */
#include "pkg/osdb_int.h"

#include "util/error.h"

#include <stdio.h>
#include <string.h>

struct ctx {
	awp_inventory *inv;
	const char *path;
	size_t bad;
};

static int on_blob(const uint8_t *blob, size_t len, void *payload)
{
	struct ctx *c = payload;
	int err = awp_rpm_header_add(c->inv, c->path, blob, len);
	if (err == AWP_ECORRUPT) {
		if (c->bad++ < 10)
			return awp_inv_warn(c->inv, c->path, "rpm header: %s", awp_error_last());
		return 0;
	}
	return err;
}

typedef int (*reader_fn)(const awp_osdb_reader *r, awp_rpm_blob_cb cb, void *payload);

static int read_db(awp_inventory *inv, awp_fs *fs, const char *path, uint64_t ino, reader_fn fn)
{
	awp_file *f;
	awp_osdb_reader r;
	int err = awp_osdb_open(inv, fs, path, ino, &f, &r);
	if (err <= 0)
		return err;
	struct ctx c = {inv, path, 0};
	if (r.size > AWP_MAX_DB_SIZE)
		err = awp_inv_warn(inv, path, "rpm database of %llu bytes exceeds the %u MiB limit; not read",
				   (unsigned long long)r.size, AWP_MAX_DB_SIZE >> 20);
	else if ((err = fn(&r, on_blob, &c)) < 0 && err != AWP_ENOMEM)
		err = awp_inv_warn(inv, path, "%s", awp_error_last());
	if (c.bad > 10 && err >= 0)
		err = awp_inv_warn(inv, path, "%zu more damaged rpm headers", c.bad - 10);
	awp_file_free(f);
	return err;
}

static int collect(awp_inventory *inv, awp_fs *fs)
{
	static const char *const dirs[] = {"/var/lib/rpm", "/usr/lib/sysimage/rpm"};
	static const struct {
		const char *name;
		reader_fn fn;
	} formats[] = {
		{"rpmdb.sqlite", awp_rpm_sqlite_read},
		{"Packages.db", awp_rpm_ndb_read},
		{"Packages", awp_rpm_bdb_read},
	};
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		for (size_t d = 0; d < 2; d++) {
			char path[64];
			awp_stat st;
			snprintf(path, sizeof path, "%s/%s", dirs[d], formats[i].name);
			if (awp_fs_lookup(fs, path, 1, &st) < 0 || st.type != AWP_FT_REG)
				continue;
			/* the first database found is the one rpm uses */
			return read_db(inv, fs, path, st.ino, formats[i].fn);
		}
	}
	return 0;
}

const awp_analyzer awp_analyzer_rpm = {"rpm", collect, NULL, NULL, NULL};
