/*
 * bench_secrets - secret-scanning throughput on a corpus of files, against
 * ripgrep given the same patterns, in the same run.
 *
 *   bench_secrets [-e] [-R] [-n ROUNDS] [DIR...]   (-e: engine only, -R: no rg)
 *   bench_secrets -i IMAGE [-n ROUNDS]   whole image: scan time vs reading all content
 *
 * DIRs default to $AWP_FIXTURES_DIR/work/debian12-tree/{usr/share,etc}.
 * Prints three figures (single thread; run under `taskset -c 0`):
 *   engine  the scanner on text files already in memory (all rules);
 *   awp     walk + read + binary skip + scan of the DIRs through awp_fs
 *           (what `awp secrets` does), ROUNDS times;
 *   rg      `rg -j1 -uu -c -f patterns DIR...` on the same DIRs, ROUNDS
 *           times (each pattern wrapped in (?:...) / (?i:...), see
 *           ../shared/docs/DEPENDENCIES.md); line mode, so the few
 *           patterns that span lines are left out for rg (their count is
 *           printed); also `rg -U` with every pattern.
 * Throughput = bytes of text files scanned / wall time.
 */
#include <awp/secrets.h>
#include <awp/target.h>
#include <awp/walk.h>

#include <stdio.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct corpus {
	char **data;
	size_t *len;
	char **path;
	size_t n, cap;
	uint64_t bytes, files_all;
};

static int collect(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	struct corpus *c = payload;
	if (e->st.type != AWP_FT_REG || e->hardlink_repeat || e->st.size > (16u << 20))
		return 0;
	c->files_all++;
	char *buf = NULL;
	size_t len = 0;
	if (awp_fs_read_file(fs, e->path, 16u << 20, &buf, &len) < 0)
		return 0;
	if (memchr(buf, 0, len < 8192 ? len : 8192)) {
		free(buf);
		return 0;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->data = realloc(c->data, c->cap * sizeof(*c->data));
		c->len = realloc(c->len, c->cap * sizeof(*c->len));
		c->path = realloc(c->path, c->cap * sizeof(*c->path));
	}
	c->data[c->n] = buf;
	c->len[c->n] = len;
	c->path[c->n] = strdup(e->path);
	c->n++;
	c->bytes += len;
	return 0;
}

/* Hyperscan/PCRE syntax -> ripgrep (Rust regex): \" and \' are not escapes
 * there. Returns 0 when the pattern spans lines (needs -U). */
static int rg_pattern(const awp_secret_rule *r, const char *flags_i, char *out, size_t cap)
{
	size_t o = 0;
	const char *p = r->pattern;
	int multiline = strstr(p, "\\n") != NULL || strstr(p, "\\s+password") != NULL || strstr(p, "\\s+login") != NULL;
	o += (size_t)snprintf(out, cap, "%s", flags_i ? "(?i:" : "(?:");
	for (; *p && o + 3 < cap; p++) {
		if (p[0] == '\\' && (p[1] == '"' || p[1] == '\''))
			continue;
		out[o++] = *p;
	}
	out[o++] = ')';
	out[o] = 0;
	return !multiline;
}

/* Read every regular file's content (the baseline the issue compares with). */
static char rbuf[1 << 20];
static uint64_t rbytes;
static int read_all(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	(void)payload;
	if (e->st.type != AWP_FT_REG || e->hardlink_repeat)
		return 0;
	awp_file *f = NULL;
	if (awp_file_open(&f, fs, e->st.ino) < 0)
		return 0;
	uint64_t off = 0;
	size_t n;
	while (awp_file_read(f, rbuf, sizeof rbuf, off, &n) == 0 && n > 0)
		off += n;
	rbytes += off;
	awp_file_free(f);
	return 0;
}

