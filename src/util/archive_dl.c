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

awp_archive_api awp_archive_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];

static void load(void)
{
#define NAME(slot, sym) #sym,
#define SLOT(slot, sym) &api.slot,
	static const char *const names[] = {FUNCS(NAME)};
	awp_archive_api api;
	void *const slots[] = {FUNCS(SLOT)};
	_Static_assert(sizeof names / sizeof names[0] == sizeof slots / sizeof slots[0], "a slot per name");
	if (awp_dl_load("libarchive.so.13", names, slots, sizeof names / sizeof names[0], load_error, sizeof load_error) == 0)
		awp_archive_fn = api; /* published whole, after every symbol resolved */
}

int awp_archive_load(void)
{
	pthread_once(&once, load);
	if (awp_archive_fn.read_new)
		return 0;
	return awp_error_set(AWP_EUNSUPPORTED, "%s (install libarchive13)", load_error);
}

struct archive *awp_archive_read_new(void)
{
	return awp_archive_load() < 0 ? NULL : awp_archive_fn.read_new();
}
