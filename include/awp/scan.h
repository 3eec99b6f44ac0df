/*
 * awp/scan.h - one scan of a target: the inventory, its vulnerabilities, and
 * the findings of content scanners (secrets, threats), with an overview, a
 * risk score, a remediation plan, filters and an ignore file.
 *
 * Every kind of finding is seen through one small record (awp_finding):
 * kind, id, severity, path, line, title, evidence, remediation. The
 * vulnerability matcher's findings are wrapped in it (with their KEV/EPSS
 * data); content scanners emit it through awp_scan_emit().
 *
 * Content scanners plug in as file visitors (awp_scan_file_visitor): the scan
 * walks each filesystem once (the inventory's own walk), offers every file to
 * the visitors, and feeds the content of the files they want, in chunks, on
 * a worker thread with its own filesystem handle while the walk goes on.
 * Built-in visitors are listed in one table (src/libawp/scan/scanners.c); a
 * scanner whose module is not built in is reported as "not run" with the
 * reason, never with made-up results.
 *
 * Risk formula: docs/risk-score.md. Report formats: awp/report.h.
 */
#ifndef AWP_SCAN_H
#define AWP_SCAN_H

#include <awp/fs.h>
#include <awp/inventory.h>
#include <awp/vuln.h>
#include <awp/vulndb.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Findings ------------------------------------------------------------ */

typedef enum awp_finding_kind {
	AWP_FINDING_VULN = 0,
	AWP_FINDING_SECRET,
	AWP_FINDING_THREAT,
	AWP_FINDING_KIND_COUNT
} awp_finding_kind;

/** "vulnerability", "secret", "threat". */
AWP_EXTERN const char *awp_finding_kind_name(awp_finding_kind k);

/**
 * One finding of any kind. Content scanners fill the first block and pass it
 * to awp_scan_emit(), which copies every string; the scan fills the rest.
 * Strings are never NULL in a result ("" when absent).
 */
typedef struct awp_finding {
	awp_finding_kind kind;
	const char *id;           /**< vulnerability id (CVE...), or the rule id ("aws-access-key") */
	awp_severity severity;
	const char *category;     /**< secret kind ("cloud", "private-key"), threat class ("malware",
	                               "webshell", "miner"); for vulnerabilities the package type */
	const char *title;        /**< one line for people */
	const char *path;         /**< file inside the filesystem */
	uint64_t line;            /**< 1-based, 0 when not applicable */
	const char *evidence;     /**< what was seen; for secrets ALWAYS redacted by the scanner */
	const char *fingerprint;  /**< stable key for the ignore file (secrets: "fp1:..."), "" */
	const char *package;      /**< package that owns the file, "" */
	const char *remediation;  /**< what to do; "" lets the report use the kind's default */

	/* Filled by the scan. */
	const char *volume;       /**< the volume the file is on ("p1"), "" for a directory target */
	const awp_vuln_finding *vuln; /**< AWP_FINDING_VULN: the matcher's finding (borrowed from the result) */
	int kev;                  /**< listed in CISA's Known Exploited Vulnerabilities catalog */
	const char *kev_date_added; /**< "2021-12-10", "" */
	double epss;              /**< EPSS probability 0..1, -1 when unknown */
	double epss_percentile;   /**< -1 when unknown */
	const char *ignored;      /**< NULL: live; else why it was filtered ("severity", "unfixed",
	                               "ignore file: <reason>") */
} awp_finding;

/* ---- Content scanners (file visitors) ------------------------------------- */

/** Receives the findings of a visitor; see awp_scan_emit(). */
typedef struct awp_scan_sink awp_scan_sink;

/**
 * Add a finding (strings copied). Safe to call from the visitor callbacks
 * only (they all run on one thread).
 * @return 0, AWP_ENOMEM, AWP_ELIMIT (more than AWP_SCAN_MAX_FINDINGS of this kind: dropped and counted)
 */
AWP_EXTERN int awp_scan_emit(awp_scan_sink *sink, const awp_finding *f);
/** Add a note shown in the report's coverage section ("3 files over 16 MiB not scanned"). */
AWP_EXTERN int awp_scan_note(awp_scan_sink *sink, const char *text);

/** What a visitor knows about a file before reading it (borrowed during the call). */
typedef struct awp_scan_file {
	const char *path;
	const char *volume;          /**< "p1", "" */
	const awp_stat *st;
	const char *package;         /**< owning OS package, "" */
	const char *package_digest;  /**< the package database's digest ("md5:HEX", "sha256:HEX"), "" */
} awp_scan_file;

