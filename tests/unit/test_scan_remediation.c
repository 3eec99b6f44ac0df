/*
 * Remediation grouping: one upgrade per source package (dpkg) or project
 * (npm), the single version that fixes every finding (the highest needed,
 * ties by spelling), commands per package manager, biggest win first,
 * secrets by fingerprint, threats by file, "no fix yet" last.
 */
#include "harness.h"

#include <awp/scan.h>

#include <stdlib.h>

static awp_vuln_finding vf(const char *type, const char *name, const char *ver, const char *src, const char *fixed,
			   const char *eco, const char *path)
{
	awp_vuln_finding v = {0};
	v.pkg_type = type;
	v.pkg_name = name;
	v.pkg_version = ver;
	v.source_name = src;
	v.source_version = "";
	v.matched_name = src[0] ? src : name;
	v.installed_version = ver;
	v.fixed_version = fixed;
	v.ecosystem = eco;
	v.pkg_path = path;
	v.score = -1;
	return v;
}

static awp_finding fv(const awp_vuln_finding *v, const char *id, awp_severity s)
{
	awp_finding f = {0};
	f.kind = AWP_FINDING_VULN;
	f.id = id;
	f.severity = s;
	f.category = v->pkg_type;
	f.title = f.evidence = f.fingerprint = f.remediation = f.volume = f.kev_date_added = "";
	f.path = v->pkg_path;
	f.package = v->pkg_name;
	f.vuln = v;
	f.epss = f.epss_percentile = -1;
	return f;
}

static awp_finding fo(awp_finding_kind k, const char *id, awp_severity s, const char *path, const char *fp)
{
	awp_finding f = {0};
	f.kind = k;
	f.id = id;
	f.severity = s;
	f.category = f.title = f.evidence = f.package = f.remediation = f.volume = f.kev_date_added = "";
	f.path = path;
	f.fingerprint = fp;
	f.line = 3;
	f.epss = f.epss_percentile = -1;
	return f;
}

static const awp_action *find(const awp_remediation *p, const char *package, const char *dir)
{
	for (size_t i = 0; i < awp_remediation_count(p); i++) {
		const awp_action *a = awp_remediation_get(p, i);
		if (strcmp(a->package, package) == 0 && (!dir || strcmp(a->directory, dir) == 0))
			return a;
	}
	return NULL;
}

static awp_remediation *plan(const awp_finding *f, size_t n, const awp_os_info *os)
{
	awp_remediation *p = NULL;
	CHECK_OK(awp_remediation_plan(&p, f, n, os));
	return p;
}

