/* run_prep.c: the steps before the window: preflight (check everything) and stage. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "i18n.h"
#include "packages.h"
#include "run_files.h"
#include "run_int.h"
#include "stage.h"
#include "xalloc.h"

/* A manual confirmation (a file the operator saved) may be at most this old. */
/* How long a node's transport may take to answer in preflight. */
#define PROBE_TIMEOUT_MS 20000
/* Progress events of a download at most this often. */
#define PROGRESS_EVERY_MS 100

static const struct {
	const char *step, *action;
} step_actions[] = {
	{ "stop", "stop" }, { "start", "start" }, { "install", "install" },
	{ "db-upgrade", "db-upgrade" }, { "backup-db", "db-backup" }, { "os-patch", "os-patch" },
};

static enum hoist_status check_profile(struct run *r, struct hoist_error *err)
{
	for (size_t i = 0; i < r->plan->n_steps; i++)
		for (size_t k = 0; k < sizeof step_actions / sizeof *step_actions; k++)
			if (!strcmp(r->plan->steps[i].id, step_actions[k].step) &&
			    !hoist_profile_has(r->profile, step_actions[k].action))
				return hoist_error_set(err, HOIST_CONFIG,
						       _("the profile %s has no \"%s\" action, which "
							 "the step %s needs; set it in [profile]"),
						       hoist_profile_name(r->profile),
						       step_actions[k].action, step_actions[k].step);
	return HOIST_OK;
}

/* Files the operator confirmed: they exist, are not empty and are recent. */
static enum hoist_status check_confirmations(struct run *r, struct hoist_error *err)
{
	time_t now = time(NULL);
	for (size_t i = 0; i < r->plan->n_evidence; i++) {
		const struct hoist_evidence *e = &r->plan->evidence[i];
		struct stat sb;
		if (e->by_engine || !e->path)
			continue;
		if (stat(e->path, &sb) != 0)
			return hoist_error_set(err, HOIST_STATE,
					       _("the %s you confirmed, %s, does not exist: %s"),
					       e->item, e->path, strerror(errno));
		if (sb.st_size == 0)
			return hoist_error_set(err, HOIST_STATE,
					       _("the %s you confirmed, %s, is empty"), e->item,
					       e->path);
		if (now - sb.st_mtime > r->cfg->checklist_max_age_s)
			return hoist_error_set(err, HOIST_STATE,
					       _("the %s you confirmed, %s, is older than %ld hours "
						 "(checklist_max_age); take a fresh one"),
					       e->item, e->path, r->cfg->checklist_max_age_s / 3600);
	}
	return HOIST_OK;
}

static enum hoist_status check_space(struct run *r, long long *free_bytes,
				     struct hoist_error *err)
{
	char *probe = hoist_xasprintf("%s/.write-test", r->cache_dir);
	long long need = 0;
	int fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		hoist_error_set(err, HOIST_PERMISSION, _("cannot write in the state folder %s: %s"),
				r->cache_dir, strerror(errno));
		free(probe);
		return HOIST_PERMISSION;
	}
	close(fd);
	unlink(probe);
	free(probe);
	for (size_t i = 0; i < r->plan->n_packages; i++) {
		char *path = run_package_path(r, &r->plan->packages[i].version);
		struct stat sb;
		if (path && stat(path, &sb) != 0 && r->plan->packages[i].size > 0)
			need += r->plan->packages[i].size;
		free(path);
	}
	*free_bytes = hoist_stage_free_bytes(r->cache_dir);
	if (*free_bytes >= 0 && *free_bytes < need + (16 << 20))
		return hoist_error_set(err, HOIST_STATE,
				       _("%s has %lld MB free; the packages need %lld MB and 16 MB "
					 "to spare"),
				       r->cache_dir, *free_bytes >> 20, need >> 20);
	return HOIST_OK;
}

static enum hoist_status check_nodes(struct run *r, struct hoist_octopus *oc,
				     struct hoist_error *err)
{
	struct hoist_octopus_nodes sn = { NULL, 0 };
	enum hoist_status st = hoist_octopus_nodes(oc, &sn, err);
	for (size_t i = 0; st == HOIST_OK && i < r->n_nodes; i++) {
		struct run_node *n = &r->nodes[i];
		const struct hoist_octopus_node *on = hoist_octopus_nodes_find(&sn, n->plan->name);
		enum hoist_ping p = HOIST_PING_DOWN;
		if (on && on->link && !n->link)
			n->link = hoist_xstrdup(on->link); /* drain and undrain ask this node alone */
		if (!on) {
			st = hoist_error_set(err, HOIST_STATE,
					     _("the server does not list the node %s of the plan; "
					       "make a new plan"),
					     n->plan->name);
			break;
		}
		st = hoist_transport_probe(n->t, PROBE_TIMEOUT_MS, err);
		if (st != HOIST_OK)
			break;
		if (n->plan->url && (hoist_octopus_ping(oc, n->plan->url, &p, NULL) != HOIST_OK ||
				     p == HOIST_PING_DOWN))
			st = hoist_error_set(err, HOIST_STATE,
					     _("the node %s does not answer at %s; start it, or fix "
					       "its url in the configuration"),
					     n->plan->name, n->plan->url);
	}
	hoist_octopus_nodes_done(&sn);
	return st;
}

