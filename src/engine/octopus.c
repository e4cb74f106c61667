/* octopus.c: the Octopus Server REST API over the one HTTP layer; JSON stops here. */
#include "config.h"
#include <cjson/cJSON.h>
#include "curl_lazy.h"
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include "i18n.h"
#include "json.h"
#include "octopus.h"
#include "xalloc.h"

struct hoist_octopus {
	char *base;    /* owned: URL without a trailing slash */
	char *api_key; /* owned; secret, wiped on free */
	struct hoist_http *http; /* owned */
	long deadline_ms; /* of each call; 0: the HTTP layer's default */
};

struct hoist_octopus *hoist_octopus_new(const char *base_url, const char *api_key,
					const struct hoist_http_options *opts)
{
	struct hoist_octopus *c = hoist_xcalloc(1, sizeof *c);
	size_t n = strlen(base_url);
	while (n && base_url[n - 1] == '/')
		n--;
	c->base = hoist_xstrndup(base_url, n);
	c->api_key = api_key ? hoist_xstrdup(api_key) : NULL;
	c->http = hoist_http_new(opts);
	return c;
}

void hoist_octopus_free(struct hoist_octopus *c)
{
	if (!c)
		return;
	if (c->api_key) {
		memset(c->api_key, 0, strlen(c->api_key));
		free(c->api_key);
	}
	hoist_http_free(c->http);
	free(c->base);
	free(c);
}

const char *hoist_octopus_url(const struct hoist_octopus *c)
{
	return c->base;
}

void hoist_octopus_set_deadline(struct hoist_octopus *c, long ms)
{
	c->deadline_ms = ms;
}

/*
 * One call: method, path under base (or an absolute URL), optional JSON body; on
 * success *json holds the parsed answer (caller deletes). what names the call for
 * messages. Statuses listed in accept (0-terminated) are not errors.
 */
static enum hoist_status call(struct hoist_octopus *c, const char *method, const char *url,
			      const char *body, const long *accept, long *status, cJSON **json,
			      const char *what, struct hoist_error *err)
{
	struct hoist_http_request req = { 0 };
	struct hoist_http_response resp;
	enum hoist_status st;
	bool ok = false;
	char *full = strstr(url, "://") ? hoist_xstrdup(url) : hoist_xasprintf("%s%s", c->base, url);

	req.method = method;
	req.url = full;
	req.api_key = c->api_key;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	req.idempotent = !method || !strcmp(method, "GET") || !strcmp(method, "PUT");
	req.deadline_ms = c->deadline_ms;
	hoist_http_response_init(&resp);
	st = hoist_http_perform(c->http, &req, &resp, err);
	if (st != HOIST_OK) {
		hoist_error_prefix(err, "%s", what);
		goto out;
	}
	if (status)
		*status = resp.status;
	ok = resp.status >= 200 && resp.status < 300;
	for (const long *a = accept; a && *a && !ok; a++)
		ok = resp.status == *a;
	if (!ok) {
		st = hoist_http_status_error(resp.status, what, full, &resp.body, err);
		goto out;
	}
	if (json) {
		*json = resp.body.len ? cJSON_ParseWithLength(resp.body.data, resp.body.len) : NULL;
		if (!*json) {
			st = hoist_error_say(err, HOIST_HTTP,
					     N_("%s: %s answered HTTP %ld with a body that is not JSON"),
					     what, full, resp.status);
			goto out;
		}
	}
out:
	hoist_http_response_done(&resp);
	free(full);
	return st;
}

static enum hoist_status shape_error(struct hoist_octopus *c, const char *what,
				     const char *field, struct hoist_error *err)
{
	return hoist_error_say(err, HOIST_HTTP,
			       N_("%s: the answer of %s has no usable \"%s\"; is this an Octopus "
				  "server?"),
			       what, c->base, field);
}

