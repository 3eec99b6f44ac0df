/*
 * Secret scanner engine: results do not depend on chunk sizes (secrets on
 * chunk and window boundaries), binary skip, size limits, package digests,
 * user config (disable, add, allowlists with expiry), fingerprints, and the
 * secret's full value never appearing in any output (API, table, JSON).
 */
#include "harness.h"
#include "fscompare.h"

#include "util/crypto_dl.h"

#include <awp/secrets.h>

#include <stdlib.h>

/* Fake values in real token formats (the GitHub one has a valid checksum). */
static const char *const planted[] = {
	"ghp_kY9pF34Qy6nB3Wwd25rq4f5zr3QA7Y3t9FpO",
	"xoxb-73581939101-2870192837465-Zk3LqT9wPb4XmR7nVc2YdF8s",
	"sk_live_4eC39HqLyjWDarjtT1zdp7dcQ9x",
	"glpat-Xr7Kq2mPz9LbN4vT8wYc",
	"Wq7#tR2!vLp9-Zx4",
};
/* How each is written in the test file, and the rule that must find it. */
static const char *const lines[] = {
	"GITHUB_TOKEN=%s\n",
	"slack_token: %s\n",
	"STRIPE_KEY=%s\n",
	"export GITLAB_TOKEN=%s\n",
	"db.password = %s\n",
};
static const char *const rules_of[] = {
	"github-pat-classic", "slack-bot-token", "stripe-secret-key", "gitlab-pat", "generic-password-assignment",
};
#define NPLANT (sizeof(planted) / sizeof(*planted))

struct got {
	char rule[64], fp[40], red[16];
	unsigned long long line, col, off;
};
struct gotlist {
	struct got g[256];
	size_t n;
	int leaks;
};

static int leaks(const char *s)
{
	for (size_t i = 0; i < NPLANT; i++)
		if (s && strstr(s, planted[i]))
			return 1;
	return 0;
}

static int collect(const awp_secret_finding *f, void *payload)
{
	struct gotlist *l = payload;
	l->leaks += leaks(f->redacted) + leaks(f->fingerprint) + leaks(f->rule_id) + leaks(f->path);
	if (l->n < 256) {
		struct got *g = &l->g[l->n++];
		snprintf(g->rule, sizeof g->rule, "%s", f->rule_id);
		snprintf(g->fp, sizeof g->fp, "%s", f->fingerprint);
		snprintf(g->red, sizeof g->red, "%s", f->redacted);
		g->line = f->line;
		g->col = f->column;
		g->off = f->offset;
	}
	return 0;
}

static awp_secrets_rules *load(const char *config, int builtin)
{
	const char *src = test_env("AWP_SOURCE_DIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/rules/secrets.json", src);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char text[1 << 20];
	size_t n = fread(text, 1, sizeof text, f);
	fclose(f);
	awp_secrets_load_options o = AWP_SECRETS_LOAD_OPTIONS_INIT;
	o.builtin_allowlist = builtin;
	o.now = 1767225600; /* 2026-01-01 */
	awp_secrets_rules *r = NULL;
	if (awp_secrets_rules_parse(&r, text, n, config, config ? strlen(config) : 0, path, &o) < 0) {
		fprintf(stderr, "load: %s\n", awp_error_last());
		return NULL;
	}
	return r;
}

/* A text of `size` bytes, secrets planted at the given offsets (rounded to a
 * line start). Returns the expected line of each secret in lines_out. */
static char *make_text(size_t size, const size_t *at, size_t nat, unsigned long long *line_out)
{
	char *t = malloc(size + 1);
	size_t o = 0, line = 1, k = 0;
	while (o < size) {
		char l[256];
		int n;
		if (k < nat && o >= at[k]) {
			n = snprintf(l, sizeof l, lines[k % NPLANT], planted[k % NPLANT]);
			line_out[k++] = line;
		} else {
			n = snprintf(l, sizeof l, "line %zu: the quick brown fox jumps over the lazy dog; key=value\n", line);
		}
		if (o + (size_t)n > size)
			break;
		memcpy(t + o, l, (size_t)n);
		o += (size_t)n;
		line++;
	}
	t[o] = 0;
	return t;
}

