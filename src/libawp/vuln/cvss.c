/*
 * vuln/cvss.c - CVSS v2, v3.0, v3.1 and v4.0 scores from vector strings.
 *
 * References (facts only; the code is ours):
 *  - CVSS v2 complete guide, section 3.2.1 (base equation) and 2.4 (vector).
 *  - CVSS v3.0 / v3.1 specification, section 7.1 (base equations), 7.4
 *    (v3.1 Roundup, defined over integers to avoid floating-point surprises;
 *    v3.0 uses the plain "smallest number, to one decimal, >= input" ceil)
 *    and section 6 (vector string: metrics in any order, each at most once).
 *  - CVSS v4.0 specification, section 8 (MacroVectors, equivalence classes
 *    EQ1..EQ6, the table of MacroVector scores, interpolation by severity
 *    distance) and FIRST's reference calculator, whose arithmetic is
 *    reproduced operation by operation in IEEE doubles so that every score,
 *    rounding included, comes out the same.
 *
 * A vector is parsed into one value index per metric of a per-version table;
 * the scoring functions then read indices, never strings.
 */
#include <awp/cvss.h>

#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* One metric of a version: its abbreviation, allowed values, mandatory. */
struct metric {
	const char *name;
	const char *values[6];
	int mandatory;
};

enum { MAX_METRICS = 32 };

/* ---- v2 ---------------------------------------------------------------- */
enum { V2_AV, V2_AC, V2_AU, V2_C, V2_I, V2_A };
static const struct metric v2_metrics[] = {
	{"AV", {"L", "A", "N"}, 1},
	{"AC", {"H", "M", "L"}, 1},
	{"Au", {"M", "S", "N"}, 1},
	{"C", {"N", "P", "C"}, 1},
	{"I", {"N", "P", "C"}, 1},
	{"A", {"N", "P", "C"}, 1},
	{"E", {"U", "POC", "F", "H", "ND"}, 0},
	{"RL", {"OF", "TF", "W", "U", "ND"}, 0},
	{"RC", {"UC", "UR", "C", "ND"}, 0},
	{"CDP", {"N", "L", "LM", "MH", "H", "ND"}, 0},
	{"TD", {"N", "L", "M", "H", "ND"}, 0},
	{"CR", {"L", "M", "H", "ND"}, 0},
	{"IR", {"L", "M", "H", "ND"}, 0},
	{"AR", {"L", "M", "H", "ND"}, 0},
	{NULL, {NULL}, 0},
};

/* ---- v3.x -------------------------------------------------------------- */
enum { V3_AV, V3_AC, V3_PR, V3_UI, V3_S, V3_C, V3_I, V3_A };
static const struct metric v3_metrics[] = {
	{"AV", {"N", "A", "L", "P"}, 1},
	{"AC", {"L", "H"}, 1},
	{"PR", {"N", "L", "H"}, 1},
	{"UI", {"N", "R"}, 1},
	{"S", {"U", "C"}, 1},
	{"C", {"H", "L", "N"}, 1},
	{"I", {"H", "L", "N"}, 1},
	{"A", {"H", "L", "N"}, 1},
	{"E", {"X", "U", "P", "F", "H"}, 0},
	{"RL", {"X", "O", "T", "W", "U"}, 0},
	{"RC", {"X", "U", "R", "C"}, 0},
	{"CR", {"X", "L", "M", "H"}, 0},
	{"IR", {"X", "L", "M", "H"}, 0},
	{"AR", {"X", "L", "M", "H"}, 0},
	{"MAV", {"X", "N", "A", "L", "P"}, 0},
	{"MAC", {"X", "L", "H"}, 0},
	{"MPR", {"X", "N", "L", "H"}, 0},
	{"MUI", {"X", "N", "R"}, 0},
	{"MS", {"X", "U", "C"}, 0},
	{"MC", {"X", "N", "L", "H"}, 0},
	{"MI", {"X", "N", "L", "H"}, 0},
	{"MA", {"X", "N", "L", "H"}, 0},
	{NULL, {NULL}, 0},
};

