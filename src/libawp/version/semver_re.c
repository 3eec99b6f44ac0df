/*
 * version/semver_re.c - node-semver's regular expressions and a matcher with
 * JavaScript RegExp semantics for the subset they use (see semver_re.h).
 *
 * Supported syntax: literals, \d \s \. \* \+ \^ escapes, [...] classes with
 * ranges, (...) capturing and (?:...) groups, |, the greedy quantifiers
 * * + ? {m,n}, and ^ $ (whole-input anchors). Semantics as ECMAScript:
 * alternatives are tried left to right, quantifiers are greedy and give
 * back one iteration at a time, captures are undone on backtracking and a
 * group that did not take part has no value. \s is ASCII white space only:
 * the caller turns the other JavaScript white space characters into spaces
 * first.
 *
 * The expressions are compiled once (pthread_once) into a static node pool
 * and never change after, so matching is thread-safe. The matcher is a
 * recursive backtracker with an explicit continuation stack; it keeps no
 * state outside the caller's work area (budget and that stack).
 */
#include "semver_re.h"

#include <awp/common.h>

#include "util/error.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Nodes for all expressions together (1,566 are used). */
#define SRE_POOL 2048
/* Deepest recursion of the matcher, also the most continuations held: real
 * inputs stay far below (a few frames per token); a maximal range needs
 * about 3,000. This only stops pathological input from using up the stack. */
#define SRE_MAX_DEPTH 8192
#define SRE_INF 0xffffu

/* Pieces, as in internal/re.js after makeSafeRegex(). */
#define D0 "\\d{0,256}"
#define D1 "\\d{1,256}"
#define S0 "\\s{0,1}"
#define S1 "\\s{1,1}"
#define LDN0 "[a-zA-Z0-9-]{0,250}"
#define LDN1 "[a-zA-Z0-9-]{1,250}"
#define NUMID "0|[1-9]" D0
#define NUMIDL D1
#define NONNUMID D0 "[a-zA-Z-]" LDN0
#define MAINV "(" NUMID ")\\.(" NUMID ")\\.(" NUMID ")"
#define MAINVL "(" NUMIDL ")\\.(" NUMIDL ")\\.(" NUMIDL ")"
#define PREID "(?:" NONNUMID "|" NUMID ")"
#define PREIDL "(?:" NONNUMID "|" NUMIDL ")"
#define PRE "(?:-(" PREID "(?:\\." PREID ")*))"
#define PREL "(?:-?(" PREIDL "(?:\\." PREIDL ")*))"
#define BUILD "(?:\\+(" LDN1 "(?:\\." LDN1 ")*))"
#define FULLPLAIN "v?" MAINV PRE "?" BUILD "?"
#define LOOSEPLAIN "[v=\\s]*" MAINVL PREL "?" BUILD "?"
#define GTLT "((?:<|>)?=?)"
#define XRID NUMID "|x|X|\\*"
#define XRIDL NUMIDL "|x|X|\\*"
#define XRPLAIN "[v=\\s]*(" XRID ")(?:\\.(" XRID ")(?:\\.(" XRID ")(?:" PRE ")?" BUILD "?)?)?"
#define XRPLAINL "[v=\\s]*(" XRIDL ")(?:\\.(" XRIDL ")(?:\\.(" XRIDL ")(?:" PREL ")?" BUILD "?)?)?"
#define LONETILDE "(?:~>?)"
#define LONECARET "(?:\\^)"

static const struct {
	const char *src;
	bool anchored;      /* starts with ^ in every alternative: only tried at 0 */
	const char *needs;  /* unanchored: every match holds one of these bytes */
} patterns[SRE_COUNT] = {
	[SRE_FULL] = {"^" FULLPLAIN "$", true, NULL},
	[SRE_LOOSE] = {"^" LOOSEPLAIN "$", true, NULL},
	[SRE_XRANGE] = {"^" GTLT S0 XRPLAIN "$", true, NULL},
	[SRE_XRANGE_L] = {"^" GTLT S0 XRPLAINL "$", true, NULL},
	[SRE_TILDE] = {"^" LONETILDE XRPLAIN "$", true, NULL},
	[SRE_TILDE_L] = {"^" LONETILDE XRPLAINL "$", true, NULL},
	[SRE_CARET] = {"^" LONECARET XRPLAIN "$", true, NULL},
	[SRE_CARET_L] = {"^" LONECARET XRPLAINL "$", true, NULL},
	[SRE_COMPARATOR] = {"^" GTLT S0 "(" FULLPLAIN ")$|^$", true, NULL},
	[SRE_COMPARATOR_L] = {"^" GTLT S0 "(" LOOSEPLAIN ")$|^$", true, NULL},
	[SRE_CMPTRIM] = {"(" S0 ")" GTLT S0 "(" LOOSEPLAIN "|" XRPLAIN ")", false, "0123456789xX*"},
	[SRE_TILDETRIM] = {"(" S0 ")" LONETILDE S1, false, "~"},
	[SRE_CARETTRIM] = {"(" S0 ")" LONECARET S1, false, "^"},
	[SRE_HYPHEN] = {"^" S0 "(" XRPLAIN ")" S1 "-" S1 "(" XRPLAIN ")" S0 "$", true, NULL},
	[SRE_HYPHEN_L] = {"^" S0 "(" XRPLAINL ")" S1 "-" S1 "(" XRPLAINL ")" S0 "$", true, NULL},
	[SRE_STAR] = {"(<|>)?=?" S0 "\\*", false, "*"},
	[SRE_GTE0] = {"^" S0 ">=" S0 "0\\.0\\.0" S0 "$", true, NULL},
	[SRE_GTE0PRE] = {"^" S0 ">=" S0 "0\\.0\\.0-0" S0 "$", true, NULL},
	[SRE_BUILD] = {BUILD, false, "+"},
	[SRE_BUILD_STRIP] = {"(?:\\+([a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*))", false, "+"},
};

