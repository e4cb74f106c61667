/* from_bundle.c: `hoist-sandbox init DIR --from-bundle FILE`: a sandbox that mirrors a customer's run. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "buf.h"
#include "bundle.h"
#include "i18n.h"
#include "plan.h"
#include "rundir.h"
#include "sandbox.h"
#include "xalloc.h"

struct sb_from_bundle {
	char *path;              /* owned: the bundle file */
	struct hoist_bundle *b;  /* owned */
	char *names, *roles;     /* owned: comma-separated, in the plan's node order */
	char *durations;         /* owned: ACTION=MS,... from the journal's timings; may be NULL */
	char *fault;             /* owned: the customer's failure as a fault spec; may be NULL */
	char *not_faulted;       /* owned: a failure the sandbox cannot stage; may be NULL */
	char *plan_path;         /* owned: DIR/bundle-plan.json once written */
};

/* Which sandbox action a step's work is, and whether its fault names a version and a node. */
static const struct {
	const char *step, *action;
	bool version, node;
} actions[] = {
	{ "stop", "stop", false, true },         { "start", "start", true, true },
	{ "install", "install", true, true },    { "db-upgrade", "db-upgrade", true, true },
	{ "backup-db", "db-backup", false, false }, { "os-patch", "os-patch", false, true },
	{ "drain", "drain", false, true },       { "undrain", "drain", false, true },
	{ "maintenance-on", "maintenance", false, false },
	{ "maintenance-off", "maintenance", false, false },
};
#define N_ACTIONS (sizeof actions / sizeof actions[0])

/* The step durations that stand for an action's own time (stop, start, install, ...). */
static const char *const timed[][2] = {
	{ "stop", "stop" }, { "start", "start" }, { "install", "install" },
	{ "db-upgrade", "db-upgrade" }, { "backup-db", "db-backup" }, { "os-patch", "os-patch" },
};

static void join(struct hoist_buf *b, const char *text)
{
	if (b->len)
		hoist_buf_puts(b, ",");
	hoist_buf_puts(b, text);
}

static char *fault_of(const struct hoist_bundle *b, char **not_faulted)
{
	const struct hoist_bundle_failure *f = b->failure;
	*not_faulted = NULL;
	if (!f)
		return NULL;
	for (size_t i = 0; i < N_ACTIONS; i++) {
		if (strcmp(actions[i].step, f->step))
			continue;
		return hoist_xasprintf("%s%s%s%s%s=fail", actions[i].action,
				       actions[i].version && f->has_version ? "@" : "",
				       actions[i].version && f->has_version ? f->version.text : "",
				       actions[i].node && f->node ? ":" : "",
				       actions[i].node && f->node ? f->node : "");
	}
	*not_faulted = hoist_xasprintf("%s%s%s", f->step, f->node ? ":" : "",
				       f->node ? f->node : "");
	return NULL;
}

enum hoist_status sb_bundle_open(const char *path, struct sb_from_bundle **out,
				 struct hoist_error *err)
{
	struct sb_from_bundle *fb;
	struct hoist_bundle *b;
	struct hoist_buf names, roles, dur;
	const struct hoist_plan *p;
	enum hoist_status st = hoist_bundle_load(path, &b, err);
	*out = NULL;
	if (st != HOIST_OK)
		return st;
	p = b->plan;
	if (!p->n_nodes || p->n_nodes > SB_NODES_MAX) {
		hoist_bundle_free(b);
		return hoist_error_set(err, HOIST_USAGE, _("the bundle's plan has %zu nodes; a "
							   "sandbox has 1 to %d"), p->n_nodes,
				       SB_NODES_MAX);
	}
	hoist_buf_init(&names, 0);
	hoist_buf_init(&roles, 0);
	hoist_buf_init(&dur, 0);
	for (size_t i = 0; i < p->n_nodes; i++) {
		if (!sb_name_valid(p->nodes[i].name) ||
		    (p->nodes[i].role && !sb_name_valid(p->nodes[i].role))) {
			hoist_buf_done(&names);
			hoist_buf_done(&roles);
			hoist_buf_done(&dur);
			hoist_bundle_free(b);
			return hoist_error_set(err, HOIST_USAGE,
					       _("the bundle's node %s (role %s) has a name the "
						 "sandbox cannot use"), p->nodes[i].name,
					       p->nodes[i].role ? p->nodes[i].role : "-");
		}
		join(&names, p->nodes[i].name);
		join(&roles, p->nodes[i].role ? p->nodes[i].role : "base");
	}
	for (size_t i = 0; i < sizeof timed / sizeof timed[0]; i++) {
		long long ms = hoist_bundle_mean_ms(b, timed[i][0]);
		char *item;
		if (ms < 0)
			continue;
		item = hoist_xasprintf("%s=%lld", timed[i][1], ms);
		join(&dur, item);
		free(item);
	}
	fb = hoist_xcalloc(1, sizeof *fb);
	fb->path = hoist_xstrdup(path);
	fb->b = b;
	fb->names = hoist_buf_detach(&names, NULL);
	fb->roles = hoist_buf_detach(&roles, NULL);
	fb->durations = dur.len ? hoist_buf_detach(&dur, NULL) : NULL;
	hoist_buf_done(&dur);
	fb->fault = fault_of(b, &fb->not_faulted);
	*out = fb;
	return HOIST_OK;
}

