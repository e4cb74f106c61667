/* plan.c: building, checking and (de)serialising upgrade plans. */
#include "config.h"
#include <limits.h>
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "buf.h"
#include "json.h"
#include "i18n.h"
#include "plan.h"
#include "profile.h"
#include "xalloc.h"

/* Every step of DESIGN §6, in the order of an all-at-once run, then the other journeys. */
static const struct hoist_step_info steps[] = {
	{ "preflight", false, true, true, false,
	  N_("check the server, the key, every node, disk space and permissions") },
	{ "stage", false, true, true, false,
	  N_("download the installers, verify their SHA-256, cache the current one") },
	{ "backup-master-key", true, true, true, false,
	  N_("save the master key (0600) and check it decrypts the server's canary") },
	{ "maintenance-on", false, true, true, true, N_("turn maintenance mode on") },
	{ "drain", true, true, true, true, N_("drain the node: it takes no new task") },
	{ "wait-tasks", false, true, true, true,
	  N_("wait until no task is queued or running (maintenance mode does not stop them)") },
	{ "stop", true, true, true, true, N_("stop the Octopus service") },
	{ "backup-db", true, true, true, true, N_("back up the database") },
	{ "install", true, true, true, true, N_("install the new version") },
	{ "db-upgrade", true, false, false, true,
	  N_("upgrade the database schema (the point of no return)") },
	{ "start", true, true, true, true, N_("start the Octopus service") },
	{ "validate", true, true, true, true,
	  N_("check the node answers and reports the target version") },
	{ "undrain", true, true, true, true, N_("end the drain of the node") },
	{ "maintenance-off", false, true, true, true,
	  N_("turn maintenance mode off once every node reports the target version") },
	{ "db-restore", true, false, true, true,
	  N_("restore the database from this run's backup (rollback)") },
	{ "master-key-restore", true, false, true, true,
	  N_("put back the master key saved by this run (rollback)") },
	{ "os-patch", true, false, false, true, N_("apply the operating-system patches") },
	{ "migrate-data", false, false, false, true, N_("migrate the data (legacy upgrade)") },
	{ "tentacles", false, true, true, false, N_("upgrade the Tentacles in batches") },
	{ "health-check", false, true, true, true,
	  N_("start a health check over the targets and follow it to its end (Calamari is "
	     "updated then)") },
	{ "backup-license-key", true, true, true, false,
	  N_("save the license key (by hand: the 2.6 migration does not import it)") },
	{ "move-packages", true, true, true, true,
	  N_("move the built-in package repository's files to the new folder (by hand)") },
	{ "install-tentacles", false, true, true, true,
	  N_("install Tentacle 3.x on every deployment target (by hand)") },
	{ "clean-up-home", true, true, true, false,
	  N_("clean up the old Octopus Home folder (optional, by hand)") },
	{ NULL, false, false, false, false, NULL }
};

const struct hoist_step_info *hoist_step_table(void)
{
	return steps;
}

const struct hoist_step_info *hoist_step_info(const char *id)
{
	for (const struct hoist_step_info *s = steps; id && s->id; s++)
		if (!strcmp(s->id, id))
			return s;
	return NULL;
}

const char *hoist_strategy_name(enum hoist_strategy s)
{
	switch (s) {
	case HOIST_STRATEGY_ALL_AT_ONCE: return "all-at-once";
	case HOIST_STRATEGY_ROLLING: return "rolling";
	default: return "auto";
	}
}

enum hoist_status hoist_strategy_parse(const char *text, enum hoist_strategy *s,
				       struct hoist_error *err)
{
	if (text && !strcmp(text, "all-at-once"))
		*s = HOIST_STRATEGY_ALL_AT_ONCE;
	else if (text && !strcmp(text, "rolling"))
		*s = HOIST_STRATEGY_ROLLING;
	else if (text && !strcmp(text, "auto"))
		*s = HOIST_STRATEGY_AUTO;
	else
		return hoist_error_say(err, HOIST_USAGE,
				       N_("unknown strategy \"%s\" (expected all-at-once, rolling "
					  "or auto)"),
				       text ? text : "");
	return HOIST_OK;
}

static char *dup0(const char *s)
{
	return s ? hoist_xstrdup(s) : NULL;
}

/* Node names go into commands and file names: keep them to a safe alphabet. */
static bool name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

/* Position of a role in the order; unknown roles (and none) come last. */
static size_t role_rank(const char *order, const char *role)
{
	size_t rank = 0, len = role ? strlen(role) : 0;
	const char *p = order;
	while (role && *p) {
		size_t n = strcspn(p, ",");
		const char *w = p;
		size_t wn = n;
		while (wn && isspace((unsigned char)*w))
			w++, wn--;
		while (wn && isspace((unsigned char)w[wn - 1]))
			wn--;
		if (wn == len && !strncasecmp(w, role, len))
			return rank;
		rank++;
		p += n + (p[n] == ',');
	}
	return (size_t)-1;
}

