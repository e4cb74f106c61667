/* run.c: one upgrade run: folder, lock, journal, the steps in order, revert, detach. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "i18n.h"
#include "report.h"
#include "run_int.h"
#include "rundir.h"
#include "xalloc.h"

/* The lock's heartbeat, well inside HOIST_LOCK_STALE_AFTER_S. */
#define HEARTBEAT_S 5

bool run_cancelled(const struct run *r)
{
	return r->cancel && *r->cancel;
}

bool run_sleep(struct run *r, long ms)
{
	while (ms > 0 && !run_cancelled(r)) {
		long slice = ms < 20 ? ms : 20;
		struct timespec ts = { 0, slice * 1000000L };
		nanosleep(&ts, NULL);
		ms -= slice;
	}
	return !run_cancelled(r);
}

struct run_node *run_find_node(struct run *r, const char *name)
{
	for (size_t i = 0; name && i < r->n_nodes; i++)
		if (!strcmp(r->nodes[i].plan->name, name))
			return &r->nodes[i];
	return NULL;
}

/* Appends one event under the journal's mutex; the journal owns nothing of ev. */
static void emit(struct run *r, struct hoist_event *ev)
{
	pthread_mutex_lock(&r->jmu);
	hoist_journal_append(r->j, ev, NULL);
	pthread_mutex_unlock(&r->jmu);
}

void run_log(struct run *r, const char *step, const char *node, const char *fmt, ...)
{
	struct hoist_event ev;
	va_list ap;
	hoist_event_init(&ev, HOIST_EVENT_LOG);
	va_start(ap, fmt);
	ev.message = hoist_xvasprintf(fmt, ap);
	va_end(ap);
	ev.step = step ? hoist_xstrdup(step) : NULL;
	ev.node = node ? hoist_xstrdup(node) : NULL;
	ev.stream = hoist_xstrdup("engine");
	emit(r, &ev);
	hoist_event_done(&ev);
}

void run_progress(struct run *r, const char *step, const char *node, long long bytes,
		  long long total, long tasks_left, const char *message)
{
	pthread_mutex_lock(&r->jmu);
	hoist_journal_progress(r->j, step, node, bytes, total, tasks_left, message, NULL);
	pthread_mutex_unlock(&r->jmu);
}

void run_add_secret(struct run *r, const char *secret)
{
	pthread_mutex_lock(&r->jmu);
	hoist_journal_add_secret(r->j, secret);
	pthread_mutex_unlock(&r->jmu);
}

