/*
 * report/report_json.c - the scan report as awp JSON, schema "awp.report/1"
 * (docs/report-schema.md; docs/report.schema.json is its JSON Schema and the
 * tests validate every document against it). Additive changes keep "/1";
 * anything that changes the meaning of a field bumps it.
 */
#include "report/report_int.h"

#include <math.h>
#include <stdio.h>

static void kv_double(awp_jsonw *w, const char *k, double v, double scale)
{
	awp_jsonw_key(w, k);
	awp_jsonw_double(w, round(v * scale) / scale);
}

static void by_severity(awp_jsonw *w, const size_t *counts)
{
	awp_jsonw_object_begin(w);
	for (int s = AWP_SEVERITY_CRITICAL; s >= AWP_SEVERITY_UNKNOWN; s--)
		awp_jsonw_kv_uint(w, awp_severity_name((awp_severity)s), counts[s]);
	awp_jsonw_object_end(w);
}

static void finding(awp_jsonw *w, const awp_finding *f)
{
	awp_strbuf rem = AWP_STRBUF_INIT;
	awp_rep_remediation(&rem, f);
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "kind", awp_finding_kind_name(f->kind));
	awp_jsonw_kv_string(w, "id", f->id);
	awp_jsonw_kv_string(w, "severity", awp_severity_name(f->severity));
	awp_jsonw_kv_string_or_null(w, "category", f->category);
	awp_jsonw_kv_string(w, "title", f->title);
	awp_jsonw_kv_string(w, "path", f->path);
	awp_jsonw_kv_string_or_null(w, "volume", f->volume);
	awp_jsonw_key(w, "line");
	if (f->line)
		awp_jsonw_uint(w, f->line);
	else
		awp_jsonw_null(w);
	awp_jsonw_kv_string(w, "evidence", f->evidence);
	awp_jsonw_kv_string_or_null(w, "fingerprint", f->fingerprint);
	awp_jsonw_kv_string_or_null(w, "package", f->package);
	awp_jsonw_kv_string(w, "remediation", awp_strbuf_cstr(&rem));
	awp_jsonw_kv_string_or_null(w, "ignored", f->ignored);
	const awp_vuln_finding *v = f->vuln;
	if (v) {
		awp_jsonw_kv_string_array(w, "ids", v->ids, v->id_count);
		awp_jsonw_kv_string_array(w, "advisories", v->advisories, v->advisory_count);
		awp_jsonw_key(w, "score");
		if (v->score >= 0)
			awp_jsonw_double(w, v->score);
		else
			awp_jsonw_null(w);
		awp_jsonw_kv_string_or_null(w, "severity_source", v->severity_source);
		awp_jsonw_kv_string_or_null(w, "cvss_vector", v->severity_vector);
		awp_jsonw_key(w, "exploit");
		awp_jsonw_object_begin(w);
		awp_jsonw_kv_bool(w, "kev", f->kev);
		awp_jsonw_kv_string_or_null(w, "kev_date_added", f->kev_date_added);
		awp_jsonw_key(w, "epss");
		if (f->epss >= 0)
			awp_jsonw_double(w, f->epss);
		else
			awp_jsonw_null(w);
		awp_jsonw_key(w, "epss_percentile");
		if (f->epss_percentile >= 0)
			awp_jsonw_double(w, f->epss_percentile);
		else
			awp_jsonw_null(w);
		awp_jsonw_object_end(w);
		awp_jsonw_key(w, "package_info");
		awp_jsonw_object_begin(w);
		awp_jsonw_kv_string(w, "type", v->pkg_type);
		awp_jsonw_kv_string(w, "name", v->pkg_name);
		awp_jsonw_kv_string(w, "version", v->pkg_version);
		awp_jsonw_kv_string_or_null(w, "source_name", v->source_name);
		awp_jsonw_kv_string_or_null(w, "source_version", v->source_version);
		awp_jsonw_kv_string(w, "path", v->pkg_path);
		awp_jsonw_kv_string_or_null(w, "entry", v->pkg_entry);
		awp_jsonw_kv_string(w, "manager", v->pkg_manager);
		awp_jsonw_kv_string_or_null(w, "purl", v->pkg_purl);
		awp_jsonw_object_end(w);
		awp_jsonw_kv_string(w, "matched_name", v->matched_name);
		awp_jsonw_kv_string(w, "installed_version", v->installed_version);
		awp_jsonw_kv_string_or_null(w, "fixed_version", v->fixed_version);
		awp_jsonw_kv_string(w, "ecosystem", v->ecosystem);
		awp_jsonw_kv_string_array(w, "references", v->references, v->reference_count);
	}
	awp_jsonw_object_end(w);
	awp_strbuf_free(&rem);
}

static void findings(awp_jsonw *w, const awp_scan_result *r, const char *key, awp_finding_kind k)
{
	awp_jsonw_key(w, key);
	awp_jsonw_array_begin(w);
	for (size_t i = 0; i < awp_scan_result_count(r, k); i++)
		finding(w, awp_scan_result_get(r, k, i));
	awp_jsonw_array_end(w);
}

