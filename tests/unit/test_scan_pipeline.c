/*
 * The scan pipeline with synthetic content scanners (scan_visitors.h):
 * one walk feeds both visitors; content arrives chunked and complete (a key
 * straddling the 1 MiB chunk boundary is found, sizes match); hard links are
 * read once; /proc of a directory target is skipped; inline and threaded
 * modes give identical results in the same order; an image with two
 * filesystems (GPT: ext4 root + vfat) has both walked with findings named by
 * volume; unavailable scanners are listed as not run with the reason; a
 * missing advisory database fails a scan that asked for vulnerabilities;
 * a binary that the only visitor declines after its head is not read further.
 */
#include "harness.h"
#include "fscompare.h"
#include "scan_visitors.h"

#include <awp/scan.h>

#include <stdlib.h>

#define KEY1 "AKIAABCDEFGHIJKLMNOP"
#define KEY2 "AKIAQRSTUVWXYZ012345"
#define EICAR "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

static awp_scan_result *scan(const char *target, int threads, unsigned scanners, const awp_scan_file_visitor *const *v,
			     size_t nv)
{
	awp_scan_options o = AWP_SCAN_OPTIONS_INIT;
	o.scanners = scanners;
	o.threads = threads;
	o.visitors = v;
	o.visitor_count = nv;
	o.now = 1700000000;
	awp_scan_result *r = NULL;
	int err = awp_scan_run(&r, target, &o);
	CHECK_MSG(err == 0, awp_error_last());
	return r;
}

/* "kind|volume|path|line|id|evidence" of every finding, one per line. */
static char *digest(const awp_scan_result *r)
{
	size_t cap = 1 << 16, len = 0;
	char *s = calloc(1, cap);
	for (int k = 0; k < AWP_FINDING_KIND_COUNT; k++)
		for (size_t i = 0; i < awp_scan_result_count(r, (awp_finding_kind)k); i++) {
			const awp_finding *f = awp_scan_result_get(r, (awp_finding_kind)k, i);
			len += (size_t)snprintf(s + len, cap - len, "%d|%s|%s|%llu|%s|%s|%s\n", k, f->volume, f->path,
						(unsigned long long)f->line, f->id, f->evidence, f->fingerprint);
		}
	return s;
}

static const awp_finding *find(const awp_scan_result *r, awp_finding_kind k, const char *path)
{
	for (size_t i = 0; i < awp_scan_result_count(r, k); i++)
		if (strcmp(awp_scan_result_get(r, k, i)->path, path) == 0)
			return awp_scan_result_get(r, k, i);
	return NULL;
}

