/*
 * volume/lvm_config.c - parser for LVM2's text metadata (its config syntax):
 *
 *   file    := item*
 *   item    := name '=' value | name '{' item* '}'
 *   value   := string | number | '[' [value (',' value)* [',']] ']'
 *
 * with '#' comments to the end of the line and strings in double quotes with
 * backslash escapes. The input comes from disk: the nesting depth and the
 * node count are capped, every token is bounds-checked against the length,
 * and a NUL byte ends the text (lvm2 pads metadata areas with zeros).
 * Nodes and strings live in one arena freed with the tree.
 */
#include "volume/lvm_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 65536

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

struct lvm_config {
	struct arena_block *blocks;
	lvm_cnode root;
	size_t nodes;
};

struct parser {
	lvm_config *cfg;
	const char *p, *end;
	const char *what;
	size_t line;
};

static void *arena_alloc(lvm_config *cfg, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct arena_block *b = cfg->blocks;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = awp_malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = cfg->blocks;
		cfg->blocks = b;
	}
	void *r = b->data + b->used;
	b->used += n;
	return r;
}

static int fail(struct parser *ps, const char *msg)
{
	return awp_error_set(AWP_ECORRUPT, "lvm metadata (%s): line %zu: %s", ps->what, ps->line, msg);
}

static void skip_space(struct parser *ps)
{
	while (ps->p < ps->end) {
		char c = *ps->p;
		if (c == '\n') {
			ps->line++;
			ps->p++;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			ps->p++;
		} else if (c == '#') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
		} else {
			break;
		}
	}
}

static int is_name_char(char c)
{
	/* lvm2 accepts any printable non-special character in a name (LV names use [A-Za-z0-9+_.-]). */
	return (unsigned char)c > ' ' && c != '{' && c != '}' && c != '[' && c != ']' && c != '=' &&
	       c != ',' && c != '"' && c != '#' && c != 0x7f;
}

static lvm_cnode *new_node(struct parser *ps, lvm_ckind kind)
{
	if (ps->cfg->nodes >= AWP_MAX_LVM_NODES) {
		awp_error_set(AWP_ELIMIT, "lvm metadata (%s): more than %d entries", ps->what, AWP_MAX_LVM_NODES);
		return NULL;
	}
	lvm_cnode *n = arena_alloc(ps->cfg, sizeof(*n));
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	ps->cfg->nodes++;
	return n;
}

static char *copy_span(struct parser *ps, const char *s, size_t n)
{
	char *r = arena_alloc(ps->cfg, n + 1);
	if (!r)
		return NULL;
	memcpy(r, s, n);
	r[n] = 0;
	return r;
}

/* Error code for a NULL from new_node/arena: ELIMIT was set by new_node, else ENOMEM. */
static int alloc_err(struct parser *ps)
{
	return ps->cfg->nodes >= AWP_MAX_LVM_NODES ? AWP_ELIMIT : AWP_ENOMEM;
}

static int parse_string(struct parser *ps, lvm_cnode *n)
{
	ps->p++; /* opening quote */
	const char *start = ps->p;
	size_t outlen = 0;
	while (ps->p < ps->end && *ps->p != '"') {
		if (*ps->p == '\\') {
			ps->p++;
			if (ps->p >= ps->end)
				break;
		}
		if (*ps->p == '\n')
			ps->line++;
		ps->p++;
		outlen++;
	}
	if (ps->p >= ps->end)
		return fail(ps, "unterminated string");
	char *s = arena_alloc(ps->cfg, outlen + 1);
	if (!s)
		return AWP_ENOMEM;
	size_t o = 0;
	for (const char *q = start; q < ps->p; q++) {
		if (*q == '\\')
			q++;
		s[o++] = *q;
	}
	s[o] = 0;
	ps->p++; /* closing quote */
	n->kind = LVM_C_STR;
	n->str = s;
	return 0;
}

static int parse_number(struct parser *ps, lvm_cnode *n)
{
	const char *q = ps->p;
	int neg = 0;
	if (q < ps->end && (*q == '-' || *q == '+')) {
		neg = *q == '-';
		q++;
	}
	if (q >= ps->end || *q < '0' || *q > '9')
		return fail(ps, "expected a value");
	uint64_t v = 0;
	while (q < ps->end && *q >= '0' && *q <= '9') {
		if (v > (UINT64_C(1) << 62) / 10)
			return fail(ps, "number out of range");
		v = v * 10 + (uint64_t)(*q - '0');
		q++;
	}
	/* Floats (only in a few config settings) keep their integer part. */
	if (q < ps->end && *q == '.') {
		q++;
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < ps->end && is_name_char(*q))
		return fail(ps, "malformed number");
	ps->p = q;
	n->kind = LVM_C_INT;
	n->num = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

static int parse_value(struct parser *ps, lvm_cnode *n, int depth);

static int parse_array(struct parser *ps, lvm_cnode *n, int depth)
{
	if (depth >= AWP_MAX_LVM_DEPTH)
		return awp_error_set(AWP_ELIMIT, "lvm metadata (%s): line %zu: nesting deeper than %d",
				     ps->what, ps->line, AWP_MAX_LVM_DEPTH);
	ps->p++; /* [ */
	n->kind = LVM_C_ARRAY;
	lvm_cnode **tail = &n->child;
	for (;;) {
		skip_space(ps);
		if (ps->p >= ps->end)
			return fail(ps, "unterminated array");
		if (*ps->p == ']') {
			ps->p++;
			return 0;
		}
		lvm_cnode *item = new_node(ps, LVM_C_INT);
		if (!item)
			return alloc_err(ps);
		int err = parse_value(ps, item, depth + 1);
		if (err < 0)
			return err;
		*tail = item;
		tail = &item->next;
		skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',')
			ps->p++;
		else if (ps->p < ps->end && *ps->p != ']')
			return fail(ps, "expected ',' or ']' in array");
	}
}