/**
 * A content scanner. All callbacks but wants() run on the content thread,
 * one file at a time, in walk order; wants() and wants_rest() run on the
 * walking thread and may only read what open() set up. Any callback may be
 * NULL.
 */
#define AWP_SCAN_VISITOR_VERSION 2
typedef struct awp_scan_file_visitor {
	int version;
	const char *name;           /**< "secret", "threat" (the --scanners name) */
	awp_finding_kind kind;
	/** Set up (load rules...). Fail with AWP_EUNSUPPORTED or AWP_ENOTFOUND and a
	 *  message to be listed as "not run: <message>"; other errors abort the scan. */
	int (*open)(void **state, const void *config);
	/** 1 when the content of this regular file should be read, else 0. */
	int (*wants)(void *state, const awp_scan_file *f);
	int (*file_begin)(void *state, const awp_scan_file *f);
	/** The next chunk (at most AWP_SCAN_CHUNK bytes). Negative aborts the scan. */
	int (*file_data)(void *state, const void *buf, size_t len);
	/** End of the file: emit its findings. `read_error` is 0 or the code of a
	 *  failed read (the file was only partly seen). */
	int (*file_end)(void *state, const awp_scan_file *f, int read_error, awp_scan_sink *sink);
	/** After the last file: emit notes or whole-filesystem findings. */
	int (*finish)(void *state, awp_scan_sink *sink);
	void (*close)(void *state);
	const void *config;         /**< passed to open() */
	/** Version 2. For a file larger than AWP_SCAN_HEAD bytes, called with its
	 *  first AWP_SCAN_HEAD bytes (which file_data() also gets): 0 when the
	 *  visitor does not need the rest (a binary that a text scanner skips).
	 *  The rest is read only while some wanting visitor needs it; a visitor
	 *  that said 0 may still be given the rest and must ignore it. NULL:
	 *  the whole file is always needed. */
	int (*wants_rest)(void *state, const awp_scan_file *f, const void *head, size_t len);
} awp_scan_file_visitor;

/**
 * A scanner that reads a whole filesystem by itself (its own walk) instead
 * of visiting the shared one: for modules whose checks are not per file
 * content (package tampering, persistence locations, archives). It runs once
 * on the root filesystem, on the walking thread after the walk, or on a
 * thread of its own with its own filesystem handle when a core is idle.
 * Prefer a file visitor: every fs scanner reads the disk once more.
 */
#define AWP_SCAN_FS_SCANNER_VERSION 1
typedef struct awp_scan_fs_scanner {
	int version;
	const char *name;           /**< "threat" */
	awp_finding_kind kind;
	/** Scan `fs`. `inv` is the root's inventory when known (NULL when the
	 *  scanner runs concurrently with the inventory walk), `db_path` the
	 *  advisory database (NULL: none). Fail with AWP_EUNSUPPORTED or
	 *  AWP_ENOTFOUND and a message to be listed as "not run". */
	int (*scan)(awp_fs *fs, const awp_inventory *inv, const char *db_path, awp_scan_sink *sink, const void *config);
	const void *config;
} awp_scan_fs_scanner;

/** Chunk size of content reads. */
#define AWP_SCAN_CHUNK (1u << 20)
/** Size of the first read of a file when a visitor may not need the rest. */
#define AWP_SCAN_HEAD (64u << 10)

/* ---- Running a scan ------------------------------------------------------- */

/** Bit per scanner for awp_scan_options.scanners. */
#define AWP_SCANNER_VULN (1u << AWP_FINDING_VULN)
#define AWP_SCANNER_SECRET (1u << AWP_FINDING_SECRET)
#define AWP_SCANNER_THREAT (1u << AWP_FINDING_THREAT)
#define AWP_SCANNER_ALL (AWP_SCANNER_VULN | AWP_SCANNER_SECRET | AWP_SCANNER_THREAT)

/**
 * Parse "vuln,secret,threat" (also "vulnerability", "secrets", "threats",
 * "all") into a mask. AWP_EINVAL with a message for an unknown name.
 */
AWP_EXTERN int awp_scan_scanners_parse(unsigned *out, const char *list);

/** Whether the machine is reachable from the internet (from the cloud side). */
typedef enum awp_exposure {
	AWP_EXPOSURE_UNKNOWN = 0,
	AWP_EXPOSURE_PRIVATE,
	AWP_EXPOSURE_PUBLIC,      /**< e.g. a cloud instance with a public IP */
} awp_exposure;
AWP_EXTERN const char *awp_exposure_name(awp_exposure e);
/** "public", "private", "unknown" into *out; AWP_EINVAL otherwise. */
AWP_EXTERN int awp_exposure_parse(awp_exposure *out, const char *name);