static void scan_chunked(awp_secrets_scanner *sc, const char *text, size_t len, size_t chunk, struct gotlist *out)
{
	memset(out, 0, sizeof(*out));
	size_t o = 0;
	do {
		size_t n = len - o < chunk ? len - o : chunk;
		int err = awp_secrets_scan_buffer(sc, "/data/file.txt", text + o, n, o + n >= len, collect, out);
		CHECK_OK(err);
		if (err < 0)
			return;
		o += n;
	} while (o < len);
}

static void test_chunks(void)
{
	awp_secrets_rules *r = load(NULL, 0);
	CHECK(r != NULL);
	if (!r)
		return;
	awp_secrets_scanner *sc = NULL;
	CHECK_OK(awp_secrets_scanner_new(&sc, r));
	/* around the minimum window (256 KiB), 1 MiB chunks and the lookahead */
	size_t at[] = {0, 100, 262100, 262144 - 30, 524288 - 10, 1048576 - 40, 1048576 - 8192 - 20, 1500000, 2097152 - 25};
	size_t nat = sizeof(at) / sizeof(*at);
	unsigned long long want_line[16];
	char *text = make_text(2200000, at, nat, want_line);
	size_t len = strlen(text);
	struct gotlist ref, l;
	scan_chunked(sc, text, len, len, &ref);
	CHECK_EQ_INT(ref.n, nat);
	for (size_t k = 0; k < nat && k < ref.n; k++) {
		CHECK_EQ_STR(ref.g[k].rule, rules_of[k % NPLANT]);
		CHECK_EQ_INT(ref.g[k].line, want_line[k]);
		/* the value sits after the text before %s on its line */
		const char *pre = strstr(lines[k % NPLANT], "%s");
		unsigned long long col = (unsigned long long)(pre - lines[k % NPLANT]) + 1;
		CHECK_EQ_INT(ref.g[k].col, col);
	}
	CHECK_EQ_INT(ref.leaks, 0);
	static const size_t chunks[] = {1 << 20, 65536, 4096, 300007, 8191, 777};
	for (size_t c = 0; c < sizeof(chunks) / sizeof(*chunks); c++) {
		scan_chunked(sc, text, len, chunks[c], &l);
		char msg[128];
		snprintf(msg, sizeof msg, "chunk %zu: %zu findings, want %zu", chunks[c], l.n, ref.n);
		CHECK_MSG(l.n == ref.n, msg);
		for (size_t k = 0; k < l.n && k < ref.n; k++) {
			CHECK_EQ_STR(l.g[k].rule, ref.g[k].rule);
			CHECK_EQ_STR(l.g[k].fp, ref.g[k].fp);
			CHECK_EQ_INT(l.g[k].line, ref.g[k].line);
			CHECK_EQ_INT(l.g[k].col, ref.g[k].col);
		}
	}
	/* a 1-byte-chunk pass over a smaller text */
	size_t at2[] = {10, 70000};
	char *small = make_text(150000, at2, 2, want_line);
	scan_chunked(sc, small, strlen(small), strlen(small), &ref);
	scan_chunked(sc, small, strlen(small), 1, &l);
	CHECK_EQ_INT(ref.n, 2);
	CHECK_EQ_INT(l.n, 2);
	if (l.n == 2 && ref.n == 2)
		CHECK_EQ_STR(l.g[1].fp, ref.g[1].fp);
	/* same secret, other file and place: same fingerprint; redaction */
	struct gotlist a;
	memset(&a, 0, sizeof a);
	const char *t1 = "x\n\n   GITHUB_TOKEN=ghp_kY9pF34Qy6nB3Wwd25rq4f5zr3QA7Y3t9FpO\n";
	CHECK_OK(awp_secrets_scan_buffer(sc, "/other", t1, strlen(t1), 1, collect, &a));
	CHECK_EQ_INT(a.n, 1);
	if (a.n == 1 && ref.n) {
		CHECK_EQ_STR(a.g[0].fp, ref.g[0].fp);
		CHECK_EQ_STR(a.g[0].red, "ghp_********");
		CHECK_EQ_INT(a.g[0].line, 3);
		CHECK_EQ_INT(a.g[0].col, 17);
	}
	/* short secrets show fewer characters */
	memset(&a, 0, sizeof a);
	const char *t2 = "[client]\npassword=Ab1-x9zQ\n";
	CHECK_OK(awp_secrets_scan_buffer(sc, "/root/.my.cnf", t2, strlen(t2), 1, collect, &a));
	CHECK_EQ_INT(a.n, 1);
	if (a.n == 1)
		CHECK_EQ_STR(a.g[0].red, "Ab********");
	/* a new file while one is open is refused */
	CHECK_OK(awp_secrets_scan_buffer(sc, "/a", "abc", 3, 0, collect, &a));
	CHECK_EQ_INT(awp_secrets_scan_buffer(sc, "/b", "abc", 3, 1, collect, &a), AWP_EINVAL);
	CHECK_OK(awp_secrets_scan_buffer(sc, "/a", "", 0, 1, collect, &a));
	free(small);
	free(text);
	awp_secrets_scanner_free(sc);
	awp_secrets_rules_free(r);
}

