/*
 * cli/cmd_cat.c - `awp cat TARGET PATH`: copy one file's content from
 * inside an image to stdout, streamed in chunks.
 */
#include "cli.h"

#include <awp/target.h>

#include <getopt.h>
#include <stdlib.h>

enum { CAT_CHUNK = 1 << 20 };

static void usage(FILE *out)
{
	fprintf(out, "usage: awp cat [--volume NAME] TARGET PATH\n\n"
		     "Write a regular file from inside a disk image, block device or directory\n"
		     "to standard output. Symlinks are followed inside the image only.\n\n"
		     "  -V, --volume NAME  volume to read (see 'awp ls --help'; default: root)\n"
		     "  -h, --help         this help\n\n"
		     "exit: 0 ok, 2 usage, 3 the file could not be read\n");
}

int cmd_cat(int argc, char **argv)
{
	static const struct option opts[] = {{"volume", required_argument, NULL, 'V'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *volume = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "V:h", opts, NULL)) != -1) {
		if (c == 'V')
			volume = optarg;
		else if (c == 'h') {
			usage(stdout);
			return AWP_EXIT_OK;
		} else {
			usage(stderr);
			return AWP_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return AWP_EXIT_USAGE;
	}
	awp_target *t = cli_open_target(argv[optind]);
	if (!t)
		return AWP_EXIT_FAILED;
	int rc = AWP_EXIT_FAILED;
	awp_file *f = NULL;
	char *buf = NULL;
	awp_stat st;
	awp_fs *fs = awp_target_pick_fs(t, volume);
	if (!fs || awp_fs_lookup(fs, argv[optind + 1], 1, &st) < 0) {
		cli_error("%s", awp_error_last());
		goto done;
	}
	if (st.type != AWP_FT_REG) {
		cli_error("%s: is a %s, not a regular file; not read", argv[optind + 1], awp_ftype_name(st.type));
		goto done;
	}
	if (awp_file_open(&f, fs, st.ino) < 0 || !(buf = malloc(CAT_CHUNK))) {
		cli_error("%s", awp_error_last());
		goto done;
	}
	uint64_t off = 0;
	for (;;) {
		size_t n = 0;
		if (awp_file_read(f, buf, CAT_CHUNK, off, &n) < 0) {
			cli_error("%s", awp_error_last());
			goto done;
		}
		if (n == 0)
			break;
		if (cli_write_all(stdout, buf, n) < 0) {
			cli_error("write error on standard output");
			goto done;
		}
		off += n;
	}
	rc = fflush(stdout) == 0 ? AWP_EXIT_OK : AWP_EXIT_FAILED;
done:
	free(buf);
	awp_file_free(f);
	awp_target_free(t);
	return rc;
}
