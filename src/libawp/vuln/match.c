/*
 * vuln/match.c - match an inventory against the advisory database.
 *
 * For each package: choose its OSV ecosystem(s) (vuln/ecosystem.c) and the
 * name/version the advisories use (dpkg: source package and version; apk:
 * origin; rpm and language packages: the package itself), look up every
 * advisory entry for (ecosystem, name), and evaluate OSV's semantics:
 *
 *   affected  <=>  version in versions[]  or  inside any ECOSYSTEM/SEMVER range
 *
 * where a range is evaluated as the OSV schema's reference algorithm: events
 * sorted by version (stable, "0" first), walking them sets affected on
 * introduced <= v, clears it on fixed <= v or last_affected < v; a range with
 * limit events only affects versions below one of its limits. GIT ranges are
 * ignored (no commit information for installed packages).
 *
 * Invariants: the advisory entries of one (ecosystem, name) are parsed and
 * their events validated and sorted once per run (a cache keyed by
 * ecosystem + name); the version scheme is resolved once per entry list;
 * comparisons do not allocate. Advisory data never aborts the run: invalid
 * events are skipped with a warning; an invalid installed version is a
 * warning and the package is not matched.
 *
 * Affecting entries of one package are merged into findings when they share
 * an id or alias (union-find over an id -> entry map); see
 * docs/vuln-matching.md for the primary id, severity and fixed version of
 * a merged finding.
 */
#include "vuln/vuln_int.h"
#include "vuln/vulndb_int.h"

#include "util/arena.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/strmap.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum ev_kind { EV_INTRODUCED, EV_FIXED, EV_LAST_AFFECTED, EV_LIMIT };

struct event {
	unsigned char kind;
	unsigned char zero;   /* introduced "0" (before everything) / limit "*" (after everything) */
	const char *ver;
};

struct range {
	awp_version_scheme scheme;
	struct event *ev;
	size_t nev;
	int has_limit;
};

struct adv {
	const char *id, *summary, *ecosystem, *name, *refs_json;
	const char **aliases;
	size_t nalias;
	struct range *ranges;
	size_t nranges;
	const char **versions;
	size_t nversions;
	struct vuln_sev *sev;
};

struct advlist {
	struct adv *a;
	size_t n;
};

struct note {
	const char *type, *why;
	size_t count;
};

struct awp_vuln_report {
	awp_arena arena;
	awp_vuln_finding *f;
	size_t n, cap;
	size_t sevcount[AWP_SEVERITY_COUNT];
	awp_vuln_stats stats;
	awp_os_info os;
	const char *os_eco;
	int64_t built_at;
	const char **notes;
	size_t nnotes;
};

struct ctx {
	awp_vulndb *db;
	awp_vuln_report *r;
	const awp_vuln_options *o;
	awp_arena work;                 /* parsed advisories of this run */
	awp_strmap cache;               /* "eco\x1fname" -> index in lists */
	struct advlist *lists;
	size_t nlists, listcap;
	struct adv *tmp;                /* entries of the lookup being compiled */
	size_t ntmp, tmpcap;
	awp_version_scheme scheme;      /* of the ecosystem being compiled */
	int err;
	struct note *notes;
	size_t nnotes, notecap;
	const char *os_note;            /* the OS release has no advisories at all */
};

