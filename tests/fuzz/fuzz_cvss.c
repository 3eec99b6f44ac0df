/*
 * Fuzz target for CVSS vector parsing and scoring. Besides crashes, checks
 * that a parsed vector's score is within 0..10 with one decimal and that a
 * rejected vector reports AWP_ECORRUPT.
 */
#include <awp/cvss.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size > 2048)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	double score = -1;
	awp_cvss_version v = AWP_CVSS_NONE;
	int err = awp_cvss_score(&score, &v, s);
	if (err == 0) {
		if (!(score >= 0 && score <= 10) || v == AWP_CVSS_NONE)
			abort();
		double tenths = score * 10;
		if (fabs(tenths - round(tenths)) > 1e-6)
			abort();
		(void)awp_cvss_rating(v, score);
	} else if (err != AWP_ECORRUPT) {
		abort();
	}
	free(s);
	return 0;
}
