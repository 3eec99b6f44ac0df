/*
 * npm ranges (node-semver satisfies) against the reference vectors
 * $AWP_SHARED_DIR/testdata/versions/semver-range*.tsv (see that folder's
 * README.md), plus hand-written cases for what the vectors do not pin down:
 * odd spellings node-semver still accepts, invalid ranges (false from
 * satisfies, AWP_ECORRUPT from the parser), the rewriting corner cases and
 * the limits. The vector part is skipped without the vectors; the
 * hand-written part always runs.
 */
#include "harness.h"

#include <awp/version.h>

#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>

static char dir[4096];

/* $AWP_SHARED_DIR/testdata/versions, else /work/shared/testdata/versions. */
static const char *vectors_dir(void)
{
	const char *cands[2] = {test_env("AWP_SHARED_DIR"), "/work/shared"};
	struct stat st;
	for (int i = 0; i < 2; i++) {
		if (!cands[i])
			continue;
		snprintf(dir, sizeof dir, "%s/testdata/versions", cands[i]);
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return dir;
	}
	return NULL;
}

static int split(char *line, char **f, int max)
{
	int n = 0;
	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == '\t') {
			*p = 0;
			f[n++] = p + 1;
		}
	return n;
}

static unsigned parse_opts(const char *s)
{
	unsigned flags = 0;
	if (strstr(s, "loose"))
		flags |= AWP_SEMVER_LOOSE;
	if (strstr(s, "includePrerelease"))
		flags |= AWP_SEMVER_INCLUDE_PRERELEASE;
	return flags;
}

static void run_file(const char *name, bool with_options)
{
	char path[4400], line[8192];
	int rows = 0, ok = 0;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	CHECK_MSG(f != NULL, path);
	if (!f)
		return;
	bool header = true;
	while (fgets(line, sizeof line, f)) {
		size_t n = strlen(line);
		if (n && line[n - 1] == '\n')
			line[--n] = 0;
		if (line[0] == '#' || n == 0)
			continue;
		if (header) {
			header = false;
			continue;
		}
		char *fld[5];
		int nf = split(line, fld, 5);
		if (nf < (with_options ? 4 : 3)) {
			CHECK_MSG(0, "malformed row");
			continue;
		}
		unsigned flags = with_options ? parse_opts(fld[3]) : 0;
		int want = (int)strtol(fld[2], NULL, 10), got = 9;
		int err = awp_semver_satisfies(&got, fld[0], fld[1], flags);
		rows++;
		if (err == 0 && got == want) {
			ok++;
			CHECK(1);
		} else {
			char msg[1024];
			snprintf(msg, sizeof msg, "%s: satisfies(%s, '%s', 0x%x): want %d, got %d (err %d %s)", name,
				 fld[1], fld[0], flags, want, got, err, err ? awp_error_last() : "");
			CHECK_MSG(0, msg);
		}
	}
	fclose(f);
	printf("%-28s %4d rows, %4d agree, %d differ\n", name, rows, ok, rows - ok);
	CHECK_MSG(rows > 0, name);
}

#define L AWP_SEMVER_LOOSE
#define P AWP_SEMVER_INCLUDE_PRERELEASE

static void sat(const char *range, const char *version, unsigned flags, int want, int line)
{
	int got = 9;
	int err = awp_semver_satisfies(&got, range, version, flags);
	char msg[512];
	snprintf(msg, sizeof msg, "line %d: satisfies(%s, '%s', 0x%x): want %d, got %d (err %d)", line, version,
		 range, flags, want, got, err);
	CHECK_MSG(err == 0 && got == want, msg);
}
#define SAT(r, v, f, w) sat(r, v, f, w, __LINE__)

static void valid(const char *range, unsigned flags, bool want, int line)
{
	awp_semver_range *r = NULL;
	int err = awp_semver_range_parse(&r, range, flags);
	char msg[512];
	snprintf(msg, sizeof msg, "line %d: parse('%s', 0x%x): want %s, got %d %s", line, range, flags,
		 want ? "valid" : "AWP_ECORRUPT", err, err ? awp_error_last() : "");
	CHECK_MSG(want ? err == 0 && r : err == AWP_ECORRUPT && !r, msg);
	awp_semver_range_free(r);
}
#define VALID(r, f) valid(r, f, true, __LINE__)
#define INVALID(r, f) valid(r, f, false, __LINE__)

