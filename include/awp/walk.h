/*
 * awp/walk.h - visit every file of a filesystem once.
 *
 * The walker goes depth first in name order (so output is stable), reports
 * every entry (files, directories, symlinks, device nodes, sockets, fifos),
 * never follows symlinks, visits a directory at most once even when a damaged
 * filesystem makes it loop, and marks the second and later names of a hard
 * link so that content is read once. A directory that cannot be read is
 * reported through on_error and the walk goes on.
 */
#ifndef AWP_WALK_H
#define AWP_WALK_H

#include <awp/fs.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awp_walk_entry {
	const char *path;    /**< absolute path inside the filesystem */
	const char *name;    /**< last component ("/" for the root) */
	awp_stat st;
	unsigned depth;      /**< 0 for the start directory */
	/** Nonzero when this inode was already reported under another name
	 *  (a hard link): its content need not be read again. */
	int hardlink_repeat;
} awp_walk_entry;

/** Skip the subtree of the directory just reported. */
#define AWP_WALK_SKIP 1

/** Return 0 to go on, AWP_WALK_SKIP to skip a directory's contents, <0 to abort. */
typedef int (*awp_walk_cb)(awp_fs *fs, const awp_walk_entry *e, void *payload);
/** Called for a path that could not be read; the walk continues. */
typedef void (*awp_walk_error_cb)(const char *path, int code, const char *message, void *payload);

#define AWP_WALK_OPTIONS_VERSION 1
typedef struct awp_walk_options {
	int version;
	const char *start;            /**< path to start at; NULL = "/" */
	unsigned max_depth;           /**< 0 = default limit (AWP_WALK_MAX_DEPTH) */
	awp_walk_error_cb on_error;   /**< may be NULL */
	void *error_payload;
} awp_walk_options;
#define AWP_WALK_OPTIONS_INIT {AWP_WALK_OPTIONS_VERSION, NULL, 0, NULL, NULL}

/** Default and hard depth limit. */
#define AWP_WALK_MAX_DEPTH 512

/**
 * Walk from opts->start. Returns 0 when the walk completed (errors on single
 * paths went to on_error), the callback's negative value when it aborted, or
 * an error when the start could not be read.
 */
AWP_EXTERN int awp_fs_walk(awp_fs *fs, const awp_walk_options *opts, awp_walk_cb cb, void *payload);

/** Number of errors reported by the last walk on this handle. */
AWP_EXTERN size_t awp_fs_walk_errors(const awp_fs *fs);

#ifdef __cplusplus
}
#endif
#endif
