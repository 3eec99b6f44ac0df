/*
 * util/curl_dl.c - libcurl loaded on first use (util/curl_dl.h).
 */
#include "util/curl_dl.h"

#include "util/error.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

awp_curl_api awp_curl_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];

/* dlsym returns void *; a function pointer is assigned through memcpy, the
 * way POSIX sanctions for function pointers. */
#define SYM(field, name)                                                                                               \
	do {                                                                                                           \
		void *s_ = dlsym(h, name);                                                                             \
		if (!s_) {                                                                                             \
			snprintf(load_error, sizeof load_error, "libcurl.so.4 lacks %s", name);                        \
			return;                                                                                        \
		}                                                                                                      \
		memcpy(&api.field, &s_, sizeof s_);                                                                     \
	} while (0)

static void load(void)
{
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(load_error, sizeof load_error, "cannot load libcurl (install libcurl4): %s", e ? e : "not found");
		return;
	}
	awp_curl_api api;
	SYM(global_init, "curl_global_init");
	SYM(easy_init, "curl_easy_init");
	SYM(easy_setopt, "curl_easy_setopt");
	SYM(easy_getinfo, "curl_easy_getinfo");
	SYM(easy_perform, "curl_easy_perform");
	SYM(easy_cleanup, "curl_easy_cleanup");
	SYM(easy_reset, "curl_easy_reset");
	SYM(easy_strerror, "curl_easy_strerror");
	SYM(getdate, "curl_getdate");
	SYM(slist_append, "curl_slist_append");
	SYM(slist_free_all, "curl_slist_free_all");
	SYM(multi_init, "curl_multi_init");
	SYM(multi_setopt, "curl_multi_setopt");
	SYM(multi_add_handle, "curl_multi_add_handle");
	SYM(multi_remove_handle, "curl_multi_remove_handle");
	SYM(multi_perform, "curl_multi_perform");
	SYM(multi_poll, "curl_multi_poll");
	SYM(multi_info_read, "curl_multi_info_read");
	SYM(multi_cleanup, "curl_multi_cleanup");
	awp_curl_fn = api; /* published whole, after every symbol resolved (the library stays loaded) */
}

int awp_curl_load(void)
{
	pthread_once(&once, load);
	if (awp_curl_fn.easy_init)
		return 0;
	return awp_error_set(AWP_EUNSUPPORTED, "%s", load_error);
}

CURLcode awp_curl_global_init(long flags)
{
	return awp_curl_load() < 0 ? CURLE_FAILED_INIT : awp_curl_fn.global_init(flags);
}

CURL *awp_curl_easy_init(void)
{
	return awp_curl_load() < 0 ? NULL : awp_curl_fn.easy_init();
}

CURLM *awp_curl_multi_init(void)
{
	return awp_curl_load() < 0 ? NULL : awp_curl_fn.multi_init();
}

struct curl_slist *awp_curl_slist_append(struct curl_slist *l, const char *s)
{
	return awp_curl_load() < 0 ? NULL : awp_curl_fn.slist_append(l, s);
}

time_t awp_curl_getdate(const char *p, const time_t *unused)
{
	return awp_curl_load() < 0 ? (time_t)-1 : awp_curl_fn.getdate(p, unused);
}

const char *awp_curl_easy_strerror(CURLcode c)
{
	return awp_curl_load() < 0 ? load_error : awp_curl_fn.easy_strerror(c);
}
