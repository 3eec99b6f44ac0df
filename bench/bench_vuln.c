/*
 * bench/bench_vuln.c - advisory database and matcher speed.
 *
 * usage: bench_vuln [VULNDATA_DIR] [WORK_DIR]
 *        (default: $AWP_SHARED_DIR/vulndata or ../shared/vulndata, /tmp)
 *
 * Measures, in one run and on one core:
 *   1. importing every zip of VULNDATA_DIR into a new database: time, size
 *   2. opening the database for a scan (median of 20 opens; target < 50 ms)
 *   3. matching a Debian-11-sized inventory: 140 dpkg packages (real source
 *      names of the data at old versions) + 30 npm/PyPI packages
 *      (target < 100 ms)
 *   4. matching 100,000 synthetic packages: half with names that have
 *      advisories (at versions that most of them affect), half without
 *      (target < 2 s)
 *   5. peak RSS (target < 256 MiB)
 * and prints each with its target and ratio.
 */
#include <awp/vuln.h>
#include <awp/vulndb.h>

#include "pkg/pkg_int.h"
#include "util/sqlite_dl.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static awp_inventory *inv_new(const char *id, const char *ver)
{
	awp_inventory *inv = calloc(1, sizeof(*inv));
	if (!inv)
		exit(1);
	inv->os.known = 1;
	inv->os.id = awp_inv_str(inv, id);
	inv->os.version_id = awp_inv_str(inv, ver);
	inv->os.id_like = inv->os.codename = inv->os.pretty_name = inv->os.source = awp_inv_str(inv, "");
	return inv;
}

static void add(awp_inventory *inv, const char *type, const char *name, const char *version, const char *src)
{
	awp_package p = {0};
	p.type = type;
	p.name = name;
	p.version = version;
	p.source_name = src;
	p.source_version = src ? version : "";
	char path[64];
	snprintf(path, sizeof path, "/bench/%zu", awp_inventory_count(inv)); /* every package distinct */
	p.path = path;
	if (awp_inv_add(inv, &p, NULL) < 0) {
		fprintf(stderr, "bench: %s\n", awp_error_last());
		exit(1);
	}
}

/* Distinct advisory package names of one ecosystem (up to max). */
static char **names(const char *db, const char *eco, size_t max, size_t *n)
{
	sqlite3 *s = NULL;
	sqlite3_stmt *st = NULL;
	char **out = calloc(max, sizeof(*out));
	*n = 0;
	if (!out || sqlite3_open_v2(db, &s, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s, "SELECT DISTINCT name FROM affected WHERE ecosystem = ?1 ORDER BY name", -1, &st, NULL) !=
		    SQLITE_OK) {
		fprintf(stderr, "bench: cannot list names\n");
		exit(1);
	}
	sqlite3_bind_text(st, 1, eco, -1, SQLITE_STATIC);
	while (*n < max && sqlite3_step(st) == SQLITE_ROW)
		out[(*n)++] = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(s);
	return out;
}

static long peak_rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void line(const char *what, double value, const char *unit, double target)
{
	if (target > 0)
		printf("%-44s %10.1f %-4s (target < %.0f %s: %.2fx of budget)\n", what, value, unit, target, unit, value / target);
	else
		printf("%-44s %10.1f %s\n", what, value, unit);
}

