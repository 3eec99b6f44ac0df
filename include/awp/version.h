/*
 * awp/version.h - compare package versions with each ecosystem's own ordering.
 *
 * Vulnerability matching asks "is installed version V inside [introduced,
 * fixed)?" and the answer is only right if V is ordered exactly as the
 * ecosystem's tool orders it (dpkg, rpm, apk, pip, npm, go, Maven, RubyGems,
 * NuGet, Composer). Each ordering here follows its reference implementation,
 * including its quirks; the test vectors come from those tools.
 *
 * Comparison does not allocate (except Maven versions with more than 64
 * items) and keeps no state, so it is safe from any thread.
 *
 * Resolve the ecosystem once with awp_version_scheme_lookup() and call
 * awp_version_cmp() in loops; awp_version_compare() does both per call.
 */
#ifndef AWP_VERSION_H
#define AWP_VERSION_H

#include <awp/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A version ordering. */
typedef enum awp_version_scheme {
	AWP_VERSION_NONE = 0,  /**< not a scheme; what a failed lookup leaves */
	AWP_VERSION_DPKG,      /**< Debian, Ubuntu: dpkg --compare-versions */
	AWP_VERSION_RPM,       /**< Red Hat family, SUSE: rpmvercmp over [epoch:]version[-release] */
	AWP_VERSION_APK,       /**< Alpine, Wolfi: apk-tools */
	AWP_VERSION_PEP440,    /**< PyPI: PEP 440 as in pypa/packaging */
	AWP_VERSION_SEMVER,    /**< npm, crates.io, Hex, Pub: SemVer 2.0 as node-semver (loose parse) */
	AWP_VERSION_GO,        /**< Go modules: golang.org/x/mod/semver ("v" optional, as OSV omits it) */
	AWP_VERSION_MAVEN,     /**< Maven: ComparableVersion (maven-artifact 3.8) */
	AWP_VERSION_RUBYGEMS,  /**< RubyGems: Gem::Version */
	AWP_VERSION_NUGET,     /**< NuGet: NuGetVersion */
	AWP_VERSION_COMPOSER,  /**< Packagist: Composer's normalize + version_compare */
	AWP_VERSION_SCHEME_COUNT
} awp_version_scheme;

/**
 * Flag for awp_version_cmp(): instead of failing on an invalid version, order
 * it the way the reference comparator still does where it has such a rule:
 * apk compares token by token and falls back to a byte sort, Go's
 * semver.Compare puts invalid strings below every valid one (and equal to
 * each other). Other schemes still fail: their tools refuse invalid input.
 */
#define AWP_VERSION_LENIENT 0x1u

/** Longest version string accepted (AWP_ELIMIT beyond): real ones are < 200 bytes. */
#define AWP_VERSION_MAX_LEN 1024

/**
 * Resolve an ecosystem name to its ordering. Accepts OSV ecosystem names,
 * case-insensitively and with any ":suffix" ("Debian:12", "Ubuntu:22.04:LTS",
 * "Alpine:v3.19", "AlmaLinux:9", "Rocky Linux", "Red Hat", "npm",
 * "crates.io", "Go", "PyPI", "Maven", "RubyGems", "NuGet", "Packagist",
 * "Hex", "Pub", ...) and short names (dpkg, deb, rpm, apk, pep440, python,
 * semver, npm, cargo, go, maven, gem, nuget, composer, ...).
 *
 * @param out       receives the scheme (AWP_VERSION_NONE on failure)
 * @param ecosystem the name
 * @return 0, or AWP_EINVAL for an unknown or NULL name
 */
AWP_EXTERN int awp_version_scheme_lookup(awp_version_scheme *out, const char *ecosystem);

/** The short name of a scheme ("dpkg", "pep440", ...), "none" if out of range. */
AWP_EXTERN const char *awp_version_scheme_name(awp_version_scheme scheme);

/**
 * Compare two versions with one scheme's ordering.
 *
 * @param out    receives -1 (a < b), 0 (same position in the order) or 1 (a > b)
 * @param scheme the ordering
 * @param a, b   NUL-terminated version strings
 * @param flags  0 or AWP_VERSION_LENIENT
 * @return 0; AWP_EINVAL for a bad scheme or NULL argument; AWP_ECORRUPT when
 *         a version is one the ecosystem's tool rejects (the message names
 *         the string and says why); AWP_ELIMIT for a string longer than
 *         AWP_VERSION_MAX_LEN; AWP_ENOMEM.
 */
