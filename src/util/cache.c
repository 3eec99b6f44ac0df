/*
 * util/cache.c - the per-user cache directory (util/cache.h).
 */
#include "util/cache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int awp_cache_dir(char *buf, size_t cap, const char *opt)
{
	const char *e;
	int n;
	if (opt)
		n = snprintf(buf, cap, "%s", opt);
	else if ((e = getenv("AWP_CACHE_DIR")) && *e)
		n = snprintf(buf, cap, "%s", e);
	else if ((e = getenv("XDG_CACHE_HOME")) && *e)
		n = snprintf(buf, cap, "%s/awp", e);
	else if ((e = getenv("HOME")) && *e)
		n = snprintf(buf, cap, "%s/.cache/awp", e);
	else
		n = 0;
	if (n <= 0 || (size_t)n >= cap) { /* none, or too long to be used safely */
		if (cap)
			buf[0] = 0;
		return 0;
	}
	return 1;
}

int awp_cache_mkdir(const char *dir)
{
	char tmp[4096];
	int n = snprintf(tmp, sizeof tmp, "%s", dir);
	if (n <= 0 || (size_t)n >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int awp_cache_write_atomic(const char *path, int (*write)(const char *tmp, void *arg), void *arg)
{
	char tmp[4200];
	int n = snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof tmp)
		return -1;
	if (write(tmp, arg) == 0 && rename(tmp, path) == 0)
		return 0;
	unlink(tmp);
	return -1;
}
