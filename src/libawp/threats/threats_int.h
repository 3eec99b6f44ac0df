/*
 * threats/threats_int.h - private to src/libawp/threats/ (all .c files): limits, the
 * threat database (YARA rules + hash sets + IOC sets) and the scan context.
 */
#ifndef AWP_THREATS_INT_H
#define AWP_THREATS_INT_H

#include <awp/threats.h>

#include "util/arena.h"
#include "util/strbuf.h"
#include "util/strmap.h"

#include <stdint.h>

/* Hard limits for untrusted input (lists, rule dirs, files on disk). */
#define AWP_MAX_LIST_FILE_SIZE (256u << 20)   /* a hash/IOC list: feeds of millions of lines fit */
#define AWP_MAX_LIST_LINE 4096                /* one list line; longer lines are reported as bad */
#define AWP_MAX_LIST_ENTRIES 20000000         /* entries over all lists: bounds memory (~1 GiB) */
#define AWP_MAX_RULE_FILES 10000              /* rule files under user directories */
#define AWP_MAX_RULE_FILE_SIZE (64u << 20)    /* one YARA source file */
#define AWP_MAX_RULE_DIR_DEPTH 16             /* recursion into user rule directories */
#define AWP_MAX_CONFIG_SIZE (4u << 20)        /* a cron/systemd/rc/config file searched for IOCs */
#define AWP_MAX_LINE_SCAN 8192               /* bytes of one config line searched for IOCs */
#define AWP_MAX_EVIDENCE 256                  /* evidence text kept per threat */
#define AWP_MAX_THREATS 100000                /* threats per scan: a flood is cut and reported */
#define AWP_MAX_THREATS_PER_FILE 64           /* one file cannot drown the report */
#define AWP_MAX_WARNINGS 10000                /* warnings kept per load/scan */
#define AWP_BLOCK_OVERLAP 4096                /* bytes repeated between blocks (see scan.c) */
#define AWP_MIN_BLOCK (64u << 10)             /* smallest block accepted from options */
#define AWP_MAX_ARCHIVE_ENTRY_NAME 4096       /* entry path kept in a threat's path */
#define AWP_MAX_THREADS 16                    /* scan workers: beyond this the walk and I/O dominate */
#define AWP_MAX_APT_RELEASES 256              /* Release files read from /var/lib/apt/lists */
#define AWP_MAX_APT_RELEASE_SIZE (16u << 20)  /* one Release file (bookworm's: 150 KB) */
#define AWP_QUEUE_CAP 512                     /* files queued between the walker and the workers */

/* Defaults of awp_threat_scan_options. */
#define AWP_DEF_MAX_FILE_SIZE (512ull << 20)
#define AWP_DEF_TIMEOUT 30
#define AWP_DEF_BLOCK (16u << 20)
#define AWP_DEF_ARCHIVE_DEPTH 4
#define AWP_DEF_ARCHIVE_ENTRIES 20000
#define AWP_DEF_ARCHIVE_INFLATED (1ull << 30)

/* ---- lists (lists.c) ---- */

typedef enum ioc_type { IOC_DOMAIN, IOC_IPV4, IOC_IPV6, IOC_CIDR4, IOC_CIDR6, IOC_URL } ioc_type;

typedef struct list_entry {
	const char *value;   /* canonical: lowercase hex, lowercase domain, inet_ntop form, URL as given */
	const char *name;    /* text after the value on its line, "" */
	const char *where;   /* "file:line" */
	ioc_type type;       /* IOC lists only */
	uint8_t addr[16];    /* CIDRs: network */
	unsigned prefix;     /* CIDRs: prefix length */
} list_entry;

