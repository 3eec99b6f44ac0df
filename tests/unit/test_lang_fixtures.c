/*
 * Language packages on the fixture trees ($AWP_FIXTURES_DIR/work/<name>-tree,
 * kept by FX_KEEP_WORK=1): every npm, Python and Maven package of the
 * image's manifest is found with its name, version, path (and entry).
 * Skips when no tree is present.
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/inventory.h>
#include <cjson/cJSON.h>

#include <stdlib.h>
#include <time.h>

/* The dpkg package `owner` carrying `alias` among its aliases. */
static const awp_package *find_owner(const awp_inventory *inv, const char *owner, const char *alias)
{
	for (size_t i = 0; i < awp_inventory_count(inv); i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		if (strcmp(p->type, "dpkg") != 0 || strcmp(p->name, owner) != 0)
			continue;
		for (size_t k = 0; k < p->alias_count; k++)
			if (strcmp(p->aliases[k], alias) == 0)
				return p;
	}
	return NULL;
}

static const awp_package *find(const awp_inventory *inv, const char *type, const char *name, const char *version,
			       const char *path, const char *entry)
{
	for (size_t i = 0; i < awp_inventory_count(inv); i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		if (strcmp(p->type, type) == 0 && strcmp(p->name, name) == 0 && strcmp(p->version, version) == 0 &&
		    strcmp(p->path, path) == 0 && (!entry || strcmp(p->entry, entry) == 0))
			return p;
	}
	return NULL;
}

static int check_tree(const char *tree, const char *manifest)
{
	const char *fx = test_env("AWP_FIXTURES_DIR");
	char tpath[1024], mpath[1024];
	snprintf(tpath, sizeof tpath, "%s/work/%s", fx, tree);
	snprintf(mpath, sizeof mpath, "%s/%s", fx, manifest);
	FILE *f = fopen(mpath, "rb");
	awp_fs *fs = NULL;
	if (!f || awp_fs_open_dir(&fs, tpath) < 0) {
		if (f)
			fclose(f);
		printf("# %s or %s absent\n", tpath, mpath);
		return 0;
	}
	static char buf[16 << 20];
	size_t len = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	cJSON *m = cJSON_ParseWithLength(buf, len);
	CHECK(m != NULL);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	awp_inventory *inv = NULL;
	CHECK_OK(awp_inventory_collect(&inv, fs, NULL));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!inv || !m) {
		cJSON_Delete(m);
		awp_fs_free(fs);
		return 1;
	}
	size_t want = 0, found = 0, lang = 0, folded = 0;
	const cJSON *pk;
	cJSON_ArrayForEach(pk, cJSON_GetObjectItem(m, "packages")) {
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(pk, "type"));
		if (!type || (strcmp(type, "npm") && strcmp(type, "python") && strcmp(type, "maven")))
			continue;
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(pk, "name"));
		const char *ver = cJSON_GetStringValue(cJSON_GetObjectItem(pk, "version"));
		const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(pk, "path"));
		const char *entry = cJSON_GetStringValue(cJSON_GetObjectItem(pk, "entry"));
		want++;
		/* A Python package that dpkg installed is reported once, under dpkg,
		 * with its Python name as an alias (issue 3's dedup rule). */
		const char *owner = cJSON_GetStringValue(cJSON_GetObjectItem(pk, "owned_by_dpkg_package"));
		if (owner) {
			const awp_package *o = find_owner(inv, owner, name);
			char d[512];
			snprintf(d, sizeof d, "%s: %s folded into dpkg %s as an alias", tree, name, owner);
			CHECK_MSG(o != NULL, d);
			found += o != NULL;
			folded++;
			continue;
		}
		const awp_package *p = find(inv, type, name, ver, path, entry);
		char d[1024];
		snprintf(d, sizeof d, "%s: %s %s %s %s", tree, type, name, ver, path);
		CHECK_MSG(p != NULL, d);
		found += p != NULL;
	}
	for (size_t i = 0; i < awp_inventory_count(inv); i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		if (strcmp(p->type, "npm") == 0 || strcmp(p->type, "python") == 0 || strcmp(p->type, "maven") == 0)
			lang++;
	}
	/* Edges resolved through node_modules: jsonwebtoken requires jws. */
	for (size_t i = 0; i < awp_inventory_count(inv); i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		if (strcmp(p->type, "npm") != 0 || strcmp(p->name, "jsonwebtoken") != 0)
			continue;
		int jws = 0;
		for (size_t k = 0; k < p->dep_count; k++)
			jws |= strcmp(awp_inventory_get(inv, p->deps[k])->name, "jws") == 0;
		CHECK_MSG(jws, "jsonwebtoken -> jws edge");
	}
	/* Nothing extra: the trees hold exactly the planted language packages. */
	CHECK_EQ_INT(lang + folded, want);
	for (size_t i = 0; i < awp_inventory_warning_count(inv); i++)
		printf("# warning: %s: %s\n", awp_inventory_warning_get(inv, i)->path,
		       awp_inventory_warning_get(inv, i)->message);
	printf("# %s: %zu/%zu language packages of the manifest found, %zu packages total, %.3f s\n", tree, found,
	       want, awp_inventory_count(inv),
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	awp_inventory_free(inv);
	cJSON_Delete(m);
	awp_fs_free(fs);
	return 1;
}

void test_main(void)
{
	if (!test_env("AWP_FIXTURES_DIR"))
		test_skip("AWP_FIXTURES_DIR not set");
	int n = check_tree("debian12-tree", "debian12-ext4-gpt.raw.expected.json");
	n += check_tree("small-synthetic-tree", "small-synthetic-ext4.raw.expected.json");
	n += check_tree("small-alpine-tree", "small-alpine-ext4.raw.expected.json");
	if (!n)
		test_skip("no fixture trees under $AWP_FIXTURES_DIR/work (build with FX_KEEP_WORK=1)");
}