static void add_step(struct hoist_plan *p, size_t *alloc, const char *id, const char *node,
		     const struct hoist_version *v)
{
	struct hoist_plan_step *s;
	p->steps = hoist_xgrow(p->steps, alloc, p->n_steps + 1, sizeof *p->steps);
	s = &p->steps[p->n_steps++];
	memset(s, 0, sizeof *s);
	s->id = hoist_xstrdup(id);
	s->node = dup0(node);
	s->version = *v;
}

void hoist_plan_add_step(struct hoist_plan *p, const char *id, const char *node,
			 const struct hoist_version *version, const char *arg)
{
	/* Growing by one each time: plans are short and built once. */
	size_t alloc = p->n_steps;
	add_step(p, &alloc, id, node, version ? version : &p->to);
	p->steps[p->n_steps - 1].arg = dup0(arg);
}

static void each_node(struct hoist_plan *p, size_t *alloc, const char *id,
		      const struct hoist_version *v)
{
	for (size_t i = 0; i < p->n_nodes; i++)
		add_step(p, alloc, id, p->nodes[i].name, v);
}

/* Marks the steps from `from` on as the hop to v's. */
static void mark_hop(struct hoist_plan *p, size_t from, const struct hoist_version *v)
{
	for (size_t i = from; i < p->n_steps; i++) {
		free(p->steps[i].hop);
		p->steps[i].hop = hoist_xstrdup(v->text);
	}
}

static bool same0(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

const struct hoist_plan_step *hoist_plan_find_step(const struct hoist_plan *p, const char *id,
						   const char *node, const char *hop)
{
	for (size_t i = 0; i < p->n_steps; i++)
		if (!strcmp(p->steps[i].id, id) && same0(p->steps[i].node, node) &&
		    same0(p->steps[i].hop, hop))
			return &p->steps[i];
	return NULL;
}

const struct hoist_plan_node *hoist_plan_primary(const struct hoist_plan *p)
{
	for (size_t i = 0; i < p->n_nodes; i++)
		if (p->nodes[i].role && !strcasecmp(p->nodes[i].role, "primary"))
			return &p->nodes[i];
	return p->n_nodes ? &p->nodes[0] : NULL;
}

long hoist_plan_pnr_index(const struct hoist_plan *p)
{
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].point_of_no_return)
			return (long)i;
	return -1;
}

/*
 * A required stop as the vendor intends: the intermediate version is installed where
 * the database upgrade runs (the primary), upgrades the database, starts and is
 * validated there, then stops again for the next hop; the other nodes go straight
 * to the target. The first stop's database upgrade is the point of no return.
 */
static void add_stops(struct hoist_plan *p, size_t *alloc, const char *primary)
{
	for (size_t h = 0; h < p->n_stops; h++) {
		const struct hoist_version *v = &p->stops[h];
		size_t first = p->n_steps;
		add_step(p, alloc, "install", primary, v);
		add_step(p, alloc, "db-upgrade", primary, v);
		if (h == 0)
			p->steps[p->n_steps - 1].point_of_no_return = true;
		add_step(p, alloc, "start", primary, v);
		add_step(p, alloc, "validate", primary, v);
		add_step(p, alloc, "stop", primary, v);
		mark_hop(p, first, v);
	}
}

static void build_steps(struct hoist_plan *p)
{
	size_t alloc = 0;
	const char *primary = hoist_plan_primary(p)->name;
	bool pnr_marked = false;

	add_step(p, &alloc, "preflight", NULL, &p->to);
	add_step(p, &alloc, "stage", NULL, &p->to);
	add_step(p, &alloc, "backup-master-key", primary, &p->from);
	if (p->strategy == HOIST_STRATEGY_ROLLING) {
		/* The cluster keeps serving: an online backup, then one node at a time. */
		add_step(p, &alloc, "backup-db", primary, &p->from);
		for (size_t i = 0; i < p->n_nodes; i++) {
			static const char *const per[] = { "drain", "wait-tasks", "stop", "install",
							   "start", "validate", "undrain" };
			for (size_t k = 0; k < sizeof per / sizeof *per; k++)
				add_step(p, &alloc, per[k], p->nodes[i].name, &p->to);
		}
		add_step(p, &alloc, "health-check", NULL, &p->to);
		return;
	}
	add_step(p, &alloc, "maintenance-on", NULL, &p->to);
	each_node(p, &alloc, "drain", &p->to);
	add_step(p, &alloc, "wait-tasks", NULL, &p->to);
	each_node(p, &alloc, "stop", &p->to);
	add_step(p, &alloc, "backup-db", primary, &p->from);
	add_stops(p, &alloc, primary);
	pnr_marked = p->n_stops > 0;
	{
		size_t first = p->n_steps;
		each_node(p, &alloc, "install", &p->to);
		add_step(p, &alloc, "db-upgrade", primary, &p->to);
		if (!pnr_marked) {
			p->steps[p->n_steps - 1].point_of_no_return = true;
			pnr_marked = true;
		}
		if (p->n_stops)
			mark_hop(p, first, &p->to);
	}
	/* The node that upgraded the database starts first, then the others. */
	add_step(p, &alloc, "start", primary, &p->to);
	for (size_t i = 0; i < p->n_nodes; i++)
		if (strcmp(p->nodes[i].name, primary))
			add_step(p, &alloc, "start", p->nodes[i].name, &p->to);
	each_node(p, &alloc, "validate", &p->to);
	each_node(p, &alloc, "undrain", &p->to);
	/* Seed 001: a health check after the upgrade, which also brings Calamari up to date. */
	add_step(p, &alloc, "health-check", NULL, &p->to);
	add_step(p, &alloc, "maintenance-off", NULL, &p->to);
}