/* Whole image: read-all time vs secret-scan time, same run. */
static int image_mode(const char *img, awp_secrets_scanner *sc, int rounds)
{
	awp_target *t = NULL;
	if (awp_target_open(&t, img) < 0 || !awp_target_pick_fs(t, NULL)) {
		fprintf(stderr, "bench_secrets: %s\n", awp_error_last());
		return 1;
	}
	awp_fs *fs = awp_target_pick_fs(t, NULL);
	double tread = 1e9, tscan = 1e9;
	awp_secrets_report *rep = NULL;
	for (int r = 0; r < rounds; r++) {
		rbytes = 0;
		double t0 = now();
		awp_fs_walk(fs, NULL, read_all, NULL);
		double t1 = now();
		awp_secrets_report_free(rep);
		awp_secrets_report_new(&rep);
		awp_secrets_scan_fs(sc, fs, NULL, rep);
		double t2 = now();
		if (t1 - t0 < tread)
			tread = t1 - t0;
		if (t2 - t1 < tscan)
			tscan = t2 - t1;
	}
	const awp_secrets_stats *st = awp_secrets_report_stats(rep);
	printf("image %s (best of %d)\n", img, rounds);
	printf("read all content:  %.3f s (%.1f MB)\n", tread, (double)rbytes / 1e6);
	printf("secret scan:       %.3f s (%llu text files, %.1f MB scanned, %llu binary, %llu too large, %llu findings)\n",
	       tscan, (unsigned long long)st->files_scanned, (double)st->bytes_scanned / 1e6,
	       (unsigned long long)st->files_binary, (unsigned long long)st->files_too_large,
	       (unsigned long long)st->findings);
	printf("scan / read:       %.2f (target <= 1.50)\n", tscan / tread);
	awp_secrets_report_free(rep);
	awp_target_free(t);
	return 0;
}

static double run(const char *cmd)
{
	double t = now();
	int rc = system(cmd);
	t = now() - t;
	if (rc == -1 || (WIFEXITED(rc) && WEXITSTATUS(rc) > 1)) {
		fprintf(stderr, "bench_secrets: command failed (%d): %s\n", rc, cmd);
		return -1;
	}
	return t;
}

