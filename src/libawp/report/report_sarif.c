/*
 * report/report_sarif.c - SARIF 2.1.0 (OASIS sarif-v2.1.0, the
 * sarif-schema-2.1.0.json schema), as code-scanning tools ingest it.
 *
 * One run; one rule per distinct finding id (a CVE, a secret or threat rule),
 * with GitHub's "security-severity" property (the CVSS score, else a value
 * for the level); one result per finding. File locations are relative to the
 * scanned filesystem's root, declared in originalUriBaseIds as "ROOT" (other
 * volumes as "VOLUME_<name>"). Filtered findings are kept with an external
 * suppression carrying the reason, as SARIF intends. Scanners that did not
 * run and coverage notes are tool execution notifications.
 */
#include "report/report_int.h"

#include "util/strmap.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *level(awp_severity s)
{
	switch (s) {
	case AWP_SEVERITY_CRITICAL:
	case AWP_SEVERITY_HIGH: return "error";
	case AWP_SEVERITY_MEDIUM: return "warning";
	default: return "note";
	}
}

/* GitHub's security-severity: a CVSS-like score ("" for unknown). */
static void sec_severity(char *buf, size_t cap, const awp_finding *f)
{
	if (f->vuln && f->vuln->score >= 0) {
		snprintf(buf, cap, "%.1f", f->vuln->score);
		return;
	}
	static const char *const v[AWP_SEVERITY_COUNT] = {"", "2.0", "5.5", "8.0", "9.5"};
	snprintf(buf, cap, "%s", v[f->severity < AWP_SEVERITY_COUNT ? f->severity : 0]);
}

/* Percent-encode a path as a relative URI reference (no leading '/'). */
static void uri(awp_strbuf *sb, const char *path)
{
	while (*path == '/')
		path++;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (isalnum(*p) || strchr("-._~/!$&'()*+,;=:@", *p))
			awp_strbuf_putc(sb, (char)*p);
		else
			awp_strbuf_printf(sb, "%%%02X", *p);
	}
}

static void base_id(char *buf, size_t cap, const char *volume, int is_root)
{
	if (is_root || !volume[0]) {
		snprintf(buf, cap, "ROOT");
		return;
	}
	size_t n = (size_t)snprintf(buf, cap, "VOLUME_");
	for (const char *p = volume; *p && n + 1 < cap; p++)
		buf[n++] = isalnum((unsigned char)*p) ? *p : '_';
	buf[n] = '\0';
}

static int root_volume(const awp_scan_result *r, const char *name)
{
	for (size_t i = 0; i < awp_scan_result_volume_count(r); i++) {
		const awp_scan_volume *v = awp_scan_result_volume(r, i);
		if (strcmp(v->name, name) == 0)
			return v->is_root;
	}
	return 1;
}

static void message(awp_strbuf *sb, const awp_finding *f)
{
	if (f->vuln) {
		const awp_vuln_finding *v = f->vuln;
		awp_strbuf_printf(sb, "%s %s in %s %s (%s)", awp_severity_name(f->severity), f->id, v->pkg_name, v->pkg_version,
				  v->pkg_type);
		if (v->fixed_version)
			awp_strbuf_printf(sb, "; fixed in %s", v->fixed_version);
		else
			awp_strbuf_puts(sb, "; no fix yet");
		if (f->kev)
			awp_strbuf_puts(sb, "; known exploited (CISA KEV)");
		if (f->title[0] && strcmp(f->title, f->id) != 0)
			awp_strbuf_printf(sb, ": %s", f->title);
		return;
	}
	awp_strbuf_printf(sb, "%s: %s", f->title[0] ? f->title : f->id, f->evidence);
}

static void rule(awp_jsonw *w, const awp_finding *f)
{
	awp_strbuf help = AWP_STRBUF_INIT;
	awp_rep_remediation(&help, f);
	char sev[16];
	sec_severity(sev, sizeof sev, f);
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "id", f->id);
	awp_jsonw_key(w, "shortDescription");
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "text", f->title[0] ? f->title : f->id);
	awp_jsonw_object_end(w);
	awp_jsonw_key(w, "help");
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "text", awp_strbuf_cstr(&help));
	awp_jsonw_object_end(w);
	if (f->vuln && f->vuln->reference_count && strncmp(f->vuln->references[0], "http", 4) == 0)
		awp_jsonw_kv_string(w, "helpUri", f->vuln->references[0]);
	awp_jsonw_key(w, "defaultConfiguration");
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "level", level(f->severity));
	awp_jsonw_object_end(w);
	awp_jsonw_key(w, "properties");
	awp_jsonw_object_begin(w);
	if (sev[0])
		awp_jsonw_kv_string(w, "security-severity", sev);
	awp_jsonw_key(w, "tags");
	awp_jsonw_array_begin(w);
	awp_jsonw_string(w, "security");
	awp_jsonw_string(w, awp_finding_kind_name(f->kind));
	if (f->category[0])
		awp_jsonw_string(w, f->category);
	awp_jsonw_array_end(w);
	awp_jsonw_object_end(w);
	awp_jsonw_object_end(w);
	awp_strbuf_free(&help);
}

