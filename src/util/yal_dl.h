/*
 * util/yal_dl.h - libqcow, libvmdk and libvhdi (libyal), each loaded the
 * first time an image of its format is opened.
 *
 * Why: linking the three (and the libbfio, libcdata... they pull in) cost
 * every awp process start-up time while a raw image never needs them: the
 * image format is detected from magic bytes first (image/open.c), so only a
 * qcow2, VMDK or VHD/VHDX image loads its library. Files that use one
 * include this header instead of <libqcow.h>, <libvmdk.h>, <libvhdi.h>; the
 * calls keep their names (macros below) and go through pointers that
 * awp_qcow_load() / awp_vmdk_load() / awp_vhdi_load() fill from the
 * versioned soname with dlopen (util/dl.h). libqcow_file_initialize,
 * libvmdk_handle_initialize and libvhdi_file_initialize load their library
 * themselves and return -1 (with an awp error message, *error left NULL)
 * when it is missing; every other call needs a handle those returned, and
 * the error functions accept the NULL error such a failure leaves. awp calls
 * no libbfio function directly.
 */
#ifndef AWP_UTIL_YAL_DL_H
#define AWP_UTIL_YAL_DL_H

#include <libqcow.h>
#include <libvhdi.h>
/* Debian's libvmdk-dev headers include <libbfio.h> when LIBVMDK_HAVE_BFIO is
 * set, but no libbfio-dev package ships it. We use no bfio entry point, so
 * load features.h first (it is include-guarded) and drop the switch. */
#include <libvmdk/features.h>
#undef LIBVMDK_HAVE_BFIO
#include <libvmdk.h>

/** Load one library once (thread safe). 0, or AWP_EUNSUPPORTED with a message. */
int awp_qcow_load(void);
int awp_vmdk_load(void);
int awp_vhdi_load(void);

typedef struct awp_qcow_api {
	int (*file_initialize)(libqcow_file_t **file, libqcow_error_t **error);
	int (*file_free)(libqcow_file_t **file, libqcow_error_t **error);
	int (*file_open)(libqcow_file_t *file, const char *filename, int access_flags, libqcow_error_t **error);
	int (*file_close)(libqcow_file_t *file, libqcow_error_t **error);
	ssize_t (*file_read_buffer_at_offset)(libqcow_file_t *file, void *buffer, size_t buffer_size, off64_t offset,
					      libqcow_error_t **error);
	int (*file_set_parent_file)(libqcow_file_t *file, libqcow_file_t *parent_file, libqcow_error_t **error);
	int (*file_get_media_size)(libqcow_file_t *file, size64_t *media_size, libqcow_error_t **error);
	int (*error_sprint)(libqcow_error_t *error, char *string, size_t size);
	void (*error_free)(libqcow_error_t **error);
} awp_qcow_api;
extern awp_qcow_api awp_qcow_fn;

typedef struct awp_vmdk_api {
	int (*handle_initialize)(libvmdk_handle_t **handle, libvmdk_error_t **error);
	int (*handle_free)(libvmdk_handle_t **handle, libvmdk_error_t **error);
	int (*handle_open)(libvmdk_handle_t *handle, const char *filename, int access_flags, libvmdk_error_t **error);
	int (*handle_open_extent_data_files)(libvmdk_handle_t *handle, libvmdk_error_t **error);
	int (*handle_close)(libvmdk_handle_t *handle, libvmdk_error_t **error);
	ssize_t (*handle_read_buffer_at_offset)(libvmdk_handle_t *handle, void *buffer, size_t buffer_size,
						off64_t offset, libvmdk_error_t **error);
	int (*handle_set_parent_handle)(libvmdk_handle_t *handle, libvmdk_handle_t *parent, libvmdk_error_t **error);
	int (*handle_set_extent_data_files_path)(libvmdk_handle_t *handle, const char *path, size_t path_length,
						 libvmdk_error_t **error);
	int (*handle_get_media_size)(libvmdk_handle_t *handle, size64_t *media_size, libvmdk_error_t **error);
	int (*handle_get_utf8_parent_filename_size)(libvmdk_handle_t *handle, size_t *size, libvmdk_error_t **error);
	int (*handle_get_utf8_parent_filename)(libvmdk_handle_t *handle, uint8_t *s, size_t size,
					       libvmdk_error_t **error);
	int (*handle_get_number_of_extents)(libvmdk_handle_t *handle, int *n, libvmdk_error_t **error);
	int (*handle_get_extent_descriptor)(libvmdk_handle_t *handle, int i, libvmdk_extent_descriptor_t **x,
					    libvmdk_error_t **error);
	int (*extent_descriptor_free)(libvmdk_extent_descriptor_t **x, libvmdk_error_t **error);
	int (*extent_descriptor_get_type)(libvmdk_extent_descriptor_t *x, int *type, libvmdk_error_t **error);
	int (*extent_descriptor_get_utf8_filename_size)(libvmdk_extent_descriptor_t *x, size_t *size,
							libvmdk_error_t **error);
	int (*extent_descriptor_get_utf8_filename)(libvmdk_extent_descriptor_t *x, uint8_t *s, size_t size,
						   libvmdk_error_t **error);
	int (*error_sprint)(libvmdk_error_t *error, char *string, size_t size);
	void (*error_free)(libvmdk_error_t **error);
} awp_vmdk_api;
extern awp_vmdk_api awp_vmdk_fn;

