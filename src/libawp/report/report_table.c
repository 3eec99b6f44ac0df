/*
 * report/report_table.c - the report for a terminal: overview, risk with its
 * factors, remediation (biggest win first, with commands), then one table
 * per kind of finding, then coverage notes. Colour only when asked (the CLI
 * asks on a terminal without NO_COLOR); the text is the same without it.
 */
#include "report/report_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out {
	awp_strbuf *sb;
	int color;
	int err;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	if (o->err)
		return;
	char stackbuf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(stackbuf, sizeof stackbuf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof stackbuf) {
		if (awp_strbuf_add(o->sb, stackbuf, (size_t)n) < 0)
			o->err = AWP_ENOMEM;
		return;
	}
	va_start(ap, fmt);
	char *big = NULL;
	if (vasprintf(&big, fmt, ap) < 0)
		big = NULL;
	va_end(ap);
	if (!big || awp_strbuf_puts(o->sb, big) < 0)
		o->err = AWP_ENOMEM;
	free(big);
}

static const char *sev_color(awp_severity s)
{
	switch (s) {
	case AWP_SEVERITY_CRITICAL: return "\033[1;31m";
	case AWP_SEVERITY_HIGH: return "\033[31m";
	case AWP_SEVERITY_MEDIUM: return "\033[33m";
	case AWP_SEVERITY_LOW: return "\033[36m";
	default: return "\033[2m";
	}
}

static const char *level_color(awp_risk_level l)
{
	switch (l) {
	case AWP_RISK_CRITICAL: return "\033[1;37;41m";
	case AWP_RISK_HIGH: return "\033[1;31m";
	case AWP_RISK_MEDIUM: return "\033[1;33m";
	case AWP_RISK_LOW: return "\033[1;36m";
	default: return "\033[1;32m";
	}
}

#define BOLD(o) ((o)->color ? "\033[1m" : "")
#define RESET(o) ((o)->color ? "\033[0m" : "")

/* A cell of at most `width` bytes, padded; longer text ends with '~'. */
static void cell(struct out *o, const char *s, int width)
{
	int len = (int)strlen(s);
	if (len <= width)
		put(o, "%-*s ", width, s);
	else
		put(o, "%.*s~ ", width - 1, s);
}

static void sev_cell(struct out *o, awp_severity s)
{
	if (o->color)
		put(o, "%s%-8s%s ", sev_color(s), awp_severity_name(s), RESET(o));
	else
		put(o, "%-8s ", awp_severity_name(s));
}

static void section(struct out *o, const char *title)
{
	put(o, "\n%s%s%s\n", BOLD(o), title, RESET(o));
}

static void overview(struct out *o, const awp_scan_result *r)
{
	const awp_os_info *os = awp_scan_result_os(r);
	const awp_scan_stats *st = awp_scan_result_stats(r);
	char when[32], size[32];
	awp_rep_time(when, awp_scan_result_time(r));
	put(o, "%sawp scan%s %s (%s)\n", BOLD(o), RESET(o), awp_scan_result_target(r), awp_scan_result_target_format(r));
	put(o, "  OS        %s\n", os->known ? (os->pretty_name[0] ? os->pretty_name : os->id) : "unknown");
	put(o, "  scanned   %s in %.2f s: %llu files (%s), %zu packages\n", when, st->seconds, (unsigned long long)st->files,
	    awp_rep_human(st->bytes, size, sizeof size), st->packages);
	put(o, "  exposure  %s\n", awp_exposure_name(awp_scan_result_exposure(r)));
	put(o, "  scanners ");
	for (size_t i = 0; i < awp_scan_result_scanner_count(r); i++) {
		const awp_scan_scanner_status *s = awp_scan_result_scanner(r, i);
		put(o, "%s %s: %s%s%s", i ? ";" : "", s->name, s->ran ? "ran" : "not run", s->ran ? "" : " (",
		    s->ran ? "" : s->reason);
		if (!s->ran)
			put(o, ")");
	}
	put(o, "\n");
	awp_strbuf c = AWP_STRBUF_INIT;
	static const char *const label[] = {"vulnerabilities", "secrets", "threats"};
	put(o, "  findings ");
	for (int k = 0; k < AWP_FINDING_KIND_COUNT; k++) {
		awp_strbuf_truncate(&c, 0);
		awp_rep_counts(&c, r, (awp_finding_kind)k);
		put(o, "%s %s %zu (%s)", k ? ";" : "", label[k], awp_scan_result_live(r, (awp_finding_kind)k), awp_strbuf_cstr(&c));
	}
	awp_strbuf_free(&c);
	if (awp_scan_result_ignored(r))
		put(o, "; %zu filtered out", awp_scan_result_ignored(r));
	put(o, "\n");
}