static void test_binary_and_digest(void)
{
	awp_secrets_rules *r = load(NULL, 0);
	CHECK(r != NULL);
	if (!r)
		return;
	awp_secrets_scanner *sc = NULL;
	CHECK_OK(awp_secrets_scanner_new(&sc, r));
	char buf[20000];
	memset(buf, 'a', sizeof buf);
	const char *tok = "\nGITHUB_TOKEN=ghp_kY9pF34Qy6nB3Wwd25rq4f5zr3QA7Y3t9FpO\n";
	memcpy(buf + 12000, tok, strlen(tok));
	buf[100] = 0; /* NUL early: binary, skipped */
	struct gotlist l;
	memset(&l, 0, sizeof l);
	CHECK_OK(awp_secrets_scan_buffer(sc, "/bin/x", buf, sizeof buf, 1, collect, &l));
	CHECK_EQ_INT(l.n, 0);
	CHECK(awp_secrets_scanner_last(sc)->binary);
	buf[100] = 'a';
	buf[9000] = 0; /* NUL past the probe: text */
	CHECK_OK(awp_secrets_scan_buffer(sc, "/bin/x", buf, sizeof buf, 1, collect, &l));
	CHECK_EQ_INT(l.n, 1);
	CHECK(!awp_secrets_scanner_last(sc)->binary);

	/* package digest: equal -> suppressed, different -> live */
	unsigned char md[16];
	unsigned int mdlen = 0;
	EVP_Digest(buf, sizeof buf, md, &mdlen, EVP_md5(), NULL);
	char dg[64] = "md5:";
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(dg + 4 + 2 * i, 3, "%02x", md[i]);
	awp_secrets_file info = AWP_SECRETS_FILE_INIT;
	info.package = "python3-boto3";
	info.package_digest = dg;
	CHECK_OK(awp_secrets_file_begin(sc, "/usr/lib/python3/dist-packages/x.txt", &info));
	memset(&l, 0, sizeof l);
	CHECK_OK(awp_secrets_scan_buffer(sc, NULL, buf, 7000, 0, collect, &l));
	CHECK_OK(awp_secrets_scan_buffer(sc, NULL, buf + 7000, sizeof buf - 7000, 1, collect, &l));
	CHECK(awp_secrets_scanner_last(sc)->digest_checked && awp_secrets_scanner_last(sc)->digest_matched);
	dg[5] = dg[5] == '0' ? '1' : '0';
	CHECK_OK(awp_secrets_file_begin(sc, "/usr/lib/python3/dist-packages/x.txt", &info));
	CHECK_OK(awp_secrets_scan_buffer(sc, NULL, buf, sizeof buf, 1, collect, &l));
	CHECK(awp_secrets_scanner_last(sc)->digest_checked && !awp_secrets_scanner_last(sc)->digest_matched);
	awp_secrets_scanner_free(sc);
	awp_secrets_rules_free(r);
}

static int count_suppressed(const awp_secret_finding *f, void *payload)
{
	int *c = payload;
	c[f->suppressed]++;
	return 0;
}