enum { N_CLASS, N_BOL, N_EOL, N_ALT, N_BRANCH, N_CAP, N_REP };

struct rnode {
	uint8_t type;
	uint8_t cap;           /* N_CAP: group number */
	uint16_t min, max;     /* N_REP */
	uint8_t set[32];       /* N_CLASS: bitmap of accepted bytes */
	struct rnode *next;    /* next node of the sequence; NULL ends it */
	struct rnode *body;    /* N_REP, N_CAP, N_BRANCH: the inner sequence; N_ALT: first branch */
	struct rnode *alt;     /* N_BRANCH: next branch */
};

static struct rnode pool[SRE_POOL];
static size_t pool_used;
static struct rnode *roots[SRE_COUNT];
static bool compiled_ok;
static pthread_once_t compile_once = PTHREAD_ONCE_INIT;

/* ---- compiler ---- */

struct cp {
	const char *p;
	int ncap;
	bool err;
};

static struct rnode *node(struct cp *c, int type)
{
	if (pool_used >= SRE_POOL) {
		c->err = true;
		return NULL;
	}
	struct rnode *n = &pool[pool_used++];
	memset(n, 0, sizeof *n);
	n->type = (uint8_t)type;
	return n;
}

static void set_add(uint8_t *set, int lo, int hi)
{
	for (int ch = lo; ch <= hi; ch++)
		set[ch >> 3] |= (uint8_t)(1u << (ch & 7));
}

static void set_escape(uint8_t *set, char e)
{
	if (e == 'd')
		set_add(set, '0', '9');
	else if (e == 's') {
		set_add(set, '\t', '\r');
		set_add(set, ' ', ' ');
	} else
		set_add(set, (unsigned char)e, (unsigned char)e);
}

static struct rnode *p_alt(struct cp *c);

static struct rnode *p_class(struct cp *c)
{
	struct rnode *n = node(c, N_CLASS);
	if (!n)
		return NULL;
	while (*c->p && *c->p != ']') {
		if (*c->p == '\\' && c->p[1]) {
			set_escape(n->set, c->p[1]);
			c->p += 2;
		} else if (c->p[1] == '-' && c->p[2] && c->p[2] != ']') {
			set_add(n->set, (unsigned char)c->p[0], (unsigned char)c->p[2]);
			c->p += 3;
		} else {
			set_add(n->set, (unsigned char)*c->p, (unsigned char)*c->p);
			c->p++;
		}
	}
	if (*c->p != ']')
		c->err = true;
	else
		c->p++;
	return n;
}

static struct rnode *p_atom(struct cp *c)
{
	char ch = *c->p++;
	struct rnode *n;
	if (ch == '(') {
		bool capture = true;
		int cap = 0;
		if (c->p[0] == '?' && c->p[1] == ':') {
			capture = false;
			c->p += 2;
		} else {
			cap = ++c->ncap;
		}
		struct rnode *inner = p_alt(c);
		if (*c->p != ')')
			c->err = true;
		else
			c->p++;
		if (capture) {
			if (cap >= SRE_MAX_CAPS)
				c->err = true;
			if ((n = node(c, N_CAP)) != NULL) {
				n->cap = (uint8_t)cap;
				n->body = inner;
			}
			return n;
		}
		if (inner && inner->type == N_ALT && !inner->next)
			return inner;
		/* A one-branch group still needs a single node to link and repeat. */
		struct rnode *b = node(c, N_BRANCH);
		if ((n = node(c, N_ALT)) != NULL && b) {
			b->body = inner;
			n->body = b;
		}
		return n;
	}
	if (ch == '[')
		return p_class(c);
	if (ch == '^')
		return node(c, N_BOL);
	if (ch == '$')
		return node(c, N_EOL);
	if ((n = node(c, N_CLASS)) == NULL)
		return NULL;
	if (ch == '\\' && *c->p)
		set_escape(n->set, *c->p++);
	else
		set_add(n->set, (unsigned char)ch, (unsigned char)ch);
	return n;
}

