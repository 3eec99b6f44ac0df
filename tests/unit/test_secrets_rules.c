/*
 * The shipped rules file itself: it loads and compiles, has >= 80 rules with
 * the required fields, and every rule finds each of its positive examples
 * and none of its negative ones (scanned alone, as a file at the example's
 * path, with the full rule set and no allowlist).
 */
#include "harness.h"

#include <awp/secrets.h>

#include <stdlib.h>
#include <strings.h>

#define MAXHIT 64

struct hits {
	const char *ids[MAXHIT];
	size_t n;
};

static int on_finding(const awp_secret_finding *f, void *payload)
{
	struct hits *h = payload;
	if (h->n < MAXHIT)
		h->ids[h->n++] = f->rule_id;
	return 0;
}

static int scan_has(awp_secrets_scanner *sc, const char *path, const char *text, const char *id, struct hits *h)
{
	h->n = 0;
	int err = awp_secrets_scan_buffer(sc, path && *path ? path : "/srv/example.txt", text, strlen(text), 1,
					  on_finding, h);
	if (err < 0)
		return -1;
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->ids[i], id) == 0)
			return 1;
	return 0;
}

static int has_keyword(const awp_secret_rule *r, const char *text)
{
	for (size_t k = 0; k < r->keyword_count; k++)
		if (strcasestr(text, r->keywords[k]))
			return 1;
	return 0;
}

void test_main(void)
{
	const char *src = test_env("AWP_SOURCE_DIR");
	if (!src)
		test_skip("AWP_SOURCE_DIR not set");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/rules", src);
	awp_secrets_load_options o = AWP_SECRETS_LOAD_OPTIONS_INIT;
	o.rules_path = dir;
	o.builtin_allowlist = 0;
	awp_secrets_rules *r = NULL;
	CHECK_OK(awp_secrets_rules_load(&r, &o));
	if (!r)
		return;
	size_t n = awp_secrets_rule_count(r);
	CHECK(n >= 80);
	awp_secrets_scanner *sc = NULL;
	CHECK_OK(awp_secrets_scanner_new(&sc, r));
	struct hits h;
	char msg[512];
	for (size_t i = 0; i < n; i++) {
		const awp_secret_rule *ru = awp_secrets_rule_get(r, i);
		snprintf(msg, sizeof msg, "rule %s: needs keywords, a title and examples", ru->id);
		CHECK_MSG(ru->keyword_count > 0 && *ru->title && ru->positive_count > 0 && ru->negative_count > 0, msg);
		for (size_t k = 0; k < ru->positive_count; k++) {
			int got = scan_has(sc, ru->positive_path[k], ru->positive[k], ru->id, &h);
			snprintf(msg, sizeof msg, "rule %s: positive example %zu not found (%zu other findings%s%s)", ru->id, k,
				 h.n, h.n ? ", first " : "", h.n ? h.ids[0] : "");
			CHECK_MSG(got == 1, msg);
			snprintf(msg, sizeof msg, "rule %s: positive example %zu holds none of the keywords", ru->id, k);
			CHECK_MSG(has_keyword(ru, ru->positive[k]), msg);
		}
		for (size_t k = 0; k < ru->negative_count; k++) {
			int got = scan_has(sc, ru->negative_path[k], ru->negative[k], ru->id, &h);
			snprintf(msg, sizeof msg, "rule %s: negative example %zu matched", ru->id, k);
			CHECK_MSG(got == 0, msg);
		}
	}
	awp_secrets_scanner_free(sc);
	awp_secrets_rules_free(r);
}