static void warnf(struct ctx *c, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warnf(struct ctx *c, const char *where, const char *fmt, ...)
{
	if (!c->o->warn)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c->o->warn(where, msg, c->o->payload);
}

/* ---- parsing one advisory entry ---------------------------------------- */

static const char *wdup(struct ctx *c, const char *s)
{
	const char *p = awp_arena_strdup(&c->work, s ? s : "");
	if (!p)
		c->err = AWP_ENOMEM;
	return p ? p : "";
}

/* Strings of a JSON array into an arena array (non-strings skipped). */
static const char **str_array(struct ctx *c, const cJSON *arr, size_t cap, size_t *n)
{
	*n = 0;
	int total = cJSON_GetArraySize(arr);
	if (!cJSON_IsArray(arr) || total <= 0)
		return NULL;
	size_t want = (size_t)total < cap ? (size_t)total : cap;
	const char **out = awp_arena_alloc(&c->work, want * sizeof(*out));
	if (!out) {
		c->err = AWP_ENOMEM;
		return NULL;
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		if (*n >= want)
			break;
		if (cJSON_IsString(it))
			out[(*n)++] = wdup(c, it->valuestring);
	}
	return out;
}

/* -1/0/1 for two events of one range; "0" introduced first, "*" limit last. */
static int ev_cmp(awp_version_scheme s, const struct event *a, const struct event *b)
{
	int za = a->zero ? (a->kind == EV_LIMIT ? 1 : -1) : 0, zb = b->zero ? (b->kind == EV_LIMIT ? 1 : -1) : 0;
	if (za || zb)
		return za < zb ? -1 : za > zb ? 1 : 0;
	int r = 0;
	if (awp_version_cmp(&r, s, a->ver, b->ver, AWP_VERSION_LENIENT) < 0)
		return 0;
	return r;
}

static int parse_range(struct ctx *c, const struct adv *a, const cJSON *jr, struct range *out)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(jr, "type");
	if (!cJSON_IsString(type))
		return 0;
	if (strcmp(type->valuestring, "ECOSYSTEM") == 0)
		out->scheme = c->scheme;
	else if (strcmp(type->valuestring, "SEMVER") == 0)
		/* Go advisories write SEMVER ranges over Go module versions. */
		out->scheme = c->scheme == AWP_VERSION_GO ? AWP_VERSION_GO : AWP_VERSION_SEMVER;
	else
		return 0; /* GIT: no commit information for installed packages */
	if (out->scheme == AWP_VERSION_NONE) {
		warnf(c, a->id, "%s: no version ordering for ecosystem %s: ranges ignored", a->name, a->ecosystem);
		c->r->stats.invalid_events++;
		return 0;
	}
	const cJSON *evs = cJSON_GetObjectItemCaseSensitive(jr, "events");
	int total = cJSON_GetArraySize(evs);
	if (!cJSON_IsArray(evs) || total <= 0)
		return 0;
	if (total > AWP_MAX_OSV_EVENTS) {
		warnf(c, a->id, "%s: range with %d events (limit %d): ignored", a->name, total, AWP_MAX_OSV_EVENTS);
		c->r->stats.invalid_events++;
		return 0;
	}
	out->ev = awp_arena_alloc(&c->work, (size_t)total * sizeof(*out->ev));
	if (!out->ev)
		return c->err = AWP_ENOMEM;
	out->nev = 0;
	out->has_limit = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, evs) {
		static const char *const keys[] = {"introduced", "fixed", "last_affected", "limit"};
		const cJSON *v = NULL;
		int kind = -1;
		for (int k = 0; k < 4 && kind < 0; k++)
			if ((v = cJSON_GetObjectItemCaseSensitive(e, keys[k])) != NULL)
				kind = k;
		if (kind < 0 || !cJSON_IsString(v) || !v->valuestring[0]) {
			warnf(c, a->id, "%s: malformed range event skipped", a->name);
			c->r->stats.invalid_events++;
			continue;
		}
		struct event ev = {(unsigned char)kind, 0, NULL};
		if ((kind == EV_INTRODUCED && strcmp(v->valuestring, "0") == 0) ||
		    (kind == EV_LIMIT && strcmp(v->valuestring, "*") == 0)) {
			ev.zero = 1;
		} else if (awp_version_check(out->scheme, v->valuestring) < 0) {
			warnf(c, a->id, "%s: %s \"%s\" is not a valid %s version: event skipped", a->name, keys[kind],
			      v->valuestring, awp_version_scheme_name(out->scheme));
			c->r->stats.invalid_events++;
			continue;
		}
		ev.ver = wdup(c, v->valuestring);
		if (kind == EV_LIMIT)
			out->has_limit = 1;
		/* Stable insertion sort: ties keep the advisory's order (as the
		 * reference's stable sort), so "fixed X, introduced X" chains work. */
		size_t i = out->nev;
		while (i > 0 && ev_cmp(out->scheme, &out->ev[i - 1], &ev) > 0) {
			out->ev[i] = out->ev[i - 1];
			i--;
		}
		out->ev[i] = ev;
		out->nev++;
	}
	return out->nev > 0;
}

/* Bug-fix and enhancement errata (AlmaLinux ALBA/ALEA, Rocky RLBA/RLEA) are
 * in the same feeds as security advisories but fix no vulnerability. */
static int non_security(const char *id)
{
	return strncmp(id, "ALBA-", 5) == 0 || strncmp(id, "ALEA-", 5) == 0 || strncmp(id, "RLBA-", 5) == 0 ||
	       strncmp(id, "RLEA-", 5) == 0;
}