void run_add_evidence(struct run *r, const char *item, const struct hoist_evidence *ev,
		      bool by_engine)
{
	struct hoist_plan_evidence pe;
	char when[32];
	time_t t = (time_t)(ev->time_ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	pe.item = (char *)item;
	pe.path = ev->path;
	pe.size = ev->size;
	pe.sha256 = ev->sha256;
	pe.time = when;
	pe.by_engine = by_engine;
	pthread_mutex_lock(&r->plan_mu);
	hoist_plan_add_evidence(r->plan, &pe);
	hoist_plan_save(r->plan, r->plan_path, NULL);
	pthread_mutex_unlock(&r->plan_mu);
}

struct hoist_octopus *run_client(struct run *r, const char *base_url)
{
	return hoist_octopus_new(base_url ? base_url : r->plan->server_url, r->cfg->api_key,
				 &r->http);
}

struct hoist_octopus *run_pinger(struct run *r, const char *base_url)
{
	/* A node going away must be noticed at once, not after the back-off of a retry. */
	struct hoist_http_options o = r->http;
	o.retries = 0;
	o.connect_timeout_ms = 2000;
	return hoist_octopus_new(base_url ? base_url : r->plan->server_url, r->cfg->api_key, &o);
}

static void *heartbeat(void *arg)
{
	struct run *r = arg;
	pthread_mutex_lock(&r->hb_mu);
	while (!r->hb_stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += HEARTBEAT_S;
		pthread_cond_timedwait(&r->hb_cv, &r->hb_mu, &until);
		if (!r->hb_stop)
			hoist_lock_heartbeat(r->lock, NULL);
	}
	pthread_mutex_unlock(&r->hb_mu);
	return NULL;
}

/* ---- one step, and a group of per-node steps in parallel ---- */

static bool done_before(const struct run *r, const struct hoist_plan_step *s)
{
	const struct hoist_step_summary *p =
		r->prev ? hoist_run_summary_find(r->prev, s->id, s->node) : NULL;
	return p && (p->state == HOIST_STEP_OK || p->state == HOIST_STEP_SKIPPED);
}

static enum hoist_status do_step(struct run *r, const struct hoist_plan_step *s,
				 struct hoist_error *err)
{
	struct run_result res;
	struct hoist_event ev;
	enum hoist_status st;
	if (done_before(r, s))
		return HOIST_OK;
	memset(&res, 0, sizeof res);
	res.exit_code = -1;
	res.evidence.size = -1;
	pthread_mutex_lock(&r->jmu);
	hoist_journal_step_start(r->j, s->id, s->node, NULL);
	pthread_mutex_unlock(&r->jmu);
	st = run_step(r, s, &res, err);
	hoist_event_init(&ev, HOIST_EVENT_STEP_END);
	ev.step = hoist_xstrdup(s->id);
	ev.node = s->node ? hoist_xstrdup(s->node) : NULL;
	ev.outcome = st == HOIST_OK ? res.outcome
		     : st == HOIST_CANCELLED ? HOIST_OUTCOME_CANCELLED : HOIST_OUTCOME_FAILED;
	ev.exit_code = res.exit_code;
	ev.message = st == HOIST_OK ? res.message : hoist_xstrdup(hoist_error_message(err));
	if (st != HOIST_OK)
		free(res.message);
	ev.evidence = res.evidence;
	emit(r, &ev);
	hoist_event_done(&ev);
	return st;
}

struct worker {
	struct run *r;
	const struct hoist_plan_step *s;
	enum hoist_status st;
	struct hoist_error err;
	pthread_t th;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	w->st = do_step(w->r, w->s, &w->err);
	return NULL;
}

/* Steps [i, k) in parallel; the first failure in plan order is the group's. */
static enum hoist_status do_group(struct run *r, size_t i, size_t k, struct hoist_error *err)
{
	struct worker *w = hoist_xcalloc(k - i, sizeof *w);
	enum hoist_status st = HOIST_OK;
	for (size_t x = 0; x < k - i; x++) {
		w[x].r = r;
		w[x].s = &r->plan->steps[i + x];
		hoist_error_init(&w[x].err);
		pthread_create(&w[x].th, NULL, work, &w[x]);
	}
	for (size_t x = 0; x < k - i; x++) {
		pthread_join(w[x].th, NULL);
		if (st == HOIST_OK && w[x].st != HOIST_OK) {
			st = w[x].st;
			hoist_error_set(err, st, "%s", hoist_error_message(&w[x].err));
		}
		hoist_error_done(&w[x].err);
	}
	free(w);
	return st;
}

/* The end of a group of steps that may run together (all-at-once, same step id). */
static size_t group_end(const struct run *r, size_t i)
{
	const struct hoist_plan *p = r->plan;
	const struct hoist_step_info *info = hoist_step_info(p->steps[i].id);
	const struct hoist_plan_node *primary = hoist_plan_primary(p);
	size_t k = i + 1;
	if (p->strategy != HOIST_STRATEGY_ALL_AT_ONCE || !info || !info->per_node ||
	    !strcmp(p->steps[i].id, "db-upgrade"))
		return k;
	/* The node that upgraded the database starts first, alone. */
	if (!strcmp(p->steps[i].id, "start") && p->steps[i].node &&
	    !strcmp(p->steps[i].node, primary->name))
		return k;
	while (k < p->n_steps && !strcmp(p->steps[k].id, p->steps[i].id) && p->steps[k].node &&
	       !hoist_version_cmp(&p->steps[k].version, &p->steps[i].version))
		k++;
	return k;
}

static bool before_window(const char *id)
{
	return !strcmp(id, "preflight") || !strcmp(id, "stage");
}

static enum hoist_status run_steps(struct run *r, struct hoist_error *err)
{
	size_t i = 0;
	while (i < r->plan->n_steps) {
		size_t k = group_end(r, i);
		enum hoist_status st;
		if (r->dry_run && !before_window(r->plan->steps[i].id))
			break;
		if (run_cancelled(r))
			return hoist_error_set(err, HOIST_CANCELLED,
					       _("cancelled before the step %s"),
					       r->plan->steps[i].id);
		st = k - i == 1 ? do_step(r, &r->plan->steps[i], err) : do_group(r, i, k, err);
		if (st != HOIST_OK)
			return st;
		i = k;
	}
	return HOIST_OK;
}

/* ---- revert: undo only what this run changed, before the point of no return ---- */

static void revert_step(struct run *r, const char *id, const char *node,
			const struct hoist_version *v)
{
	struct hoist_plan_step s = { (char *)id, (char *)node, *v, false, NULL };
	struct hoist_error e;
	hoist_error_init(&e);
	/* A resumed run's earlier steps must not hide the revert's own. */
	struct hoist_run_summary *prev = r->prev;
	r->prev = NULL;
	do_step(r, &s, &e);
	r->prev = prev;
	hoist_error_done(&e);
}

static bool changed_anything(const struct run *r)
{
	bool any = r->maint_changed;
	for (size_t i = 0; i < r->n_nodes; i++)
		any = any || r->nodes[i].drained_by_us || r->nodes[i].stopped_by_us ||
		      r->nodes[i].install_ran;
	return any;
}

static void revert(struct run *r)
{
	const struct hoist_version *from = &r->plan->from;
	run_log(r, NULL, NULL, "%s", _("reverting what this run changed"));
	for (size_t i = 0; i < r->n_nodes; i++)
		if (r->nodes[i].install_ran) {
			struct run_node *n = &r->nodes[i];
			if (!n->stopped_by_us)
				continue;
			revert_step(r, "install", n->plan->name, from);
		}
	for (size_t i = 0; i < r->n_nodes; i++)
		if (r->nodes[i].stopped_by_us)
			revert_step(r, "start", r->nodes[i].plan->name, from);
	for (size_t i = 0; i < r->n_nodes; i++)
		if (r->nodes[i].drained_by_us)
			revert_step(r, "undrain", r->nodes[i].plan->name, from);
	if (r->maint_changed) {
		/* Every node runs the old version again: maintenance-off checks the plan's target. */
		struct hoist_version to = r->plan->to;
		r->plan->to = *from;
		revert_step(r, "maintenance-off", NULL, from);
		r->plan->to = to;
	}
}

/* ---- setting up, running, ending ---- */

static void run_init(struct run *r, const struct hoist_config *cfg,
		     const struct hoist_run_options *o)
{
	memset(r, 0, sizeof *r);
	r->cfg = cfg;
	r->cancel = o->cancel;
	r->dry_run = o->dry_run;
	pthread_mutex_init(&r->jmu, NULL);
	pthread_mutex_init(&r->plan_mu, NULL);
	pthread_mutex_init(&r->hb_mu, NULL);
	pthread_cond_init(&r->hb_cv, NULL);
	hoist_report_http_options(cfg, &r->http);
	r->state_dir = hoist_config_state_dir(cfg);
}

static void run_done(struct run *r)
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
	pthread_cond_destroy(&r->hb_cv);
}

