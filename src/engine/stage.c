/* stage.c: downloads with Range resume and a streaming SHA-256, copies from local files. */
#include "config.h"
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "i18n.h"
#include "stage.h"
#include "xalloc.h"

struct fetch {
	int fd;
	EVP_MD_CTX *md;
	long long have;       /* bytes in the file */
	long long resume_from;
	const char *part;
	struct hoist_error *err;
	enum hoist_status st;
};

static void hex(const unsigned char *d, unsigned n, char out[65])
{
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < n && i < 32; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[64] = '\0';
}

static enum hoist_status write_all(int fd, const void *data, size_t n)
{
	const char *p = data;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return HOIST_IO;
		p += w;
		n -= (size_t)w;
	}
	return HOIST_OK;
}

/* Hashes the first n bytes of an open file (a partial download being continued). */
static enum hoist_status hash_fd(int fd, EVP_MD_CTX *md, long long *n)
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
	st = hash_fd(fd, md, &n);
	close(fd);
	EVP_DigestFinal_ex(md, d, &dl);
	EVP_MD_CTX_free(md);
	if (st != HOIST_OK)
		return hoist_error_set(err, HOIST_IO, _("cannot read %s: %s"), path, strerror(errno));
	hex(d, dl, out);
	if (size)
		*size = n;
	return HOIST_OK;
}

static void on_start(void *ctx, long status)
{
	struct fetch *f = ctx;
	if (f->resume_from > 0 && status != 206) {
		/* The server ignored the Range: start the file and the digest again. */
		if (ftruncate(f->fd, 0) != 0 || lseek(f->fd, 0, SEEK_SET) != 0)
			f->st = HOIST_IO;
		EVP_DigestInit_ex(f->md, EVP_sha256(), NULL);
		f->have = 0;
	}
}

static enum hoist_status on_data(void *ctx, const void *data, size_t n)
{
	struct fetch *f = ctx;
	if (f->st != HOIST_OK)
		return f->st;
	if (write_all(f->fd, data, n) != HOIST_OK) {
		f->st = hoist_error_set(f->err, HOIST_IO,
					_("cannot write %s: %s; is the disk full?"), f->part,
					strerror(errno));
		return f->st;
	}
	EVP_DigestUpdate(f->md, data, n);
	f->have += (long long)n;
	return HOIST_OK;
}

struct progress_relay {
	hoist_stage_progress_fn fn;
	void *ctx;
};

static void relay(void *ctx, long long now, long long total)
{
	struct progress_relay *r = ctx;
	r->fn(r->ctx, now, total);
}

static bool is_local(const char *url)
{
	return !strstr(url, "://") || !strncmp(url, "file://", 7);
}

/* Copies a local file into the open part file, hashing as it goes. */
static enum hoist_status copy_local(const char *url, struct fetch *f,
				    hoist_stage_progress_fn progress, void *ctx)
{
	const char *path = strncmp(url, "file://", 7) ? url : url + 7;
	char chunk[65536];
	ssize_t r;
	struct stat sb;
	int in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return hoist_error_set(f->err, HOIST_NOTFOUND, _("cannot read the package %s: %s"),
				       path, strerror(errno));
	fstat(in, &sb);
	if (ftruncate(f->fd, 0) != 0 || lseek(f->fd, 0, SEEK_SET) != 0) {
		close(in);
		return hoist_error_set(f->err, HOIST_IO, _("cannot write %s: %s"), f->part,
				       strerror(errno));
	}
	EVP_DigestInit_ex(f->md, EVP_sha256(), NULL);
	f->have = 0;
	while ((r = read(in, chunk, sizeof chunk)) > 0) {
		if (on_data(f, chunk, (size_t)r) != HOIST_OK)
			break;
		if (progress)
			progress(ctx, f->have, (long long)sb.st_size);
	}
	close(in);
	if (r < 0 && f->st == HOIST_OK)
		f->st = hoist_error_set(f->err, HOIST_IO, _("cannot read the package %s: %s"), path,
					strerror(errno));
	return f->st;
}

enum hoist_status hoist_stage_fetch(struct hoist_http *h, const struct hoist_stage_item *item,
				    hoist_stage_progress_fn progress, void *ctx,
				    struct hoist_stage_result *res, struct hoist_error *err)
{
	struct fetch f = { -1, NULL, 0, 0, NULL, err, HOIST_OK };
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned dl = 0;
	char *part = hoist_xasprintf("%s.part", item->dest);
	enum hoist_status st = HOIST_OK;