/** Progress, reported at most every 200 ms and once at the end. */
typedef struct awp_scan_progress {
	const char *phase;          /**< "walk", "content", "match" */
	uint64_t files;             /**< entries walked */
	uint64_t bytes;             /**< bytes of regular files walked */
	uint64_t content_files;     /**< files whose content was read */
	uint64_t content_bytes;     /**< bytes read by content scanners */
	double seconds;             /**< since the scan started */
	int done;
} awp_scan_progress;
typedef void (*awp_scan_progress_cb)(const awp_scan_progress *p, void *payload);

#define AWP_SCAN_OPTIONS_VERSION 1
typedef struct awp_scan_options {
	int version;
	unsigned scanners;          /**< AWP_SCANNER_* mask (default: all) */
	const char *db_path;        /**< advisory database (NULL: awp_vulndb_default_path()) */
	const char *volume;         /**< root volume to use (NULL: detected) */
	awp_exposure exposure;
	/** Content threads: 0 = automatic (a worker thread when a content
	 *  scanner runs and the machine has more than one core), 1 = read
	 *  content on the walking thread. */
	int threads;
	/** Extra content scanners from the caller (embedders, tests): each is
	 *  used as the scanner of its kind in place of the built-in one. */
	const awp_scan_file_visitor *const *visitors;
	size_t visitor_count;
	awp_scan_progress_cb progress;
	void *progress_payload;
	awp_vuln_warn_cb warn;      /**< matching and inventory warnings; may be NULL */
	void *warn_payload;
	int64_t now;                /**< scan time (seconds since the epoch); 0 = now */
	/** Scan this already opened filesystem instead of opening target_path
	 *  (which then only names the target in the report): an instance
	 *  assembled from several snapshots, for one. The caller keeps it. */
	awp_fs *fs;
} awp_scan_options;
#define AWP_SCAN_OPTIONS_INIT {AWP_SCAN_OPTIONS_VERSION, AWP_SCANNER_ALL, NULL, NULL, AWP_EXPOSURE_UNKNOWN, 0, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL}

typedef struct awp_scan_result awp_scan_result;

/**
 * Scan `target_path` (image, device or directory).
 * @return 0 (problems with single files and volumes are listed in the
 *         result), AWP_ENOTFOUND/AWP_ECORRUPT when the advisory database is
 *         needed (vuln scanner requested) and cannot be opened, the target's
 *         error when it cannot be opened, AWP_ENOMEM
 */
AWP_EXTERN int awp_scan_run(awp_scan_result **out, const char *target_path, const awp_scan_options *opts);
AWP_EXTERN void awp_scan_result_free(awp_scan_result *r);

/* ---- The result ------------------------------------------------------------ */

/** A scanner's status in the report. */
typedef struct awp_scan_scanner_status {
	const char *name;           /**< "vuln", "secret", "threat" */
	awp_finding_kind kind;
	int requested;
	int ran;
	const char *reason;         /**< when not run: why; "" otherwise */
	double seconds;
} awp_scan_scanner_status;

/** A volume of the target and whether it was read. */
typedef struct awp_scan_volume {
	const char *name;
	const char *fs_type;        /**< "ext4", "" */
	uint64_t size;
	int read;                   /**< a filesystem was opened */
	int walked;                 /**< its files were visited (root always; others with content scanners) */
	int is_root;
	const char *reason_code;    /**< when not read */
	const char *reason;
} awp_scan_volume;

typedef struct awp_scan_stats {
	uint64_t files;             /**< entries walked */
	uint64_t bytes;             /**< sizes of the regular files walked */
	uint64_t walk_errors;
	uint64_t content_files;
	uint64_t content_bytes;
	uint64_t content_errors;    /**< files that could not be read */
	size_t packages;
	double seconds;             /**< whole scan */
	double walk_seconds;        /**< target open + inventory walk */
	double match_seconds;
	int threads;                /**< threads used: the walk, plus the content thread, plus one per filesystem scanner run beside the walk */
} awp_scan_stats;

