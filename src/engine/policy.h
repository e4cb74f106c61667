/* policy.h: which newer releases are eligible, and why the others are held back (§2). */
#ifndef HOIST_POLICY_H
#define HOIST_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include "feed.h"
#include "error.h"
#include "version.h"

enum hoist_allow { HOIST_ALLOW_PATCH = 1, HOIST_ALLOW_MINOR = 2, HOIST_ALLOW_MAJOR = 3 };

struct hoist_policy {
	enum hoist_allow allow;  /* default: minor */
	int minor_after;         /* a newer minor line is eligible from patch N on; -1: off */
	int major_after;         /* a newer major is eligible from minor N on; -1: off */
	bool has_pin;
	struct hoist_version_pattern pin;  /* only this version or line */
	struct hoist_version *exclude;     /* owned array: versions known bad */
	size_t n_exclude;
	bool prerelease;         /* default false */
};

void hoist_policy_init(struct hoist_policy *p);
void hoist_policy_done(struct hoist_policy *p);
enum hoist_status hoist_policy_set_allow(struct hoist_policy *p, const char *text,
					 struct hoist_error *err);
enum hoist_status hoist_policy_set_pin(struct hoist_policy *p, const char *text,
				       struct hoist_error *err);
/* Accepts one version or a comma-separated list. */
enum hoist_status hoist_policy_add_exclude(struct hoist_policy *p, const char *text,
					   struct hoist_error *err);
enum hoist_status hoist_policy_set_after(int *field, const char *text, struct hoist_error *err);

/* Why a release is held back; stable names for JSON. */
enum hoist_hold {
	HOIST_HOLD_NONE,        /* eligible */
	HOIST_HOLD_KIND,        /* "major upgrades off", "only patch upgrades" */
	HOIST_HOLD_WAITING,     /* minor_after / major_after not reached: "waiting for 2024.2.2" */
	HOIST_HOLD_PIN,         /* outside the pinned version or line */
	HOIST_HOLD_EXCLUDED,
	HOIST_HOLD_PRERELEASE,
	HOIST_HOLD_STOP         /* needs a required stop first (it stays eligible as a target) */
};

struct hoist_verdict {
	const struct hoist_release *release; /* borrowed from the feed */
	enum hoist_kind kind;
	bool eligible;
	enum hoist_hold hold;
	char *reason; /* owned, translated: "waiting for 2024.2.2"; "" when eligible */
	bool needs_stop; /* its upgrade_from is newer than current: the chain has stops */
};

struct hoist_selection {
	struct hoist_version current;
	struct hoist_verdict *verdicts; /* owned: every release newer than current, oldest first */
	size_t n;
	const struct hoist_release *recommended; /* newest eligible, or NULL */
};

enum hoist_status hoist_policy_evaluate(const struct hoist_policy *p,
					const struct hoist_feed *feed,
					const struct hoist_version *current,
					struct hoist_selection *out, struct hoist_error *err);
void hoist_selection_done(struct hoist_selection *s);
const char *hoist_hold_name(enum hoist_hold h);

#endif
