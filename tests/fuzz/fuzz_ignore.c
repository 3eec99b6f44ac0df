/*
 * fuzz_ignore: the ignore-file parser (awp_ignore_parse) on arbitrary text,
 * then the filter applied to a small scan result holding a finding of each
 * kind, so entry matching (ids, pkg@version, fingerprints, path globs) runs
 * on whatever the parser accepted.
 */
#include <awp/scan.h>

#include "scan/scan_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const ids[] = {"CVE-2024-1111", "DSA-5000-1"};
static awp_vuln_finding v = {.id = "CVE-2024-1111", .ids = ids, .id_count = 2, .pkg_type = "dpkg", .pkg_name = "libssl3",
			     .pkg_version = "3.0.9-1", .source_name = "openssl", .source_version = "3.0.9-1",
			     .matched_name = "openssl", .installed_version = "3.0.9-1", .fixed_version = "3.0.11-1",
			     .ecosystem = "Debian:12", .pkg_path = "/var/lib/dpkg/status", .pkg_entry = "", .pkg_manager = "dpkg",
			     .pkg_purl = "", .summary = "", .score = 9.8};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	awp_ignore_list *l = NULL;
	if (awp_ignore_parse(&l, (const char *)data, size, "fuzz", 1700000000) < 0)
		return 0;
	awp_scan_result *r = NULL;
	if (awp_scan_result_new(&r, "/t", 1700000000) == 0) {
		awp_finding f;
		memset(&f, 0, sizeof f);
		f.kind = AWP_FINDING_VULN;
		f.id = v.id;
		f.severity = AWP_SEVERITY_CRITICAL;
		f.path = v.pkg_path;
		f.vuln = &v;
		awp_scan_push(r, &f);
		memset(&f, 0, sizeof f);
		f.kind = AWP_FINDING_SECRET;
		f.id = "aws-access-key-id";
		f.path = "/root/.aws/credentials";
		f.fingerprint = "fp1:0123456789abcdef";
		awp_scan_result_add(r, &f);
		awp_scan_filter flt = {0, 1, l};
		awp_scan_result_filter(r, &flt);
		awp_scan_result_free(r);
	}
	awp_ignore_free(l);
	return 0;
}
