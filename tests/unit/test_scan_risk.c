/*
 * The risk score (docs/risk-score.md): values of the formula on hand-built
 * findings, order independence, every factor's contribution adding up to the
 * score, floors, the cap, exposure, ignored findings, level boundaries.
 */
#include "harness.h"

#include <awp/scan.h>

#include <math.h>
#include <stdlib.h>

static awp_vuln_finding vf_fixed = {.fixed_version = "2.0", .score = -1};
static awp_vuln_finding vf_nofix = {.fixed_version = NULL, .score = -1};

static awp_finding mk(awp_finding_kind k, awp_severity s)
{
	awp_finding f = {0};
	f.kind = k;
	f.id = "X";
	f.severity = s;
	f.category = f.title = f.path = f.evidence = f.fingerprint = f.package = f.remediation = f.volume = "";
	f.kev_date_added = "";
	f.epss = f.epss_percentile = -1;
	if (k == AWP_FINDING_VULN)
		f.vuln = &vf_fixed;
	return f;
}

static const awp_risk_factor *factor(const awp_risk *r, const char *id)
{
	for (size_t i = 0; i < r->factor_count; i++)
		if (strcmp(r->factors[i].id, id) == 0)
			return &r->factors[i];
	return NULL;
}

static double sum(const awp_risk *r)
{
	double s = 0;
	for (size_t i = 0; i < r->factor_count; i++)
		s += r->factors[i].points;
	return s;
}

static double curve(double w, double max, double scale) { return max * (1 - exp(-w / scale)); }