/* ---- v4.0 -------------------------------------------------------------- */
enum {
	V4_AV, V4_AC, V4_AT, V4_PR, V4_UI, V4_VC, V4_VI, V4_VA, V4_SC, V4_SI, V4_SA,
	V4_E, V4_CR, V4_IR, V4_AR,
	V4_MAV, V4_MAC, V4_MAT, V4_MPR, V4_MUI, V4_MVC, V4_MVI, V4_MVA, V4_MSC, V4_MSI, V4_MSA,
	V4_S, V4_AU, V4_R, V4_V, V4_RE, V4_U, V4_COUNT
};
static const struct metric v4_metrics[] = {
	{"AV", {"N", "A", "L", "P"}, 1},
	{"AC", {"L", "H"}, 1},
	{"AT", {"N", "P"}, 1},
	{"PR", {"N", "L", "H"}, 1},
	{"UI", {"N", "P", "A"}, 1},
	{"VC", {"H", "L", "N"}, 1},
	{"VI", {"H", "L", "N"}, 1},
	{"VA", {"H", "L", "N"}, 1},
	{"SC", {"H", "L", "N"}, 1},
	{"SI", {"H", "L", "N"}, 1},
	{"SA", {"H", "L", "N"}, 1},
	{"E", {"X", "A", "P", "U"}, 0},
	{"CR", {"X", "H", "M", "L"}, 0},
	{"IR", {"X", "H", "M", "L"}, 0},
	{"AR", {"X", "H", "M", "L"}, 0},
	{"MAV", {"X", "N", "A", "L", "P"}, 0},
	{"MAC", {"X", "L", "H"}, 0},
	{"MAT", {"X", "N", "P"}, 0},
	{"MPR", {"X", "N", "L", "H"}, 0},
	{"MUI", {"X", "N", "P", "A"}, 0},
	{"MVC", {"X", "H", "L", "N"}, 0},
	{"MVI", {"X", "H", "L", "N"}, 0},
	{"MVA", {"X", "H", "L", "N"}, 0},
	{"MSC", {"X", "H", "L", "N"}, 0},
	{"MSI", {"X", "S", "H", "L", "N"}, 0},
	{"MSA", {"X", "S", "H", "L", "N"}, 0},
	{"S", {"X", "N", "P"}, 0},
	{"AU", {"X", "N", "Y"}, 0},
	{"R", {"X", "A", "U", "I"}, 0},
	{"V", {"X", "D", "C"}, 0},
	{"RE", {"X", "L", "M", "H"}, 0},
	{"U", {"X", "Clear", "Green", "Amber", "Red"}, 0},
	{NULL, {NULL}, 0},
};

/*
 * Parse "K:V/K:V/..." (the part after the prefix) against a metric table.
 * val[i] receives the index of metric i's value, or -1 when absent.
 */
static int parse_metrics(const struct metric *tab, const char *s, const char *vector, int *val)
{
	int n = 0;
	for (n = 0; tab[n].name; n++)
		val[n] = -1;
	const char *p = s;
	for (;;) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *colon = memchr(p, ':', len);
		if (!colon || colon == p || colon + 1 == p + len)
			return awp_error_set(AWP_ECORRUPT, "CVSS vector \"%s\": malformed component \"%.*s\"", vector,
					     (int)len, p);
		size_t klen = (size_t)(colon - p), vlen = len - klen - 1;
		int m;
		for (m = 0; tab[m].name; m++)
			if (strlen(tab[m].name) == klen && memcmp(tab[m].name, p, klen) == 0)
				break;
		if (!tab[m].name)
			return awp_error_set(AWP_ECORRUPT, "CVSS vector \"%s\": unknown metric \"%.*s\"", vector, (int)klen, p);
		if (val[m] >= 0)
			return awp_error_set(AWP_ECORRUPT, "CVSS vector \"%s\": metric %s given twice", vector, tab[m].name);
		int v;
		for (v = 0; v < 6 && tab[m].values[v]; v++)
			if (strlen(tab[m].values[v]) == vlen && memcmp(tab[m].values[v], colon + 1, vlen) == 0)
				break;
		if (v >= 6 || !tab[m].values[v])
			return awp_error_set(AWP_ECORRUPT, "CVSS vector \"%s\": %s has no value \"%.*s\"", vector, tab[m].name,
					     (int)vlen, colon + 1);
		val[m] = v;
		if (!end)
			break;
		p = end + 1;
	}
	for (int m = 0; tab[m].name; m++)
		if (tab[m].mandatory && val[m] < 0)
			return awp_error_set(AWP_ECORRUPT, "CVSS vector \"%s\": mandatory metric %s missing", vector, tab[m].name);
	return 0;
}