static enum hoist_status decode_version(struct hoist_octopus *c, const cJSON *j,
					struct hoist_version *v, struct hoist_error *err)
{
	const char *what = _("reading the server's version");
	enum hoist_status st;
	const char *text = hoist_json_get_str(j, "Version");
	if (!text)
		st = shape_error(c, what, "Version", err);
	else
		st = hoist_version_parse(text, v, err);
	if (st == HOIST_VERSION) {
		/* The server's answer is at fault, not the operator's input (exit 3, not 2). */
		hoist_error_prefix_say(err, N_("the server at %s reports a version hoist cannot "
					   "read"),
				   c->base);
		hoist_error_prefix(err, "%s", what);
		st = HOIST_HTTP;
		if (err)
			err->status = st;
	}
	return st;
}

enum hoist_status hoist_octopus_version(struct hoist_octopus *c, struct hoist_version *v,
					struct hoist_error *err)
{
	cJSON *j = NULL;
	enum hoist_status st = call(c, "GET", "/api", NULL, NULL, NULL, &j,
				    _("reading the server's version"), err);
	if (st != HOIST_OK)
		return st;
	st = decode_version(c, j, v, err);
	cJSON_Delete(j);
	return st;
}

enum hoist_status hoist_octopus_probe(struct hoist_octopus *c, struct hoist_version *v,
				      struct hoist_error *err)
{
	enum hoist_status st = hoist_octopus_version(c, v, err);
	/* First contact: an answer that is no Octopus version means this server cannot be
	 * used, as when it cannot be reached (exit 3), not a failed upgrade (1). */
	if (st == HOIST_HTTP || st == HOIST_NOTFOUND) {
		st = HOIST_NETWORK;
		if (err)
			err->status = st;
	}
	return st;
}

enum hoist_status hoist_octopus_check_key(struct hoist_octopus *c, struct hoist_error *err)
{
	bool on;
	return hoist_octopus_maintenance_get(c, &on, err);
}

static enum hoist_status decode_maintenance(struct hoist_octopus *c, const cJSON *j, bool *on,
					    struct hoist_error *err)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "IsInMaintenanceMode");
	if (!cJSON_IsBool(m))
		return shape_error(c, _("reading maintenance mode"), "IsInMaintenanceMode", err);
	*on = cJSON_IsTrue(m);
	return HOIST_OK;
}

enum hoist_status hoist_octopus_maintenance_get(struct hoist_octopus *c, bool *on,
						struct hoist_error *err)
{
	cJSON *j = NULL;
	enum hoist_status st = call(c, "GET", "/api/maintenanceconfiguration", NULL, NULL, NULL,
				    &j, _("reading maintenance mode"), err);
	if (st != HOIST_OK)
		return st;
	st = decode_maintenance(c, j, on, err);
	cJSON_Delete(j);
	return st;
}

enum hoist_status hoist_octopus_maintenance_set(struct hoist_octopus *c, bool on, bool *changed,
						struct hoist_error *err)
{
	bool now;
	char body[96];
	enum hoist_status st = hoist_octopus_maintenance_get(c, &now, err);
	if (changed)
		*changed = false;
	if (st != HOIST_OK || now == on)
		return st;
	snprintf(body, sizeof body, "{\"Id\":\"maintenance\",\"IsInMaintenanceMode\":%s}",
		 on ? "true" : "false");
	st = call(c, "PUT", "/api/maintenanceconfiguration", body, NULL, NULL, NULL,
		  on ? _("turning maintenance mode on") : _("turning maintenance mode off"), err);
	if (st == HOIST_OK && changed)
		*changed = true;
	return st;
}

static void node_done(struct hoist_octopus_node *n)
{
	free(n->id);
	free(n->name);
	free(n->link);
}

void hoist_octopus_nodes_done(struct hoist_octopus_nodes *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		node_done(&n->v[i]);
	free(n->v);
	n->v = NULL;
	n->n = 0;
}

