/*
 * scan/result.c - the scan result: findings of every kind in one array
 * (sorted by kind, so each kind is a slice), coverage, notes, and the
 * derived risk and remediation plan, recomputed by refresh() whenever the
 * findings or the filter change.
 *
 * Invariant after refresh(): f[kind_start[k] .. +kind_count[k]] are the
 * findings of kind k, in report order; live[][] counts those not ignored.
 */
#include "scan/scan_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

AWP_EXTERN const char *awp_finding_kind_name(awp_finding_kind k)
{
	switch (k) {
	case AWP_FINDING_VULN: return "vulnerability";
	case AWP_FINDING_SECRET: return "secret";
	case AWP_FINDING_THREAT: return "threat";
	default: return "unknown";
	}
}

AWP_EXTERN const char *awp_exposure_name(awp_exposure e)
{
	switch (e) {
	case AWP_EXPOSURE_PUBLIC: return "public";
	case AWP_EXPOSURE_PRIVATE: return "private";
	default: return "unknown";
	}
}

AWP_EXTERN int awp_exposure_parse(awp_exposure *out, const char *name)
{
	if (strcmp(name, "public") == 0)
		*out = AWP_EXPOSURE_PUBLIC;
	else if (strcmp(name, "private") == 0)
		*out = AWP_EXPOSURE_PRIVATE;
	else if (strcmp(name, "unknown") == 0)
		*out = AWP_EXPOSURE_UNKNOWN;
	else
		return awp_error_set(AWP_EINVAL, "exposure '%s': expected public, private or unknown", name);
	return 0;
}

AWP_EXTERN int awp_scan_scanners_parse(unsigned *out, const char *list)
{
	static const struct {
		const char *name;
		unsigned bits;
	} names[] = {
		{"vuln", AWP_SCANNER_VULN},     {"vulns", AWP_SCANNER_VULN},    {"vulnerability", AWP_SCANNER_VULN},
		{"vulnerabilities", AWP_SCANNER_VULN}, {"secret", AWP_SCANNER_SECRET}, {"secrets", AWP_SCANNER_SECRET},
		{"threat", AWP_SCANNER_THREAT}, {"threats", AWP_SCANNER_THREAT}, {"all", AWP_SCANNER_ALL},
	};
	unsigned m = 0;
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",");
		size_t i;
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strlen(names[i].name) == n && strncmp(p, names[i].name, n) == 0)
				break;
		if (i == sizeof names / sizeof names[0])
			return awp_error_set(AWP_EINVAL, "scanner '%.*s': expected vuln, secret, threat or all", (int)n, p);
		m |= names[i].bits;
		p += n;
		if (*p == ',')
			p++;
	}
	if (!m)
		return awp_error_set(AWP_EINVAL, "no scanner named");
	*out = m;
	return 0;
}

AWP_EXTERN int awp_severity_mask_parse(unsigned *out, const char *list)
{
	unsigned m = 0;
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",");
		int found = 0;
		for (int s = 0; s < AWP_SEVERITY_COUNT; s++) {
			const char *name = awp_severity_name((awp_severity)s);
			if (strlen(name) == n && strncasecmp(p, name, n) == 0) {
				m |= 1u << s;
				found = 1;
			}
		}
		if (!found)
			return awp_error_set(AWP_EINVAL, "severity '%.*s': expected critical, high, medium, low or unknown",
					     (int)n, p);
		p += n;
		if (*p == ',')
			p++;
	}
	if (!m)
		return awp_error_set(AWP_EINVAL, "no severity named");
	*out = m;
	return 0;
}

const char *awp_scan_str(awp_scan_result *r, const char *s)
{
	if (!s)
		return "";
	size_t n = strnlen(s, AWP_SCAN_MAX_FIELD);
	return awp_arena_strndup(&r->arena, s, n);
}

int awp_scan_add_note(awp_scan_result *r, const char *fmt, ...)
{
	if (r->nnotes >= AWP_SCAN_MAX_NOTES) {
		r->notes_dropped++;
		return 0;
	}
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (AWP_GROW(r->notes, r->notecap, r->nnotes + 1) < 0)
		return AWP_ENOMEM;
	if (!(r->notes[r->nnotes] = awp_arena_strdup(&r->arena, buf)))
		return AWP_ENOMEM;
	r->nnotes++;
	return 0;
}