/* ---- v2 base equation (guide 3.2.1) ------------------------------------ */
static double v2_score(const int *v)
{
	static const double av[] = {0.395, 0.646, 1.0}, ac[] = {0.35, 0.61, 0.71}, au[] = {0.45, 0.56, 0.704},
			    cia[] = {0.0, 0.275, 0.660};
	double impact = 10.41 * (1 - (1 - cia[v[V2_C]]) * (1 - cia[v[V2_I]]) * (1 - cia[v[V2_A]]));
	double expl = 20 * av[v[V2_AV]] * ac[v[V2_AC]] * au[v[V2_AU]];
	double f = impact == 0 ? 0 : 1.176;
	double base = ((0.6 * impact) + (0.4 * expl) - 1.5) * f;
	/* "round_to_1_decimal": half up. */
	return floor(base * 10 + 0.5) / 10;
}

/* ---- v3.x base equations (spec 7.1) ------------------------------------ */

/* v3.1 Appendix A Roundup: exact over integers. */
static double roundup31(double x)
{
	long long i = llround(x * 100000.0);
	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (double)(i / 10000 + 1) / 10.0;
}

/* v3.0: the smallest number, to one decimal place, equal to or higher than x. */
static double roundup30(double x)
{
	return ceil(x * 10) / 10;
}

static double v3_score(const int *v, int minor)
{
	static const double av[] = {0.85, 0.62, 0.55, 0.2}, ac[] = {0.77, 0.44}, ui[] = {0.85, 0.62},
			    cia[] = {0.56, 0.22, 0};
	int changed = v[V3_S] == 1;
	double pr = v[V3_PR] == 0 ? 0.85 : v[V3_PR] == 1 ? (changed ? 0.68 : 0.62) : (changed ? 0.5 : 0.27);
	double iss = 1 - ((1 - cia[v[V3_C]]) * (1 - cia[v[V3_I]]) * (1 - cia[v[V3_A]]));
	double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
	double expl = 8.22 * av[v[V3_AV]] * ac[v[V3_AC]] * pr * ui[v[V3_UI]];
	if (impact <= 0)
		return 0;
	double raw = changed ? fmin(1.08 * (impact + expl), 10) : fmin(impact + expl, 10);
	return minor == 1 ? roundup31(raw) : roundup30(raw);
}

/* ---- v4.0 (spec section 8) --------------------------------------------- */

/* MacroVector scores, [eq1][eq2][eq3][eq4][eq5][eq6]; -1: no such MacroVector
 * (eq3 = 2 implies eq6 = 1). Transcribed from the specification's table. */
