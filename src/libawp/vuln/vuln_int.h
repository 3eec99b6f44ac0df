/*
 * vuln/vuln_int.h - private to the matcher: limits, severity normalisation
 * and the ecosystem chosen for each package.
 */
#ifndef AWP_VULN_INT_H
#define AWP_VULN_INT_H

#include <awp/cvss.h>
#include <awp/version.h>
#include <awp/vuln.h>

/* Caps on advisory data (it comes from a feed or a user's files). */
#define AWP_MAX_OSV_RANGES 256         /* ranges in one affected entry; real ones have 1-3 */
#define AWP_MAX_OSV_EVENTS 4096        /* events in one range; real ones have < 100 */
#define AWP_MAX_OSV_VERSIONS 200000    /* explicit versions[] of one entry; GHSA lists reach ~10k */
#define AWP_MAX_FINDING_REFS 64        /* references kept per finding: the rest are noise */
#define AWP_MAX_FINDING_IDS 1024       /* ids+aliases kept per finding */

/* A normalised severity with where it came from. */
struct vuln_sev {
	awp_severity level;
	double score;                       /* -1: none */
	const char *source;                 /* static string, "" when unknown */
	char vector[AWP_CVSS_MAX_VECTOR + 1];
};

/*
 * Severity of one advisory entry, in order of preference: CVSS vectors (the
 * affected entry's own, else the record's; highest version that parses;
 * score computed), a numeric CVSS score (database_specific), a word from
 * the source (GHSA database_specific.severity, Ubuntu priority, Debian
 * urgency), a distro summary prefix (AlmaLinux/Rocky "Important: ...").
 * Any JSON may be NULL or invalid: that source is skipped.
 */
void vuln_severity(struct vuln_sev *out, const char *ecosystem, const char *summary, const char *severity_json,
		   const char *affected_json, const char *db_specific_json);

/* Level of a CVSS score (v2's scale has no critical). */
awp_severity vuln_level_of_score(double score, int v2_scale);

/*
 * The OSV ecosystems to look a package of `type` up in, for OS packages
 * (dpkg, rpm, apk) from the OS, for language packages from the type.
 * Writes up to 2 names into eco[]; returns how many (0: not matched, *why
 * says why, e.g. "OS rhel: OSV has no Red Hat data awp can match").
 */
int vuln_ecosystems(const awp_os_info *os, const char *type, char eco[2][80], const char **why);

/* 1 for package types read from an OS package database. */
int vuln_is_os_type(const char *type);

#endif
