/* octopus.h: the Octopus Server API calls the engine makes (DESIGN §4), parsed at the border. */
#ifndef HOIST_OCTOPUS_H
#define HOIST_OCTOPUS_H

#include <stdbool.h>
#include <stddef.h>
#include "http.h"
#include "error.h"
#include "version.h"

struct hoist_octopus;

struct hoist_octopus_node {
	char *id;        /* owned: "OctopusServerNodes-..." */
	char *name;      /* owned */
	char *link;      /* owned: Links.Node, relative to the server */
	bool drained;    /* IsInMaintenanceMode of the node */
	bool offline;    /* IsOffline */
	int running_tasks;
	int max_tasks;   /* MaxConcurrentTasks */
};

struct hoist_octopus_nodes {
	struct hoist_octopus_node *v; /* owned array */
	size_t n;
};

struct hoist_octopus_tentacle {
	char *id;        /* owned: "Machines-1" */
	char *name;      /* owned */
	char *version;   /* owned; may be NULL */
	char *health;    /* owned: HealthStatus; may be NULL */
	char *environment; /* owned: its first EnvironmentIds entry; may be NULL */
	bool upgrade_suggested, upgrade_required;
	bool latest_calamari; /* HasLatestCalamari */
};

struct hoist_octopus_tentacles {
	struct hoist_octopus_tentacle *v; /* owned array */
	size_t n;
};

/* Ping of one node's own address: what a load balancer sees. */
enum hoist_ping { HOIST_PING_UP, HOIST_PING_DRAINING, HOIST_PING_DOWN };

/* base_url is the server (or load balancer); api_key is copied and wiped on free. */
struct hoist_octopus *hoist_octopus_new(const char *base_url, const char *api_key,
					const struct hoist_http_options *opts);
void hoist_octopus_free(struct hoist_octopus *c);
const char *hoist_octopus_url(const struct hoist_octopus *c);
/*
 * The deadline of each following call, retries included (0: the HTTP layer's default;
 * short for a first look, longer for a slow cluster).
 */
void hoist_octopus_set_deadline(struct hoist_octopus *c, long ms);

/* GET /api: the version of the node that answered. */
enum hoist_status hoist_octopus_version(struct hoist_octopus *c, struct hoist_version *v,
					struct hoist_error *err);
/*
 * The first contact (GET /api) before anything else is done: the same, but an answer
 * that is no usable Octopus version (HTTP 500, HTML, not JSON, no Version) is
 * HOIST_NETWORK: the server cannot be used (exit 3).
 */
enum hoist_status hoist_octopus_probe(struct hoist_octopus *c, struct hoist_version *v,
				      struct hoist_error *err);
/* Checks that the key is accepted (GET /api/maintenanceconfiguration needs one). */
enum hoist_status hoist_octopus_check_key(struct hoist_octopus *c, struct hoist_error *err);

enum hoist_status hoist_octopus_maintenance_get(struct hoist_octopus *c, bool *on,
						struct hoist_error *err);
/* GET first, PUT only when it differs; *changed says whether this call changed it. */
enum hoist_status hoist_octopus_maintenance_set(struct hoist_octopus *c, bool on, bool *changed,
						struct hoist_error *err);

enum hoist_status hoist_octopus_nodes(struct hoist_octopus *c, struct hoist_octopus_nodes *out,
				      struct hoist_error *err);
void hoist_octopus_nodes_done(struct hoist_octopus_nodes *n);
const struct hoist_octopus_node *hoist_octopus_nodes_find(const struct hoist_octopus_nodes *n,
							 const char *name);
/* Drains (or undrains) a node by name: PUT of its Links.Node; *changed as above. */
enum hoist_status hoist_octopus_drain(struct hoist_octopus *c, const char *node, bool drain,
				      bool *changed, struct hoist_error *err);
