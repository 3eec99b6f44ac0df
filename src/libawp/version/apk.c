/*
 * version/apk.c - Alpine (apk-tools) version ordering.
 *
 * Grammar: digits{.digits}...{letter}{_suffix{digits}}...{~hash}{-rN}, where
 * suffix is alpha|beta|pre|rc (pre-releases: below the bare version) or
 * cvs|svn|git|hg|p (post-releases: above it). Versions are compared token
 * by token; the token kinds are ordered as written, and when one side runs
 * out of a kind first the side with the later kind (or the end) is the
 * older one, except that a pre-release suffix is older than anything.
 * A dotted number with a leading zero compares as a string (Gentoo rule:
 * 1.05 < 1.4), other numbers by value.
 *
 * apk refuses to install an invalid version, so the default is to fail on
 * one; with AWP_VERSION_LENIENT we compare like `apk version -t`, which
 * walks the tokens until they differ and falls back to a byte sort when it
 * meets an invalid token there.
 */
#include "version_int.h"

enum tok {
	T_INITIAL,
	T_DIGIT,
	T_LETTER,
	T_SUFFIX,
	T_SUFFIX_NO,
	T_HASH,
	T_REVISION,
	T_END,
	T_INVALID,
};

/* Suffix ranks: pre-releases below SUFFIX_NONE, post-releases above. */
#define SUFFIX_NONE 4
static const char *const suffixes[] = {"alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p"};

struct tstate {
	const char *s;
	size_t len, pos;
	enum tok t;
	const char *val;
	size_t vlen;
	int suffix;
};

static size_t span(const struct tstate *st, bool (*cls)(int))
{
	size_t i = st->pos;
	while (i < st->len && cls((unsigned char)st->s[i]))
		i++;
	return i - st->pos;
}

static bool isdig(int c) { return ver_isdigit(c); }
static bool islow(int c) { return ver_islower(c); }
static bool ishex(int c) { return ver_isdigit(c) || (c >= 'a' && c <= 'f'); }

static void take(struct tstate *st, size_t n, enum tok t)
{
	st->val = st->s + st->pos;
	st->vlen = n;
	st->pos += n;
	st->t = n ? t : T_INVALID;
}

static void first(struct tstate *st, const char *s, size_t len)
{
	st->s = s;
	st->len = len;
	st->pos = 0;
	take(st, span(st, isdig), T_INITIAL);
}

static void next(struct tstate *st)
{
	enum tok prev = st->t;
	if (prev >= T_END)
		return;
	if (st->pos >= st->len) {
		st->t = T_END;
		return;
	}
	char c = st->s[st->pos];
	if (ver_islower((unsigned char)c) && prev <= T_DIGIT) {
		take(st, 1, T_LETTER);
	} else if (c == '.' && prev <= T_DIGIT) {
		st->pos++;
		take(st, span(st, isdig), T_DIGIT);
	} else if (ver_isdigit((unsigned char)c) && prev == T_SUFFIX) {
		take(st, span(st, isdig), T_SUFFIX_NO);
	} else if (c == '_' && prev <= T_SUFFIX_NO) {
		st->pos++;
		take(st, span(st, islow), T_SUFFIX);
		st->suffix = -1;
		for (int i = 0; i < (int)(sizeof(suffixes) / sizeof(suffixes[0])); i++)
			if (i != SUFFIX_NONE && st->vlen == strlen(suffixes[i]) &&
			    memcmp(st->val, suffixes[i], st->vlen) == 0)
				st->suffix = i;
		if (st->suffix < 0)
			st->t = T_INVALID;
	} else if (c == '~' && prev < T_HASH) {
		st->pos++;
		take(st, span(st, ishex), T_HASH);
	} else if (c == '-' && prev < T_REVISION && st->pos + 1 < st->len && st->s[st->pos + 1] == 'r') {
		st->pos += 2;
		take(st, span(st, isdig), T_REVISION);
	} else {
		st->t = T_INVALID;
	}
}

static int tokcmp(const struct tstate *a, const struct tstate *b)
{
	switch (a->t) {
	case T_DIGIT:
		if (a->val[0] == '0' || b->val[0] == '0')
			return ver_bytecmp(a->val, a->vlen, b->val, b->vlen);
		/* fallthrough */
	case T_INITIAL:
	case T_SUFFIX_NO:
	case T_REVISION:
		return ver_numcmp(a->val, a->vlen, b->val, b->vlen);
	case T_LETTER:
		return ver_sign((unsigned char)a->val[0] - (unsigned char)b->val[0]);
	case T_SUFFIX:
		return ver_sign(a->suffix - b->suffix);
	default:
		return ver_bytecmp(a->val, a->vlen, b->val, b->vlen);
	}
}

static int validate(const char *s, size_t len)
{
	struct tstate st;
	first(&st, s, len);
	while (st.t < T_END)
		next(&st);
	if (st.t == T_INVALID)
		return ver_invalid("apk", s, len, "invalid version syntax");
	return 0;
}

int ver_apk_cmp(int *out, const char *a, size_t alen, const char *b, size_t blen, unsigned flags)
{
	int err;
	if (!(flags & AWP_VERSION_LENIENT)) {
		if ((err = validate(a, alen)) < 0 || (err = validate(b, blen)) < 0)
			return err;
	}
	struct tstate ta, tb;
	first(&ta, a, alen);
	first(&tb, b, blen);
	while (ta.t == tb.t && ta.t < T_END) {
		int r = tokcmp(&ta, &tb);
		if (r) {
			*out = r;
			return 0;
		}
		next(&ta);
		next(&tb);
	}
	if (ta.t == T_INVALID || tb.t == T_INVALID) {
		*out = ver_bytecmp(a, alen, b, blen);
		return 0;
	}
	if (ta.t == tb.t)
		*out = 0;
	else if (ta.t == T_SUFFIX && ta.suffix < SUFFIX_NONE)
		*out = -1;
	else if (tb.t == T_SUFFIX && tb.suffix < SUFFIX_NONE)
		*out = 1;
	else
		*out = ta.t > tb.t ? -1 : 1;
	return 0;
}
