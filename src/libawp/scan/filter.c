/*
 * scan/filter.c - filters on a scan result: severities, unfixed
 * vulnerabilities, and the ignore file (docs/report-schema.md, "Ignore file").
 *
 * Nothing is deleted: a filtered finding keeps its place with `ignored` set
 * to the reason, so reports can count what was hidden and why.
 */
#include "scan/scan_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum entry_type { E_ID, E_PKG, E_FP, E_PATH };

struct entry {
	enum entry_type type;
	const char *pkg_type;  /* E_PKG: "" = any type */
	const char *value;     /* id, fingerprint, path glob, or package name */
	const char *version;   /* E_PKG */
	const char *reason;    /* "ignore file: <reason>" */
};

struct awp_ignore_list {
	awp_arena arena;
	struct entry *e;
	size_t n, cap;
	const char **warn;
	size_t nwarn, warncap;
};

static int add_warning(awp_ignore_list *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int add_warning(awp_ignore_list *l, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (AWP_GROW(l->warn, l->warncap, l->nwarn + 1) < 0 || !(l->warn[l->nwarn] = awp_arena_strdup(&l->arena, buf)))
		return AWP_ENOMEM;
	l->nwarn++;
	return 0;
}

/* "YYYY-MM-DD" -> seconds at the end of that day (UTC): an entry is valid
 * through its expiry date. */
static int parse_date(const char *s, size_t n, int64_t *out)
{
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (size_t i = 0; i < n; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -1;
	struct tm tm = {0};
	tm.tm_year = (int)strtol(s, NULL, 10) - 1900;   /* digits checked above */
	tm.tm_mon = (int)strtol(s + 5, NULL, 10) - 1;
	tm.tm_mday = (int)strtol(s + 8, NULL, 10);
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31)
		return -1;
	*out = (int64_t)timegm(&tm) + 86399;
	return 0;
}

static int parse_line(awp_ignore_list *l, char *line, const char *name, size_t lineno, int64_t now)
{
	char *hash = strstr(line, " #");
	if (!hash && line[0] != '#')
		hash = strstr(line, "\t#");
	const char *reason = "";
	if (hash) {
		*hash = '\0';
		reason = hash + 2;
		while (isspace((unsigned char)*reason))
			reason++;
	}
	char *save = NULL, *tok = strtok_r(line, " \t", &save);
	if (!tok)
		return 0;
	char *entry = tok;
	int64_t expires = 0;
	const char *exp_str = "";
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
		const char *v = strncmp(tok, "exp:", 4) == 0 ? tok + 4 : strncmp(tok, "expires=", 8) == 0 ? tok + 8 : NULL;
		if (!v || parse_date(v, strlen(v), &expires) < 0)
			return awp_error_set(AWP_ECORRUPT, "%s:%zu: unexpected '%s' (after the entry: exp:YYYY-MM-DD, then # reason)",
					     name, lineno, tok);
		exp_str = v;
	}
	if (expires && expires < now)
		return add_warning(l, "%s:%zu: entry %s expired on %s; not applied", name, lineno, entry, exp_str);
	if (l->n >= AWP_IGNORE_MAX_ENTRIES)
		return awp_error_set(AWP_ELIMIT, "%s: more than %d entries", name, AWP_IGNORE_MAX_ENTRIES);
	struct entry e = {0};
	e.pkg_type = "";
	e.version = "";
	char *at;
	if (strncmp(entry, "fp1:", 4) == 0 || strncmp(entry, "fingerprint:", 12) == 0) {
		e.type = E_FP;
		e.value = entry[0] == 'f' && entry[1] == 'i' ? entry + 12 : entry;
	} else if (strncmp(entry, "path:", 5) == 0) {
		e.type = E_PATH;
		e.value = entry + 5;
	} else if ((at = strrchr(entry, '@')) != NULL && at != entry && at[1]) {
		e.type = E_PKG;
		*at = '\0';
		e.version = at + 1;
		/* "npm:lodash@1.0": a type prefix, unless the name is scoped ("@types/x@1") */
		char *colon = strchr(entry, ':');
		if (colon && entry[0] != '@') {
			*colon = '\0';
			e.pkg_type = entry;
			e.value = colon + 1;
		} else {
			e.value = entry;
		}
	} else {
		e.type = E_ID;
		e.value = entry;
	}
	if (!e.value[0])
		return awp_error_set(AWP_ECORRUPT, "%s:%zu: empty entry", name, lineno);
	e.value = awp_arena_strdup(&l->arena, e.value);
	e.pkg_type = awp_arena_strdup(&l->arena, e.pkg_type);
	e.version = awp_arena_strdup(&l->arena, e.version);
	e.reason = reason[0] ? awp_arena_printf(&l->arena, "ignore file: %s", reason) : "ignore file";
	if (!e.value || !e.pkg_type || !e.version || !e.reason || AWP_GROW(l->e, l->cap, l->n + 1) < 0)
		return AWP_ENOMEM;
	l->e[l->n++] = e;
	return 0;
}