static enum hoist_status decode_nodes(struct hoist_octopus *c, const cJSON *j,
				      struct hoist_octopus_nodes *out, struct hoist_error *err)
{
	const cJSON *arr, *it;
	const char *what = _("reading the server nodes");
	enum hoist_status st = HOIST_OK;
	size_t i = 0;
	out->v = NULL;
	out->n = 0;
	arr = cJSON_GetObjectItemCaseSensitive(j, "Nodes");
	if (!cJSON_IsArray(arr)) {
		st = shape_error(c, what, "Nodes", err);
		goto out;
	}
	out->v = hoist_xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *out->v);
	cJSON_ArrayForEach(it, arr)
	{
		struct hoist_octopus_node *n = &out->v[i];
		const cJSON *links = cJSON_GetObjectItemCaseSensitive(it, "Links");
		if (!hoist_json_get_str(it, "Name") || !hoist_json_get_str(it, "Id")) {
			st = shape_error(c, what, "Nodes[].Name", err);
			break;
		}
		n->id = hoist_json_get_strdup(it, "Id");
		n->name = hoist_json_get_strdup(it, "Name");
		n->link = links ? hoist_json_get_strdup(links, "Node") : NULL;
		if (!n->link)
			n->link = hoist_xasprintf("/api/octopusservernodes/%s", n->id);
		n->drained = hoist_json_get_bool(it, "IsInMaintenanceMode");
		n->offline = hoist_json_get_bool(it, "IsOffline");
		n->running_tasks =
			(int)hoist_json_get_int(it, "RunningTaskCount", INT_MIN, INT_MAX, 0);
		n->max_tasks = (int)hoist_json_get_int(it, "MaxConcurrentTasks", INT_MIN, INT_MAX,
						       0);
		out->n = ++i;
	}
out:
	if (st != HOIST_OK)
		hoist_octopus_nodes_done(out);
	return st;
}

enum hoist_status hoist_octopus_nodes(struct hoist_octopus *c, struct hoist_octopus_nodes *out,
				      struct hoist_error *err)
{
	cJSON *j = NULL;
	enum hoist_status st = call(c, "GET", "/api/octopusservernodes/summary", NULL, NULL, NULL,
				    &j, _("reading the server nodes"), err);
	out->v = NULL;
	out->n = 0;
	if (st != HOIST_OK)
		return st;
	st = decode_nodes(c, j, out, err);
	cJSON_Delete(j);
	return st;
}

const struct hoist_octopus_node *hoist_octopus_nodes_find(const struct hoist_octopus_nodes *n,
							 const char *name)
{
	for (size_t i = 0; i < n->n; i++)
		if (!strcmp(n->v[i].name, name))
			return &n->v[i];
	return NULL;
}

/* The node resource at link (GET <Links.Node>), as a summary entry; false if none. */
static bool node_at(struct hoist_octopus *c, const char *link, const char *name,
		    struct hoist_octopus_node *out)
{
	cJSON *j = NULL;
	long status = 0;
	static const long ok[] = { 200, 404, 0 };
	char *id = NULL, *got = NULL;
	bool found = false;
	if (call(c, "GET", link, NULL, ok, &status, &j, _("reading a node"), NULL) == HOIST_OK &&
	    status == 200 && (id = hoist_json_get_strdup(j, "Id")) &&
	    (got = hoist_json_get_strdup(j, "Name")) && !strcmp(got, name)) {
		memset(out, 0, sizeof *out);
		out->id = id;
		out->name = got;
		out->link = hoist_xstrdup(link);
		out->drained = hoist_json_get_bool(j, "IsInMaintenanceMode");
		out->max_tasks =
			(int)hoist_json_get_int(j, "MaxConcurrentTasks", INT_MIN, INT_MAX, 0);
		id = got = NULL;
		found = true;
	}
	free(id);
	free(got);
	cJSON_Delete(j);
	return found;
}

enum hoist_status hoist_octopus_drain(struct hoist_octopus *c, const char *node, bool drain,
				      bool *changed, struct hoist_error *err)
{
	return hoist_octopus_drain_at(c, NULL, node, drain, changed, err);
}

