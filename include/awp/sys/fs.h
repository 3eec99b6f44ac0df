/*
 * awp/sys/fs.h - for authors of filesystem backends.
 *
 * A backend works on inode numbers only; path resolution, symlink policy,
 * loop detection and the walker live in fs/fs.c and fs/walk.c, once for all.
 */
#ifndef AWP_SYS_FS_H
#define AWP_SYS_FS_H

#include <awp/fs.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AWP_FS_OPS_VERSION 1

typedef struct awp_fs_ops {
	int version;          /**< AWP_FS_OPS_VERSION */
	const char *type;     /**< "ext4", ... (the probe may refine it in info) */
	/** 1 if `src` holds this filesystem (cheap: superblock magic only). */
	int (*probe)(awp_source *src);
	/** Open; fill *info (strings owned by ctx) and the root inode. */
	int (*open)(void **ctx, awp_source *src, const char *name, awp_fs_info *info, uint64_t *root_ino);
	void (*close)(void *ctx);
	int (*stat)(void *ctx, uint64_t ino, awp_stat *out);
	/** Call cb for every entry except "." and ".."; stop when cb returns nonzero
	 *  and return that value. */
	int (*readdir)(void *ctx, uint64_t dir_ino, awp_dirent_cb cb, void *payload);
	/** Target of a symlink into a new string. */
	int (*readlink)(void *ctx, uint64_t ino, char **out);
	/** Open a regular file for reads (may cache its extent map in *fh). */
	int (*file_open)(void *ctx, uint64_t ino, void **fh, uint64_t *size);
	/** Read up to len bytes at off (< size); holes are zeros. */
	int (*file_read)(void *fh, void *buf, size_t len, uint64_t off, size_t *nread);
	void (*file_close)(void *fh);
	/** Optional (NULL: the core scans readdir): find `name` in a directory.
	 *  Return AWP_ENOTFOUND when absent. */
	int (*lookup)(void *ctx, uint64_t dir_ino, const char *name, uint64_t *ino);
} awp_fs_ops;

/* The backends (probe order is the order of the list in fs/fs.c). */
extern const awp_fs_ops awp_fs_ext_ops;
extern const awp_fs_ops awp_fs_xfs_ops;
extern const awp_fs_ops awp_fs_vfat_ops;
extern const awp_fs_ops awp_fs_dir_ops;

#ifdef __cplusplus
}
#endif
#endif
