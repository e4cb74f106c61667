/* run_setup.c: what a run holds while it lives: lock and heartbeat, profile, transports, journal. */
#include "config.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "http_config.h"
#include "run_files.h"
#include "run_int.h"
#include "rundir.h"
#include "xalloc.h"

/* The lock's heartbeat, well inside HOIST_LOCK_STALE_AFTER_S. */
#define HEARTBEAT_S 5

static void *heartbeat(void *arg)
{
	struct run *r = arg;
	pthread_mutex_lock(&r->hb_mu);
	while (!r->hb_stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += HEARTBEAT_S;
		pthread_cond_timedwait(&r->hb_cv, &r->hb_mu, &until);
		if (!r->hb_stop) {
			struct hoist_error e;
			hoist_error_init(&e);
			/* A lock taken from the run: someone else may act on the server now. */
			if (hoist_lock_heartbeat(r->lock, &e) == HOIST_LOCKED)
				run_halt(r, hoist_error_message(&e));
			hoist_error_done(&e);
		}
	}
	pthread_mutex_unlock(&r->hb_mu);
	return NULL;
}

void run_init(struct run *r, const struct hoist_config *cfg,
		     const struct hoist_run_options *o)
{
	memset(r, 0, sizeof *r);
	r->cfg = cfg;
	r->cancel = o->cancel;
	r->dry_run = o->dry_run;
	r->ignore_validation = o->ignore_validation;
	pthread_mutex_init(&r->jmu, NULL);
	pthread_mutex_init(&r->plan_mu, NULL);
	pthread_mutex_init(&r->hb_mu, NULL);
	pthread_mutex_init(&r->halt_mu, NULL);
	pthread_cond_init(&r->hb_cv, NULL);
	hoist_http_options_from_config(cfg, &r->http);
	r->state_dir = hoist_config_state_dir(cfg);
}

void run_done(struct run *r)
{
	if (r->hb_on) {
		pthread_mutex_lock(&r->hb_mu);
		r->hb_stop = true;
		pthread_cond_signal(&r->hb_cv);
		pthread_mutex_unlock(&r->hb_mu);
		pthread_join(r->hb, NULL);
	}
	hoist_lock_release(r->lock, NULL);
	for (size_t i = 0; i < r->n_nodes; i++) {
		hoist_transport_close(r->nodes[i].t, NULL);
		hoist_transport_free(r->nodes[i].t);
		free(r->nodes[i].link);
	}
	free(r->nodes);
	hoist_journal_close(r->j, NULL);
	hoist_profile_free(r->profile);
	hoist_plan_free(r->plan);
	free(r->id);
	free(r->dir);
	free(r->state_dir);
	free(r->cache_dir);
	free(r->plan_path);
	pthread_mutex_destroy(&r->jmu);
	pthread_mutex_destroy(&r->plan_mu);
	pthread_mutex_destroy(&r->hb_mu);
	pthread_mutex_destroy(&r->halt_mu);
	free(r->halt);
	pthread_cond_destroy(&r->hb_cv);
}

/* The lock; a resumed run takes over its own lock once its old process is gone. */
enum hoist_status run_take_lock(struct run *r, bool resuming, struct hoist_error *err)
{
	struct hoist_lock_info holder;
	enum hoist_status st;
	hoist_lock_info_init(&holder);
	run_release_ended_lock(r->state_dir, r->plan->server_url);
	st = hoist_lock_acquire(r->state_dir, r->plan->server_url, r->id, 0, &r->lock, &holder,
				err);
	if (st == HOIST_LOCKED && resuming && holder.run_id && !strcmp(holder.run_id, r->id) &&
	    hoist_lock_judge(&holder, 0, (long long)time(NULL)) != HOIST_LOCK_LIVE) {
		hoist_error_clear(err);
		st = hoist_lock_break(r->state_dir, r->plan->server_url, r->id, err);
		if (st == HOIST_OK)
			st = hoist_lock_acquire(r->state_dir, r->plan->server_url, r->id, 0,
						&r->lock, NULL, err);
	}
	hoist_lock_info_done(&holder);
	if (st != HOIST_OK)
		return st;
	r->hb_on = pthread_create(&r->hb, NULL, heartbeat, r) == 0;
	return HOIST_OK;
}

/* Profile, transports, cache folder, journal: what both a new and a resumed run need. */
enum hoist_status run_open(struct run *r, struct hoist_error *err)
{
	enum hoist_status st = hoist_profile_from_config(r->cfg, r->plan->profile, &r->profile, err);
	r->cache_dir = hoist_xasprintf("%s/cache", r->state_dir);
	if (st == HOIST_OK)
		st = hoist_rundir_make_dirs(r->cache_dir, 0700, err);
	r->nodes = hoist_xcalloc(r->plan->n_nodes ? r->plan->n_nodes : 1, sizeof *r->nodes);
	for (size_t i = 0; st == HOIST_OK && i < r->plan->n_nodes; i++) {
		struct run_node *n = &r->nodes[r->n_nodes];
		n->plan = &r->plan->nodes[i];
		st = hoist_transport_new(n->plan->name, n->plan->transport, r->dir, &n->t, err);
		if (st != HOIST_OK)
			break;
		r->n_nodes++;
		{
			/* Each action leaves a record while it runs: a killed engine's stay seen. */
			char *actions = hoist_rundir_file(r->dir, HOIST_RUNDIR_ACTIONS);
			hoist_transport_set_record_dir(n->t, actions);
			free(actions);
		}
		if (r->cfg->ssh_config) {
			hoist_transport_add_ssh_arg(n->t, "-F");
			hoist_transport_add_ssh_arg(n->t, r->cfg->ssh_config);
		}
		run_files_setup_node(r, n);
	}
	if (st == HOIST_OK) {
		char *path = hoist_rundir_file(r->dir, HOIST_RUNDIR_JOURNAL);
		st = hoist_journal_open(path, &r->j, err);
		free(path);
	}
	if (st == HOIST_OK && r->cfg->api_key)
		hoist_journal_add_secret(r->j, r->cfg->api_key);
	return st;
}
