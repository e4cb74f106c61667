/* nodes.c: state changes shared by ctl and the API, each one written to the timeline. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "sandbox.h"
#include "xalloc.h"

int sb_running_count(struct sb *sb)
{
	sqlite3_stmt *s;
	int n = 0;
	sqlite3_prepare_v2(sb->st, "SELECT count(*) FROM nodes WHERE running", -1, &s, NULL);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* The load balancer is available while serve runs and at least one node runs. */
void sb_node_set_running(struct sb *sb, struct sb_node *n, bool running)
{
	int before = sb_running_count(sb), after;
	if (n->running == running)
		return;
	n->running = running;
	n->changed_ms = sb_now_ms();
	sb_node_save(sb, n);
	if (!running)
		sb_tasks_fail_node(sb, n->name);
	sb_timeline(sb, running ? "node-up" : "node-down", n->name, "version", n->version, NULL);
	after = sb_running_count(sb);
	if (sb_serve_alive(sb) && (before == 0) != (after == 0))
		sb_timeline(sb, after ? "lb-available" : "lb-unavailable", NULL, NULL);
}

void sb_node_set_drained(struct sb *sb, struct sb_node *n, bool drained)
{
	if (n->drained == drained)
		return;
	n->drained = drained;
	sb_node_save(sb, n);
	sb_timeline(sb, drained ? "drain-on" : "drain-off", n->name, NULL);
}

void sb_set_maintenance(struct sb *sb, bool on)
{
	if (sb_get_int(sb, "maintenance", 0) == on)
		return;
	sb_set_int(sb, "maintenance", on);
	sb_set_int(sb, "maintenance_ms", sb_now_ms());
	sb_timeline(sb, on ? "maintenance-on" : "maintenance-off", NULL, NULL);
}

char *sb_base_url(struct sb *sb)
{
	char *listen = sb_get(sb, "listen");
	const char *host = listen && strcmp(listen, "0.0.0.0") ? listen : "127.0.0.1";
	char *url = hoist_xasprintf("http://%s:%lld", host, sb_get_int(sb, "lb_port", 0));
	free(listen);
	return url;
}

/* hoist.conf in the format of src/engine/conf.h: `hoist --config DIR/hoist.conf` just works. */
enum hoist_status sb_write_conf(struct sb *sb, const char *self, struct hoist_error *err)
{
	char *path = sb_path(sb, "hoist.conf"), *tmp = sb_path(sb, "hoist.conf.tmp");
	char *base = sb_base_url(sb), *listen = sb_get(sb, "listen");
	const char *host = listen && strcmp(listen, "0.0.0.0") ? listen : "127.0.0.1";
	struct sb_node *nodes;
	size_t n = sb_nodes_load(sb, &nodes);
	FILE *f = fopen(tmp, "w");
	enum hoist_status st = HOIST_OK;
	if (f) {
		fprintf(f, "; hoist.conf for the sandbox in %s, written by hoist-sandbox.\n"
			"[server]\nurl = %s\napi_key_file = %s/api-key\n\n"
			"[feed]\nsource = %s/feed.json\n\n"
			"[upgrade]\nprofile = sandbox\nstate_dir = %s/hoist-state\n\n"
			"[profile]\nsandbox = %s\nsandbox_dir = %s\n",
			sb->dir, base, sb->dir, base, sb->dir, self, sb->dir);
		for (size_t i = 0; i < n; i++)
			fprintf(f, "\n[node \"%s\"]\nrole = %s\ntransport = local\n"
				"url = http://%s:%d\n", nodes[i].name, nodes[i].role, host,
				nodes[i].port);
	}
	if (!f || fclose(f) != 0 || rename(tmp, path) != 0)
		st = hoist_error_set(err, HOIST_IO, _("cannot write %s"), path);
	free(nodes);
	free(path);
	free(tmp);
	free(base);
	free(listen);
	return st;
}