static void copy_node(struct hoist_plan_node *d, const struct hoist_plan_node *s)
{
	d->name = hoist_xstrdup(s->name);
	d->role = dup0(s->role);
	d->transport = hoist_xstrdup(s->transport ? s->transport : "local");
	d->url = dup0(s->url);
	d->version = s->version;
	d->shell = dup0(s->shell);
	d->remote_dir = dup0(s->remote_dir);
}

/*
 * One node alone (seed 004's `kato node upgrade`): its own steps and the cluster's checks.
 * The vendor upgrades every node of a cluster together when the schema changes (minor,
 * major, a chain), so only a patch or a repair may touch one node of several.
 */
static enum hoist_status only_node(struct hoist_plan *p, const char *name,
				   struct hoist_error *err)
{
	const char *primary = hoist_plan_primary(p)->name;
	size_t k = 0;
	bool known = false;
	for (size_t i = 0; i < p->n_nodes; i++)
		known = known || !strcmp(p->nodes[i].name, name);
	if (!known)
		return hoist_error_say(err, HOIST_UNSAFE,
				       N_("--node %s: the plan has no such node"), name);
	if (p->n_nodes > 1 && (p->n_stops || (p->kind != HOIST_KIND_PATCH &&
					      p->kind != HOIST_KIND_NONE)))
		return hoist_error_say(err, HOIST_UNSAFE,
				       N_("--node %s: %s to %s is a %s upgrade, which changes the "
					  "database schema; the vendor upgrades every node of a "
					  "cluster together then: upgrade the whole cluster"),
				       name, p->from.text, p->to.text, hoist_kind_name(p->kind));
	for (size_t i = 0; i < p->n_steps; i++) {
		struct hoist_plan_step *s = &p->steps[i];
		bool keep = !s->node || !strcmp(s->node, name) ||
			    (!strcmp(s->node, primary) && (!strcmp(s->id, "backup-db") ||
							   !strcmp(s->id, "backup-master-key")));
		if (!keep) {
			free(s->id);
			free(s->node);
			free(s->arg);
			free(s->hop);
			continue;
		}
		p->steps[k++] = *s;
	}
	p->n_steps = k;
	return HOIST_OK;
}

/* The input's nodes (usable names, each once) and versions (to newer than from, or forced). */
static enum hoist_status check_input(const struct hoist_plan_input *in, struct hoist_error *err)
{
	if (!in->n_nodes)
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("no server nodes are known; name them in the configuration "
					  "or check the server's node list"));
	for (size_t i = 0; i < in->n_nodes; i++) {
		if (!name_ok(in->nodes[i].name))
			return hoist_error_say(err, HOIST_CONFIG,
					       N_("the node name \"%s\" is not usable (letters, "
						  "digits, '.', '_' and '-', at most 64)"),
					       in->nodes[i].name ? in->nodes[i].name : "");
		for (size_t k = 0; k < i; k++)
			if (!strcmp(in->nodes[i].name, in->nodes[k].name))
				return hoist_error_say(err, HOIST_CONFIG,
						       N_("the node %s is listed twice"),
						       in->nodes[i].name);
	}
	if (hoist_version_cmp(&in->from, &in->to) > 0 ||
	    (!in->force && !hoist_version_cmp(&in->from, &in->to)))
		return hoist_error_say(err, HOIST_STATE,
				       N_("%s is not newer than the current version %s; to go back, "
					  "use hoist downgrade"),
				       in->to.text, in->from.text);
	return HOIST_OK;
}

