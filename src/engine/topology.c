/* topology.c: the server's state as the Connect screen and `hoist status` show it. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "octopus.h"
#include "report.h"
#include "topology.h"
#include "xalloc.h"

void hoist_topology_init(struct hoist_topology *t)
{
	memset(t, 0, sizeof *t);
}

void hoist_topology_done(struct hoist_topology *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_nodes; i++) {
		struct hoist_topology_node *n = &t->nodes[i];
		free(n->name);
		free(n->role);
		free(n->url);
		free(n->version_problem);
	}
	free(t->nodes);
	free(t->server_url);
	hoist_topology_init(t);
}

static struct hoist_topology_node *add_node(struct hoist_topology *t, size_t *alloc,
					    const char *name)
{
	struct hoist_topology_node *n;
	t->nodes = hoist_xgrow(t->nodes, alloc, t->n_nodes + 1, sizeof *t->nodes);
	n = &t->nodes[t->n_nodes++];
	memset(n, 0, sizeof *n);
	n->name = hoist_xstrdup(name);
	return n;
}

static struct hoist_topology_node *find_node(struct hoist_topology *t, const char *name)
{
	for (size_t i = 0; i < t->n_nodes; i++)
		if (!strcmp(t->nodes[i].name, name))
			return &t->nodes[i];
	return NULL;
}

/* A node's own version: GET {url}/api, asked of that node alone, with a short timeout. */
static void node_version(const struct hoist_config *cfg, struct hoist_topology_node *n)
{
	struct hoist_http_options o;
	struct hoist_octopus *c;
	struct hoist_error e;
	hoist_report_http_options(cfg, &o);
	o.connect_timeout_ms = 3000;
	o.total_timeout_ms = 10000;
	o.retries = 0;
	hoist_error_init(&e);
	c = hoist_octopus_new(n->url, cfg->api_key, &o);
	if (hoist_octopus_version(c, &n->version, &e) == HOIST_OK)
		n->has_version = true;
	else
		n->version_problem = hoist_xstrdup(hoist_error_message(&e));
	hoist_octopus_free(c);
	hoist_error_done(&e);
}

enum hoist_status hoist_topology_read(const struct hoist_config *cfg, struct hoist_topology *out,
				      struct hoist_error *err)
{
	struct hoist_http_options o;
	struct hoist_octopus *c;
	struct hoist_octopus_nodes nodes = { 0 };
	enum hoist_status st;
	size_t alloc = 0;

	hoist_topology_init(out);
	if (!cfg->server_url || !*cfg->server_url)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("no server address is configured; set url in the [server] "
					 "section or HOIST_SERVER_URL"));
	if (!cfg->api_key || !*cfg->api_key)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("no API key is configured; set api_key_file in the [server] "
					 "section, or HOIST_API_KEY_FILE or HOIST_API_KEY"));
	hoist_report_http_options(cfg, &o);
	c = hoist_octopus_new(cfg->server_url, cfg->api_key, &o);
	out->server_url = hoist_xstrdup(hoist_octopus_url(c));
	st = hoist_octopus_version(c, &out->version, err);
	/* A 2.x server has none of what follows; its way to 3.x is seed 002's. */
	if (st == HOIST_OK && out->version.major < 3)
		st = hoist_error_set(err, HOIST_STATE,
				     _("the server runs Octopus %s: the way from 2.x to 3.x is the "
				       "legacy upgrade with its data migration, hoist legacy --to "
				       "3.x.y --maxage DAYS"), out->version.text);
	if (st == HOIST_OK)
		st = hoist_octopus_check_key(c, err);
	if (st == HOIST_OK)
		st = hoist_octopus_maintenance_get(c, &out->maintenance, err);
	if (st == HOIST_OK)
		st = hoist_octopus_active_tasks(c, NULL, &out->active_tasks, err);
	if (st == HOIST_OK)
		st = hoist_octopus_nodes(c, &nodes, err);
	hoist_octopus_free(c);
	if (st != HOIST_OK) {
		hoist_topology_done(out);
		return st;
	}
	for (size_t i = 0; i < nodes.n; i++) {
		struct hoist_topology_node *n = add_node(out, &alloc, nodes.v[i].name);
		n->on_server = true;
		n->drained = nodes.v[i].drained;
		n->offline = nodes.v[i].offline;
		n->running_tasks = nodes.v[i].running_tasks;
	}
	hoist_octopus_nodes_done(&nodes);
	for (size_t i = 0; i < cfg->n_nodes; i++) {
		const struct hoist_node_config *nc = &cfg->nodes[i];
		struct hoist_topology_node *n = find_node(out, nc->name);
		if (!n)
			n = add_node(out, &alloc, nc->name);
		n->in_config = true;
		if (nc->role)
			n->role = hoist_xstrdup(nc->role);
		if (nc->url)
			n->url = hoist_xstrdup(nc->url);
	}
	for (size_t i = 0; i < out->n_nodes; i++) {
		struct hoist_topology_node *n = &out->nodes[i];
		if (n->url)
			node_version(cfg, n);
		else if (!n->on_server || out->n_nodes > 1)
			n->version_problem = hoist_xstrdup(
				_("the configuration gives no address for this node"));
		else {
			/* A single node is the server itself: its version is the server's. */
			n->version = out->version;
			n->has_version = true;
		}
	}
	return HOIST_OK;
}

bool hoist_topology_uniform(const struct hoist_topology *t)
{
	for (size_t i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].has_version &&
		    hoist_version_cmp(&t->nodes[i].version, &t->version) != 0)
			return false;
	return true;
}
