/* stage.c: downloads with Range resume and a streaming SHA-256, copies from local files. */
#include "config.h"
#include "crypto_lazy.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libgen.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "i18n.h"
#include "sha256.h"
#include "stage.h"
#include "text.h"
#include "xalloc.h"

/* Start the disk's writeback after this many new bytes (see start_writeback). */
#define WRITEBACK_EVERY (8LL << 20)
/*
 * libcurl hands a body over in pieces of 16 KiB; they are gathered into blocks, which a
 * thread of the fetch's own writes and hashes while the next block arrives (so that the
 * SHA-256 runs beside the transfer, on another core when there is one).
 */
#define PEND_SIZE (1u << 20)
#define PEND_BLOCKS 3
/* Packages fetched at once by hoist_stage_fetch_all when the caller says 0. */
#define STAGE_PARALLEL 4

struct fetch {
	int fd;
	EVP_MD_CTX *md;
	long long have;       /* bytes in the file */
	long long resume_from;
	long long flushed;    /* bytes handed to the disk's writeback so far (writer's) */
	long long written;    /* bytes written by the writer thread */
	char *pend;           /* the block being filled: one of block[] */
	size_t npend;
	const char *part;
	struct hoist_error *err;
	enum hoist_status st;
	/* The writer: blocks [head, head + count) are full and wait to be written. */
	char *block[PEND_BLOCKS]; /* owned */
	size_t len[PEND_BLOCKS];
	unsigned head, count;
	bool writer_on, stop;
	pthread_t writer;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	enum hoist_status wst;    /* the writer's failure, under mu */
	struct hoist_error werr;  /* its message */
};

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

static enum hoist_status flush_pending(struct fetch *f);

static void on_start(void *ctx, long status)
{
	struct fetch *f = ctx;
	if (f->resume_from > 0 && status != 206) {
		/* The server ignored the Range: start the file and the digest again. */
		if (ftruncate(f->fd, 0) != 0 || lseek(f->fd, 0, SEEK_SET) != 0)
			f->st = HOIST_IO;
		flush_pending(f); /* nothing is queued before the first byte; made sure */
		EVP_DigestInit_ex(f->md, EVP_sha256(), NULL);
		f->have = f->flushed = f->written = 0;
		f->npend = 0;
	}
}

/*
 * Hands what was written so far to the disk without waiting for it, every few MiB, so
 * that the fsync before the rename finds little left to write: the package is on disk
 * when it is kept (a resumed run installs it without staging again), at almost no cost.
 */
static void start_writeback(struct fetch *f)
{
#ifdef SYNC_FILE_RANGE_WRITE
	if (f->written - f->flushed >= WRITEBACK_EVERY) {
		sync_file_range(f->fd, f->flushed, f->written - f->flushed, SYNC_FILE_RANGE_WRITE);
		f->flushed = f->written;
	}
#else
	(void)f;
#endif
}

