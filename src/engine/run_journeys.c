/* run_journeys.c: where a run hands the other journeys' steps and failures to their files. */
#include "config.h"
#include <string.h>
#include "i18n.h"
#include "legacy.h"
#include "run_int.h"

bool run_journey_step(struct run *r, struct run_node *n, const struct hoist_plan_step *s,
		      struct run_result *res, struct hoist_error *err, enum hoist_status *st)
{
	bool legacy = r->plan->journey && !strcmp(r->plan->journey, HOIST_JOURNEY_LEGACY);
	if (hoist_legacy_manual(s->id))
		*st = run_step_manual(r, n, s, res, err);
	else if (!strcmp(s->id, "migrate-data") && n)
		*st = run_step_migrate(r, n, s, res, err);
	else if (legacy && !strcmp(s->id, "validate") && n)
		*st = run_step_legacy_validate(r, n, s, res, err);
	else if (!strcmp(s->id, "tentacles"))
		*st = run_step_tentacles(r, s, res, err);
	else if (!strcmp(s->id, "health-check"))
		*st = run_step_health(r, s, res, err);
	else if (!strcmp(s->id, "os-patch") && n)
		*st = run_step_os_patch(r, n, s, res, err);
	else
		return false;
	return true;
}

bool run_journey_failed(struct run *r, enum hoist_status *st, struct hoist_error *err)
{
	const char *j = r->plan->journey;
	if (j && !strcmp(j, HOIST_JOURNEY_TENTACLES)) {
		/* An upgraded Tentacle is not put back: the server wants the new one. */
		hoist_error_prefix(err, _("the Tentacle upgrade stopped; what it upgraded stays "
					  "upgraded"));
		return true;
	}
	if (j && !strcmp(j, HOIST_JOURNEY_OS_PATCH) && r->pnr_started) {
		hoist_error_prefix(err, _("the operating-system patching stopped after it began "
					  "patching; nothing is undone: restore the operating system "
					  "from its snapshot and start the service (hoist rollback "
					  "--guide); never restore the database"));
		*st = err->status = HOIST_FAILED_PNR;
		return true;
	}
	if (j && !strcmp(j, HOIST_JOURNEY_LEGACY) && r->pnr_started) {
		hoist_error_prefix(err, _("the legacy upgrade stopped after the migration began; "
					  "the 2.6 server is the way back: reinstall 2.6, restore its "
					  "database backup and master key from this run (hoist rollback "
					  "--guide)"));
		*st = err->status = HOIST_FAILED_PNR;
		return true;
	}
	return false;
}
