/*
 * rpm: the header parser on hand-made blobs (valid and malformed), and the
 * three database formats on real databases built at test time
 * (tests/unit/data/make_rpmdbs.sh: rpmbuild + rpm --justdb for sqlite, libdb
 * through perl DB_File for Berkeley DB, ndb laid out from rpm's format).
 */
#include "harness.h"
#include "fscompare.h"

#include "pkg/osdb_int.h"

#include <stdlib.h>
#include <string.h>

/* --- building header blobs ------------------------------------------------ */

struct hb {
	uint8_t idx[64 * 16], data[4096];
	uint32_t il, dl;
};

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static void entry(struct hb *h, uint32_t tag, uint32_t type, uint32_t off, uint32_t count)
{
	uint8_t *e = h->idx + h->il++ * 16;
	be32(e, tag); be32(e + 4, type); be32(e + 8, off); be32(e + 12, count);
}

static void add_str(struct hb *h, uint32_t tag, const char *s)
{
	entry(h, tag, 6, h->dl, 1);
	memcpy(h->data + h->dl, s, strlen(s) + 1);
	h->dl += (uint32_t)strlen(s) + 1;
}

static void add_strs(struct hb *h, uint32_t tag, const char *const *v, uint32_t n)
{
	entry(h, tag, 8, h->dl, n);
	for (uint32_t i = 0; i < n; i++) {
		memcpy(h->data + h->dl, v[i], strlen(v[i]) + 1);
		h->dl += (uint32_t)strlen(v[i]) + 1;
	}
}

static void add_i32(struct hb *h, uint32_t tag, const uint32_t *v, uint32_t n)
{
	while (h->dl % 4)
		h->data[h->dl++] = 0;
	entry(h, tag, 4, h->dl, n);
	for (uint32_t i = 0; i < n; i++, h->dl += 4)
		be32(h->data + h->dl, v[i]);
}

static size_t blob(const struct hb *h, uint8_t *out)
{
	be32(out, h->il);
	be32(out + 4, h->dl);
	memcpy(out + 8, h->idx, h->il * 16);
	memcpy(out + 8 + h->il * 16, h->data, h->dl);
	return 8 + h->il * 16 + h->dl;
}

static void basic(struct hb *h, const char *name)
{
	memset(h, 0, sizeof(*h));
	add_str(h, 1000, name);
	add_str(h, 1001, "3.0.7");
	add_str(h, 1002, "16.el9");
	add_str(h, 1022, "x86_64");
	add_str(h, 1044, "openssl-3.0.7-16.el9.src.rpm");
	add_str(h, 1014, "ASL 2.0");
	add_str(h, 1011, "AlmaLinux");
	add_str(h, 5096, "nodejs:18:9020020230512:rhel9");
	uint32_t epoch = 1;
	add_i32(h, 1003, &epoch, 1);
}

