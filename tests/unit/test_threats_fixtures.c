/*
 * Threats on the fixture images and trees:
 *  - every threat planted in a fixture ($AWP_FIXTURES_DIR, IMAGE.expected.json
 *    "threats") is found at its path (and line), with an IOC list holding
 *    the fixtures' documentation addresses; and nothing else is reported on
 *    those images except at the planted paths (the clean Debian rootfs has
 *    no other threat; docs/threats.md explains the extra rule hits on the
 *    planted cron line);
 *  - a copy of the Debian tree's /usr/bin and dpkg database with one
 *    dpkg-owned binary changed: exactly that file is reported as tampered
 *    (also checks usrmerge: dpkg lists /bin/ls, the file is /usr/bin/ls).
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/target.h>
#include <awp/threats.h>

#include <cjson/cJSON.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static awp_threat_db *load_db(const char *dir)
{
	char iocs[600];
	snprintf(iocs, sizeof iocs, "%s/iocs.txt", dir);
	FILE *f = fopen(iocs, "w");
	if (!f)
		return NULL;
	fputs("# documentation addresses planted in the fixtures (RFC 5737)\n203.0.113.77 fixture-c2\n"
	      "198.51.100.23 fixture-hijack\n",
	      f);
	fclose(f);
	const char *ip[] = {iocs};
	awp_threat_db_options o = AWP_THREAT_DB_OPTIONS_INIT;
	o.ioc_files = ip;
	o.ioc_file_count = 1;
	awp_threat_db *db = NULL;
	CHECK_OK(awp_threat_db_load(&db, &o));
	return db;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (b) {
		size_t got = fread(b, 1, (size_t)n, f);
		b[got] = 0;
	}
	fclose(f);
	return b;
}

static void check_image(awp_threat_db *db, const char *image)
{
	const char *img = test_fixture(image);
	if (!img) {
		fprintf(stderr, "skip %s: not built\n", image);
		return;
	}
	char manifest[1024];
	snprintf(manifest, sizeof manifest, "%s.expected.json", img);
	char *text = slurp(manifest);
	cJSON *m = text ? cJSON_Parse(text) : NULL;
	free(text);
	CHECK_MSG(m != NULL, manifest);
	if (!m)
		return;
	const cJSON *planted = cJSON_GetObjectItemCaseSensitive(m, "threats");
	awp_target *t = NULL;
	CHECK_OK(awp_target_open(&t, img));
	awp_fs *fs = t ? awp_target_pick_fs(t, NULL) : NULL;
	CHECK(fs != NULL);
	awp_threat_report *r = NULL;
	awp_threat_scan_options so = AWP_THREAT_SCAN_OPTIONS_INIT;
	so.vulndb_path = "";
	if (fs)
		CHECK_OK(awp_threats_scan(&r, fs, db, &so));
	if (!r)
		goto done;
	const cJSON *p;
	cJSON_ArrayForEach(p, planted)
	{
		const cJSON *path = cJSON_GetObjectItemCaseSensitive(p, "path");
		const cJSON *line = cJSON_GetObjectItemCaseSensitive(p, "line");
		int found = 0;
		for (size_t i = 0; i < awp_threat_count(r); i++) {
			const awp_threat *x = awp_threat_get(r, i);
			if (cJSON_IsString(path) && !strcmp(x->path, path->valuestring) &&
			    (!cJSON_IsNumber(line) || x->line == (unsigned long)line->valuedouble))
				found = 1;
		}
		char msg[600];
		snprintf(msg, sizeof msg, "%s: planted threat at %s", image, cJSON_IsString(path) ? path->valuestring : "?");
		CHECK_MSG(found, msg);
	}
	/* Nothing outside the planted paths. */
	for (size_t i = 0; i < awp_threat_count(r); i++) {
		const awp_threat *x = awp_threat_get(r, i);
		int planted_path = 0;
		cJSON_ArrayForEach(p, planted)
		{
			const cJSON *path = cJSON_GetObjectItemCaseSensitive(p, "path");
			if (cJSON_IsString(path) && !strcmp(x->path, path->valuestring))
				planted_path = 1;
		}
		char msg[1200];
		snprintf(msg, sizeof msg, "%s: unexpected %s %s at %s: %s", image, awp_threat_kind_name(x->kind), x->rule,
			 x->path, x->evidence);
		/* small-alpine is synthetic: its apk database holds real Alpine
		 * digests but its binaries are short stand-ins, so they are
		 * (rightly) reported as tampered (docs/threats.md). */
		int explained = strstr(image, "alpine") && x->kind == AWP_THREAT_TAMPERING;
		CHECK_MSG(planted_path || explained, msg);
	}
	const awp_threat_scan_stats *st = awp_threat_report_stats(r);
	fprintf(stderr, "%s: %zu threats, %zu files, %zu digests checked, %zu archives\n", image, awp_threat_count(r),
		st->files, st->digest_checked, st->archives);
	if (strstr(image, "debian"))
		CHECK(st->digest_checked > 1000);
