/*
 * version/pep440.c - Python package versions (PEP 440), as pypa/packaging.
 *
 *   [v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]
 *
 * parsed with every spelling PEP 440 normalises: case-insensitive, blanks
 * around, a leading 'v', '-', '_' or '.' (or nothing) before the pre, post
 * and dev parts, alpha/beta/c/pre/preview for a/b/rc, rev/r for post, an
 * implicit post release "1.0-1", implicit numbers ("1.0a" = 1.0a0).
 *
 * Order (packaging's _cmpkey): epoch; release with trailing zeros dropped;
 * pre (a < b < rc; a dev-only release sorts before every pre-release of the
 * same release, a final release after them); post (none first); dev (none
 * last); local (none first; segments: numbers above strings, numbers by
 * value, strings case-insensitively). Numbers can be any size.
 */
#include "version_int.h"

struct num {
	const char *p;
	size_t n;
};

struct pv {
	struct num epoch;
	const char *rel; /* "1.2.3" */
	size_t rellen;
	int pre_kind; /* -1: dev-only (below all), 0 a, 1 b, 2 rc, 3: none (above all) */
	struct num pre;
	bool has_post;
	struct num post;
	bool has_dev;
	struct num dev;
	const char *local; /* lowercase compare; NULL if none */
	size_t locallen;
};

static bool sepc(int c) { return c == '-' || c == '_' || c == '.'; }

struct cur {
	const char *s;
	size_t len, i;
};

static bool opt_sep(struct cur *c)
{
	if (c->i < c->len && sepc((unsigned char)c->s[c->i])) {
		c->i++;
		return true;
	}
	return false;
}

/* Match one of the lowercase words at the cursor (first match wins, as the
 * regex alternation); returns its index or -1. */
static int word(struct cur *c, const char *const *words, int n)
{
	for (int k = 0; k < n; k++) {
		size_t wl = strlen(words[k]);
		if (c->len - c->i >= wl && ver_ieq(c->s + c->i, wl, words[k])) {
			c->i += wl;
			return k;
		}
	}
	return -1;
}

static struct num digits(struct cur *c)
{
	struct num r = {c->s + c->i, ver_span_digits(c->s + c->i, c->len - c->i)};
	c->i += r.n;
	return r;
}

static int parse(struct pv *v, const char *s0, size_t len0)
{
	static const char *const pre_words[] = {"alpha", "a", "beta", "b", "preview", "pre", "c", "rc"};
	static const int pre_kind[] = {0, 0, 1, 1, 2, 2, 2, 2};
	static const char *const post_words[] = {"post", "rev", "r"};
	static const char *const dev_words[] = {"dev"};
	struct cur c = {s0, len0, 0};
	while (c.len > 0 && (c.s[c.len - 1] == ' ' || (c.s[c.len - 1] >= '\t' && c.s[c.len - 1] <= '\r')))
		c.len--;
	while (c.i < c.len && (c.s[c.i] == ' ' || (c.s[c.i] >= '\t' && c.s[c.i] <= '\r')))
		c.i++;
	memset(v, 0, sizeof(*v));
	v->epoch.p = "0";
	v->epoch.n = 1;
	if (c.i < c.len && (c.s[c.i] == 'v' || c.s[c.i] == 'V'))
		c.i++;
	struct num n = digits(&c);
	if (n.n == 0)
		return ver_invalid("pep440", s0, len0, "no release number");
	if (c.i < c.len && c.s[c.i] == '!') {
		v->epoch = n;
		c.i++;
		n = digits(&c);
		if (n.n == 0)
			return ver_invalid("pep440", s0, len0, "no release number after epoch");
	}
	v->rel = n.p;
	while (c.i + 1 < c.len && c.s[c.i] == '.' && ver_isdigit((unsigned char)c.s[c.i + 1])) {
		c.i++;
		digits(&c);
	}
	v->rellen = (size_t)(c.s + c.i - v->rel);

	/* Each optional part: try it, and rewind when it does not match. */
	size_t save = c.i;
	opt_sep(&c);
	int k = word(&c, pre_words, 8);
	v->pre_kind = 3;
	if (k >= 0) {
		v->pre_kind = pre_kind[k];
		opt_sep(&c);
		v->pre = digits(&c);
	} else {
		c.i = save;
	}

	save = c.i;
	if (c.i + 1 < c.len && c.s[c.i] == '-' && ver_isdigit((unsigned char)c.s[c.i + 1])) {
		c.i++;
		v->has_post = true;
		v->post = digits(&c);
	} else {
		opt_sep(&c);
		if (word(&c, post_words, 3) >= 0) {
			v->has_post = true;
			opt_sep(&c);
			v->post = digits(&c);
		} else {
			c.i = save;
		}
	}

	save = c.i;
	opt_sep(&c);
	if (word(&c, dev_words, 1) >= 0) {
		v->has_dev = true;
		opt_sep(&c);
		v->dev = digits(&c);
	} else {
		c.i = save;
	}

	if (c.i < c.len && c.s[c.i] == '+') {
		c.i++;
		size_t st = c.i;
		for (;;) {
			size_t a = c.i;
			while (c.i < c.len && ver_isalnum((unsigned char)c.s[c.i]))
				c.i++;
			if (c.i == a)
				return ver_invalid("pep440", s0, len0, "invalid local version");
			if (c.i + 1 < c.len && sepc((unsigned char)c.s[c.i]) &&
			    ver_isalnum((unsigned char)c.s[c.i + 1])) {
				c.i++;
				continue;
			}
			break;
		}
		v->local = c.s + st;
		v->locallen = c.i - st;
	}
	if (c.i != c.len)
		return ver_invalid("pep440", s0, len0, "invalid version syntax");
	if (v->pre_kind == 3 && !v->has_post && v->has_dev)
		v->pre_kind = -1;
	return 0;
}

