/* api.c: the Octopus REST API of one node: root, maintenance, nodes, health, spaces. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "api.h"
#include "version.h"
#include "xalloc.h"

void sb_api_error(struct sb_req *r, int status, const char *message)
{
	cJSON_Delete(r->out);
	r->status = status;
	r->out = cJSON_CreateObject();
	cJSON_AddStringToObject(r->out, "ErrorMessage", message);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(r->out, "Errors"), cJSON_CreateString(message));
}

static void answer(struct sb_req *r, int status, cJSON *out)
{
	cJSON_Delete(r->out);
	r->status = status;
	r->out = out;
}

const char *sb_api_arg(struct sb_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

void sb_iso_time(long long ms, char out[40])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + strlen(out), 20, ".%03d+00:00", (int)(ms % 1000));
}

static cJSON *parse_body(struct sb_req *r)
{
	cJSON *b;
	if (!r->body_len) {
		sb_api_error(r, 400, "No request body was supplied.");
		return NULL;
	}
	if (!(b = cJSON_ParseWithLength(r->body, r->body_len)) || !cJSON_IsObject(b)) {
		cJSON_Delete(b);
		sb_api_error(r, 400, "Model validation failed: the request body is not a JSON object.");
		return NULL;
	}
	return b;
}

static void root(struct sb_req *r)
{
	static const char *const links[][2] = {
		{ "Self", "/api" },
		{ "MaintenanceConfiguration", "/api/maintenanceconfiguration" },
		{ "OctopusServerClusterSummary", "/api/octopusservernodes/summary" },
		{ "OctopusServerNodes", "/api/octopusservernodes{/id}{?skip,take,ids,partialName}" },
		{ "ServerHealthStatus", "/api/serverstatus/health" },
		{ "ServerStatus", "/api/serverstatus" },
		{ "Tasks", "/api/tasks{/id}{?skip,active,environment,tenant,project,name,node,"
			   "running,states,hasPendingInterruptions,hasWarningsOrErrors,take,ids,"
			   "partialName,spaces,includeSystem}" },
		{ "Spaces", "/api/spaces{/id}{?name,skip,ids,take,partialName}" },
		{ "Web", "/app" },
	};
	/* 2.x had no cluster, no spaces and no maintenance resource; its API was 2.x too. */
	static const char *const links2[][2] = {
		{ "Self", "/api" },
		{ "Environments", "/api/environments{/id}{?skip}" },
		{ "Machines", "/api/machines{/id}{?skip}" },
		{ "Tasks", "/api/tasks{/id}{?skip,active,environment,project,name,node,running}" },
		{ "Web", "/app" },
	};
	cJSON *o = cJSON_CreateObject(), *l;
	char *id = sb_get(r->sb, "installation_id");
	bool legacy = atoi(r->node.version) < 3;
	cJSON_AddStringToObject(o, "Application", "Octopus Deploy");
	/* The fault "version[@V][:NODE]=fail": the node answers with a version it does not run. */
	cJSON_AddStringToObject(o, "Version",
				sb_fault_apply(r->sb, "version", r->node.version, r->node.name,
					       NULL) == SB_FAULT_FAIL ? "1.0.0" : r->node.version);
	cJSON_AddStringToObject(o, "ApiVersion", legacy ? "2.0.0" : "3.0.0");
	cJSON_AddStringToObject(o, "InstallationId", id ? id : "");
	l = cJSON_AddObjectToObject(o, "Links");
	for (size_t i = 0; !legacy && i < sizeof links / sizeof links[0]; i++)
		cJSON_AddStringToObject(l, links[i][0], links[i][1]);
	for (size_t i = 0; legacy && i < sizeof links2 / sizeof links2[0]; i++)
		cJSON_AddStringToObject(l, links2[i][0], links2[i][1]);
	free(id);
	answer(r, 200, o);
}

