/*
 * awp/secrets.h - find credentials in file content without revealing them.
 *
 * Rules are data (rules/secrets.json, docs/secrets.md). Loading compiles every
 * enabled rule into one Hyperscan database; a scanner (one per thread) reads a
 * file's content once, in chunks of any size, and checks each candidate match
 * in a second step (PCRE2 extraction on a small window, entropy, a validator
 * such as a token checksum or key-id/secret pairing, placeholders, allowlists).
 *
 * A finding never carries the secret: only a redacted form (at most the first
 * 4 characters, then a fixed mask) and a keyed fingerprint that is stable
 * across scans and machines, by which a reviewed finding can be allowlisted.
 *
 * Suppressed findings (built-in allowlist, user allowlist, unmodified files
 * of a package) are still delivered, with `suppressed` set, so that callers
 * count them and can show them on request: nothing is silently dropped.
 */
#ifndef AWP_SECRETS_H
#define AWP_SECRETS_H

#include <awp/fs.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awp_secrets_rules awp_secrets_rules;
typedef struct awp_secrets_scanner awp_secrets_scanner;
typedef struct awp_secrets_report awp_secrets_report;

/* Enumerators prefixed AWP_SECRET_ so that this header and awp/vuln.h
 * (whose awp_severity has AWP_SEVERITY_LOW...) can be included together. */
typedef enum awp_secret_severity {
	AWP_SECRET_SEVERITY_INFO = 0,
	AWP_SECRET_SEVERITY_LOW,
	AWP_SECRET_SEVERITY_MEDIUM,
	AWP_SECRET_SEVERITY_HIGH,
	AWP_SECRET_SEVERITY_CRITICAL,
} awp_secret_severity;

/** Why a finding is not counted as a live one (0: it is). */
typedef enum awp_secret_suppress {
	AWP_SUPPRESS_NONE = 0,
	AWP_SUPPRESS_PACKAGE,      /**< in a file a package installed, unmodified */
	AWP_SUPPRESS_BUILTIN,      /**< built-in allowlist (documentation, test data) */
	AWP_SUPPRESS_ALLOWLIST,    /**< user allowlist: path glob and/or rule id */
	AWP_SUPPRESS_FINGERPRINT,  /**< user allowlist: fingerprint of a reviewed finding */
	AWP_SUPPRESS_COUNT_
} awp_secret_suppress;

/** "critical", "high", ... */
AWP_EXTERN const char *awp_secret_severity_name(awp_secret_severity s);
/** "package-unmodified", "builtin-allowlist", "allowlist", "fingerprint", "" */
AWP_EXTERN const char *awp_secret_suppress_name(awp_secret_suppress s);

/** One rule as loaded (strings borrowed from the rule set). */
typedef struct awp_secret_rule {
	const char *id;
	const char *title;
	const char *category;
	awp_secret_severity severity;
	const char *pattern;       /**< Hyperscan pattern (candidate) */
	const char *extract;       /**< PCRE2 pattern with a `secret` group */
	const char *validator;     /**< "" when none */
	const char *flags;         /**< "i": case-insensitive; "" */
	double entropy;            /**< minimum Shannon bits/char of the secret; 0 = none */
	const char *const *keywords;
	size_t keyword_count;
	/** Examples: text, and the path to scan it as ("" = any). */
	const char *const *positive;
	const char *const *positive_path;
	size_t positive_count;
	const char *const *negative;
	const char *const *negative_path;
	size_t negative_count;
	int from_config;           /**< added by the user's config file */
} awp_secret_rule;

#define AWP_SECRETS_LOAD_OPTIONS_VERSION 1
typedef struct awp_secrets_load_options {
	int version;
	/** Rules file or a directory holding secrets.json. NULL: $AWP_RULES_DIR,
	 *  else the directory compiled in (the source tree's rules/). */
	const char *rules_path;
	/** User config (JSON, docs/secrets.md) or NULL. */
	const char *config_path;
	/** Apply the built-in allowlist (default 1). */
	int builtin_allowlist;
	/** "Today" for allowlist expiry, seconds since the epoch; 0 = now. */
	int64_t now;
} awp_secrets_load_options;
#define AWP_SECRETS_LOAD_OPTIONS_INIT {AWP_SECRETS_LOAD_OPTIONS_VERSION, NULL, NULL, 1, 0}

