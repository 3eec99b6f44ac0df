/*
 * cli/cmd_secrets.c - `awp secrets TARGET`: find credentials in every text
 * file of the target's root filesystem and print where they are, redacted.
 *
 * Files installed by a package and unmodified are suppressed (the package
 * inventory gives owner and digest), as are built-in and user allowlists;
 * all are counted, and --show-suppressed lists them. Files skipped for size
 * or that could not be read are listed: never reported as clean.
 *
 * Exit: 0 no finding, 1 findings remain or some files could not be read,
 * 2 usage, 3 the target or the rules could not be read.
 */
#include "cli.h"

#include <awp/inventory.h>
#include <awp/secrets.h>
#include <awp/target.h>

#include "util/jsonw.h"
#include "util/strbuf.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: awp secrets [options] TARGET\n\n"
		"Find credentials (cloud keys, tokens, private keys, passwords) in the files of a\n"
		"disk image, block device or directory. Secrets are never printed: each finding\n"
		"shows a redacted prefix and a fingerprint to allowlist it by (docs/secrets.md).\n\n"
		"  -r, --rules PATH        rules directory or file (default: $AWP_RULES_DIR, else built in)\n"
		"  -c, --config FILE       user config: extra/disabled rules, allowlists\n"
		"  -s, --show-suppressed   also list suppressed findings (package files, allowlists)\n"
		"  -f, --format FMT        table (default) or json\n"
		"  -V, --volume NAME       volume to read (default: root)\n"
		"  -m, --max-file-size N   skip (and list) files larger than N bytes (K/M/G suffixes; default 16M)\n"
		"      --no-packages       do not read the package inventory (no package suppression)\n"
		"  -h, --help              this help\n\n"
		"exit: 0 nothing found, 1 findings (or unreadable files), 2 usage, 3 could not read\n");
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	uint64_t mul = 1;
	if (*end == 'K' || *end == 'k')
		mul = 1024, end++;
	else if (*end == 'M' || *end == 'm')
		mul = 1024 * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mul = 1024ull * 1024 * 1024, end++;
	if (*end || v == 0 || v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

static const char *owner_of(const char *path, const char **digest, void *payload)
{
	const awp_inventory *inv = payload;
	long i = awp_inventory_owner(inv, path, digest);
	if (i < 0)
		return NULL;
	const awp_package *p = awp_inventory_get(inv, (size_t)i);
	return p ? p->name : NULL;
}

static void print_table(const awp_secrets_report *rep, int show_suppressed)
{
	size_t n = awp_secrets_report_count(rep);
	int header = 0;
	for (size_t i = 0; i < n; i++) {
		const awp_secret_finding *f = awp_secrets_report_get(rep, i);
		if (f->suppressed && !show_suppressed)
			continue;
		if (!header++)
			printf("%-9s %-34s %-14s %-36s %s\n", "SEVERITY", "RULE", "MATCH", "FINGERPRINT", "LOCATION");
		printf("%-9s %-34s %-14s %-36s %s:%llu:%llu", awp_secret_severity_name(f->severity), f->rule_id,
		       f->redacted, f->fingerprint, f->path, (unsigned long long)f->line, (unsigned long long)f->column);
		if (f->end_line != f->line)
			printf("-%llu", (unsigned long long)f->end_line);
		if (*f->package)
			printf(" [package %s]", f->package);
		if (f->suppressed)
			printf(" [suppressed: %s%s%s]", awp_secret_suppress_name(f->suppressed), *f->suppress_note ? ": " : "",
			       f->suppress_note);
		printf("\n");
	}
	size_t nsk = awp_secrets_report_skipped_count(rep);
	for (size_t i = 0; i < nsk; i++) {
		const awp_secrets_skipped *k = awp_secrets_report_skipped(rep, i);
		char hs[32];
		if (strcmp(k->reason, "size") == 0)
			printf("NOT SCANNED (too large, %s): %s\n", cli_human_size(k->size, hs, sizeof hs), k->path);
		else
			printf("NOT SCANNED (unreadable: %s): %s\n", k->message, k->path);
	}
	const awp_secrets_stats *st = awp_secrets_report_stats(rep);
	char hs[32];
	printf("%llu finding(s); suppressed: %llu unmodified package file(s), %llu built-in allowlist, %llu allowlist, "
	       "%llu fingerprint\n",
	       (unsigned long long)st->findings, (unsigned long long)st->suppressed[AWP_SUPPRESS_PACKAGE],
	       (unsigned long long)st->suppressed[AWP_SUPPRESS_BUILTIN],
	       (unsigned long long)st->suppressed[AWP_SUPPRESS_ALLOWLIST],
	       (unsigned long long)st->suppressed[AWP_SUPPRESS_FINGERPRINT]);
	printf("%llu file(s) scanned (%s), %llu binary skipped, %llu too large, %llu unreadable%s\n",
	       (unsigned long long)st->files_scanned, cli_human_size(st->bytes_scanned, hs, sizeof hs),
	       (unsigned long long)st->files_binary, (unsigned long long)st->files_too_large,
	       (unsigned long long)st->files_unreadable, st->truncated ? " (some files hit a findings limit)" : "");
}

static int print_json(const awp_secrets_report *rep, const char *target, const char *rules_src, int show_suppressed)
{
	awp_strbuf sb = AWP_STRBUF_INIT;
	awp_jsonw w;
	awp_jsonw_init(&w, &sb, 1);
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_string(&w, "target", target);
	awp_jsonw_kv_string(&w, "rules", rules_src);
	awp_jsonw_key(&w, "findings");
	awp_jsonw_array_begin(&w);
	size_t n = awp_secrets_report_count(rep);
	for (size_t i = 0; i < n; i++) {
		const awp_secret_finding *f = awp_secrets_report_get(rep, i);
		if (f->suppressed && !show_suppressed)
			continue;
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "rule", f->rule_id);
		awp_jsonw_kv_string(&w, "title", f->title);
		awp_jsonw_kv_string(&w, "severity", awp_secret_severity_name(f->severity));
		awp_jsonw_kv_string(&w, "category", f->category);
		awp_jsonw_kv_string(&w, "path", f->path);
		awp_jsonw_kv_uint(&w, "line", f->line);
		awp_jsonw_kv_uint(&w, "column", f->column);
		awp_jsonw_kv_uint(&w, "end_line", f->end_line);
		awp_jsonw_kv_string(&w, "match", f->redacted);
		awp_jsonw_kv_string(&w, "fingerprint", f->fingerprint);
		awp_jsonw_kv_string(&w, "package", f->package);
		awp_jsonw_kv_string(&w, "suppressed", awp_secret_suppress_name(f->suppressed));
		if (*f->suppress_note)
			awp_jsonw_kv_string(&w, "suppress_reason", f->suppress_note);
		awp_jsonw_object_end(&w);
	}
	awp_jsonw_array_end(&w);
	awp_jsonw_key(&w, "not_scanned");
	awp_jsonw_array_begin(&w);
	for (size_t i = 0; i < awp_secrets_report_skipped_count(rep); i++) {
		const awp_secrets_skipped *k = awp_secrets_report_skipped(rep, i);
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "path", k->path);
		awp_jsonw_kv_string(&w, "reason", k->reason);
		awp_jsonw_kv_uint(&w, "size", k->size);
		if (*k->message)
			awp_jsonw_kv_string(&w, "message", k->message);
		awp_jsonw_object_end(&w);
	}
	awp_jsonw_array_end(&w);
	const awp_secrets_stats *st = awp_secrets_report_stats(rep);
	awp_jsonw_key(&w, "stats");
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_uint(&w, "findings", st->findings);
	awp_jsonw_key(&w, "suppressed");
	awp_jsonw_object_begin(&w);
	for (int s = 1; s < AWP_SUPPRESS_COUNT_; s++)
		awp_jsonw_kv_uint(&w, awp_secret_suppress_name((awp_secret_suppress)s), st->suppressed[s]);
	awp_jsonw_object_end(&w);
	awp_jsonw_kv_uint(&w, "files_scanned", st->files_scanned);
	awp_jsonw_kv_uint(&w, "bytes_scanned", st->bytes_scanned);
	awp_jsonw_kv_uint(&w, "files_binary", st->files_binary);
	awp_jsonw_kv_uint(&w, "files_too_large", st->files_too_large);
	awp_jsonw_kv_uint(&w, "files_unreadable", st->files_unreadable);
	awp_jsonw_kv_uint(&w, "truncated", st->truncated);
	awp_jsonw_object_end(&w);
	awp_jsonw_object_end(&w);
	int rc = w.err ? -1 : 0;
	if (rc == 0) {
		awp_strbuf_putc(&sb, '\n');
		rc = cli_write_all(stdout, sb.ptr, sb.len);
	}
	awp_strbuf_free(&sb);
	return rc;
}

