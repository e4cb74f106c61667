/* guide_build.c: a guide's facts and model, from a run's plan and journal or from a downgrade's backup. */
#include "config.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "guide_int.h"
#include "i18n.h"
#include "journeys.h"
#include "text.h"
#include "xalloc.h"

/* ---- what the journal says happened ---- */
static enum hoist_step_state state_of(const struct hoist_run_summary *s, const char *step,
				      const char *node)
{
	const struct hoist_step_summary *ss = s ? hoist_run_summary_find(s, step, node) : NULL;
	return ss ? ss->state : HOIST_STEP_PENDING;
}

static bool started(enum hoist_step_state st)
{
	return st == HOIST_STEP_RUNNING || st == HOIST_STEP_OK || st == HOIST_STEP_FAILED;
}

/* ---- facts ---- */

static void add_backup(struct hoist_guide *g, const char *item, const struct hoist_step_summary *s)
{
	struct hoist_evidence *b;
	g->backups = hoist_xrealloc(g->backups, (g->n_backups + 1) * sizeof *g->backups);
	b = &g->backups[g->n_backups++];
	hoist_evidence_init(b);
	b->item = hoist_xstrdup(item);
	b->node = guide_dup0(s->node);
	b->path = hoist_xstrdup(s->evidence.path);
	b->size = s->evidence.size;
	b->sha256 = guide_dup0(s->evidence.sha256);
	b->time_ms = s->evidence.time_ms ? s->evidence.time_ms : s->ended_ms;
}

/* Whether name holds version as a whole word (2024.1.2 is not in 2024.1.25). */
static bool names_version(const char *name, const char *version)
{
	size_t n = strlen(version);
	for (const char *p = strstr(name, version); p; p = strstr(p + 1, version)) {
		bool before = p == name || !(p[-1] >= '0' && p[-1] <= '9');
		bool after = !(p[n] >= '0' && p[n] <= '9') && !(p[n] == '.' && p[n + 1] >= '0' &&
								 p[n + 1] <= '9');
		if (before && after)
			return true;
	}
	return false;
}

/* A file in dir (or one level down) whose name holds the version: the cached installer. */
char *guide_scan_installer(const char *dir, const char *version, int depth)
{
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;
	char *found = NULL;
	if (!d)
		return NULL;
	while (!found && (e = readdir(d))) {
		char *p;
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		p = hoist_xasprintf("%s/%s", dir, e->d_name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && names_version(e->d_name, version) &&
		    !strstr(e->d_name, ".part") && !strstr(e->d_name, "backup"))
			found = hoist_xstrdup(p);
		else if (depth > 0 && S_ISDIR(st.st_mode) && strcmp(e->d_name, "backups"))
			found = guide_scan_installer(p, version, depth - 1);
		free(p);
	}
	closedir(d);
	return found;
}

/*
 * Where the stage step caches a package: <state>/cache/octopus-<version>-<sha256:12>.pkg,
 * the state folder being two up from runs/<id>. NULL when it is not there.
 */
char *guide_cache_path(const char *run_dir, const struct hoist_plan_package *pkg)
{
	char *path;
	if (!run_dir)
		return NULL;
	path = hoist_xasprintf("%s/../../cache/octopus-%s-%.12s.pkg", run_dir, pkg->version.text,
			       pkg->sha256 ? pkg->sha256 : "");
	if (!guide_file_exists(path)) {
		free(path);
		return NULL;
	}
	{
		char *real = realpath(path, NULL);
		free(path);
		path = real ? hoist_xstrdup(real) : NULL;
		free(real);
	}
	return path;
}

