/* sha256.h: SHA-256 of bytes, of a file and of an open file, as lower-case hex. */
#ifndef HOIST_SHA256_H
#define HOIST_SHA256_H

#include <stddef.h>
#include "error.h"

struct evp_md_ctx_st; /* libcrypto's EVP_MD_CTX */

/* The SHA-256 of len bytes at data, as lower-case hex. */
void hoist_sha256_hex(const void *data, size_t len, char out[65]);
/* The SHA-256 of a file, as lower-case hex; *size (may be NULL) gets its length. */
enum hoist_status hoist_sha256_file(const char *path, char out[65], long long *size,
				    struct hoist_error *err);
/*
 * Feeds md (an EVP_MD_CTX set up for SHA-256) the whole of an open file from its start;
 * *n gets the bytes read. HOIST_IO, errno set, when it cannot be read.
 */
enum hoist_status hoist_sha256_fd(int fd, struct evp_md_ctx_st *md, long long *n);
/* The first n bytes of a digest as 2n lower-case hex digits and a NUL. */
void hoist_sha256_digest_hex(const unsigned char *d, size_t n, char *out);

#endif