	memset(res, 0, sizeof *res);
	/* Already staged and still intact: nothing to fetch. */
	if (item->sha256 && access(item->dest, R_OK) == 0 &&
	    hoist_sha256_file(item->dest, res->sha256, &res->size, NULL) == HOIST_OK &&
	    !strcmp(res->sha256, item->sha256)) {
		res->cached = true;
		if (progress)
			progress(ctx, res->size, res->size);
		free(part);
		return HOIST_OK;
	}
	f.part = part;
	f.fd = open(part, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (f.fd < 0) {
		st = hoist_error_set(err, HOIST_IO, _("cannot write %s: %s"), part, strerror(errno));
		goto out;
	}
	f.md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(f.md, EVP_sha256(), NULL);
	if (is_local(item->url)) {
		st = copy_local(item->url, &f, progress, ctx);
	} else {
		struct hoist_http_request req = { 0 };
		struct hoist_http_response resp;
		struct progress_relay pr = { progress, ctx };
		if (hash_fd(f.fd, f.md, &f.have) != HOIST_OK) {
			st = hoist_error_set(err, HOIST_IO, _("cannot read %s: %s"), part,
					     strerror(errno));
			goto out;
		}
		if (item->size >= 0 && f.have > item->size) {
			/* Longer than the package can be: not a partial copy of it. */
			if (ftruncate(f.fd, 0) != 0) {
				st = hoist_error_set(err, HOIST_IO, _("cannot write %s"), part);
				goto out;
			}
			EVP_DigestInit_ex(f.md, EVP_sha256(), NULL);
			f.have = 0;
		}
		lseek(f.fd, 0, SEEK_END);
		f.resume_from = f.have;
		res->resumed = f.have > 0;
		req.url = item->url;
		req.sink = on_data;
		req.sink_ctx = &f;
		req.on_start = on_start;
		req.resume_from = f.have;
		req.idempotent = true;
		if (progress) {
			req.progress = relay;
			req.progress_ctx = &pr;
		}
		hoist_http_response_init(&resp);
		st = hoist_http_perform(h, &req, &resp, err);
		if (st == HOIST_OK && f.st != HOIST_OK)
			st = f.st;
		if (st == HOIST_OK && resp.status == 416 && item->size >= 0 && f.have == item->size)
			st = HOIST_OK; /* the partial file was already whole */
		else if (st == HOIST_OK && (resp.status < 200 || resp.status >= 300))
			st = hoist_http_status_error(resp.status, _("downloading a package"),
						     item->url, &resp.body, err);
		hoist_http_response_done(&resp);
		if (st != HOIST_OK) {
			/* The partial file stays: the next try resumes from it. */
			if (st != HOIST_CHECKSUM)
				hoist_error_prefix(err, _("downloading %s"), item->url);
			goto out;
		}
	}
	if (st != HOIST_OK)
		goto out;
	EVP_DigestFinal_ex(f.md, d, &dl);
	hex(d, dl, res->sha256);
	res->size = f.have;
	if ((item->sha256 && strcmp(res->sha256, item->sha256)) ||
	    (item->size >= 0 && f.have != item->size)) {
		st = hoist_error_set(err, HOIST_CHECKSUM,
				     _("the package %s does not match the feed: SHA-256 %s, %lld "
				       "bytes; expected %s, %lld bytes. Nothing was changed; check "
				       "the mirror or the feed"),
				     item->url, res->sha256, f.have, item->sha256 ? item->sha256 : "-",
				     item->size);
		unlink(part);
		goto out;
	}
	if (fsync(f.fd) != 0 || rename(part, item->dest) != 0)
		st = hoist_error_set(err, HOIST_IO, _("cannot keep %s: %s"), item->dest,
				     strerror(errno));
out:
	if (f.md)
		EVP_MD_CTX_free(f.md);
	if (f.fd >= 0)
		close(f.fd);
	free(part);
	return st;
}

long long hoist_stage_free_bytes(const char *path)
{
	struct statvfs sv;
	if (statvfs(path, &sv) != 0)
		return -1;
	return (long long)sv.f_bavail * (long long)sv.f_frsize;
}
