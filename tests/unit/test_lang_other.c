/*
 * Ruby gemspecs, Composer installed.json (v1 and v2), .NET deps.json and
 * conda-meta, each with a malformed sibling that only warns.
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

static const awp_package *get(const awp_inventory *inv, const char *type, const char *name, const char *version,
			      const char *path)
{
	for (size_t i = 0; i < awp_inventory_count(inv); i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		if (strcmp(p->type, type) == 0 && strcmp(p->name, name) == 0 && strcmp(p->version, version) == 0 &&
		    strcmp(p->path, path) == 0)
			return p;
	}
	char d[512];
	snprintf(d, sizeof d, "%s %s %s at %s", type, name, version, path);
	CHECK_MSG(0, d);
	return NULL;
}

static int edge(const awp_inventory *inv, const awp_package *p, const char *name)
{
	for (size_t k = 0; p && k < p->dep_count; k++)
		if (strcmp(awp_inventory_get(inv, p->deps[k])->name, name) == 0)
			return 1;
	return 0;
}

void test_main(void)
{
	char *dir = test_tmpdir();
	const char *gems = "var/lib/gems/3.1.0/specifications/";
	char p[256];
	snprintf(p, sizeof p, "%srake-13.0.6.gemspec", gems);
	put(dir, p,
	    "# -*- encoding: utf-8 -*-\nGem::Specification.new do |s|\n  s.name = \"rake\".freeze\n"
	    "  s.version = \"13.0.6\"\n  s.licenses = [\"MIT\".freeze]\nend\n");
	snprintf(p, sizeof p, "%snet-ssh-7.0.1.gemspec", gems);
	put(dir, p, "Gem::Specification.new do |spec|\n  spec.summary = 'x'\nend\n");
	snprintf(p, sizeof p, "%sgarbage.gemspec", gems);
	put(dir, p, "\x01\x02 nothing here");
	put(dir, "srv/php/vendor/composer/installed.json",
	    "{\"packages\":[{\"name\":\"monolog/monolog\",\"version\":\"2.9.1\",\"license\":[\"MIT\"],"
	    "\"require\":{\"php\":\">=7.2\",\"psr/log\":\"^1\"}},{\"name\":\"psr/log\",\"version\":\"1.1.4\"}],"
	    "\"dev\":true}");
	put(dir, "srv/old/vendor/composer/installed.json",
	    "[{\"name\":\"guzzlehttp/guzzle\",\"version\":\"6.5.5\",\"license\":[\"MIT\"]}]");
	put(dir, "srv/bad/vendor/composer/installed.json", "{\"packages\": 3}");
	put(dir, "opt/dotnet/app/App.deps.json",
	    "{\"targets\":{\".NETCoreApp,Version=v6.0\":{\"App/1.0.0\":{\"dependencies\":{\"Newtonsoft.Json\":"
	    "\"13.0.1\"}},\"Newtonsoft.Json/13.0.1\":{\"dependencies\":{\"System.Text\":\"4.0\"}},"
	    "\"System.Text/4.0.0\":{}}},\"libraries\":{\"App/1.0.0\":{\"type\":\"project\"},"
	    "\"Newtonsoft.Json/13.0.1\":{\"type\":\"package\",\"sha512\":\"x\"},\"System.Text/4.0.0\":{\"type\":"
	    "\"package\"}}}");
	put(dir, "opt/dotnet/bad/Bad.deps.json", "{\"libraries\":[}");
	put(dir, "opt/conda/conda-meta/numpy-1.24.3-py311h08b1b3b_0.json",
	    "{\"name\":\"numpy\",\"version\":\"1.24.3\",\"license\":\"BSD-3-Clause\",\"build\":\"py311\"}");
	put(dir, "opt/conda/conda-meta/history", "==> 2023 <==\n");
	put(dir, "opt/conda/conda-meta/broken.json", "{\"version\":\"1\"}");

	awp_fs *fs = NULL;
	awp_inventory *inv = NULL;
	CHECK_OK(awp_fs_open_dir(&fs, dir));
	CHECK_OK(awp_inventory_collect(&inv, fs, NULL));
	if (!inv)
		return;
	for (size_t i = 0; i < awp_inventory_warning_count(inv); i++)
		printf("# warning: %s: %s\n", awp_inventory_warning_get(inv, i)->path,
		       awp_inventory_warning_get(inv, i)->message);
	const awp_package *r = get(inv, "gem", "rake", "13.0.6", "/var/lib/gems/3.1.0/specifications/rake-13.0.6.gemspec");
	if (r) {
		CHECK_EQ_STR(r->license, "MIT");
		CHECK_EQ_STR(r->manager, "gem");
	}
	get(inv, "gem", "net-ssh", "7.0.1", "/var/lib/gems/3.1.0/specifications/net-ssh-7.0.1.gemspec");
	const awp_package *m = get(inv, "composer", "monolog/monolog", "2.9.1", "/srv/php/vendor/composer/installed.json");
	CHECK(edge(inv, m, "psr/log"));
	if (m) {
		CHECK_EQ_INT(m->dep_count, 1);
		CHECK_EQ_STR(m->license, "MIT");
	}
	get(inv, "composer", "psr/log", "1.1.4", "/srv/php/vendor/composer/installed.json");
	get(inv, "composer", "guzzlehttp/guzzle", "6.5.5", "/srv/old/vendor/composer/installed.json");
	const awp_package *n = get(inv, "nuget", "Newtonsoft.Json", "13.0.1", "/opt/dotnet/app/App.deps.json");
	CHECK(edge(inv, n, "System.Text"));
	get(inv, "nuget", "System.Text", "4.0.0", "/opt/dotnet/app/App.deps.json");
	const awp_package *c = get(inv, "conda", "numpy", "1.24.3",
				   "/opt/conda/conda-meta/numpy-1.24.3-py311h08b1b3b_0.json");
	if (c)
		CHECK_EQ_STR(c->license, "BSD-3-Clause");
	CHECK_EQ_INT(awp_inventory_count(inv), 8);
	CHECK_EQ_INT(awp_inventory_warning_count(inv), 4); /* garbage gemspec, bad composer, bad deps.json, broken conda */
	awp_inventory_free(inv);
	awp_fs_free(fs);
	test_rmtree(dir);
	free(dir);
}
