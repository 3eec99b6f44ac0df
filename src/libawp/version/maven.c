/*
 * version/maven.c - Maven ordering, as maven-artifact's ComparableVersion
 * (3.8.x; the test vectors are checked against 3.8.7).
 *
 * Parsing (case-insensitive) splits the string into items at '.', at '-',
 * and at every digit/letter transition. Numbers are integer items,
 * everything else string items. '-' and each transition open a new list
 * nested in the current one, so a version is a chain of lists: every list
 * holds some items and, as its last element, possibly the next list. Each
 * list then drops its trailing "null" items (0, "", "ga", "final",
 * "release", an empty list) -- including the ones just before a nested list.
 *
 * Comparison walks two lists in parallel, a missing element counting as
 * null: numbers by value; qualifiers alpha < beta < milestone < rc = cr <
 * snapshot < "" = ga = final = release < sp < any other string
 * (alphabetical); int > list > string; a, b, m directly followed by a
 * digit mean alpha, beta, milestone.
 *
 * The chain is kept as one flat array: a LIST element stands for "the rest
 * of the array is my nested list". Maven accepts every string.
 */
#include "version_int.h"

#include <stdlib.h>

enum kind { K_INT, K_STR, K_LIST };

struct item {
	enum kind kind;
	const char *p; /* digits without leading zeros, or the raw qualifier */
	size_t n;
};

struct mv {
	struct item *it;
	size_t n, cap;
};

/* Qualifier ranks; unknown qualifiers rank 7 and then compare by text. */
#define Q_RELEASE 5
#define Q_UNKNOWN 7

static int qrank(const char *p, size_t n)
{
	static const char *const q[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
	if (ver_ieq(p, n, "ga") || ver_ieq(p, n, "final") || ver_ieq(p, n, "release"))
		return Q_RELEASE;
	if (ver_ieq(p, n, "cr"))
		return 3;
	for (int i = 0; i < 7; i++)
		if (ver_ieq(p, n, q[i]))
			return i;
	return Q_UNKNOWN;
}

static void add(struct mv *v, enum kind k, const char *p, size_t n)
{
	if (k == K_INT)
		while (n > 0 && *p == '0') {
			p++;
			n--;
		}
	v->it[v->n++] = (struct item){k, p, n};
}

/* A string item directly followed by a digit: "a1" is alpha-1, and so on. */
static void add_str(struct mv *v, const char *p, size_t n, bool followed_by_digit)
{
	if (followed_by_digit && n == 1) {
		switch (ver_tolower((unsigned char)*p)) {
		case 'a':
			p = "alpha";
			n = 5;
			break;
		case 'b':
			p = "beta";
			n = 4;
			break;
		case 'm':
			p = "milestone";
			n = 9;
			break;
		default:
			break;
		}
	}
	add(v, K_STR, p, n);
}

/* Index of the first item of the innermost (current) list. */
static size_t level_start(const struct mv *v)
{
	size_t i = v->n;
	while (i > 0 && v->it[i - 1].kind != K_LIST)
		i--;
	return i;
}

static void parse(struct mv *v, const char *s, size_t len)
{
	bool isdig = false;
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '.' || c == '-') {
			if (i == start)
				add(v, K_INT, "0", 1);
			else if (isdig)
				add(v, K_INT, s + start, i - start);
			else
				add_str(v, s + start, i - start, false);
			start = i + 1;
			if (c == '-')
				add(v, K_LIST, NULL, 0);
		} else if (ver_isdigit((unsigned char)c)) {
			if (!isdig && i > start) {
				/* MNG-7644: ".X1" reads as "-X1", so 1.0.0.X1 < 1.0.0-X2 */
				if (v->n > level_start(v))
					add(v, K_LIST, NULL, 0);
				add_str(v, s + start, i - start, true);
				start = i;
				add(v, K_LIST, NULL, 0);
			}
			isdig = true;
		} else {
			if (isdig && i > start) {
				add(v, K_INT, s + start, i - start);
				start = i;
				add(v, K_LIST, NULL, 0);
			}
			isdig = false;
		}
	}
	if (len > start) {
		if (isdig) {
			add(v, K_INT, s + start, len - start);
		} else {
			if (v->n > level_start(v))
				add(v, K_LIST, NULL, 0);
			add_str(v, s + start, len - start, false);
		}
	}
}

static bool is_null(const struct item *it)
{
	if (it->kind == K_INT)
		return it->n == 0;
	if (it->kind == K_STR)
		return qrank(it->p, it->n) == Q_RELEASE;
	return false; /* lists are handled by normalize() */
}

/* Drop trailing null items of every list, innermost first, and lists that
 * end up empty. Compacts v->it in place. */