void test_main(void)
{
	awp_risk r;
	/* nothing: 0, none, no factor */
	awp_risk_compute(&r, NULL, 0, AWP_EXPOSURE_UNKNOWN);
	CHECK_EQ_INT(r.score, 0);
	CHECK_EQ_INT(r.level, AWP_RISK_NONE);
	CHECK_EQ_INT(r.factor_count, 0);
	/* exposure alone adds nothing */
	awp_risk_compute(&r, NULL, 0, AWP_EXPOSURE_PUBLIC);
	CHECK_EQ_INT(r.score, 0);

	/* one critical vulnerability with a fix: 60 * (1 - e^(-10/25)) = 19.78 -> 20, low */
	awp_finding f[64];
	f[0] = mk(AWP_FINDING_VULN, AWP_SEVERITY_CRITICAL);
	awp_risk_compute(&r, f, 1, AWP_EXPOSURE_UNKNOWN);
	CHECK_EQ_INT(r.score, 20);
	CHECK_EQ_INT(r.level, AWP_RISK_LOW);
	CHECK(fabs(factor(&r, "vuln.severity")->points - curve(10, 60, 25)) < 1e-9);

	/* without a fix: weight 6 -> 12.8 -> 13; no_fix factor is negative and the factors still add up */
	f[0].vuln = &vf_nofix;
	awp_risk_compute(&r, f, 1, AWP_EXPOSURE_UNKNOWN);
	CHECK_EQ_INT(r.score, 13);
	CHECK(factor(&r, "vuln.no_fix") && factor(&r, "vuln.no_fix")->points < 0);
	CHECK(fabs(sum(&r) - curve(6, 60, 25)) < 1e-9);

	/* EPSS 0.5 doubles the weight: 10 * 2 = 20 -> 60*(1-e^-0.8) = 33.04 -> 33, medium */
	f[0].vuln = &vf_fixed;
	f[0].epss = 0.5;
	awp_risk_compute(&r, f, 1, AWP_EXPOSURE_UNKNOWN);
	CHECK_EQ_INT(r.score, 33);
	CHECK_EQ_INT(r.level, AWP_RISK_MEDIUM);
	CHECK(factor(&r, "vuln.exploit") != NULL);

	/* KEV: x3 (44.2) and the floor of 70 -> high, floor factor explains the rest */
	f[0].epss = -1;
	f[0].kev = 1;
	awp_risk_compute(&r, f, 1, AWP_EXPOSURE_UNKNOWN);
	CHECK_EQ_INT(r.score, 70);
	CHECK_EQ_INT(r.level, AWP_RISK_HIGH);
	CHECK(factor(&r, "floor.kev") != NULL);
	CHECK(fabs(sum(&r) - 70) < 1e-9);
	/* a KEV finding that is filtered out counts for nothing */
	f[0].ignored = "ignore file";
	awp_risk_compute(&r, f, 1, AWP_EXPOSURE_UNKNOWN);
	CHECK_EQ_INT(r.score, 0);
	CHECK_EQ_INT(r.factor_count, 0);

	/* public exposure: +25% of the subtotal */
	f[0] = mk(AWP_FINDING_VULN, AWP_SEVERITY_CRITICAL);
	awp_risk_compute(&r, f, 1, AWP_EXPOSURE_PUBLIC);
	CHECK(factor(&r, "exposure") && fabs(factor(&r, "exposure")->points - 0.25 * curve(10, 60, 25)) < 1e-9);
	CHECK_EQ_INT(r.score, (int)floor(1.25 * curve(10, 60, 25) + 0.5));
	awp_risk_compute(&r, f, 1, AWP_EXPOSURE_PRIVATE);
	CHECK_EQ_INT(r.score, 20);

	/* a single low vulnerability without fix rounds to 0.7: floored to 1 (low), never "none" with findings */
	f[0] = mk(AWP_FINDING_VULN, AWP_SEVERITY_LOW);
	f[0].vuln = &vf_nofix;
	awp_risk_compute(&r, f, 1, AWP_EXPOSURE_UNKNOWN);
	CHECK_EQ_INT(r.score, 1);
	CHECK_EQ_INT(r.level, AWP_RISK_LOW);
	CHECK(factor(&r, "floor.any") != NULL);

	/* secrets by kind: a critical cloud key (x1.5) -> floor 50 (high: the boundary is inclusive) */
	f[0] = mk(AWP_FINDING_SECRET, AWP_SEVERITY_CRITICAL);
	f[0].category = "cloud";
	awp_risk_compute(&r, f, 1, AWP_EXPOSURE_UNKNOWN);
	CHECK_EQ_INT(r.score, 50);
	CHECK_EQ_INT(r.level, AWP_RISK_HIGH);
	CHECK(factor(&r, "secret.kind") && factor(&r, "secret.kind")->points > 0);
	/* the same secret of a "chat" kind weighs less than a cloud one */
	f[0].severity = AWP_SEVERITY_HIGH;
	awp_risk_compute(&r, f, 1, AWP_EXPOSURE_UNKNOWN);
	int cloud = r.score;
	f[0].category = "chat";
	awp_risk_compute(&r, f, 1, AWP_EXPOSURE_UNKNOWN);
	CHECK(r.score < cloud);
	CHECK(factor(&r, "secret.kind") == NULL);

	/* a critical threat: floor 75 -> critical */
	f[0] = mk(AWP_FINDING_THREAT, AWP_SEVERITY_CRITICAL);
	awp_risk_compute(&r, f, 1, AWP_EXPOSURE_UNKNOWN);
	CHECK_EQ_INT(r.score, 75);
	CHECK_EQ_INT(r.level, AWP_RISK_CRITICAL);

	/* everything at once, public: capped at 100 with a negative "cap" factor; sum == 100 */
	size_t n = 0;
	for (int i = 0; i < 20; i++)
		f[n++] = mk(AWP_FINDING_VULN, AWP_SEVERITY_CRITICAL);
	for (int i = 0; i < 10; i++)
		f[n++] = mk(AWP_FINDING_THREAT, AWP_SEVERITY_HIGH);
	for (int i = 0; i < 10; i++)
		f[n++] = mk(AWP_FINDING_SECRET, AWP_SEVERITY_HIGH);
	awp_risk_compute(&r, f, n, AWP_EXPOSURE_PUBLIC);
	CHECK_EQ_INT(r.score, 100);
	CHECK(factor(&r, "cap") && factor(&r, "cap")->points < 0);
	CHECK(fabs(sum(&r) - 100) < 1e-9);

	/* order independence: a mixed set and its reversal / rotation give identical results */
	n = 0;
	awp_severity sevs[] = {AWP_SEVERITY_CRITICAL, AWP_SEVERITY_HIGH, AWP_SEVERITY_MEDIUM, AWP_SEVERITY_LOW, AWP_SEVERITY_UNKNOWN};
	for (int i = 0; i < 25; i++) {
		f[n] = mk(AWP_FINDING_VULN, sevs[i % 5]);
		f[n].vuln = i % 3 ? &vf_fixed : &vf_nofix;
		f[n].epss = i % 4 ? -1 : 0.1 * (i % 7);
		n++;
	}
	f[n++] = mk(AWP_FINDING_SECRET, AWP_SEVERITY_MEDIUM);
	f[n++] = mk(AWP_FINDING_THREAT, AWP_SEVERITY_LOW);
	awp_risk a, b;
	awp_risk_compute(&a, f, n, AWP_EXPOSURE_UNKNOWN);
	awp_finding g[64];
	for (size_t i = 0; i < n; i++)
		g[i] = f[n - 1 - i];
	awp_risk_compute(&b, g, n, AWP_EXPOSURE_UNKNOWN);
	CHECK_EQ_INT(a.score, b.score);
	CHECK_EQ_INT(a.factor_count, b.factor_count);
	for (size_t i = 0; i < a.factor_count && i < b.factor_count; i++) {
		CHECK_EQ_STR(a.factors[i].id, b.factors[i].id);
		CHECK(a.factors[i].points == b.factors[i].points);
		CHECK_EQ_STR(a.factors[i].detail, b.factors[i].detail);
	}
	CHECK(fabs(sum(&a) - a.score) <= 0.5);

	/* ties: two findings of equal weight in either order; duplicates count twice */
	f[0] = mk(AWP_FINDING_VULN, AWP_SEVERITY_HIGH);
	f[1] = mk(AWP_FINDING_VULN, AWP_SEVERITY_HIGH);
	awp_risk_compute(&a, f, 2, AWP_EXPOSURE_UNKNOWN);
	CHECK_EQ_INT(a.score, (int)floor(curve(10, 60, 25) + 0.5));

	/* level names */
	CHECK_EQ_STR(awp_risk_level_name(AWP_RISK_CRITICAL), "critical");
	CHECK_EQ_STR(awp_risk_level_name(AWP_RISK_NONE), "none");
}
