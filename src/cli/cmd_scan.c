/*
 * cli/cmd_scan.c - `awp scan TARGET`: read the inventory of a disk image,
 * device or directory, match it against the local advisory database and
 * print the vulnerabilities found (table or JSON).
 *
 * The report model and its JSON live in the library (awp/vuln.h); this file
 * only wires target -> inventory -> match -> output.
 *
 * Exit: 0 no findings, 1 findings, 2 usage, 3 the target or the database
 * could not be read.
 */
#include "cli.h"

#include <awp/inventory.h>
#include <awp/target.h>
#include <awp/vuln.h>
#include <awp/vulndb.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *out)
{
	fprintf(out, "usage: awp scan [--format table|json] [--output FILE] [--db PATH] [--volume NAME] TARGET\n\n"
		     "Find the known vulnerabilities of the packages installed in TARGET (a disk\n"
		     "image, a block device or a directory), using the local advisory database.\n\n"
		     "  --format FMT    table (default) or json (schema: docs/vuln-matching.md)\n"
		     "  --output FILE   write the report to FILE instead of standard output\n"
		     "  --db PATH       advisory database (default: $AWP_DB, else ~/.cache/awp/vuln.db)\n"
		     "  --volume NAME   the filesystem to scan (\"p1\", \"vg0/root\", a label); default: the root\n"
		     "  -v, --verbose   show every matching warning\n\n"
		     "exit: 0 no findings, 1 findings, 2 usage, 3 target or database unreadable\n");
}

struct warn_state {
	size_t count;
	int verbose;
};

static void on_warn(const char *where, const char *message, void *payload)
{
	struct warn_state *w = payload;
	w->count++;
	if (w->verbose || w->count <= 5)
		cli_warn("%s: %s", where, message);
	else if (w->count == 6)
		cli_warn("more matching warnings not shown (--verbose shows all)");
}

/* Print at most `width` bytes of s, padded; longer text ends with '~'. */
static void cell(FILE *out, const char *s, int width)
{
	int len = (int)strlen(s);
	if (len <= width)
		fprintf(out, "%-*s ", width, s);
	else
		fprintf(out, "%.*s~ ", width - 1, s);
}

static void print_table(FILE *out, const awp_vuln_report *r)
{
	size_t n = awp_vuln_report_count(r);
	if (n)
		fprintf(out, "%-9s %5s %-20s %-30s %-22s %-22s %s\n", "SEVERITY", "SCORE", "ID", "PACKAGE", "INSTALLED",
			"FIXED", "SUMMARY");
	for (size_t i = 0; i < n; i++) {
		const awp_vuln_finding *f = awp_vuln_report_get(r, i);
		char pkg[256], score[16];
		snprintf(pkg, sizeof pkg, "%s (%s)", f->pkg_name, f->pkg_type);
		if (f->score >= 0)
			snprintf(score, sizeof score, "%.1f", f->score);
		else
			snprintf(score, sizeof score, "-");
		cell(out, awp_severity_name(f->severity), 9);
		fprintf(out, "%5s ", score);
		cell(out, f->id, 20);
		cell(out, pkg, 30);
		cell(out, f->pkg_version, 22);
		cell(out, f->fixed_version ? f->fixed_version : "(no fix yet)", 22);
		fprintf(out, "%.70s\n", f->summary);
	}
	const awp_vuln_stats *st = awp_vuln_report_stats(r);
	fprintf(out, "\n%zu finding%s (critical %zu, high %zu, medium %zu, low %zu, unknown %zu) in %zu of %zu packages",
		n, n == 1 ? "" : "s", awp_vuln_report_severity_count(r, AWP_SEVERITY_CRITICAL),
		awp_vuln_report_severity_count(r, AWP_SEVERITY_HIGH), awp_vuln_report_severity_count(r, AWP_SEVERITY_MEDIUM),
		awp_vuln_report_severity_count(r, AWP_SEVERITY_LOW), awp_vuln_report_severity_count(r, AWP_SEVERITY_UNKNOWN),
		st->affected, st->packages);
	const awp_os_info *os = awp_vuln_report_os(r);
	const char *eco = awp_vuln_report_os_ecosystem(r);
	if (os->known)
		fprintf(out, "; OS %s%s%s", os->pretty_name[0] ? os->pretty_name : os->id, eco[0] ? ", advisories " : "", eco);
	fprintf(out, "\n");
	for (size_t i = 0; i < awp_vuln_report_note_count(r); i++)
		fprintf(out, "note: %s\n", awp_vuln_report_note(r, i));
}

int cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
					     {"output", required_argument, NULL, 'o'},
					     {"db", required_argument, NULL, 'd'},
					     {"volume", required_argument, NULL, 'V'},
					     {"verbose", no_argument, NULL, 'v'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *format = "table", *output = NULL, *dbpath = NULL, *volume = NULL;
	int verbose = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:d:V:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'o': output = optarg; break;
		case 'd': dbpath = optarg; break;
		case 'V': volume = optarg; break;
		case 'v': verbose = 1; break;
		case 'h': usage(stdout); return AWP_EXIT_OK;
		default: usage(stderr); return AWP_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)) {
		usage(stderr);
		return AWP_EXIT_USAGE;
	}
	const char *target_path = argv[optind];
	if (!dbpath)
		dbpath = awp_vulndb_default_path();

	int rc = AWP_EXIT_FAILED;
	awp_vulndb *db = NULL;
	awp_target *t = NULL;
	awp_inventory *inv = NULL;
	awp_vuln_report *rep = NULL;
	FILE *out = NULL;
	char *json = NULL;

	/* The database first: no point reading a disk we cannot match. */
	if (awp_vulndb_open(&db, dbpath) < 0) {
		cli_error("%s", awp_error_last());
		goto done;
	}
	/* Fresh = the later of the last import and the last successful check of a
	 * source (an update where everything was unchanged counts). */
	int64_t built = awp_vulndb_fresh_at(db), now = (int64_t)time(NULL);
	if (built <= 0 || now - built > 24 * 3600)
		cli_warn("advisory database %s is %s old: advisories change daily, run 'awp db update'", dbpath,
			 built <= 0 ? "of unknown age" : "more than 24 h");
	if (!(t = cli_open_target(target_path)))
		goto done;
	awp_fs *fs = awp_target_pick_fs(t, volume);
	if (!fs) {
		cli_error("%s: %s", target_path, awp_error_last());
		goto done;
	}
	if (awp_inventory_collect(&inv, fs, NULL) < 0) {
		cli_error("%s: %s", target_path, awp_error_last());
		goto done;
	}
	for (size_t i = 0; i < awp_inventory_warning_count(inv) && (verbose || i < 5); i++) {
		const awp_inventory_warning *w = awp_inventory_warning_get(inv, i);
		cli_warn("%s: %s", w->path, w->message);
	}
	struct warn_state ws = {0, verbose};
	awp_vuln_options vo = AWP_VULN_OPTIONS_INIT;
	vo.warn = on_warn;
	vo.payload = &ws;
	if (awp_vuln_match(&rep, db, inv, &vo) < 0) {
		cli_error("%s", awp_error_last());
		goto done;
	}
	out = output ? fopen(output, "w") : stdout;
	if (!out) {
		cli_error("%s: cannot write", output);
		goto done;
	}
	if (strcmp(format, "json") == 0) {
		if (awp_vuln_report_json(&json, rep, target_path, now) < 0) {
			cli_error("%s", awp_error_last());
			goto done;
		}
		if (cli_write_all(out, json, strlen(json)) < 0) {
			cli_error("%s: write failed", output ? output : "stdout");
			goto done;
		}
	} else {
		print_table(out, rep);
	}
	if (out != stdout && fclose(out) != 0) {
		out = NULL;
		cli_error("%s: write failed", output);
		goto done;
	}
	if (out == stdout)
		fflush(stdout);
	out = NULL;
	rc = awp_vuln_report_count(rep) ? AWP_EXIT_PARTIAL : AWP_EXIT_OK;
done:
	if (out && out != stdout)
		fclose(out);
	free(json);
	awp_vuln_report_free(rep);
	awp_inventory_free(inv);
	awp_target_free(t);
	awp_vulndb_close(db);
	return rc;
}
