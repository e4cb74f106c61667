/* journeys.c: the base plan the other journeys build on, from the one server read. */
#include "config.h"
#include <stdlib.h>
#include "i18n.h"
#include "journeys.h"
#include "prepare.h"
#include "xalloc.h"

enum hoist_status hoist_journey_plan_base(const struct hoist_config *cfg, const char *journey,
					  struct hoist_plan **out, struct hoist_error *err)
{
	/* The backup plan reads the server and its nodes exactly as an upgrade plan does. */
	enum hoist_status st = hoist_plan_prepare_backup(cfg, out, err);
	struct hoist_plan *p = *out;
	if (st != HOIST_OK)
		return st;
	for (size_t i = 0; i < p->n_steps; i++) {
		free(p->steps[i].id);
		free(p->steps[i].node);
		free(p->steps[i].arg);
	}
	free(p->steps);
	p->steps = NULL;
	p->n_steps = 0;
	p->journey = hoist_xstrdup(journey);
	return HOIST_OK;
}

const char *hoist_plan_journey(const struct hoist_plan *p)
{
	return p ? p->journey : NULL;
}

/* The journeys' names as hoist status shows them (it translates a run's kind). */
static const char *const journey_labels[] __attribute__((unused)) = {
	N_("tentacles"), N_("os-patch"), N_("legacy"),
};
