/* prepare.c: a plan from the server's real state, the feed and the configuration. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "estimate.h"
#include "feed.h"
#include "feed_load.h"
#include "guard.h"
#include "http_config.h"
#include "i18n.h"
#include "journal.h"
#include "notes.h"
#include "octopus.h"
#include "packages.h"
#include "prepare.h"
#include "profile.h"
#include "run.h"
#include "rundir.h"
#include "stage.h"
#include "transport.h"
#include "xalloc.h"

const char *hoist_profile_platform(const char *profile)
{
	if (profile && !strcmp(profile, "octopus-windows"))
		return "windows-x64";
	if (profile && !strcmp(profile, "octopus-linux-docker"))
		return "linux-docker";
	if (profile && !strcmp(profile, "sandbox"))
		return "sandbox";
	return NULL;
}

/* The package of version v: the feed's, else the profile's rule (packages.c). */
static enum hoist_status add_package(const struct hoist_config *cfg,
				     const struct hoist_feed *feed, const char *platform,
				     const struct hoist_version *v, bool required,
				     struct hoist_plan_package *pkgs, size_t *n,
				     struct hoist_error *err)
{
	bool found = false;
	enum hoist_status st = hoist_package_resolve(cfg, feed, v, &pkgs[*n], &found, err);
	if (st != HOIST_OK)
		return st;
	if (!found) {
		if (!required || !platform)
			return HOIST_OK;
		return hoist_error_set(err, HOIST_FEED,
				       _("the feed %s has no %s package of %s; choose another "
					 "version or another feed"),
				       feed->source, platform, v->text);
	}
	(*n)++;
	return HOIST_OK;
}

/* The configured nodes, each checked against the server's list; or the server's only node. */
static enum hoist_status gather_nodes(const struct hoist_config *cfg, struct hoist_octopus *oc,
				      const struct hoist_version *current,
				      struct hoist_octopus_nodes *sn_out,
				      struct hoist_plan_node **out, size_t *n,
				      struct hoist_error *err)
{
	struct hoist_octopus_nodes sn = { NULL, 0 };
	enum hoist_status st = hoist_octopus_nodes(oc, &sn, err);
	struct hoist_plan_node *v;
	if (st != HOIST_OK)
		return st;
	if (!cfg->n_nodes && sn.n != 1) {
		hoist_octopus_nodes_done(&sn);
		return hoist_error_set(err, HOIST_CONFIG,
				       _("the server has %zu nodes but the configuration names "
					 "none; add a [node \"NAME\"] section for each, with its "
					 "role, transport and url (see hoist.conf(5))"),
				       sn.n);
	}
	v = hoist_xcalloc(cfg->n_nodes ? cfg->n_nodes : 1, sizeof *v);
	if (!cfg->n_nodes) {
		/* One server, nothing configured: it runs here and answers at the server's address. */
		v[0].name = sn.v[0].name;
		v[0].transport = "local";
		v[0].url = cfg->server_url;
		v[0].role = "primary";
		v[0].version = *current;
		*n = 1;
	}
	for (size_t i = 0; i < cfg->n_nodes; i++) {
		const struct hoist_node_config *c = &cfg->nodes[i];
		if (!hoist_octopus_nodes_find(&sn, c->name)) {
			hoist_error_set(err, HOIST_CONFIG,
					_("the node %s of the configuration (%s) is not in the "
					  "server's node list; check its name"),
					c->name, cfg->loaded_from ? cfg->loaded_from : "");
			free(v);
			hoist_octopus_nodes_done(&sn);
			return HOIST_CONFIG;
		}
		v[i].name = c->name;
		v[i].role = c->role;
		v[i].transport = c->transport ? c->transport : "local";
		v[i].url = c->url;
		v[i].version = *current;
		*n = i + 1;
		if (hoist_plan_node_files(cfg, &v[i], err) != HOIST_OK) {
			free(v);
			hoist_octopus_nodes_done(&sn);
			return HOIST_NETWORK;
		}
	}
	/* The names are borrowed from sn or cfg: the plan copies them before sn goes. */
	*out = v;
	*sn_out = sn;
	return HOIST_OK;
}

/* --force and --node, in the plan's overrides: a reader of the plan sees both. */
static void record_controls(struct hoist_plan *p, const struct hoist_prepare_options *o)
{
	char *add[2];
	size_t n = 0;
	if (o && o->force && !hoist_version_cmp(&p->from, &p->to))
		add[n++] = hoist_xasprintf(_("force: the upgrade of %s, which is installed, runs "
					     "again (a repair)"),
					   p->to.text);
	if (o && o->node)
		add[n++] = hoist_xasprintf(_("node: %s alone; the other nodes are not touched"),
					   o->node);
	if (!n)
		return;
	p->overrides = hoist_xrealloc(p->overrides, (p->n_overrides + n) * sizeof *p->overrides);
	for (size_t i = 0; i < n; i++)
		p->overrides[p->n_overrides++] = add[i];
}

/*
 * Each node's own version where it answers at its url: after one node was upgraded alone
 * (--node), the balancer's answer depends on the node it picks. The oldest is current.
 */
