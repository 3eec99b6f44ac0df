/*
 * fs/fs_int.h - private to the fs module.
 */
#ifndef AWP_FS_INT_H
#define AWP_FS_INT_H

#include <awp/sys/fs.h>

#include "util/arena.h"
#include "util/strmap.h"

struct awp_fs {
	const awp_fs_ops *ops;
	void *ctx;
	awp_source *src;      /* reference held; NULL for a host directory */
	char *name;
	awp_fs_info info;
	uint64_t root_ino;
	size_t walk_errors;   /* errors reported by the last walk */
	/* Names of the directories looked up last (backends without a lookup
	 * op): callers such as the dpkg reader look up many names in one
	 * directory, and a scan per name would be quadratic. */
	struct dir_cache {
		uint64_t dir;
		int valid;
		awp_strmap map;
		awp_arena arena;
	} cache[8];           /* path lookups walk several directories in turn */
	unsigned cache_next;  /* round-robin victim */
};

/* Directories larger than this are scanned per lookup rather than cached. */
#define AWP_FS_DIR_CACHE_MAX 200000

struct awp_file {
	awp_fs *fs;
	void *fh;
	uint64_t ino;
	uint64_t size;
};

/* Find `name` in directory `dir` of `fs` (the backend's lookup or the
 * cached directory scan): 0, AWP_ENOTFOUND. For layered backends (mounts.c). */
int awp_fs_child(awp_fs *fs, uint64_t dir, const char *name, uint64_t *ino);

/* Hard cap on symlinks followed in one lookup, as Linux (ELOOP at 40). */
#define AWP_FS_MAX_SYMLINKS 40
/* Longest path awp builds; deeper trees are reported, not followed. */
#define AWP_FS_MAX_PATH 4096

#endif