int main(int argc, char **argv)
{
	int rounds = 10, opt, engine_only = 0, no_rg = 0;
	const char *image = NULL;
	while ((opt = getopt(argc, argv, "eRn:i:")) != -1) {
		if (opt == 'i')
			image = optarg;
		else if (opt == 'e')
			engine_only = 1;
		else if (opt == 'R')
			no_rg = 1;
		else if (opt == 'n')
			rounds = (int)strtol(optarg, NULL, 10) > 0 ? (int)strtol(optarg, NULL, 10) : 10;
		else {
			fprintf(stderr, "usage: bench_secrets [-e] [-R] [-n ROUNDS] [-i IMAGE] [DIR...]\n");
			return 2;
		}
	}
	char d1[4096], d2[4096];
	const char *fx = getenv("AWP_FIXTURES_DIR");
	const char *defdirs[2] = {d1, d2};
	const char *const *dirs = (const char *const *)argv + optind;
	int ndirs = argc - optind;
	if (ndirs == 0 && !image) {
		if (!fx) {
			fprintf(stderr, "bench_secrets: give DIRs or set AWP_FIXTURES_DIR\n");
			return 2;
		}
		snprintf(d1, sizeof d1, "%s/work/debian12-tree/usr/share", fx);
		snprintf(d2, sizeof d2, "%s/work/debian12-tree/etc", fx);
		dirs = defdirs;
		ndirs = 2;
	}
	awp_secrets_load_options lo = AWP_SECRETS_LOAD_OPTIONS_INIT;
	awp_secrets_rules *rules = NULL;
	double t0 = now();
	if (awp_secrets_rules_load(&rules, &lo) < 0) {
		fprintf(stderr, "bench_secrets: %s\n", awp_error_last());
		return 1;
	}
	double tcompile = now() - t0;
	awp_secrets_scanner *sc = NULL;
	awp_secrets_scanner_new(&sc, rules);
	if (image)
		return image_mode(image, sc, rounds);
	struct corpus c = {0};
	for (int i = 0; i < ndirs; i++) {
		awp_fs *fs = NULL;
		if (awp_fs_open_dir(&fs, dirs[i]) < 0) {
			fprintf(stderr, "bench_secrets: %s\n", awp_error_last());
			return 1;
		}
		awp_fs_walk(fs, NULL, collect, &c);
		awp_fs_free(fs);
	}
	printf("corpus: %s%s: %llu files, %zu text files, %.1f MB of text; %zu rules (compile %.0f ms)\n", dirs[0],
	       ndirs > 1 ? " ..." : "", (unsigned long long)c.files_all, c.n, (double)c.bytes / 1e6,
	       awp_secrets_rule_count(rules), tcompile * 1e3);

	/* 1. engine on buffers */
	size_t findings = 0;
	double t = now();
	int it = 0;
	do {
		for (size_t i = 0; i < c.n; i++) {
			awp_secrets_scan_buffer(sc, c.path[i], c.data[i], c.len[i], 1, NULL, NULL);
			findings += awp_secrets_scanner_last(sc)->findings;
		}
		it++;
	} while (now() - t < 2.0);
	t = now() - t;
	double engine = (double)c.bytes * it / t / 1e6;
	printf("engine: %.0f MB/s (%d passes, %.2f s, %zu findings per pass)\n", engine, it, t, findings / (size_t)it);

	if (engine_only)
		return 0;
	/* 2. awp: walk + read + scan the directories */
	awp_secrets_report *rep = NULL;
	t = now();
	for (int r = 0; r < rounds; r++) {
		awp_secrets_report_free(rep);
		awp_secrets_report_new(&rep);
		for (int i = 0; i < ndirs; i++) {
			awp_fs *fs = NULL;
			awp_fs_open_dir(&fs, dirs[i]);
			awp_secrets_scan_fs(sc, fs, NULL, rep);
			awp_fs_free(fs);
		}
	}
	t = now() - t;
	const awp_secrets_stats *st = awp_secrets_report_stats(rep);
	double awp = (double)st->bytes_scanned * rounds / t / 1e6;
	printf("awp:    %.0f MB/s (%d rounds, %.2f s; %llu text files, %.1f MB, %llu binary skipped per round)\n", awp,
	       rounds, t, (unsigned long long)st->files_scanned, (double)st->bytes_scanned / 1e6,
	       (unsigned long long)st->files_binary);

	if (no_rg)
		return 0;
	/* 3. ripgrep with the same patterns, same directories */
	char patf[] = "/tmp/awp-bench-rg-XXXXXX", patall[] = "/tmp/awp-bench-rgU-XXXXXX";
	int fd1 = mkstemp(patf), fd2 = mkstemp(patall);
	FILE *f1 = fdopen(fd1, "w"), *f2 = fdopen(fd2, "w");
	size_t nline = 0, nall = 0;
	for (size_t i = 0; i < awp_secrets_rule_count(rules); i++) {
		const awp_secret_rule *r = awp_secrets_rule_get(rules, i);
		char p[8192];
		int line = rg_pattern(r, strchr(r->flags, 'i') ? "i" : NULL, p, sizeof p);
		fprintf(f2, "%s\n", p);
		nall++;
		if (line) {
			fprintf(f1, "%s\n", p);
			nline++;
		}
	}
	fclose(f1);
	fclose(f2);
	char cmd[16384];
	size_t o = 0;
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < ndirs; i++)
			o += (size_t)snprintf(cmd + o, sizeof cmd - o, " '%s'", dirs[i]);
	char full[20000];
	snprintf(full, sizeof full, "rg -j1 -uu -c --no-messages -f %s --%s > /dev/null", patf, cmd);
	double trg = run(full);
	snprintf(full, sizeof full, "rg -j1 -uu -U -c --no-messages -f %s --%s > /dev/null", patall, cmd);
	double trgU = run(full);
	snprintf(full, sizeof full, "rg -j1 -c --no-messages -f %s /dev/null > /dev/null", patf);
	double trg0 = run(full);
	unlink(patf);
	unlink(patall);
	if (trg > 0) {
		double rg = (double)st->bytes_scanned * rounds / trg / 1e6;
		printf("rg:     %.1f MB/s (%zu of %zu patterns, line mode, %.2f s; startup alone %.2f s)\n", rg, nline, nall,
		       trg, trg0);
		if (trgU > 0)
			printf("rg -U:  %.1f MB/s (all %zu patterns, multiline, %.2f s)\n",
			       (double)st->bytes_scanned * rounds / trgU / 1e6, nall, trgU);
		printf("ratio awp/rg: %.1fx (engine/rg: %.1fx)\n", awp / rg, engine / rg);
	} else {
		printf("rg: not available\n");
	}
	awp_secrets_report_free(rep);
	awp_secrets_scanner_free(sc);
	awp_secrets_rules_free(rules);
	for (size_t i = 0; i < c.n; i++)
		free(c.data[i]), free(c.path[i]);
	free(c.data);
	free(c.len);
	free(c.path);
	return 0;
}
