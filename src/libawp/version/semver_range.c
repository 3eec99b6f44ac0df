/*
 * version/semver_range.c - npm ranges: node-semver 7.x Range and satisfies().
 *
 * node-semver turns a range into sets of primitive comparators by string
 * rewriting, and the results on unusual input depend on every step, so
 * this file replays the same steps in the same order (node-semver 7.8,
 * classes/range.js), each on the same expressions (semver_re.c):
 *
 *   Range:      JS-trim, white space runs -> ' ', split on "||", trim each
 *   parseRange: strip build metadata (+...), hyphen range -> ">=A <=B",
 *               "> 1" -> ">1", "~ 1" -> "~1", "^ 1" -> "^1", split on ' ',
 *               parseComparator each, join, split on white space,
 *               ">=0.0.0" -> "", in loose mode drop what is not a comparator
 *   parseComparator: carets, tildes, X-ranges -> primitive comparators,
 *               then '*' -> ""
 *   Comparator: operator + version (SemVer parse, strict or loose)
 *
 * then the set-level rules (a set with "<0.0.0-0" matches nothing; with
 * several sets, a set that is only "any" replaces them all) and testSet's
 * prerelease rule. Numbers made by the rewriting (`+M + 1`) are formatted
 * as JavaScript formats them, because past 2^53 that decides whether the
 * comparator is invalid (range rejected) or, from 1e21 on, not a
 * comparator at all (dropped in loose mode).
 *
 * JavaScript strings are UTF-16; the input here is UTF-8. Only white space
 * matters to the grammar, so the other JavaScript white space characters
 * (U+00A0, U+2028, U+3000, U+FEFF, ...) are turned into one space each
 * before anything else, which keeps lengths in UTF-16 units for ASCII text.
 *
 * Comparison reuses the SemVer ordering of semver.c (ver_sv_cmp).
 */
#include "semver_re.h"
#include "version_int.h"

#include "util/strbuf.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static const char max_safe_integer[] = "9007199254740991"; /* Number.MAX_SAFE_INTEGER */

struct str {
	const char *p; /* NULL: a capture that did not take part (JS undefined) */
	size_t n;
};

enum { OP_EQ, OP_LT, OP_LE, OP_GT, OP_GE };

struct cmpr {
	uint8_t op;
	bool any;  /* the empty comparator: every version */
	bool null; /* "<0.0.0-0": no version */
	struct ver_sv v;
};

struct rset {
	struct cmpr *c;
	size_t n;
	bool null, any;
};

/* Chunked arena: stable pointers, freed at once. */
struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct arena {
	struct chunk *head;
	size_t total;
};

struct awp_semver_range {
	struct arena keep; /* comparator version strings */
	struct rset *sets;
	size_t nsets;
	unsigned flags;
};

struct pctx {
	struct arena tmp; /* rewritten text, freed after parsing */
	struct arena *keep;
	struct sre_work w;
	bool loose, incpr;
	struct str range; /* normalized range, for messages */
};

/* ---- small helpers ---- */

