/*
 * image/image_int.h - private to the image module: one open function per backend.
 * image/open.c is the only place that knows the list and picks one by the
 * image's magic bytes.
 */
#ifndef AWP_IMAGE_INT_H
#define AWP_IMAGE_INT_H

#include <awp/sys/source.h>

#include <sys/types.h>

/* libyal error objects all print with <lib>_error_sprint into a buffer; the
 * backends do that into a char[512] and pass it to awp_image_yal_error(). */
#define AWP_YAL_MSG_MAX 512

/* Limits on what an image header may make us do. */
/** Backing/parent chains longer than this are refused (a loop or an attack; real chains are short). */
#define AWP_MAX_IMAGE_CHAIN 16
/** qemu itself refuses backing file names longer than 1023 bytes. */
#define AWP_MAX_BACKING_NAME 1023
/** qcow2 L1 table: qemu caps it at 32 MiB (QCOW_MAX_L1_SIZE). */
#define AWP_MAX_QCOW2_L1_BYTES (32u << 20)
/** qcow2 cluster_bits range allowed by the spec (512 B .. 2 MiB). */
#define AWP_MIN_QCOW2_CLUSTER_BITS 9
#define AWP_MAX_QCOW2_CLUSTER_BITS 21

/**
 * The files already opened above the one being opened (a backing chain),
 * innermost last; used to detect loops and cap the depth. NULL for a
 * top-level open.
 */
typedef struct awp_image_chain {
	const struct awp_image_chain *child; /* the image that named this one */
	dev_t dev;
	ino_t ino;
	int depth; /* 0 for the image the user opened */
} awp_image_chain;

/**
 * Detect the format of `path` and open it as the backing file of `chain`'s
 * innermost image (NULL for a top-level open). Fails with AWP_ELIMIT on a
 * loop or a chain deeper than AWP_MAX_IMAGE_CHAIN.
 */
int awp_image_open_chained(awp_source **out, const char *path, const awp_image_chain *chain);

/**
 * Check `path` against `chain` (loop, depth) and fill `self` as the new
 * innermost link. Returns 0, AWP_ELIMIT or an errno-based code.
 */
int awp_image_chain_push(awp_image_chain *self, const awp_image_chain *chain, const char *path);

/** Turn a libyal error into awp_error_set(code, "<what>: <libyal message>") and free it. */
int awp_image_yal_error(int code, const char *what, char *msg);

/**
 * Resolve a backing/parent file name stored in `image_path`: absolute names
 * are used as they are, relative ones are taken relative to the directory
 * of image_path. Returns a newly allocated string or NULL (AWP_ENOMEM).
 */
char *awp_image_resolve_path(const char *image_path, const char *name);

/** Raw file or block device; takes ownership of fd. */
int awp_image_open_raw(awp_source **out, int fd, const char *path, int is_block_device);
/** qcow2 v2/v3 through libqcow, with its backing chain. */
int awp_image_open_qcow2(awp_source **out, const char *path, const awp_image_chain *chain);
/** VMDK (monolithic sparse, streamOptimized, descriptor + extents) through libvmdk. */
int awp_image_open_vmdk(awp_source **out, const char *path, const awp_image_chain *chain);
/** VHD (fixed, dynamic, differencing) and VHDX through libvhdi. */
int awp_image_open_vhdi(awp_source **out, const char *path, const char *format,
			const awp_image_chain *chain);

#endif
