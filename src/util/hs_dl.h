/*
 * util/hs_dl.h - Hyperscan, loaded the first time a database is compiled
 * or deserialised.
 *
 * Files that use Hyperscan include this instead of <hs/hs.h>; the calls keep
 * their names (macros below) and go through pointers filled from libhs.so.5.
 * The calls that create a database (compile, deserialise) and hs_version
 * load the library first and fail cleanly when it is missing (HS_ARCH_ERROR,
 * awp_error_last() says why); every other call needs a database. Why: see
 * util/dl.h (libhs and the C++ runtime cost every process's start-up; only
 * secret and threat scanning use it).
 */
#ifndef AWP_UTIL_HS_DL_H
#define AWP_UTIL_HS_DL_H

#include <hs/hs.h>

#define AWP_HS_FUNCS(X)                                                                                                \
	X(hs_compile_multi) X(hs_compile_lit_multi) X(hs_free_compile_error) X(hs_free_database) X(hs_alloc_scratch)  \
	X(hs_free_scratch) X(hs_scan) X(hs_serialize_database) X(hs_deserialize_database) X(hs_version)

typedef struct awp_hs_api {
#define AWP_HS_FIELD(f) __typeof__(&f) p_##f;
	AWP_HS_FUNCS(AWP_HS_FIELD)
#undef AWP_HS_FIELD
} awp_hs_api;
extern awp_hs_api awp_hs_fn;

/** Load libhs once (thread safe): 0, or AWP_EUNSUPPORTED with a message. */
int awp_hs_load(void);
hs_error_t awp_hs_compile_multi(const char *const *expressions, const unsigned *flags, const unsigned *ids,
				unsigned elements, unsigned mode, const hs_platform_info_t *platform, hs_database_t **db,
				hs_compile_error_t **error);
hs_error_t awp_hs_compile_lit_multi(const char *const *expressions, const unsigned *flags, const unsigned *ids,
				    const size_t *lens, unsigned elements, unsigned mode,
				    const hs_platform_info_t *platform, hs_database_t **db, hs_compile_error_t **error);
hs_error_t awp_hs_deserialize_database(const char *bytes, const size_t length, hs_database_t **db);
const char *awp_hs_version(void);
/* Freeing NULL needs no library (and happens where none was loaded). */
hs_error_t awp_hs_free_database(hs_database_t *db);
hs_error_t awp_hs_free_scratch(hs_scratch_t *scratch);
hs_error_t awp_hs_free_compile_error(hs_compile_error_t *error);

#ifndef AWP_HS_DL_IMPL
#define hs_compile_multi awp_hs_compile_multi
#define hs_compile_lit_multi awp_hs_compile_lit_multi
#define hs_deserialize_database awp_hs_deserialize_database
#define hs_version awp_hs_version
#define hs_free_compile_error awp_hs_free_compile_error
#define hs_free_database awp_hs_free_database
#define hs_alloc_scratch (*awp_hs_fn.p_hs_alloc_scratch)
#define hs_free_scratch awp_hs_free_scratch
#define hs_scan (*awp_hs_fn.p_hs_scan)
#define hs_serialize_database (*awp_hs_fn.p_hs_serialize_database)
#endif

#endif