static const double v4_table[3][2][3][3][3][2] = {
	{
	 {
	  {{{10, 9.9}, {9.8, 9.5}, {9.5, 9.2}}, {{10, 9.6}, {9.3, 8.7}, {9.1, 8.1}}, {{9.3, 9}, {8.9, 8}, {8.1, 6.8}}}, /* 000 */
	  {{{9.8, 9.5}, {9.5, 9.2}, {9, 8.4}}, {{9.3, 9.2}, {8.9, 8.1}, {8.1, 6.5}}, {{8.8, 8}, {7.8, 7}, {6.9, 4.8}}}, /* 001 */
	  {{{-1, 9.2}, {-1, 8.2}, {-1, 7.2}}, {{-1, 7.9}, {-1, 6.9}, {-1, 5}}, {{-1, 6.9}, {-1, 5.5}, {-1, 2.7}}}, /* 002 */
	 },
	 {
	  {{{9.9, 9.7}, {9.5, 9.2}, {9.2, 8.5}}, {{9.5, 9.1}, {9, 8.3}, {8.4, 7.1}}, {{9.2, 8.1}, {8.2, 7.1}, {7.2, 5.3}}}, /* 010 */
	  {{{9.5, 9.3}, {9.2, 8.5}, {8.5, 7.3}}, {{9.2, 8.2}, {8, 7.2}, {7, 5.9}}, {{8.4, 7}, {7.1, 5.2}, {5, 3}}}, /* 011 */
	  {{{-1, 8.6}, {-1, 7.5}, {-1, 5.2}}, {{-1, 7.1}, {-1, 5.2}, {-1, 2.9}}, {{-1, 6.3}, {-1, 2.9}, {-1, 1.7}}}, /* 012 */
	 },
	},
	{
	 {
	  {{{9.8, 9.5}, {9.4, 8.7}, {9.1, 8.1}}, {{9.4, 8.9}, {8.6, 7.4}, {7.7, 6.4}}, {{8.7, 7.5}, {7.4, 6.3}, {6.3, 4.9}}}, /* 100 */
	  {{{9.4, 8.9}, {8.8, 7.7}, {7.6, 6.7}}, {{8.6, 7.6}, {7.4, 5.8}, {5.9, 5}}, {{7.2, 5.7}, {5.7, 5.2}, {5.2, 2.5}}}, /* 101 */
	  {{{-1, 8.3}, {-1, 7}, {-1, 5.4}}, {{-1, 6.5}, {-1, 5.8}, {-1, 2.6}}, {{-1, 5.3}, {-1, 2.1}, {-1, 1.3}}}, /* 102 */
	 },
	 {
	  {{{9.5, 9}, {8.8, 7.6}, {7.6, 7}}, {{9, 7.7}, {7.5, 6.2}, {6.1, 5.3}}, {{7.7, 6.6}, {6.8, 5.9}, {5.2, 3}}}, /* 110 */
	  {{{8.9, 7.8}, {7.6, 6.7}, {6.2, 5.8}}, {{7.4, 5.9}, {5.7, 5.7}, {4.7, 2.3}}, {{6.1, 5.2}, {5.7, 2.9}, {2.4, 1.6}}}, /* 111 */
	  {{{-1, 7.1}, {-1, 5.9}, {-1, 3}}, {{-1, 5.8}, {-1, 2.6}, {-1, 1.5}}, {{-1, 2.3}, {-1, 1.3}, {-1, 0.6}}}, /* 112 */
	 },
	},
	{
	 {
	  {{{9.3, 8.7}, {8.6, 7.2}, {7.5, 5.8}}, {{8.6, 7.4}, {7.4, 6.1}, {5.6, 3.4}}, {{7, 5.4}, {5.2, 4}, {4, 2.2}}}, /* 200 */
	  {{{8.5, 7.5}, {7.4, 5.5}, {6.2, 5.1}}, {{7.2, 5.7}, {5.5, 4.1}, {4.6, 1.9}}, {{5.3, 3.6}, {3.4, 1.9}, {1.9, 0.8}}}, /* 201 */
	  {{{-1, 6.4}, {-1, 5.1}, {-1, 2}}, {{-1, 4.7}, {-1, 2.1}, {-1, 1.1}}, {{-1, 2.4}, {-1, 0.9}, {-1, 0.4}}}, /* 202 */
	 },
	 {
	  {{{8.8, 7.5}, {7.3, 5.3}, {6, 5}}, {{7.3, 5.5}, {5.9, 4}, {4.1, 2}}, {{5.4, 4.3}, {4.5, 2.2}, {2, 1.1}}}, /* 210 */
	  {{{7.5, 5.5}, {5.8, 4.5}, {4, 2.1}}, {{6.1, 5.1}, {4.8, 1.8}, {2, 0.9}}, {{4.6, 1.8}, {1.7, 0.7}, {0.8, 0.2}}}, /* 211 */
	  {{{-1, 5.3}, {-1, 2.4}, {-1, 1.4}}, {{-1, 2.4}, {-1, 1.2}, {-1, 0.5}}, {{-1, 1}, {-1, 0.3}, {-1, 0.1}}}, /* 212 */
	 },
	},
};