static void header_tests(void)
{
	static uint8_t buf[8192];
	struct hb h;
	awp_inventory *inv = awp_inv_new();

	basic(&h, "openssl-libs");
	const char *dirs[] = {"/usr/lib64/", "/etc/pki/"}, *base[] = {"libssl.so.3", "openssl.cnf", "libcrypto.so.3"};
	const char *dig[] = {"aa", "", "bb"};
	uint32_t di[] = {0, 1, 0}, algo = 8;
	add_strs(&h, 1118, dirs, 2);
	add_strs(&h, 1117, base, 3);
	add_strs(&h, 1035, dig, 3);
	add_i32(&h, 1116, di, 3);
	add_i32(&h, 5011, &algo, 1);
	size_t n = blob(&h, buf);
	CHECK_OK(awp_rpm_header_add(inv, "/var/lib/rpm/x", buf, n));
	CHECK_EQ_INT(awp_inventory_count(inv), 1);
	const awp_package *p = awp_inventory_get(inv, 0);
	CHECK_EQ_STR(p->name, "openssl-libs");
	CHECK_EQ_STR(p->version, "1:3.0.7-16.el9");
	CHECK_EQ_STR(p->source_name, "openssl");
	CHECK_EQ_STR(p->source_version, "3.0.7-16.el9");
	CHECK_EQ_STR(p->arch, "x86_64");
	CHECK_EQ_STR(p->license, "ASL 2.0");
	CHECK_EQ_STR(p->vendor, "AlmaLinux");
	CHECK_EQ_STR(p->modularity, "nodejs:18:9020020230512:rhel9");
	CHECK_EQ_STR(p->manager, "rpm");
	const char *d = NULL;
	CHECK_EQ_INT(awp_inventory_owner(inv, "/usr/lib64/libcrypto.so.3", &d), 0);
	CHECK_EQ_STR(d, "sha256:bb");
	CHECK_EQ_INT(awp_inventory_owner(inv, "/etc/pki/openssl.cnf", &d), 0);
	CHECK_EQ_STR(d, "");
	/* every byte prefix of a valid blob is rejected or parsed, never read past */
	for (size_t cut = 0; cut < n; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		memcpy(copy, buf, cut);
		int err = awp_rpm_header_add(inv, "/x", copy, cut);
		CHECK(err == 0 || err == AWP_ECORRUPT);
		free(copy);
	}

	/* gpg-pubkey pseudo packages are not packages */
	basic(&h, "gpg-pubkey");
	n = blob(&h, buf);
	size_t before = awp_inventory_count(inv);
	CHECK_OK(awp_rpm_header_add(inv, "/x", buf, n));
	CHECK_EQ_INT(awp_inventory_count(inv), before);

	/* index count of 2^31 */
	basic(&h, "big");
	n = blob(&h, buf);
	be32(buf, 0x80000000u);
	CHECK_EQ_INT(awp_rpm_header_add(inv, "/x", buf, n), AWP_ECORRUPT);
	/* data size past the blob */
	basic(&h, "dl");
	n = blob(&h, buf);
	be32(buf + 4, h.dl + 100);
	CHECK_EQ_INT(awp_rpm_header_add(inv, "/x", buf, n), AWP_ECORRUPT);
	/* NAME offset out of range: no name -> corrupt */
	basic(&h, "off");
	be32(h.idx + 8, 0xfffffff0u);
	n = blob(&h, buf);
	CHECK_EQ_INT(awp_rpm_header_add(inv, "/x", buf, n), AWP_ECORRUPT);
	/* a string array count far past the store */
	basic(&h, "strs");
	add_strs(&h, 1117, base, 3);
	be32(h.idx + (h.il - 1) * 16 + 12, 0x7fffffffu);
	n = blob(&h, buf);
	CHECK_EQ_INT(awp_rpm_header_add(inv, "/x", buf, n), AWP_ECORRUPT);
	/* a dir index out of range */
	basic(&h, "dirs");
	uint32_t bad[] = {0, 7, 0};
	add_strs(&h, 1118, dirs, 2);
	add_strs(&h, 1117, base, 3);
	add_i32(&h, 1116, bad, 3);
	n = blob(&h, buf);
	CHECK_EQ_INT(awp_rpm_header_add(inv, "/x", buf, n), AWP_ECORRUPT);
	/* a name that is not NUL-terminated inside the store */
	memset(&h, 0, sizeof h);
	entry(&h, 1000, 6, 0, 1);
	entry(&h, 1001, 6, 0, 1);
	memcpy(h.data, "abcd", 4);
	h.dl = 4;
	n = blob(&h, buf);
	CHECK_EQ_INT(awp_rpm_header_add(inv, "/x", buf, n), AWP_ECORRUPT);
	/* no SOURCERPM: the package is its own source; no epoch */
	memset(&h, 0, sizeof h);
	add_str(&h, 1000, "zlib");
	add_str(&h, 1001, "1.2.11");
	add_str(&h, 1002, "40.el9");
	n = blob(&h, buf);
	CHECK_OK(awp_rpm_header_add(inv, "/x", buf, n));
	p = awp_inventory_get(inv, awp_inventory_count(inv) - 1);
	CHECK_EQ_STR(p->version, "1.2.11-40.el9");
	CHECK_EQ_STR(p->source_name, "zlib");
	CHECK_EQ_STR(p->source_version, "1.2.11-40.el9");
	awp_inventory_free(inv);
}

/* --- real databases ------------------------------------------------------- */

struct collect {
	awp_inventory *inv;
	int bad;
};

static int on_blob(const uint8_t *b, size_t len, void *payload)
{
	struct collect *c = payload;
	int err = awp_rpm_header_add(c->inv, "/db", b, len);
	if (err == AWP_ECORRUPT) {
		c->bad++;
		return 0;
	}
	return err;
}

typedef int (*reader_fn)(const awp_osdb_reader *r, awp_rpm_blob_cb cb, void *payload);

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	*len = fread(b, 1, (size_t)n, f);
	fclose(f);
	return b;
}

