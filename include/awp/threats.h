/*
 * awp/threats.h - is the machine already compromised? Malware rules (YARA),
 * known-bad file hashes, indicators of compromise (domains, IPs, CIDRs,
 * URLs) in the places where persistence lives, files that no longer match
 * their package database digest, persistence tricks, and packages known to
 * be malicious (OSV "MAL-" advisories).
 *
 * Two steps: load a threat database once (rules compiled and cached, lists
 * parsed; problems with single rule files or list lines are warnings naming
 * file and line, the rest is loaded), then scan any number of filesystems
 * with it. A scan reads each regular file once: the same bytes feed the
 * hashes, the package digest check, YARA and the archive reader.
 *
 * Nothing is ever passed off as clean: a file or archive that could not be
 * fully scanned (size, time, depth, entry count, inflated size) is reported
 * as an AWP_THREAT_SCAN_LIMIT threat. See docs/threats.md.
 */
#ifndef AWP_THREATS_H
#define AWP_THREATS_H

#include <awp/fs.h>
#include <awp/inventory.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum awp_threat_kind {
	AWP_THREAT_MALWARE = 0,        /**< a YARA rule matched */
	AWP_THREAT_HASH,               /**< a file's hash is on a blocklist */
	AWP_THREAT_IOC,                /**< a listed domain/IP/URL where persistence lives */
	AWP_THREAT_TAMPERING,          /**< a packaged file differs from its package digest */
	AWP_THREAT_PERSISTENCE,        /**< ld.so.preload, unowned SUID, exec in /tmp, forced ssh command, hosts hijack */
	AWP_THREAT_MALICIOUS_PACKAGE,  /**< an installed package has an OSV MAL- advisory */
	AWP_THREAT_SCAN_LIMIT,         /**< something was not fully scanned (never "clean") */
	AWP_THREAT_KIND_COUNT
} awp_threat_kind;

typedef enum awp_threat_severity {
	AWP_SEV_INFO = 0,
	AWP_SEV_LOW,
	AWP_SEV_MEDIUM,
	AWP_SEV_HIGH,
	AWP_SEV_CRITICAL,
} awp_threat_severity;

/** One threat. Strings are borrowed from the report and never NULL ("" when absent). */
typedef struct awp_threat {
	awp_threat_kind kind;
	awp_threat_severity severity;
	const char *rule;        /**< rule, IOC or feed id: "EICAR_Test_File", "203.0.113.77", "MAL-2024-1" */
	const char *source;      /**< where the rule/entry came from: "builtin:eicar.yar", "iocs.txt:3", "osv" */
	const char *path;        /**< file in the filesystem; inside an archive "a.jar!/x/y.class" */
	unsigned long line;      /**< 1-based line of the evidence, 0 when none */
	const char *evidence;    /**< the line, matched bytes (escaped) or digests; capped */
	const char *description; /**< what this is */
	const char *remediation; /**< what to do */
	const char *package;     /**< owning or malicious package "name version", "" */
} awp_threat;

typedef struct awp_threat_db awp_threat_db;

#define AWP_THREAT_DB_OPTIONS_VERSION 1
typedef struct awp_threat_db_options {
	int version;
	int no_default_rules;          /**< do not load the built-in YARA rules */
	int no_default_lists;          /**< do not load the built-in hash/IOC lists */
	const char *const *rule_paths; /**< user YARA files or directories (*.yar, *.yara) */
	size_t rule_path_count;
	const char *const *hash_files; /**< hash blocklists (docs/threats.md) */
	size_t hash_file_count;
	const char *const *ioc_files;  /**< IOC lists (docs/threats.md) */
	size_t ioc_file_count;
	/** Where compiled rules are cached: NULL = $AWP_CACHE_DIR, else
	 *  $XDG_CACHE_HOME/awp, else $HOME/.cache/awp; "" = no cache. */
	const char *cache_dir;
} awp_threat_db_options;
#define AWP_THREAT_DB_OPTIONS_INIT {AWP_THREAT_DB_OPTIONS_VERSION, 0, 0, NULL, 0, NULL, 0, NULL, 0, NULL}

/**
 * Load rules and lists. A rule file that does not compile, a list line that
 * is not valid: a warning "file:line: message" (awp_threat_db_warning_*),
 * the rest is loaded.
 * @param opts NULL for defaults
 * @return 0; AWP_ENOTFOUND for a named file or directory that does not
 *         exist; AWP_ERROR when YARA cannot be initialised; AWP_ENOMEM
 */
AWP_EXTERN int awp_threat_db_load(awp_threat_db **out, const awp_threat_db_options *opts);
AWP_EXTERN void awp_threat_db_free(awp_threat_db *db);