/* Nodes in role order; a stable sort keeps the given order within a role. */
static void add_nodes(struct hoist_plan *p, const struct hoist_plan_input *in)
{
	const char *order = in->role_order ? in->role_order : HOIST_DEFAULT_ROLE_ORDER;
	size_t *rank;
	p->nodes = hoist_xcalloc(in->n_nodes, sizeof *p->nodes);
	rank = hoist_xcalloc(in->n_nodes, sizeof *rank);
	for (size_t i = 0; i < in->n_nodes; i++) {
		size_t r = role_rank(order, in->nodes[i].role), j = p->n_nodes;
		while (j > 0 && rank[j - 1] > r) {
			p->nodes[j] = p->nodes[j - 1];
			rank[j] = rank[j - 1];
			j--;
		}
		copy_node(&p->nodes[j], &in->nodes[i]);
		rank[j] = r;
		p->n_nodes++;
	}
	free(rank);
}

static void add_packages(struct hoist_plan *p, const struct hoist_plan_input *in)
{
	if (!in->n_packages)
		return;
	p->packages = hoist_xcalloc(in->n_packages, sizeof *p->packages);
	for (size_t i = 0; i < in->n_packages; i++) {
		p->packages[i].version = in->packages[i].version;
		p->packages[i].url = dup0(in->packages[i].url);
		p->packages[i].sha256 = dup0(in->packages[i].sha256);
		p->packages[i].size = in->packages[i].size;
		p->packages[i].checksum_source = dup0(in->packages[i].checksum_source);
		p->packages[i].signature = dup0(in->packages[i].signature);
	}
	p->n_packages = in->n_packages;
}

enum hoist_status hoist_plan_build(const struct hoist_plan_input *in, struct hoist_plan **out,
				   struct hoist_error *err)
{
	struct hoist_plan *p;
	enum hoist_status st;

	*out = NULL;
	if ((st = check_input(in, err)) != HOIST_OK)
		return st;

	p = hoist_xcalloc(1, sizeof *p);
	p->server_url = dup0(in->server_url);
	p->profile = dup0(in->profile ? in->profile : HOIST_PROFILE_DEFAULT);
	p->feed = dup0(in->feed);
	p->from = in->from;
	p->to = in->to;
	p->kind = hoist_version_kind(&in->from, &in->to);
	p->window_estimate_ms = -1;
	p->strategy = in->strategy;
	if (p->strategy == HOIST_STRATEGY_AUTO)
		p->strategy = (p->kind == HOIST_KIND_PATCH || p->kind == HOIST_KIND_NONE) &&
				      !in->n_stops
				      ? HOIST_STRATEGY_ROLLING
				      : HOIST_STRATEGY_ALL_AT_ONCE;
	if (p->strategy == HOIST_STRATEGY_ROLLING &&
	    ((p->kind != HOIST_KIND_PATCH && p->kind != HOIST_KIND_NONE) || in->n_stops)) {
		enum hoist_kind k = p->kind;
		hoist_plan_free(p);
		return hoist_error_say(err, HOIST_UNSAFE,
				       N_("a rolling upgrade is only safe for a patch (no database "
					  "schema change); %s to %s is a %s upgrade: use all-at-once"),
				       in->from.text, in->to.text, hoist_kind_name(k));
	}
	if (in->n_stops) {
		p->stops = hoist_xcalloc(in->n_stops, sizeof *p->stops);
		memcpy(p->stops, in->stops, in->n_stops * sizeof *p->stops);
		p->n_stops = in->n_stops;
	}

	add_nodes(p, in);
	add_packages(p, in);
	if (in->n_overrides) {
		p->overrides = hoist_xcalloc(in->n_overrides, sizeof *p->overrides);
		for (size_t i = 0; i < in->n_overrides; i++)
			p->overrides[i] = hoist_xstrdup(in->overrides[i]);
		p->n_overrides = in->n_overrides;
	}
	build_steps(p);
	if (in->only_node && only_node(p, in->only_node, err) != HOIST_OK) {
		hoist_plan_free(p);
		return HOIST_UNSAFE;
	}
	*out = p;
	return HOIST_OK;
}

void hoist_plan_free(struct hoist_plan *p)
{
	if (!p)
		return;
	free(p->server_url);
	free(p->profile);
	free(p->feed);
	free(p->stops);
	for (size_t i = 0; i < p->n_nodes; i++) {
		free(p->nodes[i].name);
		free(p->nodes[i].role);
		free(p->nodes[i].transport);
		free(p->nodes[i].url);
		free(p->nodes[i].shell);
		free(p->nodes[i].remote_dir);
	}
	free(p->nodes);
	for (size_t i = 0; i < p->n_packages; i++) {
		free(p->packages[i].url);
		free(p->packages[i].sha256);
		free(p->packages[i].checksum_source);
		free(p->packages[i].signature);
	}
	free(p->packages);
	for (size_t i = 0; i < p->n_steps; i++) {
		free(p->steps[i].id);
		free(p->steps[i].node);
		free(p->steps[i].arg);
		free(p->steps[i].hop);
	}
	free(p->steps);
	for (size_t i = 0; i < p->n_evidence; i++)
		hoist_evidence_done(&p->evidence[i]);
	free(p->evidence);
	for (size_t i = 0; i < p->n_overrides; i++)
		free(p->overrides[i]);
	free(p->overrides);
	free(p->journey);
	free(p->window_estimate_run);
	free(p);
}

