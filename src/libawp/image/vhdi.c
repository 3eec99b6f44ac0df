/*
 * image/vhdi.c - VHD (fixed, dynamic, differencing) and VHDX through libvhdi.
 * Differencing disks are chained to their parent file (VHD parent locator,
 * VHDX parent_locator "relative_path"/"absolute_win32_path") with the loop
 * and depth checks of image/chain.c; Windows separators are turned into '/'.
 *
 * libvhdi handles are not thread safe: thread_safe = 0, the core serialises.
 */
#include "image/image_int.h"

#include "util/error.h"
#include "util/mem.h"
#include "util/yal_dl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vhdi {
	libvhdi_file_t *f[AWP_MAX_IMAGE_CHAIN + 1]; /* f[0] is the image, then parents */
	int n;
	char *path;
	const char *format;
};

static int yal(int code, const char *format, const char *path, libvhdi_error_t **e)
{
	char msg[AWP_YAL_MSG_MAX] = "";
	if (*e)
		libvhdi_error_sprint(*e, msg, sizeof msg);
	libvhdi_error_free(e);
	char what[1100];
	snprintf(what, sizeof what, "%s %s", format, path);
	return awp_image_yal_error(code, what, msg);
}

static int vhdi_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct vhdi *v = ctx;
	char *p = buf;
	while (len > 0) {
		libvhdi_error_t *e = NULL;
		ssize_t n = libvhdi_file_read_buffer_at_offset(v->f[0], p, len, (off64_t)off, &e);
		if (n < 0)
			return yal(AWP_ECORRUPT, v->format, v->path, &e);
		if (n == 0)
			return awp_error_set(AWP_ECORRUPT, "%s %s: short read at offset %llu", v->format, v->path,
					     (unsigned long long)off);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static void vhdi_close(void *ctx)
{
	struct vhdi *v = ctx;
	for (int i = 0; i < v->n; i++) {
		libvhdi_file_close(v->f[i], NULL);
		libvhdi_file_free(&v->f[i], NULL);
	}
	free(v->path);
	free(v);
}

static const awp_source_ops vhd_ops = {
	.version = AWP_SOURCE_OPS_VERSION, .format = "vhd", .thread_safe = 0,
	.read = vhdi_read, .close = vhdi_close,
};
static const awp_source_ops vhdx_ops = {
	.version = AWP_SOURCE_OPS_VERSION, .format = "vhdx", .thread_safe = 0,
	.read = vhdi_read, .close = vhdi_close,
};

static int open_one(struct vhdi *v, const char *path)
{
	int lerr = awp_vhdi_load();
	if (lerr < 0)
		return lerr;
	libvhdi_error_t *e = NULL;
	libvhdi_file_t *f = NULL;
	if (libvhdi_file_initialize(&f, &e) != 1)
		return yal(AWP_ENOMEM, v->format, path, &e);
	if (libvhdi_file_open(f, path, LIBVHDI_OPEN_READ, &e) != 1) {
		int err = yal(AWP_ECORRUPT, v->format, path, &e);
		libvhdi_file_free(&f, NULL);
		return err;
	}
	v->f[v->n++] = f;
	return 0;
}

/* The parent of a differencing disk, or NULL with *err = 0 when it has none. */
static char *parent_name(struct vhdi *v, libvhdi_file_t *f, const char *path, int *err)
{
	libvhdi_error_t *e = NULL;
	uint32_t type = 0;
	*err = 0;
	if (libvhdi_file_get_disk_type(f, &type, &e) != 1) {
		*err = yal(AWP_ECORRUPT, v->format, path, &e);
		return NULL;
	}
	if (type != LIBVHDI_DISK_TYPE_DIFFERENTIAL)
		return NULL;
	size_t size = 0;
	int r = libvhdi_file_get_utf8_parent_filename_size(f, &size, &e);
	if (r < 0) {
		*err = yal(AWP_ECORRUPT, v->format, path, &e);
		return NULL;
	}
	if (r == 0 || size <= 1) {
		*err = awp_error_set(AWP_ECORRUPT, "%s %s: differencing disk names no parent file", v->format, path);
		return NULL;
	}
	if (size > AWP_MAX_BACKING_NAME + 1) {
		*err = awp_error_set(AWP_ECORRUPT, "%s %s: parent file name is too long", v->format, path);
		return NULL;
	}
	char *name = awp_malloc(size);
	if (!name) {
		*err = AWP_ENOMEM;
		return NULL;
	}
	if (libvhdi_file_get_utf8_parent_filename(f, (uint8_t *)name, size, &e) != 1) {
		*err = yal(AWP_ECORRUPT, v->format, path, &e);
		free(name);
		return NULL;
	}
	for (char *p = name; *p; p++) {
		if (*p == '\\')
			*p = '/';
	}
	/* A Windows absolute path ("C:/vms/base.vhd") means nothing here: look
	 * for the file name next to the child, as Hyper-V's relative locator would. */
	if (((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z') && name[1] == ':') {
		const char *base = strrchr(name, '/');
		memmove(name, base ? base + 1 : name + 2, strlen(base ? base + 1 : name + 2) + 1);
	}
	return name;
}

int awp_image_open_vhdi(awp_source **out, const char *path, const char *format, const awp_image_chain *chain)
{
	struct vhdi *v = awp_calloc(1, sizeof(*v));
	if (!v)
		return AWP_ENOMEM;
	v->format = strcmp(format, "vhdx") == 0 ? "vhdx" : "vhd";
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
		char *pname = parent_name(v, v->f[v->n - 1], cur, &err);
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
			err = awp_error_set(AWP_ELIMIT, "%s %s: parent chain is deeper than %d images", v->format, path,
					    AWP_MAX_IMAGE_CHAIN);
			goto fail;
		}
		if ((err = awp_image_chain_push(&links[v->n], top, cur)) < 0)
			goto fail;
		top = &links[v->n];
		if ((err = open_one(v, cur)) < 0)
			goto fail;
		libvhdi_error_t *e = NULL;
		if (libvhdi_file_set_parent_file(v->f[v->n - 2], v->f[v->n - 1], &e) != 1) {
			err = yal(AWP_ECORRUPT, v->format, cur, &e);
			goto fail;
		}
	}
	libvhdi_error_t *e = NULL;
	size64_t media = 0;
	if (libvhdi_file_get_media_size(v->f[0], &media, &e) != 1) {
		err = yal(AWP_ECORRUPT, v->format, path, &e);
		goto fail;
	}
	free(cur);
	return awp_source_new(out, v->format[3] == 'x' ? &vhdx_ops : &vhd_ops, v, media, path);
fail:
	free(cur);
	vhdi_close(v);
	return err;
}
