/*
 * cli/cmd_vercmp.c - `awp vercmp ECOSYSTEM A B`: compare two versions with an
 * ecosystem's own ordering and print <, = or >.
 *
 * With B omitted and A "-", pairs are read from stdin, one "A B" per line
 * (separated by blanks or tabs), and every input line gets exactly one
 * output line, so answers can be pasted next to their input. A bad line
 * prints "error: ..." and the run goes on; the exit code is then 1.
 *
 * `awp vercmp --satisfies npm RANGE VERSION` answers node-semver's
 * satisfies(VERSION, RANGE) instead, printing true or false (an invalid
 * range is false, as in node-semver, with a note on stderr).
 */
#include "cli.h"

#include <awp/version.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Longest stdin line considered (two versions and blanks). */
#define VERCMP_MAX_LINE (2 * AWP_VERSION_MAX_LEN + 64)

static void help(FILE *out)
{
	fprintf(out,
		"usage: awp vercmp [--lenient] ECOSYSTEM A B\n"
		"       awp vercmp [--lenient] ECOSYSTEM -    (pairs \"A B\" from stdin, one per line)\n"
		"       awp vercmp --satisfies [--loose] [--include-prerelease] npm RANGE VERSION\n"
		"\n"
		"Compare versions A and B the way the ecosystem's own tool does and print\n"
		"'<', '=' or '>'.\n"
		"\n"
		"With --satisfies, print 'true' or 'false': does VERSION satisfy the npm\n"
		"RANGE (node-semver satisfies(): ^1.2.3, ~1.2, 1.x, 1.2 - 2, >=1 <2 || 3, ...)?\n"
		"An invalid range is 'false', as in node-semver.\n"
		"\n"
		"ECOSYSTEM is an OSV ecosystem name (case-insensitive; a \":release\" suffix\n"
		"such as Debian:12 or Alpine:v3.19 is ignored) or a short name:\n"
		"  dpkg      Debian, Ubuntu (deb)                       dpkg --compare-versions\n"
		"  rpm       Red Hat, AlmaLinux, Rocky Linux, SUSE, ... rpmvercmp on [E:]V[-R]\n"
		"  apk       Alpine, Wolfi, Chainguard                  apk-tools\n"
		"  pep440    PyPI (python, pip)                         PEP 440 / packaging\n"
		"  semver    npm, crates.io (cargo), Hex, Pub           node-semver, loose parse\n"
		"  go        Go (golang)                                x/mod/semver, 'v' optional\n"
		"  maven     Maven                                      ComparableVersion\n"
		"  rubygems  RubyGems (gem)                             Gem::Version\n"
		"  nuget     NuGet                                      NuGetVersion\n"
		"  composer  Packagist (php)                            Composer normalize + version_compare\n"
		"\n"
		"options:\n"
		"  --lenient  order invalid versions as apk and Go's semver.Compare still do\n"
		"             instead of failing (no effect on other ecosystems)\n"
		"  --loose, --include-prerelease\n"
		"             node-semver's {loose: true} and {includePrerelease: true}\n"
		"             (with --satisfies)\n"
		"\n"
		"exit: 0 compared (stdin mode: every line), 1 some stdin line failed,\n"
		"      2 usage error or unknown ecosystem, 3 an invalid version.\n");
}

static char answer(int cmp) { return cmp < 0 ? '<' : cmp > 0 ? '>' : '='; }

static int run_stdin(awp_version_scheme scheme, unsigned flags)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int failed = 0;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (n > VERCMP_MAX_LINE) {
			printf("error: line longer than %d bytes\n", VERCMP_MAX_LINE);
			failed = 1;
			continue;
		}
		char *save = NULL;
		char *a = strtok_r(line, " \t", &save);
		char *b = a ? strtok_r(NULL, " \t", &save) : NULL;
		char *extra = b ? strtok_r(NULL, " \t", &save) : NULL;
		if (!a || !b || extra) {
			printf("error: expected two versions separated by blanks\n");
			failed = 1;
			continue;
		}
		int cmp;
		if (awp_version_cmp(&cmp, scheme, a, b, flags) < 0) {
			printf("error: %s\n", awp_error_last());
			failed = 1;
			continue;
		}
		printf("%c\n", answer(cmp));
	}
	free(line);
	if (ferror(stdin)) {
		cli_error("vercmp: reading stdin failed");
		return AWP_EXIT_FAILED;
	}
	return failed ? AWP_EXIT_PARTIAL : AWP_EXIT_OK;
}

static int run_satisfies(const char *ecosystem, const char *range, const char *version, unsigned flags)
{
	awp_version_scheme scheme;
	if (awp_version_scheme_lookup(&scheme, ecosystem) < 0 || scheme != AWP_VERSION_SEMVER) {
		cli_error("vercmp: --satisfies knows npm ranges only (ecosystem npm), not '%s'", ecosystem);
		return AWP_EXIT_USAGE;
	}
	awp_semver_range *r = NULL;
	int sat = 0, err = awp_semver_range_parse(&r, range, flags);
	if (err == AWP_ECORRUPT) {
		fprintf(stderr, "awp vercmp: note: %s\n", awp_error_last());
	} else if (err < 0 || (err = awp_semver_range_test(&sat, r, version)) < 0) {
		cli_error("vercmp: %s", awp_error_last());
		awp_semver_range_free(r);
		return AWP_EXIT_FAILED;
	}
	awp_semver_range_free(r);
	printf("%s\n", sat ? "true" : "false");
	return AWP_EXIT_OK;
}

int cmd_vercmp(int argc, char **argv)
{
	unsigned flags = 0, rflags = 0;
	bool satisfies = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1] != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			help(stdout);
			return AWP_EXIT_OK;
		} else if (strcmp(argv[i], "--lenient") == 0) {
			flags |= AWP_VERSION_LENIENT;
		} else if (strcmp(argv[i], "--satisfies") == 0) {
			satisfies = true;
		} else if (strcmp(argv[i], "--loose") == 0) {
			rflags |= AWP_SEMVER_LOOSE;
		} else if (strcmp(argv[i], "--include-prerelease") == 0) {
			rflags |= AWP_SEMVER_INCLUDE_PRERELEASE;
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else {
			/* A version may start with '-' only after "--". */
			cli_error("vercmp: unknown option '%s' (see 'awp vercmp --help')", argv[i]);
			return AWP_EXIT_USAGE;
		}
	}
	int rest = argc - i;
	if ((rflags && !satisfies) || (satisfies && rest != 3)) {
		help(stderr);
		return AWP_EXIT_USAGE;
	}
	if (satisfies)
		return run_satisfies(argv[i], argv[i + 1], argv[i + 2], rflags);
	if (rest != 2 && rest != 3) {
		help(stderr);
		return AWP_EXIT_USAGE;
	}
	awp_version_scheme scheme;
	if (awp_version_scheme_lookup(&scheme, argv[i]) < 0) {
		cli_error("vercmp: unknown ecosystem '%s' (see 'awp vercmp --help')", argv[i]);
		return AWP_EXIT_USAGE;
	}
	if (rest == 2) {
		if (strcmp(argv[i + 1], "-") != 0) {
			cli_error("vercmp: expected two versions, or '-' to read pairs from stdin");
			return AWP_EXIT_USAGE;
		}
		return run_stdin(scheme, flags);
	}
	int cmp;
	if (awp_version_cmp(&cmp, scheme, argv[i + 1], argv[i + 2], flags) < 0) {
		cli_error("vercmp: %s", awp_error_last());
		return AWP_EXIT_FAILED;
	}
	printf("%c\n", answer(cmp));
	return AWP_EXIT_OK;
}