/**
 * Load, check and compile the rules, merged with the user's config.
 * @return 0; AWP_ENOTFOUND (no rules file), AWP_ECORRUPT (a rules or config
 *         file is malformed, or a pattern does not compile: the message
 *         names the file and the rule id), AWP_ELIMIT
 */
AWP_EXTERN int awp_secrets_rules_load(awp_secrets_rules **out, const awp_secrets_load_options *opts);

/** The same from memory (`config` may be NULL); `name` is used in messages. */
AWP_EXTERN int awp_secrets_rules_parse(awp_secrets_rules **out, const char *rules_json, size_t rules_len,
				       const char *config_json, size_t config_len, const char *name,
				       const awp_secrets_load_options *opts);
AWP_EXTERN void awp_secrets_rules_free(awp_secrets_rules *r);
/** 0 when a file that starts with `head` (its first bytes: 8 KiB, or the
 *  whole file when shorter) is skipped as binary, so the rest of it need not
 *  be read; else 1. Reads only the rules: safe from any thread. */
AWP_EXTERN int awp_secrets_rules_wants_rest(const awp_secrets_rules *r, const void *head, size_t len);

AWP_EXTERN size_t awp_secrets_rule_count(const awp_secrets_rules *r);
AWP_EXTERN const awp_secret_rule *awp_secrets_rule_get(const awp_secrets_rules *r, size_t i);
/** The rules file that was read ("" when parsed from memory). */
AWP_EXTERN const char *awp_secrets_rules_source(const awp_secrets_rules *r);
/** Per-file size limit from the config (0 when the config sets none). */
AWP_EXTERN uint64_t awp_secrets_rules_max_file_size(const awp_secrets_rules *r);
/** Notes from loading (an expired allowlist entry, ...); borrowed. */
AWP_EXTERN size_t awp_secrets_rules_note_count(const awp_secrets_rules *r);
AWP_EXTERN const char *awp_secrets_rules_note(const awp_secrets_rules *r, size_t i);

/** A finding; every string borrowed for the duration of the callback. */
typedef struct awp_secret_finding {
	const char *rule_id;
	const char *title;
	const char *category;
	awp_secret_severity severity;
	const char *path;
	uint64_t line;             /**< 1-based line where the secret starts */
	uint64_t column;           /**< 1-based byte column */
	uint64_t end_line;         /**< last line (the paired secret of a key pair) */
	uint64_t offset;           /**< byte offset of the secret in the file */
	const char *redacted;      /**< "ghp_********" */
	const char *fingerprint;   /**< "fp1:" + 32 hex */
	const char *package;       /**< owning package, "" */
	awp_secret_suppress suppressed;
	const char *suppress_note; /**< allowlist reason, "" */
} awp_secret_finding;

/** Return 0 to go on, negative to abort the scan (returned). */
typedef int (*awp_secrets_finding_cb)(const awp_secret_finding *f, void *payload);

/** Scanner: one per thread; the rules must outlive it. */
AWP_EXTERN int awp_secrets_scanner_new(awp_secrets_scanner **out, const awp_secrets_rules *r);
AWP_EXTERN void awp_secrets_scanner_free(awp_secrets_scanner *s);

/** What the caller knows about a file before scanning it. */
#define AWP_SECRETS_FILE_VERSION 1
typedef struct awp_secrets_file {
	int version;
	/** Owning package ("" or NULL: none). */
	const char *package;
	/** The package database's digest of the file, "md5:HEX", "sha1:HEX" or
	 *  "sha256:HEX" (NULL/"": unknown). The scanner hashes the content as it
	 *  reads and suppresses findings when it matches. */
	const char *package_digest;
	/** The caller already knows the file is package-owned and unmodified
	 *  (e.g. it checked it itself): suppress without hashing. */
	int package_unmodified;
} awp_secrets_file;
#define AWP_SECRETS_FILE_INIT {AWP_SECRETS_FILE_VERSION, NULL, NULL, 0}

/**
 * Start a file (optional: scan_buffer starts one by itself after a last chunk
 * or when `path` changes). `info` may be NULL.
 */
AWP_EXTERN int awp_secrets_file_begin(awp_secrets_scanner *s, const char *path, const awp_secrets_file *info);

/**
 * Scan the next chunk of a file. Chunks may have any size; a secret spanning
 * two chunks is found (the scanner keeps an overlap). Findings of a file are
 * delivered through `cb` when its last chunk is scanned (`is_last` nonzero),
 * in file order, because package ownership is only known at the end.
 * Binary content (a NUL byte in the first 8 KiB) is skipped unless a rule
 * asks for binaries. `buf` may be NULL when len is 0.
 * @return 0, the callback's negative value, or an error
 */
