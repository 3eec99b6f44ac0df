/*
 * vuln/vulndb_int.h - private to the vuln module: schema and limits.
 */
#ifndef AWP_VULNDB_INT_H
#define AWP_VULNDB_INT_H

#include <awp/vulndb.h>

#include <sqlite3.h>

/* Limits for downloaded or user-supplied advisory data. */
#define AWP_MAX_OSV_RECORD_SIZE (8u << 20)  /* largest real OSV record is ~1 MiB */
#define AWP_MAX_OSV_AFFECTED 10000          /* affected[] items in one record */
#define AWP_MAX_OSV_ZIP_ENTRIES 2000000     /* all of osv.dev's largest export: ~500k */

#define AWP_VULNDB_SCHEMA_VERSION "1"

/* Create tables and indexes if absent. */
int awp_vulndb_schema(sqlite3 *db, const char *path);
/* 1 when some advisory names `ecosystem` exactly ("Debian:12"), 0 if none, <0 on error. */
int awp_vulndb_has_ecosystem(awp_vulndb *db, const char *ecosystem);
/* Message for a failed sqlite call. */
int awp_vulndb_sqlerr(sqlite3 *db, const char *path, const char *what);

#endif
