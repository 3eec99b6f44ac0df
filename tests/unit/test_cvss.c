/*
 * CVSS scores: hand-checked vectors from the specifications and NVD, every
 * vector of tests/unit/data/cvss_vectors.txt, and strict validation.
 */
#include "harness.h"

#include <awp/cvss.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void score_is(const char *vector, double want, awp_cvss_version want_ver)
{
	double s = -1;
	awp_cvss_version v = AWP_CVSS_NONE;
	int err = awp_cvss_score(&s, &v, vector);
	char d[600];
	snprintf(d, sizeof d, "%s: err %d (%s), score %.1f, want %.1f", vector, err, awp_error_last(), s, want);
	test_check(err == 0 && fabs(s - want) < 0.01 && v == want_ver, __FILE__, __LINE__, "score", d);
}

static void invalid(const char *vector)
{
	double s;
	int err = awp_cvss_score(&s, NULL, vector);
	char d[600];
	snprintf(d, sizeof d, "%s: returned %d, want AWP_ECORRUPT", vector, err);
	test_check(err == AWP_ECORRUPT, __FILE__, __LINE__, "invalid", d);
}

void test_main(void)
{
	/* v2 (NVD). */
	score_is("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, AWP_CVSS_V2);
	score_is("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, AWP_CVSS_V2);
	score_is("AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3, AWP_CVSS_V2);
	score_is("CVSS:2.0/AV:L/AC:L/Au:N/C:C/I:C/A:C/E:F/RL:OF/RC:C", 7.2, AWP_CVSS_V2);
	/* v3.x (specification examples / NVD). */
	score_is("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, AWP_CVSS_V31);
	score_is("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, AWP_CVSS_V31);
	score_is("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, AWP_CVSS_V31);
	score_is("CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:L", 6.3, AWP_CVSS_V30);
	score_is("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, AWP_CVSS_V31);
	score_is("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, AWP_CVSS_V31);
	/* Temporal/environmental metrics are validated, the base score is returned. */
	score_is("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C/MAV:L", 9.8, AWP_CVSS_V31);
	/* Metrics in another order are allowed (v3.1 section 6). */
	score_is("CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", 9.8, AWP_CVSS_V31);
	/* v4.0: FIRST examples and NVD. */
	score_is("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0, AWP_CVSS_V40);
	score_is("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, AWP_CVSS_V40);
	score_is("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 6.9, AWP_CVSS_V40);
	score_is("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5, AWP_CVSS_V40);
	score_is("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A", 8.7, AWP_CVSS_V40);
	score_is("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, AWP_CVSS_V40);
	/* x.x5 ties one ULP low: need the reference's epsilon to round up. */
	score_is("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H", 8.6, AWP_CVSS_V40);
	score_is("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:L/VA:H/SC:H/SI:H/SA:H", 8.6, AWP_CVSS_V40);
	/* Threat metric lowers the score; MSI:S raises EQ4 to 0. */
	score_is("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 8.1, AWP_CVSS_V40);

	/* The reference table. */
	const char *src = test_env("AWP_SOURCE_DIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/unit/data/cvss_vectors.txt", src ? src : ".");
	FILE *f = fopen(path, "r");
	CHECK_MSG(f != NULL, path);
	size_t n = 0, bad = 0;
	char line[1024];
	while (f && fgets(line, sizeof line, f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		char *sp = strrchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		double want = strtod(sp + 1, NULL), got = -1;
		int err = awp_cvss_score(&got, NULL, line);
		n++;
		if (err < 0 || fabs(got - want) > 0.01) {
			if (++bad <= 10)
				fprintf(stderr, "%s: got %.1f (err %d %s), want %.1f\n", line, got, err, awp_error_last(), want);
		}
	}
	if (f)
		fclose(f);
	CHECK(n > 800);
	CHECK_EQ_INT(bad, 0);

	/* Strict validation. */
	invalid("");
	invalid("CVSS:3.1/");
	invalid("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H");           /* A missing */
	invalid("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:N");  /* duplicate */
	invalid("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y");  /* unknown metric */
	invalid("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");       /* bad value */
	invalid("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/");      /* empty component */
	invalid("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A");
	invalid("CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
	invalid("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N"); /* SA missing */
	invalid("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N"); /* S only for MSI */
	invalid("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/E:A");
	invalid("AV:N/AC:L/Au:N/C:P/I:P");
	invalid("AV:N/AC:L/Au:N/C:P/I:P/A:P/AV:N");
	invalid("high");
	char big[AWP_CVSS_MAX_VECTOR + 20];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	invalid(big);
	double s;
	CHECK_EQ_INT(awp_cvss_score(&s, NULL, NULL), AWP_EINVAL);

	CHECK_EQ_STR(awp_cvss_rating(AWP_CVSS_V31, 9.8), "critical");
	CHECK_EQ_STR(awp_cvss_rating(AWP_CVSS_V40, 7.0), "high");
	CHECK_EQ_STR(awp_cvss_rating(AWP_CVSS_V31, 0.0), "none");
	CHECK_EQ_STR(awp_cvss_rating(AWP_CVSS_V2, 10.0), "high");
	CHECK_EQ_STR(awp_cvss_version_name(AWP_CVSS_V40), "4.0");
}
