/* feed_load.h: the feed the configuration names, loaded with its HTTP options. */
#ifndef HOIST_FEED_LOAD_H
#define HOIST_FEED_LOAD_H

#include "conf.h"
#include "feed.h"
#include "error.h"

/* Loads the configured feed (c->feed) with the configuration's HTTP options. */
enum hoist_status hoist_feed_load_configured(const struct hoist_config *c,
					     struct hoist_feed **out, struct hoist_error *err);

#endif
