/*
 * curl_lazy.h: libcurl, loaded when the engine first needs it rather than when a program
 * starts: a program that reads only a local feed, or the wizard drawing its first frame,
 * does not wait for libcurl and the thirty libraries it brings. Include it instead of
 * <curl/curl.h>; the calls keep their names.
 */
#ifndef HOIST_CURL_LAZY_H
#define HOIST_CURL_LAZY_H

#define CURL_DISABLE_TYPECHECK 1 /* its checks are macros named like the functions */
#include <curl/curl.h>

struct hoist_curl_api {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *c);
	void (*easy_reset)(CURL *c);
	CURLcode (*easy_setopt)(CURL *c, CURLoption option, ...);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	CURLcode (*easy_perform)(CURL *c);
	const char *(*easy_strerror)(CURLcode rc);
	char *(*easy_escape)(CURL *c, const char *s, int n);
	void (*free)(void *p);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
	CURLU *(*url)(void);
	void (*url_cleanup)(CURLU *u);
	CURLUcode (*url_set)(CURLU *u, CURLUPart what, const char *part, unsigned int flags);
	CURLUcode (*url_get)(const CURLU *u, CURLUPart what, char **part, unsigned int flags);
};

/* Loads libcurl once (thread-safe) and returns its functions; a failure aborts. */
const struct hoist_curl_api *hoist_curl(void);

/* curl.h wraps these two in macros of the same name (to count their arguments). */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init (hoist_curl()->global_init)
#define curl_easy_init (hoist_curl()->easy_init)
#define curl_easy_cleanup (hoist_curl()->easy_cleanup)
#define curl_easy_reset (hoist_curl()->easy_reset)
#define curl_easy_setopt (hoist_curl()->easy_setopt)
#define curl_easy_getinfo (hoist_curl()->easy_getinfo)
#define curl_easy_perform (hoist_curl()->easy_perform)
#define curl_easy_strerror (hoist_curl()->easy_strerror)
#define curl_easy_escape (hoist_curl()->easy_escape)
#define curl_free (hoist_curl()->free)
#define curl_slist_append (hoist_curl()->slist_append)
#define curl_slist_free_all (hoist_curl()->slist_free_all)
#define curl_url (hoist_curl()->url)
#define curl_url_cleanup (hoist_curl()->url_cleanup)
#define curl_url_set (hoist_curl()->url_set)
#define curl_url_get (hoist_curl()->url_get)

#endif
