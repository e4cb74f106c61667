/* feed.h: release feeds, the vendor's JSON array and hoist-feed/1, read by content. */
#ifndef HOIST_FEED_H
#define HOIST_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include "http.h"
#include "error.h"
#include "version.h"

enum hoist_note_kind {
	HOIST_NOTE_BREAKING,
	HOIST_NOTE_DEPENDENCY,
	HOIST_NOTE_SECURITY,
	HOIST_NOTE_FEATURE,
	HOIST_NOTE_FIX
};

/* The strings and arrays of a release belong to its feed (hoist_feed.strings). */
struct hoist_note {
	enum hoist_note_kind kind;
	char *text;
};

struct hoist_package {
	char *platform; /* "windows-x64", "linux-docker", "sandbox" */
	char *url;      /* may be relative to the feed's address */
	char sha256[65]; /* lower-case hex, validated */
	long long size; /* bytes; -1 when not given */
};

struct hoist_release {
	struct hoist_version version;
	char *date; /* NULL when the feed gives none */
	bool lts;
	bool has_upgrade_from;
	struct hoist_version upgrade_from; /* oldest version this release can be upgraded from */
	struct hoist_note *notes;
	size_t n_notes;
	struct hoist_package *packages;
	size_t n_packages;
};

enum hoist_feed_format { HOIST_FEED_VENDOR, HOIST_FEED_HOIST };

struct hoist_json_arena;

struct hoist_feed {
	enum hoist_feed_format format;
	struct hoist_release *releases; /* owned; sorted oldest first */
	size_t n_releases;
	char *source; /* owned: where it was read from (for messages and relative URLs) */
	/* owned: every release's strings and arrays (date, notes, packages), in blocks */
	struct hoist_json_arena *strings;
};

struct hoist_feed_options {
	struct hoist_http_options http;
	size_t max_bytes;    /* cap on the feed's size; default 64 MiB */
	size_t max_releases; /* default 100 000 */
};

void hoist_feed_options_init(struct hoist_feed_options *o);
/*
 * Parses a feed from memory. Malformed, truncated, oversized, duplicate or unparsable
 * entries are HOIST_FEED with a message naming the entry (its index and version text).
 */
enum hoist_status hoist_feed_parse(const char *text, size_t len, const char *source,
				   const struct hoist_feed_options *o, struct hoist_feed **out,
				   struct hoist_error *err);
/* Reads a feed from https://, http:// (loopback unless allowed), file:// or a plain path. */
enum hoist_status hoist_feed_load(const char *source, const struct hoist_feed_options *o,
				  struct hoist_feed **out, struct hoist_error *err);
void hoist_feed_free(struct hoist_feed *feed);

const struct hoist_release *hoist_feed_find(const struct hoist_feed *feed,
					    const struct hoist_version *v);
/* The package for a platform, or NULL. */
const struct hoist_package *hoist_release_package(const struct hoist_release *r,
						  const char *platform);
/*
 * A package's address resolved against the feed's own: an absolute URL stays as it is;
 * a relative one is taken from the feed's http(s):// or file:// address, or from the
 * directory of a feed read from a path (the result is then a path). Caller frees.
 */
char *hoist_feed_resolve_url(const struct hoist_feed *feed, const char *url);
/* "breaking", "dependency", "security", "feature", "fix". */
const char *hoist_note_kind_name(enum hoist_note_kind k);
/* The vendor's page comparing two versions (for feeds without notes); caller frees. */
char *hoist_feed_compare_url(const struct hoist_version *from, const struct hoist_version *to);

#endif
