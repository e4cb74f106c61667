/* notes.h: the chain of required stops and the release-note diff along it. */
#ifndef HOIST_NOTES_H
#define HOIST_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include "feed.h"
#include "error.h"
#include "version.h"

/*
 * from -> stops... -> to. A release's upgrade_from names the oldest version it can be
 * upgraded from; the chain has the fewest stops that respect every upgrade_from.
 */
struct hoist_chain {
	struct hoist_version from, to;
	enum hoist_kind kind;         /* of from -> to */
	struct hoist_version *stops;  /* owned: intermediate versions, oldest first */
	size_t n_stops;
};

enum hoist_status hoist_chain_plan(const struct hoist_feed *feed,
				   const struct hoist_version *from,
				   const struct hoist_version *to, struct hoist_chain *out,
				   struct hoist_error *err);
void hoist_chain_done(struct hoist_chain *c);

struct hoist_note_entry {
	const struct hoist_release *release; /* borrowed from the feed */
	enum hoist_note_kind kind;
	const char *text;                    /* borrowed from the feed */
};

struct hoist_notes {
	struct hoist_chain chain;
	struct hoist_note_entry *entries; /* owned: breaking, dependency, security first, then
					     the rest grouped by version, oldest first */
	size_t n;
	size_t n_first;  /* how many entries are in the "read first" group */
	bool feed_has_notes; /* false for the vendor's feed */
	char *compare_url;   /* owned: the vendor's compare page when there are no notes */
};

/* The notes of every release in (from, to]. */
enum hoist_status hoist_notes_diff(const struct hoist_feed *feed,
				   const struct hoist_version *from,
				   const struct hoist_version *to, struct hoist_notes *out,
				   struct hoist_error *err);
void hoist_notes_done(struct hoist_notes *n);

#endif