void test_main(void)
{
	char *dir = test_tmpdir();
	CHECK(dir != NULL);
	char tree[4096];
	snprintf(tree, sizeof tree, "%s/tree", dir);
	/* big.bin: KEY2 starts 8 bytes before the 1 MiB chunk boundary, on line 3 */
	CHECK(test_sh("mkdir -p %s/etc %s/home/u/.aws %s/opt %s/proc/1 %s/var/lib/dpkg && cd %s && "
		      "printf 'ID=debian\\nVERSION_ID=\"12\"\\nPRETTY_NAME=\"Debian 12\"\\n' > etc/os-release && "
		      ": > var/lib/dpkg/status && "
		      "printf '[default]\\naws_access_key_id = " KEY1 "\\n' > home/u/.aws/credentials && "
		      "ln home/u/.aws/credentials home/u/hardlink && "
		      "printf '" KEY1 "\\n' > proc/1/environ && "
		      "{ printf 'a\\nb\\n'; head -c $((1048576 - 8 - 4)) /dev/zero | tr '\\\\0' x; printf '" KEY2 "\\n'; "
		      "head -c 2000000 /dev/zero | tr '\\\\0' y; } > opt/big.bin",
		      tree, tree, tree, tree, tree, tree) == 0);
	char path[4200];
	snprintf(path, sizeof path, "%s/opt/eicar.com", tree);
	FILE *fe = fopen(path, "w");
	CHECK(fe && fputs(EICAR, fe) >= 0 && fclose(fe) == 0);
	const awp_scan_file_visitor *both[] = {&tv_secret, &tv_threat};

	/* inline */
	awp_scan_result *r1 = scan(tree, 1, AWP_SCANNER_SECRET | AWP_SCANNER_THREAT, both, 2);
	if (!r1)
		return;
	CHECK_EQ_INT(awp_scan_result_stats(r1)->threads, 1);
	CHECK_EQ_INT(awp_scan_result_count(r1, AWP_FINDING_SECRET), 2);
	CHECK_EQ_INT(awp_scan_result_count(r1, AWP_FINDING_THREAT), 1);
	const awp_finding *f = find(r1, AWP_FINDING_SECRET, "/home/u/.aws/credentials");
	CHECK(f && f->line == 2 && strcmp(f->evidence, "AKIA****************") == 0 && strcmp(f->volume, "") == 0);
	CHECK(f && strcmp(f->category, "cloud") == 0 && strncmp(f->fingerprint, "fp1:", 4) == 0);
	f = find(r1, AWP_FINDING_SECRET, "/opt/big.bin");
	CHECK_MSG(f && f->line == 3, "key across the chunk boundary");
	f = find(r1, AWP_FINDING_THREAT, "/opt/eicar.com");
	CHECK(f && f->line == 1 && f->severity == AWP_SEVERITY_MEDIUM);
	CHECK(find(r1, AWP_FINDING_SECRET, "/proc/1/environ") == NULL);
	CHECK(find(r1, AWP_FINDING_SECRET, "/home/u/hardlink") == NULL); /* second name of a hard link: not read again */
	/* the visitor saw complete content, once per file, in walk order */
	CHECK(tv_last_secret && tv_last_secret->finished);
	uint64_t total = 0;
	for (size_t i = 0; tv_last_secret && i < tv_last_secret->nfiles; i++) {
		total += tv_last_secret->sizes[i];
		if (strcmp(tv_last_secret->files[i], ":/opt/big.bin") == 0)
			CHECK_EQ_INT(tv_last_secret->sizes[i], 4 + 1048576 - 12 + 21 + 2000000);
		if (i)
			CHECK(strcmp(tv_last_secret->files[i - 1], tv_last_secret->files[i]) < 0);
	}
	/* each file is read once for both visitors */
	CHECK_EQ_INT(total, awp_scan_result_stats(r1)->content_bytes);
	CHECK_EQ_INT(awp_scan_result_stats(r1)->content_files, tv_last_secret->nfiles);
	CHECK_EQ_INT(awp_scan_result_stats(r1)->content_errors, 0);
	/* scanners: vuln not requested, both content scanners ran, notes from finish() */
	for (size_t i = 0; i < awp_scan_result_scanner_count(r1); i++) {
		const awp_scan_scanner_status *s = awp_scan_result_scanner(r1, i);
		CHECK(s->kind == AWP_FINDING_VULN ? !s->requested && !s->ran : s->ran);
	}
	CHECK_EQ_INT(awp_scan_result_note_count(r1), 2);
	/* risk and remediation see the synthetic findings */
	CHECK(awp_scan_result_risk(r1)->score >= 50);
	CHECK(awp_remediation_count(awp_scan_result_remediation(r1)) == 3);

	/* threaded: same findings, same order */
	awp_scan_result *r2 = scan(tree, 2, AWP_SCANNER_SECRET | AWP_SCANNER_THREAT, both, 2);
	if (r2) {
		CHECK_EQ_INT(awp_scan_result_stats(r2)->threads, 2);
		char *a = digest(r1), *b = digest(r2);
		CHECK_EQ_STR(a, b);
		CHECK_EQ_INT(awp_scan_result_stats(r1)->content_bytes, awp_scan_result_stats(r2)->content_bytes);
		CHECK_EQ_INT(awp_scan_result_stats(r2)->content_errors, 0);
		free(a);
		free(b);
	}

	/* wants_rest: a binary's rest is read only while some visitor needs it */
	char tree2[4096];
	snprintf(tree2, sizeof tree2, "%s/tree2", dir);
	CHECK(test_sh("mkdir -p %s && cd %s && { printf '\\000'; head -c 200000 /dev/zero | tr '\\0' z; "
		      "printf '" KEY1 "\n'; } > blob.bin && { head -c 300000 /dev/zero | tr '\\0' '\\n'; "
		      "printf '" KEY2 "\n'; } > text.txt",
		      tree2, tree2) == 0);
	for (int threads = 1; threads <= 2; threads++) {
		const awp_scan_file_visitor *text_only[] = {&tv_secret_text}, *with_threat[] = {&tv_secret_text, &tv_threat};
		tv_reset();
		awp_scan_result *rt = scan(tree2, threads, AWP_SCANNER_SECRET, text_only, 1);
		if (!rt)
			continue;
		CHECK_EQ_INT(awp_scan_result_count(rt, AWP_FINDING_SECRET), 1);
		const awp_finding *t = find(rt, AWP_FINDING_SECRET, "/text.txt");
		CHECK_MSG(t && t->line == 300001, "text file past the head read whole");
		CHECK(find(rt, AWP_FINDING_SECRET, "/blob.bin") == NULL);
		for (size_t i = 0; tv_last_secret && i < tv_last_secret->nfiles; i++)
			if (strcmp(tv_last_secret->files[i], ":/blob.bin") == 0)
				CHECK_EQ_INT(tv_last_secret->sizes[i], AWP_SCAN_HEAD);
		CHECK_EQ_INT(awp_scan_result_stats(rt)->content_bytes, AWP_SCAN_HEAD + 300021);
		awp_scan_result_free(rt);
		/* another visitor needs every byte: both see the whole binary */
		rt = scan(tree2, threads, AWP_SCANNER_SECRET | AWP_SCANNER_THREAT, with_threat, 2);
		if (!rt)
			continue;
		CHECK(find(rt, AWP_FINDING_SECRET, "/blob.bin") != NULL);
		CHECK_EQ_INT(awp_scan_result_stats(rt)->content_bytes, 200022 + 300021);
		awp_scan_result_free(rt);
	}

	/* a caller's visitor replaces the built-in scanner of its kind; the other
	 * kind runs the built-in one (the threats module, reading the filesystem
	 * itself) */
	awp_scan_result *r3 = scan(tree, 1, AWP_SCANNER_SECRET | AWP_SCANNER_THREAT, both, 1);
	if (r3) {
		const awp_scan_scanner_status *t = awp_scan_result_scanner(r3, AWP_FINDING_THREAT);
		CHECK(t && t->requested);
		if (t && !t->ran)
			CHECK(t->reason[0] != '\0'); /* never silently "clean" */
		CHECK_EQ_INT(awp_scan_result_count(r3, AWP_FINDING_SECRET), 2);
		if (t && t->ran) /* the EICAR file is a threat for the real module too */
			CHECK(find(r3, AWP_FINDING_THREAT, "/opt/eicar.com") != NULL);
	}
	/* the built-in scanners only: each either ran or says why not */
	awp_scan_result *r4 = scan(tree, 0, AWP_SCANNER_SECRET | AWP_SCANNER_THREAT, NULL, 0);
	if (r4) {
		for (int k = AWP_FINDING_SECRET; k < AWP_FINDING_KIND_COUNT; k++) {
			const awp_scan_scanner_status *s = awp_scan_result_scanner(r4, (awp_finding_kind)k);
			CHECK(s && s->requested && (s->ran || s->reason[0]));
		}
		CHECK(awp_scan_result_stats(r4)->files > 5);
		if (awp_scan_result_scanner(r4, AWP_FINDING_SECRET)->ran)
			CHECK(awp_scan_result_stats(r4)->content_files > 0);
	}

	/* the vulnerability scanner needs its database */
	awp_scan_options o = AWP_SCAN_OPTIONS_INIT;
	char db[4096];
	snprintf(db, sizeof db, "%s/none.db", dir);
	o.db_path = db;
	awp_scan_result *r5 = NULL;
	CHECK(awp_scan_run(&r5, tree, &o) == AWP_ENOTFOUND);
	CHECK(r5 == NULL);
	CHECK(strstr(awp_error_last(), "awp db import") != NULL);

	/* an image: GPT, p1 ext4 with the tree, p2 vfat with a key; both walked, threaded */
	if (test_sh("cd %s && rm -rf tree/proc && truncate -s 40M disk.raw && "
		    "sgdisk -o -n1:2048:+24M -t1:8300 -n2:0:+8M -t2:0700 disk.raw >/dev/null && "
		    "mkfs.ext4 -q -F -d tree p1.img 24M && mkfs.vfat -n DATA -C p2.img 8192 >/dev/null && "
		    "printf 'key=" KEY2 "\\n' > k.txt && mcopy -i p2.img k.txt ::/k.txt && "
		    "dd if=p1.img of=disk.raw bs=512 seek=2048 conv=notrunc status=none && "
		    "dd if=p2.img of=disk.raw bs=512 seek=$((2048 + 24 * 2048)) conv=notrunc status=none",
		    dir) != 0) {
		CHECK_MSG(0, "building the test image failed");
	} else {
		char img[4096];
		snprintf(img, sizeof img, "%s/disk.raw", dir);
		for (int threads = 1; threads <= 2; threads++) {
			tv_reset();
			awp_scan_result *ri = scan(img, threads, AWP_SCANNER_SECRET | AWP_SCANNER_THREAT, both, 2);
			if (!ri)
				continue;
			CHECK_EQ_INT(awp_scan_result_volume_count(ri), 2);
			CHECK(awp_scan_result_volume(ri, 0)->is_root && awp_scan_result_volume(ri, 1)->walked);
			const awp_finding *k = find(ri, AWP_FINDING_SECRET, "/k.txt");
			CHECK(k && strcmp(k->volume, "p2") == 0 && k->line == 1);
			k = find(ri, AWP_FINDING_SECRET, "/home/u/.aws/credentials");
			CHECK(k && strcmp(k->volume, "p1") == 0);
			CHECK(find(ri, AWP_FINDING_SECRET, "/opt/big.bin") != NULL);
			CHECK(find(ri, AWP_FINDING_THREAT, "/opt/eicar.com") != NULL);
			CHECK_EQ_INT(awp_scan_result_stats(ri)->threads, threads);
			awp_scan_result_free(ri);
		}
	}
	awp_scan_result_free(r1);
	awp_scan_result_free(r2);
	awp_scan_result_free(r3);
	awp_scan_result_free(r4);
	tv_reset();
	test_sh("rm -rf %s", dir);
	free(dir);
}
