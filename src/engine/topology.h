/* topology.h: connect to a server and read its state in one call, for the faces (§1.1). */
#ifndef HOIST_TOPOLOGY_H
#define HOIST_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include "conf.h"
#include "error.h"
#include "version.h"

/* One node: what the server says about it, joined with the configuration by name. */
struct hoist_topology_node {
	char *name;          /* owned */
	char *role;          /* owned; from the configuration; NULL: none given */
	char *url;           /* owned; the node's own address from the configuration; may be NULL */
	bool on_server;      /* the server lists it */
	bool in_config;      /* the configuration names it */
	bool drained;        /* IsInMaintenanceMode of the node */
	bool offline;        /* IsOffline */
	int running_tasks;
	bool has_version;    /* the node's own GET {url}/api answered */
	struct hoist_version version;
	char *version_problem; /* owned: why has_version is false (translated); may be NULL */
};

struct hoist_topology {
	char *server_url;    /* owned */
	struct hoist_version version; /* of the node that answered the server's address */
	bool maintenance;    /* the server's maintenance mode */
	int active_tasks;    /* queued, executing or cancelling, all nodes */
	struct hoist_topology_node *nodes; /* owned array: the server's nodes in its order,
					      then configured nodes it does not list */
	size_t n_nodes;
};

void hoist_topology_init(struct hoist_topology *t);
void hoist_topology_done(struct hoist_topology *t);

/*
 * Connects with cfg's server address, key and TLS settings, checks the key, and reads
 * the version, maintenance mode, active tasks and the nodes (with each node's own
 * version where the configuration gives its address). A node that does not answer is
 * not an error: its version_problem says why. Fails with the first server call that fails.
 * A look: no retries, a connect timeout of 3 s, the nodes asked at once.
 */
enum hoist_status hoist_topology_read(const struct hoist_config *cfg, struct hoist_topology *out,
				      struct hoist_error *err);

/* Whether every node that answered runs the same version as the server. */
bool hoist_topology_uniform(const struct hoist_topology *t);

#endif
