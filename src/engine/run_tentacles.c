/* run_tentacles.c: the steps tentacles (Upgrade tasks in batches) and health-check of a run. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "buf.h"
#include "i18n.h"
#include "run_int.h"
#include "tentacles.h"
#include "xalloc.h"

/* The targets as the step's argument selects them, read now (a resume sees what is done). */
static enum hoist_status read_now(struct run *r, struct hoist_octopus *oc,
				  const struct hoist_plan_step *s, struct hoist_tentacles **t,
				  struct hoist_error *err)
{
	int batch;
	char **envs;
	size_t n_envs;
	enum hoist_status st = hoist_tentacles_parse_arg(s->arg, &batch, &envs, &n_envs, err);
	(void)r;
	if (st == HOIST_OK)
		st = hoist_tentacles_read(oc, (const char *const *)envs, n_envs, batch, t, err);
	for (size_t i = 0; i < n_envs; i++)
		free(envs[i]);
	free(envs);
	return st;
}

/*
 * Follows a server task to its end. Not cancelled halfway: the task goes on on the server
 * whatever we do, so the safe point is after it. *ok: it finished successfully.
 */
static enum hoist_status follow_task(struct run *r, struct hoist_octopus *oc, const char *id,
				     bool *ok, char **error, struct hoist_error *err)
{
	struct timespec t0, t1;
	enum hoist_status st;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	*error = NULL;
	for (;;) {
		bool done = false, success = false;
		char *state = NULL;
		st = hoist_octopus_task_state(oc, id, &state, &done, &success, err);
		free(state);
		if (st != HOIST_OK)
			return st;
		if (done) {
			*ok = success;
			if (!success)
				st = hoist_octopus_task_error(oc, id, error, err);
			/* Its sentence goes inside ours: without its full stop. */
			if (*error && **error && (*error)[strlen(*error) - 1] == '.')
				(*error)[strlen(*error) - 1] = '\0';
			return st;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec >= r->cfg->wait_tasks_timeout_s)
			return hoist_error_set(err, HOIST_STATE,
					       _("the task %s has not ended after %d seconds; it goes "
						 "on on the server: look at it there, then resume"),
					       id, r->cfg->wait_tasks_timeout_s);
		{
			long ms = r->cfg->poll_ms > 0 ? r->cfg->poll_ms : 1000;
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
}

static void list_names(struct hoist_buf *b, const struct hoist_tentacles *t, int from_batch,
		       int to_batch)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].batch >= from_batch && t->v[i].batch <= to_batch)
			hoist_buf_printf(b, "%s%s", n++ ? ", " : "", t->v[i].name);
	if (!n)
		hoist_buf_puts(b, "-");
}

/* Is the target (by id) still outdated after its batch? */
static bool still_outdated(const struct hoist_tentacles *after, const char *id)
{
	for (size_t i = 0; i < after->n; i++)
		if (!strcmp(after->v[i].id, id))
			return after->v[i].outdated;
	return true;
}

