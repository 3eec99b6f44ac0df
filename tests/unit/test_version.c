/*
 * Version orderings: hand-written edge cases (especially NuGet and Composer,
 * which have no shared vectors), ecosystem name lookup, and errors.
 *
 * Orders are written as chains "a < b = c < d"; every pair of the chain is
 * checked in both directions, so each chain also checks transitivity.
 */
#include "harness.h"

#include <awp/version.h>

#include <stdlib.h>

#define MAXV 32

static void chain(awp_version_scheme s, const char *text)
{
	char buf[1024], *tok[2 * MAXV], *save = NULL;
	int n = 0;
	snprintf(buf, sizeof buf, "%s", text);
	for (char *t = strtok_r(buf, " ", &save); t && n < 2 * MAXV; t = strtok_r(NULL, " ", &save))
		tok[n++] = t;
	/* tok: v0 op v1 op v2 ... ; rank[i] grows at every '<'. */
	const char *v[MAXV];
	int rank[MAXV], nv = 0, r = 0;
	for (int i = 0; i < n; i += 2) {
		if (i > 0 && tok[i - 1][0] == '<')
			r++;
		v[nv] = strcmp(tok[i], "''") == 0 ? "" : tok[i];
		rank[nv++] = r;
	}
	for (int i = 0; i < nv; i++)
		for (int j = 0; j < nv; j++) {
			int cmp = 9, want = (rank[i] > rank[j]) - (rank[i] < rank[j]);
			int err = awp_version_cmp(&cmp, s, v[i], v[j], 0);
			char msg[512];
			snprintf(msg, sizeof msg, "%s: '%s' vs '%s': want %d, got %d (err %d %s)",
				 awp_version_scheme_name(s), v[i], v[j], want, cmp, err, err ? awp_error_last() : "");
			CHECK_MSG(err == 0 && cmp == want, msg);
		}
}

static void invalid(awp_version_scheme s, const char *v)
{
	int cmp;
	char msg[512];
	int err = awp_version_cmp(&cmp, s, v, "1", 0);
	snprintf(msg, sizeof msg, "%s: '%s' should be invalid, got %d", awp_version_scheme_name(s), v, err);
	CHECK_MSG(err == AWP_ECORRUPT, msg);
	/* The message names the string. */
	CHECK_MSG(err != AWP_ECORRUPT || strstr(awp_error_last(), v) != NULL, awp_error_last());
	CHECK_EQ_INT(awp_version_check(s, v), AWP_ECORRUPT);
}

static void valid(awp_version_scheme s, const char *v)
{
	char msg[512];
	int err = awp_version_check(s, v);
	snprintf(msg, sizeof msg, "%s: '%s' should be valid: %s", awp_version_scheme_name(s), v, awp_error_last());
	CHECK_MSG(err == 0, msg);
}

static awp_version_scheme lookup(const char *name)
{
	awp_version_scheme s = AWP_VERSION_NONE;
	CHECK_OK(awp_version_scheme_lookup(&s, name));
	return s;
}

