/*
 * version/dpkg.c - Debian version ordering, as `dpkg --compare-versions`.
 *
 * [epoch:]upstream[-revision] (deb-version(7)): the epoch is an integer, the
 * revision is after the LAST '-'. Upstream and revision are compared by
 * alternating runs: a non-digit run compares character by character with
 * '~' below everything (even the end), letters below other characters; a
 * digit run compares by value. A missing revision equals "0".
 *
 * dpkg refuses (and so do we): empty strings, embedded blanks, a bad epoch,
 * nothing after ':', an empty revision after '-', an empty upstream part.
 * It only warns (and still compares) on other odd characters, and so we
 * accept them too.
 */
#include "version_int.h"

#include <limits.h>

struct dver {
	unsigned long epoch;
	const char *up;
	size_t uplen;
	const char *rev;
	size_t revlen;
};

static bool blank(int c) { return c == ' ' || c == '\t'; }

static int parse(struct dver *v, const char *s, size_t len)
{
	const char *orig = s;
	size_t origlen = len;
	while (len > 0 && blank((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && blank((unsigned char)s[len - 1]))
		len--;
	if (len == 0)
		return ver_invalid("dpkg", orig, origlen, "version string is empty");
	for (size_t i = 0; i < len; i++)
		if (blank((unsigned char)s[i]))
			return ver_invalid("dpkg", orig, origlen, "version string has embedded spaces");
	v->epoch = 0;
	const char *colon = memchr(s, ':', len);
	if (colon) {
		size_t n = (size_t)(colon - s);
		if (n == 0)
			return ver_invalid("dpkg", orig, origlen, "epoch in version is empty");
		unsigned long e = 0;
		for (size_t i = 0; i < n; i++) {
			if (!ver_isdigit((unsigned char)s[i]))
				return ver_invalid("dpkg", orig, origlen, "epoch in version is not number");
			e = e * 10 + (unsigned long)(s[i] - '0');
			if (e > INT_MAX)
				return ver_invalid("dpkg", orig, origlen, "epoch in version is too big");
		}
		v->epoch = e;
		len -= n + 1;
		s = colon + 1;
		if (len == 0)
			return ver_invalid("dpkg", orig, origlen, "nothing after colon in version number");
	}
	const char *hy = NULL;
	for (size_t i = len; i > 0; i--)
		if (s[i - 1] == '-') {
			hy = s + i - 1;
			break;
		}
	if (hy) {
		v->up = s;
		v->uplen = (size_t)(hy - s);
		v->rev = hy + 1;
		v->revlen = len - v->uplen - 1;
		if (v->revlen == 0)
			return ver_invalid("dpkg", orig, origlen, "revision number is empty");
	} else {
		v->up = s;
		v->uplen = len;
		v->rev = "";
		v->revlen = 0;
	}
	if (v->uplen == 0)
		return ver_invalid("dpkg", orig, origlen, "version number is empty");
	return 0;
}

/* Weight of a character in a non-digit run; the end of the string is 0. */
static int order(const char *s, size_t i, size_t len)
{
	if (i >= len)
		return 0;
	int c = (unsigned char)s[i];
	if (ver_isdigit(c))
		return 0;
	if (ver_isalpha(c))
		return c;
	if (c == '~')
		return -1;
	return c + 256;
}

static int verrevcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0;
	while (i < alen || j < blen) {
		while ((i < alen && !ver_isdigit((unsigned char)a[i])) ||
		       (j < blen && !ver_isdigit((unsigned char)b[j]))) {
			int ac = order(a, i, alen), bc = order(b, j, blen);
			if (ac != bc)
				return ac < bc ? -1 : 1;
			i++;
			j++;
		}
		size_t an = ver_span_digits(a + i, alen - i);
		size_t bn = ver_span_digits(b + j, blen - j);
		int r = ver_numcmp(a + i, an, b + j, bn);
		if (r)
			return r;
		i += an;
		j += bn;
	}
	return 0;
}

int ver_dpkg_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags)
{
	struct dver va, vb;
	int err;
	(void)flags;
	if ((err = parse(&va, a, alen)) < 0 || (err = parse(&vb, b, blen)) < 0)
		return err;
	if (va.epoch != vb.epoch) {
		*out = va.epoch < vb.epoch ? -1 : 1;
		return 0;
	}
	int r = verrevcmp(va.up, va.uplen, vb.up, vb.uplen);
	if (!r)
		r = verrevcmp(va.rev, va.revlen, vb.rev, vb.revlen);
	*out = r;
	return 0;
}