static void node_versions(const struct hoist_config *cfg, const struct hoist_http_options *ho,
			  struct hoist_version *current, struct hoist_plan_node *nodes, size_t n)
{
	struct hoist_http_options quick = *ho;
	bool any = false;
	/* A node that does not answer is told by preflight; planning does not wait for it. */
	quick.retries = 0;
	quick.connect_timeout_ms = 2000;
	for (size_t i = 0; i < n; i++) {
		struct hoist_octopus *nc;
		struct hoist_version v;
		if (!nodes[i].url || (n == 1 && !cfg->n_nodes))
			continue;
		nc = hoist_octopus_new(nodes[i].url, cfg->api_key, &quick);
		if (hoist_octopus_version(nc, &v, NULL) == HOIST_OK) {
			nodes[i].version = v;
			if (!any || hoist_version_cmp(&v, current) < 0)
				*current = v;
			any = true;
		}
		hoist_octopus_free(nc);
	}
}

/* Connects (the caller frees *oc), reads the version, checks the key, reads the nodes. */
static enum hoist_status read_server(const struct hoist_config *cfg, struct hoist_octopus **oc,
				     struct hoist_version *current,
				     struct hoist_octopus_nodes *sn,
				     struct hoist_plan_node **nodes, size_t *n_nodes,
				     struct hoist_error *err)
{
	struct hoist_http_options ho;
	enum hoist_status st;
	hoist_http_options_from_config(cfg, &ho);
	*oc = hoist_octopus_new(cfg->server_url, cfg->api_key, &ho);
	st = hoist_octopus_probe(*oc, current, err);
	/* A 2.x server has its own way to 3.x (seed 002), and none of the API used here. */
	if (st == HOIST_OK && current->major < 3)
		st = hoist_error_set(err, HOIST_STATE,
				     _("the server runs Octopus %s: the way from 2.x to 3.x is the "
				       "legacy upgrade with its data migration, hoist legacy --to "
				       "3.x.y --maxage DAYS"), current->text);
	if (st == HOIST_OK)
		st = hoist_octopus_check_key(*oc, err);
	if (st == HOIST_OK)
		st = gather_nodes(cfg, *oc, current, sn, nodes, n_nodes, err);
	if (st == HOIST_OK)
		node_versions(cfg, &ho, current, *nodes, *n_nodes);
	return st;
}

enum hoist_status hoist_plan_prepare(const struct hoist_config *cfg, const char *target,
				     const struct hoist_prepare_options *o,
				     struct hoist_plan **out, struct hoist_error *err)
{
	struct hoist_octopus *oc;
	struct hoist_version current, to;
	struct hoist_feed *feed = NULL;
	struct hoist_chain chain;
	struct hoist_octopus_nodes sn = { NULL, 0 };
	struct hoist_plan_node *nodes = NULL;
	struct hoist_plan_package *pkgs = NULL;
	size_t n_nodes = 0, n_pkgs = 0;
	struct hoist_plan_input in;
	const char *platform = hoist_profile_platform(cfg->profile);
	const char **overrides = NULL;
	size_t n_overrides = 0;
	char *held = NULL, *own = NULL;
	enum hoist_status st;

