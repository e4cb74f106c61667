/* prepare.h: a plan from the server's real state, the feed and the configuration (DESIGN §6). */
#ifndef HOIST_PREPARE_H
#define HOIST_PREPARE_H

#include <stdbool.h>
#include <stddef.h>
#include "conf.h"
#include "plan.h"
#include "error.h"

/* What the operator chose beyond the configuration; everything borrowed. */
struct hoist_prepare_options {
	enum hoist_strategy strategy; /* AUTO: rolling for a patch, else all-at-once */
	const char *role_order;       /* NULL: the configuration's, else seed 004's */
	const char *const *overrides; /* recorded in the plan: what was overridden, why */
	size_t n_overrides;
	bool force;                   /* the target may be the version installed: a repair */
	const char *node;             /* NULL: every node; else that node alone */
	/*
	 * Why a target the policy holds back is chosen anyway (the CLI's --override). A
	 * held-back target without it, and without overrides, is HOIST_POLICY.
	 */
	const char *override_reason;
};

/*
 * Builds the plan to upgrade the configured server to target: its current version
 * (GET /api), the nodes of the configuration checked against the server's node list,
 * the chain of required stops from the feed, the feed's packages for the profile's
 * platform (every hop and the current version, for a later downgrade), the role order
 * and a window estimate from the last good run. HOIST_AUTH/NETWORK when the server does
 * not answer, HOIST_CONFIG when a node is unknown, HOIST_FEED when a package is missing,
 * HOIST_POLICY when the policy holds target back and nothing overrides it.
 */
enum hoist_status hoist_plan_prepare(const struct hoist_config *cfg, const char *target,
				     const struct hoist_prepare_options *o,
				     struct hoist_plan **out, struct hoist_error *err);

/* A plan of the checklist's automatic items alone: preflight, master key, database backup. */
enum hoist_status hoist_plan_prepare_backup(const struct hoist_config *cfg,
					    struct hoist_plan **out, struct hoist_error *err);

/* The feed's platform name of a profile ("sandbox", "windows-x64", "linux-docker"). */
const char *hoist_profile_platform(const char *profile);

#endif
