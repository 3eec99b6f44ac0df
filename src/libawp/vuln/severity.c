/*
 * vuln/severity.c - one normalised severity level per advisory, with its
 * source kept, from whatever the advisory carries.
 *
 * What the real feeds carry (checked on the shared OSV data): CVSS_V3/V4
 * vectors in severity[] (PyPI, crates.io, npm NSWG, GHSA), crates.io also in
 * affected[].database_specific.cvss; RubyGems (rubysec) numeric
 * database_specific.cvss_v2/v3/v4; NSWG numeric database_specific.cvss_score;
 * GHSA database_specific.severity words (CRITICAL/HIGH/MODERATE/LOW);
 * AlmaLinux summaries prefixed "Important:"/"Critical:"/"Moderate:"/"Low:"
 * (Red Hat's impact words); Debian DSA/DLA lists and Alpine secdb carry no
 * severity; Go advisories carry none.
 */
#include "vuln/vuln_int.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

AWP_EXTERN const char *awp_severity_name(awp_severity s)
{
	static const char *const names[] = {"unknown", "low", "medium", "high", "critical"};
	return (unsigned)s < AWP_SEVERITY_COUNT ? names[s] : "unknown";
}

awp_severity vuln_level_of_score(double score, int v2_scale)
{
	if (score < 0)
		return AWP_SEVERITY_UNKNOWN;
	if (score >= 9.0 && !v2_scale)
		return AWP_SEVERITY_CRITICAL;
	if (score >= 7.0)
		return AWP_SEVERITY_HIGH;
	if (score >= 4.0)
		return AWP_SEVERITY_MEDIUM;
	/* 0.0 ("none" in v3/v4) is kept as low: the advisory still exists. */
	return AWP_SEVERITY_LOW;
}

static awp_severity word_level(const char *w)
{
	if (!w)
		return AWP_SEVERITY_UNKNOWN;
	if (strcasecmp(w, "critical") == 0)
		return AWP_SEVERITY_CRITICAL;
	if (strcasecmp(w, "high") == 0 || strcasecmp(w, "important") == 0)
		return AWP_SEVERITY_HIGH;
	if (strcasecmp(w, "medium") == 0 || strcasecmp(w, "moderate") == 0)
		return AWP_SEVERITY_MEDIUM;
	if (strcasecmp(w, "low") == 0 || strcasecmp(w, "negligible") == 0 || strcasecmp(w, "unimportant") == 0)
		return AWP_SEVERITY_LOW;
	return AWP_SEVERITY_UNKNOWN;
}

/* Best CVSS vector in an OSV severity[] array (highest version that parses). */
static void from_vectors(struct vuln_sev *out, const cJSON *arr, int *best_ver)
{
	const cJSON *s;
	cJSON_ArrayForEach(s, arr) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(s, "type");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, "score");
		if (!cJSON_IsString(t) || !cJSON_IsString(v) || strncmp(t->valuestring, "CVSS_V", 6) != 0)
			continue;
		double score;
		awp_cvss_version ver;
		if (awp_cvss_score(&score, &ver, v->valuestring) < 0 || (int)ver <= *best_ver)
			continue;
		*best_ver = (int)ver;
		out->score = score;
		out->level = vuln_level_of_score(score, ver == AWP_CVSS_V2);
		out->source = ver == AWP_CVSS_V40 ? "cvss_v4.0 vector" : ver == AWP_CVSS_V31 ? "cvss_v3.1 vector"
			      : ver == AWP_CVSS_V30 ? "cvss_v3.0 vector" : "cvss_v2 vector";
		snprintf(out->vector, sizeof out->vector, "%s", v->valuestring);
	}
}

/* A distro's word, from the summary prefix ("Important: kernel security update"). */
static awp_severity summary_prefix(const char *summary)
{
	static const char *const words[] = {"Critical:", "Important:", "Moderate:", "Low:"};
	if (!summary)
		return AWP_SEVERITY_UNKNOWN;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strncmp(summary, words[i], strlen(words[i])) == 0) {
			char w[16];
			snprintf(w, sizeof w, "%.*s", (int)strlen(words[i]) - 1, words[i]);
			return word_level(w);
		}
	return AWP_SEVERITY_UNKNOWN;
}

