/* run_journeys.c: the other journeys' steps in the run's step table, and their failures. */
#include "config.h"
#include <string.h>
#include "i18n.h"
#include "legacy.h"
#include "run_files.h"
#include "run_int.h"

enum hoist_status run_op_tentacles(struct run *r, struct run_node *n,
				   const struct hoist_plan_step *s, struct run_result *res,
				   struct hoist_error *err)
{
	(void)n;
	return run_step_tentacles(r, s, res, err);
}

enum hoist_status run_op_health(struct run *r, struct run_node *n,
				const struct hoist_plan_step *s, struct run_result *res,
				struct hoist_error *err)
{
	if (!r->plan->journey)
		return run_op_health_check(r, n, s, res, err);
	return run_step_health(r, s, res, err);
}

enum hoist_status run_op_os_patch(struct run *r, struct run_node *n,
				  const struct hoist_plan_step *s, struct run_result *res,
				  struct hoist_error *err)
{
	return run_step_os_patch(r, n, s, res, err);
}

enum hoist_status run_op_migrate(struct run *r, struct run_node *n,
				 const struct hoist_plan_step *s, struct run_result *res,
				 struct hoist_error *err)
{
	return run_step_migrate(r, n, s, res, err);
}

enum hoist_status run_op_manual(struct run *r, struct run_node *n,
				const struct hoist_plan_step *s, struct run_result *res,
				struct hoist_error *err)
{
	return run_step_manual(r, n, s, res, err);
}

bool run_journey_failed(struct run *r, enum hoist_status *st, enum hoist_end *end,
			struct hoist_error *err)
{
	const char *j = r->plan->journey;
	if (j && !strcmp(j, HOIST_JOURNEY_TENTACLES)) {
		/* An upgraded Tentacle is not put back: the server wants the new one. */
		hoist_error_prefix_say(err, N_("the Tentacle upgrade stopped; what it upgraded stays "
					   "upgraded"));
		/* A stop lands between batches: resume goes on with what is still outdated. */
		*end = *st == HOIST_CANCELLED ? HOIST_END_INTERRUPTED : HOIST_END_FAILED;
		return true;
	}
	if (j && !strcmp(j, HOIST_JOURNEY_OS_PATCH) && r->pnr_started) {
		hoist_error_prefix_say(err, N_("the operating-system patching stopped after it began "
					   "patching; nothing is undone: restore the operating system "
					   "from its snapshot and start the service (hoist rollback "
					   "--guide); never restore the database"));
		*st = err->status = HOIST_FAILED_PNR;
		*end = HOIST_END_FAILED;
		return true;
	}
	if (j && !strcmp(j, HOIST_JOURNEY_LEGACY) && r->pnr_started) {
		hoist_error_prefix_say(err, N_("the legacy upgrade stopped after the migration began; "
					   "the 2.6 server is the way back: reinstall 2.6, restore its "
					   "database backup and master key from this run (hoist rollback "
					   "--guide)"));
		*st = err->status = HOIST_FAILED_PNR;
		*end = HOIST_END_FAILED;
		return true;
	}
	return false;
}