static void check_db(const char *what, const char *dir, const char *rel, reader_fn fn)
{
	awp_fs *fs = NULL;
	CHECK_OK(awp_fs_open_dir(&fs, dir));
	awp_stat st;
	CHECK_OK(awp_fs_lookup(fs, rel, 1, &st));
	awp_file *f = NULL;
	CHECK_OK(awp_file_open(&f, fs, st.ino));
	awp_osdb_reader r;
	awp_osdb_reader_file(&r, f, rel);
	struct collect c = {awp_inv_new(), 0};
	CHECK_OK(fn(&r, on_blob, &c));
	CHECK_EQ_INT(c.bad, 0);
	CHECK_MSG(awp_inventory_count(c.inv) == 3, what);
	int seen = 0;
	for (size_t i = 0; i < awp_inventory_count(c.inv); i++) {
		const awp_package *p = awp_inventory_get(c.inv, i);
		if (strcmp(p->name, "awptest") == 0) {
			seen |= 1;
			CHECK_EQ_STR(p->version, "2:1.0-3.el9");
			CHECK_EQ_STR(p->source_name, "awptest");
			CHECK_EQ_STR(p->source_version, "1.0-3.el9");
			CHECK_EQ_STR(p->license, "MIT and (BSD or GPLv2+)");
			CHECK_EQ_STR(p->vendor, "awp tests");
			CHECK_EQ_STR(p->arch, "noarch");
		} else if (strcmp(p->name, "awplib") == 0) {
			seen |= 2;
			CHECK_EQ_STR(p->version, "0.9-1");
		} else if (strcmp(p->name, "awplib-extra") == 0) {
			seen |= 4;
			CHECK_EQ_STR(p->source_name, "awplib");
			CHECK_EQ_STR(p->source_version, "0.9-1");
		}
	}
	CHECK_MSG(seen == 7, what);
	const char *d = NULL;
	long o = awp_inventory_owner(c.inv, "/usr/lib/awplib/f300", &d);
	CHECK_MSG(o >= 0 && strcmp(awp_inventory_get(c.inv, (size_t)o)->name, "awplib") == 0, what);
	CHECK_MSG(strncmp(d, "sha256:", 7) == 0 && strlen(d) == 71, what);
	CHECK(awp_inventory_owner(c.inv, "/etc/awptest.conf", NULL) >= 0);
	awp_inventory_free(c.inv);

	/* the same file truncated at every 512 bytes and with bytes flipped: errors, never a crash */
	char full[4200];
	snprintf(full, sizeof full, "%s%s", dir, rel);
	size_t len = 0;
	char *data = slurp(full, &len);
	CHECK(data != NULL);
	for (size_t cut = 0; data && cut < len; cut += 509) {
		awp_osdb_reader m;
		awp_osdb_reader_mem(&m, data, cut, rel);
		struct collect c2 = {awp_inv_new(), 0};
		int err = fn(&m, on_blob, &c2);
		CHECK(err == 0 || err == AWP_ECORRUPT || err == AWP_EUNSUPPORTED);
		awp_inventory_free(c2.inv);
	}
	for (size_t pos = 0; data && pos < len; pos += 97) {
		char save = data[pos];
		data[pos] = (char)(save ^ 0x5a);
		awp_osdb_reader m;
		awp_osdb_reader_mem(&m, data, len, rel);
		struct collect c2 = {awp_inv_new(), 0};
		int err = fn(&m, on_blob, &c2);
		CHECK(err == 0 || err == AWP_ECORRUPT || err == AWP_EUNSUPPORTED || err == AWP_ELIMIT);
		awp_inventory_free(c2.inv);
		data[pos] = save;
	}
	free(data);
	awp_file_free(f);
	awp_fs_free(fs);
}

void test_main(void)
{
	header_tests();
	char *dir = test_tmpdir();
	int rc = test_sh("sh %s/tests/unit/data/make_rpmdbs.sh %s", test_env("AWP_SOURCE_DIR"), dir);
	if (rc == 77) {
		test_rmtree(dir);
		free(dir);
		test_skip("rpmbuild/rpm/sqlite3/perl DB_File missing: real database tests not run");
	}
	CHECK_EQ_INT(rc, 0);
	check_db("sqlite", dir, "/sqlite/rpmdb.sqlite", awp_rpm_sqlite_read);
	check_db("bdb", dir, "/Packages", awp_rpm_bdb_read);
	check_db("ndb", dir, "/Packages.db", awp_rpm_ndb_read);

	/* the analyzer finds the database where rpm keeps it */
	CHECK(test_sh("mkdir -p %s/root/var/lib/rpm && cp %s/Packages %s/root/var/lib/rpm/", dir, dir, dir) == 0);
	char root[4200];
	snprintf(root, sizeof root, "%s/root", dir);
	awp_fs *fs = NULL;
	CHECK_OK(awp_fs_open_dir(&fs, root));
	awp_inventory *inv = NULL;
	CHECK_OK(awp_inventory_collect(&inv, fs, NULL));
	CHECK_EQ_INT(awp_inventory_count(inv), 3);
	CHECK_EQ_INT(awp_inventory_warning_count(inv), 0);
	awp_inventory_free(inv);
	/* a damaged database is a warning naming it, not a failure */
	CHECK(test_sh("head -c 5000 %s/Packages > %s/root/var/lib/rpm/Packages", dir, dir) == 0);
	CHECK_OK(awp_inventory_collect(&inv, fs, NULL));
	CHECK_EQ_INT(awp_inventory_warning_count(inv), 1);
	if (awp_inventory_warning_count(inv))
		CHECK_EQ_STR(awp_inventory_warning_get(inv, 0)->path, "/var/lib/rpm/Packages");
	awp_inventory_free(inv);
	awp_fs_free(fs);
	test_rmtree(dir);
	free(dir);
}