static int on_entry(const awp_vulndb_entry *e, void *payload)
{
	struct ctx *c = payload;
	if (non_security(e->id))
		return 0;
	cJSON *aff = cJSON_Parse(e->affected_json);
	if (!aff) {
		warnf(c, e->id, "%s: affected entry is not valid JSON: skipped", e->name);
		c->r->stats.invalid_events++;
		return 0;
	}
	if (AWP_GROW(c->tmp, c->tmpcap, c->ntmp + 1) < 0) {
		cJSON_Delete(aff);
		return c->err = AWP_ENOMEM;
	}
	struct adv *a = &c->tmp[c->ntmp];
	memset(a, 0, sizeof(*a));
	a->id = wdup(c, e->id);
	a->summary = wdup(c, e->summary);
	a->ecosystem = wdup(c, e->ecosystem);
	a->name = wdup(c, e->name);
	a->refs_json = wdup(c, e->refs_json);
	cJSON *al = cJSON_Parse(e->aliases_json);
	a->aliases = str_array(c, al, AWP_MAX_FINDING_IDS, &a->nalias);
	cJSON_Delete(al);
	a->versions = str_array(c, cJSON_GetObjectItemCaseSensitive(aff, "versions"), AWP_MAX_OSV_VERSIONS, &a->nversions);
	const cJSON *ranges = cJSON_GetObjectItemCaseSensitive(aff, "ranges");
	int nr = cJSON_GetArraySize(ranges);
	if (cJSON_IsArray(ranges) && nr > 0) {
		if (nr > AWP_MAX_OSV_RANGES) {
			warnf(c, a->id, "%s: %d ranges, only the first %d used", a->name, nr, AWP_MAX_OSV_RANGES);
			nr = AWP_MAX_OSV_RANGES;
		}
		a->ranges = awp_arena_alloc(&c->work, (size_t)nr * sizeof(*a->ranges));
		if (!a->ranges)
			c->err = AWP_ENOMEM;
		const cJSON *jr;
		cJSON_ArrayForEach(jr, ranges) {
			if (!a->ranges || a->nranges >= (size_t)nr || c->err)
				break;
			if (parse_range(c, a, jr, &a->ranges[a->nranges]) > 0)
				a->nranges++;
		}
	}
	a->sev = awp_arena_alloc(&c->work, sizeof(*a->sev));
	if (a->sev)
		vuln_severity(a->sev, e->ecosystem, e->summary, e->severity_json, e->affected_json, e->db_specific_json);
	else
		c->err = AWP_ENOMEM;
	cJSON_Delete(aff);
	if (c->err)
		return c->err;
	if (a->nranges || a->nversions)
		c->ntmp++;
	return 0;
}

/* The parsed entries of (ecosystem, name), from the cache or the database. */
static int entries_for(struct ctx *c, const char *eco, const char *name, const struct advlist **out)
{
	char keybuf[1024];
	snprintf(keybuf, sizeof keybuf, "%s\x1f%s", eco, name);
	size_t idx;
	if (awp_strmap_get(&c->cache, keybuf, &idx)) {
		*out = &c->lists[idx];
		return 0;
	}
	if (awp_version_scheme_lookup(&c->scheme, eco) < 0)
		c->scheme = AWP_VERSION_NONE;
	c->ntmp = 0;
	int err = awp_vulndb_lookup(c->db, eco, name, on_entry, c);
	if (c->err)
		return c->err;
	if (err < 0)
		return err;
	c->r->stats.lookups++;
	if (AWP_GROW(c->lists, c->listcap, c->nlists + 1) < 0)
		return AWP_ENOMEM;
	struct advlist *l = &c->lists[c->nlists];
	l->n = c->ntmp;
	l->a = NULL;
	if (c->ntmp) {
		if (!(l->a = awp_arena_alloc(&c->work, c->ntmp * sizeof(*l->a))))
			return AWP_ENOMEM;
		memcpy(l->a, c->tmp, c->ntmp * sizeof(*l->a));
	}
	const char *key = awp_arena_strdup(&c->work, keybuf);
	if (!key || awp_strmap_put(&c->cache, key, c->nlists) < 0)
		return AWP_ENOMEM;
	*out = &c->lists[c->nlists++];
	return 0;
}

/* ---- evaluation -------------------------------------------------------- */

