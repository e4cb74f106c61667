/* journeys.h: what the other journeys' plans share (seeds 001, 002, 003). */
#ifndef HOIST_JOURNEYS_H
#define HOIST_JOURNEYS_H

#include "conf.h"
#include "plan.h"
#include "error.h"

/*
 * A plan of the journey for the configured server, without steps: its version (from = to),
 * its nodes as an upgrade plan would have them, the profile. The caller adds the steps.
 */
enum hoist_status hoist_journey_plan_base(const struct hoist_config *cfg, const char *journey,
					  struct hoist_plan **out, struct hoist_error *err);

/* The journey of a plan, for faces and guides: NULL for the server upgrade. */
const char *hoist_plan_journey(const struct hoist_plan *p);

/*
 * The guide's facts for a journey whose way back is not an upgrade's (the Tentacles:
 * nothing to put back; the legacy upgrade: the 2.6 server is the way back). Writes them
 * and returns true; false for a journey the upgrade's rules describe.
 */
struct hoist_buf;
struct hoist_guide;
bool hoist_guide_journey_facts(struct hoist_buf *b, const struct hoist_guide *g);
/* Fits the generated steps to the journey (2.x has no maintenance mode: none of its steps). */
void hoist_guide_journey_steps(struct hoist_guide *g);
/* Did the run pass its journey's own point of no return (the legacy migration began)? */
struct hoist_run_summary;
bool hoist_guide_journey_pnr(const struct hoist_plan *plan, const struct hoist_run_summary *s);

#endif
