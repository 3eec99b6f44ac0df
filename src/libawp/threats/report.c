/*
 * threats/report.c - the threat report: add, sort, access, JSON.
 *
 * Strings of a report live in its arena. Evidence is capped at
 * AWP_MAX_EVIDENCE bytes and non-printable bytes are escaped, so a binary
 * match never breaks a terminal or the JSON writer.
 */
#include "threats/threats_int.h"

#include "util/error.h"
#include "util/jsonw.h"
#include "util/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"malware", "hash", "ioc", "tampering", "persistence", "malicious_package",
					 "scan_limit"};
static const char *const sev_names[] = {"info", "low", "medium", "high", "critical"};

AWP_EXTERN const char *awp_threat_kind_name(awp_threat_kind k)
{
	return (unsigned)k < AWP_THREAT_KIND_COUNT ? kind_names[k] : "unknown";
}

AWP_EXTERN const char *awp_threat_severity_name(awp_threat_severity s)
{
	return (unsigned)s <= AWP_SEV_CRITICAL ? sev_names[s] : "unknown";
}

awp_threat_severity awp_severity_parse(const char *s, awp_threat_severity def)
{
	for (size_t i = 0; i < sizeof(sev_names) / sizeof(sev_names[0]); i++)
		if (s && !strcasecmp(s, sev_names[i]))
			return (awp_threat_severity)i;
	return def;
}

void awp_evidence(char *out, size_t cap, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t o = 0;
	if (cap == 0)
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];
		char esc[8];
		size_t n;
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			esc[0] = (char)c;
			n = 1;
		} else if (c == '\t') {
			memcpy(esc, "\\t", 2);
			n = 2;
		} else if (c == '\\') {
			memcpy(esc, "\\\\", 2);
			n = 2;
		} else {
			snprintf(esc, sizeof esc, "\\x%02x", c);
			n = 4;
		}
		if (o + n + 4 >= cap) {
			if (o + 3 < cap) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(out + o, esc, n);
		o += n;
	}
	out[o] = 0;
}

static const char *dup(awp_threat_report *r, const char *s)
{
	return awp_arena_strdup(&r->arena, s ? s : "");
}

int awp_report_add(awp_threat_report *r, awp_threat_kind kind, awp_threat_severity sev, const char *rule,
		   const char *source, const char *path, unsigned long line, const char *evidence,
		   const char *description, const char *remediation, const char *package)
{
	if (r->n >= AWP_MAX_THREATS) {
		r->truncated = 1;
		return 0;
	}
	if (AWP_GROW(r->threats, r->cap, r->n + 1) < 0)
		return AWP_ENOMEM;
	char ev[AWP_MAX_EVIDENCE + 8];
	ev[0] = 0;
	if (evidence) {
		size_t el = strlen(evidence);
		if (el > AWP_MAX_EVIDENCE) {
			memcpy(ev, evidence, AWP_MAX_EVIDENCE - 3);
			memcpy(ev + AWP_MAX_EVIDENCE - 3, "...", 4);
		} else {
			memcpy(ev, evidence, el + 1);
		}
	}
	awp_threat *t = &r->threats[r->n];
	t->kind = kind;
	t->severity = sev;
	t->line = line;
	t->rule = dup(r, rule);
	t->source = dup(r, source);
	t->path = dup(r, path);
	t->evidence = dup(r, ev);
	t->description = dup(r, description);
	t->remediation = dup(r, remediation);
	t->package = dup(r, package);
	if (!t->rule || !t->source || !t->path || !t->evidence || !t->description || !t->remediation || !t->package)
		return AWP_ENOMEM;
	r->n++;
	return 0;
}

int awp_report_warn(awp_threat_report *r, const char *fmt, ...)
{
	if (r->nwarns >= AWP_MAX_WARNINGS)
		return 0;
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return awp_error_set(AWP_ENOMEM, "out of memory");
	if (AWP_GROW(r->warns, r->warncap, r->nwarns + 1) < 0) {
		free(s);
		return AWP_ENOMEM;
	}
	r->warns[r->nwarns++] = s;
	return 0;
}

