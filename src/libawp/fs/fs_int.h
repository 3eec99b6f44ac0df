/*
 * fs/fs_int.h - private to the fs module.
 */
#ifndef AWP_FS_INT_H
#define AWP_FS_INT_H

#include <awp/sys/fs.h>

struct awp_fs {
	const awp_fs_ops *ops;
	void *ctx;
	awp_source *src;      /* reference held; NULL for a host directory */
	char *name;
	awp_fs_info info;
	uint64_t root_ino;
	size_t walk_errors;   /* errors reported by the last walk */
};

struct awp_file {
	awp_fs *fs;
	void *fh;
	uint64_t ino;
	uint64_t size;
};

/* Hard cap on symlinks followed in one lookup, as Linux (ELOOP at 40). */
#define AWP_FS_MAX_SYMLINKS 40
/* Longest path awp builds; deeper trees are reported, not followed. */
#define AWP_FS_MAX_PATH 4096

#endif
