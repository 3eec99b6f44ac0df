/*
 * awp/report.h - write a scan result (awp/scan.h) for people and tools:
 * a terminal table, awp's JSON (schema "awp.report/1", docs/report-schema.md
 * and docs/report.schema.json), SARIF 2.1.0, CycloneDX 1.5 with
 * vulnerabilities, and a single-file HTML report that works offline.
 */
#ifndef AWP_REPORT_H
#define AWP_REPORT_H

#include <awp/scan.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum awp_report_format {
	AWP_REPORT_TABLE = 0,
	AWP_REPORT_JSON,
	AWP_REPORT_SARIF,
	AWP_REPORT_CYCLONEDX,
	AWP_REPORT_HTML,
} awp_report_format;

/** "table", "json", "sarif", "cyclonedx", "html" into *out; AWP_EINVAL otherwise. */
AWP_EXTERN int awp_report_format_parse(awp_report_format *out, const char *name);
AWP_EXTERN const char *awp_report_format_name(awp_report_format f);

#define AWP_REPORT_OPTIONS_VERSION 1
typedef struct awp_report_options {
	int version;
	awp_report_format format;
	int color;                /**< table: ANSI colours (the caller decides: terminal, NO_COLOR) */
	int show_ignored;         /**< table/HTML: list filtered findings too (JSON/SARIF always carry them, marked) */
	size_t max_rows;          /**< table: rows per findings section, 0 = all */
	const char *uuid;         /**< CycloneDX serial number; NULL: random */
} awp_report_options;
#define AWP_REPORT_OPTIONS_INIT {AWP_REPORT_OPTIONS_VERSION, AWP_REPORT_TABLE, 0, 0, 0, NULL}

/**
 * Write the report into a new NUL-terminated string (*out, caller frees
 * with free()), its length into *out_len (may be NULL).
 * @return 0, AWP_ENOMEM, AWP_EINVAL, AWP_EIO (no randomness for a UUID)
 */
AWP_EXTERN int awp_report_write(char **out, size_t *out_len, const awp_scan_result *r, const awp_report_options *opts);

#ifdef __cplusplus
}
#endif
#endif
