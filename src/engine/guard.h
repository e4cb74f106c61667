/*
 * guard.h: the guard rails every face applies before a run: the policy's verdict on the
 * target (a held-back version needs an override with a reason) and the notes of the chain
 * that must be read before anyone confirms (breaking, dependency, security).
 */
#ifndef HOIST_GUARD_H
#define HOIST_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include "conf.h"
#include "feed.h"
#include "plan.h"
#include "policy.h"
#include "error.h"
#include "version.h"

/*
 * Whether the policy holds target back, seen from current: *held (owned, translated) is
 * the reason ("major upgrades off"), or NULL when target is eligible. A target that is
 * eligible only through required stops is not held.
 */
enum hoist_status hoist_guard_held(const struct hoist_policy *p, const struct hoist_feed *feed,
				   const struct hoist_version *current,
				   const struct hoist_version *target, char **held,
				   struct hoist_error *err);

/*
 * The override text recorded in a plan for a held-back target chosen with a reason
 * (a new string): "2024.1.3 held back by the policy (major upgrades off); override: REASON".
 */
char *hoist_guard_override_text(const struct hoist_version *target, const char *held,
				const char *reason);

/* One note that must be read first (breaking, dependency, security). */
struct hoist_guard_note {
	enum hoist_note_kind kind;
	char *version;  /* owned: the release that says it */
	char *text;     /* owned */
};

struct hoist_guard_notes {
	struct hoist_guard_note *v; /* owned array, the chain's order */
	size_t n;
	bool feed_has_notes;        /* false: the vendor's feed, which carries none */
	char *compare_url;          /* owned: where to read them then; may be NULL */
};

void hoist_guard_notes_init(struct hoist_guard_notes *g);
void hoist_guard_notes_done(struct hoist_guard_notes *g);
/* The read-first notes of every release in (plan->from, plan->to], from the feed. */
enum hoist_status hoist_guard_notes_of_plan(const struct hoist_config *cfg,
					    const struct hoist_plan *plan,
					    struct hoist_guard_notes *out, struct hoist_error *err);

#endif
