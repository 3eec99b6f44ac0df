/*
 * scan/remediation.c - turn findings into a short list of actions, biggest
 * win first (docs/risk-score.md, "Remediation").
 *
 * Vulnerabilities are grouped by what one upgrade changes: the source
 * package for dpkg/rpm/apk (one source upgrade replaces all its binaries),
 * the package in its project directory for language managers. The target
 * version is the single one that fixes every finding of the group: the
 * highest fixed version needed, by the ecosystem's ordering; versions that
 * order equal but are spelled differently are tied, and the byte-wise
 * smallest spelling wins. Findings with no fix become one "no fix yet"
 * action per package. Secrets are grouped by fingerprint (one credential,
 * wherever it was copied), threats by file.
 *
 * Sort: the risk weight removed (the same weights as the score), then the
 * count of ids, then kind, package, path: a total order.
 */
#include "scan/scan_int.h"

#include <awp/version.h>

#include "util/error.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t awp_risk_vuln_weight(const awp_finding *f);
uint64_t awp_risk_other_weight(const awp_finding *f);

struct awp_remediation {
	awp_arena arena;
	awp_action *a;
	size_t n, cap;
};

/* A group being built: findings by index into the input. */
struct group {
	awp_action_kind kind;
	const char *key;
	size_t *idx;
	size_t n, cap;
};

AWP_EXTERN const char *awp_action_kind_name(awp_action_kind k)
{
	switch (k) {
	case AWP_ACTION_UPGRADE: return "upgrade";
	case AWP_ACTION_ROTATE: return "rotate";
	case AWP_ACTION_REMOVE: return "remove";
	case AWP_ACTION_NO_FIX: return "no_fix";
	default: return "unknown";
	}
}

static int is_os_type(const char *t)
{
	return strcmp(t, "dpkg") == 0 || strcmp(t, "rpm") == 0 || strcmp(t, "apk") == 0;
}

/* The project directory of a language package from the file that proves it. */
static const char *project_dir(awp_arena *a, const awp_vuln_finding *v)
{
	const char *p = v->pkg_path;
	const char *marker = NULL;
	if (strcmp(v->pkg_type, "npm") == 0)
		marker = strstr(p, "/node_modules/");
	else if (strcmp(v->pkg_type, "composer") == 0)
		marker = strstr(p, "/vendor/");
	if (marker)
		return marker == p ? "/" : awp_arena_strndup(a, p, (size_t)(marker - p));
	if (strcmp(v->pkg_type, "npm") == 0 || strcmp(v->pkg_type, "composer") == 0 || strcmp(v->pkg_type, "cargo") == 0 ||
	    strcmp(v->pkg_type, "go") == 0 || strcmp(v->pkg_type, "nuget") == 0 || strcmp(v->pkg_type, "maven") == 0) {
		/* a lock file or manifest: its directory */
		const char *slash = strrchr(p, '/');
		static const char *const manifests[] = {"package-lock.json", "package.json", "yarn.lock", "composer.lock",
							"Cargo.lock", "go.mod", "go.sum", "packages.lock.json", "pom.xml"};
		for (size_t i = 0; slash && i < sizeof manifests / sizeof manifests[0]; i++)
			if (strcmp(slash + 1, manifests[i]) == 0)
				return slash == p ? "/" : awp_arena_strndup(a, p, (size_t)(slash - p));
	}
	return "";
}

/* The unit one upgrade changes. */
static const char *upgrade_unit(const awp_vuln_finding *v)
{
	if (strcmp(v->pkg_type, "dpkg") == 0 || strcmp(v->pkg_type, "apk") == 0)
		return v->matched_name[0] ? v->matched_name : v->pkg_name;
	if (strcmp(v->pkg_type, "rpm") == 0)
		return v->source_name[0] ? v->source_name : v->pkg_name;
	return v->pkg_name;
}

static int need_quote(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || strchr("/._-+:@=,~", *s)))
			return 1;
	return 0;
}

