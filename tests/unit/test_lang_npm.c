/*
 * npm analyzer on a hand-made tree: nested and scoped node_modules, global
 * packages, dependency edges resolved like require(), lock files v1 and v3
 * for projects without node_modules, a lock ignored when node_modules is
 * there, an app's own package.json not reported, malformed and 100 MB
 * package.json files (warnings), cyclic symlinks in node_modules.
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/inventory.h>

#include <stdlib.h>

static void put(const char *dir, const char *rel, const char *text)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	CHECK(test_sh("mkdir -p \"$(dirname '%s')\"", path) == 0);
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static const awp_package *get(const awp_inventory *inv, const char *name, const char *version, const char *path)
{
	for (size_t i = 0; i < awp_inventory_count(inv); i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		if (strcmp(p->name, name) == 0 && strcmp(p->version, version) == 0 && strcmp(p->path, path) == 0)
			return p;
	}
	char d[512];
	snprintf(d, sizeof d, "%s %s at %s", name, version, path);
	CHECK_MSG(0, d);
	return NULL;
}

/* 1 when p has an edge to the package named `name` with `version`. */
static int edge(const awp_inventory *inv, const awp_package *p, const char *name, const char *version)
{
	for (size_t k = 0; p && k < p->dep_count; k++) {
		const awp_package *d = awp_inventory_get(inv, p->deps[k]);
		if (strcmp(d->name, name) == 0 && strcmp(d->version, version) == 0)
			return 1;
	}
	return 0;
}

static int warned(const awp_inventory *inv, const char *path, const char *text)
{
	for (size_t i = 0; i < awp_inventory_warning_count(inv); i++) {
		const awp_inventory_warning *w = awp_inventory_warning_get(inv, i);
		if (strcmp(w->path, path) == 0 && strstr(w->message, text))
			return 1;
	}
	return 0;
}

