/* ospatch.c: the plan of the operating-system patching journey (seed 003). */
#include "config.h"
#include <string.h>
#include "i18n.h"
#include "journeys.h"
#include "ospatch.h"

static void node_steps(struct hoist_plan *p, const char *name, bool cluster)
{
	if (cluster)
		hoist_plan_add_step(p, "drain", name, &p->from, NULL);
	if (cluster)
		hoist_plan_add_step(p, "wait-tasks", name, &p->from, NULL);
	hoist_plan_add_step(p, "stop", name, &p->from, NULL);
	hoist_plan_add_step(p, "os-patch", name, &p->from, NULL);
	hoist_plan_add_step(p, "start", name, &p->from, NULL);
	hoist_plan_add_step(p, "validate", name, &p->from, NULL);
	if (cluster)
		hoist_plan_add_step(p, "undrain", name, &p->from, NULL);
}

enum hoist_status hoist_plan_prepare_os_patch(const struct hoist_config *cfg, const char *node,
					      struct hoist_plan **out, struct hoist_error *err)
{
	struct hoist_plan *p;
	enum hoist_status st = hoist_journey_plan_base(cfg, HOIST_JOURNEY_OS_PATCH, &p, err);
	bool cluster, found = false;
	*out = NULL;
	if (st != HOIST_OK)
		return st;
	for (size_t i = 0; node && i < p->n_nodes; i++)
		found = found || !strcmp(p->nodes[i].name, node);
	if (node && !found) {
		hoist_plan_free(p);
		return hoist_error_say(err, HOIST_USAGE,
				       N_("the server has no node %s in the configuration"), node);
	}
	cluster = p->n_nodes > 1;
	/* Node by node, each the same way: never two at once. */
	p->strategy = HOIST_STRATEGY_ROLLING;
	hoist_plan_add_step(p, "preflight", NULL, &p->from, NULL);
	if (!cluster) {
		hoist_plan_add_step(p, "maintenance-on", NULL, &p->from, NULL);
		hoist_plan_add_step(p, "wait-tasks", NULL, &p->from, NULL);
	}
	for (size_t i = 0; i < p->n_nodes; i++)
		if (!node || !strcmp(p->nodes[i].name, node))
			node_steps(p, p->nodes[i].name, cluster);
	if (!cluster)
		hoist_plan_add_step(p, "maintenance-off", NULL, &p->from, NULL);
	*out = p;
	return HOIST_OK;
}