static void normalize(struct mv *v)
{
	bool child_nonempty = false;
	size_t end = v->n;
	/* Walk the levels from the innermost: a level is the items after the
	 * previous LIST marker up to the next one (or the end). */
	size_t i = v->n;
	while (true) {
		size_t start = end;
		while (start > 0 && v->it[start - 1].kind != K_LIST)
			start--;
		/* level items are [start, end); the marker after them is at end (if any). */
		if (end < v->n && v->it[end].kind == K_LIST && !child_nonempty)
			v->it[end].kind = (enum kind)-1; /* drop the empty nested list */
		size_t j = end;
		while (j > start && is_null(&v->it[j - 1])) {
			v->it[j - 1].kind = (enum kind)-1;
			j--;
		}
		child_nonempty = j > start || child_nonempty;
		if (start == 0)
			break;
		end = start - 1; /* the marker that opened this level */
		i = end;
	}
	(void)i;
	size_t w = 0;
	for (size_t r = 0; r < v->n; r++)
		if ((int)v->it[r].kind != -1)
			v->it[w++] = v->it[r];
	v->n = w;
}

static int strcmp_q(const struct item *a, const struct item *b)
{
	int ra = qrank(a->p, a->n), rb = qrank(b->p, b->n);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra != Q_UNKNOWN)
		return 0;
	size_t n = a->n < b->n ? a->n : b->n;
	for (size_t k = 0; k < n; k++) {
		int d = ver_tolower((unsigned char)a->p[k]) - ver_tolower((unsigned char)b->p[k]);
		if (d)
			return d < 0 ? -1 : 1;
	}
	return (a->n > b->n) - (a->n < b->n);
}

static int item_null(const struct item *it)
{
	if (it->kind == K_INT)
		return it->n ? 1 : 0;
	return ver_sign(qrank(it->p, it->n) - Q_RELEASE);
}

/* The list whose elements start at v->it[i], compared with null: an empty
 * list is null, otherwise its first element decides. */
static int list_null(const struct mv *v, size_t i)
{
	while (i < v->n && v->it[i].kind == K_LIST)
		i++;
	return i < v->n ? item_null(&v->it[i]) : 0;
}

/* The rest of the current level from v->it[i], each element against null. */
static int rest_null(const struct mv *v, size_t i)
{
	for (; i < v->n; i++) {
		if (v->it[i].kind == K_LIST)
			return list_null(v, i + 1);
		int r = item_null(&v->it[i]);
		if (r)
			return r;
	}
	return 0;
}

static int kind_order(enum kind k)
{
	return k == K_INT ? 2 : k == K_LIST ? 1 : 0;
}

static int listcmp(const struct mv *a, const struct mv *b)
{
	size_t i = 0, j = 0;
	for (;;) {
		bool ha = i < a->n, hb = j < b->n;
		int r;
		if (!ha && !hb)
			return 0;
		if (!ha)
			return -rest_null(b, j);
		if (!hb)
			return rest_null(a, i);
		const struct item *x = &a->it[i], *y = &b->it[j];
		if (x->kind == K_LIST && y->kind == K_LIST) {
			/* Both lists end here: the result is their comparison. */
			i++;
			j++;
			continue;
		}
		if (x->kind == K_LIST) {
			/* The other list still has items after this level's end. */
			r = kind_order(x->kind) - kind_order(y->kind);
			return r < 0 ? -1 : 1;
		}
		if (x->kind != y->kind) {
			r = kind_order(x->kind) - kind_order(y->kind);
			return r < 0 ? -1 : 1;
		}
		r = x->kind == K_INT ? ver_numcmp(x->p, x->n, y->p, y->n) : strcmp_q(x, y);
		if (r)
			return r;
		i++;
		j++;
	}
}

int ver_maven_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags)
{
	struct item sa[AWP_MAX_MAVEN_STACK_ITEMS], sb[AWP_MAX_MAVEN_STACK_ITEMS];
	struct mv x = {sa, 0, AWP_MAX_MAVEN_STACK_ITEMS}, y = {sb, 0, AWP_MAX_MAVEN_STACK_ITEMS};
	int err = 0;
	(void)flags;
	/* At most two items per byte (an item and a list marker), plus one. */
	if (2 * alen + 1 > x.cap) {
		x.cap = 2 * alen + 1;
		if (!(x.it = malloc(x.cap * sizeof(*x.it)))) {
			err = awp_error_set(AWP_ENOMEM, "maven version: out of memory");
			goto done;
		}
	}
	if (2 * blen + 1 > y.cap) {
		y.cap = 2 * blen + 1;
		if (!(y.it = malloc(y.cap * sizeof(*y.it)))) {
			err = awp_error_set(AWP_ENOMEM, "maven version: out of memory");
			goto done;
		}
	}
	parse(&x, a, alen);
	parse(&y, b, blen);
	normalize(&x);
	normalize(&y);
	*out = listcmp(&x, &y);
done:
	if (x.it != sa)
		free(x.it);
	if (y.it != sb)
		free(y.it);
	return err;
}