static int parse_value(struct parser *ps, lvm_cnode *n, int depth)
{
	skip_space(ps);
	if (ps->p >= ps->end)
		return fail(ps, "missing value");
	if (*ps->p == '"')
		return parse_string(ps, n);
	if (*ps->p == '[')
		return parse_array(ps, n, depth);
	return parse_number(ps, n);
}

/* Members of a section until '}' (or the end, for the top level). */
static int parse_items(struct parser *ps, lvm_cnode *sec, int depth)
{
	if (depth >= AWP_MAX_LVM_DEPTH)
		return awp_error_set(AWP_ELIMIT, "lvm metadata (%s): line %zu: nesting deeper than %d",
				     ps->what, ps->line, AWP_MAX_LVM_DEPTH);
	lvm_cnode **tail = &sec->child;
	for (;;) {
		skip_space(ps);
		if (ps->p >= ps->end) {
			if (depth > 0)
				return fail(ps, "unterminated section");
			return 0;
		}
		if (*ps->p == '}') {
			if (depth == 0)
				return fail(ps, "unbalanced '}'");
			ps->p++;
			return 0;
		}
		const char *name = ps->p;
		while (ps->p < ps->end && is_name_char(*ps->p))
			ps->p++;
		if (ps->p == name)
			return fail(ps, "expected a name");
		lvm_cnode *n = new_node(ps, LVM_C_SECTION);
		if (!n)
			return alloc_err(ps);
		if (!(n->key = copy_span(ps, name, (size_t)(ps->p - name))))
			return AWP_ENOMEM;
		skip_space(ps);
		int err;
		if (ps->p < ps->end && *ps->p == '{') {
			ps->p++;
			err = parse_items(ps, n, depth + 1);
		} else if (ps->p < ps->end && *ps->p == '=') {
			ps->p++;
			err = parse_value(ps, n, depth);
		} else {
			err = fail(ps, "expected '=' or '{' after a name");
		}
		if (err < 0)
			return err;
		*tail = n;
		tail = &n->next;
	}
}

int lvm_config_parse(lvm_config **out, const char *text, size_t len, const char *what)
{
	*out = NULL;
	if (len > AWP_MAX_LVM_METADATA)
		return awp_error_set(AWP_ELIMIT, "lvm metadata (%s): %zu bytes exceeds the limit of %u",
				     what, len, AWP_MAX_LVM_METADATA);
	const char *nul = memchr(text, 0, len);
	if (nul)
		len = (size_t)(nul - text);
	lvm_config *cfg = awp_calloc(1, sizeof(*cfg));
	if (!cfg)
		return AWP_ENOMEM;
	cfg->root.kind = LVM_C_SECTION;
	struct parser ps = {.cfg = cfg, .p = text, .end = text + len, .what = what ? what : "?", .line = 1};
	int err = parse_items(&ps, &cfg->root, 0);
	if (err < 0) {
		lvm_config_free(cfg);
		return err;
	}
	*out = cfg;
	return 0;
}

void lvm_config_free(lvm_config *cfg)
{
	if (!cfg)
		return;
	struct arena_block *b = cfg->blocks;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	free(cfg);
}

const lvm_cnode *lvm_config_root(const lvm_config *cfg)
{
	return &cfg->root;
}

const lvm_cnode *lvm_cfg_get(const lvm_cnode *sec, const char *key)
{
	if (!sec || sec->kind != LVM_C_SECTION)
		return NULL;
	for (const lvm_cnode *n = sec->child; n; n = n->next)
		if (n->key && strcmp(n->key, key) == 0)
			return n;
	return NULL;
}

const char *lvm_cfg_str(const lvm_cnode *sec, const char *key)
{
	const lvm_cnode *n = lvm_cfg_get(sec, key);
	return n && n->kind == LVM_C_STR ? n->str : NULL;
}

int lvm_cfg_int(const lvm_cnode *sec, const char *key, int64_t *out)
{
	const lvm_cnode *n = lvm_cfg_get(sec, key);
	if (!n || n->kind != LVM_C_INT)
		return 0;
	*out = n->num;
	return 1;
}

int lvm_cfg_has_flag(const lvm_cnode *sec, const char *key, const char *flag)
{
	const lvm_cnode *n = lvm_cfg_get(sec, key);
	if (!n || n->kind != LVM_C_ARRAY)
		return 0;
	for (const lvm_cnode *i = n->child; i; i = i->next)
		if (i->kind == LVM_C_STR && strcmp(i->str, flag) == 0)
			return 1;
	return 0;
}