void hoist_plan_add_evidence(struct hoist_plan *p, const struct hoist_evidence *e)
{
	struct hoist_evidence *d;
	/* Replaces an earlier record of the same item: the newest evidence counts. */
	for (size_t i = 0; i < p->n_evidence; i++)
		if (!strcmp(p->evidence[i].item, e->item)) {
			hoist_evidence_done(&p->evidence[i]);
			memmove(&p->evidence[i], &p->evidence[i + 1],
				(p->n_evidence - i - 1) * sizeof *p->evidence);
			p->n_evidence--;
			break;
		}
	p->evidence = hoist_xrealloc(p->evidence, (p->n_evidence + 1) * sizeof *p->evidence);
	d = &p->evidence[p->n_evidence++];
	hoist_evidence_copy(d, e);
}

void hoist_plan_add_override(struct hoist_plan *p, const char *text)
{
	for (size_t i = 0; i < p->n_overrides; i++)
		if (!strcmp(p->overrides[i], text))
			return;
	p->overrides = hoist_xrealloc(p->overrides, (p->n_overrides + 2) * sizeof *p->overrides);
	p->overrides[p->n_overrides++] = hoist_xstrdup(text);
	p->overrides[p->n_overrides] = NULL;
}

static void add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/* The nodes in upgrade order. */
static cJSON *nodes_json(const struct hoist_plan *p)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < p->n_nodes; i++) {
		cJSON *n = cJSON_CreateObject();
		cJSON_AddStringToObject(n, "name", p->nodes[i].name);
		add_str(n, "role", p->nodes[i].role);
		cJSON_AddStringToObject(n, "transport", p->nodes[i].transport);
		add_str(n, "url", p->nodes[i].url);
		cJSON_AddStringToObject(n, "version", p->nodes[i].version.text);
		if (p->nodes[i].shell)
			cJSON_AddStringToObject(n, "shell", p->nodes[i].shell);
		if (p->nodes[i].remote_dir)
			cJSON_AddStringToObject(n, "remote_dir", p->nodes[i].remote_dir);
		cJSON_AddItemToArray(a, n);
	}
	return a;
}

/* The packages, with where their checksums came from. */
static cJSON *packages_json(const struct hoist_plan *p)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < p->n_packages; i++) {
		cJSON *n = cJSON_CreateObject();
		cJSON_AddStringToObject(n, "version", p->packages[i].version.text);
		add_str(n, "url", p->packages[i].url);
		add_str(n, "sha256", p->packages[i].sha256);
		cJSON_AddNumberToObject(n, "size", (double)p->packages[i].size);
		add_str(n, "checksum_source", p->packages[i].checksum_source);
		if (p->packages[i].signature)
			cJSON_AddStringToObject(n, "signature", p->packages[i].signature);
		cJSON_AddItemToArray(a, n);
	}
	return a;
}

/* The steps in order. */
static cJSON *steps_json(const struct hoist_plan *p)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < p->n_steps; i++) {
		cJSON *n = cJSON_CreateObject();
		cJSON_AddStringToObject(n, "id", p->steps[i].id);
		add_str(n, "node", p->steps[i].node);
		cJSON_AddStringToObject(n, "version", p->steps[i].version.text);
		if (p->steps[i].point_of_no_return)
			cJSON_AddTrueToObject(n, "point_of_no_return");
		if (p->steps[i].arg)
			cJSON_AddStringToObject(n, "arg", p->steps[i].arg);
		if (p->steps[i].hop)
			cJSON_AddStringToObject(n, "hop", p->steps[i].hop);
		cJSON_AddItemToArray(a, n);
	}
	return a;
}

/* The evidence records. */
static cJSON *evidence_json(const struct hoist_plan *p)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < p->n_evidence; i++) {
		const struct hoist_evidence *e = &p->evidence[i];
		cJSON *n = cJSON_CreateObject();
		cJSON_AddStringToObject(n, "item", e->item);
		add_str(n, "path", e->path);
		cJSON_AddNumberToObject(n, "size", (double)e->size);
		add_str(n, "sha256", e->sha256);
		add_str(n, "time", e->time);
		cJSON_AddBoolToObject(n, "by_engine", e->by_engine);
		cJSON_AddBoolToObject(n, "verified", e->verified);
		if (e->waived)
			cJSON_AddStringToObject(n, "waived", e->waived);
		cJSON_AddItemToArray(a, n);
	}
	return a;
}

