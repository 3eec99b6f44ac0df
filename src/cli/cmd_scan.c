/*
 * cli/cmd_scan.c - `awp scan TARGET`: the main command. One scan of a disk
 * image, device or directory (vulnerabilities, secrets, threats), one report
 * (table, JSON, SARIF, CycloneDX, HTML), filters, and an exit code a
 * pipeline can gate on.
 *
 * The scan, its risk score, remediation plan and filters live in the library
 * (awp/scan.h), the formats too (awp/report.h); this file parses options,
 * shows progress and decides the exit code.
 *
 * Exit: 0 no findings after filters, --exit-code N (default 1) findings,
 * 2 usage, 3 the target, the database or the ignore file could not be read.
 */
#include "cli.h"

#include <awp/report.h>
#include <awp/scan.h>

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: awp scan [options] TARGET\n\n"
		"Scan TARGET (a disk image, a block device or a directory) in one pass:\n"
		"known vulnerabilities of the installed packages, secrets and threats in\n"
		"file content. Prints an overview with a risk score, what to fix first,\n"
		"and every finding.\n\n"
		"  --scanners LIST     vuln,secret,threat (default: all; one that is not built\n"
		"                      in is listed as not run, with the reason)\n"
		"  --format FMT        table (default), json (docs/report-schema.md), sarif,\n"
		"                      cyclonedx (1.5 with vulnerabilities), html (one file)\n"
		"  -o, --output FILE   write the report to FILE instead of standard output\n"
		"  --db PATH           advisory database (default: $AWP_DB, else ~/.cache/awp/vuln.db)\n"
		"  --volume NAME       the root filesystem (\"p1\", \"vg0/root\", a label); default: detected\n"
		"  --exposure E        public, private or unknown (default): public raises the risk\n"
		"  --severity LIST     keep only these severities (critical,high,medium,low,unknown)\n"
		"  --ignore-unfixed    drop vulnerabilities that have no fixed version yet\n"
		"  --ignore-file FILE  ignore list (default: .awpignore in the current directory\n"
		"                      when present; \"\" for none; format: docs/report-schema.md)\n"
		"  --show-ignored      list filtered findings in table and HTML output too\n"
		"  --exit-code N       exit status when findings remain after filters (default 1)\n"
		"  --color WHEN        auto (default: on a terminal, unless NO_COLOR is set), always, never\n"
		"  --no-progress       no progress line on stderr (shown only on a terminal)\n"
		"  --timings           print scan and report-writing times on stderr\n"
		"  -v, --verbose       show every warning\n\n"
		"exit: 0 no findings, N (--exit-code, default 1) findings remain, 2 usage,\n"
		"      3 target, database or ignore file unreadable, or no requested scanner could run\n");
}

struct warn_state {
	size_t count;
	int verbose;
	int progress_shown;
};

static void on_warn(const char *where, const char *message, void *payload)
{
	struct warn_state *w = payload;
	w->count++;
	if (w->progress_shown) {
		fputs("\r\033[K", stderr);
		w->progress_shown = 0;
	}
	if (w->verbose || w->count <= 5)
		cli_warn("%s: %s", where, message);
	else if (w->count == 6)
		cli_warn("more warnings not shown (--verbose shows all)");
}

