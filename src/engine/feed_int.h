/* feed_int.h: what the feed's reader (feed_parse.c) and its loader (feed.c) share; not for other modules. */
#ifndef HOIST_FEED_INT_H
#define HOIST_FEED_INT_H

#include <stdbool.h>
#include <stddef.h>
#include "feed.h"

/* o, or def filled with the defaults when o is NULL. */
const struct hoist_feed_options *feed_options_or_default(const struct hoist_feed_options *o,
							 struct hoist_feed_options *def);
/* HOIST_FEED: the feed from source is len bytes, more than max. */
enum hoist_status feed_too_big(size_t len, const char *source, size_t max,
			       struct hoist_error *err);
/* hoist_feed_parse, told whether text is a mapped file (its pages are dropped once read). */
enum hoist_status feed_parse_text(const char *text, size_t len, bool mapped, const char *source,
				  const struct hoist_feed_options *o, struct hoist_feed **out,
				  struct hoist_error *err);

#endif
