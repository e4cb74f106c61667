/*
 * estimate.h: the maintenance window an upgrade can expect, from earlier runs that are
 * comparable: the same kind, strategy, node count and hop count, ended well, not dry
 * runs. A range when there are several; no estimate rather than a wrong one.
 */
#ifndef HOIST_ESTIMATE_H
#define HOIST_ESTIMATE_H

#include "plan.h"

/* Fills plan's window_estimate_* fields from the runs under state_dir (none: -1 and 0). */
void hoist_estimate_window(const char *state_dir, struct hoist_plan *plan);
/* The estimate in one sentence for people (translated, a new string). */
char *hoist_estimate_text(const struct hoist_plan *plan);

#endif
