/*
 * scan/risk.c - the risk score (docs/risk-score.md is the specification;
 * keep both in step).
 *
 * Determinism: per-finding weights are integers (thousandths), summed in
 * 64-bit integers, so the sums do not depend on the order of the findings;
 * the curves and the factor arithmetic then run in one fixed order.
 */
#include "scan/scan_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Points (in thousandths) of one finding by severity: critical, high,
 * medium, low, unknown (indexed by awp_severity). */
static const uint64_t vuln_w[AWP_SEVERITY_COUNT] = {
	[AWP_SEVERITY_CRITICAL] = 10000, [AWP_SEVERITY_HIGH] = 5000, [AWP_SEVERITY_MEDIUM] = 2000,
	[AWP_SEVERITY_LOW] = 500, [AWP_SEVERITY_UNKNOWN] = 1000,
};
static const uint64_t secret_w[AWP_SEVERITY_COUNT] = {
	[AWP_SEVERITY_CRITICAL] = 10000, [AWP_SEVERITY_HIGH] = 6000, [AWP_SEVERITY_MEDIUM] = 3000,
	[AWP_SEVERITY_LOW] = 1000, [AWP_SEVERITY_UNKNOWN] = 3000,
};
static const uint64_t threat_w[AWP_SEVERITY_COUNT] = {
	[AWP_SEVERITY_CRITICAL] = 20000, [AWP_SEVERITY_HIGH] = 10000, [AWP_SEVERITY_MEDIUM] = 4000,
	[AWP_SEVERITY_LOW] = 1000, [AWP_SEVERITY_UNKNOWN] = 4000,
};

#define NO_FIX_MILLI 600         /* a vulnerability without a fixed version weighs 0.6 */
#define KEV_MILLI 3000           /* known exploited: x3 */
#define EPSS_MILLI 2000          /* else x(1 + 2 * EPSS probability) */
#define SECRET_KIND_MILLI 1500   /* credentials to infrastructure: x1.5 */
#define EXPOSURE_PUBLIC 0.25     /* +25% of the subtotal */

/* Saturating curve: `max` points approached as the weight grows; `scale` is
 * the weight that reaches 63% of max. */
static double curve(uint64_t milli, double max, double scale)
{
	return max * (1.0 - exp(-((double)milli / 1000.0) / scale));
}

/* Secret categories that open infrastructure rather than one account. */
static int infra_secret(const char *category)
{
	static const char *const heavy[] = {"cloud", "private-key", "payment", "kubernetes", "infrastructure", "database"};
	for (size_t i = 0; i < sizeof heavy / sizeof heavy[0]; i++)
		if (strcmp(category, heavy[i]) == 0)
			return 1;
	return 0;
}

uint64_t awp_risk_vuln_weight(const awp_finding *f);
/* The full weight of one vulnerability finding (thousandths): also the
 * remediation plan's sort key, so "biggest win" and the score agree. */
uint64_t awp_risk_vuln_weight(const awp_finding *f)
{
	uint64_t w = vuln_w[f->severity < AWP_SEVERITY_COUNT ? f->severity : 0];
	if (f->vuln && !f->vuln->fixed_version)
		w = w * NO_FIX_MILLI / 1000;
	if (f->kev)
		w = w * KEV_MILLI / 1000;
	else if (f->epss >= 0 && f->epss <= 1)
		w = w * (1000 + (uint64_t)llround(f->epss * EPSS_MILLI)) / 1000;
	return w;
}

uint64_t awp_risk_other_weight(const awp_finding *f);
uint64_t awp_risk_other_weight(const awp_finding *f)
{
	unsigned s = f->severity < AWP_SEVERITY_COUNT ? f->severity : 0;
	if (f->kind == AWP_FINDING_SECRET)
		return infra_secret(f->category) ? secret_w[s] * SECRET_KIND_MILLI / 1000 : secret_w[s];
	return threat_w[s];
}

static void add(awp_risk *r, const char *id, double points, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(awp_risk *r, const char *id, double points, const char *fmt, ...)
{
	if (r->factor_count >= AWP_RISK_MAX_FACTORS)
		return;
	awp_risk_factor *f = &r->factors[r->factor_count++];
	f->id = id;
	f->points = points;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof f->detail, fmt, ap);
	va_end(ap);
}

AWP_EXTERN const char *awp_risk_level_name(awp_risk_level l)
{
	static const char *const names[] = {"none", "low", "medium", "high", "critical"};
	return (unsigned)l <= AWP_RISK_CRITICAL ? names[l] : "none";
}