AWP_EXTERN int awp_ignore_parse(awp_ignore_list **out, const char *text, size_t len, const char *name, int64_t now)
{
	awp_ignore_list *l = awp_calloc(1, sizeof(*l));
	if (!l)
		return AWP_ENOMEM;
	int err = 0;
	size_t lineno = 0;
	const char *p = text, *end = text + len;
	while (p < end && err == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		if (memchr(p, '\0', n)) {
			err = awp_error_set(AWP_ECORRUPT, "%s:%zu: NUL byte (not a text file)", name, lineno);
			break;
		}
		char *line = awp_strndup(p, n);
		if (!line) {
			err = AWP_ENOMEM;
			break;
		}
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		char *s = line;
		while (isspace((unsigned char)*s))
			s++;
		if (*s && *s != '#')
			err = parse_line(l, s, name, lineno, now);
		free(line);
		p = nl ? nl + 1 : end;
	}
	if (err < 0) {
		awp_ignore_free(l);
		return err;
	}
	*out = l;
	return 0;
}

AWP_EXTERN int awp_ignore_load(awp_ignore_list **out, const char *path, int64_t now)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? awp_error_set(AWP_ENOTFOUND, "ignore file %s not found", path)
				       : awp_error_errno(errno, "ignore file %s", path);
	char *buf = awp_malloc(AWP_IGNORE_MAX_SIZE + 1);
	if (!buf) {
		fclose(f);
		return AWP_ENOMEM;
	}
	size_t len = fread(buf, 1, AWP_IGNORE_MAX_SIZE + 1, f);
	int bad = ferror(f);
	fclose(f);
	int err;
	if (bad)
		err = awp_error_set(AWP_EIO, "ignore file %s: read error", path);
	else if (len > AWP_IGNORE_MAX_SIZE)
		err = awp_error_set(AWP_ELIMIT, "ignore file %s: larger than %u bytes", path, AWP_IGNORE_MAX_SIZE);
	else
		err = awp_ignore_parse(out, buf, len, path, now);
	free(buf);
	return err;
}

AWP_EXTERN void awp_ignore_free(awp_ignore_list *l)
{
	if (!l)
		return;
	free(l->e);
	free(l->warn);
	awp_arena_free(&l->arena);
	free(l);
}

AWP_EXTERN size_t awp_ignore_count(const awp_ignore_list *l) { return l ? l->n : 0; }
AWP_EXTERN size_t awp_ignore_warning_count(const awp_ignore_list *l) { return l ? l->nwarn : 0; }
AWP_EXTERN const char *awp_ignore_warning(const awp_ignore_list *l, size_t i)
{
	return l && i < l->nwarn ? l->warn[i] : NULL;
}

static int entry_matches(const struct entry *e, const awp_finding *f)
{
	const awp_vuln_finding *v = f->vuln;
	switch (e->type) {
	case E_ID:
		if (strcmp(e->value, f->id) == 0)
			return 1;
		for (size_t i = 0; v && i < v->id_count; i++)
			if (strcmp(e->value, v->ids[i]) == 0)
				return 1;
		return 0;
	case E_FP:
		return f->fingerprint[0] && strcmp(e->value, f->fingerprint) == 0;
	case E_PATH:
		return fnmatch(e->value, f->path, 0) == 0;
	case E_PKG:
		if (!v || (e->pkg_type[0] && strcmp(e->pkg_type, v->pkg_type) != 0))
			return 0;
		/* the binary package, or (dpkg/rpm/apk) the source package at its version */
		return (strcmp(e->value, v->pkg_name) == 0 && strcmp(e->version, v->pkg_version) == 0) ||
		       (v->source_name[0] && strcmp(e->value, v->source_name) == 0 &&
			(strcmp(e->version, v->source_version) == 0 || strcmp(e->version, v->installed_version) == 0));
	}
	return 0;
}

AWP_EXTERN int awp_scan_result_filter(awp_scan_result *r, const awp_scan_filter *flt)
{
	for (size_t i = 0; i < r->nf; i++) {
		awp_finding *f = &r->f[i];
		f->ignored = NULL;
		if (flt && flt->ignore) {
			for (size_t k = 0; k < flt->ignore->n; k++)
				if (entry_matches(&flt->ignore->e[k], f)) {
					if (!(f->ignored = awp_scan_str(r, flt->ignore->e[k].reason)))
						return AWP_ENOMEM;
					break;
				}
		}
		if (f->ignored || !flt)
			continue;
		if (flt->severities && !(flt->severities & (1u << f->severity)))
			f->ignored = "severity";
		else if (flt->ignore_unfixed && f->vuln && !f->vuln->fixed_version)
			f->ignored = "unfixed";
	}
	return awp_scan_result_refresh(r);
}
