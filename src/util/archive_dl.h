/*
 * util/archive_dl.h - libarchive, loaded the first time awp opens an
 * archive (a jar, an OSV zip, an archive met by the threat scanner).
 *
 * Why: libarchive drags in libxml2, ICU, libstdc++, lzma, zstd, lz4, bz2,
 * acl and nettle; linking it cost every awp process over 2 ms at start-up
 * while most runs never meet an archive. Files that use libarchive include
 * this header instead of <archive.h> and <archive_entry.h>; the calls keep
 * their names (macros below) and go through pointers that
 * awp_archive_load() fills from libarchive.so.13 with dlopen (util/dl.h).
 * archive_read_new() loads libarchive itself and returns NULL (with an awp
 * error message) when it is missing; every other call needs the handle it
 * returned. archive_read_free(NULL) stays a no-op.
 */
#ifndef AWP_UTIL_ARCHIVE_DL_H
#define AWP_UTIL_ARCHIVE_DL_H

#include <archive.h>
#include <archive_entry.h>

/** Load libarchive once (thread safe). 0, or AWP_EUNSUPPORTED with a message. */
int awp_archive_load(void);

typedef struct awp_archive_api {
	struct archive *(*read_new)(void);
	int (*read_free)(struct archive *a);
	int (*read_support_filter_all)(struct archive *a);
	int (*read_support_format_zip)(struct archive *a);
	int (*read_support_format_zip_seekable)(struct archive *a);
	int (*read_support_format_tar)(struct archive *a);
	int (*read_support_format_cpio)(struct archive *a);
	int (*read_support_format_raw)(struct archive *a);
	int (*read_set_read_callback)(struct archive *a, archive_read_callback *cb);
	int (*read_set_skip_callback)(struct archive *a, archive_skip_callback *cb);
	int (*read_set_seek_callback)(struct archive *a, archive_seek_callback *cb);
	int (*read_set_callback_data)(struct archive *a, void *data);
	int (*read_open1)(struct archive *a);
	int (*read_open_memory)(struct archive *a, const void *buf, size_t size);
	int (*read_open_filename)(struct archive *a, const char *path, size_t block_size);
	int (*read_next_header)(struct archive *a, struct archive_entry **e);
	la_ssize_t (*read_data)(struct archive *a, void *buf, size_t size);
	int (*read_data_skip)(struct archive *a);
	const char *(*error_string)(struct archive *a);
	int (*errno_)(struct archive *a);
	int (*format)(struct archive *a);
	void (*set_error)(struct archive *a, int err, const char *fmt, ...);
	const char *(*entry_pathname)(struct archive_entry *e);
	la_int64_t (*entry_size)(struct archive_entry *e);
	int (*entry_size_is_set)(struct archive_entry *e);
	__LA_MODE_T (*entry_filetype)(struct archive_entry *e);
	__LA_MODE_T (*entry_mode)(struct archive_entry *e);
} awp_archive_api;
extern awp_archive_api awp_archive_fn;

/* The entry point that loads libarchive first. */
struct archive *awp_archive_read_new(void);

static inline int awp_archive_read_free(struct archive *a)
{
	return a ? awp_archive_fn.read_free(a) : ARCHIVE_OK;
}

#define archive_read_new awp_archive_read_new
#define archive_read_free awp_archive_read_free
#define archive_read_support_filter_all (awp_archive_fn.read_support_filter_all)
#define archive_read_support_format_zip (awp_archive_fn.read_support_format_zip)
#define archive_read_support_format_zip_seekable (awp_archive_fn.read_support_format_zip_seekable)
#define archive_read_support_format_tar (awp_archive_fn.read_support_format_tar)
#define archive_read_support_format_cpio (awp_archive_fn.read_support_format_cpio)
#define archive_read_support_format_raw (awp_archive_fn.read_support_format_raw)
#define archive_read_set_read_callback (awp_archive_fn.read_set_read_callback)
#define archive_read_set_skip_callback (awp_archive_fn.read_set_skip_callback)
#define archive_read_set_seek_callback (awp_archive_fn.read_set_seek_callback)
#define archive_read_set_callback_data (awp_archive_fn.read_set_callback_data)
#define archive_read_open1 (awp_archive_fn.read_open1)
#define archive_read_open_memory (awp_archive_fn.read_open_memory)
#define archive_read_open_filename (awp_archive_fn.read_open_filename)
#define archive_read_next_header (awp_archive_fn.read_next_header)
#define archive_read_data (awp_archive_fn.read_data)
#define archive_read_data_skip (awp_archive_fn.read_data_skip)
#define archive_error_string (awp_archive_fn.error_string)
#define archive_errno (awp_archive_fn.errno_)
#define archive_format (awp_archive_fn.format)
#define archive_set_error(...) (awp_archive_fn.set_error)(__VA_ARGS__)
#define archive_entry_pathname (awp_archive_fn.entry_pathname)
#define archive_entry_size (awp_archive_fn.entry_size)
#define archive_entry_size_is_set (awp_archive_fn.entry_size_is_set)
#define archive_entry_filetype (awp_archive_fn.entry_filetype)
#define archive_entry_mode (awp_archive_fn.entry_mode)

#endif
