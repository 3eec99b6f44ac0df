/*
 * Filters and the ignore file: entry kinds (ids and aliases, pkg@version with
 * and without type, source packages, fingerprints, path globs), expiry
 * (expired entries warn and are not applied), malformed lines, severity and
 * unfixed filters, counts and risk after filtering.
 */
#include "harness.h"

#include <awp/scan.h>

#include "scan/scan_int.h"

#include <stdlib.h>
#include <time.h>

static const char *const ids1[] = {"CVE-2024-1111", "DSA-5000-1"};
static awp_vuln_finding v1 = {.id = "CVE-2024-1111", .ids = ids1, .id_count = 2, .pkg_type = "dpkg", .pkg_name = "libssl3",
			       .pkg_version = "3.0.9-1", .source_name = "openssl", .source_version = "3.0.9-1",
			       .installed_version = "3.0.9-1", .fixed_version = "3.0.11-1", .matched_name = "openssl", .ecosystem = "Debian:12", .pkg_entry = "", .pkg_manager = "dpkg", .pkg_purl = "", .summary = "", .pkg_path = "/var/lib/dpkg/status",
			       .score = 9.8};
static const char *const ids2[] = {"CVE-2020-8203"};
static awp_vuln_finding v2 = {.id = "CVE-2020-8203", .ids = ids2, .id_count = 1, .pkg_type = "npm", .pkg_name = "lodash",
			       .pkg_version = "4.17.15", .source_name = "", .source_version = "", .installed_version = "4.17.15",
			       .matched_name = "lodash", .ecosystem = "npm", .pkg_entry = "", .pkg_manager = "npm", .pkg_purl = "", .summary = "", .fixed_version = NULL, .pkg_path = "/opt/a/node_modules/lodash/package.json", .score = -1};

static awp_finding base(awp_finding_kind k, const char *id, awp_severity s, const char *path)
{
	awp_finding f = {0};
	f.kind = k;
	f.id = id;
	f.severity = s;
	f.path = path;
	f.epss = f.epss_percentile = -1;
	return f;
}

static awp_scan_result *result(void)
{
	awp_scan_result *r = NULL;
	CHECK_OK(awp_scan_result_new(&r, "/t", 1700000000));
	awp_finding f = base(AWP_FINDING_VULN, v1.id, AWP_SEVERITY_CRITICAL, v1.pkg_path);
	f.vuln = &v1;
	CHECK_OK(awp_scan_push(r, &f));
	f = base(AWP_FINDING_VULN, v2.id, AWP_SEVERITY_HIGH, v2.pkg_path);
	f.vuln = &v2;
	CHECK_OK(awp_scan_push(r, &f));
	f = base(AWP_FINDING_SECRET, "aws-access-key", AWP_SEVERITY_CRITICAL, "/root/.aws/credentials");
	f.fingerprint = "fp1:0123456789abcdef0123456789abcdef";
	f.evidence = "AKIA************";
	CHECK_OK(awp_scan_result_add(r, &f));
	f = base(AWP_FINDING_THREAT, "eicar-test-file", AWP_SEVERITY_MEDIUM, "/srv/test/eicar.com");
	CHECK_OK(awp_scan_result_add(r, &f));
	CHECK_OK(awp_scan_result_refresh(r));
	return r;
}

static const awp_finding *get(const awp_scan_result *r, awp_finding_kind k)
{
	return awp_scan_result_get(r, k, 0);
}