/* Severity levels within a metric (tenths), as the reference defines them. */
static double lvl(int metric, char c)
{
	switch (metric) {
	case V4_AV: return c == 'N' ? 0.0 : c == 'A' ? 0.1 : c == 'L' ? 0.2 : 0.3;
	case V4_PR: return c == 'N' ? 0.0 : c == 'L' ? 0.1 : 0.2;
	case V4_UI: return c == 'N' ? 0.0 : c == 'P' ? 0.1 : 0.2;
	case V4_AC: return c == 'L' ? 0.0 : 0.1;
	case V4_AT: return c == 'N' ? 0.0 : 0.1;
	case V4_VC: case V4_VI: case V4_VA: return c == 'H' ? 0.0 : c == 'L' ? 0.1 : 0.2;
	case V4_SC: return c == 'H' ? 0.1 : c == 'L' ? 0.2 : 0.3;
	case V4_SI: case V4_SA: return c == 'S' ? 0.0 : c == 'H' ? 0.1 : c == 'L' ? 0.2 : 0.3;
	case V4_CR: case V4_IR: case V4_AR: return c == 'H' ? 0.0 : c == 'M' ? 0.1 : 0.2;
	case V4_E: return c == 'U' ? 0.2 : c == 'P' ? 0.1 : 0.0;
	default: return 0;
	}
}

/* Effective value: X threat/requirement metrics take their worst case,
 * modified environmental metrics override the base metric. */
static char v4_eff(const int *v, int m)
{
	char c = v[m] >= 0 ? v4_metrics[m].values[v[m]][0] : 'X';
	if (m == V4_E && c == 'X')
		return 'A';
	if ((m == V4_CR || m == V4_IR || m == V4_AR) && c == 'X')
		return 'H';
	if (m <= V4_SA) {
		int mm = V4_MAV + m; /* MAV..MSA follow AV..SA in the same order */
		if (v[mm] >= 0 && v4_metrics[mm].values[v[mm]][0] != 'X')
			return v4_metrics[mm].values[v[mm]][0];
	}
	return c;
}

static double v4_lookup(int e1, int e2, int e3, int e4, int e5, int e6)
{
	if (e1 > 2 || e2 > 1 || e3 > 2 || e4 > 2 || e5 > 2 || e6 > 1)
		return NAN;
	double s = v4_table[e1][e2][e3][e4][e5][e6];
	return s < 0 ? NAN : s;
}

