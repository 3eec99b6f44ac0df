/*
 * secrets/secrets_int.h - private to the secrets module: the compiled rule set, the
 * scanner state and the validators.
 *
 * Files: rules.c (rules and config JSON -> rule set, Hyperscan + PCRE2
 * compile), scan.c (windows over chunks, candidates, findings), check.c
 * (entropy, placeholders, validators, redaction, fingerprint), fsscan.c
 * (files of an awp_fs and the report).
 */
#ifndef AWP_SECRETS_INT_H
#define AWP_SECRETS_INT_H

#include <awp/secrets.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include "util/hs_dl.h"
#include <pcre2.h>

#include "util/arena.h"

/* Caps on untrusted input (rules and config files are user-editable; file
 * content comes from the disk). */
#define AWP_MAX_SECRET_RULES 4096          /* the shipped set has ~130 */
#define AWP_MAX_SECRETS_RULES_FILE (8u << 20) /* rules or config JSON file */
#define AWP_MAX_SECRETS_PATTERN 4096       /* one pattern's length */
#define AWP_MAX_SECRETS_REPEAT 1000        /* {n,m} bound in a Hyperscan pattern (shipped max: 300); message in rules.c */
#define AWP_MAX_SECRETS_LIST 4096          /* keywords/examples/paths/allowlist items per array */
#define AWP_MAX_SECRETS_ALLOW 100000       /* allowlist entries */
/* A match may start at most this far before its end; the extraction window
 * reaches this far back. Also the overlap kept between chunks. */
#define AWP_SECRETS_LOOKBACK 2048
/* Extraction and validators see this much after a match end (a 4096-bit
 * RSA key body is ~3.2 KiB; AWS pairs are searched within 1 KiB). */
#define AWP_SECRETS_LOOKAHEAD 8192
/* Do not scan windows smaller than this (except the last): tiny chunks are
 * gathered, so rescanning the overlap stays a small fraction. */
#define AWP_SECRETS_MIN_WINDOW (256u << 10)
#define AWP_SECRETS_BINARY_PROBE 8192      /* NUL in these first bytes: binary */
#define AWP_MAX_SECRETS_FINDINGS_PER_FILE 1000 /* past this, counted as truncated */
#define AWP_MAX_SECRETS_CANDIDATES_PER_FILE 200000 /* pathological files: stop checking */
#define AWP_SECRETS_MAX_SECRET 8192        /* extracted secret, longer is cut */
#define AWP_SECRETS_PAIR_DISTANCE 1024     /* key id <-> secret key */

enum validator {
	V_NONE = 0,
	V_GITHUB_CRC32,
	V_AWS_PAIR,
	V_AWS_UNPAIRED,
	V_AWS_SECRET_UNPAIRED,
	V_PEM_UNENCRYPTED,
	V_OPENSSH_UNENCRYPTED,
	V_OPENSSH_ENCRYPTED,
	V_GCP_SERVICE_ACCOUNT,
	V_BASIC_AUTH,
	V_JWT,
	V_DISCORD_TOKEN,
	V_PASSWORD_VALUE,
	V_LUHN,
	V_COUNT_
};

struct srule {
	awp_secret_rule pub;
	const char *flags;
	enum validator validator;
	const char *const *paths;
	size_t npaths;
	int generic;          /* yields to an overlapping specific finding */
	int placeholders;     /* reject placeholder values */
	int binary;           /* also scan binary files */
	int at_match;         /* report where the match starts (a key's BEGIN line), not the secret */
	size_t min_length;
	pcre2_code *re;
	uint32_t secret_group; /* 0: the whole match */
};

struct allow_entry {
	const char *const *paths;
	size_t npaths;
	const char *const *rules;
	size_t nrules;
	const char *const *fps;
	size_t nfps;
	const char *reason;
	int builtin;
};

/* A path glob, matched without fnmatch when it is a literal with a leading
 * and/or trailing '*' (the common forms "* /.netrc", "/etc/x/ *"). */
struct fglob {
	int kind;            /* FG_EXACT, FG_PREFIX, FG_SUFFIX, FG_CONTAINS, FG_FNMATCH */
	const char *lit;     /* the literal part (or the whole glob for fnmatch) */
	size_t len;
};
enum { FG_EXACT, FG_PREFIX, FG_SUFFIX, FG_CONTAINS, FG_FNMATCH };
int awp_secrets_fglob_init(struct fglob *g, const char *glob, awp_arena *a);
int awp_secrets_fglob_match(const struct fglob *g, const char *path, size_t plen);

struct awp_secrets_rules {
	awp_arena arena;
	struct srule *rules;
	size_t n, cap;
	hs_database_t *db;       /* rules without a path filter; hs id = rule index */
	hs_database_t *db_full;  /* every rule, for files matching a path filter (or NULL) */
	struct fglob *trig;      /* union of the rules' path filters */
	size_t ntrig;
	hs_database_t *db_bin;   /* rules with "binary": true, or NULL */
	struct allow_entry *allow;
	size_t nallow, allowcap;
	unsigned char fpkey[64];
	size_t fpkey_len;
	uint64_t max_file_size;
	const char *source;
	const char **notes;
	size_t nnotes, notecap;
	uint32_t max_groups;
	pcre2_code *re_aws_secret; /* 40-char secret key near a key id */
	pcre2_code *re_aws_id;     /* key id near a secret key */
};

/* hs_compile_multi() in block mode, through the compiled-rules cache
 * (hscache.c): same arguments and results. */
hs_error_t awp_secrets_hs_compile(const char *const *pats, const unsigned *flags, const unsigned *ids, unsigned n,
				  hs_database_t **db, hs_compile_error_t **ce);

/* Validators and helpers (check.c). */
struct vctx {
	const struct awp_secrets_rules *rules;
	pcre2_match_data *md;
	const char *win;     /* extraction window */
	size_t win_len;
	size_t sec_off, sec_len; /* the secret inside win */
	size_t m_end;        /* end of the extract match inside win */
	/* out: a paired second secret (AWS secret key) inside win */
	size_t pair_off, pair_len;
	int paired;
};
enum validator awp_secrets_validator_find(const char *name);
const char *awp_secrets_validator_name(enum validator v);
int awp_secrets_validate(enum validator v, struct vctx *c);
double awp_secrets_entropy(const char *s, size_t n);
int awp_secrets_is_placeholder(const char *s, size_t n);
/* "ghp_" + "********" into out (>= 16 bytes). */
void awp_secrets_redact(const char *s, size_t n, char out[16]);
/* "fp1:" + 32 hex into out (>= 40 bytes): HMAC-SHA256 over rule id, NUL, secret (NUL, second secret). */
void awp_secrets_fingerprint(const struct awp_secrets_rules *r, const char *rule_id, const char *s, size_t n,
			     const char *s2, size_t n2, char out[40]);
/* scan.c, for fsscan.c */
int awp_secrets_scanner_skipping(const awp_secrets_scanner *s); /* binary file, rest is not needed */
const awp_secrets_rules *awp_secrets_scanner_rules(const awp_secrets_scanner *s);
void awp_secrets_scanner_abort(awp_secrets_scanner *s);        /* drop the current file */
int awp_secrets_glob_any(const char *const *globs, size_t n, const char *path);

#endif