/* The same, reading the node at link (its Links.Node) when given, else the summary. */
enum hoist_status hoist_octopus_drain_at(struct hoist_octopus *c, const char *link,
					 const char *node, bool drain, bool *changed,
					 struct hoist_error *err);
/* GET {node_url}/api/octopusservernodes/ping. */
enum hoist_status hoist_octopus_ping(struct hoist_octopus *c, const char *node_url,
				     enum hoist_ping *out, struct hoist_error *err);
/* GET /api/serverstatus/health: IsOperatingNormally and its Description (owned, may be NULL). */
enum hoist_status hoist_octopus_health(struct hoist_octopus *c, bool *ok, char **description,
				       struct hoist_error *err);
/*
 * Active tasks (Queued, Executing, Cancelling) server-wide (node NULL:
 * GET /api/tasks?states=Queued,Executing,Cancelling&take=0) or on one node by name
 * (GET /api/tasks?active=true&node=NAME&take=0): TotalResults.
 */
enum hoist_status hoist_octopus_active_tasks(struct hoist_octopus *c, const char *node,
					     int *count, struct hoist_error *err);
/* POST /api/tasks for a built-in task ("Health", "Upgrade") on machines; *id owned. */
enum hoist_status hoist_octopus_task_create(struct hoist_octopus *c, const char *name,
					    const char *description,
					    const char *const *machine_ids, size_t n_ids,
					    char **id, struct hoist_error *err);
/* GET /api/tasks/{id}: State and whether it completed successfully. */
enum hoist_status hoist_octopus_task_state(struct hoist_octopus *c, const char *id,
					   char **state, bool *completed, bool *success,
					   struct hoist_error *err);
struct hoist_octopus_environment {
	char *id;   /* owned: "Environments-1" */
	char *name; /* owned */
};

struct hoist_octopus_environments {
	struct hoist_octopus_environment *v; /* owned array, in the server's order */
	size_t n;
};

/* GET /api/{space}/environments/all ("": /api/environments/all, before spaces). */
enum hoist_status hoist_octopus_environments(struct hoist_octopus *c, const char *space,
					     struct hoist_octopus_environments *out,
					     struct hoist_error *err);
void hoist_octopus_environments_done(struct hoist_octopus_environments *e);
/* The ids of the active tasks of one name: GET /api/tasks?active=true&name=NAME; owned. */
enum hoist_status hoist_octopus_active_task_ids(struct hoist_octopus *c, const char *name,
						char ***ids, size_t *n, struct hoist_error *err);
/* GET /api/tasks/{id}: its ErrorMessage (owned; NULL when empty). */
enum hoist_status hoist_octopus_task_error(struct hoist_octopus *c, const char *id,
					   char **message, struct hoist_error *err);
/* GET /api/{space}/machines/all with the Tentacles' versions ("": /api/machines/all, 2.x). */
enum hoist_status hoist_octopus_tentacles(struct hoist_octopus *c, const char *space,
					  struct hoist_octopus_tentacles *out,
					  struct hoist_error *err);
void hoist_octopus_tentacles_done(struct hoist_octopus_tentacles *t);

/* The answers the client decodes, for hoist_octopus_decode(). */
enum hoist_octopus_answer {
	HOIST_ANSWER_VERSION,     /* GET /api */
	HOIST_ANSWER_MAINTENANCE, /* GET /api/maintenanceconfiguration */
	HOIST_ANSWER_NODES,       /* GET /api/octopusservernodes/summary */
	HOIST_ANSWER_TASKS,       /* GET /api/tasks?active=true */
	HOIST_ANSWER_TENTACLES,   /* GET /api/{space}/machines/all */
	HOIST_ANSWER_OTHER,       /* health, a task, a created task */
};
/* Decodes a body as the call of that kind would, and drops the result (tests, fuzzing). */
enum hoist_status hoist_octopus_decode(enum hoist_octopus_answer kind, const char *body,
				       size_t len, struct hoist_error *err);

#endif
