/* target.c: a plan runs only against the server it was made for; --retarget is the recorded exception. */
#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "feed.h"
#include "feed_load.h"
#include "http.h"
#include "i18n.h"
#include "packages.h"
#include "prepare.h"
#include "topology.h"
#include "xalloc.h"

bool hoist_run_same_server(const char *a, const char *b)
{
	char *na, *nb;
	bool same;
	if (!a || !b)
		return false;
	na = hoist_url_normalise(a);
	nb = hoist_url_normalise(b);
	same = !strcmp(na, nb);
	free(na);
	free(nb);
	return same;
}

static const struct hoist_topology_node *topo_find(const struct hoist_topology *t,
						   const char *name)
{
	for (size_t i = 0; i < t->n_nodes; i++)
		if (!strcmp(t->nodes[i].name, name))
			return &t->nodes[i];
	return NULL;
}

/* The configured server is where the plan starts: its version, its node names, each node's version. */
static enum hoist_status check_origin(const struct hoist_config *cfg, const struct hoist_plan *p,
				      struct hoist_error *err)
{
	struct hoist_topology t;
	enum hoist_status st = hoist_topology_read(cfg, &t, err);
	size_t on_server = 0;
	if (st != HOIST_OK)
		return st;
	if (hoist_version_cmp(&t.version, &p->from) != 0) {
		st = hoist_error_set(err, HOIST_STATE,
				     _("cannot retarget the plan: %s runs %s, but the plan starts "
				       "from %s"), cfg->server_url, t.version.text, p->from.text);
		goto out;
	}
	for (size_t i = 0; i < t.n_nodes; i++)
		on_server += t.nodes[i].on_server;
	for (size_t i = 0; i < p->n_nodes; i++) {
		const struct hoist_plan_node *pn = &p->nodes[i];
		const struct hoist_topology_node *tn = topo_find(&t, pn->name);
		if (!tn || !tn->on_server) {
			st = hoist_error_set(err, HOIST_STATE,
					     _("cannot retarget the plan: its node %s is not in the "
					       "node list of %s"), pn->name, cfg->server_url);
			goto out;
		}
		if (tn->has_version && hoist_version_cmp(&tn->version, &pn->version) != 0) {
			st = hoist_error_set(err, HOIST_STATE,
					     _("cannot retarget the plan: the node %s runs %s, but the "
					       "plan starts it from %s"), pn->name, tn->version.text,
					     pn->version.text);
			goto out;
		}
	}
	if (on_server != p->n_nodes)
		st = hoist_error_set(err, HOIST_STATE,
				     _("cannot retarget the plan: %s has %zu nodes, the plan %zu"),
				     cfg->server_url, on_server, p->n_nodes);
out:
	hoist_topology_done(&t);
	return st;
}

enum hoist_status hoist_run_check_target(const struct hoist_config *cfg,
					 const struct hoist_plan *plan, bool retarget,
					 struct hoist_error *err)
{
	if (!cfg->server_url || !*cfg->server_url)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("no server is configured: set [server] url or "
					 "HOIST_SERVER_URL"));
	if (hoist_run_same_server(plan->server_url, cfg->server_url))
		return HOIST_OK;
	if (!retarget)
		return hoist_error_set(err, HOIST_USAGE,
				       _("the plan was made for the server %s, but the configured "
					 "server is %s; a plan runs only against the server it was "
					 "made for (to replay it against %s on purpose, add "
					 "--retarget)"),
				       plan->server_url ? plan->server_url : "?", cfg->server_url,
				       cfg->server_url);
	return check_origin(cfg, plan, err);
}

static void replace(char **field, const char *value)
{
	free(*field);
	*field = value ? hoist_xstrdup(value) : NULL;
}

