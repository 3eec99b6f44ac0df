/*
 * vuln/vulndb.c - open and query the advisory database.
 *
 * Schema (version 1):
 *   meta(key PRIMARY KEY, value)            schema_version, built_at (unix time)
 *   advisory(rowid, id UNIQUE, modified, published, summary, aliases,
 *            severity, refs, db_specific)    JSON columns hold OSV's own JSON
 *   affected(advisory, ecosystem, name, name_key, item)
 *            item = the OSV affected[] element; index (ecosystem, name_key)
 *   source(ecosystem PRIMARY KEY, url, etag, last_modified, fetched_at,
 *          checked_at, size)        where each ecosystem's export came from
 *            (written by `awp db update`; absent in databases made before it)
 *   kev(cve PRIMARY KEY, date_added, ransomware)   CISA KEV catalog (kev.c)
 *   epss(cve PRIMARY KEY, epss, percentile)        FIRST EPSS scores (epss.c)
 *   meta keys kev_count, kev_catalog_version, kev_date_released, epss_count,
 *   epss_model_version, epss_score_date describe them. A database written
 *   before these tables existed simply has no exploitation data.
 */
#include "vuln/vulndb_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct awp_vulndb {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *lookup;
	sqlite3_stmt *kev, *epss;   /* NULL when the tables are absent */
	int64_t built_at;
	int64_t fresh_at;
};

int awp_vulndb_sqlerr(sqlite3 *db, const char *path, const char *what)
{
	return awp_error_set(AWP_ERROR, "advisory database %s: %s: %s", path, what, db ? sqlite3_errmsg(db) : "?");
}

int awp_vulndb_schema(sqlite3 *db, const char *path)
{
	static const char sql[] =
		"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
		"CREATE TABLE IF NOT EXISTS advisory(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL,"
		" modified TEXT, published TEXT, summary TEXT, aliases TEXT, severity TEXT, refs TEXT,"
		" db_specific TEXT);"
		"CREATE TABLE IF NOT EXISTS affected(advisory INTEGER NOT NULL, ecosystem TEXT NOT NULL,"
		" name TEXT NOT NULL, name_key TEXT NOT NULL, item TEXT NOT NULL);"
		"CREATE INDEX IF NOT EXISTS affected_pkg ON affected(ecosystem, name_key);"
		"CREATE INDEX IF NOT EXISTS affected_adv ON affected(advisory);"
		"CREATE TABLE IF NOT EXISTS source(ecosystem TEXT PRIMARY KEY, url TEXT NOT NULL,"
		" etag TEXT NOT NULL DEFAULT '', last_modified TEXT NOT NULL DEFAULT '',"
		" fetched_at INTEGER NOT NULL DEFAULT 0, checked_at INTEGER NOT NULL DEFAULT 0,"
		" size INTEGER NOT NULL DEFAULT 0);"
		"CREATE TABLE IF NOT EXISTS kev(cve TEXT PRIMARY KEY, date_added TEXT, ransomware INTEGER);"
		"CREATE TABLE IF NOT EXISTS epss(cve TEXT PRIMARY KEY, epss REAL, percentile REAL);"
		"INSERT OR IGNORE INTO meta VALUES('schema_version', '" AWP_VULNDB_SCHEMA_VERSION "');";
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return awp_vulndb_sqlerr(db, path, "creating tables");
	return 0;
}

AWP_EXTERN const char *awp_vulndb_default_path(void)
{
	static char buf[4096];
	const char *env = getenv("AWP_DB");
	if (env && *env)
		return env;
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg)
		snprintf(buf, sizeof buf, "%s/awp/vuln.db", xdg);
	else
		snprintf(buf, sizeof buf, "%s/.cache/awp/vuln.db", home && *home ? home : "/tmp");
	return buf;
}

AWP_EXTERN const char *awp_vulndb_name_key(const char *ecosystem, const char *name, char *buf, size_t cap)
{
	size_t n = 0;
	if (cap == 0)
		return "";
	if (strcmp(ecosystem, "PyPI") == 0) {
		/* PEP 503: lowercase, and any run of '-', '_', '.' is one '-'. */
		int sep = 0;
		for (const char *p = name; *p && n + 1 < cap; p++) {
			if (*p == '-' || *p == '_' || *p == '.') {
				sep = 1;
				continue;
			}
			if (sep && n > 0)
				buf[n++] = '-';
			sep = 0;
			if (n + 1 < cap)
				buf[n++] = (char)tolower((unsigned char)*p);
		}
	} else {
		for (const char *p = name; *p && n + 1 < cap; p++)
			buf[n++] = *p;
	}
	buf[n] = '\0';
	return buf;
}