enum hoist_status run_preflight(struct run *r, struct run_result *res, struct hoist_error *err)
{
	struct hoist_octopus *oc = run_client(r, NULL);
	struct hoist_version v;
	long long free_bytes = -1;
	enum hoist_status st = hoist_octopus_version(oc, &v, err);
	/* A cluster with one node upgraded alone (--node) answers with either version. */
	for (size_t i = 0; st == HOIST_OK && i < r->plan->n_nodes; i++)
		if (!hoist_version_cmp(&v, &r->plan->nodes[i].version))
			v = r->plan->from;
	if (st == HOIST_OK && hoist_version_cmp(&v, &r->plan->from))
		st = hoist_error_set(err, HOIST_STATE,
				     _("the server runs %s, but the plan starts from %s; make a "
				       "new plan"),
				     v.text, r->plan->from.text);
	if (st == HOIST_OK)
		st = hoist_octopus_check_key(oc, err);
	if (st == HOIST_OK)
		st = check_profile(r, err);
	if (st == HOIST_OK)
		st = check_nodes(r, oc, err);
	if (st == HOIST_OK)
		st = check_space(r, &free_bytes, err);
	if (st == HOIST_OK)
		st = check_confirmations(r, err);
	if (st == HOIST_OK)
		st = run_validate_pre(r, err);
	if (st == HOIST_OK)
		run_say_n(res, "server %s, key accepted, %zu node reachable, %lld MB free",
			  "server %s, key accepted, %zu nodes reachable, %lld MB free", r->n_nodes,
			  v.text, r->n_nodes, free_bytes >> 20);
	hoist_octopus_free(oc);
	return st;
}

struct stage_progress {
	struct run *r;
	const char *version;
	pthread_mutex_t mu; /* guards last and done: the packages come in on several threads */
	struct timespec last;
	bool done;
};

static void on_progress(void *ctx, size_t index, long long now, long long total)
{
	struct stage_progress *sp = (struct stage_progress *)ctx + index;
	struct timespec t;
	bool report;
	if (now <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	pthread_mutex_lock(&sp->mu);
	report = !sp->done &&
		 ((t.tv_sec - sp->last.tv_sec) * 1000 + (t.tv_nsec - sp->last.tv_nsec) / 1000000 >=
			  PROGRESS_EVERY_MS ||
		  (total > 0 && now >= total));
	if (report) {
		sp->done = total > 0 && now >= total;
		sp->last = t;
	}
	pthread_mutex_unlock(&sp->mu);
	if (report)
		run_progress(sp->r, "stage", NULL, now, total > 0 ? total : -1, -1, "%s",
			     sp->version);
}

/* The progress contexts are an array; the run is in the first. */
static bool stage_cancelled(void *ctx)
{
	return run_cancelled(((struct stage_progress *)ctx)->r);
}

enum hoist_status run_stage(struct run *r, struct run_result *res, struct hoist_error *err)
{
	size_t n = r->plan->n_packages, fetched = 0, cached = 0, m = 0, *pk;
	struct hoist_stage_item *items;
	struct hoist_stage_result *sr;
	struct stage_progress *sp;
	char **dest;
	enum hoist_status st;
	if (run_cancelled(r))
		return hoist_error_set(err, HOIST_CANCELLED, _("cancelled while downloading"));
	items = hoist_xcalloc(n ? n : 1, sizeof *items);
	sr = hoist_xcalloc(n ? n : 1, sizeof *sr);
	sp = hoist_xcalloc(n ? n : 1, sizeof *sp);
	dest = hoist_xcalloc(n ? n : 1, sizeof *dest);
	pk = hoist_xcalloc(n ? n : 1, sizeof *pk);
	sp[0].r = r;
	for (size_t i = 0; i < n; i++) {
		const struct hoist_plan_package *p = &r->plan->packages[i];
		if (hoist_package_is_image(p)) /* pulled by the nodes: run_stage_files */
			continue;
		pk[m] = i;
		dest[m] = run_package_path(r, &p->version);
		items[m] = (struct hoist_stage_item){ p->url, p->sha256, p->size, dest[m] };
		sp[m].r = r;
		sp[m].version = p->version.text;
		pthread_mutex_init(&sp[m].mu, NULL);
		m++;
	}
	/* The packages in parallel (bounded), each verified before it is kept. */
	st = m ? hoist_stage_fetch_all(&r->http, items, m, 0, on_progress, stage_cancelled, sp,
				       sr, err)
	       : HOIST_OK;
	for (size_t i = 0; i < m; i++) {
		const struct hoist_plan_package *p = &r->plan->packages[pk[i]];
		if (st == HOIST_OK) {
			run_log(r, "stage", NULL,
				sr[i].cached ? N_("%s: already cached, SHA-256 %s verified")
					     : sr[i].resumed ? N_("%s: download resumed, SHA-256 %s verified")
							     : N_("%s: downloaded, SHA-256 %s verified"),
				p->version.text, sr[i].sha256);
			if (sr[i].cached)
				cached++;
			else
				fetched++;
		}
		pthread_mutex_destroy(&sp[i].mu);
		free(dest[i]);
	}
	free(pk);
	free(items);
	free(sr);
	free(sp);
	free(dest);
	if (st == HOIST_OK)
		st = run_stage_files(r, err);
	if (st == HOIST_OK)
		run_say(res, N_("%zu packages verified (%zu downloaded, %zu "
				"cached) in %s"),
			fetched + cached, fetched, cached, r->cache_dir);
	return st;
}
