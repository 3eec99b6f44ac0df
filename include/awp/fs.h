/*
 * awp/fs.h - read-only filesystems over a source, and a host directory.
 *
 * A filesystem handle reads straight from its source: nothing is mounted and
 * no privilege is needed. Paths are absolute inside the filesystem ("/etc/
 * passwd"). Symlinks are resolved inside the filesystem only: an absolute
 * target restarts at this filesystem's root, never at the host's, and ".."
 * never climbs above the root. A handle is not thread safe: open one handle
 * per thread (opening is cheap and they share the source).
 */
#ifndef AWP_FS_H
#define AWP_FS_H

#include <awp/common.h>
#include <awp/source.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awp_fs awp_fs;
typedef struct awp_file awp_file;

typedef enum awp_ftype {
	AWP_FT_UNKNOWN = 0,
	AWP_FT_REG,
	AWP_FT_DIR,
	AWP_FT_SYMLINK,
	AWP_FT_CHR,
	AWP_FT_BLK,
	AWP_FT_FIFO,
	AWP_FT_SOCK,
} awp_ftype;

typedef struct awp_stat {
	uint64_t ino;
	awp_ftype type;
	uint32_t mode;        /**< permission bits incl. setuid/setgid/sticky (07777) */
	uint32_t uid, gid;
	uint32_t nlink;
	uint64_t size;        /**< bytes (for symlinks: length of the target) */
	uint64_t allocated;   /**< bytes allocated on disk (0 when unknown); < size means sparse */
	int64_t mtime;        /**< seconds since the epoch */
	uint32_t mtime_nsec;
	uint32_t rdev_major, rdev_minor; /**< device nodes */
} awp_stat;

/** What a filesystem says about itself (strings borrowed from the handle). */
typedef struct awp_fs_info {
	const char *type;     /**< "ext4", "xfs", "vfat", "dir" */
	const char *label;    /**< "" when none */
	const char *uuid;     /**< canonical text form, "" when none */
	uint64_t size_bytes;  /**< filesystem size */
	uint64_t used_bytes;  /**< allocated bytes (0 when unknown) */
	uint32_t block_size;
	const char *warning;  /**< e.g. "journal needs recovery; read as-is", or NULL */
} awp_fs_info;

/**
 * Probe `src` and open the filesystem on it (ext2/3/4, XFS, vfat).
 * @param name  used in messages, e.g. "disk.raw p1"
 * @return 0, AWP_EUNSUPPORTED (not a filesystem awp reads: message says
 *         which, if known), AWP_ECORRUPT (recognised but damaged)
 */
AWP_EXTERN int awp_fs_open(awp_fs **out, awp_source *src, const char *name);

/** Open a directory of the host as a filesystem (for `awp ls DIR`). */
AWP_EXTERN int awp_fs_open_dir(awp_fs **out, const char *path);

/** One filesystem placed at a path of a mount table. */
typedef struct awp_fs_mount {
	const char *path;     /**< absolute: "/" (exactly one), "/var", "/opt/app" */
	awp_fs *fs;           /**< borrowed: must outlive the mount table */
} awp_fs_mount;

/**
 * A mount table as one filesystem: the tree of the "/" entry, with every
 * other entry's filesystem in place of the directory at its path (which
 * must exist in the filesystem it lies in, as for mount(2)). Symlinks
 * resolve across mounts, as on the running machine. Entries whose mount
 * point is missing or not a directory are left out; *placed (may be NULL)
 * receives one flag per entry (1 placed, 0 left out; "/" is always 1).
 * @return 0, AWP_EINVAL (no "/" entry, a relative path), AWP_ELIMIT (more
 *         than 64 entries), AWP_ENOMEM
 */
AWP_EXTERN int awp_fs_open_mounts(awp_fs **out, const awp_fs_mount *mounts, size_t n, const char *name,
				  int *placed);

/**
 * Name the filesystem type on `src` without opening it: "ext4", "xfs",
 * "vfat", "swap", "LVM2_member", "crypto_LUKS", "btrfs", ... or NULL.
 */
AWP_EXTERN const char *awp_fs_probe(awp_source *src);

/**
 * Open another handle on the same filesystem (same source, or the same host
 * directory), for another thread: handles are not thread safe.
 * @return 0, or the error of opening (AWP_ENOMEM, AWP_ECORRUPT, ...)
 */
AWP_EXTERN int awp_fs_reopen(awp_fs **out, const awp_fs *fs);

AWP_EXTERN void awp_fs_free(awp_fs *fs);
AWP_EXTERN const awp_fs_info *awp_fs_info_get(const awp_fs *fs);
/** The name given at open (for messages). */
AWP_EXTERN const char *awp_fs_name(const awp_fs *fs);

/**
 * Look up an absolute path. Intermediate symlinks are always followed
 * (inside the filesystem); the final one only when `follow` is nonzero.
 * @return 0, AWP_ENOTFOUND, AWP_ELIMIT (symlink loop), AWP_ECORRUPT
 */
AWP_EXTERN int awp_fs_lookup(awp_fs *fs, const char *path, int follow, awp_stat *out);

/** stat by inode number. */
AWP_EXTERN int awp_fs_stat(awp_fs *fs, uint64_t ino, awp_stat *out);

/** Read a symlink's target into a new string (caller frees). */
AWP_EXTERN int awp_fs_readlink(awp_fs *fs, uint64_t ino, char **out);

/** One directory entry ("." and ".." are never reported). */
typedef struct awp_dirent {
	const char *name;     /**< borrowed for the duration of the callback */
	uint64_t ino;
	awp_ftype type;       /**< may be AWP_FT_UNKNOWN: then stat the inode */
} awp_dirent;

/** Return 0 to continue, >0 to stop early (returned), <0 to abort. */
typedef int (*awp_dirent_cb)(const awp_dirent *ent, void *payload);

/** List a directory by inode. */
AWP_EXTERN int awp_fs_readdir(awp_fs *fs, uint64_t dir_ino, awp_dirent_cb cb, void *payload);

/** Open a regular file by inode for reading. */
AWP_EXTERN int awp_file_open(awp_file **out, awp_fs *fs, uint64_t ino);
/**
 * Read up to len bytes at off; *nread is 0 at end of file. Holes read as
 * zeros. A read that fails leaves a message naming the file.
 */
AWP_EXTERN int awp_file_read(awp_file *f, void *buf, size_t len, uint64_t off, size_t *nread);
AWP_EXTERN uint64_t awp_file_size(const awp_file *f);
AWP_EXTERN void awp_file_free(awp_file *f);

/** Read a whole small file into a NUL-terminated buffer, refusing files
 *  larger than max_size with AWP_ELIMIT. Caller frees *out. */
AWP_EXTERN int awp_fs_read_file(awp_fs *fs, const char *path, size_t max_size, char **out, size_t *out_len);

/** Human name of a file type: "file", "dir", "symlink", "char", "block", "fifo", "socket". */
AWP_EXTERN const char *awp_ftype_name(awp_ftype t);

#ifdef __cplusplus
}
#endif
#endif
