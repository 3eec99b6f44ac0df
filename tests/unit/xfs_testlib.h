/*
 * tests/unit/xfs_testlib.h - helpers for the XFS tests (header-only, static):
 * write a mkfs.xfs protofile for a host tree and build an image from it.
 *
 * mkfs.xfs 6.x refuses filesystems under 300 MB unless it believes it runs
 * under fstests (TEST_DIR/TEST_DEV/QA_CHECK_FS set); small sparse images
 * keep the tests fast, so the helpers set those variables for mkfs only.
 */
#ifndef AWP_TEST_XFS_TESTLIB_H
#define AWP_TEST_XFS_TESTLIB_H

#include "fscompare.h"
#include "harness.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* One protofile line per entry of `dir` (recursively); returns 0 or -1. */
static inline int xt_proto_dir(FILE *out, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		struct stat st;
		if (lstat(path, &st) < 0) {
			rc = -1;
			break;
		}
		char mode[8];
		char t = S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : S_ISFIFO(st.st_mode) ? 'p'
			: S_ISCHR(st.st_mode) ? 'c' : S_ISBLK(st.st_mode) ? 'b' : '-';
		snprintf(mode, sizeof mode, "%c%c%c%03o", t, (st.st_mode & S_ISUID) ? 'u' : '-',
			 (st.st_mode & S_ISGID) ? 'g' : '-', (unsigned)(st.st_mode & 0777));
		fprintf(out, "%*s%s %s %u %u", depth, "", de->d_name, mode, (unsigned)st.st_uid, (unsigned)st.st_gid);
		if (t == '-') {
			fprintf(out, " %s\n", path);
		} else if (t == 'l') {
			char target[4096];
			ssize_t n = readlink(path, target, sizeof target - 1);
			if (n < 0) {
				rc = -1;
				break;
			}
			target[n] = '\0';
			fprintf(out, " %s\n", target);
		} else if (t == 'c' || t == 'b') {
			fprintf(out, " %u %u\n", major(st.st_rdev), minor(st.st_rdev));
		} else if (t == 'd') {
			fprintf(out, "\n");
			rc = xt_proto_dir(out, path, depth + 1);
			fprintf(out, "%*s$\n", depth, "");
		} else {
			fprintf(out, "\n");
		}
	}
	closedir(d);
	return rc;
}

/* Write a protofile for tree `src` to `proto`. */
static inline int xt_protofile(const char *proto, const char *src)
{
	FILE *f = fopen(proto, "w");
	if (!f)
		return -1;
	struct stat st;
	if (stat(src, &st) < 0) {
		fclose(f);
		return -1;
	}
	fprintf(f, "awp-test\n0 0\nd--%03o %u %u\n", (unsigned)(st.st_mode & 0777), (unsigned)st.st_uid,
		(unsigned)st.st_gid);
	int rc = xt_proto_dir(f, src, 1);
	fprintf(f, "$\n");
	return fclose(f) == 0 ? rc : -1;
}

/* Build `img` (size MiB) from tree `src` with extra mkfs options. */
static inline int xt_mkfs(const char *img, unsigned size_mib, const char *src, const char *opts)
{
	char proto[4200];
	snprintf(proto, sizeof proto, "%s.proto", img);
	if (xt_protofile(proto, src) < 0)
		return -1;
	return test_sh("rm -f '%s' && truncate -s %uM '%s' && TEST_DIR=/tmp TEST_DEV='%s' QA_CHECK_FS=1 "
		       "mkfs.xfs -q -f %s -p '%s' '%s' >'%s.log' 2>&1 || { cat '%s.log' >&2; exit 1; }",
		       img, size_mib, img, img, opts, proto, img, img, img);
}

static inline int xt_have_mkfs(void)
{
	return test_sh("command -v mkfs.xfs >/dev/null 2>&1") == 0;
}

/* Write `len` pseudo-random bytes (seeded) to path. */
static inline int xt_write_random(const char *path, size_t len, unsigned seed)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	uint32_t s = seed * 2654435761u + 1;
	for (size_t i = 0; i < len; i++) {
		s ^= s << 13;
		s ^= s >> 17;
		s ^= s << 5;
		fputc((int)(s & 0xff), f);
	}
	return fclose(f);
}

#endif