/* Release segments compared with the shorter one padded by zeros. */
static int relcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0;
	while (i < alen || j < blen) {
		size_t an = ver_span_digits(a + i, alen - i), bn = ver_span_digits(b + j, blen - j);
		int r = ver_numcmp(a + i, an, b + j, bn); /* an empty run is 0 */
		if (r)
			return r;
		i += an;
		j += bn;
		if (i < alen)
			i++;
		if (j < blen)
			j++;
	}
	return 0;
}

static int localcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	size_t i = 0, j = 0;
	for (;;) {
		if (i >= alen || j >= blen)
			return (i < alen) - (j < blen);
		size_t ie = i, je = j;
		while (ie < alen && !sepc((unsigned char)a[ie]))
			ie++;
		while (je < blen && !sepc((unsigned char)b[je]))
			je++;
		bool an = ver_span_digits(a + i, ie - i) == ie - i;
		bool bn = ver_span_digits(b + j, je - j) == je - j;
		int r = 0;
		if (an && bn) {
			r = ver_numcmp(a + i, ie - i, b + j, je - j);
		} else if (an != bn) {
			r = an ? 1 : -1;
		} else {
			size_t k = 0;
			while (!r && i + k < ie && j + k < je) {
				r = ver_sign(ver_tolower((unsigned char)a[i + k]) - ver_tolower((unsigned char)b[j + k]));
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

int ver_pep440_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags)
{
	struct pv x, y;
	int err;
	(void)flags;
	if ((err = parse(&x, a, alen)) < 0 || (err = parse(&y, b, blen)) < 0)
		return err;
	int r = ver_numcmp(x.epoch.p, x.epoch.n, y.epoch.p, y.epoch.n);
	if (!r)
		r = relcmp(x.rel, x.rellen, y.rel, y.rellen);
	if (!r)
		r = ver_sign(x.pre_kind - y.pre_kind);
	if (!r && x.pre_kind >= 0 && x.pre_kind <= 2)
		r = ver_numcmp(x.pre.p, x.pre.n, y.pre.p, y.pre.n);
	if (!r)
		r = (x.has_post > y.has_post) - (x.has_post < y.has_post);
	if (!r && x.has_post)
		r = ver_numcmp(x.post.p, x.post.n, y.post.p, y.post.n);
	if (!r)
		r = (x.has_dev < y.has_dev) - (x.has_dev > y.has_dev);
	if (!r && x.has_dev)
		r = ver_numcmp(x.dev.p, x.dev.n, y.dev.p, y.dev.n);
	if (!r)
		r = localcmp(x.local, x.locallen, y.local, y.locallen);
	*out = r;
	return 0;
}
