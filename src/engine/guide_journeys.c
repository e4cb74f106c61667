/* guide_journeys.c: what the rollback guide says for the journeys with a way back of their own. */
#include "config.h"
#include <string.h>
#include "buf.h"
#include "guide.h"
#include "i18n.h"
#include "journeys.h"

bool hoist_guide_journey_facts(struct hoist_buf *b, const struct hoist_guide *g)
{
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