AWP_EXTERN const char *awp_scan_result_target(const awp_scan_result *r);
AWP_EXTERN const char *awp_scan_result_target_format(const awp_scan_result *r);
/** The scan's start time (seconds since the epoch). */
AWP_EXTERN int64_t awp_scan_result_time(const awp_scan_result *r);
AWP_EXTERN const awp_os_info *awp_scan_result_os(const awp_scan_result *r);
AWP_EXTERN awp_exposure awp_scan_result_exposure(const awp_scan_result *r);
AWP_EXTERN const awp_scan_stats *awp_scan_result_stats(const awp_scan_result *r);
/** NULL when the vulnerability scanner did not run. */
AWP_EXTERN const awp_vuln_report *awp_scan_result_vulns(const awp_scan_result *r);
/** NULL when the inventory was not read. */
AWP_EXTERN const awp_inventory *awp_scan_result_inventory(const awp_scan_result *r);
/** When the advisory data was last known current (awp_vulndb_fresh_at: the
 *  later of the last import and the last successful source check; 0 unknown). */
AWP_EXTERN int64_t awp_scan_result_db_fresh_at(const awp_scan_result *r);
/** What exploitation data the database had (kev_count 0 / epss_count 0: none). */
AWP_EXTERN const awp_vulndb_exploit_sources *awp_scan_result_exploit_sources(const awp_scan_result *r);

AWP_EXTERN size_t awp_scan_result_scanner_count(const awp_scan_result *r);
AWP_EXTERN const awp_scan_scanner_status *awp_scan_result_scanner(const awp_scan_result *r, size_t i);
AWP_EXTERN size_t awp_scan_result_volume_count(const awp_scan_result *r);
AWP_EXTERN const awp_scan_volume *awp_scan_result_volume(const awp_scan_result *r, size_t i);
AWP_EXTERN size_t awp_scan_result_note_count(const awp_scan_result *r);
AWP_EXTERN const char *awp_scan_result_note(const awp_scan_result *r, size_t i);

/** Findings of one kind, ignored ones included (check ->ignored), sorted
 *  by severity (critical first), then kind-specific order. */
AWP_EXTERN size_t awp_scan_result_count(const awp_scan_result *r, awp_finding_kind k);
AWP_EXTERN const awp_finding *awp_scan_result_get(const awp_scan_result *r, awp_finding_kind k, size_t i);
/** Live (not ignored) findings of a kind, and of a kind and severity. */
AWP_EXTERN size_t awp_scan_result_live(const awp_scan_result *r, awp_finding_kind k);
AWP_EXTERN size_t awp_scan_result_live_severity(const awp_scan_result *r, awp_finding_kind k, awp_severity s);
/** Findings filtered out (all kinds). */
AWP_EXTERN size_t awp_scan_result_ignored(const awp_scan_result *r);

/**
 * Add a finding to a result as if a scanner had emitted it (strings
 * copied). For embedders and tests; `f->kind` must be secret or threat.
 * Call awp_scan_result_refresh() afterwards.
 */
AWP_EXTERN int awp_scan_result_add(awp_scan_result *r, const awp_finding *f);
/** Sort findings and recompute counts, risk and remediation. */
AWP_EXTERN int awp_scan_result_refresh(awp_scan_result *r);
/** An empty result (for tests and embedders that build findings themselves). */
AWP_EXTERN int awp_scan_result_new(awp_scan_result **out, const char *target, int64_t now);

/* ---- Filters and the ignore file ------------------------------------------ */

typedef struct awp_ignore_list awp_ignore_list;

/**
 * Read an ignore file (format: docs/report-schema.md#ignore-file): one entry
 * per line, `ID`, `pkg@version`, `type:pkg@version`, `fp1:...` (a secret
 * fingerprint) or `path:/some/file`, then optional `exp:YYYY-MM-DD` and
 * `# reason`. Blank lines and lines starting with '#' are skipped.
 * @param now   today (seconds since the epoch) to find expired entries
 * @return 0; AWP_ENOTFOUND (no file); AWP_ECORRUPT (a line is malformed:
 *         the message names file and line); AWP_ELIMIT
 */
AWP_EXTERN int awp_ignore_load(awp_ignore_list **out, const char *path, int64_t now);
AWP_EXTERN int awp_ignore_parse(awp_ignore_list **out, const char *text, size_t len, const char *name, int64_t now);
AWP_EXTERN void awp_ignore_free(awp_ignore_list *l);
AWP_EXTERN size_t awp_ignore_count(const awp_ignore_list *l);
/** Warnings (expired entries: "FILE:3: entry CVE-2021-1 expired on 2024-01-01; not applied"). */
AWP_EXTERN size_t awp_ignore_warning_count(const awp_ignore_list *l);
AWP_EXTERN const char *awp_ignore_warning(const awp_ignore_list *l, size_t i);