static enum hoist_status one_batch(struct run *r, struct hoist_octopus *oc,
				   const struct hoist_tentacles *t, int b, struct hoist_buf *done,
				   size_t *n_done, size_t total, struct hoist_error *err)
{
	const char **ids = hoist_xcalloc(t->n + 1, sizeof *ids);
	const char *env = NULL;
	struct hoist_buf names, failed;
	struct hoist_tentacles *after = NULL;
	char *task = NULL, *desc, *error = NULL;
	size_t n = 0, n_failed = 0;
	bool ok = false;
	enum hoist_status st;
	hoist_buf_init(&names, 0);
	hoist_buf_init(&failed, 0);
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].batch == b) {
			ids[n++] = t->v[i].id;
			env = t->v[i].environment;
			hoist_buf_printf(&names, "%s%s", n > 1 ? ", " : "", t->v[i].name);
		}
	desc = hoist_xasprintf("Upgrade Tentacles, batch %d of %d (%s), by hoist", b, t->n_batches,
			       env);
	run_progress(r, "tentacles", NULL, (long long)*n_done, (long long)total, -1,
		     N_("batch %d of %d (%s): upgrading %s"), b, t->n_batches, env,
		     hoist_buf_cstr(&names));
	st = hoist_octopus_task_create(oc, "Upgrade", desc, ids, n, &task, err);
	if (st == HOIST_OK) {
		run_log(r, "tentacles", NULL, N_("batch %d: the server's task %s"), b, task);
		st = follow_task(r, oc, task, &ok, &error, err);
	}
	/* What the batch did, target by target, from the server's own list. */
	if (st == HOIST_OK)
		st = hoist_tentacles_read(oc, (const char *const *)t->environments,
					  t->n_environments, t->batch_size, &after, err);
	for (size_t i = 0; st == HOIST_OK && i < t->n; i++) {
		const struct hoist_tentacle_target *g = &t->v[i];
		if (g->batch != b)
			continue;
		if (still_outdated(after, g->id)) {
			hoist_buf_printf(&failed, "%s%s", n_failed++ ? ", " : "", g->name);
			run_log(r, "tentacles", NULL, N_("%s (%s): not upgraded, still Tentacle %s"),
				g->name, g->environment, g->version ? g->version : "?");
		} else {
			hoist_buf_printf(done, "%s%s", *n_done ? ", " : "", g->name);
			(*n_done)++;
			run_log(r, "tentacles", NULL, N_("%s (%s): upgraded from Tentacle %s"), g->name,
				g->environment, g->version ? g->version : "?");
		}
	}
	if (st == HOIST_OK && (!ok || n_failed)) {
		struct hoist_buf rest;
		hoist_buf_init(&rest, 0);
		list_names(&rest, t, b + 1, t->n_batches);
		st = hoist_error_set(err, HOIST_STATE,
				     _("batch %d of %d (%s) failed: %s. Upgraded: %s. Not upgraded: "
				       "%s. Not attempted (later batches): %s. Look at the server's "
				       "task %s, fix the Tentacle, then run hoist tentacles again"),
				     b, t->n_batches, env,
				     error ? error : _("the server's task did not succeed"),
				     done->len ? hoist_buf_cstr(done) : "-",
				     n_failed ? hoist_buf_cstr(&failed) : "-", hoist_buf_cstr(&rest),
				     task);
		hoist_buf_done(&rest);
	}
	if (st == HOIST_OK)
		run_progress(r, "tentacles", NULL, (long long)*n_done, (long long)total, -1, NULL);
	hoist_tentacles_free(after);
	hoist_buf_done(&names);
	hoist_buf_done(&failed);
	free(ids);
	free(desc);
	free(task);
	free(error);
	return st;
}

/*
 * Upgrade tasks still running (a run killed while it followed one, or someone in the web
 * portal): followed to their end first, so no Tentacle is upgraded by two tasks at once.
 */
static enum hoist_status wait_running_upgrades(struct run *r, struct hoist_octopus *oc,
					       struct hoist_error *err)
{
	char **ids;
	size_t n;
	enum hoist_status st = hoist_octopus_active_task_ids(oc, "Upgrade", &ids, &n, err);
	for (size_t i = 0; i < n; i++) {
		bool ok = false;
		char *error = NULL;
		if (st == HOIST_OK) {
			run_log(r, "tentacles", NULL, N_("the server's Upgrade task %s is still "
						       "running: waiting for it first"), ids[i]);
			st = follow_task(r, oc, ids[i], &ok, &error, err);
		}
		free(error);
		free(ids[i]);
	}
	free(ids);
	return st;
}

