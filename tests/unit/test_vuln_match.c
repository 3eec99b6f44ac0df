/*
 * Matching: OSV semantics on hand-written advisories (table-driven), then
 * the real advisory data of ../shared/vulndata when present: the planted npm
 * cases, and synthetic Debian 11 / AlmaLinux 9 inventories whose findings
 * are re-derived independently from the zip members.
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/version.h>
#include <awp/vuln.h>
#include <awp/vulndb.h>

#include "pkg/pkg_int.h"
#include "util/archive_dl.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <sys/stat.h>

/* ---- helpers ------------------------------------------------------------ */

static awp_inventory *inv_new(const char *os_id, const char *version_id)
{
	awp_inventory *inv = calloc(1, sizeof(*inv));
	inv->os.known = os_id != NULL;
	inv->os.id = awp_inv_str(inv, os_id ? os_id : "unknown");
	inv->os.id_like = awp_inv_str(inv, "");
	inv->os.version_id = awp_inv_str(inv, version_id ? version_id : "");
	inv->os.codename = awp_inv_str(inv, "");
	inv->os.pretty_name = awp_inv_str(inv, "");
	inv->os.source = awp_inv_str(inv, "/etc/os-release");
	return inv;
}

static void add(awp_inventory *inv, const char *type, const char *name, const char *version, const char *src,
		const char *srcver)
{
	awp_package p = {0};
	p.type = type;
	p.name = name;
	p.version = version;
	p.source_name = src;
	p.source_version = srcver;
	p.path = "/test";
	p.manager = type;
	CHECK_OK(awp_inv_add(inv, &p, NULL));
}

static size_t nwarn;
static void count_warn(const char *where, const char *msg, void *payload)
{
	(void)where, (void)msg, (void)payload;
	nwarn++;
}

static awp_vuln_report *run(awp_vulndb *db, awp_inventory *inv)
{
	awp_vuln_report *r = NULL;
	awp_vuln_options o = AWP_VULN_OPTIONS_INIT;
	o.warn = count_warn;
	CHECK_OK(awp_vuln_match(&r, db, inv, &o));
	return r;
}

/* The finding of package `name` listing advisory or alias `id`, or NULL. */
static const awp_vuln_finding *find(const awp_vuln_report *r, const char *name, const char *id)
{
	for (size_t i = 0; r && i < awp_vuln_report_count(r); i++) {
		const awp_vuln_finding *f = awp_vuln_report_get(r, i);
		if (strcmp(f->pkg_name, name) != 0)
			continue;
		for (size_t k = 0; k < f->id_count; k++)
			if (strcmp(f->ids[k], id) == 0)
				return f;
	}
	return NULL;
}

static size_t count_for(const awp_vuln_report *r, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; r && i < awp_vuln_report_count(r); i++)
		n += strcmp(awp_vuln_report_get(r, i)->pkg_name, name) == 0;
	return n;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[8192];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* ---- hand-written advisories -------------------------------------------- */

#define RANGE(type, events) "{\"type\":\"" type "\",\"events\":[" events "]}"
#define AFF(eco, name, ranges) "{\"package\":{\"ecosystem\":\"" eco "\",\"name\":\"" name "\"},\"ranges\":[" ranges "]}"
#define REC(id, extra, affs) "{\"id\":\"" id "\",\"modified\":\"2024-01-01T00:00:00Z\"," extra "\"affected\":[" affs "]}"