void vuln_severity(struct vuln_sev *out, const char *ecosystem, const char *summary, const char *severity_json,
		   const char *affected_json, const char *db_specific_json)
{
	out->level = AWP_SEVERITY_UNKNOWN;
	out->score = -1;
	out->source = "";
	out->vector[0] = '\0';
	cJSON *sev = severity_json ? cJSON_Parse(severity_json) : NULL;
	cJSON *aff = affected_json ? cJSON_Parse(affected_json) : NULL;
	cJSON *dbs = db_specific_json ? cJSON_Parse(db_specific_json) : NULL;
	int best = 0;

	/* 1. CVSS vectors: the affected entry's own severity takes precedence. */
	from_vectors(out, cJSON_GetObjectItemCaseSensitive(aff, "severity"), &best);
	if (!best)
		from_vectors(out, sev, &best);
	if (!best) {
		/* crates.io (RustSec): affected[].database_specific.cvss = vector or null */
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(aff, "database_specific"), "cvss");
		double score;
		awp_cvss_version ver;
		if (cJSON_IsString(c) && awp_cvss_score(&score, &ver, c->valuestring) == 0) {
			best = (int)ver;
			out->score = score;
			out->level = vuln_level_of_score(score, ver == AWP_CVSS_V2);
			out->source = "cvss vector (database_specific)";
			snprintf(out->vector, sizeof out->vector, "%s", c->valuestring);
		}
	}
	if (best)
		goto done;

	/* 2. Numeric scores: rubysec cvss_v4/v3/v2, NSWG cvss_score. */
	static const struct {
		const char *key, *source;
		int v2;
	} nums[] = {
		{"cvss_v4", "cvss_v4 score", 0}, {"cvss_v3", "cvss_v3 score", 0},
		{"cvss_score", "cvss score", 0}, {"cvss_v2", "cvss_v2 score", 1},
	};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(dbs, nums[i].key);
		if (cJSON_IsNumber(n) && n->valuedouble >= 0 && n->valuedouble <= 10) {
			out->score = n->valuedouble;
			out->level = vuln_level_of_score(n->valuedouble, nums[i].v2);
			out->source = nums[i].source;
			goto done;
		}
	}

	/* 3. Words from the source. */
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(dbs, "severity");
	if (cJSON_IsString(w) && word_level(w->valuestring) != AWP_SEVERITY_UNKNOWN) {
		out->level = word_level(w->valuestring);
		out->source = "ghsa";
		goto done;
	}
	const cJSON *s;
	cJSON_ArrayForEach(s, sev) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(s, "type");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, "score");
		if (cJSON_IsString(t) && cJSON_IsString(v) && strcmp(t->valuestring, "Ubuntu") == 0 &&
		    word_level(v->valuestring) != AWP_SEVERITY_UNKNOWN) {
			out->level = word_level(v->valuestring);
			out->source = "ubuntu priority";
			goto done;
		}
	}
	w = cJSON_GetObjectItemCaseSensitive(dbs, "urgency");
	if (cJSON_IsString(w) && word_level(w->valuestring) != AWP_SEVERITY_UNKNOWN) {
		out->level = word_level(w->valuestring);
		out->source = "debian urgency";
		goto done;
	}

	/* 4. Distro summary prefixes (Red Hat impact words). */
	awp_severity p = summary_prefix(summary);
	if (p != AWP_SEVERITY_UNKNOWN) {
		out->level = p;
		out->source = ecosystem && strncmp(ecosystem, "AlmaLinux", 9) == 0 ? "almalinux"
			      : ecosystem && strncmp(ecosystem, "Rocky", 5) == 0 ? "rocky" : "summary";
	}
done:
	cJSON_Delete(sev);
	cJSON_Delete(aff);
	cJSON_Delete(dbs);
}
