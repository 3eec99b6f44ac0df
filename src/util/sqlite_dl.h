/*
 * util/sqlite_dl.h - SQLite, loaded the first time awp opens a database
 * (the advisory database, or an rpmdb.sqlite met in an image).
 *
 * Why: linking libsqlite3 cost every awp process about 0.2 ms at start-up
 * while `awp sbom`, `ls`, `inspect` of most images never open a database.
 * Files that use SQLite include this header instead of <sqlite3.h>; the
 * calls keep their names (macros below) and go through pointers that
 * awp_sqlite_load() fills from libsqlite3.so.0 with dlopen (util/dl.h).
 * The entry points (sqlite3_open_v2, sqlite3_vfs_register, sqlite3_errstr,
 * sqlite3_errmsg(NULL)) load SQLite themselves and fail cleanly when it is
 * missing (SQLITE_CANTOPEN / SQLITE_ERROR, or the load error as the message,
 * with an awp error message set); every other call needs a connection,
 * statement or backup those returned. sqlite3_close, sqlite3_finalize and
 * sqlite3_backup_finish of NULL stay no-ops. No variadic function is used
 * (sqlite3_mprintf, sqlite3_config): add one with a fixed-argument macro as
 * util/curl_dl.h does for curl_easy_setopt.
 */
#ifndef AWP_UTIL_SQLITE_DL_H
#define AWP_UTIL_SQLITE_DL_H

#include <sqlite3.h>

/** Load SQLite once (thread safe). 0, or AWP_EUNSUPPORTED with a message. */
int awp_sqlite_load(void);

typedef struct awp_sqlite_api {
	int (*open_v2)(const char *filename, sqlite3 **db, int flags, const char *vfs);
	int (*close)(sqlite3 *db);
	const char *(*errmsg)(sqlite3 *db);
	const char *(*errstr)(int rc);
	int (*exec)(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *arg, char **errmsg);
	int (*prepare_v2)(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st, const char **tail);
	int (*step)(sqlite3_stmt *st);
	int (*reset)(sqlite3_stmt *st);
	int (*finalize)(sqlite3_stmt *st);
	int (*bind_text)(sqlite3_stmt *st, int i, const char *v, int n, void (*destructor)(void *));
	int (*bind_int)(sqlite3_stmt *st, int i, int v);
	int (*bind_int64)(sqlite3_stmt *st, int i, sqlite3_int64 v);
	int (*bind_double)(sqlite3_stmt *st, int i, double v);
	int (*column_int)(sqlite3_stmt *st, int i);
	sqlite3_int64 (*column_int64)(sqlite3_stmt *st, int i);
	double (*column_double)(sqlite3_stmt *st, int i);
	const unsigned char *(*column_text)(sqlite3_stmt *st, int i);
	const void *(*column_blob)(sqlite3_stmt *st, int i);
	int (*column_bytes)(sqlite3_stmt *st, int i);
	sqlite3_int64 (*last_insert_rowid)(sqlite3 *db);
	int (*vfs_register)(sqlite3_vfs *vfs, int make_default);
	sqlite3_backup *(*backup_init)(sqlite3 *dst, const char *dst_name, sqlite3 *src, const char *src_name);
	int (*backup_step)(sqlite3_backup *b, int pages);
	int (*backup_finish)(sqlite3_backup *b);
} awp_sqlite_api;
extern awp_sqlite_api awp_sqlite_fn;

/* Entry points that load SQLite first. */
int awp_sqlite3_open_v2(const char *filename, sqlite3 **db, int flags, const char *vfs);
int awp_sqlite3_vfs_register(sqlite3_vfs *vfs, int make_default);
const char *awp_sqlite3_errstr(int rc);
const char *awp_sqlite3_errmsg(sqlite3 *db);

static inline int awp_sqlite3_close(sqlite3 *db)
{
	return db ? awp_sqlite_fn.close(db) : SQLITE_OK;
}

static inline int awp_sqlite3_finalize(sqlite3_stmt *st)
{
	return st ? awp_sqlite_fn.finalize(st) : SQLITE_OK;
}

static inline int awp_sqlite3_backup_finish(sqlite3_backup *b)
{
	return b ? awp_sqlite_fn.backup_finish(b) : SQLITE_OK;
}

#define sqlite3_open_v2 awp_sqlite3_open_v2
#define sqlite3_vfs_register awp_sqlite3_vfs_register
#define sqlite3_errstr awp_sqlite3_errstr
#define sqlite3_errmsg awp_sqlite3_errmsg
#define sqlite3_close awp_sqlite3_close
#define sqlite3_finalize awp_sqlite3_finalize
#define sqlite3_backup_finish awp_sqlite3_backup_finish
#define sqlite3_exec (awp_sqlite_fn.exec)
#define sqlite3_prepare_v2 (awp_sqlite_fn.prepare_v2)
#define sqlite3_step (awp_sqlite_fn.step)
#define sqlite3_reset (awp_sqlite_fn.reset)
#define sqlite3_bind_text (awp_sqlite_fn.bind_text)
#define sqlite3_bind_int (awp_sqlite_fn.bind_int)
#define sqlite3_bind_int64 (awp_sqlite_fn.bind_int64)
#define sqlite3_bind_double (awp_sqlite_fn.bind_double)
#define sqlite3_column_int (awp_sqlite_fn.column_int)
#define sqlite3_column_int64 (awp_sqlite_fn.column_int64)
#define sqlite3_column_double (awp_sqlite_fn.column_double)
#define sqlite3_column_text (awp_sqlite_fn.column_text)
#define sqlite3_column_blob (awp_sqlite_fn.column_blob)
#define sqlite3_column_bytes (awp_sqlite_fn.column_bytes)
#define sqlite3_last_insert_rowid (awp_sqlite_fn.last_insert_rowid)
#define sqlite3_backup_init (awp_sqlite_fn.backup_init)
#define sqlite3_backup_step (awp_sqlite_fn.backup_step)

#endif