enum hoist_status hoist_octopus_drain_at(struct hoist_octopus *c, const char *link,
					 const char *node, bool drain, bool *changed,
					 struct hoist_error *err)
{
	struct hoist_octopus_nodes nodes = { NULL, 0 };
	struct hoist_octopus_node one;
	const struct hoist_octopus_node *n;
	enum hoist_status st = HOIST_OK;
	if (changed)
		*changed = false;
	/* The node's own resource when its address is known: one node's worth, not the
	 * whole cluster's summary for each node of an all-at-once drain. */
	if (link && node_at(c, link, node, &one)) {
		nodes.v = hoist_xmalloc(sizeof *nodes.v);
		nodes.v[0] = one;
		nodes.n = 1;
	} else {
		st = hoist_octopus_nodes(c, &nodes, err);
	}
	if (st != HOIST_OK)
		return st;
	n = hoist_octopus_nodes_find(&nodes, node);
	if (!n) {
		st = hoist_error_say(err, HOIST_NOTFOUND,
				     N_("the server at %s has no node named %s; check the node names "
				        "in the configuration"),
				     c->base, node);
	} else if (n->drained != drain) {
		cJSON *b = cJSON_CreateObject();
		char *body;
		cJSON_AddStringToObject(b, "Id", n->id);
		cJSON_AddStringToObject(b, "Name", n->name);
		cJSON_AddNumberToObject(b, "MaxConcurrentTasks", n->max_tasks);
		cJSON_AddBoolToObject(b, "IsInMaintenanceMode", drain);
		body = cJSON_PrintUnformatted(b);
		cJSON_Delete(b);
		{
			char *what = hoist_xasprintf(drain ? _("draining node %s")
							   : _("ending the drain of node %s"),
						     node);
			st = call(c, "PUT", n->link, body, NULL, NULL, NULL, what, err);
			free(what);
		}
		cJSON_free(body);
		if (st == HOIST_OK && changed)
			*changed = true;
	}
	hoist_octopus_nodes_done(&nodes);
	return st;
}

enum hoist_status hoist_octopus_ping(struct hoist_octopus *c, const char *node_url,
				     enum hoist_ping *out, struct hoist_error *err)
{
	static const long teapot[] = { 418, 0 };
	long status = 0;
	char *url = hoist_xasprintf("%s/api/octopusservernodes/ping", node_url);
	struct hoist_error quiet;
	enum hoist_status st;
	hoist_error_init(&quiet);
	st = call(c, "GET", url, NULL, teapot, &status, NULL, _("pinging a node"), &quiet);
	free(url);
	if (st == HOIST_NOTFOUND) {
		/* A 2.x server has no ping: it is up when its /api answers. */
		url = hoist_xasprintf("%s/api", node_url);
		hoist_error_done(&quiet);
		hoist_error_init(&quiet);
		st = call(c, "GET", url, NULL, NULL, NULL, NULL, _("pinging a node"), &quiet);
		free(url);
		status = 200;
	}
	if (st == HOIST_OK) {
		*out = status == 418 ? HOIST_PING_DRAINING : HOIST_PING_UP;
	} else if (st == HOIST_NETWORK || st == HOIST_TIMEOUT || st == HOIST_HTTP) {
		/* A node that does not answer, or answers anything else, is down: no error. */
		*out = HOIST_PING_DOWN;
		st = HOIST_OK;
	} else {
		hoist_error_set(err, quiet.status, "%s", hoist_error_message(&quiet));
	}
	hoist_error_done(&quiet);
	return st;
}

enum hoist_status hoist_octopus_health(struct hoist_octopus *c, bool *ok, char **description,
				       struct hoist_error *err)
{
	static const long teapot[] = { 418, 0 };
	cJSON *j = NULL;
	enum hoist_status st = call(c, "GET", "/api/serverstatus/health", NULL, teapot, NULL, &j,
				    _("reading the server's health"), err);
	if (st != HOIST_OK)
		return st;
	*ok = hoist_json_get_bool(j, "IsOperatingNormally");
	if (description)
		*description = hoist_json_get_strdup(j, "Description");
	cJSON_Delete(j);
	return HOIST_OK;
}

/* The space a call is scoped to when the caller names none (every server has it). */
#define DEFAULT_SPACE "Spaces-1"

