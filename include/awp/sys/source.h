/*
 * awp/sys/source.h - for authors of source backends (image formats, volume
 * managers, cloud snapshots).
 */
#ifndef AWP_SYS_SOURCE_H
#define AWP_SYS_SOURCE_H

#include <awp/source.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AWP_SOURCE_OPS_VERSION 1

typedef struct awp_source_ops {
	int version;            /**< AWP_SOURCE_OPS_VERSION */
	const char *format;     /**< "qcow2", ... */
	/** Nonzero when read() may be called from several threads at once;
	 *  otherwise the core serialises calls with a mutex. */
	int thread_safe;
	/** Read exactly len bytes at off (the core has checked the range). */
	int (*read)(void *ctx, void *buf, size_t len, uint64_t off);
	/** Release ctx. */
	void (*close)(void *ctx);
} awp_source_ops;

/**
 * Wrap a backend context as a source of `size` bytes. On failure ctx is
 * closed with ops->close. `name` is copied.
 */
AWP_EXTERN int awp_source_new(awp_source **out, const awp_source_ops *ops, void *ctx,
			      uint64_t size, const char *name);

/** The backend context of `src` when it was made with `ops`, else NULL
 *  (lets a backend offer its own calls, e.g. statistics). */
AWP_EXTERN void *awp_source_backend(const awp_source *src, const awp_source_ops *ops);

#ifdef __cplusplus
}
#endif
#endif
