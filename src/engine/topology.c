/* topology.c: the server's state as the Connect screen and `hoist status` show it. */
#include "config.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "http_config.h"
#include "i18n.h"
#include "octopus.h"
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

/*
 * A look at the server is a read the operator repeats at will (the wizard's r): it does
 * not retry with back-off, and gives up on a connection after a short while, so that a
 * server that is not there is said at once.
 */
#define LOOK_CONNECT_TIMEOUT_MS 3000
/* Milliseconds each call of the first look may take, retries included: an operator waits. */
#define LOOK_DEADLINE_MS 10000
/* Nodes asked for their version at once, and how many nodes make another asker worth it. */
#define NODES_AT_ONCE 8
#define NODES_PER_ASKER 4

/* A node's own version: GET {url}/api, asked of that node alone, with a short timeout. */
static void node_version(const struct hoist_config *cfg, struct hoist_topology_node *n)
{
	struct hoist_http_options o;
	struct hoist_octopus *c;
	struct hoist_error e;
	hoist_http_options_from_config(cfg, &o);
	o.connect_timeout_ms = LOOK_CONNECT_TIMEOUT_MS;
	o.total_timeout_ms = LOOK_DEADLINE_MS;
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

struct versions_job {
	const struct hoist_config *cfg;
	struct hoist_topology *t;
	pthread_mutex_t mu;
	size_t next; /* the next node to ask, under mu */
};

static void *versions_worker(void *arg)
{
	struct versions_job *j = arg;
	for (;;) {
		size_t i;
		pthread_mutex_lock(&j->mu);
		while (j->next < j->t->n_nodes && !j->t->nodes[j->next].url)
			j->next++;
		i = j->next++;
		pthread_mutex_unlock(&j->mu);
		if (i >= j->t->n_nodes)
			return NULL;
		node_version(j->cfg, &j->t->nodes[i]);
	}
}

/* Every node with an address asked for its version, up to NODES_AT_ONCE at a time. */
static void node_versions(const struct hoist_config *cfg, struct hoist_topology *t)
{
	struct versions_job j = { cfg, t, PTHREAD_MUTEX_INITIALIZER, 0 };
	pthread_t th[NODES_AT_ONCE];
	bool started[NODES_AT_ONCE] = { false };
	size_t n = 0;
	for (size_t i = 0; i < t->n_nodes; i++)
		n += t->nodes[i].url != NULL;
	/* A thread per four nodes: a few nodes are asked faster one after another than a
	 * thread can be started and scheduled on a busy machine. */
	n /= NODES_PER_ASKER;
	if (n > NODES_AT_ONCE)
		n = NODES_AT_ONCE;
	/* This thread is one of the askers (the only one for fewer than eight nodes). */
	for (size_t w = 1; w < n; w++)
		started[w] = pthread_create(&th[w], NULL, versions_worker, &j) == 0;
	versions_worker(&j);
	for (size_t w = 1; w < n; w++)
		if (started[w])
			pthread_join(th[w], NULL);
	pthread_mutex_destroy(&j.mu);
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
	hoist_http_options_from_config(cfg, &o);
	o.retries = 0;
	o.connect_timeout_ms = LOOK_CONNECT_TIMEOUT_MS;
	c = hoist_octopus_new(cfg->server_url, cfg->api_key, &o);
	/* The wizard's first look: an operator waits on it. */
	hoist_octopus_set_deadline(c, LOOK_DEADLINE_MS);
	out->server_url = hoist_xstrdup(hoist_octopus_url(c));
	st = hoist_octopus_probe(c, &out->version, err);
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
			continue; /* asked below, all at once */
		else if (!n->on_server || out->n_nodes > 1)
			n->version_problem = hoist_xstrdup(
				_("the configuration gives no address for this node"));
		else {
			/* A single node is the server itself: its version is the server's. */
			n->version = out->version;
			n->has_version = true;
		}
	}
	node_versions(cfg, out);
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