static cJSON *maintenance_json(struct sb_req *r)
{
	cJSON *o = cJSON_CreateObject();
	char when[40];
	sb_iso_time(sb_get_int(r->sb, "maintenance_ms", sb_now_ms()), when);
	cJSON_AddStringToObject(o, "Id", "maintenance");
	cJSON_AddBoolToObject(o, "IsInMaintenanceMode", sb_get_int(r->sb, "maintenance", 0));
	cJSON_AddStringToObject(o, "LastModifiedOn", when);
	cJSON_AddStringToObject(o, "LastModifiedBy", "admin");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "Links"), "Self",
				"/api/maintenanceconfiguration");
	return o;
}

static const char fault_message[] =
	"An unexpected error occurred in Octopus Server (fault injected by hoist-sandbox).";
static const char forbidden[] =
	"You do not have permission to perform this action. Please contact your Octopus"
	" administrator. Missing permission: AdministerSystem";

static void maintenance(struct sb_req *r)
{
	cJSON *b, *flag;
	enum sb_fault_mode f;
	if (!strcmp(r->method, "GET"))
		return answer(r, 200, maintenance_json(r));
	if (!r->admin)
		return sb_api_error(r, 403, forbidden);
	if (!(b = parse_body(r)))
		return;
	flag = cJSON_GetObjectItem(b, "IsInMaintenanceMode");
	if (!cJSON_IsBool(flag)) {
		cJSON_Delete(b);
		return sb_api_error(r, 400, "Model validation failed: IsInMaintenanceMode must be"
				    " true or false.");
	}
	f = sb_fault_apply(r->sb, "maintenance", r->node.version, r->node.name, r->stopping);
	if (f != SB_FAULT_NONE) {
		cJSON_Delete(b);
		return sb_api_error(r, 500, fault_message);
	}
	sb_begin(r->sb);
	sb_set_maintenance(r->sb, cJSON_IsTrue(flag));
	sb_commit(r->sb);
	cJSON_Delete(b);
	answer(r, 200, maintenance_json(r));
}

cJSON *sb_node_json(struct sb *sb, const struct sb_node *n, bool summary)
{
	cJSON *o = cJSON_CreateObject(), *l;
	char *id = hoist_xasprintf("OctopusServerNodes-%s", n->name);
	char *self = hoist_xasprintf("/api/octopusservernodes/%s", id), *det;
	char when[40];
	sb_iso_time(n->running ? sb_now_ms() : n->changed_ms, when);
	cJSON_AddStringToObject(o, "Id", id);
	cJSON_AddStringToObject(o, "Name", n->name);
	cJSON_AddNumberToObject(o, "MaxConcurrentTasks", n->max_tasks);
	cJSON_AddBoolToObject(o, "IsInMaintenanceMode", n->drained);
	if (summary) {
		cJSON_AddStringToObject(o, "LastSeen", when);
		cJSON_AddBoolToObject(o, "IsOffline", !n->running);
		cJSON_AddNumberToObject(o, "RunningTaskCount", sb_tasks_running(sb, n->name));
	}
	l = cJSON_AddObjectToObject(o, "Links");
	cJSON_AddStringToObject(l, "Self", self);
	cJSON_AddStringToObject(l, "Node", self);
	det = hoist_xasprintf("%s/details", self);
	cJSON_AddStringToObject(l, "Details", det);
	free(det);
	free(self);
	free(id);
	return o;
}

static cJSON *node_list(struct sb_req *r, bool summary)
{
	struct sb_node *nodes;
	size_t n = sb_nodes_load(r->sb, &nodes);
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, sb_node_json(r->sb, &nodes[i], summary));
	free(nodes);
	return a;
}

static void collection(struct sb_req *r, const char *type, cJSON *items, const char *self)
{
	cJSON *o = cJSON_CreateObject();
	int n = cJSON_GetArraySize(items);
	cJSON_AddStringToObject(o, "ItemType", type);
	cJSON_AddBoolToObject(o, "IsStale", false);
	cJSON_AddNumberToObject(o, "TotalResults", n);
	cJSON_AddNumberToObject(o, "ItemsPerPage", n > 30 ? n : 30);
	cJSON_AddNumberToObject(o, "NumberOfPages", 1);
	cJSON_AddNumberToObject(o, "LastPageNumber", 0);
	cJSON_AddItemToObject(o, "Items", items);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "Links"), "Self", self);
	answer(r, 200, o);
}

