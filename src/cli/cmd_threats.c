/*
 * cli/cmd_threats.c - `awp threats TARGET`: malware rules, hash and IOC
 * lists, tampered packaged files, persistence and malicious packages on the
 * target's root filesystem (docs/threats.md). The logic is in libawp
 * (awp/threats.h); this file parses options and prints.
 *
 * Exit: 0 no threat, 1 threats found (or files that could not be read),
 * 2 usage, 3 the target or the rules could not be read.
 */
#include "cli.h"

#include <awp/threats.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: awp threats [options] TARGET\n\n"
		"Look for signs of compromise on a disk image, block device or directory:\n"
		"malware (YARA rules), blocklisted file hashes, malicious domains/IPs/URLs in\n"
		"cron, systemd, shell profiles, hosts, resolv.conf, authorized_keys and web\n"
		"server configs, packaged files that no longer match their package digest,\n"
		"persistence tricks, and packages with OSV MAL- advisories.\n\n"
		"  -r, --threat-rules PATH  extra YARA rules: a file or a directory (repeatable)\n"
		"  -H, --hashes FILE        hash blocklist: MD5/SHA-1/SHA-256 per line (repeatable)\n"
		"  -i, --iocs FILE          IOC list: domain, IP, CIDR or URL per line (repeatable)\n"
		"      --no-default-rules   do not load the built-in YARA rules\n"
		"      --no-default-lists   do not load the built-in hash/IOC lists\n"
		"      --db PATH            advisory database for MAL- matching (default: awp db's)\n"
		"      --no-archives        do not look inside archives\n"
		"      --scan-verified      also YARA-scan and hash-check packaged files whose\n"
		"                           package digest verified them (skipped by default:\n"
		"                           byte-identical to what the distribution shipped)\n"
		"  -f, --format FMT         table (default) or json\n"
		"  -V, --volume NAME        volume to read (default: the root filesystem)\n"
		"  -h, --help               this help\n\n"
		"exit: 0 no threat, 1 threats found or files unreadable, 2 usage, 3 failure\n");
}

#define MAX_LISTS 64

static int add(const char **v, size_t *n, const char *s)
{
	if (*n >= MAX_LISTS) {
		cli_error("at most %d of each list option", MAX_LISTS);
		return -1;
	}
	v[(*n)++] = s;
	return 0;
}

static void print_table(const awp_threat_report *r)
{
	size_t n = awp_threat_count(r);
	if (!n) {
		printf("no threats found\n");
		return;
	}
	printf("%-8s  %-17s  %-30s  %s\n", "SEVERITY", "KIND", "RULE", "PATH:LINE");
	for (size_t i = 0; i < n; i++) {
		const awp_threat *t = awp_threat_get(r, i);
		char line[32] = "";
		if (t->line)
			snprintf(line, sizeof line, ":%lu", t->line);
		printf("%-8s  %-17s  %-30s  %s%s\n", awp_threat_severity_name(t->severity), awp_threat_kind_name(t->kind),
		       t->rule, t->path, line);
		printf("          %s%s%s\n", t->description, t->package[0] ? " - package " : "", t->package);
		if (t->evidence[0])
			printf("          evidence: %s\n", t->evidence);
		printf("          what to do: %s\n", t->remediation);
	}
	printf("%zu threat%s\n", n, n == 1 ? "" : "s");
}