/* The writer thread: writes and hashes each full block in order. */
static void *writer(void *arg)
{
	struct fetch *f = arg;
	pthread_mutex_lock(&f->mu);
	for (;;) {
		unsigned b;
		while (!f->count && !f->stop)
			pthread_cond_wait(&f->cv, &f->mu);
		if (!f->count)
			break;
		b = f->head;
		pthread_mutex_unlock(&f->mu);
		if (f->wst == HOIST_OK) {
			if (write_all(f->fd, f->block[b], f->len[b]) != HOIST_OK) {
				f->wst = hoist_error_set(&f->werr, HOIST_IO,
							 _("cannot write %s: %s; is the disk full?"),
							 f->part, strerror(errno));
			} else {
				EVP_DigestUpdate(f->md, f->block[b], f->len[b]);
				f->written += (long long)f->len[b];
				start_writeback(f);
			}
		}
		pthread_mutex_lock(&f->mu);
		f->head = (f->head + 1) % PEND_BLOCKS;
		f->count--;
		pthread_cond_broadcast(&f->cv);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

static void writer_start(struct fetch *f)
{
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	hoist_error_init(&f->werr);
	for (int i = 0; i < PEND_BLOCKS; i++)
		f->block[i] = hoist_xmalloc(PEND_SIZE);
	f->pend = f->block[0];
	f->written = f->flushed = f->have;
	f->writer_on = pthread_create(&f->writer, NULL, writer, f) == 0;
}

/* Hands the block being filled to the writer and takes the next free one. */
static enum hoist_status hand_over(struct fetch *f)
{
	enum hoist_status st;
	pthread_mutex_lock(&f->mu);
	f->len[(f->head + f->count) % PEND_BLOCKS] = f->npend;
	f->count++;
	pthread_cond_broadcast(&f->cv);
	while (f->count == PEND_BLOCKS)
		pthread_cond_wait(&f->cv, &f->mu);
	f->pend = f->block[(f->head + f->count) % PEND_BLOCKS];
	f->npend = 0;
	st = f->wst;
	pthread_mutex_unlock(&f->mu);
	return st;
}

/* Writes what is pending and waits for it: before the digest is read, and before a
 * partial file is kept. A failure of the writer becomes the fetch's. */
static enum hoist_status flush_pending(struct fetch *f)
{
	if (!f->writer_on)
		return f->st;
	if (f->npend)
		hand_over(f);
	pthread_mutex_lock(&f->mu);
	while (f->count)
		pthread_cond_wait(&f->cv, &f->mu);
	pthread_mutex_unlock(&f->mu);
	if (f->wst != HOIST_OK && f->st == HOIST_OK)
		f->st = hoist_error_set(f->err, f->wst, "%s", hoist_error_message(&f->werr));
	return f->st;
}

static void writer_stop(struct fetch *f)
{
	if (f->writer_on) {
		pthread_mutex_lock(&f->mu);
		f->stop = true;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		pthread_join(f->writer, NULL);
		f->writer_on = false;
	}
	if (f->block[0]) {
		for (int i = 0; i < PEND_BLOCKS; i++)
			free(f->block[i]);
		pthread_mutex_destroy(&f->mu);
		pthread_cond_destroy(&f->cv);
		hoist_error_done(&f->werr);
		f->block[0] = NULL;
	}
}

/* Gathers the body into blocks for the writer; the bytes received count at once. */
static enum hoist_status on_data(void *ctx, const void *data, size_t n)
{
	struct fetch *f = ctx;
	const char *p = data;
	if (f->st != HOIST_OK)
		return f->st;
	if (!f->writer_on)
		return f->st = hoist_error_set(f->err, HOIST_IO, _("cannot write %s: %s"), f->part,
					       strerror(EAGAIN));
	f->have += (long long)n;
	while (n) {
		size_t k = PEND_SIZE - f->npend < n ? PEND_SIZE - f->npend : n;
		memcpy(f->pend + f->npend, p, k);
		f->npend += k;
		p += k;
		n -= k;
		if (f->npend == PEND_SIZE && hand_over(f) != HOIST_OK)
			return flush_pending(f);
	}
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
	return !strstr(url, "://") || hoist_skip_prefix(url, "file://", NULL);
}

/* Copies a local file into the open part file, hashing as it goes. */
static enum hoist_status copy_local(const char *url, struct fetch *f,
				    hoist_stage_progress_fn progress, void *ctx)
{
	const char *path = url;
	hoist_skip_prefix(url, "file://", &path);
	static _Thread_local char chunk[1 << 20];
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
	f->have = f->flushed = f->written = 0;
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
	struct fetch f = { .fd = -1, .err = err, .st = HOIST_OK };
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
		writer_start(&f);
		st = copy_local(item->url, &f, progress, ctx);
		if (flush_pending(&f) != HOIST_OK)
			st = f.st;
	} else {
		struct hoist_http_request req = { 0 };
		struct hoist_http_response resp;
		struct progress_relay pr = { progress, ctx };
		if (hoist_sha256_fd(f.fd, f.md, &f.have) != HOIST_OK) {
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
		f.resume_from = f.flushed = f.have;
		res->resumed = f.have > 0;
		writer_start(&f);
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
		/* What arrived is written even when the transfer failed: the next try resumes. */
		if (flush_pending(&f) != HOIST_OK)
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
	hoist_sha256_digest_hex(d, 32, res->sha256);
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
	/* Mostly written back already (start_writeback); the folder is synced by the caller
	 * (hoist_stage_fetch_all) once for every package. */
	if (fdatasync(f.fd) != 0 || rename(part, item->dest) != 0)
		st = hoist_error_set(err, HOIST_IO, _("cannot keep %s: %s"), item->dest,
				     strerror(errno));
out:
	writer_stop(&f);
	if (f.md)
		EVP_MD_CTX_free(f.md);
	if (f.fd >= 0)
		close(f.fd);
	free(part);
	return st;
}

/* Makes the renames into the folder of path durable. */
static enum hoist_status sync_folder(const char *path, struct hoist_error *err)
{
	char *copy = hoist_xstrdup(path);
	const char *dir = dirname(copy);
	enum hoist_status st = HOIST_OK;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0)
		st = hoist_error_set(err, HOIST_IO, _("cannot keep the packages in %s: %s"), dir,
				     strerror(errno));
	if (fd >= 0)
		close(fd);
	free(copy);
	return st;
}

struct stage_all {
	const struct hoist_http_options *http;
	const struct hoist_stage_item *items;
	size_t n;
	hoist_stage_item_progress_fn progress;
	hoist_stage_cancel_fn cancelled;
	void *ctx;
	struct hoist_stage_result *res;
	enum hoist_status *st;    /* per item */
	struct hoist_error *errs; /* per item */
	pthread_mutex_t mu;
	size_t next;              /* the next item to take, under mu */
};

struct item_relay {
	struct stage_all *a;
	size_t index;
};

static void item_progress(void *ctx, long long now, long long total)
{
	struct item_relay *ir = ctx;
	ir->a->progress(ir->a->ctx, ir->index, now, total);
}

/* One worker: takes the next item until none is left, with an HTTP handle of its own. */
static void *stage_worker(void *arg)
{
	struct stage_all *a = arg;
	struct hoist_http *h = NULL;
	for (;;) {
		struct item_relay ir;
		size_t i;
		pthread_mutex_lock(&a->mu);
		i = a->next++;
		pthread_mutex_unlock(&a->mu);
		if (i >= a->n)
			break;
		if (a->cancelled && a->cancelled(a->ctx)) {
			a->st[i] = hoist_error_set(&a->errs[i], HOIST_CANCELLED,
						   _("cancelled while downloading"));
			continue;
		}
		if (!h && !is_local(a->items[i].url) && !(h = hoist_http_new(a->http))) {
			a->st[i] = hoist_error_set(&a->errs[i], HOIST_NETWORK,
						   _("cannot start an HTTP client to download %s"),
						   a->items[i].url);
			continue;
		}
		ir.a = a;
		ir.index = i;
		a->st[i] = hoist_stage_fetch(h, &a->items[i], a->progress ? item_progress : NULL,
					     &ir, &a->res[i], &a->errs[i]);
	}
	hoist_http_free(h);
	return NULL;
}

enum hoist_status hoist_stage_fetch_all(const struct hoist_http_options *http,
					const struct hoist_stage_item *items, size_t n,
					unsigned parallel, hoist_stage_item_progress_fn progress,
					hoist_stage_cancel_fn cancelled, void *ctx,
					struct hoist_stage_result *res, struct hoist_error *err)
{
	struct stage_all a = { http, items, n, progress, cancelled, ctx, res, NULL, NULL,
			       PTHREAD_MUTEX_INITIALIZER, 0 };
	size_t workers = parallel ? parallel : STAGE_PARALLEL;
	bool *started;
	enum hoist_status st = HOIST_OK;
	pthread_t *th;
	if (n == 0)
		return HOIST_OK;
	if (workers > n)
		workers = n;
	a.st = hoist_xcalloc(n, sizeof *a.st);
	a.errs = hoist_xcalloc(n, sizeof *a.errs);
	th = hoist_xcalloc(workers, sizeof *th);
	started = hoist_xcalloc(workers, sizeof *started);
	for (size_t i = 0; i < n; i++) {
		hoist_error_init(&a.errs[i]);
		memset(&res[i], 0, sizeof res[i]);
	}
	/* The first worker is this thread; the others start only when there is more to do. */
	for (size_t w = 1; w < workers; w++)
		started[w] = pthread_create(&th[w], NULL, stage_worker, &a) == 0;
	stage_worker(&a);
	for (size_t w = 1; w < workers; w++)
		if (started[w])
			pthread_join(th[w], NULL);
	/* The first failure in the items' order is the answer. */
	for (size_t i = 0; i < n && st == HOIST_OK; i++)
		if (a.st[i] != HOIST_OK)
			st = hoist_error_set(err, a.st[i], "%s", hoist_error_message(&a.errs[i]));
	if (st == HOIST_OK)
		st = sync_folder(items[0].dest, err);
	for (size_t i = 0; i < n; i++)
		hoist_error_done(&a.errs[i]);
	free(a.st);
	free(a.errs);
	free(th);
	free(started);
	pthread_mutex_destroy(&a.mu);
	return st;
}

long long hoist_stage_free_bytes(const char *path)
{
	struct statvfs sv;
	if (statvfs(path, &sv) != 0)
		return -1;
	return (long long)sv.f_bavail * (long long)sv.f_frsize;
}
