/*
 * Fixture acceptance for secret scanning: every secret planted in the
 * fixture manifests (secrets[]: path, line, kind) is found with a rule of
 * the right kind at the right path and line, in the source trees
 * ($AWP_FIXTURES_DIR/work/<name>-tree, as host directories) and in the
 * images themselves when present; no live finding is left that the manifest
 * does not explain (incidental_secrets[]: SSH host keys). Package
 * ownership: with the dpkg md5sums of the tree as owner database, findings
 * in unmodified package files are suppressed and the planted ones are not.
 */
#include "harness.h"

#include <awp/secrets.h>
#include <awp/target.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdlib.h>

/* The fixture's kind vocabulary -> rule ids (prefix match with '*'). */
static const struct {
	const char *kind;
	const char *rules[6];
} kinds[] = {
	{"aws-access-key-id", {"aws-access-key-pair", "aws-access-key-id"}},
	{"aws-secret-access-key", {"aws-access-key-pair", "aws-secret-access-key"}},
	{"private-key", {"private-key-*"}},
	{"github-token", {"github-*"}},
	{"slack-webhook", {"slack-webhook", "slack-workflow-webhook"}},
	{"password-in-shell-history",
	 {"shell-history-mysql-password", "shell-history-sshpass", "curl-user-password", "shell-export-password",
	  "pgpassword-env"}},
	{"password-in-config", {"mysql-config-password", "generic-password-assignment"}},
	{"password-assignment", {"shell-export-password", "generic-password-assignment"}},
};

static int kind_has(const char *kind, const char *rule)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
		if (strcmp(kinds[i].kind, kind) != 0)
			continue;
		for (size_t j = 0; j < 6 && kinds[i].rules[j]; j++) {
			const char *p = kinds[i].rules[j];
			size_t n = strlen(p);
			if (p[n - 1] == '*' ? strncmp(p, rule, n - 1) == 0 : strcmp(p, rule) == 0)
				return 1;
		}
	}
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	if (b)
		b[n] = 0;
	fclose(f);
	return b;
}

/* dpkg md5sums of a tree: path -> digest, sorted for bsearch. */
struct owned {
	char *path, *digest, *pkg;
};
static struct owned *owned;
static size_t nowned;

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct owned *)a)->path, ((const struct owned *)b)->path);
}

static void load_md5sums(const char *tree)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/var/lib/dpkg/info", tree);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	size_t cap = 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 9 || strcmp(e->d_name + n - 8, ".md5sums") != 0)
			continue;
		char p[8192];
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		char *text = slurp(p);
		if (!text)
			continue;
		char pkg[256];
		snprintf(pkg, sizeof pkg, "%.*s", (int)(n - 8), e->d_name);
		char *save = NULL;
		for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (strlen(line) < 35)
				continue;
			if (nowned == cap) {
				cap = cap ? cap * 2 : 4096;
				owned = realloc(owned, cap * sizeof(*owned));
			}
			char dg[64];
			snprintf(dg, sizeof dg, "md5:%.32s", line);
			char path[4096];
			snprintf(path, sizeof path, "/%s", line + 34);
			owned[nowned++] = (struct owned){strdup(path), strdup(dg), strdup(pkg)};
		}
		free(text);
	}
	closedir(d);
	qsort(owned, nowned, sizeof(*owned), by_path);
}

static const char *owner_cb(const char *path, const char **digest, void *payload)
{
	(void)payload;
	struct owned key = {(char *)path, NULL, NULL};
	struct owned *o = nowned ? bsearch(&key, owned, nowned, sizeof(*owned), by_path) : NULL;
	*digest = o ? o->digest : "";
	return o ? o->pkg : NULL;
}

static int covers(const awp_secret_finding *f, const char *path, long line)
{
	return strcmp(f->path, path) == 0 && (long)f->line <= line && line <= (long)f->end_line;
}

static void check_report(const char *what, const cJSON *man, const awp_secrets_report *rep)
{
	char msg[1024];
	const cJSON *secrets = cJSON_GetObjectItem(man, "secrets"), *inc = cJSON_GetObjectItem(man, "incidental_secrets");
	const cJSON *s;
	cJSON_ArrayForEach(s, secrets) {
		const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(s, "path"));
		const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(s, "kind"));
		long line = (long)cJSON_GetNumberValue(cJSON_GetObjectItem(s, "line"));
		int found = 0;
		for (size_t i = 0; i < awp_secrets_report_count(rep); i++) {
			const awp_secret_finding *f = awp_secrets_report_get(rep, i);
			found |= !f->suppressed && covers(f, path, line) && kind_has(kind, f->rule_id);
		}
		snprintf(msg, sizeof msg, "%s: planted %s at %s:%ld not found", what, kind, path, line);
		CHECK_MSG(found, msg);
	}
	for (size_t i = 0; i < awp_secrets_report_count(rep); i++) {
		const awp_secret_finding *f = awp_secrets_report_get(rep, i);
		if (f->suppressed)
			continue;
		int known = 0;
		const cJSON *lists[2] = {secrets, inc};
		for (int k = 0; k < 2 && !known; k++)
			cJSON_ArrayForEach(s, lists[k]) {
				const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(s, "path"));
				long line = (long)cJSON_GetNumberValue(cJSON_GetObjectItem(s, "line"));
				known |= path && covers(f, path, line);
			}
		snprintf(msg, sizeof msg, "%s: unexplained finding %s at %s:%llu", what, f->rule_id, f->path,
			 (unsigned long long)f->line);
		CHECK_MSG(known, msg);
	}
}

