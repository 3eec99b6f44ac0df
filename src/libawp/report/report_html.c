/*
 * report/report_html.c - a single-file HTML report a person opens offline:
 * inline CSS, no script, no external resource (fonts, images, links to
 * stylesheets). Sections, each a <section id=...>: overview (with the risk
 * score and its factors), remediation, vulnerabilities, secrets, threats,
 * coverage. Every string from the scan is HTML-escaped.
 */
#include "report/report_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out {
	awp_strbuf *sb;
	int err;
};

static void raw(struct out *o, const char *s)
{
	if (!o->err && awp_strbuf_puts(o->sb, s) < 0)
		o->err = AWP_ENOMEM;
}

static void fmt(struct out *o, const char *f, ...) __attribute__((format(printf, 2, 3)));
static void fmt(struct out *o, const char *f, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, f);
	vsnprintf(buf, sizeof buf, f, ap);
	va_end(ap);
	raw(o, buf);
}

/* Escaped text. */
static void esc(struct out *o, const char *s)
{
	for (; *s && !o->err; s++) {
		switch (*s) {
		case '<': raw(o, "&lt;"); break;
		case '>': raw(o, "&gt;"); break;
		case '&': raw(o, "&amp;"); break;
		case '"': raw(o, "&quot;"); break;
		case '\'': raw(o, "&#39;"); break;
		default:
			if (awp_strbuf_putc(o->sb, *s) < 0)
				o->err = AWP_ENOMEM;
		}
	}
}

static void td(struct out *o, const char *s)
{
	raw(o, "<td>");
	esc(o, s);
	raw(o, "</td>");
}

static void sev(struct out *o, awp_severity s)
{
	fmt(o, "<td><span class=\"sev %s\">%s</span></td>", awp_severity_name(s), awp_severity_name(s));
}

