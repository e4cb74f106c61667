/* server_version.h: the version the configured server runs, asked through octopus.c. */
#ifndef HOIST_SERVER_VERSION_H
#define HOIST_SERVER_VERSION_H

#include "conf.h"
#include "error.h"
#include "version.h"

/*
 * The version the configured server runs (hoist_octopus_probe: GET /api, field Version).
 * A refused key is HOIST_AUTH, an unreachable server HOIST_NETWORK naming the host; no
 * server configured is HOIST_CONFIG.
 */
enum hoist_status hoist_server_version(const struct hoist_config *c, struct hoist_version *out,
				       struct hoist_error *err);

#endif
