/*
 * version/semver.c - SemVer 2.0 orderings: node-semver (npm, crates.io, Hex,
 * Pub) and Go modules (golang.org/x/mod/semver).
 *
 * Both order MAJOR.MINOR.PATCH by value, then a version without prerelease
 * above one with, then prerelease identifiers left to right: numeric ones
 * by value and below alphanumeric ones, alphanumeric ones byte-wise, a
 * shorter list first when it is a prefix. Build metadata (+...) is ignored,
 * which is what makes Go's "+incompatible" and pseudo-versions
 * (v0.0.0-20191109021931-daa7c04131f5, a prerelease) order correctly.
 *
 * node-semver: parsed with its loose grammar (what `semver.compare(a, b,
 * {loose: true})` takes): surrounding blanks, any run of 'v', '=' and blanks
 * before the numbers, leading zeros, and a prerelease without its '-'
 * (1.2.3beta). Numbers above 2^53-1 are refused, as node-semver does.
 *
 * Go: x/mod grammar: shorthand v1 and v1.2 mean v1.0.0 and v1.2.0 (but
 * take no prerelease or build), no leading zeros, numbers of any size. The
 * leading 'v' is optional here because OSV writes Go versions without it.
 * With AWP_VERSION_LENIENT an invalid string sorts below every valid one,
 * as semver.Compare does.
 */
#include "version_int.h"

#define MAX_SAFE_INTEGER_DIGITS 16
static const char max_safe_integer[] = "9007199254740991";

static bool ident_char(int c) { return ver_isalnum(c) || c == '-'; }

/* Dot-separated non-empty identifiers of [0-9A-Za-z-] from s[*i]; returns false if none. */
static bool idents(const char *s, size_t len, size_t *i, bool no_leading_zero)
{
	size_t start = *i;
	for (;;) {
		size_t k = *i;
		bool alldig = true;
		while (k < len && ident_char((unsigned char)s[k])) {
			if (!ver_isdigit((unsigned char)s[k]))
				alldig = false;
			k++;
		}
		if (k == *i)
			return false;
		if (no_leading_zero && alldig && k - *i > 1 && s[*i] == '0')
			return false;
		*i = k;
		if (k < len && s[k] == '.' && k + 1 < len) {
			(*i)++;
			continue;
		}
		return *i > start;
	}
}

static bool js_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

