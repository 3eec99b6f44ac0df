/*
 * util/sqlite_dl.c - SQLite loaded on first use (util/sqlite_dl.h).
 */
#include "util/sqlite_dl.h"

#include "util/dl.h"
#include "util/error.h"

#include <pthread.h>

/* slot, symbol */
#define FUNCS(X) \
	X(open_v2, sqlite3_open_v2) \
	X(close, sqlite3_close) \
	X(errmsg, sqlite3_errmsg) \
	X(errstr, sqlite3_errstr) \
	X(exec, sqlite3_exec) \
	X(prepare_v2, sqlite3_prepare_v2) \
	X(step, sqlite3_step) \
	X(reset, sqlite3_reset) \
	X(finalize, sqlite3_finalize) \
	X(bind_text, sqlite3_bind_text) \
	X(bind_int, sqlite3_bind_int) \
	X(bind_int64, sqlite3_bind_int64) \
	X(bind_double, sqlite3_bind_double) \
	X(column_int, sqlite3_column_int) \
	X(column_int64, sqlite3_column_int64) \
	X(column_double, sqlite3_column_double) \
	X(column_text, sqlite3_column_text) \
	X(column_blob, sqlite3_column_blob) \
	X(column_bytes, sqlite3_column_bytes) \
	X(last_insert_rowid, sqlite3_last_insert_rowid) \
	X(vfs_register, sqlite3_vfs_register) \
	X(backup_init, sqlite3_backup_init) \
	X(backup_step, sqlite3_backup_step) \
	X(backup_finish, sqlite3_backup_finish)

/* The real declarations, for AWP_DL_CHECK. */
#undef sqlite3_open_v2
#undef sqlite3_close
#undef sqlite3_errmsg
#undef sqlite3_errstr
#undef sqlite3_exec
#undef sqlite3_prepare_v2
#undef sqlite3_step
#undef sqlite3_reset
#undef sqlite3_finalize
#undef sqlite3_bind_text
#undef sqlite3_bind_int
#undef sqlite3_bind_int64
#undef sqlite3_bind_double
#undef sqlite3_column_int
#undef sqlite3_column_int64
#undef sqlite3_column_double
#undef sqlite3_column_text
#undef sqlite3_column_blob
#undef sqlite3_column_bytes
#undef sqlite3_last_insert_rowid
#undef sqlite3_vfs_register
#undef sqlite3_backup_init
#undef sqlite3_backup_step
#undef sqlite3_backup_finish
#define CHECK(slot, sym) AWP_DL_CHECK(sym, awp_sqlite_fn.slot);
FUNCS(CHECK)

AWP_DL_LOADER(FUNCS, awp_sqlite_api, awp_sqlite_fn, awp_sqlite_load, "libsqlite3.so.0", open_v2, "libsqlite3-0")

int awp_sqlite3_open_v2(const char *filename, sqlite3 **db, int flags, const char *vfs)
{
	if (awp_sqlite_load() < 0) {
		*db = NULL;
		return SQLITE_CANTOPEN;
	}
	return awp_sqlite_fn.open_v2(filename, db, flags, vfs);
}

int awp_sqlite3_vfs_register(sqlite3_vfs *vfs, int make_default)
{
	return awp_sqlite_load() < 0 ? SQLITE_ERROR : awp_sqlite_fn.vfs_register(vfs, make_default);
}

const char *awp_sqlite3_errstr(int rc)
{
	return awp_sqlite_load() < 0 ? awp_sqlite_fn_error_ : awp_sqlite_fn.errstr(rc);
}

/* A connection implies SQLite is loaded; NULL (a failed open) may not. */
const char *awp_sqlite3_errmsg(sqlite3 *db)
{
	if (!db && awp_sqlite_load() < 0)
		return awp_sqlite_fn_error_;
	return awp_sqlite_fn.errmsg(db);
}