static const struct {
	const char *file, *json;
} advisories[] = {
	{"t1.json", REC("TEST-1", "\"summary\":\"plain fix\",",
			AFF("npm", "pa", RANGE("SEMVER", "{\"introduced\":\"0\"},{\"fixed\":\"1.2.0\"}")))},
	{"t2.json", REC("TEST-2", "",
			AFF("npm", "pb", RANGE("SEMVER", "{\"introduced\":\"1.0.0\"},{\"fixed\":\"1.5.0\"},"
							 "{\"introduced\":\"2.0.0\"},{\"fixed\":\"2.3.1\"}")))},
	{"t3.json", REC("TEST-3", "", AFF("npm", "pc", RANGE("SEMVER", "{\"introduced\":\"0\"},{\"last_affected\":\"1.4.0\"}")))},
	{"t4.json", REC("TEST-4", "", AFF("npm", "pd", RANGE("SEMVER", "{\"introduced\":\"1.0.0\"},{\"limit\":\"1.3.0\"}")))},
	{"t5.json", REC("TEST-5", "", "{\"package\":{\"ecosystem\":\"npm\",\"name\":\"pe\"},\"versions\":[\"0.5.0\",\"0.7.1\"]}")},
	{"t6.json", REC("TEST-6", "", AFF("npm", "pf", RANGE("SEMVER", "{\"fixed\":\"2.0.0\"},{\"introduced\":\"1.0.0\"}")))},
	{"t7.json", REC("TEST-7", "",
			AFF("npm", "pg", RANGE("SEMVER", "{\"introduced\":\"1.0.0\"},{\"fixed\":\"2.0.0\"},"
							 "{\"introduced\":\"2.0.0\"},{\"fixed\":\"3.0.0\"}")))},
	{"t8.json", REC("TEST-8", "",
			AFF("npm", "ph", RANGE("SEMVER", "{\"introduced\":\"0\"},{\"fixed\":\"not a version!\"}") ","
					     RANGE("SEMVER", "{\"introduced\":\"0\"},{\"fixed\":\"1.0.0\"}")))},
	/* Two records of one vulnerability (shared CVE), one unrelated. */
	{"t9.json", REC("GHSA-aaaa-bbbb-cccc",
			"\"aliases\":[\"CVE-2099-0001\"],\"summary\":\"ghsa text\",\"severity\":[{\"type\":\"CVSS_V3\","
			"\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N\"}],"
			"\"references\":[{\"type\":\"WEB\",\"url\":\"https://example.org/a\"}],",
			AFF("npm", "pi", RANGE("SEMVER", "{\"introduced\":\"0\"},{\"fixed\":\"1.3.0\"}")))},
	{"t10.json", REC("NSWG-X-1",
			 "\"aliases\":[\"CVE-2099-0001\"],\"database_specific\":{\"cvss_score\":9.8},"
			 "\"references\":[{\"type\":\"WEB\",\"url\":\"https://example.org/a\"},{\"type\":\"WEB\",\"url\":\"https://example.org/b\"}],",
			 AFF("npm", "pi", RANGE("SEMVER", "{\"introduced\":\"0\"},{\"fixed\":\"1.2.5\"}")))},
	{"t11.json", REC("TEST-11", "\"database_specific\":{\"severity\":\"MODERATE\"},",
			 AFF("npm", "pi", RANGE("SEMVER", "{\"introduced\":\"0.9.0\"},{\"fixed\":\"1.1.0\"}")))},
	{"t12.json", REC("TEST-12", "", AFF("npm", "pj", RANGE("GIT", "{\"introduced\":\"0\"},{\"fixed\":\"abcdef\"}")))},
	{"t13.json", REC("TEST-13", "\"withdrawn\":\"2024-02-01T00:00:00Z\",",
			 AFF("npm", "pk", RANGE("SEMVER", "{\"introduced\":\"0\"}")))},
	{"t14.json", REC("DSA-9999-1", "\"aliases\":[\"CVE-2099-0002\",\"CVE-2099-0003\"],\"summary\":\"srcpkg - security update\",",
			 AFF("Debian:11", "srcpkg", RANGE("ECOSYSTEM", "{\"introduced\":\"0\"},{\"fixed\":\"1:2.0-3\"}")) ","
			 AFF("Debian:10", "srcpkg", RANGE("ECOSYSTEM", "{\"introduced\":\"0\"},{\"fixed\":\"1:1.0-1\"}")))},
	{"t15.json", REC("ALSA-2099:0001", "\"summary\":\"Important: openssl security update\",",
			 AFF("AlmaLinux:9", "openssl-libs", RANGE("ECOSYSTEM", "{\"introduced\":\"0\"},{\"fixed\":\"1:3.0.7-24.el9\"}")))},
	{"t16.json", REC("USN-9999-1", "\"severity\":[{\"type\":\"Ubuntu\",\"score\":\"medium\"}],",
			 AFF("Ubuntu:22.04:LTS", "ubsrc", RANGE("ECOSYSTEM", "{\"introduced\":\"0\"},{\"fixed\":\"2.0-1ubuntu1\"}")))},
	{"t17.json", REC("PYSEC-2099-1", "", AFF("PyPI", "Foo_Bar", RANGE("ECOSYSTEM", "{\"introduced\":\"0\"},{\"fixed\":\"2.0\"}")))},
	{"t18.json", REC("ALPINE-CVE-2099-0004", "\"aliases\":[\"CVE-2099-0004\"],",
			 AFF("Alpine:v3.11", "openssl", RANGE("ECOSYSTEM", "{\"introduced\":\"0\"},{\"fixed\":\"1.1.1g-r0\"}")))},
	{"t19.json", REC("RUSTSEC-2099-0001", "",
			 "{\"package\":{\"ecosystem\":\"crates.io\",\"name\":\"rc\"},\"ranges\":["
			 RANGE("SEMVER", "{\"introduced\":\"0.0.0-0\"},{\"fixed\":\"0.3.0\"}") "],"
			 "\"database_specific\":{\"cvss\":\"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\"}}")},
};

