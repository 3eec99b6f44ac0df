/*
 * vuln/vulndb_int.h - private to the vuln module: schema and limits.
 */
#ifndef AWP_VULNDB_INT_H
#define AWP_VULNDB_INT_H

#include <awp/vulndb.h>

#include "util/sqlite_dl.h"

/* Limits for downloaded or user-supplied advisory data. */
#define AWP_MAX_OSV_RECORD_SIZE (8u << 20)  /* largest real OSV record is ~1 MiB */
#define AWP_MAX_OSV_AFFECTED 10000          /* affected[] items in one record */
#define AWP_MAX_OSV_ZIP_ENTRIES 2000000     /* all of osv.dev's largest export: ~500k */

/* Exploitation data (CISA KEV catalog, FIRST EPSS scores). */
#define AWP_MAX_KEV_SIZE (64u << 20)        /* the real catalog is ~1.5 MiB */
#define AWP_MAX_KEV_ENTRIES 1000000         /* ~1,300 in 2025 */
#define AWP_MAX_EPSS_ROWS 5000000           /* ~300k CVEs scored in 2025 */
#define AWP_MAX_EPSS_LINE 1024              /* real lines are ~40 bytes */

#define AWP_VULNDB_SCHEMA_VERSION "1"

/* Warnings of an import, shared by the OSV, KEV and EPSS importers. */
typedef void (*awp_vulndb_warnf)(void *ctx, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* 1 when the first bytes of a file look like a KEV catalog / an EPSS score file. */
int awp_kev_sniff(const char *head, size_t n);
int awp_epss_sniff(const unsigned char *head, size_t n);
/* Replace the KEV / EPSS tables of `db` (in a transaction the caller owns)
 * with the file's content; bad rows are warnings; *count receives the rows
 * stored. Returns 0 (even with warnings), or an error when nothing could be
 * stored because the database failed. */
int awp_kev_import(sqlite3 *db, const char *db_path, const char *file, awp_vulndb_warnf warn, void *ctx, size_t *count);
int awp_epss_import(sqlite3 *db, const char *db_path, const char *file, awp_vulndb_warnf warn, void *ctx, size_t *count);
/* Store a meta key (INSERT OR REPLACE). */
int awp_vulndb_meta_put(sqlite3 *db, const char *db_path, const char *key, const char *value);

/* Create tables and indexes if absent. */
int awp_vulndb_schema(sqlite3 *db, const char *path);
/* 1 when some advisory names `ecosystem` exactly ("Debian:12"), 0 if none, <0 on error. */
int awp_vulndb_has_ecosystem(awp_vulndb *db, const char *ecosystem);
/* Message for a failed sqlite call. */
int awp_vulndb_sqlerr(sqlite3 *db, const char *path, const char *what);

#endif