typedef struct awp_scan_filter {
	unsigned severities;        /**< bit (1u << awp_severity) per level kept; 0 = all */
	int ignore_unfixed;         /**< drop vulnerabilities without a fixed version */
	const awp_ignore_list *ignore; /**< may be NULL */
} awp_scan_filter;

/** "critical,high" into a mask for awp_scan_filter.severities (AWP_EINVAL). */
AWP_EXTERN int awp_severity_mask_parse(unsigned *out, const char *list);

/** Mark findings the filter removes (->ignored) and refresh counts, risk
 *  and remediation. Applying a new filter replaces the previous one. */
AWP_EXTERN int awp_scan_result_filter(awp_scan_result *r, const awp_scan_filter *f);

/* ---- Risk ------------------------------------------------------------------- */

typedef enum awp_risk_level {
	AWP_RISK_NONE = 0,
	AWP_RISK_LOW,
	AWP_RISK_MEDIUM,
	AWP_RISK_HIGH,
	AWP_RISK_CRITICAL,
} awp_risk_level;
AWP_EXTERN const char *awp_risk_level_name(awp_risk_level l);

#define AWP_RISK_MAX_FACTORS 16

/** One term of the score; the terms add up to the score before rounding. */
typedef struct awp_risk_factor {
	const char *id;             /**< "vuln.severity", "vuln.no_fix", "vuln.exploit", "secret", "threat",
	                                 "exposure", "floor.kev", "cap" */
	double points;              /**< contribution (may be negative) */
	char detail[160];           /**< "1 critical, 3 high, 10 medium, 2 low, 4 unknown" */
} awp_risk_factor;

typedef struct awp_risk {
	int score;                  /**< 0..100 */
	awp_risk_level level;
	size_t factor_count;
	awp_risk_factor factors[AWP_RISK_MAX_FACTORS];
} awp_risk;

/**
 * The risk of a set of findings (ignored ones are skipped). Pure function:
 * the same findings in any order and the same exposure give the same result.
 */
AWP_EXTERN void awp_risk_compute(awp_risk *out, const awp_finding *f, size_t n, awp_exposure exposure);
AWP_EXTERN const awp_risk *awp_scan_result_risk(const awp_scan_result *r);

/* ---- Remediation ------------------------------------------------------------ */

typedef enum awp_action_kind {
	AWP_ACTION_UPGRADE = 0,     /**< upgrade a package */
	AWP_ACTION_ROTATE,          /**< rotate a secret and remove it from disk */
	AWP_ACTION_REMOVE,          /**< remove or inspect a file (threat) */
	AWP_ACTION_NO_FIX,          /**< vulnerable package with no fix yet: mitigate/watch */
} awp_action_kind;
AWP_EXTERN const char *awp_action_kind_name(awp_action_kind k);

/** One action; strings owned by the plan. */
typedef struct awp_action {
	awp_action_kind kind;
	const char *title;          /**< "upgrade openssl to 3.0.15-1~deb12u1" */
	const char *command;        /**< "apt-get install --only-upgrade libssl3 openssl", "" */
	const char *package;        /**< package (dpkg: the source package), "" */
	const char *pkg_type;       /**< "dpkg", "npm", ..., "" */
	const char *version;        /**< target version, "" */
	const char *directory;      /**< project directory for language managers, "" */
	const char *path;           /**< the secret's/threat's file(s), first one, "" */
	size_t fixes;               /**< findings resolved */
	size_t by_severity[AWP_SEVERITY_COUNT];
	size_t kev;                 /**< of them known exploited */
	double weight;              /**< risk weight removed (the sort key) */
	const char *const *ids;     /**< the finding ids resolved (unique, sorted) */
	size_t id_count;
	const char *const *locations; /**< rotate/remove: every path[:line] */
	size_t location_count;
} awp_action;

typedef struct awp_remediation awp_remediation;

/**
 * Group findings into actions, biggest win first (docs/risk-score.md,
 * "Remediation"). Ignored findings are skipped. `os` picks yum vs dnf (may
 * be NULL).
 */
AWP_EXTERN int awp_remediation_plan(awp_remediation **out, const awp_finding *f, size_t n, const awp_os_info *os);
AWP_EXTERN void awp_remediation_free(awp_remediation *p);
AWP_EXTERN size_t awp_remediation_count(const awp_remediation *p);
AWP_EXTERN const awp_action *awp_remediation_get(const awp_remediation *p, size_t i);
AWP_EXTERN const awp_remediation *awp_scan_result_remediation(const awp_scan_result *r);

#ifdef __cplusplus
}
#endif
#endif
