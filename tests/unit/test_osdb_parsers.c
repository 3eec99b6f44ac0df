/*
 * dpkg status (and status.d), apk installed, purl, and the dedup of
 * language packages that OS packages installed: hand-made trees, including
 * malformed and oversized inputs.
 */
#include "harness.h"
#include "fscompare.h"

#include "pkg/osdb_int.h"

#include <stdlib.h>
#include <string.h>

/* Packages of one type (the tree also holds language packages that other
 * analyzers report). */
static size_t count_type(const awp_inventory *inv, const char *type)
{
	size_t n = 0;
	for (size_t i = 0; i < awp_inventory_count(inv); i++)
		n += strcmp(awp_inventory_get(inv, i)->type, type) == 0;
	return n;
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

static awp_inventory *collect_dir(const char *dir, awp_fs **fs)
{
	awp_inventory *inv = NULL;
	CHECK_OK(awp_fs_open_dir(fs, dir));
	CHECK_OK(awp_inventory_collect(&inv, *fs, NULL));
	return inv;
}

static void dpkg_tests(void)
{
	char *dir = test_tmpdir();
	CHECK(test_sh("cd %s && mkdir -p etc var/lib/dpkg/info usr/lib/python3/dist-packages/PyYAML-6.0.dist-info && "
		      "printf 'ID=ubuntu\\nVERSION_ID=\"22.04\"\\n' > etc/os-release && "
		      "printf 'Package: bash\\nStatus: install ok installed\\nPriority: required\\nArchitecture: amd64\\n"
		      "Source: bash (5.2.15-2)\\nVersion: 5.2.15-2+b2\\nDescription: shell\\n long text\\n .\\n more\\n\\n"
		      "Package: libexpat1\\nStatus: deinstall ok config-files\\nArchitecture: amd64\\nVersion: 2.5.0-1\\n\\n"
		      "Package: held\\nStatus: hold ok installed\\nArchitecture: all\\nVersion: 1:2.0\\n\\n \\n"
		      "Package: half\\nStatus: install ok half-installed\\nVersion: 1\\n\\n"
		      "Package: libc6\\nStatus: install ok installed\\nArchitecture: amd64\\nMulti-Arch: same\\n"
		      "Source: glibc\\nVersion: 2.36-9\\n\\n"
		      "Package: noversion\\nStatus: install ok installed\\n\\n"
		      "Package: python3-yaml\\nStatus: install ok installed\\nArchitecture: amd64\\nSource: pyyaml (6.0-3)\\n"
		      "Version: 6.0-3+b2\\n\\n"
		      "Package: trunc\\nStatus: install ok installed\\nArchitecture: amd64\\nVersion: 9' > var/lib/dpkg/status && "
		      "printf '/.\\n/bin\\n/bin/bash\\n/usr\\n/usr/share\\n/usr/share/doc/bash/README\\n' > var/lib/dpkg/info/bash.list && "
		      "printf '0123456789abcdef0123456789abcdef  bin/bash\\nzz  bad\\n' > var/lib/dpkg/info/bash.md5sums && "
		      "printf '/lib/x86_64-linux-gnu/libc.so.6\\n' > 'var/lib/dpkg/info/libc6:amd64.list' && "
		      "printf '/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info\\n"
		      "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA\\n' > var/lib/dpkg/info/python3-yaml.list && "
		      "printf 'Metadata-Version: 2.1\\nName: PyYAML\\nVersion: 6.0\\n' > "
		      "usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA",
		      dir) == 0);
	awp_fs *fs = NULL;
	awp_inventory *inv = collect_dir(dir, &fs);
	const awp_package *p = find(inv, "dpkg", "bash");
	CHECK(p != NULL);
	if (p) {
		CHECK_EQ_STR(p->version, "5.2.15-2+b2");
		CHECK_EQ_STR(p->source_name, "bash");
		CHECK_EQ_STR(p->source_version, "5.2.15-2");
		CHECK_EQ_STR(p->arch, "amd64");
		CHECK_EQ_STR(p->path, "/var/lib/dpkg/status");
		CHECK_EQ_STR(p->manager, "dpkg");
		CHECK_EQ_STR(p->purl, "pkg:deb/ubuntu/bash@5.2.15-2%2Bb2?arch=amd64&distro=ubuntu-22.04");
	}
	CHECK(find(inv, "dpkg", "libexpat1") == NULL);
	CHECK(find(inv, "dpkg", "half") == NULL);
	CHECK(find(inv, "dpkg", "noversion") == NULL);
	p = find(inv, "dpkg", "held");
	CHECK(p && strcmp(p->version, "1:2.0") == 0 && strcmp(p->source_version, "1:2.0") == 0);
	p = find(inv, "dpkg", "trunc"); /* the last stanza has no trailing newline */
	CHECK(p && strcmp(p->version, "9") == 0);
	p = find(inv, "dpkg", "libc6");
	CHECK(p && strcmp(p->source_name, "glibc") == 0 && strcmp(p->source_version, "2.36-9") == 0);
	CHECK_EQ_INT(awp_inventory_count(inv), 5);
	const char *d = NULL;
	long o = awp_inventory_owner(inv, "/bin/bash", &d);
	CHECK(o >= 0 && strcmp(awp_inventory_get(inv, (size_t)o)->name, "bash") == 0);
	CHECK_EQ_STR(d, "md5:0123456789abcdef0123456789abcdef");
	CHECK(awp_inventory_owner(inv, "/usr/share", NULL) < 0);
	CHECK(awp_inventory_owner(inv, "/.", NULL) < 0);
	CHECK(awp_inventory_owner(inv, "/usr/share/doc/bash/README", &d) >= 0);
	CHECK_EQ_STR(d, "");
	o = awp_inventory_owner(inv, "/lib/x86_64-linux-gnu/libc.so.6", NULL);
	CHECK(o >= 0 && strcmp(awp_inventory_get(inv, (size_t)o)->name, "libc6") == 0);
	CHECK_EQ_INT(awp_inventory_warning_count(inv), 1); /* noversion */

	/* without file digests: the same owners, no digests, md5sums not read */
	{
		awp_inventory *bare = NULL;
		awp_inventory_options io = AWP_INVENTORY_OPTIONS_INIT;
		io.file_digests = 0;
		CHECK_OK(awp_inventory_collect(&bare, fs, &io));
		if (bare) {
			CHECK_EQ_INT(awp_inventory_count(bare), awp_inventory_count(inv));
			o = awp_inventory_owner(bare, "/bin/bash", &d);
			CHECK(o >= 0 && strcmp(awp_inventory_get(bare, (size_t)o)->name, "bash") == 0);
			CHECK_EQ_STR(d, "");
			CHECK(awp_inventory_owner(bare, "/usr/share/doc/bash/README", NULL) >= 0);
			awp_inventory_free(bare);
		}
	}

	/* no merged /usr here (/bin is not a link): /usr/bin/bash is another file */
	CHECK(awp_inventory_owner(inv, "/usr/bin/bash", NULL) < 0);
	{
		char *m = test_tmpdir();
		CHECK(test_sh("cd %s && mkdir -p etc usr/bin usr/sbin var/lib/dpkg/info && ln -s usr/bin bin && "
			      "ln -s /usr/sbin/ sbin && printf 'ID=debian\\n' > etc/os-release && "
			      "printf 'Package: p\\nStatus: install ok installed\\nVersion: 1\\n\\n' > var/lib/dpkg/status && "
			      "printf '/bin/x\\n/sbin/y\\n/usr/bin/z\\n/lib/w\\n' > var/lib/dpkg/info/p.list",
			      m) == 0);
		awp_fs *mfs = NULL;
		awp_inventory *minv = collect_dir(m, &mfs);
		if (minv) {
			CHECK(awp_inventory_owner(minv, "/usr/bin/x", NULL) >= 0);  /* listed as /bin/x */
			CHECK(awp_inventory_owner(minv, "/usr/sbin/y", NULL) >= 0); /* absolute link target */
			CHECK(awp_inventory_owner(minv, "/bin/z", NULL) >= 0);      /* listed as /usr/bin/z */
			CHECK(awp_inventory_owner(minv, "/usr/lib/w", NULL) < 0);   /* /lib is no link here */
			CHECK(awp_inventory_owner(minv, "/usr/binx", NULL) < 0);
		}
		awp_inventory_free(minv);
		awp_fs_free(mfs);
		test_rmtree(m);
		free(m);
	}

	/* dedup: a python package whose METADATA python3-yaml installed */
	size_t before = awp_inventory_count(inv);
	awp_package t = {0};
	t.type = "python";
	t.name = "PyYAML";
	t.version = "6.0";
	t.manager = "pip";
	t.path = "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA";
	size_t idx;
	CHECK_OK(awp_inv_add(inv, &t, &idx));
	t.name = "requests";
	t.path = "/usr/local/lib/python3.11/dist-packages/requests-2.25.1.dist-info/METADATA";
	CHECK_OK(awp_inv_add(inv, &t, &idx));
	CHECK_OK(awp_inv_dedup(inv));
	CHECK_EQ_INT(awp_inventory_count(inv), before + 1);
	CHECK(find(inv, "python", "PyYAML") == NULL);
	CHECK(find(inv, "python", "requests") != NULL);
	p = find(inv, "dpkg", "python3-yaml");
	CHECK(p && p->alias_count == 1 && strcmp(p->aliases[0], "PyYAML") == 0);
	/* owners still point at the right package after compaction */
	o = awp_inventory_owner(inv, "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA", NULL);
	CHECK(o >= 0 && awp_inventory_get(inv, (size_t)o) == p);
	awp_inventory_free(inv);
	awp_fs_free(fs);

	/* distroless: status.d with one stanza file per package and .md5sums beside */
	CHECK(test_sh("cd %s && rm -rf var/lib/dpkg/status var/lib/dpkg/info && mkdir -p var/lib/dpkg/status.d && "
		      "printf 'Package: base-files\\nVersion: 12.4\\nArchitecture: amd64\\n' > var/lib/dpkg/status.d/base && "
		      "printf 'd41d8cd98f00b204e9800998ecf8427e  etc/debian_version\\n' > var/lib/dpkg/status.d/base.md5sums && "
		      "printf 'Package: tzdata\\nVersion: 2024a\\nArchitecture: all\\nSource: tzdata (2024a-0)\\n' > "
		      "var/lib/dpkg/status.d/tzdata",
		      dir) == 0);
	inv = collect_dir(dir, &fs);
	CHECK_EQ_INT(count_type(inv, "dpkg"), 2);
	p = find(inv, "dpkg", "base-files");
	CHECK(p && strcmp(p->path, "/var/lib/dpkg/status.d/base") == 0);
	CHECK(awp_inventory_owner(inv, "/etc/debian_version", &d) == 0);
	CHECK_EQ_STR(d, "md5:d41d8cd98f00b204e9800998ecf8427e");
	p = find(inv, "dpkg", "tzdata");
	CHECK(p && strcmp(p->source_version, "2024a-0") == 0);
	awp_inventory_free(inv);
	awp_fs_free(fs);

	/* a 100 MB status: read up to the cap, with a warning naming the file */
	CHECK(test_sh("cd %s && rm -rf var/lib/dpkg/status.d && python3 -c \"import sys\n"
		      "s = 'Package: a\\nStatus: install ok installed\\nVersion: 1\\nArchitecture: all\\n\\n'\n"
		      "junk = 'Package: x\\nStatus: purge ok not-installed\\nDescription: ' + 'y' * 100000 + '\\n\\n'\n"
		      "f = open('var/lib/dpkg/status', 'w'); f.write(s)\n"
		      "for i in range(1000): f.write(junk)\n"
		      "f.write(s.replace(': a', ': z'))\" && "
		      "ls -la var/lib/dpkg/status | awk '{exit !($5 > 100000000)}'",
		      dir) == 0);
	inv = collect_dir(dir, &fs);
	CHECK(find(inv, "dpkg", "a") != NULL);
	CHECK(find(inv, "dpkg", "z") == NULL); /* past the cap */
	CHECK_EQ_INT(awp_inventory_warning_count(inv), 1);
	if (awp_inventory_warning_count(inv)) {
		CHECK_EQ_STR(awp_inventory_warning_get(inv, 0)->path, "/var/lib/dpkg/status");
		CHECK(strstr(awp_inventory_warning_get(inv, 0)->message, "limit") != NULL);
	}
	awp_inventory_free(inv);
	awp_fs_free(fs);
	test_rmtree(dir);
	free(dir);
}

static void apk_tests(void)
{
	const char *db = "C:Q1yo/VUgLtI25XTW4fxmHqueYDydo=\nP:libssl3\nV:3.1.3-r0\nA:x86_64\nL:Apache-2.0\no:openssl\n"
			 "F:usr/lib\nR:libssl.so.3\nZ:Q1HegrQNVar1FIwN5eOOd+CUoI2Y0=\nR:nodigest\nF:etc\nR:x.conf\nZ:junk\n\n"
			 "P:noversion\n\n"
			 "P:busybox\nV:1.36.1-r5\nA:x86_64\nF:bin\nR:busybox\nZ:Q1!!!!\n\n\n"
			 "P:musl\nV:1.2.4-r2\nA:x86_64";
	awp_osdb_reader r;
	awp_osdb_reader_mem(&r, db, strlen(db), "/lib/apk/db/installed");
	awp_inventory *inv = awp_inv_new();
	CHECK_OK(awp_apk_parse_installed(inv, &r));
	CHECK_EQ_INT(awp_inventory_count(inv), 3);
	const awp_package *p = find(inv, "apk", "libssl3");
	CHECK(p && strcmp(p->source_name, "openssl") == 0 && strcmp(p->license, "Apache-2.0") == 0 &&
	      strcmp(p->version, "3.1.3-r0") == 0 && strcmp(p->arch, "x86_64") == 0);
	p = find(inv, "apk", "musl"); /* no origin: own source; no final newline */
	CHECK(p && strcmp(p->source_name, "musl") == 0);
	const char *d = NULL;
	CHECK_EQ_INT(awp_inventory_owner(inv, "/usr/lib/libssl.so.3", &d), 0);
	CHECK_EQ_STR(d, "sha1:1de82b40d55aaf5148c0de5e38e77e094a08d98d");
	CHECK_EQ_INT(awp_inventory_owner(inv, "/usr/lib/nodigest", &d), 0);
	CHECK_EQ_STR(d, "");
	CHECK_EQ_INT(awp_inventory_owner(inv, "/etc/x.conf", &d), 0);
	CHECK_EQ_STR(d, "");
	CHECK(awp_inventory_owner(inv, "/bin/busybox", NULL) >= 0);
	CHECK_EQ_INT(awp_inventory_warning_count(inv), 1);
	/* every prefix parses without error */
	for (size_t cut = 0; cut < strlen(db); cut++) {
		awp_inventory *i2 = awp_inv_new();
		awp_osdb_reader_mem(&r, db, cut, "/x");
		CHECK_OK(awp_apk_parse_installed(i2, &r));
		awp_inventory_free(i2);
	}
	awp_inventory_free(inv);
}

static void purl_tests(void)
{
	awp_inventory *inv = awp_inv_new();
	static const struct {
		const char *type, *name, *version, *arch, *want;
	} cases[] = {
		{"dpkg", "libssl3", "3.0.11-1~deb12u2", "amd64", "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"},
		{"dpkg", "bsdutils", "1:2.38.1-5+deb12u3", "amd64", "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12"},
		{"rpm", "openssl-libs", "1:3.0.7-16.el9", "x86_64", "pkg:rpm/debian/openssl-libs@3.0.7-16.el9?arch=x86_64&distro=debian-12&epoch=1"},
		{"apk", "musl", "1.2.4-r2", "x86_64", "pkg:apk/debian/musl@1.2.4-r2?arch=x86_64&distro=debian-12"},
		{"npm", "@babel/traverse", "7.22.5", "", "pkg:npm/%40babel/traverse@7.22.5"},
		{"npm", "lodash", "4.17.20", "", "pkg:npm/lodash@4.17.20"},
		{"python", "Foo.Bar__baz", "1.0", "", "pkg:pypi/foo-bar-baz@1.0"},
		{"maven", "org.apache.logging.log4j:log4j-core", "2.14.1", "", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
		{"go", "github.com/gin-gonic/gin", "v1.9.0", "", "pkg:golang/github.com/gin-gonic/gin@v1.9.0"},
		{"go", "stdlib", "go1.21.0", "", "pkg:golang/stdlib@go1.21.0"},
		{"cargo", "serde", "1.0.188", "", "pkg:cargo/serde@1.0.188"},
		{"gem", "rails", "7.0.4", "", "pkg:gem/rails@7.0.4"},
		{"composer", "monolog/monolog", "2.9.1", "", "pkg:composer/monolog/monolog@2.9.1"},
		{"nuget", "Newtonsoft.Json", "13.0.1", "", "pkg:nuget/Newtonsoft.Json@13.0.1"},
		{"conda", "numpy", "1.24.3", "", "pkg:conda/numpy@1.24.3"},
		{"npm", "we ird", "1.0 beta", "", "pkg:npm/we%20ird@1.0%20beta"},
	};
	inv->os.known = 1;
	inv->os.id = "debian";
	inv->os.version_id = "12";
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		awp_package p = {0};
		p.type = cases[i].type;
		p.name = cases[i].name;
		p.version = cases[i].version;
		p.arch = cases[i].arch;
		CHECK_EQ_STR(awp_purl_make(inv, &p), cases[i].want);
	}
	awp_inventory_free(inv);
}

void test_main(void)
{
	purl_tests();
	apk_tests();
	dpkg_tests();
}