/* Highest-severity vectors of each equivalence class value (spec table 26+). */
static const char *const eq1_max[3][3] = {{"NNN"}, {"ANN", "NLN", "NNP"}, {"PNN", "ALP"}};           /* AV PR UI */
static const char *const eq2_max[2][2] = {{"LN"}, {"HN", "LP"}};                                     /* AC AT */
static const char *const eq36_max[3][2][5] = {                                                       /* VC VI VA CR IR AR */
	{{"HHHHHH"}, {"HHLMMH", "HHHMMM"}},
	{{"LHHHHH", "HLHHHH"}, {"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}},
	{{NULL}, {"LLLHHH"}},
};
static const char *const eq4_max[3] = {"HSS", "HHH", "LLL"}; /* SC SI SA */
static const char eq5_max[3] = {'A', 'P', 'U'};              /* E */

static int count(const char *const *a, int cap)
{
	int n = 0;
	while (n < cap && a[n])
		n++;
	return n;
}

static double v4_score(const int *v)
{
	char e[V4_COUNT];
	for (int m = 0; m <= V4_AR; m++)
		e[m] = v4_eff(v, m);
	if (e[V4_VC] == 'N' && e[V4_VI] == 'N' && e[V4_VA] == 'N' && e[V4_SC] == 'N' && e[V4_SI] == 'N' && e[V4_SA] == 'N')
		return 0.0;

	char av = e[V4_AV], pr = e[V4_PR], ui = e[V4_UI];
	int eq1 = (av == 'N' && pr == 'N' && ui == 'N') ? 0
		  : ((av == 'N' || pr == 'N' || ui == 'N') && av != 'P') ? 1 : 2;
	int eq2 = (e[V4_AC] == 'L' && e[V4_AT] == 'N') ? 0 : 1;
	char vc = e[V4_VC], vi = e[V4_VI], va = e[V4_VA];
	int eq3 = (vc == 'H' && vi == 'H') ? 0 : (vc == 'H' || vi == 'H' || va == 'H') ? 1 : 2;
	/* MSI/MSA:S is the only way to an 'S' effective value of SI/SA. */
	int eq4 = (e[V4_SI] == 'S' || e[V4_SA] == 'S') ? 0 : (e[V4_SC] == 'H' || e[V4_SI] == 'H' || e[V4_SA] == 'H') ? 1 : 2;
	int eq5 = e[V4_E] == 'A' ? 0 : e[V4_E] == 'P' ? 1 : 2;
	int eq6 = ((e[V4_CR] == 'H' && vc == 'H') || (e[V4_IR] == 'H' && vi == 'H') || (e[V4_AR] == 'H' && va == 'H')) ? 0 : 1;

	double value = v4_lookup(eq1, eq2, eq3, eq4, eq5, eq6);
	if (isnan(value))
		return 0.0; /* cannot happen for a parsed vector; keep UB-free */

	double next1 = v4_lookup(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
	double next2 = v4_lookup(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
	double next36;
	if (eq3 == 0 && eq6 == 0) {
		/* two lower MacroVectors: take the higher score */
		double l = v4_lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1), r = v4_lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
		next36 = (isnan(l) || isnan(r)) ? NAN : (l > r ? l : r);
	} else if (eq3 == 1 && eq6 == 0) {
		next36 = v4_lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
	} else if (eq6 == 1 && eq3 < 2) {
		next36 = v4_lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
	} else {
		next36 = NAN;
	}
	double next4 = v4_lookup(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
	double next5 = v4_lookup(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

	/* Severity distance from the first highest-severity vector of this
	 * MacroVector that is at least as severe in every metric. */
	static const int order[15] = {V4_AV, V4_PR, V4_UI, V4_AC, V4_AT, V4_VC, V4_VI, V4_VA,
				      V4_SC, V4_SI, V4_SA, V4_CR, V4_IR, V4_AR, V4_E};
	double d[V4_COUNT] = {0};
	const char *const *m1 = eq1_max[eq1], *const *m2 = eq2_max[eq2], *const *m36 = eq36_max[eq3][eq6];
	int n1 = count(m1, 3), n2 = count(m2, 2), n36 = count(m36, 5), found = 0;
	for (int i1 = 0; i1 < n1 && !found; i1++)
		for (int i2 = 0; i2 < n2 && !found; i2++)
			for (int i3 = 0; i3 < n36 && !found; i3++) {
				char mx[V4_COUNT];
				mx[V4_AV] = m1[i1][0], mx[V4_PR] = m1[i1][1], mx[V4_UI] = m1[i1][2];
				mx[V4_AC] = m2[i2][0], mx[V4_AT] = m2[i2][1];
				for (int k = 0; k < 3; k++)
					mx[V4_VC + k] = m36[i3][k], mx[V4_CR + k] = m36[i3][3 + k];
				for (int k = 0; k < 3; k++)
					mx[V4_SC + k] = eq4_max[eq4][k];
				mx[V4_E] = eq5_max[eq5];
				int ok = 1;
				for (int k = 0; k < 15; k++) {
					int m = order[k];
					d[m] = lvl(m, e[m]) - lvl(m, mx[m]);
					if (d[m] < 0)
						ok = 0;
				}
				found = ok;
			}

	double cur1 = d[V4_AV] + d[V4_PR] + d[V4_UI];
	double cur2 = d[V4_AC] + d[V4_AT];
	double cur36 = d[V4_VC] + d[V4_VI] + d[V4_VA] + d[V4_CR] + d[V4_IR] + d[V4_AR];
	double cur4 = d[V4_SC] + d[V4_SI] + d[V4_SA];

	/* Depth of each MacroVector ("max severity distance + 1"), in steps of 0.1. */
	static const int depth1[3] = {1, 4, 5}, depth2[2] = {1, 2}, depth4[3] = {6, 5, 4};
	static const int depth36[3][2] = {{7, 6}, {8, 8}, {0, 10}};
	const double step = 0.1;
	double max1 = depth1[eq1] * step, max2 = depth2[eq2] * step, max36 = depth36[eq3][eq6] * step,
	       max4 = depth4[eq4] * step;

	double avail1 = value - next1, avail2 = value - next2, avail36 = value - next36, avail4 = value - next4,
	       avail5 = value - next5;
	int n = 0;
	double s1 = 0, s2 = 0, s36 = 0, s4 = 0, s5 = 0;
	if (!isnan(avail1)) {
		n++;
		s1 = avail1 * (cur1 / max1);
	}
	if (!isnan(avail2)) {
		n++;
		s2 = avail2 * (cur2 / max2);
	}
	if (!isnan(avail36)) {
		n++;
		s36 = avail36 * (cur36 / max36);
	}
	if (!isnan(avail4)) {
		n++;
		s4 = avail4 * (cur4 / max4);
	}
	if (!isnan(avail5)) {
		n++;
		s5 = avail5 * 0; /* EQ5 has no depth: proportion is always 0 */
	}
	double mean = n == 0 ? 0 : (s1 + s2 + s36 + s4 + s5) / n;
	value -= mean;
	if (value < 0)
		value = 0;
	if (value > 10)
		value = 10;
	/* Round half up after lifting by 1e-6: the interpolation can land one ULP
	 * below an x.x5 tie (8.549999... for 8.55); FIRST's calculator adds the
	 * same epsilon (522 of the 104,976 base vectors depend on it). */
	return floor((value + 1e-6) * 10 + 0.5) / 10;
}

/* ------------------------------------------------------------------------ */

AWP_EXTERN int awp_cvss_score(double *out, awp_cvss_version *version, const char *vector)
{
	if (!out || !vector)
		return awp_error_set(AWP_EINVAL, "CVSS: NULL argument");
	if (version)
		*version = AWP_CVSS_NONE;
	size_t len = strnlen(vector, AWP_CVSS_MAX_VECTOR + 1);
	if (len > AWP_CVSS_MAX_VECTOR)
		return awp_error_set(AWP_ECORRUPT, "CVSS vector of more than %d bytes", AWP_CVSS_MAX_VECTOR);
	int val[MAX_METRICS];
	int err;
	awp_cvss_version ver;
	double score;
	if (strncmp(vector, "CVSS:3.0/", 9) == 0 || strncmp(vector, "CVSS:3.1/", 9) == 0) {
		ver = vector[7] == '1' ? AWP_CVSS_V31 : AWP_CVSS_V30;
		if ((err = parse_metrics(v3_metrics, vector + 9, vector, val)) < 0)
			return err;
		score = v3_score(val, ver == AWP_CVSS_V31);
	} else if (strncmp(vector, "CVSS:4.0/", 9) == 0) {
		ver = AWP_CVSS_V40;
		if ((err = parse_metrics(v4_metrics, vector + 9, vector, val)) < 0)
			return err;
		score = v4_score(val);
	} else if (strncmp(vector, "CVSS:", 5) == 0 && strncmp(vector, "CVSS:2.0/", 9) != 0) {
		return awp_error_set(AWP_ECORRUPT, "CVSS vector \"%s\": unknown version", vector);
	} else {
		ver = AWP_CVSS_V2;
		const char *body = strncmp(vector, "CVSS:2.0/", 9) == 0 ? vector + 9 : vector;
		if ((err = parse_metrics(v2_metrics, body, vector, val)) < 0)
			return err;
		score = v2_score(val);
	}
	*out = score;
	if (version)
		*version = ver;
	return 0;
}

AWP_EXTERN const char *awp_cvss_version_name(awp_cvss_version v)
{
	switch (v) {
	case AWP_CVSS_V2: return "2.0";
	case AWP_CVSS_V30: return "3.0";
	case AWP_CVSS_V31: return "3.1";
	case AWP_CVSS_V40: return "4.0";
	default: return "none";
	}
}

AWP_EXTERN const char *awp_cvss_rating(awp_cvss_version v, double score)
{
	if (v == AWP_CVSS_V2)
		return score >= 7.0 ? "high" : score >= 4.0 ? "medium" : "low";
	if (score >= 9.0)
		return "critical";
	if (score >= 7.0)
		return "high";
	if (score >= 4.0)
		return "medium";
	if (score >= 0.1)
		return "low";
	return "none";
}