static void test_config(void)
{
	const char *tok = "GITHUB_TOKEN=ghp_kY9pF34Qy6nB3Wwd25rq4f5zr3QA7Y3t9FpO\nslack=xoxb-73581939101-2870192837465-Zk3LqT9wPb4XmR7nVc2YdF8s\n";
	/* learn the fingerprint first */
	awp_secrets_rules *r = load(NULL, 1);
	awp_secrets_scanner *sc = NULL;
	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_OK(awp_secrets_scanner_new(&sc, r));
	struct gotlist l;
	memset(&l, 0, sizeof l);
	CHECK_OK(awp_secrets_scan_buffer(sc, "/srv/a.env", tok, strlen(tok), 1, collect, &l));
	CHECK_EQ_INT(l.n, 2);
	int c[AWP_SUPPRESS_COUNT_] = {0};
	CHECK_OK(awp_secrets_scan_buffer(sc, "/usr/share/doc/x/README", tok, strlen(tok), 1, count_suppressed, c));
	CHECK_EQ_INT(c[AWP_SUPPRESS_BUILTIN], 2);
	awp_secrets_scanner_free(sc);
	awp_secrets_rules_free(r);

	char cfg[2048];
	snprintf(cfg, sizeof cfg,
		 "{\"disable\": [\"stripe-secret-key\"],"
		 " \"fingerprint_key\": \"team key\","
		 " \"rules\": [{\"id\": \"acme-token\", \"title\": \"ACME token\", \"severity\": \"high\", \"category\": \"custom\","
		 "   \"pattern\": \"\\\\bacme_[a-z0-9]{16}\\\\b\", \"keywords\": [\"acme_\"], \"binary\": true}],"
		 " \"allowlist\": ["
		 "  {\"paths\": [\"/srv/reviewed/*\"], \"reason\": \"test data\"},"
		 "  {\"rules\": [\"slack-bot-token\"], \"paths\": [\"/srv/b*\"], \"reason\": \"bot of the test\", \"until\": \"2099-12-31\"},"
		 "  {\"rules\": [\"github-pat-classic\"], \"reason\": \"old\", \"until\": \"2020-01-01\"},"
		 "  {\"fingerprints\": [\"%s\"], \"reason\": \"reviewed\"}]}",
		 "fp1:0000");
	r = load(cfg, 1);
	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_EQ_INT(awp_secrets_rules_note_count(r), 1); /* the expired entry */
	int found_stripe = 0, found_acme = 0;
	for (size_t i = 0; i < awp_secrets_rule_count(r); i++) {
		found_stripe |= strcmp(awp_secrets_rule_get(r, i)->id, "stripe-secret-key") == 0;
		found_acme |= strcmp(awp_secrets_rule_get(r, i)->id, "acme-token") == 0;
	}
	CHECK(!found_stripe && found_acme);
	CHECK_OK(awp_secrets_scanner_new(&sc, r));
	struct gotlist l2;
	memset(&l2, 0, sizeof l2);
	CHECK_OK(awp_secrets_scan_buffer(sc, "/srv/a.env", tok, strlen(tok), 1, collect, &l2));
	CHECK_EQ_INT(l2.n, 2);
	if (l2.n == 2)
		CHECK(strcmp(l2.g[0].fp, l.g[0].fp) != 0); /* another key, other fingerprints */
	memset(c, 0, sizeof c);
	CHECK_OK(awp_secrets_scan_buffer(sc, "/srv/reviewed/a.env", tok, strlen(tok), 1, count_suppressed, c));
	CHECK_EQ_INT(c[AWP_SUPPRESS_ALLOWLIST], 2);
	memset(c, 0, sizeof c);
	CHECK_OK(awp_secrets_scan_buffer(sc, "/srv/b.env", tok, strlen(tok), 1, count_suppressed, c));
	CHECK_EQ_INT(c[AWP_SUPPRESS_ALLOWLIST], 1);
	CHECK_EQ_INT(c[AWP_SUPPRESS_NONE], 1);
	/* the user's binary rule also runs on binary content */
	char bin[64] = "\0\0\0 acme_0123456789abcdef \0";
	memset(&l2, 0, sizeof l2);
	CHECK_OK(awp_secrets_scan_buffer(sc, "/bin/acme", bin, sizeof bin, 1, collect, &l2));
	CHECK_EQ_INT(l2.n, 1);
	awp_secrets_scanner_free(sc);
	awp_secrets_rules_free(r);

	/* fingerprint allowlist, with the fingerprint learnt above */
	snprintf(cfg, sizeof cfg, "{\"allowlist\": [{\"fingerprints\": [\"%s\"], \"reason\": \"reviewed\", \"until\": \"2030-01-01\"}]}",
		 l.g[0].fp);
	r = load(cfg, 1);
	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_OK(awp_secrets_scanner_new(&sc, r));
	memset(c, 0, sizeof c);
	CHECK_OK(awp_secrets_scan_buffer(sc, "/anywhere/x", tok, strlen(tok), 1, count_suppressed, c));
	CHECK_EQ_INT(c[AWP_SUPPRESS_FINGERPRINT], 1);
	CHECK_EQ_INT(c[AWP_SUPPRESS_NONE], 1);
	awp_secrets_scanner_free(sc);
	awp_secrets_rules_free(r);

	/* malformed configs are refused with the rule named */
	static const char *const badcfg[] = {
		"{\"rules\": [{\"id\": \"x\", \"title\": \"t\", \"severity\": \"urgent\", \"category\": \"c\", \"pattern\": \"a\"}]}",
		"{\"rules\": [{\"id\": \"x\", \"title\": \"t\", \"severity\": \"low\", \"category\": \"c\", \"pattern\": \"(?<=a)b\"}]}",
		"{\"allowlist\": [{\"reason\": \"nothing to match\"}]}",
		"{\"allowlist\": [{\"paths\": [\"/x\"], \"until\": \"tomorrow\"}]}",
		"[1, 2]",
	};
	for (size_t i = 0; i < sizeof(badcfg) / sizeof(*badcfg); i++) {
		r = load(badcfg[i], 1);
		CHECK(r == NULL);
		awp_secrets_rules_free(r);
	}
}

