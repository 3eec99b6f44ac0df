/*
 * tests/unit/support/fscompare.h - compare two filesystems entry by entry.
 *
 * Used by every filesystem backend's tests: build an image from a host
 * directory with mkfs, open both (image through its backend, directory
 * through awp_fs_open_dir) and check that the trees are equal.
 */
#ifndef AWP_TEST_FSCOMPARE_H
#define AWP_TEST_FSCOMPARE_H

#include <awp/fs.h>

enum {
	FSCMP_MODE = 1 << 0,     /* compare permission bits */
	FSCMP_OWNER = 1 << 1,    /* compare uid/gid */
	FSCMP_MTIME = 1 << 2,    /* compare mtime seconds */
};

typedef struct fscompare_result {
	size_t entries;          /* entries in `expected` */
	size_t files, dirs, symlinks, others;
	uint64_t bytes;          /* content bytes compared */
	size_t mismatches;       /* each one printed to stderr */
} fscompare_result;

/**
 * Walk `expected` and check that `actual` has the same paths, types, sizes,
 * symlink targets and file contents (and the fields in `flags`), and no extra
 * paths. Paths listed in `ignore` (NULL-terminated, exact, may be NULL) are
 * skipped in both. Returns 0 when the walk itself worked.
 */
int fscompare(awp_fs *expected, awp_fs *actual, unsigned flags, const char *const *ignore,
	      fscompare_result *out);

/** Run a shell command; returns its exit status (-1 if it could not run). */
int test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Make a fresh temporary directory (removed by test_rmtree); returns its path (static buffer per call slot). */
char *test_tmpdir(void);
void test_rmtree(const char *path);

#endif