static void hand_written(void)
{
	/* the grammar */
	SAT("1.2.3 - 2.3.4", "2.3.4", 0, 1);
	SAT("1.2.3 - 2.3.4", "2.3.5", 0, 0);
	SAT("1.2 - 2.3", "2.3.9", 0, 1); /* partial upper bound: <2.4.0-0 */
	SAT("1.2 - 2.3", "2.4.0", 0, 0);
	SAT("1.2 - 2.3", "1.2.0", 0, 1);
	SAT("* - 2", "0.0.1", 0, 1);
	SAT("1.x", "1.99.0", 0, 1);
	SAT("1.2.*", "1.3.0", 0, 0);
	SAT("", "0.0.0", 0, 1);
	SAT("*", "1.0.0-beta", 0, 0);          /* any, but not a prerelease */
	SAT("*", "1.0.0-beta", P, 1);
	SAT("~1.2.3", "1.2.9", 0, 1);
	SAT("~1.2.3", "1.3.0", 0, 0);
	SAT("~1", "1.9.9", 0, 1);
	SAT("~>1.2", "1.2.7", 0, 1);
	SAT("~> 1.2", "1.3.0", 0, 0);
	SAT("~ 1.2", "1.2.0", 0, 1);
	SAT("^1.2.3", "1.9.0", 0, 1);
	SAT("^0.2.3", "0.3.0", 0, 0);
	SAT("^0.0.3", "0.0.4", 0, 0);
	SAT("^0.0", "0.0.9", 0, 1);
	SAT("^0.0", "0.1.0", 0, 0);
	SAT("^0", "0.9.0", 0, 1);
	SAT("^1.2.3-beta.2", "1.2.3-beta.4", 0, 1);
	SAT("^1.2.3-beta.2", "1.2.4-beta.4", 0, 0); /* prerelease on another tuple */
	SAT("^1.2.3-beta.2", "1.2.4-beta.4", P, 1);
	SAT(">= 1.2.3 < 2", "1.9.9", 0, 1);
	SAT("<=1.2", "1.2.9", 0, 1);             /* <1.3.0-0 */
	SAT(">1.2", "1.3.0", 0, 1);              /* >=1.3.0 */
	SAT(">1", "1.9.9", 0, 0);
	SAT("=v1.2.3", "1.2.3", 0, 1);
	SAT("v1.2.3", "v1.2.3", 0, 1);
	SAT("1.2.3", "=1.2.3", 0, 0);            /* '=' prefix on a version: loose only */
	SAT("1.2.3", "=1.2.3", L, 1);
	SAT("1.2.3", " 1.2.3\t", 0, 1);          /* the version is trimmed */
	SAT("1.2.3", "1.2.3+build.5", 0, 1);
	SAT("1.2.3+build", "1.2.3", 0, 1);
	SAT("1.2.3 || 2.x", "2.5.0", 0, 1);
	SAT("1.2.3||2.x", "2.5.0", 0, 1);
	SAT("* || 1.2.3-beta", "1.2.3-beta", 0, 0); /* a lone "*" set replaces the others */
	SAT("1.2.3-beta || *", "1.2.3-beta", 0, 0);
	SAT("<0.0.0-0 || 1.2.3", "1.2.3", 0, 1);
	SAT(">=0.0.0", "0.0.0-0", P, 0); /* only ">=0.0.0-0" becomes "any" here */
	SAT("*", "0.0.0-0", P, 1);
	SAT("1.2.3\xc2\xa0-\xe3\x80\x80" "2.0.0", "1.5.0", 0, 1); /* U+00A0 / U+3000 are white space */
	SAT("1.2.3", "\xef\xbb\xbf" "1.2.3", 0, 1);
	/* loose: 1.2.34.5 is 1.2.3-4.5 (the patch gives back a digit) */
	SAT("1.2.3-4.5", "1.2.34.5", L, 1);
	SAT(">=1.2.3beta", "1.2.3-beta.1", L, 1);
	SAT("1.2.3", "01.2.3", L, 1);
	SAT("1.2.3", "01.2.3", 0, 0);
	/* invalid versions satisfy nothing */
	SAT("*", "", 0, 0);
	SAT("*", "not a version", 0, 0);
	SAT("*", "1.2", 0, 0);
	SAT("*", "9007199254740992.0.0", 0, 0);
	SAT(">=9007199254740991.0.0", "9007199254740991.0.0", 0, 1);
	/* invalid ranges: satisfies false, parse AWP_ECORRUPT */
	SAT("blerg", "1.0.0", 0, 0);
	SAT(">=1.0.0 blerg", "1.0.0", 0, 0);
	SAT(">=1.0.0 blerg", "1.0.0", L, 1); /* loose drops what is not a comparator */
	SAT("1.2.3 - ", "1.2.3", 0, 0);
	INVALID("blerg", 0);
	INVALID("blerg", L);
	INVALID("git+https://user:password0123@github.com/foo", L);
	INVALID(">01.2.3", 0);
	VALID(">01.2.3", L);
	INVALID("x.1", 0);        /* invalidXRangeOrder */
	INVALID("1.x.2", 0);
	INVALID("~9007199254740991", 0); /* upper bound 9007199254740992.0.0-0 is past 2^53-1 */
	VALID("", 0);
	VALID("||", 0);
	VALID(">=1.2.3 <2", 0);
	VALID("1.2.3 - 2.3.4 || ^3", 0);
	VALID("~> 1", 0);
	/* from 1e21 the bound prints as 1e+21: not a comparator, so loose drops it */
	SAT("1.2.3 >999999999999999999999", "1.2.3", L, 1);
	INVALID(">99999999999999999999", L); /* 1e20 still prints as digits: past 2^53, rejected */
	/* arguments and limits */
	int out = 7;
	CHECK_EQ_INT(awp_semver_satisfies(&out, NULL, "1.0.0", 0), AWP_EINVAL);
	CHECK_EQ_INT(awp_semver_satisfies(&out, "*", NULL, 0), AWP_EINVAL);
	CHECK_EQ_INT(awp_semver_satisfies(&out, "*", "1.0.0", 0x80), AWP_EINVAL);
	CHECK_EQ_INT(out, 0);
	char *big = malloc(AWP_SEMVER_RANGE_MAX_LEN + 2);
	if (big) {
		memset(big, ' ', AWP_SEMVER_RANGE_MAX_LEN + 1);
		big[AWP_SEMVER_RANGE_MAX_LEN + 1] = 0;
		CHECK_EQ_INT(awp_semver_satisfies(&out, big, "1.0.0", 0), AWP_ELIMIT);
		/* a maximal range of 'v' (the quadratic case of node-semver's trim) still answers */
		memset(big, 'v', AWP_SEMVER_RANGE_MAX_LEN);
		big[AWP_SEMVER_RANGE_MAX_LEN] = 0;
		CHECK_EQ_INT(awp_semver_satisfies(&out, big, "1.0.0", L), 0);
		/* long prerelease chain */
		memcpy(big, "1.2.3-", 6);
		for (size_t i = 6; i + 1 < AWP_SEMVER_RANGE_MAX_LEN; i += 2)
			memcpy(big + i, "a.", 2);
		big[AWP_SEMVER_RANGE_MAX_LEN - 1] = 'a';
		int e = awp_semver_satisfies(&out, big, "1.2.3", 0);
		CHECK(e == 0 || e == AWP_ELIMIT);
		free(big);
	}
	/* parse once, test many */
	awp_semver_range *r;
	CHECK_OK(awp_semver_range_parse(&r, "^1.2.3 || ~2.0", 0));
	const char *vs[] = {"1.2.2", "1.2.3", "1.99.99", "2.0.0", "2.0.9", "2.1.0", "3.0.0"};
	int want[] = {0, 1, 1, 1, 1, 0, 0};
	for (int i = 0; i < 7; i++) {
		CHECK_OK(awp_semver_range_test(&out, r, vs[i]));
		CHECK_EQ_INT(out, want[i]);
	}
	awp_semver_range_free(r);
	awp_semver_range_free(NULL);
}

void test_main(void)
{
	hand_written();
	if (!vectors_dir() && test_failed == 0)
		test_skip("version vectors not found ($AWP_SHARED_DIR/testdata/versions or "
			  "/work/shared/testdata/versions); hand-written cases passed");
	if (!vectors_dir())
		return;
	printf("vectors: %s\n", dir);
	run_file("semver-range.tsv", false);
	run_file("semver-range-options.tsv", true);
}
