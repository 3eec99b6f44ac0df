/*
 * Every report format on one scan that has all three kinds of findings:
 * vulnerabilities from a real match (a directory target, a small advisory
 * database with KEV and EPSS data, imported in the test), secrets and threats
 * from the synthetic visitors (scan_visitors.h), with hostile strings
 * ("<test>", quotes) that must come out escaped. Checks the structure of
 * each document; with $AWP_REPORT_DUMP_DIR set, also writes them there
 * (tests/integration/test_report_schema.sh validates them against the
 * official schemas and renders the HTML in Chromium).
 */
#include "harness.h"
#include "fscompare.h"
#include "scan_visitors.h"

#include <awp/report.h>
#include <awp/scan.h>
#include <awp/vulndb.h>

#include <cjson/cJSON.h>
#include <stdlib.h>

#define KEY1 "AKIAABCDEFGHIJKLMNOP"
#define EICAR "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

static void put_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0);
}

static char *write(const awp_scan_result *r, awp_report_format fmt, const char *dump, const char *name)
{
	awp_report_options o = AWP_REPORT_OPTIONS_INIT;
	o.format = fmt;
	o.uuid = "00000000-0000-4000-8000-000000000000";
	char *text = NULL;
	size_t len = 0;
	CHECK_OK(awp_report_write(&text, &len, r, &o));
	CHECK(text && strlen(text) == len);
	if (text && dump)
		put_file(dump, name, text);
	return text;
}

static cJSON *parse(const char *text)
{
	cJSON *j = text ? cJSON_Parse(text) : NULL;
	CHECK_MSG(j != NULL, "not JSON");
	return j;
}

