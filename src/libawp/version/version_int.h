/*
 * version/version_int.h - private to the version/ sources: one compare function per
 * ordering, plus the small string helpers they share.
 *
 * Every compare function gets NUL-terminated strings with their lengths
 * (already checked against AWP_VERSION_MAX_LEN), validates both sides first
 * (so a valid/invalid verdict never depends on the other operand), and
 * writes -1/0/1 to *out. Helpers are locale-free: versions are ASCII by
 * definition and the reference tools classify bytes with C-locale rules.
 */
#ifndef AWP_VERSION_INT_H
#define AWP_VERSION_INT_H

#include <awp/version.h>

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Maven versions up to this many items are parsed on the stack; longer ones
 * take one heap array (a version has at most 2 items per byte). */
#define AWP_MAX_MAVEN_STACK_ITEMS 64

/* node-semver's MAX_LENGTH: a longer version string is invalid there. */
#define AWP_MAX_SEMVER_NODE_LEN 256
/* Matcher steps for one npm range or version (real ranges take a few
 * thousand; node-semver's expressions are quadratic on some inputs). */
#define AWP_MAX_SEMVER_RANGE_STEPS 20000000ul
/* Bytes of rewritten text held while parsing one npm range (a 1 KiB range
 * grows to a few KiB at most). */
#define AWP_MAX_SEMVER_RANGE_MEM (1u << 20)

typedef int (*ver_cmp_fn)(int *out, const char *a, size_t alen, const char *b, size_t blen,
			  unsigned flags);

int ver_dpkg_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags);
int ver_rpm_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags);
int ver_apk_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags);
int ver_pep440_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags);
int ver_semver_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags);
int ver_go_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags);
int ver_maven_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags);
int ver_gem_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags);
int ver_nuget_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags);
int ver_composer_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags);

/* A parsed SemVer version: pointers into the string it came from. Ordered
 * by ver_sv_cmp() (semver.c): MAJOR.MINOR.PATCH by value, then no prerelease
 * above a prerelease, then prerelease identifiers (numeric by value, below
 * alphanumeric ones, which compare byte-wise). Build metadata is not kept. */
struct ver_sv {
	const char *num[3];
	size_t numlen[3];
	const char *pre; /* identifiers without the leading '-', NULL if none */
	size_t prelen;
};

int ver_sv_cmp(const struct ver_sv *x, const struct ver_sv *y);

/* Record an invalid version: "<scheme> version '<v>': <why>" (v shown up to 200 bytes). */
int ver_invalid(const char *scheme, const char *v, size_t len, const char *why);

static inline bool ver_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool ver_islower(int c) { return c >= 'a' && c <= 'z'; }
static inline bool ver_isupper(int c) { return c >= 'A' && c <= 'Z'; }
static inline bool ver_isalpha(int c) { return ver_islower(c) || ver_isupper(c); }
static inline bool ver_isalnum(int c) { return ver_isalpha(c) || ver_isdigit(c); }
static inline int ver_tolower(int c) { return ver_isupper(c) ? c + ('a' - 'A') : c; }
static inline int ver_sign(long long v) { return (v > 0) - (v < 0); }

/* Compare two runs of decimal digits by value, any length (leading zeros ignored). */
static inline int ver_numcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	while (alen > 0 && *a == '0') {
		a++;
		alen--;
	}
	while (blen > 0 && *b == '0') {
		b++;
		blen--;
	}
	if (alen != blen)
		return alen < blen ? -1 : 1;
	if (alen == 0)
		return 0;
	int r = memcmp(a, b, alen);
	return (r > 0) - (r < 0);
}

/* Byte-wise compare of two runs, shorter prefix first (strcmp order). */
static inline int ver_bytecmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int r = n ? memcmp(a, b, n) : 0;
	if (r)
		return r < 0 ? -1 : 1;
	return (alen > blen) - (alen < blen);
}

/* Case-insensitive equality of a run with a lowercase literal. */
static inline bool ver_ieq(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);
	if (len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (ver_tolower((unsigned char)s[i]) != lit[i])
			return false;
	return true;
}

/* Length of the run of digits at s[0..len). */
static inline size_t ver_span_digits(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && ver_isdigit((unsigned char)s[i]))
		i++;
	return i;
}

#endif