/* /api/<space>/<rest>; "" is a server without spaces (2.x): the unscoped /api/<rest>. */
static char *space_path(const char *space, const char *rest)
{
	if (space && !*space)
		return hoist_xasprintf("/api/%s", rest);
	return hoist_xasprintf("/api/%s/%s", space ? space : DEFAULT_SPACE, rest);
}

/* GET /api/tasks/<id>, the id escaped. */
static enum hoist_status get_task(struct hoist_octopus *c, const char *id, cJSON **j,
				  struct hoist_error *err)
{
	char *esc = curl_easy_escape(NULL, id, 0);
	char *url = hoist_xasprintf("/api/tasks/%s", esc ? esc : "");
	enum hoist_status st;
	curl_free(esc);
	st = call(c, "GET", url, NULL, NULL, NULL, j, _("reading a task"), err);
	free(url);
	return st;
}

static enum hoist_status decode_tasks(struct hoist_octopus *c, const cJSON *j, int *count,
				      struct hoist_error *err)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "TotalResults");
	long long n = hoist_json_int(t, 0, INT_MAX, -1);
	if (n < 0)
		return shape_error(c, _("counting active tasks"), "TotalResults", err);
	*count = (int)n;
	return HOIST_OK;
}

enum hoist_status hoist_octopus_active_tasks(struct hoist_octopus *c, const char *node,
					     int *count, struct hoist_error *err)
{
	cJSON *j = NULL;
	char *url, *esc = NULL;
	enum hoist_status st;
	if (node) {
		esc = curl_easy_escape(NULL, node, 0);
		url = hoist_xasprintf("/api/tasks?active=true&node=%s&take=0", esc ? esc : "");
		curl_free(esc);
	} else {
		/* The whole cluster: queued tasks belong to no node until one picks them up. */
		url = hoist_xstrdup("/api/tasks?states=Queued,Executing,Cancelling&take=0");
	}
	st = call(c, "GET", url, NULL, NULL, NULL, &j, _("counting active tasks"), err);
	free(url);
	if (st != HOIST_OK)
		return st;
	st = decode_tasks(c, j, count, err);
	cJSON_Delete(j);
	return st;
}

enum hoist_status hoist_octopus_task_create(struct hoist_octopus *c, const char *name,
					    const char *description,
					    const char *const *machine_ids, size_t n_ids,
					    char **id, struct hoist_error *err)
{
	cJSON *b = cJSON_CreateObject(), *args, *ids, *j = NULL;
	char *body, *what;
	enum hoist_status st;
	cJSON_AddStringToObject(b, "Name", name);
	cJSON_AddStringToObject(b, "Description", description ? description : name);
	cJSON_AddStringToObject(b, "SpaceId", DEFAULT_SPACE);
	args = cJSON_AddObjectToObject(b, "Arguments");
	ids = cJSON_AddArrayToObject(args, "MachineIds");
	for (size_t i = 0; i < n_ids; i++)
		cJSON_AddItemToArray(ids, cJSON_CreateString(machine_ids[i]));
	body = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	what = hoist_xasprintf(_("starting a %s task"), name);
	st = call(c, "POST", "/api/tasks", body, NULL, NULL, &j, what, err);
	cJSON_free(body);
	if (st == HOIST_OK) {
		*id = hoist_json_get_strdup(j, "Id");
		if (!*id)
			st = shape_error(c, what, "Id", err);
	}
	free(what);
	cJSON_Delete(j);
	return st;
}

enum hoist_status hoist_octopus_task_state(struct hoist_octopus *c, const char *id,
					   char **state, bool *completed, bool *success,
					   struct hoist_error *err)
{
	cJSON *j = NULL;
	enum hoist_status st = get_task(c, id, &j, err);
	if (st != HOIST_OK)
		return st;
	if (state)
		*state = hoist_json_get_strdup(j, "State");
	if (completed)
		*completed = hoist_json_get_bool(j, "IsCompleted");
	if (success)
		*success = hoist_json_get_bool(j, "FinishedSuccessfully");
	cJSON_Delete(j);
	return HOIST_OK;
}