	*out = NULL;
	memset(&chain, 0, sizeof chain);
	if (!target || hoist_version_parse(target, &to, err) != HOIST_OK)
		return target ? HOIST_USAGE : hoist_error_set(err, HOIST_USAGE,
							      _("say which version to upgrade to"));
	if (!cfg->server_url)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("no server is configured: set [server] url or "
					 "HOIST_SERVER_URL"));
	st = read_server(cfg, &oc, &current, &sn, &nodes, &n_nodes, err);
	if (st == HOIST_OK)
		st = hoist_feed_load_configured(cfg, &feed, err);
	if (st == HOIST_OK && hoist_version_cmp(&current, &to) >= 0 &&
	    !(o && o->force && !hoist_version_cmp(&current, &to)))
		st = hoist_error_set(err, HOIST_STATE,
				     o && o->force && hoist_version_cmp(&current, &to) > 0
					     ? _("the server already runs %s; %s is older: --force "
						 "repairs the installed version only (to go back, use "
						 "hoist downgrade)")
					     : _("the server already runs %s; %s is not newer (--force "
						 "re-runs the upgrade of the installed version)"),
				     current.text, to.text);
	/* A repair (--force) of the installed version is no new target to hold back. */
	if (st == HOIST_OK && hoist_version_cmp(&current, &to))
		st = hoist_guard_held(&cfg->policy, feed, &current, &to, &held, err);
	if (st == HOIST_OK) {
		/* A held-back target needs an explicit override with a reason, in every face. */
		overrides = hoist_xcalloc((o ? o->n_overrides : 0) + 2, sizeof *overrides);
		for (size_t i = 0; o && i < o->n_overrides; i++)
			overrides[n_overrides++] = o->overrides[i];
		if (held && o && o->override_reason && *o->override_reason)
			overrides[n_overrides++] = own =
				hoist_guard_override_text(&to, held, o->override_reason);
		else if (held && !n_overrides)
			st = hoist_error_set(err, HOIST_POLICY,
					     _("%s is held back by the policy (%s); to upgrade to "
					       "it anyway, override the policy and give the reason"),
					     to.text, held);
	}
	if (st == HOIST_OK && hoist_version_cmp(&current, &to))
		st = hoist_chain_plan(feed, &current, &to, &chain, err);
	if (st == HOIST_OK) {
		pkgs = hoist_xcalloc(chain.n_stops + 2, sizeof *pkgs);
		for (size_t i = 0; st == HOIST_OK && i < chain.n_stops; i++)
			st = add_package(cfg, feed, platform, &chain.stops[i], true, pkgs, &n_pkgs, err);
		if (st == HOIST_OK)
			st = add_package(cfg, feed, platform, &to, true, pkgs, &n_pkgs, err);
		/* The current installer, for a downgrade: nice to have, not required. */
		if (st == HOIST_OK && hoist_version_cmp(&current, &to))
			st = add_package(cfg, feed, platform, &current, false, pkgs, &n_pkgs, err);
	}
	if (st == HOIST_OK) {
		memset(&in, 0, sizeof in);
		in.server_url = cfg->server_url;
		in.profile = hoist_profile_configured(cfg);
		in.feed = cfg->feed;
		in.from = current;
		in.to = to;
		in.stops = chain.stops;
		in.n_stops = chain.n_stops;
		in.nodes = nodes;
		in.n_nodes = n_nodes;
		in.role_order = o && o->role_order ? o->role_order : cfg->role_order;
		in.strategy = o ? o->strategy : HOIST_STRATEGY_AUTO;
		in.packages = pkgs;
		in.n_packages = n_pkgs;
		in.overrides = overrides;
		in.n_overrides = n_overrides;
		in.force = o && o->force;
		in.only_node = o ? o->node : NULL;
		st = hoist_plan_build(&in, out, err);
		if (st == HOIST_OK)
			record_controls(*out, o);
	}
	if (st == HOIST_OK) {
		/* Only comparable runs: same kind, strategy, node count and hop count. */
		char *state = hoist_config_state_dir(cfg);
		hoist_estimate_window(state, *out);
		free(state);
	}
	for (size_t i = 0; i < n_pkgs; i++)
		hoist_package_done(&pkgs[i]);
	free(pkgs);
	free(nodes);
	free(own);
	free(overrides);
	free(held);
	hoist_octopus_nodes_done(&sn);
	hoist_chain_done(&chain);
	hoist_feed_free(feed);
	hoist_octopus_free(oc);
	return st;
}

enum hoist_status hoist_plan_prepare_backup(const struct hoist_config *cfg,
					    struct hoist_plan **out, struct hoist_error *err)
{
	struct hoist_octopus *oc;
	struct hoist_version current;
	struct hoist_octopus_nodes sn = { NULL, 0 };
	struct hoist_plan_node *nodes = NULL;
	size_t n_nodes = 0;
	struct hoist_plan *p;
	const char *primary;
	enum hoist_status st;

	*out = NULL;
	if (!cfg->server_url)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("no server is configured: set [server] url or "
					 "HOIST_SERVER_URL"));
	st = read_server(cfg, &oc, &current, &sn, &nodes, &n_nodes, err);
	hoist_octopus_free(oc);
	if (st != HOIST_OK) {
		hoist_octopus_nodes_done(&sn);
		return st;
	}
	p = hoist_xcalloc(1, sizeof *p);
	p->server_url = hoist_xstrdup(cfg->server_url);
	p->profile = hoist_xstrdup(hoist_profile_configured(cfg));
	p->feed = cfg->feed ? hoist_xstrdup(cfg->feed) : NULL;
	p->from = p->to = current;
	p->kind = HOIST_KIND_NONE;
	p->strategy = HOIST_STRATEGY_ALL_AT_ONCE;
	p->window_estimate_ms = -1;
	p->nodes = hoist_xcalloc(n_nodes, sizeof *p->nodes);
	for (size_t i = 0; i < n_nodes; i++) {
		p->nodes[i].name = hoist_xstrdup(nodes[i].name);
		p->nodes[i].role = nodes[i].role ? hoist_xstrdup(nodes[i].role) : NULL;
		p->nodes[i].transport = hoist_xstrdup(nodes[i].transport);
		p->nodes[i].url = nodes[i].url ? hoist_xstrdup(nodes[i].url) : NULL;
		p->nodes[i].version = current;
		p->nodes[i].shell = nodes[i].shell ? hoist_xstrdup(nodes[i].shell) : NULL;
		p->nodes[i].remote_dir = nodes[i].remote_dir ? hoist_xstrdup(nodes[i].remote_dir) : NULL;
	}
	p->n_nodes = n_nodes;
	primary = hoist_plan_primary(p)->name;
	hoist_plan_add_step(p, "preflight", NULL, &current, NULL);
	hoist_plan_add_step(p, "backup-master-key", primary, &current, NULL);
	hoist_plan_add_step(p, "backup-db", primary, &current, NULL);
	free(nodes);
	hoist_octopus_nodes_done(&sn);
	*out = p;
	return HOIST_OK;
}