/* The lock; a resumed run takes over its own lock once its old process is gone. */
static enum hoist_status take_lock(struct run *r, bool resuming, struct hoist_error *err)
{
	struct hoist_lock_info holder;
	enum hoist_status st;
	hoist_lock_info_init(&holder);
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
static enum hoist_status open_run(struct run *r, struct hoist_error *err)
{
	struct hoist_profile_setting *set;
	size_t n_set = 0;
	enum hoist_status st;
	set = hoist_xcalloc(r->cfg->n_extra + 1, sizeof *set);
	for (size_t i = 0; i < r->cfg->n_extra; i++)
		if (!strcmp(r->cfg->extra[i].section, "profile")) {
			set[n_set].key = r->cfg->extra[i].key;
			set[n_set++].value = r->cfg->extra[i].value;
		}
	st = hoist_profile_new(r->plan->profile, set, n_set, &r->profile, err);
	free(set);
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
		if (r->cfg->ssh_config) {
			hoist_transport_add_ssh_arg(n->t, "-F");
			hoist_transport_add_ssh_arg(n->t, r->cfg->ssh_config);
		}
	}
	if (st == HOIST_OK) {
		char *path = hoist_xasprintf("%s/journal.jsonl", r->dir);
		st = hoist_journal_open(path, &r->j, err);
		free(path);
	}
	if (st == HOIST_OK && r->cfg->api_key)
		hoist_journal_add_secret(r->j, r->cfg->api_key);
	return st;
}

