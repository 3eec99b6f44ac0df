/*
 * OS package databases on the fixture trees ($AWP_FIXTURES_DIR/work/<name>-tree,
 * opened as host directories): the dpkg/rpm/apk packages awp reads must
 * equal the manifest's exactly (type, name, version, arch, source name and
 * version, as a set); not-installed dpkg stanzas are absent; file ownership
 * and digests come from the package databases.
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/inventory.h>

#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The inventory's OS packages as sorted "type|name|version|arch|src|srcver" lines. */
static char *os_rows(const awp_inventory *inv)
{
	size_t n = awp_inventory_count(inv), k = 0;
	char **rows = calloc(n + 1, sizeof(*rows));
	for (size_t i = 0; i < n; i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		if (strcmp(p->type, "dpkg") && strcmp(p->type, "rpm") && strcmp(p->type, "apk"))
			continue;
		size_t len = strlen(p->type) + strlen(p->name) + strlen(p->version) + strlen(p->arch) +
			     strlen(p->source_name) + strlen(p->source_version) + 8;
		rows[k] = malloc(len);
		snprintf(rows[k], len, "%s|%s|%s|%s|%s|%s", p->type, p->name, p->version, p->arch, p->source_name,
			 p->source_version);
		k++;
	}
	qsort(rows, k, sizeof(*rows), cmp);
	size_t total = 1;
	for (size_t i = 0; i < k; i++)
		total += strlen(rows[i]) + 1;
	char *out = malloc(total);
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < k; i++) {
		o += (size_t)snprintf(out + o, total - o, "%s\n", rows[i]);
		free(rows[i]);
	}
	free(rows);
	return out;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strdup(buf);
}

/* Compare line sets, printing differences. */
static int same_lines(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want) == 0)
		return 1;
	fprintf(stderr, "%s: package sets differ\n--- awp\n%s--- manifest\n%s", what, got, want);
	return 0;
}

static awp_inventory *tree(const char *fx, const char *name, awp_fs **fs)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/work/%s", fx, name);
	if (awp_fs_open_dir(fs, path) < 0)
		return NULL;
	awp_inventory *inv = NULL;
	awp_inventory_options o = AWP_INVENTORY_OPTIONS_INIT;
	o.lang_packages = 1;
	CHECK_OK(awp_inventory_collect(&inv, *fs, &o));
	return inv;
}

static int check_manifest(const char *fx, const char *tree_name, const char *manifest, awp_inventory **keep)
{
	awp_fs *fs = NULL;
	awp_inventory *inv = tree(fx, tree_name, &fs);
	if (!inv) {
		fprintf(stderr, "skip %s: tree absent\n", tree_name);
		awp_fs_free(fs);
		return 0;
	}
	char *dir = test_tmpdir();
	char out[4200];
	snprintf(out, sizeof out, "%s/want.txt", dir);
	CHECK(test_sh("python3 %s/tests/unit/data/manifest_os_packages.py %s/%s > %s", test_env("AWP_SOURCE_DIR"), fx,
		      manifest, out) == 0);
	char *want = slurp(out), *got = os_rows(inv);
	CHECK_MSG(want && same_lines(tree_name, got, want), tree_name);
	for (size_t i = 0; i < awp_inventory_warning_count(inv); i++) {
		const awp_inventory_warning *w = awp_inventory_warning_get(inv, i);
		fprintf(stderr, "  warning: %s: %s\n", w->path, w->message);
	}
	free(want);
	free(got);
	test_rmtree(dir);
	free(dir);
	if (keep)
		*keep = inv;
	else
		awp_inventory_free(inv);
	awp_fs_free(fs);
	return 1;
}

static const awp_package *find(const awp_inventory *inv, const char *type, const char *name)
{
	for (size_t i = 0; i < awp_inventory_count(inv); i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		if (strcmp(p->type, type) == 0 && strcmp(p->name, name) == 0)
			return p;
	}
	return NULL;
}