void hoist_octopus_tentacles_done(struct hoist_octopus_tentacles *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].id);
		free(t->v[i].name);
		free(t->v[i].version);
		free(t->v[i].health);
		free(t->v[i].environment);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

static enum hoist_status decode_tentacles(struct hoist_octopus *c, const cJSON *j,
					  struct hoist_octopus_tentacles *out,
					  struct hoist_error *err);

enum hoist_status hoist_octopus_tentacles(struct hoist_octopus *c, const char *space,
					  struct hoist_octopus_tentacles *out,
					  struct hoist_error *err)
{
	cJSON *j = NULL;
	char *url = space_path(space, "machines/all");
	enum hoist_status st = call(c, "GET", url, NULL, NULL, NULL, &j,
				    _("reading the Tentacles"), err);
	free(url);
	out->v = NULL;
	out->n = 0;
	if (st != HOIST_OK)
		return st;
	st = decode_tentacles(c, j, out, err);
	cJSON_Delete(j);
	return st;
}

static enum hoist_status decode_tentacles(struct hoist_octopus *c, const cJSON *j,
					  struct hoist_octopus_tentacles *out,
					  struct hoist_error *err)
{
	const cJSON *it;
	const char *what = _("reading the Tentacles");
	enum hoist_status st = HOIST_OK;
	size_t i = 0;
	out->v = NULL;
	out->n = 0;
	if (!cJSON_IsArray(j)) {
		st = shape_error(c, what, "[]", err);
		goto out;
	}
	out->v = hoist_xcalloc((size_t)cJSON_GetArraySize(j) + 1, sizeof *out->v);
	cJSON_ArrayForEach(it, j)
	{
		struct hoist_octopus_tentacle *t = &out->v[i];
		const cJSON *ep = cJSON_GetObjectItemCaseSensitive(it, "Endpoint");
		const cJSON *vd = ep ? cJSON_GetObjectItemCaseSensitive(ep, "TentacleVersionDetails")
				     : NULL;
		if (!hoist_json_get_str(it, "Id"))
			continue;
		t->id = hoist_json_get_strdup(it, "Id");
		t->name = hoist_json_get_strdup(it, "Name");
		t->health = hoist_json_get_strdup(it, "HealthStatus");
		t->latest_calamari = hoist_json_get_bool(it, "HasLatestCalamari");
		{
			const cJSON *envs = cJSON_GetObjectItemCaseSensitive(it, "EnvironmentIds");
			const cJSON *e0 = cJSON_IsArray(envs) ? cJSON_GetArrayItem(envs, 0) : NULL;
			t->environment = cJSON_IsString(e0) ? hoist_xstrdup(e0->valuestring) : NULL;
		}
		if (vd) {
			t->version = hoist_json_get_strdup(vd, "Version");
			t->upgrade_suggested = hoist_json_get_bool(vd, "UpgradeSuggested");
			t->upgrade_required = hoist_json_get_bool(vd, "UpgradeRequired");
		}
		out->n = ++i;
	}
out:
	return st;
}

enum hoist_status hoist_octopus_decode(enum hoist_octopus_answer kind, const char *body,
				       size_t len, struct hoist_error *err)
{
	struct hoist_octopus c = { (char *)"(answer)", NULL, NULL, 0 };
	cJSON *j = cJSON_ParseWithLength(body, len);
	enum hoist_status st = HOIST_OK;
	if (!j)
		return hoist_error_say(err, HOIST_HTTP, N_("the answer is not JSON"));
	switch (kind) {
	case HOIST_ANSWER_VERSION: {
		struct hoist_version v;
		st = decode_version(&c, j, &v, err);
		break;
	}
	case HOIST_ANSWER_MAINTENANCE: {
		bool on;
		st = decode_maintenance(&c, j, &on, err);
		break;
	}
	case HOIST_ANSWER_NODES: {
		struct hoist_octopus_nodes n;
		st = decode_nodes(&c, j, &n, err);
		if (st == HOIST_OK && n.n)
			(void)hoist_octopus_nodes_find(&n, n.v[n.n - 1].name);
		hoist_octopus_nodes_done(&n);
		break;
	}
	case HOIST_ANSWER_TASKS: {
		int count;
		st = decode_tasks(&c, j, &count, err);
		break;
	}
	case HOIST_ANSWER_TENTACLES: {
		struct hoist_octopus_tentacles t;
		st = decode_tentacles(&c, j, &t, err);
		hoist_octopus_tentacles_done(&t);
		break;
	}
	case HOIST_ANSWER_OTHER: {
		/* health, a task's state, a created task: fields read as the calls read them */
		char *a = hoist_json_get_strdup(j, "Description");
		char *b = hoist_json_get_strdup(j, "State"), *id = hoist_json_get_strdup(j, "Id");
		(void)hoist_json_get_bool(j, "IsOperatingNormally");
		(void)hoist_json_get_bool(j, "IsCompleted");
		free(a);
		free(b);
		free(id);
		break;
	}
	}
	cJSON_Delete(j);
	return st;
}

