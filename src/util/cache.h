/*
 * util/cache.h - awp's per-user cache directory, where compiled rule sets
 * (YARA, Hyperscan) are kept between runs so that a scan does not pay their
 * compile time again. A cache entry is a file named by a digest of what it
 * was built from; it is written to a temporary name and renamed, so a reader
 * sees a whole entry or none, and a bad entry is rebuilt, never trusted
 * beyond its own format checks.
 */
#ifndef AWP_UTIL_CACHE_H
#define AWP_UTIL_CACHE_H

#include <stddef.h>

/** The cache directory into buf: `opt` when not NULL, else $AWP_CACHE_DIR,
 *  else $XDG_CACHE_HOME/awp, else $HOME/.cache/awp. 0 when there is none
 *  (no HOME) or `opt` is "" (cache disabled), else 1. */
int awp_cache_dir(char *buf, size_t cap, const char *opt);
/** mkdir -p with mode 0700; 0 or -1 (errno set). */
int awp_cache_mkdir(const char *dir);
/** Create `path` through `write(tmp, arg)` on a temporary name in the same
 *  directory and rename it into place; on failure nothing is left behind.
 *  0 or -1. */
int awp_cache_write_atomic(const char *path, int (*write)(const char *tmp, void *arg), void *arg);

#endif
