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
/**
 * Where one ecosystem's data came from, stored in the database (table
 * `source`) by the same atomic replacement that imports the data.
 */
typedef struct awp_vulndb_source {
	const char *ecosystem;     /**< "Debian", "crates.io" (the export's name) */
	const char *url;           /**< URL or file the export was read from */
	const char *etag;          /**< the server's ETag, verbatim ("" when none) */
	const char *last_modified; /**< the server's Last-Modified, verbatim ("" when none) */
	int64_t fetched_at;        /**< when this data was downloaded (unix time; 0 = keep stored) */
	int64_t checked_at;        /**< when the source last confirmed it (200 or 304) */
	uint64_t size;             /**< bytes of the export (0 when unknown) */
} awp_vulndb_source;

#define AWP_VULNDB_IMPORT_OPTIONS_VERSION 1
typedef struct awp_vulndb_import_options {
	unsigned version;                 /**< AWP_VULNDB_IMPORT_OPTIONS_VERSION */
	awp_vulndb_warn_cb warn;          /**< may be NULL */
	void *payload;
	const awp_vulndb_source *sources; /**< rows to insert or replace in `source` */
	size_t n_sources;
} awp_vulndb_import_options;
#define AWP_VULNDB_IMPORT_OPTIONS_INIT {AWP_VULNDB_IMPORT_OPTIONS_VERSION, NULL, NULL, NULL, 0}

/**
 * awp_vulndb_import() with options: also records `sources` in the new file
 * before it is renamed into place, so data and its provenance change
 * together or not at all. With n == 0 only the source rows change and
 * built_at is kept.
 */
AWP_EXTERN int awp_vulndb_import_ext(const char *db_path, const char *const *inputs, size_t n,
				     const awp_vulndb_import_options *opts, awp_vulndb_import_stats *stats);

/* ---- awp db update: download per-ecosystem exports --------------------- */

/** osv.dev's public bucket: <base>/<Ecosystem>/all.zip. */
#define AWP_VULNDB_DEFAULT_SOURCE "https://osv-vulnerabilities.storage.googleapis.com"

/** The ecosystems awp can match, updated when none are named (NULL-terminated). */
AWP_EXTERN const char *const *awp_vulndb_default_ecosystems(void);

typedef enum awp_vulndb_update_status {
	AWP_VULNDB_UPDATED = 0,   /**< new data downloaded and imported */
	AWP_VULNDB_UNCHANGED = 1, /**< the source said not modified (304, or same file) */
	AWP_VULNDB_MISSING = 2,   /**< the source does not offer it (404, no file) */
	AWP_VULNDB_FAILED = 3,    /**< download, verification or import failed; old data kept */
} awp_vulndb_update_status;

/** The outcome for one ecosystem (borrowed during the callback). */
typedef struct awp_vulndb_update_report {
	const char *ecosystem;
	const char *url;
	awp_vulndb_update_status status;
	long http_status;    /**< last HTTP status, 0 for files or no response */
	unsigned attempts;   /**< requests made */
	uint64_t bytes;      /**< bytes downloaded */
	const char *message; /**< why it failed or was missing, else "" */
} awp_vulndb_update_report;

typedef void (*awp_vulndb_report_cb)(const awp_vulndb_update_report *r, void *payload);
/** Download progress: total is 0 when the server did not say. */
typedef void (*awp_vulndb_progress_cb)(const char *ecosystem, uint64_t done, uint64_t total, void *payload);

#define AWP_VULNDB_UPDATE_OPTIONS_VERSION 1
typedef struct awp_vulndb_update_options {
	unsigned version;                /**< AWP_VULNDB_UPDATE_OPTIONS_VERSION */
	const char *source;              /**< base URL (http/https/file://) or directory;
					      NULL: $AWP_OSV_SOURCE, else AWP_VULNDB_DEFAULT_SOURCE */
	const char *const *ecosystems;   /**< NULL: awp_vulndb_default_ecosystems() */
	size_t n_ecosystems;
	int missing_is_error;            /**< count MISSING as FAILED (set when the caller named them) */
	unsigned max_attempts;           /**< requests per ecosystem; 0 = 4 */
	unsigned retry_base_ms;          /**< first backoff delay; 0 = 1000 ($AWP_RETRY_BASE_MS overrides) */
	unsigned connect_timeout_s;      /**< 0 = 30 */
	unsigned low_speed_time_s;       /**< abort below 1 KiB/s for this long; 0 = 60 */
	uint64_t max_bytes;              /**< per download; 0 = 2 GiB */
	awp_vulndb_warn_cb warn;         /**< import warnings (bad records) */
	awp_vulndb_report_cb report;     /**< one call per ecosystem */
	awp_vulndb_progress_cb progress; /**< may be NULL */
	void *payload;
} awp_vulndb_update_options;
#define AWP_VULNDB_UPDATE_OPTIONS_INIT {AWP_VULNDB_UPDATE_OPTIONS_VERSION, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL}

/**
 * Bring the database at db_path up to date from the source: per ecosystem, a
 * conditional request (the stored ETag / Last-Modified), retries with
 * backoff, the download written to a temporary file beside the database,
 * verified (a complete, readable zip; the server's MD5/CRC32C when sent),
 * then everything downloaded is imported by ONE awp_vulndb_import_ext() with
 * the source rows, so the database in use is replaced whole or not at all.
 * Only one update runs per database at a time (a lock file beside it).
 * @return 0 when at least one ecosystem was updated or unchanged (others may
 *         have failed: see the reports), AWP_ENETWORK / AWP_ECORRUPT / ... when
 *         none could be, or the import failed; the old database is untouched.
 */
AWP_EXTERN int awp_vulndb_update(const char *db_path, const awp_vulndb_update_options *opts,
				 awp_vulndb_import_stats *stats);

/** Open for lookups (read-only). AWP_ENOTFOUND when the file is absent. */
AWP_EXTERN int awp_vulndb_open(awp_vulndb **out, const char *db_path);
AWP_EXTERN void awp_vulndb_close(awp_vulndb *db);

/** When the database was last written (seconds since the epoch). */
AWP_EXTERN int64_t awp_vulndb_built_at(const awp_vulndb *db);

/**
 * When the data was last known current (unix time): the latest of built_at
 * and any source's checked_at. A database is stale when this is more than
 * AWP_VULNDB_STALE_SECONDS ago.
 */
AWP_EXTERN int64_t awp_vulndb_fresh_at(const awp_vulndb *db);
#define AWP_VULNDB_STALE_SECONDS (24 * 3600)

/** The stored source rows, ordered by ecosystem (borrowed during the callback). */
typedef int (*awp_vulndb_source_cb)(const awp_vulndb_source *s, void *payload);
AWP_EXTERN int awp_vulndb_sources(awp_vulndb *db, awp_vulndb_source_cb cb, void *payload);

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