static const char css[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d2330;background:#f4f6f9}"
	"header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0;font-size:20px}"
	"header .sub{color:#b8c0cc;font-size:13px;margin-top:4px;word-break:break-all}"
	"main{max-width:1200px;margin:0 auto;padding:12px 28px 40px}"
	"section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:16px 20px;margin:16px 0}"
	"h2{font-size:17px;margin:0 0 10px}table{border-collapse:collapse;width:100%;font-size:13px}"
	"th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e6e9ee;vertical-align:top}"
	"th{background:#f0f2f5;font-weight:600}td.mono,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}"
	".sev{display:inline-block;padding:1px 7px;border-radius:9px;font-size:12px;font-weight:600;color:#fff}"
	".critical{background:#8b0000}.high{background:#d4380d}.medium{background:#d48806}.low{background:#2f7ab8}"
	".unknown,.none{background:#8c8c8c}"
	".risk{display:flex;gap:24px;align-items:center}.score{font-size:44px;font-weight:700;line-height:1}"
	".level{font-size:18px;font-weight:700;text-transform:uppercase;padding:4px 12px;border-radius:6px;color:#fff}"
	".kv{display:grid;grid-template-columns:max-content 1fr;gap:3px 16px}.kv div:nth-child(odd){color:#5b6473}"
	".muted{color:#6b7280}.ign{opacity:.55}ol li{margin:6px 0}pre{background:#f0f2f5;padding:6px 10px;"
	"border-radius:4px;margin:4px 0;white-space:pre-wrap;word-break:break-all}"
	".counts span{margin-right:14px}";

static void overview(struct out *o, const awp_scan_result *r)
{
	const awp_os_info *os = awp_scan_result_os(r);
	const awp_scan_stats *st = awp_scan_result_stats(r);
	const awp_risk *k = awp_scan_result_risk(r);
	char when[32], size[32];
	awp_rep_time(when, awp_scan_result_time(r));
	raw(o, "<section id=\"overview\"><h2>Overview</h2><div class=\"risk\"><div><div class=\"score\">");
	fmt(o, "%d<span class=\"muted\" style=\"font-size:18px\">/100</span></div></div>", k->score);
	fmt(o, "<div class=\"level %s\">%s risk</div>", k->level == AWP_RISK_NONE ? "none" :
	    awp_severity_name((awp_severity)k->level), awp_risk_level_name(k->level));
	raw(o, "<div class=\"counts\">");
	static const char *const label[] = {"vulnerabilities", "secrets", "threats"};
	for (int i = 0; i < AWP_FINDING_KIND_COUNT; i++)
		fmt(o, "<span><b>%zu</b> %s</span>", awp_scan_result_live(r, (awp_finding_kind)i), label[i]);
	if (awp_scan_result_ignored(r))
		fmt(o, "<span class=\"muted\">%zu filtered out</span>", awp_scan_result_ignored(r));
	raw(o, "</div></div>");
	raw(o, "<h3>Risk factors</h3><table><tr><th>points</th><th>factor</th><th>detail</th></tr>");
	for (size_t i = 0; i < k->factor_count; i++) {
		fmt(o, "<tr><td class=\"mono\">%+.1f</td>", k->factors[i].points);
		td(o, k->factors[i].id);
		td(o, k->factors[i].detail);
		raw(o, "</tr>");
	}
	raw(o, "</table><h3>Scan</h3><div class=\"kv\"><div>target</div><div>");
	esc(o, awp_scan_result_target(r));
	fmt(o, " (%s)</div><div>operating system</div><div>", awp_scan_result_target_format(r));
	esc(o, os->known ? (os->pretty_name[0] ? os->pretty_name : os->id) : "unknown");
	fmt(o, "</div><div>scanned</div><div>%s, %.2f s</div>", when, st->seconds);
	fmt(o, "<div>files</div><div>%llu (%s), %zu packages</div>", (unsigned long long)st->files,
	    awp_rep_human(st->bytes, size, sizeof size), st->packages);
	fmt(o, "<div>exposure</div><div>%s</div>", awp_exposure_name(awp_scan_result_exposure(r)));
	for (int i = 0; i < AWP_FINDING_KIND_COUNT; i++) {
		awp_strbuf c = AWP_STRBUF_INIT;
		awp_rep_counts(&c, r, (awp_finding_kind)i);
		fmt(o, "<div>%s</div><div>", label[i]);
		esc(o, awp_strbuf_cstr(&c));
		raw(o, "</div>");
		awp_strbuf_free(&c);
	}
	raw(o, "</div></section>");
}

static void remediation(struct out *o, const awp_scan_result *r)
{
	const awp_remediation *p = awp_scan_result_remediation(r);
	raw(o, "<section id=\"remediation\"><h2>Remediation</h2>");
	if (!awp_remediation_count(p))
		raw(o, "<p class=\"muted\">Nothing to do.</p>");
	else
		raw(o, "<p class=\"muted\">Biggest win first.</p><ol>");
	awp_strbuf s = AWP_STRBUF_INIT;
	for (size_t i = 0; i < awp_remediation_count(p); i++) {
		const awp_action *a = awp_remediation_get(p, i);
		awp_strbuf_truncate(&s, 0);
		awp_rep_action_summary(&s, a);
		raw(o, "<li><b>");
		esc(o, a->title);
		raw(o, "</b>: ");
		esc(o, awp_strbuf_cstr(&s));
		if (a->command[0]) {
			raw(o, "<pre>");
			esc(o, a->command);
			raw(o, "</pre>");
		}
		if (a->kind != AWP_ACTION_UPGRADE && a->location_count) {
			raw(o, "<div class=\"muted\">");
			for (size_t k = 0; k < a->location_count && k < 20; k++) {
				raw(o, k ? ", " : "");
				esc(o, a->locations[k]);
			}
			raw(o, "</div>");
		}
		raw(o, "</li>");
	}
	awp_strbuf_free(&s);
	if (awp_remediation_count(p))
		raw(o, "</ol>");
	raw(o, "</section>");
}

static const awp_scan_scanner_status *status(const awp_scan_result *r, awp_finding_kind k)
{
	for (size_t i = 0; i < awp_scan_result_scanner_count(r); i++)
		if (awp_scan_result_scanner(r, i)->kind == k)
			return awp_scan_result_scanner(r, i);
	return NULL;
}

static int not_run(struct out *o, const awp_scan_result *r, awp_finding_kind k)
{
	const awp_scan_scanner_status *s = status(r, k);
	if (s && !s->ran) {
		raw(o, "<p class=\"muted\">Not run: ");
		esc(o, s->reason);
		raw(o, "</p>");
		return 1;
	}
	return 0;
}

static void vulns(struct out *o, const awp_scan_result *r)
{
	size_t n = awp_scan_result_count(r, AWP_FINDING_VULN);
	fmt(o, "<section id=\"vulnerabilities\"><h2>Vulnerabilities (%zu)</h2>", awp_scan_result_live(r, AWP_FINDING_VULN));
	if (not_run(o, r, AWP_FINDING_VULN) || !n) {
		if (!n && status(r, AWP_FINDING_VULN) && status(r, AWP_FINDING_VULN)->ran)
			raw(o, "<p>No known vulnerabilities.</p>");
		raw(o, "</section>");
		return;
	}
	raw(o, "<table><tr><th>severity</th><th>score</th><th>id</th><th>package</th><th>installed</th><th>fixed</th>"
	       "<th>exploit</th><th>summary</th></tr>");
	for (size_t i = 0; i < n; i++) {
		const awp_finding *f = awp_scan_result_get(r, AWP_FINDING_VULN, i);
		const awp_vuln_finding *v = f->vuln;
		char buf[64];
		fmt(o, "<tr%s>", f->ignored ? " class=\"ign\"" : "");
		sev(o, f->severity);
		if (v->score >= 0)
			fmt(o, "<td>%.1f</td>", v->score);
		else
			raw(o, "<td>-</td>");
		raw(o, "<td class=\"mono\">");
		esc(o, f->id);
		raw(o, "</td><td>");
		esc(o, v->pkg_name);
		raw(o, " <span class=\"muted\">");
		esc(o, v->pkg_type);
		raw(o, "</span><div class=\"muted mono\">");
		esc(o, v->pkg_path);
		raw(o, "</div></td>");
		td(o, v->pkg_version);
		td(o, v->fixed_version ? v->fixed_version : "no fix yet");
		buf[0] = '\0';
		if (f->kev)
			snprintf(buf, sizeof buf, "KEV%s%s", f->kev_date_added[0] ? " " : "", f->kev_date_added);
		else if (f->epss >= 0)
			snprintf(buf, sizeof buf, "EPSS %.3f", f->epss);
		td(o, buf);
		raw(o, "<td>");
		esc(o, v->summary);
		if (f->ignored) {
			raw(o, " <i>(filtered: ");
			esc(o, f->ignored);
			raw(o, ")</i>");
		}
		raw(o, "</td></tr>");
	}
	raw(o, "</table></section>");
}

static void others(struct out *o, const awp_scan_result *r, awp_finding_kind k, const char *id, const char *title)
{
	size_t n = awp_scan_result_count(r, k);
	fmt(o, "<section id=\"%s\"><h2>%s (%zu)</h2>", id, title, awp_scan_result_live(r, k));
	if (not_run(o, r, k) || !n) {
		if (!n && status(r, k) && status(r, k)->ran)
			fmt(o, "<p>No %s found.</p>", id);
		raw(o, "</section>");
		return;
	}
	raw(o, "<table><tr><th>severity</th><th>rule</th><th>location</th><th>evidence</th><th>title</th><th>what to do</th></tr>");
	awp_strbuf rem = AWP_STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const awp_finding *f = awp_scan_result_get(r, k, i);
		fmt(o, "<tr%s>", f->ignored ? " class=\"ign\"" : "");
		sev(o, f->severity);
		raw(o, "<td class=\"mono\">");
		esc(o, f->id);
		raw(o, "</td><td class=\"mono\">");
		if (f->volume[0]) {
			esc(o, f->volume);
			raw(o, ":");
		}
		esc(o, f->path);
		if (f->line)
			fmt(o, ":%llu", (unsigned long long)f->line);
		raw(o, "</td><td class=\"mono\">");
		esc(o, f->evidence);
		raw(o, "</td>");
		td(o, f->title);
		awp_strbuf_truncate(&rem, 0);
		awp_rep_remediation(&rem, f);
		raw(o, "<td>");
		esc(o, awp_strbuf_cstr(&rem));
		if (f->ignored) {
			raw(o, " <i>(filtered: ");
			esc(o, f->ignored);
			raw(o, ")</i>");
		}
		raw(o, "</td></tr>");
	}
	awp_strbuf_free(&rem);
	raw(o, "</table></section>");
}