AWP_EXTERN int awp_secrets_scan_buffer(awp_secrets_scanner *s, const char *path, const void *buf, size_t len,
				       int is_last, awp_secrets_finding_cb cb, void *payload);

/** About the file last completed by this scanner. */
typedef struct awp_secrets_file_result {
	uint64_t bytes;            /**< content bytes seen */
	int binary;                /**< skipped as binary */
	int digest_checked;        /**< a package digest was compared (files with findings only) */
	int digest_matched;        /**< ... and it matched */
	size_t findings;           /**< delivered (suppressed included) */
	size_t truncated;          /**< candidates or findings dropped at a limit */
} awp_secrets_file_result;
AWP_EXTERN const awp_secrets_file_result *awp_secrets_scanner_last(const awp_secrets_scanner *s);

/* ---- Whole filesystems, with a report ---------------------------------- */

/** Package owner lookup: return the package name (borrowed) or NULL, and
 *  the database's digest in *digest ("" when none). */
typedef const char *(*awp_secrets_owner_fn)(const char *path, const char **digest, void *payload);

#define AWP_SECRETS_DEFAULT_MAX_FILE_SIZE (16ull << 20)

#define AWP_SECRETS_FS_OPTIONS_VERSION 1
typedef struct awp_secrets_fs_options {
	int version;
	uint64_t max_file_size;    /**< 0: the config's, else the default (16 MiB) */
	const char *start;         /**< subtree to scan, NULL = "/" */
	awp_secrets_owner_fn owner;/**< may be NULL */
	void *owner_payload;
	/** Optional: each finding as it is found (the report keeps them too). */
	awp_secrets_finding_cb on_finding;
	void *finding_payload;
} awp_secrets_fs_options;
#define AWP_SECRETS_FS_OPTIONS_INIT {AWP_SECRETS_FS_OPTIONS_VERSION, 0, NULL, NULL, NULL, NULL, NULL}

/** Totals of a report. */
typedef struct awp_secrets_stats {
	uint64_t files_scanned;
	uint64_t bytes_scanned;
	uint64_t files_binary;     /**< skipped as binary */
	uint64_t files_too_large;  /**< skipped for size (listed, see skipped) */
	uint64_t files_unreadable; /**< could not be read (listed) */
	uint64_t findings;         /**< not suppressed */
	uint64_t suppressed[AWP_SUPPRESS_COUNT_];
	uint64_t truncated;        /**< candidates or findings dropped at a limit */
} awp_secrets_stats;

/** A file that was not scanned for a reason other than being binary. */
typedef struct awp_secrets_skipped {
	const char *path;
	const char *reason;        /**< "size" or "unreadable" */
	uint64_t size;
	const char *message;       /**< "" or the read error */
} awp_secrets_skipped;

AWP_EXTERN int awp_secrets_report_new(awp_secrets_report **out);
AWP_EXTERN void awp_secrets_report_free(awp_secrets_report *r);
AWP_EXTERN const awp_secrets_stats *awp_secrets_report_stats(const awp_secrets_report *r);
/** Findings, suppressed ones included, in scan order. */
AWP_EXTERN size_t awp_secrets_report_count(const awp_secrets_report *r);
AWP_EXTERN const awp_secret_finding *awp_secrets_report_get(const awp_secrets_report *r, size_t i);
AWP_EXTERN size_t awp_secrets_report_skipped_count(const awp_secrets_report *r);
AWP_EXTERN const awp_secrets_skipped *awp_secrets_report_skipped(const awp_secrets_report *r, size_t i);

/**
 * Scan one regular file of `fs` (by path and stat) into `report`: size
 * limit, chunked reads, ownership from opts->owner. A file that cannot be
 * read is recorded in the report (not an error of the call).
 */
AWP_EXTERN int awp_secrets_scan_fs_file(awp_secrets_scanner *s, awp_fs *fs, const char *path, const awp_stat *st,
					const awp_secrets_fs_options *opts, awp_secrets_report *report);

/** Walk `fs` and scan every regular file (hard links once). */
AWP_EXTERN int awp_secrets_scan_fs(awp_secrets_scanner *s, awp_fs *fs, const awp_secrets_fs_options *opts,
				   awp_secrets_report *report);

#ifdef __cplusplus
}
#endif
#endif
