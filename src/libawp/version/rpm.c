/*
 * version/rpm.c - RPM ordering: rpmvercmp over [epoch:]version[-release].
 *
 * rpmvercmp (rpm >= 4.15): strings are split into alphanumeric segments;
 * every other character is a separator, and all separators weigh the same.
 * '~' sorts before anything, the end of the string included (1.0~rc1 <
 * 1.0); '^' sorts after the end of the string but before any further
 * segment (1.0 < 1.0^git1 < 1.0.1). A numeric segment beats an alphabetic
 * one; numbers compare by value, letters byte-wise.
 *
 * EVR: the epoch is the leading digits before ':' (missing = 0), the
 * release is after the last '-', and releases are compared only when both
 * sides have one (as rpm's rpmverCmp). rpm accepts any string, so nothing
 * here is ever invalid.
 */
#include "version_int.h"

static bool sep(int c) { return !ver_isalnum(c) && c != '~' && c != '^'; }

static int vercmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0;
	if (alen == blen && memcmp(a, b, alen) == 0)
		return 0;
	while (i < alen || j < blen) {
		while (i < alen && sep((unsigned char)a[i]))
			i++;
		while (j < blen && sep((unsigned char)b[j]))
			j++;
		char ca = i < alen ? a[i] : 0, cb = j < blen ? b[j] : 0;
		if (ca == '~' || cb == '~') {
			if (ca != '~')
				return 1;
			if (cb != '~')
				return -1;
			i++;
			j++;
			continue;
		}
		if (ca == '^' || cb == '^') {
			if (!ca)
				return -1;
			if (!cb)
				return 1;
			if (ca != '^')
				return 1;
			if (cb != '^')
				return -1;
			i++;
			j++;
			continue;
		}
		if (!ca || !cb)
			break;
		size_t si = i, sj = j;
		bool isnum = ver_isdigit((unsigned char)ca);
		if (isnum) {
			while (i < alen && ver_isdigit((unsigned char)a[i]))
				i++;
			while (j < blen && ver_isdigit((unsigned char)b[j]))
				j++;
		} else {
			while (i < alen && ver_isalpha((unsigned char)a[i]))
				i++;
			while (j < blen && ver_isalpha((unsigned char)b[j]))
				j++;
		}
		/* Segments of different types: numeric is newer. */
		if (j == sj)
			return isnum ? 1 : -1;
		int r = isnum ? ver_numcmp(a + si, i - si, b + sj, j - sj)
			      : ver_bytecmp(a + si, i - si, b + sj, j - sj);
		if (r)
			return r;
	}
	if (i >= alen && j >= blen)
		return 0;
	return i >= alen ? -1 : 1;
}

struct evr {
	const char *e, *v, *r;
	size_t elen, vlen, rlen;
	bool has_r;
};

static void split(struct evr *x, const char *s, size_t len)
{
	size_t d = ver_span_digits(s, len);
	size_t start = 0;
	x->e = "0";
	x->elen = 1;
	if (d < len && s[d] == ':') {
		x->e = s;
		x->elen = d;
		start = d + 1;
	}
	/* The release separator is the last '-' after the epoch digits. */
	size_t hy = len;
	for (size_t k = len; k > d; k--)
		if (s[k - 1] == '-') {
			hy = k - 1;
			break;
		}
	if (hy < start)
		hy = len;
	x->v = s + start;
	x->vlen = hy - start;
	x->has_r = hy < len;
	x->r = x->has_r ? s + hy + 1 : "";
	x->rlen = x->has_r ? len - hy - 1 : 0;
}

int ver_rpm_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags)
{
	struct evr x, y;
	(void)flags;
	split(&x, a, alen);
	split(&y, b, blen);
	int r = ver_numcmp(x.e, x.elen, y.e, y.elen);
	if (!r)
		r = vercmp(x.v, x.vlen, y.v, y.vlen);
	if (!r && x.has_r && y.has_r)
		r = vercmp(x.r, x.rlen, y.r, y.rlen);
	*out = r;
	return 0;
}