done:
	awp_threat_report_free(r);
	awp_target_free(t);
	cJSON_Delete(m);
}

static void check_tamper(awp_threat_db *db, const char *dir)
{
	const char *fx = test_env("AWP_FIXTURES_DIR");
	char tree[1024];
	struct stat st;
	snprintf(tree, sizeof tree, "%s/work/debian12-tree", fx ? fx : "");
	if (!fx || stat(tree, &st) != 0) {
		fprintf(stderr, "skip tamper test: %s absent\n", tree);
		return;
	}
	char copy[700];
	snprintf(copy, sizeof copy, "%s/copy", dir);
	/* merged /usr as in the image: dpkg's lists say /bin/ls for /usr/bin/ls */
	CHECK(test_sh("set -e; mkdir -p %s/usr %s/var/lib %s/etc; cp -a %s/usr/bin %s/usr/; ln -s usr/bin %s/bin; "
		      "cp -a %s/var/lib/dpkg %s/var/lib/; "
		      "cp -L %s/etc/os-release %s/etc/; printf 'x' >> %s/usr/bin/ls; "
		      "sha256sum %s/usr/bin/ls %s/usr/bin/cat | sed 's/ .*/ listed/' > %s/hashes.txt",
		      copy, copy, copy, tree, copy, copy, tree, copy, tree, copy, copy, copy, copy, dir) == 0);
	awp_fs *fs = NULL;
	CHECK_OK(awp_fs_open_dir(&fs, copy));
	awp_threat_report *r = NULL;
	awp_threat_scan_options so = AWP_THREAT_SCAN_OPTIONS_INIT;
	so.vulndb_path = "";
	CHECK_OK(awp_threats_scan(&r, fs, db, &so));
	CHECK_EQ_INT(awp_threat_count(r), 1);
	const awp_threat *t = awp_threat_get(r, 0);
	if (t) {
		CHECK_EQ_STR(awp_threat_kind_name(t->kind), "tampering");
		CHECK_EQ_STR(t->path, "/usr/bin/ls");
		CHECK(strncmp(t->package, "coreutils ", 10) == 0);
		CHECK(strstr(t->evidence, "expected md5:") != NULL);
	}
	for (size_t i = 0; i < awp_threat_count(r); i++)
		fprintf(stderr, "  %s %s %s\n", awp_threat_kind_name(awp_threat_get(r, i)->kind), awp_threat_get(r, i)->rule,
			awp_threat_get(r, i)->path);
	awp_threat_report_free(r);

	/* Hash lists: both binaries' SHA-256 are listed. The tampered ls is a
	 * hit; cat, byte-identical to what coreutils installed, is not looked
	 * up (verified package files are trusted like for YARA) unless
	 * scan_verified asks for it. */
	char hashes[700];
	snprintf(hashes, sizeof hashes, "%s/hashes.txt", dir);
	const char *hp[] = {hashes};
	awp_threat_db_options dbo = AWP_THREAT_DB_OPTIONS_INIT;
	dbo.no_default_rules = 1;
	dbo.hash_files = hp;
	dbo.hash_file_count = 1;
	awp_threat_db *hdb = NULL;
	CHECK_OK(awp_threat_db_load(&hdb, &dbo));
	for (int scan_verified = 0; hdb && scan_verified <= 1; scan_verified++) {
		so.scan_verified = scan_verified;
		r = NULL;
		CHECK_OK(awp_threats_scan(&r, fs, hdb, &so));
		int ls_hit = 0, cat_hit = 0, tampered = 0;
		for (size_t i = 0; r && i < awp_threat_count(r); i++) {
			const awp_threat *x = awp_threat_get(r, i);
			ls_hit += x->kind == AWP_THREAT_HASH && !strcmp(x->path, "/usr/bin/ls");
			cat_hit += x->kind == AWP_THREAT_HASH && !strcmp(x->path, "/usr/bin/cat");
			tampered += x->kind == AWP_THREAT_TAMPERING && !strcmp(x->path, "/usr/bin/ls");
		}
		CHECK_EQ_INT(ls_hit, 1);
		CHECK_EQ_INT(tampered, 1);
		CHECK_EQ_INT(cat_hit, scan_verified);
		awp_threat_report_free(r);
	}
	awp_threat_db_free(hdb);
	awp_fs_free(fs);
}

void test_main(void)
{
	if (!test_fixture("debian12-ext4-gpt.raw") && !test_fixture("small-synthetic-ext4.raw"))
		test_skip("fixture images absent (scripts/fixtures.sh builds them)");
	char *dir = test_tmpdir();
	awp_threat_db *db = load_db(dir);
	if (db) {
		check_image(db, "small-synthetic-ext4.raw");
		check_image(db, "small-alpine-ext4.raw");
		check_image(db, "small-rpm-ext4.raw");
		check_image(db, "debian12-ext4-gpt.raw");
		check_image(db, "debian12-xfs-gpt.raw");
		check_tamper(db, dir);
	}
	awp_threat_db_free(db);
	test_rmtree(dir);
	free(dir);
}
