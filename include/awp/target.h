/*
 * awp/target.h - what the user names on the command line: a disk image, a
 * block device or a host directory, opened down to its filesystems.
 *
 * Opening a target finds every volume, opens a filesystem on each one awp can
 * read, and records for every other volume why it was not read. The root
 * filesystem is the one holding /etc/os-release (or /usr/lib/os-release).
 */
#ifndef AWP_TARGET_H
#define AWP_TARGET_H

#include <awp/fs.h>
#include <awp/source.h>
#include <awp/volume.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awp_target awp_target;

typedef enum awp_volume_status {
	AWP_VOLUME_READ = 0,   /**< a filesystem was opened */
	AWP_VOLUME_SKIPPED,    /**< nothing awp reads (swap, BIOS boot, LVM PV, unsupported fs, encrypted) */
	AWP_VOLUME_FAILED,     /**< awp should read it but could not (damaged) */
} awp_volume_status;

/** One volume of a target; strings borrowed from the target. */
typedef struct awp_target_volume {
	const char *name;          /**< "p1", "vg0/root", "disk", or "dir" */
	const awp_volume *volume;  /**< NULL for a directory target */
	awp_fs *fs;                /**< NULL unless status is AWP_VOLUME_READ */
	awp_volume_status status;
	const char *reason_code;   /**< "" when read */
	const char *reason;        /**< "" when read */
	int is_root;
} awp_target_volume;

/**
 * Open `path`: a directory is read as a host directory, anything else as an
 * image or block device (format from magic bytes).
 * @return 0 when the target itself could be opened (even if no volume was
 *         readable: check awp_target_readable_count), or the error
 */
AWP_EXTERN int awp_target_open(awp_target **out, const char *path);
/**
 * Open a source the caller already has (e.g. an EBS snapshot read with a
 * client of the caller's) down to its filesystems, as awp_target_open does
 * for a path. The target takes a reference on src; `name` (NULL: the
 * source's name) is the target's path in messages.
 */
AWP_EXTERN int awp_target_open_source(awp_target **out, awp_source *src, const char *name);
AWP_EXTERN void awp_target_free(awp_target *t);

/** "directory", or the source format ("raw", "qcow2", ...). */
AWP_EXTERN const char *awp_target_format(const awp_target *t);
AWP_EXTERN const char *awp_target_path(const awp_target *t);
/** The image's source and volumes (NULL for a directory). */
AWP_EXTERN awp_source *awp_target_source(const awp_target *t);
AWP_EXTERN awp_disk *awp_target_disk(const awp_target *t);

AWP_EXTERN size_t awp_target_volume_count(const awp_target *t);
AWP_EXTERN const awp_target_volume *awp_target_volume_get(const awp_target *t, size_t i);
/** Number of volumes with an open filesystem. */
AWP_EXTERN size_t awp_target_readable_count(const awp_target *t);
/** The root volume's index, or -1 when no readable volume has os-release. */
AWP_EXTERN int awp_target_root(const awp_target *t);

/**
 * Pick a filesystem: by volume name (`name` non-NULL: "p1", "vg0/root",
 * also the partition number "1" or the filesystem label), else the root,
 * else the only/first readable one.
 * @return the filesystem (borrowed) or NULL with the message set
 */
AWP_EXTERN awp_fs *awp_target_pick_fs(const awp_target *t, const char *name);

#ifdef __cplusplus
}
#endif
#endif