enum hoist_status run_step_tentacles(struct run *r, const struct hoist_plan_step *s,
				     struct run_result *res, struct hoist_error *err)
{
	struct hoist_octopus *oc = run_client(r, NULL);
	struct hoist_tentacles *t = NULL;
	struct hoist_buf done;
	size_t n_done = 0, total;
	enum hoist_status st = wait_running_upgrades(r, oc, err);
	if (st == HOIST_OK)
		st = read_now(r, oc, s, &t, err);
	hoist_buf_init(&done, 0);
	total = hoist_tentacles_outdated(t);
	if (st == HOIST_OK && !total) {
		res->outcome = HOIST_OUTCOME_SKIPPED;
		run_say_n(res, "the %zu Tentacle is up to date", "all %zu Tentacles are up to date",
			  t->n, t->n);
	}
	for (int b = 1; st == HOIST_OK && total && b <= t->n_batches; b++) {
		/* Between batches is the safe point: a batch once started is followed to its end. */
		if (b > 1 && run_cancelled(r)) {
			st = hoist_error_set(err, HOIST_CANCELLED,
					     _("stopped after batch %d of %d; upgraded: %s"), b - 1,
					     t->n_batches, hoist_buf_cstr(&done));
			break;
		}
		st = one_batch(r, oc, t, b, &done, &n_done, total, err);
	}
	if (st == HOIST_OK && total)
		run_say_n(res, "%zu Tentacle upgraded in %d batches",
			  "%zu Tentacles upgraded in %d batches", n_done, n_done, t->n_batches);
	hoist_buf_done(&done);
	hoist_tentacles_free(t);
	hoist_octopus_free(oc);
	return st;
}

/* A health check of the selected targets: how Calamari is brought up to date (seed 001). */
enum hoist_status run_step_health(struct run *r, const struct hoist_plan_step *s,
				  struct run_result *res, struct hoist_error *err)
{
	struct hoist_octopus *oc = run_client(r, NULL);
	struct hoist_tentacles *t = NULL, *after = NULL;
	const char **ids = NULL;
	char *task = NULL, *error = NULL;
	size_t n = 0, calamari = 0;
	bool ok = false;
	enum hoist_status st = read_now(r, oc, s, &t, err);
	if (st == HOIST_OK && !t->n) {
		res->outcome = HOIST_OUTCOME_SKIPPED;
		run_say(res, N_("there are no deployment targets to check"));
		goto out;
	}
	if (st == HOIST_OK) {
		ids = hoist_xcalloc(t->n, sizeof *ids);
		for (size_t i = 0; i < t->n; i++)
			ids[n++] = t->v[i].id;
		st = hoist_octopus_task_create(oc, "Health", "Health check after the Tentacle"
					       " upgrade, by hoist", ids, n, &task, err);
	}
	if (st == HOIST_OK) {
		run_log(r, "health-check", NULL, N_("the server's task %s"), task);
		st = follow_task(r, oc, task, &ok, &error, err);
	}
	if (st == HOIST_OK)
		st = read_now(r, oc, s, &after, err);
	for (size_t i = 0; st == HOIST_OK && i < after->n; i++) {
		calamari += after->v[i].latest_calamari;
		if (!after->v[i].latest_calamari || (after->v[i].health &&
						     strcmp(after->v[i].health, "Healthy")))
			run_log(r, "health-check", NULL,
				after->v[i].latest_calamari ? N_("%s (%s): %s, Calamari current")
							    : N_("%s (%s): %s, Calamari not current"),
				after->v[i].name, after->v[i].environment,
				after->v[i].health ? after->v[i].health : "?");
	}
	if (st == HOIST_OK && !ok)
		st = hoist_error_set(err, HOIST_STATE, _("the health check %s failed: %s"), task,
				     error ? error : _("the server's task did not succeed"));
	if (st == HOIST_OK)
		run_say(res, N_("health check done: Calamari is current on %zu of "
				"%zu targets"), calamari, after->n);
out:
	free((void *)ids);
	free(task);
	free(error);
	hoist_tentacles_free(t);
	hoist_tentacles_free(after);
	hoist_octopus_free(oc);
	return st;
}
