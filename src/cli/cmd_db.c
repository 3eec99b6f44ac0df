/*
 * cli/cmd_db.c - `awp db import|info`: manage the local advisory database.
 */
#include "cli.h"

#include <awp/vulndb.h>

#include <getopt.h>
#include <string.h>
#include <time.h>

struct warn_state {
	size_t count;
	int quiet;
};

static void on_warn(const char *where, const char *message, void *payload)
{
	struct warn_state *w = payload;
	w->count++;
	if (!w->quiet || w->count <= 20)
		cli_warn("%s: %s", where, message);
	else if (w->count == 21)
		cli_warn("more warnings not shown (--verbose shows all)");
}

static void usage(FILE *out)
{
	fprintf(out, "usage: awp db import [--db PATH] [-v] PATH...\n"
		     "       awp db info [--db PATH]\n\n"
		     "The local advisory database (OSV format) that scans match packages against.\n\n"
		     "  import PATH...  import OSV JSON files, directories of them, and zips laid\n"
		     "                  out like osv.dev's <Ecosystem>/all.zip; bad records are\n"
		     "                  reported and skipped, the rest is imported; the database\n"
		     "                  is replaced atomically when the import completes;\n"
		     "                  also CISA's KEV catalog (known_exploited_vulnerabilities.json)\n"
		     "                  and FIRST EPSS scores (epss_scores-DATE.csv[.gz]), each\n"
		     "                  replacing the previous one (docs/risk-score.md)\n"
		     "  info            advisories per ecosystem, when built, how old\n\n"
		     "  --db PATH       database file (default: $AWP_DB, else ~/.cache/awp/vuln.db)\n"
		     "  -v, --verbose   show every import warning\n\n"
		     "exit: 0 ok, 1 imported with warnings, 2 usage, 3 failed\n");
}

static int print_count(const char *eco, size_t n, void *payload)
{
	size_t *total = payload;
	*total += n;
	printf("  %-14s %8zu\n", eco, n);
	return 0;
}

static int db_info(const char *path)
{
	awp_vulndb *db = NULL;
	if (awp_vulndb_open(&db, path) < 0) {
		cli_error("%s", awp_error_last());
		return AWP_EXIT_FAILED;
	}
	int64_t built = awp_vulndb_built_at(db);
	time_t now = time(NULL);
	char when[64] = "unknown";
	if (built > 0) {
		time_t t = (time_t)built;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	double age_h = built > 0 ? (double)(now - built) / 3600.0 : -1;
	printf("database:  %s\nbuilt:     %s", path, when);
	if (age_h >= 0)
		printf(" (%.1f hours ago)%s", age_h, age_h > 24 ? "  STALE: older than 24 h, run 'awp db update'" : "");
	printf("\nadvisories per ecosystem (an advisory naming several releases counts once):\n");
	size_t total = 0;
	int err = awp_vulndb_counts(db, print_count, &total);
	printf("  %-14s %8zu (sum)\n", "total", total);
	awp_vulndb_exploit_sources xs;
	if (awp_vulndb_exploit_sources_get(db, &xs) == 0) {
		if (xs.kev_count)
			printf("KEV catalog: %zu CVEs (version %s)\n", xs.kev_count, xs.kev_catalog_version[0] ? xs.kev_catalog_version : "?");
		else
			printf("KEV catalog: none imported\n");
		if (xs.epss_count)
			printf("EPSS scores: %zu CVEs (model %s, %s)\n", xs.epss_count,
			       xs.epss_model_version[0] ? xs.epss_model_version : "?", xs.epss_score_date[0] ? xs.epss_score_date : "date ?");
		else
			printf("EPSS scores: none imported\n");
	}
	awp_vulndb_close(db);
	if (err < 0) {
		cli_error("%s", awp_error_last());
		return AWP_EXIT_FAILED;
	}
	return AWP_EXIT_OK;
}

int cmd_db(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"verbose", no_argument, NULL, 'v'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *path = NULL;
	int verbose = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+d:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'v': verbose = 1; break;
		case 'h': usage(stdout); return AWP_EXIT_OK;
		default: usage(stderr); return AWP_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return AWP_EXIT_USAGE;
	}
	const char *verb = argv[optind++];
	/* Options may also follow the verb. */
	while ((c = getopt_long(argc, argv, "d:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'v': verbose = 1; break;
		case 'h': usage(stdout); return AWP_EXIT_OK;
		default: usage(stderr); return AWP_EXIT_USAGE;
		}
	}
	if (!path)
		path = awp_vulndb_default_path();
	if (strcmp(verb, "info") == 0 && optind == argc)
		return db_info(path);
	if (strcmp(verb, "import") == 0 && optind < argc) {
		struct warn_state w = {0, !verbose};
		awp_vulndb_import_stats st;
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (awp_vulndb_import(path, (const char *const *)argv + optind, (size_t)(argc - optind), on_warn, &w, &st) < 0) {
			cli_error("%s", awp_error_last());
			return AWP_EXIT_FAILED;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		fprintf(stderr, "imported %zu advisories (%zu package entries) from %zu records in %.1f s: "
				"%zu unchanged, %zu withdrawn, %zu rejected -> %s\n",
			st.advisories, st.affected, st.files, secs, st.unchanged, st.withdrawn, st.invalid, path);
		if (st.kev || st.epss)
			fprintf(stderr, "imported exploitation data: %zu KEV entries, %zu EPSS scores\n", st.kev, st.epss);
		return w.count ? AWP_EXIT_PARTIAL : AWP_EXIT_OK;
	}
	usage(stderr);
	return AWP_EXIT_USAGE;
}