static void *aalloc(struct arena *a, size_t n, int *err)
{
	size_t need = (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
	if (!a->head || a->head->cap - a->head->used < need) {
		size_t cap = need > 4096 ? need : 4096;
		if (a->total + cap > AWP_MAX_SEMVER_RANGE_MEM) {
			*err = awp_error_set(AWP_ELIMIT, "semver: range rewriting uses more than %u bytes",
					     AWP_MAX_SEMVER_RANGE_MEM);
			return NULL;
		}
		struct chunk *ch = malloc(sizeof *ch + cap);
		if (!ch) {
			*err = awp_error_set(AWP_ENOMEM, "semver: out of memory");
			return NULL;
		}
		ch->next = a->head;
		ch->used = 0;
		ch->cap = cap;
		a->head = ch;
		a->total += cap;
	}
	void *p = (unsigned char *)a->head->data + a->head->used;
	a->head->used += need;
	return p;
}

static void afree(struct arena *a)
{
	while (a->head) {
		struct chunk *n = a->head->next;
		free(a->head);
		a->head = n;
	}
	a->total = 0;
}

static int intern(struct arena *a, const char *p, size_t n, struct str *out)
{
	int err = 0;
	char *d = aalloc(a, n + 1, &err);
	if (!d)
		return err;
	if (n)
		memcpy(d, p, n);
	d[n] = 0;
	*out = (struct str){d, n};
	return 0;
}

static bool js_ws(int ch) { return ch == ' ' || (ch >= '\t' && ch <= '\r'); }

/* Length of a JavaScript white space character other than ASCII at s (UTF-8), or 0. */
static size_t uni_ws(const unsigned char *s, size_t n)
{
	if (n >= 2 && s[0] == 0xc2 && s[1] == 0xa0)
		return 2; /* U+00A0 */
	if (n < 3)
		return 0;
	if ((s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80) ||                    /* U+1680 */
	    (s[0] == 0xe2 && s[1] == 0x80 && (s[2] <= 0x8a || s[2] == 0xa8 ||   /* U+2000-200A, 2028 */
					      s[2] == 0xa9 || s[2] == 0xaf)) ||   /* U+2029, 202F */
	    (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) ||                    /* U+205F */
	    (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80) ||                    /* U+3000 */
	    (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf))                      /* U+FEFF */
		return s[2] >= 0x80 ? 3 : 0;
	return 0;
}

static struct str trim(struct str s)
{
	while (s.n && js_ws((unsigned char)s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && js_ws((unsigned char)s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool is_x(struct str id)
{
	return !id.p || id.n == 0 || (id.n == 1 && (id.p[0] == 'x' || id.p[0] == 'X' || id.p[0] == '*'));
}

static bool eq(struct str s, const char *lit) { return s.p && s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0; }

static struct str cap(struct str s, const struct sre_match *m, int g)
{
	if (m->start[g] == SRE_NONE)
		return (struct str){NULL, 0};
	return (struct str){s.p + m->start[g], m->end[g] - m->start[g]};
}

static int put_lit(awp_strbuf *sb, const char *lit) { return awp_strbuf_puts(sb, lit) < 0; }

static int put_str(awp_strbuf *sb, struct str s) { return s.n ? awp_strbuf_add(sb, s.p, s.n) < 0 : 0; }

/* Append `+digits + 1` as JavaScript prints it. */
static int put_inc(awp_strbuf *sb, struct str d)
{
	size_t i = 0;
	while (i < d.n && d.p[i] == '0')
		i++;
	size_t nd = d.n - i;
	if (nd <= 15) {
		unsigned long long v = 0;
		for (; i < d.n; i++)
			v = v * 10 + (unsigned)(d.p[i] - '0');
		return awp_strbuf_printf(sb, "%llu", v + 1) < 0;
	}
	if (nd > 300) /* far beyond 1e21 */
		return put_lit(sb, "1e+300");
	char buf[304];
	memcpy(buf, d.p + i, nd);
	buf[nd] = 0;
	double v = strtod(buf, NULL) + 1.0;
	/* From 1e21 on JavaScript uses exponent form (never a valid number
	 * here); below it prints the integer, which is past 2^53 anyway. */
	return awp_strbuf_printf(sb, v >= 1e21 ? "%.17g" : "%.0f", v) < 0;
}

#define L(x) (e |= put_lit(sb, (x)))
#define S(x) (e |= put_str(sb, (x)))
#define I(x) (e |= put_inc(sb, (x)))
#define DONE() return e ? AWP_ENOMEM : 0

static int rx(struct pctx *c, enum sre_id id, struct str s, size_t from, struct sre_match *m)
{
	return sre_exec(id, s.p, s.n, from, m, &c->w);
}

typedef int (*repl_fn)(struct pctx *c, struct str s, const struct sre_match *m, awp_strbuf *sb);

/* String.prototype.replace with a regular expression (global or first match only). */
static int replace(struct pctx *c, enum sre_id id, struct str s, bool global, repl_fn fn, struct str *out)
{
	awp_strbuf sb = AWP_STRBUF_INIT;
	struct sre_match m;
	size_t from = 0, last = 0;
	bool any = false;
	int err = 0, r;
	while (from <= s.n && (r = rx(c, id, s, from, &m)) != 0) {
		if (r < 0) {
			err = r;
			goto done;
		}
		any = true;
		if ((err = awp_strbuf_add(&sb, s.p + last, m.start[0] - last)) < 0)
			goto done;
		if (fn && (err = fn(c, s, &m, &sb)) < 0)
			goto done;
		last = m.end[0];
		if (!global)
			break;
		from = m.end[0] > m.start[0] ? m.end[0] : m.end[0] + 1;
	}
	if (!any) {
		*out = s;
		goto done;
	}
	if ((err = awp_strbuf_add(&sb, s.p + last, s.n - last)) < 0)
		goto done;
	err = intern(&c->tmp, sb.ptr, sb.len, out);
done:
	awp_strbuf_free(&sb);
	return err;
}

/* ---- the rewriting callbacks (range.js, same names) ---- */

static int repl_trim3(struct pctx *c, struct str s, const struct sre_match *m, awp_strbuf *sb)
{
	int e = 0;
	(void)c;
	S(cap(s, m, 1));
	S(cap(s, m, 2));
	S(cap(s, m, 3));
	DONE();
}

static int repl_tilde_trim(struct pctx *c, struct str s, const struct sre_match *m, awp_strbuf *sb)
{
	int e = 0;
	(void)c;
	S(cap(s, m, 1));
	L("~");
	DONE();
}

static int repl_caret_trim(struct pctx *c, struct str s, const struct sre_match *m, awp_strbuf *sb)
{
	int e = 0;
	(void)c;
	S(cap(s, m, 1));
	L("^");
	DONE();
}

static int repl_hyphen(struct pctx *c, struct str s, const struct sre_match *m, awp_strbuf *out)
{
	struct str from = cap(s, m, 1), fM = cap(s, m, 2), fm = cap(s, m, 3), fp = cap(s, m, 4),
		   fpr = cap(s, m, 5), to = cap(s, m, 7), tM = cap(s, m, 8), tm = cap(s, m, 9),
		   tp = cap(s, m, 10), tpr = cap(s, m, 11);
	const char *z = c->incpr ? "-0" : "";
	awp_strbuf tmp = AWP_STRBUF_INIT, *sb = &tmp;
	int e = 0;
	if (is_x(fM)) {
	} else if (is_x(fm)) {
		L(">="), S(fM), L(".0.0"), L(z);
	} else if (is_x(fp)) {
		L(">="), S(fM), L("."), S(fm), L(".0"), L(z);
	} else if (fpr.n) {
		L(">="), S(from);
	} else {
		L(">="), S(from), L(z);
	}
	L(" ");
	if (is_x(tM)) {
	} else if (is_x(tm)) {
		L("<"), I(tM), L(".0.0-0");
	} else if (is_x(tp)) {
		L("<"), S(tM), L("."), I(tm), L(".0-0");
	} else if (tpr.n) {
		L("<="), S(tM), L("."), S(tm), L("."), S(tp), L("-"), S(tpr);
	} else if (c->incpr) {
		L("<"), S(tM), L("."), S(tm), L("."), I(tp), L("-0");
	} else {
		L("<="), S(to);
	}
	if (!e) {
		struct str t = trim((struct str){awp_strbuf_cstr(&tmp), tmp.len});
		e = put_str(out, t);
	}
	awp_strbuf_free(&tmp);
	DONE();
}

static int repl_tilde(struct pctx *c, struct str s, const struct sre_match *m, awp_strbuf *sb)
{
	struct str M = cap(s, m, 1), mi = cap(s, m, 2), p = cap(s, m, 3), pr = cap(s, m, 4);
	const char *z = c->incpr ? "-0" : "";
	int e = 0;
	if (is_x(M))
		return 0;
	if (is_x(mi))
		L(">="), S(M), L(".0.0"), L(z), L(" <"), I(M), L(".0.0-0");
	else if (is_x(p))
		L(">="), S(M), L("."), S(mi), L(".0"), L(z), L(" <"), S(M), L("."), I(mi), L(".0-0");
	else if (pr.n)
		L(">="), S(M), L("."), S(mi), L("."), S(p), L("-"), S(pr), L(" <"), S(M), L("."), I(mi),
			L(".0-0");
	else
		L(">="), S(M), L("."), S(mi), L("."), S(p), L(" <"), S(M), L("."), I(mi), L(".0-0");
	DONE();
}

static int repl_caret(struct pctx *c, struct str s, const struct sre_match *m, awp_strbuf *sb)
{
	struct str M = cap(s, m, 1), mi = cap(s, m, 2), p = cap(s, m, 3), pr = cap(s, m, 4);
	const char *z = c->incpr ? "-0" : "";
	bool M0 = eq(M, "0"), m0 = eq(mi, "0");
	int e = 0;
	if (is_x(M))
		return 0;
	if (is_x(mi)) {
		L(">="), S(M), L(".0.0"), L(z), L(" <"), I(M), L(".0.0-0");
	} else if (is_x(p)) {
		L(">="), S(M), L("."), S(mi), L(".0"), L(z);
		if (M0)
			L(" <"), S(M), L("."), I(mi), L(".0-0");
		else
			L(" <"), I(M), L(".0.0-0");
	} else {
		L(">="), S(M), L("."), S(mi), L("."), S(p);
		if (pr.n)
			L("-"), S(pr);
		if (M0 && m0)
			L(" <"), S(M), L("."), S(mi), L("."), I(p), L("-0");
		else if (M0)
			L(" <"), S(M), L("."), I(mi), L(".0-0");
		else
			L(" <"), I(M), L(".0.0-0");
	}
	DONE();
}

static int repl_xrange(struct pctx *c, struct str s, const struct sre_match *m, awp_strbuf *sb)
{
	struct str gtlt = cap(s, m, 1), M = cap(s, m, 2), mi = cap(s, m, 3), p = cap(s, m, 4);
	int e = 0;
	/* invalidXRangeOrder: "x.1", "1.x.2" stay as they are (and fail later). */
	if ((is_x(M) && !is_x(mi)) || (is_x(mi) && p.n && !is_x(p))) {
		S(cap(s, m, 0));
		DONE();
	}
	bool xM = is_x(M), xm = xM || is_x(mi), xp = xm || is_x(p);
	if (eq(gtlt, "=") && xp)
		gtlt.n = 0;
	const char *pr = c->incpr ? "-0" : "";
	if (xM) {
		L(eq(gtlt, ">") || eq(gtlt, "<") ? "<0.0.0-0" : "*");
	} else if (gtlt.n && xp) {
		/* M and m are the captured text unless incremented (then a JS number). */
		bool incM = false, incm = false;
		struct str mm = xm ? (struct str){"0", 1} : mi;
		const char *op;
		if (eq(gtlt, ">")) {
			op = ">=";
			if (xm)
				incM = true;
			else
				incm = true;
		} else if (eq(gtlt, "<=")) {
			op = "<";
			if (xm)
				incM = true;
			else
				incm = true;
		} else {
			op = eq(gtlt, "<") ? "<" : ">=";
		}
		if (strcmp(op, "<") == 0)
			pr = "-0";
		L(op);
		if (incM)
			I(M);
		else
			S(M);
		L(".");
		if (incm)
			I(mm);
		else
			S(mm);
		L(".0"), L(pr);
	} else if (xm) {
		L(">="), S(M), L(".0.0"), L(pr), L(" <"), I(M), L(".0.0-0");
	} else if (xp) {
		L(">="), S(M), L("."), S(mi), L(".0"), L(pr), L(" <"), S(M), L("."), I(mi), L(".0-0");
	} else {
		S(cap(s, m, 0));
	}
	DONE();
}

/* One token through an anchored expression: replaced when it matches. */
static int map_token(struct pctx *c, struct str tok, enum sre_id id, repl_fn fn, awp_strbuf *sb)
{
	struct sre_match m;
	int r = rx(c, id, tok, 0, &m);
	if (r < 0)
		return r;
	if (r == 0)
		return put_str(sb, tok) ? AWP_ENOMEM : 0;
	if (put_str(sb, (struct str){tok.p, m.start[0]}))
		return AWP_ENOMEM;
	if ((r = fn(c, tok, &m, sb)) < 0)
		return r;
	return put_str(sb, (struct str){tok.p + m.end[0], tok.n - m.end[0]}) ? AWP_ENOMEM : 0;
}

/* s.split(/\s+/).map(token through id).join(' ') */
static int map_ws(struct pctx *c, struct str s, enum sre_id id, repl_fn fn, struct str *out)
{
	awp_strbuf sb = AWP_STRBUF_INIT;
	size_t i = 0;
	int err;
	for (;;) {
		size_t j = i;
		while (j < s.n && !js_ws((unsigned char)s.p[j]))
			j++;
		if (i > 0 && (err = awp_strbuf_putc(&sb, ' ')) < 0)
			goto done;
		if ((err = map_token(c, (struct str){s.p + i, j - i}, id, fn, &sb)) < 0)
			goto done;
		if (j == s.n)
			break;
		while (j < s.n && js_ws((unsigned char)s.p[j]))
			j++;
		i = j;
	}
	err = intern(&c->tmp, sb.ptr, sb.len, out);
done:
	awp_strbuf_free(&sb);
	return err;
}

/* parseComparator: carets, tildes, X-ranges, stars. */
static int parse_comparator(struct pctx *c, struct str t, awp_strbuf *joined)
{
	int err;
	if ((err = replace(c, SRE_BUILD, t, false, NULL, &t)) < 0 ||
	    (err = map_ws(c, trim(t), c->loose ? SRE_CARET_L : SRE_CARET, repl_caret, &t)) < 0 ||
	    (err = map_ws(c, trim(t), c->loose ? SRE_TILDE_L : SRE_TILDE, repl_tilde, &t)) < 0 ||
	    (err = map_ws(c, t, c->loose ? SRE_XRANGE_L : SRE_XRANGE, repl_xrange, &t)) < 0 ||
	    (err = replace(c, SRE_STAR, trim(t), false, NULL, &t)) < 0)
		return err;
	return put_str(joined, t) ? AWP_ENOMEM : 0;
}

static int range_invalid(struct pctx *c, const char *what, struct str s, const char *why)
{
	int rn = c->range.n > 200 ? 200 : (int)c->range.n, sn = s.n > 200 ? 200 : (int)s.n;
	return awp_error_set(AWP_ECORRUPT, "npm range '%.*s%s': %s '%.*s': %s", rn, c->range.p,
			     c->range.n > 200 ? "..." : "", what, sn, s.p ? s.p : "", why);
}

/* new SemVer(s, {loose}): fills v with pointers into s. Returns NULL or why not. */
static const char *parse_version(const char *s, size_t n, bool loose, struct ver_sv *v, struct sre_work *w,
				 int *err)
{
	struct sre_match m;
	*err = 0;
	if (n > AWP_MAX_SEMVER_NODE_LEN)
		return "longer than 256 characters";
	struct str t = trim((struct str){s, n});
	int r = sre_exec(loose ? SRE_LOOSE : SRE_FULL, t.p, t.n, 0, &m, w);
	if (r < 0) {
		*err = r;
		return "too complex";
	}
	if (r == 0)
		return loose ? "not a version (loose)" : "not a version";
	for (int k = 0; k < 3; k++) {
		struct str d = cap(t, &m, k + 1);
		if (ver_numcmp(d.p, d.n, max_safe_integer, sizeof max_safe_integer - 1) > 0)
			return "number larger than 2^53-1";
		v->num[k] = d.p;
		v->numlen[k] = d.n;
	}
	struct str pre = cap(t, &m, 4);
	v->pre = pre.n ? pre.p : NULL;
	v->prelen = pre.n;
	return NULL;
}

/* new Comparator(g, options) */
static int new_comparator(struct pctx *c, struct str g, struct cmpr *out)
{
	struct sre_match m;
	int r = rx(c, c->loose ? SRE_COMPARATOR_L : SRE_COMPARATOR, g, 0, &m);
	if (r < 0)
		return r;
	if (r == 0)
		return range_invalid(c, "comparator", g, "not an operator and version");
	struct str op = cap(g, &m, 1), ver = cap(g, &m, 2);
	memset(out, 0, sizeof *out);
	out->op = eq(op, "<") ? OP_LT : eq(op, "<=") ? OP_LE : eq(op, ">") ? OP_GT : eq(op, ">=") ? OP_GE : OP_EQ;
	if (!ver.n) {
		out->any = true;
		return 0;
	}
	struct str kept;
	if ((r = intern(c->keep, ver.p, ver.n, &kept)) < 0)
		return r;
	const char *why = parse_version(kept.p, kept.n, c->loose, &out->v, &c->w, &r);
	if (r < 0)
		return r;
	if (why)
		return range_invalid(c, "comparator", g, why);
	/* isNullSet: value "<0.0.0-0" (numbers print without leading zeros) */
	if (out->op == OP_LT && out->v.pre && ver_span_digits(out->v.pre, out->v.prelen) == out->v.prelen) {
		out->null = true;
		for (int k = 0; k < 3; k++)
			if (ver_numcmp(out->v.num[k], out->v.numlen[k], "0", 1) != 0)
				out->null = false;
		if (ver_numcmp(out->v.pre, out->v.prelen, "0", 1) != 0)
			out->null = false;
	}
	return 0;
}

static int set_add(struct rset *set, size_t *cap_, const struct cmpr *cm)
{
	if (set->n == *cap_) {
		size_t nc = *cap_ ? *cap_ * 2 : 8;
		struct cmpr *p = realloc(set->c, nc * sizeof *p);
		if (!p)
			return awp_error_set(AWP_ENOMEM, "semver: out of memory");
		set->c = p;
		*cap_ = nc;
	}
	set->c[set->n++] = *cm;
	return 0;
}

/* parseRange: one "||" alternative into a comparator set (possibly empty in loose mode). */
static int parse_part(struct pctx *c, struct str s, struct rset *set)
{
	awp_strbuf joined = AWP_STRBUF_INIT;
	size_t setcap = 0;
	int err;
	if ((err = replace(c, SRE_BUILD_STRIP, s, true, NULL, &s)) < 0 ||
	    (err = replace(c, c->loose ? SRE_HYPHEN_L : SRE_HYPHEN, s, false, repl_hyphen, &s)) < 0 ||
	    (err = replace(c, SRE_CMPTRIM, s, true, repl_trim3, &s)) < 0 ||
	    (err = replace(c, SRE_TILDETRIM, s, true, repl_tilde_trim, &s)) < 0 ||
	    (err = replace(c, SRE_CARETTRIM, s, true, repl_caret_trim, &s)) < 0)
		goto done;
	/* range.split(' ').map(parseComparator).join(' ') */
	for (size_t i = 0;;) {
		size_t j = i;
		while (j < s.n && s.p[j] != ' ')
			j++;
		if (i > 0 && (err = awp_strbuf_putc(&joined, ' ')) < 0)
			goto done;
		if ((err = parse_comparator(c, (struct str){s.p + i, j - i}, &joined)) < 0)
			goto done;
		if (j == s.n)
			break;
		i = j + 1;
	}
	/* .split(/\s+/).map(replaceGTE0), loose filter, new Comparator */
	struct str js = {awp_strbuf_cstr(&joined), joined.len};
	for (size_t i = 0;;) {
		size_t j = i;
		while (j < js.n && !js_ws((unsigned char)js.p[j]))
			j++;
		struct str g = trim((struct str){js.p + i, j - i});
		struct sre_match m;
		struct cmpr cm;
		if ((err = replace(c, c->incpr ? SRE_GTE0PRE : SRE_GTE0, g, false, NULL, &g)) < 0)
			goto done;
		int keep = 1;
		if (c->loose && (keep = rx(c, SRE_COMPARATOR_L, g, 0, &m)) < 0) {
			err = keep;
			goto done;
		}
		if (keep) {
			if ((err = new_comparator(c, g, &cm)) < 0 || (err = set_add(set, &setcap, &cm)) < 0)
				goto done;
			set->null |= cm.null;
		}
		if (j == js.n)
			break;
		while (j < js.n && js_ws((unsigned char)js.p[j]))
			j++;
		i = j;
	}
	/* After de-duplication a set is [ANY] exactly when all its comparators are ANY. */
	set->any = set->n > 0 && !set->null;
	for (size_t k = 0; k < set->n; k++)
		if (!set->c[k].any)
			set->any = false;
	err = 0;
done:
	awp_strbuf_free(&joined);
	return err;
}

void awp_semver_range_free(awp_semver_range *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nsets; i++)
		free(r->sets[i].c);
	free(r->sets);
	afree(&r->keep);
	free(r);
}

/* Copy with JavaScript white space: every non-ASCII one becomes ' '; with
 * collapse, runs become one ' ' and the ends are trimmed (the Range constructor). */
static size_t normalize(char *dst, const char *src, size_t n, bool collapse)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t w = uni_ws((const unsigned char *)src + i, n - i);
		bool ws = w || js_ws((unsigned char)src[i]);
		i += w ? w : 1;
		if (!ws) {
			dst[o++] = src[i - 1];
		} else if (!collapse) {
			dst[o++] = w ? ' ' : src[i - 1];
		} else if (o > 0 && dst[o - 1] != ' ') {
			dst[o++] = ' ';
		}
	}
	if (collapse && o > 0 && dst[o - 1] == ' ')
		o--;
	dst[o] = 0;
	return o;
}

int awp_semver_range_parse(awp_semver_range **out, const char *range, unsigned flags)
{
	struct pctx c = {0};
	awp_semver_range *r = NULL;
	char *raw = NULL;
	size_t setscap = 0;
	int err;
	if (out)
		*out = NULL;
	if (!out || !range)
		return awp_error_set(AWP_EINVAL, "semver: NULL argument");
	if (flags & ~(AWP_SEMVER_LOOSE | AWP_SEMVER_INCLUDE_PRERELEASE))
		return awp_error_set(AWP_EINVAL, "semver: unknown flags 0x%x", flags);
	size_t n = strnlen(range, AWP_SEMVER_RANGE_MAX_LEN + 1);
	if (n > AWP_SEMVER_RANGE_MAX_LEN)
		return awp_error_set(AWP_ELIMIT, "npm range '%.60s...': longer than %d bytes", range,
				     AWP_SEMVER_RANGE_MAX_LEN);
	if (!(r = calloc(1, sizeof *r)) || !(raw = malloc(n + 1))) {
		err = awp_error_set(AWP_ENOMEM, "semver: out of memory");
		goto done;
	}
	r->flags = flags;
	c.keep = &r->keep;
	c.w = (struct sre_work)SRE_WORK_INIT(AWP_MAX_SEMVER_RANGE_STEPS);
	c.loose = flags & AWP_SEMVER_LOOSE;
	c.incpr = flags & AWP_SEMVER_INCLUDE_PRERELEASE;
	c.range = (struct str){raw, normalize(raw, range, n, true)};
	/* this.raw.split('||').map(r => this.parseRange(r.trim())).filter(c => c.length) */
	for (size_t i = 0;;) {
		const char *bar = NULL;
		for (size_t k = i; k + 1 < c.range.n; k++)
			if (raw[k] == '|' && raw[k + 1] == '|') {
				bar = raw + k;
				break;
			}
		size_t j = bar ? (size_t)(bar - raw) : c.range.n;
		struct rset set = {0};
		if ((err = parse_part(&c, trim((struct str){raw + i, j - i}), &set)) < 0) {
			free(set.c);
			goto done;
		}
		if (set.n == 0) {
			free(set.c);
		} else {
			if (r->nsets == setscap) {
				size_t nc = setscap ? setscap * 2 : 4;
				struct rset *p = realloc(r->sets, nc * sizeof *p);
				if (!p) {
					free(set.c);
					err = awp_error_set(AWP_ENOMEM, "semver: out of memory");
					goto done;
				}
				r->sets = p;
				setscap = nc;
			}
			r->sets[r->nsets++] = set;
		}
		if (!bar)
			break;
		i = j + 2;
	}
	if (r->nsets == 0) {
		err = range_invalid(&c, "range", c.range, "no valid comparator");
		goto done;
	}
	if (r->nsets > 1) {
		/* Drop the null sets (keeping the first if all are); then one "any" set wins. */
		size_t keep = 0;
		for (size_t i = 0; i < r->nsets; i++) {
			if (r->sets[i].null)
				free(r->sets[i].c);
			else
				r->sets[keep++] = r->sets[i];
		}
		if (keep == 0) {
			/* every set was null: what remains never matches either way */
			r->sets[0] = (struct rset){NULL, 0, true, false};
			keep = 1;
		}
		r->nsets = keep;
		for (size_t i = 0; r->nsets > 1 && i < r->nsets; i++) {
			if (r->sets[i].any) {
				struct rset any = r->sets[i];
				for (size_t k = 0; k < r->nsets; k++)
					if (k != i)
						free(r->sets[k].c);
				r->sets[0] = any;
				r->nsets = 1;
			}
		}
	}
	*out = r;
	r = NULL;
	err = 0;
done:
	afree(&c.tmp);
	sre_work_free(&c.w);
	awp_semver_range_free(r);
	free(raw);
	return err;
}

static bool same_main(const struct ver_sv *a, const struct ver_sv *b)
{
	for (int k = 0; k < 3; k++)
		if (ver_numcmp(a->num[k], a->numlen[k], b->num[k], b->numlen[k]) != 0)
			return false;
	return true;
}

/* testSet */
static bool test_set(const struct rset *set, const struct ver_sv *v, bool incpr)
{
	if (set->null)
		return false;
	for (size_t i = 0; i < set->n; i++) {
		const struct cmpr *cm = &set->c[i];
		if (cm->any)
			continue;
		int r = ver_sv_cmp(v, &cm->v);
		bool ok = cm->op == OP_EQ   ? r == 0
			  : cm->op == OP_LT ? r < 0
			  : cm->op == OP_LE ? r <= 0
			  : cm->op == OP_GT ? r > 0
					    : r >= 0;
		if (!ok)
			return false;
	}
	if (v->pre && !incpr) {
		for (size_t i = 0; i < set->n; i++)
			if (!set->c[i].any && set->c[i].v.pre && same_main(&set->c[i].v, v))
				return true;
		return false;
	}
	return true;
}

int awp_semver_range_test(int *out, const awp_semver_range *r, const char *version)
{
	char buf[AWP_VERSION_MAX_LEN + 1];
	struct ver_sv v;
	struct sre_work w = SRE_WORK_INIT(AWP_MAX_SEMVER_RANGE_STEPS);
	const char *why;
	int err;
	if (out)
		*out = 0;
	if (!out || !r || !version)
		return awp_error_set(AWP_EINVAL, "semver: NULL argument");
	/* Longer than 1024 bytes is longer than 256 UTF-16 units: invalid. */
	size_t n = strnlen(version, AWP_VERSION_MAX_LEN + 1);
	if (n == 0 || n > AWP_VERSION_MAX_LEN)
		return 0;
	n = normalize(buf, version, n, false);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] >= 0x80)
			return 0; /* no part of the grammar accepts it */
	why = parse_version(buf, n, r->flags & AWP_SEMVER_LOOSE, &v, &w, &err);
	sre_work_free(&w);
	if (why)
		return err < 0 ? err : 0;
	for (size_t i = 0; i < r->nsets; i++)
		if (test_set(&r->sets[i], &v, r->flags & AWP_SEMVER_INCLUDE_PRERELEASE)) {
			*out = 1;
			break;
		}
	return 0;
}

int awp_semver_satisfies(int *out, const char *range, const char *version, unsigned flags)
{
	awp_semver_range *r;
	if (out)
		*out = 0;
	if (!out || !range || !version)
		return awp_error_set(AWP_EINVAL, "semver: NULL argument");
	int err = awp_semver_range_parse(&r, range, flags);
	if (err == AWP_ECORRUPT) {
		awp_error_clear();
		return 0; /* satisfies() catches the invalid range and says false */
	}
	if (err < 0)
		return err;
	err = awp_semver_range_test(out, r, version);
	awp_semver_range_free(r);
	return err;
}