void test_main(void)
{
	char *dir = test_tmpdir();
	put(dir, "app/package.json", "{\"name\":\"myapp\",\"version\":\"0.0.1\",\"dependencies\":{\"a\":\"1\"}}");
	put(dir, "app/package-lock.json",
	    "{\"lockfileVersion\":2,\"packages\":{\"\":{\"name\":\"myapp\"},"
	    "\"node_modules/a\":{\"version\":\"1.0.0\"},\"node_modules/devonly\":{\"version\":\"9.9.9\",\"dev\":true}}}");
	put(dir, "app/node_modules/a/package.json",
	    "{\"name\":\"a\",\"version\":\"1.0.0\",\"license\":\"MIT\",\"dependencies\":{\"b\":\"^2\",\"c\":\"1\"}}");
	put(dir, "app/node_modules/a/lib/package.json", "{\"type\":\"module\"}");
	put(dir, "app/node_modules/a/node_modules/c/package.json", "{\"name\":\"c\",\"version\":\"1.1.0\"}");
	put(dir, "app/node_modules/c/package.json",
	    "{\"name\":\"c\",\"version\":\"2.0.0\",\"dependencies\":{\"a\":\"*\",\"@s/x\":\"3\"}}");
	put(dir, "app/node_modules/@s/x/package.json",
	    "{\"name\":\"@s/x\",\"version\":\"3.0.0\",\"license\":{\"type\":\"BSD-2-Clause\"}}");
	put(dir, "app/node_modules/bad/package.json", "{\"name\": \"bad\", \"version\": ");
	put(dir, "app/node_modules/noversion/package.json", "{\"name\": \"noversion\"}");
	CHECK(test_sh("cd %s/app/node_modules && mkdir big && truncate -s 100M big/package.json && ln -s . loop "
		      "&& ln -s l2 l1 && ln -s l1 l2 && ln -s ../node_modules a/node_modules/up",
		      dir) == 0);
	put(dir, "usr/lib/node_modules/npm/package.json", "{\"name\":\"npm\",\"version\":\"9.2.0\",\"licenses\":[{\"type\":\"Artistic-2.0\"}]}");
	put(dir, "src/package-lock.json",
	    "{\"lockfileVersion\":1,\"dependencies\":{\"d\":{\"version\":\"1.0.0\",\"requires\":{\"e\":\"2\"},"
	    "\"dependencies\":{\"e\":{\"version\":\"2.0.0\"}}},\"e\":{\"version\":\"1.0.0\"}}}");
	put(dir, "proj3/package-lock.json",
	    "{\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"p3\"},\"node_modules/f\":{\"version\":\"1.0.0\","
	    "\"dependencies\":{\"g\":\"2\"}},\"node_modules/g\":{\"version\":\"2.0.0\"},\"node_modules/@t/h\":"
	    "{\"version\":\"3.0.0\",\"license\":\"ISC\"},\"packages/w\":{\"version\":\"0.1.0\"},\"node_modules/w\":"
	    "{\"resolved\":\"packages/w\",\"link\":true}}}");
	put(dir, "proj4/package-lock.json", "[1,2,");

	awp_fs *fs = NULL;
	awp_inventory *inv = NULL;
	CHECK_OK(awp_fs_open_dir(&fs, dir));
	CHECK_OK(awp_inventory_collect(&inv, fs, NULL));
	if (!inv)
		return;
	for (size_t i = 0; i < awp_inventory_warning_count(inv); i++)
		printf("# warning: %s: %s\n", awp_inventory_warning_get(inv, i)->path,
		       awp_inventory_warning_get(inv, i)->message);
	const awp_package *a = get(inv, "a", "1.0.0", "/app/node_modules/a/package.json");
	const awp_package *c2 = get(inv, "c", "2.0.0", "/app/node_modules/c/package.json");
	get(inv, "c", "1.1.0", "/app/node_modules/a/node_modules/c/package.json");
	const awp_package *x = get(inv, "@s/x", "3.0.0", "/app/node_modules/@s/x/package.json");
	const awp_package *npm = get(inv, "npm", "9.2.0", "/usr/lib/node_modules/npm/package.json");
	if (a) {
		CHECK_EQ_STR(a->type, "npm");
		CHECK_EQ_STR(a->manager, "npm");
		CHECK_EQ_STR(a->license, "MIT");
		CHECK_EQ_STR(a->purl, "pkg:npm/a@1.0.0"); /* filled by the dedup/purl step */
		CHECK(edge(inv, a, "c", "1.1.0"));  /* the nested copy wins */
		CHECK(!edge(inv, a, "c", "2.0.0"));
		CHECK_EQ_INT(a->dep_count, 1);      /* b is not installed */
	}
	if (c2) {
		CHECK(edge(inv, c2, "a", "1.0.0"));
		CHECK(edge(inv, c2, "@s/x", "3.0.0"));
	}
	if (x)
		CHECK_EQ_STR(x->license, "BSD-2-Clause");
	if (npm)
		CHECK_EQ_STR(npm->license, "Artistic-2.0");
	/* Lock-only projects. */
	const awp_package *d = get(inv, "d", "1.0.0", "/src/package-lock.json");
	get(inv, "e", "2.0.0", "/src/package-lock.json");
	get(inv, "e", "1.0.0", "/src/package-lock.json");
	CHECK(edge(inv, d, "e", "2.0.0"));
	CHECK(!edge(inv, d, "e", "1.0.0"));
	const awp_package *f = get(inv, "f", "1.0.0", "/proj3/package-lock.json");
	get(inv, "g", "2.0.0", "/proj3/package-lock.json");
	const awp_package *h = get(inv, "@t/h", "3.0.0", "/proj3/package-lock.json");
	CHECK(edge(inv, f, "g", "2.0.0"));
	if (h)
		CHECK_EQ_STR(h->license, "ISC");
	/* Not reported: the app itself, the lib/package.json, lock entries of a
	 * project with node_modules, link entries. */
	for (size_t i = 0; i < awp_inventory_count(inv); i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		CHECK(strcmp(p->name, "myapp") != 0);
		CHECK(strcmp(p->name, "devonly") != 0);
		CHECK(strcmp(p->name, "w") != 0);
		CHECK(strcmp(p->path, "/app/package-lock.json") != 0);
		CHECK(p->name[0] != '\0');
	}
	CHECK_EQ_INT(awp_inventory_count(inv), 11);
	CHECK(warned(inv, "/app/node_modules/bad/package.json", "malformed JSON"));
	CHECK(warned(inv, "/app/node_modules/noversion/package.json", "without a name and version"));
	CHECK(warned(inv, "/app/node_modules/big/package.json", ""));
	CHECK(warned(inv, "/proj4/package-lock.json", "malformed JSON"));
	CHECK_EQ_INT(awp_inventory_warning_count(inv), 4);
	awp_inventory_free(inv);
	awp_fs_free(fs);
	test_rmtree(dir);
	free(dir);
}
