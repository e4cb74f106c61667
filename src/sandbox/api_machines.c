/* api_machines.c: /api/{space}/machines(/all) and /environments(/all): the Tentacles, where they are. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "api.h"
#include "xalloc.h"

static const char *const env_names[] = { "Development", "Test", "Production" };

bool sb_environment_exists(struct sb *sb, const char *id)
{
	(void)sb;
	return !strcmp(id, "Environments-1") || !strcmp(id, "Environments-2") ||
	       !strcmp(id, "Environments-3");
}

/* The Tentacle a server bundles: a 3.x server its own version (lock-step), a modern one 8.x. */
const char *sb_tentacle_latest(const char *server)
{
	return atoi(server) < 2018 ? server : SB_TENTACLE_LATEST;
}

/* The oldest Tentacle a server still talks to: 3.x for a 3.x server, 6.0 for a modern one. */
int sb_tentacle_minimum(const char *server)
{
	return atoi(server) < 2018 ? 3 : 6;
}

static cJSON *machine_json(sqlite3_stmt *s, const char *server)
{
	cJSON *o = cJSON_CreateObject(), *e, *t;
	const char *version = (const char *)sqlite3_column_text(s, 2);
	char *id = hoist_xasprintf("Machines-%lld", (long long)sqlite3_column_int64(s, 0));
	char *uri = hoist_xasprintf("https://%s:10933/", sqlite3_column_text(s, 1));
	cJSON_AddStringToObject(o, "Id", id);
	cJSON_AddStringToObject(o, "Name", (const char *)sqlite3_column_text(s, 1));
	cJSON_AddStringToObject(o, "SpaceId", "Spaces-1");
	cJSON_AddStringToObject(o, "HealthStatus", (const char *)sqlite3_column_text(s, 3));
	cJSON_AddBoolToObject(o, "IsDisabled", false);
	/* Calamari follows the server; a health check (or a deployment) brings it up to date. */
	cJSON_AddBoolToObject(o, "HasLatestCalamari",
			      !strcmp((const char *)sqlite3_column_text(s, 5), server));
	cJSON_AddItemToObject(o, "EnvironmentIds", cJSON_CreateStringArray(
		(const char *[]){ (const char *)sqlite3_column_text(s, 4) }, 1));
	e = cJSON_AddObjectToObject(o, "Endpoint");
	cJSON_AddStringToObject(e, "CommunicationStyle", "TentaclePassive");
	cJSON_AddStringToObject(e, "Uri", uri);
	t = cJSON_AddObjectToObject(e, "TentacleVersionDetails");
	cJSON_AddStringToObject(t, "Version", version);
	cJSON_AddBoolToObject(t, "UpgradeLocked", false);
	cJSON_AddBoolToObject(t, "UpgradeSuggested", strcmp(version, sb_tentacle_latest(server)) != 0);
	cJSON_AddBoolToObject(t, "UpgradeRequired", atoi(version) < sb_tentacle_minimum(server));
	cJSON_AddBoolToObject(t, "UpgradeAvailable", strcmp(version, sb_tentacle_latest(server)) != 0);
	free(id);
	free(uri);
	return o;
}

static bool environments(struct sb_req *r)
{
	const char *p = r->path;
	cJSON *a, *o;
	if (strncasecmp(p, "/api/environments", 17) || (p[17] && strcasecmp(p + 17, "/all")))
		return false;
	if (strcmp(r->method, "GET"))
		return sb_api_error(r, 405, "The requested HTTP method is not allowed for this"
				    " resource."), true;
	a = cJSON_CreateArray();
	for (int i = 0; i < 3; i++) {
		char id[32];
		cJSON *e = cJSON_CreateObject();
		snprintf(id, sizeof id, "Environments-%d", i + 1);
		cJSON_AddStringToObject(e, "Id", id);
		cJSON_AddStringToObject(e, "Name", env_names[i]);
		cJSON_AddStringToObject(e, "SpaceId", "Spaces-1");
		cJSON_AddNumberToObject(e, "SortOrder", i);
		cJSON_AddItemToArray(a, e);
	}
	cJSON_Delete(r->out);
	r->status = 200;
	if (p[17]) {
		r->out = a;
		return true;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ItemType", "Environment");
	cJSON_AddNumberToObject(o, "TotalResults", 3);
	cJSON_AddNumberToObject(o, "ItemsPerPage", 30);
	cJSON_AddItemToObject(o, "Items", a);
	r->out = o;
	return true;
}

bool sb_api_machines(struct sb_req *r)
{
	const char *p = r->path;
	sqlite3_stmt *s;
	cJSON *a, *o;
	if (environments(r))
		return true;
	if (strncasecmp(p, "/api/machines", 13) || (p[13] && strcasecmp(p + 13, "/all")))
		return false;
	if (strcmp(r->method, "GET"))
		return sb_api_error(r, 405, "The requested HTTP method is not allowed for this"
				    " resource."), true;
	a = cJSON_CreateArray();
	sqlite3_prepare_v2(r->sb->st, "SELECT id, name, version, health, environment, calamari"
			   " FROM machines"
			   " ORDER BY id", -1, &s, NULL);
	while (sqlite3_step(s) == SQLITE_ROW)
		cJSON_AddItemToArray(a, machine_json(s, r->node.version));
	sqlite3_finalize(s);
	cJSON_Delete(r->out);
	r->status = 200;
	if (p[13]) {
		r->out = a;
		return true;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ItemType", "Machine");
	cJSON_AddNumberToObject(o, "TotalResults", cJSON_GetArraySize(a));
	cJSON_AddNumberToObject(o, "ItemsPerPage", 30);
	cJSON_AddItemToObject(o, "Items", a);
	r->out = o;
	return true;
}