void sb_bundle_close(struct sb_from_bundle *fb)
{
	if (!fb)
		return;
	hoist_bundle_free(fb->b);
	free(fb->path);
	free(fb->names);
	free(fb->roles);
	free(fb->durations);
	free(fb->fault);
	free(fb->not_faulted);
	free(fb->plan_path);
	free(fb);
}

void sb_bundle_settings(const struct sb_from_bundle *fb, long *nodes, const char **names,
			const char **roles, const char **version, const char **feed_to,
			const char **durations)
{
	*nodes = (long)fb->b->plan->n_nodes;
	*names = fb->names;
	*roles = fb->roles;
	*version = fb->b->plan->from.text;
	*feed_to = fb->b->plan->to.text;
	*durations = fb->durations;
}

enum hoist_status sb_bundle_slice(const struct sb_from_bundle *fb, struct sb *sb,
				  struct hoist_error *err)
{
	const struct hoist_feed *feed = fb->b->feed;
	cJSON *root, *rels;
	char *text, *path;
	enum hoist_status st;
	if (!feed)
		return HOIST_OK; /* no slice: the sandbox's own feed */
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "format", "hoist-feed/1");
	rels = cJSON_AddArrayToObject(root, "releases");
	for (size_t i = 0; i < feed->n_releases; i++) {
		const struct hoist_release *r = &feed->releases[i];
		cJSON *o = cJSON_CreateObject(), *notes;
		cJSON_AddStringToObject(o, "version", r->version.text);
		if (r->date)
			cJSON_AddStringToObject(o, "date", r->date);
		cJSON_AddBoolToObject(o, "lts", r->lts);
		if (r->has_upgrade_from)
			cJSON_AddStringToObject(o, "upgrade_from", r->upgrade_from.text);
		notes = cJSON_AddArrayToObject(o, "notes");
		for (size_t k = 0; k < r->n_notes; k++) {
			cJSON *n = cJSON_CreateObject();
			cJSON_AddStringToObject(n, "kind", hoist_note_kind_name(r->notes[k].kind));
			cJSON_AddStringToObject(n, "text", r->notes[k].text);
			cJSON_AddItemToArray(notes, n);
		}
		cJSON_AddItemToArray(rels, o);
	}
	text = cJSON_Print(root);
	cJSON_Delete(root);
	path = sb_path(sb, "feed-slice.json");
	st = hoist_rundir_write_atomic(path, text, strlen(text), 0644, err);
	free(path);
	free(text);
	return st;
}

enum hoist_status sb_bundle_finish(struct sb_from_bundle *fb, struct sb *sb,
				   struct hoist_error *err)
{
	const struct hoist_plan *p = fb->b->plan;
	char *path;
	enum hoist_status st;
	/* Nodes that ran another version than the server's keep it here too. */
	for (size_t i = 0; i < p->n_nodes; i++) {
		struct sb_node n;
		if (sb_node_get(sb, p->nodes[i].name, &n) && strcmp(n.version, p->nodes[i].version.text)) {
			snprintf(n.version, sizeof n.version, "%s", p->nodes[i].version.text);
			sb_node_save(sb, &n);
		}
	}
	if (fb->fault && sb_fault_add(sb, fb->fault) != 0)
		return hoist_error_set(err, HOIST_USAGE, _("cannot stage the customer's failure as "
							   "the fault %s"), fb->fault);
	path = sb_path(sb, "bundle-plan.json");
	st = hoist_plan_save(p, path, err);
	free(fb->plan_path);
	fb->plan_path = path;
	return st;
}

void sb_bundle_print(const struct sb_from_bundle *fb, const char *dir)
{
	const struct hoist_bundle *b = fb->b;
	const struct hoist_plan *p = b->plan;
	printf(_("Sandbox %s mirrors run %s (hoist %s on %s):\n"), dir, b->run_id,
	       b->hoist_version, b->host);
	for (size_t i = 0; i < p->n_nodes; i++)
		printf(_("  node %s, role %s, version %s\n"), p->nodes[i].name,
		       p->nodes[i].role ? p->nodes[i].role : "-", p->nodes[i].version.text);
	printf(_("  upgrade %s -> %s; feed: %zu releases from the bundle\n"), p->from.text,
	       p->to.text, b->feed ? b->feed->n_releases : (size_t)0);
	if (fb->durations)
		printf(_("  durations from the customer's journal: %s\n"), fb->durations);
	if (fb->fault)
		printf(_("  the customer's failure, staged as the fault %s\n"), fb->fault);
	else if (fb->not_faulted)
		printf(_("  the customer's run failed at %s, which the sandbox cannot stage; the "
			 "replay will not fail there\n"), fb->not_faulted);
	else
		printf(_("  the customer's run had no failed step\n"));
	printf(_("Replay it:\n"
		 "  hoist-sandbox serve %s &\n"
		 "  hoist --config %s/hoist.conf upgrade --plan %s --retarget --yes\n"
		 "  hoist-sandbox report %s --compare %s\n"),
	       dir, dir, fb->plan_path ? fb->plan_path : "bundle-plan.json", dir, fb->path);
}
