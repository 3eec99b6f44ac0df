/*
 * cli/cli_util.c - helpers shared by verbs.
 */
#include "cli.h"

#include <awp/common.h>

#include <stdint.h>
#include <stdio.h>

awp_target *cli_open_target(const char *path)
{
	awp_target *t = NULL;
	if (awp_target_open(&t, path) < 0) {
		cli_error("%s", awp_error_last());
		return NULL;
	}
	return t;
}

const char *cli_human_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

int cli_write_all(FILE *f, const void *buf, size_t len)
{
	return fwrite(buf, 1, len, f) == len ? 0 : -1;
}
