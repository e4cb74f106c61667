/* fuzz_feed.c: a release feed (vendor array or hoist-feed/1), then the policy over it. */
#include "config.h"
#include "feed.h"
#include "fuzz.h"
#include "policy.h"
#include "error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoist_feed *feed = NULL;
	struct hoist_error err;
	hoist_error_init(&err);
	if (hoist_feed_parse((const char *)data, size, "fuzz", NULL, &feed, &err) == HOIST_OK) {
		struct hoist_policy pol;
		struct hoist_selection sel;
		hoist_policy_init(&pol);
		pol.allow = HOIST_ALLOW_MAJOR;
		/* Sorted oldest first, no duplicates: what every reader of a feed relies on. */
		for (size_t i = 1; i < feed->n_releases; i++)
			FUZZ_ASSERT(hoist_version_cmp(&feed->releases[i - 1].version,
						      &feed->releases[i].version) < 0,
				    "releases %zu and %zu out of order", i - 1, i);
		if (feed->n_releases &&
		    hoist_policy_evaluate(&pol, feed, &feed->releases[0].version, &sel, NULL) ==
			    HOIST_OK)
			hoist_selection_done(&sel);
		hoist_feed_free(feed);
	} else {
		FUZZ_ASSERT(err.message != NULL, "a refused feed has no message");
	}
	hoist_error_done(&err);
	return 0;
}
