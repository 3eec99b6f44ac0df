/*
 * util/curl_dl.h - libcurl, loaded the first time awp needs HTTP.
 *
 * Why: linking libcurl pulls in some twenty libraries (TLS, Kerberos, LDAP,
 * SSH, IDN...) whose loading and relocation cost every awp process about
 * 5 ms at start-up, a sixth of a whole `awp sbom` of a Debian image, while
 * only `awp db update` and the AWS commands use HTTP. Files that use curl
 * include this header instead of <curl/curl.h>; the calls keep their names
 * (macros below) and go through pointers that awp_curl_load() fills from
 * libcurl.so.4 with dlopen. The entry points that create something
 * (global_init, easy_init, multi_init, slist_append, getdate) load libcurl
 * themselves and fail cleanly when it is missing; the others can only be
 * reached with a handle those returned.
 */
#ifndef AWP_UTIL_CURL_DL_H
#define AWP_UTIL_CURL_DL_H

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

/** Load libcurl once (thread safe). 0, or AWP_EUNSUPPORTED with a message. */
int awp_curl_load(void);

typedef struct awp_curl_api {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	CURLcode (*easy_perform)(CURL *h);
	void (*easy_cleanup)(CURL *h);
	void (*easy_reset)(CURL *h);
	const char *(*easy_strerror)(CURLcode c);
	time_t (*getdate)(const char *p, const time_t *unused);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_setopt)(CURLM *m, CURLMoption opt, ...);
	CURLMcode (*multi_add_handle)(CURLM *m, CURL *h);
	CURLMcode (*multi_remove_handle)(CURLM *m, CURL *h);
	CURLMcode (*multi_perform)(CURLM *m, int *running);
	CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd *extra, unsigned n, int timeout_ms, int *numfds);
	CURLMsg *(*multi_info_read)(CURLM *m, int *msgs_in_queue);
	CURLMcode (*multi_cleanup)(CURLM *m);
} awp_curl_api;
extern awp_curl_api awp_curl_fn;

/* Entry points that load libcurl first. */
CURLcode awp_curl_global_init(long flags);
CURL *awp_curl_easy_init(void);
CURLM *awp_curl_multi_init(void);
struct curl_slist *awp_curl_slist_append(struct curl_slist *l, const char *s);
time_t awp_curl_getdate(const char *p, const time_t *unused);
const char *awp_curl_easy_strerror(CURLcode c);

#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt
#define curl_global_init awp_curl_global_init
#define curl_easy_init awp_curl_easy_init
#define curl_multi_init awp_curl_multi_init
#define curl_slist_append awp_curl_slist_append
#define curl_getdate awp_curl_getdate
#define curl_easy_strerror awp_curl_easy_strerror
#define curl_easy_setopt(h, o, p) (awp_curl_fn.easy_setopt)(h, o, p)
#define curl_easy_getinfo(h, i, p) (awp_curl_fn.easy_getinfo)(h, i, p)
#define curl_multi_setopt(m, o, p) (awp_curl_fn.multi_setopt)(m, o, p)
#define curl_easy_perform (awp_curl_fn.easy_perform)
#define curl_easy_cleanup (awp_curl_fn.easy_cleanup)
#define curl_easy_reset (awp_curl_fn.easy_reset)
#define curl_slist_free_all (awp_curl_fn.slist_free_all)
#define curl_multi_add_handle (awp_curl_fn.multi_add_handle)
#define curl_multi_remove_handle (awp_curl_fn.multi_remove_handle)
#define curl_multi_perform (awp_curl_fn.multi_perform)
#define curl_multi_poll (awp_curl_fn.multi_poll)
#define curl_multi_info_read (awp_curl_fn.multi_info_read)
#define curl_multi_cleanup (awp_curl_fn.multi_cleanup)

#endif