int awp_rep_sarif(awp_strbuf *sb, const awp_scan_result *r, const awp_report_options *o)
{
	(void)o;
	awp_jsonw w;
	awp_jsonw_init(&w, sb, 1);
	awp_strmap rules = {0};
	int err = 0;
	char when[32], base[80];
	awp_strbuf tmp = AWP_STRBUF_INIT;

	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_string(&w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	awp_jsonw_kv_string(&w, "version", "2.1.0");
	awp_jsonw_key(&w, "runs");
	awp_jsonw_array_begin(&w);
	awp_jsonw_object_begin(&w);

	awp_jsonw_key(&w, "tool");
	awp_jsonw_object_begin(&w);
	awp_jsonw_key(&w, "driver");
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_string(&w, "name", "awp");
	awp_jsonw_kv_string(&w, "version", awp_version());
	awp_jsonw_kv_string(&w, "semanticVersion", awp_version());
	awp_jsonw_key(&w, "rules");
	awp_jsonw_array_begin(&w);
	size_t nrules = 0;
	for (int k = 0; k < AWP_FINDING_KIND_COUNT; k++)
		for (size_t i = 0; i < awp_scan_result_count(r, (awp_finding_kind)k); i++) {
			const awp_finding *f = awp_scan_result_get(r, (awp_finding_kind)k, i);
			size_t idx;
			if (awp_strmap_get(&rules, f->id, &idx))
				continue;
			if ((err = awp_strmap_put(&rules, f->id, nrules++)) < 0)
				goto done;
			rule(&w, f);
		}
	awp_jsonw_array_end(&w);
	awp_jsonw_object_end(&w);
	awp_jsonw_object_end(&w);

	awp_jsonw_key(&w, "originalUriBaseIds");
	awp_jsonw_object_begin(&w);
	awp_jsonw_key(&w, "ROOT");
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_string(&w, "uri", "file:///");
	awp_jsonw_key(&w, "description");
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_string(&w, "text", "the root filesystem of the scanned target");
	awp_jsonw_object_end(&w);
	awp_jsonw_object_end(&w);
	for (size_t i = 0; i < awp_scan_result_volume_count(r); i++) {
		const awp_scan_volume *v = awp_scan_result_volume(r, i);
		if (!v->walked || v->is_root)
			continue;
		base_id(base, sizeof base, v->name, 0);
		awp_jsonw_key(&w, base);
		awp_jsonw_object_begin(&w);
		awp_strbuf_truncate(&tmp, 0);
		awp_strbuf_puts(&tmp, "file:///volumes/");
		uri(&tmp, v->name);
		awp_strbuf_putc(&tmp, '/');
		awp_jsonw_kv_string(&w, "uri", awp_strbuf_cstr(&tmp));
		awp_jsonw_object_end(&w);
	}
	awp_jsonw_object_end(&w);

	awp_jsonw_key(&w, "invocations");
	awp_jsonw_array_begin(&w);
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_bool(&w, "executionSuccessful", 1);
	awp_rep_time(when, awp_scan_result_time(r));
	awp_jsonw_kv_string(&w, "startTimeUtc", when);
	awp_jsonw_key(&w, "toolExecutionNotifications");
	awp_jsonw_array_begin(&w);
	for (size_t i = 0; i < awp_scan_result_scanner_count(r); i++) {
		const awp_scan_scanner_status *s = awp_scan_result_scanner(r, i);
		if (s->ran || !s->requested)
			continue;
		awp_strbuf_truncate(&tmp, 0);
		awp_strbuf_printf(&tmp, "scanner %s not run: %s", s->name, s->reason);
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "level", "warning");
		awp_jsonw_key(&w, "message");
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "text", awp_strbuf_cstr(&tmp));
		awp_jsonw_object_end(&w);
		awp_jsonw_object_end(&w);
	}
	const awp_vuln_report *vr = awp_scan_result_vulns(r);
	size_t nn = (vr ? awp_vuln_report_note_count(vr) : 0) + awp_scan_result_note_count(r);
	for (size_t i = 0; i < nn; i++) {
		size_t vn = vr ? awp_vuln_report_note_count(vr) : 0;
		const char *note = i < vn ? awp_vuln_report_note(vr, i) : awp_scan_result_note(r, i - vn);
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "level", "note");
		awp_jsonw_key(&w, "message");
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "text", note);
		awp_jsonw_object_end(&w);
		awp_jsonw_object_end(&w);
	}
	awp_jsonw_array_end(&w);
	awp_jsonw_object_end(&w);
	awp_jsonw_array_end(&w);

	awp_jsonw_key(&w, "results");
	awp_jsonw_array_begin(&w);
	for (int k = 0; k < AWP_FINDING_KIND_COUNT; k++)
		for (size_t i = 0; i < awp_scan_result_count(r, (awp_finding_kind)k); i++) {
			const awp_finding *f = awp_scan_result_get(r, (awp_finding_kind)k, i);
			size_t idx = 0;
			awp_strmap_get(&rules, f->id, &idx);
			awp_jsonw_object_begin(&w);
			awp_jsonw_kv_string(&w, "ruleId", f->id);
			awp_jsonw_kv_uint(&w, "ruleIndex", idx);
			awp_jsonw_kv_string(&w, "level", level(f->severity));
			awp_jsonw_key(&w, "message");
			awp_jsonw_object_begin(&w);
			awp_strbuf_truncate(&tmp, 0);
			message(&tmp, f);
			awp_jsonw_kv_string(&w, "text", awp_strbuf_cstr(&tmp));
			awp_jsonw_object_end(&w);
			awp_jsonw_key(&w, "locations");
			awp_jsonw_array_begin(&w);
			awp_jsonw_object_begin(&w);
			awp_jsonw_key(&w, "physicalLocation");
			awp_jsonw_object_begin(&w);
			awp_jsonw_key(&w, "artifactLocation");
			awp_jsonw_object_begin(&w);
			awp_strbuf_truncate(&tmp, 0);
			uri(&tmp, f->path);
			awp_jsonw_kv_string(&w, "uri", awp_strbuf_cstr(&tmp));
			base_id(base, sizeof base, f->volume, root_volume(r, f->volume));
			awp_jsonw_kv_string(&w, "uriBaseId", base);
			awp_jsonw_object_end(&w);
			if (f->line) {
				awp_jsonw_key(&w, "region");
				awp_jsonw_object_begin(&w);
				awp_jsonw_kv_uint(&w, "startLine", f->line);
				awp_jsonw_object_end(&w);
			}
			awp_jsonw_object_end(&w);
			awp_jsonw_object_end(&w);
			awp_jsonw_array_end(&w);
			awp_jsonw_key(&w, "partialFingerprints");
			awp_jsonw_object_begin(&w);
			awp_strbuf_truncate(&tmp, 0);
			if (f->fingerprint[0])
				awp_strbuf_puts(&tmp, f->fingerprint);
			else
				awp_strbuf_printf(&tmp, "%s|%s|%s", f->id, f->path, f->evidence);
			awp_jsonw_kv_string(&w, "awp/v1", awp_strbuf_cstr(&tmp));
			awp_jsonw_object_end(&w);
			if (f->ignored) {
				awp_jsonw_key(&w, "suppressions");
				awp_jsonw_array_begin(&w);
				awp_jsonw_object_begin(&w);
				awp_jsonw_kv_string(&w, "kind", "external");
				awp_jsonw_kv_string(&w, "justification", f->ignored);
				awp_jsonw_object_end(&w);
				awp_jsonw_array_end(&w);
			}
			awp_jsonw_key(&w, "properties");
			awp_jsonw_object_begin(&w);
			awp_jsonw_kv_string(&w, "kind", awp_finding_kind_name(f->kind));
			awp_jsonw_kv_string(&w, "severity", awp_severity_name(f->severity));
			if (f->vuln) {
				awp_jsonw_kv_string(&w, "package", f->vuln->pkg_name);
				awp_jsonw_kv_string(&w, "installedVersion", f->vuln->pkg_version);
				if (f->vuln->fixed_version)
					awp_jsonw_kv_string(&w, "fixedVersion", f->vuln->fixed_version);
				awp_jsonw_kv_bool(&w, "knownExploited", f->kev);
				if (f->epss >= 0) {
					awp_jsonw_key(&w, "epss");
					awp_jsonw_double(&w, f->epss);
				}
			}
			awp_jsonw_object_end(&w);
			awp_jsonw_object_end(&w);
		}
	awp_jsonw_array_end(&w);

	const awp_risk *risk = awp_scan_result_risk(r);
	awp_jsonw_key(&w, "properties");
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_string(&w, "target", awp_scan_result_target(r));
	awp_jsonw_kv_int(&w, "riskScore", risk->score);
	awp_jsonw_kv_string(&w, "riskLevel", awp_risk_level_name(risk->level));
	awp_jsonw_object_end(&w);
	awp_jsonw_object_end(&w);
	awp_jsonw_array_end(&w);
	awp_jsonw_object_end(&w);
	if (w.err || awp_strbuf_putc(sb, '\n') < 0)
		err = AWP_ENOMEM;
done:
	awp_strmap_free(&rules);
	awp_strbuf_free(&tmp);
	return err;
}
