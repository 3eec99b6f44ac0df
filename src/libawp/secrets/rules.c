/*
 * secrets/rules.c - load the rules file and the user config (JSON, read with
 * cJSON), merge them, check every field, and compile: all rules into one
 * Hyperscan block-mode database (candidate = a match end), each rule's
 * extract pattern with PCRE2 + JIT (the second step on a small window).
 *
 * Invariant: a loaded rule set is immutable and shared by all scanners
 * (threads); every string lives in the set's arena.
 */
#include "secrets/secrets_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <cjson/cJSON.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#ifndef AWP_RULES_DEFAULT_DIR
#define AWP_RULES_DEFAULT_DIR "rules"
#endif

/* Documented in docs/secrets.md: public, so fingerprints match across
 * machines; a team may set its own key in the config. */
#define FP_DEFAULT_KEY "awp secrets fingerprint v1"

static const char *const builtin_allow[] = {
	"/usr/share/doc/*", "/usr/share/man/*", "/usr/share/info/*", "/usr/share/help/*", "/usr/share/locale/*",
	"/usr/share/common-licenses/*", "/usr/share/*/examples/*", "/usr/share/*/example/*",
	"*/site-packages/*/tests/*", "*/site-packages/*/test/*", "*/dist-packages/*/tests/*",
	"*/dist-packages/*/test/*", "/usr/lib/python3*/test/*", "*/node_modules/*/test/*",
	"*/node_modules/*/tests/*", "*/node_modules/*/__tests__/*", "*/node_modules/*/example/*",
	"*/node_modules/*/examples/*", "*/node_modules/*/docs/*", "*/node_modules/*.md", "*/gems/*/spec/*", "*/gems/*/test/*",
	"*/testdata/*", "*/test-data/*", "*/test_data/*",
};

static const char *const severities[] = {"info", "low", "medium", "high", "critical"};

AWP_EXTERN const char *awp_secret_severity_name(awp_secret_severity s)
{
	return (unsigned)s < 5 ? severities[s] : "unknown";
}

AWP_EXTERN const char *awp_secret_suppress_name(awp_secret_suppress s)
{
	switch (s) {
	case AWP_SUPPRESS_PACKAGE: return "package-unmodified";
	case AWP_SUPPRESS_BUILTIN: return "builtin-allowlist";
	case AWP_SUPPRESS_ALLOWLIST: return "allowlist";
	case AWP_SUPPRESS_FINGERPRINT: return "fingerprint";
	default: return "";
	}
}

struct loader {
	awp_secrets_rules *r;
	const char *name;     /* file name for messages */
	int64_t now;
};

static int bad(struct loader *L, const char *id, const char *fmt, const char *what)
{
	char msg[256];
	snprintf(msg, sizeof msg, fmt, what);
	if (id)
		return awp_error_set(AWP_ECORRUPT, "secret rules (%s): rule \"%.64s\": %s", L->name, id, msg);
	return awp_error_set(AWP_ECORRUPT, "secret rules (%s): %s", L->name, msg);
}

static const char *str_field(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A JSON array of strings into an arena array. Absent = empty. */
static int str_list(struct loader *L, const char *id, const cJSON *o, const char *key, const char *const **out,
		    size_t *n)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = NULL;
	*n = 0;
	if (!a)
		return 0;
	if (!cJSON_IsArray(a))
		return bad(L, id, "\"%s\" must be an array of strings", key);
	int cnt = cJSON_GetArraySize(a);
	if (cnt > AWP_MAX_SECRETS_LIST)
		return awp_error_set(AWP_ELIMIT, "secret rules (%s): \"%s\" has more than %d items", L->name, key,
				     AWP_MAX_SECRETS_LIST);
	const char **v = awp_arena_alloc(&L->r->arena, (size_t)(cnt + 1) * sizeof(*v));
	if (!v)
		return AWP_ENOMEM;
	const cJSON *it;
	size_t i = 0;
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it))
			return bad(L, id, "\"%s\" must be an array of strings", key);
		if (!(v[i++] = awp_arena_strdup(&L->r->arena, it->valuestring)))
			return AWP_ENOMEM;
	}
	*out = v;
	*n = i;
	return 0;
}

