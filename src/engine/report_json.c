/* report_json.c: the JSON documents the faces print about versions: selections, checks, notes. */
#include "config.h"
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "jsonout.h"
#include "report_json.h"
#include "xalloc.h"

/* A streamed document goes to its sink in pieces of about this size. */
#define SINK_CHUNK (64u << 10)

static char *json_finish(cJSON *root)
{
	char *text = hoist_json_print(root, false);
	cJSON_Delete(root);
	return text;
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