typedef struct awp_vhdi_api {
	int (*file_initialize)(libvhdi_file_t **file, libvhdi_error_t **error);
	int (*file_free)(libvhdi_file_t **file, libvhdi_error_t **error);
	int (*file_open)(libvhdi_file_t *file, const char *filename, int access_flags, libvhdi_error_t **error);
	int (*file_close)(libvhdi_file_t *file, libvhdi_error_t **error);
	ssize_t (*file_read_buffer_at_offset)(libvhdi_file_t *file, void *buffer, size_t buffer_size, off64_t offset,
					      libvhdi_error_t **error);
	int (*file_set_parent_file)(libvhdi_file_t *file, libvhdi_file_t *parent_file, libvhdi_error_t **error);
	int (*file_get_disk_type)(libvhdi_file_t *file, uint32_t *disk_type, libvhdi_error_t **error);
	int (*file_get_media_size)(libvhdi_file_t *file, size64_t *media_size, libvhdi_error_t **error);
	int (*file_get_utf8_parent_filename_size)(libvhdi_file_t *file, size_t *size, libvhdi_error_t **error);
	int (*file_get_utf8_parent_filename)(libvhdi_file_t *file, uint8_t *s, size_t size, libvhdi_error_t **error);
	int (*error_sprint)(libvhdi_error_t *error, char *string, size_t size);
	void (*error_free)(libvhdi_error_t **error);
} awp_vhdi_api;
extern awp_vhdi_api awp_vhdi_fn;

/* Entry points that load their library first. */
int awp_libqcow_file_initialize(libqcow_file_t **file, libqcow_error_t **error);
int awp_libvmdk_handle_initialize(libvmdk_handle_t **handle, libvmdk_error_t **error);
int awp_libvhdi_file_initialize(libvhdi_file_t **file, libvhdi_error_t **error);

/* An error object exists only if its library is loaded. */
static inline void awp_libqcow_error_free(libqcow_error_t **e)
{
	if (e && *e)
		awp_qcow_fn.error_free(e);
}
static inline void awp_libvmdk_error_free(libvmdk_error_t **e)
{
	if (e && *e)
		awp_vmdk_fn.error_free(e);
}
static inline void awp_libvhdi_error_free(libvhdi_error_t **e)
{
	if (e && *e)
		awp_vhdi_fn.error_free(e);
}

#define libqcow_file_initialize awp_libqcow_file_initialize
#define libqcow_error_free awp_libqcow_error_free
#define libqcow_file_free (awp_qcow_fn.file_free)
#define libqcow_file_open (awp_qcow_fn.file_open)
#define libqcow_file_close (awp_qcow_fn.file_close)
#define libqcow_file_read_buffer_at_offset (awp_qcow_fn.file_read_buffer_at_offset)
#define libqcow_file_set_parent_file (awp_qcow_fn.file_set_parent_file)
#define libqcow_file_get_media_size (awp_qcow_fn.file_get_media_size)
#define libqcow_error_sprint (awp_qcow_fn.error_sprint)

#define libvmdk_handle_initialize awp_libvmdk_handle_initialize
#define libvmdk_error_free awp_libvmdk_error_free
#define libvmdk_handle_free (awp_vmdk_fn.handle_free)
#define libvmdk_handle_open (awp_vmdk_fn.handle_open)
#define libvmdk_handle_open_extent_data_files (awp_vmdk_fn.handle_open_extent_data_files)
#define libvmdk_handle_close (awp_vmdk_fn.handle_close)
#define libvmdk_handle_read_buffer_at_offset (awp_vmdk_fn.handle_read_buffer_at_offset)
#define libvmdk_handle_set_parent_handle (awp_vmdk_fn.handle_set_parent_handle)
#define libvmdk_handle_set_extent_data_files_path (awp_vmdk_fn.handle_set_extent_data_files_path)
#define libvmdk_handle_get_media_size (awp_vmdk_fn.handle_get_media_size)
#define libvmdk_handle_get_utf8_parent_filename_size (awp_vmdk_fn.handle_get_utf8_parent_filename_size)
#define libvmdk_handle_get_utf8_parent_filename (awp_vmdk_fn.handle_get_utf8_parent_filename)
#define libvmdk_handle_get_number_of_extents (awp_vmdk_fn.handle_get_number_of_extents)
#define libvmdk_handle_get_extent_descriptor (awp_vmdk_fn.handle_get_extent_descriptor)
#define libvmdk_extent_descriptor_free (awp_vmdk_fn.extent_descriptor_free)
#define libvmdk_extent_descriptor_get_type (awp_vmdk_fn.extent_descriptor_get_type)
#define libvmdk_extent_descriptor_get_utf8_filename_size (awp_vmdk_fn.extent_descriptor_get_utf8_filename_size)
#define libvmdk_extent_descriptor_get_utf8_filename (awp_vmdk_fn.extent_descriptor_get_utf8_filename)
#define libvmdk_error_sprint (awp_vmdk_fn.error_sprint)

#define libvhdi_file_initialize awp_libvhdi_file_initialize
#define libvhdi_error_free awp_libvhdi_error_free
#define libvhdi_file_free (awp_vhdi_fn.file_free)
#define libvhdi_file_open (awp_vhdi_fn.file_open)
#define libvhdi_file_close (awp_vhdi_fn.file_close)
#define libvhdi_file_read_buffer_at_offset (awp_vhdi_fn.file_read_buffer_at_offset)
#define libvhdi_file_set_parent_file (awp_vhdi_fn.file_set_parent_file)
#define libvhdi_file_get_disk_type (awp_vhdi_fn.file_get_disk_type)
#define libvhdi_file_get_media_size (awp_vhdi_fn.file_get_media_size)
#define libvhdi_file_get_utf8_parent_filename_size (awp_vhdi_fn.file_get_utf8_parent_filename_size)
#define libvhdi_file_get_utf8_parent_filename (awp_vhdi_fn.file_get_utf8_parent_filename)
#define libvhdi_error_sprint (awp_vhdi_fn.error_sprint)

#endif
