/* fuzz_notes.c: the release-note diff and required stops between the oldest and newest release. */
#include "config.h"
#include <stdlib.h>
#include "feed.h"
#include "fuzz.h"
#include "json.h"
#include "notes.h"
#include "report_json.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoist_feed *feed = NULL;
	struct hoist_notes notes;
	if (hoist_feed_parse((const char *)data, size, "fuzz", NULL, &feed, NULL) != HOIST_OK)
		return 0;
	if (feed->n_releases >= 2 &&
	    hoist_notes_diff(feed, &feed->releases[0].version,
			     &feed->releases[feed->n_releases - 1].version, &notes,
			     NULL) == HOIST_OK) {
		char *json = hoist_report_notes_json(&notes);
		/* Whatever the feed held, the JSON is valid UTF-8 and the text shown is inert. */
		FUZZ_ASSERT(hoist_utf8_valid(json, strlen(json)), "notes JSON is not UTF-8");
		for (size_t i = 0; i < notes.n; i++) {
			char *shown = hoist_text_visible(notes.entries[i].text, 0);
			for (const char *p = shown; *p; p++)
				FUZZ_ASSERT((unsigned char)*p >= 0x20 || *p == '\t',
					    "control byte %02x shown", (unsigned char)*p);
			free(shown);
		}
		free(json);
		hoist_notes_done(&notes);
	}
	hoist_feed_free(feed);
	return 0;
}