AWP_EXTERN int awp_version_cmp(int *out, awp_version_scheme scheme, const char *a, const char *b,
			       unsigned flags);

/**
 * Compare two versions with an ecosystem's ordering, resolving the name
 * first (see awp_version_scheme_lookup). Same results as awp_version_cmp()
 * with flags 0.
 */
AWP_EXTERN int awp_version_compare(int *out, const char *ecosystem, const char *a, const char *b);

/**
 * Check that a version is valid for a scheme.
 * @return 0 if valid, AWP_ECORRUPT (message says why), AWP_ELIMIT or AWP_EINVAL
 */
AWP_EXTERN int awp_version_check(awp_version_scheme scheme, const char *v);

/*
 * npm ranges: node-semver 7.x `satisfies(version, range, options)`.
 *
 * The whole range grammar as node-semver reads it: `||` alternatives,
 * hyphen ranges (`1.2 - 2.3.4`), X-ranges (`1.x`, `1.2.*`, `*`, and "" for
 * any version), tilde (`~1.2.3`, `~1.2`, `~1`, `~>1.2`), caret (`^1.2.3`,
 * `^0.2.3`, `^0.0.3`, with partial versions), the comparators < <= > >= =
 * (with blanks allowed after the operator), `v` prefixes, and the
 * prerelease rule: a version with a prerelease satisfies a comparator set
 * only when some comparator of the set has a prerelease on the same
 * MAJOR.MINOR.PATCH, unless AWP_SEMVER_INCLUDE_PRERELEASE.
 */

/** Flag for the npm range functions: node-semver's {loose: true}. */
#define AWP_SEMVER_LOOSE 0x1u
/** Flag for the npm range functions: node-semver's {includePrerelease: true}. */
#define AWP_SEMVER_INCLUDE_PRERELEASE 0x2u

/** Longest npm range accepted (AWP_ELIMIT beyond); real ones are < 200 bytes. */
#define AWP_SEMVER_RANGE_MAX_LEN 1024

/** A parsed npm range (opaque); free with awp_semver_range_free(). */
typedef struct awp_semver_range awp_semver_range;

/**
 * Parse an npm range (what `new semver.Range(range, options)` accepts).
 *
 * @param out   receives the range, owned by the caller (NULL on failure)
 * @param range NUL-terminated range string
 * @param flags 0 or AWP_SEMVER_LOOSE | AWP_SEMVER_INCLUDE_PRERELEASE
 * @return 0; AWP_ECORRUPT when node-semver rejects the range (the message
 *         names the range and the comparator at fault); AWP_ELIMIT for a range
 *         longer than AWP_SEMVER_RANGE_MAX_LEN or too complex to evaluate;
 *         AWP_EINVAL for NULL arguments or unknown flags; AWP_ENOMEM.
 */
AWP_EXTERN int awp_semver_range_parse(awp_semver_range **out, const char *range, unsigned flags);

/**
 * Does a version satisfy a parsed range (`range.test(version)`)? A version
 * node-semver does not parse (under the range's flags) satisfies nothing.
 *
 * @param out     receives 1 (satisfies) or 0
 * @return 0, or AWP_EINVAL for NULL arguments
 */
AWP_EXTERN int awp_semver_range_test(int *out, const awp_semver_range *range, const char *version);

/** Free a range from awp_semver_range_parse(); NULL is a no-op. */
AWP_EXTERN void awp_semver_range_free(awp_semver_range *range);

/**
 * node-semver `satisfies(version, range, {loose, includePrerelease})`:
 * parse the range and test one version. As in node-semver, an invalid
 * range or version is not an error: *out is 0 (use awp_semver_range_parse()
 * to tell an invalid range apart).
 *
 * @param out     receives 1 (satisfies) or 0
 * @param flags   0 or AWP_SEMVER_LOOSE | AWP_SEMVER_INCLUDE_PRERELEASE
 * @return 0; AWP_EINVAL (NULL argument, unknown flags), AWP_ELIMIT (range
 *         longer than AWP_SEMVER_RANGE_MAX_LEN or too complex), AWP_ENOMEM.
 */
AWP_EXTERN int awp_semver_satisfies(int *out, const char *range, const char *version, unsigned flags);

#ifdef __cplusplus
}
#endif
#endif