static int range_affects(const struct range *r, const char *v)
{
	int affected = 0;
	for (size_t i = 0; i < r->nev; i++) {
		const struct event *e = &r->ev[i];
		if (e->kind == EV_LIMIT)
			continue;
		if (e->zero) {
			affected = 1;
			continue;
		}
		int cmp;
		if (awp_version_cmp(&cmp, r->scheme, v, e->ver, AWP_VERSION_LENIENT) < 0)
			return 0;
		if (cmp < 0)
			break; /* sorted: no later event applies */
		if (e->kind == EV_INTRODUCED)
			affected = 1;
		else if (e->kind == EV_FIXED)
			affected = 0;
		else if (cmp > 0)
			affected = 0; /* last_affected < v */
	}
	if (affected && r->has_limit) {
		int below = 0;
		for (size_t i = 0; i < r->nev && !below; i++) {
			const struct event *e = &r->ev[i];
			int cmp;
			if (e->kind != EV_LIMIT)
				continue;
			if (e->zero || (awp_version_cmp(&cmp, r->scheme, v, e->ver, AWP_VERSION_LENIENT) == 0 && cmp < 0))
				below = 1;
		}
		affected = below;
	}
	return affected;
}

static int adv_affects(const struct adv *a, awp_version_scheme scheme, const char *v)
{
	for (size_t i = 0; i < a->nversions; i++) {
		int cmp;
		if (strcmp(a->versions[i], v) == 0)
			return 1;
		if (scheme != AWP_VERSION_NONE && awp_version_cmp(&cmp, scheme, v, a->versions[i], AWP_VERSION_LENIENT) == 0 &&
		    cmp == 0)
			return 1;
	}
	for (size_t i = 0; i < a->nranges; i++)
		if (range_affects(&a->ranges[i], v))
			return 1;
	return 0;
}

/* ---- building findings ------------------------------------------------- */

static const char *rdup(awp_vuln_report *r, const char *s)
{
	return awp_arena_strdup(&r->arena, s ? s : "");
}

static size_t uf_find(size_t *parent, size_t i)
{
	while (parent[i] != i)
		i = parent[i] = parent[parent[i]];
	return i;
}

static int has_str(const char *const *arr, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(arr[i], s) == 0)
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct pkgview {
	const awp_package *p;
	size_t index;
	const char *name, *version;
	awp_version_scheme scheme;
};

/* One finding from the affecting entries aff[0..naff) (one merged group);
 * all[0..nall) are every entry of the package (for the fixed version). */
static int add_finding(struct ctx *c, const struct pkgview *pv, struct adv *const *aff, size_t naff,
		       struct adv *const *all, size_t nall)
{
	awp_vuln_report *r = c->r;
	int err = AWP_ENOMEM;
	const char **recs = NULL, **ids = NULL, **cands = NULL, **refs = NULL;
	struct adv **members = NULL;
	size_t nrec = 0, nid = 0, ncand = 0, nref = 0, nmem = 0;

	/* Record ids and every id/alias, unique. */
	if (!(recs = awp_calloc(naff, sizeof(*recs))))
		goto done;
	size_t idcap = 0;
	for (size_t i = 0; i < naff; i++) {
		if (!has_str(recs, nrec, aff[i]->id))
			recs[nrec++] = aff[i]->id;
		idcap += 1 + aff[i]->nalias;
	}
	qsort(recs, nrec, sizeof(*recs), cmp_str);
	if (!(ids = awp_calloc(idcap + 1, sizeof(*ids))))
		goto done;
	size_t ncve = 0, nghsa = 0;
	const char *cve = NULL, *ghsa = NULL;
	for (size_t i = 0; i < naff; i++)
		for (size_t k = 0; k <= aff[i]->nalias; k++) {
			const char *s = k == 0 ? aff[i]->id : aff[i]->aliases[k - 1];
			if (nid >= AWP_MAX_FINDING_IDS || has_str(ids, nid, s))
				continue;
			ids[nid++] = s;
			if (strncmp(s, "CVE-", 4) == 0)
				ncve++, cve = s;
			else if (strncmp(s, "GHSA-", 5) == 0)
				nghsa++, ghsa = s;
		}
	/* Primary: the one CVE the group is about, else its one GHSA, else the
	 * first advisory id (a DSA fixing five CVEs stays the DSA). */
	const char *primary = ncve == 1 ? cve : nghsa == 1 ? ghsa : recs[0];
	qsort(ids, nid, sizeof(*ids), cmp_str);