/* Examples: strings, or {"path": ..., "text": ...}. */
static int examples(struct loader *L, const char *id, const cJSON *ex, const char *key, const char *const **text,
		    const char *const **path, size_t *n)
{
	const cJSON *a = ex ? cJSON_GetObjectItemCaseSensitive(ex, key) : NULL;
	*text = *path = NULL;
	*n = 0;
	if (!a)
		return 0;
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > AWP_MAX_SECRETS_LIST)
		return bad(L, id, "examples.%s must be an array (of at most 4096 items)", key);
	size_t cnt = (size_t)cJSON_GetArraySize(a);
	const char **t = awp_arena_alloc(&L->r->arena, (cnt + 1) * sizeof(*t));
	const char **p = awp_arena_alloc(&L->r->arena, (cnt + 1) * sizeof(*p));
	if (!t || !p)
		return AWP_ENOMEM;
	const cJSON *it;
	size_t i = 0;
	cJSON_ArrayForEach(it, a) {
		const char *tx = cJSON_IsString(it) ? it->valuestring : str_field(it, "text");
		const char *px = cJSON_IsObject(it) ? str_field(it, "path") : "";
		if (!tx)
			return bad(L, id, "an example in examples.%s is neither a string nor {\"text\": ...}", key);
		t[i] = awp_arena_strdup(&L->r->arena, tx);
		p[i] = awp_arena_strdup(&L->r->arena, px ? px : "");
		if (!t[i] || !p[i])
			return AWP_ENOMEM;
		i++;
	}
	*text = t;
	*path = p;
	*n = i;
	return 0;
}

static int valid_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' ||
		      s[i] == '.'))
			return 0;
	return 1;
}

static long find_rule(const awp_secrets_rules *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->rules[i].pub.id, id) == 0)
			return (long)i;
	return -1;
}


/* The largest bound of a counted repeat ({n}, {n,}, {n,m}) in a pattern,
 * skipping escaped braces; 0 when there is none. */
static unsigned long max_repeat(const char *p)
{
	unsigned long best = 0;
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p != '{')
			continue;
		char *end;
		unsigned long a = strtoul(p + 1, &end, 10);
		if (end == p + 1)
			continue;
		unsigned long b = a;
		if (*end == ',') {
			char *e2;
			unsigned long m = strtoul(end + 1, &e2, 10);
			if (e2 != end + 1)
				b = m;
			end = e2;
		}
		if (*end == '}') {
			if (a > best)
				best = a;
			if (b > best)
				best = b;
		}
	}
	return best;
}