/* Each case: a package and the expected finding (primary id and fixed
 * version; id NULL = no finding for that package). */
static const struct mcase {
	const char *type, *name, *version, *id, *fixed;
} cases[] = {
	{"npm", "pa", "1.1.9", "TEST-1", "1.2.0"},
	{"npm", "pa", "0.0.1", "TEST-1", "1.2.0"},
	{"npm", "pa", "1.2.0", NULL, NULL},
	{"npm", "pa", "1.2.0-rc.1", "TEST-1", "1.2.0"},
	{"npm", "pb", "0.9.0", NULL, NULL},
	{"npm", "pb", "1.0.0", "TEST-2", "1.5.0"},
	{"npm", "pb", "1.9.0", NULL, NULL},
	{"npm", "pb", "2.0.0", "TEST-2", "2.3.1"},
	{"npm", "pb", "2.3.1", NULL, NULL},
	{"npm", "pb", "3.0.0", NULL, NULL},
	{"npm", "pc", "1.4.0", "TEST-3", NULL},
	{"npm", "pc", "1.4.1", NULL, NULL},
	{"npm", "pd", "0.9.0", NULL, NULL},
	{"npm", "pd", "1.2.0", "TEST-4", NULL},
	{"npm", "pd", "1.3.0", NULL, NULL},
	{"npm", "pe", "0.5.0", "TEST-5", NULL},
	{"npm", "pe", "0.6.0", NULL, NULL},
	{"npm", "pf", "1.5.0", "TEST-6", "2.0.0"},
	{"npm", "pf", "0.5.0", NULL, NULL},
	{"npm", "pg", "2.0.0", "TEST-7", "3.0.0"},
	{"npm", "pg", "1.5.0", "TEST-7", "3.0.0"},
	{"npm", "pg", "3.0.0", NULL, NULL},
	/* The invalid fixed event is skipped: its range is then open-ended. */
	{"npm", "ph", "0.5.0", "TEST-8", NULL},
	{"npm", "pi", "1.2.7", "CVE-2099-0001", "1.3.0"},
	{"npm", "pi", "1.3.0", NULL, NULL},
	{"npm", "pj", "0.1.0", NULL, NULL},
	{"npm", "pk", "0.1.0", NULL, NULL},
	{"python", "foo-bar", "1.9", "PYSEC-2099-1", "2.0"},
	{"python", "foo-bar", "2.0.0", NULL, NULL},
	{"cargo", "rc", "0.2.9", "RUSTSEC-2099-0001", "0.3.0"},
};

