/* guide_load.c: the faces' entry points: a run's guide loaded from its folder, and the backups earlier runs took (hoist downgrade). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guide_int.h"
#include "i18n.h"
#include "profile.h"
#include "rundir.h"
#include "xalloc.h"

/* ---- backups of earlier runs (hoist downgrade) ---- */

void hoist_guide_found_free(struct hoist_guide_found *f, size_t n)
{
	for (size_t i = 0; f && i < n; i++) {
		free(f[i].run_id);
		hoist_evidence_done(&f[i].backup);
		free(f[i].installer);
	}
	free(f);
}

enum hoist_status hoist_guide_find_backups(const char *state_dir, struct hoist_guide_found **out,
					   size_t *n, struct hoist_error *err)
{
	struct hoist_run_entry *runs = NULL;
	size_t n_runs = 0, alloc = 0;
	enum hoist_status st;

	*out = NULL;
	*n = 0;
	st = hoist_rundir_list(state_dir, &runs, &n_runs, err);
	if (st != HOIST_OK)
		return st;
	for (size_t i = 0; i < n_runs; i++) {
		struct hoist_run_summary s;
		char *journal = hoist_rundir_file(runs[i].path, HOIST_RUNDIR_JOURNAL);
		hoist_run_summary_init(&s);
		if (hoist_journal_fold(journal, &s, NULL) == HOIST_OK && s.from_version) {
			struct hoist_version v;
			for (size_t k = 0; k < s.n_steps; k++) {
				const struct hoist_step_summary *ss = &s.steps[k];
				struct hoist_guide_found *f;
				if (strcmp(ss->step, "backup-db") || ss->state != HOIST_STEP_OK ||
				    !ss->evidence.path ||
				    hoist_version_parse(s.from_version, &v, NULL) != HOIST_OK)
					continue;
				*out = hoist_xgrow(*out, &alloc, *n + 1, sizeof **out);
				f = &(*out)[(*n)++];
				memset(f, 0, sizeof *f);
				f->run_id = hoist_xstrdup(runs[i].id);
				f->version = v;
				f->backup.path = hoist_xstrdup(ss->evidence.path);
				f->backup.size = ss->evidence.size;
				f->backup.sha256 = guide_dup0(ss->evidence.sha256);
				f->backup.time_ms = ss->evidence.time_ms ? ss->evidence.time_ms
									 : ss->ended_ms;
				f->installer = guide_scan_installer(runs[i].path, v.text, 1);
				f->exists = guide_file_exists(f->backup.path);
			}
		}
		hoist_run_summary_done(&s);
		free(journal);
	}
	hoist_rundir_list_free(runs, n_runs);
	return HOIST_OK;
}

/* ---- loading a run (the faces' entry points) ---- */

/* The newest run whose journal started and that is not itself a rollback. */
static enum hoist_status newest_run(const char *state, char **id, struct hoist_error *err)
{
	struct hoist_run_entry *runs = NULL;
	size_t n = 0;
	enum hoist_status st = hoist_rundir_list(state, &runs, &n, err);
	*id = NULL;
	for (size_t i = 0; st == HOIST_OK && i < n && !*id; i++) {
		struct hoist_run_summary s;
		char *journal = hoist_rundir_file(runs[i].path, HOIST_RUNDIR_JOURNAL);
		hoist_run_summary_init(&s);
		if (hoist_journal_fold(journal, &s, NULL) == HOIST_OK && s.state != HOIST_RUN_NONE &&
		    !(s.kind && !strcmp(s.kind, "downgrade")))
			*id = hoist_xstrdup(runs[i].id);
		hoist_run_summary_done(&s);
		free(journal);
	}
	hoist_rundir_list_free(runs, n);
	if (st == HOIST_OK && !*id)
		st = hoist_error_say(err, HOIST_NOTFOUND,
				     N_("no upgrade run is recorded in %s: there is nothing to roll "
				        "back"),
				     state);
	return st;
}

enum hoist_status hoist_guide_load(const struct hoist_config *cfg, const char *run_id,
				   struct hoist_plan **plan_out, char **dir_out,
				   struct hoist_guide **out, struct hoist_error *err)
{
	char *state = hoist_config_state_dir(cfg), *id = NULL, *dir = NULL, *path = NULL;
	struct hoist_plan *plan = NULL;
	struct hoist_profile *profile = NULL;
	enum hoist_status st = HOIST_OK;

	*out = NULL;
	if (run_id && !hoist_rundir_id_valid(run_id))
		st = hoist_error_say(err, HOIST_USAGE,
				     N_("\"%s\" is not a run id (they look like 20261122T014233Z-1a2b)"),
				     run_id);
	else if (run_id)
		id = hoist_xstrdup(run_id);
	else
		st = newest_run(state, &id, err);
	if (st == HOIST_OK) {
		dir = hoist_rundir_path(state, id);
		path = hoist_rundir_file(dir, HOIST_RUNDIR_PLAN);
		st = hoist_plan_load(path, &plan, err);
		if (st == HOIST_NOTFOUND || (st == HOIST_IO && access(dir, F_OK)))
			hoist_error_say(err, st, N_("there is no run %s in %s"), id, state);
	}
	if (st == HOIST_OK) {
		free(path);
		path = hoist_rundir_file(dir, HOIST_RUNDIR_JOURNAL);
		st = hoist_profile_from_config(cfg, plan->profile, &profile, err);
	}
	if (st == HOIST_OK) {
		/* The API steps' curl commands read the key from the configured key file. */
		struct hoist_profile_vars vars;
		hoist_profile_vars_init(&vars);
		if (cfg->api_key_file)
			hoist_profile_vars_set(&vars, "api_key_file", cfg->api_key_file, NULL);
		st = hoist_guide_build_journal(plan, path, profile, &vars, dir, out, err);
		hoist_profile_vars_done(&vars);
	}
	if (st == HOIST_OK && !(*out)->run_id)
		(*out)->run_id = hoist_xstrdup(id);
	hoist_profile_free(profile);
	if (st == HOIST_OK && plan_out)
		*plan_out = plan;
	else
		hoist_plan_free(plan);
	if (st == HOIST_OK && dir_out)
		*dir_out = dir;
	else
		free(dir);
	free(path);
	free(id);
	free(state);
	return st;
}

