/*
 * util/yara_dl.h - libyara, loaded when threat rules are first loaded.
 *
 * Files that use YARA include this instead of <yara.h>; the calls keep
 * their names (macros below) and go through pointers filled from
 * libyara.so.9 by the first yr_initialize(), which fails cleanly
 * (ERROR_INTERNAL_FATAL_ERROR, message in awp_error_last()) when the library
 * is missing. Every other call needs something yr_initialize made possible.
 * Why: see util/dl.h (libyara and its dependencies cost ~1.5 ms of every
 * process's start-up; only threat scanning uses it).
 */
#ifndef AWP_UTIL_YARA_DL_H
#define AWP_UTIL_YARA_DL_H

#include <yara.h>

#define AWP_YARA_FUNCS(X)                                                                                              \
	X(yr_initialize) X(yr_finalize) X(yr_compiler_create) X(yr_compiler_destroy) X(yr_compiler_set_callback)      \
	X(yr_compiler_define_string_variable) X(yr_compiler_add_string) X(yr_compiler_get_rules) X(yr_rules_save)     \
	X(yr_rules_load) X(yr_rules_destroy) X(yr_scanner_create) X(yr_scanner_destroy) X(yr_scanner_set_timeout)     \
	X(yr_scanner_set_flags) X(yr_scanner_set_callback) X(yr_scanner_define_string_variable) X(yr_scanner_scan_mem)

typedef struct awp_yara_api {
#define AWP_YARA_FIELD(f) __typeof__(&f) p_##f;
	AWP_YARA_FUNCS(AWP_YARA_FIELD)
#undef AWP_YARA_FIELD
} awp_yara_api;
extern awp_yara_api awp_yara_fn;

/** Load libyara once (thread safe): 0, or AWP_EUNSUPPORTED with a message. */
int awp_yara_load(void);
/** yr_initialize() after loading libyara on first use. */
int awp_yr_initialize(void);

#ifndef AWP_YARA_DL_IMPL
#define yr_initialize awp_yr_initialize
#define yr_finalize (*awp_yara_fn.p_yr_finalize)
#define yr_compiler_create (*awp_yara_fn.p_yr_compiler_create)
#define yr_compiler_destroy (*awp_yara_fn.p_yr_compiler_destroy)
#define yr_compiler_set_callback (*awp_yara_fn.p_yr_compiler_set_callback)
#define yr_compiler_define_string_variable (*awp_yara_fn.p_yr_compiler_define_string_variable)
#define yr_compiler_add_string (*awp_yara_fn.p_yr_compiler_add_string)
#define yr_compiler_get_rules (*awp_yara_fn.p_yr_compiler_get_rules)
#define yr_rules_save (*awp_yara_fn.p_yr_rules_save)
#define yr_rules_load (*awp_yara_fn.p_yr_rules_load)
#define yr_rules_destroy (*awp_yara_fn.p_yr_rules_destroy)
#define yr_scanner_create (*awp_yara_fn.p_yr_scanner_create)
#define yr_scanner_destroy (*awp_yara_fn.p_yr_scanner_destroy)
#define yr_scanner_set_timeout (*awp_yara_fn.p_yr_scanner_set_timeout)
#define yr_scanner_set_flags (*awp_yara_fn.p_yr_scanner_set_flags)
#define yr_scanner_set_callback (*awp_yara_fn.p_yr_scanner_set_callback)
#define yr_scanner_define_string_variable (*awp_yara_fn.p_yr_scanner_define_string_variable)
#define yr_scanner_scan_mem (*awp_yara_fn.p_yr_scanner_scan_mem)
#endif

#endif
