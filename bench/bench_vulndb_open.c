/*
 * bench_vulndb_open.c - what a scan pays to use the advisory database: the
 * time to open it, and the time per (ecosystem, package) lookup for every
 * package the database names and for names it does not know.
 *
 * usage: bench_vulndb_open DB   (build DB first: awp db import --db DB shared/vulndata/ZIPS)
 */
#include <awp/vulndb.h>

#include "util/sqlite_dl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int count_entry(const awp_vulndb_entry *e, void *payload)
{
	(void)e;
	(*(size_t *)payload)++;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DB\n", argv[0]);
		return 2;
	}
	const char *path = argv[1];
	/* First open in this process (what `awp scan` pays once). */
	double t0 = now_ms();
	awp_vulndb *db = NULL;
	if (awp_vulndb_open(&db, path) < 0) {
		fprintf(stderr, "%s\n", awp_error_last());
		return 1;
	}
	double first_open = now_ms() - t0;
	awp_vulndb_close(db);
	enum { OPENS = 200 };
	double opens[OPENS];
	for (int i = 0; i < OPENS; i++) {
		t0 = now_ms();
		awp_vulndb_open(&db, path);
		opens[i] = now_ms() - t0;
		awp_vulndb_close(db);
	}
	qsort(opens, OPENS, sizeof opens[0], cmp_double);

	/* Every distinct (ecosystem, name) the database holds. */
	sqlite3 *raw = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_open_v2(path, &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(raw, "SELECT DISTINCT ecosystem, name FROM affected", -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", path, sqlite3_errmsg(raw));
		return 1;
	}
	size_t n = 0, cap = 1 << 16;
	char **eco = malloc(cap * sizeof(*eco)), **name = malloc(cap * sizeof(*name));
	while (sqlite3_step(st) == SQLITE_ROW && eco && name) {
		if (n == cap) {
			cap *= 2;
			eco = realloc(eco, cap * sizeof(*eco));
			name = realloc(name, cap * sizeof(*name));
			if (!eco || !name)
				break;
		}
		eco[n] = strdup((const char *)sqlite3_column_text(st, 0));
		name[n] = strdup((const char *)sqlite3_column_text(st, 1));
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(raw);
	if (!eco || !name)
		return 1;

	awp_vulndb_open(&db, path);
	size_t entries = 0;
	t0 = now_ms();
	for (size_t i = 0; i < n; i++)
		awp_vulndb_lookup(db, eco[i], name[i], count_entry, &entries);
	double hits_ms = now_ms() - t0;
	size_t none = 0;
	char miss[600];
	t0 = now_ms();
	for (size_t i = 0; i < n; i++) {
		snprintf(miss, sizeof miss, "%s-not-a-package", name[i]);
		awp_vulndb_lookup(db, eco[i], miss, count_entry, &none);
	}
	double miss_ms = now_ms() - t0;
	awp_vulndb_close(db);

	printf("database:            %s\n", path);
	printf("first open:          %.3f ms\n", first_open);
	printf("open (200 runs):     median %.3f ms, max %.3f ms\n", opens[OPENS / 2], opens[OPENS - 1]);
	printf("lookups, present:    %zu packages, %zu entries, %.1f ms (%.1f us each, %.0f/s)\n", n, entries, hits_ms,
	       hits_ms * 1e3 / (double)n, (double)n / (hits_ms / 1e3));
	printf("lookups, absent:     %zu packages, %zu entries, %.1f ms (%.1f us each, %.0f/s)\n", n, none, miss_ms,
	       miss_ms * 1e3 / (double)n, (double)n / (miss_ms / 1e3));
	for (size_t i = 0; i < n; i++) {
		free(eco[i]);
		free(name[i]);
	}
	free(eco);
	free(name);
	return 0;
}
