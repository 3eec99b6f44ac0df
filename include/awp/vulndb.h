/*
 * awp/vulndb.h - the local advisory database: OSV records imported from
 * JSON files, directories and osv.dev-style per-ecosystem zips, stored in
 * SQLite and indexed by (ecosystem, package name).
 *
 * Why SQLite: a scan opens it in about a millisecond, looks packages up by
 * an index, and the file is inspectable with standard tools; the import is
 * built in a temporary copy and renamed into place, so an interrupted import
 * never damages the database in use. See docs/vulndb.md and
 * docs/benchmarks.md for the measurements.
 */
#ifndef AWP_VULNDB_H
#define AWP_VULNDB_H

#include <awp/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awp_vulndb awp_vulndb;

/**
 * The default database path: $AWP_DB, else $XDG_CACHE_HOME/awp/vuln.db,
 * else $HOME/.cache/awp/vuln.db. Returns a static buffer.
 */
AWP_EXTERN const char *awp_vulndb_default_path(void);

/** Called for each problem met while importing (a file, a record). */
typedef void (*awp_vulndb_warn_cb)(const char *where, const char *message, void *payload);

typedef struct awp_vulndb_import_stats {
	size_t files;        /**< JSON documents read */
	size_t advisories;   /**< records stored (new or replaced) */
	size_t unchanged;    /**< records already present with the same modified time */
	size_t withdrawn;    /**< withdrawn records (not stored; removed if present) */
	size_t invalid;      /**< records or files rejected, each reported through warn */
	size_t affected;     /**< (advisory, package) entries stored */
	size_t kev;          /**< CISA KEV catalog entries stored (a catalog replaces the previous one) */
	size_t epss;         /**< EPSS scores stored (a score file replaces the previous one) */
} awp_vulndb_import_stats;

/**
 * Import OSV JSON from each input (a .json file, a directory searched
 * recursively for .json files, or a .zip of them) into the database at
 * db_path, creating it if needed. The new database is written beside the
 * old one and renamed over it only when the import completed.
 * @return 0 (bad records are warnings), or an error when nothing could be
 *         written (the old database is untouched)
 */
AWP_EXTERN int awp_vulndb_import(const char *db_path, const char *const *inputs, size_t n,
				 awp_vulndb_warn_cb warn, void *payload, awp_vulndb_import_stats *stats);

/*
 * Exploitation data. `awp_vulndb_import` also recognises, among the files it
 * is given (not inside directories or zips):
 *   - CISA's Known Exploited Vulnerabilities catalog (JSON with
 *     "vulnerabilities": [{"cveID": ..., "dateAdded": ...}]);
 *   - a FIRST EPSS score file (CSV, plain or gzip: an optional
 *     "#model_version:...,score_date:..." line, then "cve,epss,percentile").
 * Each replaces the previous catalog / score set in the database.
 */

/** What is known about the exploitation of one CVE. */
typedef struct awp_vulndb_exploit {
	int kev;                   /**< in the KEV catalog */
	char kev_date_added[16];   /**< "2021-12-10", "" */
	int kev_ransomware;        /**< knownRansomwareCampaignUse is "Known" */
	double epss;               /**< probability of exploitation in 30 days, -1 unknown */
	double epss_percentile;    /**< -1 unknown */
} awp_vulndb_exploit;

/** Which exploitation data the database holds (counts 0: none). */
typedef struct awp_vulndb_exploit_sources {
	size_t kev_count;
	char kev_catalog_version[32];  /**< "2024.05.01", "" */
	char kev_date_released[40];
	size_t epss_count;
	char epss_model_version[40];   /**< "v2023.03.01", "" */
	char epss_score_date[40];      /**< "2024-05-01T00:00:00+0000", "" */
} awp_vulndb_exploit_sources;

/**
 * Look up a CVE id ("CVE-2021-44228"; other ids are never listed).
 * @return 1 when something is known, 0 when not (out says unknown: kev 0,
 *         epss -1), or a database error
 */
AWP_EXTERN int awp_vulndb_exploit_get(awp_vulndb *db, const char *cve, awp_vulndb_exploit *out);
AWP_EXTERN int awp_vulndb_exploit_sources_get(awp_vulndb *db, awp_vulndb_exploit_sources *out);

/** Open for lookups (read-only). AWP_ENOTFOUND when the file is absent. */
AWP_EXTERN int awp_vulndb_open(awp_vulndb **out, const char *db_path);
AWP_EXTERN void awp_vulndb_close(awp_vulndb *db);

/** When the database was last written (seconds since the epoch). */
AWP_EXTERN int64_t awp_vulndb_built_at(const awp_vulndb *db);

/** Per-ecosystem count, for `awp db info`. */
typedef int (*awp_vulndb_count_cb)(const char *ecosystem, size_t advisories, void *payload);
AWP_EXTERN int awp_vulndb_counts(awp_vulndb *db, awp_vulndb_count_cb cb, void *payload);

/** One advisory's entry for one package, as stored (borrowed during the callback). */
typedef struct awp_vulndb_entry {
	const char *id;            /**< OSV id */
	const char *modified;
	const char *published;
	const char *summary;
	const char *ecosystem;     /**< as in the advisory: "Debian:11", "npm" */
	const char *name;          /**< package name as in the advisory */
	const char *aliases_json;  /**< JSON array of strings */
	const char *severity_json; /**< OSV severity array, "[]" when none */
	const char *refs_json;     /**< OSV references array */
	const char *affected_json; /**< the whole OSV affected[] item (ranges, versions, ...) */
	const char *db_specific_json; /**< the advisory's database_specific object, "{}" */
} awp_vulndb_entry;

/** Return 0 to go on, nonzero to stop. */
typedef int (*awp_vulndb_entry_cb)(const awp_vulndb_entry *e, void *payload);

/**
 * Every stored entry for (ecosystem, name). `ecosystem` is matched exactly
 * ("Debian:12"); names are compared in the ecosystem's normal form (PyPI:
 * PEP 503; others as given).
 */
AWP_EXTERN int awp_vulndb_lookup(awp_vulndb *db, const char *ecosystem, const char *name,
				 awp_vulndb_entry_cb cb, void *payload);

/** A package name in its ecosystem's normal form into buf (PyPI: lowercase,
 *  runs of "-_." as "-"). */
AWP_EXTERN const char *awp_vulndb_name_key(const char *ecosystem, const char *name, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