/* Nodes are reached as the configuration says, never at the addresses in the plan. */
static enum hoist_status retarget_nodes(const struct hoist_config *cfg, struct hoist_plan *p,
					struct hoist_error *err)
{
	for (size_t i = 0; i < p->n_nodes; i++) {
		struct hoist_plan_node *n = &p->nodes[i];
		const struct hoist_node_config *c = NULL;
		for (size_t k = 0; k < cfg->n_nodes; k++)
			if (!strcmp(cfg->nodes[k].name, n->name))
				c = &cfg->nodes[k];
		if (c) {
			struct hoist_plan_node files = *n;
			enum hoist_status st;
			replace(&n->transport, c->transport ? c->transport : "local");
			replace(&n->url, c->url);
			/* The configured node's shell and folder too, not the plan's origin's. */
			files.transport = n->transport;
			files.shell = files.remote_dir = NULL;
			st = hoist_plan_node_files(cfg, &files, err);
			if (st != HOIST_OK)
				return st;
			replace(&n->shell, files.shell);
			replace(&n->remote_dir, files.remote_dir);
		} else if (!cfg->n_nodes && p->n_nodes == 1) {
			replace(&n->transport, "local");
			replace(&n->url, cfg->server_url);
		} else {
			return hoist_error_set(err, HOIST_CONFIG,
					       _("cannot retarget the plan: its node %s is not in "
						 "the configuration (%s); add a [node \"%s\"] section"),
					       n->name, cfg->loaded_from ? cfg->loaded_from : "",
					       n->name);
		}
	}
	return HOIST_OK;
}

/* The packages of the plan's versions from the configured feed: the plan's may be out of reach. */
static enum hoist_status retarget_packages(const struct hoist_config *cfg, struct hoist_plan *p,
					   struct hoist_error *err)
{
	const char *platform = hoist_profile_platform(p->profile);
	struct hoist_feed *feed = NULL;
	enum hoist_status st;
	if (!cfg->feed || !platform || !p->n_packages)
		return HOIST_OK;
	st = hoist_feed_load_configured(cfg, &feed, err);
	for (size_t i = 0; st == HOIST_OK && i < p->n_packages; i++) {
		struct hoist_plan_package *pk = &p->packages[i], np;
		bool found = false;
		/* The feed's package, else the configured profile's address (packages.c). */
		st = hoist_package_resolve(cfg, feed, &pk->version, &np, &found, err);
		if (st != HOIST_OK)
			break;
		if (!found) {
			st = hoist_error_set(err, HOIST_FEED,
					     _("cannot retarget the plan: the configured feed %s has "
					       "no %s package of %s"), cfg->feed, platform,
					     pk->version.text);
			break;
		}
		np.version = pk->version;
		hoist_package_done(pk);
		*pk = np;
	}
	hoist_feed_free(feed);
	if (st == HOIST_OK)
		replace(&p->feed, cfg->feed);
	return st;
}

enum hoist_status hoist_plan_retarget(const struct hoist_config *cfg, struct hoist_plan *plan,
				      bool retarget, char **record, struct hoist_error *err)
{
	enum hoist_status st;
	char *old, *note;
	*record = NULL;
	st = hoist_run_check_target(cfg, plan, retarget, err);
	if (st != HOIST_OK)
		return st;
	if (hoist_run_same_server(plan->server_url, cfg->server_url)) {
		/* The key goes to the nodes' configured addresses, should the plan's be older. */
		for (size_t i = 0; i < plan->n_nodes; i++)
			for (size_t k = 0; k < cfg->n_nodes; k++)
				if (!strcmp(cfg->nodes[k].name, plan->nodes[i].name) &&
				    cfg->nodes[k].url)
					replace(&plan->nodes[i].url, cfg->nodes[k].url);
		return HOIST_OK;
	}
	old = plan->server_url ? hoist_xstrdup(plan->server_url) : hoist_xstrdup("?");
	/* The configured server's nodes are driven as configured (a customer's Windows plan
	 * replayed against a sandbox runs the sandbox's actions). */
	if (cfg->profile && (!plan->profile || strcmp(cfg->profile, plan->profile)))
		replace(&plan->profile, cfg->profile);
	st = retarget_nodes(cfg, plan, err);
	if (st == HOIST_OK)
		st = retarget_packages(cfg, plan, err);
	if (st == HOIST_OK) {
		replace(&plan->server_url, cfg->server_url);
		*record = hoist_xasprintf(_("retargeted (--retarget): the plan made for %s runs "
					    "against %s, whose version and nodes match the plan's "
					    "origin %s; profile %s"), old, cfg->server_url,
					  plan->from.text, plan->profile ? plan->profile : "-");
		/* The run's plan.json keeps it too, with what else the operator chose. */
		note = hoist_xasprintf("retarget: %s -> %s", old, cfg->server_url);
		plan->overrides = hoist_xrealloc(plan->overrides,
						 (plan->n_overrides + 1) * sizeof *plan->overrides);
		plan->overrides[plan->n_overrides++] = note;
	}
	free(old);
	return st;
}