static void run_start_event(struct run *r)
{
	struct hoist_event ev;
	hoist_event_init(&ev, HOIST_EVENT_RUN_START);
	ev.run_id = hoist_xstrdup(r->id);
	ev.from_version = hoist_xstrdup(r->plan->from.text);
	ev.to_version = hoist_xstrdup(r->plan->to.text);
	ev.kind = hoist_xstrdup(hoist_kind_name(r->plan->kind));
	ev.strategy = hoist_xstrdup(hoist_strategy_name(r->plan->strategy));
	ev.profile = hoist_xstrdup(r->plan->profile);
	ev.message = hoist_xstrdup(r->dry_run ? _("dry run: nothing on the server changes")
					      : _("upgrade started"));
	for (size_t i = 0; i < r->plan->n_steps; i++)
		if (!r->dry_run || before_window(r->plan->steps[i].id))
			hoist_event_add_step(&ev, r->plan->steps[i].id, r->plan->steps[i].node);
	emit(r, &ev);
	hoist_event_done(&ev);
}

static enum hoist_status run_end(struct run *r, enum hoist_status st, struct hoist_error *err)
{
	struct hoist_event ev;
	hoist_event_init(&ev, HOIST_EVENT_RUN_END);
	if (st == HOIST_OK) {
		ev.outcome = HOIST_OUTCOME_OK;
		ev.message = hoist_xasprintf(r->dry_run ? _("dry run done: every check passed, "
							    "nothing changed")
							: _("the server runs %s"),
					     r->plan->to.text);
	} else {
		ev.outcome = st == HOIST_CANCELLED ? HOIST_OUTCOME_CANCELLED : HOIST_OUTCOME_FAILED;
		ev.message = hoist_xstrdup(hoist_error_message(err));
	}
	emit(r, &ev);
	hoist_event_done(&ev);
	return st;
}

/* What happens after run-start (or the resume's re-check): the steps, then the outcome. */
static enum hoist_status run_body(struct run *r, struct hoist_error *err)
{
	enum hoist_status st = run_steps(r, err);
	if (st == HOIST_OK || r->dry_run)
		return run_end(r, st, err);
	if (r->pnr_started) {
		hoist_error_prefix(err, _("the run stopped after the point of no return (the "
					  "database upgrade began); maintenance mode stays on and "
					  "nothing is undone; follow the rollback guide (hoist "
					  "rollback --guide)"));
		err->status = HOIST_FAILED_PNR;
		return run_end(r, HOIST_FAILED_PNR, err);
	}
	/* Statuses that would read "cannot reach the server" describe a step here. */
	if (st == HOIST_TIMEOUT)
		st = err->status = HOIST_STATE;
	if (changed_anything(r)) {
		revert(r);
		hoist_error_prefix(err, _("the upgrade stopped before the point of no return and "
					  "what it changed was undone"));
	} else {
		hoist_error_prefix(err, _("the upgrade stopped before it changed anything"));
	}
	return run_end(r, st, err);
}

/* Tells the face that started a detached run how it went: "R<id>" or "E<status> <message>". */
static void notify(int fd, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	if (fd < 0)
		return;
	va_start(ap, fmt);
	msg = hoist_xvasprintf(fmt, ap);
	va_end(ap);
	if (write(fd, msg, strlen(msg)) < 0) {
		/* The face went away: the run goes on without it. */
	}
	free(msg);
	close(fd);
}

