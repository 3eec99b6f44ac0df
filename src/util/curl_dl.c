/*
 * util/curl_dl.c - libcurl loaded on first use (util/curl_dl.h).
 */
#include "util/curl_dl.h"

#include "util/dl.h"
#include "util/error.h"

#include <pthread.h>
#include <string.h>

/* slot, symbol */
#define FUNCS(X) \
	X(global_init, curl_global_init) \
	X(easy_init, curl_easy_init) \
	X(easy_setopt, curl_easy_setopt) \
	X(easy_getinfo, curl_easy_getinfo) \
	X(easy_perform, curl_easy_perform) \
	X(easy_cleanup, curl_easy_cleanup) \
	X(easy_reset, curl_easy_reset) \
	X(easy_strerror, curl_easy_strerror) \
	X(getdate, curl_getdate) \
	X(slist_append, curl_slist_append) \
	X(slist_free_all, curl_slist_free_all) \
	X(multi_init, curl_multi_init) \
	X(multi_setopt, curl_multi_setopt) \
	X(multi_add_handle, curl_multi_add_handle) \
	X(multi_remove_handle, curl_multi_remove_handle) \
	X(multi_perform, curl_multi_perform) \
	X(multi_poll, curl_multi_poll) \
	X(multi_info_read, curl_multi_info_read) \
	X(multi_cleanup, curl_multi_cleanup)

AWP_DL_LOADER(FUNCS, awp_curl_api, awp_curl_fn, awp_curl_load, "libcurl.so.4", easy_init, "libcurl4")

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
	return awp_curl_load() < 0 ? awp_curl_fn_error_ : awp_curl_fn.easy_strerror(c);
}