/* The installer of the version the run upgraded from, as the stage step cached it. */
static void find_installer(struct hoist_guide *g, const struct hoist_plan *plan,
			   const struct hoist_run_summary *s, const char *run_dir)
{
	const char *v = plan->from.text;
	const struct hoist_plan_package *pkg = NULL;
	for (size_t i = 0; i < plan->n_packages; i++)
		if (!hoist_version_cmp(&plan->packages[i].version, &plan->from))
			pkg = &plan->packages[i];
	if (pkg) {
		g->installer_url = guide_dup0(pkg->url);
		g->installer = guide_cache_path(run_dir, pkg);
	}
	for (size_t i = 0; i < plan->n_evidence && !g->installer; i++) {
		const struct hoist_evidence *e = &plan->evidence[i];
		if (e->path && hoist_skip_prefix(e->item, "installer", NULL) && names_version(e->path, v))
			g->installer = hoist_xstrdup(e->path);
	}
	for (size_t i = 0; s && i < s->n_steps && !g->installer; i++) {
		const struct hoist_step_summary *ss = &s->steps[i];
		if (!strcmp(ss->step, "stage") && ss->evidence.path && names_version(ss->evidence.path, v) &&
		    guide_file_exists(ss->evidence.path))
			g->installer = hoist_xstrdup(ss->evidence.path);
	}
	if (!g->installer)
		g->installer = guide_scan_installer(run_dir, v, 1);
}

static void find_failure(struct hoist_guide *g, const struct hoist_run_summary *s)
{
	const struct hoist_step_summary *running = NULL;
	for (size_t i = 0; i < s->n_steps; i++) {
		const struct hoist_step_summary *ss = &s->steps[i];
		if (ss->revert)
			continue;
		if (ss->state == HOIST_STEP_FAILED) {
			g->failed_step = hoist_xstrdup(ss->step);
			g->failed_node = guide_dup0(ss->node);
			g->failed_hop = guide_dup0(ss->hop);
			g->failed_message = guide_dup0(ss->text);
			return;
		}
		if (ss->state == HOIST_STEP_RUNNING && !running)
			running = ss;
	}
	if (running) {
		g->failed_step = hoist_xstrdup(running->step);
		g->failed_node = guide_dup0(running->node);
		g->failed_hop = guide_dup0(running->hop);
		g->failed_message = guide_dup0(running->text);
		g->interrupted = true;
	} else if (s->state != HOIST_RUN_OK) {
		g->failed_message = guide_dup0(s->text);
	}
}

static void guide_init_from_plan(struct hoist_guide *g, const struct hoist_plan *plan)
{
	g->profile = guide_dup0(plan->profile);
	g->server_url = guide_dup0(plan->server_url);
	g->from = plan->from;
	g->to = plan->to;
	g->kind = plan->kind;
	g->strategy = plan->strategy;
	g->journey = guide_dup0(plan->journey);
	if (plan->n_stops) {
		struct hoist_buf b;
		hoist_buf_init(&b, 0);
		for (size_t i = 0; i < plan->n_stops; i++)
			hoist_buf_printf(&b, "%s%s", i ? ", " : "", plan->stops[i].text);
		g->stops = hoist_buf_detach(&b, NULL);
		g->primary = guide_dup0(hoist_plan_primary(plan)->name);
	}
}

static bool plan_has(const struct hoist_plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->n_steps; i++)
		if (!strcmp(plan->steps[i].id, id))
			return true;
	return false;
}

/* rv: what the run did after its failure to undo itself (may be NULL). */
static bool undone(const struct hoist_run_summary *rv, const char *step, const char *node)
{
	return rv && state_of(rv, step, node) == HOIST_STEP_OK;
}

/* The model's nodes and versions as the plan names them, nothing known of their state yet. */
static void model_init(struct model *m, const struct hoist_plan *plan, const struct hoist_guide *g)
{
	memset(m, 0, sizeof *m);
	m->n_nodes = plan->n_nodes;
	m->nodes = hoist_xcalloc(m->n_nodes, sizeof *m->nodes);
	m->primary = hoist_plan_primary(plan)->name;
	m->old = plan->from;
	m->cur = plan->to;
	m->installer = g->installer;
	for (size_t i = 0; i < plan->n_nodes; i++) {
		m->nodes[i].name = plan->nodes[i].name;
		m->nodes[i].url = plan->nodes[i].url;
	}
}

