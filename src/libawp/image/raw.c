/*
 * image/raw.c - raw image files and block devices, read with pread(2).
 */
#include "image/image_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

struct raw {
	int fd;
	char *path;
};

static int raw_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct raw *r = ctx;
	char *p = buf;
	while (len > 0) {
		ssize_t n = pread(r->fd, p, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return awp_error_errno(errno, "%s: read at offset %llu", r->path, (unsigned long long)off);
		}
		if (n == 0)
			return awp_error_set(AWP_EIO, "%s: unexpected end of file at offset %llu (file shrank?)",
					     r->path, (unsigned long long)off);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static void raw_close(void *ctx)
{
	struct raw *r = ctx;
	close(r->fd);
	free(r->path);
	free(r);
}

static const awp_source_ops raw_ops = {
	.version = AWP_SOURCE_OPS_VERSION, .format = "raw", .thread_safe = 1,
	.read = raw_read, .close = raw_close,
};

static const awp_source_ops blockdev_ops = {
	.version = AWP_SOURCE_OPS_VERSION, .format = "block-device", .thread_safe = 1,
	.read = raw_read, .close = raw_close,
};

int awp_image_open_raw(awp_source **out, int fd, const char *path, int is_block_device)
{
	off_t end = lseek(fd, 0, SEEK_END);
	if (end < 0) {
		int err = awp_error_errno(errno, "%s: cannot determine size", path);
		close(fd);
		return err;
	}
	struct raw *r = awp_calloc(1, sizeof(*r));
	char *p = awp_strdup(path);
	if (!r || !p) {
		free(r);
		free(p);
		close(fd);
		return AWP_ENOMEM;
	}
	r->fd = fd;
	r->path = p;
	return awp_source_new(out, is_block_device ? &blockdev_ops : &raw_ops, r, (uint64_t)end, path);
}