static char owner_digest[64];
static const char *owner_cb(const char *path, const char **digest, void *payload)
{
	(void)payload;
	if (strcmp(path, "/srv/s0.conf") != 0)
		return NULL;
	*digest = owner_digest;
	return "demo-package";
}

/* Through the filesystem layer and the command: size limit, and no output
 * stream ever holds a planted value. */
static void test_fs_and_cli(void)
{
	char *dir = test_tmpdir();
	CHECK(dir != NULL);
	CHECK(test_sh("mkdir -p %s/etc %s/srv && printf 'ID=debian\\n' > %s/etc/os-release", dir, dir, dir) == 0);
	for (size_t i = 0; i < NPLANT; i++) {
		char cmd[512];
		char body[256];
		snprintf(body, sizeof body, lines[i], planted[i]);
		body[strlen(body) - 1] = 0;
		snprintf(cmd, sizeof cmd, "printf '%%s\\n' '%s' > %s/srv/s%zu.conf", body, dir, i);
		CHECK(test_sh("%s", cmd) == 0);
	}
	CHECK(test_sh("head -c 300000 /dev/zero | tr '\\0' 'a' > %s/srv/big.txt && echo 'GITHUB_TOKEN=%s' >> %s/srv/big.txt",
		      dir, planted[0], dir) == 0);
	awp_secrets_rules *r = load(NULL, 1);
	awp_secrets_scanner *sc = NULL;
	awp_secrets_report *rep = NULL;
	awp_fs *fs = NULL;
	CHECK(r != NULL);
	CHECK_OK(awp_fs_open_dir(&fs, dir));
	CHECK_OK(awp_secrets_scanner_new(&sc, r));
	CHECK_OK(awp_secrets_report_new(&rep));
	awp_secrets_fs_options fo = AWP_SECRETS_FS_OPTIONS_INIT;
	fo.max_file_size = 200000;
	CHECK_OK(awp_secrets_scan_fs(sc, fs, &fo, rep));
	const awp_secrets_stats *st = awp_secrets_report_stats(rep);
	CHECK_EQ_INT(st->findings, NPLANT);
	CHECK_EQ_INT(st->files_too_large, 1);
	CHECK_EQ_INT(awp_secrets_report_skipped_count(rep), 1);
	if (awp_secrets_report_skipped_count(rep) == 1)
		CHECK_EQ_STR(awp_secrets_report_skipped(rep, 0)->path, "/srv/big.txt");
	for (size_t i = 0; i < awp_secrets_report_count(rep); i++) {
		const awp_secret_finding *f = awp_secrets_report_get(rep, i);
		CHECK(!leaks(f->redacted) && !leaks(f->fingerprint) && !leaks(f->path));
	}
	awp_secrets_report_free(rep);
	/* ownership: the file's real md5 suppresses it, another md5 does not */
	char p0[4096];
	snprintf(p0, sizeof p0, "%s/srv/s0.conf", dir);
	char *content = NULL;
	size_t clen = 0;
	CHECK_OK(awp_fs_read_file(fs, "/srv/s0.conf", 4096, &content, &clen));
	unsigned char md[16];
	unsigned int mdlen = 0;
	EVP_Digest(content, clen, md, &mdlen, EVP_md5(), NULL);
	free(content);
	snprintf(owner_digest, sizeof owner_digest, "md5:");
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(owner_digest + 4 + 2 * i, 3, "%02x", md[i]);
	fo.owner = owner_cb;
	for (int round = 0; round < 2; round++) {
		CHECK_OK(awp_secrets_report_new(&rep));
		CHECK_OK(awp_secrets_scan_fs(sc, fs, &fo, rep));
		st = awp_secrets_report_stats(rep);
		CHECK_EQ_INT(st->suppressed[AWP_SUPPRESS_PACKAGE], round == 0 ? 1 : 0);
		CHECK_EQ_INT(st->findings, round == 0 ? NPLANT - 1 : NPLANT);
		int pkg_seen = 0;
		for (size_t i = 0; i < awp_secrets_report_count(rep); i++)
			pkg_seen |= strcmp(awp_secrets_report_get(rep, i)->package, "demo-package") == 0;
		CHECK(pkg_seen);
		awp_secrets_report_free(rep);
		owner_digest[4] = owner_digest[4] == '0' ? '1' : '0';
	}
	awp_secrets_scanner_free(sc);
	awp_fs_free(fs);
	awp_secrets_rules_free(r);
	CHECK_EQ_INT(awp_secrets_rules_load(&r, &(awp_secrets_load_options){1, "/nonexistent/rules", NULL, 1, 0}),
		     AWP_ENOTFOUND);
	CHECK(!leaks(awp_error_last()));

	const char *bin = test_env("AWP_BIN");
	const char *src = test_env("AWP_SOURCE_DIR");
	if (bin) {
		/* table and JSON, suppressed shown, errors: capture everything */
		int rc = test_sh("cd %s && AWP_RULES_DIR=%s/rules %s secrets --show-suppressed %s > out.table 2>&1; "
				 "test $? -eq 1 && AWP_RULES_DIR=%s/rules %s secrets -f json -s -m 100000 %s > out.json 2>&1; "
				 "test $? -eq 1 && %s secrets --rules /nonexistent %s > out.err 2>&1; test $? -eq 3",
				 dir, src, bin, dir, src, bin, dir, bin, dir);
		CHECK_EQ_INT(rc, 0);
		CHECK(test_sh("grep -q github-pat-classic %s/out.table && grep -q '\"size\"' %s/out.json", dir, dir) == 0);
		for (size_t i = 0; i < NPLANT; i++) {
			int found = test_sh("grep -rqF -- '%s' %s/out.table %s/out.json %s/out.err", planted[i], dir, dir, dir);
			char msg[128];
			snprintf(msg, sizeof msg, "planted value %zu appears in the command's output", i);
			CHECK_MSG(found != 0, msg);
		}
		CHECK(test_sh("python3 -c 'import json,sys; json.load(open(\"%s/out.json\"))'", dir) == 0);
	}
	test_rmtree(dir);
	free(dir);
}

void test_main(void)
{
	if (!test_env("AWP_SOURCE_DIR"))
		test_skip("AWP_SOURCE_DIR not set");
	test_chunks();
	test_binary_and_digest();
	test_config();
	test_fs_and_cli();
}
