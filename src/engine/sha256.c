/* sha256.c: SHA-256 of bytes, of a file and of an open file, as lower-case hex. */
#include "config.h"
#include "crypto_lazy.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "i18n.h"
#include "sha256.h"

void hoist_sha256_digest_hex(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

void hoist_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	hoist_sha256_digest_hex(md, 32, out);
}

enum hoist_status hoist_sha256_fd(int fd, struct evp_md_ctx_st *md, long long *n)
{
	char chunk[65536];
	ssize_t r;
	long long total = 0;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return HOIST_IO;
	while ((r = read(fd, chunk, sizeof chunk)) > 0) {
		EVP_DigestUpdate(md, chunk, (size_t)r);
		total += r;
	}
	*n = total;
	return r < 0 ? HOIST_IO : HOIST_OK;
}

enum hoist_status hoist_sha256_file(const char *path, char out[65], long long *size,
				    struct hoist_error *err)
{
	EVP_MD_CTX *md;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned dl = 0;
	long long n = 0;
	enum hoist_status st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hoist_error_set(err, HOIST_IO, _("cannot read %s: %s"), path, strerror(errno));
	md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	st = hoist_sha256_fd(fd, md, &n);
	close(fd);
	EVP_DigestFinal_ex(md, d, &dl);
	EVP_MD_CTX_free(md);
	if (st != HOIST_OK)
		return hoist_error_set(err, HOIST_IO, _("cannot read %s: %s"), path, strerror(errno));
	hoist_sha256_digest_hex(d, 32, out);
	if (size)
		*size = n;
	return HOIST_OK;
}
