/* run_resume.c: resuming an interrupted run, and the lock check. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "i18n.h"
#include "run_int.h"
#include "rundir.h"
#include "xalloc.h"

static bool began(enum hoist_step_state st)
{
	return st == HOIST_STEP_OK || st == HOIST_STEP_RUNNING || st == HOIST_STEP_FAILED;
}

/* The interrupted run's state of a plan step: exactly that step, hop included. */
static enum hoist_step_state plan_state(const struct run *r, const struct hoist_plan_step *s)
{
	const struct hoist_step_summary *ss =
		hoist_run_summary_find_hop(r->prev, s->id, s->node, s->hop, false);
	return ss ? ss->state : HOIST_STEP_PENDING;
}

/* How a step of the revert phase went (PENDING: it did not begin). */
static enum hoist_step_state revert_state(const struct run *r, const char *id, const char *node)
{
	const struct hoist_step_summary *ss =
		hoist_run_summary_find_hop(r->prev, id, node, NULL, true);
	return ss ? ss->state : HOIST_STEP_PENDING;
}

/*
 * What the interrupted run had changed, from its journal: its steps in the plan's order
 * (a node stopped for one hop and started again for the next is running), then what a
 * revert already put back; and what the server says now.
 */
static void recheck(struct run *r)
{
	/* Stopped nodes and a load balancer without one are expected here: no retries. */
	struct hoist_octopus *oc = run_pinger(r, NULL);
	bool on = false;
	r->pnr_started = r->prev->pnr_started;
	r->maint_changed = false;
	for (size_t k = 0; k < r->plan->n_steps; k++) {
		const struct hoist_plan_step *s = &r->plan->steps[k];
		enum hoist_step_state st = plan_state(r, s);
		struct run_node *n = s->node ? run_find_node(r, s->node) : NULL;
		if (!strcmp(s->id, "maintenance-on") && began(st))
			r->maint_changed = true;
		else if (!strcmp(s->id, "maintenance-off") && st == HOIST_STEP_OK)
			r->maint_changed = false;
		if (!n)
			continue;
		if (!strcmp(s->id, "drain") && began(st))
			n->drained_by_us = true;
		else if (!strcmp(s->id, "undrain") && st == HOIST_STEP_OK)
			n->drained_by_us = false;
		else if (!strcmp(s->id, "stop") && began(st))
			n->stopped_by_us = true;
		else if (!strcmp(s->id, "start") && st == HOIST_STEP_OK)
			n->stopped_by_us = false;
		else if (!strcmp(s->id, "install") && began(st))
			n->install_ran = true;
	}
	/* A skipped step changed nothing: maintenance or a drain that was there before. */
	{
		const struct hoist_step_summary *m =
			hoist_run_summary_find(r->prev, "maintenance-on", NULL);
		if (m && m->state == HOIST_STEP_SKIPPED)
			r->maint_changed = false;
	}
	/* What an undo must find put back, before what the interrupted undo did is counted. */
	r->undo_maint = r->maint_changed;
	for (size_t i = 0; i < r->n_nodes; i++) {
		struct run_node *n = &r->nodes[i];
		const struct hoist_step_summary *d =
			hoist_run_summary_find(r->prev, "drain", n->plan->name);
		n->undo_up = n->stopped_by_us || n->install_ran;
		n->undo_undrain = n->drained_by_us && !(d && d->state == HOIST_STEP_SKIPPED);
	}
	if (!r->prev->reverting) {
		r->undo_maint = false;
		for (size_t i = 0; i < r->n_nodes; i++)
			r->nodes[i].undo_up = r->nodes[i].undo_undrain = false;
	}
	if (revert_state(r, "maintenance-off", NULL) == HOIST_STEP_OK)
		r->maint_changed = false;
	for (size_t i = 0; i < r->n_nodes; i++) {
		struct run_node *n = &r->nodes[i];
		const char *name = n->plan->name;
		const struct hoist_step_summary *d = hoist_run_summary_find(r->prev, "drain", name);
		enum hoist_ping p = HOIST_PING_DOWN;
		struct hoist_version v;
		if (d && d->state == HOIST_STEP_SKIPPED)
			n->drained_by_us = false;
		if (revert_state(r, "install", name) == HOIST_STEP_OK)
			n->install_ran = false;
		if (revert_state(r, "start", name) == HOIST_STEP_OK)
			n->stopped_by_us = false;
		if (revert_state(r, "undrain", name) == HOIST_STEP_OK)
			n->drained_by_us = false;
		if (n->plan->url)
			hoist_octopus_ping(oc, n->plan->url, &p, NULL);
		if (p == HOIST_PING_DOWN) {
			run_log(r, NULL, name, N_("%s is stopped"), name);
		} else {
			struct hoist_octopus *nc = run_pinger(r, n->plan->url);
			if (hoist_octopus_version(nc, &v, NULL) == HOIST_OK)
				run_log(r, NULL, name, N_("%s is running %s"), name, v.text);
			hoist_octopus_free(nc);
		}
	}
	if (hoist_octopus_maintenance_get(oc, &on, NULL) == HOIST_OK)
		run_log(r, NULL, NULL, on ? N_("maintenance mode is on") : N_("maintenance mode is off"));
	hoist_octopus_free(oc);
}

