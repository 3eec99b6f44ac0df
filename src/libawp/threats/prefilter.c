/*
 * threats/prefilter.c - literal prefilter for YARA rule sets (prefilter.h).
 */
#include "threats/prefilter.h"

#include "util/error.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

/* A set with more literals than this is scanned by YARA alone: the
 * prefilter would cost as much as it saves. */
#define AWP_MAX_PREFILTER_LITERALS 4096

struct awp_prefilter {
	hs_database_t *db;
	size_t n;
};

static int needs_strings(const YR_RULE *rule)
{
	const YR_META *m;
	yr_rule_metas_foreach(rule, m)
	{
		if (!strcmp(m->identifier, "needs_strings"))
			return m->type == META_TYPE_BOOLEAN && m->integer;
	}
	return 0;
}

/* Whether a string is a plain literal the prefilter can look for. */
static int literal(const YR_STRING *s)
{
	return STRING_IS_LITERAL(s) && !STRING_IS_REGEXP(s) && s->length > 0 && s->string &&
	       !(s->flags & (STRING_FLAGS_XOR | STRING_FLAGS_BASE64 | STRING_FLAGS_BASE64_WIDE | STRING_FLAGS_CHAIN_PART |
			     STRING_FLAGS_CHAIN_TAIL));
}

struct lits {
	char **pat;
	size_t *len;
	unsigned *flags, *ids;
	size_t n, cap;
};

static void lits_free(struct lits *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->pat[i]);
	free(l->pat), free(l->len), free(l->flags), free(l->ids);
}

static int lits_add(struct lits *l, const uint8_t *s, size_t n, int wide, unsigned flags)
{
	if (l->n == l->cap) {
		size_t c = l->cap ? l->cap * 2 : 64;
		char **p = realloc(l->pat, c * sizeof(*p));
		if (p)
			l->pat = p;
		size_t *ln = realloc(l->len, c * sizeof(*ln));
		if (ln)
			l->len = ln;
		unsigned *f = realloc(l->flags, c * sizeof(*f));
		if (f)
			l->flags = f;
		unsigned *id = realloc(l->ids, c * sizeof(*id));
		if (id)
			l->ids = id;
		if (!p || !ln || !f || !id)
			return AWP_ENOMEM;
		l->cap = c;
	}
	size_t m = wide ? 2 * n : n;
	char *b = awp_malloc(m);
	if (!b)
		return AWP_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (wide) {
			b[2 * i] = (char)s[i];
			b[2 * i + 1] = 0;
		} else {
			b[i] = (char)s[i];
		}
	}
	l->pat[l->n] = b;
	l->len[l->n] = m;
	l->flags[l->n] = flags;
	l->ids[l->n] = (unsigned)l->n;
	l->n++;
	return 0;
}

int awp_prefilter_build(awp_prefilter **out, YR_RULES *set)
{
	*out = NULL;
	struct lits l;
	memset(&l, 0, sizeof l);
	int err = 0, ok = 1;
	const YR_RULE *rule;
	yr_rules_foreach(set, rule)
	{
		if (!ok)
			break;
		if (!needs_strings(rule)) {
			ok = 0;
			break;
		}
		int any = 0;
		const YR_STRING *s;
		yr_rule_strings_foreach(rule, s)
		{
			if (!literal(s)) {
				ok = 0;
				break;
			}
			any = 1;
			unsigned f = HS_FLAG_SINGLEMATCH | (STRING_IS_NO_CASE(s) ? HS_FLAG_CASELESS : 0);
			/* a text string without modifiers is ascii; hex strings carry neither flag */
			int ascii = STRING_IS_ASCII(s) || !STRING_IS_WIDE(s);
			if (ascii && (err = lits_add(&l, s->string, (size_t)s->length, 0, f)) < 0)
				goto done;
			if (STRING_IS_WIDE(s) && (err = lits_add(&l, s->string, (size_t)s->length, 1, f)) < 0)
				goto done;
		}
		if (!any) /* a rule without strings matches on its condition alone */
			ok = 0;
	}
	if (!ok || !l.n || l.n > AWP_MAX_PREFILTER_LITERALS)
		goto done;
	awp_prefilter *p = awp_calloc(1, sizeof(*p));
	if (!p) {
		err = AWP_ENOMEM;
		goto done;
	}
	hs_compile_error_t *ce = NULL;
	if (hs_compile_lit_multi((const char *const *)l.pat, l.flags, l.ids, l.len, (unsigned)l.n, HS_MODE_BLOCK, NULL,
				 &p->db, &ce) != HS_SUCCESS) {
		err = awp_error_set(AWP_ERROR, "threat rules: literal prefilter does not compile: %s",
				    ce && ce->message ? ce->message : "unknown error");
		hs_free_compile_error(ce);
		free(p);
		goto done;
	}
	p->n = l.n;
	*out = p;
done:
	lits_free(&l);
	return err;
}

void awp_prefilter_free(awp_prefilter *p)
{
	if (!p)
		return;
	hs_free_database(p->db);
	free(p);
}

int awp_prefilter_scratch(const awp_prefilter *p, hs_scratch_t **scratch)
{
	if (hs_alloc_scratch(p->db, scratch) != HS_SUCCESS)
		return awp_error_set(AWP_ENOMEM, "threat rules: cannot allocate prefilter scratch");
	return 0;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
	(void)id, (void)from, (void)to, (void)flags, (void)ctx;
	return 1; /* one occurrence decides: stop */
}

int awp_prefilter_hit(const awp_prefilter *p, hs_scratch_t *scratch, const uint8_t *buf, size_t len)
{
	/* hs_scan takes an unsigned length: a larger buffer is not prefiltered */
	if (len > 0xffffffffu)
		return 1;
	hs_error_t rc = hs_scan(p->db, (const char *)buf, (unsigned)len, 0, scratch, on_match, NULL);
	return rc != HS_SUCCESS; /* terminated by a match, or an error: let YARA decide */
}

size_t awp_prefilter_literals(const awp_prefilter *p)
{
	return p ? p->n : 0;
}
