/*
 * threats/malpkg.c - packages known to be malicious: OSV advisories whose
 * id starts with "MAL-" (the OpenSSF malicious-packages feed), matched
 * against the inventory like vulnerabilities and reported as threats.
 *
 * Matching (OSV schema 1.6): the package is affected when its version is
 * listed in affected[].versions, or falls in an ECOSYSTEM/SEMVER range
 * (introduced <= v < fixed, or <= last_affected); an affected entry with
 * neither versions nor ranges means every version (the feed's usual form
 * for a package that was malicious from its first upload). Versions that
 * the ecosystem's ordering rejects are not matched by ranges (only by the
 * exact list). The vulnerability matcher proper lives in vuln/; this is a
 * small, separate lookup for the MAL- subset only.
 */
#include "threats/threats_int.h"

#include "util/error.h"

#include <awp/version.h>
#include <awp/vulndb.h>

#include <cjson/cJSON.h>

#include <stdio.h>
#include <string.h>

static const char *osv_ecosystem(const char *type)
{
	static const struct {
		const char *type, *eco;
	} map[] = {{"npm", "npm"},     {"python", "PyPI"},     {"gem", "RubyGems"}, {"cargo", "crates.io"},
		   {"go", "Go"},       {"maven", "Maven"},     {"nuget", "NuGet"},  {"composer", "Packagist"},
		   {"conda", "PyPI"}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(type, map[i].type))
			return map[i].eco;
	return NULL;
}

static int cmp(const char *eco, const char *a, const char *b, int *out)
{
	return awp_version_compare(out, eco, a, b) < 0 ? -1 : 0;
}

static int in_range(const cJSON *range, const char *eco, const char *v)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(range, "type");
	if (!cJSON_IsString(type) || (strcmp(type->valuestring, "ECOSYSTEM") && strcmp(type->valuestring, "SEMVER")))
		return 0;
	const cJSON *events = cJSON_GetObjectItemCaseSensitive(range, "events"), *ev;
	int affected = 0;
	/* Events in order: introduced opens, fixed/last_affected close. */
	cJSON_ArrayForEach(ev, events)
	{
		const cJSON *x;
		int c;
		if ((x = cJSON_GetObjectItemCaseSensitive(ev, "introduced")) && cJSON_IsString(x)) {
			if (!strcmp(x->valuestring, "0") || (cmp(eco, v, x->valuestring, &c) == 0 && c >= 0))
				affected = 1;
		} else if ((x = cJSON_GetObjectItemCaseSensitive(ev, "fixed")) && cJSON_IsString(x)) {
			if (affected && cmp(eco, v, x->valuestring, &c) == 0 && c >= 0)
				affected = 0;
		} else if ((x = cJSON_GetObjectItemCaseSensitive(ev, "last_affected")) && cJSON_IsString(x)) {
			if (affected && cmp(eco, v, x->valuestring, &c) == 0 && c > 0)
				affected = 0;
		}
	}
	return affected;
}

static int affected(const char *json, const char *eco, const char *version)
{
	cJSON *a = cJSON_Parse(json);
	if (!a)
		return 0;
	const cJSON *versions = cJSON_GetObjectItemCaseSensitive(a, "versions");
	const cJSON *ranges = cJSON_GetObjectItemCaseSensitive(a, "ranges");
	int hit = 0, any = 0;
	const cJSON *x;
	cJSON_ArrayForEach(x, versions)
	{
		any = 1;
		if (cJSON_IsString(x) && !strcmp(x->valuestring, version))
			hit = 1;
	}
	cJSON_ArrayForEach(x, ranges)
	{
		any = 1;
		if (!hit && in_range(x, eco, version))
			hit = 1;
	}
	cJSON_Delete(a);
	return hit || !any;
}

typedef struct mal_ctx {
	awp_threat_report *r;
	const awp_package *p;
	const char *eco;
	int err;
} mal_ctx;

static int entry_cb(const awp_vulndb_entry *e, void *payload)
{
	mal_ctx *m = payload;
	if (strncmp(e->id, "MAL-", 4) != 0 || !affected(e->affected_json, m->eco, m->p->version))
		return 0;
	char pkg[512], desc[700], ev[600];
	snprintf(pkg, sizeof pkg, "%s %s", m->p->name, m->p->version);
	snprintf(desc, sizeof desc, "malicious package (%s): %s", e->ecosystem, e->summary[0] ? e->summary : e->id);
	snprintf(ev, sizeof ev, "%s %s@%s%s%s", e->ecosystem, m->p->name, m->p->version, m->p->entry[0] ? " in " : "",
		 m->p->entry);
	m->err = awp_report_add(m->r, AWP_THREAT_MALICIOUS_PACKAGE, AWP_SEV_CRITICAL, e->id, "osv", m->p->path, 0, ev,
				desc,
				"Remove the package, treat every secret reachable from this host or build as stolen "
				"(rotate them), and check how the package got in (typo-squatting, dependency confusion).",
				pkg);
	return m->err < 0 ? 1 : 0;
}

int awp_threats_malpkg(awp_threat_report *r, const awp_inventory *inv, const char *db_path)
{
	awp_vulndb *db = NULL;
	int err = awp_vulndb_open(&db, db_path);
	if (err < 0)
		return awp_report_warn(r, "malicious packages not checked: %s", awp_error_last());
	size_t n = awp_inventory_count(inv);
	for (size_t i = 0; i < n && err >= 0; i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		const char *eco = osv_ecosystem(p->type);
		if (!eco)
			continue;
		r->stats.packages_checked++;
		mal_ctx m = {r, p, eco, 0};
		if (awp_vulndb_lookup(db, eco, p->name, entry_cb, &m) < 0)
			err = awp_report_warn(r, "%s %s: advisory lookup failed: %s", eco, p->name, awp_error_last());
		if (m.err < 0)
			err = m.err;
	}
	awp_vulndb_close(db);
	return err;
}
