/* report.c: the server's version, the configured feed, and the JSON faces print. */
#include "config.h"
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "jsonout.h"
#include "report.h"
#include "xalloc.h"

#define API_MAX_BODY (1024 * 1024)
/* A streamed document goes to its sink in pieces of about this size. */
#define SINK_CHUNK (64u << 10)

/* cJSON allocates through the engine's family, so no result needs a NULL check. */
static void json_hooks(void)
{
	static cJSON_Hooks hooks = { hoist_xmalloc, free };
	cJSON_InitHooks(&hooks);
}

static char *json_finish(cJSON *root)
{
	char *text = cJSON_PrintUnformatted(root);
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
	struct hoist_http_request req;
	struct hoist_http_response resp;
	struct hoist_http *h;
	enum hoist_status st;
	size_t len;
	char *url;
	cJSON *root = NULL;
	const cJSON *version;
	if (!c->server_url)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("no server is configured; give the current version with "
					 "--current, or set [server] url in hoist.conf or "
					 "HOIST_SERVER_URL"));
	st = hoist_http_check_url(c->server_url, c->allow_http, err);
	if (st != HOIST_OK)
		return st;
	len = strlen(c->server_url);
	while (len && c->server_url[len - 1] == '/')
		len--;
	url = hoist_xasprintf("%.*s/api", (int)len, c->server_url);
	hoist_report_http_options(c, &o);
	o.max_body = API_MAX_BODY;
	o.total_timeout_ms = 60000;
	memset(&req, 0, sizeof req);
	req.url = url;
	req.api_key = c->api_key;
	req.idempotent = true;
	hoist_http_response_init(&resp);
	h = hoist_http_new(&o);
	st = hoist_http_perform(h, &req, &resp, err);
	hoist_http_free(h);
	if (st == HOIST_OK && resp.status != 200)
		st = hoist_http_status_error(resp.status, _("reading the server's version"), url,
					     &resp.body, err);
	if (st == HOIST_OK) {
		json_hooks();
		root = cJSON_ParseWithLength(hoist_buf_cstr(&resp.body), resp.body.len);
		version = cJSON_GetObjectItemCaseSensitive(root, "Version");
		if (!cJSON_IsString(version))
			st = hoist_error_set(err, HOIST_HTTP,
					     _("the answer of %s has no Version; is this an "
					       "Octopus server?"),
					     url);
		else if (hoist_version_parse(version->valuestring, out, err) != HOIST_OK) {
			hoist_error_prefix(err, _("the server at %s reports a version hoist cannot "
						  "read"),
					   url);
			st = HOIST_HTTP;
			if (err)
				err->status = st;
		}
	}
	cJSON_Delete(root);
	hoist_http_response_done(&resp);
	free(url);
	return st;
}

static cJSON *version_or_null(const struct hoist_release *r)
{
	return r ? cJSON_CreateString(r->version.text) : cJSON_CreateNull();
}

/* Written directly, not through a cJSON tree: a large feed has tens of thousands. */
static enum hoist_status selection_json(const struct hoist_selection *s,
					hoist_report_sink_fn sink, void *ctx, struct hoist_buf *b)
{
	enum hoist_status st = HOIST_OK;
	hoist_buf_puts(b, "{\"current\":");
	hoist_json_put_string(b, s->current.text);
	hoist_buf_puts(b, ",\"recommended\":");
	hoist_json_put_string(b, s->recommended ? s->recommended->version.text : NULL);
	hoist_buf_puts(b, ",\"releases\":[");
	for (size_t i = 0; i < s->n && st == HOIST_OK; i++) {
		const struct hoist_verdict *v = &s->verdicts[i];
		hoist_buf_puts(b, i ? ",{\"version\":" : "{\"version\":");
		hoist_json_put_string(b, v->release->version.text);
		hoist_buf_puts(b, ",\"kind\":");
		hoist_json_put_string(b, hoist_kind_name(v->kind));
		hoist_buf_puts(b, v->eligible ? ",\"eligible\":true,\"reason\":"
					      : ",\"eligible\":false,\"reason\":");
		hoist_json_put_string(b, v->eligible || !v->reason ? "" : v->reason);
		hoist_buf_puts(b, ",\"date\":");
		hoist_json_put_string(b, v->release->date);
		hoist_buf_puts(b, "}");
		if (sink && b->len >= SINK_CHUNK) {
			st = sink(ctx, b->data, b->len);
			hoist_buf_reset(b);
		}
	}
	hoist_buf_puts(b, "]}");
	if (sink && st == HOIST_OK) {
		st = sink(ctx, b->data, b->len);
		hoist_buf_reset(b);
	}
	return st;
}

char *hoist_report_selection_json(const struct hoist_selection *s)
{
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	selection_json(s, NULL, NULL, &b);
	return hoist_buf_detach(&b, NULL);
}

enum hoist_status hoist_report_selection_json_write(const struct hoist_selection *s,
						    hoist_report_sink_fn sink, void *ctx)
{
	struct hoist_buf b;
	enum hoist_status st;
	hoist_buf_init(&b, 0);
	st = selection_json(s, sink, ctx, &b);
	hoist_buf_done(&b);
	return st;
}

char *hoist_report_check_json(const struct hoist_selection *s)
{
	cJSON *root, *list;
	json_hooks();
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
	json_hooks();
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