typedef struct awp_lists {
	awp_arena arena;
	list_entry *hashes;
	size_t nhashes, hashcap;
	awp_strmap hashmap;          /* hex digest -> index into hashes */
	int has_md5, has_sha1, has_sha256;
	list_entry *iocs;
	size_t niocs, ioccap;
	awp_strmap exact;            /* domain / canonical IP -> index into iocs */
	size_t *cidrs, ncidrs, cidrcap; /* indices of CIDR entries */
	size_t *urls, nurls, urlcap;    /* indices of URL entries (value lowercased) */
	size_t ndomains, nips;
	awp_strmap wellknown;        /* well-known domain suffixes (hosts hijack check) */
	/* warnings "file:line: message" */
	char **warns;
	size_t nwarns, warncap;
} awp_lists;

void awp_lists_free(awp_lists *l);
int awp_lists_warn(awp_lists *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Parse a hash list held in memory (`where` names it in messages). */
int awp_lists_add_hashes(awp_lists *l, const char *where, const char *data, size_t len);
/** Parse an IOC list held in memory. */
int awp_lists_add_iocs(awp_lists *l, const char *where, const char *data, size_t len);
/** Parse the well-known domains list. */
int awp_lists_add_wellknown(awp_lists *l, const char *where, const char *data, size_t len);
/** Read a list file from the host (bounded) and parse it with `add`. */
int awp_lists_load_file(awp_lists *l, const char *path,
			int (*add)(awp_lists *, const char *, const char *, size_t));
/** Look a hex digest up; the entry or NULL. */
const list_entry *awp_lists_hash(const awp_lists *l, const char *hex);
/** Is `domain` (lowercase) or a parent domain well known? */
int awp_lists_wellknown(const awp_lists *l, const char *domain);

/** Called for each IOC found in a line; return <0 to abort. */
typedef int (*ioc_hit_cb)(const list_entry *e, void *payload);
/** Find every IOC in one line of text (len bytes, need not be NUL-terminated). */
int awp_lists_match_line(const awp_lists *l, const char *line, size_t len, ioc_hit_cb cb, void *payload);
/** Is the address text an IOC (exact or inside a CIDR)? */
const list_entry *awp_lists_match_ip(const awp_lists *l, const char *text);

/* ---- built-in data (generated from rules/threats by rules/threats/embed.cmake) ---- */

typedef struct awp_builtin_file {
	const char *name;    /* "eicar.yar", "iocs.txt" */
	const char *data;
	size_t len;
} awp_builtin_file;
extern const awp_builtin_file awp_threats_builtin[];
extern const size_t awp_threats_builtin_count;

/* ---- rules (rules.c) ---- */

typedef struct awp_rules awp_rules;   /* wraps YR_RULES */
int awp_rules_load(awp_rules **out, const awp_threat_db_options *opts, awp_lists *warn_to,
		   awp_threat_db_stats *stats, char *cache_path, size_t cache_cap);
void awp_rules_free(awp_rules *r);
size_t awp_rules_count(const awp_rules *r);

/** One rule match reported by awp_rules_scan. */
typedef struct rule_hit {
	const char *rule;        /* identifier */
	const char *ns;          /* namespace: the rule file */
	const char *description; /* meta description, "" */
	const char *severity;    /* meta severity, "" */
	const char *kind;        /* meta kind, "" */
	const char *remediation; /* meta remediation, "" */
	int64_t offset;          /* first match offset in the buffer, -1 for none */
	const uint8_t *data;     /* matched bytes (borrowed, data_len) */
	size_t data_len;
} rule_hit;
typedef int (*rule_hit_cb)(const rule_hit *h, void *payload);
/* File classes for rule scopes (meta scope; docs/threats.md). */
#define AWP_CLS_ELF 1u        /* starts with the ELF magic */
#define AWP_CLS_NOT_ELF 2u
#define AWP_CLS_PERSIST 4u    /* cron, rc, systemd, profiles, home dotfiles */
#define AWP_CLS_WEB 8u        /* web scripts by name, place or opening tag */
#define AWP_CLS_ALL 15u
/** The rule set for a file of these classes and size; -1 when no rule can
 *  match it. */
int awp_rules_pick(const awp_rules *r, unsigned cls, uint64_t size);
/** A scanner: per scan (per thread), holds the awp_path variable. */
typedef struct awp_rules_scanner awp_rules_scanner;
int awp_rules_scanner_new(awp_rules_scanner **out, awp_rules *r, unsigned timeout);
void awp_rules_scanner_free(awp_rules_scanner *s);
/**
 * Scan a buffer. `path` is given to rules as the external variable awp_path.
 * @return 0, AWP_ELIMIT on timeout (message set), AWP_ERROR
 */
int awp_rules_scan(awp_rules_scanner *s, int set, const char *path, const uint8_t *buf, size_t len, rule_hit_cb cb,
		   void *payload);

/* ---- database ---- */

struct awp_threat_db {
	awp_rules *rules;
	awp_lists lists;
	awp_threat_db_stats stats;
	char cache_path[4096];
};

/* ---- report ---- */

struct awp_threat_report {
	awp_arena arena;
	awp_threat *threats;
	size_t n, cap;
	int truncated;
	char **warns;
	size_t nwarns, warncap;
	awp_threat_scan_stats stats;
};

/** Add a threat; strings are copied (evidence capped). */
int awp_report_add(awp_threat_report *r, awp_threat_kind kind, awp_threat_severity sev, const char *rule,
		   const char *source, const char *path, unsigned long line, const char *evidence,
		   const char *description, const char *remediation, const char *package);
int awp_report_warn(awp_threat_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Threats by path, line, kind, rule (then every other field); warnings by text. */
void awp_report_sort(awp_threat_report *r);
/** Add src's threats, warnings and stats to dst (a worker's report). */
int awp_report_merge(awp_threat_report *dst, const awp_threat_report *src);
/** Escape bytes for evidence: printable ASCII as is, others \xNN; capped. */
void awp_evidence(char *out, size_t cap, const void *data, size_t len);
awp_threat_severity awp_severity_parse(const char *s, awp_threat_severity def);

/* ---- scan context (scan.c, archive.c) ---- */

/* MD5/SHA-1/SHA-256 contexts, only those started are computed (scan.c). */
typedef struct awp_digests awp_digests;
typedef struct hexes {
	char md5[33], sha1[41], sha256[65]; /* "" when not computed */
} hexes;
int awp_digests_new(awp_digests **out);
void awp_digests_free(awp_digests *d);
void awp_digests_start(awp_digests *d, int md5, int sha1, int sha256);
void awp_digests_update(awp_digests *d, const void *p, size_t n);
void awp_digests_final(awp_digests *d, hexes *h);

typedef struct scan_ctx {
	awp_fs *fs;
	const awp_threat_db *db;
	awp_threat_report *r;
	awp_rules_scanner *scanner;
	const awp_inventory *inv;
	awp_strmap conffiles;        /* dpkg conffiles (not checked for tampering) */
	awp_strmap aptfiles;         /* apt index path -> "size:sha256" from Release files (apt.c) */
	awp_arena tmp;               /* conffile paths */
	awp_digests *dg;
	struct awp_verifier *verifier; /* dpkg files, sixteen at a time */
	uint8_t *buf;                /* one block + overlap */
	size_t bufcap;
	/* resolved options */
	uint64_t max_file_size;
	unsigned timeout;
	size_t block;
	unsigned archive_depth;
	size_t archive_entries;
	uint64_t archive_inflated;
	int archives, tampering, scan_verified;
	int by_path;                 /* open files by path, not inode (a worker on a host directory) */
	/* per-file rule dedupe */
	const char *seen_rules[AWP_MAX_THREATS_PER_FILE];
	size_t nseen;
} scan_ctx;

/** Archive magic at the start of a buffer: "zip", "gzip", "bzip2", "xz", "zstd", "tar", or NULL. */
const char *awp_archive_magic(const uint8_t *buf, size_t len);
/** Look inside an archive held in memory (depth: 1 for a file on disk). */
int awp_scan_archive_mem(scan_ctx *c, const char *path, const uint8_t *buf, size_t len, unsigned depth);
/** Look inside an archive read from a file (too large for one block). */
int awp_scan_archive_file(scan_ctx *c, const char *path, awp_file *f);
/** Scan one buffer as a file (archive entry): YARA, hash lookup, nested archives. */
int awp_scan_entry(scan_ctx *c, const char *path, const uint8_t *buf, size_t len, int exec, unsigned depth);
/** File classes (AWP_CLS_*) of a file from its path and first bytes. */
unsigned awp_scan_class(const char *path, const uint8_t *head, size_t len);
/** YARA-scan a block with rule set `set` (awp_rules_pick; -1: nothing to
 *  do); hits deduplicated per file; `whole` nonzero when buf is the whole
 *  file (lines known). */
int awp_scan_yara(scan_ctx *c, int set, const char *path, const uint8_t *buf, size_t len, int whole);
/** Look a buffer's digests up in the hash lists (whole content). */
int awp_scan_hash_buf(scan_ctx *c, const char *path, const uint8_t *buf, size_t len);

/* ---- MD5 over many messages at once (md5x.c) ---- */

#define AWP_MD5X_LANES 16
void awp_md5_init(uint32_t st[4]);
/** Scalar MD5 compression of nblocks 64-byte blocks. */
void awp_md5_blocks(uint32_t st[4], const uint8_t *p, size_t nblocks);
/** Pad the final tail (< 64 bytes, in a buffer of >= 128) of a message of
 *  `total` bytes; returns the blocks to compress (1 or 2). */
size_t awp_md5_pad(uint8_t *tail, size_t taillen, uint64_t total);
void awp_md5_hex(const uint32_t st[4], char out[33]);
/** AWP_MD5X_LANES when the CPU hashes lanes in parallel (AVX-512), else 1. */
size_t awp_md5x_lanes(void);
/** Compress nblocks blocks in every lane; lane l reads base + off[l] + 64*i.
 *  st[word][lane]. Lanes whose result is unused may point at any readable
 *  nblocks*64 bytes. */
void awp_md5x_blocks(uint32_t st[4][AWP_MD5X_LANES], const uint8_t *base, const uint32_t off[AWP_MD5X_LANES],
		     size_t nblocks);

/* ---- package digest verification, many files at once (verify.c) ---- */

/** A dpkg-owned file whose MD5 is to be compared with its package's. */
typedef struct verify_job {
	char *path;          /* owned */
	awp_stat st;
	awp_file *f;         /* owned */
	uint64_t size;       /* awp_file_size at open */
	uint64_t off;        /* bytes read so far */
	long owner;          /* package index */
	char expect[33];     /* lowercase hex */
	int eof, err;        /* err: a read failed (message in errmsg) */
	char errmsg[256];
} verify_job;
void awp_verify_job_free(verify_job *j);

typedef struct awp_verifier awp_verifier;
/** A job is complete: md5 is the file's MD5 (hex, "" after a read error).
 *  The verifier frees j after. */
typedef int (*verify_done_cb)(verify_job *j, const char *md5, void *payload);
int awp_verifier_new(awp_verifier **out, verify_done_cb cb, void *payload);
/** Frees unfinished jobs without calling back. */
void awp_verifier_free(awp_verifier *v);
/** Hand a job over (always taken, even on error); may complete others. */
int awp_verifier_add(awp_verifier *v, verify_job *j);
/** Complete every job. */
int awp_verifier_flush(awp_verifier *v);

/* ---- apt indexes (apt.c) ---- */
/** Read /var/lib/apt/lists/ *Release files: index path -> size and SHA-256. */
int awp_apt_lists_load(awp_strmap *map, awp_arena *arena, awp_fs *fs);
/** 1 with the expected size and SHA-256 (lowercase hex) when `path` is listed. */
int awp_apt_expected(const awp_strmap *map, const char *path, uint64_t *size, const char **sha256);

/* ---- malicious packages (malpkg.c) ---- */
int awp_threats_malpkg(awp_threat_report *r, const awp_inventory *inv, const char *db_path);

#endif
