/*
 * bench/bench_threats.c - threat scanning speed against reading the content
 * and against the `yara` command.
 *
 * usage: bench_threats IMAGE [TREE] [RULES_DIR]
 *
 * In one run (best of 3 each, warm cache):
 *   1. read: walk IMAGE's root filesystem and read every regular file
 *   2. rules: awp_threats_scan with the default rules only (no lists, no
 *      package digests, no archives): the YARA cost over the same content
 *   3. no archives: the default scan (rules, hashes, IOCs, package
 *      digests, persistence; packaged files whose digest verified are not
 *      YARA-scanned) without looking inside archives, the closest to what
 *      `yara -r` does
 *   4. full: the default scan, archives included
 *   5. yara: `yara -r -N -p 1 -f -d awp_path=` with the same rule files
 *      (RULES_DIR, default rules/threats of the source tree) over TREE, the
 *      extracted copy of the image; -p 1: one thread
 * The scans use awp's default worker threads (one per core; the read is one
 * thread). Prints wall seconds (best of 5), the CPU seconds of that best
 * run (user + system, all threads), and the ratios the targets
 * name: default scan / read <= 2 and default scan < yara.
 */
#include <awp/target.h>
#include <awp/threats.h>
#include <awp/walk.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

static double cpu_now(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

static double last_cpu; /* CPU seconds of the last timed call */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char buf[1 << 20];

static int read_cb(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	uint64_t *bytes = payload;
	if (e->st.type != AWP_FT_REG || e->hardlink_repeat)
		return 0;
	awp_file *f = NULL;
	if (awp_file_open(&f, fs, e->st.ino) < 0)
		return 0;
	uint64_t off = 0;
	size_t n;
	while (awp_file_read(f, buf, sizeof buf, off, &n) == 0 && n)
		off += n;
	*bytes += off;
	awp_file_free(f);
	return 0;
}

static double t_read(awp_fs *fs, uint64_t *bytes)
{
	double c0 = cpu_now(), t0 = now();
	*bytes = 0;
	awp_fs_walk(fs, NULL, read_cb, bytes);
	last_cpu = cpu_now() - c0;
	return now() - t0;
}

static double t_scan(awp_fs *fs, awp_threat_db *db, int full, size_t *nthreats)
{
	awp_threat_scan_options so = AWP_THREAT_SCAN_OPTIONS_INIT;
	so.vulndb_path = "";
	if (!full) {
		so.no_tampering = 1;
		so.no_archives = 1;
	} else if (full == 2) {
		so.no_archives = 1;
	}
	awp_threat_report *r = NULL;
	double c0 = cpu_now(), t0 = now();
	if (awp_threats_scan(&r, fs, db, &so) < 0) {
		fprintf(stderr, "bench: %s\n", awp_error_last());
		return -1;
	}
	double t = now() - t0;
	last_cpu = cpu_now() - c0;
	*nthreats = awp_threat_count(r);
	awp_threat_report_free(r);
	return t;
}

static double t_yara(const char *rules_dir, const char *tree)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "yara -r -N -p 1 -f -d awp_path= %s/*.yar '%s' > /dev/null 2>&1", rules_dir, tree);
	double t0 = now();
	int rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0)
		return -1;
	return now() - t0;
}

/* Best wall time of 5 runs; cpu_var gets that run's CPU time. */
#define BEST(var, cpu_var, expr)                                                                                       \
	do {                                                                                                           \
		var = 1e30;                                                                                            \
		for (int i_ = 0; i_ < 5; i_++) {                                                                       \
			last_cpu = 0;                                                                                  \
			double t_ = (expr);                                                                            \
			if (t_ >= 0 && t_ < var) {                                                                     \
				var = t_;                                                                              \
				cpu_var = last_cpu;                                                                    \
			}                                                                                              \
		}                                                                                                      \
	} while (0)

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_threats IMAGE [TREE] [RULES_DIR]\n");
		return 2;
	}
	const char *tree = argc > 2 ? argv[2] : NULL;
	const char *rules = argc > 3 ? argv[3] : AWP_BENCH_RULES_DIR;
	awp_target *t = NULL;
	if (awp_target_open(&t, argv[1]) < 0) {
		fprintf(stderr, "bench: %s\n", awp_error_last());
		return 1;
	}
	awp_fs *fs = awp_target_pick_fs(t, NULL);
	awp_threat_db *dbr = NULL, *dbf = NULL;
	awp_threat_db_options o = AWP_THREAT_DB_OPTIONS_INIT;
	o.no_default_lists = 1;
	o.cache_dir = "";
	double t0 = now();
	if (!fs || awp_threat_db_load(&dbr, &o) < 0 || awp_threat_db_load(&dbf, NULL) < 0) {
		fprintf(stderr, "bench: %s\n", awp_error_last());
		return 1;
	}
	double tcompile = now() - t0;
	uint64_t bytes = 0;
	size_t nr = 0, nf = 0;
	double tread, trules, tdef, tfull, tyara = -1;
	double cread = 0, crules = 0, cdef = 0, cfull = 0, cyara = 0;
	size_t nd = 0;
	t_read(fs, &bytes); /* warm the cache */
	BEST(tread, cread, t_read(fs, &bytes));
	BEST(trules, crules, t_scan(fs, dbr, 0, &nr));
	BEST(tdef, cdef, t_scan(fs, dbf, 2, &nd));
	BEST(tfull, cfull, t_scan(fs, dbf, 1, &nf));
	if (tree)
		BEST(tyara, cyara, t_yara(rules, tree));
	(void)cyara;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double mb = (double)bytes / 1e6;
	printf("image            %s\n", argv[1]);
	printf("content          %.1f MB in regular files\n", mb);
	printf("compile rules    %.3f s (uncached, once)\n", tcompile);
	printf("read all         %.3f s  %.0f MB/s  (cpu %.3f s)\n", tread, mb / tread, cread);
	printf("awp rules only   %.3f s  %.0f MB/s  %.2fx read  (cpu %.3f s, %zu threats)\n", trules, mb / trules,
	       trules / tread, crules, nr);
	printf("awp no archives  %.3f s  %.0f MB/s  %.2fx read  (cpu %.3f s, %zu threats)\n", tdef, mb / tdef,
	       tdef / tread, cdef, nd);
	printf("awp full scan    %.3f s  %.0f MB/s  %.2fx read  (cpu %.3f s, %zu threats)\n", tfull, mb / tfull,
	       tfull / tread, cfull, nf);
	if (tyara > 0)
		printf("yara -r -p 1     %.3f s  (%s)  vs awp: rules-only %.2fx, no-archives %.2fx, full %.2fx faster\n",
		       tyara, tree, tyara / trules, tyara / tdef, tyara / tfull);
	else if (tree)
		printf("yara -r          failed or not installed\n");
	printf("peak RSS         %.1f MiB\n", (double)ru.ru_maxrss / 1024);
	awp_threat_db_free(dbr);
	awp_threat_db_free(dbf);
	awp_target_free(t);
	return 0;
}
