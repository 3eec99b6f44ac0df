/*
 * Fuzz target for npm ranges (awp_semver_range_parse / _test /
 * awp_semver_satisfies). Input: byte 0 holds the flags (bit 0 loose, bit 1
 * includePrerelease); the rest is "RANGE\nVERSION" (VERSION "1.2.3" when
 * there is no newline). Besides crashes, hangs and leaks, checks that:
 * satisfies() only fails with AWP_ELIMIT (too long / too complex) or
 * AWP_ENOMEM; an invalid range (AWP_ECORRUPT from the parser) satisfies
 * nothing; a parsed range tests the version exactly as satisfies() does;
 * and answers are 0 or 1.
 */
#include <awp/version.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	unsigned flags = data[0] & (AWP_SEMVER_LOOSE | AWP_SEMVER_INCLUDE_PRERELEASE);
	char *buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = 0;
	char *range = buf, *version = strchr(buf, '\n');
	if (version)
		*version++ = 0;
	else
		version = "1.2.3";
	int sat = 9, t = 9;
	int e1 = awp_semver_satisfies(&sat, range, version, flags);
	if (e1 != 0 && e1 != AWP_ELIMIT && e1 != AWP_ENOMEM)
		abort();
	if (e1 == 0 && sat != 0 && sat != 1)
		abort();
	awp_semver_range *r = NULL;
	int e2 = awp_semver_range_parse(&r, range, flags);
	if (e2 == AWP_ECORRUPT && (r || e1 != 0 || sat != 0))
		abort();
	if (e2 == 0) {
		if (!r || awp_semver_range_test(&t, r, version) < 0)
			abort();
		if (e1 == 0 && t != sat)
			abort();
	}
	awp_semver_range_free(r);
	free(buf);
	return 0;
}
