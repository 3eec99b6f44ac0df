/*
 * image/source.c - the source object: reference counting, range checks,
 * serialisation of backends that are not thread safe, and slices.
 *
 * Invariant: a backend's read() is only called with a range inside the
 * source, so backends never see an out-of-range request from a damaged
 * partition table or filesystem.
 */
#include <awp/sys/source.h>

#include "util/error.h"
#include "util/mem.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct awp_source {
	atomic_int refs;
	const awp_source_ops *ops;
	void *ctx;
	uint64_t size;
	char *name;
	pthread_mutex_t lock;
	atomic_uint_fast64_t bytes_read;
};

AWP_EXTERN int awp_source_new(awp_source **out, const awp_source_ops *ops, void *ctx,
			      uint64_t size, const char *name)
{
	awp_source *s = awp_calloc(1, sizeof(*s));
	char *n = awp_strdup(name ? name : "?");
	if (!s || !n) {
		free(s);
		free(n);
		ops->close(ctx);
		return AWP_ENOMEM;
	}
	atomic_init(&s->refs, 1);
	s->ops = ops;
	s->ctx = ctx;
	s->size = size;
	s->name = n;
	atomic_init(&s->bytes_read, 0);
	pthread_mutex_init(&s->lock, NULL);
	*out = s;
	return 0;
}

AWP_EXTERN void *awp_source_backend(const awp_source *src, const awp_source_ops *ops)
{
	return src && src->ops == ops ? src->ctx : NULL;
}

AWP_EXTERN int awp_source_read(awp_source *src, void *buf, size_t len, uint64_t offset)
{
	if (len == 0)
		return 0;
	if (offset > src->size || len > src->size - offset)
		return awp_error_set(AWP_ECORRUPT, "%s: read of %zu bytes at offset %llu is beyond its end (%llu bytes)",
				     src->name, len, (unsigned long long)offset, (unsigned long long)src->size);
	int err;
	if (src->ops->thread_safe) {
		err = src->ops->read(src->ctx, buf, len, offset);
	} else {
		pthread_mutex_lock(&src->lock);
		err = src->ops->read(src->ctx, buf, len, offset);
		pthread_mutex_unlock(&src->lock);
	}
	if (err >= 0)
		atomic_fetch_add(&src->bytes_read, len);
	return err;
}

AWP_EXTERN uint64_t awp_source_size(const awp_source *src)
{
	return src->size;
}

AWP_EXTERN const char *awp_source_format(const awp_source *src)
{
	return src->ops->format;
}

AWP_EXTERN const char *awp_source_name(const awp_source *src)
{
	return src->name;
}

AWP_EXTERN uint64_t awp_source_bytes_read(const awp_source *src)
{
	return atomic_load(&((awp_source *)src)->bytes_read);
}

AWP_EXTERN awp_source *awp_source_ref(awp_source *src)
{
	atomic_fetch_add(&src->refs, 1);
	return src;
}

AWP_EXTERN void awp_source_free(awp_source *src)
{
	if (!src || atomic_fetch_sub(&src->refs, 1) != 1)
		return;
	src->ops->close(src->ctx);
	pthread_mutex_destroy(&src->lock);
	free(src->name);
	free(src);
}

/* --- slices ------------------------------------------------------------ */

struct slice {
	awp_source *parent;
	uint64_t offset;
};

static int slice_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct slice *s = ctx;
	return awp_source_read(s->parent, buf, len, s->offset + off);
}

static void slice_close(void *ctx)
{
	struct slice *s = ctx;
	awp_source_free(s->parent);
	free(s);
}

static const awp_source_ops slice_ops = {
	.version = AWP_SOURCE_OPS_VERSION,
	.format = "slice",
	.thread_safe = 1, /* the parent serialises if it must */
	.read = slice_read,
	.close = slice_close,
};

AWP_EXTERN int awp_source_slice(awp_source **out, awp_source *parent, uint64_t offset,
				uint64_t length, const char *name)
{
	if (offset > parent->size || length > parent->size - offset)
		return awp_error_set(AWP_ECORRUPT, "%s: range of %llu bytes at offset %llu is outside the disk (%llu bytes)",
				     name ? name : parent->name, (unsigned long long)length,
				     (unsigned long long)offset, (unsigned long long)parent->size);
	struct slice *s = awp_calloc(1, sizeof(*s));
	if (!s)
		return AWP_ENOMEM;
	s->parent = awp_source_ref(parent);
	s->offset = offset;
	return awp_source_new(out, &slice_ops, s, length, name);
}