static int parse_node(struct ver_sv *v, const char *s0, size_t len0)
{
	const char *s = s0;
	size_t len = len0;
	while (len > 0 && js_space((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && js_space((unsigned char)s[len - 1]))
		len--;
	size_t i = 0;
	while (i < len && (s[i] == 'v' || s[i] == '=' || js_space((unsigned char)s[i])))
		i++;
	for (int k = 0; k < 3; k++) {
		if (k > 0) {
			if (i >= len || s[i] != '.')
				return ver_invalid("semver", s0, len0, "expected MAJOR.MINOR.PATCH");
			i++;
		}
		size_t n = ver_span_digits(s + i, len - i);
		if (n == 0)
			return ver_invalid("semver", s0, len0, "expected MAJOR.MINOR.PATCH");
		v->num[k] = s + i;
		v->numlen[k] = n;
		i += n;
		if (ver_numcmp(v->num[k], n, max_safe_integer, MAX_SAFE_INTEGER_DIGITS) > 0)
			return ver_invalid("semver", s0, len0, "number larger than 2^53-1");
	}
	v->pre = NULL;
	v->prelen = 0;
	if (i < len && s[i] != '+') {
		/* Loose: the '-' is optional; a '-' not followed by an identifier
		 * character is itself the start of one. */
		if (s[i] == '-' && i + 1 < len && ident_char((unsigned char)s[i + 1]))
			i++;
		size_t st = i;
		if (!idents(s, len, &i, false))
			return ver_invalid("semver", s0, len0, "invalid prerelease");
		v->pre = s + st;
		v->prelen = i - st;
	}
	if (i < len && s[i] == '+') {
		i++;
		if (!idents(s, len, &i, false))
			return ver_invalid("semver", s0, len0, "invalid build metadata");
	}
	if (i != len)
		return ver_invalid("semver", s0, len0, "unexpected characters");
	return 0;
}

static bool go_num(const char *s, size_t len, size_t *i, const char **out, size_t *outlen)
{
	size_t n = ver_span_digits(s + *i, len - *i);
	if (n == 0 || (n > 1 && s[*i] == '0'))
		return false;
	*out = s + *i;
	*outlen = n;
	*i += n;
	return true;
}

static int parse_go(struct ver_sv *v, const char *s, size_t len)
{
	size_t i = 0;
	if (i < len && s[i] == 'v')
		i++;
	v->pre = NULL;
	v->prelen = 0;
	v->num[1] = v->num[2] = "0";
	v->numlen[1] = v->numlen[2] = 1;
	for (int k = 0; k < 3; k++) {
		if (k > 0) {
			if (i == len)
				return 0; /* shorthand v1 / v1.2 */
			if (s[i] != '.')
				return ver_invalid("go", s, len, "expected vMAJOR[.MINOR[.PATCH]]");
			i++;
		}
		if (!go_num(s, len, &i, &v->num[k], &v->numlen[k]))
			return ver_invalid("go", s, len, "bad number (empty or leading zero)");
	}
	if (i < len && s[i] == '-') {
		i++;
		size_t st = i;
		if (!idents(s, len, &i, true))
			return ver_invalid("go", s, len, "invalid prerelease");
		v->pre = s + st;
		v->prelen = i - st;
	}
	if (i < len && s[i] == '+') {
		i++;
		if (!idents(s, len, &i, false))
			return ver_invalid("go", s, len, "invalid build metadata");
	}
	if (i != len)
		return ver_invalid("go", s, len, "unexpected characters");
	return 0;
}

static bool all_digits(const char *s, size_t n)
{
	return ver_span_digits(s, n) == n;
}

static int precmp(const char *a, size_t alen, const char *b, size_t blen)
{
	if (!a || !b)
		return (a == NULL) - (b == NULL); /* no prerelease is higher */
	size_t i = 0, j = 0;
	for (;;) {
		if (i >= alen || j >= blen)
			return (i < alen) - (j < blen);
		size_t ie = i, je = j;
		while (ie < alen && a[ie] != '.')
			ie++;
		while (je < blen && b[je] != '.')
			je++;
		bool an = all_digits(a + i, ie - i), bn = all_digits(b + j, je - j);
		int r;
		if (an && bn)
			r = ver_numcmp(a + i, ie - i, b + j, je - j);
		else if (an != bn)
			r = an ? -1 : 1;
		else
			r = ver_bytecmp(a + i, ie - i, b + j, je - j);
		if (r)
			return r;
		i = ie < alen ? ie + 1 : ie;
		j = je < blen ? je + 1 : je;
	}
}

int ver_sv_cmp(const struct ver_sv *x, const struct ver_sv *y)
{
	for (int k = 0; k < 3; k++) {
		int r = ver_numcmp(x->num[k], x->numlen[k], y->num[k], y->numlen[k]);
		if (r)
			return r;
	}
	return precmp(x->pre, x->prelen, y->pre, y->prelen);
}

int ver_semver_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags)
{
	struct ver_sv x, y;
	int err;
	(void)flags;
	if ((err = parse_node(&x, a, alen)) < 0 || (err = parse_node(&y, b, blen)) < 0)
		return err;
	*out = ver_sv_cmp(&x, &y);
	return 0;
}

int ver_go_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags)
{
	struct ver_sv x, y;
	bool lenient = flags & AWP_VERSION_LENIENT;
	int ea = parse_go(&x, a, alen);
	if (ea < 0 && !lenient)
		return ea;
	int eb = parse_go(&y, b, blen);
	if (eb < 0 && !lenient)
		return eb;
	if (ea < 0 || eb < 0) {
		awp_error_clear();
		*out = (ea == 0) - (eb == 0);
		return 0;
	}
	*out = ver_sv_cmp(&x, &y);
	return 0;
}
