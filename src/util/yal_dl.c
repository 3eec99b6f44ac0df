/*
 * util/yal_dl.c - libqcow, libvmdk, libvhdi loaded on first use (util/yal_dl.h).
 */
#include "util/yal_dl.h"

#include "util/dl.h"
#include "util/error.h"

#include <pthread.h>

/* slot, symbol */
#define QCOW_FUNCS(X) \
	X(file_initialize, libqcow_file_initialize) \
	X(file_free, libqcow_file_free) \
	X(file_open, libqcow_file_open) \
	X(file_close, libqcow_file_close) \
	X(file_read_buffer_at_offset, libqcow_file_read_buffer_at_offset) \
	X(file_set_parent_file, libqcow_file_set_parent_file) \
	X(file_get_media_size, libqcow_file_get_media_size) \
	X(error_sprint, libqcow_error_sprint) \
	X(error_free, libqcow_error_free)

/* slot, symbol */
#define VMDK_FUNCS(X) \
	X(handle_initialize, libvmdk_handle_initialize) \
	X(handle_free, libvmdk_handle_free) \
	X(handle_open, libvmdk_handle_open) \
	X(handle_open_extent_data_files, libvmdk_handle_open_extent_data_files) \
	X(handle_close, libvmdk_handle_close) \
	X(handle_read_buffer_at_offset, libvmdk_handle_read_buffer_at_offset) \
	X(handle_set_parent_handle, libvmdk_handle_set_parent_handle) \
	X(handle_set_extent_data_files_path, libvmdk_handle_set_extent_data_files_path) \
	X(handle_get_media_size, libvmdk_handle_get_media_size) \
	X(handle_get_utf8_parent_filename_size, libvmdk_handle_get_utf8_parent_filename_size) \
	X(handle_get_utf8_parent_filename, libvmdk_handle_get_utf8_parent_filename) \
	X(handle_get_number_of_extents, libvmdk_handle_get_number_of_extents) \
	X(handle_get_extent_descriptor, libvmdk_handle_get_extent_descriptor) \
	X(extent_descriptor_free, libvmdk_extent_descriptor_free) \
	X(extent_descriptor_get_type, libvmdk_extent_descriptor_get_type) \
	X(extent_descriptor_get_utf8_filename_size, libvmdk_extent_descriptor_get_utf8_filename_size) \
	X(extent_descriptor_get_utf8_filename, libvmdk_extent_descriptor_get_utf8_filename) \
	X(error_sprint, libvmdk_error_sprint) \
	X(error_free, libvmdk_error_free)

/* slot, symbol */
#define VHDI_FUNCS(X) \
	X(file_initialize, libvhdi_file_initialize) \
	X(file_free, libvhdi_file_free) \
	X(file_open, libvhdi_file_open) \
	X(file_close, libvhdi_file_close) \
	X(file_read_buffer_at_offset, libvhdi_file_read_buffer_at_offset) \
	X(file_set_parent_file, libvhdi_file_set_parent_file) \
	X(file_get_disk_type, libvhdi_file_get_disk_type) \
	X(file_get_media_size, libvhdi_file_get_media_size) \
	X(file_get_utf8_parent_filename_size, libvhdi_file_get_utf8_parent_filename_size) \
	X(file_get_utf8_parent_filename, libvhdi_file_get_utf8_parent_filename) \
	X(error_sprint, libvhdi_error_sprint) \
	X(error_free, libvhdi_error_free)

