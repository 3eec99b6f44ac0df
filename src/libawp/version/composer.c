/*
 * version/composer.c - Packagist ordering: Composer's VersionParser::normalize
 * followed by PHP's version_compare, as Composer's Comparator does.
 *
 * normalize: trims, drops an @stability flag and +build metadata, then
 *  - classical versions v?N(.N){0,3} + modifier become N.N.N.N[-mod][-dev]
 *    (missing numbers are 0; modifier stable|beta|b|RC|alpha|a|patch|pl|p
 *    with an optional number, spelled alpha/beta/RC/patch; "stable" is the
 *    bare version),
 *  - date versions v?YYYY(sep?NN){1,6}(sep?N{1,3}){0,2} + modifier have
 *    their separators turned into '.',
 *  - numeric branches "1.x-dev" become 1.9999999.9999999.9999999-dev,
 *  - "dev-<name>" (and master/trunk/default) are branches: Composer orders
 *    them against nothing, so comparing one fails (equal names excepted);
 *  - anything else is invalid.
 * version_compare: '-', '_', '+' become '.', a '.' goes between letters and
 * digits, then parts compare: numbers by value; words by the first of dev <
 * alpha = a < beta = b < RC = rc < (number) < pl = p they start with (other
 * words are below dev); when one side has more parts, a number there wins
 * and a word is compared with "#N#" (the number rank), so 1.0 < 1.0.1,
 * 1.0-RC1 < 1.0 < 1.0-patch1.
 */
#include "version_int.h"

#include <stdint.h>

#define NBUF (AWP_VERSION_MAX_LEN + 64)
#define CBUF (2 * NBUF + 1)

struct mod {
	const char *stab; /* modifier word, NULL if none */
	size_t stablen;
	const char *num; /* its number part (separators included) */
	size_t numlen;
	bool dev;
	size_t end;
};

static bool ieq_at(const char *s, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);
	return len - i >= n && ver_ieq(s + i, n, w);
}

/* [._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*+)?)?([.-]?dev)?$ from s[i] */
static bool mod_tail(const char *s, size_t len, size_t i, struct mod *m)
{
	m->dev = false;
	if (i < len && (s[i] == '.' || s[i] == '-') && ieq_at(s, len, i + 1, "dev")) {
		i += 4;
		m->dev = true;
	} else if (ieq_at(s, len, i, "dev")) {
		i += 3;
		m->dev = true;
	}
	m->end = i;
	return i == len;
}

static bool mod_match(const char *s, size_t len, size_t i, struct mod *m)
{
	static const char *const words[] = {"stable", "beta", "b", "rc", "alpha", "a", "patch", "pl", "p"};
	for (int withsep = 1; withsep >= 0; withsep--) {
		size_t k = i;
		if (withsep) {
			if (k < len && (s[k] == '.' || s[k] == '_' || s[k] == '-'))
				k++;
			else
				continue;
		}
		for (int w = 0; w < 9; w++) {
			if (!ieq_at(s, len, k, words[w]))
				continue;
			size_t j = k + strlen(words[w]), ns = j;
			for (;;) { /* possessive (?:[.-]?\d+)* */
				size_t t = j;
				if (t < len && (s[t] == '.' || s[t] == '-'))
					t++;
				size_t d = ver_span_digits(s + t, len - t);
				if (d == 0)
					break;
				j = t + d;
			}
			m->stab = s + k;
			m->stablen = strlen(words[w]);
			m->num = s + ns;
			m->numlen = j - ns;
			if (mod_tail(s, len, j, m))
				return true;
		}
		m->stab = NULL;
		m->num = NULL;
		m->numlen = 0;
		if (mod_tail(s, len, k, m))
			return true;
	}
	return false;
}

struct out {
	char *buf;
	size_t n, cap;
};

static void put(struct out *o, const char *p, size_t n)
{
	if (o->n + n >= o->cap)
		n = o->n + 1 < o->cap ? o->cap - o->n - 1 : 0;
	memcpy(o->buf + o->n, p, n);
	o->n += n;
	o->buf[o->n] = 0;
}