static int parse_rule(struct loader *L, const cJSON *o, int from_config)
{
	awp_secrets_rules *r = L->r;
	awp_arena *A = &r->arena;
	if (!cJSON_IsObject(o))
		return bad(L, NULL, "%s", "every rule must be an object");
	const char *id = str_field(o, "id");
	if (!id || !valid_id(id))
		return bad(L, NULL, "%s", "a rule has no valid \"id\" ([a-z0-9._-], at most 64 characters)");
	struct srule s;
	memset(&s, 0, sizeof s);
	const char *title = str_field(o, "title"), *sev = str_field(o, "severity"), *cat = str_field(o, "category");
	const char *pat = str_field(o, "pattern"), *ext = str_field(o, "extract"), *val = str_field(o, "validator");
	const char *flags = str_field(o, "flags");
	if (!title || !sev || !cat || !pat)
		return bad(L, id, "%s", "needs \"title\", \"severity\", \"category\" and \"pattern\" (strings)");
	int sv = -1;
	for (int i = 0; i < 5; i++)
		if (strcmp(sev, severities[i]) == 0)
			sv = i;
	if (sv < 0)
		return bad(L, id, "severity \"%.32s\" is not info/low/medium/high/critical", sev);
	if (strlen(pat) == 0 || strlen(pat) > AWP_MAX_SECRETS_PATTERN || (ext && strlen(ext) > AWP_MAX_SECRETS_PATTERN))
		return bad(L, id, "%s", "pattern is empty or longer than 4096 characters");
	if (max_repeat(pat) > AWP_MAX_SECRETS_REPEAT)
		return bad(L, id, "%s", "a repeat bound above 1000 in \"pattern\" (Hyperscan's compile memory grows "
			   "with it: match a short prefix and put long bounds in \"extract\")");
	if (flags && strspn(flags, "i") != strlen(flags))
		return bad(L, id, "flags \"%.16s\": only \"i\" (case-insensitive) is known", flags);
	s.validator = V_NONE;
	if (val && *val && (s.validator = awp_secrets_validator_find(val)) == V_COUNT_)
		return bad(L, id, "unknown validator \"%.64s\"", val);
	const cJSON *ent = cJSON_GetObjectItemCaseSensitive(o, "entropy");
	if (ent && (!cJSON_IsNumber(ent) || ent->valuedouble < 0 || ent->valuedouble > 8))
		return bad(L, id, "%s", "entropy must be a number of bits per character, 0-8");
	const cJSON *ml = cJSON_GetObjectItemCaseSensitive(o, "min_length");
	if (ml && (!cJSON_IsNumber(ml) || ml->valuedouble < 0 || ml->valuedouble > AWP_SECRETS_MAX_SECRET))
		return bad(L, id, "%s", "min_length must be a number 0-8192");
	s.pub.id = awp_arena_strdup(A, id);
	s.pub.title = awp_arena_strdup(A, title);
	s.pub.category = awp_arena_strdup(A, cat);
	s.pub.severity = (awp_secret_severity)sv;
	s.pub.pattern = awp_arena_strdup(A, pat);
	s.pub.extract = awp_arena_strdup(A, ext ? ext : pat);
	s.pub.validator = awp_secrets_validator_name(s.validator);
	s.pub.entropy = ent ? ent->valuedouble : 0;
	s.pub.from_config = from_config;
	s.flags = awp_arena_strdup(A, flags ? flags : "");
	s.min_length = ml ? (size_t)ml->valuedouble : 1;
	s.generic = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "generic"));
	s.placeholders = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "placeholders"));
	s.binary = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "binary"));
	const char *loc = str_field(o, "location");
	if (loc && strcmp(loc, "match") != 0 && strcmp(loc, "secret") != 0)
		return bad(L, id, "location \"%.16s\" is not \"match\" or \"secret\"", loc);
	s.at_match = loc && strcmp(loc, "match") == 0;
	s.pub.flags = s.flags;
	if (!s.pub.id || !s.pub.title || !s.pub.category || !s.pub.pattern || !s.pub.extract || !s.flags)
		return AWP_ENOMEM;
	int err;
	if ((err = str_list(L, id, o, "keywords", &s.pub.keywords, &s.pub.keyword_count)) < 0 ||
	    (err = str_list(L, id, o, "paths", &s.paths, &s.npaths)) < 0)
		return err;
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(o, "examples");
	if ((err = examples(L, id, ex, "positive", &s.pub.positive, &s.pub.positive_path, &s.pub.positive_count)) < 0 ||
	    (err = examples(L, id, ex, "negative", &s.pub.negative, &s.pub.negative_path, &s.pub.negative_count)) < 0)
		return err;
	long prev = find_rule(r, id);
	if (prev >= 0) {
		if (!from_config)
			return bad(L, id, "%s", "duplicate rule id");
		r->rules[prev] = s; /* the user's rule replaces the shipped one */
		return 0;
	}
	if (r->n >= AWP_MAX_SECRET_RULES)
		return awp_error_set(AWP_ELIMIT, "secret rules (%s): more than %d rules", L->name, AWP_MAX_SECRET_RULES);
	if (AWP_GROW(r->rules, r->cap, r->n + 1) < 0)
		return AWP_ENOMEM;
	r->rules[r->n++] = s;
	return 0;
}

static int parse_rules_json(struct loader *L, const char *text, size_t len, int from_config, cJSON **out)
{
	if (len > AWP_MAX_SECRETS_RULES_FILE)
		return awp_error_set(AWP_ELIMIT, "secret rules (%s): file larger than %u bytes", L->name,
				     AWP_MAX_SECRETS_RULES_FILE);
	cJSON *root = cJSON_ParseWithLength(text, len);
	if (!root || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return awp_error_set(AWP_ECORRUPT, "secret rules (%s): not a JSON object", L->name);
	}
	*out = root;
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(root, "rules");
	if (!rules && from_config)
		return 0;
	if (!cJSON_IsArray(rules))
		return bad(L, NULL, "%s", "\"rules\" must be an array");
	const cJSON *it;
	int err;
	cJSON_ArrayForEach(it, rules) {
		if ((err = parse_rule(L, it, from_config)) < 0)
			return err;
	}
	return 0;
}