/* The facts a run's journal gives: its end, its failure, its backups, its installer. */
static struct hoist_guide *facts_of_run(const struct hoist_plan *plan,
					const struct hoist_run_summary *s, const char *run_dir)
{
	struct hoist_guide *g = hoist_xcalloc(1, sizeof *g);
	guide_init_from_plan(g, plan);
	g->run_id = guide_dup0(s->run_id);
	g->os_patch = plan_has(plan, "os-patch");
	g->run_ok = s->state == HOIST_RUN_OK;
	g->undone = s->state == HOIST_RUN_UNDONE;
	find_failure(g, s);
	g->pnr_passed = s->pnr_started || hoist_guide_journey_pnr(plan, s);
	g->pnr_half = s->pnr_started && !s->pnr_ok;
	for (size_t i = 0; i < s->n_steps; i++) {
		const struct hoist_step_summary *ss = &s->steps[i];
		if (ss->state != HOIST_STEP_OK || !ss->evidence.path)
			continue;
		if (!strcmp(ss->step, "backup-db"))
			add_backup(g, "database", ss);
		else if (!strcmp(ss->step, "backup-master-key"))
			add_backup(g, "master-key", ss);
	}
	find_installer(g, plan, s, run_dir);
	return g;
}

/* Each node's and the cluster's state after the run (and its revert rv); true: anything changed. */
static bool model_of_run(struct model *m, struct hoist_guide *g, const struct hoist_plan *plan,
			 const struct hoist_run_summary *s, const struct hoist_run_summary *rv)
{
	bool anything = false;
	m->rolling = plan->strategy == HOIST_STRATEGY_ROLLING;
	for (size_t i = 0; i < plan->n_nodes; i++) {
		struct node_state *n = &m->nodes[i];
		const char *name = n->name;
		n->running = !started(state_of(s, "stop", name)) ||
			     started(state_of(s, "start", name)) || undone(rv, "start", name);
		n->drained = started(state_of(s, "drain", name)) &&
			     state_of(s, "undrain", name) != HOIST_STEP_OK &&
			     !undone(rv, "undrain", name);
		n->changed = (started(state_of(s, "install", name)) && !undone(rv, "install", name)) ||
			     started(state_of(s, "os-patch", name));
		if (started(state_of(s, "drain", name))) {
			g->drained = hoist_xrealloc(g->drained, (g->n_drained + 1) * sizeof *g->drained);
			g->drained[g->n_drained++] = hoist_xstrdup(name);
		}
		anything = anything || n->changed || n->drained || !n->running;
	}
	g->maintenance_on = started(state_of(s, "maintenance-on", NULL));
	m->maintenance_now = g->maintenance_on &&
			     state_of(s, "maintenance-off", NULL) != HOIST_STEP_OK &&
			     !undone(rv, "maintenance-off", NULL);
	g->maintenance_still_on = m->maintenance_now;
	g->reverted = rv && rv->n_steps > 0;
	return anything || m->maintenance_now;
}

/* The rule of §7 for the run's kind and point of no return, and the backups it uses. */
static void choose_rule(struct model *m, struct hoist_guide *g)
{
	const struct hoist_evidence *db = guide_find_backup(g, "database");
	const struct hoist_evidence *key = guide_find_backup(g, "master-key");
	if (g->os_patch) {
		m->os_restore = true;
		g->rule = HOIST_GUIDE_OS_SNAPSHOT;
	} else if (g->pnr_passed && (g->kind == HOIST_KIND_MINOR || g->kind == HOIST_KIND_MAJOR)) {
		m->restore = true;
		m->master_key = m->file_storage = g->kind == HOIST_KIND_MAJOR;
		g->rule = g->kind == HOIST_KIND_MAJOR ? HOIST_GUIDE_RESTORE_MAJOR : HOIST_GUIDE_RESTORE;
	} else if (g->pnr_passed) {
		g->rule = HOIST_GUIDE_REINSTALL;
	} else {
		g->rule = HOIST_GUIDE_RESTART;
	}
	if (db) {
		m->backup = db->path;
		m->backup_ms = db->time_ms;
	}
	if (key)
		m->key_backup = key->path;
}

static enum hoist_status build(const struct hoist_plan *plan, const struct hoist_run_summary *s,
			       const struct hoist_run_summary *rv,
			       const struct hoist_profile *profile,
			       const struct hoist_profile_vars *vars, const char *run_dir,
			       struct hoist_guide **out, struct hoist_error *err)
{
	struct hoist_guide *g;
	struct model m;
	bool anything;

