/*
 * crypto_lazy.h: the SHA-256 of libcrypto, loaded when the engine first hashes rather than
 * when a program starts (its thousands of relocations are most of a face's start-up).
 * Include it instead of <openssl/evp.h>; the calls keep their names.
 */
#ifndef HOIST_CRYPTO_LAZY_H
#define HOIST_CRYPTO_LAZY_H

#include <openssl/evp.h>

struct hoist_crypto_api {
	EVP_MD_CTX *(*md_ctx_new)(void);
	void (*md_ctx_free)(EVP_MD_CTX *c);
	int (*digest_init_ex)(EVP_MD_CTX *c, const EVP_MD *type, ENGINE *impl);
	int (*digest_update)(EVP_MD_CTX *c, const void *d, size_t n);
	int (*digest_final_ex)(EVP_MD_CTX *c, unsigned char *md, unsigned int *n);
	int (*digest)(const void *data, size_t count, unsigned char *md, unsigned int *size,
		      const EVP_MD *type, ENGINE *impl);
	const EVP_MD *(*sha256)(void);
};

/* Loads libcrypto once (thread-safe) and returns its functions; a failure aborts. */
const struct hoist_crypto_api *hoist_crypto(void);

#define EVP_MD_CTX_new (hoist_crypto()->md_ctx_new)
#define EVP_MD_CTX_free (hoist_crypto()->md_ctx_free)
#define EVP_DigestInit_ex (hoist_crypto()->digest_init_ex)
#define EVP_DigestUpdate (hoist_crypto()->digest_update)
#define EVP_DigestFinal_ex (hoist_crypto()->digest_final_ex)
#define EVP_Digest (hoist_crypto()->digest)
#define EVP_sha256 (hoist_crypto()->sha256)

#endif
