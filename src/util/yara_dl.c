/*
 * util/yara_dl.c - libyara loaded on first use (util/yara_dl.h).
 */
#define AWP_YARA_DL_IMPL 1
#include "util/yara_dl.h"

#include "util/dl.h"
#include "util/error.h"

#include <pthread.h>

#define FUNCS(X) AWP_YARA_FUNCS(X##ONE)
AWP_DL_LOADER(FUNCS, awp_yara_api, awp_yara_fn, awp_yara_load, "libyara.so.9", p_yr_initialize, "libyara9")

int awp_yr_initialize(void)
{
	return awp_yara_load() < 0 ? ERROR_INTERNAL_FATAL_ERROR : awp_yara_fn.p_yr_initialize();
}
