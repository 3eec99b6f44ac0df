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

#endif