static void test_lookup(void)
{
	CHECK_EQ_INT(lookup("Debian"), AWP_VERSION_DPKG);
	CHECK_EQ_INT(lookup("Debian:12"), AWP_VERSION_DPKG);
	CHECK_EQ_INT(lookup("Ubuntu:22.04:LTS"), AWP_VERSION_DPKG);
	CHECK_EQ_INT(lookup("Alpine:v3.19"), AWP_VERSION_APK);
	CHECK_EQ_INT(lookup("AlmaLinux:9"), AWP_VERSION_RPM);
	CHECK_EQ_INT(lookup("Rocky Linux"), AWP_VERSION_RPM);
	CHECK_EQ_INT(lookup("Red Hat"), AWP_VERSION_RPM);
	CHECK_EQ_INT(lookup("npm"), AWP_VERSION_SEMVER);
	CHECK_EQ_INT(lookup("crates.io"), AWP_VERSION_SEMVER);
	CHECK_EQ_INT(lookup("Hex"), AWP_VERSION_SEMVER);
	CHECK_EQ_INT(lookup("Pub"), AWP_VERSION_SEMVER);
	CHECK_EQ_INT(lookup("Go"), AWP_VERSION_GO);
	CHECK_EQ_INT(lookup("PyPI"), AWP_VERSION_PEP440);
	CHECK_EQ_INT(lookup("pypi"), AWP_VERSION_PEP440);
	CHECK_EQ_INT(lookup("Maven"), AWP_VERSION_MAVEN);
	CHECK_EQ_INT(lookup("RubyGems"), AWP_VERSION_RUBYGEMS);
	CHECK_EQ_INT(lookup("NuGet"), AWP_VERSION_NUGET);
	CHECK_EQ_INT(lookup("Packagist"), AWP_VERSION_COMPOSER);
	const char *shorts[] = {"dpkg", "deb", "rpm", "apk", "pep440", "python", "semver", "npm",
				"cargo", "go", "maven", "gem", "nuget", "composer"};
	for (size_t i = 0; i < sizeof(shorts) / sizeof(shorts[0]); i++)
		CHECK(lookup(shorts[i]) != AWP_VERSION_NONE);
	awp_version_scheme s = AWP_VERSION_DPKG;
	CHECK_EQ_INT(awp_version_scheme_lookup(&s, "Nope"), AWP_EINVAL);
	CHECK_EQ_INT(s, AWP_VERSION_NONE);
	CHECK_EQ_INT(awp_version_scheme_lookup(&s, ""), AWP_EINVAL);
	CHECK_EQ_INT(awp_version_scheme_lookup(&s, "Debia"), AWP_EINVAL);
	CHECK_EQ_INT(awp_version_scheme_lookup(&s, NULL), AWP_EINVAL);
	for (int k = AWP_VERSION_DPKG; k < AWP_VERSION_SCHEME_COUNT; k++)
		CHECK_EQ_INT(lookup(awp_version_scheme_name((awp_version_scheme)k)), k);
	CHECK_EQ_STR(awp_version_scheme_name(AWP_VERSION_NONE), "none");
	CHECK_EQ_STR(awp_version_scheme_name((awp_version_scheme)99), "none");

	int cmp = 7;
	CHECK_OK(awp_version_compare(&cmp, "Debian:12", "1.0~rc1", "1.0"));
	CHECK_EQ_INT(cmp, -1);
	CHECK_EQ_INT(awp_version_compare(&cmp, "Unknown", "1", "2"), AWP_EINVAL);
	CHECK_EQ_INT(awp_version_compare(&cmp, "PyPI", "1.0", "nope"), AWP_ECORRUPT);
	CHECK(strstr(awp_error_last(), "'nope'") != NULL);
	CHECK_EQ_INT(awp_version_cmp(NULL, AWP_VERSION_DPKG, "1", "2", 0), AWP_EINVAL);
	CHECK_EQ_INT(awp_version_cmp(&cmp, AWP_VERSION_DPKG, NULL, "2", 0), AWP_EINVAL);
	CHECK_EQ_INT(awp_version_cmp(&cmp, AWP_VERSION_NONE, "1", "2", 0), AWP_EINVAL);
	CHECK_EQ_INT(awp_version_cmp(&cmp, AWP_VERSION_SCHEME_COUNT, "1", "2", 0), AWP_EINVAL);

	/* Every scheme refuses a string past the length cap, without reading all of it. */
	char *big = malloc(AWP_VERSION_MAX_LEN + 2);
	memset(big, '1', AWP_VERSION_MAX_LEN + 1);
	big[AWP_VERSION_MAX_LEN + 1] = 0;
	for (int k = AWP_VERSION_DPKG; k < AWP_VERSION_SCHEME_COUNT; k++)
		CHECK_EQ_INT(awp_version_cmp(&cmp, (awp_version_scheme)k, big, "1", 0), AWP_ELIMIT);
	big[AWP_VERSION_MAX_LEN] = 0; /* exactly at the cap: accepted where digits are valid */
	CHECK_OK(awp_version_cmp(&cmp, AWP_VERSION_DPKG, big, "1", 0));
	CHECK_EQ_INT(cmp, 1);
	CHECK_OK(awp_version_cmp(&cmp, AWP_VERSION_MAVEN, big, big, 0));
	CHECK_EQ_INT(cmp, 0);
	free(big);
}

