/*
 * cli/cmd_aws.c - `awp aws scan`: scan the EC2 instances of an account
 * agentlessly (discovery, policy, snapshots, EBS direct reads, assembly of
 * each instance's volumes into one tree) and write one JSON report per
 * instance, each embedding the report `awp scan` writes for that tree.
 *
 * SIGINT/SIGTERM set a flag the library polls; it stops, deletes every
 * snapshot it made and returns; an atexit handler deletes whatever is still
 * recorded if the process leaves any other way. The logic lives in
 * libawp (awp/aws_scan.h); this file parses options and prints.
 *
 * Exit: 0 every instance scanned, skipped or excluded with no findings;
 * 1 findings or a Partial instance; 2 usage; 3 discovery failed or an
 * instance Failed; 128+signal when interrupted (after cleanup).
 */
#include "cli.h"

#include <awp/report.h>
#include <awp/scan.h>

#include <awp/aws_scan.h>
#include <awp/vulndb.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static volatile sig_atomic_t g_stop;
static awp_aws_scan *g_scan; /* for the atexit path only */

static void on_signal(int sig)
{
	if (!g_stop)
		g_stop = sig;
}

static void at_exit(void)
{
	if (g_scan) {
		size_t left = awp_aws_scan_cleanup(g_scan);
		if (left)
			cli_error("%zu snapshot(s) could not be deleted; the next run's sweeper will retry", left);
	}
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: awp aws scan [options]\n\n"
		"Scan running Linux EC2 instances without an agent: snapshot their EBS\n"
		"volumes, read the snapshots through the EBS direct APIs, assemble each\n"
		"instance's volumes by its /etc/fstab and scan the tree as `awp scan` does.\n"
		"Every snapshot awp makes is deleted. See docs/aws.md.\n\n"
		"  --regions R1,R2        regions to scan (default: the configured region)\n"
		"  --instance ID          only this instance (repeatable)\n"
		"  --mode MODE            in-account (default) or saas\n"
		"  --role-arn ARN         role to assume for discovery and snapshots (saas: the customer's)\n"
		"  --external-id ID       external id for that role\n"
		"  --scanner-account N    saas: account to share snapshots with (default: our own)\n"
		"  --kms-key-id KEY       saas: copy encrypted snapshots with this key (shared with us)\n"
		"  --skip-tag KEY         instances with this tag are skipped (default CG_AWP_SKIP_SCAN)\n"
		"  --sweep-age DURATION   delete awp's snapshots older than this first (default 6h; 0 = all)\n"
		"  --snapshot-timeout S   wait for snapshots at most S seconds (default 1800)\n"
		"  --instance-timeout S   read+scan one instance at most S seconds (default: no limit)\n"
		"  --max-instance-gib N   fail instances whose volumes add up to more\n"
		"  --output-dir DIR       one report per instance: DIR/<instance>.json (default awp-aws-<scan id>)\n"
		"  --format FMT           table (default) or json summary on standard output\n"
		"  --db PATH              advisory database (default: $AWP_DB, else ~/.cache/awp/vuln.db)\n"
		"  --endpoint-url URL     AWS endpoint override (as the AWS CLI's)\n"
		"  --scan-id ID           tag value for this run's snapshots (default awp-<time>-<pid>)\n\n"
		"exit: 0 clean, 1 findings or partial, 2 usage, 3 failure, 128+N interrupted by signal N\n");
}

/* "90", "90s", "15m", "6h", "2d" -> seconds; -1 when invalid. */
static long long parse_duration(const char *s)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return -1;
	long long mul = 1;
	if (*end == 'm')
		mul = 60;
	else if (*end == 'h')
		mul = 3600;
	else if (*end == 'd')
		mul = 86400;
	else if (*end && *end != 's')
		return -1;
	if (*end && end[1])
		return -1;
	return v > (1LL << 40) ? -1 : v * mul;
}