static void puts_(struct out *o, const char *p) { put(o, p, strlen(p)); }

static void put_mod(struct out *o, const struct mod *m)
{
	if (m->stab) {
		if (m->stablen == 6 && memcmp(m->stab, "stable", 6) == 0)
			return;
		puts_(o, "-");
		if (ver_ieq(m->stab, m->stablen, "a") || ver_ieq(m->stab, m->stablen, "alpha"))
			puts_(o, "alpha");
		else if (ver_ieq(m->stab, m->stablen, "b") || ver_ieq(m->stab, m->stablen, "beta"))
			puts_(o, "beta");
		else if (ver_ieq(m->stab, m->stablen, "p") || ver_ieq(m->stab, m->stablen, "pl") ||
			 ver_ieq(m->stab, m->stablen, "patch"))
			puts_(o, "patch");
		else if (ver_ieq(m->stab, m->stablen, "rc"))
			puts_(o, "RC");
		else
			puts_(o, "stable"); /* "STABLE" and the like: strtolower'd */
		size_t k = 0;
		while (k < m->numlen && (m->num[k] == '.' || m->num[k] == '-'))
			k++;
		put(o, m->num + k, m->numlen - k);
	}
	if (m->dev)
		puts_(o, "-dev");
}

/* v?YYYY([.:-]?NN){1,6}([.:-]?N{1,3}){0,2} then the modifier, with regex
 * backtracking order (more repetitions first). */
static bool dt_match(const char *s, size_t len, size_t i, int twos, int tails, size_t *end1, struct mod *m)
{
	for (int withsep = 1; withsep >= 0; withsep--) {
		size_t k = i;
		if (withsep) {
			if (k < len && (s[k] == '.' || s[k] == ':' || s[k] == '-'))
				k++;
			else
				continue;
		}
		if (tails == 0 && twos < 6 && ver_span_digits(s + k, len - k) >= 2 &&
		    dt_match(s, len, k + 2, twos + 1, 0, end1, m))
			return true;
		if (twos >= 1 && tails < 2) {
			size_t d = ver_span_digits(s + k, len - k);
			for (size_t n = d < 3 ? d : 3; n >= 1; n--)
				if (dt_match(s, len, k + n, twos, tails + 1, end1, m))
					return true;
		}
	}
	if (twos >= 1 && mod_match(s, len, i, m)) {
		*end1 = i;
		return true;
	}
	return false;
}

static bool php_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0 || c == '\v'; }