static void semantics(awp_vulndb *db)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct mcase *c = &cases[i];
		awp_inventory *inv = inv_new(NULL, NULL);
		add(inv, c->type, c->name, c->version, "", "");
		awp_vuln_report *r = run(db, inv);
		char d[512];
		const awp_vuln_finding *f = r && awp_vuln_report_count(r) ? awp_vuln_report_get(r, 0) : NULL;
		snprintf(d, sizeof d, "%s %s %s: got %zu findings, first %s fixed %s; want %s fixed %s", c->type, c->name,
			 c->version, awp_vuln_report_count(r), f ? f->id : "-", f && f->fixed_version ? f->fixed_version : "-",
			 c->id ? c->id : "-", c->fixed ? c->fixed : "-");
		int ok;
		if (!c->id)
			ok = f == NULL;
		else
			ok = f && strcmp(f->id, c->id) == 0 &&
			     ((!c->fixed && !f->fixed_version) || (c->fixed && f->fixed_version && strcmp(c->fixed, f->fixed_version) == 0));
		test_check(ok, __FILE__, __LINE__, "case", d);
		awp_vuln_report_free(r);
		awp_inventory_free(inv);
	}

	/* Alias merging: GHSA + NSWG (shared CVE) are one finding; TEST-11 is another. */
	awp_inventory *inv = inv_new(NULL, NULL);
	add(inv, "npm", "pi", "1.0.0", "", "");
	awp_vuln_report *r = run(db, inv);
	CHECK_EQ_INT(awp_vuln_report_count(r), 2);
	const awp_vuln_finding *f = find(r, "pi", "CVE-2099-0001");
	CHECK(f != NULL);
	if (f) {
		CHECK_EQ_STR(f->id, "CVE-2099-0001");
		CHECK_EQ_INT(f->id_count, 3);
		CHECK_EQ_INT(f->advisory_count, 2);
		CHECK(find(r, "pi", "GHSA-aaaa-bbbb-cccc") == f && find(r, "pi", "NSWG-X-1") == f);
		/* 1.2.5 fixes NSWG-X-1 only; 1.3.0 fixes both. */
		CHECK_EQ_STR(f->fixed_version, "1.3.0");
		/* Highest severity of the two: the NSWG score 9.8 beats the GHSA vector's 7.5. */
		CHECK_EQ_INT(f->severity, AWP_SEVERITY_CRITICAL);
		CHECK_EQ_STR(f->severity_source, "cvss score");
		CHECK_EQ_INT(f->reference_count, 2);
		CHECK_EQ_STR(f->summary, "ghsa text");
	}
	f = find(r, "pi", "TEST-11");
	CHECK(f && f->severity == AWP_SEVERITY_MEDIUM && strcmp(f->severity_source, "ghsa") == 0);
	CHECK(f && f->fixed_version && strcmp(f->fixed_version, "1.1.0") == 0);
	/* Sorted: critical first. */
	CHECK(awp_vuln_report_count(r) == 2 && awp_vuln_report_get(r, 0)->severity == AWP_SEVERITY_CRITICAL);
	CHECK_EQ_INT(awp_vuln_report_severity_count(r, AWP_SEVERITY_CRITICAL), 1);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);

	/* GHSA vector alone. */
	inv = inv_new(NULL, NULL);
	add(inv, "npm", "pi", "1.2.7", "", "");
	r = run(db, inv);
	f = find(r, "pi", "GHSA-aaaa-bbbb-cccc");
	/* Only the GHSA affects 1.2.7 (NSWG-X-1 is fixed in 1.2.5): its vector, 7.5. */
	CHECK(f && f->severity == AWP_SEVERITY_HIGH && f->score == 7.5 && f->advisory_count == 1);
	CHECK(f && strcmp(f->severity_source, "cvss_v3.1 vector") == 0);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);

	/* Invalid advisory event: warned and counted, the rest of the record used. */
	inv = inv_new(NULL, NULL);
	add(inv, "npm", "ph", "0.5.0", "", "");
	nwarn = 0;
	r = run(db, inv);
	CHECK(awp_vuln_report_stats(r)->invalid_events >= 1);
	CHECK(nwarn >= 1);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);

	/* Invalid installed version: warning, no match. */
	inv = inv_new(NULL, NULL);
	add(inv, "python", "foo-bar", "not valid!", "", "");
	nwarn = 0;
	r = run(db, inv);
	CHECK_EQ_INT(awp_vuln_report_count(r), 0);
	CHECK_EQ_INT(awp_vuln_report_stats(r)->invalid_versions, 1);
	CHECK(nwarn == 1);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);

	/* Debian: source package and version; the Debian:10 entry is not used. */
	inv = inv_new("debian", "11");
	add(inv, "dpkg", "libfoo2", "1:2.0-2+b1", "srcpkg", "1:2.0-2");
	add(inv, "dpkg", "foo-tools", "1:2.0-3", "srcpkg", "1:2.0-3");
	add(inv, "dpkg", "srcpkg", "1:2.0-1", "", ""); /* no Source field: name/version */
	add(inv, "npm", "pa", "1.0.0", "", "");
	r = run(db, inv);
	f = find(r, "libfoo2", "DSA-9999-1");
	CHECK(f && f->id && strcmp(f->id, "DSA-9999-1") == 0); /* two CVEs: the DSA stays primary */
	CHECK(f && f->id_count == 3 && strcmp(f->ecosystem, "Debian:11") == 0);
	CHECK(f && f->fixed_version && strcmp(f->fixed_version, "1:2.0-3") == 0);
	CHECK(f && strcmp(f->installed_version, "1:2.0-2") == 0 && strcmp(f->matched_name, "srcpkg") == 0);
	CHECK(f && f->severity == AWP_SEVERITY_UNKNOWN);
	CHECK_EQ_INT(count_for(r, "foo-tools"), 0);
	CHECK(find(r, "srcpkg", "DSA-9999-1") != NULL);
	CHECK(find(r, "pa", "TEST-1") != NULL);
	CHECK_EQ_STR(awp_vuln_report_os_ecosystem(r), "Debian:11");
	awp_vuln_report_free(r);
	/* Same inventory on Debian 10: the Debian:10 entry applies (fixed 1:1.0-1 < installed). */
	inv->os.version_id = "10";
	r = run(db, inv);
	CHECK_EQ_INT(count_for(r, "libfoo2"), 0);
	CHECK_EQ_INT(awp_vuln_report_note_count(r), 0);
	awp_vuln_report_free(r);
	/* Debian 12: the database has no Debian:12 data at all: a note says so. */
	inv->os.version_id = "12";
	r = run(db, inv);
	CHECK_EQ_INT(count_for(r, "libfoo2"), 0);
	CHECK(awp_vuln_report_note_count(r) == 1 && strstr(awp_vuln_report_note(r, 0), "Debian:12") != NULL);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);

	/* AlmaLinux: binary names, EVR with epochs (no epoch = 0). */
	inv = inv_new("almalinux", "9.3");
	add(inv, "rpm", "openssl-libs", "1:3.0.7-20.el9", "openssl", "1:3.0.7-20.el9");
	r = run(db, inv);
	f = find(r, "openssl-libs", "ALSA-2099:0001");
	CHECK(f && f->fixed_version && strcmp(f->fixed_version, "1:3.0.7-24.el9") == 0);
	CHECK(f && f->severity == AWP_SEVERITY_HIGH && strcmp(f->severity_source, "almalinux") == 0);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);
	inv = inv_new("almalinux", "9.3");
	add(inv, "rpm", "openssl-libs", "1:3.0.7-24.el9", "", "");
	add(inv, "rpm", "openssl-libs", "1:3.0.8-1.el9", "", "");
	r = run(db, inv);
	CHECK_EQ_INT(awp_vuln_report_count(r), 0);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);
	inv = inv_new("almalinux", "9.3");
	add(inv, "rpm", "openssl-libs", "3.0.7-27.el9", "", ""); /* epoch 0 < 1 */
	r = run(db, inv);
	CHECK_EQ_INT(awp_vuln_report_count(r), 1);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);

	/* Ubuntu LTS naming and the Ubuntu priority word. */
	inv = inv_new("ubuntu", "22.04");
	add(inv, "dpkg", "ubbin", "2.0-1", "ubsrc", "2.0-1");
	r = run(db, inv);
	f = find(r, "ubbin", "USN-9999-1");
	CHECK(f && f->severity == AWP_SEVERITY_MEDIUM && strcmp(f->severity_source, "ubuntu priority") == 0);
	CHECK_EQ_STR(awp_vuln_report_os_ecosystem(r), "Ubuntu:22.04:LTS Ubuntu:Pro:22.04:LTS");
	awp_vuln_report_free(r);
	awp_inventory_free(inv);

	/* Alpine: origin package, v<major>.<minor>. */
	inv = inv_new("alpine", "3.11.6");
	add(inv, "apk", "libcrypto1.1", "1.1.1d-r3", "openssl", "");
	r = run(db, inv);
	f = find(r, "libcrypto1.1", "CVE-2099-0004");
	CHECK(f && f->fixed_version && strcmp(f->fixed_version, "1.1.1g-r0") == 0);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);

	/* Unknown OS and RHEL: OS packages not matched (noted), language packages are. */
	const char *oses[][2] = {{NULL, NULL}, {"rhel", "9.2"}, {"amzn", "2"}};
	for (size_t i = 0; i < 3; i++) {
		inv = inv_new(oses[i][0], oses[i][1]);
		add(inv, "rpm", "openssl-libs", "1:3.0.7-20.el9", "", "");
		add(inv, "dpkg", "libfoo2", "1:2.0-2+b1", "srcpkg", "1:2.0-2");
		add(inv, "npm", "pa", "1.0.0", "", "");
		add(inv, "conda", "numpy", "1.0", "", "");
		r = run(db, inv);
		CHECK_EQ_INT(awp_vuln_report_count(r), 1);
		CHECK(find(r, "pa", "TEST-1") != NULL);
		CHECK_EQ_INT(awp_vuln_report_stats(r)->unsupported, 3);
		CHECK(awp_vuln_report_note_count(r) >= 2);
		awp_vuln_report_free(r);
		awp_inventory_free(inv);
	}

	/* Options: language packages off. */
	inv = inv_new(NULL, NULL);
	add(inv, "npm", "pa", "1.0.0", "", "");
	awp_vuln_options o = AWP_VULN_OPTIONS_INIT;
	o.lang_packages = 0;
	r = NULL;
	CHECK_OK(awp_vuln_match(&r, db, inv, &o));
	CHECK_EQ_INT(awp_vuln_report_count(r), 0);
	awp_vuln_report_free(r);

	/* JSON output parses and carries the counts. */
	r = run(db, inv);
	char *json = NULL;
	CHECK_OK(awp_vuln_report_json(&json, r, "/img", awp_vulndb_built_at(db) + 3600));
	cJSON *doc = json ? cJSON_Parse(json) : NULL;
	CHECK(doc != NULL);
	const cJSON *fs = cJSON_GetObjectItem(doc, "findings");
	CHECK(cJSON_GetArraySize(fs) == 1);
	const cJSON *f0 = cJSON_GetArrayItem(fs, 0);
	CHECK(cJSON_IsString(cJSON_GetObjectItem(f0, "fixed_version")));
	CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "database"), "stale") &&
	      cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "database"), "stale")));
	cJSON_Delete(doc);
	free(json);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);
}