void test_main(void)
{
	int64_t now = 1700000000; /* 2023-11-14 */
	awp_ignore_list *l = NULL;
	const char *text = "# reviewed findings\n"
			   "\n"
			   "DSA-5000-1    exp:2099-01-01  # alias of the CVE: fix scheduled\n"
			   "npm:lodash@4.17.15 # internal tool only\n"
			   "fp1:0123456789abcdef0123456789abcdef\n"
			   "path:/srv/test/*    # test data\n"
			   "CVE-2019-0001 exp:2020-01-01 # long expired\n"
			   "   openssl@9.9.9\r\n";
	CHECK_OK(awp_ignore_parse(&l, text, strlen(text), ".awpignore", now));
	CHECK_EQ_INT(awp_ignore_count(l), 5);
	CHECK_EQ_INT(awp_ignore_warning_count(l), 1);
	CHECK(awp_ignore_warning(l, 0) && strstr(awp_ignore_warning(l, 0), ".awpignore:7") &&
	      strstr(awp_ignore_warning(l, 0), "expired on 2020-01-01"));

	awp_scan_result *r = result();
	CHECK_EQ_INT(awp_scan_result_live(r, AWP_FINDING_VULN), 2);
	CHECK_EQ_INT(awp_scan_result_risk(r)->score, 50); /* 24.3 + 14.6 + 7.3 = 46.2, floored by the critical secret */
	awp_scan_filter flt = {0, 0, l};
	CHECK_OK(awp_scan_result_filter(r, &flt));
	CHECK_EQ_INT(awp_scan_result_ignored(r), 4);
	for (int k = 0; k < AWP_FINDING_KIND_COUNT; k++)
		CHECK_EQ_INT(awp_scan_result_live(r, (awp_finding_kind)k), 0);
	CHECK_EQ_STR(get(r, AWP_FINDING_VULN)->ignored, "ignore file: alias of the CVE: fix scheduled");
	CHECK_EQ_STR(get(r, AWP_FINDING_SECRET)->ignored, "ignore file");
	CHECK_EQ_STR(get(r, AWP_FINDING_THREAT)->ignored, "ignore file: test data");
	CHECK_EQ_INT(awp_scan_result_risk(r)->score, 0);
	CHECK_EQ_INT(awp_remediation_count(awp_scan_result_remediation(r)), 0);
	/* the filter is replaced, not accumulated */
	CHECK_OK(awp_scan_result_filter(r, NULL));
	CHECK_EQ_INT(awp_scan_result_ignored(r), 0);
	awp_ignore_free(l);

	/* source package at its version matches the binary's finding; wrong type does not */
	text = "openssl@3.0.9-1\npython:lodash@4.17.15\n";
	CHECK_OK(awp_ignore_parse(&l, text, strlen(text), "f", now));
	flt.ignore = l;
	CHECK_OK(awp_scan_result_filter(r, &flt));
	CHECK_EQ_INT(awp_scan_result_ignored(r), 1);
	CHECK(get(r, AWP_FINDING_VULN)->ignored != NULL); /* libssl3 (critical) sorts first */
	awp_ignore_free(l);

	/* severity and unfixed */
	awp_scan_filter sf = {0, 0, NULL};
	CHECK_OK(awp_severity_mask_parse(&sf.severities, "critical"));
	CHECK_OK(awp_scan_result_filter(r, &sf));
	CHECK_EQ_INT(awp_scan_result_live(r, AWP_FINDING_VULN), 1);
	CHECK_EQ_INT(awp_scan_result_live(r, AWP_FINDING_SECRET), 1);
	CHECK_EQ_INT(awp_scan_result_live(r, AWP_FINDING_THREAT), 0);
	CHECK_EQ_STR(awp_scan_result_get(r, AWP_FINDING_THREAT, 0)->ignored, "severity");
	sf.severities = 0;
	sf.ignore_unfixed = 1;
	CHECK_OK(awp_scan_result_filter(r, &sf));
	CHECK_EQ_INT(awp_scan_result_live(r, AWP_FINDING_VULN), 1);
	CHECK_EQ_STR(awp_scan_result_get(r, AWP_FINDING_VULN, 1)->ignored, "unfixed");
	awp_scan_result_free(r);

	/* malformed input */
	CHECK(awp_ignore_parse(&l, "CVE-1 exp:2024-13-01\n", 21, "bad", now) == AWP_ECORRUPT);
	CHECK(strstr(awp_error_last(), "bad:1") != NULL);
	CHECK(awp_ignore_parse(&l, "CVE-1\nCVE-2 something\n", 22, "bad", now) == AWP_ECORRUPT);
	CHECK(strstr(awp_error_last(), "bad:2") != NULL);
	CHECK(awp_ignore_load(&l, "/nonexistent/.awpignore", now) == AWP_ENOTFOUND);
	CHECK(awp_ignore_parse(&l, "CVE-1\nCVE\0-2\r\n", 13, "nul", now) == AWP_ECORRUPT); /* found by fuzz_ignore */
	CHECK(strstr(awp_error_last(), "nul:2: NUL byte") != NULL);
	unsigned m;
	CHECK(awp_severity_mask_parse(&m, "critical,bogus") == AWP_EINVAL);
	CHECK_OK(awp_severity_mask_parse(&m, "HIGH,low"));
	CHECK_EQ_INT(m, (1u << AWP_SEVERITY_HIGH) | (1u << AWP_SEVERITY_LOW));
	CHECK(awp_scan_scanners_parse(&m, "vuln,nope") == AWP_EINVAL);
	CHECK_OK(awp_scan_scanners_parse(&m, "secrets,threat"));
	CHECK_EQ_INT(m, AWP_SCANNER_SECRET | AWP_SCANNER_THREAT);
	/* expiry is inclusive: an entry expiring today still applies */
	CHECK_OK(awp_ignore_parse(&l, "CVE-1 exp:2023-11-14\n", 21, "f", now));
	CHECK_EQ_INT(awp_ignore_count(l), 1);
	CHECK_EQ_INT(awp_ignore_warning_count(l), 0);
	awp_ignore_free(l);
	/* a scoped npm package with a type and without */
	CHECK_OK(awp_ignore_parse(&l, "@types/node@1.0\nnpm:@scope/x@2\n", 31, "f", now));
	CHECK_EQ_INT(awp_ignore_count(l), 2);
	awp_ignore_free(l);
}
