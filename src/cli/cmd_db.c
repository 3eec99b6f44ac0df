/*
 * cli/cmd_db.c - `awp db import|update|info`: manage the local advisory
 * database (docs/vulndb.md).
 */
#include "cli.h"

#include <awp/vulndb.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

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

struct update_ui {
	struct warn_state *warn;
	struct progress *progress;
	size_t count[4];
};

static void on_update_warn(const char *where, const char *message, void *payload)
{
	on_warn(where, message, ((struct update_ui *)payload)->warn);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: awp db import [--db PATH] [-v] PATH...\n"
		     "       awp db update [--db PATH] [--source URL|DIR] [--ecosystems LIST] [-v]\n"
		     "       awp db info [--db PATH]\n\n"
		     "The local advisory database (OSV format) that scans match packages against.\n\n"
		     "  import PATH...  import OSV JSON files, directories of them, and zips laid\n"
		     "                  out like osv.dev's <Ecosystem>/all.zip; bad records are\n"
		     "                  reported and skipped, the rest is imported; the database\n"
		     "                  is replaced atomically when the import completes;\n"
		     "                  also CISA's KEV catalog (known_exploited_vulnerabilities.json)\n"
		     "                  and FIRST EPSS scores (epss_scores-DATE.csv[.gz]), each\n"
		     "                  replacing the previous one (docs/risk-score.md)\n"
		     "  update          download each ecosystem's export (conditional requests,\n"
		     "                  retries, verified) and import them in one atomic step;\n"
		     "                  a failed download never touches the database in use\n"
		     "  info            advisories per ecosystem, when built, how old, sources\n\n"
		     "  --db PATH            database file (default: $AWP_DB, else ~/.cache/awp/vuln.db)\n"
		     "  --source URL|DIR     base URL (<URL>/<Ecosystem>/all.zip) or a directory\n"
		     "                       holding <Ecosystem>/all.zip or <Ecosystem>.zip\n"
		     "                       (default: $AWP_OSV_SOURCE, else " AWP_VULNDB_DEFAULT_SOURCE ")\n"
		     "  --ecosystems LIST    comma-separated, e.g. Debian,npm (default: all awp matches:\n"
		     "                       AlmaLinux, Alpine, Debian, Go, Maven, NuGet, Packagist,\n"
		     "                       PyPI, Rocky Linux, RubyGems, Ubuntu, crates.io, npm)\n"
		     "  -v, --verbose        show every import warning\n\n"
		     "exit: 0 ok (update: every ecosystem updated or unchanged), 1 imported with\n"
		     "warnings (update: some ecosystems failed, others updated), 2 usage,\n"
		     "3 failed (update: nothing could be updated)\n");
}

static int print_count(const char *eco, size_t n, void *payload)
{
	size_t *total = payload;
	*total += n;
	printf("  %-14s %8zu\n", eco, n);
	return 0;
}

