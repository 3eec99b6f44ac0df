/*
 * report/report_cyclonedx.c - CycloneDX 1.5 JSON with vulnerabilities: the
 * inventory's SBOM (report/sbom_cyclonedx.c: components "pkg-<index>") plus
 * a "vulnerabilities" array, one entry per vulnerability id, whose
 * "affects" lists every affected component with its installed version;
 * ratings carry the score, severity, CVSS method and vector; the
 * recommendation says which version fixes it. Filtered findings are left
 * out (CycloneDX has no "ignored" state that means what awp's filters
 * mean). Secrets and threats have no place in CycloneDX: use SARIF or JSON.
 */
#include "report/report_int.h"
#include "report/sbom_int.h"


#include "util/error.h"
#include "util/strmap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *method(const char *source)
{
	if (strstr(source, "v4"))
		return "CVSSv4";
	if (strstr(source, "v3.1"))
		return "CVSSv31";
	if (strstr(source, "v3"))
		return "CVSSv3";
	if (strstr(source, "v2"))
		return "CVSSv2";
	return "other";
}

static void prop(awp_jsonw *w, const char *name, const char *value)
{
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "name", name);
	awp_jsonw_kv_string(w, "value", value);
	awp_jsonw_object_end(w);
}

static void osv_source(awp_jsonw *w, const char *advisory)
{
	char url[512];
	snprintf(url, sizeof url, "https://osv.dev/vulnerability/%s", advisory);
	awp_jsonw_key(w, "source");
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "name", "OSV");
	awp_jsonw_kv_string(w, "url", url);
	awp_jsonw_object_end(w);
}

/* One vulnerability entry for the findings f[idx[0..n)] sharing an id. */
static void vuln(awp_jsonw *w, const awp_scan_result *r, const size_t *idx, size_t n)
{
	const awp_finding *f = awp_scan_result_get(r, AWP_FINDING_VULN, idx[0]);
	const awp_vuln_finding *v = f->vuln;
	char buf[512];
	awp_jsonw_object_begin(w);
	snprintf(buf, sizeof buf, "vuln-%s", f->id);
	awp_jsonw_kv_string(w, "bom-ref", buf);
	awp_jsonw_kv_string(w, "id", f->id);
	osv_source(w, v->advisory_count ? v->advisories[0] : f->id);
	awp_jsonw_key(w, "references");
	awp_jsonw_array_begin(w);
	for (size_t i = 0; i < v->id_count; i++) {
		if (strcmp(v->ids[i], f->id) == 0)
			continue;
		awp_jsonw_object_begin(w);
		awp_jsonw_kv_string(w, "id", v->ids[i]);
		osv_source(w, v->ids[i]);
		awp_jsonw_object_end(w);
	}
	awp_jsonw_array_end(w);
	awp_jsonw_key(w, "ratings");
	awp_jsonw_array_begin(w);
	awp_jsonw_object_begin(w);
	awp_jsonw_key(w, "source");
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "name", v->severity_source[0] ? v->severity_source : "awp");
	awp_jsonw_object_end(w);
	if (v->score >= 0) {
		awp_jsonw_key(w, "score");
		awp_jsonw_double(w, v->score);
	}
	awp_jsonw_kv_string(w, "severity", awp_severity_name(f->severity));
	awp_jsonw_kv_string(w, "method", method(v->severity_source));
	if (v->severity_vector[0])
		awp_jsonw_kv_string(w, "vector", v->severity_vector);
	awp_jsonw_object_end(w);
	awp_jsonw_array_end(w);
	if (v->summary[0])
		awp_jsonw_kv_string(w, "description", v->summary);
	awp_strbuf rec = AWP_STRBUF_INIT;
	awp_rep_remediation(&rec, f);
	awp_jsonw_kv_string(w, "recommendation", awp_strbuf_cstr(&rec));
	awp_strbuf_free(&rec);
	size_t nurl = 0;
	for (size_t i = 0; i < v->reference_count; i++)
		nurl += strncmp(v->references[i], "http", 4) == 0;
	if (nurl) {
		awp_jsonw_key(w, "advisories");
		awp_jsonw_array_begin(w);
		for (size_t i = 0; i < v->reference_count; i++) {
			if (strncmp(v->references[i], "http", 4) != 0)
				continue;
			awp_jsonw_object_begin(w);
			awp_jsonw_kv_string(w, "url", v->references[i]);
			awp_jsonw_object_end(w);
		}
		awp_jsonw_array_end(w);
	}
	awp_jsonw_key(w, "affects");
	awp_jsonw_array_begin(w);
	for (size_t i = 0; i < n; i++) {
		const awp_finding *x = awp_scan_result_get(r, AWP_FINDING_VULN, idx[i]);
		/* one entry per component (two findings can name the same package) */
		size_t j = 0;
		while (j < i && awp_scan_result_get(r, AWP_FINDING_VULN, idx[j])->vuln->package_index != x->vuln->package_index)
			j++;
		if (j < i)
			continue;
		snprintf(buf, sizeof buf, "pkg-%zu", x->vuln->package_index);
		awp_jsonw_object_begin(w);
		awp_jsonw_kv_string(w, "ref", buf);
		awp_jsonw_key(w, "versions");
		awp_jsonw_array_begin(w);
		awp_jsonw_object_begin(w);
		awp_jsonw_kv_string(w, "version", x->vuln->pkg_version);
		awp_jsonw_kv_string(w, "status", "affected");
		awp_jsonw_object_end(w);
		awp_jsonw_array_end(w);
		awp_jsonw_object_end(w);
	}
	awp_jsonw_array_end(w);
	awp_jsonw_key(w, "properties");
	awp_jsonw_array_begin(w);
	if (v->fixed_version)
		prop(w, "awp:fixed_version", v->fixed_version);
	prop(w, "awp:known_exploited", f->kev ? "true" : "false");
	if (f->kev_date_added[0])
		prop(w, "awp:kev_date_added", f->kev_date_added);
	if (f->epss >= 0) {
		snprintf(buf, sizeof buf, "%g", f->epss);
		prop(w, "awp:epss", buf);
	}
	awp_jsonw_array_end(w);
	awp_jsonw_object_end(w);
}