/* Shell-quote s into sb when it needs it. */
static void shq(awp_strbuf *sb, const char *s)
{
	if (!need_quote(s) && *s) {
		awp_strbuf_puts(sb, s);
		return;
	}
	awp_strbuf_putc(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			awp_strbuf_puts(sb, "'\\''");
		else
			awp_strbuf_putc(sb, *s);
	}
	awp_strbuf_putc(sb, '\'');
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted unique copy of strs (in the arena). */
static const char *const *uniq(awp_arena *a, const char **strs, size_t n, size_t *out_n)
{
	if (n > 1)
		qsort(strs, n, sizeof(*strs), cmp_str);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (m == 0 || strcmp(strs[m - 1], strs[i]) != 0)
			strs[m++] = strs[i];
	const char **o = m ? awp_arena_alloc(a, m * sizeof(*o)) : NULL;
	if (m && !o)
		return NULL;
	if (m)
		memcpy(o, strs, m * sizeof(*o));
	*out_n = m;
	return o ? o : (const char *const *)"";
}

static int uses_yum(const awp_os_info *os)
{
	if (!os || !os->known)
		return 0;
	long major = strtol(os->version_id, NULL, 10); /* "7", "2", "2023": leading digits */
	if (strcmp(os->id, "amzn") == 0)
		return major <= 2;
	if (strcmp(os->id, "centos") == 0 || strcmp(os->id, "rhel") == 0 || strcmp(os->id, "ol") == 0)
		return major > 0 && major < 8;
	return 0;
}

/* The command that applies an upgrade (into sb; may stay empty). */
static void upgrade_command(awp_strbuf *sb, const char *type, const char *name, const char *ver, const char *dir,
			    const char *const *bins, size_t nbins, const awp_os_info *os)
{
	if (dir[0]) {
		awp_strbuf_puts(sb, "cd ");
		shq(sb, dir);
		awp_strbuf_puts(sb, " && ");
	}
	if (strcmp(type, "dpkg") == 0 || strcmp(type, "rpm") == 0 || strcmp(type, "apk") == 0) {
		awp_strbuf_puts(sb, strcmp(type, "dpkg") == 0 ? "apt-get install --only-upgrade"
				    : strcmp(type, "apk") == 0 ? "apk add -u"
				    : uses_yum(os) ? "yum upgrade" : "dnf upgrade");
		for (size_t i = 0; i < nbins; i++) {
			awp_strbuf_putc(sb, ' ');
			shq(sb, bins[i]);
		}
		return;
	}
	char arg[1024];
	if (strcmp(type, "npm") == 0) {
		snprintf(arg, sizeof arg, "%s@%s", name, ver);
		awp_strbuf_puts(sb, "npm install ");
		shq(sb, arg);
	} else if (strcmp(type, "python") == 0) {
		snprintf(arg, sizeof arg, "%s>=%s", name, ver);
		awp_strbuf_puts(sb, "pip install ");
		shq(sb, arg);
	} else if (strcmp(type, "gem") == 0) {
		awp_strbuf_puts(sb, "gem update ");
		shq(sb, name);
	} else if (strcmp(type, "composer") == 0) {
		awp_strbuf_puts(sb, "composer update ");
		shq(sb, name);
	} else if (strcmp(type, "go") == 0 && strcmp(name, "stdlib") != 0 && strcmp(name, "toolchain") != 0) {
		snprintf(arg, sizeof arg, "%s@%s%s", name, ver[0] == 'v' ? "" : "v", ver);
		awp_strbuf_puts(sb, "go get ");
		shq(sb, arg);
	} else if (strcmp(type, "cargo") == 0) {
		awp_strbuf_puts(sb, "cargo update -p ");
		shq(sb, name);
		awp_strbuf_puts(sb, " --precise ");
		shq(sb, ver);
	} else if (strcmp(type, "nuget") == 0) {
		awp_strbuf_puts(sb, "dotnet add package ");
		shq(sb, name);
		awp_strbuf_puts(sb, " --version ");
		shq(sb, ver);
	} else if (strcmp(type, "conda") == 0) {
		awp_strbuf_puts(sb, "conda update ");
		shq(sb, name);
	} else {
		awp_strbuf_truncate(sb, 0); /* maven and others: no single command */
	}
}

/* Higher of two fixed versions for the ecosystem; ties (equal order, other
 * spelling) and incomparable versions resolve by bytes, so the choice never
 * depends on input order. */
static const char *higher(const char *eco, const char *a, const char *b)
{
	if (!a)
		return b;
	int c = 0;
	if (awp_version_compare(&c, eco, a, b) < 0)
		c = 0;
	if (c == 0) {
		int s = strcmp(a, b);
		return s <= 0 ? a : b;
	}
	return c > 0 ? a : b;
}

static struct group *group_get(struct group **gs, size_t *ng, size_t *cap, awp_strmap *map, awp_arena *a,
			       awp_action_kind kind, const char *key)
{
	size_t gi;
	char *k = awp_arena_printf(a, "%d|%s", (int)kind, key);
	if (!k)
		return NULL;
	if (awp_strmap_get(map, k, &gi))
		return &(*gs)[gi];
	if (AWP_GROW(*gs, *cap, *ng + 1) < 0 || awp_strmap_put(map, k, *ng) < 0)
		return NULL;
	struct group *g = &(*gs)[(*ng)++];
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	g->key = k;
	return g;
}

static int group_add(struct group *g, size_t i)
{
	if (AWP_GROW(g->idx, g->cap, g->n + 1) < 0)
		return AWP_ENOMEM;
	g->idx[g->n++] = i;
	return 0;
}

static int cmp_action(const void *pa, const void *pb)
{
	const awp_action *a = pa, *b = pb;
	int na = a->kind == AWP_ACTION_NO_FIX, nb = b->kind == AWP_ACTION_NO_FIX;
	if (na != nb)
		return na - nb; /* something to do first, then what cannot be fixed yet */
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	if (a->id_count != b->id_count)
		return a->id_count > b->id_count ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	int c;
	if ((c = strcmp(a->pkg_type, b->pkg_type)) != 0 || (c = strcmp(a->package, b->package)) != 0 ||
	    (c = strcmp(a->directory, b->directory)) != 0 || (c = strcmp(a->path, b->path)) != 0 ||
	    (c = strcmp(a->title, b->title)) != 0)
		return c;
	return 0;
}

/* Build the action of one group. */
static int build(awp_remediation *p, const struct group *g, const awp_finding *f, const awp_os_info *os)
{
	awp_arena *a = &p->arena;
	const awp_finding *first = &f[g->idx[0]];
	awp_action act;
	memset(&act, 0, sizeof act);
	act.kind = g->kind;
	act.command = act.package = act.pkg_type = act.version = act.directory = act.path = "";
	const char **ids = awp_calloc(g->n + 1, sizeof(*ids)), **locs = awp_calloc(g->n + 1, sizeof(*locs));
	const char **bins = awp_calloc(g->n + 1, sizeof(*bins));
	awp_strbuf sb = AWP_STRBUF_INIT;
	int err = AWP_ENOMEM;
	if (!ids || !locs || !bins)
		goto done;
	/* Per unique id, its highest severity: "fixes 7 CVEs, 1 critical". */
	const char *ver = NULL;
	uint64_t w = 0;
	for (size_t k = 0; k < g->n; k++) {
		const awp_finding *x = &f[g->idx[k]];
		ids[k] = x->id;
		w += x->kind == AWP_FINDING_VULN ? awp_risk_vuln_weight(x) : awp_risk_other_weight(x);
		act.kev += x->kev != 0;
		if (x->vuln) {
			bins[k] = x->vuln->pkg_name;
			if (x->vuln->fixed_version && g->kind == AWP_ACTION_UPGRADE)
				ver = higher(x->vuln->ecosystem, ver, x->vuln->fixed_version);
		}
		locs[k] = x->line ? awp_arena_printf(a, "%s:%llu", x->path, (unsigned long long)x->line) : x->path;
		if (!locs[k])
			goto done;
	}
	act.weight = (double)w / 1000.0;
	size_t nb = 0;
	const char *const *ub = NULL;
	if (!(act.ids = uniq(a, ids, g->n, &act.id_count)))
		goto done;
	act.fixes = act.id_count;
	for (size_t u = 0; u < act.id_count; u++) {
		awp_severity s = AWP_SEVERITY_UNKNOWN;
		int seen = 0;
		for (size_t k = 0; k < g->n; k++) {
			const awp_finding *x = &f[g->idx[k]];
			if (strcmp(x->id, act.ids[u]) == 0 && (!seen || x->severity > s))
				s = x->severity, seen = 1;
		}
		act.by_severity[s]++;
	}
	if (!(act.locations = uniq(a, locs, g->n, &act.location_count)))
		goto done;
	act.path = act.location_count ? first->path : "";
	if (first->kind == AWP_FINDING_VULN && first->vuln) {
		const awp_vuln_finding *v = first->vuln;
		act.pkg_type = v->pkg_type;
		act.package = upgrade_unit(v);
		act.directory = is_os_type(v->pkg_type) ? "" : project_dir(a, v);
		if (!act.directory)
			goto done;
		size_t nbins = 0;
		for (size_t k = 0; k < g->n; k++)
			nbins += bins[k] != NULL;
		if (!(ub = uniq(a, bins, nbins, &nb)))
			goto done;
		if (g->kind == AWP_ACTION_UPGRADE) {
			act.version = ver ? ver : "";
			if (strcmp(v->pkg_type, "go") == 0 && (strcmp(v->pkg_name, "stdlib") == 0 || strcmp(v->pkg_name, "toolchain") == 0))
				act.title = awp_arena_printf(a, "upgrade the Go toolchain to %s and rebuild %s", act.version, v->pkg_path);
			else
				act.title = awp_arena_printf(a, "upgrade %s to %s", act.package, act.version);
			upgrade_command(&sb, v->pkg_type, v->pkg_name, act.version, act.directory, ub, nb, os);
		} else {
			act.title = awp_arena_printf(a, "no fix yet for %s %s: limit exposure, watch for an update", act.package,
						     v->installed_version);
		}
	} else if (g->kind == AWP_ACTION_ROTATE) {
		act.title = awp_arena_printf(a, "rotate the %s (%s), then remove it from %s%s", first->title[0] ? first->title : "secret",
						       first->id, first->path, act.location_count > 1 ? " and the other copies" : "");
	} else {
		act.title = awp_arena_printf(a, "remove or inspect %s (%s)", first->path, first->title[0] ? first->title : first->id);
	}
	if (g->kind == AWP_ACTION_ROTATE || g->kind == AWP_ACTION_REMOVE)
		act.fixes = g->n;
	/* The plan owns its strings: it may outlive the findings. */
	if (!act.title || !(act.command = awp_arena_strdup(a, awp_strbuf_cstr(&sb))) ||
	    !(act.package = awp_arena_strdup(a, act.package)) || !(act.pkg_type = awp_arena_strdup(a, act.pkg_type)) ||
	    !(act.version = awp_arena_strdup(a, act.version)) || !(act.path = awp_arena_strdup(a, act.path)))
		goto done;
	for (size_t u = 0; u < act.id_count; u++)
		if (!(((const char **)act.ids)[u] = awp_arena_strdup(a, act.ids[u])))
			goto done;
	for (size_t u = 0; u < act.location_count; u++)
		if (!(((const char **)act.locations)[u] = awp_arena_strdup(a, act.locations[u])))
			goto done;
	if (AWP_GROW(p->a, p->cap, p->n + 1) < 0)
		goto done;
	p->a[p->n++] = act;
	err = 0;
done:
	awp_strbuf_free(&sb);
	free(ids);
	free(locs);
	free(bins);
	return err;
}

AWP_EXTERN int awp_remediation_plan(awp_remediation **out, const awp_finding *f, size_t n, const awp_os_info *os)
{
	awp_remediation *p = awp_calloc(1, sizeof(*p));
	if (!p)
		return AWP_ENOMEM;
	struct group *gs = NULL;
	size_t ng = 0, gcap = 0;
	awp_strmap map = {0};
	awp_arena keys = AWP_ARENA_INIT;
	int err = AWP_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const awp_finding *x = &f[i];
		if (x->ignored)
			continue;
		struct group *g = NULL;
		if (x->kind == AWP_FINDING_VULN && x->vuln) {
			const awp_vuln_finding *v = x->vuln;
			const char *dir = is_os_type(v->pkg_type) ? "" : project_dir(&keys, v);
			if (!dir)
				goto done;
			char *key = awp_arena_printf(&keys, "%s|%s|%s|%s", v->pkg_type, upgrade_unit(v), dir,
						     v->fixed_version ? "" : v->pkg_version);
			if (!key)
				goto done;
			g = group_get(&gs, &ng, &gcap, &map, &keys, v->fixed_version ? AWP_ACTION_UPGRADE : AWP_ACTION_NO_FIX, key);
		} else if (x->kind == AWP_FINDING_SECRET) {
			char *key = x->fingerprint[0] ? awp_arena_strdup(&keys, x->fingerprint)
						      : awp_arena_printf(&keys, "%s|%s|%s", x->id, x->evidence, x->path);
			if (!key)
				goto done;
			g = group_get(&gs, &ng, &gcap, &map, &keys, AWP_ACTION_ROTATE, key);
		} else if (x->kind == AWP_FINDING_THREAT) {
			char *key = awp_arena_printf(&keys, "%s|%s", x->volume, x->path);
			if (!key)
				goto done;
			g = group_get(&gs, &ng, &gcap, &map, &keys, AWP_ACTION_REMOVE, key);
		} else {
			continue;
		}
		if (!g || group_add(g, i) < 0)
			goto done;
	}
	for (size_t i = 0; i < ng; i++)
		if ((err = build(p, &gs[i], f, os)) < 0)
			goto done;
	if (p->n > 1)
		qsort(p->a, p->n, sizeof(*p->a), cmp_action);
	err = 0;
	*out = p;
	p = NULL;
done:
	for (size_t i = 0; i < ng; i++)
		free(gs[i].idx);
	free(gs);
	awp_strmap_free(&map);
	awp_arena_free(&keys);
	awp_remediation_free(p);
	return err;
}

AWP_EXTERN void awp_remediation_free(awp_remediation *p)
{
	if (!p)
		return;
	free(p->a);
	awp_arena_free(&p->arena);
	free(p);
}

AWP_EXTERN size_t awp_remediation_count(const awp_remediation *p) { return p ? p->n : 0; }
AWP_EXTERN const awp_action *awp_remediation_get(const awp_remediation *p, size_t i)
{
	return p && i < p->n ? &p->a[i] : NULL;
}