int awp_scan_push(awp_scan_result *r, const awp_finding *in)
{
	if ((unsigned)in->kind >= AWP_FINDING_KIND_COUNT)
		return awp_error_set(AWP_EINVAL, "finding of unknown kind %d", (int)in->kind);
	if (r->pushed[in->kind] >= AWP_SCAN_MAX_FINDINGS) {
		r->dropped[in->kind]++;
		return AWP_ELIMIT;
	}
	if (AWP_GROW(r->f, r->fcap, r->nf + 1) < 0)
		return AWP_ENOMEM;
	awp_finding *o = &r->f[r->nf];
	*o = *in;
	if ((unsigned)o->severity >= AWP_SEVERITY_COUNT)
		o->severity = AWP_SEVERITY_UNKNOWN;
#define COPY(x) if (!(o->x = awp_scan_str(r, in->x))) return AWP_ENOMEM
	COPY(id); COPY(category); COPY(title); COPY(path); COPY(evidence); COPY(fingerprint); COPY(package);
	COPY(remediation); COPY(volume); COPY(kev_date_added);
#undef COPY
	if (in->kind != AWP_FINDING_VULN) {
		o->vuln = NULL;
		o->kev = 0;
		o->epss = o->epss_percentile = -1;
	}
	o->ignored = NULL;
	r->nf++;
	r->pushed[in->kind]++;
	return 0;
}

AWP_EXTERN int awp_scan_emit(awp_scan_sink *sink, const awp_finding *f)
{
	if (!sink || !f)
		return awp_error_set(AWP_EINVAL, "awp_scan_emit: NULL argument");
	awp_finding c = *f;
	c.kind = sink->kind; /* a visitor emits findings of its own kind only */
	if (!c.volume || !c.volume[0])
		c.volume = sink->volume;
	int err = awp_scan_push(sink->r, &c);
	return err == AWP_ELIMIT ? 0 : err;
}

AWP_EXTERN int awp_scan_note(awp_scan_sink *sink, const char *text)
{
	return awp_scan_add_note(sink->r, "%s: %s", sink->kind == AWP_FINDING_SECRET ? "secrets"
						    : sink->kind == AWP_FINDING_THREAT ? "threats" : "vulnerabilities", text);
}

AWP_EXTERN int awp_scan_result_new(awp_scan_result **out, const char *target, int64_t now)
{
	awp_scan_result *r = awp_calloc(1, sizeof(*r));
	if (!r)
		return AWP_ENOMEM;
	r->time = now;
	r->target = awp_scan_str(r, target ? target : "");
	r->format = awp_scan_str(r, "");
	r->os.id = r->os.id_like = r->os.version_id = r->os.codename = r->os.pretty_name = r->os.source = "";
	if (!r->target || !r->format) {
		awp_scan_result_free(r);
		return AWP_ENOMEM;
	}
	awp_risk_compute(&r->risk, NULL, 0, r->exposure);
	*out = r;
	return 0;
}

AWP_EXTERN void awp_scan_result_free(awp_scan_result *r)
{
	if (!r)
		return;
	awp_remediation_free(r->plan);
	awp_vuln_report_free(r->vulns);
	awp_inventory_free(r->inv);
	free(r->f);
	free(r->vols);
	free(r->notes);
	awp_arena_free(&r->arena);
	free(r);
}

AWP_EXTERN int awp_scan_result_add(awp_scan_result *r, const awp_finding *f)
{
	if (f->kind != AWP_FINDING_SECRET && f->kind != AWP_FINDING_THREAT)
		return awp_error_set(AWP_EINVAL, "awp_scan_result_add: only secret and threat findings can be added");
	return awp_scan_push(r, f);
}

/* Report order: kind; severity (critical first); known exploited first;
 * EPSS, then CVSS score (highest first); then path, line, id, package,
 * evidence: a total order, so output never depends on the scan's timing. */
static int cmp_finding(const awp_finding *a, const awp_finding *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->kev != b->kev)
		return a->kev ? -1 : 1;
	double sa = a->vuln ? a->vuln->score : -1, sb = b->vuln ? b->vuln->score : -1;
	if (sa != sb)
		return sa > sb ? -1 : 1;
	int c;
	if (a->vuln && b->vuln && (c = strcmp(a->vuln->pkg_name, b->vuln->pkg_name)) != 0)
		return c;
	if ((c = strcmp(a->path, b->path)) != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if ((c = strcmp(a->id, b->id)) != 0)
		return c;
	if ((c = strcmp(a->package, b->package)) != 0)
		return c;
	if ((c = strcmp(a->evidence, b->evidence)) != 0)
		return c;
	if ((c = strcmp(a->fingerprint, b->fingerprint)) != 0)
		return c;
	if ((c = strcmp(a->title, b->title)) != 0)
		return c;
	return strcmp(a->volume, b->volume);
}

static int cmp_qsort(const void *a, const void *b)
{
	return cmp_finding(a, b);
}

