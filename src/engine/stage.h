/* stage.h: fetching installers before the window: resumable, verified while streaming. */
#ifndef HOIST_STAGE_H
#define HOIST_STAGE_H

#include <stdbool.h>
#include "http.h"
#include "error.h"

struct hoist_stage_item {
	const char *url;    /* http(s)://, file:// or a plain path */
	const char *sha256; /* expected, lower-case hex; NULL: record it, verify nothing */
	long long size;     /* expected size, -1 when unknown */
	const char *dest;   /* where the verified file goes */
};

/* Bytes so far and the total (0 when unknown). */
typedef void (*hoist_stage_progress_fn)(void *ctx, long long now, long long total);

struct hoist_stage_result {
	char sha256[65];    /* what the file hashed to */
	long long size;
	bool cached;        /* it was already there, verified */
	bool resumed;       /* a partial download was continued */
};

/*
 * Fetches item to item->dest through dest.part: continues a partial file with a Range
 * request, hashes while streaming, and renames only after the SHA-256 matches. A
 * mismatch deletes the partial file and is HOIST_CHECKSUM naming the URL and both digests.
 * The file's data is on disk before the rename; the rename itself is made durable by
 * syncing the folder (hoist_stage_fetch_all does). h may be NULL for a local source.
 */
enum hoist_status hoist_stage_fetch(struct hoist_http *h, const struct hoist_stage_item *item,
				    hoist_stage_progress_fn progress, void *ctx,
				    struct hoist_stage_result *res, struct hoist_error *err);
/* Progress of item index of a hoist_stage_fetch_all; called from any of its threads. */
typedef void (*hoist_stage_item_progress_fn)(void *ctx, size_t index, long long now,
					     long long total);
/* True when the caller wants no further package started. */
typedef bool (*hoist_stage_cancel_fn)(void *ctx);

/*
 * Fetches n items like hoist_stage_fetch, up to parallel (0: 4) at once, each worker
 * with an HTTP handle of its own (from http), then syncs the folder of the first dest
 * once (all dests are meant to share it). res has n entries. The first failure in the
 * items' order is the result; every package that did verify is kept either way.
 */
enum hoist_status hoist_stage_fetch_all(const struct hoist_http_options *http,
					const struct hoist_stage_item *items, size_t n,
					unsigned parallel, hoist_stage_item_progress_fn progress,
					hoist_stage_cancel_fn cancelled, void *ctx,
					struct hoist_stage_result *res, struct hoist_error *err);
/* Free bytes on the file system holding path, or -1. */
long long hoist_stage_free_bytes(const char *path);

#endif