	*out = NULL;
	if (!plan || !s || !plan->n_nodes)
		return hoist_error_say(err, HOIST_USAGE,
				       N_("a rollback guide needs the run's plan and its journal"));
	if (s->state == HOIST_RUN_NONE)
		return hoist_error_say(err, HOIST_STATE,
				       N_("the run %s has not started: there is nothing to roll back"),
				       s->run_id ? s->run_id : "");
	g = facts_of_run(plan, s, run_dir);
	model_init(&m, plan, g);
	anything = model_of_run(&m, g, plan, s, rv);
	choose_rule(&m, g);
	/* Undone: the engine put everything back and checked it on the server. */
	if ((anything || m.restore) && !g->undone)
		guide_generate(g, profile, vars, &m);
	hoist_guide_journey_steps(g);
	if (!g->n_steps)
		g->rule = HOIST_GUIDE_NOTHING;
	free(m.nodes);
	*out = g;
	return HOIST_OK;
}

enum hoist_status hoist_guide_build(const struct hoist_plan *plan,
				    const struct hoist_run_summary *s,
				    const struct hoist_profile *profile,
				    const struct hoist_profile_vars *vars, const char *run_dir,
				    struct hoist_guide **out, struct hoist_error *err)
{
	return build(plan, s, NULL, profile, vars, run_dir, out, err);
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * Reads the journal into what the run did (up) and what its revert did (rv), with the
 * validation findings the operator let pass (ign). The revert's steps are those named as
 * such, and those started after the failure again.
 */
static enum hoist_status read_journal(struct hoist_journal_reader *r, struct hoist_run_summary *up,
				      struct hoist_run_summary *rv, char ***ign, size_t *n_ign)
{
	struct hoist_step_ref *late = NULL; /* steps started after the failure: the revert's */
	size_t n_late = 0;
	bool failed = false, got = true;
	enum hoist_status st = HOIST_OK;
	while (got) {
		struct hoist_event ev;
		bool to_rv = false;
		hoist_event_init(&ev, HOIST_EVENT_UNKNOWN);
		st = hoist_journal_reader_next(r, &ev, &got, NULL);
		if (st == HOIST_PARSE) {
			hoist_event_done(&ev);
			got = true;
			continue;
		}
		if (st != HOIST_OK || !got) {
			hoist_event_done(&ev);
			break;
		}
		if (ev.revert) {
			/* The revert phase, as the journal names it: its steps undo the plan's. */
			ev.revert = false;
			hoist_run_summary_apply(rv, &ev);
			hoist_event_done(&ev);
			continue;
		}
		if (ev.step && failed && ev.type == HOIST_EVENT_STEP_START) {
			late = hoist_xrealloc(late, (n_late + 1) * sizeof *late);
			late[n_late].step = hoist_xstrdup(ev.step);
			late[n_late++].node = guide_dup0(ev.node);
		}
		for (size_t i = 0; ev.step && i < n_late && !to_rv; i++)
			to_rv = !strcmp(late[i].step, ev.step) && same(late[i].node, ev.node);
		hoist_run_summary_apply(to_rv ? rv : up, &ev);
		if (ev.type == HOIST_EVENT_LOG && ev.stream && !strcmp(ev.stream, "validation") &&
		    hoist_event_text(&ev)) {
			*ign = hoist_xrealloc(*ign, (*n_ign + 1) * sizeof **ign);
			(*ign)[(*n_ign)++] = hoist_xstrdup(hoist_event_text(&ev));
		}
		if (ev.type == HOIST_EVENT_STEP_END && (ev.outcome == HOIST_OUTCOME_FAILED ||
							ev.outcome == HOIST_OUTCOME_CANCELLED))
			failed = true;
		hoist_event_done(&ev);
	}
	for (size_t i = 0; i < n_late; i++) {
		free(late[i].step);
		free(late[i].node);
	}
	free(late);
	return st;
}

enum hoist_status hoist_guide_build_journal(const struct hoist_plan *plan, const char *journal,
					    const struct hoist_profile *profile,
					    const struct hoist_profile_vars *vars,
					    const char *run_dir, struct hoist_guide **out,
					    struct hoist_error *err)
{
	struct hoist_journal_reader *r;
	struct hoist_run_summary up, rv;
	size_t n_ign = 0;
	char **ign = NULL;
	enum hoist_status st;

