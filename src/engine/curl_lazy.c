/* curl_lazy.c: libcurl's and libcrypto's functions, looked up with dlopen when first needed. */
#include "config.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include "crypto_lazy.h"
#include "curl_lazy.h"
#include "xalloc.h"

#ifndef HOIST_LIBCURL_SONAME
#define HOIST_LIBCURL_SONAME "libcurl.so.4"
#endif
#ifndef HOIST_LIBCRYPTO_SONAME
#define HOIST_LIBCRYPTO_SONAME "libcrypto.so.3"
#endif

struct fn {
	const char *name;
	size_t offset;
};

/* Fills the table at api with the functions named in fns, from the library soname. */
static void load_library(const char *soname, const struct fn *fns, size_t n, void *api)
{
	char msg[512];
	void *lib = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
	if (!lib) {
		snprintf(msg, sizeof msg, "hoist: cannot load %s: %s\n", soname, dlerror());
		hoist_xalloc_fatal(msg);
	}
	for (size_t i = 0; i < n; i++) {
		void *f = dlsym(lib, fns[i].name);
		if (!f) {
			snprintf(msg, sizeof msg, "hoist: %s has no %s: %s\n", soname, fns[i].name,
				 dlerror());
			hoist_xalloc_fatal(msg);
		}
		/* POSIX: a function's address from dlsym may be used through a cast pointer. */
		*(void **)((char *)api + fns[i].offset) = f;
	}
}

static struct hoist_curl_api api;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	static const struct fn fns[] = {
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
	load_library(HOIST_LIBCURL_SONAME, fns, sizeof fns / sizeof fns[0], &api);
	api.global_init(CURL_GLOBAL_DEFAULT);
}

static struct hoist_crypto_api crypto;
static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;

static void load_crypto(void)
{
	static const struct fn fns[] = {
#define FN(field, sym) { #sym, offsetof(struct hoist_crypto_api, field) }
		FN(md_ctx_new, EVP_MD_CTX_new),
		FN(md_ctx_free, EVP_MD_CTX_free),
		FN(digest_init_ex, EVP_DigestInit_ex),
		FN(digest_update, EVP_DigestUpdate),
		FN(digest_final_ex, EVP_DigestFinal_ex),
		FN(digest, EVP_Digest),
		FN(sha256, EVP_sha256),
#undef FN
	};
	load_library(HOIST_LIBCRYPTO_SONAME, fns, sizeof fns / sizeof fns[0], &crypto);
}

const struct hoist_crypto_api *hoist_crypto(void)
{
	pthread_once(&crypto_once, load_crypto);
	return &crypto;
}

const struct hoist_curl_api *hoist_curl(void)
{
	pthread_once(&once, load);
	return &api;
}