static void risk(struct out *o, const awp_scan_result *r)
{
	const awp_risk *k = awp_scan_result_risk(r);
	put(o, "\n%sRISK %d/100 %s%s\n", o->color ? level_color(k->level) : "", k->score, awp_risk_level_name(k->level), RESET(o));
	for (size_t i = 0; i < k->factor_count; i++)
		put(o, "  %+6.1f  %-14s %s\n", k->factors[i].points, k->factors[i].id, k->factors[i].detail);
}

static void remediation(struct out *o, const awp_scan_result *r, size_t max)
{
	const awp_remediation *p = awp_scan_result_remediation(r);
	size_t n = awp_remediation_count(p);
	if (!n)
		return;
	section(o, "REMEDIATION (biggest win first)");
	awp_strbuf s = AWP_STRBUF_INIT;
	for (size_t i = 0; i < n && (!max || i < max); i++) {
		const awp_action *a = awp_remediation_get(p, i);
		awp_strbuf_truncate(&s, 0);
		awp_rep_action_summary(&s, a);
		put(o, "  %2zu. %s: %s\n", i + 1, a->title, awp_strbuf_cstr(&s));
		if (a->command[0])
			put(o, "      $ %s\n", a->command);
	}
	if (max && n > max)
		put(o, "  ... %zu more actions (--format json or html lists all)\n", n - max);
	awp_strbuf_free(&s);
}

static void vulns(struct out *o, const awp_scan_result *r, const awp_report_options *opt)
{
	size_t n = awp_scan_result_count(r, AWP_FINDING_VULN), shown = 0;
	if (!awp_scan_result_live(r, AWP_FINDING_VULN) && !(opt->show_ignored && n))
		return;
	section(o, "VULNERABILITIES");
	put(o, "%-8s %5s %-4s %-20s %-28s %-20s %-20s %s\n", "SEVERITY", "SCORE", "KEV", "ID", "PACKAGE", "INSTALLED", "FIXED",
	    "SUMMARY");
	for (size_t i = 0; i < n; i++) {
		const awp_finding *f = awp_scan_result_get(r, AWP_FINDING_VULN, i);
		if (f->ignored && !opt->show_ignored)
			continue;
		if (opt->max_rows && shown++ >= opt->max_rows) {
			put(o, "... more (--format json or html lists all)\n");
			break;
		}
		const awp_vuln_finding *v = f->vuln;
		char pkg[256], score[16];
		snprintf(pkg, sizeof pkg, "%s (%s)", v->pkg_name, v->pkg_type);
		if (v->score >= 0)
			snprintf(score, sizeof score, "%.1f", v->score);
		else
			snprintf(score, sizeof score, "-");
		sev_cell(o, f->severity);
		put(o, "%5s %-4s ", score, f->kev ? "yes" : "");
		cell(o, f->id, 20);
		cell(o, pkg, 28);
		cell(o, v->pkg_version, 20);
		cell(o, v->fixed_version ? v->fixed_version : "(no fix yet)", 20);
		put(o, "%.60s%s%s%s\n", f->title, f->ignored ? "  [filtered: " : "", f->ignored ? f->ignored : "", f->ignored ? "]" : "");
	}
}

