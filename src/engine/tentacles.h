/*
 * tentacles.h: the Tentacles and Calamari journey (seed 001): every deployment target with
 * its Tentacle version, the outdated ones upgraded in batches (per environment, N at a
 * time) through the server's Upgrade task, then a health check, which updates Calamari.
 */
#ifndef HOIST_TENTACLES_H
#define HOIST_TENTACLES_H

#include <stdbool.h>
#include <stddef.h>
#include "conf.h"
#include "octopus.h"
#include "plan.h"
#include "error.h"
#include "version.h"

#define HOIST_TENTACLES_BATCH 10 /* targets per Upgrade task unless the operator says */

struct hoist_tentacle_target {
	char *id;             /* owned: "Machines-1" */
	char *name;           /* owned */
	char *environment_id; /* owned; may be NULL */
	char *environment;    /* owned: its name, or its id when the server has no name for it */
	char *version;        /* owned: the Tentacle's; may be NULL (unknown) */
	char *health;         /* owned; may be NULL */
	bool outdated;        /* the server suggests an upgrade for its version */
	bool required;        /* the server requires one: it no longer talks to this Tentacle */
	bool latest_calamari;
	int batch;            /* 1-based batch of the upgrade; 0: not upgraded */
};

struct hoist_tentacles {
	struct hoist_version server;       /* the server's version */
	struct hoist_tentacle_target *v;   /* owned array: by environment, then name */
	size_t n;
	int batch_size;
	int n_batches;
	char **environments; /* owned array of owned ids: the filter; n_environments 0: all */
	size_t n_environments;
};

/*
 * Reads the server's version, environments and targets, keeps those of the environments
 * named (names or ids; none: every environment) and numbers the outdated ones' batches:
 * per environment in the server's order, batch_size at a time (< 1: the default).
 * HOIST_USAGE names an unknown environment and the known ones.
 */
enum hoist_status hoist_tentacles_read(struct hoist_octopus *oc, const char *const *envs,
				       size_t n_envs, int batch_size, struct hoist_tentacles **out,
				       struct hoist_error *err);
/* The same from the configuration's server and key. */
enum hoist_status hoist_tentacles_read_config(const struct hoist_config *cfg,
					      const char *const *envs, size_t n_envs,
					      int batch_size, struct hoist_tentacles **out,
					      struct hoist_error *err);
void hoist_tentacles_free(struct hoist_tentacles *t);
/* The list as JSON (a new string): server, batch, batches, targets[]. */
char *hoist_tentacles_to_json(const struct hoist_tentacles *t);
/* How many targets are outdated (and so in a batch). */
size_t hoist_tentacles_outdated(const struct hoist_tentacles *t);

/*
 * The plan of the journey (plan kind HOIST_JOURNEY_TENTACLES): the step tentacles (every
 * batch, stopping at the first that fails) and the step health-check; the filter and the
 * batch size are the tentacles step's argument, so that a resume works on the same set.
 */
enum hoist_status hoist_plan_prepare_tentacles(const struct hoist_config *cfg,
					       const char *const *envs, size_t n_envs,
					       int batch_size, struct hoist_plan **out,
					       struct hoist_error *err);

/*
 * Before a server upgrade: what the release notes of (from, to] say about Tentacles that
 * stop working ("Tentacles older than 6.0 can no longer connect"), and which of the
 * server's targets that concerns (older than the version named; without one, those the
 * server finds outdated).
 */
struct hoist_tentacles_advice {
	bool warned;          /* a breaking or dependency note says old Tentacles stop working */
	char *note;           /* owned: that note's text */
	char *release;        /* owned: the release that says it */
	char *minimum;        /* owned: "6.0", the version named; NULL when none is */
	char **affected;      /* owned array of owned target names */
	size_t n_affected;
	size_t n_targets;
};
enum hoist_status hoist_tentacles_advise(const struct hoist_config *cfg,
					 const struct hoist_version *from,
					 const struct hoist_version *to,
					 struct hoist_tentacles_advice *out, struct hoist_error *err);
void hoist_tentacles_advice_done(struct hoist_tentacles_advice *a);

/* The step argument: "batch=N environments=ID,ID" (no environments: all); parsing it. */
char *hoist_tentacles_step_arg(const struct hoist_tentacles *t);
enum hoist_status hoist_tentacles_parse_arg(const char *arg, int *batch_size, char ***envs,
					    size_t *n_envs, struct hoist_error *err);

#endif
