/*
 * pkg/rpm_sqlite.c - rpmdb.sqlite (rpm >= 4.16: RHEL/Alma/Rocky 9, Fedora,
 * Amazon Linux 2023): table Packages(hnum INTEGER PRIMARY KEY, blob BLOB),
 * one RPM header per row.
 *
 * The database lives inside an image, not on the host, so SQLite reads it
 * through a small read-only VFS ("awp-ro") whose files are awp readers:
 * nothing is copied whole into memory and nothing is ever written. The file
 * is opened with immutable=1 (no locks, no journal or WAL lookups). rpm
 * keeps the database in WAL mode; the header bytes 18-19 that say so are
 * presented as 1 (legacy) so that SQLite reads the main file alone - what
 * rpm checkpointed there is the committed state.
 */
#include "pkg/osdb_int.h"

#include "util/error.h"
#include "util/sqlite_dl.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define VFS_NAME "awp-ro"

struct rofile {
	sqlite3_file base;
	const awp_osdb_reader *r;
};

static int ro_close(sqlite3_file *f) { (void)f; return SQLITE_OK; }

static int ro_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	const awp_osdb_reader *r = ((struct rofile *)f)->r;
	if (amt < 0 || off < 0)
		return SQLITE_IOERR_READ;
	size_t done = 0;
	while (done < (size_t)amt) {
		size_t n = 0;
		if (awp_osdb_read(r, (char *)buf + done, (size_t)amt - done, (uint64_t)off + done, &n) < 0)
			return SQLITE_IOERR_READ;
		if (n == 0)
			break;
		done += n;
	}
	/* WAL mode -> legacy, so SQLite reads the main file only (see top). */
	if (off <= 18 && off + (sqlite3_int64)done >= 20) {
		unsigned char *p = (unsigned char *)buf + (18 - off);
		if (p[0] == 2)
			p[0] = 1;
		if (p[1] == 2)
			p[1] = 1;
	}
	if (done < (size_t)amt) {
		memset((char *)buf + done, 0, (size_t)amt - done);
		return SQLITE_IOERR_SHORT_READ;
	}
	return SQLITE_OK;
}

static int ro_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o) { (void)f; (void)b; (void)n; (void)o; return SQLITE_READONLY; }
static int ro_truncate(sqlite3_file *f, sqlite3_int64 s) { (void)f; (void)s; return SQLITE_READONLY; }
static int ro_sync(sqlite3_file *f, int flags) { (void)f; (void)flags; return SQLITE_OK; }
static int ro_size(sqlite3_file *f, sqlite3_int64 *out) { *out = (sqlite3_int64)((struct rofile *)f)->r->size; return SQLITE_OK; }
static int ro_lock(sqlite3_file *f, int l) { (void)f; (void)l; return SQLITE_OK; }
static int ro_reserved(sqlite3_file *f, int *out) { (void)f; *out = 0; return SQLITE_OK; }
static int ro_fcntl(sqlite3_file *f, int op, void *arg) { (void)f; (void)op; (void)arg; return SQLITE_NOTFOUND; }
static int ro_sector(sqlite3_file *f) { (void)f; return 4096; }
static int ro_devchar(sqlite3_file *f) { (void)f; return SQLITE_IOCAP_IMMUTABLE; }

static const sqlite3_io_methods ro_methods = {
	1, ro_close, ro_read, ro_write, ro_truncate, ro_sync, ro_size, ro_lock, ro_lock,
	ro_reserved, ro_fcntl, ro_sector, ro_devchar, NULL, NULL, NULL, NULL, NULL, NULL,
};

/* The main database name is "/awp-ro/<address of the reader>". */
static int vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *outflags)
{
	(void)vfs;
	struct rofile *rf = (struct rofile *)f;
	rf->base.pMethods = NULL;
	void *ptr = NULL;
	if (!name || !(flags & SQLITE_OPEN_MAIN_DB) || sscanf(name, "/awp-ro/%p", &ptr) != 1 || !ptr)
		return SQLITE_CANTOPEN;
	rf->r = ptr;
	rf->base.pMethods = &ro_methods;
	if (outflags)
		*outflags = SQLITE_OPEN_READONLY;
	return SQLITE_OK;
}

static int vfs_delete(sqlite3_vfs *v, const char *n, int s) { (void)v; (void)n; (void)s; return SQLITE_READONLY; }
static int vfs_access(sqlite3_vfs *v, const char *n, int flags, int *out) { (void)v; (void)n; (void)flags; *out = 0; return SQLITE_OK; }
static int vfs_fullpath(sqlite3_vfs *v, const char *n, int cap, char *out)
{
	(void)v;
	snprintf(out, (size_t)cap, "%s", n);
	return SQLITE_OK;
}
static int vfs_random(sqlite3_vfs *v, int n, char *out) { (void)v; memset(out, 0, (size_t)n); return n; }
static int vfs_sleep(sqlite3_vfs *v, int us) { (void)v; return us; }
static int vfs_time(sqlite3_vfs *v, double *out) { (void)v; *out = 2440587.5; return SQLITE_OK; }
static int vfs_lasterr(sqlite3_vfs *v, int n, char *out) { (void)v; if (n > 0) out[0] = 0; return 0; }

static sqlite3_vfs ro_vfs = {
	1, sizeof(struct rofile), 512, NULL, VFS_NAME, NULL,
	vfs_open, vfs_delete, vfs_access, vfs_fullpath, NULL, NULL, NULL, NULL,
	vfs_random, vfs_sleep, vfs_time, vfs_lasterr, NULL, NULL, NULL, NULL,
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int reg_rc = SQLITE_ERROR;
static void reg(void) { reg_rc = sqlite3_vfs_register(&ro_vfs, 0); }

int awp_rpm_sqlite_read(const awp_osdb_reader *r, awp_rpm_blob_cb cb, void *payload)
{
	int lerr = awp_sqlite_load();
	if (lerr < 0)
		return lerr;
	pthread_once(&once, reg);
	if (reg_rc != SQLITE_OK)
		return awp_error_set(AWP_ERROR, "sqlite: cannot register the read-only VFS");
	char uri[128];
	snprintf(uri, sizeof uri, "file:/awp-ro/%p?immutable=1", (const void *)r);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int err = 0;
	int rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, VFS_NAME);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		err = awp_error_set(AWP_ECORRUPT, "%s: sqlite: %s", r->name, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *blob = sqlite3_column_blob(st, 1);
		int n = sqlite3_column_bytes(st, 1);
		if (n < 0)
			n = 0;
		if ((err = cb(blob ? blob : "", (size_t)n, payload)) < 0)
			goto done;
	}
	if (rc != SQLITE_DONE)
		err = awp_error_set(AWP_ECORRUPT, "%s: sqlite: %s", r->name, sqlite3_errmsg(db));
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return err;
}