static void others(struct out *o, const awp_scan_result *r, const awp_report_options *opt, awp_finding_kind k,
		   const char *title)
{
	size_t n = awp_scan_result_count(r, k), shown = 0;
	if (!awp_scan_result_live(r, k) && !(opt->show_ignored && n))
		return;
	section(o, title);
	put(o, "%-8s %-26s %-40s %-24s %s\n", "SEVERITY", "RULE", "LOCATION", "EVIDENCE", "TITLE");
	for (size_t i = 0; i < n; i++) {
		const awp_finding *f = awp_scan_result_get(r, k, i);
		if (f->ignored && !opt->show_ignored)
			continue;
		if (opt->max_rows && shown++ >= opt->max_rows) {
			put(o, "... more (--format json or html lists all)\n");
			break;
		}
		char loc[1024];
		if (f->line)
			snprintf(loc, sizeof loc, "%s%s%s:%llu", f->volume[0] ? f->volume : "", f->volume[0] ? ":" : "", f->path,
				 (unsigned long long)f->line);
		else
			snprintf(loc, sizeof loc, "%s%s%s", f->volume[0] ? f->volume : "", f->volume[0] ? ":" : "", f->path);
		sev_cell(o, f->severity);
		cell(o, f->id, 26);
		cell(o, loc, 40);
		cell(o, f->evidence, 24);
		put(o, "%.60s%s%s%s\n", f->title, f->ignored ? "  [filtered: " : "", f->ignored ? f->ignored : "", f->ignored ? "]" : "");
	}
}

static void coverage(struct out *o, const awp_scan_result *r)
{
	section(o, "COVERAGE");
	char size[32];
	for (size_t i = 0; i < awp_scan_result_volume_count(r); i++) {
		const awp_scan_volume *v = awp_scan_result_volume(r, i);
		put(o, "  %-10s %-6s %10s  ", v->name, v->fs_type[0] ? v->fs_type : "-", v->size ? awp_rep_human(v->size, size, sizeof size) : "-");
		if (!v->read)
			put(o, "not read: %s\n", v->reason[0] ? v->reason : v->reason_code);
		else
			put(o, "read%s%s\n", v->is_root ? " (root: packages and content)" : "",
			    v->is_root ? "" : v->walked ? " (content)" : " (no content scanner ran)");
	}
	const awp_vuln_report *vr = awp_scan_result_vulns(r);
	if (vr) {
		const awp_vulndb_exploit_sources *xs = awp_scan_result_exploit_sources(r);
		double age = awp_rep_db_age_hours(r);
		const char *eco = awp_vuln_report_os_ecosystem(vr);
		put(o, "  advisories: %s", age < 0 ? "database of unknown age" : "database ");
		if (age >= 0)
			put(o, "%.1f h old%s", age, age > 24 ? " (STALE: run 'awp db update')" : "");
		put(o, "%s%s; KEV %s; EPSS %s\n", eco[0] ? ", OS ecosystem " : "", eco, xs->kev_count ? "yes" : "not imported",
		    xs->epss_count ? "yes" : "not imported");
		for (size_t i = 0; i < awp_vuln_report_note_count(vr); i++)
			put(o, "  note: %s\n", awp_vuln_report_note(vr, i));
	}
	for (size_t i = 0; i < awp_scan_result_note_count(r); i++)
		put(o, "  note: %s\n", awp_scan_result_note(r, i));
}

int awp_rep_table(awp_strbuf *sb, const awp_scan_result *r, const awp_report_options *opt)
{
	struct out o = {sb, opt->color, 0};
	overview(&o, r);
	risk(&o, r);
	remediation(&o, r, opt->max_rows ? 10 : 0);
	vulns(&o, r, opt);
	others(&o, r, opt, AWP_FINDING_SECRET, "SECRETS");
	others(&o, r, opt, AWP_FINDING_THREAT, "THREATS");
	coverage(&o, r);
	return o.err;
}