static void node_put(struct sb_req *r, struct sb_node *n)
{
	cJSON *b = parse_body(r), *drain, *cap;
	if (!b)
		return;
	drain = cJSON_GetObjectItem(b, "IsInMaintenanceMode");
	cap = cJSON_GetObjectItem(b, "MaxConcurrentTasks");
	if ((drain && !cJSON_IsBool(drain)) || (cap && (!cJSON_IsNumber(cap) || cap->valueint < 0))) {
		cJSON_Delete(b);
		return sb_api_error(r, 400, "Model validation failed: IsInMaintenanceMode must be a"
				    " boolean and MaxConcurrentTasks a number of at least 0.");
	}
	if (drain && sb_fault_apply(r->sb, "drain", n->version, n->name, r->stopping) !=
	    SB_FAULT_NONE) {
		cJSON_Delete(b);
		return sb_api_error(r, 500, fault_message);
	}
	sb_begin(r->sb);
	sb_node_get(r->sb, n->name, n);
	if (cap) {
		n->max_tasks = cap->valueint;
		sb_node_save(r->sb, n);
	}
	if (drain)
		sb_node_set_drained(r->sb, n, cJSON_IsTrue(drain));
	sb_commit(r->sb);
	cJSON_Delete(b);
	answer(r, 200, sb_node_json(r->sb, n, false));
}

static void nodes(struct sb_req *r, const char *rest)
{
	struct sb_node n;
	const char *name;
	cJSON *o;
	bool get = !strcmp(r->method, "GET");
	if (!*rest && get)
		return collection(r, "OctopusServerNode", node_list(r, false),
				  "/api/octopusservernodes");
	if (!strcasecmp(rest, "/all") && get)
		return answer(r, 200, node_list(r, false));
	if (!strcasecmp(rest, "/summary") && get) {
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "Nodes", node_list(r, true));
		cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "Links"), "Self",
					"/api/octopusservernodes/summary");
		return answer(r, 200, o);
	}
	if (strncasecmp(rest, "/OctopusServerNodes-", 20))
		return sb_api_error(r, 404, "The resource you requested was not found.");
	name = rest + 20;
	{
		char buf[SB_NAME_MAX];
		size_t len = strcspn(name, "/");
		bool details = !strcasecmp(name + len, "/details");
		if (len >= sizeof buf || (name[len] && !details))
			return sb_api_error(r, 404, "The resource you requested was not found.");
		memcpy(buf, name, len);
		buf[len] = '\0';
		if (!sb_node_get(r->sb, buf, &n))
			return sb_api_error(r, 404, "The OctopusServerNode you requested was not"
					    " found.");
		if (details && get) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "Id", rest + 1);
			cJSON_AddNumberToObject(o, "RunningTasks", sb_tasks_running(r->sb, n.name));
			return answer(r, 200, o);
		}
		if (!details && get)
			return answer(r, 200, sb_node_json(r->sb, &n, false));
		if (!details && !strcmp(r->method, "PUT"))
			return r->admin ? node_put(r, &n) : sb_api_error(r, 403, forbidden);
	}
	sb_api_error(r, 405, "The requested HTTP method is not allowed for this resource.");
}

/* 200 when this node takes tasks, 418 while it drains; the body is the node either way. */
static void ping(struct sb_req *r)
{
	answer(r, r->node.drained ? 418 : 200, sb_node_json(r->sb, &r->node, true));
}

static void health(struct sb_req *r)
{
	struct sb_node *nodes;
	size_t n = sb_nodes_load(r->sb, &nodes), draining = 0, running = 0;
	bool maint = sb_get_int(r->sb, "maintenance", 0), normal;
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; i < n; i++)
		if (nodes[i].running) {
			running++;
			draining += nodes[i].drained;
		}
	free(nodes);
	normal = !maint && draining < running;
	cJSON_AddBoolToObject(o, "IsOperatingNormally", normal);
	cJSON_AddStringToObject(o, "Description", maint ? "Octopus Server is in maintenance mode." :
				!normal ? "Every Octopus Server node is draining tasks." :
				"Octopus Server is operating normally.");
	cJSON_AddBoolToObject(o, "IsEntireClusterReadOnly", maint);
	cJSON_AddBoolToObject(o, "IsEntireClusterDrainingTasks", running && draining == running);
	cJSON_AddBoolToObject(o, "IsCompliantWithLicense", true);
	answer(r, normal ? 200 : 418, o);
}