static void fmt_time(int64_t t, char *buf, size_t cap)
{
	if (t <= 0) {
		snprintf(buf, cap, "never");
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int print_source(const awp_vulndb_source *s, void *payload)
{
	(*(size_t *)payload)++;
	int64_t now = (int64_t)time(NULL);
	char fetched[32], checked[32];
	fmt_time(s->fetched_at, fetched, sizeof fetched);
	fmt_time(s->checked_at, checked, sizeof checked);
	double age_h = s->checked_at > 0 ? (double)(now - s->checked_at) / 3600.0 : -1;
	printf("  %s\n    url:      %s\n    fetched:  %s\n    checked:  %s", s->ecosystem, s->url, fetched, checked);
	if (age_h >= 0)
		printf(" (%.1f hours ago)%s", age_h, now - s->checked_at > AWP_VULNDB_STALE_SECONDS ? "  STALE" : "");
	printf("\n    etag:     %s\n", s->etag[0] ? s->etag : "(none)");
	if (s->last_modified[0])
		printf("    modified: %s\n", s->last_modified);
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
	int64_t fresh = awp_vulndb_fresh_at(db);
	double age_h = built > 0 ? (double)(now - built) / 3600.0 : -1;
	printf("database:  %s\nbuilt:     %s", path, when);
	if (age_h >= 0)
		printf(" (%.1f hours ago)", age_h);
	if (fresh > built) {
		char f[32];
		fmt_time(fresh, f, sizeof f);
		printf("\nchecked:   %s (%.1f hours ago; the source had nothing newer)", f, (double)(now - fresh) / 3600.0);
	}
	if (fresh > 0 && now - fresh > AWP_VULNDB_STALE_SECONDS)
		printf("\nSTALE: not refreshed for more than 24 h, run 'awp db update'");
	printf("\nadvisories per ecosystem (an advisory naming several releases counts once):\n");
	size_t total = 0;
	int err = awp_vulndb_counts(db, print_count, &total);
	printf("  %-14s %8zu (sum)\n", "total", total);
	if (err == 0) {
		size_t n = 0;
		printf("sources (awp db update):\n");
		err = awp_vulndb_sources(db, print_source, &n);
		if (err == 0 && n == 0)
			printf("  none recorded (imported with 'awp db import' only)\n");
	}
	awp_vulndb_exploit_sources xs;
	if (err == 0 && awp_vulndb_exploit_sources_get(db, &xs) == 0) {
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

/* ---- update ---------------------------------------------------------------- */

struct progress {
	int tty;
	struct timespec last;
	const char *eco;
	uint64_t done;
	int shown;
};

static void on_progress(const char *eco, uint64_t done, uint64_t total, void *payload)
{
	struct progress *p = ((struct update_ui *)payload)->progress;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (long)(now.tv_sec - p->last.tv_sec) * 1000 + (now.tv_nsec - p->last.tv_nsec) / 1000000;
	if (p->eco == eco && (done == p->done || (ms < 200 && (total == 0 || done < total))))
		return;
	p->eco = eco;
	p->done = done;
	p->last = now;
	char a[32], b[32];
	if (total)
		fprintf(stderr, "\r\033[K%s: %s / %s", eco, cli_human_size(done, a, sizeof a), cli_human_size(total, b, sizeof b));
	else
		fprintf(stderr, "\r\033[K%s: %s", eco, cli_human_size(done, a, sizeof a));
	p->shown = 1;
}

static void on_report(const awp_vulndb_update_report *r, void *payload)
{
	struct update_ui *ui = payload;
	static const char *const names[] = {"updated", "unchanged", "missing", "FAILED"};
	if (ui->progress->shown) {
		fputs("\r\033[K", stderr);
		ui->progress->shown = 0;
	}
	char sz[32];
	ui->count[r->status]++;
	printf("%-12s %-9s", r->ecosystem, names[r->status]);
	if (r->status == AWP_VULNDB_UPDATED)
		printf(" %s", cli_human_size(r->bytes, sz, sizeof sz));
	if (r->http_status)
		printf(" (HTTP %ld, %u request%s)", r->http_status, r->attempts, r->attempts == 1 ? "" : "s");
	printf("  %s\n", r->url);
	/* Library messages usually name the ecosystem already. */
	size_t n = strlen(r->ecosystem);
	const char *sep = strncmp(r->message, r->ecosystem, n) == 0 && r->message[n] == ':' ? "" : ": ";
	const char *eco = *sep ? r->ecosystem : "";
	if (r->status == AWP_VULNDB_FAILED)
		cli_error("%s%s%s", eco, sep, r->message);
	else if (r->status == AWP_VULNDB_MISSING)
		cli_warn("%s%s%s", eco, sep, r->message);
}

/* "debian,Rocky Linux" -> canonical names (known ones case-fixed). */
static int parse_ecosystems(char *list, const char **out, size_t cap, size_t *n)
{
	*n = 0;
	for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		size_t len = strlen(tok);
		while (len && tok[len - 1] == ' ')
			tok[--len] = '\0';
		if (!*tok)
			continue;
		if (*n >= cap)
			return -1;
		const char *name = tok;
		for (const char *const *k = awp_vulndb_default_ecosystems(); *k; k++)
			if (strcasecmp(*k, tok) == 0)
				name = *k;
		out[(*n)++] = name;
	}
	return *n ? 0 : -1;
}

static int db_update(const char *path, const char *source, char *ecosystems, int verbose)
{
	const char *list[64];
	size_t n = 0;
	if (ecosystems && parse_ecosystems(ecosystems, list, sizeof list / sizeof list[0], &n) < 0) {
		cli_error("--ecosystems: give a comma-separated list of 1 to 64 names");
		return AWP_EXIT_USAGE;
	}
	struct warn_state w = {0, !verbose};
	struct progress prog = {.tty = isatty(2)};
	struct update_ui ui = {.warn = &w, .progress = &prog};
	awp_vulndb_update_options o = AWP_VULNDB_UPDATE_OPTIONS_INIT;
	o.source = source;
	if (ecosystems) {
		o.ecosystems = list;
		o.n_ecosystems = n;
		o.missing_is_error = 1;
	}
	o.warn = on_update_warn;
	o.report = on_report;
	o.progress = prog.tty ? on_progress : NULL;
	o.payload = &ui;
	awp_vulndb_import_stats st;
	int err = awp_vulndb_update(path, &o, &st);
	if (prog.shown)
		fputs("\r\033[K", stderr);
	if (err < 0) {
		cli_error("%s", awp_error_last());
		return err == AWP_EINVAL ? AWP_EXIT_USAGE : AWP_EXIT_FAILED;
	}
	if (ui.count[AWP_VULNDB_UPDATED])
		fprintf(stderr, "imported %zu advisories (%zu package entries) from %zu records: %zu unchanged, "
				"%zu withdrawn, %zu rejected -> %s\n",
			st.advisories, st.affected, st.files, st.unchanged, st.withdrawn, st.invalid, path);
	else
		fprintf(stderr, "no new data -> %s\n", path);
	return ui.count[AWP_VULNDB_FAILED] ? AWP_EXIT_PARTIAL : AWP_EXIT_OK;
}

int cmd_db(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"source", required_argument, NULL, 's'},
					     {"ecosystems", required_argument, NULL, 'e'},
					     {"verbose", no_argument, NULL, 'v'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *path = NULL, *source = NULL;
	char *ecosystems = NULL;
	int verbose = 0, c;
	optind = 1;
	/* Options may come before and after the verb. */
	const char *verb = NULL;
	for (int pass = 0; pass < 2; pass++) {
		while ((c = getopt_long(argc, argv, pass == 0 ? "+d:s:e:vh" : "d:s:e:vh", opts, NULL)) != -1) {
			switch (c) {
			case 'd': path = optarg; break;
			case 's': source = optarg; break;
			case 'e': ecosystems = optarg; break;
			case 'v': verbose = 1; break;
			case 'h': usage(stdout); return AWP_EXIT_OK;
			default: usage(stderr); return AWP_EXIT_USAGE;
			}
		}
		if (pass == 0) {
			if (optind >= argc) {
				usage(stderr);
				return AWP_EXIT_USAGE;
			}
			verb = argv[optind++];
		}
	}
	if (!path)
		path = awp_vulndb_default_path();
	if ((source || ecosystems) && strcmp(verb, "update") != 0) {
		cli_error("--source and --ecosystems apply to 'awp db update' only");
		return AWP_EXIT_USAGE;
	}
	if (strcmp(verb, "info") == 0 && optind == argc)
		return db_info(path);
	if (strcmp(verb, "update") == 0 && optind == argc)
		return db_update(path, source, ecosystems, verbose);
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
