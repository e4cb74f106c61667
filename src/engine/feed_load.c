/* feed_load.c: the feed the configuration names, loaded with its HTTP options. */
#include "config.h"
#include "feed_load.h"
#include "http_config.h"

enum hoist_status hoist_feed_load_configured(const struct hoist_config *c,
					     struct hoist_feed **out, struct hoist_error *err)
{
	struct hoist_feed_options o;
	hoist_feed_options_init(&o);
	hoist_http_options_from_config(c, &o.http);
	return hoist_feed_load(c->feed, &o, out, err);
}
