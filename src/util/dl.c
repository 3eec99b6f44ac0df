/*
 * util/dl.c - run-time loading of optional libraries (util/dl.h).
 */
#include "util/dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int awp_dl_load(const char *soname, const char *const *names, void *const *slots, size_t n, char *err, size_t errcap)
{
	/* lazy: the library's own calls are bound when first made, not all at
	 * load (libarchive brings libxml2 and ICU along) */
	void *h = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(err, errcap, "cannot load %s: %s", soname, e ? e : "not found");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		void *s = dlsym(h, names[i]);
		if (!s) {
			snprintf(err, errcap, "%s lacks %s", soname, names[i]);
			return -1; /* the handle stays open: other slots may point into it */
		}
		/* a function pointer is stored through memcpy, the way POSIX
		 * sanctions for dlsym results */
		memcpy(slots[i], &s, sizeof s);
	}
	return 0;
}
