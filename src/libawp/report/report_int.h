/*
 * report/report_int.h - private to the scan report writers (report/report_*.c).
 */
#ifndef AWP_REPORT_INT_H
#define AWP_REPORT_INT_H

#include <awp/report.h>

#include "util/jsonw.h"
#include "util/strbuf.h"

#define AWP_REPORT_SCHEMA "awp.report/1"

/* RFC 3339 UTC ("2024-05-01T10:00:00Z") of seconds since the epoch. */
void awp_rep_time(char buf[32], int64_t t);
/* "641.0 MiB" */
const char *awp_rep_human(uint64_t bytes, char *buf, size_t cap);
/* "fixes 7 vulnerabilities: 1 critical, 3 high" / "1 secret, 2 places" */
void awp_rep_action_summary(awp_strbuf *sb, const awp_action *a);
/* "1 critical, 3 high, 2 medium" of live findings of a kind ("none" when 0). */
void awp_rep_counts(awp_strbuf *sb, const awp_scan_result *r, awp_finding_kind k);
/* The text of a finding's remediation (its own, or the kind's default). */
void awp_rep_remediation(awp_strbuf *sb, const awp_finding *f);
/* Database age in hours (-1 unknown) and the ecosystem matched. */
double awp_rep_db_age_hours(const awp_scan_result *r);

int awp_rep_table(awp_strbuf *sb, const awp_scan_result *r, const awp_report_options *o);
int awp_rep_json(awp_strbuf *sb, const awp_scan_result *r, const awp_report_options *o);
int awp_rep_sarif(awp_strbuf *sb, const awp_scan_result *r, const awp_report_options *o);
int awp_rep_cyclonedx(awp_strbuf *sb, const awp_scan_result *r, const awp_report_options *o);
int awp_rep_html(awp_strbuf *sb, const awp_scan_result *r, const awp_report_options *o);

#endif