static void coverage(struct out *o, const awp_scan_result *r)
{
	char size[32];
	raw(o, "<section id=\"coverage\"><h2>Coverage</h2><table><tr><th>volume</th><th>filesystem</th><th>size</th>"
	       "<th>status</th></tr>");
	for (size_t i = 0; i < awp_scan_result_volume_count(r); i++) {
		const awp_scan_volume *v = awp_scan_result_volume(r, i);
		raw(o, "<tr>");
		td(o, v->name);
		td(o, v->fs_type[0] ? v->fs_type : "-");
		td(o, v->size ? awp_rep_human(v->size, size, sizeof size) : "-");
		raw(o, "<td>");
		if (!v->read) {
			raw(o, "not read: ");
			esc(o, v->reason[0] ? v->reason : v->reason_code);
		} else {
			raw(o, v->is_root ? "read (root: packages and content)" : v->walked ? "read (content)" : "read (no content scanner ran)");
		}
		raw(o, "</td></tr>");
	}
	raw(o, "</table><h3>Scanners</h3><ul>");
	for (size_t i = 0; i < awp_scan_result_scanner_count(r); i++) {
		const awp_scan_scanner_status *s = awp_scan_result_scanner(r, i);
		fmt(o, "<li><b>%s</b>: %s", s->name, s->ran ? "ran" : "not run: ");
		if (!s->ran)
			esc(o, s->reason);
		raw(o, "</li>");
	}
	raw(o, "</ul>");
	const awp_vuln_report *vr = awp_scan_result_vulns(r);
	size_t vn = vr ? awp_vuln_report_note_count(vr) : 0, nn = vn + awp_scan_result_note_count(r);
	if (nn) {
		raw(o, "<h3>Notes</h3><ul>");
		for (size_t i = 0; i < nn; i++) {
			raw(o, "<li>");
			esc(o, i < vn ? awp_vuln_report_note(vr, i) : awp_scan_result_note(r, i - vn));
			raw(o, "</li>");
		}
		raw(o, "</ul>");
	}
	if (vr) {
		const awp_vulndb_exploit_sources *xs = awp_scan_result_exploit_sources(r);
		double age = awp_rep_db_age_hours(r);
		raw(o, "<p class=\"muted\">Advisory database: ");
		if (age >= 0)
			fmt(o, "%.1f hours old%s", age, age > 24 ? " (stale)" : "");
		else
			raw(o, "age unknown");
		fmt(o, "; CISA KEV: %zu entries; EPSS: %zu scores.</p>", xs->kev_count, xs->epss_count);
	}
	raw(o, "</section>");
}

int awp_rep_html(awp_strbuf *sb, const awp_scan_result *r, const awp_report_options *opt)
{
	(void)opt;
	struct out o = {sb, 0};
	char when[32];
	awp_rep_time(when, awp_scan_result_time(r));
	raw(&o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
		"<title>awp report: ");
	esc(&o, awp_scan_result_target(r));
	raw(&o, "</title><style>");
	raw(&o, css);
	raw(&o, "</style></head><body><header><h1>awp scan report</h1><div class=\"sub\">");
	esc(&o, awp_scan_result_target(r));
	fmt(&o, " &middot; %s &middot; awp %s</div></header><main>\n", when, awp_version());
	overview(&o, r);
	raw(&o, "\n");
	remediation(&o, r);
	raw(&o, "\n");
	vulns(&o, r);
	raw(&o, "\n");
	others(&o, r, AWP_FINDING_SECRET, "secrets", "Secrets");
	raw(&o, "\n");
	others(&o, r, AWP_FINDING_THREAT, "threats", "Threats");
	raw(&o, "\n");
	coverage(&o, r);
	raw(&o, "\n</main></body></html>\n");
	return o.err;
}
