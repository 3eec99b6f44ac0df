/*
 * report/report.c - awp_report_write(): dispatch to the format writers, and
 * the text helpers they share (times, sizes, action summaries).
 */
#include "report/report_int.h"

#include "util/error.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const names[] = {"table", "json", "sarif", "cyclonedx", "html"};

AWP_EXTERN int awp_report_format_parse(awp_report_format *out, const char *name)
{
	for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (awp_report_format)i;
			return 0;
		}
	return awp_error_set(AWP_EINVAL, "unknown report format \"%s\" (table, json, sarif, cyclonedx, html)", name ? name : "");
}

AWP_EXTERN const char *awp_report_format_name(awp_report_format f)
{
	return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "unknown";
}

void awp_rep_time(char buf[32], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *awp_rep_human(uint64_t bytes, char *buf, size_t cap)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)bytes;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, cap, "%" PRIu64 " B", bytes);
	else
		snprintf(buf, cap, "%.1f %s", v, unit[u]);
	return buf;
}

void awp_rep_action_summary(awp_strbuf *sb, const awp_action *a)
{
	if (a->kind == AWP_ACTION_ROTATE || a->kind == AWP_ACTION_REMOVE) {
		awp_strbuf_printf(sb, "%zu finding%s in %zu place%s", a->fixes, a->fixes == 1 ? "" : "s", a->location_count,
				  a->location_count == 1 ? "" : "s");
		return;
	}
	awp_strbuf_printf(sb, "%s %zu vulnerabilit%s", a->kind == AWP_ACTION_NO_FIX ? "leaves" : "fixes", a->fixes,
			  a->fixes == 1 ? "y" : "ies");
	const char *sep = ", ";
	for (int s = AWP_SEVERITY_CRITICAL; s >= AWP_SEVERITY_UNKNOWN; s--)
		if (a->by_severity[s]) {
			awp_strbuf_printf(sb, "%s%zu %s", sep, a->by_severity[s], awp_severity_name((awp_severity)s));
			sep = ", ";
		}
	if (a->kev)
		awp_strbuf_printf(sb, "; %zu known exploited", a->kev);
}

void awp_rep_counts(awp_strbuf *sb, const awp_scan_result *r, awp_finding_kind k)
{
	const char *sep = "";
	for (int s = AWP_SEVERITY_CRITICAL; s >= AWP_SEVERITY_UNKNOWN; s--) {
		size_t n = awp_scan_result_live_severity(r, k, (awp_severity)s);
		if (n) {
			awp_strbuf_printf(sb, "%s%zu %s", sep, n, awp_severity_name((awp_severity)s));
			sep = ", ";
		}
	}
	if (!*sep)
		awp_strbuf_puts(sb, "none");
}

void awp_rep_remediation(awp_strbuf *sb, const awp_finding *f)
{
	if (f->remediation[0]) {
		awp_strbuf_puts(sb, f->remediation);
		return;
	}
	switch (f->kind) {
	case AWP_FINDING_VULN:
		if (f->vuln && f->vuln->fixed_version)
			awp_strbuf_printf(sb, "upgrade %s to %s or later", f->vuln->pkg_name, f->vuln->fixed_version);
		else
			awp_strbuf_puts(sb, "no fixed version yet: limit exposure and watch for an update");
		break;
	case AWP_FINDING_SECRET:
		awp_strbuf_puts(sb, "rotate the credential (revoke it where it was issued), then remove it from the file");
		break;
	default:
		awp_strbuf_puts(sb, "remove the file or inspect it; check how it got there");
		break;
	}
}

double awp_rep_db_age_hours(const awp_scan_result *r)
{
	/* age since the data was last known current (an update that found
	 * nothing newer counts), as `awp db info` says */
	int64_t fresh = awp_scan_result_vulns(r) ? awp_scan_result_db_fresh_at(r) : 0;
	if (fresh <= 0)
		return -1;
	return (double)(awp_scan_result_time(r) - fresh) / 3600.0;
}

AWP_EXTERN int awp_report_write(char **out, size_t *out_len, const awp_scan_result *r, const awp_report_options *opts)
{
	awp_report_options defaults = AWP_REPORT_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (!out || !r || opts->version != AWP_REPORT_OPTIONS_VERSION)
		return awp_error_set(AWP_EINVAL, "awp_report_write: bad arguments");
	awp_strbuf sb = AWP_STRBUF_INIT;
	int err;
	switch (opts->format) {
	case AWP_REPORT_TABLE: err = awp_rep_table(&sb, r, opts); break;
	case AWP_REPORT_JSON: err = awp_rep_json(&sb, r, opts); break;
	case AWP_REPORT_SARIF: err = awp_rep_sarif(&sb, r, opts); break;
	case AWP_REPORT_CYCLONEDX: err = awp_rep_cyclonedx(&sb, r, opts); break;
	case AWP_REPORT_HTML: err = awp_rep_html(&sb, r, opts); break;
	default: err = awp_error_set(AWP_EINVAL, "awp_report_write: unknown format %d", (int)opts->format);
	}
	if (err < 0) {
		awp_strbuf_free(&sb);
		return err;
	}
	if (out_len)
		*out_len = sb.len;
	*out = awp_strbuf_detach(&sb);
	return *out ? 0 : AWP_ENOMEM;
}