void test_main(void)
{
	const char *fx = test_env("AWP_FIXTURES_DIR");
	if (!fx)
		test_skip("AWP_FIXTURES_DIR not set");
	if (test_sh("command -v python3 >/dev/null") != 0)
		test_skip("python3 not installed (needed to read the manifests)");
	int ran = 0;
	awp_inventory *inv = NULL;
	const char *dg = NULL;

	if (check_manifest(fx, "debian12-tree", "debian12-ext4-gpt.raw.expected.json", &inv)) {
		ran++;
		const awp_package *bash = find(inv, "dpkg", "bash");
		CHECK(bash != NULL);
		long owner = awp_inventory_owner(inv, "/bin/bash", &dg);
		CHECK(owner >= 0 && bash && awp_inventory_get(inv, (size_t)owner) == bash);
		CHECK_EQ_INT(strncmp(dg, "md5:", 4), 0);
		CHECK_EQ_INT(strlen(dg), 36);
		CHECK(awp_inventory_owner(inv, "/usr", NULL) < 0); /* directories with content are not owned */
		CHECK(awp_inventory_owned_file_count(inv) > 5000);
		if (bash)
			CHECK_EQ_STR(bash->purl, "pkg:deb/debian/bash@5.2.15-2%2Bb13?arch=amd64&distro=debian-12");
		/* python3-yaml's dist-info is dpkg's: never a separate python package */
		for (size_t i = 0; i < awp_inventory_count(inv); i++) {
			const awp_package *p = awp_inventory_get(inv, i);
			CHECK(!(strcmp(p->type, "python") == 0 && strstr(p->path, "/usr/lib/python3/dist-packages/")));
		}
		awp_inventory_free(inv);
		inv = NULL;
	}
	if (check_manifest(fx, "small-synthetic-tree", "small-synthetic-ext4.raw.expected.json", &inv)) {
		ran++;
		CHECK(find(inv, "dpkg", "libexpat1") == NULL); /* deinstall ok config-files */
		awp_inventory_free(inv);
		inv = NULL;
	}
	if (check_manifest(fx, "small-rpm-tree", "small-rpm-ext4.raw.expected.json", &inv)) {
		ran++;
		const awp_package *p = find(inv, "rpm", "openssl-libs");
		CHECK(p != NULL);
		if (p) {
			CHECK_EQ_STR(p->path, "/var/lib/rpm/rpmdb.sqlite");
			CHECK_EQ_STR(p->purl, "pkg:rpm/almalinux/openssl-libs@3.0.7-16.el9?arch=x86_64&distro=almalinux-9.2&epoch=1");
		}
		long owner = awp_inventory_owner(inv, "/usr/lib/os-release", &dg);
		CHECK(owner >= 0 && strcmp(awp_inventory_get(inv, (size_t)owner)->name, "almalinux-release") == 0);
		CHECK_EQ_INT(strncmp(dg, "sha256:", 7), 0);
		CHECK_EQ_INT(strlen(dg), 7 + 64);
		awp_inventory_free(inv);
		inv = NULL;
	}
	if (check_manifest(fx, "small-alpine-tree", "small-alpine-ext4.raw.expected.json", &inv)) {
		ran++;
		long owner = awp_inventory_owner(inv, "/etc/motd", &dg);
		CHECK(owner >= 0 && strcmp(awp_inventory_get(inv, (size_t)owner)->name, "alpine-baselayout") == 0);
		CHECK_EQ_INT(strncmp(dg, "sha1:", 5), 0);
		CHECK_EQ_INT(strlen(dg), 5 + 40);
		const awp_package *p = find(inv, "apk", "libssl3");
		CHECK(p && strcmp(p->purl, "pkg:apk/alpine/libssl3@3.1.3-r0?arch=x86_64&distro=alpine-3.18.4") == 0);
		CHECK(p && strcmp(p->license, "Apache-2.0") == 0);
		awp_inventory_free(inv);
	}
	if (!ran)
		test_skip("no fixture trees in %s/work (build with FX_KEEP_WORK=1)", fx);
}