static void on_progress(const awp_scan_progress *p, void *payload)
{
	struct warn_state *w = payload;
	char a[32], b[32];
	if (p->done) {
		if (w->progress_shown)
			fputs("\r\033[K", stderr);
		w->progress_shown = 0;
		return;
	}
	double rate = p->seconds > 0 ? (double)(p->content_bytes ? p->content_bytes : p->bytes) / p->seconds : 0;
	fprintf(stderr, "\r\033[Kscanning (%s): %llu files, %s", p->phase, (unsigned long long)p->files,
		cli_human_size(p->bytes, a, sizeof a));
	if (p->content_files)
		fprintf(stderr, ", content %llu files %s", (unsigned long long)p->content_files,
			cli_human_size(p->content_bytes, b, sizeof b));
	fprintf(stderr, ", %s/s", cli_human_size((uint64_t)rate, b, sizeof b));
	w->progress_shown = 1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_scan(int argc, char **argv)
{
	enum { O_SCANNERS = 256, O_DB, O_VOLUME, O_EXPOSURE, O_SEVERITY, O_UNFIXED, O_IGNFILE, O_SHOWIGN, O_EXIT, O_COLOR,
	       O_NOPROGRESS, O_TIMINGS, O_THREADS, O_FORMAT };
	static const struct option opts[] = {{"format", required_argument, NULL, O_FORMAT},
					     {"output", required_argument, NULL, 'o'},
					     {"scanners", required_argument, NULL, O_SCANNERS},
					     {"db", required_argument, NULL, O_DB},
					     {"volume", required_argument, NULL, O_VOLUME},
					     {"exposure", required_argument, NULL, O_EXPOSURE},
					     {"severity", required_argument, NULL, O_SEVERITY},
					     {"ignore-unfixed", no_argument, NULL, O_UNFIXED},
					     {"ignore-file", required_argument, NULL, O_IGNFILE},
					     {"show-ignored", no_argument, NULL, O_SHOWIGN},
					     {"exit-code", required_argument, NULL, O_EXIT},
					     {"color", required_argument, NULL, O_COLOR},
					     {"no-progress", no_argument, NULL, O_NOPROGRESS},
					     {"timings", no_argument, NULL, O_TIMINGS},
					     {"threads", required_argument, NULL, O_THREADS},
					     {"verbose", no_argument, NULL, 'v'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	awp_scan_options so = AWP_SCAN_OPTIONS_INIT;
	awp_report_options ro = AWP_REPORT_OPTIONS_INIT;
	awp_scan_filter flt = {0, 0, NULL};
	const char *output = NULL, *ignore_file = NULL, *color = "auto";
	int verbose = 0, progress = 1, timings = 0, exit_code = 1, explicit_scanners = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:vh", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case O_FORMAT:
			if (awp_report_format_parse(&ro.format, optarg) < 0)
				goto bad;
			break;
		case 'o': output = optarg; break;
		case O_SCANNERS:
			if (awp_scan_scanners_parse(&so.scanners, optarg) < 0)
				goto bad;
			explicit_scanners = 1;
			break;
		case O_DB: so.db_path = optarg; break;
		case O_VOLUME: so.volume = optarg; break;
		case O_EXPOSURE:
			if (awp_exposure_parse(&so.exposure, optarg) < 0)
				goto bad;
			break;
		case O_SEVERITY:
			if (awp_severity_mask_parse(&flt.severities, optarg) < 0)
				goto bad;
			break;
		case O_UNFIXED: flt.ignore_unfixed = 1; break;
		case O_IGNFILE: ignore_file = optarg; break;
		case O_SHOWIGN: ro.show_ignored = 1; break;
		case O_EXIT:
			exit_code = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || exit_code < 0 || exit_code > 255) {
				cli_error("--exit-code: expected 0..255, got '%s'", optarg);
				return AWP_EXIT_USAGE;
			}
			break;
		case O_COLOR:
			if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "always") != 0 && strcmp(optarg, "never") != 0) {
				cli_error("--color: expected auto, always or never");
				return AWP_EXIT_USAGE;
			}
			color = optarg;
			break;
		case O_NOPROGRESS: progress = 0; break;
		case O_TIMINGS: timings = 1; break;
		case O_THREADS:
			so.threads = (int)strtol(optarg, &end, 10);
			if (*end || so.threads < 0 || so.threads > 2) {
				cli_error("--threads: expected 0 (auto), 1 or 2");
				return AWP_EXIT_USAGE;
			}
			break;
		case 'v': verbose = 1; break;
		case 'h': usage(stdout); return AWP_EXIT_OK;
		default: usage(stderr); return AWP_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return AWP_EXIT_USAGE;
	}
	const char *target = argv[optind];
	int rc = AWP_EXIT_FAILED;
	awp_scan_result *res = NULL;
	awp_ignore_list *ign = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *out = NULL;
	struct warn_state ws = {0, verbose, 0};
	int64_t now = (int64_t)time(NULL);

	/* The ignore file first: a typo in it should not cost a whole scan. */
	if (!ignore_file && access(".awpignore", F_OK) == 0)
		ignore_file = ".awpignore";
	if (ignore_file && ignore_file[0]) {
		if (awp_ignore_load(&ign, ignore_file, now) < 0) {
			cli_error("%s", awp_error_last());
			goto done;
		}
		for (size_t i = 0; i < awp_ignore_warning_count(ign); i++)
			cli_warn("%s", awp_ignore_warning(ign, i));
		flt.ignore = ign;
	}
	so.warn = on_warn;
	so.warn_payload = &ws;
	so.now = now;
	if (progress && isatty(STDERR_FILENO)) {
		so.progress = on_progress;
		so.progress_payload = &ws;
	}
	double t0 = now_s();
	if (awp_scan_run(&res, target, &so) < 0) {
		if (ws.progress_shown)
			fputs("\r\033[K", stderr);
		cli_error("%s", awp_error_last());
		goto done;
	}
	double t_scan = now_s();
	const awp_inventory *inv = awp_scan_result_inventory(res);
	for (size_t i = 0; inv && i < awp_inventory_warning_count(inv) && (verbose || i < 5); i++) {
		const awp_inventory_warning *w = awp_inventory_warning_get(inv, i);
		cli_warn("%s: %s", w->path, w->message);
	}
	if (awp_scan_result_vulns(res)) {
		/* fresh = the later of the last import and the last successful
		 * check of a source (an update where everything was unchanged counts) */
		int64_t fresh = awp_scan_result_db_fresh_at(res);
		if (fresh <= 0 || now - fresh > AWP_VULNDB_STALE_SECONDS)
			cli_warn("advisory database is %s old: advisories change daily, run 'awp db update'",
				 fresh <= 0 ? "of unknown age" : "more than 24 h");
	}
	/* Scanners asked for by name that cannot run are worth a warning; if
	 * none of the requested ones ran, "no findings" would be a lie. */
	size_t ran = 0;
	for (size_t i = 0; i < awp_scan_result_scanner_count(res); i++) {
		const awp_scan_scanner_status *s = awp_scan_result_scanner(res, i);
		ran += s->ran != 0;
		if (s->requested && !s->ran && (verbose || explicit_scanners))
			cli_warn("scanner %s not run: %s", s->name, s->reason);
	}
	if (!ran) {
		cli_error("%s: none of the requested scanners could run", target);
		goto done;
	}
	if (awp_scan_result_filter(res, &flt) < 0) {
		cli_error("%s", awp_error_last());
		goto done;
	}
	if (strcmp(color, "always") == 0)
		ro.color = 1;
	else if (strcmp(color, "auto") == 0) {
		const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
		ro.color = !output && isatty(STDOUT_FILENO) && !(nc && nc[0]) && !(term && strcmp(term, "dumb") == 0);
	}
	if (awp_report_write(&text, &len, res, &ro) < 0) {
		cli_error("%s", awp_error_last());
		goto done;
	}
	out = output ? fopen(output, "w") : stdout;
	if (!out) {
		cli_error("%s: cannot write", output);
		goto done;
	}
	if (cli_write_all(out, text, len) < 0 || (out != stdout && fclose(out) != 0)) {
		if (out != stdout)
			out = NULL;
		cli_error("%s: write failed", output ? output : "stdout");
		goto done;
	}
	if (out == stdout)
		fflush(stdout);
	out = NULL;
	double t_report = now_s();
	if (timings) {
		const awp_scan_stats *st = awp_scan_result_stats(res);
		fprintf(stderr, "timings: scan %.3f s (walk %.3f s, match %.3f s, %d thread%s, %llu files, %llu content bytes), "
				"report %.4f s (%.2f%% of the scan)\n",
			t_scan - t0, st->walk_seconds, st->match_seconds, st->threads, st->threads == 1 ? "" : "s",
			(unsigned long long)st->files, (unsigned long long)st->content_bytes, t_report - t_scan,
			100.0 * (t_report - t_scan) / (t_scan - t0 > 0 ? t_scan - t0 : 1e-9));
	}
	size_t live = 0;
	for (int k = 0; k < AWP_FINDING_KIND_COUNT; k++)
		live += awp_scan_result_live(res, (awp_finding_kind)k);
	rc = live ? exit_code : AWP_EXIT_OK;
done:
	if (out && out != stdout)
		fclose(out);
	free(text);
	awp_scan_result_free(res);
	awp_ignore_free(ign);
	return rc;
bad:
	cli_error("%s", awp_error_last());
	usage(stderr);
	return AWP_EXIT_USAGE;
}
