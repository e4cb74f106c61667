/*
 * feed-bench.c: times libhoist's version brain on one feed: load and parse, the policy's
 * verdicts, then the chain and the note diff to the recommended release.
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "feed.h"
#include "notes.h"
#include "policy.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int fail(const char *what, const struct hoist_error *err)
{
	fprintf(stderr, "feed-bench: %s: %s\n", what, hoist_error_message(err));
	return 1;
}

int main(int argc, char **argv)
{
	struct hoist_feed *feed;
	struct hoist_policy pol;
	struct hoist_selection sel;
	struct hoist_notes notes;
	struct hoist_version cur;
	struct hoist_error err;
	struct rusage ru;
	double t0, t1, t2, t3;
	size_t held = 0;

	if (argc != 7) {
		fprintf(stderr, "usage: feed-bench FEED CURRENT ALLOW MINOR_AFTER MAJOR_AFTER "
				"EXCLUDE\n");
		return 2;
	}
	hoist_error_init(&err);
	hoist_policy_init(&pol);
	if (hoist_version_parse(argv[2], &cur, &err) ||
	    hoist_policy_set_allow(&pol, argv[3], &err) ||
	    hoist_policy_set_after(&pol.minor_after, argv[4], &err) ||
	    hoist_policy_set_after(&pol.major_after, argv[5], &err) ||
	    hoist_policy_add_exclude(&pol, argv[6], &err))
		return fail("arguments", &err);

	t0 = now_ms();
	if (hoist_feed_load(argv[1], NULL, &feed, &err))
		return fail("feed", &err);
	t1 = now_ms();
	if (hoist_policy_evaluate(&pol, feed, &cur, &sel, &err))
		return fail("policy", &err);
	t2 = now_ms();
	if (!sel.recommended) {
		fprintf(stderr, "feed-bench: no eligible release\n");
		return 1;
	}
	if (hoist_notes_diff(feed, &cur, &sel.recommended->version, &notes, &err))
		return fail("notes", &err);
	t3 = now_ms();
	getrusage(RUSAGE_SELF, &ru);
	for (size_t i = 0; i < sel.n; i++)
		held += !sel.verdicts[i].eligible;
	/* One line, key=value, for bench/feed.sh to read. */
	printf("releases=%zu newer=%zu held=%zu recommended=%s stops=%zu notes=%zu first=%zu "
	       "parse_ms=%.2f policy_ms=%.2f notes_ms=%.2f total_ms=%.2f maxrss_kb=%ld\n",
	       feed->n_releases, sel.n, held, sel.recommended->version.text, notes.chain.n_stops,
	       notes.n, notes.n_first, t1 - t0, t2 - t1, t3 - t2, t3 - t0, ru.ru_maxrss);
	hoist_notes_done(&notes);
	hoist_selection_done(&sel);
	hoist_policy_done(&pol);
	hoist_feed_free(feed);
	return 0;
}
