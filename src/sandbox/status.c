/* status.c: `hoist-sandbox ctl DIR status [--json]`: the cluster as tests and people read it. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "i18n.h"
#include "sandbox.h"
#include "xalloc.h"

int sb_ctl_status(struct sb *sb, struct sb_node *unused, char **args, struct hoist_error *err)
{
	struct sb_node *nodes;
	size_t n = sb_nodes_load(sb, &nodes);
	char *schema = NULL, hash[65] = "", *text, *host = sb_get(sb, "listen");
	bool json = args[0] && !strcmp(args[0], "--json");
	cJSON *o = cJSON_CreateObject(), *a;
	if (args[0] && !json) {
		free(nodes);
		free(host);
		cJSON_Delete(o);
		return hoist_error_set(err, HOIST_USAGE, _("status takes only --json"));
	}
	sb_db_schema(sb, &schema, NULL);
	sb_db_hash(sb, hash, NULL);
	cJSON_AddBoolToObject(o, "maintenance", sb_get_int(sb, "maintenance", 0));
	cJSON_AddStringToObject(o, "schema", schema ? schema : "");
	cJSON_AddStringToObject(o, "data_sha256", hash);
	cJSON_AddBoolToObject(o, "serving", sb_serve_alive(sb));
	text = sb_base_url(sb);
	cJSON_AddStringToObject(o, "url", text);
	free(text);
	a = cJSON_AddArrayToObject(o, "nodes");
	for (size_t i = 0; i < n; i++) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "name", nodes[i].name);
		cJSON_AddStringToObject(j, "role", nodes[i].role);
		cJSON_AddStringToObject(j, "version", nodes[i].version);
		cJSON_AddBoolToObject(j, "running", nodes[i].running);
		cJSON_AddBoolToObject(j, "drained", nodes[i].drained);
		cJSON_AddNumberToObject(j, "tasks", sb_tasks_running(sb, nodes[i].name));
		cJSON_AddNumberToObject(j, "port", nodes[i].port);
		text = hoist_xasprintf("http://%s:%d", host && strcmp(host, "0.0.0.0") ? host :
				       "127.0.0.1", nodes[i].port);
		cJSON_AddStringToObject(j, "url", text);
		free(text);
		cJSON_AddBoolToObject(j, "listening", nodes[i].listening);
		cJSON_AddNumberToObject(j, "os_patches", nodes[i].os_patches);
		/* Its host (seed 003): up, or down after a reboot until it is back. */
		cJSON_AddBoolToObject(j, "host_up", sb_host_up(sb, nodes[i].name));
		{
			char *key = hoist_xasprintf("host.%s.snapshots", nodes[i].name);
			cJSON_AddNumberToObject(j, "snapshots", (double)sb_get_int(sb, key, 0));
			free(key);
		}
		cJSON_AddItemToArray(a, j);
	}
	if (json) {
		text = cJSON_Print(o);
		printf("%s\n", text);
		free(text);
	} else {
		printf(_("schema %s, maintenance mode %s\n"), schema ? schema : "?",
		       sb_get_int(sb, "maintenance", 0) ? _("on") : _("off"));
		for (size_t i = 0; i < n; i++)
			printf(_("%-12s %-10s %-12s %-8s %s, %d running tasks\n"), nodes[i].name,
			       nodes[i].role, nodes[i].version,
			       nodes[i].running ? _("running") : _("stopped"),
			       nodes[i].drained ? _("drained") : _("takes tasks"),
			       sb_tasks_running(sb, nodes[i].name));
	}
	cJSON_Delete(o);
	free(nodes);
	free(schema);
	free(host);
	return HOIST_OK;
}