/* HOIST_UNSAFE: a schema-changing downgrade without a backup taken at target; lists the known ones. */
static enum hoist_status no_backup(const struct hoist_guide_found *found, size_t n,
				   const struct hoist_version *current,
				   const struct hoist_version *target, const char *state,
				   struct hoist_error *err)
{
	struct hoist_buf list;
	enum hoist_status st;
	hoist_buf_init(&list, 0);
	for (size_t i = 0; i < n; i++) {
		char *when = guide_time_text(found[i].backup.time_ms);
		if (list.len)
			hoist_buf_puts(&list, "; ");
		hoist_buf_printf(&list, found[i].exists ? _("%s taken at %s by run %s (%s)")
							: _("%s taken at %s by run %s (%s, the "
							    "file is gone)"),
				 found[i].backup.path, found[i].version.text,
				 found[i].run_id, when);
		free(when);
	}
	if (n)
		st = hoist_error_say(err, HOIST_UNSAFE,
				     N_("going back from %s to %s changes the database "
				        "schema and needs a database backup taken at %s; the "
				        "backups hoist knows are: %s"),
				     current->text, target->text, target->text,
				     hoist_buf_cstr(&list));
	else
		st = hoist_error_say(err, HOIST_UNSAFE,
				     N_("going back from %s to %s changes the database "
				        "schema and needs a database backup taken at %s; hoist "
				        "knows of no database backup in %s"),
				     current->text, target->text, target->text, state);
	hoist_buf_done(&list);
	return st;
}

/* The downgrade guide from run id's plan (*plan), with the backup use took (may be NULL). */
static enum hoist_status downgrade_of_run(const struct hoist_config *cfg, const char *state,
					  const char *id, const struct hoist_guide_found *use,
					  const struct hoist_version *current,
					  const struct hoist_version *target,
					  struct hoist_plan **plan, struct hoist_guide **out,
					  struct hoist_error *err)
{
	char *dir = hoist_rundir_path(state, id), *path = hoist_rundir_file(dir, HOIST_RUNDIR_PLAN);
	char *cached = NULL;
	struct hoist_profile *profile = NULL;
	struct hoist_guide_downgrade in;
	enum hoist_status st = hoist_plan_load(path, plan, err);
	free(path);
	memset(&in, 0, sizeof in);
	in.plan = *plan;
	in.current = *current;
	in.target = *target;
	in.backup = use ? &use->backup : NULL;
	in.run_id = id;
	in.installer = use ? use->installer : NULL;
	if (st == HOIST_OK) {
		for (size_t i = 0; i < (*plan)->n_packages && !cached; i++)
			if (!hoist_version_cmp(&(*plan)->packages[i].version, target))
				cached = guide_cache_path(dir, &(*plan)->packages[i]);
		if (cached)
			in.installer = cached;
		st = hoist_profile_from_config(cfg, (*plan)->profile, &profile, err);
		if (st == HOIST_OK)
			st = hoist_guide_build_downgrade(&in, profile, NULL, out, err);
		free(cached);
	}
	hoist_profile_free(profile);
	free(dir);
	return st;
}

enum hoist_status hoist_guide_load_downgrade(const struct hoist_config *cfg,
					     const struct hoist_version *current,
					     const struct hoist_version *target,
					     struct hoist_plan **plan_out, struct hoist_guide **out,
					     struct hoist_error *err)
{
	char *state = hoist_config_state_dir(cfg), *id = NULL;
	struct hoist_guide_found *found = NULL;
	const struct hoist_guide_found *use = NULL;
	size_t n = 0;
	enum hoist_kind k = hoist_version_kind(target, current);
	bool schema = k == HOIST_KIND_MINOR || k == HOIST_KIND_MAJOR;
	struct hoist_plan *plan = NULL;
	enum hoist_status st;

	*out = NULL;
	if (hoist_version_cmp(target, current) >= 0) {
		free(state);
		return hoist_error_say(err, HOIST_USAGE,
				       N_("%s is not older than the version the server runs (%s): "
					  "use hoist upgrade"),
				       target->text, current->text);
	}
	st = hoist_guide_find_backups(state, &found, &n, err);
	for (size_t i = 0; st == HOIST_OK && i < n && !use; i++)
		if (!hoist_version_cmp(&found[i].version, target) && found[i].exists)
			use = &found[i];
	if (st == HOIST_OK && !use && schema)
		st = no_backup(found, n, current, target, state, err);
	if (st == HOIST_OK && use)
		id = hoist_xstrdup(use->run_id);
	else if (st == HOIST_OK)
		st = newest_run(state, &id, err);
	if (st == HOIST_OK)
		st = downgrade_of_run(cfg, state, id, use, current, target, &plan, out, err);
	if (st == HOIST_OK && plan_out)
		*plan_out = plan;
	else
		hoist_plan_free(plan);
	hoist_guide_found_free(found, n);
	free(id);
	free(state);
	return st;
}