	/* Every entry (affecting or not) of the merged records. */
	if (!(members = awp_calloc(nall, sizeof(*members))))
		goto done;
	for (size_t i = 0; i < nall; i++)
		for (size_t k = 0; k < nrec; k++)
			if (strcmp(all[i]->id, recs[k]) == 0) {
				members[nmem++] = all[i];
				break;
			}

	/* Fixed version: the lowest fixed event above the installed version at
	 * which none of the merged entries is affected any more. */
	size_t candcap = 0;
	for (size_t i = 0; i < nmem; i++)
		for (size_t j = 0; j < members[i]->nranges; j++)
			candcap += members[i]->ranges[j].nev;
	if (candcap && !(cands = awp_calloc(candcap, sizeof(*cands))))
		goto done;
	for (size_t i = 0; i < nmem; i++)
		for (size_t j = 0; j < members[i]->nranges; j++) {
			const struct range *rg = &members[i]->ranges[j];
			for (size_t k = 0; k < rg->nev; k++) {
				int cmp;
				if (rg->ev[k].kind != EV_FIXED || rg->ev[k].zero)
					continue;
				if (awp_version_cmp(&cmp, pv->scheme == AWP_VERSION_NONE ? rg->scheme : pv->scheme,
						    rg->ev[k].ver, pv->version, AWP_VERSION_LENIENT) < 0 || cmp <= 0)
					continue;
				/* insert sorted, unique */
				size_t at = ncand;
				int dup = 0;
				while (at > 0) {
					int d;
					if (awp_version_cmp(&d, rg->scheme, cands[at - 1], rg->ev[k].ver, AWP_VERSION_LENIENT) < 0)
						d = strcmp(cands[at - 1], rg->ev[k].ver);
					if (d == 0) {
						dup = 1;
						break;
					}
					if (d < 0)
						break;
					at--;
				}
				if (dup)
					continue;
				memmove(cands + at + 1, cands + at, (ncand - at) * sizeof(*cands));
				cands[at] = rg->ev[k].ver;
				ncand++;
			}
		}
	const char *fixed = NULL;
	for (size_t i = 0; i < ncand && !fixed; i++) {
		int still = 0;
		for (size_t k = 0; k < nmem && !still; k++)
			still = adv_affects(members[k], pv->scheme, cands[i]);
		if (!still)
			fixed = cands[i];
	}

	/* Severity: the highest level among the merged entries (then score). */
	const struct adv *best = aff[0];
	for (size_t i = 1; i < naff; i++) {
		const struct vuln_sev *s = aff[i]->sev, *b = best->sev;
		if (s->level > b->level || (s->level == b->level && s->score > b->score))
			best = aff[i];
	}
	const char *summary = best->summary;
	for (size_t i = 0; i < naff && !summary[0]; i++)
		summary = aff[i]->summary;

	/* References: the URLs of the affecting records, unique, capped. */
	if (!(refs = awp_calloc(AWP_MAX_FINDING_REFS, sizeof(*refs))))
		goto done;
	for (size_t i = 0; i < naff && nref < AWP_MAX_FINDING_REFS; i++) {
		if (i > 0 && strcmp(aff[i]->refs_json, aff[i - 1]->refs_json) == 0)
			continue;
		cJSON *rj = cJSON_Parse(aff[i]->refs_json);
		const cJSON *it;
		cJSON_ArrayForEach(it, rj) {
			const cJSON *u = cJSON_GetObjectItemCaseSensitive(it, "url");
			if (nref >= AWP_MAX_FINDING_REFS || !cJSON_IsString(u))
				continue;
			int seen = 0;
			for (size_t k = 0; k < nref && !seen; k++)
				seen = strcmp(refs[k], u->valuestring) == 0;
			if (!seen && !(refs[nref++] = rdup(r, u->valuestring))) {
				cJSON_Delete(rj);
				goto done;
			}
		}
		cJSON_Delete(rj);
	}

