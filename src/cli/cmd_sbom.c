/*
 * cli/cmd_sbom.c - `awp sbom TARGET`: the inventory of the target's root
 * filesystem (OS and language packages) as CycloneDX 1.5, SPDX 2.3 or awp's
 * own JSON (docs/sbom.md).
 *
 * Exit: 0 ok, 1 the SBOM was written but some files could not be read
 * (each warning on stderr), 2 usage, 3 the target or output failed.
 */
#include "cli.h"

#include <awp/inventory.h>
#include <awp/sbom.h>
#include <awp/target.h>

#include <getopt.h>
#include <stdlib.h>

static void usage(FILE *out)
{
	fprintf(out, "usage: awp sbom [--format cyclonedx|spdx|json] [--output FILE] [--volume NAME] TARGET\n\n"
		     "List the operating system and every package installed on a disk image, block\n"
		     "device or directory as a software bill of materials.\n\n"
		     "  -f, --format FMT   cyclonedx (CycloneDX 1.5 JSON, default), spdx (SPDX 2.3\n"
		     "                     JSON) or json (awp's own, see docs/sbom.md)\n"
		     "  -o, --output FILE  write to FILE instead of standard output\n"
		     "  -V, --volume NAME  volume to read (default: the root filesystem)\n"
		     "  -h, --help         this help\n\n"
		     "exit: 0 ok, 1 written with warnings (files that could not be read), 2 usage,\n"
		     "      3 the target could not be read\n");
}

int cmd_sbom(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
					     {"output", required_argument, NULL, 'o'},
					     {"volume", required_argument, NULL, 'V'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *volume = NULL, *output = NULL;
	awp_sbom_options so = AWP_SBOM_OPTIONS_INIT;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:V:h", opts, NULL)) != -1) {
		if (c == 'f') {
			if (awp_sbom_format_parse(&so.format, optarg) < 0) {
				cli_error("%s", awp_error_last());
				return AWP_EXIT_USAGE;
			}
		} else if (c == 'o') {
			output = optarg;
		} else if (c == 'V') {
			volume = optarg;
		} else if (c == 'h') {
			usage(stdout);
			return AWP_EXIT_OK;
		} else {
			usage(stderr);
			return AWP_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return AWP_EXIT_USAGE;
	}
	awp_target *t = cli_open_target(argv[optind]);
	if (!t)
		return AWP_EXIT_FAILED;
	int rc = AWP_EXIT_FAILED;
	awp_inventory *inv = NULL;
	char *doc = NULL;
	size_t len = 0;
	awp_fs *fs = awp_target_pick_fs(t, volume);
	if (!fs) {
		cli_error("%s", awp_error_last());
		goto done;
	}
	awp_inventory_options io = AWP_INVENTORY_OPTIONS_INIT;
	io.file_digests = 0; /* an SBOM lists packages, not their files' digests */
	if (awp_inventory_collect(&inv, fs, &io) < 0) {
		cli_error("%s: %s", argv[optind], awp_error_last());
		goto done;
	}
	so.target_name = awp_target_path(t);
	if (awp_sbom_write(&doc, &len, inv, &so) < 0) {
		cli_error("%s", awp_error_last());
		goto done;
	}
	FILE *out = output ? fopen(output, "wb") : stdout;
	if (!out) {
		cli_error("%s: cannot open for writing", output);
		goto done;
	}
	int werr = cli_write_all(out, doc, len) < 0;
	werr |= output ? fclose(out) != 0 : fflush(out) != 0;
	if (werr) {
		cli_error("%s: write error", output ? output : "standard output");
		goto done;
	}
	size_t nw = awp_inventory_warning_count(inv);
	for (size_t i = 0; i < nw; i++) {
		const awp_inventory_warning *w = awp_inventory_warning_get(inv, i);
		cli_warn("%s%s%s", w->path, w->path[0] ? ": " : "", w->message);
	}
	rc = nw ? AWP_EXIT_PARTIAL : AWP_EXIT_OK;
done:
	free(doc);
	awp_inventory_free(inv);
	awp_target_free(t);
	return rc;
}