static unsigned p_num(struct cp *c)
{
	unsigned v = 0;
	while (*c->p >= '0' && *c->p <= '9')
		v = v * 10 + (unsigned)(*c->p++ - '0');
	return v;
}

static struct rnode *p_seq(struct cp *c)
{
	struct rnode *head = NULL, *tail = NULL;
	while (*c->p && *c->p != '|' && *c->p != ')' && !c->err) {
		struct rnode *a = p_atom(c);
		if (!a)
			return NULL;
		unsigned min = 1, max = 1;
		if (*c->p == '*' || *c->p == '+' || *c->p == '?') {
			min = *c->p == '+' ? 1 : 0;
			max = *c->p == '?' ? 1 : SRE_INF;
			c->p++;
		} else if (*c->p == '{') {
			c->p++;
			min = p_num(c);
			if (*c->p++ != ',')
				c->err = true;
			max = p_num(c);
			if (*c->p++ != '}' || max < min || max >= SRE_INF)
				c->err = true;
		}
		if (min != 1 || max != 1) {
			struct rnode *r = node(c, N_REP);
			if (!r)
				return NULL;
			r->min = (uint16_t)min;
			r->max = (uint16_t)max;
			r->body = a;
			a = r;
		}
		if (tail)
			tail->next = a;
		else
			head = a;
		tail = a;
	}
	return head;
}

static struct rnode *p_alt(struct cp *c)
{
	struct rnode *first = p_seq(c);
	if (*c->p != '|')
		return first;
	struct rnode *alt = node(c, N_ALT), *b = node(c, N_BRANCH);
	if (!alt || !b)
		return NULL;
	b->body = first;
	alt->body = b;
	while (*c->p == '|' && !c->err) {
		c->p++;
		struct rnode *nb = node(c, N_BRANCH);
		if (!nb)
			return NULL;
		nb->body = p_seq(c);
		b->alt = nb;
		b = nb;
	}
	return alt;
}

static void compile_all(void)
{
	for (int i = 0; i < SRE_COUNT; i++) {
		struct cp c = {patterns[i].src, 0, false};
		roots[i] = p_alt(&c);
		if (c.err || *c.p != 0)
			return;
	}
	compiled_ok = true;
}

/* ---- matcher ---- */

/*
 * m(n, i, k): match the sequence starting at node n at input offset i, then
 * whatever continuation k says comes next. Continuations live in a stack
 * owned by the work area and are referred to by index (it may move when it
 * grows); an entry pushed before a recursive call is dropped again when that
 * call fails, so the stack follows the recursion. Steps that need nothing
 * after the rest of the match succeeds or fails (a byte, an anchor, the end
 * of a group without capture) loop instead of recursing, which keeps the C
 * stack shallow: recursion is left only where backtracking needs it.
 */

enum { K_SEQ, K_CAP, K_REP };

struct kont {
	int kind;
	int up;                /* next continuation, -1 for none */
	const struct rnode *n; /* K_SEQ: where to go on; K_CAP, K_REP: the group / repeat node */
	size_t start;          /* K_CAP: where the group began; K_REP: where this iteration began */
	unsigned count;        /* K_REP: iterations before this one */
};

struct mctx {
	const char *s;
	size_t len;
	size_t cs[SRE_MAX_CAPS], ce[SRE_MAX_CAPS];
	size_t end;
	struct sre_work *w;
	bool over;
};

static bool in_set(const struct rnode *n, unsigned char ch)
{
	return n->set[ch >> 3] & (1u << (ch & 7));
}

static int push(struct mctx *c, int kind, const struct rnode *n, size_t start, unsigned count, int up)
{
	struct sre_work *w = c->w;
	if (w->sp == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 64;
		struct kont *p = nc <= SRE_MAX_DEPTH ? realloc(w->stack, nc * sizeof *p) : NULL;
		if (!p) {
			c->over = true;
			return -1;
		}
		w->stack = p;
		w->cap = nc;
	}
	w->stack[w->sp] = (struct kont){kind, up, n, start, count};
	return (int)w->sp++;
}

static bool m(struct mctx *c, const struct rnode *n, size_t i, int k, unsigned depth);