	*out = NULL;
	st = hoist_journal_reader_open(journal, &r, err);
	if (st != HOIST_OK)
		return st;
	hoist_run_summary_init(&up);
	hoist_run_summary_init(&rv);
	st = read_journal(r, &up, &rv, &ign, &n_ign);
	hoist_journal_reader_free(r);
	if (st == HOIST_OK)
		st = build(plan, &up, &rv, profile, vars, run_dir, out, err);
	if (st == HOIST_OK) {
		(*out)->ignored = ign;
		(*out)->n_ignored = n_ign;
	} else {
		for (size_t i = 0; i < n_ign; i++)
			free(ign[i]);
		free(ign);
	}
	hoist_run_summary_done(&up);
	hoist_run_summary_done(&rv);
	return st;
}

/* A downgrade's facts: its versions, the run whose backup it uses, that backup. */
static struct hoist_guide *facts_of_downgrade(const struct hoist_guide_downgrade *in,
					      enum hoist_kind k)
{
	const struct hoist_plan *plan = in->plan;
	struct hoist_guide *g = hoist_xcalloc(1, sizeof *g);
	guide_init_from_plan(g, plan);
	g->from = in->target;
	g->to = in->current;
	g->kind = k;
	g->strategy = HOIST_STRATEGY_ALL_AT_ONCE;
	g->run_id = guide_dup0(in->run_id);
	g->run_ok = true;
	g->pnr_passed = true;
	g->installer = guide_dup0(in->installer);
	if (in->backup && in->backup->path) {
		struct hoist_step_summary ss;
		memset(&ss, 0, sizeof ss);
		ss.step = (char *)"backup-db";
		ss.node = hoist_plan_primary(plan)->name;
		ss.evidence = *in->backup;
		add_backup(g, "database", &ss);
	}
	return g;
}

enum hoist_status hoist_guide_build_downgrade(const struct hoist_guide_downgrade *in,
					      const struct hoist_profile *profile,
					      const struct hoist_profile_vars *vars,
					      struct hoist_guide **out, struct hoist_error *err)
{
	const struct hoist_plan *plan = in->plan;
	enum hoist_kind k = hoist_version_kind(&in->target, &in->current);
	struct hoist_guide *g;
	struct model m;

	*out = NULL;
	if (hoist_version_cmp(&in->target, &in->current) >= 0)
		return hoist_error_say(err, HOIST_USAGE,
				       N_("%s is not older than the version the server runs (%s): "
					  "use hoist upgrade"),
				       in->target.text, in->current.text);
	if ((k == HOIST_KIND_MINOR || k == HOIST_KIND_MAJOR) && (!in->backup || !in->backup->path))
		return hoist_error_say(err, HOIST_UNSAFE,
				       N_("going back from %s to %s changes the database schema, and "
					  "no database backup taken at %s is known"),
				       in->current.text, in->target.text, in->target.text);
	g = facts_of_downgrade(in, k);
	model_init(&m, plan, g);
	m.old = in->target;
	m.cur = in->current;
	m.restore = k == HOIST_KIND_MINOR || k == HOIST_KIND_MAJOR;
	m.master_key = m.file_storage = false;
	if (m.restore) {
		m.backup = in->backup->path;
		m.backup_ms = in->backup->time_ms;
	}
	for (size_t i = 0; i < plan->n_nodes; i++) {
		m.nodes[i].running = true;
		m.nodes[i].changed = true;
	}
	/* Downgrading is always done with every node down: the schema may change. */
	m.rolling = false;
	g->rule = m.restore ? (k == HOIST_KIND_MAJOR ? HOIST_GUIDE_RESTORE_MAJOR : HOIST_GUIDE_RESTORE)
			    : HOIST_GUIDE_REINSTALL;
	guide_generate(g, profile, vars, &m);
	free(m.nodes);
	*out = g;
	return HOIST_OK;
}