int awp_rep_json(awp_strbuf *sb, const awp_scan_result *r, const awp_report_options *o)
{
	(void)o;
	awp_jsonw w;
	awp_jsonw_init(&w, sb, 1);
	const awp_os_info *os = awp_scan_result_os(r);
	const awp_scan_stats *st = awp_scan_result_stats(r);
	const awp_vuln_report *vr = awp_scan_result_vulns(r);
	char when[32];

	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_string(&w, "schema", AWP_REPORT_SCHEMA);
	awp_jsonw_key(&w, "tool");
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_string(&w, "name", "awp");
	awp_jsonw_kv_string(&w, "version", awp_version());
	awp_jsonw_object_end(&w);

	/* --- what was scanned --- */
	awp_jsonw_key(&w, "scan");
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_string(&w, "target", awp_scan_result_target(r));
	awp_jsonw_kv_string(&w, "target_format", awp_scan_result_target_format(r));
	awp_rep_time(when, awp_scan_result_time(r));
	awp_jsonw_kv_string(&w, "started_at", when);
	kv_double(&w, "duration_seconds", st->seconds, 1000);
	awp_jsonw_kv_string(&w, "exposure", awp_exposure_name(awp_scan_result_exposure(r)));
	awp_jsonw_key(&w, "os");
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_bool(&w, "known", os->known);
	awp_jsonw_kv_string(&w, "id", os->id);
	awp_jsonw_kv_string(&w, "version_id", os->version_id);
	awp_jsonw_kv_string(&w, "pretty_name", os->pretty_name);
	awp_jsonw_object_end(&w);
	awp_jsonw_key(&w, "scanners");
	awp_jsonw_array_begin(&w);
	for (size_t i = 0; i < awp_scan_result_scanner_count(r); i++) {
		const awp_scan_scanner_status *s = awp_scan_result_scanner(r, i);
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "name", s->name);
		awp_jsonw_kv_bool(&w, "requested", s->requested);
		awp_jsonw_kv_bool(&w, "ran", s->ran);
		awp_jsonw_kv_string_or_null(&w, "reason", s->ran ? "" : s->reason);
		awp_jsonw_object_end(&w);
	}
	awp_jsonw_array_end(&w);
	awp_jsonw_key(&w, "coverage");
	awp_jsonw_object_begin(&w);
	awp_jsonw_key(&w, "volumes");
	awp_jsonw_array_begin(&w);
	for (size_t i = 0; i < awp_scan_result_volume_count(r); i++) {
		const awp_scan_volume *v = awp_scan_result_volume(r, i);
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "name", v->name);
		awp_jsonw_kv_string_or_null(&w, "fs_type", v->fs_type);
		awp_jsonw_kv_uint(&w, "size", v->size);
		awp_jsonw_kv_bool(&w, "read", v->read);
		awp_jsonw_kv_bool(&w, "walked", v->walked);
		awp_jsonw_kv_bool(&w, "root", v->is_root);
		awp_jsonw_kv_string_or_null(&w, "reason_code", v->reason_code);
		awp_jsonw_kv_string_or_null(&w, "reason", v->reason);
		awp_jsonw_object_end(&w);
	}
	awp_jsonw_array_end(&w);
	awp_jsonw_kv_uint(&w, "files", st->files);
	awp_jsonw_kv_uint(&w, "bytes", st->bytes);
	awp_jsonw_kv_uint(&w, "walk_errors", st->walk_errors);
	awp_jsonw_kv_uint(&w, "content_files", st->content_files);
	awp_jsonw_kv_uint(&w, "content_bytes", st->content_bytes);
	awp_jsonw_kv_uint(&w, "content_errors", st->content_errors);
	awp_jsonw_kv_uint(&w, "packages", st->packages);
	awp_jsonw_object_end(&w);

	awp_jsonw_key(&w, "database");
	if (vr) {
		const awp_vulndb_exploit_sources *xs = awp_scan_result_exploit_sources(r);
		awp_jsonw_object_begin(&w);
		int64_t built = awp_vuln_report_db_built_at(vr);
		if (built > 0) {
			awp_rep_time(when, built);
			awp_jsonw_kv_string(&w, "built_at", when);
		} else {
			awp_jsonw_key(&w, "built_at");
			awp_jsonw_null(&w);
		}
		awp_jsonw_key(&w, "age_hours");
		if (awp_rep_db_age_hours(r) >= 0)
			awp_jsonw_double(&w, round(awp_rep_db_age_hours(r) * 10) / 10);
		else
			awp_jsonw_null(&w);
		awp_jsonw_kv_bool(&w, "stale", awp_rep_db_age_hours(r) < 0 || awp_rep_db_age_hours(r) * 3600 > AWP_VULNDB_STALE_SECONDS);
		awp_jsonw_kv_string_or_null(&w, "os_ecosystem", awp_vuln_report_os_ecosystem(vr));
		awp_jsonw_key(&w, "kev");
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_uint(&w, "count", xs->kev_count);
		awp_jsonw_kv_string_or_null(&w, "catalog_version", xs->kev_catalog_version);
		awp_jsonw_object_end(&w);
		awp_jsonw_key(&w, "epss");
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_uint(&w, "count", xs->epss_count);
		awp_jsonw_kv_string_or_null(&w, "model_version", xs->epss_model_version);
		awp_jsonw_kv_string_or_null(&w, "score_date", xs->epss_score_date);
		awp_jsonw_object_end(&w);
		const awp_vuln_stats *vs = awp_vuln_report_stats(vr);
		awp_jsonw_kv_uint(&w, "matched_packages", vs->matched);
		awp_jsonw_kv_uint(&w, "unsupported_packages", vs->unsupported);
		awp_jsonw_kv_uint(&w, "invalid_versions", vs->invalid_versions);
		awp_jsonw_object_end(&w);
	} else {
		awp_jsonw_null(&w);
	}
	awp_jsonw_key(&w, "notes");
	awp_jsonw_array_begin(&w);
	for (size_t i = 0; vr && i < awp_vuln_report_note_count(vr); i++)
		awp_jsonw_string(&w, awp_vuln_report_note(vr, i));
	for (size_t i = 0; i < awp_scan_result_note_count(r); i++)
		awp_jsonw_string(&w, awp_scan_result_note(r, i));
	awp_jsonw_array_end(&w);
	awp_jsonw_object_end(&w);

	/* --- the verdict --- */
	const awp_risk *risk = awp_scan_result_risk(r);
	awp_jsonw_key(&w, "summary");
	awp_jsonw_object_begin(&w);
	awp_jsonw_key(&w, "risk");
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_int(&w, "score", risk->score);
	awp_jsonw_kv_string(&w, "level", awp_risk_level_name(risk->level));
	awp_jsonw_key(&w, "factors");
	awp_jsonw_array_begin(&w);
	for (size_t i = 0; i < risk->factor_count; i++) {
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "id", risk->factors[i].id);
		kv_double(&w, "points", risk->factors[i].points, 10);
		awp_jsonw_kv_string(&w, "detail", risk->factors[i].detail);
		awp_jsonw_object_end(&w);
	}
	awp_jsonw_array_end(&w);
	awp_jsonw_object_end(&w);
	awp_jsonw_key(&w, "counts");
	awp_jsonw_object_begin(&w);
	static const char *const keys[] = {"vulnerabilities", "secrets", "threats"};
	for (int k = 0; k < AWP_FINDING_KIND_COUNT; k++) {
		size_t c[AWP_SEVERITY_COUNT];
		for (int s = 0; s < AWP_SEVERITY_COUNT; s++)
			c[s] = awp_scan_result_live_severity(r, (awp_finding_kind)k, (awp_severity)s);
		awp_jsonw_key(&w, keys[k]);
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_uint(&w, "total", awp_scan_result_live(r, (awp_finding_kind)k));
		awp_jsonw_key(&w, "by_severity");
		by_severity(&w, c);
		awp_jsonw_object_end(&w);
	}
	awp_jsonw_object_end(&w);
	awp_jsonw_kv_uint(&w, "ignored", awp_scan_result_ignored(r));
	awp_jsonw_object_end(&w);

	awp_jsonw_key(&w, "remediation");
	awp_jsonw_array_begin(&w);
	const awp_remediation *plan = awp_scan_result_remediation(r);
	for (size_t i = 0; i < awp_remediation_count(plan); i++) {
		const awp_action *a = awp_remediation_get(plan, i);
		awp_strbuf sum = AWP_STRBUF_INIT;
		awp_rep_action_summary(&sum, a);
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "action", awp_action_kind_name(a->kind));
		awp_jsonw_kv_string(&w, "title", a->title);
		awp_jsonw_kv_string(&w, "summary", awp_strbuf_cstr(&sum));
		awp_jsonw_kv_string_or_null(&w, "command", a->command);
		awp_jsonw_kv_string_or_null(&w, "package", a->package);
		awp_jsonw_kv_string_or_null(&w, "type", a->pkg_type);
		awp_jsonw_kv_string_or_null(&w, "version", a->version);
		awp_jsonw_kv_string_or_null(&w, "directory", a->directory);
		awp_jsonw_kv_uint(&w, "fixes", a->fixes);
		awp_jsonw_key(&w, "by_severity");
		by_severity(&w, a->by_severity);
		awp_jsonw_kv_uint(&w, "known_exploited", a->kev);
		kv_double(&w, "weight", a->weight, 1000);
		awp_jsonw_kv_string_array(&w, "ids", a->ids, a->id_count);
		awp_jsonw_kv_string_array(&w, "locations", a->locations, a->location_count);
		awp_jsonw_object_end(&w);
		awp_strbuf_free(&sum);
	}
	awp_jsonw_array_end(&w);

	awp_jsonw_key(&w, "findings");
	awp_jsonw_object_begin(&w);
	findings(&w, r, "vulnerabilities", AWP_FINDING_VULN);
	findings(&w, r, "secrets", AWP_FINDING_SECRET);
	findings(&w, r, "threats", AWP_FINDING_THREAT);
	awp_jsonw_object_end(&w);
	awp_jsonw_object_end(&w);
	if (w.err || awp_strbuf_putc(sb, '\n') < 0)
		return AWP_ENOMEM;
	return 0;
}
