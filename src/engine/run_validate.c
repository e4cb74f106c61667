/*
 * run_validate.c: the validation gates of seed 004 (pre-upgrade before the window,
 * post-upgrade after start) and seed 001's health check, which brings Calamari up to date.
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "i18n.h"
#include "run_files.h"
#include "xalloc.h"

/* How often the health-check task is asked about, and how long it may take by default. */
#define HEALTH_POLL_MS 250
#define HEALTH_TIMEOUT_S 1800

enum hoist_status run_gate(struct run *r, const char *step, const char *node,
			   enum hoist_status st, struct hoist_error *err)
{
	struct hoist_event ev;
	if (st == HOIST_OK || st == HOIST_CANCELLED || !r->ignore_validation)
		return st;
	/* Its own stream: faces show it as an error, the guide lists it. */
	hoist_event_init(&ev, HOIST_EVENT_LOG);
	ev.step = step ? hoist_xstrdup(step) : NULL;
	ev.node = node ? hoist_xstrdup(node) : NULL;
	ev.stream = hoist_xstrdup("validation");
	hoist_event_say(&ev, N_("validation failure ignored (--ignore-validation-failures): %s"),
			hoist_error_message(err));
	pthread_mutex_lock(&r->jmu);
	hoist_journal_append(r->j, &ev, NULL);
	pthread_mutex_unlock(&r->jmu);
	hoist_event_done(&ev);
	hoist_error_clear(err);
	pthread_mutex_lock(&r->plan_mu);
	r->n_ignored++;
	pthread_mutex_unlock(&r->plan_mu);
	return HOIST_OK;
}

enum hoist_status run_validate_pre(struct run *r, struct hoist_error *err)
{
	struct hoist_octopus *oc = run_client(r, NULL);
	struct hoist_octopus_nodes sn = { NULL, 0 };
	enum hoist_status st = hoist_octopus_nodes(oc, &sn, err);
	long long need = 16 << 20;
	for (size_t i = 0; i < r->plan->n_packages; i++)
		if (r->plan->packages[i].size > 0)
			need += r->plan->packages[i].size;
	/* No failed node: every node the server knows is online. */
	for (size_t i = 0; st == HOIST_OK && i < sn.n; i++)
		if (sn.v[i].offline)
			st = run_gate(r, "preflight", sn.v[i].name,
				      hoist_error_set(err, HOIST_STATE,
						      _("pre-upgrade validation: the server reports "
							"the node %s offline; bring it back or remove "
							"it from the cluster first"),
						      sn.v[i].name),
				      err);
	for (size_t i = 0; st == HOIST_OK && i < r->n_nodes; i++) {
		struct run_node *n = &r->nodes[i];
		struct hoist_version v;
		long long free_b;
		if (n->plan->url) {
			struct hoist_octopus *nc = run_pinger(r, n->plan->url);
			enum hoist_status a = hoist_octopus_version(nc, &v, err);
			hoist_octopus_free(nc);
			if (a != HOIST_OK)
				hoist_error_prefix(err, _("pre-upgrade validation: the API of %s does "
							  "not answer"),
						   n->plan->name);
			else if (hoist_version_cmp(&v, &n->plan->version) &&
				 hoist_version_cmp(&v, &r->plan->to))
				a = hoist_error_set(err, HOIST_STATE,
						    _("pre-upgrade validation: %s reports %s, but the "
						      "plan expects %s there"),
						    n->plan->name, v.text, n->plan->version.text);
			st = run_gate(r, "preflight", n->plan->name, a == HOIST_OK ? a : HOIST_STATE,
				      err);
		}
		if (st != HOIST_OK || !n->plan->remote_dir ||
		    hoist_transport_kind(n->t) != HOIST_TRANSPORT_SSH)
			continue;
		if (hoist_transport_free_bytes(n->t, n->plan->remote_dir, 20000, &free_b, NULL) !=
		    HOIST_OK)
			free_b = -1;
		if (free_b < 0)
			run_log(r, "preflight", n->plan->name,
				N_("disk space on %s not checked (its shell is %s)"), n->plan->name,
				hoist_shell_name(hoist_transport_shell(n->t)));
		else if (free_b >= need)
			run_log(r, "preflight", n->plan->name, N_("%s: %lld MB free in %s"),
				n->plan->name, free_b >> 20, n->plan->remote_dir);
		else
			st = run_gate(r, "preflight", n->plan->name,
				      hoist_error_set(err, HOIST_STATE,
						      _("pre-upgrade validation: %s has %lld MB free "
							"in %s; the installers need %lld MB"),
						      n->plan->name, free_b >> 20, n->plan->remote_dir,
						      need >> 20),
				      err);
	}
	hoist_octopus_nodes_done(&sn);
	hoist_octopus_free(oc);
	return st;
}