/* ---- real data ----------------------------------------------------------- */

struct expect {
	char *id, *fixed; /* fixed NULL: no fix */
};

/*
 * Independently re-derive, from the zip itself, what the matcher must say
 * for `name` at `version` in `eco`: the records with an affected entry for
 * (eco, name) whose [introduced, fixed) range holds the version (these feeds
 * only use introduced "0"/fixed pairs, checked here).
 */
static size_t derive(const char *zip, const char *eco, const char *name, const char *version, struct expect *out,
		     size_t cap)
{
	struct archive *a = archive_read_new();
	archive_read_support_format_zip(a);
	size_t n = 0;
	if (archive_read_open_filename(a, zip, 1 << 16) != ARCHIVE_OK) {
		archive_read_free(a);
		return 0;
	}
	struct archive_entry *ae;
	static char buf[8 << 20];
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		la_ssize_t len = archive_read_data(a, buf, sizeof buf - 1);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		if (!strstr(buf, name))
			continue;
		cJSON *rec = cJSON_Parse(buf);
		const char *rid = cJSON_GetObjectItem(rec, "id")->valuestring;
		if (strncmp(rid, "ALBA-", 5) == 0 || strncmp(rid, "ALEA-", 5) == 0) {
			cJSON_Delete(rec); /* bug-fix/enhancement errata: not vulnerabilities */
			continue;
		}
		const cJSON *af;
		cJSON_ArrayForEach(af, cJSON_GetObjectItem(rec, "affected")) {
			const cJSON *pkg = cJSON_GetObjectItem(af, "package");
			if (strcmp(cJSON_GetObjectItem(pkg, "ecosystem")->valuestring, eco) != 0 ||
			    strcmp(cJSON_GetObjectItem(pkg, "name")->valuestring, name) != 0)
				continue;
			const cJSON *rg = cJSON_GetArrayItem(cJSON_GetObjectItem(af, "ranges"), 0);
			const cJSON *ev = cJSON_GetObjectItem(rg, "events");
			const char *intro = cJSON_GetObjectItem(cJSON_GetArrayItem(ev, 0), "introduced")->valuestring;
			const cJSON *fx = cJSON_GetObjectItem(cJSON_GetArrayItem(ev, 1), "fixed");
			CHECK(strcmp(intro, "0") == 0 && cJSON_GetArraySize(ev) <= 2);
			int cmp = -1;
			if (fx && awp_version_compare(&cmp, eco, version, fx->valuestring) < 0)
				continue;
			if (cmp < 0 && n < cap) {
				out[n].id = strdup(cJSON_GetObjectItem(rec, "id")->valuestring);
				out[n].fixed = fx ? strdup(fx->valuestring) : NULL;
				n++;
			}
		}
		cJSON_Delete(rec);
	}
	archive_read_free(a);
	return n;
}