AWP_EXTERN size_t awp_threat_db_warning_count(const awp_threat_db *db);
/** "file:line: message" (borrowed), NULL past the end. */
AWP_EXTERN const char *awp_threat_db_warning(const awp_threat_db *db, size_t i);

typedef struct awp_threat_db_stats {
	size_t rule_files;     /**< rule files compiled in (built-in + user) */
	size_t rules;          /**< YARA rules */
	size_t hashes;         /**< blocklisted digests */
	size_t iocs;           /**< domains + IPs + CIDRs + URLs */
	int cache_hit;         /**< compiled rules came from the cache */
	const char *cache_path;/**< the cache file used or written, "" when none */
} awp_threat_db_stats;
AWP_EXTERN void awp_threat_db_stats_get(const awp_threat_db *db, awp_threat_db_stats *out);

typedef struct awp_threat_report awp_threat_report;

#define AWP_THREAT_SCAN_OPTIONS_VERSION 2
typedef struct awp_threat_scan_options {
	int version;
	uint64_t max_file_size;    /**< YARA-scan files up to this size (0 = 512 MiB); larger: scan_limit */
	unsigned timeout_sec;      /**< YARA time per block (0 = 30 s) */
	size_t block_size;         /**< memory bound for one read/scan block (0 = 16 MiB) */
	unsigned archive_depth;    /**< nested archive depth (0 = 4) */
	size_t archive_entries;    /**< entries per archive (0 = 20000) */
	uint64_t archive_inflated; /**< inflated bytes per top-level archive (0 = 1 GiB) */
	int no_archives;           /**< do not look inside archives */
	int no_tampering;          /**< skip the package digest check */
	/** Also YARA-scan packaged files whose digest matched their package
	 *  database (by default they are skipped: byte-identical to what the
	 *  distribution shipped). */
	int scan_verified;
	/** Inventory of this filesystem (borrowed), or NULL: the scan collects
	 *  one (language packages too when vulndb_path names a database). */
	const awp_inventory *inventory;
	/** Advisory database for MAL- matching: NULL = awp_vulndb_default_path()
	 *  when it exists, "" = none. */
	const char *vulndb_path;
	/** Worker threads reading and scanning files (version >= 2): 0 = one
	 *  per online CPU (at most 16), 1 = all in the calling thread. Each
	 *  worker opens its own handle on the filesystem (awp_fs_reopen). */
	unsigned threads;
} awp_threat_scan_options;
#define AWP_THREAT_SCAN_OPTIONS_INIT {AWP_THREAT_SCAN_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, 0}

/**
 * Scan a filesystem (normally a target's root).
 * @return 0 (threats and per-file problems are in the report), or an error
 *         when the scan could not run at all
 */
AWP_EXTERN int awp_threats_scan(awp_threat_report **out, awp_fs *fs, const awp_threat_db *db,
				const awp_threat_scan_options *opts);
AWP_EXTERN void awp_threat_report_free(awp_threat_report *r);

/** Threats sorted by path, line, kind, rule. */
AWP_EXTERN size_t awp_threat_count(const awp_threat_report *r);
AWP_EXTERN const awp_threat *awp_threat_get(const awp_threat_report *r, size_t i);
/** Problems that are not threats (a file that could not be read). */
AWP_EXTERN size_t awp_threat_warning_count(const awp_threat_report *r);
AWP_EXTERN const char *awp_threat_warning(const awp_threat_report *r, size_t i);

typedef struct awp_threat_scan_stats {
	size_t files;           /**< regular files read */
	uint64_t bytes;         /**< bytes read */
	size_t yara_scans;      /**< yr_rules_scan_mem calls */
	size_t hashed;          /**< executables/scripts looked up in the hash sets */
	size_t digest_checked;  /**< packaged files compared with their digest */
	size_t verified_skipped;/**< packaged files not YARA-scanned: digest verified */
	size_t archives;        /**< archives opened (nested included) */
	size_t archive_entries; /**< entries scanned inside archives */
	size_t ioc_files;       /**< files searched for IOCs */
	size_t packages_checked;/**< packages looked up for MAL- advisories */
	int vulndb_used;        /**< a database was available for MAL- matching */
} awp_threat_scan_stats;
AWP_EXTERN const awp_threat_scan_stats *awp_threat_report_stats(const awp_threat_report *r);

/** The report as JSON (docs/threats.md); caller frees *out. */
AWP_EXTERN int awp_threat_report_json(char **out, size_t *len, const awp_threat_report *r, const char *target);

/** "malware", "hash", "ioc", "tampering", "persistence", "malicious_package", "scan_limit". */
AWP_EXTERN const char *awp_threat_kind_name(awp_threat_kind k);
/** "info", "low", "medium", "high", "critical". */
AWP_EXTERN const char *awp_threat_severity_name(awp_threat_severity s);

#ifdef __cplusplus
}
#endif
#endif