	if (AWP_GROW(r->f, r->cap, r->n + 1) < 0)
		goto done;
	awp_vuln_finding *f = &r->f[r->n];
	memset(f, 0, sizeof(*f));
	const char **fids = awp_arena_alloc(&r->arena, (nid ? nid : 1) * sizeof(*fids));
	const char **frec = awp_arena_alloc(&r->arena, nrec * sizeof(*frec));
	const char **fref = awp_arena_alloc(&r->arena, (nref ? nref : 1) * sizeof(*fref));
	if (!fids || !frec || !fref)
		goto done;
	size_t w = 0;
	fids[w++] = rdup(r, primary);
	for (size_t i = 0; i < nid; i++)
		if (strcmp(ids[i], primary) != 0)
			fids[w++] = rdup(r, ids[i]);
	for (size_t i = 0; i < nrec; i++)
		frec[i] = rdup(r, recs[i]);
	memcpy(fref, refs, nref * sizeof(*fref));
	f->id = fids[0];
	f->ids = fids;
	f->id_count = w;
	f->advisories = frec;
	f->advisory_count = nrec;
	f->package_index = pv->index;
	f->pkg_type = rdup(r, pv->p->type);
	f->pkg_name = rdup(r, pv->p->name);
	f->pkg_version = rdup(r, pv->p->version);
	f->pkg_path = rdup(r, pv->p->path);
	f->pkg_entry = rdup(r, pv->p->entry);
	f->pkg_manager = rdup(r, pv->p->manager);
	f->pkg_purl = rdup(r, pv->p->purl);
	f->source_name = rdup(r, pv->p->source_name);
	f->source_version = rdup(r, pv->p->source_version);
	f->matched_name = rdup(r, pv->name);
	f->installed_version = rdup(r, pv->version);
	f->fixed_version = fixed ? rdup(r, fixed) : NULL;
	f->ecosystem = rdup(r, best->ecosystem);
	f->severity = best->sev->level;
	f->score = best->sev->score;
	f->severity_source = rdup(r, best->sev->source);
	f->severity_vector = rdup(r, best->sev->vector);
	f->summary = rdup(r, summary);
	f->references = fref;
	f->reference_count = nref;
	for (size_t i = 0; i < w; i++)
		if (!fids[i])
			goto done;
	for (size_t i = 0; i < nrec; i++)
		if (!frec[i])
			goto done;
	if (!f->pkg_type || !f->pkg_name || !f->pkg_version || !f->pkg_path || !f->pkg_entry || !f->pkg_manager ||
	    !f->pkg_purl || !f->source_name || !f->source_version || !f->matched_name || !f->installed_version ||
	    (fixed && !f->fixed_version) || !f->ecosystem || !f->severity_source || !f->severity_vector || !f->summary)
		goto done;
	r->n++;
	r->sevcount[f->severity]++;
	err = 0;
done:
	free(recs);
	free(ids);
	free(cands);
	free(refs);
	free(members);
	return err;
}

static int add_note(struct ctx *c, const char *type, const char *why)
{
	for (size_t i = 0; i < c->nnotes; i++)
		if (c->notes[i].why == why && strcmp(c->notes[i].type, type) == 0) {
			c->notes[i].count++;
			return 0;
		}
	if (AWP_GROW(c->notes, c->notecap, c->nnotes + 1) < 0)
		return AWP_ENOMEM;
	c->notes[c->nnotes++] = (struct note){type, why, 1};
	return 0;
}