static int cmp_threat(const void *pa, const void *pb)
{
	const awp_threat *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((c = strcmp(a->rule, b->rule)) != 0)
		return c;
	/* Ties broken on everything else: the order never depends on which
	 * worker thread found what first. */
	if ((c = strcmp(a->source, b->source)) != 0 || (c = strcmp(a->evidence, b->evidence)) != 0 ||
	    (c = strcmp(a->package, b->package)) != 0 || (c = strcmp(a->description, b->description)) != 0)
		return c;
	return a->severity < b->severity ? -1 : a->severity > b->severity;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void awp_report_sort(awp_threat_report *r)
{
	if (r->n > 1)
		qsort(r->threats, r->n, sizeof(*r->threats), cmp_threat);
	if (r->nwarns > 1)
		qsort(r->warns, r->nwarns, sizeof(*r->warns), cmp_str);
}

int awp_report_merge(awp_threat_report *dst, const awp_threat_report *src)
{
	int err = 0;
	for (size_t i = 0; i < src->n && err >= 0; i++) {
		const awp_threat *t = &src->threats[i];
		err = awp_report_add(dst, t->kind, t->severity, t->rule, t->source, t->path, t->line, t->evidence,
				     t->description, t->remediation, t->package);
	}
	for (size_t i = 0; i < src->nwarns && err >= 0; i++)
		err = awp_report_warn(dst, "%s", src->warns[i]);
	dst->truncated |= src->truncated;
	const awp_threat_scan_stats *a = &src->stats;
	awp_threat_scan_stats *b = &dst->stats;
	b->files += a->files;
	b->bytes += a->bytes;
	b->yara_scans += a->yara_scans;
	b->hashed += a->hashed;
	b->digest_checked += a->digest_checked;
	b->verified_skipped += a->verified_skipped;
	b->archives += a->archives;
	b->archive_entries += a->archive_entries;
	b->ioc_files += a->ioc_files;
	return err;
}

AWP_EXTERN void awp_threat_report_free(awp_threat_report *r)
{
	if (!r)
		return;
	free(r->threats);
	for (size_t i = 0; i < r->nwarns; i++)
		free(r->warns[i]);
	free(r->warns);
	awp_arena_free(&r->arena);
	free(r);
}

AWP_EXTERN size_t awp_threat_count(const awp_threat_report *r)
{
	return r ? r->n : 0;
}

AWP_EXTERN const awp_threat *awp_threat_get(const awp_threat_report *r, size_t i)
{
	return r && i < r->n ? &r->threats[i] : NULL;
}

AWP_EXTERN size_t awp_threat_warning_count(const awp_threat_report *r)
{
	return r ? r->nwarns : 0;
}

AWP_EXTERN const char *awp_threat_warning(const awp_threat_report *r, size_t i)
{
	return r && i < r->nwarns ? r->warns[i] : NULL;
}

AWP_EXTERN const awp_threat_scan_stats *awp_threat_report_stats(const awp_threat_report *r)
{
	return &r->stats;
}

AWP_EXTERN int awp_threat_report_json(char **out, size_t *len, const awp_threat_report *r, const char *target)
{
	awp_strbuf sb = AWP_STRBUF_INIT;
	awp_jsonw w;
	awp_jsonw_init(&w, &sb, 1);
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_string(&w, "target", target ? target : "");
	awp_jsonw_key(&w, "threats");
	awp_jsonw_array_begin(&w);
	for (size_t i = 0; i < r->n; i++) {
		const awp_threat *t = &r->threats[i];
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "kind", awp_threat_kind_name(t->kind));
		awp_jsonw_kv_string(&w, "severity", awp_threat_severity_name(t->severity));
		awp_jsonw_kv_string(&w, "rule", t->rule);
		awp_jsonw_kv_string(&w, "source", t->source);
		awp_jsonw_kv_string(&w, "path", t->path);
		awp_jsonw_key(&w, "line");
		if (t->line)
			awp_jsonw_uint(&w, t->line);
		else
			awp_jsonw_null(&w);
		awp_jsonw_kv_string(&w, "evidence", t->evidence);
		awp_jsonw_kv_string(&w, "description", t->description);
		awp_jsonw_kv_string(&w, "remediation", t->remediation);
		awp_jsonw_kv_string(&w, "package", t->package);
		awp_jsonw_object_end(&w);
	}
	awp_jsonw_array_end(&w);
	awp_jsonw_kv_bool(&w, "truncated", r->truncated);
	awp_jsonw_key(&w, "warnings");
	awp_jsonw_array_begin(&w);
	for (size_t i = 0; i < r->nwarns; i++)
		awp_jsonw_string(&w, r->warns[i]);
	awp_jsonw_array_end(&w);
	const awp_threat_scan_stats *s = &r->stats;
	awp_jsonw_key(&w, "stats");
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_uint(&w, "files", s->files);
	awp_jsonw_kv_uint(&w, "bytes", s->bytes);
	awp_jsonw_kv_uint(&w, "yara_scans", s->yara_scans);
	awp_jsonw_kv_uint(&w, "hashed", s->hashed);
	awp_jsonw_kv_uint(&w, "digest_checked", s->digest_checked);
	awp_jsonw_kv_uint(&w, "verified_skipped", s->verified_skipped);
	awp_jsonw_kv_uint(&w, "archives", s->archives);
	awp_jsonw_kv_uint(&w, "archive_entries", s->archive_entries);
	awp_jsonw_kv_uint(&w, "ioc_files", s->ioc_files);
	awp_jsonw_kv_uint(&w, "packages_checked", s->packages_checked);
	awp_jsonw_kv_bool(&w, "vulndb_used", s->vulndb_used);
	awp_jsonw_object_end(&w);
	awp_jsonw_object_end(&w);
	awp_strbuf_putc(&sb, '\n');
	if (w.err < 0 || !sb.ptr) {
		awp_strbuf_free(&sb);
		return awp_error_set(AWP_ENOMEM, "out of memory writing the threat report");
	}
	*len = sb.len;
	*out = awp_strbuf_detach(&sb);
	return 0;
}