/* A run id that sorts after every earlier run's, even one started in the same second. */
static char *new_run_id(const char *state_dir)
{
	char *latest = NULL, *id;
	hoist_rundir_latest(state_dir, &latest, NULL);
	for (int i = 0;; i++) {
		id = hoist_rundir_new_id();
		if (!latest || strcmp(id, latest) > 0)
			break;
		free(id);
		if (i > 100) {
			/* The second's random part ran high: the next second sorts after it. */
			struct timespec ts = { 0, 50 * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	free(latest);
	return id;
}

static enum hoist_status copy_plan(const struct hoist_plan *plan, struct hoist_plan **out,
				   struct hoist_error *err)
{
	char *json = hoist_plan_to_json(plan);
	enum hoist_status st = hoist_plan_from_json(json, strlen(json), out, err);
	free(json);
	return st;
}

static enum hoist_status execute(const struct hoist_config *cfg, const struct hoist_plan *plan,
				 const struct hoist_run_options *o, int fd, char **run_id,
				 struct hoist_error *err)
{
	struct run r;
	enum hoist_status st;
	run_init(&r, cfg, o);
	st = copy_plan(plan, &r.plan, err);
	if (st == HOIST_OK) {
		r.id = new_run_id(r.state_dir);
		*run_id = hoist_xstrdup(r.id);
		st = take_lock(&r, false, err);
	}
	if (st == HOIST_OK)
		st = hoist_rundir_create(r.state_dir, r.id, &r.dir, err);
	if (st == HOIST_OK) {
		r.plan_path = hoist_xasprintf("%s/plan.json", r.dir);
		st = hoist_plan_save(r.plan, r.plan_path, err);
	}
	if (st == HOIST_OK)
		st = open_run(&r, err);
	if (st != HOIST_OK) {
		notify(fd, "E%d %s", (int)st, hoist_error_message(err));
		run_done(&r);
		return st;
	}
	if (r.cfg->keep_runs > 0)
		hoist_rundir_prune(r.state_dir, (size_t)r.cfg->keep_runs, r.id, NULL, NULL);
	run_start_event(&r);
	notify(fd, "R%s", r.id);
	if (o->started)
		o->started(o->ctx, r.id);
	st = run_body(&r, err);
	run_done(&r);
	return st;
}

static enum hoist_step_state prev_state(const struct run *r, const char *step, const char *node)
{
	const struct hoist_step_summary *s = hoist_run_summary_find(r->prev, step, node);
	return s ? s->state : HOIST_STEP_PENDING;
}

static bool began(enum hoist_step_state st)
{
	return st == HOIST_STEP_OK || st == HOIST_STEP_RUNNING || st == HOIST_STEP_FAILED;
}

/* What the interrupted run had changed, from its journal; and what the server says now. */
static void recheck(struct run *r)
{
	/* Stopped nodes and a load balancer without one are expected here: no retries. */
	struct hoist_octopus *oc = run_pinger(r, NULL);
	bool on = false;
	r->maint_changed = prev_state(r, "maintenance-on", NULL) != HOIST_STEP_SKIPPED &&
			   began(prev_state(r, "maintenance-on", NULL)) &&
			   prev_state(r, "maintenance-off", NULL) != HOIST_STEP_OK;
	r->pnr_started = r->prev->pnr_started;
	for (size_t i = 0; i < r->n_nodes; i++) {
		struct run_node *n = &r->nodes[i];
		const char *name = n->plan->name;
		enum hoist_ping p = HOIST_PING_DOWN;
		struct hoist_version v;
		n->drained_by_us = prev_state(r, "drain", name) != HOIST_STEP_SKIPPED &&
				   began(prev_state(r, "drain", name)) &&
				   prev_state(r, "undrain", name) != HOIST_STEP_OK;
		n->stopped_by_us = began(prev_state(r, "stop", name)) &&
				   prev_state(r, "start", name) != HOIST_STEP_OK;
		n->install_ran = began(prev_state(r, "install", name));
		if (n->plan->url)
			hoist_octopus_ping(oc, n->plan->url, &p, NULL);
		if (p == HOIST_PING_DOWN) {
			run_log(r, NULL, name, _("%s is stopped"), name);
		} else {
			struct hoist_octopus *nc = run_pinger(r, n->plan->url);
			if (hoist_octopus_version(nc, &v, NULL) == HOIST_OK)
				run_log(r, NULL, name, _("%s is running %s"), name, v.text);
			hoist_octopus_free(nc);
		}
	}
	if (hoist_octopus_maintenance_get(oc, &on, NULL) == HOIST_OK)
		run_log(r, NULL, NULL, on ? _("maintenance mode is on") : _("maintenance mode is off"));
	hoist_octopus_free(oc);
}

static enum hoist_status resume(const struct hoist_config *cfg, const char *run_id,
				const struct hoist_run_options *o, int fd, char **out_id,
				struct hoist_error *err)
{
	struct run r;
	struct hoist_run_summary sum;
	enum hoist_status st = HOIST_OK;
	char *jpath = NULL;
	run_init(&r, cfg, o);
	r.dry_run = false;
	hoist_run_summary_init(&sum);
	if (run_id && !hoist_rundir_id_valid(run_id))
		st = hoist_error_set(err, HOIST_USAGE, _("\"%s\" is not a run id"), run_id);
	else if (run_id)
		r.id = hoist_xstrdup(run_id);
	else
		st = hoist_rundir_latest(r.state_dir, &r.id, err);
	if (st == HOIST_OK) {
		*out_id = hoist_xstrdup(r.id);
		r.dir = hoist_rundir_path(r.state_dir, r.id);
		r.plan_path = hoist_xasprintf("%s/plan.json", r.dir);
		jpath = hoist_xasprintf("%s/journal.jsonl", r.dir);
		st = hoist_plan_load(r.plan_path, &r.plan, err);
	}
	if (st == HOIST_OK)
		st = hoist_journal_fold(jpath, &sum, err);
	if (st == HOIST_OK && sum.state != HOIST_RUN_RUNNING)
		st = hoist_error_set(err, HOIST_STATE,
				     _("the run %s has %s: there is nothing to resume"), r.id,
				     sum.state == HOIST_RUN_NONE ? _("not started")
								 : _("already ended"));
	if (st == HOIST_OK)
		st = take_lock(&r, true, err);
	if (st == HOIST_OK)
		st = open_run(&r, err);
	if (st != HOIST_OK) {
		notify(fd, "E%d %s", (int)st, hoist_error_message(err));
		goto out;
	}
	{
		/* The master key this run saved must stay out of the journal from here on too. */
		char *kpath = hoist_xasprintf("%s/backups/master-key", r.dir);
		FILE *f = fopen(kpath, "r");
		char line[1024];
		if (f && fgets(line, sizeof line, f)) {
			line[strcspn(line, "\r\n")] = '\0';
			if (*line)
				hoist_journal_add_secret(r.j, line);
			memset(line, 0, sizeof line);
		}
		if (f)
			fclose(f);
		free(kpath);
	}
	r.prev = &sum;
	run_log(&r, NULL, NULL, _("resuming run %s (process %ld)"), r.id, (long)getpid());
	notify(fd, "R%s", r.id);
	if (o->started)
		o->started(o->ctx, r.id);
	if (sum.pnr_started && !sum.pnr_ended) {
		st = hoist_error_set(err, HOIST_FAILED_PNR,
				     _("the database upgrade was under way when the engine "
				       "stopped; it is never repeated blindly: maintenance mode "
				       "stays on; check the database and follow the rollback guide "
				       "(hoist rollback --guide)"));
		run_end(&r, st, err);
		goto out;
	}
	recheck(&r);
	st = run_body(&r, err);
out:
	r.prev = NULL;
	hoist_run_summary_done(&sum);
	free(jpath);
	run_done(&r);
	return st;
}

/* Runs execute or resume in a grandchild in its own session; returns once it has begun. */
static enum hoist_status detach(const struct hoist_config *cfg, const struct hoist_plan *plan,
				const char *resume_id, const struct hoist_run_options *o,
				char **run_id, struct hoist_error *err)
{
	struct hoist_buf b;
	int fds[2], status;
	pid_t pid;
	char chunk[512];
	ssize_t got;
	enum hoist_status st;
	if (pipe(fds) != 0)
		return hoist_error_set(err, HOIST_IO, _("cannot make a pipe: %s"), strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return hoist_error_set(err, HOIST_IO, _("cannot start the engine: %s"),
				       strerror(errno));
	}
	if (pid == 0) {
		struct hoist_run_options oo = *o;
		struct hoist_error e;
		char *id = NULL;
		int dn;
		close(fds[0]);
		setsid();
		/* The grandchild is no session leader: it never gets a terminal back. */
		if (fork() != 0)
			_exit(0);
		signal(SIGHUP, SIG_IGN);
		dn = open("/dev/null", O_RDWR);
		if (dn >= 0) {
			dup2(dn, 0);
			dup2(dn, 1);
			dup2(dn, 2);
			if (dn > 2)
				close(dn);
		}
		oo.detach = false;
		oo.started = NULL;
		hoist_error_init(&e);
		st = plan ? execute(cfg, plan, &oo, fds[1], &id, &e)
			  : resume(cfg, resume_id, &oo, fds[1], &id, &e);
		_exit(hoist_status_exit_code(st));
	}
	close(fds[1]);
	waitpid(pid, &status, 0);
	hoist_buf_init(&b, 64 * 1024);
	while ((got = read(fds[0], chunk, sizeof chunk)) > 0 || (got < 0 && errno == EINTR))
		if (got > 0 && hoist_buf_append(&b, chunk, (size_t)got) != HOIST_OK)
			break;
	close(fds[0]);
	if (b.len > 1 && b.data[0] == 'R') {
		*run_id = hoist_xstrdup(b.data + 1);
		st = HOIST_OK;
	} else if (b.len > 1 && b.data[0] == 'E') {
		char *sp = strchr(b.data, ' ');
		int code = atoi(b.data + 1);
		st = code > 0 && code < HOIST_STATUS_COUNT ? (enum hoist_status)code : HOIST_IO;
		hoist_error_set(err, st, "%s", sp ? sp + 1 : "");
	} else {
		st = hoist_error_set(err, HOIST_IO, _("the detached engine ended before the run "
						      "began"));
	}
	hoist_buf_done(&b);
	return st;
}

enum hoist_status hoist_run_execute(const struct hoist_config *cfg, const struct hoist_plan *plan,
				    const struct hoist_run_options *o, char **run_id,
				    struct hoist_error *err)
{
	*run_id = NULL;
	if (o->detach)
		return detach(cfg, plan, NULL, o, run_id, err);
	return execute(cfg, plan, o, -1, run_id, err);
}

enum hoist_status hoist_run_resume(const struct hoist_config *cfg, const char *run_id,
				   const struct hoist_run_options *o, char **resumed_id,
				   struct hoist_error *err)
{
	*resumed_id = NULL;
	if (o->detach)
		return detach(cfg, NULL, run_id, o, resumed_id, err);
	return resume(cfg, run_id, o, -1, resumed_id, err);
}

enum hoist_status hoist_run_backup(const struct hoist_config *cfg,
				   const struct hoist_run_options *o, char **run_id,
				   struct hoist_error *err)
{
	struct hoist_plan *plan = NULL;
	enum hoist_status st = hoist_plan_prepare_backup(cfg, &plan, err);
	*run_id = NULL;
	if (st == HOIST_OK)
		st = hoist_run_execute(cfg, plan, o, run_id, err);
	hoist_plan_free(plan);
	return st;
}

char *hoist_run_journal_path(const struct hoist_config *cfg, const char *run_id)
{
	char *state = hoist_config_state_dir(cfg);
	char *dir = hoist_rundir_path(state, run_id);
	char *path = hoist_xasprintf("%s/journal.jsonl", dir);
	free(dir);
	free(state);
	return path;
}

enum hoist_status hoist_run_check_lock(const struct hoist_config *cfg, struct hoist_error *err)
{
	struct hoist_lock_info info;
	char *state = hoist_config_state_dir(cfg);
	enum hoist_status st = HOIST_OK;
	hoist_lock_info_init(&info);
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