AWP_EXTERN int awp_vulndb_open(awp_vulndb **out, const char *path)
{
	awp_vulndb *v = awp_calloc(1, sizeof(*v));
	if (!v || !(v->path = awp_strdup(path))) {
		free(v);
		return AWP_ENOMEM;
	}
	int err = awp_sqlite_load();
	if (err < 0)
		goto fail;
	if (sqlite3_open_v2(path, &v->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		FILE *f = fopen(path, "rb");
		if (!f)
			err = awp_error_set(AWP_ENOTFOUND, "advisory database %s not found (run 'awp db import' or 'awp db update')", path);
		else {
			fclose(f);
			err = awp_vulndb_sqlerr(v->db, path, "open");
		}
		goto fail;
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(v->db, "SELECT value FROM meta WHERE key='built_at'", -1, &st, NULL) != SQLITE_OK) {
		err = awp_error_set(AWP_ECORRUPT, "advisory database %s: not an awp database (%s)", path, sqlite3_errmsg(v->db));
		goto fail;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v->built_at = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	v->fresh_at = v->built_at;
	/* The source table is absent in databases made before `awp db update`. */
	if (sqlite3_prepare_v2(v->db, "SELECT max(checked_at) FROM source", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > v->fresh_at)
		v->fresh_at = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(v->db,
			       "SELECT a.id, a.modified, a.published, a.summary, f.ecosystem, f.name, a.aliases,"
			       " a.severity, a.refs, f.item, a.db_specific FROM affected f JOIN advisory a"
			       " ON a.rowid = f.advisory WHERE f.ecosystem = ?1 AND f.name_key = ?2 ORDER BY a.id",
			       -1, &v->lookup, NULL) != SQLITE_OK) {
		err = awp_error_set(AWP_ECORRUPT, "advisory database %s: %s", path, sqlite3_errmsg(v->db));
		goto fail;
	}
	/* Optional tables: absent in databases from before exploitation data. */
	if (sqlite3_prepare_v2(v->db, "SELECT date_added, ransomware FROM kev WHERE cve = ?1", -1, &v->kev, NULL) != SQLITE_OK)
		v->kev = NULL;
	if (sqlite3_prepare_v2(v->db, "SELECT epss, percentile FROM epss WHERE cve = ?1", -1, &v->epss, NULL) != SQLITE_OK)
		v->epss = NULL;
	*out = v;
	return 0;
fail:
	awp_vulndb_close(v);
	return err;
}

AWP_EXTERN void awp_vulndb_close(awp_vulndb *v)
{
	if (!v)
		return;
	sqlite3_finalize(v->lookup);
	sqlite3_finalize(v->kev);
	sqlite3_finalize(v->epss);
	sqlite3_close(v->db);
	free(v->path);
	free(v);
}

AWP_EXTERN int64_t awp_vulndb_built_at(const awp_vulndb *v)
{
	return v->built_at;
}

AWP_EXTERN int64_t awp_vulndb_fresh_at(const awp_vulndb *v)
{
	return v->fresh_at;
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

AWP_EXTERN int awp_vulndb_sources(awp_vulndb *v, awp_vulndb_source_cb cb, void *payload)
{
	sqlite3_stmt *st = NULL;
	/* Databases made before `awp db update` have no source table: no rows. */
	if (sqlite3_prepare_v2(v->db,
			       "SELECT ecosystem, url, etag, last_modified, fetched_at, checked_at, size FROM source"
			       " ORDER BY ecosystem",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	int rc, err = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		awp_vulndb_source s = {
			.ecosystem = col(st, 0), .url = col(st, 1), .etag = col(st, 2), .last_modified = col(st, 3),
			.fetched_at = sqlite3_column_int64(st, 4), .checked_at = sqlite3_column_int64(st, 5),
			.size = (uint64_t)sqlite3_column_int64(st, 6),
		};
		if ((err = cb(&s, payload)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = awp_vulndb_sqlerr(v->db, v->path, "reading sources");
	sqlite3_finalize(st);
	return err < 0 ? err : 0;
}

AWP_EXTERN int awp_vulndb_lookup(awp_vulndb *v, const char *ecosystem, const char *name, awp_vulndb_entry_cb cb,
				 void *payload)
{
	char key[512];
	awp_vulndb_name_key(strncmp(ecosystem, "PyPI", 4) == 0 ? "PyPI" : ecosystem, name, key, sizeof key);
	sqlite3_reset(v->lookup);
	sqlite3_bind_text(v->lookup, 1, ecosystem, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(v->lookup, 2, key, -1, SQLITE_TRANSIENT);
	int rc, err = 0;
	while ((rc = sqlite3_step(v->lookup)) == SQLITE_ROW) {
		awp_vulndb_entry e = {
			.id = col(v->lookup, 0), .modified = col(v->lookup, 1), .published = col(v->lookup, 2),
			.summary = col(v->lookup, 3), .ecosystem = col(v->lookup, 4), .name = col(v->lookup, 5),
			.aliases_json = col(v->lookup, 6), .severity_json = col(v->lookup, 7),
			.refs_json = col(v->lookup, 8), .affected_json = col(v->lookup, 9),
			.db_specific_json = col(v->lookup, 10),
		};
		if ((err = cb(&e, payload)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = awp_vulndb_sqlerr(v->db, v->path, "lookup");
	sqlite3_reset(v->lookup);
	return err < 0 ? err : 0;
}

AWP_EXTERN int awp_vulndb_counts(awp_vulndb *v, awp_vulndb_count_cb cb, void *payload)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(v->db,
			       "SELECT CASE WHEN instr(ecosystem, ':') > 0 THEN substr(ecosystem, 1, instr(ecosystem, ':') - 1)"
			       " ELSE ecosystem END AS eco, COUNT(DISTINCT advisory) FROM affected GROUP BY eco ORDER BY eco",
			       -1, &st, NULL) != SQLITE_OK)
		return awp_vulndb_sqlerr(v->db, v->path, "counting");
	int rc, err = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((err = cb(col(st, 0), (size_t)sqlite3_column_int64(st, 1), payload)) != 0)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = awp_vulndb_sqlerr(v->db, v->path, "counting");
	sqlite3_finalize(st);
	return err < 0 ? err : 0;
}

int awp_vulndb_has_ecosystem(awp_vulndb *v, const char *ecosystem)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(v->db, "SELECT 1 FROM affected WHERE ecosystem = ?1 LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return awp_vulndb_sqlerr(v->db, v->path, "ecosystem lookup");
	sqlite3_bind_text(st, 1, ecosystem, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return awp_vulndb_sqlerr(v->db, v->path, "ecosystem lookup");
}

int awp_vulndb_meta_put(sqlite3 *db, const char *db_path, const char *key, const char *value)
{
	sqlite3_stmt *st = NULL;
	int err = 0;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta VALUES(?1, ?2)", -1, &st, NULL) != SQLITE_OK)
		return awp_vulndb_sqlerr(db, db_path, "writing meta");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value ? value : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = awp_vulndb_sqlerr(db, db_path, "writing meta");
	sqlite3_finalize(st);
	return err;
}

AWP_EXTERN int awp_vulndb_exploit_get(awp_vulndb *v, const char *cve, awp_vulndb_exploit *out)
{
	memset(out, 0, sizeof(*out));
	out->epss = out->epss_percentile = -1;
	if (strncmp(cve, "CVE-", 4) != 0)
		return 0;
	int found = 0, rc;
	if (v->kev) {
		sqlite3_reset(v->kev);
		sqlite3_bind_text(v->kev, 1, cve, -1, SQLITE_TRANSIENT);
		if ((rc = sqlite3_step(v->kev)) == SQLITE_ROW) {
			found = out->kev = 1;
			snprintf(out->kev_date_added, sizeof out->kev_date_added, "%s", col(v->kev, 0));
			out->kev_ransomware = sqlite3_column_int(v->kev, 1) != 0;
		} else if (rc != SQLITE_DONE) {
			return awp_vulndb_sqlerr(v->db, v->path, "KEV lookup");
		}
		sqlite3_reset(v->kev);
	}
	if (v->epss) {
		sqlite3_reset(v->epss);
		sqlite3_bind_text(v->epss, 1, cve, -1, SQLITE_TRANSIENT);
		if ((rc = sqlite3_step(v->epss)) == SQLITE_ROW) {
			found = 1;
			out->epss = sqlite3_column_double(v->epss, 0);
			out->epss_percentile = sqlite3_column_double(v->epss, 1);
		} else if (rc != SQLITE_DONE) {
			return awp_vulndb_sqlerr(v->db, v->path, "EPSS lookup");
		}
		sqlite3_reset(v->epss);
	}
	return found;
}

static void meta_get(awp_vulndb *v, const char *key, char *buf, size_t cap)
{
	sqlite3_stmt *st = NULL;
	buf[0] = '\0';
	if (sqlite3_prepare_v2(v->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(buf, cap, "%s", col(st, 0));
	sqlite3_finalize(st);
}

AWP_EXTERN int awp_vulndb_exploit_sources_get(awp_vulndb *v, awp_vulndb_exploit_sources *out)
{
	char n[32];
	memset(out, 0, sizeof(*out));
	if (v->kev) {
		meta_get(v, "kev_count", n, sizeof n);
		out->kev_count = (size_t)strtoull(n, NULL, 10);
		meta_get(v, "kev_catalog_version", out->kev_catalog_version, sizeof out->kev_catalog_version);
		meta_get(v, "kev_date_released", out->kev_date_released, sizeof out->kev_date_released);
	}
	if (v->epss) {
		meta_get(v, "epss_count", n, sizeof n);
		out->epss_count = (size_t)strtoull(n, NULL, 10);
		meta_get(v, "epss_model_version", out->epss_model_version, sizeof out->epss_model_version);
		meta_get(v, "epss_score_date", out->epss_score_date, sizeof out->epss_score_date);
	}
	return 0;
}