static bool rep(struct mctx *c, const struct rnode *r, unsigned count, size_t i, int k, unsigned depth)
{
	if (count < r->max) {
		size_t mark = c->w->sp;
		int nk = push(c, K_REP, r, i, count, k);
		if (nk < 0)
			return false;
		if (m(c, r->body, i, nk, depth + 1))
			return true;
		c->w->sp = mark;
		if (c->over)
			return false;
	}
	return count >= r->min && m(c, r->next, i, k, depth + 1);
}

static bool m(struct mctx *c, const struct rnode *n, size_t i, int k, unsigned depth)
{
	if (depth > SRE_MAX_DEPTH) {
		c->over = true;
		return false;
	}
	for (;;) {
		if (c->w->steps == 0) {
			c->over = true;
			return false;
		}
		c->w->steps--;
		if (!n) {
			if (k < 0) {
				c->end = i;
				return true;
			}
			struct kont kk = c->w->stack[k];
			if (kk.kind == K_SEQ) {
				n = kk.n;
				k = kk.up;
				continue;
			}
			if (kk.kind == K_CAP) {
				int cap = kk.n->cap;
				size_t os = c->cs[cap], oe = c->ce[cap];
				c->cs[cap] = kk.start;
				c->ce[cap] = i;
				if (m(c, kk.n->next, i, kk.up, depth + 1))
					return true;
				c->cs[cap] = os;
				c->ce[cap] = oe;
				return false;
			}
			/* K_REP: one more iteration done; an empty one past the minimum ends the loop. */
			if (i == kk.start && kk.count + 1 > kk.n->min)
				return false;
			return rep(c, kk.n, kk.count + 1, i, kk.up, depth + 1);
		}
		switch (n->type) {
		case N_CLASS:
			if (i >= c->len || !in_set(n, (unsigned char)c->s[i]))
				return false;
			n = n->next;
			i++;
			continue;
		case N_BOL:
			if (i != 0)
				return false;
			n = n->next;
			continue;
		case N_EOL:
			if (i != c->len)
				return false;
			n = n->next;
			continue;
		case N_ALT: {
			size_t mark = c->w->sp;
			int nk = push(c, K_SEQ, n->next, 0, 0, k);
			if (nk < 0)
				return false;
			for (const struct rnode *b = n->body; b; b = b->alt) {
				if (m(c, b->body, i, nk, depth + 1))
					return true;
				if (c->over)
					return false;
			}
			c->w->sp = mark;
			return false;
		}
		case N_CAP: {
			size_t mark = c->w->sp;
			int nk = push(c, K_CAP, n, i, 0, k);
			if (nk < 0)
				return false;
			if (m(c, n->body, i, nk, depth + 1))
				return true;
			c->w->sp = mark;
			return false;
		}
		case N_REP:
			if (n->body->type == N_CLASS && !n->body->next) {
				/* A repeated class: take the longest run, give back one byte at a time. */
				size_t run = 0;
				while (run < n->max && i + run < c->len &&
				       in_set(n->body, (unsigned char)c->s[i + run]))
					run++;
				for (;;) {
					if (run < n->min)
						return false;
					if (m(c, n->next, i + run, k, depth + 1))
						return true;
					if (c->over || run == 0)
						return false;
					run--;
				}
			}
			return rep(c, n, 0, i, k, depth);
		default:
			return false;
		}
	}
}

void sre_work_free(struct sre_work *w)
{
	free(w->stack);
	w->stack = NULL;
	w->cap = w->sp = 0;
}

int sre_exec(enum sre_id id, const char *s, size_t len, size_t from, struct sre_match *mt, struct sre_work *w)
{
	pthread_once(&compile_once, compile_all);
	if (!compiled_ok || (int)id < 0 || id >= SRE_COUNT)
		return awp_error_set(AWP_ERROR, "semver: internal expression %d did not compile", (int)id);
	size_t last = patterns[id].anchored ? (from == 0 ? 1 : 0) : len + 1;
	if (patterns[id].needs) {
		/* No match can start after the last byte a match needs (and none at all without one). */
		size_t k = len;
		while (k > from && (!s[k - 1] || !strchr(patterns[id].needs, s[k - 1])))
			k--;
		if (k == from)
			return 0;
		last = k;
	}
	for (size_t st = from; st < last && st <= len; st++) {
		struct mctx c = {.s = s, .len = len, .w = w};
		for (int g = 0; g < SRE_MAX_CAPS; g++)
			c.cs[g] = c.ce[g] = SRE_NONE;
		w->sp = 0;
		if (m(&c, roots[id], st, -1, 0)) {
			memcpy(mt->start, c.cs, sizeof c.cs);
			memcpy(mt->end, c.ce, sizeof c.ce);
			mt->start[0] = st;
			mt->end[0] = c.end;
			return 1;
		}
		if (c.over)
			return awp_error_set(AWP_ELIMIT, "semver: range too complex to evaluate");
	}
	return 0;
}
