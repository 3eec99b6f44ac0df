/*
 * vuln/report.c - a vulnerability report as JSON (schema: docs/vuln-matching.md,
 * "awp.vuln-report/1"). Kept in the library so every front end (the CLI,
 * later the daemon and other output formats) writes the same document.
 */
#include "vuln/vuln_int.h"

#include "util/jsonw.h"
#include "util/strbuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

AWP_EXTERN int awp_vuln_report_json(char **out, const awp_vuln_report *r, const char *target, int64_t now)
{
	awp_strbuf sb = AWP_STRBUF_INIT;
	awp_jsonw w;
	awp_jsonw_init(&w, &sb, 1);
	const awp_vuln_stats *st = awp_vuln_report_stats(r);
	const awp_os_info *os = awp_vuln_report_os(r);

	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_string(&w, "schema", "awp.vuln-report/1");
	awp_jsonw_kv_string(&w, "target", target ? target : "");

	awp_jsonw_key(&w, "os");
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_bool(&w, "known", os->known);
	awp_jsonw_kv_string(&w, "id", os->id);
	awp_jsonw_kv_string(&w, "version_id", os->version_id);
	awp_jsonw_kv_string(&w, "pretty_name", os->pretty_name);
	awp_jsonw_kv_string_or_null(&w, "ecosystem", awp_vuln_report_os_ecosystem(r));
	awp_jsonw_object_end(&w);

	int64_t built = awp_vuln_report_db_built_at(r);
	awp_jsonw_key(&w, "database");
	awp_jsonw_object_begin(&w);
	if (built > 0) {
		char when[32];
		time_t t = (time_t)built;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		awp_jsonw_kv_string(&w, "built_at", when);
		double age = (double)(now - built) / 3600.0;
		awp_jsonw_key(&w, "age_hours");
		awp_jsonw_double(&w, round(age * 10) / 10);
		awp_jsonw_kv_bool(&w, "stale", now - built > 24 * 3600);
	} else {
		awp_jsonw_key(&w, "built_at");
		awp_jsonw_null(&w);
		awp_jsonw_key(&w, "age_hours");
		awp_jsonw_null(&w);
		awp_jsonw_kv_bool(&w, "stale", 1);
	}
	awp_jsonw_object_end(&w);

	awp_jsonw_key(&w, "summary");
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_uint(&w, "packages", st->packages);
	awp_jsonw_kv_uint(&w, "matched_packages", st->matched);
	awp_jsonw_kv_uint(&w, "unsupported_packages", st->unsupported);
	awp_jsonw_kv_uint(&w, "invalid_versions", st->invalid_versions);
	awp_jsonw_kv_uint(&w, "invalid_advisory_events", st->invalid_events);
	awp_jsonw_kv_uint(&w, "affected_packages", st->affected);
	awp_jsonw_kv_uint(&w, "findings", awp_vuln_report_count(r));
	awp_jsonw_key(&w, "by_severity");
	awp_jsonw_object_begin(&w);
	for (int s = AWP_SEVERITY_CRITICAL; s >= AWP_SEVERITY_UNKNOWN; s--)
		awp_jsonw_kv_uint(&w, awp_severity_name((awp_severity)s), awp_vuln_report_severity_count(r, (awp_severity)s));
	awp_jsonw_object_end(&w);
	awp_jsonw_object_end(&w);

	awp_jsonw_key(&w, "notes");
	awp_jsonw_array_begin(&w);
	for (size_t i = 0; i < awp_vuln_report_note_count(r); i++)
		awp_jsonw_string(&w, awp_vuln_report_note(r, i));
	awp_jsonw_array_end(&w);

	awp_jsonw_key(&w, "findings");
	awp_jsonw_array_begin(&w);
	for (size_t i = 0; i < awp_vuln_report_count(r); i++) {
		const awp_vuln_finding *f = awp_vuln_report_get(r, i);
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "id", f->id);
		awp_jsonw_kv_string_array(&w, "ids", f->ids, f->id_count);
		awp_jsonw_kv_string_array(&w, "advisories", f->advisories, f->advisory_count);
		awp_jsonw_kv_string(&w, "severity", awp_severity_name(f->severity));
		awp_jsonw_key(&w, "score");
		if (f->score >= 0)
			awp_jsonw_double(&w, f->score);
		else
			awp_jsonw_null(&w);
		awp_jsonw_kv_string_or_null(&w, "severity_source", f->severity_source);
		awp_jsonw_kv_string_or_null(&w, "cvss_vector", f->severity_vector);
		awp_jsonw_key(&w, "package");
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "type", f->pkg_type);
		awp_jsonw_kv_string(&w, "name", f->pkg_name);
		awp_jsonw_kv_string(&w, "version", f->pkg_version);
		awp_jsonw_kv_string_or_null(&w, "source_name", f->source_name);
		awp_jsonw_kv_string_or_null(&w, "source_version", f->source_version);
		awp_jsonw_kv_string(&w, "path", f->pkg_path);
		awp_jsonw_kv_string_or_null(&w, "entry", f->pkg_entry);
		awp_jsonw_kv_string(&w, "manager", f->pkg_manager);
		awp_jsonw_kv_string_or_null(&w, "purl", f->pkg_purl);
		awp_jsonw_object_end(&w);
		awp_jsonw_kv_string(&w, "matched_name", f->matched_name);
		awp_jsonw_kv_string(&w, "installed_version", f->installed_version);
		awp_jsonw_kv_string_or_null(&w, "fixed_version", f->fixed_version);
		awp_jsonw_kv_string(&w, "ecosystem", f->ecosystem);
		awp_jsonw_kv_string(&w, "summary", f->summary);
		awp_jsonw_kv_string_array(&w, "references", f->references, f->reference_count);
		awp_jsonw_object_end(&w);
	}
	awp_jsonw_array_end(&w);
	awp_jsonw_object_end(&w);
	if (w.err || awp_strbuf_putc(&sb, '\n') < 0) {
		awp_strbuf_free(&sb);
		return AWP_ENOMEM;
	}
	*out = awp_strbuf_detach(&sb);
	return 0;
}