AWP_EXTERN int awp_scan_result_refresh(awp_scan_result *r)
{
	if (r->nf > 1)
		qsort(r->f, r->nf, sizeof(*r->f), cmp_qsort);
	memset(r->kind_count, 0, sizeof r->kind_count);
	memset(r->live, 0, sizeof r->live);
	r->nignored = 0;
	for (size_t i = r->nf; i-- > 0;)
		r->kind_start[r->f[i].kind] = i;
	for (size_t i = 0; i < r->nf; i++) {
		const awp_finding *f = &r->f[i];
		if (r->kind_count[f->kind]++ == 0)
			r->kind_start[f->kind] = i;
		if (f->ignored)
			r->nignored++;
		else
			r->live[f->kind][f->severity]++;
	}
	awp_risk_compute(&r->risk, r->f, r->nf, r->exposure);
	awp_remediation *plan = NULL;
	int err = awp_remediation_plan(&plan, r->f, r->nf, &r->os);
	if (err < 0)
		return err;
	awp_remediation_free(r->plan);
	r->plan = plan;
	return 0;
}

/* ---- accessors ---- */

AWP_EXTERN const char *awp_scan_result_target(const awp_scan_result *r) { return r->target; }
AWP_EXTERN const char *awp_scan_result_target_format(const awp_scan_result *r) { return r->format; }
AWP_EXTERN int64_t awp_scan_result_time(const awp_scan_result *r) { return r->time; }
AWP_EXTERN const awp_os_info *awp_scan_result_os(const awp_scan_result *r) { return &r->os; }
AWP_EXTERN awp_exposure awp_scan_result_exposure(const awp_scan_result *r) { return r->exposure; }
AWP_EXTERN const awp_scan_stats *awp_scan_result_stats(const awp_scan_result *r) { return &r->stats; }
AWP_EXTERN const awp_vuln_report *awp_scan_result_vulns(const awp_scan_result *r) { return r->vulns; }
AWP_EXTERN const awp_inventory *awp_scan_result_inventory(const awp_scan_result *r) { return r->inv; }
AWP_EXTERN int64_t awp_scan_result_db_fresh_at(const awp_scan_result *r) { return r->db_fresh_at; }
AWP_EXTERN const awp_vulndb_exploit_sources *awp_scan_result_exploit_sources(const awp_scan_result *r)
{
	return &r->xsrc;
}
AWP_EXTERN size_t awp_scan_result_scanner_count(const awp_scan_result *r) { return r->nscanners; }
AWP_EXTERN const awp_scan_scanner_status *awp_scan_result_scanner(const awp_scan_result *r, size_t i)
{
	return i < r->nscanners ? &r->scanners[i] : NULL;
}
AWP_EXTERN size_t awp_scan_result_volume_count(const awp_scan_result *r) { return r->nvols; }
AWP_EXTERN const awp_scan_volume *awp_scan_result_volume(const awp_scan_result *r, size_t i)
{
	return i < r->nvols ? &r->vols[i] : NULL;
}
AWP_EXTERN size_t awp_scan_result_note_count(const awp_scan_result *r) { return r->nnotes; }
AWP_EXTERN const char *awp_scan_result_note(const awp_scan_result *r, size_t i)
{
	return i < r->nnotes ? r->notes[i] : NULL;
}
AWP_EXTERN size_t awp_scan_result_count(const awp_scan_result *r, awp_finding_kind k)
{
	return (unsigned)k < AWP_FINDING_KIND_COUNT ? r->kind_count[k] : 0;
}
AWP_EXTERN const awp_finding *awp_scan_result_get(const awp_scan_result *r, awp_finding_kind k, size_t i)
{
	if ((unsigned)k >= AWP_FINDING_KIND_COUNT || i >= r->kind_count[k])
		return NULL;
	return &r->f[r->kind_start[k] + i];
}
AWP_EXTERN size_t awp_scan_result_live(const awp_scan_result *r, awp_finding_kind k)
{
	size_t n = 0;
	for (int s = 0; (unsigned)k < AWP_FINDING_KIND_COUNT && s < AWP_SEVERITY_COUNT; s++)
		n += r->live[k][s];
	return n;
}
AWP_EXTERN size_t awp_scan_result_live_severity(const awp_scan_result *r, awp_finding_kind k, awp_severity s)
{
	if ((unsigned)k >= AWP_FINDING_KIND_COUNT || (unsigned)s >= AWP_SEVERITY_COUNT)
		return 0;
	return r->live[k][s];
}
AWP_EXTERN size_t awp_scan_result_ignored(const awp_scan_result *r) { return r->nignored; }
AWP_EXTERN const awp_risk *awp_scan_result_risk(const awp_scan_result *r) { return &r->risk; }
AWP_EXTERN const awp_remediation *awp_scan_result_remediation(const awp_scan_result *r) { return r->plan; }