void test_main(void)
{
	/* dpkg: two binaries of source openssl, three fixed versions: the highest wins, one command for both */
	awp_vuln_finding v1 = vf("dpkg", "libssl3", "3.0.9-1", "openssl", "3.0.11-1~deb12u1", "Debian:12", "/var/lib/dpkg/status");
	awp_vuln_finding v2 = vf("dpkg", "openssl", "3.0.9-1", "openssl", "3.0.15-1~deb12u1", "Debian:12", "/var/lib/dpkg/status");
	awp_vuln_finding v3 = vf("dpkg", "libssl3", "3.0.9-1", "openssl", "3.0.13-1~deb12u1", "Debian:12", "/var/lib/dpkg/status");
	awp_vuln_finding v4 = vf("dpkg", "openssl", "3.0.9-1", "openssl", NULL, "Debian:12", "/var/lib/dpkg/status");
	awp_vuln_finding v5 = vf("dpkg", "curl", "7.88.1-10", "curl", "7.88.1-10+deb12u5", "Debian:12", "/var/lib/dpkg/status");
	awp_finding f[32];
	size_t n = 0;
	f[n++] = fv(&v1, "CVE-2023-0001", AWP_SEVERITY_HIGH);
	f[n++] = fv(&v2, "CVE-2023-0001", AWP_SEVERITY_HIGH);   /* same CVE on the other binary: counted once */
	f[n++] = fv(&v2, "CVE-2024-0002", AWP_SEVERITY_CRITICAL);
	f[n++] = fv(&v3, "CVE-2024-0003", AWP_SEVERITY_MEDIUM);
	f[n++] = fv(&v4, "CVE-2024-0004", AWP_SEVERITY_HIGH);   /* no fix yet */
	f[n++] = fv(&v5, "CVE-2024-0005", AWP_SEVERITY_HIGH);
	awp_os_info deb = {1, "debian", "", "12", "bookworm", "Debian 12", "/etc/os-release"};
	awp_remediation *p = plan(f, n, &deb);
	CHECK_EQ_INT(awp_remediation_count(p), 3);
	const awp_action *a = awp_remediation_get(p, 0);
	CHECK_EQ_INT(a->kind, AWP_ACTION_UPGRADE);
	CHECK_EQ_STR(a->package, "openssl");
	CHECK_EQ_STR(a->version, "3.0.15-1~deb12u1");
	CHECK_EQ_STR(a->title, "upgrade openssl to 3.0.15-1~deb12u1");
	CHECK_EQ_STR(a->command, "apt-get install --only-upgrade libssl3 openssl");
	CHECK_EQ_INT(a->fixes, 3);
	CHECK_EQ_INT(a->by_severity[AWP_SEVERITY_CRITICAL], 1);
	CHECK_EQ_INT(a->by_severity[AWP_SEVERITY_HIGH], 1);
	CHECK_EQ_INT(a->by_severity[AWP_SEVERITY_MEDIUM], 1);
	CHECK_EQ_STR(awp_remediation_get(p, 1)->package, "curl");
	const awp_action *last = awp_remediation_get(p, 2);
	CHECK_EQ_INT(last->kind, AWP_ACTION_NO_FIX);  /* no fix yet: after every actionable item */
	CHECK_EQ_INT(last->fixes, 1);
	awp_remediation_free(p);

	/* the same findings in reverse order: the same plan */
	awp_finding g[32];
	for (size_t i = 0; i < n; i++)
		g[i] = f[n - 1 - i];
	p = plan(g, n, &deb);
	CHECK_EQ_STR(awp_remediation_get(p, 0)->version, "3.0.15-1~deb12u1");
	CHECK_EQ_STR(awp_remediation_get(p, 0)->command, "apt-get install --only-upgrade libssl3 openssl");
	awp_remediation_free(p);

	/* npm: same package in two projects -> two actions, run in each project; ties of equal versions
	 * spelled differently (SemVer build metadata) pick the byte-wise smallest in any order */
	awp_vuln_finding n1 = vf("npm", "lodash", "4.17.15", "", "4.17.21+build.1", "npm", "/opt/a/node_modules/lodash/package.json");
	awp_vuln_finding n2 = vf("npm", "lodash", "4.17.15", "", "4.17.21", "npm", "/opt/a/node_modules/lodash/package.json");
	awp_vuln_finding n3 = vf("npm", "lodash", "4.17.15", "", "4.17.19", "npm", "/srv/my app/node_modules/lodash/package.json");
	n = 0;
	f[n++] = fv(&n1, "CVE-2021-23337", AWP_SEVERITY_HIGH);
	f[n++] = fv(&n2, "CVE-2020-8203", AWP_SEVERITY_HIGH);
	f[n++] = fv(&n3, "CVE-2020-8203", AWP_SEVERITY_HIGH);
	p = plan(f, n, NULL);
	CHECK_EQ_INT(awp_remediation_count(p), 2);
	a = find(p, "lodash", "/opt/a");
	CHECK(a != NULL);
	if (a) {
		CHECK_EQ_STR(a->version, "4.17.21");
		CHECK_EQ_STR(a->command, "cd /opt/a && npm install lodash@4.17.21");
		CHECK_EQ_INT(a->fixes, 2);
	}
	a = find(p, "lodash", "/srv/my app");
	CHECK(a != NULL);
	if (a)
		CHECK_EQ_STR(a->command, "cd '/srv/my app' && npm install lodash@4.17.19");
	/* biggest win first: two highs before one high */
	CHECK_EQ_STR(awp_remediation_get(p, 0)->directory, "/opt/a");
	awp_remediation_free(p);
	awp_finding h[3] = {f[1], f[0], f[2]};
	p = plan(h, 3, NULL);
	a = find(p, "lodash", "/opt/a");
	CHECK(a && strcmp(a->version, "4.17.21") == 0);
	awp_remediation_free(p);

	/* commands per manager */
	struct {
		awp_vuln_finding v;
		const char *command;
	} cmds[] = {
		{vf("python", "PyYAML", "5.3.1", "", "5.4", "PyPI", "/usr/lib/python3/dist-packages/PyYAML-5.3.1.dist-info/METADATA"),
		 "pip install 'PyYAML>=5.4'"},
		{vf("go", "golang.org/x/net", "0.1.0", "", "0.17.0", "Go", "/usr/local/bin/app"), "go get golang.org/x/net@v0.17.0"},
		{vf("cargo", "smallvec", "1.6.0", "", "1.6.1", "crates.io", "/src/x/Cargo.lock"), "cd /src/x && cargo update -p smallvec --precise 1.6.1"},
		{vf("gem", "rack", "2.0.0", "", "2.0.8", "RubyGems", "/var/lib/gems/3.1.0/specifications/rack-2.0.0.gemspec"), "gem update rack"},
		{vf("composer", "guzzlehttp/guzzle", "7.0.0", "", "7.4.5", "Packagist", "/var/www/vendor/composer/installed.json"),
		 "cd /var/www && composer update guzzlehttp/guzzle"},
		{vf("apk", "libcrypto3", "3.0.8-r0", "openssl", "3.0.8-r1", "Alpine:v3.17", "/lib/apk/db/installed"), "apk add -u libcrypto3"},
		{vf("rpm", "openssl-libs", "1:3.0.7-16.el9", "openssl", "1:3.0.7-18.el9", "AlmaLinux:9", "/var/lib/rpm/rpmdb.sqlite"),
		 "dnf upgrade openssl-libs"},
		{vf("maven", "org.apache.logging.log4j:log4j-core", "2.14.1", "", "2.17.1", "Maven", "/opt/app.jar"), ""},
	};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		f[0] = fv(&cmds[i].v, "CVE-1", AWP_SEVERITY_HIGH);
		p = plan(f, 1, NULL);
		CHECK_EQ_INT(awp_remediation_count(p), 1);
		CHECK_EQ_STR(awp_remediation_get(p, 0)->command, cmds[i].command);
		awp_remediation_free(p);
	}
	/* rpm on CentOS 7 uses yum */
	awp_os_info c7 = {1, "centos", "rhel fedora", "7", "", "CentOS Linux 7", "/etc/os-release"};
	f[0] = fv(&cmds[6].v, "CVE-1", AWP_SEVERITY_HIGH);
	p = plan(f, 1, &c7);
	CHECK_EQ_STR(awp_remediation_get(p, 0)->command, "yum upgrade openssl-libs");
	awp_remediation_free(p);

	/* secrets: one credential copied in two files -> one rotate action with both places;
	 * another secret -> its own action. Threats: one action per file. Ignored: none. */
	n = 0;
	f[n++] = fo(AWP_FINDING_SECRET, "aws-access-key", AWP_SEVERITY_CRITICAL, "/root/.aws/credentials", "fp1:aaaa");
	f[n++] = fo(AWP_FINDING_SECRET, "aws-access-key", AWP_SEVERITY_CRITICAL, "/home/u/.bash_history", "fp1:aaaa");
	f[n++] = fo(AWP_FINDING_SECRET, "github-pat", AWP_SEVERITY_HIGH, "/home/u/.gitconfig", "fp1:bbbb");
	f[n++] = fo(AWP_FINDING_THREAT, "eicar", AWP_SEVERITY_HIGH, "/tmp/eicar.com", "");
	f[n++] = fo(AWP_FINDING_THREAT, "webshell", AWP_SEVERITY_CRITICAL, "/var/www/shell.php", "");
	f[n++] = fo(AWP_FINDING_THREAT, "miner-config", AWP_SEVERITY_MEDIUM, "/var/www/shell.php", "");
	f[n] = fo(AWP_FINDING_THREAT, "ignored", AWP_SEVERITY_CRITICAL, "/x", "");
	f[n++].ignored = "ignore file";
	p = plan(f, n, NULL);
	CHECK_EQ_INT(awp_remediation_count(p), 4);
	a = awp_remediation_get(p, 0);
	CHECK_EQ_INT(a->kind, AWP_ACTION_REMOVE);      /* webshell + miner in one file: heaviest */
	CHECK_EQ_STR(a->path, "/var/www/shell.php");
	CHECK_EQ_INT(a->fixes, 2);
	a = awp_remediation_get(p, 1);
	CHECK_EQ_INT(a->kind, AWP_ACTION_ROTATE);
	CHECK_EQ_INT(a->location_count, 2);
	CHECK_EQ_STR(a->locations[0], "/home/u/.bash_history:3");
	CHECK(strstr(a->title, "rotate") != NULL);
	for (size_t i = 0; i < awp_remediation_count(p); i++)
		CHECK(strcmp(awp_remediation_get(p, i)->path, "/x") != 0);
	awp_remediation_free(p);

	/* empty input: empty plan */
	p = plan(NULL, 0, NULL);
	CHECK_EQ_INT(awp_remediation_count(p), 0);
	awp_remediation_free(p);
}
