/*
 * util/yara_dl.c - libyara loaded on first use (util/yara_dl.h).
 */
#define AWP_YARA_DL_IMPL 1
#include "util/yara_dl.h"

#include "util/dl.h"
#include "util/error.h"

#include <pthread.h>

awp_yara_api awp_yara_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static char load_error[512];

static void load(void)
{
	static const char *const names[] = {
#define AWP_YARA_NAME(f) #f,
		AWP_YARA_FUNCS(AWP_YARA_NAME)
#undef AWP_YARA_NAME
	};
	awp_yara_api api;
	void *const slots[] = {
#define AWP_YARA_SLOT(f) &api.p_##f,
		AWP_YARA_FUNCS(AWP_YARA_SLOT)
#undef AWP_YARA_SLOT
	};
	if (awp_dl_load("libyara.so.9", names, slots, sizeof names / sizeof names[0], load_error, sizeof load_error) == 0) {
		awp_yara_fn = api;
		loaded = 1;
	}
}

int awp_yara_load(void)
{
	pthread_once(&once, load);
	return loaded ? 0 : awp_error_set(AWP_EUNSUPPORTED, "%s (install libyara9)", load_error);
}

int awp_yr_initialize(void)
{
	return awp_yara_load() < 0 ? ERROR_INTERNAL_FATAL_ERROR : awp_yara_fn.p_yr_initialize();
}