char *hoist_plan_to_json(const struct hoist_plan *p)
{
	cJSON *j = cJSON_CreateObject(), *a;
	char *text, *out;
	cJSON_AddStringToObject(j, "format", "hoist-plan/1");
	add_str(j, "server", p->server_url);
	add_str(j, "profile", p->profile);
	add_str(j, "feed", p->feed);
	cJSON_AddStringToObject(j, "from", p->from.text);
	cJSON_AddStringToObject(j, "to", p->to.text);
	a = cJSON_AddArrayToObject(j, "stops");
	for (size_t i = 0; i < p->n_stops; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(p->stops[i].text));
	cJSON_AddStringToObject(j, "kind", hoist_kind_name(p->kind));
	cJSON_AddStringToObject(j, "strategy", hoist_strategy_name(p->strategy));
	cJSON_AddItemToObject(j, "nodes", nodes_json(p));
	cJSON_AddItemToObject(j, "packages", packages_json(p));
	cJSON_AddItemToObject(j, "steps", steps_json(p));
	cJSON_AddItemToObject(j, "evidence", evidence_json(p));
	a = cJSON_AddArrayToObject(j, "overrides");
	for (size_t i = 0; i < p->n_overrides; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(p->overrides[i]));
	cJSON_AddNumberToObject(j, "window_estimate_ms", (double)p->window_estimate_ms);
	if (p->journey)
		cJSON_AddStringToObject(j, "journey", p->journey);
	/* Also with no runs behind a known estimate: read back, it must stay as it is. */
	if (p->window_estimate_runs || p->window_estimate_ms >= 0) {
		cJSON_AddNumberToObject(j, "window_estimate_min_ms",
					(double)p->window_estimate_min_ms);
		cJSON_AddNumberToObject(j, "window_estimate_runs", (double)p->window_estimate_runs);
		add_str(j, "window_estimate_run", p->window_estimate_run);
	}
	cJSON_AddStringToObject(j, "mode", p->dry_run ? "dry-run" : "run");
	text = hoist_json_print(j, true);
	cJSON_Delete(j);
	out = hoist_xstrdup(text);
	free(text);
	return out;
}

/* Reading: every field checked; a plan file is outside data. */
struct reader {
	struct hoist_error *err;
	enum hoist_status st;
};

static const char *rstr(struct reader *r, const cJSON *o, const char *k, bool required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (cJSON_IsString(v))
		return v->valuestring;
	if (required && r->st == HOIST_OK)
		r->st = hoist_error_say(r->err, HOIST_PARSE,
					N_("the plan has no valid \"%s\""), k);
	return NULL;
}

static void rver(struct reader *r, const cJSON *o, const char *k, struct hoist_version *v)
{
	const char *s = rstr(r, o, k, true);
	if (s && r->st == HOIST_OK && hoist_version_parse(s, v, r->err) != HOIST_OK) {
		r->st = HOIST_PARSE;
		hoist_error_prefix_say(r->err, N_("plan field \"%s\""), k);
	}
}

static const cJSON *rarr(struct reader *r, const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (cJSON_IsArray(v))
		return v;
	if (r->st == HOIST_OK)
		r->st = hoist_error_say(r->err, HOIST_PARSE, N_("the plan has no valid \"%s\" list"),
					k);
	return NULL;
}

static long long rnum(const cJSON *o, const char *k, long long dflt)
{
	return hoist_json_int(cJSON_GetObjectItemCaseSensitive(o, k), LLONG_MIN, LLONG_MAX, dflt);
}

/* The required stops of a chain, in order. */
static void read_stops(struct reader *r, const cJSON *j, struct hoist_plan *p)
{
	const cJSON *a, *it;
	if ((a = rarr(r, j, "stops"))) {
		p->stops = hoist_xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *p->stops);
		cJSON_ArrayForEach(it, a)
		{
			if (r->st != HOIST_OK)
				break;
			if (!cJSON_IsString(it) ||
			    hoist_version_parse(it->valuestring, &p->stops[p->n_stops], r->err)) {
				r->st = hoist_error_say(r->err, HOIST_PARSE,
						       N_("the plan's stop %zu is not a version"),
						       p->n_stops + 1);
				break;
			}
			p->n_stops++;
		}
	}
}

/* The nodes, each with a usable name. */
static void read_nodes(struct reader *r, const cJSON *j, struct hoist_plan *p)
{
	const cJSON *a, *it;
	if ((a = rarr(r, j, "nodes"))) {
		p->nodes = hoist_xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *p->nodes);
		cJSON_ArrayForEach(it, a)
		{
			struct hoist_plan_node *n = &p->nodes[p->n_nodes];
			const char *name = rstr(r, it, "name", true);
			if (r->st != HOIST_OK)
				break;
			if (!name_ok(name)) {
				r->st = hoist_error_say(r->err, HOIST_PARSE,
						       N_("the plan names an unusable node \"%s\""), name);
				break;
			}
			n->name = hoist_xstrdup(name);
			n->role = dup0(rstr(r, it, "role", false));
			n->transport = dup0(rstr(r, it, "transport", true));
			n->url = dup0(rstr(r, it, "url", false));
			n->shell = dup0(rstr(r, it, "shell", false));
			n->remote_dir = dup0(rstr(r, it, "remote_dir", false));
			p->n_nodes++;
			rver(r, it, "version", &n->version);
		}
	}
}

