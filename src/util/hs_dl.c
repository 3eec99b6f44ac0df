/*
 * util/hs_dl.c - Hyperscan loaded on first use (util/hs_dl.h).
 */
#define AWP_HS_DL_IMPL 1
#include "util/hs_dl.h"

#include "util/dl.h"
#include "util/error.h"

#include <pthread.h>

awp_hs_api awp_hs_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static char load_error[512];

static void load(void)
{
	static const char *const names[] = {
#define AWP_HS_NAME(f) #f,
		AWP_HS_FUNCS(AWP_HS_NAME)
#undef AWP_HS_NAME
	};
	awp_hs_api api;
	void *const slots[] = {
#define AWP_HS_SLOT(f) &api.p_##f,
		AWP_HS_FUNCS(AWP_HS_SLOT)
#undef AWP_HS_SLOT
	};
	if (awp_dl_load("libhs.so.5", names, slots, sizeof names / sizeof names[0], load_error, sizeof load_error) == 0) {
		awp_hs_fn = api;
		loaded = 1;
	}
}

int awp_hs_load(void)
{
	pthread_once(&once, load);
	return loaded ? 0 : awp_error_set(AWP_EUNSUPPORTED, "%s (install libhyperscan5)", load_error);
}

hs_error_t awp_hs_compile_multi(const char *const *expressions, const unsigned *flags, const unsigned *ids,
				unsigned elements, unsigned mode, const hs_platform_info_t *platform, hs_database_t **db,
				hs_compile_error_t **error)
{
	if (awp_hs_load() < 0) {
		*error = NULL;
		return HS_ARCH_ERROR;
	}
	return awp_hs_fn.p_hs_compile_multi(expressions, flags, ids, elements, mode, platform, db, error);
}

hs_error_t awp_hs_compile_lit_multi(const char *const *expressions, const unsigned *flags, const unsigned *ids,
				    const size_t *lens, unsigned elements, unsigned mode,
				    const hs_platform_info_t *platform, hs_database_t **db, hs_compile_error_t **error)
{
	if (awp_hs_load() < 0) {
		*error = NULL;
		return HS_ARCH_ERROR;
	}
	return awp_hs_fn.p_hs_compile_lit_multi(expressions, flags, ids, lens, elements, mode, platform, db, error);
}

hs_error_t awp_hs_deserialize_database(const char *bytes, const size_t length, hs_database_t **db)
{
	if (awp_hs_load() < 0)
		return HS_ARCH_ERROR;
	return awp_hs_fn.p_hs_deserialize_database(bytes, length, db);
}

const char *awp_hs_version(void)
{
	return awp_hs_load() < 0 ? "none" : awp_hs_fn.p_hs_version();
}

hs_error_t awp_hs_free_database(hs_database_t *db)
{
	return db ? awp_hs_fn.p_hs_free_database(db) : HS_SUCCESS;
}

hs_error_t awp_hs_free_scratch(hs_scratch_t *scratch)
{
	return scratch ? awp_hs_fn.p_hs_free_scratch(scratch) : HS_SUCCESS;
}

hs_error_t awp_hs_free_compile_error(hs_compile_error_t *error)
{
	return error ? awp_hs_fn.p_hs_free_compile_error(error) : HS_SUCCESS;
}
