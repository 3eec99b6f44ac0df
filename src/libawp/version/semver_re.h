/*
 * version/semver_re.h - private to semver_range.c: node-semver's grammar as
 * regular expressions, matched with JavaScript's backtracking semantics.
 *
 * node-semver does not parse ranges with a grammar: it rewrites the range
 * string with a fixed list of regular expressions (leftmost alternative
 * first, greedy quantifiers that backtrack, unanchored global replaces) and
 * then parses what is left. Its answers on odd input (1.2.34.5 is
 * 1.2.3-4.5 in loose mode, "> 1" is ">1", a '-' between two comparators
 * that are not a hyphen range, ...) follow from exactly those expressions,
 * so semver_re.c holds the same expressions (the bounded forms node-semver
 * 7.8 actually runs: \s* is \s{0,1}, \d* is \d{0,256}, ...) and a small
 * matcher with the same semantics, instead of a hand-written parser that
 * would drift from them.
 *
 * Work is bounded: every match attempt counts steps against a caller-owned
 * budget, and recursion depth is capped.
 */
#ifndef AWP_SEMVER_RE_H
#define AWP_SEMVER_RE_H

#include <stddef.h>

/* The expressions, named as in node-semver's internal/re.js. _L is the loose form. */
enum sre_id {
	SRE_FULL,         /* ^FULLPLAIN$ : strict version */
	SRE_LOOSE,        /* ^LOOSEPLAIN$ : loose version */
	SRE_XRANGE,       /* 1 gtlt, 2 M, 3 m, 4 p, 5 pr, 6 build */
	SRE_XRANGE_L,
	SRE_TILDE,        /* 1 M, 2 m, 3 p, 4 pr, 5 build */
	SRE_TILDE_L,
	SRE_CARET,        /* as TILDE */
	SRE_CARET_L,
	SRE_COMPARATOR,   /* 1 gtlt, 2 version; or the empty string */
	SRE_COMPARATOR_L,
	SRE_CMPTRIM,      /* global; replaced by $1$2$3 */
	SRE_TILDETRIM,    /* global; replaced by $1~ */
	SRE_CARETTRIM,    /* global; replaced by $1^ */
	SRE_HYPHEN,       /* 1 from, 2-6 fM fm fp fpr fb, 7 to, 8-12 tM tm tp tpr tb */
	SRE_HYPHEN_L,
	SRE_STAR,
	SRE_GTE0,
	SRE_GTE0PRE,
	SRE_BUILD,        /* bounded form (parseComparator) */
	SRE_BUILD_STRIP,  /* unbounded form, global (parseRange) */
	SRE_COUNT
};

#define SRE_MAX_CAPS 16 /* group 0 plus the 13 of COMPARATORTRIM, the most */
#define SRE_NONE ((size_t)-1)

struct sre_match {
	size_t start[SRE_MAX_CAPS], end[SRE_MAX_CAPS]; /* start SRE_NONE: group did not take part */
};

/* Work area shared by a series of matches: the step budget and the
 * matcher's continuation stack (grown on demand, freed by sre_work_free). */
struct sre_work {
	unsigned long steps; /* remaining budget; set by the caller */
	struct kont *stack;
	size_t cap, sp;
};
#define SRE_WORK_INIT(budget) {(budget), NULL, 0, 0}

void sre_work_free(struct sre_work *w);

/*
 * Find the first match of expression id in s[0..len) starting the search at
 * from (anchored expressions are only tried at 0). w->steps is decremented
 * as the matcher works.
 * @return 1 found (m filled), 0 no match, AWP_ELIMIT budget or depth
 *         exhausted, AWP_ERROR if the expressions failed to compile (a bug)
 */
int sre_exec(enum sre_id id, const char *s, size_t len, size_t from, struct sre_match *m,
	     struct sre_work *w);

#endif