/* The packages: one per hop and the current one. */
static void read_packages(struct reader *r, const cJSON *j, struct hoist_plan *p)
{
	const cJSON *a, *it;
	if ((a = rarr(r, j, "packages"))) {
		p->packages = hoist_xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *p->packages);
		cJSON_ArrayForEach(it, a)
		{
			struct hoist_plan_package *k = &p->packages[p->n_packages];
			if (r->st != HOIST_OK)
				break;
			k->url = dup0(rstr(r, it, "url", false));
			k->sha256 = dup0(rstr(r, it, "sha256", false));
			k->size = rnum(it, "size", -1);
			k->checksum_source = dup0(rstr(r, it, "checksum_source", false));
			k->signature = dup0(rstr(r, it, "signature", false));
			p->n_packages++;
			rver(r, it, "version", &k->version);
		}
	}
}

/* The steps, each a known one on a node of the plan. */
static void read_steps(struct reader *r, const cJSON *j, struct hoist_plan *p)
{
	const cJSON *a, *it;
	size_t i;
	if ((a = rarr(r, j, "steps"))) {
		p->steps = hoist_xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *p->steps);
		cJSON_ArrayForEach(it, a)
		{
			struct hoist_plan_step *st = &p->steps[p->n_steps];
			const char *id = rstr(r, it, "id", true), *node = rstr(r, it, "node", false);
			if (r->st != HOIST_OK)
				break;
			if (!hoist_step_info(id)) {
				r->st = hoist_error_say(r->err, HOIST_PARSE,
						       N_("the plan has an unknown step \"%s\""), id);
				break;
			}
			if (node) {
				for (i = 0; i < p->n_nodes && strcmp(p->nodes[i].name, node); i++)
					;
				if (i == p->n_nodes) {
					r->st = hoist_error_say(r->err, HOIST_PARSE,
							       N_("the plan's step %s names node %s, "
								  "which is not in its node list"),
							       id, node);
					break;
				}
			}
			st->id = hoist_xstrdup(id);
			st->node = dup0(node);
			st->arg = dup0(rstr(r, it, "arg", false));
			st->hop = dup0(rstr(r, it, "hop", false));
			st->point_of_no_return = cJSON_IsTrue(
				cJSON_GetObjectItemCaseSensitive(it, "point_of_no_return"));
			p->n_steps++;
			rver(r, it, "version", &st->version);
		}
	}
}

/* The evidence records and the overrides (both optional). */
static void read_evidence(struct reader *r, const cJSON *j, struct hoist_plan *p)
{
	const cJSON *a, *it;
	if ((a = cJSON_GetObjectItemCaseSensitive(j, "evidence")) && cJSON_IsArray(a)) {
		cJSON_ArrayForEach(it, a)
		{
			struct hoist_evidence e = { 0 };
			const char *item = rstr(r, it, "item", true);
			if (r->st != HOIST_OK)
				break;
			e.item = (char *)item;
			e.path = (char *)rstr(r, it, "path", false);
			e.size = rnum(it, "size", -1);
			e.sha256 = (char *)rstr(r, it, "sha256", false);
			e.time = (char *)rstr(r, it, "time", false);
			e.by_engine = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "by_engine"));
			e.verified = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "verified"));
			e.waived = (char *)rstr(r, it, "waived", false);
			hoist_plan_add_evidence(p, &e);
		}
	}
	if ((a = cJSON_GetObjectItemCaseSensitive(j, "overrides")) && cJSON_IsArray(a)) {
		p->overrides = hoist_xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(char *));
		cJSON_ArrayForEach(it, a)
			if (cJSON_IsString(it))
				p->overrides[p->n_overrides++] = hoist_xstrdup(it->valuestring);
	}
}

/* The window estimate and the journey (optional). */
static void read_extras(struct reader *r, const cJSON *j, struct hoist_plan *p)
{
	p->window_estimate_ms = rnum(j, "window_estimate_ms", -1);
	p->window_estimate_min_ms = rnum(j, "window_estimate_min_ms", p->window_estimate_ms);
	p->window_estimate_runs = (size_t)hoist_json_int(
		cJSON_GetObjectItemCaseSensitive(j, "window_estimate_runs"), 0, INT_MAX,
		p->window_estimate_ms >= 0 ? 1 : 0);
	p->journey = dup0(rstr(r, j, "journey", false));
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "window_estimate_run")))
		p->window_estimate_run = hoist_xstrdup(
			cJSON_GetObjectItemCaseSensitive(j, "window_estimate_run")->valuestring);
}

