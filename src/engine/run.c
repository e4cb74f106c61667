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
#include "prepare.h"
#include "retention.h"
#include "run_int.h"
#include "rundir.h"
#include "xalloc.h"

/* Milliseconds a sleeping run sleeps at a time before it looks whether it was cancelled. */
#define CANCEL_POLL_MS 20
/* Milliseconds a node's ping may take to connect: a node going away is noticed at once. */
#define PING_CONNECT_TIMEOUT_MS 2000
/* Milliseconds to wait for the next second when this second's run ids ran out. */
#define NEW_ID_WAIT_MS 50

bool run_cancelled(const struct run *r)
{
	return r->cancel && *r->cancel;
}

void run_halt(struct run *r, const char *why)
{
	pthread_mutex_lock(&r->halt_mu);
	if (!r->halt)
		r->halt = hoist_xstrdup(why ? why : "");
	pthread_mutex_unlock(&r->halt_mu);
}

char *run_halted(struct run *r)
{
	char *why;
	pthread_mutex_lock(&r->halt_mu);
	why = r->halt ? hoist_xstrdup(r->halt) : NULL;
	pthread_mutex_unlock(&r->halt_mu);
	return why;
}

bool run_sleep(struct run *r, long ms)
{
	while (ms > 0 && !run_cancelled(r)) {
		long slice = ms < CANCEL_POLL_MS ? ms : CANCEL_POLL_MS;
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

/* A write to the journal failed: what is not recorded must not happen, so the run halts. */
static void record_failed(struct run *r, enum hoist_status st, const struct hoist_error *e)
{
	char *why;
	if (st == HOIST_OK)
		return;
	why = hoist_xasprintf(_("the run could not record what it does (%s)"),
			      hoist_error_message(e));
	run_halt(r, why);
	free(why);
}

/* Appends one event under the journal's mutex; the journal owns nothing of ev. */
static enum hoist_status emit(struct run *r, struct hoist_event *ev)
{
	struct hoist_error e;
	enum hoist_status st;
	hoist_error_init(&e);
	pthread_mutex_lock(&r->jmu);
	st = hoist_journal_append(r->j, ev, &e);
	pthread_mutex_unlock(&r->jmu);
	record_failed(r, st, &e);
	hoist_error_done(&e);
	return st;
}

enum hoist_status run_emit(struct run *r, struct hoist_event *ev)
{
	return emit(r, ev);
}

static void result_clear(struct run_result *res)
{
	free(res->message);
	free(res->msgid);
	free(res->plural);
	hoist_i18n_args_free(res->args, res->n_args);
	res->message = res->msgid = res->plural = NULL;
	res->plural_n = 0;
	res->args = NULL;
	res->n_args = 0;
}

void run_say(struct run_result *res, const char *msgid, ...)
{
	va_list ap;
	result_clear(res);
	va_start(ap, msgid);
	res->message = hoist_i18n_vsay(msgid, ap, &res->msgid, &res->args, &res->n_args);
	va_end(ap);
}

void run_say_n(struct run_result *res, const char *msgid, const char *plural, unsigned long n,
	       ...)
{
	va_list ap;
	result_clear(res);
	va_start(ap, n);
	res->message = hoist_i18n_vsay_n(msgid, plural, n, ap, &res->msgid, &res->args,
					 &res->n_args);
	va_end(ap);
	if (res->msgid) {
		res->plural = hoist_xstrdup(plural);
		res->plural_n = n;
	}
}

void run_log(struct run *r, const char *step, const char *node, const char *msgid, ...)
{
	struct hoist_event ev;
	va_list ap;
	hoist_event_init(&ev, HOIST_EVENT_LOG);
	va_start(ap, msgid);
	hoist_event_vsay(&ev, msgid, ap);
	va_end(ap);
	ev.step = step ? hoist_xstrdup(step) : NULL;
	ev.node = node ? hoist_xstrdup(node) : NULL;
	ev.stream = hoist_xstrdup("engine");
	emit(r, &ev);
	hoist_event_done(&ev);
}

void run_progress(struct run *r, const char *step, const char *node, long long bytes,
		  long long total, long tasks_left, const char *msgid, ...)
{
	struct hoist_event ev;
	hoist_event_init(&ev, HOIST_EVENT_PROGRESS);
	ev.step = step ? hoist_xstrdup(step) : NULL;
	ev.node = node ? hoist_xstrdup(node) : NULL;
	ev.bytes = bytes;
	ev.total = total;
	ev.tasks_left = tasks_left;
	if (msgid) {
		va_list ap;
		va_start(ap, msgid);
		hoist_event_vsay(&ev, msgid, ap);
		va_end(ap);
	}
	emit(r, &ev);
	hoist_event_done(&ev);
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
	struct hoist_evidence pe = { 0 };
	char when[32];
	hoist_evidence_time(ev->time_ms, when);
	pe.item = (char *)item;
	pe.path = ev->path;
	pe.size = ev->size;
	pe.sha256 = ev->sha256;
	pe.time = when;
	pe.by_engine = by_engine;
	struct hoist_error e;
	enum hoist_status st;
	hoist_error_init(&e);
	pthread_mutex_lock(&r->plan_mu);
	hoist_plan_add_evidence(r->plan, &pe);
	st = hoist_plan_save(r->plan, r->plan_path, &e);
	pthread_mutex_unlock(&r->plan_mu);
	if (st != HOIST_OK) {
		/* The evidence (a backup's path and checksum) is what a rollback relies on. */
		char *why = hoist_xasprintf(_("the run could not save its plan with the evidence "
					      "of %s (%s)"),
					    item, hoist_error_message(&e));
		run_halt(r, why);
		free(why);
	}
	hoist_error_done(&e);
}

struct hoist_octopus *run_client(struct run *r, const char *base_url)
{
	/* The key goes to the configured server only (the plan was checked against it). */
	return hoist_octopus_new(base_url ? base_url : r->cfg->server_url, r->cfg->api_key,
				 &r->http);
}

struct hoist_octopus *run_pinger(struct run *r, const char *base_url)
{
	/* A node going away must be noticed at once, not after the back-off of a retry. */
	struct hoist_http_options o = r->http;
	o.retries = 0;
	o.connect_timeout_ms = PING_CONNECT_TIMEOUT_MS;
	return hoist_octopus_new(base_url ? base_url : r->cfg->server_url, r->cfg->api_key, &o);
}

/* ---- one step, and a group of per-node steps in parallel ---- */

/* The same step (id, node and hop) ended well before a resume; revert steps never count. */
static bool done_before(const struct run *r, const struct hoist_plan_step *s)
{
	const struct hoist_step_summary *p =
		r->prev ? hoist_run_summary_find_hop(r->prev, s->id, s->node, s->hop, false) : NULL;
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
	hoist_event_init(&ev, HOIST_EVENT_STEP_START);
	ev.step = hoist_xstrdup(s->id);
	ev.node = s->node ? hoist_xstrdup(s->node) : NULL;
	ev.hop = s->hop ? hoist_xstrdup(s->hop) : NULL;
	st = emit(r, &ev);
	hoist_event_done(&ev);
	if (st != HOIST_OK) {
		/* A step that cannot be recorded does not begin. */
		char *why = run_halted(r);
		hoist_error_set(err, HOIST_IO, "%s", why ? why : "");
		free(why);
		return HOIST_IO;
	}
	st = run_step(r, s, &res, err);
	hoist_event_init(&ev, HOIST_EVENT_STEP_END);
	ev.step = hoist_xstrdup(s->id);
	ev.node = s->node ? hoist_xstrdup(s->node) : NULL;
	ev.hop = s->hop ? hoist_xstrdup(s->hop) : NULL;
	ev.outcome = st == HOIST_OK ? res.outcome
		     : st == HOIST_CANCELLED ? HOIST_OUTCOME_CANCELLED : HOIST_OUTCOME_FAILED;
	ev.exit_code = res.exit_code;
	if (st == HOIST_OK) {
		/* The event takes the result's message, its format and arguments. */
		ev.message = res.message;
		ev.msgid = res.msgid;
		ev.plural = res.plural;
		ev.plural_n = res.plural_n;
		ev.args = res.args;
		ev.n_args = res.n_args;
	} else {
		ev.message = hoist_xstrdup(hoist_error_message(err));
		result_clear(&res);
	}
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
	size_t k = i + 1;
	/* Every node runs the target once the database is upgraded (seed 000: "restart all
	 * nodes"), so the primary starts with the others: a start alone first would add
	 * a whole start to the window. */
	if (p->strategy != HOIST_STRATEGY_ALL_AT_ONCE || !info || !info->per_node ||
	    !strcmp(p->steps[i].id, "db-upgrade"))
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
		{
			char *why = run_halted(r);
			if (why) {
				hoist_error_set(err, HOIST_IO, _("stopped before the step %s: %s"),
						r->plan->steps[i].id, why);
				free(why);
				return HOIST_IO;
			}
		}
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

static enum hoist_status revert_step(struct run *r, const char *id, const char *node,
				     const struct hoist_version *v, struct hoist_error *err)
{
	struct hoist_plan_step s = { (char *)id, (char *)node, *v, false, NULL, NULL };
	struct hoist_error e;
	enum hoist_status st;
	hoist_error_init(&e);
	/* A resumed run's earlier steps must not hide the revert's own. */
	struct hoist_run_summary *prev = r->prev;
	r->prev = NULL;
	st = do_step(r, &s, &e);
	r->prev = prev;
	if (st != HOIST_OK && err && err->status == HOIST_OK)
		hoist_error_set(err, st, _("%s on %s: %s"), id, node ? node : "-",
				hoist_error_message(&e));
	hoist_error_done(&e);
	return st;
}

static bool changed_anything(const struct run *r)
{
	bool any = r->maint_changed || r->undo_maint;
	for (size_t i = 0; i < r->n_nodes; i++)
		any = any || r->nodes[i].drained_by_us || r->nodes[i].stopped_by_us ||
		      r->nodes[i].install_ran || r->nodes[i].undo_up || r->nodes[i].undo_undrain;
	return any;
}

/* What the revert must have put back, taken before it starts: checked afterwards. */
struct undo_check {
	bool maint;
	bool *node_up;    /* stopped or reinstalled by the run: must run the old version */
	bool *undrained;  /* drained by the run: must be undrained */
};

/* Verifies on the server that what the run changed is back; the first difference in err. */
static enum hoist_status verify_undone(struct run *r, const struct undo_check *c,
				       struct hoist_error *err)
{
	struct hoist_octopus *oc = run_client(r, NULL);
	struct hoist_octopus_nodes nodes = { NULL, 0 };
	enum hoist_status st = HOIST_OK;
	bool on = false, need_nodes = false;
	if (c->maint) {
		st = hoist_octopus_maintenance_get(oc, &on, err);
		if (st == HOIST_OK && on)
			st = hoist_error_set(err, HOIST_STATE, "%s", _("maintenance mode is still on"));
	}
	for (size_t i = 0; st == HOIST_OK && i < r->n_nodes; i++) {
		const struct run_node *n = &r->nodes[i];
		struct hoist_version v;
		struct hoist_octopus *nc;
		need_nodes = need_nodes || c->undrained[i];
		if (!c->node_up[i] || !n->plan->url)
			continue;
		nc = run_pinger(r, n->plan->url);
		st = hoist_octopus_version(nc, &v, err);
		if (st != HOIST_OK) {
			char *why = hoist_xstrdup(hoist_error_message(err));
			st = hoist_error_set(err, HOIST_STATE, _("%s does not answer: %s"),
					     n->plan->name, why);
			free(why);
		} else if (hoist_version_cmp(&v, &r->plan->from))
			st = hoist_error_set(err, HOIST_STATE, _("%s runs %s, not %s"), n->plan->name,
					     v.text, r->plan->from.text);
		hoist_octopus_free(nc);
	}
	if (st == HOIST_OK && need_nodes)
		st = hoist_octopus_nodes(oc, &nodes, err);
	for (size_t i = 0; st == HOIST_OK && i < r->n_nodes; i++) {
		const struct hoist_octopus_node *on_srv;
		if (!c->undrained[i])
			continue;
		on_srv = hoist_octopus_nodes_find(&nodes, r->nodes[i].plan->name);
		if (on_srv && on_srv->drained)
			st = hoist_error_set(err, HOIST_STATE, _("%s is still drained"),
					     r->nodes[i].plan->name);
	}
	hoist_octopus_nodes_done(&nodes);
	hoist_octopus_free(oc);
	return st;
}

/*
 * Undoes what this run changed, before the point of no return, then checks on the server
 * that it is back: HOIST_OK only when it is (the run is then undone), else why not.
 */
static enum hoist_status revert(struct run *r, struct hoist_error *err)
{
	const struct hoist_version *from = &r->plan->from;
	const volatile sig_atomic_t *cancel = r->cancel;
	struct undo_check c;
	enum hoist_status st = HOIST_OK, s1;
	/* A resumed undo checks all the run had changed, also what was put back before. */
	c.maint = r->maint_changed || r->undo_maint;
	c.node_up = hoist_xcalloc(r->n_nodes + 1, sizeof *c.node_up);
	c.undrained = hoist_xcalloc(r->n_nodes + 1, sizeof *c.undrained);
	for (size_t i = 0; i < r->n_nodes; i++) {
		c.node_up[i] = r->nodes[i].stopped_by_us || r->nodes[i].install_ran ||
			       r->nodes[i].undo_up;
		c.undrained[i] = r->nodes[i].drained_by_us || r->nodes[i].undo_undrain;
	}
	/* A stop asked for is what brought the run here: the revert itself is not stopped. */
	r->cancel = NULL;
	pthread_mutex_lock(&r->jmu);
	hoist_journal_set_revert(r->j, true);
	pthread_mutex_unlock(&r->jmu);
	run_log(r, NULL, NULL, N_("reverting what this run changed"));
	for (size_t i = 0; i < r->n_nodes; i++)
		if (r->nodes[i].install_ran) {
			struct run_node *n = &r->nodes[i];
			if (!n->stopped_by_us)
				continue;
			s1 = revert_step(r, "install", n->plan->name, from, err);
			if (s1 == HOIST_OK)
				n->install_ran = false;
			st = st == HOIST_OK ? s1 : st;
		}
	for (size_t i = 0; i < r->n_nodes; i++)
		if (r->nodes[i].stopped_by_us) {
			s1 = revert_step(r, "start", r->nodes[i].plan->name, from, err);
			st = st == HOIST_OK ? s1 : st;
		}
	for (size_t i = 0; i < r->n_nodes; i++)
		if (r->nodes[i].drained_by_us) {
			s1 = revert_step(r, "undrain", r->nodes[i].plan->name, from, err);
			st = st == HOIST_OK ? s1 : st;
		}
	if (r->maint_changed) {
		/* Every node runs the old version again: maintenance-off checks the plan's target. */
		struct hoist_version to = r->plan->to;
		r->plan->to = *from;
		s1 = revert_step(r, "maintenance-off", NULL, from, err);
		st = st == HOIST_OK ? s1 : st;
		r->plan->to = to;
	}
	/* Verify, do not assume: the server says whether it is as it was. */
	if (st == HOIST_OK) {
		st = verify_undone(r, &c, err);
		if (st != HOIST_OK)
			hoist_error_prefix(err, "%s", _("the server is not as it was"));
	}
	if (st == HOIST_OK)
		run_log(r, NULL, NULL, N_("checked on the server: everything this run changed "
					       "is back"));
	pthread_mutex_lock(&r->jmu);
	hoist_journal_set_revert(r->j, false);
	pthread_mutex_unlock(&r->jmu);
	r->cancel = cancel;
	free(c.node_up);
	free(c.undrained);
	return st;
}

/* ---- setting up, running, ending ---- */

static void run_start_event(struct run *r)
{
	struct hoist_event ev;
	hoist_event_init(&ev, HOIST_EVENT_RUN_START);
	ev.run_id = hoist_xstrdup(r->id);
	ev.from_version = hoist_xstrdup(r->plan->from.text);
	ev.to_version = hoist_xstrdup(r->plan->to.text);
	ev.kind = hoist_xstrdup(r->plan->journey ? r->plan->journey : hoist_kind_name(r->plan->kind));
	ev.strategy = hoist_xstrdup(hoist_strategy_name(r->plan->strategy));
	ev.profile = hoist_xstrdup(r->plan->profile);
	ev.dry_run = r->dry_run;
	hoist_event_say(&ev, r->dry_run ? N_("dry run: nothing on the server changes")
					: N_("upgrade started"));
	for (size_t i = 0; i < r->plan->n_steps; i++)
		if (!r->dry_run || before_window(r->plan->steps[i].id))
			hoist_event_add_step(&ev, r->plan->steps[i].id, r->plan->steps[i].node,
					     r->plan->steps[i].hop);
	emit(r, &ev);
	hoist_event_done(&ev);
	/* What the operator overrode, and why, is part of the run's record. */
	for (size_t i = 0; i < r->plan->n_overrides; i++)
		run_log(r, NULL, NULL, N_("override: %s"), r->plan->overrides[i]);
}

enum hoist_status run_end(struct run *r, enum hoist_end end, enum hoist_status st,
			  struct hoist_error *err)
{
	struct hoist_event ev;
	hoist_event_init(&ev, HOIST_EVENT_RUN_END);
	ev.end = end;
	if (st == HOIST_OK) {
		ev.outcome = HOIST_OUTCOME_OK;
		if (r->dry_run)
			hoist_event_say(&ev, N_("dry run done: every check passed, "
						"nothing changed"));
		else
			hoist_event_say(&ev, N_("the server runs %s"), r->plan->to.text);
		if (r->n_ignored) {
			char *m = hoist_xasprintf(P_("%s; %d validation failure was ignored (see "
						     "the journal and the guide)",
						     "%s; %d validation failures were ignored (see "
						     "the journal and the guide)",
						     r->n_ignored),
						  ev.message, r->n_ignored);
			/* A plural form is not kept: the whole line stays as said here. */
			hoist_event_set_message(&ev, m);
			free(m);
		}
	} else {
		ev.outcome = HOIST_OUTCOME_FAILED;
		ev.message = hoist_xstrdup(hoist_error_message(err));
	}
	emit(r, &ev);
	hoist_event_done(&ev);
	return st;
}

/*
 * A run's end that is no success, its message said from msgid (the same words as the
 * error the run returns, kept so that a reader in another language says them again).
 */
static enum hoist_status run_end_say(struct run *r, enum hoist_end end, enum hoist_status st,
				     const char *msgid, ...) __attribute__((format(printf, 4, 5)));
static enum hoist_status run_end_say(struct run *r, enum hoist_end end, enum hoist_status st,
				     const char *msgid, ...)
{
	struct hoist_event ev;
	va_list ap;
	hoist_event_init(&ev, HOIST_EVENT_RUN_END);
	ev.end = end;
	ev.outcome = HOIST_OUTCOME_FAILED;
	va_start(ap, msgid);
	hoist_event_vsay(&ev, msgid, ap);
	va_end(ap);
	emit(r, &ev);
	hoist_event_done(&ev);
	return st;
}

/* Puts frame before err's message as hoist_error_prefix does; returns the cause (a new string). */
static char *frame_error(struct hoist_error *err, const char *frame)
{
	char *cause = hoist_xstrdup(hoist_error_message(err));
	hoist_error_prefix(err, "%s", frame);
	return cause;
}

/* The undo before the point of no return, and the end it gives: undone or failed. */
enum hoist_status run_undo(struct run *r, enum hoist_status st, struct hoist_error *err)
{
	struct hoist_error e;
	enum hoist_status rs;
	char *cause;
	if (!changed_anything(r)) {
		cause = frame_error(err, _("stopped before it changed anything; the server is as "
					   "it was"));
		run_end_say(r, HOIST_END_UNDONE, st, N_("stopped before it changed anything; the "
							"server is as it was: %s"), cause);
		free(cause);
		return st;
	}
	hoist_error_init(&e);
	rs = revert(r, &e);
	if (rs == HOIST_OK) {
		cause = frame_error(err, _("stopped, everything undone: the server is as it was "
					   "before the run"));
		run_end_say(r, HOIST_END_UNDONE, st, N_("stopped, everything undone: the server "
							"is as it was before the run: %s"), cause);
		free(cause);
		hoist_error_done(&e);
		return st;
	}
	/*
	 * The undo itself failed: the server is not as it was, the guide is needed. Nothing
	 * is lost before the point of no return: the status stays the cause's (exit 1).
	 */
	cause = hoist_xstrdup(hoist_error_message(err));
	hoist_error_set(err, st,
			_("the run stopped before the point of no return (%s), but undoing "
			  "what it changed failed: %s; follow the rollback guide (hoist "
			  "rollback --guide)"),
			cause, hoist_error_message(&e));
	run_end_say(r, HOIST_END_FAILED, st,
		    N_("the run stopped before the point of no return (%s), but undoing "
		       "what it changed failed: %s; follow the rollback guide (hoist "
		       "rollback --guide)"),
		    cause, hoist_error_message(&e));
	free(cause);
	hoist_error_done(&e);
	return st;
}

/* What happens after run-start (or the resume's re-check): the steps, then the outcome. */
enum hoist_status run_body(struct run *r, struct hoist_error *err)
{
	enum hoist_status st = run_steps(r, err);
	char *why;
	if (st == HOIST_OK)
		return run_end(r, HOIST_END_DONE, st, err);
	why = run_halted(r);
	if (why) {
		/* Nothing more may happen unrecorded, an undo included: resume carries it on. */
		hoist_error_set(err, HOIST_IO,
				_("the run stopped where it stood: %s; once that is fixed, hoist "
				  "resume carries it on"),
				why);
		run_end_say(r, HOIST_END_INTERRUPTED, HOIST_IO,
			    N_("the run stopped where it stood: %s; once that is fixed, hoist "
			       "resume carries it on"),
			    why);
		free(why);
		return HOIST_IO;
	}
	if (r->dry_run) {
		char *cause = frame_error(err, _("the dry run stopped; nothing on the server "
						 "changed"));
		run_end_say(r, HOIST_END_UNDONE, st, N_("the dry run stopped; nothing on the "
							"server changed: %s"), cause);
		free(cause);
		return st;
	}
	{
		/* The other journeys say themselves what a failure leaves (journeys.h). */
		enum hoist_end end = HOIST_END_FAILED;
		if (run_journey_failed(r, &st, &end, err))
			return run_end(r, end, st, err);
	}
	if (r->pnr_started) {
		char *cause = frame_error(err, _("the run stopped after the point of no return "
						 "(the database upgrade began); maintenance mode "
						 "stays on and nothing is undone; follow the "
						 "rollback guide (hoist rollback --guide)"));
		err->status = HOIST_FAILED_PNR;
		run_end_say(r, HOIST_END_FAILED, HOIST_FAILED_PNR,
			    N_("the run stopped after the point of no return (the database "
			       "upgrade began); maintenance mode stays on and nothing is undone; "
			       "follow the rollback guide (hoist rollback --guide): %s"),
			    cause);
		free(cause);
		return HOIST_FAILED_PNR;
	}
	/* Statuses that would read "cannot reach the server" describe a step here. */
	if (st == HOIST_TIMEOUT)
		st = err->status = HOIST_STATE;
	return run_undo(r, st, err);
}

/* Tells the face that started a detached run how it went: "R<id>" or "E<status> <message>". */
void run_notify(int fd, const char *fmt, ...)
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
			struct timespec ts = { 0, NEW_ID_WAIT_MS * 1000000L };
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

enum hoist_status run_execute_new(const struct hoist_config *cfg, const struct hoist_plan *plan,
				 const struct hoist_run_options *o, int fd, char **run_id,
				 struct hoist_error *err)
{
	struct run r;
	char *retargeted = NULL;
	enum hoist_status st;
	run_init(&r, cfg, o);
	st = copy_plan(plan, &r.plan, err);
	if (st == HOIST_OK)
		st = hoist_plan_retarget(cfg, r.plan, o->retarget, &retargeted, err);
	if (st == HOIST_OK) {
		/* The mode is part of the plan: a dry run is recorded as one. */
		r.plan->dry_run = r.plan->dry_run || o->dry_run;
		r.dry_run = r.plan->dry_run;
		r.id = new_run_id(r.state_dir);
		*run_id = hoist_xstrdup(r.id);
		st = run_take_lock(&r, false, err);
	}
	if (st == HOIST_OK)
		st = hoist_rundir_create(r.state_dir, r.id, &r.dir, err);
	if (st == HOIST_OK) {
		r.plan_path = hoist_rundir_file(r.dir, HOIST_RUNDIR_PLAN);
		st = hoist_plan_save(r.plan, r.plan_path, err);
	}
	if (st == HOIST_OK)
		st = run_open(&r, err);
	if (st != HOIST_OK) {
		run_notify(fd, "E%d %s", (int)st, hoist_error_message(err));
		free(retargeted);
		run_done(&r);
		return st;
	}
	if (r.cfg->keep_runs > 0)
		hoist_retention_prune(r.state_dir, (size_t)r.cfg->keep_runs, r.id,
				      HOIST_CACHE_MAX_AGE_S, NULL);
	run_start_event(&r);
	if (retargeted)
		run_log(&r, NULL, NULL, "%s", retargeted);
	free(retargeted);
	run_notify(fd, "R%s", r.id);
	if (o->started)
		o->started(o->ctx, r.id);
	/* A killed engine's action (a rollback's run, say) must end before this run acts;
	 * stopped while it waits, the run has changed nothing: undone. */
	st = run_wait_orphans(&r, err);
	st = st == HOIST_OK ? run_body(&r, err) : run_end(&r, HOIST_END_UNDONE, st, err);
	run_done(&r);
	return st;
}

enum hoist_status hoist_run_execute(const struct hoist_config *cfg, const struct hoist_plan *plan,
				    const struct hoist_run_options *o, char **run_id,
				    struct hoist_error *err)
{
	*run_id = NULL;
	if (o->detach)
		return run_detach(cfg, plan, NULL, o, run_id, NULL, err);
	return run_execute_new(cfg, plan, o, -1, run_id, err);
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
	char *path = hoist_rundir_file(dir, HOIST_RUNDIR_JOURNAL);
	free(dir);
	free(state);
	return path;
}
