/*
 * util/archive_dl.c - libarchive loaded on first use (util/archive_dl.h).
 */
#include "util/archive_dl.h"

#include "util/dl.h"
#include "util/error.h"

#include <pthread.h>

/* slot, symbol */
#define FUNCS(X) \
	X(read_new, archive_read_new) \
	X(read_free, archive_read_free) \
	X(read_support_filter_all, archive_read_support_filter_all) \
	X(read_support_format_zip, archive_read_support_format_zip) \
	X(read_support_format_zip_seekable, archive_read_support_format_zip_seekable) \
	X(read_support_format_tar, archive_read_support_format_tar) \
	X(read_support_format_cpio, archive_read_support_format_cpio) \
	X(read_support_format_raw, archive_read_support_format_raw) \
	X(read_set_read_callback, archive_read_set_read_callback) \
	X(read_set_skip_callback, archive_read_set_skip_callback) \
	X(read_set_seek_callback, archive_read_set_seek_callback) \
	X(read_set_callback_data, archive_read_set_callback_data) \
	X(read_open1, archive_read_open1) \
	X(read_open_memory, archive_read_open_memory) \
	X(read_open_filename, archive_read_open_filename) \
	X(read_next_header, archive_read_next_header) \
	X(read_data, archive_read_data) \
	X(read_data_skip, archive_read_data_skip) \
	X(error_string, archive_error_string) \
	X(errno_, archive_errno) \
	X(format, archive_format) \
	X(set_error, archive_set_error) \
	X(entry_pathname, archive_entry_pathname) \
	X(entry_size, archive_entry_size) \
	X(entry_size_is_set, archive_entry_size_is_set) \
	X(entry_filetype, archive_entry_filetype) \
	X(entry_mode, archive_entry_mode)

/* The real declarations, for AWP_DL_CHECK. */
#undef archive_read_new
#undef archive_read_free
#undef archive_read_support_filter_all
#undef archive_read_support_format_zip
#undef archive_read_support_format_zip_seekable
#undef archive_read_support_format_tar
#undef archive_read_support_format_cpio
#undef archive_read_support_format_raw
#undef archive_read_set_read_callback
#undef archive_read_set_skip_callback
#undef archive_read_set_seek_callback
#undef archive_read_set_callback_data
#undef archive_read_open1
#undef archive_read_open_memory
#undef archive_read_open_filename
#undef archive_read_next_header
#undef archive_read_data
#undef archive_read_data_skip
#undef archive_error_string
#undef archive_errno
#undef archive_format
#undef archive_set_error
#undef archive_entry_pathname
#undef archive_entry_size
#undef archive_entry_size_is_set
#undef archive_entry_filetype
#undef archive_entry_mode
#define CHECK(slot, sym) AWP_DL_CHECK(sym, awp_archive_fn.slot);
FUNCS(CHECK)

AWP_DL_LOADER(FUNCS, awp_archive_api, awp_archive_fn, awp_archive_load, "libarchive.so.13", read_new, "libarchive13")

struct archive *awp_archive_read_new(void)
{
	return awp_archive_load() < 0 ? NULL : awp_archive_fn.read_new();
}