static awp_secrets_report *scan(awp_secrets_scanner *sc, awp_fs *fs, int with_owner)
{
	awp_secrets_report *rep = NULL;
	awp_secrets_fs_options fo = AWP_SECRETS_FS_OPTIONS_INIT;
	if (with_owner)
		fo.owner = owner_cb;
	CHECK_OK(awp_secrets_report_new(&rep));
	CHECK_OK(awp_secrets_scan_fs(sc, fs, &fo, rep));
	return rep;
}

void test_main(void)
{
	const char *fx = test_env("AWP_FIXTURES_DIR");
	const char *src = test_env("AWP_SOURCE_DIR");
	if (!fx || !src)
		test_skip("AWP_FIXTURES_DIR or AWP_SOURCE_DIR not set");
	static const char *const images[] = {"debian12-ext4-gpt.raw", "debian12-xfs-gpt.raw", "small-alpine-ext4.raw",
					     "small-rpm-ext4.raw", "small-synthetic-ext4.raw"};
	static const char *const trees[] = {"debian12", "debian12", "small-alpine", "small-rpm", "small-synthetic"};
	char rules[4096];
	snprintf(rules, sizeof rules, "%s/rules", src);
	awp_secrets_load_options lo = AWP_SECRETS_LOAD_OPTIONS_INIT;
	lo.rules_path = rules;
	awp_secrets_rules *r = NULL;
	awp_secrets_scanner *sc = NULL;
	CHECK_OK(awp_secrets_rules_load(&r, &lo));
	if (!r)
		return;
	CHECK_OK(awp_secrets_scanner_new(&sc, r));
	int any = 0;
	for (size_t i = 0; i < sizeof(images) / sizeof(*images); i++) {
		char p[4096];
		snprintf(p, sizeof p, "%s/%s.expected.json", fx, images[i]);
		char *text = slurp(p);
		if (!text)
			continue;
		cJSON *man = cJSON_Parse(text);
		free(text);
		CHECK(man != NULL);
		if (!man)
			continue;
		char tree[4096];
		snprintf(tree, sizeof tree, "%s/work/%s-tree", fx, trees[i]);
		awp_fs *fs = NULL;
		if (i != 1 && awp_fs_open_dir(&fs, tree) == 0) { /* the xfs image shares the debian tree */
			any = 1;
			awp_secrets_report *rep = scan(sc, fs, 0);
			check_report(tree, man, rep);
			awp_secrets_report_free(rep);
			/* package ownership from the tree's dpkg md5sums */
			load_md5sums(tree);
			if (nowned) {
				rep = scan(sc, fs, 1);
				check_report(tree, man, rep);
				const awp_secrets_stats *st = awp_secrets_report_stats(rep);
				printf("%s: %zu dpkg-owned files; %llu findings, %llu suppressed as unmodified package files, "
				       "%llu by the built-in allowlist\n",
				       trees[i], nowned, (unsigned long long)st->findings,
				       (unsigned long long)st->suppressed[AWP_SUPPRESS_PACKAGE],
				       (unsigned long long)st->suppressed[AWP_SUPPRESS_BUILTIN]);
				awp_secrets_report_free(rep);
				for (size_t k = 0; k < nowned; k++)
					free(owned[k].path), free(owned[k].digest), free(owned[k].pkg);
				free(owned);
				owned = NULL;
				nowned = 0;
			}
			awp_fs_free(fs);
		}
		const char *img = test_fixture(images[i]);
		awp_target *t = NULL;
		if (img && awp_target_open(&t, img) == 0) {
			any = 1;
			awp_fs *ifs = awp_target_pick_fs(t, NULL);
			if (!ifs)
				printf("%s: no readable root filesystem (%s); image not scanned\n", images[i], awp_error_last());
			else {
				awp_secrets_report *rep = scan(sc, ifs, 0);
				check_report(images[i], man, rep);
				awp_secrets_report_free(rep);
			}
			awp_target_free(t);
		}
		cJSON_Delete(man);
	}
	awp_secrets_scanner_free(sc);
	awp_secrets_rules_free(r);
	if (!any)
		test_skip("no fixture trees or images in %s", fx);
}