static void test_dpkg(void)
{
	awp_version_scheme s = AWP_VERSION_DPKG;
	chain(s, "1.0~~ < 1.0~~a < 1.0~ < 1.0 = 1.0-0 = 0:1.0 < 1.0-0.1 < 1.0a < 1.0+ < 1.0.1 < 1:0.1");
	chain(s, "1.2-3~bpo12+1 < 1.2-3 < 1.2-3+deb12u1 < 1.2-3.1 < 1.2-10");
	chain(s, "2.30-1 = 2.030-1 < 2.30a-1");
	/* The revision is after the last '-'. */
	chain(s, "1.0-2-1 < 1.0-2-2 < 1.0-10-1");
	/* Warnings in dpkg, still compared. */
	valid(s, "a1.0");
	valid(s, "1.0_1");
	valid(s, " 1.0 ");
	invalid(s, "");
	invalid(s, "1.0 1");
	invalid(s, "1:");
	invalid(s, ":1.0");
	invalid(s, "x:1.0");
	invalid(s, "99999999999:1.0");
	invalid(s, "1.0-");
	invalid(s, "-1");
}

static void test_rpm(void)
{
	awp_version_scheme s = AWP_VERSION_RPM;
	chain(s, "1.0~rc1 < 1.0 = 0:1.0 < 1.0^git1 < 1.0^git2 < 1.0a < 1.0.1 < 1:0.1");
	chain(s, "2_0 = 2.0 = 2+0 < 2.0.a < 2.0.1");
	/* A release only counts when both sides have one. */
	chain(s, "1.0-1 = 1.0");
	chain(s, "1.0 = 1.0-2");
	chain(s, "1.0-1 < 1.0-2");
	chain(s, "1.0-1.el9 < 1.0-1.el9_1 < 1.0-2.el9 < 1.1-1.el8");
	valid(s, "");
	valid(s, "anything goes!");
}

static void test_apk(void)
{
	awp_version_scheme s = AWP_VERSION_APK;
	chain(s, "1.0_alpha < 1.0_alpha1 < 1.0_beta < 1.0_pre < 1.0_rc1 < 1.0 < 1.0-r0 < 1.0-r1 < 1.0_cvs < "
		 "1.0_svn < 1.0_git < 1.0_hg < 1.0_p1 < 1.0_p2 < 1.0a < 1.0b < 1.0.1");
	chain(s, "1.05 < 1.4 < 1.10");
	chain(s, "1.0~0a1 < 1.0~0a1-r1 < 1.0~0b");
	invalid(s, "1.0_foo");
	invalid(s, "1.0-1");
	invalid(s, "v1.0");
	invalid(s, "1.0A");
	invalid(s, "");
	int cmp = 9;
	/* apk itself compares token by token; invalid tails past a difference do not matter. */
	CHECK_OK(awp_version_cmp(&cmp, s, "23_foo", "4_beta", AWP_VERSION_LENIENT));
	CHECK_EQ_INT(cmp, 1);
}