/* Compare the matcher's findings for one package with the derivation. */
static void check_derived(const awp_vuln_report *r, const char *zip, const char *eco, const char *pkgname,
			  const char *advname, const char *version)
{
	struct expect ex[512];
	size_t n = derive(zip, eco, advname, version, ex, 512);
	size_t listed = 0;
	for (size_t i = 0; i < awp_vuln_report_count(r); i++) {
		const awp_vuln_finding *f = awp_vuln_report_get(r, i);
		if (strcmp(f->pkg_name, pkgname) == 0)
			listed += f->advisory_count;
	}
	char d[512];
	snprintf(d, sizeof d, "%s %s %s: matcher lists %zu advisories, derivation %zu", eco, pkgname, version, listed, n);
	test_check(listed == n, __FILE__, __LINE__, "derived count", d);
	for (size_t k = 0; k < n; k++) {
		const awp_vuln_finding *f = find(r, pkgname, ex[k].id);
		snprintf(d, sizeof d, "%s %s %s: %s (fixed %s) %s", eco, pkgname, version, ex[k].id,
			 ex[k].fixed ? ex[k].fixed : "none", f ? "found" : "missing");
		test_check(f != NULL, __FILE__, __LINE__, "derived finding", d);
		if (f && f->advisory_count == 1) {
			int same = (!ex[k].fixed && !f->fixed_version) ||
				   (ex[k].fixed && f->fixed_version && strcmp(ex[k].fixed, f->fixed_version) == 0);
			snprintf(d, sizeof d, "%s %s: fixed %s, matcher %s", pkgname, ex[k].id, ex[k].fixed ? ex[k].fixed : "none",
				 f->fixed_version ? f->fixed_version : "none");
			test_check(same, __FILE__, __LINE__, "derived fixed", d);
		}
		free(ex[k].id);
		free(ex[k].fixed);
	}
}