int cmd_threats(int argc, char **argv)
{
	enum { O_NODEFRULES = 1000, O_NODEFLISTS, O_DB, O_NOARCH, O_SCANVERIFIED };
	static const struct option opts[] = {{"threat-rules", required_argument, NULL, 'r'},
					     {"hashes", required_argument, NULL, 'H'},
					     {"iocs", required_argument, NULL, 'i'},
					     {"no-default-rules", no_argument, NULL, O_NODEFRULES},
					     {"no-default-lists", no_argument, NULL, O_NODEFLISTS},
					     {"db", required_argument, NULL, O_DB},
					     {"no-archives", no_argument, NULL, O_NOARCH},
					     {"scan-verified", no_argument, NULL, O_SCANVERIFIED},
					     {"format", required_argument, NULL, 'f'},
					     {"volume", required_argument, NULL, 'V'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *rules[MAX_LISTS], *hashes[MAX_LISTS], *iocs[MAX_LISTS];
	size_t nrules = 0, nhashes = 0, niocs = 0;
	const char *volume = NULL, *format = "table";
	awp_threat_db_options dbo = AWP_THREAT_DB_OPTIONS_INIT;
	awp_threat_scan_options so = AWP_THREAT_SCAN_OPTIONS_INIT;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:H:i:f:V:h", opts, NULL)) != -1) {
		int bad = 0;
		switch (c) {
		case 'r': bad = add(rules, &nrules, optarg); break;
		case 'H': bad = add(hashes, &nhashes, optarg); break;
		case 'i': bad = add(iocs, &niocs, optarg); break;
		case O_NODEFRULES: dbo.no_default_rules = 1; break;
		case O_NODEFLISTS: dbo.no_default_lists = 1; break;
		case O_DB: so.vulndb_path = optarg; break;
		case O_NOARCH: so.no_archives = 1; break;
		case O_SCANVERIFIED: so.scan_verified = 1; break;
		case 'f': format = optarg; break;
		case 'V': volume = optarg; break;
		case 'h': usage(stdout); return AWP_EXIT_OK;
		default: usage(stderr); return AWP_EXIT_USAGE;
		}
		if (bad)
			return AWP_EXIT_USAGE;
	}
	if (strcmp(format, "table") && strcmp(format, "json")) {
		cli_error("unknown format \"%s\" (table or json)", format);
		return AWP_EXIT_USAGE;
	}
	if (argc - optind != 1) {
		usage(stderr);
		return AWP_EXIT_USAGE;
	}
	dbo.rule_paths = rules;
	dbo.rule_path_count = nrules;
	dbo.hash_files = hashes;
	dbo.hash_file_count = nhashes;
	dbo.ioc_files = iocs;
	dbo.ioc_file_count = niocs;
	awp_threat_db *db = NULL;
	if (awp_threat_db_load(&db, &dbo) < 0) {
		cli_error("%s", awp_error_last());
		return AWP_EXIT_FAILED;
	}
	for (size_t i = 0; i < awp_threat_db_warning_count(db); i++)
		cli_warn("%s", awp_threat_db_warning(db, i));
	int rc = AWP_EXIT_FAILED;
	awp_threat_report *r = NULL;
	char *doc = NULL;
	size_t len = 0;
	awp_target *t = cli_open_target(argv[optind]);
	if (!t)
		goto done;
	awp_fs *fs = awp_target_pick_fs(t, volume);
	if (!fs) {
		cli_error("%s", awp_error_last());
		goto done;
	}
	if (awp_threats_scan(&r, fs, db, &so) < 0) {
		cli_error("%s: %s", argv[optind], awp_error_last());
		goto done;
	}
	for (size_t i = 0; i < awp_threat_warning_count(r); i++)
		cli_warn("%s", awp_threat_warning(r, i));
	if (!strcmp(format, "json")) {
		if (awp_threat_report_json(&doc, &len, r, awp_target_path(t)) < 0 || cli_write_all(stdout, doc, len) < 0) {
			cli_error("%s", awp_error_last());
			goto done;
		}
	} else {
		print_table(r);
	}
	if (fflush(stdout) != 0) {
		cli_error("standard output: write error");
		goto done;
	}
	rc = awp_threat_count(r) || awp_threat_warning_count(r) ? AWP_EXIT_PARTIAL : AWP_EXIT_OK;
done:
	free(doc);
	awp_threat_report_free(r);
	awp_target_free(t);
	awp_threat_db_free(db);
	return rc;
}
