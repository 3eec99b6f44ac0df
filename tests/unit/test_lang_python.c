/*
 * Python analyzer: dist-info/METADATA, egg-info/PKG-INFO, egg-info files,
 * several interpreters and a venv; PEP 503 aliases; the body after the
 * headers ignored; malformed metadata warned about.
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

void test_main(void)
{
	char *dir = test_tmpdir();
	put(dir, "usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA",
	    "Metadata-Version: 2.1\r\nName: PyYAML\r\nVersion: 6.0\r\nLicense: MIT\r\n\r\nName: NotThis\r\n");
	put(dir, "usr/local/lib/python3.11/site-packages/zope.interface-5.4.0.dist-info/METADATA",
	    "Metadata-Version: 2.1\nName: zope.interface\nVersion: 5.4.0\nLicense: ZPL 2.1\n  continued text\n"
	    "Summary: x\n\nlong description\n");
	put(dir, "opt/venv/lib/python3.9/site-packages/Foo_Bar--baz-1.0.egg-info/PKG-INFO",
	    "Metadata-Version: 1.1\nName: Foo_Bar--baz\nVersion: 1.0\nLicense: UNKNOWN\n");
	put(dir, "usr/lib/python2.7/dist-packages/six-1.16.0.egg-info",
	    "Metadata-Version: 1.0\nName: six\nVersion: 1.16.0\nLicense-Expression: MIT\nLicense: old\n");
	put(dir, "usr/lib/python3/dist-packages/broken-1.0.dist-info/METADATA", "this is not metadata\n");
	put(dir, "usr/lib/python3/dist-packages/late-1.0.dist-info/METADATA", "Name: late\n\nVersion: 1.0\n");
	put(dir, "usr/lib/python3/dist-packages/other.dist-info/RECORD", "Name: x\nVersion: 1\n");
	put(dir, "usr/lib/python3/dist-packages/METADATA", "Name: x\nVersion: 1\n");

	awp_fs *fs = NULL;
	awp_inventory *inv = NULL;
	CHECK_OK(awp_fs_open_dir(&fs, dir));
	CHECK_OK(awp_inventory_collect(&inv, fs, NULL));
	if (!inv)
		return;
	const awp_package *y = get(inv, "PyYAML", "6.0", "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA");
	if (y) {
		CHECK_EQ_STR(y->type, "python");
		CHECK_EQ_STR(y->manager, "pip");
		CHECK_EQ_STR(y->license, "MIT");
		CHECK_EQ_INT(y->alias_count, 1);
		if (y->alias_count)
			CHECK_EQ_STR(y->aliases[0], "pyyaml");
	}
	const awp_package *z = get(inv, "zope.interface", "5.4.0",
				   "/usr/local/lib/python3.11/site-packages/zope.interface-5.4.0.dist-info/METADATA");
	if (z && z->alias_count) {
		CHECK_EQ_STR(z->aliases[0], "zope-interface");
		CHECK_EQ_STR(z->license, "ZPL 2.1");
	}
	const awp_package *f = get(inv, "Foo_Bar--baz", "1.0",
				   "/opt/venv/lib/python3.9/site-packages/Foo_Bar--baz-1.0.egg-info/PKG-INFO");
	if (f && f->alias_count) {
		CHECK_EQ_STR(f->aliases[0], "foo-bar-baz");
		CHECK_EQ_STR(f->license, "");
	}
	const awp_package *s = get(inv, "six", "1.16.0", "/usr/lib/python2.7/dist-packages/six-1.16.0.egg-info");
	if (s) {
		CHECK_EQ_INT(s->alias_count, 0);
		CHECK_EQ_STR(s->license, "MIT");
	}
	CHECK_EQ_INT(awp_inventory_count(inv), 4);
	CHECK_EQ_INT(awp_inventory_warning_count(inv), 2); /* broken, late (Version after the headers) */
	for (size_t i = 0; i < awp_inventory_warning_count(inv); i++)
		printf("# warning: %s: %s\n", awp_inventory_warning_get(inv, i)->path,
		       awp_inventory_warning_get(inv, i)->message);
	awp_inventory_free(inv);
	awp_fs_free(fs);
	test_rmtree(dir);
	free(dir);
}