static int match_package(struct ctx *c, const awp_inventory *inv, size_t index)
{
	const awp_package *p = awp_inventory_get(inv, index);
	const awp_os_info *os = awp_inventory_os(inv);
	int os_type = vuln_is_os_type(p->type);
	if ((os_type && !c->o->os_packages) || (!os_type && !c->o->lang_packages))
		return 0;
	char eco[2][80];
	const char *why;
	int neco = vuln_ecosystems(os, p->type, eco, &why);
	if (neco == 0) {
		c->r->stats.unsupported++;
		return add_note(c, p->type, why);
	}
	if (os_type && !c->r->os_eco[0]) {
		char buf[200];
		snprintf(buf, sizeof buf, "%s%s%s", eco[0], neco > 1 ? " " : "", neco > 1 ? eco[1] : "");
		if (!(c->r->os_eco = rdup(c->r, buf)))
			return AWP_ENOMEM;
		/* A release the database knows nothing about would silently report
		 * nothing: say so (e.g. Debian:12 with data up to Debian 11). */
		int any = 0;
		for (int k = 0; k < neco && any == 0; k++)
			any = awp_vulndb_has_ecosystem(c->db, eco[k]);
		if (any < 0)
			return any;
		if (!any) {
			char *s = awp_arena_printf(&c->work, "the advisory database has no advisories for %s: OS packages were "
					  "looked up but nothing can match (import or update its data)", buf);
			if (!s)
				return AWP_ENOMEM;
			c->os_note = s;
		}
	}
	struct pkgview pv = {p, index, p->name, p->version, AWP_VERSION_NONE};
	if ((strcmp(p->type, "dpkg") == 0 || strcmp(p->type, "apk") == 0) && p->source_name[0]) {
		pv.name = p->source_name;
		if (strcmp(p->type, "dpkg") == 0 && p->source_version[0])
			pv.version = p->source_version;
	}
	if (strcmp(eco[0], "Go") == 0 && strcmp(pv.name, "stdlib") == 0 && strncmp(pv.version, "go", 2) == 0)
		pv.version += 2; /* toolchain "go1.21.0" is OSV's "1.21.0" */
	if (!pv.name[0] || !pv.version[0]) {
		c->r->stats.invalid_versions++;
		warnf(c, p->path, "%s package \"%s\" has no version: not matched", p->type, p->name);
		return 0;
	}
	if (awp_version_scheme_lookup(&pv.scheme, eco[0]) < 0)
		pv.scheme = AWP_VERSION_NONE;
	if (pv.scheme != AWP_VERSION_NONE && awp_version_check(pv.scheme, pv.version) < 0) {
		c->r->stats.invalid_versions++;
		warnf(c, p->path, "%s package %s: version \"%s\" is not a valid %s version: not matched (%s)", p->type,
		      p->name, pv.version, awp_version_scheme_name(pv.scheme), awp_error_last());
		return 0;
	}
	c->r->stats.matched++;

	/* Every entry of every ecosystem, and which of them affect the version. */
	struct adv *all_local[64], **all = all_local;
	size_t nall = 0, allcap = 64;
	int err = 0;
	for (int k = 0; k < neco; k++) {
		const struct advlist *l = NULL;
		if ((err = entries_for(c, eco[k], pv.name, &l)) < 0)
			goto out;
		for (size_t i = 0; i < l->n; i++) {
			if (nall == allcap) {
				struct adv **n = awp_reallocarray(all == all_local ? NULL : all, allcap * 2, sizeof(*n));
				if (!n) {
					err = AWP_ENOMEM;
					goto out;
				}
				if (all == all_local)
					memcpy(n, all_local, sizeof all_local);
				all = n;
				allcap *= 2;
			}
			all[nall++] = &l->a[i];
		}
	}
	if (nall == 0)
		goto out;
	size_t naff = 0;
	struct adv **aff = awp_calloc(nall, sizeof(*aff));
	size_t *parent = awp_calloc(nall, sizeof(*parent));
	struct adv **group = awp_calloc(nall, sizeof(*group));
	awp_strmap seen = {0};
	if (!aff || !parent || !group) {
		err = AWP_ENOMEM;
		goto out2;
	}
	for (size_t i = 0; i < nall; i++)
		if (adv_affects(all[i], pv.scheme, pv.version))
			aff[naff++] = all[i];
	if (naff == 0)
		goto out2;
	c->r->stats.affected++;
	/* Union-find: entries sharing any id or alias are one vulnerability. */
	for (size_t i = 0; i < naff; i++)
		parent[i] = i;
	for (size_t i = 0; i < naff && !err; i++)
		for (size_t k = 0; k <= aff[i]->nalias; k++) {
			const char *s = k == 0 ? aff[i]->id : aff[i]->aliases[k - 1];
			size_t j;
			if (awp_strmap_get(&seen, s, &j)) {
				size_t a = uf_find(parent, i), b = uf_find(parent, j);
				if (a != b)
					parent[a < b ? b : a] = a < b ? a : b;
			} else if (awp_strmap_put(&seen, s, i) < 0) {
				err = AWP_ENOMEM;
				break;
			}
		}
	for (size_t root = 0; root < naff && !err; root++) {
		if (uf_find(parent, root) != root)
			continue;
		size_t ng = 0;
		for (size_t i = 0; i < naff; i++)
			if (uf_find(parent, i) == root)
				group[ng++] = aff[i];
		err = add_finding(c, &pv, group, ng, all, nall);
	}
out2:
	awp_strmap_free(&seen);
	free(aff);
	free(parent);
	free(group);
out:
	if (all != all_local)
		free(all);
	return err;
}