AWP_EXTERN void awp_risk_compute(awp_risk *out, const awp_finding *f, size_t n, awp_exposure exposure)
{
	memset(out, 0, sizeof(*out));
	uint64_t v_sev = 0, v_fix = 0, v_full = 0, s_sev = 0, s_full = 0, t_sum = 0;
	size_t vc[AWP_SEVERITY_COUNT] = {0}, sc[AWP_SEVERITY_COUNT] = {0}, tc[AWP_SEVERITY_COUNT] = {0};
	size_t nofix = 0, kev = 0, epss = 0, infra = 0, live = 0, crit_secret = 0, crit_threat = 0;
	for (size_t i = 0; i < n; i++) {
		const awp_finding *x = &f[i];
		if (x->ignored)
			continue;
		unsigned s = x->severity < AWP_SEVERITY_COUNT ? x->severity : 0;
		live++;
		switch (x->kind) {
		case AWP_FINDING_VULN: {
			uint64_t b = vuln_w[s], fx = b;
			if (x->vuln && !x->vuln->fixed_version) {
				fx = b * NO_FIX_MILLI / 1000;
				nofix++;
			}
			v_sev += b;
			v_fix += fx;
			v_full += awp_risk_vuln_weight(x);
			kev += x->kev != 0;
			epss += !x->kev && x->epss >= 0;
			vc[s]++;
			break;
		}
		case AWP_FINDING_SECRET:
			s_sev += secret_w[s];
			s_full += awp_risk_other_weight(x);
			infra += infra_secret(x->category);
			crit_secret += s == AWP_SEVERITY_CRITICAL;
			sc[s]++;
			break;
		case AWP_FINDING_THREAT:
			t_sum += threat_w[s];
			crit_threat += s == AWP_SEVERITY_CRITICAL;
			tc[s]++;
			break;
		default:
			break;
		}
	}
	double total = 0, p;
#define COUNTS(c) (c)[AWP_SEVERITY_CRITICAL], (c)[AWP_SEVERITY_HIGH], (c)[AWP_SEVERITY_MEDIUM], (c)[AWP_SEVERITY_LOW], (c)[AWP_SEVERITY_UNKNOWN]
	if (v_sev) {
		double a = curve(v_sev, 60, 25), b = curve(v_fix, 60, 25), c = curve(v_full, 60, 25);
		add(out, "vuln.severity", a, "%zu critical, %zu high, %zu medium, %zu low, %zu unknown vulnerabilities", COUNTS(vc));
		if (nofix)
			add(out, "vuln.no_fix", b - a, "%zu without a fixed version (weigh 0.6)", nofix);
		if (kev || epss)
			add(out, "vuln.exploit", c - b, "%zu known exploited (CISA KEV, x3), %zu with an EPSS score", kev, epss);
		total += c;
	}
	if (s_sev) {
		double a = curve(s_sev, 30, 15), c = curve(s_full, 30, 15);
		add(out, "secret", a, "%zu critical, %zu high, %zu medium, %zu low, %zu unknown secrets", COUNTS(sc));
		if (infra)
			add(out, "secret.kind", c - a, "%zu give access to infrastructure (cloud, private key, database...; x1.5)", infra);
		total += c;
	}
	if (t_sum) {
		p = curve(t_sum, 40, 20);
		add(out, "threat", p, "%zu critical, %zu high, %zu medium, %zu low, %zu unknown threats", COUNTS(tc));
		total += p;
	}
#undef COUNTS
	if (exposure == AWP_EXPOSURE_PUBLIC && total > 0) {
		p = total * EXPOSURE_PUBLIC;
		add(out, "exposure", p, "reachable from the internet (public IP): +25%%");
		total += p;
	}
	/* Floors: some findings make a machine at least this bad however few. */
	double floor_pts = 0;
	const char *floor_id = NULL, *why = "";
	if (crit_threat && floor_pts < 75)
		floor_pts = 75, floor_id = "floor.threat", why = "a critical threat";
	if (kev && floor_pts < 70)
		floor_pts = 70, floor_id = "floor.kev", why = "a known exploited vulnerability";
	if (crit_secret && floor_pts < 50)
		floor_pts = 50, floor_id = "floor.secret", why = "a critical secret";
	if (live && floor_pts < 1)
		floor_pts = 1, floor_id = "floor.any", why = "at least one finding";
	if (floor_id && total < floor_pts) {
		add(out, floor_id, floor_pts - total, "%s: at least %.0f", why, floor_pts);
		total = floor_pts;
	}
	if (total > 100) {
		add(out, "cap", 100 - total, "the score is capped at 100");
		total = 100;
	}
	int score = (int)floor(total + 0.5);
	out->score = score < 0 ? 0 : score > 100 ? 100 : score;
	out->level = out->score >= 75 ? AWP_RISK_CRITICAL
		     : out->score >= 50 ? AWP_RISK_HIGH
		     : out->score >= 25 ? AWP_RISK_MEDIUM
		     : out->score >= 1 ? AWP_RISK_LOW : AWP_RISK_NONE;
}