enum { OPT_NO_PACKAGES = 256 };

int cmd_secrets(int argc, char **argv)
{
	static const struct option opts[] = {{"rules", required_argument, NULL, 'r'},
					     {"config", required_argument, NULL, 'c'},
					     {"show-suppressed", no_argument, NULL, 's'},
					     {"format", required_argument, NULL, 'f'},
					     {"volume", required_argument, NULL, 'V'},
					     {"max-file-size", required_argument, NULL, 'm'},
					     {"no-packages", no_argument, NULL, OPT_NO_PACKAGES},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	awp_secrets_load_options lo = AWP_SECRETS_LOAD_OPTIONS_INIT;
	awp_secrets_fs_options fo = AWP_SECRETS_FS_OPTIONS_INIT;
	const char *volume = NULL, *format = "table";
	int show = 0, packages = 1, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:c:sf:V:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': lo.rules_path = optarg; break;
		case 'c': lo.config_path = optarg; break;
		case 's': show = 1; break;
		case 'f': format = optarg; break;
		case 'V': volume = optarg; break;
		case OPT_NO_PACKAGES: packages = 0; break;
		case 'm':
			if (parse_size(optarg, &fo.max_file_size) < 0) {
				cli_error("--max-file-size: \"%s\" is not a size (e.g. 4096, 64K, 16M)", optarg);
				return AWP_EXIT_USAGE;
			}
			break;
		case 'h': usage(stdout); return AWP_EXIT_OK;
		default: usage(stderr); return AWP_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)) {
		usage(stderr);
		return AWP_EXIT_USAGE;
	}
	int rc = AWP_EXIT_FAILED;
	awp_secrets_rules *rules = NULL;
	awp_secrets_scanner *sc = NULL;
	awp_secrets_report *rep = NULL;
	awp_inventory *inv = NULL;
	awp_target *t = NULL;
	if (awp_secrets_rules_load(&rules, &lo) < 0) {
		cli_error("%s", awp_error_last());
		goto done;
	}
	for (size_t i = 0; i < awp_secrets_rules_note_count(rules); i++)
		cli_warn("%s", awp_secrets_rules_note(rules, i));
	if (!(t = cli_open_target(argv[optind])))
		goto done;
	awp_fs *fs = awp_target_pick_fs(t, volume);
	if (!fs) {
		cli_error("%s", awp_error_last());
		goto done;
	}
	if (packages) {
		if (awp_inventory_collect(&inv, fs, NULL) < 0) {
			cli_warn("package inventory: %s (package files are not suppressed)", awp_error_last());
			inv = NULL;
		} else {
			fo.owner = owner_of;
			fo.owner_payload = inv;
		}
	}
	if (awp_secrets_scanner_new(&sc, rules) < 0 || awp_secrets_report_new(&rep) < 0 ||
	    awp_secrets_scan_fs(sc, fs, &fo, rep) < 0) {
		cli_error("%s", awp_error_last());
		goto done;
	}
	const awp_secrets_stats *st = awp_secrets_report_stats(rep);
	if (strcmp(format, "json") == 0) {
		if (print_json(rep, argv[optind], awp_secrets_rules_source(rules), show) < 0) {
			cli_error("write error on standard output");
			goto done;
		}
	} else {
		print_table(rep, show);
	}
	rc = (st->findings || st->files_unreadable || st->files_too_large) ? AWP_EXIT_PARTIAL : AWP_EXIT_OK;
	if (fflush(stdout) != 0)
		rc = AWP_EXIT_FAILED;
done:
	awp_secrets_report_free(rep);
	awp_secrets_scanner_free(sc);
	awp_inventory_free(inv);
	awp_target_free(t);
	awp_secrets_rules_free(rules);
	return rc;
}
