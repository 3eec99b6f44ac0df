/*
 * awp/source.h - a readable byte range: a disk image, a block device, a
 * partition or logical volume inside one, or a cloud snapshot.
 *
 * Every layer above (volumes, filesystems) reads through this interface, so a
 * filesystem reader does not know whether it sits on a raw file, a qcow2
 * image or an LVM volume inside a vmdk. Sources are reference counted: a
 * slice keeps its parent alive. Reads are safe from several threads.
 */
#ifndef AWP_SOURCE_H
#define AWP_SOURCE_H

#include <awp/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awp_source awp_source;

/**
 * Open an image file or block device at `path`. The format (raw, qcow2,
 * vmdk, vhd, vhdx) is detected from magic bytes, never from the file name.
 * qcow2 backing files are opened relative to the image's directory.
 *
 * @param out   receives the source; free with awp_source_free()
 * @return 0, AWP_ENOTFOUND, AWP_EIO, AWP_EUNSUPPORTED (e.g. zstd qcow2),
 *         AWP_ECORRUPT (damaged header)
 */
AWP_EXTERN int awp_source_open(awp_source **out, const char *path);

/**
 * Read exactly `len` bytes at `offset`. A range that extends past the end of
 * the source fails with AWP_ECORRUPT (callers read on-disk offsets, so such a
 * read means the structure pointing there is damaged).
 */
AWP_EXTERN int awp_source_read(awp_source *src, void *buf, size_t len, uint64_t offset);

/** Size in bytes (the virtual size for sparse/compressed image formats). */
AWP_EXTERN uint64_t awp_source_size(const awp_source *src);

/** Format name: "raw", "block-device", "qcow2", "vmdk", "vhd", "vhdx", "slice", "lvm", ... */
AWP_EXTERN const char *awp_source_format(const awp_source *src);

/** A human name used in messages: the path, or "disk.img p1". */
AWP_EXTERN const char *awp_source_name(const awp_source *src);

/**
 * A sub-range [offset, offset+length) of `parent` as a source of its own
 * (a partition). Fails with AWP_ECORRUPT when the range is outside parent.
 * The slice holds a reference to parent.
 */
AWP_EXTERN int awp_source_slice(awp_source **out, awp_source *parent, uint64_t offset,
				uint64_t length, const char *name);

/** Take another reference. */
AWP_EXTERN awp_source *awp_source_ref(awp_source *src);

/** Drop a reference; the last one closes the source. NULL is a no-op. */
AWP_EXTERN void awp_source_free(awp_source *src);

/** Bytes read through this source so far (for benchmarks and progress). */
AWP_EXTERN uint64_t awp_source_bytes_read(const awp_source *src);

#ifdef __cplusplus
}
#endif
#endif
