/*
 * version/nuget.c - NuGet ordering, as NuGetVersion.TryParse and
 * VersionComparer.Default.
 *
 * N[.N[.N[.N]]][-label(.label)*][+metadata]: 1 to 4 numbers (each a
 * non-negative Int32, missing ones are 0), blanks around allowed. Labels
 * are [0-9A-Za-z-]+, numeric ones without leading zeros. Order: the four
 * numbers, then a release above any prerelease, then labels left to right
 * (numeric ones by value and below others, others case-insensitively; a
 * shorter list first). Metadata is ignored.
 */
#include "version_int.h"

struct nv {
	const char *num[4];
	size_t numlen[4];
	const char *pre;
	size_t prelen;
};

static bool label_char(int c) { return ver_isalnum(c) || c == '-'; }
static bool ws(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* Dot-separated labels in s[i..end); false on an empty or bad one. */
static bool labels(const char *s, size_t i, size_t end, bool allow_leading_zero)
{
	for (;;) {
		size_t k = i;
		while (k < end && s[k] != '.') {
			if (!label_char((unsigned char)s[k]))
				return false;
			k++;
		}
		if (k == i)
			return false;
		if (!allow_leading_zero && s[i] == '0' && k - i > 1 && ver_span_digits(s + i, k - i) == k - i)
			return false;
		if (k == end)
			return true;
		i = k + 1;
	}
}

static int parse(struct nv *v, const char *s0, size_t len0)
{
	const char *s = s0;
	size_t len = len0;
	while (len > 0 && ws((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && ws((unsigned char)s[len - 1]))
		len--;
	size_t i = 0;
	int parts = 0;
	for (int k = 0; k < 4; k++) {
		v->num[k] = "0";
		v->numlen[k] = 1;
	}
	for (;;) {
		size_t n = ver_span_digits(s + i, len - i);
		if (n == 0 || ver_numcmp(s + i, n, "2147483647", 10) > 0)
			return ver_invalid("nuget", s0, len0, "invalid version number");
		v->num[parts] = s + i;
		v->numlen[parts] = n;
		parts++;
		i += n;
		if (i < len && s[i] == '.' && parts < 4) {
			i++;
			continue;
		}
		break;
	}
	v->pre = NULL;
	v->prelen = 0;
	size_t plus = i;
	while (plus < len && s[plus] != '+')
		plus++;
	if (i < len && s[i] == '-') {
		if (!labels(s, i + 1, plus, false))
			return ver_invalid("nuget", s0, len0, "invalid release label");
		v->pre = s + i + 1;
		v->prelen = plus - i - 1;
		i = plus;
	}
	if (i < len && s[i] == '+') {
		if (!labels(s, i + 1, len, true))
			return ver_invalid("nuget", s0, len0, "invalid metadata");
		i = len;
	}
	if (i != len)
		return ver_invalid("nuget", s0, len0, "invalid version syntax");
	return 0;
}

static bool int32_label(const char *p, size_t n)
{
	return n > 0 && ver_span_digits(p, n) == n && ver_numcmp(p, n, "2147483647", 10) <= 0;
}

static int labelcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0;
	for (;;) {
		if (i >= alen || j >= blen)
			return (i < alen) - (j < blen);
		size_t ie = i, je = j;
		while (ie < alen && a[ie] != '.')
			ie++;
		while (je < blen && b[je] != '.')
			je++;
		bool an = int32_label(a + i, ie - i), bn = int32_label(b + j, je - j);
		int r = 0;
		if (an && bn) {
			r = ver_numcmp(a + i, ie - i, b + j, je - j);
		} else if (an != bn) {
			r = an ? -1 : 1;
		} else {
			/* OrdinalIgnoreCase compares upper-cased characters. */
			size_t k = 0;
			while (!r && i + k < ie && j + k < je) {
				int ca = (unsigned char)a[i + k], cb = (unsigned char)b[j + k];
				if (ver_islower(ca))
					ca -= 'a' - 'A';
				if (ver_islower(cb))
					cb -= 'a' - 'A';
				r = ver_sign(ca - cb);
				k++;
			}
			if (!r)
				r = ver_sign((long long)(ie - i) - (long long)(je - j));
		}
		if (r)
			return r;
		i = ie < alen ? ie + 1 : ie;
		j = je < blen ? je + 1 : je;
	}
}

int ver_nuget_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags)
{
	struct nv x, y;
	int err;
	(void)flags;
	if ((err = parse(&x, a, alen)) < 0 || (err = parse(&y, b, blen)) < 0)
		return err;
	int r = 0;
	for (int k = 0; k < 4 && !r; k++)
		r = ver_numcmp(x.num[k], x.numlen[k], y.num[k], y.numlen[k]);
	if (!r)
		r = (x.pre == NULL) - (y.pre == NULL);
	if (!r && x.pre)
		r = labelcmp(x.pre, x.prelen, y.pre, y.prelen);
	*out = r;
	return 0;
}
