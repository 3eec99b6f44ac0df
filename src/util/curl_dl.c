/*
 * util/curl_dl.c - libcurl loaded on first use (util/curl_dl.h).
 */
#include "util/curl_dl.h"

#include "util/dl.h"
#include "util/error.h"

#include <pthread.h>
#include <string.h>

awp_curl_api awp_curl_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];

static void load(void)
{
	static const char *const names[] = {
		"curl_global_init", "curl_easy_init", "curl_easy_setopt", "curl_easy_getinfo", "curl_easy_perform",
		"curl_easy_cleanup", "curl_easy_reset", "curl_easy_strerror", "curl_getdate", "curl_slist_append",
		"curl_slist_free_all", "curl_multi_init", "curl_multi_setopt", "curl_multi_add_handle",
		"curl_multi_remove_handle", "curl_multi_perform", "curl_multi_poll", "curl_multi_info_read",
		"curl_multi_cleanup",
	};
	awp_curl_api api;
	void *const slots[] = {
		&api.global_init, &api.easy_init, &api.easy_setopt, &api.easy_getinfo, &api.easy_perform,
		&api.easy_cleanup, &api.easy_reset, &api.easy_strerror, &api.getdate, &api.slist_append,
		&api.slist_free_all, &api.multi_init, &api.multi_setopt, &api.multi_add_handle,
		&api.multi_remove_handle, &api.multi_perform, &api.multi_poll, &api.multi_info_read,
		&api.multi_cleanup,
	};
	_Static_assert(sizeof names / sizeof names[0] == sizeof slots / sizeof slots[0], "a slot per name");
	if (awp_dl_load("libcurl.so.4", names, slots, sizeof names / sizeof names[0], load_error, sizeof load_error) == 0)
		awp_curl_fn = api; /* published whole, after every symbol resolved */
}

int awp_curl_load(void)
{
	pthread_once(&once, load);
	if (awp_curl_fn.easy_init)
		return 0;
	return awp_error_set(AWP_EUNSUPPORTED, "%s (install libcurl4)", load_error);
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
