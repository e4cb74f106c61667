/* report.c: `hoist-sandbox report DIR`: the window and the availability, read from the timeline. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "buf.h"
#include "i18n.h"
#include "sandbox.h"
#include "xalloc.h"

/* A span that opens on one event and closes on another: maintenance, an outage, a node down. */
struct span {
	char name[SB_NAME_MAX]; /* "" for the cluster-wide spans */
	long long since;        /* -1 while closed */
	long long total_ms;
	int count;
};

static struct span *span_for(struct span **spans, size_t *n, size_t *alloc, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*spans)[i].name, name))
			return &(*spans)[i];
	*spans = hoist_xgrow(*spans, alloc, *n + 1, sizeof **spans);
	memset(&(*spans)[*n], 0, sizeof **spans);
	snprintf((*spans)[*n].name, SB_NAME_MAX, "%s", name);
	(*spans)[*n].since = -1;
	return &(*spans)[(*n)++];
}

static void open_span(struct span *s, long long t)
{
	if (s->since < 0) {
		s->since = t;
		s->count++;
	}
}

static void close_span(struct span *s, long long t)
{
	if (s->since >= 0) {
		s->total_ms += t - s->since;
		s->since = -1;
	}
}

static int by_time(const void *a, const void *b)
{
	double ta = cJSON_GetNumberValue(cJSON_GetObjectItem(*(cJSON *const *)a, "t"));
	double tb = cJSON_GetNumberValue(cJSON_GetObjectItem(*(cJSON *const *)b, "t"));
	return (ta > tb) - (ta < tb);
}

static cJSON *span_json(const struct span *s, const char *ms_key, const char *count_key)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, ms_key, (double)s->total_ms);
	cJSON_AddNumberToObject(o, count_key, s->count);
	return o;
}

static cJSON *summarise(cJSON **ev, size_t n, long long now)
{
	struct span maint = { "", -1, 0, 0 }, lb = { "", -1, 0, 0 }, *nodes = NULL;
	size_t nn = 0, na = 0;
	int ended = 0, failed = 0;
	cJSON *o = cJSON_CreateObject(), *nj;
	for (size_t i = 0; i < n; i++) {
		const char *e = cJSON_GetStringValue(cJSON_GetObjectItem(ev[i], "event"));
		const char *node = cJSON_GetStringValue(cJSON_GetObjectItem(ev[i], "node"));
		const char *state = cJSON_GetStringValue(cJSON_GetObjectItem(ev[i], "state"));
		long long t = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(ev[i], "t"));
		if (!e)
			continue;
		if (!strcmp(e, "maintenance-on"))
			open_span(&maint, t);
		else if (!strcmp(e, "maintenance-off"))
			close_span(&maint, t);
		else if (!strcmp(e, "lb-unavailable"))
			open_span(&lb, t);
		else if (!strcmp(e, "lb-available"))
			close_span(&lb, t);
		else if (!strcmp(e, "node-down") && node)
			open_span(span_for(&nodes, &nn, &na, node), t);
		else if (!strcmp(e, "node-up") && node)
			close_span(span_for(&nodes, &nn, &na, node), t);
		else if (!strcmp(e, "task-end")) {
			ended++;
			failed += state && !strcmp(state, "Failed");
		}
	}
	/* Spans still open count up to now. */
	close_span(&maint, now);
	close_span(&lb, now);
	for (size_t i = 0; i < nn; i++)
		close_span(&nodes[i], now);
	cJSON_AddNumberToObject(o, "from",
				n ? cJSON_GetNumberValue(cJSON_GetObjectItem(ev[0], "t")) : 0);
	cJSON_AddNumberToObject(o, "to", (double)now);
	cJSON_AddNumberToObject(o, "maintenance_ms", (double)maint.total_ms);
	cJSON_AddNumberToObject(o, "maintenance_windows", maint.count);
	cJSON_AddNumberToObject(o, "lb_unavailable_ms", (double)lb.total_ms);
	cJSON_AddNumberToObject(o, "lb_outages", lb.count);
	cJSON_AddNumberToObject(o, "tasks_ended", ended);
	cJSON_AddNumberToObject(o, "tasks_failed", failed);
	nj = cJSON_AddObjectToObject(o, "nodes");
	for (size_t i = 0; i < nn; i++)
		cJSON_AddItemToObject(nj, nodes[i].name, span_json(&nodes[i], "down_ms", "outages"));
	free(nodes);
	return o;
}

static int num(const cJSON *o, const char *key)
{
	return (int)cJSON_GetNumberValue(cJSON_GetObjectItem(o, key));
}

static void print_span(const char *what, const cJSON *o, const char *ms, const char *count)
{
	int n = num(o, count);
	printf(P_("%s: %lld ms in %d span\n", "%s: %lld ms in %d spans\n", (unsigned long)n), what,
	       (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(o, ms)), n);
}

/* hoist-sandbox report DIR [--json] */
int sb_cmd_report(int argc, char **argv)
{
	struct sb sb = { NULL, NULL };
	struct hoist_buf text;
	char chunk[8192], *path, *line, *save = NULL, *out;
	cJSON **ev = NULL, *o, *nd;
	size_t n = 0, alloc = 0, got;
	FILE *f;
	bool json = false;
	const char *compare = NULL;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--compare") && i + 1 < argc)
			compare = argv[++i];
		else
			argc = 0;
	}
	if (argc < 2) {
		fprintf(stderr, _("usage: hoist-sandbox report DIR [--compare BUNDLE] [--json]\n"));
		return 2;
	}
	if (compare)
		return sb_report_compare(argv[1], compare, json);
	sb.dir = argv[1];
	path = sb_path(&sb, "timeline.jsonl");
	if (!(f = fopen(path, "r"))) {
		fprintf(stderr, _("hoist-sandbox: cannot read %s\n"), path);
		free(path);
		return 1;
	}
	hoist_buf_init(&text, 0);
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		hoist_buf_append(&text, chunk, got);
	fclose(f);
	free(path);
	for (line = strtok_r(text.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		cJSON *e = cJSON_Parse(line);
		if (!cJSON_IsNumber(cJSON_GetObjectItem(e, "t"))) {
			cJSON_Delete(e);
			continue;
		}
		ev = hoist_xgrow(ev, &alloc, n + 1, sizeof *ev);
		ev[n++] = e;
	}
	hoist_buf_done(&text);
	qsort(ev, n, sizeof *ev, by_time);
	o = summarise(ev, n, sb_now_ms());
	if (json) {
		out = cJSON_Print(o);
		printf("%s\n", out);
		free(out);
	} else {
		print_span(_("maintenance mode"), o, "maintenance_ms", "maintenance_windows");
		print_span(_("load balancer unavailable"), o, "lb_unavailable_ms", "lb_outages");
		cJSON_ArrayForEach(nd, cJSON_GetObjectItem(o, "nodes")) {
			char *what = hoist_xasprintf(_("node %s down"), nd->string);
			print_span(what, nd, "down_ms", "outages");
			free(what);
		}
		printf(_("tasks ended: %d, failed: %d\n"), num(o, "tasks_ended"),
		       num(o, "tasks_failed"));
	}
	cJSON_Delete(o);
	for (size_t i = 0; i < n; i++)
		cJSON_Delete(ev[i]);
	free(ev);
	return 0;
}
