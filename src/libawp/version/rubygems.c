/*
 * version/rubygems.c - RubyGems ordering, as Gem::Version#<=>.
 *
 * Valid: blanks around [0-9]+(.[0-9A-Za-z]+)*(-[0-9A-Za-z-]+(.[0-9A-Za-z-]+)*)?
 * or nothing at all (which is "0"). Each '-' reads as ".pre.". Segments are
 * the runs of digits and of letters. Canonical segments: the numeric ones
 * before the first string segment, then the rest, each part with trailing
 * zeros dropped (so 1.0.a == 1.a). Compared left to right, missing = 0: a
 * string is below a number (a prerelease), numbers by value, strings
 * byte-wise.
 */
#include "version_int.h"

struct seg {
	bool num;
	const char *p;
	size_t n;
};

struct cur {
	const char *s;
	size_t len, i;
	bool in_strings; /* a string segment was seen: zero-skipping rule ends */
};

static bool rb_space(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static int validate(const char *s0, size_t len0, const char **s, size_t *len)
{
	const char *p = s0;
	size_t n = len0;
	while (n > 0 && rb_space((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n > 0 && rb_space((unsigned char)p[n - 1]))
		n--;
	*s = p;
	*len = n;
	if (n == 0)
		return 0;
	size_t i = ver_span_digits(p, n);
	if (i == 0)
		return ver_invalid("rubygems", s0, len0, "Malformed version number string");
	while (i < n && p[i] == '.') {
		size_t k = i + 1;
		while (k < n && ver_isalnum((unsigned char)p[k]))
			k++;
		if (k == i + 1)
			return ver_invalid("rubygems", s0, len0, "Malformed version number string");
		i = k;
	}
	if (i < n && p[i] == '-') {
		for (;;) {
			size_t k = i + 1;
			while (k < n && (ver_isalnum((unsigned char)p[k]) || p[k] == '-'))
				k++;
			if (k == i + 1)
				return ver_invalid("rubygems", s0, len0, "Malformed version number string");
			i = k;
			if (i < n && p[i] == '.')
				continue;
			break;
		}
	}
	if (i != n)
		return ver_invalid("rubygems", s0, len0, "Malformed version number string");
	return 0;
}

/* Next raw segment; '-' yields the segment "pre". */
static bool raw_next(struct cur *c, struct seg *out)
{
	while (c->i < c->len) {
		char ch = c->s[c->i];
		if (ch == '-') {
			c->i++;
			*out = (struct seg){false, "pre", 3};
			return true;
		}
		if (ver_isdigit((unsigned char)ch)) {
			size_t n = ver_span_digits(c->s + c->i, c->len - c->i);
			*out = (struct seg){true, c->s + c->i, n};
			c->i += n;
			return true;
		}
		if (ver_isalpha((unsigned char)ch)) {
			size_t k = c->i;
			while (k < c->len && ver_isalpha((unsigned char)c->s[k]))
				k++;
			*out = (struct seg){false, c->s + c->i, k - c->i};
			c->i = k;
			return true;
		}
		c->i++;
	}
	return false;
}

static bool is_zero(const struct seg *s) { return s->num && ver_numcmp(s->p, s->n, "0", 1) == 0; }

/* Next canonical segment: in the numeric part, a run of zeros that reaches
 * the first string segment is dropped. (Trailing zeros at the very end need
 * no care: missing segments compare as 0 anyway.) */
static bool next(struct cur *c, struct seg *out)
{
	for (;;) {
		if (!raw_next(c, out))
			return false;
		if (!out->num)
			c->in_strings = true;
		if (c->in_strings || !is_zero(out))
			return true;
		/* A zero in the numeric part: look ahead past the zeros. */
		struct cur look = *c;
		struct seg s;
		bool more = raw_next(&look, &s);
		while (more && is_zero(&s))
			more = raw_next(&look, &s);
		if (more && s.num)
			return true; /* a non-zero number follows: keep this zero */
		/* Zeros up to a string segment or the end: skip them all. */
		*c = look;
		if (!more)
			return false;
		c->in_strings = true;
		*out = s;
		return true;
	}
}

int ver_gem_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags)
{
	const char *sa, *sb;
	size_t la, lb;
	int err;
	(void)flags;
	if ((err = validate(a, alen, &sa, &la)) < 0 || (err = validate(b, blen, &sb, &lb)) < 0)
		return err;
	struct cur ca = {sa, la, 0, false}, cb = {sb, lb, 0, false};
	for (;;) {
		struct seg x, y;
		bool hx = next(&ca, &x), hy = next(&cb, &y);
		if (!hx && !hy)
			break;
		if (!hx)
			x = (struct seg){true, "0", 1};
		if (!hy)
			y = (struct seg){true, "0", 1};
		int r;
		if (x.num && y.num)
			r = ver_numcmp(x.p, x.n, y.p, y.n);
		else if (x.num != y.num)
			r = x.num ? 1 : -1;
		else
			r = ver_bytecmp(x.p, x.n, y.p, y.n);
		if (r) {
			*out = r;
			return 0;
		}
	}
	*out = 0;
	return 0;
}