/* Severity (critical first), score, package name, version, id. */
static int finding_order(const void *pa, const void *pb)
{
	const awp_vuln_finding *a = pa, *b = pb;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	int d = strcmp(a->pkg_name, b->pkg_name);
	if (d == 0)
		d = strcmp(a->pkg_version, b->pkg_version);
	if (d == 0)
		d = strcmp(a->pkg_path, b->pkg_path);
	if (d == 0)
		d = strcmp(a->id, b->id);
	return d;
}

AWP_EXTERN int awp_vuln_match(awp_vuln_report **out, awp_vulndb *db, const awp_inventory *inv,
			      const awp_vuln_options *opts)
{
	static const awp_vuln_options dflt = AWP_VULN_OPTIONS_INIT;
	if (!out || !db || !inv)
		return awp_error_set(AWP_EINVAL, "vulnerability match: NULL argument");
	*out = NULL;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	awp_vuln_report *r = awp_calloc(1, sizeof(*r));
	if (!r)
		return AWP_ENOMEM;
	struct ctx c = {.db = db, .r = r, .o = opts ? opts : &dflt};
	int err = AWP_ENOMEM;
	const awp_os_info *os = awp_inventory_os(inv);
	r->os.known = os->known;
#define OSDUP(f) if (!(r->os.f = rdup(r, os->f))) goto done
	OSDUP(id); OSDUP(id_like); OSDUP(version_id); OSDUP(codename); OSDUP(pretty_name); OSDUP(source);
#undef OSDUP
	if (!(r->os_eco = rdup(r, "")))
		goto done;
	r->built_at = awp_vulndb_built_at(db);
	r->stats.packages = awp_inventory_count(inv);
	for (size_t i = 0; i < r->stats.packages; i++)
		if ((err = match_package(&c, inv, i)) < 0)
			goto done;
	err = AWP_ENOMEM;
	if (!(r->notes = awp_arena_alloc(&r->arena, (c.nnotes + 1) * sizeof(*r->notes))))
		goto done;
	if (c.os_note && !(r->notes[r->nnotes++] = rdup(r, c.os_note)))
		goto done;
	for (size_t i = 0; i < c.nnotes; i++) {
		char *s = awp_arena_printf(&r->arena, "%zu %s package%s not matched: %s", c.notes[i].count, c.notes[i].type,
					   c.notes[i].count == 1 ? "" : "s", c.notes[i].why);
		if (!s)
			goto done;
		r->notes[r->nnotes++] = s;
	}
	if (r->n > 1)
		qsort(r->f, r->n, sizeof(*r->f), finding_order);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->stats.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	err = 0;
	*out = r;
	r = NULL;
done:
	awp_strmap_free(&c.cache);
	free(c.lists);
	free(c.tmp);
	free(c.notes);
	awp_arena_free(&c.work);
	awp_vuln_report_free(r);
	return err;
}

AWP_EXTERN void awp_vuln_report_free(awp_vuln_report *r)
{
	if (!r)
		return;
	free(r->f);
	awp_arena_free(&r->arena);
	free(r);
}

AWP_EXTERN size_t awp_vuln_report_count(const awp_vuln_report *r)
{
	return r ? r->n : 0;
}

AWP_EXTERN const awp_vuln_finding *awp_vuln_report_get(const awp_vuln_report *r, size_t i)
{
	return r && i < r->n ? &r->f[i] : NULL;
}

AWP_EXTERN size_t awp_vuln_report_severity_count(const awp_vuln_report *r, awp_severity s)
{
	return r && (unsigned)s < AWP_SEVERITY_COUNT ? r->sevcount[s] : 0;
}

AWP_EXTERN const awp_vuln_stats *awp_vuln_report_stats(const awp_vuln_report *r)
{
	return &r->stats;
}

AWP_EXTERN const awp_os_info *awp_vuln_report_os(const awp_vuln_report *r)
{
	return &r->os;
}

AWP_EXTERN const char *awp_vuln_report_os_ecosystem(const awp_vuln_report *r)
{
	return r->os_eco;
}

AWP_EXTERN int64_t awp_vuln_report_db_built_at(const awp_vuln_report *r)
{
	return r->built_at;
}

AWP_EXTERN size_t awp_vuln_report_note_count(const awp_vuln_report *r)
{
	return r->nnotes;
}

AWP_EXTERN const char *awp_vuln_report_note(const awp_vuln_report *r, size_t i)
{
	return i < r->nnotes ? r->notes[i] : "";
}