/* What the server's own upgrade check would say, from the sandbox's feed. */
static void server_status(struct sb_req *r)
{
	cJSON *o = cJSON_CreateObject();
	char *latest = sb_feed_latest(r->sb);
	struct hoist_version have, max;
	bool newer = latest && hoist_version_parse(latest, &max, NULL) == HOIST_OK &&
		     hoist_version_parse(r->node.version, &have, NULL) == HOIST_OK &&
		     hoist_version_cmp(&max, &have) > 0;
	cJSON_AddStringToObject(o, "Id", "ServerStatus");
	cJSON_AddBoolToObject(o, "IsDatabaseEncrypted", true);
	cJSON_AddBoolToObject(o, "IsUpgradeAvailable", newer);
	cJSON_AddStringToObject(o, "MaximumAvailableVersion", newer ? latest : r->node.version);
	cJSON_AddStringToObject(o, "MaximumAvailableVersionCoveredByLicense",
				newer ? latest : r->node.version);
	cJSON_AddBoolToObject(o, "IsMajorMinorUpgrade", newer &&
			      hoist_version_kind(&have, &max) >= HOIST_KIND_MINOR);
	free(latest);
	cJSON_AddBoolToObject(o, "IsInMaintenanceMode", sb_get_int(r->sb, "maintenance", 0));
	cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "Links"), "Self", "/api/serverstatus");
	answer(r, 200, o);
}

static void spaces(struct sb_req *r, bool all)
{
	cJSON *a = cJSON_CreateArray(), *s = cJSON_CreateObject();
	cJSON_AddStringToObject(s, "Id", "Spaces-1");
	cJSON_AddStringToObject(s, "Name", "Default");
	cJSON_AddBoolToObject(s, "IsDefault", true);
	cJSON_AddItemToArray(a, s);
	if (all)
		return answer(r, 200, a);
	collection(r, "Space", a, "/api/spaces");
}

bool sb_api_anonymous(const char *method, const char *path)
{
	return !strcmp(method, "GET") && (!strcasecmp(path, "/api") ||
					   !strcasecmp(path, "/api/octopusservernodes/ping"));
}

void sb_api_handle(struct sb_req *r)
{
	const char *p = r->path;
	bool get = !strcmp(r->method, "GET"), put = !strcmp(r->method, "PUT");
	if (!strcasecmp(p, "/api") && get)
		return root(r);
	/* A 2.x server knows nothing of nodes, maintenance mode or server status. */
	if (atoi(r->node.version) < 3 && strncasecmp(p, "/api/machines", 13) &&
	    strncasecmp(p, "/api/environments", 17) && strncasecmp(p, "/api/tasks", 10))
		return sb_api_error(r, 404, "The resource you requested was not found.");
	if (!strcasecmp(p, "/api/octopusservernodes/ping") && get)
		return ping(r);
	if (!strcasecmp(p, "/api/maintenanceconfiguration") && (get || put))
		return maintenance(r);
	if (!strcasecmp(p, "/api/serverstatus/health") && get)
		return health(r);
	if (!strcasecmp(p, "/api/serverstatus") && get)
		return server_status(r);
	if ((!strcasecmp(p, "/api/spaces") || !strcasecmp(p, "/api/spaces/all")) && get)
		return spaces(r, strlen(p) > 11);
	if (!strncasecmp(p, "/api/octopusservernodes", 23) && (!p[23] || p[23] == '/'))
		return nodes(r, p + 23);
	if (sb_api_tasks(r) || sb_api_machines(r))
		return;
	sb_api_error(r, 404, "The resource you requested was not found.");
}
