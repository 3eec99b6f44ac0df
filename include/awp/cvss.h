/*
 * awp/cvss.h - scores from CVSS vector strings (FIRST CVSS v2, v3.0, v3.1
 * and v4.0).
 *
 * Advisories often carry only a vector ("CVSS:3.1/AV:N/AC:L/..."); the score
 * is computed here exactly as each version's specification defines it:
 * v2 and v3.x give the base score (temporal and environmental metrics are
 * validated but do not change it); v4.0 has a single score formula over
 * every metric present (base, threat, environmental), as FIRST's reference
 * calculator computes it.
 *
 * Parsing is strict: an unknown metric, a repeated metric, a value the
 * version does not define or a missing mandatory metric is AWP_ECORRUPT.
 * No allocation, no state: safe from any thread.
 */
#ifndef AWP_CVSS_H
#define AWP_CVSS_H

#include <awp/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A CVSS version. */
typedef enum awp_cvss_version {
	AWP_CVSS_NONE = 0,
	AWP_CVSS_V2 = 20,
	AWP_CVSS_V30 = 30,
	AWP_CVSS_V31 = 31,
	AWP_CVSS_V40 = 40,
} awp_cvss_version;

/** Longest vector accepted (a v4.0 vector with every metric is ~190 bytes). */
#define AWP_CVSS_MAX_VECTOR 512

/**
 * Score a vector string.
 *
 * v3.x and v4.0 vectors start with "CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/";
 * a v2 vector has no prefix ("AV:N/AC:L/Au:N/C:P/I:P/A:P"); "CVSS:2.0/" is
 * accepted in front of one as some feeds write it.
 *
 * @param out     receives the score, 0.0 .. 10.0 with one decimal
 * @param version receives the version (may be NULL)
 * @param vector  NUL-terminated vector string
 * @return 0; AWP_ECORRUPT for an invalid vector (the message says why);
 *         AWP_EINVAL for NULL arguments
 */
AWP_EXTERN int awp_cvss_score(double *out, awp_cvss_version *version, const char *vector);

/** "2.0", "3.0", "3.1", "4.0", or "none". */
AWP_EXTERN const char *awp_cvss_version_name(awp_cvss_version v);

/**
 * The qualitative rating of a score for a version: "none", "low", "medium",
 * "high" or "critical" (v2 has no "critical": 7.0 .. 10.0 is "high", and no
 * "none": 0.0 .. 3.9 is "low").
 */
AWP_EXTERN const char *awp_cvss_rating(awp_cvss_version v, double score);

#ifdef __cplusplus
}
#endif
#endif