static int add_note(awp_secrets_rules *r, const char *msg)
{
	if (r->nnotes >= AWP_MAX_SECRETS_LIST)
		return 0;
	if (AWP_GROW(r->notes, r->notecap, r->nnotes + 1) < 0)
		return AWP_ENOMEM;
	if (!(r->notes[r->nnotes] = awp_arena_strdup(&r->arena, msg)))
		return AWP_ENOMEM;
	r->nnotes++;
	return 0;
}

static int add_allow(awp_secrets_rules *r, const struct allow_entry *e)
{
	if (r->nallow >= AWP_MAX_SECRETS_ALLOW)
		return awp_error_set(AWP_ELIMIT, "secret config: more than %d allowlist entries", AWP_MAX_SECRETS_ALLOW);
	if (AWP_GROW(r->allow, r->allowcap, r->nallow + 1) < 0)
		return AWP_ENOMEM;
	r->allow[r->nallow++] = *e;
	return 0;
}

/* "YYYY-MM-DD" -> seconds at the end of that day (UTC); -1 when malformed. */
static int64_t parse_until(const char *s)
{
	int y, m, d;
	char tail;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > 31)
		return -1;
	/* days from civil (Howard Hinnant's algorithm, public domain facts) */
	y -= m <= 2;
	int64_t era = y / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;
	return days * 86400 + 86399;
}

static int parse_config(struct loader *L, const cJSON *root, int *builtin)
{
	awp_secrets_rules *r = L->r;
	const cJSON *v;
	int err;
	const char *const *dis;
	size_t ndis;
	if ((err = str_list(L, NULL, root, "disable", &dis, &ndis)) < 0)
		return err;
	for (size_t i = 0; i < ndis; i++) {
		long k = find_rule(r, dis[i]);
		if (k < 0) {
			char msg[160];
			snprintf(msg, sizeof msg, "config disables unknown rule \"%.64s\"", dis[i]);
			if ((err = add_note(r, msg)) < 0)
				return err;
			continue;
		}
		memmove(&r->rules[k], &r->rules[k + 1], (r->n - (size_t)k - 1) * sizeof(*r->rules));
		r->n--;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "builtin_allowlist")) && cJSON_IsBool(v))
		*builtin = cJSON_IsTrue(v);
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "max_file_size"))) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 1e15)
			return bad(L, NULL, "%s", "max_file_size must be a positive number of bytes");
		r->max_file_size = (uint64_t)v->valuedouble;
	}
	const char *key = str_field(root, "fingerprint_key");
	if (key) {
		size_t kl = strlen(key);
		if (kl == 0 || kl > 64)
			return bad(L, NULL, "%s", "fingerprint_key must have 1-64 characters");
		memcpy(r->fpkey, key, kl);
		r->fpkey_len = kl;
	}
	const cJSON *al = cJSON_GetObjectItemCaseSensitive(root, "allowlist");
	if (al && !cJSON_IsArray(al))
		return bad(L, NULL, "%s", "\"allowlist\" must be an array of objects");
	const cJSON *it;
	cJSON_ArrayForEach(it, al) {
		struct allow_entry e;
		memset(&e, 0, sizeof e);
		if (!cJSON_IsObject(it))
			return bad(L, NULL, "%s", "an allowlist entry is not an object");
		if ((err = str_list(L, NULL, it, "paths", &e.paths, &e.npaths)) < 0 ||
		    (err = str_list(L, NULL, it, "rules", &e.rules, &e.nrules)) < 0 ||
		    (err = str_list(L, NULL, it, "fingerprints", &e.fps, &e.nfps)) < 0)
			return err;
		if (!e.npaths && !e.nrules && !e.nfps)
			return bad(L, NULL, "%s", "an allowlist entry needs \"paths\", \"rules\" or \"fingerprints\"");
		const char *reason = str_field(it, "reason");
		e.reason = awp_arena_strdup(&r->arena, reason ? reason : "");
		if (!e.reason)
			return AWP_ENOMEM;
		const char *until = str_field(it, "until");
		if (until) {
			int64_t t = parse_until(until);
			if (t < 0)
				return bad(L, NULL, "allowlist \"until\": \"%.32s\" is not YYYY-MM-DD", until);
			if (t < L->now) {
				char msg[256];
				snprintf(msg, sizeof msg, "allowlist entry expired on %.10s, no longer applied (reason: %.120s)",
					 until, e.reason);
				if ((err = add_note(r, msg)) < 0)
					return err;
				continue;
			}
		}
		if ((err = add_allow(r, &e)) < 0)
			return err;
	}
	return 0;
}

