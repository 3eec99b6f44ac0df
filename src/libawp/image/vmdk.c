/*
 * image/vmdk.c - VMDK images through libvmdk: monolithicSparse,
 * streamOptimized (AWS/VMware exports), and descriptor files with flat or
 * sparse extent files next to them; delta disks are chained to their parent
 * (parentFileNameHint) with the loop and depth checks of image/chain.c.
 *
 * Extent file names come from the descriptor and are resolved by libvmdk
 * relative to the descriptor's directory.
 *
 * libvmdk handles are not thread safe: thread_safe = 0, the core serialises.
 */
#include "image/image_int.h"

#include "util/error.h"
#include "util/mem.h"
#include "util/yal_dl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct vmdk {
	libvmdk_handle_t *h[AWP_MAX_IMAGE_CHAIN + 1]; /* h[0] is the image, then parents */
	int n;
	char *path;
};

static int yal(int code, const char *path, libvmdk_error_t **e)
{
	char msg[AWP_YAL_MSG_MAX] = "";
	if (*e)
		libvmdk_error_sprint(*e, msg, sizeof msg);
	libvmdk_error_free(e);
	char what[1100];
	snprintf(what, sizeof what, "vmdk %s", path);
	return awp_image_yal_error(code, what, msg);
}

static int vmdk_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct vmdk *v = ctx;
	char *p = buf;
	while (len > 0) {
		libvmdk_error_t *e = NULL;
		ssize_t n = libvmdk_handle_read_buffer_at_offset(v->h[0], p, len, (off64_t)off, &e);
		if (n < 0)
			return yal(AWP_ECORRUPT, v->path, &e);
		if (n == 0)
			return awp_error_set(AWP_ECORRUPT, "vmdk %s: short read at offset %llu", v->path,
					     (unsigned long long)off);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static void vmdk_close(void *ctx)
{
	struct vmdk *v = ctx;
	for (int i = 0; i < v->n; i++) {
		libvmdk_handle_close(v->h[i], NULL);
		libvmdk_handle_free(&v->h[i], NULL);
	}
	free(v->path);
	free(v);
}

static const awp_source_ops vmdk_ops = {
	.version = AWP_SOURCE_OPS_VERSION, .format = "vmdk", .thread_safe = 0,
	.read = vmdk_read, .close = vmdk_close,
};

/* Name of the only extent of h when it is a sparse one, else NULL. */
static char *single_sparse_extent(libvmdk_handle_t *h)
{
	libvmdk_error_t *e = NULL;
	libvmdk_extent_descriptor_t *x = NULL;
	int n = 0, type = 0;
	size_t size = 0;
	char *name = NULL;
	if (libvmdk_handle_get_number_of_extents(h, &n, &e) != 1 || n != 1 ||
	    libvmdk_handle_get_extent_descriptor(h, 0, &x, &e) != 1)
		goto done;
	if (libvmdk_extent_descriptor_get_type(x, &type, &e) != 1 || type != LIBVMDK_EXTENT_TYPE_SPARSE ||
	    libvmdk_extent_descriptor_get_utf8_filename_size(x, &size, &e) != 1 || size < 2 || size > 4096)
		goto done;
	if ((name = malloc(size)) && libvmdk_extent_descriptor_get_utf8_filename(x, (uint8_t *)name, size, &e) != 1) {
		free(name);
		name = NULL;
	}
done:
	libvmdk_error_free(&e);
	if (x)
		libvmdk_extent_descriptor_free(&x, NULL);
	return name;
}

/*
 * A monolithicSparse or streamOptimized file embeds a descriptor naming its
 * single extent: the file itself, under the name it was created with. After a
 * rename (an export downloaded as "i-123.vmdk") libvmdk looks for the old
 * name. libvmdk takes extent files only by name (the bfio pool entry point
 * is not usable with Debian's headers), so give it the old name: a symlink in
 * a private temporary directory, removed as soon as the extent is open.
 */
static int open_renamed_extent(libvmdk_handle_t *h, const char *path, const char *extent)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096], link[4200];
	snprintf(dir, sizeof dir, "%s/awp-vmdk-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return awp_error_errno(errno, "vmdk %s: cannot create a temporary directory", path);
	snprintf(link, sizeof link, "%s/%s", dir, extent);
	char *abs = realpath(path, NULL);
	int err = 0;
	if (!abs || symlink(abs, link) < 0) {
		err = awp_error_errno(errno, "vmdk %s: cannot link extent name %s", path, extent);
	} else {
		libvmdk_error_t *e = NULL;
		if (libvmdk_handle_set_extent_data_files_path(h, dir, strlen(dir), &e) != 1 ||
		    libvmdk_handle_open_extent_data_files(h, &e) != 1)
			err = yal(AWP_ECORRUPT, path, &e);
		unlink(link);
	}
	free(abs);
	rmdir(dir);
	return err;
}

