/*
 * awp/vuln.h - which known vulnerabilities affect the packages of an
 * inventory: OSV advisories from the local database (awp/vulndb.h) matched
 * against each package's exact version with its ecosystem's ordering
 * (awp/version.h), merged by alias, with a normalised severity and the
 * version that fixes them.
 *
 * The semantics (ecosystem per package, OSV range evaluation, alias merging,
 * the fixed version reported, severity sources) are described in
 * docs/vuln-matching.md.
 */
#ifndef AWP_VULN_H
#define AWP_VULN_H

#include <awp/inventory.h>
#include <awp/vulndb.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Normalised severity, ordered: a higher value is more severe. */
typedef enum awp_severity {
	AWP_SEVERITY_UNKNOWN = 0,
	AWP_SEVERITY_LOW,
	AWP_SEVERITY_MEDIUM,
	AWP_SEVERITY_HIGH,
	AWP_SEVERITY_CRITICAL,
	AWP_SEVERITY_COUNT
} awp_severity;

/** "unknown", "low", "medium", "high", "critical". */
AWP_EXTERN const char *awp_severity_name(awp_severity s);

/**
 * One finding: one package affected by one vulnerability, possibly described
 * by several advisories merged through shared ids/aliases. Strings are never
 * NULL except fixed_version; all are owned by the report.
 */
typedef struct awp_vuln_finding {
	const char *id;                  /**< primary id (CVE, else GHSA, else the advisory's id) */
	const char *const *ids;          /**< every id and alias, primary first */
	size_t id_count;
	const char *const *advisories;   /**< the OSV records merged into this finding */
	size_t advisory_count;

	size_t package_index;            /**< index in the inventory */
	const char *pkg_type;            /**< "dpkg", "npm", ... */
	const char *pkg_name;
	const char *pkg_version;
	const char *pkg_path;            /**< the file that proves the package */
	const char *pkg_entry;           /**< inside an archive, "" */
	const char *pkg_manager;
	const char *pkg_purl;
	const char *source_name;         /**< dpkg/rpm source, apk origin, "" */
	const char *source_version;

	const char *matched_name;        /**< the name the advisory uses (the source package for dpkg/apk) */
	const char *installed_version;   /**< the version compared (the source version for dpkg) */
	const char *fixed_version;       /**< lowest version above the installed one that fixes every
	                                      merged advisory; NULL: no fix yet */
	const char *ecosystem;           /**< the advisory's ecosystem: "Debian:11", "npm" */

	awp_severity severity;
	double score;                    /**< CVSS score, -1 when none */
	const char *severity_source;     /**< "cvss_v3.1 vector", "ghsa", "almalinux", ... ("" when unknown) */
	const char *severity_vector;     /**< the CVSS vector the score comes from, "" */
	const char *summary;
	const char *const *references;   /**< URLs */
	size_t reference_count;
} awp_vuln_finding;

/** Called for each problem met while matching (an invalid version...). */
typedef void (*awp_vuln_warn_cb)(const char *where, const char *message, void *payload);

#define AWP_VULN_OPTIONS_VERSION 1
typedef struct awp_vuln_options {
	int version;
	int os_packages;          /**< match dpkg/rpm/apk packages (default 1) */
	int lang_packages;        /**< match language packages (default 1) */
	awp_vuln_warn_cb warn;    /**< may be NULL: warnings are only counted */
	void *payload;
} awp_vuln_options;
#define AWP_VULN_OPTIONS_INIT {AWP_VULN_OPTIONS_VERSION, 1, 1, NULL, NULL}

/** Counters of one matching run. */
typedef struct awp_vuln_stats {
	size_t packages;          /**< packages in the inventory */
	size_t matched;           /**< packages looked up in the database */
	size_t unsupported;       /**< packages not looked up: no OSV ecosystem for their OS or type */
	size_t affected;          /**< packages with at least one finding */
	size_t lookups;           /**< distinct (ecosystem, name) looked up */
	size_t invalid_versions;  /**< installed versions the ecosystem's ordering rejects (not matched) */
	size_t invalid_events;    /**< advisory events/versions skipped as invalid */
	double seconds;           /**< time spent matching */
} awp_vuln_stats;

typedef struct awp_vuln_report awp_vuln_report;

/**
 * Match every package of `inv` against the advisories of `db`.
 * @param out  receives the report, findings sorted by severity (critical
 *             first), then score, package name, version and id; free with
 *             awp_vuln_report_free()
 * @param opts NULL for defaults
 * @return 0 (bad versions and advisory data are warnings), AWP_ENOMEM, or
 *         a database error
 */
AWP_EXTERN int awp_vuln_match(awp_vuln_report **out, awp_vulndb *db, const awp_inventory *inv,
			      const awp_vuln_options *opts);
AWP_EXTERN void awp_vuln_report_free(awp_vuln_report *r);

AWP_EXTERN size_t awp_vuln_report_count(const awp_vuln_report *r);
AWP_EXTERN const awp_vuln_finding *awp_vuln_report_get(const awp_vuln_report *r, size_t i);
/** Findings of one severity level. */
AWP_EXTERN size_t awp_vuln_report_severity_count(const awp_vuln_report *r, awp_severity s);
AWP_EXTERN const awp_vuln_stats *awp_vuln_report_stats(const awp_vuln_report *r);
/** The OS the report is about (copied from the inventory). */
AWP_EXTERN const awp_os_info *awp_vuln_report_os(const awp_vuln_report *r);
/** The ecosystem(s) used for OS packages ("Debian:11", "Ubuntu:22.04:LTS Ubuntu:Pro:22.04:LTS"), "" if none. */
AWP_EXTERN const char *awp_vuln_report_os_ecosystem(const awp_vuln_report *r);
/** When the database was built (seconds since the epoch, 0 unknown). */
AWP_EXTERN int64_t awp_vuln_report_db_built_at(const awp_vuln_report *r);
/** Notes about what could not be matched ("OS rhel 9: no OSV data; 420 rpm packages not matched"). */
AWP_EXTERN size_t awp_vuln_report_note_count(const awp_vuln_report *r);
AWP_EXTERN const char *awp_vuln_report_note(const awp_vuln_report *r, size_t i);

/**
 * The report as JSON (schema in docs/vuln-matching.md).
 * @param out    receives a NUL-terminated string the caller frees with free()
 * @param target what was scanned (a path), written as "target"
 * @param now    the current time (seconds since the epoch) for the database age
 * @return 0 or AWP_ENOMEM
 */
AWP_EXTERN int awp_vuln_report_json(char **out, const awp_vuln_report *r, const char *target, int64_t now);

#ifdef __cplusplus
}
#endif
#endif