int main(int argc, char **argv)
{
	char dir[4096], work[4096], dbpath[4200];
	const char *shared = getenv("AWP_SHARED_DIR");
	snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : shared ? shared : "../shared");
	if (argc <= 1)
		strncat(dir, "/vulndata", sizeof dir - strlen(dir) - 1);
	snprintf(work, sizeof work, "%s", argc > 2 ? argv[2] : "/tmp");
	snprintf(dbpath, sizeof dbpath, "%s/bench_vuln.%d.db", work, (int)getpid());

	/* 1. import */
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "bench: %s: no vulndata directory\n", dir);
		return 1;
	}
	char *inputs[64];
	size_t nin = 0;
	struct dirent *de;
	while ((de = readdir(d)) && nin < 64) {
		size_t l = strlen(de->d_name);
		if (l > 4 && strcmp(de->d_name + l - 4, ".zip") == 0) {
			size_t need = strlen(dir) + l + 2;
			if (!(inputs[nin] = malloc(need)))
				return 1;
			snprintf(inputs[nin++], need, "%s/%s", dir, de->d_name);
		}
	}
	closedir(d);
	awp_vulndb_import_stats ist;
	double t0 = now();
	if (awp_vulndb_import(dbpath, (const char *const *)inputs, nin, NULL, NULL, &ist) < 0) {
		fprintf(stderr, "bench: import: %s\n", awp_error_last());
		return 1;
	}
	double timport = now() - t0;
	struct stat st;
	stat(dbpath, &st);
	printf("import: %zu zips, %zu advisories, %zu package entries\n", nin, ist.advisories, ist.affected);
	line("import time", timport, "s", 0);
	line("database size", (double)st.st_size / (1024.0 * 1024.0), "MiB", 0);

	/* 2. open (median of 20) */
	double opens[20];
	awp_vulndb *db = NULL;
	for (int i = 0; i < 20; i++) {
		t0 = now();
		if (awp_vulndb_open(&db, dbpath) < 0) {
			fprintf(stderr, "bench: open: %s\n", awp_error_last());
			return 1;
		}
		opens[i] = now() - t0;
		if (i < 19)
			awp_vulndb_close(db);
	}
	for (int i = 0; i < 20; i++)
		for (int j = i + 1; j < 20; j++)
			if (opens[j] < opens[i]) {
				double x = opens[i];
				opens[i] = opens[j];
				opens[j] = x;
			}
	line("database open (median of 20)", opens[10] * 1000, "ms", 50);
	line("database open (first, page cache warm)", opens[19] * 1000, "ms", 50);

	size_t ndeb, nnpm, npypi, ngo;
	char **deb = names(dbpath, "Debian:11", 100000, &ndeb);
	char **npm = names(dbpath, "npm", 100000, &nnpm);
	char **pypi = names(dbpath, "PyPI", 100000, &npypi);
	char **gom = names(dbpath, "Go", 100000, &ngo);
	if (!ndeb || !nnpm || !npypi || !ngo) {
		fprintf(stderr, "bench: the data lacks Debian:11/npm/PyPI/Go names\n");
		return 1;
	}

	/* 3. a machine-sized inventory */
	awp_inventory *inv = inv_new("debian", "11");
	for (size_t i = 0; i < 140; i++)
		add(inv, "dpkg", deb[(i * 7) % ndeb], "0.1-1", deb[(i * 7) % ndeb]);
	for (size_t i = 0; i < 15; i++) {
		add(inv, "npm", npm[(i * 13) % nnpm], "0.0.1", NULL);
		add(inv, "python", pypi[(i * 13) % npypi], "0.0.1", NULL);
	}
	awp_vuln_report *r = NULL;
	t0 = now();
	if (awp_vuln_match(&r, db, inv, NULL) < 0) {
		fprintf(stderr, "bench: match: %s\n", awp_error_last());
		return 1;
	}
	double tsmall = now() - t0;
	printf("debian-sized inventory: %zu packages, %zu findings, %zu lookups\n", awp_inventory_count(inv),
	       awp_vuln_report_count(r), awp_vuln_report_stats(r)->lookups);
	line("match 170 packages (140 dpkg + 30 lang)", tsmall * 1000, "ms", 100);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);

	/* 4. 100,000 synthetic packages */
	inv = inv_new("debian", "11");
	char name[128], ver[32];
	for (size_t i = 0; i < 100000; i++) {
		int known = i % 2 == 0;
		size_t k = i / 2;
		const char *v = (k % 3 == 2) ? "99.0.0" : (k % 3 == 1) ? "1.0.0" : "0.0.1";
		switch (i % 10) {
		case 0: case 1: case 2: case 3:
			if (known)
				add(inv, "dpkg", deb[k % ndeb], k % 3 == 2 ? "99:1.0-1" : "0.1-1", deb[k % ndeb]);
			else {
				snprintf(name, sizeof name, "nosuch-src-%zu", i);
				add(inv, "dpkg", name, "1.0-1", name);
			}
			break;
		case 4: case 5: case 6:
			snprintf(ver, sizeof ver, "%s", v);
			if (known)
				add(inv, "npm", npm[k % nnpm], ver, NULL);
			else {
				snprintf(name, sizeof name, "no-such-npm-%zu", i);
				add(inv, "npm", name, ver, NULL);
			}
			break;
		case 7: case 8:
			if (known)
				add(inv, "python", pypi[k % npypi], v, NULL);
			else {
				snprintf(name, sizeof name, "no-such-py-%zu", i);
				add(inv, "python", name, v, NULL);
			}
			break;
		default:
			if (known)
				add(inv, "go", gom[k % ngo], v, NULL);
			else {
				snprintf(name, sizeof name, "example.com/no/such/%zu", i);
				add(inv, "go", name, v, NULL);
			}
		}
	}
	long rss_before = peak_rss_kib();
	t0 = now();
	if (awp_vuln_match(&r, db, inv, NULL) < 0) {
		fprintf(stderr, "bench: match: %s\n", awp_error_last());
		return 1;
	}
	double tbig = now() - t0;
	printf("synthetic inventory: %zu packages, %zu findings in %zu packages, %zu lookups\n", awp_inventory_count(inv),
	       awp_vuln_report_count(r), awp_vuln_report_stats(r)->affected, awp_vuln_report_stats(r)->lookups);
	line("match 100,000 packages", tbig, "s", 2);
	char *json = NULL;
	t0 = now();
	if (awp_vuln_report_json(&json, r, "bench", (int64_t)time(NULL)) == 0)
		printf("%-44s %10.1f ms (%.1f MiB)\n", "JSON report of those findings", (now() - t0) * 1000,
		       (double)strlen(json) / 1048576.0);
	free(json);
	awp_vuln_report_free(r);
	awp_inventory_free(inv);
	long rss = peak_rss_kib();
	printf("peak RSS before the big match %.1f MiB\n", (double)rss_before / 1024.0);
	line("peak RSS", (double)rss / 1024.0, "MiB", 256);
	awp_vulndb_close(db);
	unlink(dbpath);
	for (size_t i = 0; i < nin; i++)
		free(inputs[i]);
	return 0;
}
