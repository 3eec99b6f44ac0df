/*
 * util/dl.h - load a shared library and a list of its functions at run
 * time (dlopen), for the libraries only some commands need: every library
 * linked at build time costs every awp process its loading and relocation
 * at start-up (util/curl_dl.h, util/yara_dl.h, util/hs_dl.h).
 */
#ifndef AWP_UTIL_DL_H
#define AWP_UTIL_DL_H

#include <stddef.h>

/** dlopen `soname` and resolve names[0..n) into slots[0..n) (each a
 *  function pointer's storage, written with memcpy). 0, or -1 with a
 *  message in err naming the library and what is missing. */
int awp_dl_load(const char *soname, const char *const *names, void *const *slots, size_t n, char *err, size_t errcap);

/** Compile-time check that a library function (its real declaration, with
 *  the shim's macro #undef-ed) has the type of the slot its address goes
 *  to. _Generic does not evaluate its operand: no symbol is referenced. */
#define AWP_DL_CHECK(fn, slot) \
	_Static_assert(_Generic(&(fn), __typeof__(slot): 1, default: 0), #fn " matches its slot")

/*
 * Define `api` (of struct type api_t, slots listed by the X-macro FUNCS as
 * X(slot, symbol)) and `int load_fn(void)`: loads `soname` once (thread
 * safe), 0 when every symbol resolved (the table is published whole), else
 * AWP_EUNSUPPORTED with a message that names the library, what is missing
 * and the Debian package to install. `probe` is any slot (set once loaded).
 * The load's message stays in `<api>_error_` (for entry points that
 * return a string). The file needs <pthread.h> and util/error.h.
 */
#define AWP_DL_NAME_(slot, sym) #sym,
#define AWP_DL_SLOT_(slot, sym) &loaded.slot,
/* For lists of one name each, X(f), whose slot is p_<f> (util/yara_dl.h,
 * util/hs_dl.h): `#define FUNCS(X) AWP_YARA_FUNCS(X##ONE)`. */
#define AWP_DL_NAME_ONE(f) #f,
#define AWP_DL_SLOT_ONE(f) &loaded.p_##f,
#define AWP_DL_LOADER(FUNCS, api_t, api, load_fn, soname, probe, package) \
	api_t api; \
	static pthread_once_t api##_once_ = PTHREAD_ONCE_INIT; \
	static char api##_error_[512]; \
	static void api##_load_(void) \
	{ \
		static const char *const names[] = {FUNCS(AWP_DL_NAME_)}; \
		api_t loaded; \
		void *const slots[] = {FUNCS(AWP_DL_SLOT_)}; \
		_Static_assert(sizeof names / sizeof names[0] == sizeof slots / sizeof slots[0], "a slot per name"); \
		if (awp_dl_load(soname, names, slots, sizeof names / sizeof names[0], api##_error_, \
				sizeof api##_error_) == 0) \
			api = loaded; \
	} \
	int load_fn(void) \
	{ \
		pthread_once(&api##_once_, api##_load_); \
		if (api.probe) \
			return 0; \
		return awp_error_set(AWP_EUNSUPPORTED, "%s (install " package ")", api##_error_); \
	}

#endif