/* The real declarations, for AWP_DL_CHECK. */
#undef libqcow_file_initialize
#undef libqcow_file_free
#undef libqcow_file_open
#undef libqcow_file_close
#undef libqcow_file_read_buffer_at_offset
#undef libqcow_file_set_parent_file
#undef libqcow_file_get_media_size
#undef libqcow_error_sprint
#undef libqcow_error_free
#undef libvmdk_handle_initialize
#undef libvmdk_handle_free
#undef libvmdk_handle_open
#undef libvmdk_handle_open_extent_data_files
#undef libvmdk_handle_close
#undef libvmdk_handle_read_buffer_at_offset
#undef libvmdk_handle_set_parent_handle
#undef libvmdk_handle_set_extent_data_files_path
#undef libvmdk_handle_get_media_size
#undef libvmdk_handle_get_utf8_parent_filename_size
#undef libvmdk_handle_get_utf8_parent_filename
#undef libvmdk_handle_get_number_of_extents
#undef libvmdk_handle_get_extent_descriptor
#undef libvmdk_extent_descriptor_free
#undef libvmdk_extent_descriptor_get_type
#undef libvmdk_extent_descriptor_get_utf8_filename_size
#undef libvmdk_extent_descriptor_get_utf8_filename
#undef libvmdk_error_sprint
#undef libvmdk_error_free
#undef libvhdi_file_initialize
#undef libvhdi_file_free
#undef libvhdi_file_open
#undef libvhdi_file_close
#undef libvhdi_file_read_buffer_at_offset
#undef libvhdi_file_set_parent_file
#undef libvhdi_file_get_disk_type
#undef libvhdi_file_get_media_size
#undef libvhdi_file_get_utf8_parent_filename_size
#undef libvhdi_file_get_utf8_parent_filename
#undef libvhdi_error_sprint
#undef libvhdi_error_free

#define NAME(slot, sym) #sym,
#define SLOT(slot, sym) &api.slot,

/* The table awp_<lib>_fn and awp_<lib>_load() for one library. */
#define LOADER(lib, soname, package, FUNCS, probe) \
	awp_##lib##_api awp_##lib##_fn; \
	static pthread_once_t lib##_once = PTHREAD_ONCE_INIT; \
	static char lib##_error[512]; \
	static void lib##_load(void) \
	{ \
		static const char *const names[] = {FUNCS(NAME)}; \
		awp_##lib##_api api; \
		void *const slots[] = {FUNCS(SLOT)}; \
		_Static_assert(sizeof names / sizeof names[0] == sizeof slots / sizeof slots[0], "a slot per name"); \
		if (awp_dl_load(soname, names, slots, sizeof names / sizeof names[0], lib##_error, \
				sizeof lib##_error) == 0) \
			awp_##lib##_fn = api; /* published whole, after every symbol resolved */ \
	} \
	int awp_##lib##_load(void) \
	{ \
		pthread_once(&lib##_once, lib##_load); \
		if (awp_##lib##_fn.probe) \
			return 0; \
		return awp_error_set(AWP_EUNSUPPORTED, "%s (install " package ")", lib##_error); \
	}

#define CHECK_QCOW(slot, sym) AWP_DL_CHECK(sym, awp_qcow_fn.slot);
QCOW_FUNCS(CHECK_QCOW)
LOADER(qcow, "libqcow.so.1", "libqcow1", QCOW_FUNCS, file_initialize)

#define CHECK_VMDK(slot, sym) AWP_DL_CHECK(sym, awp_vmdk_fn.slot);
VMDK_FUNCS(CHECK_VMDK)
LOADER(vmdk, "libvmdk.so.1", "libvmdk1", VMDK_FUNCS, handle_initialize)

#define CHECK_VHDI(slot, sym) AWP_DL_CHECK(sym, awp_vhdi_fn.slot);
VHDI_FUNCS(CHECK_VHDI)
LOADER(vhdi, "libvhdi.so.1", "libvhdi1", VHDI_FUNCS, file_initialize)

int awp_libqcow_file_initialize(libqcow_file_t **file, libqcow_error_t **error)
{
	return awp_qcow_load() < 0 ? -1 : awp_qcow_fn.file_initialize(file, error);
}

int awp_libvmdk_handle_initialize(libvmdk_handle_t **handle, libvmdk_error_t **error)
{
	return awp_vmdk_load() < 0 ? -1 : awp_vmdk_fn.handle_initialize(handle, error);
}

int awp_libvhdi_file_initialize(libvhdi_file_t **file, libvhdi_error_t **error)
{
	return awp_vhdi_load() < 0 ? -1 : awp_vhdi_fn.file_initialize(file, error);
}