enum hoist_status run_validate_node(struct run *r, struct run_node *n,
				    const struct hoist_version *want, char **message,
				    struct hoist_error *err)
{
	struct hoist_octopus *oc;
	struct hoist_octopus_nodes sn = { NULL, 0 };
	const struct hoist_octopus_node *sv;
	enum hoist_status st;
	(void)message;
	/* A 2.x server (a way back from the legacy upgrade) has no node list to ask. */
	if (want && want->major < 3)
		return HOIST_OK;
	oc = run_client(r, NULL);
	st = hoist_octopus_nodes(oc, &sn, err);
	if (st == HOIST_OK) {
		sv = hoist_octopus_nodes_find(&sn, n->plan->name);
		if (!sv)
			st = hoist_error_set(err, HOIST_STATE,
					     _("post-upgrade validation: the server no longer lists "
					       "the node %s"),
					     n->plan->name);
		else if (sv->offline)
			st = hoist_error_set(err, HOIST_STATE,
					     _("post-upgrade validation: the server reports %s "
					       "offline"),
					     n->plan->name);
	}
	hoist_octopus_nodes_done(&sn);
	hoist_octopus_free(oc);
	return run_gate(r, "validate", n->plan->name, st, err);
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

enum hoist_status run_health_check(struct run *r, struct run_result *res, struct hoist_error *err)
{
	struct hoist_octopus *oc = run_client(r, NULL);
	struct hoist_octopus_tentacles tt;
	const char **ids = NULL;
	char *id = NULL, *state = NULL;
	bool completed = false, success = false;
	struct timespec t0;
	enum hoist_status st;

	memset(&tt, 0, sizeof tt);
	/* The targets: every machine of the space; none known, the server's own choice. */
	if (hoist_octopus_tentacles(oc, "Spaces-1", &tt, NULL) == HOIST_OK && tt.n) {
		ids = hoist_xcalloc(tt.n, sizeof *ids);
		for (size_t i = 0; i < tt.n; i++)
			ids[i] = tt.v[i].id;
	}
	st = hoist_octopus_task_create(oc, "Health",
				       _("hoist: health check after the upgrade (Calamari is "
					 "updated on it)"),
				       ids, ids ? tt.n : 0, &id, err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (st == HOIST_OK) {
		free(state);
		state = NULL;
		st = hoist_octopus_task_state(oc, id, &state, &completed, &success, err);
		if (st != HOIST_OK || completed)
			break;
		if (elapsed_ms(&t0) > HEALTH_TIMEOUT_S * 1000L) {
			st = hoist_error_set(err, HOIST_TIMEOUT,
					     _("the health check %s did not end within %d seconds"),
					     id, HEALTH_TIMEOUT_S);
			break;
		}
		if (!run_sleep(r, HEALTH_POLL_MS))
			st = hoist_error_set(err, HOIST_CANCELLED,
					     _("cancelled while the health check ran"));
	}
	if (st == HOIST_OK && !success)
		st = hoist_error_set(err, HOIST_STATE,
				     _("post-upgrade validation: the health check %s ended %s; see "
				       "the task's log on the server"),
				     id, state ? state : "?");
	if (st == HOIST_OK)
		run_say_n(res, "the health check %s over %zu target ended well",
			  "the health check %s over %zu targets ended well", ids ? tt.n : 0, id,
			  ids ? tt.n : (size_t)0);
	if (st != HOIST_OK && st != HOIST_CANCELLED && r->ignore_validation)
		run_say(res, "%s", hoist_error_message(err));
	free(ids);
	free(id);
	free(state);
	hoist_octopus_tentacles_done(&tt);
	hoist_octopus_free(oc);
	return run_gate(r, "health-check", NULL, st, err);
}

enum hoist_status run_op_health_check(struct run *r, struct run_node *n,
				      const struct hoist_plan_step *s, struct run_result *res,
				      struct hoist_error *err)
{
	(void)n;
	(void)s;
	return run_health_check(r, res, err);
}