static void real_data(const char *tmp)
{
	const char *shared = test_env("AWP_SHARED_DIR");
	char dir[4096], npm[4200], deb[4200], alma[4200];
	snprintf(dir, sizeof dir, "%s/vulndata", shared ? shared : "/work/shared");
	struct stat st;
	if (stat(dir, &st) != 0) {
		snprintf(dir, sizeof dir, "/work/shared/vulndata");
		if (stat(dir, &st) != 0) {
			fprintf(stderr, "no vulndata: real-data checks skipped\n");
			return;
		}
	}
	snprintf(npm, sizeof npm, "%s/npm.zip", dir);
	snprintf(deb, sizeof deb, "%s/Debian.zip", dir);
	snprintf(alma, sizeof alma, "%s/AlmaLinux.zip", dir);
	char dbpath[4200];
	snprintf(dbpath, sizeof dbpath, "%s/real.db", tmp);
	const char *inputs[] = {npm, deb, alma};
	awp_vulndb_import_stats ist;
	CHECK_OK(awp_vulndb_import(dbpath, inputs, 3, NULL, NULL, &ist));
	awp_vulndb *db = NULL;
	CHECK_OK(awp_vulndb_open(&db, dbpath));
	if (!db)
		return;

	/* The planted npm packages. */
	awp_inventory *inv = inv_new("debian", "11");
	add(inv, "npm", "lodash", "4.17.15", "", "");
	add(inv, "npm", "minimist", "1.2.0", "", "");
	awp_vuln_report *r = run(db, inv);
	const awp_vuln_finding *f = find(r, "lodash", "GHSA-35jh-r3h4-6jhm");
	CHECK(f != NULL);
	CHECK(f && f->fixed_version && strcmp(f->fixed_version, "4.17.21") == 0);
	CHECK(f && strcmp(f->id, "CVE-2021-23337") == 0); /* the GHSA's one CVE is the primary id */
	const awp_vuln_finding *g = find(r, "lodash", "NSWG-ECO-516");
	CHECK(g != NULL);
	/* They share no id (NSWG-ECO-516 has no CVE alias): two findings. */
	CHECK(f && g && f != g);
	CHECK(g && g->fixed_version && strcmp(g->fixed_version, "4.17.19") == 0);
	CHECK(g && strcmp(g->severity_source, "cvss_v3.0 vector") == 0 && g->score == 6.3);
	f = find(r, "minimist", "GHSA-xvch-5gv4-984h");
	CHECK(f != NULL);
	CHECK(f && f->fixed_version && strcmp(f->fixed_version, "1.2.6") == 0);
	CHECK(f && f->severity == AWP_SEVERITY_CRITICAL);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);

	inv = inv_new(NULL, NULL);
	add(inv, "npm", "lodash", "4.17.21", "", "");
	add(inv, "npm", "minimist", "1.2.8", "", "");
	r = run(db, inv);
	CHECK(find(r, "lodash", "GHSA-35jh-r3h4-6jhm") == NULL && find(r, "lodash", "NSWG-ECO-516") == NULL);
	CHECK(find(r, "minimist", "GHSA-xvch-5gv4-984h") == NULL);
	CHECK_EQ_INT(awp_vuln_report_count(r), 0);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);

	/* Debian 11: old bullseye source versions, checked against the zip. */
	static const char *const debsrc[][3] = {
		{"libssl1.1", "openssl", "1.1.1k-1"},
		{"openssl", "openssl", "1.1.1n-0+deb11u1"},
		{"libcurl4", "curl", "7.74.0-1.3+deb11u1"},
		{"libc6", "glibc", "2.31-13"},
		{"libxml2", "libxml2", "2.9.10+dfsg-6.7"},
		{"sudo", "sudo", "1.9.5p2-3"},
		{"bind9-libs", "bind9", "1:9.16.15-1"},
		{"libexpat1", "expat", "2.2.10-2"},
		{"zlib1g", "zlib", "1:1.2.11.dfsg-2"},
		{"linux-image-amd64", "linux", "5.10.46-4"},
	};
	size_t ndeb = sizeof debsrc / sizeof debsrc[0];
	inv = inv_new("debian", "11");
	for (size_t i = 0; i < ndeb; i++)
		add(inv, "dpkg", debsrc[i][0], debsrc[i][2], debsrc[i][1], debsrc[i][2]);
	r = run(db, inv);
	CHECK(awp_vuln_report_count(r) > 20);
	for (size_t i = 0; i < ndeb; i++)
		check_derived(r, deb, "Debian:11", debsrc[i][0], debsrc[i][1], debsrc[i][2]);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);

	/* AlmaLinux 9: old 9.0 binary versions, checked against the zip. */
	static const char *const almapkgs[][2] = {
		{"openssl-libs", "1:3.0.1-41.el9_0"},
		{"glibc", "2.34-28.el9_0"},
		{"curl", "7.76.1-14.el9_0.4"},
		{"sudo", "1.9.5p2-7.el9"},
		{"bind-libs", "32:9.16.23-1.el9"},
		{"kernel", "5.14.0-70.13.1.el9_0"},
		{"systemd", "250-6.el9_0"},
		{"vim-minimal", "2:8.2.2637-16.el9_0.3"},
	};
	size_t nalma = sizeof almapkgs / sizeof almapkgs[0];
	inv = inv_new("almalinux", "9.0");
	for (size_t i = 0; i < nalma; i++)
		add(inv, "rpm", almapkgs[i][0], almapkgs[i][1], "", "");
	r = run(db, inv);
	CHECK(awp_vuln_report_count(r) > 20);
	for (size_t i = 0; i < nalma; i++)
		check_derived(r, alma, "AlmaLinux:9", almapkgs[i][0], almapkgs[i][0], almapkgs[i][1]);
	/* Every AlmaLinux finding has a severity from the summary word. */
	size_t unknown = awp_vuln_report_severity_count(r, AWP_SEVERITY_UNKNOWN);
	CHECK_EQ_INT(unknown, 0);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);

	awp_vulndb_close(db);
}

void test_main(void)
{
	char *tmp = test_tmpdir();
	char osv[4200], dbpath[4200];
	snprintf(osv, sizeof osv, "%s/osv", tmp);
	snprintf(dbpath, sizeof dbpath, "%s/test.db", tmp);
	CHECK(mkdir(osv, 0755) == 0);
	for (size_t i = 0; i < sizeof advisories / sizeof advisories[0]; i++)
		write_file(osv, advisories[i].file, advisories[i].json);
	const char *inputs[] = {osv};
	awp_vulndb_import_stats ist;
	CHECK_OK(awp_vulndb_import(dbpath, inputs, 1, NULL, NULL, &ist));
	CHECK_EQ_INT(ist.withdrawn, 1);
	awp_vulndb *db = NULL;
	CHECK_OK(awp_vulndb_open(&db, dbpath));
	if (db)
		semantics(db);
	awp_vulndb_close(db);
	real_data(tmp);
	test_rmtree(tmp);
	free(tmp);
}
