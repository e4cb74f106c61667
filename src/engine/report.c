/* report.c: the server's version, the configured feed, and the JSON faces print. */
#include "config.h"
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "json.h"
#include "octopus.h"
#include "report.h"
#include "xalloc.h"

#define API_MAX_BODY (1024 * 1024)

static char *json_finish(cJSON *root)
{
	char *text = hoist_json_print(root, false);
	cJSON_Delete(root);
	return text;
}

void hoist_report_http_options(const struct hoist_config *c, struct hoist_http_options *o)
{
	hoist_http_options_init(o);
	o->insecure = !c->tls_verify;
	o->allow_plain_http = c->allow_http;
	o->ca_file = c->ca_file;
}

enum hoist_status hoist_report_feed_load(const struct hoist_config *c, struct hoist_feed **out,
					 struct hoist_error *err)
{
	struct hoist_feed_options o;
	hoist_feed_options_init(&o);
	hoist_report_http_options(c, &o.http);
	return hoist_feed_load(c->feed, &o, out, err);
}

enum hoist_status hoist_report_server_version(const struct hoist_config *c,
					      struct hoist_version *out, struct hoist_error *err)
{
	struct hoist_http_options o;
	struct hoist_octopus *oc;
	enum hoist_status st;
	if (!c->server_url)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("no server is configured; give the current version with "
					 "--current, or set [server] url in hoist.conf or "
					 "HOIST_SERVER_URL"));
	st = hoist_http_check_url(c->server_url, c->allow_http, err);
	if (st != HOIST_OK)
		return st;
	hoist_report_http_options(c, &o);
	o.max_body = API_MAX_BODY;
	/* The same client as a plan's: the same answer gets the same message and code. */
	oc = hoist_octopus_new(c->server_url, c->api_key, &o);
	st = hoist_octopus_probe(oc, out, err);
	hoist_octopus_free(oc);
	return st;
}

static cJSON *version_or_null(const struct hoist_release *r)
{
	return r ? cJSON_CreateString(r->version.text) : cJSON_CreateNull();
}

char *hoist_report_selection_json(const struct hoist_selection *s)
{
	cJSON *root, *list;
	hoist_json_init();
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "current", s->current.text);
	cJSON_AddItemToObject(root, "recommended", version_or_null(s->recommended));
	list = cJSON_AddArrayToObject(root, "releases");
	for (size_t i = 0; i < s->n; i++) {
		const struct hoist_verdict *v = &s->verdicts[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "version", v->release->version.text);
		cJSON_AddStringToObject(o, "kind", hoist_kind_name(v->kind));
		cJSON_AddBoolToObject(o, "eligible", v->eligible);
		cJSON_AddStringToObject(o, "reason", v->eligible || !v->reason ? "" : v->reason);
		if (v->release->date)
			cJSON_AddStringToObject(o, "date", v->release->date);
		else
			cJSON_AddNullToObject(o, "date");
		cJSON_AddItemToArray(list, o);
	}
	return json_finish(root);
}

char *hoist_report_check_json(const struct hoist_selection *s)
{
	cJSON *root, *list;
	hoist_json_init();
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "current", s->current.text);
	cJSON_AddItemToObject(root, "recommended", version_or_null(s->recommended));
	list = cJSON_AddArrayToObject(root, "eligible");
	for (size_t i = 0; i < s->n; i++)
		if (s->verdicts[i].eligible)
			cJSON_AddItemToArray(list,
					     cJSON_CreateString(s->verdicts[i].release->version.text));
	return json_finish(root);
}

char *hoist_report_notes_json(const struct hoist_notes *n)
{
	cJSON *root, *stops, *notes;
	hoist_json_init();
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "from", n->chain.from.text);
	cJSON_AddStringToObject(root, "to", n->chain.to.text);
	cJSON_AddStringToObject(root, "kind", hoist_kind_name(n->chain.kind));
	stops = cJSON_AddArrayToObject(root, "stops");
	for (size_t i = 0; i < n->chain.n_stops; i++)
		cJSON_AddItemToArray(stops, cJSON_CreateString(n->chain.stops[i].text));
	notes = cJSON_AddArrayToObject(root, "notes");
	for (size_t i = 0; i < n->n; i++) {
		const struct hoist_note_entry *e = &n->entries[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "version", e->release->version.text);
		cJSON_AddStringToObject(o, "kind", hoist_note_kind_name(e->kind));
		cJSON_AddStringToObject(o, "text", e->text);
		cJSON_AddItemToArray(notes, o);
	}
	return json_finish(root);
}