void hoist_octopus_environments_done(struct hoist_octopus_environments *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].id);
		free(e->v[i].name);
	}
	free(e->v);
	e->v = NULL;
	e->n = 0;
}

enum hoist_status hoist_octopus_environments(struct hoist_octopus *c, const char *space,
					     struct hoist_octopus_environments *out,
					     struct hoist_error *err)
{
	cJSON *j = NULL, *it;
	char *url = space_path(space, "environments/all");
	const char *what = _("reading the environments");
	enum hoist_status st = call(c, "GET", url, NULL, NULL, NULL, &j, what, err);
	free(url);
	out->v = NULL;
	out->n = 0;
	if (st != HOIST_OK)
		return st;
	if (!cJSON_IsArray(j)) {
		st = shape_error(c, what, "[]", err);
		cJSON_Delete(j);
		return st;
	}
	out->v = hoist_xcalloc((size_t)cJSON_GetArraySize(j) + 1, sizeof *out->v);
	cJSON_ArrayForEach(it, j)
	{
		if (!hoist_json_get_str(it, "Id") || !hoist_json_get_str(it, "Name"))
			continue;
		out->v[out->n].id = hoist_json_get_strdup(it, "Id");
		out->v[out->n++].name = hoist_json_get_strdup(it, "Name");
	}
	cJSON_Delete(j);
	return HOIST_OK;
}

enum hoist_status hoist_octopus_task_error(struct hoist_octopus *c, const char *id,
					   char **message, struct hoist_error *err)
{
	cJSON *j = NULL;
	enum hoist_status st;
	*message = NULL;
	st = get_task(c, id, &j, err);
	if (st != HOIST_OK)
		return st;
	if (hoist_json_get_str(j, "ErrorMessage") && *hoist_json_get_str(j, "ErrorMessage"))
		*message = hoist_json_get_strdup(j, "ErrorMessage");
	cJSON_Delete(j);
	return HOIST_OK;
}

enum hoist_status hoist_octopus_active_task_ids(struct hoist_octopus *c, const char *name,
						char ***ids, size_t *n, struct hoist_error *err)
{
	cJSON *j = NULL, *items, *it;
	char *esc = curl_easy_escape(NULL, name, 0);
	char *url = hoist_xasprintf("/api/tasks?active=true&name=%s&take=1000", esc ? esc : "");
	enum hoist_status st;
	curl_free(esc);
	*ids = NULL;
	*n = 0;
	st = call(c, "GET", url, NULL, NULL, NULL, &j, _("listing active tasks"), err);
	free(url);
	if (st != HOIST_OK)
		return st;
	items = cJSON_GetObjectItemCaseSensitive(j, "Items");
	*ids = hoist_xcalloc((size_t)cJSON_GetArraySize(items) + 1, sizeof **ids);
	cJSON_ArrayForEach(it, (cJSON_IsArray(items) ? items : NULL))
		if (hoist_json_get_str(it, "Id"))
			(*ids)[(*n)++] = hoist_json_get_strdup(it, "Id");
	cJSON_Delete(j);
	return HOIST_OK;
}
