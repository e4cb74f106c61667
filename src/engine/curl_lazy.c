/* curl_lazy.c: libcurl's functions, looked up once with dlopen when first needed. */
#include "config.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include "curl_lazy.h"
#include "xalloc.h"

#ifndef HOIST_LIBCURL_SONAME
#define HOIST_LIBCURL_SONAME "libcurl.so.4"
#endif

static struct hoist_curl_api api;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	static const struct {
		const char *name;
		size_t offset;
	} fns[] = {
#define FN(field, sym) { #sym, offsetof(struct hoist_curl_api, field) }
		FN(global_init, curl_global_init),   FN(easy_init, curl_easy_init),
		FN(easy_cleanup, curl_easy_cleanup), FN(easy_reset, curl_easy_reset),
		FN(easy_setopt, curl_easy_setopt),   FN(easy_getinfo, curl_easy_getinfo),
		FN(easy_perform, curl_easy_perform), FN(easy_strerror, curl_easy_strerror),
		FN(easy_escape, curl_easy_escape),   FN(free, curl_free),
		FN(slist_append, curl_slist_append), FN(slist_free_all, curl_slist_free_all),
		FN(url, curl_url),                   FN(url_cleanup, curl_url_cleanup),
		FN(url_set, curl_url_set),           FN(url_get, curl_url_get),
#undef FN
	};
	char msg[512];
	void *lib = dlopen(HOIST_LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	for (size_t i = 0; lib && i < sizeof fns / sizeof fns[0]; i++) {
		void *f = dlsym(lib, fns[i].name);
		if (!f) {
			snprintf(msg, sizeof msg, "hoist: %s has no %s: %s\n", HOIST_LIBCURL_SONAME,
				 fns[i].name, dlerror());
			hoist_xalloc_fatal(msg);
		}
		/* POSIX: a function's address from dlsym may be used through a cast pointer. */
		*(void **)((char *)&api + fns[i].offset) = f;
	}
	if (!lib) {
		snprintf(msg, sizeof msg, "hoist: cannot load %s: %s\n", HOIST_LIBCURL_SONAME,
			 dlerror());
		hoist_xalloc_fatal(msg);
	}
	api.global_init(CURL_GLOBAL_DEFAULT);
}

const struct hoist_curl_api *hoist_curl(void)
{
	pthread_once(&once, load);
	return &api;
}

static void *preload(void *arg)
{
	(void)arg;
	hoist_curl();
	return NULL;
}

void hoist_curl_preload(void)
{
	pthread_t th;
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &a, preload, NULL) != 0)
		hoist_curl();
	pthread_attr_destroy(&a);
}
