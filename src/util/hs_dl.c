/*
 * util/hs_dl.c - Hyperscan loaded on first use (util/hs_dl.h).
 */
#define AWP_HS_DL_IMPL 1
#include "util/hs_dl.h"

#include "util/dl.h"
#include "util/error.h"

#include <pthread.h>

#define FUNCS(X) AWP_HS_FUNCS(X##ONE)
AWP_DL_LOADER(FUNCS, awp_hs_api, awp_hs_fn, awp_hs_load, "libhs.so.5", p_hs_compile_multi, "libhyperscan5")

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