struct extra {
	const awp_scan_result *r;
	int err;
};

static void write_vulns(awp_jsonw *w, const void *payload)
{
	struct extra *x = (struct extra *)payload;
	const awp_scan_result *r = x->r;
	size_t n = awp_scan_result_count(r, AWP_FINDING_VULN);
	/* group live findings by id, in report order */
	size_t *order = calloc(n + 1, sizeof(*order)), *next = calloc(n + 1, sizeof(*next)), *idx = calloc(n + 1, sizeof(*idx));
	awp_strmap first = {0};
	if (!order || !next || !idx) {
		x->err = AWP_ENOMEM;
		goto done;
	}
	awp_jsonw_key(w, "vulnerabilities");
	awp_jsonw_array_begin(w);
	size_t ngroups = 0;
	size_t *last = calloc(n + 1, sizeof(*last));
	if (!last) {
		x->err = AWP_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const awp_finding *f = awp_scan_result_get(r, AWP_FINDING_VULN, i);
		next[i] = SIZE_MAX;
		if (f->ignored)
			continue;
		size_t g;
		if (awp_strmap_get(&first, f->id, &g)) {
			next[last[g]] = i;
			last[g] = i;
		} else {
			if (awp_strmap_put(&first, f->id, ngroups) < 0) {
				x->err = AWP_ENOMEM;
				free(last);
				goto done;
			}
			order[ngroups] = i;
			last[ngroups] = i;
			ngroups++;
		}
	}
	free(last);
	for (size_t g = 0; g < ngroups; g++) {
		size_t m = 0;
		for (size_t i = order[g]; i != SIZE_MAX; i = next[i])
			idx[m++] = i;
		vuln(w, r, idx, m);
	}
	awp_jsonw_array_end(w);
done:
	awp_strmap_free(&first);
	free(order);
	free(next);
	free(idx);
}

int awp_rep_cyclonedx(awp_strbuf *sb, const awp_scan_result *r, const awp_report_options *o)
{
	const awp_inventory *inv = awp_scan_result_inventory(r);
	if (!inv)
		return awp_error_set(AWP_EINVAL, "CycloneDX report: the scan has no inventory");
	awp_sbom_options so = AWP_SBOM_OPTIONS_INIT;
	so.target_name = awp_scan_result_target(r);
	sbom_ctx c = {inv, &so, so.target_name, "", "", write_vulns, NULL};
	struct extra x = {r, 0};
	c.extra_payload = &x;
	int err;
	if (o->uuid) {
		if (strlen(o->uuid) != 36)
			return awp_error_set(AWP_EINVAL, "CycloneDX report: uuid must be 36 characters");
		memcpy(c.uuid, o->uuid, 37);
	} else if ((err = awp_sbom_random_uuid(c.uuid)) < 0) {
		return err;
	}
	awp_rep_time(c.timestamp, awp_scan_result_time(r));
	awp_jsonw w;
	awp_jsonw_init(&w, sb, 1);
	awp_sbom_cyclonedx(&w, &c);
	if (x.err)
		return x.err;
	if (w.err || awp_strbuf_putc(sb, '\n') < 0)
		return AWP_ENOMEM;
	return 0;
}