enum hoist_status run_resume_here(const struct hoist_config *cfg, const char *run_id,
				 const struct hoist_run_options *o, int fd, char **out_id,
				 struct hoist_error *err)
{
	struct run r;
	struct hoist_run_summary sum;
	enum hoist_status st = HOIST_OK;
	char *jpath = NULL;
	run_init(&r, cfg, o);
	run_release_ended_lock(r.state_dir, cfg->server_url);
	hoist_run_summary_init(&sum);
	if (run_id && !hoist_rundir_id_valid(run_id))
		st = hoist_error_set(err, HOIST_USAGE, _("\"%s\" is not a run id"), run_id);
	else if (run_id)
		r.id = hoist_xstrdup(run_id);
	else
		st = hoist_rundir_latest(r.state_dir, &r.id, err);
	if (st == HOIST_OK) {
		r.dir = hoist_rundir_path(r.state_dir, r.id);
		r.plan_path = hoist_rundir_file(r.dir, HOIST_RUNDIR_PLAN);
		jpath = hoist_rundir_file(r.dir, HOIST_RUNDIR_JOURNAL);
		st = hoist_plan_load(r.plan_path, &r.plan, err);
	}
	/* A run goes on only against the server it ran on (a retargeted run's plan names it). */
	if (st == HOIST_OK)
		st = hoist_run_check_target(cfg, r.plan, false, err);
	if (st == HOIST_OK)
		st = hoist_journal_fold(jpath, &sum, err);
	if (st == HOIST_OK && sum.state != HOIST_RUN_RUNNING && sum.state != HOIST_RUN_INTERRUPTED)
		st = hoist_error_set(err, HOIST_STATE,
				     _("the run %s has %s: there is nothing to resume"), r.id,
				     sum.state == HOIST_RUN_NONE ? _("not started")
								 : _("already ended"));
	/* The mode is the plan's: an interrupted dry run is resumed as the dry run it was. */
	if (st == HOIST_OK)
		r.dry_run = r.plan->dry_run || sum.dry_run;
	if (st == HOIST_OK)
		st = run_take_lock(&r, true, err);
	if (st == HOIST_OK)
		st = run_open(&r, err);
	if (st != HOIST_OK) {
		run_notify(fd, "E%d %s", (int)st, hoist_error_message(err));
		goto out;
	}
	{
		/* The master key this run saved must stay out of the journal from here on too. */
		char *kpath = hoist_rundir_file(r.dir, HOIST_RUNDIR_MASTER_KEY);
		char *key = run_master_key_read(kpath);
		if (key) {
			hoist_journal_add_secret(r.j, key);
			memset(key, 0, strlen(key));
			free(key);
		}
		free(kpath);
	}
	r.prev = &sum;
	/* Only a run this call carries on is named back: nobody writes into another's folder. */
	*out_id = hoist_xstrdup(r.id);
	run_log(&r, NULL, NULL, r.dry_run ? N_("resuming the dry run %s (process %ld): nothing "
					      "on the server changes")
					  : N_("resuming run %s (process %ld)"),
		r.id, (long)getpid());
	run_notify(fd, "R%s", r.id);
	if (o->started)
		o->started(o->ctx, r.id);
	/* An action of the killed engine may still run: nothing acts before it has ended. */
	if ((st = run_wait_orphans(&r, err)) != HOIST_OK)
		goto out;
	if (sum.pnr_started && !sum.pnr_ended) {
		st = hoist_error_set(err, HOIST_FAILED_PNR,
				     _("the database upgrade was under way when the engine "
				       "stopped; it is never repeated blindly: maintenance mode "
				       "stays on; check the database and follow the rollback guide "
				       "(hoist rollback --guide)"));
		run_end(&r, HOIST_END_FAILED, st, err);
		goto out;
	}
	recheck(&r);
	if (sum.reverting && !r.dry_run) {
		/* Killed while undoing its changes: the undo is finished, not the upgrade. */
		hoist_error_set(err, HOIST_STATE, "%s",
				_("the run was interrupted while it undid its changes"));
		st = run_undo(&r, HOIST_STATE, err);
	} else {
		st = run_body(&r, err);
	}
out:
	r.prev = NULL;
	hoist_run_summary_done(&sum);
	free(jpath);
	run_done(&r);
	return st;
}

enum hoist_status hoist_run_resume(const struct hoist_config *cfg, const char *run_id,
				   const struct hoist_run_options *o, char **resumed_id,
				   struct hoist_error *err)
{
	*resumed_id = NULL;
	if (o->detach)
		return run_detach(cfg, NULL, run_id, o, resumed_id, NULL, err);
	return run_resume_here(cfg, run_id, o, -1, resumed_id, err);
}

enum hoist_status hoist_run_check_lock(const struct hoist_config *cfg, struct hoist_error *err)
{
	struct hoist_lock_info info;
	char *state = hoist_config_state_dir(cfg);
	enum hoist_status st = HOIST_OK;
	hoist_lock_info_init(&info);
	run_release_ended_lock(state, cfg->server_url);
	if (cfg->server_url && hoist_lock_read(state, cfg->server_url, &info, NULL) == HOIST_OK) {
		long long now = (long long)time(NULL);
		if (hoist_lock_judge(&info, 0, now) == HOIST_LOCK_LIVE)
			st = hoist_error_set(err, HOIST_LOCKED,
					     _("another upgrade of %s is running: run %s by %s on %s "
					       "(pid %ld), last heartbeat %lld seconds ago; wait for it "
					       "or follow it with `hoist status --follow`"),
					     cfg->server_url, info.run_id ? info.run_id : "?",
					     info.owner ? info.owner : "?", info.host ? info.host : "?",
					     info.pid, now - info.heartbeat);
		else
			st = hoist_error_set(err, HOIST_LOCKED,
					     _("the run %s of %s holds a stale lock (by %s on %s, pid "
					       "%ld, which is gone; last heartbeat %lld seconds ago): "
					       "`hoist resume` finishes that run; the lock is never "
					       "taken over silently"),
					     info.run_id ? info.run_id : "?", cfg->server_url,
					     info.owner ? info.owner : "?", info.host ? info.host : "?",
					     info.pid, now - info.heartbeat);
	}
	hoist_lock_info_done(&info);
	free(state);
	return st;
}
