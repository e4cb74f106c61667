/*
 * legacy.h: the legacy upgrade from Octopus 2.6 to 3.x (seed 002) as a plan of the engine:
 * back up the database, the master key and the license key; install 3.x; migrate the data
 * with the vendor's migrator (maxage chosen by the operator); move the built-in package
 * repository's files; start (which re-indexes them); Tentacle 3.x on every target; health
 * checks; the optional clean-up. What hoist cannot do remotely is a manual step: its exact
 * instruction is in the journal (a prompt), and the run waits until the operator checks it
 * off (hoist legacy --confirm STEP), which is recorded as the run's evidence.
 */
#ifndef HOIST_LEGACY_H
#define HOIST_LEGACY_H

#include <stdbool.h>
#include "conf.h"
#include "plan.h"
#include "profile.h"
#include "error.h"
#include "version.h"

/* Is this a 2.x server (its /api's Version, or an ApiVersion before 3)? */
bool hoist_legacy_is_2x(const struct hoist_version *server);

struct hoist_legacy_options {
	const char *target;  /* the 3.x version */
	int maxage_days;     /* days of history the migrator keeps; -1: all of it */
	bool clean_up;       /* add the optional clean-up of the old home folder */
};

/*
 * For a face: the configured server's version (GET /api) and the newest 3.x release of
 * the feed, the legacy upgrade's natural target. HOIST_STATE when the server is not 2.x.
 */
enum hoist_status hoist_legacy_detect(const struct hoist_config *cfg,
				      struct hoist_version *server, struct hoist_version *target,
				      struct hoist_error *err);

/* The plan (kind HOIST_JOURNEY_LEGACY); HOIST_STATE when the server is not 2.x. */
enum hoist_status hoist_plan_prepare_legacy(const struct hoist_config *cfg,
					    const struct hoist_legacy_options *o,
					    struct hoist_plan **out, struct hoist_error *err);

/* The exact migrator command for the plan and profile (a new string), for the plan screen. */
char *hoist_legacy_migrator_command(const struct hoist_plan *p, const struct hoist_profile *prof);

/* Is id a step the operator does by hand (and checks off)? */
bool hoist_legacy_manual(const char *id);
/* The instruction of a manual step (a new, translated string). */
char *hoist_legacy_instruction(const struct hoist_plan *p, const char *id, const char *node);

/*
 * Checks off a manual step of a run (run_id NULL: the newest run): recorded with who and
 * when, and the file the operator names (path may be NULL; the license key needs one: it
 * must exist and not be empty). HOIST_USAGE for a step that is not manual.
 */
enum hoist_status hoist_legacy_confirm(const struct hoist_config *cfg, const char *run_id,
				       const char *step, const char *path,
				       struct hoist_error *err);

#endif
