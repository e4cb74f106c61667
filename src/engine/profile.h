/*
 * profile.h: how a step is carried out on a node (DESIGN §5): named sets of action
 * templates, split into words first, then filled with validated values.
 *
 * A template is split at whitespace ("..." keeps spaces inside one word; \" and \\ escape
 * within quotes); a word that is exactly && separates commands run in order, each only if
 * the one before succeeded. Placeholders {name} are replaced inside words; {{ and }} are
 * literal braces. Every value is checked against the pattern of its name before use.
 */
#ifndef HOIST_PROFILE_H
#define HOIST_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"

/* One key of the config's [profile] section. */
struct hoist_profile_setting {
	const char *key;
	const char *value;
};

/* Placeholder values, each validated when set. */
struct hoist_profile_vars {
	char **names;  /* owned */
	char **values; /* owned */
	size_t n, alloc;
};

void hoist_profile_vars_init(struct hoist_profile_vars *v);
void hoist_profile_vars_done(struct hoist_profile_vars *v);
/*
 * Sets (or replaces) {name}. Values are checked by name: versions (version, from_version,
 * to_version, previous_version) with hoist_version_valid; node as [A-Za-z0-9._-]{1,64};
 * instance, container, service, db_name as [A-Za-z0-9._-]{1,128}; image as a registry
 * reference; db_server as a server name; package, backup, sandbox, sandbox_dir, exe,
 * env_file, data_dir, snapshot as paths without control characters or quotes; url;
 * http_port as 1..65535; any other name as a plain word [A-Za-z0-9._:/@+=,-]{1,256}.
 * No value may start with '-'. HOIST_CONFIG names the placeholder and the value.
 */
enum hoist_status hoist_profile_vars_set(struct hoist_profile_vars *v, const char *name,
					 const char *value, struct hoist_error *err);
const char *hoist_profile_vars_get(const struct hoist_profile_vars *v, const char *name);

/* The commands of one action, ready for hoist_exec_run or hoist_transport_run. */
struct hoist_profile_cmds {
	char ***argv; /* owned: n NULL-terminated vectors */
	size_t n;
};

void hoist_profile_cmds_init(struct hoist_profile_cmds *c);
void hoist_profile_cmds_done(struct hoist_profile_cmds *c);

/* The stable action ids: stop, start, install, db-upgrade, db-backup, ... (NULL-ended). */
const char *const *hoist_profile_actions(void);
bool hoist_profile_action_valid(const char *action);
/* The built-in profiles: octopus-windows, octopus-linux-docker, sandbox, custom. */
const char *const *hoist_profile_names(void);

struct hoist_profile;

/*
 * Makes profile `name` with the [profile] settings: a key that is an action id replaces
 * (or, for custom, provides) that action's template; "<action>_timeout" sets its timeout
 * in seconds; any other key is a placeholder value (e.g. sandbox_dir, instance, image).
 */
enum hoist_status hoist_profile_new(const char *name, const struct hoist_profile_setting *settings,
				    size_t n, struct hoist_profile **out, struct hoist_error *err);

/* The profile a config without [upgrade] profile gets: the vendor's own platform. */
#define HOIST_PROFILE_DEFAULT "octopus-windows"

struct hoist_config;
/* The config's [upgrade] profile, else HOIST_PROFILE_DEFAULT: what a new plan records. */
const char *hoist_profile_configured(const struct hoist_config *cfg);
/*
 * The one way to build a profile from the config: profile `name` (a plan's: a run, old or
 * new, keeps the profile it was planned with; NULL: hoist_profile_configured) with the
 * config's [profile] settings.
 */
enum hoist_status hoist_profile_from_config(const struct hoist_config *cfg, const char *name,
					    struct hoist_profile **out, struct hoist_error *err);
void hoist_profile_free(struct hoist_profile *p);
const char *hoist_profile_name(const struct hoist_profile *p);
bool hoist_profile_has(const struct hoist_profile *p, const char *action);
/* The template text, or NULL when the profile has no such action. */
const char *hoist_profile_template(const struct hoist_profile *p, const char *action);
/* The action's timeout in milliseconds. */
long hoist_profile_timeout_ms(const struct hoist_profile *p, const char *action);

/*
 * Expands an action with vars (looked up first) and the profile's own values. An action
 * the profile lacks, an unknown placeholder or one without a value is HOIST_CONFIG,
 * naming the action, the placeholder and the config key to set.
 */
enum hoist_status hoist_profile_expand(const struct hoist_profile *p, const char *action,
				       const struct hoist_profile_vars *vars,
				       struct hoist_profile_cmds *out, struct hoist_error *err);

#endif