static int parse_uint(const char *s, unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

/* Split "a,b,c" into a NULL-terminated vector (in place). */
static const char **split_list(char *s)
{
	size_t n = 1;
	for (char *p = s; *p; p++)
		n += *p == ',';
	const char **v = calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	size_t k = 0;
	char *save = NULL;
	for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (*tok)
			v[k++] = tok;
	return v;
}

struct ctx {
	awp_vulndb *db;
	const char *dbpath;
	int64_t now;
	const char *outdir;
	int table;
	const awp_aws_scan *scan;
	int failed, partial, findings;
};

static int scan_fs(char **report, size_t *findings, awp_fs *fs, const char *target, void *payload)
{
	struct ctx *c = payload;
	/* The same scan and report as `awp scan --format json`, on the tree
	 * assembled from the instance's snapshots. */
	awp_scan_options so = AWP_SCAN_OPTIONS_INIT;
	so.fs = fs;
	so.db_path = c->dbpath;
	so.now = c->now;
	so.threads = 1;
	awp_scan_result *r = NULL;
	int err = awp_scan_run(&r, target, &so);
	if (err < 0)
		return err;
	awp_report_options ro = AWP_REPORT_OPTIONS_INIT;
	ro.format = AWP_REPORT_JSON;
	err = awp_report_write(report, NULL, r, &ro);
	if (findings) {
		size_t n = 0;
		for (int k = 0; k < AWP_FINDING_KIND_COUNT; k++)
			n += awp_scan_result_live(r, (awp_finding_kind)k);
		*findings = n;
	}
	awp_scan_result_free(r);
	return err;
}

static void on_instance(const awp_aws_instance_result *r, void *payload)
{
	struct ctx *c = payload;
	char *json = NULL;
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.json", c->outdir, r->instance_id);
	if (awp_aws_instance_json(&json, c->scan, r) < 0) {
		cli_error("%s: %s", r->instance_id, awp_error_last());
	} else {
		FILE *f = fopen(path, "w");
		if (!f || cli_write_all(f, json, strlen(json)) < 0)
			cli_error("%s: cannot write", path);
		if (f && fclose(f) != 0)
			cli_error("%s: write failed", path);
	}
	free(json);
	c->failed |= r->status == AWP_INSTANCE_FAILED;
	c->partial |= r->status == AWP_INSTANCE_PARTIAL;
	c->findings |= r->findings > 0;
	if (c->table) {
		printf("%-20s %-12s %-9s %-24s %8zu  %s\n", r->instance_id, r->region, awp_instance_status_name(r->status),
		       r->reason_code[0] ? r->reason_code : "-", r->findings, r->name);
		if (r->status == AWP_INSTANCE_FAILED || r->status == AWP_INSTANCE_PARTIAL)
			printf("    %s\n", r->reason);
		for (size_t i = 0; r->status == AWP_INSTANCE_PARTIAL && i < r->volume_count; i++)
			if (!r->volumes[i].read && r->volumes[i].reason_code[0])
				printf("    %s %s %s: not read (%s)\n", r->volumes[i].volume_id, r->volumes[i].device,
				       r->volumes[i].name, r->volumes[i].reason_code);
		fflush(stdout);
	}
}

static void print_json(const awp_aws_scan *s, const char *outdir)
{
	printf("{\n  \"schema\": \"awp.aws-scan/1\",\n  \"scan_id\": \"%s\",\n  \"swept\": %zu,\n  \"instances\": [",
	       awp_aws_scan_id(s), awp_aws_scan_swept(s));
	for (size_t i = 0; i < awp_aws_scan_count(s); i++) {
		const awp_aws_instance_result *r = awp_aws_scan_get(s, i);
		/* ids, regions and codes are [A-Za-z0-9_-]; the reason goes through the per-instance file */
		printf("%s\n    {\"instance_id\": \"%s\", \"region\": \"%s\", \"status\": \"%s\", \"reason_code\": \"%s\", "
		       "\"findings\": %zu, \"report\": \"%s/%s.json\"}",
		       i ? "," : "", r->instance_id, r->region, awp_instance_status_name(r->status), r->reason_code,
		       r->findings, outdir, r->instance_id);
	}
	printf("\n  ]\n}\n");
}

static int run(awp_aws_scan_options *so, awp_aws_options *ao, const char *format, const char *outdir,
	       const char *dbpath)
{
	int rc = AWP_EXIT_FAILED;
	struct ctx cx = {0};
	awp_aws_client *acct = NULL, *reader = NULL;
	awp_aws_scan *s = NULL;
	char *dirbuf = NULL;
	cx.table = strcmp(format, "table") == 0;
	cx.now = (int64_t)time(NULL);
	if (!dbpath)
		dbpath = awp_vulndb_default_path();
	cx.dbpath = dbpath;
	/* The database first: no point snapshotting what we cannot match. */
	if (awp_vulndb_open(&cx.db, dbpath) < 0) {
		cli_error("%s", awp_error_last());
		goto done;
	}
	if (awp_aws_client_new(&acct, ao) < 0) {
		cli_error("aws: %s", awp_error_last());
		goto done;
	}
	if (so->mode == AWP_AWS_SAAS) {
		/* the scanner reads with its own credentials, never the customer's role */
		awp_aws_options ro = *ao;
		ro.role_arn = ro.external_id = NULL;
		if (awp_aws_client_new(&reader, &ro) < 0) {
			cli_error("aws (scanner): %s", awp_error_last());
			goto done;
		}
	}
	so->scan = scan_fs;
	so->scan_payload = &cx;
	so->on_instance = on_instance;
	so->payload = &cx;
	so->cancel = &g_stop;
	if (awp_aws_scan_new(&s, acct, reader, so) < 0) {
		cli_error("%s", awp_error_last());
		goto done;
	}
	cx.scan = s;
	if (!outdir && !(outdir = dirbuf = malloc(strlen(awp_aws_scan_id(s)) + 16)))
		goto done;
	if (dirbuf)
		snprintf(dirbuf, strlen(awp_aws_scan_id(s)) + 16, "awp-aws-%s", awp_aws_scan_id(s));
	if (mkdir(outdir, 0777) < 0 && errno != EEXIST) {
		cli_error("%s: cannot create: %s", outdir, strerror(errno));
		goto done;
	}
	cx.outdir = outdir;

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	g_scan = s;
	atexit(at_exit);

	if (cx.table)
		printf("%-20s %-12s %-9s %-24s %8s  %s\n", "INSTANCE", "REGION", "STATUS", "REASON", "FINDINGS", "NAME");
	int err = awp_aws_scan_run(s);
	size_t left = awp_aws_scan_cleanup(s);
	if (left)
		cli_error("%zu snapshot(s) could not be deleted; the next run's sweeper will retry", left);
	if (cx.table) {
		printf("\n%zu instance(s); reports in %s/; scan id %s", awp_aws_scan_count(s), outdir, awp_aws_scan_id(s));
		if (awp_aws_scan_swept(s))
			printf("; %zu stale awp snapshot(s) swept", awp_aws_scan_swept(s));
		printf("\n");
	} else {
		print_json(s, outdir);
	}
	fflush(stdout);
	if (g_stop) {
		cli_error("interrupted: every snapshot made was deleted");
		rc = 128 + (int)g_stop;
	} else if (err < 0) {
		cli_error("%s", awp_error_last());
	} else {
		rc = cx.failed ? AWP_EXIT_FAILED : (cx.partial || cx.findings) ? AWP_EXIT_PARTIAL : AWP_EXIT_OK;
	}
done:
	g_scan = NULL;
	awp_aws_scan_free(s);
	awp_aws_client_free(reader);
	awp_aws_client_free(acct);
	awp_vulndb_close(cx.db);
	free(dirbuf);
	return rc;
}

static int aws_scan(int argc, char **argv)
{
	static const struct option opts[] = {{"regions", required_argument, NULL, 'r'},
					     {"instance", required_argument, NULL, 'i'},
					     {"mode", required_argument, NULL, 'm'},
					     {"role-arn", required_argument, NULL, 'R'},
					     {"external-id", required_argument, NULL, 'E'},
					     {"scanner-account", required_argument, NULL, 'A'},
					     {"kms-key-id", required_argument, NULL, 'K'},
					     {"skip-tag", required_argument, NULL, 'T'},
					     {"sweep-age", required_argument, NULL, 'S'},
					     {"snapshot-timeout", required_argument, NULL, 'W'},
					     {"instance-timeout", required_argument, NULL, 'I'},
					     {"max-instance-gib", required_argument, NULL, 'G'},
					     {"output-dir", required_argument, NULL, 'o'},
					     {"format", required_argument, NULL, 'f'},
					     {"db", required_argument, NULL, 'd'},
					     {"endpoint-url", required_argument, NULL, 'U'},
					     {"scan-id", required_argument, NULL, 'n'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	awp_aws_scan_options so = AWP_AWS_SCAN_OPTIONS_INIT;
	awp_aws_options ao = AWP_AWS_OPTIONS_INIT;
	const char *format = "table", *outdir = NULL, *dbpath = NULL, *mode = "in-account";
	char *regions_arg = NULL;
	const char **regions = NULL, **instances = NULL;
	size_t ninst = 0;
	int c, rc = AWP_EXIT_USAGE;
	unsigned long long u;
	long long d;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': regions_arg = optarg; break;
		case 'i': {
			const char **n = realloc(instances, (ninst + 2) * sizeof(*n));
			if (!n)
				goto done;
			instances = n;
			instances[ninst++] = optarg;
			instances[ninst] = NULL;
			break;
		}
		case 'm': mode = optarg; break;
		case 'R': ao.role_arn = optarg; break;
		case 'E': ao.external_id = optarg; break;
		case 'A': so.scanner_account = optarg; break;
		case 'K': so.kms_key_id = optarg; break;
		case 'T': so.skip_tag = optarg; break;
		case 'S':
			if ((d = parse_duration(optarg)) < 0) {
				cli_error("--sweep-age: '%s' is not a duration (90s, 15m, 6h, 2d)", optarg);
				goto done;
			}
			so.sweep_age_s = d;
			break;
		case 'W':
		case 'I':
			if ((d = parse_duration(optarg)) < 0 || d > 30 * 86400) {
				cli_error("--%s: '%s' is not a duration", c == 'W' ? "snapshot-timeout" : "instance-timeout", optarg);
				goto done;
			}
			*(c == 'W' ? &so.snapshot_timeout_s : &so.instance_timeout_s) = (unsigned)d;
			break;
		case 'G':
			if (parse_uint(optarg, &u) < 0) {
				cli_error("--max-instance-gib: '%s' is not a number", optarg);
				goto done;
			}
			so.max_instance_gib = u;
			break;
		case 'o': outdir = optarg; break;
		case 'f': format = optarg; break;
		case 'd': dbpath = optarg; break;
		case 'U': ao.endpoint_url = optarg; break;
		case 'n': so.scan_id = optarg; break;
		case 'h': usage(stdout); rc = AWP_EXIT_OK; goto done;
		default: usage(stderr); goto done;
		}
	}
	if (optind != argc || (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)) {
		usage(stderr);
		goto done;
	}
	if (strcmp(mode, "saas") == 0) {
		so.mode = AWP_AWS_SAAS;
		if (!ao.role_arn || !ao.external_id) {
			cli_error("--mode saas needs --role-arn and --external-id (the customer's role)");
			goto done;
		}
	} else if (strcmp(mode, "in-account") != 0) {
		cli_error("--mode: '%s' is not in-account or saas", mode);
		goto done;
	}
	if (regions_arg) {
		if (!(regions = split_list(regions_arg)) || !regions[0]) {
			cli_error("--regions: no region given");
			goto done;
		}
		ao.region = regions[0];
	}
	so.regions = regions;
	so.instance_ids = instances;
	rc = run(&so, &ao, format, outdir, dbpath);
done:
	free(regions);
	free(instances);
	return rc;
}

int cmd_aws(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "scan") == 0)
		return aws_scan(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return AWP_EXIT_OK;
	}
	usage(stderr);
	return AWP_EXIT_USAGE;
}