/* Open `path` as v->h[v->n] with its extent files. */
static int open_one(struct vmdk *v, const char *path)
{
	int lerr = awp_vmdk_load();
	if (lerr < 0)
		return lerr;
	libvmdk_error_t *e = NULL;
	libvmdk_handle_t *h = NULL;
	if (libvmdk_handle_initialize(&h, &e) != 1)
		return yal(AWP_ENOMEM, path, &e);
	if (libvmdk_handle_open(h, path, LIBVMDK_OPEN_READ, &e) != 1) {
		int err = yal(AWP_ECORRUPT, path, &e);
		libvmdk_handle_free(&h, NULL);
		return err;
	}
	v->h[v->n++] = h;
	char *extent = single_sparse_extent(h);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	int err = 0;
	if (extent && !strchr(extent, '/') && strcmp(extent, base) != 0 && strcmp(extent, "..") != 0 &&
	    strcmp(extent, ".") != 0) {
		/* Only when the file is the extent itself (embedded descriptor). */
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		char magic[4] = {0};
		if (fd >= 0 && pread(fd, magic, 4, 0) == 4 && memcmp(magic, "KDMV", 4) == 0) {
			close(fd);
			err = open_renamed_extent(h, path, extent);
			free(extent);
			return err;
		}
		if (fd >= 0)
			close(fd);
	}
	free(extent);
	if (libvmdk_handle_open_extent_data_files(h, &e) != 1)
		return yal(AWP_ECORRUPT, path, &e);
	return 0;
}

/* Parent file name of h (descriptor parentFileNameHint) or NULL with *err = 0 when none. */
static char *parent_name(libvmdk_handle_t *h, const char *path, int *err)
{
	libvmdk_error_t *e = NULL;
	size_t size = 0;
	*err = 0;
	int r = libvmdk_handle_get_utf8_parent_filename_size(h, &size, &e);
	if (r < 0) {
		*err = yal(AWP_ECORRUPT, path, &e);
		return NULL;
	}
	if (r == 0 || size <= 1)
		return NULL;
	if (size > AWP_MAX_BACKING_NAME + 1) {
		*err = awp_error_set(AWP_ECORRUPT, "vmdk %s: parent file name is too long", path);
		return NULL;
	}
	char *name = awp_malloc(size);
	if (!name) {
		*err = AWP_ENOMEM;
		return NULL;
	}
	if (libvmdk_handle_get_utf8_parent_filename(h, (uint8_t *)name, size, &e) != 1) {
		*err = yal(AWP_ECORRUPT, path, &e);
		free(name);
		return NULL;
	}
	return name;
}

int awp_image_open_vmdk(awp_source **out, const char *path, const awp_image_chain *chain)
{
	struct vmdk *v = awp_calloc(1, sizeof(*v));
	if (!v)
		return AWP_ENOMEM;
	int err = 0;
	char *cur = NULL;
	awp_image_chain links[AWP_MAX_IMAGE_CHAIN + 1];
	if (!(v->path = awp_strdup(path)) || !(cur = awp_strdup(path))) {
		err = AWP_ENOMEM;
		goto fail;
	}
	if ((err = open_one(v, path)) < 0)
		goto fail;
	const awp_image_chain *top = chain;
	for (;;) {
		char *pname = parent_name(v->h[v->n - 1], cur, &err);
		if (err < 0)
			goto fail;
		if (!pname)
			break;
		char *ppath = awp_image_resolve_path(cur, pname);
		free(pname);
		if (!ppath) {
			err = AWP_ENOMEM;
			goto fail;
		}
		free(cur);
		cur = ppath;
		if (v->n > AWP_MAX_IMAGE_CHAIN) {
			err = awp_error_set(AWP_ELIMIT, "vmdk %s: parent chain is deeper than %d images", path,
					    AWP_MAX_IMAGE_CHAIN);
			goto fail;
		}
		if ((err = awp_image_chain_push(&links[v->n], top, cur)) < 0)
			goto fail;
		top = &links[v->n];
		if ((err = open_one(v, cur)) < 0)
			goto fail;
		libvmdk_error_t *e = NULL;
		if (libvmdk_handle_set_parent_handle(v->h[v->n - 2], v->h[v->n - 1], &e) != 1) {
			err = yal(AWP_ECORRUPT, cur, &e);
			goto fail;
		}
	}
	libvmdk_error_t *e = NULL;
	size64_t media = 0;
	if (libvmdk_handle_get_media_size(v->h[0], &media, &e) != 1) {
		err = yal(AWP_ECORRUPT, path, &e);
		goto fail;
	}
	free(cur);
	return awp_source_new(out, &vmdk_ops, v, media, path);
fail:
	free(cur);
	vmdk_close(v);
	return err;
}
