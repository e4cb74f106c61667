/* ospatch.h: the operating-system patching journey (seed 003) as a plan of the engine. */
#ifndef HOIST_OSPATCH_H
#define HOIST_OSPATCH_H

#include "conf.h"
#include "plan.h"
#include "error.h"

/*
 * The plan (kind HOIST_JOURNEY_OS_PATCH) to patch the configured server's nodes, or only
 * the node named (NULL: every node). One server: maintenance mode on, wait for every task,
 * stop, os-patch (snapshot when the profile can, the patch, the reboot it asks for and the
 * wait until the host is back), start, validate, maintenance mode off. A cluster: no
 * maintenance mode and no downtime: node by node, drain, wait for that node's tasks, stop,
 * os-patch, start, validate, undrain, while the others serve. The database is never touched.
 */
enum hoist_status hoist_plan_prepare_os_patch(const struct hoist_config *cfg, const char *node,
					      struct hoist_plan **out, struct hoist_error *err);

#endif
