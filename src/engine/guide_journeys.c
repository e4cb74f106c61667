/* guide_journeys.c: what the rollback guide says for the journeys with a way back of their own. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "guide.h"
#include "i18n.h"
#include "exec.h"
#include "journal.h"
#include "journeys.h"

bool hoist_guide_journey_pnr(const struct hoist_plan *plan, const struct hoist_run_summary *s)
{
	if (!plan->journey || strcmp(plan->journey, HOIST_JOURNEY_LEGACY))
		return false;
	for (size_t i = 0; i < s->n_steps; i++)
		if (!strcmp(s->steps[i].step, "migrate-data") &&
		    s->steps[i].state != HOIST_STEP_PENDING)
			return true;
	return false;
}

bool hoist_guide_journey_facts(struct hoist_buf *b, const struct hoist_guide *g)
{
	if (g->journey && !strcmp(g->journey, HOIST_JOURNEY_LEGACY)) {
		/* Said first; the upgrade's facts and steps follow. */
		if (g->pnr_passed)
			hoist_buf_printf(b, _("This was the legacy upgrade from %s to %s, and the "
					      "migration began. The %s server is the way back: restore "
					      "its database backup and master key from this run before it "
					      "starts again; the 3.x data can be migrated again later from "
					      "the same backup.\n"), g->from.text, g->to.text, g->from.text);
		else
			hoist_buf_printf(b, _("This was the legacy upgrade from %s to %s; the "
					      "migration did not begin. The %s server is the way back: "
					      "start it again (reinstalled where 3.x was installed).\n"),
					 g->from.text, g->to.text, g->from.text);
		return false;
	}
	if (!g->journey || strcmp(g->journey, HOIST_JOURNEY_TENTACLES))
		return false;
	if (g->failed_step)
		hoist_buf_printf(b, _("The step %s failed: %s\n"), g->failed_step,
				 g->failed_message ? g->failed_message : _("no message was recorded"));
	hoist_buf_printf(b, _("The run upgraded Tentacles in batches through the server (%s). "
			      "There is nothing to roll back: a Tentacle that was upgraded stays "
			      "upgraded (the server wants the new one), and the server itself was "
			      "not changed.\n"), g->from.text);
	hoist_buf_printf(b, _("For each target that was not upgraded: read the log of the "
			      "server's Upgrade task, fix the machine (or install the Tentacle on "
			      "it by hand), then run hoist tentacles again; it continues with what "
			      "is still outdated, and ends with a health check that updates "
			      "Calamari.\n"));
	return true;
}

void hoist_guide_journey_steps(struct hoist_guide *g)
{
	size_t k = 0;
	if (!g->journey || strcmp(g->journey, HOIST_JOURNEY_LEGACY))
		return;
	for (size_t i = 0; i < g->n_steps; i++) {
		struct hoist_guide_step *s = &g->steps[i];
		if (s->step && (!strcmp(s->step, "maintenance-on") ||
				!strcmp(s->step, "maintenance-off"))) {
			free(s->step);
			free(s->node);
			free(s->arg);
			free(s->reason);
			free(s->command);
			hoist_exec_argv_free(s->argv);
			continue;
		}
		g->steps[k] = *s;
		g->steps[k].number = (unsigned)(k + 1);
		k++;
	}
	g->n_steps = k;
	g->maintenance_on = g->maintenance_still_on = false;
}