enum hoist_status hoist_plan_from_json(const char *text, size_t len, struct hoist_plan **out,
				       struct hoist_error *err)
{
	struct reader r = { err, HOIST_OK };
	cJSON *j = cJSON_ParseWithLength(text, len);
	const char *s;
	struct hoist_plan *p;
	size_t i;

	*out = NULL;
	if (!j)
		return hoist_error_say(err, HOIST_PARSE, N_("the plan is not valid JSON"));
	s = rstr(&r, j, "format", true);
	if (s && strcmp(s, "hoist-plan/1")) {
		hoist_error_say(err, HOIST_PARSE,
				N_("the plan's format \"%s\" is not one this hoist reads "
				   "(hoist-plan/1)"),
				s);
		cJSON_Delete(j);
		return HOIST_PARSE;
	}
	p = hoist_xcalloc(1, sizeof *p);
	p->server_url = dup0(rstr(&r, j, "server", false));
	p->profile = dup0(rstr(&r, j, "profile", true));
	p->feed = dup0(rstr(&r, j, "feed", false));
	rver(&r, j, "from", &p->from);
	rver(&r, j, "to", &p->to);
	if (r.st == HOIST_OK)
		p->kind = hoist_version_kind(&p->from, &p->to);
	s = rstr(&r, j, "strategy", true);
	if (s && r.st == HOIST_OK)
		r.st = hoist_strategy_parse(s, &p->strategy, err);
	read_stops(&r, j, p);
	read_nodes(&r, j, p);
	read_packages(&r, j, p);
	read_steps(&r, j, p);
	read_evidence(&r, j, p);
	read_extras(&r, j, p);
	s = rstr(&r, j, "mode", false);
	p->dry_run = s && !strcmp(s, "dry-run");
	/* A chain's plan written before hops were named: install and db-upgrade carry theirs. */
	for (i = 0; r.st == HOIST_OK && p->n_stops && i < p->n_steps; i++)
		if (!p->steps[i].hop && (!strcmp(p->steps[i].id, "install") ||
					 !strcmp(p->steps[i].id, "db-upgrade")))
			p->steps[i].hop = hoist_xstrdup(p->steps[i].version.text);
	if (r.st == HOIST_OK && (!p->n_nodes || !p->n_steps))
		r.st = hoist_error_say(err, HOIST_PARSE, N_("the plan has no nodes or no steps"));
	cJSON_Delete(j);
	if (r.st != HOIST_OK) {
		hoist_plan_free(p);
		return r.st;
	}
	*out = p;
	return HOIST_OK;
}

enum hoist_status hoist_plan_save(const struct hoist_plan *p, const char *path,
				  struct hoist_error *err)
{
	char *text = hoist_plan_to_json(p), *tmp = hoist_xasprintf("%s.tmp", path);
	size_t len = strlen(text), off = 0;
	enum hoist_status st = HOIST_OK;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		st = hoist_error_say(err, HOIST_IO, N_("cannot write the plan %s: %s"), path,
				     strerror(errno));
		goto out;
	}
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			st = hoist_error_say(err, HOIST_IO, N_("cannot write the plan %s: %s"), path,
					     strerror(errno));
			break;
		}
		off += (size_t)n;
	}
	if (st == HOIST_OK && (write(fd, "\n", 1) != 1 || fsync(fd) != 0))
		st = hoist_error_say(err, HOIST_IO, N_("cannot write the plan %s: %s"), path,
				     strerror(errno));
	close(fd);
	if (st == HOIST_OK && rename(tmp, path) != 0)
		st = hoist_error_say(err, HOIST_IO, N_("cannot write the plan %s: %s"), path,
				     strerror(errno));
	if (st != HOIST_OK)
		unlink(tmp);
out:
	free(tmp);
	free(text);
	return st;
}

enum hoist_status hoist_plan_load(const char *path, struct hoist_plan **out,
				  struct hoist_error *err)
{
	struct hoist_buf b;
	char chunk[8192];
	enum hoist_status st = HOIST_OK;
	FILE *f = fopen(path, "re");
	size_t n;
	*out = NULL;
	if (!f)
		return hoist_error_say(err, HOIST_IO, N_("cannot read the plan %s: %s"), path,
				       strerror(errno));
	hoist_buf_init(&b, 8u << 20);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (hoist_buf_append(&b, chunk, n) != HOIST_OK) {
			st = hoist_error_say(err, HOIST_TOOBIG, N_("the plan %s is too large"), path);
			break;
		}
	fclose(f);
	if (st == HOIST_OK) {
		st = hoist_plan_from_json(b.data ? b.data : "", b.len, out, err);
		if (st != HOIST_OK)
			hoist_error_prefix(err, "%s", path);
	}
	hoist_buf_done(&b);
	return st;
}