void test_main(void)
{
	char *dir = test_tmpdir();
	CHECK(dir != NULL);
	CHECK(test_sh("cd %s && mkdir -p root/etc root/var/lib/dpkg 'root/srv/my app/node_modules/lodash' root/home/u osv && "
		      "printf 'ID=debian\\nVERSION_ID=\"11\"\\nPRETTY_NAME=\"Debian GNU/Linux 11 (bullseye)\"\\n' > root/etc/os-release && "
		      "printf 'Package: libssl1.1\\nStatus: install ok installed\\nVersion: 1.1.1n-0+deb11u3\\nSource: openssl\\n"
		      "Architecture: amd64\\n\\nPackage: openssl\\nStatus: install ok installed\\nVersion: 1.1.1n-0+deb11u3\\n"
		      "Architecture: amd64\\n\\n' > root/var/lib/dpkg/status && "
		      "printf '{\"name\":\"lodash\",\"version\":\"4.17.15\"}' > 'root/srv/my app/node_modules/lodash/package.json' && "
		      "printf 'export AWS_ACCESS_KEY_ID=" KEY1 "\\n' > root/home/u/.profile",
		      dir) == 0);
	char p[4200];
	snprintf(p, sizeof p, "%s/root/home/u", dir);
	put_file(p, "eicar <1>.com", EICAR);
	snprintf(p, sizeof p, "%s/osv", dir);
	put_file(p, "dsa.json",
		 "{\"id\":\"DSA-5000-1\",\"modified\":\"2023-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-1000\",\"CVE-2099-1001\"],"
		 "\"summary\":\"openssl - <security> update\",\"affected\":[{\"package\":{\"ecosystem\":\"Debian:11\",\"name\":\"openssl\"},"
		 "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.1.1w-0+deb11u1\"}]}]}]}");
	put_file(p, "ghsa.json",
		 "{\"id\":\"GHSA-35jh-r3h4-6jhm\",\"modified\":\"2023-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-2000\"],"
		 "\"summary\":\"Command \\\"injection\\\" in lodash\",\"severity\":[{\"type\":\"CVSS_V3\",\"score\":"
		 "\"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H\"}],\"references\":[{\"type\":\"WEB\",\"url\":\"https://example.com/a?b=1&c=2\"}],"
		 "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"lodash\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":"
		 "[{\"introduced\":\"0\"},{\"fixed\":\"4.17.21\"}]}]}]}");
	put_file(dir, "kev.json",
		 "{\"catalogVersion\":\"2099.01.01\",\"dateReleased\":\"2099-01-01T00:00:00Z\",\"count\":1,\"vulnerabilities\":"
		 "[{\"cveID\":\"CVE-2099-2000\",\"dateAdded\":\"2099-01-01\",\"knownRansomwareCampaignUse\":\"Known\"}]}");
	put_file(dir, "epss.csv", "#model_version:v2023.03.01,score_date:2099-01-01T00:00:00+0000\ncve,epss,percentile\n"
				  "CVE-2099-1001,0.42000,0.97000\n");
	char db[4200], osv[4200], kev[4200], epss[4200], root[4200];
	snprintf(db, sizeof db, "%s/vuln.db", dir);
	snprintf(osv, sizeof osv, "%s/osv", dir);
	snprintf(kev, sizeof kev, "%s/kev.json", dir);
	snprintf(epss, sizeof epss, "%s/epss.csv", dir);
	snprintf(root, sizeof root, "%s/root", dir);
	const char *inputs[] = {osv, kev, epss};
	awp_vulndb_import_stats st;
	CHECK_OK(awp_vulndb_import(db, inputs, 3, NULL, NULL, &st));
	CHECK_EQ_INT(st.advisories, 2);
	CHECK_EQ_INT(st.kev, 1);
	CHECK_EQ_INT(st.epss, 1);

	const awp_scan_file_visitor *vis[] = {&tv_secret, &tv_threat};
	awp_scan_options o = AWP_SCAN_OPTIONS_INIT;
	o.db_path = db;
	o.visitors = vis;
	o.visitor_count = 2;
	o.now = 4070908800; /* 2099-01-01 */
	o.exposure = AWP_EXPOSURE_PUBLIC;
	awp_scan_result *r = NULL;
	CHECK_OK(awp_scan_run(&r, root, &o));
	if (!r)
		return;
	CHECK_EQ_INT(awp_scan_result_count(r, AWP_FINDING_VULN), 3); /* openssl, libssl1.1, lodash */
	CHECK_EQ_INT(awp_scan_result_count(r, AWP_FINDING_SECRET), 1);
	CHECK_EQ_INT(awp_scan_result_count(r, AWP_FINDING_THREAT), 1);
	const awp_finding *top = awp_scan_result_get(r, AWP_FINDING_VULN, 0);
	CHECK(top->kev && strcmp(top->id, "CVE-2099-2000") == 0 && strcmp(top->kev_date_added, "2099-01-01") == 0);
	const awp_finding *deb = awp_scan_result_get(r, AWP_FINDING_VULN, 1);
	CHECK(deb->epss > 0.41 && deb->epss < 0.43 && !deb->kev);
	const awp_risk *risk = awp_scan_result_risk(r);
	CHECK_EQ_INT(risk->score, 72); /* 14.7 + 16.9 + 14.6 + 4.4 + 7.3, +25% public */
	CHECK_EQ_INT(risk->level, AWP_RISK_HIGH);
	const awp_remediation *plan = awp_scan_result_remediation(r);
	CHECK_EQ_INT(awp_remediation_count(plan), 4);
	const awp_action *a = awp_remediation_get(plan, 0);
	CHECK(a && strcmp(a->command, "cd '/srv/my app' && npm install lodash@4.17.21") == 0);
	a = awp_remediation_get(plan, 3); /* after the secret and the threat */
	CHECK(a && strcmp(a->command, "apt-get install --only-upgrade libssl1.1 openssl") == 0 && a->fixes == 1);

	const char *dump = test_env("AWP_REPORT_DUMP_DIR");
	/* JSON */
	char *text = write(r, AWP_REPORT_JSON, dump, "synthetic.json");
	cJSON *j = parse(text);
	CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "schema")), "awp.report/1");
	cJSON *fs = cJSON_GetObjectItem(j, "findings");
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(fs, "vulnerabilities")), 3);
	cJSON *sec = cJSON_GetArrayItem(cJSON_GetObjectItem(fs, "secrets"), 0);
	CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(sec, "evidence")), "AKIA****************");
	CHECK(strstr(text, KEY1) == NULL); /* the secret never reaches a report */
	CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "scan"), "exposure")), "public");
	cJSON_Delete(j);
	free(text);
	/* SARIF */
	text = write(r, AWP_REPORT_SARIF, dump, "synthetic.sarif");
	j = parse(text);
	cJSON *run = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "runs"), 0);
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(run, "results")), 5);
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(run, "tool"), "driver"), "rules")), 4);
	CHECK(strstr(text, "\"uri\": \"home/u/eicar%20%3C1%3E.com\"") != NULL);
	CHECK(strstr(text, "\"uri\": \"srv/my%20app/node_modules/lodash/package.json\"") != NULL);
	CHECK(strstr(text, KEY1) == NULL);
	cJSON_Delete(j);
	free(text);
	/* CycloneDX: one vulnerability per id; the DSA affects both binaries */
	text = write(r, AWP_REPORT_CYCLONEDX, dump, "synthetic.cdx.json");
	j = parse(text);
	cJSON *vulns = cJSON_GetObjectItem(j, "vulnerabilities");
	CHECK_EQ_INT(cJSON_GetArraySize(vulns), 2);
	int affects2 = 0;
	cJSON *v;
	cJSON_ArrayForEach(v, vulns) affects2 += cJSON_GetArraySize(cJSON_GetObjectItem(v, "affects")) == 2;
	CHECK_EQ_INT(affects2, 1);
	CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "serialNumber")), "urn:uuid:00000000-0000-4000-8000-000000000000");
	cJSON_Delete(j);
	free(text);
	/* HTML: sections, escaping, no external resource */
	text = write(r, AWP_REPORT_HTML, dump, "synthetic.html");
	const char *sections[] = {"overview", "remediation", "vulnerabilities", "secrets", "threats", "coverage"};
	for (size_t i = 0; text && i < 6; i++) {
		char id[64];
		snprintf(id, sizeof id, "<section id=\"%s\">", sections[i]);
		CHECK_MSG(strstr(text, id) != NULL, sections[i]);
	}
	CHECK(text && strstr(text, "&lt;security&gt;") && !strstr(text, "<security>"));
	CHECK(text && strstr(text, "EICAR &lt;test&gt; &quot;file&quot;"));
	CHECK(text && !strstr(text, "http://") && !strstr(text, "src=") && !strstr(text, "<link"));
	CHECK(text && strstr(text, KEY1) == NULL);
	free(text);
	/* table, plain and coloured */
	text = write(r, AWP_REPORT_TABLE, dump, "synthetic.txt");
	CHECK(text && strstr(text, "RISK ") && strstr(text, "critical") && !strchr(text, '\033'));
	CHECK(text && strstr(text, "SECRETS") && strstr(text, "THREATS") && strstr(text, "AKIA****"));
	CHECK(text && strstr(text, "remove or inspect /home/u/eicar <1>.com (EICAR <test> \"file\")"));
	free(text);
	awp_report_options co = AWP_REPORT_OPTIONS_INIT;
	co.color = 1;
	CHECK_OK(awp_report_write(&text, NULL, r, &co));
	CHECK(text && strchr(text, '\033'));
	free(text);
	awp_report_format f;
	CHECK(awp_report_format_parse(&f, "xml") == AWP_EINVAL);
	CHECK_OK(awp_report_format_parse(&f, "cyclonedx"));
	CHECK_EQ_INT(f, AWP_REPORT_CYCLONEDX);
	awp_scan_result_free(r);
	tv_reset();
	test_sh("rm -rf %s", dir);
	free(dir);
}