static void test_pep440(void)
{
	awp_version_scheme s = AWP_VERSION_PEP440;
	chain(s, "1.0.dev0 < 1.0a1.dev1 < 1.0a1 = 1.0-alpha.1 = 1.0.ALPHA1 = v1.0a1 < 1.0a2.post1 < 1.0b1 < "
		 "1.0rc1 = 1.0c1 = 1.0pre1 = 1.0-preview-1 < 1.0 = 1.0.0 = v1.0 < 1.0+local < 1.0+local.2 < "
		 "1.0+local.10 < 1.0+1 < 1.0.post1.dev1 < 1.0.post1 = 1.0-1 = 1.0.rev1 = 1.0r1 = 1.0post1 "
		 "< 1.1.dev1 < 1.1 < 1!0.1");
	chain(s, "1.0a = 1.0a0 < 1.0 < 1.0.post = 1.0.post0 = 1.0-r");
	chain(s, "1.0+abc = 1.0+ABC < 1.0+abc.1 = 1.0+abc-1 = 1.0+abc_1");
	chain(s, "00000000000000000000001.0 = 1 < 99999999999999999999 < 100000000000000000000");
	valid(s, " 1.0 ");
	invalid(s, "");
	invalid(s, "1.0+");
	invalid(s, "1.0.");
	invalid(s, "foo");
	invalid(s, "1.0-beta-foo");
	invalid(s, "1!");
	invalid(s, "1.0+local..1");
}

static void test_semver(void)
{
	awp_version_scheme s = AWP_VERSION_SEMVER;
	/* The SemVer 2.0 spec's precedence example. */
	chain(s, "1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 < "
		 "1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0 = 1.0.0+build.5 = v1.0.0 = =1.0.0 < 1.0.1 < 1.1.0 < 2.0.0");
	chain(s, "1.0.0-1 < 1.0.0-2 < 1.0.0-10 < 1.0.0-a < 1.0.0-a-b < 1.0.0-b");
	chain(s, "9007199254740990.0.0 < 9007199254740991.0.0");
	invalid(s, "1.2");
	invalid(s, "1.2.3.4");
	invalid(s, "9007199254740992.0.0");
	invalid(s, "1.2.3-alpha..1");
	invalid(s, "1.2.3+");
	invalid(s, "");
}

static void test_go(void)
{
	awp_version_scheme s = AWP_VERSION_GO;
	chain(s, "v0.0.0-20191109021931-daa7c04131f5 < v0.0.0-20200101000000-000000000000 < v0.0.1-0.20210101000000-abcdefabcdef "
		 "< v0.0.1 < v1 = v1.0 = v1.0.0 = 1.0.0 < v1.2.0-pre < v1.2 < v2.0.0+incompatible = v2.0.0 < "
		 "v10.0.0");
	chain(s, "v1.2.3-1 < v1.2.3-10 < v1.2.3-a < v1.2.3-a.b");
	invalid(s, "v1-pre");
	invalid(s, "v01.0.0");
	invalid(s, "v1.2.3-01");
	invalid(s, "bad");
	invalid(s, "");
	int cmp = 9;
	CHECK_OK(awp_version_cmp(&cmp, s, "bad", "v0.0.0", AWP_VERSION_LENIENT));
	CHECK_EQ_INT(cmp, -1);
	CHECK_OK(awp_version_cmp(&cmp, s, "bad", "worse", AWP_VERSION_LENIENT));
	CHECK_EQ_INT(cmp, 0);
	CHECK_EQ_STR(awp_error_last(), "");
}

static void test_maven(void)
{
	awp_version_scheme s = AWP_VERSION_MAVEN;
	chain(s, "1-alpha-1 = 1-a1 = 1.0-ALPHA1 < 1-beta-1 = 1-b1 < 1-milestone-1 = 1-m1 < 1-rc-1 = 1-cr-1 < "
		 "1-SNAPSHOT < 1 = 1.0 = 1.0.0 = 1-ga = 1-final = 1-release = 1.0.0-GA < 1-sp-1 < 1-abc < 1-xyz < "
		 "1-1 = 1.0-1 < 1.1 < 1.1.1 < 2");
	chain(s, "1.0.0.RC1 < 1.0.0-RC2 < 1.0.0");
	chain(s, "1.0 < 1.0.1 < 1.0.2 < 1.0.10 < 1.0.100000000000000000000");
	valid(s, "");
	valid(s, "-.-..--");
	valid(s, "any thing");
}