/* Compile: PCRE2 per rule, then one Hyperscan database. */
static int compile(struct loader *L)
{
	{
		int lerr = awp_hs_load(); /* Hyperscan is loaded on first use (util/hs_dl.h) */
		if (lerr < 0)
			return awp_error_prefix(lerr, "secret rules: ");
	}
	awp_secrets_rules *r = L->r;
	int err = 0;
	if (r->n == 0)
		return awp_error_set(AWP_ECORRUPT, "secret rules (%s): no rules", L->name);
	const char **pats = awp_calloc(r->n, sizeof(*pats));
	unsigned *flags = awp_calloc(r->n, sizeof(*flags));
	unsigned *ids = awp_calloc(r->n, sizeof(*ids));
	if (!pats || !flags || !ids) {
		err = AWP_ENOMEM;
		goto done;
	}
	size_t nbin = 0;
	for (size_t i = 0; i < r->n; i++) {
		struct srule *s = &r->rules[i];
		int caseless = strchr(s->flags, 'i') != NULL;
		int ec;
		PCRE2_SIZE eo;
		s->re = pcre2_compile((PCRE2_SPTR)s->pub.extract, PCRE2_ZERO_TERMINATED,
				      PCRE2_MULTILINE | (caseless ? PCRE2_CASELESS : 0), &ec, &eo, NULL);
		if (!s->re) {
			PCRE2_UCHAR msg[160];
			pcre2_get_error_message(ec, msg, sizeof msg);
			err = awp_error_set(AWP_ECORRUPT, "secret rules (%s): rule \"%s\": extract pattern at %zu: %s",
					    L->name, s->pub.id, (size_t)eo, (const char *)msg);
			goto done;
		}
		pcre2_jit_compile(s->re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
		int g = pcre2_substring_number_from_name(s->re, (PCRE2_SPTR) "secret");
		s->secret_group = g > 0 ? (uint32_t)g : 0;
		uint32_t cap = 0;
		pcre2_pattern_info(s->re, PCRE2_INFO_CAPTURECOUNT, &cap);
		if (cap > r->max_groups)
			r->max_groups = cap;
		pats[i] = s->pub.pattern;
		flags[i] = HS_FLAG_MULTILINE | (caseless ? HS_FLAG_CASELESS : 0);
		ids[i] = (unsigned)i;
		nbin += s->binary != 0;
	}
	/* Path-filtered rules (.pgpass lines, kubeconfig tokens, ...) have
	 * few literals and cost Hyperscan much; they only run, in a second
	 * database with every rule, on files whose path matches a filter. */
	hs_compile_error_t *ce = NULL;
	size_t nmain = 0, ntrig = 0;
	for (size_t i = 0; i < r->n; i++)
		ntrig += r->rules[i].npaths;
	if (ntrig && !(r->trig = awp_arena_alloc(&r->arena, ntrig * sizeof(*r->trig)))) {
		err = AWP_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < r->rules[i].npaths; k++)
			if ((err = awp_secrets_fglob_init(&r->trig[r->ntrig++], r->rules[i].paths[k], &r->arena)) < 0)
				goto done;
	const char **mp = awp_calloc(r->n, sizeof(*mp));
	unsigned *mf = awp_calloc(r->n, sizeof(*mf)), *mi = awp_calloc(r->n, sizeof(*mi));
	if (!mp || !mf || !mi) {
		free(mp), free(mf), free(mi);
		err = AWP_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < r->n; i++)
		if (!r->rules[i].npaths) {
			mp[nmain] = pats[i];
			mf[nmain] = flags[i];
			mi[nmain++] = (unsigned)i;
		}
	hs_error_t he = HS_SUCCESS;
	if (nmain)
		he = awp_secrets_hs_compile(mp, mf, mi, (unsigned)nmain, &r->db, &ce);
	if (he == HS_SUCCESS && ntrig)
		he = awp_secrets_hs_compile(pats, flags, ids, (unsigned)r->n, &r->db_full, &ce);
	if (he != HS_SUCCESS) {
		/* the failing expression indexes the main list, or all rules */
		int k = ce ? ce->expression : -1;
		if (k >= 0 && nmain && !r->db)
			k = (size_t)k < nmain ? (int)mi[k] : -1;
		err = awp_error_set(AWP_ECORRUPT, "secret rules (%s): rule \"%s\": pattern not accepted by Hyperscan: %s",
				    L->name, k >= 0 && (size_t)k < r->n ? r->rules[k].pub.id : "?",
				    ce && ce->message ? ce->message : "unknown error");
		hs_free_compile_error(ce);
	}
	free(mp), free(mf), free(mi);
	if (err < 0)
		goto done;
	if (nbin) {
		size_t j = 0;
		for (size_t i = 0; i < r->n; i++)
			if (r->rules[i].binary) {
				pats[j] = pats[i];
				flags[j] = flags[i];
				ids[j++] = (unsigned)i;
			}
		if (awp_secrets_hs_compile(pats, flags, ids, (unsigned)j, &r->db_bin, &ce) != HS_SUCCESS) {
			hs_free_compile_error(ce);
			err = awp_error_set(AWP_ECORRUPT, "secret rules (%s): binary rules do not compile", L->name);
			goto done;
		}
	}
	int ec;
	PCRE2_SIZE eo;
	r->re_aws_secret = pcre2_compile((PCRE2_SPTR) "(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
					 PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
	r->re_aws_id = pcre2_compile((PCRE2_SPTR) "\\b(?:AKIA|ASIA)[A-Z2-7]{16}\\b", PCRE2_ZERO_TERMINATED, 0, &ec, &eo,
				     NULL);
	if (!r->re_aws_secret || !r->re_aws_id) {
		err = awp_error_set(AWP_ERROR, "secret rules: internal pattern does not compile");
		goto done;
	}
	pcre2_jit_compile(r->re_aws_secret, PCRE2_JIT_COMPLETE);
	pcre2_jit_compile(r->re_aws_id, PCRE2_JIT_COMPLETE);
done:
	free(pats);
	free(flags);
	free(ids);
	return err;
}

static int64_t now_or(int64_t t)
{
	return t ? t : (int64_t)time(NULL);
}

AWP_EXTERN int awp_secrets_rules_parse(awp_secrets_rules **out, const char *rules_json, size_t rules_len,
				       const char *config_json, size_t config_len, const char *name,
				       const awp_secrets_load_options *opts)
{
	*out = NULL;
	awp_secrets_load_options def = AWP_SECRETS_LOAD_OPTIONS_INIT;
	if (!opts)
		opts = &def;
	awp_secrets_rules *r = awp_calloc(1, sizeof(*r));
	if (!r)
		return AWP_ENOMEM;
	memcpy(r->fpkey, FP_DEFAULT_KEY, strlen(FP_DEFAULT_KEY));
	r->fpkey_len = strlen(FP_DEFAULT_KEY);
	struct loader L = {r, name ? name : "memory", now_or(opts->now)};
	cJSON *root = NULL, *croot = NULL;
	int builtin = opts->builtin_allowlist;
	int err = parse_rules_json(&L, rules_json, rules_len, 0, &root);
	if (err < 0)
		goto done;
	if (config_json) {
		L.name = "config";
		if ((err = parse_rules_json(&L, config_json, config_len, 1, &croot)) < 0 ||
		    (err = parse_config(&L, croot, &builtin)) < 0)
			goto done;
	}
	if (builtin) {
		struct allow_entry e = {builtin_allow, sizeof(builtin_allow) / sizeof(*builtin_allow), NULL, 0, NULL, 0,
					"built-in allowlist", 1};
		if ((err = add_allow(r, &e)) < 0)
			goto done;
	}
	if (!(r->source = awp_arena_strdup(&r->arena, "")))
		err = AWP_ENOMEM;
	if (err >= 0)
		err = compile(&L);
done:
	cJSON_Delete(root);
	cJSON_Delete(croot);
	if (err < 0) {
		awp_secrets_rules_free(r);
		return err;
	}
	*out = r;
	return 0;
}

/* Read a whole (small, capped) host file. */
static int slurp(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? awp_error_set(AWP_ENOTFOUND, "%s: no such file", path)
				       : awp_error_errno(errno, "%s", path);
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int err = 0;
	for (;;) {
		if (n == cap) {
			if (cap >= AWP_MAX_SECRETS_RULES_FILE) {
				err = awp_error_set(AWP_ELIMIT, "%s: larger than %u bytes", path, AWP_MAX_SECRETS_RULES_FILE);
				break;
			}
			cap = cap ? cap * 2 : 65536;
			char *nb = awp_realloc(buf, cap + 1);
			if (!nb) {
				err = AWP_ENOMEM;
				break;
			}
			buf = nb;
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0) {
			if (ferror(f))
				err = awp_error_errno(EIO, "%s: read error", path);
			break;
		}
	}
	fclose(f);
	if (err < 0) {
		free(buf);
		return err;
	}
	if (!buf && !(buf = awp_malloc(1)))
		return AWP_ENOMEM;
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

AWP_EXTERN int awp_secrets_rules_load(awp_secrets_rules **out, const awp_secrets_load_options *opts)
{
	*out = NULL;
	awp_secrets_load_options def = AWP_SECRETS_LOAD_OPTIONS_INIT;
	if (!opts)
		opts = &def;
	const char *base = opts->rules_path;
	if (!base || !*base)
		base = getenv("AWP_RULES_DIR");
	if (!base || !*base)
		base = AWP_RULES_DEFAULT_DIR;
	struct stat st;
	char *path = NULL, *text = NULL, *ctext = NULL;
	size_t len = 0, clen = 0;
	int err;
	if (stat(base, &st) == 0 && S_ISDIR(st.st_mode))
		path = awp_asprintf("%s/secrets.json", base);
	else
		path = awp_strdup(base);
	if (!path)
		return AWP_ENOMEM;
	if ((err = slurp(path, &text, &len)) < 0) {
		if (err == AWP_ENOTFOUND)
			awp_error_set(AWP_ENOTFOUND,
				      "secret rules: %s not found (set AWP_RULES_DIR or --rules to the rules/ directory)", path);
		goto done;
	}
	if (opts->config_path && (err = slurp(opts->config_path, &ctext, &clen)) < 0)
		goto done;
	if ((err = awp_secrets_rules_parse(out, text, len, ctext, clen, path, opts)) < 0)
		goto done;
	(*out)->source = awp_arena_strdup(&(*out)->arena, path);
	if (!(*out)->source) {
		awp_secrets_rules_free(*out);
		*out = NULL;
		err = AWP_ENOMEM;
	}
done:
	free(path);
	free(text);
	free(ctext);
	return err;
}

AWP_EXTERN void awp_secrets_rules_free(awp_secrets_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		pcre2_code_free(r->rules[i].re);
	pcre2_code_free(r->re_aws_secret);
	pcre2_code_free(r->re_aws_id);
	hs_free_database(r->db);
	hs_free_database(r->db_full);
	hs_free_database(r->db_bin);
	free(r->rules);
	free(r->allow);
	free(r->notes);
	awp_arena_free(&r->arena);
	free(r);
}

AWP_EXTERN size_t awp_secrets_rule_count(const awp_secrets_rules *r) { return r->n; }
AWP_EXTERN const awp_secret_rule *awp_secrets_rule_get(const awp_secrets_rules *r, size_t i)
{
	return i < r->n ? &r->rules[i].pub : NULL;
}
AWP_EXTERN const char *awp_secrets_rules_source(const awp_secrets_rules *r) { return r->source ? r->source : ""; }
AWP_EXTERN uint64_t awp_secrets_rules_max_file_size(const awp_secrets_rules *r) { return r->max_file_size; }
AWP_EXTERN size_t awp_secrets_rules_note_count(const awp_secrets_rules *r) { return r->nnotes; }
AWP_EXTERN const char *awp_secrets_rules_note(const awp_secrets_rules *r, size_t i)
{
	return i < r->nnotes ? r->notes[i] : NULL;
}