/* Composer's normalize into o; 1 for a branch ("dev-..."), 0 for a version. */
static int normalize(struct out *o, const char *s0, size_t len0)
{
	const char *s = s0;
	size_t len = len0;
	while (len > 0 && php_space((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && php_space((unsigned char)s[len - 1]))
		len--;
	static const char *const flags[] = {"@stable", "@rc", "@beta", "@alpha", "@dev"};
	for (int k = 0; k < 5; k++) {
		size_t n = strlen(flags[k]);
		if (len >= n && ver_ieq(s + len - n, n, flags[k])) {
			len -= n;
			break;
		}
	}
	if ((len == 6 && memcmp(s, "master", 6) == 0) || (len == 5 && memcmp(s, "trunk", 5) == 0) ||
	    (len == 7 && memcmp(s, "default", 7) == 0)) {
		puts_(o, "dev-");
		put(o, s, len);
		return 1;
	}
	if (len >= 4 && ver_ieq(s, 4, "dev-")) {
		puts_(o, "dev-");
		put(o, s + 4, len - 4);
		return 1;
	}
	const char *plus = memchr(s, '+', len);
	if (plus && plus > s) {
		bool ok = true;
		for (const char *p = s; p < plus; p++)
			if (*p == ',' || php_space((unsigned char)*p))
				ok = false;
		for (const char *p = plus + 1; p < s + len; p++)
			if (php_space((unsigned char)*p))
				ok = false;
		if (ok && plus + 1 < s + len)
			len = (size_t)(plus - s);
	}
	size_t i = (len > 0 && (s[0] == 'v' || s[0] == 'V')) ? 1 : 0;
	struct mod m;
	/* Classical: \d{1,5}+ (possessive) then up to three .\d++ */
	size_t d = ver_span_digits(s + i, len - i);
	if (d >= 1) {
		size_t j = i + (d > 5 ? 5 : d);
		const char *part[3] = {NULL, NULL, NULL};
		size_t partlen[3] = {0, 0, 0};
		for (int k = 0; k < 3; k++) {
			size_t e = j < len && s[j] == '.' ? ver_span_digits(s + j + 1, len - j - 1) : 0;
			if (e == 0)
				break;
			part[k] = s + j;
			partlen[k] = e + 1;
			j += e + 1;
		}
		if (mod_match(s, len, j, &m)) {
			put(o, s + i, d > 5 ? 5 : d);
			for (int k = 0; k < 3; k++) {
				if (part[k])
					put(o, part[k], partlen[k]);
				else
					puts_(o, ".0");
			}
			put_mod(o, &m);
			return 0;
		}
	}
	size_t end1;
	if (d >= 4 && dt_match(s, len, i + 4, 0, 0, &end1, &m)) {
		for (size_t k = i; k < end1; k++)
			put(o, ver_isdigit((unsigned char)s[k]) ? s + k : ".", 1);
		put_mod(o, &m);
		return 0;
	}
	/* (.*?)[.-]?dev$ with a numeric branch name: 1.x-dev, 2.1.*-dev */
	if (len >= 3 && ver_ieq(s + len - 3, 3, "dev")) {
		size_t blen = len - 3;
		/* The lazy (.*?) keeps the separator out of the name. */
		if (blen > 0 && (s[blen - 1] == '.' || s[blen - 1] == '-'))
			blen--;
		const char *b = s;
		while (blen > 0 && php_space((unsigned char)*b)) {
			b++;
			blen--;
		}
		while (blen > 0 && php_space((unsigned char)b[blen - 1]))
			blen--;
		size_t k = (blen > 0 && (b[0] == 'v' || b[0] == 'V')) ? 1 : 0;
		size_t n = ver_span_digits(b + k, blen - k);
		if (n > 0) {
			size_t st = k;
			k += n;
			int parts = 1;
			bool ok = true;
			while (k < blen && parts < 4) {
				if (b[k] != '.' || k + 1 >= blen) {
					ok = false;
					break;
				}
				size_t e = ver_span_digits(b + k + 1, blen - k - 1);
				if (e == 0)
					e = (b[k + 1] == 'x' || b[k + 1] == 'X' || b[k + 1] == '*') ? 1 : 0;
				if (e == 0) {
					ok = false;
					break;
				}
				k += 1 + e;
				parts++;
			}
			if (ok && k == blen) {
				for (size_t p = st; p < blen; p++) {
					if (b[p] == 'x' || b[p] == 'X' || b[p] == '*')
						puts_(o, "9999999");
					else
						put(o, b + p, 1);
				}
				for (; parts < 4; parts++)
					puts_(o, ".9999999");
				puts_(o, "-dev");
				return 0;
			}
		}
	}
	return ver_invalid("composer", s0, len0, "invalid version string");
}

static void canonicalize(struct out *o, const char *v)
{
	size_t n = strlen(v);
	o->n = 0;
	o->buf[0] = 0;
	if (n == 0)
		return;
#define ISDIG(x) (ver_isdigit(x) && (x) != '.')
#define ISNDIG(x) (!ver_isdigit(x) && (x) != '.')
	unsigned char lp = (unsigned char)v[0];
	o->buf[o->n++] = v[0];
	for (size_t i = 1; i < n && o->n + 2 < o->cap; i++) {
		unsigned char c = (unsigned char)v[i];
		char lq = o->buf[o->n - 1];
		if (c == '-' || c == '_' || c == '+') {
			if (lq != '.')
				o->buf[o->n++] = '.';
		} else if ((ISNDIG(lp) && ISDIG(c)) || (ISDIG(lp) && ISNDIG(c))) {
			if (lq != '.')
				o->buf[o->n++] = '.';
			o->buf[o->n++] = (char)c;
		} else if (!ver_isalnum(c)) {
			if (lq != '.')
				o->buf[o->n++] = '.';
		} else {
			o->buf[o->n++] = (char)c;
		}
		lp = c;
	}
	o->buf[o->n] = 0;
#undef ISDIG
#undef ISNDIG
}

static int special(const char *p, size_t n)
{
	static const struct {
		const char *name;
		int order;
	} forms[] = {{"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2}, {"RC", 3},
		     {"rc", 3},  {"#", 4},     {"pl", 5}, {"p", 5}};
	for (size_t k = 0; k < sizeof(forms) / sizeof(forms[0]); k++) {
		size_t l = strlen(forms[k].name);
		if (n >= l && memcmp(p, forms[k].name, l) == 0)
			return forms[k].order;
	}
	return -1;
}

static long long php_strtol(const char *p, size_t n)
{
	long long v = 0;
	for (size_t i = 0; i < n && ver_isdigit((unsigned char)p[i]); i++) {
		if (v > (INT64_MAX - 9) / 10)
			return INT64_MAX;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* PHP's php_version_compare on canonical strings ("#N#" passes as is). */
static int php_vc(const char *v1, const char *v2, int depth)
{
	if (!*v1 || !*v2)
		return (*v1 != 0) - (*v2 != 0);
	const char *p1 = v1, *p2 = v2;
	bool n1 = true, n2 = true;
	int compare = 0;
	while (*p1 && *p2 && n1 && n2) {
		const char *e1 = strchr(p1, '.'), *e2 = strchr(p2, '.');
		n1 = e1 != NULL;
		n2 = e2 != NULL;
		size_t l1 = e1 ? (size_t)(e1 - p1) : strlen(p1), l2 = e2 ? (size_t)(e2 - p2) : strlen(p2);
		bool d1 = ver_isdigit((unsigned char)*p1), d2 = ver_isdigit((unsigned char)*p2);
		if (d1 && d2) {
			long long a = php_strtol(p1, l1), b = php_strtol(p2, l2);
			compare = (a > b) - (a < b);
		} else if (!d1 && !d2) {
			compare = ver_sign(special(p1, l1) - special(p2, l2));
		} else if (d1) {
			compare = ver_sign(special("#N#", 3) - special(p2, l2));
		} else {
			compare = ver_sign(special(p1, l1) - special("#N#", 3));
		}
		if (compare)
			break;
		if (n1)
			p1 = e1 + 1;
		if (n2)
			p2 = e2 + 1;
	}
	if (compare == 0 && depth < 64) { /* PHP recurses once per extra part */
		if (n1)
			compare = ver_isdigit((unsigned char)*p1) ? 1 : php_vc(p1, "#N#", depth + 1);
		else if (n2)
			compare = ver_isdigit((unsigned char)*p2) ? -1 : php_vc("#N#", p2, depth + 1);
	}
	return compare;
}

int ver_composer_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags)
{
	char na[NBUF], nb[NBUF], ca[CBUF], cb[CBUF];
	struct out oa = {na, 0, sizeof(na)}, ob = {nb, 0, sizeof(nb)};
	int ba, bb;
	(void)flags;
	na[0] = nb[0] = 0;
	if ((ba = normalize(&oa, a, alen)) < 0 || (bb = normalize(&ob, b, blen)) < 0)
		return ba < 0 ? ba : bb;
	if (ba || bb) {
		if (ba && bb && strcmp(na, nb) == 0) {
			*out = 0;
			return 0;
		}
		return ver_invalid("composer", ba ? a : b, ba ? alen : blen,
				   "a dev branch has no order against other versions");
	}
	struct out xa = {ca, 0, sizeof(ca)}, xb = {cb, 0, sizeof(cb)};
	canonicalize(&xa, na);
	canonicalize(&xb, nb);
	*out = php_vc(ca, cb, 0);
	return 0;
}