static void test_rubygems(void)
{
	awp_version_scheme s = AWP_VERSION_RUBYGEMS;
	chain(s, "'' = 0 < 0.1 < 1.0.a < 1.0.a.1 < 1.0.b < 1.0-rc1 < 1.0.rc1 < 1 = 1.0 = 1.0.0 = 1.0.0.0 < 1.0.1 < 1.1.a "
		 "< 1.1 < 2");
	chain(s, "1.0.a.0.b < 1.0.a = 1.a = 1.0.0.a = 1.0.a.0");
	chain(s, "1.A < 1.B < 1.a");
	valid(s, "  1.0  ");
	invalid(s, "1..0");
	invalid(s, "junk");
	invalid(s, "1.0-");
	invalid(s, "1.0.");
	invalid(s, "-1");
}

static void test_nuget(void)
{
	awp_version_scheme s = AWP_VERSION_NUGET;
	chain(s, "1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.2 = 1.0.0-ALPHA.2 < 1.0.0-alpha.10 < 1.0.0-alpha.a < "
		 "1.0.0-beta < 1.0.0-RC.1 = 1.0.0-rc.1+meta < 1 = 1.0 = 1.0.0 = 1.0.0.0 = 1.0.0+build.7 < 1.0.0.1 < "
		 "1.0.1 < 2.0");
	chain(s, "1.0.0-1 < 1.0.0-2 < 1.0.0-2147483647 < 1.0.0-2147483648 < 1.0.0-a");
	valid(s, " 1.0.0 ");
	invalid(s, "");
	invalid(s, "a");
	invalid(s, "1.0.0-");
	invalid(s, "1.0.0-01");
	invalid(s, "1.0.0.0.0");
	invalid(s, "1.0.0-a..b");
	invalid(s, "1.0.0+");
	invalid(s, "1.0.0-a_b");
	invalid(s, "2147483648.0");
}

static void test_composer(void)
{
	awp_version_scheme s = AWP_VERSION_COMPOSER;
	chain(s, "1.0.0-dev < 1.0.0-alpha1 = 1.0.0-a1 = 1.0.0alpha1 < 1.0.0-alpha2 < 1.0.0-alpha10 < 1.0.0-beta = "
		 "1.0.0-b < 1.0.0-beta.2 < 1.0.0-RC1 = 1.0.0-rc1 < 1 = 1.0 = v1.0.0 = 1.0.0.0 = 1.0.0-stable = "
		 "1.0.0+build = 1.0@beta < 1.0.0-patch1 = 1.0.0-pl1 = 1.0.0-p1 < 1.0.1 < 1.x-dev < 2.0");
	chain(s, "2010.01.02 = 2010.01.02.0 < 2010.01.03");
	valid(s, "dev-master");
	valid(s, "master");
	valid(s, "1.x-dev");
	invalid(s, "foo");
	invalid(s, "1.0.0-gamma");
	invalid(s, "");
	int cmp = 9;
	CHECK_OK(awp_version_cmp(&cmp, s, "dev-main", "dev-main", 0));
	CHECK_EQ_INT(cmp, 0);
	CHECK_EQ_INT(awp_version_cmp(&cmp, s, "dev-main", "1.0", 0), AWP_ECORRUPT);
	CHECK(strstr(awp_error_last(), "dev-main") != NULL);
}

void test_main(void)
{
	test_lookup();
	test_dpkg();
	test_rpm();
	test_apk();
	test_pep440();
	test_semver();
	test_go();
	test_maven();
	test_rubygems();
	test_nuget();
	test_composer();
}
