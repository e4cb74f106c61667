/*
 * bundle.h: a support bundle (DESIGN §8): one JSON file with what support staff need to
 * reproduce a customer's run (hoist's version, the host's OS, the configuration with
 * every secret removed, the topology, the feed entries between origin and target, the
 * plan, the journal, the guide, evidence with sizes and SHA-256), and never a backup's
 * contents, the master key or the API key. Read back for hoist-sandbox init --from-bundle.
 *
 *   {"format": "hoist-bundle/1", "hoist_version": "...", "created": "...",
 *    "run_id": "...", "host": {"sysname", "release", "version", "machine"},
 *    "config": {...}, "topology": {"server_url", "version", "nodes": [...]},
 *    "feed": {"format": "hoist-feed/1", "releases": [...]}, "plan": {...},
 *    "journal": [event, ...], "guide": "text" | null, "evidence": [...]}
 */
#ifndef HOIST_BUNDLE_H
#define HOIST_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include "conf.h"
#include "feed.h"
#include "journal.h"
#include "plan.h"
#include "error.h"

#define HOIST_BUNDLE_FORMAT "hoist-bundle/1"

/*
 * Writes the bundle of run run_id (NULL: the newest run) to out_path (NULL: the run's
 * folder, runs/<run-id>/support-bundle.json), mode 0600, atomically. *written
 * (owned, may be NULL) receives the path. Every text the configuration or the run holds
 * as a secret (API key, master key) is removed; the bundle is refused (HOIST_UNSAFE)
 * should one still be in it.
 */
enum hoist_status hoist_bundle_write(const struct hoist_config *cfg, const char *run_id,
				     const char *out_path, char **written,
				     struct hoist_error *err);

/* How long a step of the customer's run took: the journal's timings. */
struct hoist_bundle_timing {
	char *step;       /* owned */
	char *node;       /* owned; NULL: cluster-wide */
	long long ms;
};

/* The customer's failure: the first step that failed, with the version of its hop. */
struct hoist_bundle_failure {
	char *step;       /* owned */
	char *node;       /* owned; NULL: cluster-wide */
	struct hoist_version version; /* the plan step's version (the hop's for install) */
	bool has_version;
	char *message;    /* owned; may be NULL */
};

/* A bundle read back, parsed once into typed parts. */
struct hoist_bundle {
	char *hoist_version;  /* owned: of the hoist that wrote it */
	char *run_id;         /* owned */
	char *host;           /* owned: "Linux 6.1.0 x86_64", for people */
	struct hoist_plan *plan;          /* owned: the run's plan */
	struct hoist_run_summary journal; /* the run's journal, folded */
	struct hoist_feed *feed;          /* owned: the slice of the feed; may be NULL */
	struct hoist_bundle_timing *timings; /* owned array: ended steps, in order */
	size_t n_timings;
	struct hoist_bundle_failure *failure; /* owned; NULL: no step failed */
};

enum hoist_status hoist_bundle_load(const char *path, struct hoist_bundle **out,
				    struct hoist_error *err);
void hoist_bundle_free(struct hoist_bundle *b);
/* The mean duration of a step id in the customer's run (ms), or -1 when it never ended. */
long long hoist_bundle_mean_ms(const struct hoist_bundle *b, const char *step);

/* One line of a comparison: a step in theirs (the bundle) and in ours (a replay). */
struct hoist_bundle_row {
	const char *step, *node;        /* borrowed from one of the summaries */
	bool in_theirs, in_ours;
	enum hoist_step_state theirs, ours;
	long long theirs_ms, ours_ms;   /* -1: did not end */
	bool same;                      /* in both, with the same outcome */
};

/*
 * Lines a replay (ours) up against the customer's run (theirs) step by step: the steps in
 * theirs' order, then any only ours has. *rows (owned; free()) and *n are set; returns
 * true when every step is in both with the same outcome and both runs ended alike.
 */
bool hoist_bundle_compare(const struct hoist_run_summary *theirs,
			  const struct hoist_run_summary *ours, struct hoist_bundle_row **rows,
			  size_t *n);

#endif
