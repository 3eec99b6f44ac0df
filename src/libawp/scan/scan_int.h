/*
 * scan/scan_int.h - private to the scan module: the result object, the
 * content pipeline and the built-in scanner table.
 */
#ifndef AWP_SCAN_INT_H
#define AWP_SCAN_INT_H

#include <awp/scan.h>
#include <awp/target.h>

#include "util/arena.h"

/* Limits: findings come from untrusted content (a disk full of fake keys). */
#define AWP_SCAN_MAX_FINDINGS 100000     /* per kind; more is noise, counted as dropped */
#define AWP_SCAN_MAX_NOTES 200           /* notes in the coverage section */
#define AWP_SCAN_MAX_FIELD 4096          /* bytes kept of one finding string (evidence, title) */
#define AWP_IGNORE_MAX_ENTRIES 100000    /* lines of an ignore file */
#define AWP_IGNORE_MAX_SIZE (16u << 20)  /* bytes of an ignore file */

struct awp_scan_sink {
	awp_scan_result *r;
	awp_finding_kind kind;
	const char *volume;   /* set per file by the pipeline */
};

struct awp_scan_result {
	awp_arena arena;
	const char *target;
	const char *format;
	int64_t time;
	awp_os_info os;
	awp_exposure exposure;
	awp_scan_stats stats;
	awp_inventory *inv;
	awp_vuln_report *vulns;
	awp_vulndb_exploit_sources xsrc;
	int64_t db_fresh_at;       /* last import or successful source check */
	awp_scan_scanner_status scanners[AWP_FINDING_KIND_COUNT];
	size_t nscanners;
	awp_scan_volume *vols;
	size_t nvols, volcap;
	const char **notes;
	size_t nnotes, notecap, notes_dropped;
	/* All findings; after refresh sorted by kind, so each kind is a slice. */
	awp_finding *f;
	size_t nf, fcap;
	size_t kind_start[AWP_FINDING_KIND_COUNT], kind_count[AWP_FINDING_KIND_COUNT];
	size_t live[AWP_FINDING_KIND_COUNT][AWP_SEVERITY_COUNT];
	size_t dropped[AWP_FINDING_KIND_COUNT];
	size_t pushed[AWP_FINDING_KIND_COUNT];
	size_t nignored;
	awp_risk risk;
	awp_remediation *plan;
};

/* Copy a string into the result's arena, capped at AWP_SCAN_MAX_FIELD. */
const char *awp_scan_str(awp_scan_result *r, const char *s);
int awp_scan_add_note(awp_scan_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append a finding (strings copied); vuln fields copied as given. */
int awp_scan_push(awp_scan_result *r, const awp_finding *f);

/* A built-in content scanner: `visitor` is NULL until its module is built in. */
typedef struct awp_scan_builtin {
	const char *name;
	awp_finding_kind kind;
	const awp_scan_file_visitor *visitor;  /* content scanner on the shared walk, or */
	const awp_scan_fs_scanner *fs_scanner; /* a scanner that reads the filesystem itself */
	const char *missing;   /* why it cannot run when both are NULL */
} awp_scan_builtin;

/* The built-in adapters (scan/scanner_secrets.c, scan/scanner_threats.c). */
extern const awp_scan_file_visitor awp_scan_secrets_visitor;
extern const awp_scan_fs_scanner awp_scan_threats_scanner;
extern const awp_scan_builtin awp_scan_builtins[];
extern const size_t awp_scan_builtin_count;

/* ---- content pipeline (pipeline.c) ---- */
typedef struct awp_pipeline awp_pipeline;

/* Open the visitors (each NULL entry skipped). A visitor whose open() fails
 * with AWP_EUNSUPPORTED/AWP_ENOTFOUND is reported through *why[i] (arena
 * string) and left out. */
int awp_pipeline_new(awp_pipeline **out, awp_scan_result *r, const awp_scan_file_visitor *const *v, size_t n,
		     int threads, const char **why);
/* Whether visitor i is active. */
int awp_pipeline_active(const awp_pipeline *p, size_t i);
size_t awp_pipeline_active_count(const awp_pipeline *p);
/* Before walking a filesystem: findings of its files name `volume`. */
int awp_pipeline_volume(awp_pipeline *p, const char *volume);
/* One walk entry (also counts files and bytes for the overview). */
int awp_pipeline_entry(awp_pipeline *p, awp_fs *fs, const awp_walk_entry *e, const awp_inventory *inv);
/* Wait for the content thread, run finish() of each visitor. */
int awp_pipeline_finish(awp_pipeline *p);
void awp_pipeline_free(awp_pipeline *p);
/* Progress reporting (called by the scan). */
void awp_pipeline_set_progress(awp_pipeline *p, awp_scan_progress_cb cb, void *payload, double t0);
void awp_pipeline_report(awp_pipeline *p, const char *phase, int done);
double awp_scan_now(void);

#endif
