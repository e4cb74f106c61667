/* guide.c: the rollback guide, generated from what a run's journal says it did (§7). */
#include "config.h"
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "buf.h"
#include "exec.h"
#include "guide.h"
#include "json.h"
#include "i18n.h"
#include "journeys.h"
#include "rundir.h"
#include "xalloc.h"

/* The vendor's upgrade documentation, where each major release's own guide is linked. */
#define VENDOR_UPGRADE_GUIDE "https://octopus.com/docs/administration/upgrading"

static char *dup0(const char *s)
{
	return s ? hoist_xstrdup(s) : NULL;
}

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

/* What a node is now, as far as the rollback is concerned. */
struct node_state {
	const char *name;
	const char *url;
	bool running;  /* may be running (stopping and starting are both safe to repeat) */
	bool drained;  /* drained by the run and not undrained since */
	bool changed;  /* the new version (or the OS patch) may be on it */
};

/* What the steps must achieve: the facts the generator works from. */
struct model {
	struct node_state *nodes;
	size_t n_nodes;
	const char *primary;
	bool rolling;
	bool maintenance_now; /* maintenance mode is on now (the run turned it on) */
	bool restore;         /* restore the database */
	bool master_key;      /* check / put back the master key */
	bool file_storage;    /* restore the file-storage folders (by hand) */
	bool os_restore;      /* restore an OS snapshot instead of reinstalling (by hand) */
	const char *backup;   /* the database backup's path; NULL: none */
	long long backup_ms;
	const char *key_backup; /* the saved master key's path; NULL: none */
	const char *installer;  /* the cached installer; may be NULL */
	struct hoist_version old; /* the version to go back to */
	struct hoist_version cur; /* the version the changed nodes may run */
};

/* ---- commands ---- */

struct gen {
	struct hoist_guide *g;
	const struct hoist_profile *profile;
	const struct hoist_profile_vars *vars;
	const struct model *m;
};

static void copy_vars(struct hoist_profile_vars *dst, const struct hoist_profile_vars *src)
{
	hoist_profile_vars_init(dst);
	for (size_t i = 0; src && i < src->n; i++)
		hoist_profile_vars_set(dst, src->names[i], src->values[i], NULL);
}

/* Expands action for the step into its display line and first vector; false if it cannot. */
static bool expand(const struct gen *gen, const char *action, const char *node,
		   const struct hoist_version *v, const char *package, const char *backup,
		   char **display, char ***argv)
{
	struct hoist_profile_vars vars;
	struct hoist_profile_cmds cmds;
	struct hoist_buf line;
	bool ok = false;

	if (!gen->profile || !hoist_profile_has(gen->profile, action))
		return false;
	copy_vars(&vars, gen->vars);
	hoist_profile_cmds_init(&cmds);
	if (node)
		hoist_profile_vars_set(&vars, "node", node, NULL);
	if (v && v->text[0])
		hoist_profile_vars_set(&vars, "version", v->text, NULL);
	if (package)
		hoist_profile_vars_set(&vars, "package", package, NULL);
	if (backup)
		hoist_profile_vars_set(&vars, "backup", backup, NULL);
	if (hoist_profile_expand(gen->profile, action, &vars, &cmds, NULL) == HOIST_OK &&
	    cmds.n) {
		hoist_buf_init(&line, 0);
		for (size_t i = 0; i < cmds.n; i++) {
			char *d = hoist_exec_argv_display((const char *const *)cmds.argv[i]);
			if (i)
				hoist_buf_puts(&line, " && ");
			hoist_buf_puts(&line, d);
			free(d);
		}
		*display = hoist_buf_detach(&line, NULL);
		*argv = hoist_exec_argv_dup((const char *const *)cmds.argv[0]);
		ok = true;
	}
	hoist_profile_cmds_done(&cmds);
	hoist_profile_vars_done(&vars);
	return ok;
}

static const char *server_of(const struct gen *gen)
{
	return gen->g->server_url ? gen->g->server_url : "SERVER";
}

/*
 * The request hoist makes for a step the server's API does (no command on the node), as a
 * curl command one can paste: the key is read from the key file there, never written here.
 */
static char *curl_line(const struct gen *gen, const char *method, const char *body,
		       const char *url)
{
	const char *kf = gen->vars ? hoist_profile_vars_get(gen->vars, "api_key_file") : NULL;
	if (body)
		return hoist_xasprintf("curl -fsS -X %s -H \"X-Octopus-ApiKey: $(cat '%s')\" "
				       "-H 'Content-Type: application/json' -d '%s' '%s'",
				       method, kf ? kf : "API_KEY_FILE", body, url);
	return hoist_xasprintf("curl -fsS -H \"X-Octopus-ApiKey: $(cat '%s')\" '%s'",
			       kf ? kf : "API_KEY_FILE", url);
}

static char *api_line(const struct gen *gen, const char *step, const char *node)
{
	const char *url = server_of(gen);
	char *u, *line;
	bool on = !strcmp(step, "maintenance-on") || !strcmp(step, "drain");
	const char *body = on ? "{\"IsInMaintenanceMode\": true}" : "{\"IsInMaintenanceMode\": false}";
	if (!strcmp(step, "maintenance-on") || !strcmp(step, "maintenance-off"))
		u = hoist_xasprintf("%s/api/maintenanceconfiguration", url);
	else if (!strcmp(step, "drain") || !strcmp(step, "undrain"))
		u = hoist_xasprintf("%s/api/octopusservernodes/OctopusServerNodes-%s", url, node);
	else if (!strcmp(step, "wait-tasks"))
		u = hoist_xasprintf("%s/api/tasks?active=true", url), body = NULL;
	else if (!strcmp(step, "validate")) {
		const char *nu = url;
		for (size_t i = 0; i < gen->m->n_nodes; i++)
			if (!strcmp(gen->m->nodes[i].name, node) && gen->m->nodes[i].url)
				nu = gen->m->nodes[i].url;
		u = hoist_xasprintf("%s/api", nu);
		body = NULL;
	} else
		return NULL;
	line = curl_line(gen, body ? "PUT" : "GET", body, u);
	free(u);
	return line;
}

/* ---- steps ---- */

static struct hoist_guide_step *add(struct gen *gen, const char *step, const char *node,
				    const char *arg, char *reason)
{
	struct hoist_guide *g = gen->g;
	struct hoist_guide_step *s;
	g->steps = hoist_xgrow(g->steps, &g->alloc, g->n_steps + 1, sizeof *g->steps);
	s = &g->steps[g->n_steps++];
	memset(s, 0, sizeof *s);
	s->number = (unsigned)g->n_steps;
	s->step = dup0(step);
	s->node = dup0(node);
	s->arg = dup0(arg);
	s->version = gen->m->old;
	s->reason = reason;
	if (!step)
		return s;
	if (!strcmp(step, "install")) {
		expand(gen, "install", node, &gen->m->old, gen->m->installer, NULL, &s->command,
		       &s->argv);
	} else if (!strcmp(step, "db-restore")) {
		if (arg)
			expand(gen, "db-restore", node, &gen->m->old, NULL, arg, &s->command,
			       &s->argv);
	} else if (!strcmp(step, "master-key-restore")) {
		expand(gen, "show-master-key", node, &gen->m->old, NULL, NULL, &s->command,
		       &s->argv);
	} else if (!expand(gen, step, node, &gen->m->old, NULL, NULL, &s->command, &s->argv)) {
		s->command = api_line(gen, step, node);
	}
	return s;
}

static bool needs_stop(const struct model *m, const struct node_state *n)
{
	return n->running && (n->changed || m->restore);
}

static bool needs_start(const struct model *m, const struct node_state *n)
{
	return !n->running || needs_stop(m, n);
}

static bool node_drain(struct gen *gen, const struct node_state *n)
{
	if (!needs_stop(gen->m, n) || n->drained)
		return false;
	add(gen, "drain", n->name, NULL,
	    hoist_xasprintf(_("Drain node %s so it takes no new task before it stops."), n->name));
	return true;
}

static void node_stop(struct gen *gen, const struct node_state *n)
{
	const struct model *m = gen->m;
	if (needs_stop(m, n) && m->os_restore)
		add(gen, "stop", n->name, NULL,
		    hoist_xasprintf(_("Stop the Octopus service on node %s before its operating "
				      "system is restored."),
				    n->name));
	else if (needs_stop(m, n))
		add(gen, "stop", n->name, NULL,
		    m->restore
			    ? hoist_xasprintf(_("Stop the Octopus service on node %s: the database "
						"can only be restored while every node is stopped."),
					      n->name)
			    : hoist_xasprintf(_("Stop the Octopus service on node %s: it may run "
						"%s, and the installer cannot replace files in use."),
					      n->name, m->cur.text));
}

static void node_restore_os(struct gen *gen, const struct node_state *n)
{
	if (gen->m->os_restore && n->changed)
		add(gen, NULL, n->name, NULL,
		    hoist_xasprintf(_("Restore the operating system of node %s from the snapshot "
				      "taken before patching (VM snapshot, disk image or restore "
				      "point); do not restore the database."),
				    n->name));
}

static void node_install(struct gen *gen, const struct node_state *n)
{
	const struct model *m = gen->m;
	if (!n->changed || m->os_restore)
		return;
	if (m->installer)
		add(gen, "install", n->name, m->installer,
		    hoist_xasprintf(_("Reinstall %s over the top on node %s from the cached "
				      "installer %s (there is no need to uninstall %s)."),
				    m->old.text, n->name, m->installer, m->cur.text));
	else
		add(gen, "install", n->name, NULL,
		    hoist_xasprintf(_("Reinstall %s over the top on node %s (there is no need to "
				      "uninstall %s)."),
				    m->old.text, n->name, m->cur.text));
}

static void node_start(struct gen *gen, const struct node_state *n)
{
	if (needs_start(gen->m, n))
		add(gen, "start", n->name, NULL,
		    hoist_xasprintf(_("Start the Octopus service on node %s again."), n->name));
}

static void node_validate(struct gen *gen, const struct node_state *n)
{
	if (needs_start(gen->m, n) || n->changed)
		add(gen, "validate", n->name, NULL,
		    hoist_xasprintf(_("Check that node %s answers and reports version %s."),
				    n->name, gen->m->old.text));
}

static void node_undrain(struct gen *gen, const struct node_state *n, bool drained_now)
{
	/* A drain of the failed run names that run: the rollback undoes another run's change. */
	if (n->drained || drained_now)
		add(gen, "undrain", n->name, drained_now ? NULL : gen->g->run_id,
		    hoist_xasprintf(_("End the drain of node %s so it takes tasks again."),
				    n->name));
}

static bool any(const struct model *m, bool (*pred)(const struct model *, const struct node_state *))
{
	for (size_t i = 0; i < m->n_nodes; i++)
		if (pred(m, &m->nodes[i]))
			return true;
	return false;
}

static bool node_touched(const struct model *m, const struct node_state *n)
{
	return needs_start(m, n) || n->changed || n->drained;
}

/* One node at a time, the others serving: a patch or OS patching in a cluster. */
static void generate_rolling(struct gen *gen)
{
	const struct model *m = gen->m;
	for (size_t i = 0; i < m->n_nodes; i++) {
		const struct node_state *n = &m->nodes[i];
		bool drained_now = false;
		if (!node_touched(m, n))
			continue;
		drained_now = node_drain(gen, n);
		if (drained_now)
			add(gen, "wait-tasks", n->name, NULL,
			    hoist_xasprintf(_("Wait until node %s runs no task."), n->name));
		node_stop(gen, n);
		node_restore_os(gen, n);
		node_install(gen, n);
		node_start(gen, n);
		node_validate(gen, n);
		node_undrain(gen, n, drained_now);
	}
}

/* Every node down together: the database can only change while none runs. */
static void generate_all_at_once(struct gen *gen)
{
	const struct model *m = gen->m;
	bool *drained_now = hoist_xcalloc(m->n_nodes ? m->n_nodes : 1, sizeof *drained_now);
	bool any_drain = false, stop_any = any(m, needs_stop);
	const struct node_state *primary = NULL;

	/* Still on from the run: it stays on (no node may be up to ask the API anyway). */
	if (m->restore && !m->maintenance_now)
		add(gen, "maintenance-on", NULL, NULL,
		    hoist_xstrdup(_("Turn maintenance mode on, so no one writes data the restore "
				    "would lose.")));
	else if (stop_any && !m->maintenance_now)
		add(gen, "maintenance-on", NULL, NULL,
		    hoist_xstrdup(_("Turn maintenance mode on while the nodes are reinstalled.")));
	for (size_t i = 0; i < m->n_nodes; i++)
		if (node_drain(gen, &m->nodes[i]))
			drained_now[i] = any_drain = true;
	if (any_drain)
		add(gen, "wait-tasks", NULL, NULL,
		    hoist_xstrdup(_("Wait until no task is queued or running.")));
	for (size_t i = 0; i < m->n_nodes; i++)
		node_stop(gen, &m->nodes[i]);
	if (m->restore && m->backup)
		add(gen, "db-restore", m->primary, m->backup,
		    hoist_xasprintf(_("From node %s, restore the database from the backup this run "
				      "took before the upgrade (%s): the upgraded schema cannot be "
				      "used by %s."),
				    m->primary, m->backup, m->old.text));
	else if (m->restore)
		add(gen, NULL, m->primary, NULL,
		    hoist_xasprintf(_("From node %s, restore the database from the most recent "
				      "backup you took before the upgrade: this run has none, and "
				      "the upgraded schema cannot be used by %s."),
				    m->primary, m->old.text));
	if (m->master_key && m->key_backup)
		add(gen, "master-key-restore", m->primary, m->key_backup,
		    hoist_xasprintf(_("Check that node %s uses the master key this run saved (%s) "
				      "and put it back if not: the restored data is encrypted with "
				      "it."),
				    m->primary, m->key_backup));
	else if (m->master_key)
		add(gen, NULL, m->primary, NULL,
		    hoist_xasprintf(_("Put back on node %s the master key you saved before the "
				      "upgrade: this run saved none, and the restored data is "
				      "encrypted with it."),
				    m->primary));
	if (m->file_storage)
		add(gen, NULL, NULL, NULL,
		    hoist_xstrdup(_("Restore the file-storage folders (packages, artifacts, task "
				    "logs, event exports) from the copy taken before the upgrade: "
				    "hoist does not copy them.")));
	for (size_t i = 0; i < m->n_nodes; i++)
		node_restore_os(gen, &m->nodes[i]);
	for (size_t i = 0; i < m->n_nodes; i++)
		node_install(gen, &m->nodes[i]);
	/* The primary first, as in the upgrade. */
	for (size_t i = 0; i < m->n_nodes; i++)
		if (m->primary && !strcmp(m->nodes[i].name, m->primary))
			primary = &m->nodes[i];
	if (primary)
		node_start(gen, primary);
	for (size_t i = 0; i < m->n_nodes; i++)
		if (&m->nodes[i] != primary)
			node_start(gen, &m->nodes[i]);
	for (size_t i = 0; i < m->n_nodes; i++)
		node_validate(gen, &m->nodes[i]);
	for (size_t i = 0; i < m->n_nodes; i++)
		node_undrain(gen, &m->nodes[i], drained_now[i]);
	if (m->maintenance_now || m->restore || stop_any)
		add(gen, "maintenance-off", NULL, m->maintenance_now ? gen->g->run_id : NULL,
		    hoist_xasprintf(_("Turn maintenance mode off: every node runs %s again."),
				    m->old.text));
	free(drained_now);
}

static void generate(struct gen *gen)
{
	if (gen->m->rolling && !gen->m->restore)
		generate_rolling(gen);
	else
		generate_all_at_once(gen);
}

/* ---- facts ---- */

static void add_backup(struct hoist_guide *g, const char *item, const struct hoist_step_summary *s)
{
	struct hoist_guide_backup *b;
	g->backups = hoist_xrealloc(g->backups, (g->n_backups + 1) * sizeof *g->backups);
	b = &g->backups[g->n_backups++];
	b->item = hoist_xstrdup(item);
	b->node = dup0(s->node);
	b->path = hoist_xstrdup(s->evidence.path);
	b->size = s->evidence.size;
	b->sha256 = dup0(s->evidence.sha256);
	b->time_ms = s->evidence.time_ms ? s->evidence.time_ms : s->ended_ms;
}

static const struct hoist_guide_backup *find_backup(const struct hoist_guide *g, const char *item)
{
	for (size_t i = 0; i < g->n_backups; i++)
		if (!strcmp(g->backups[i].item, item))
			return &g->backups[i];
	return NULL;
}

static bool file_exists(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
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
static char *scan_installer(const char *dir, const char *version, int depth)
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
			found = scan_installer(p, version, depth - 1);
		free(p);
	}
	closedir(d);
	return found;
}

/*
 * Where the stage step caches a package: <state>/cache/octopus-<version>-<sha256:12>.pkg,
 * the state folder being two up from runs/<id>. NULL when it is not there.
 */
static char *cache_path(const char *run_dir, const struct hoist_plan_package *pkg)
{
	char *path;
	if (!run_dir)
		return NULL;
	path = hoist_xasprintf("%s/../../cache/octopus-%s-%.12s.pkg", run_dir, pkg->version.text,
			       pkg->sha256 ? pkg->sha256 : "");
	if (!file_exists(path)) {
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
		g->installer_url = dup0(pkg->url);
		g->installer = cache_path(run_dir, pkg);
	}
	for (size_t i = 0; i < plan->n_evidence && !g->installer; i++) {
		const struct hoist_plan_evidence *e = &plan->evidence[i];
		if (e->path && !strncmp(e->item, "installer", 9) && names_version(e->path, v))
			g->installer = hoist_xstrdup(e->path);
	}
	for (size_t i = 0; s && i < s->n_steps && !g->installer; i++) {
		const struct hoist_step_summary *ss = &s->steps[i];
		if (!strcmp(ss->step, "stage") && ss->evidence.path && names_version(ss->evidence.path, v) &&
		    file_exists(ss->evidence.path))
			g->installer = hoist_xstrdup(ss->evidence.path);
	}
	if (!g->installer)
		g->installer = scan_installer(run_dir, v, 1);
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
			g->failed_node = dup0(ss->node);
			g->failed_hop = dup0(ss->hop);
			g->failed_message = dup0(ss->text);
			return;
		}
		if (ss->state == HOIST_STEP_RUNNING && !running)
			running = ss;
	}
	if (running) {
		g->failed_step = hoist_xstrdup(running->step);
		g->failed_node = dup0(running->node);
		g->failed_hop = dup0(running->hop);
		g->failed_message = dup0(running->text);
		g->interrupted = true;
	} else if (s->state != HOIST_RUN_OK) {
		g->failed_message = dup0(s->text);
	}
}

static void guide_init_from_plan(struct hoist_guide *g, const struct hoist_plan *plan)
{
	g->profile = dup0(plan->profile);
	g->server_url = dup0(plan->server_url);
	g->from = plan->from;
	g->to = plan->to;
	g->kind = plan->kind;
	g->strategy = plan->strategy;
	g->journey = dup0(plan->journey);
	if (plan->n_stops) {
		struct hoist_buf b;
		hoist_buf_init(&b, 0);
		for (size_t i = 0; i < plan->n_stops; i++)
			hoist_buf_printf(&b, "%s%s", i ? ", " : "", plan->stops[i].text);
		g->stops = hoist_buf_detach(&b, NULL);
		g->primary = dup0(hoist_plan_primary(plan)->name);
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

static enum hoist_status build(const struct hoist_plan *plan, const struct hoist_run_summary *s,
			       const struct hoist_run_summary *rv,
			       const struct hoist_profile *profile,
			       const struct hoist_profile_vars *vars, const char *run_dir,
			       struct hoist_guide **out, struct hoist_error *err)
{
	struct hoist_guide *g;
	struct model m;
	struct gen gen;
	const struct hoist_guide_backup *db, *key;
	bool anything = false;

	*out = NULL;
	if (!plan || !s || !plan->n_nodes)
		return hoist_error_set(err, HOIST_USAGE,
				       _("a rollback guide needs the run's plan and its journal"));
	if (s->state == HOIST_RUN_NONE)
		return hoist_error_set(err, HOIST_STATE,
				       _("the run %s has not started: there is nothing to roll back"),
				       s->run_id ? s->run_id : "");
	g = hoist_xcalloc(1, sizeof *g);
	guide_init_from_plan(g, plan);
	g->run_id = dup0(s->run_id);
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

	memset(&m, 0, sizeof m);
	m.n_nodes = plan->n_nodes;
	m.nodes = hoist_xcalloc(m.n_nodes, sizeof *m.nodes);
	m.primary = hoist_plan_primary(plan)->name;
	m.rolling = plan->strategy == HOIST_STRATEGY_ROLLING;
	m.old = plan->from;
	m.cur = plan->to;
	m.installer = g->installer;
	for (size_t i = 0; i < plan->n_nodes; i++) {
		struct node_state *n = &m.nodes[i];
		const char *name = plan->nodes[i].name;
		n->name = name;
		n->url = plan->nodes[i].url;
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
	m.maintenance_now = g->maintenance_on &&
			    state_of(s, "maintenance-off", NULL) != HOIST_STEP_OK &&
			    !undone(rv, "maintenance-off", NULL);
	g->maintenance_still_on = m.maintenance_now;
	g->reverted = rv && rv->n_steps > 0;
	anything = anything || m.maintenance_now;

	db = find_backup(g, "database");
	key = find_backup(g, "master-key");
	if (g->os_patch) {
		m.os_restore = true;
		g->rule = HOIST_GUIDE_OS_SNAPSHOT;
	} else if (g->pnr_passed && (g->kind == HOIST_KIND_MINOR || g->kind == HOIST_KIND_MAJOR)) {
		m.restore = true;
		m.master_key = m.file_storage = g->kind == HOIST_KIND_MAJOR;
		g->rule = g->kind == HOIST_KIND_MAJOR ? HOIST_GUIDE_RESTORE_MAJOR : HOIST_GUIDE_RESTORE;
	} else if (g->pnr_passed) {
		g->rule = HOIST_GUIDE_REINSTALL;
	} else {
		g->rule = HOIST_GUIDE_RESTART;
	}
	if (db) {
		m.backup = db->path;
		m.backup_ms = db->time_ms;
	}
	if (key)
		m.key_backup = key->path;

	gen.g = g;
	gen.profile = profile;
	gen.vars = vars;
	gen.m = &m;
	/* Undone: the engine put everything back and checked it on the server. */
	if ((anything || m.restore) && !g->undone)
		generate(&gen);
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

enum hoist_status hoist_guide_build_journal(const struct hoist_plan *plan, const char *journal,
					    const struct hoist_profile *profile,
					    const struct hoist_profile_vars *vars,
					    const char *run_dir, struct hoist_guide **out,
					    struct hoist_error *err)
{
	struct hoist_journal_reader *r;
	struct hoist_run_summary up, rv;
	struct hoist_step_ref *late = NULL; /* steps started after the failure: the revert's */
	size_t n_late = 0, n_ign = 0;
	char **ign = NULL;
	bool failed = false, got = true;
	enum hoist_status st;

	*out = NULL;
	st = hoist_journal_reader_open(journal, &r, err);
	if (st != HOIST_OK)
		return st;
	hoist_run_summary_init(&up);
	hoist_run_summary_init(&rv);
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
			hoist_run_summary_apply(&rv, &ev);
			hoist_event_done(&ev);
			continue;
		}
		if (ev.step && failed && ev.type == HOIST_EVENT_STEP_START) {
			late = hoist_xrealloc(late, (n_late + 1) * sizeof *late);
			late[n_late].step = hoist_xstrdup(ev.step);
			late[n_late++].node = dup0(ev.node);
		}
		for (size_t i = 0; ev.step && i < n_late && !to_rv; i++)
			to_rv = !strcmp(late[i].step, ev.step) && same(late[i].node, ev.node);
		hoist_run_summary_apply(to_rv ? &rv : &up, &ev);
		if (ev.type == HOIST_EVENT_LOG && ev.stream && !strcmp(ev.stream, "validation") &&
		    hoist_event_text(&ev)) {
			ign = hoist_xrealloc(ign, (n_ign + 1) * sizeof *ign);
			ign[n_ign++] = hoist_xstrdup(hoist_event_text(&ev));
		}
		if (ev.type == HOIST_EVENT_STEP_END && (ev.outcome == HOIST_OUTCOME_FAILED ||
							ev.outcome == HOIST_OUTCOME_CANCELLED))
			failed = true;
		hoist_event_done(&ev);
	}
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
	for (size_t i = 0; i < n_late; i++) {
		free(late[i].step);
		free(late[i].node);
	}
	free(late);
	hoist_run_summary_done(&up);
	hoist_run_summary_done(&rv);
	return st;
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
	struct gen gen;

	*out = NULL;
	if (hoist_version_cmp(&in->target, &in->current) >= 0)
		return hoist_error_set(err, HOIST_USAGE,
				       _("%s is not older than the version the server runs (%s): "
					 "use hoist upgrade"),
				       in->target.text, in->current.text);
	if ((k == HOIST_KIND_MINOR || k == HOIST_KIND_MAJOR) && (!in->backup || !in->backup->path))
		return hoist_error_set(err, HOIST_UNSAFE,
				       _("going back from %s to %s changes the database schema, and "
					 "no database backup taken at %s is known"),
				       in->current.text, in->target.text, in->target.text);
	g = hoist_xcalloc(1, sizeof *g);
	guide_init_from_plan(g, plan);
	g->from = in->target;
	g->to = in->current;
	g->kind = k;
	g->strategy = HOIST_STRATEGY_ALL_AT_ONCE;
	g->run_id = dup0(in->run_id);
	g->run_ok = true;
	g->pnr_passed = true;
	g->installer = dup0(in->installer);
	if (in->backup && in->backup->path) {
		struct hoist_step_summary ss;
		memset(&ss, 0, sizeof ss);
		ss.step = (char *)"backup-db";
		ss.node = hoist_plan_primary(plan)->name;
		ss.evidence = *in->backup;
		add_backup(g, "database", &ss);
	}
	memset(&m, 0, sizeof m);
	m.n_nodes = plan->n_nodes;
	m.nodes = hoist_xcalloc(m.n_nodes, sizeof *m.nodes);
	m.primary = hoist_plan_primary(plan)->name;
	m.old = in->target;
	m.cur = in->current;
	m.installer = g->installer;
	m.restore = k == HOIST_KIND_MINOR || k == HOIST_KIND_MAJOR;
	m.master_key = m.file_storage = false;
	if (m.restore) {
		m.backup = in->backup->path;
		m.backup_ms = in->backup->time_ms;
	}
	for (size_t i = 0; i < plan->n_nodes; i++) {
		m.nodes[i].name = plan->nodes[i].name;
		m.nodes[i].url = plan->nodes[i].url;
		m.nodes[i].running = true;
		m.nodes[i].changed = true;
	}
	/* Downgrading is always done with every node down: the schema may change. */
	m.rolling = false;
	g->rule = m.restore ? (k == HOIST_KIND_MAJOR ? HOIST_GUIDE_RESTORE_MAJOR : HOIST_GUIDE_RESTORE)
			    : HOIST_GUIDE_REINSTALL;
	gen.g = g;
	gen.profile = profile;
	gen.vars = vars;
	gen.m = &m;
	generate(&gen);
	free(m.nodes);
	*out = g;
	return HOIST_OK;
}

void hoist_guide_free(struct hoist_guide *g)
{
	if (!g)
		return;
	free(g->run_id);
	free(g->journey);
	free(g->profile);
	free(g->server_url);
	free(g->failed_step);
	free(g->failed_hop);
	free(g->failed_node);
	free(g->failed_message);
	for (size_t i = 0; i < g->n_ignored; i++)
		free(g->ignored[i]);
	free(g->ignored);
	free(g->stops);
	free(g->primary);
	for (size_t i = 0; i < g->n_backups; i++) {
		free(g->backups[i].item);
		free(g->backups[i].node);
		free(g->backups[i].path);
		free(g->backups[i].sha256);
	}
	free(g->backups);
	free(g->installer);
	free(g->installer_url);
	for (size_t i = 0; i < g->n_drained; i++)
		free(g->drained[i]);
	free(g->drained);
	for (size_t i = 0; i < g->n_steps; i++) {
		free(g->steps[i].step);
		free(g->steps[i].node);
		free(g->steps[i].arg);
		free(g->steps[i].reason);
		free(g->steps[i].command);
		hoist_exec_argv_free(g->steps[i].argv);
	}
	free(g->steps);
	free(g);
}

size_t hoist_guide_manual_steps(const struct hoist_guide *g)
{
	size_t n = 0;
	for (size_t i = 0; i < g->n_steps; i++)
		n += !g->steps[i].step;
	return n;
}

/* ---- text ---- */

static char *time_text(long long ms)
{
	char buf[64];
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (ms <= 0 || !gmtime_r(&t, &tm))
		return hoist_xstrdup(_("at an unknown time"));
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
	return hoist_xstrdup(buf);
}

static void text_facts(struct hoist_buf *b, const struct hoist_guide *g)
{
	const struct hoist_guide_backup *db = find_backup(g, "database");

	if (g->run_id)
		hoist_buf_printf(b, _("Rollback guide for run %s.\n"), g->run_id);
	if (hoist_guide_journey_facts(b, g))
		return;
	if (g->os_patch) {
		hoist_buf_printf(b, _("The run patched the operating system of nodes running %s, "
				      "with the %s strategy and the %s profile.\n"),
				 g->from.text, hoist_strategy_name(g->strategy),
				 g->profile ? g->profile : "-");
	} else {
		hoist_buf_printf(b, "%s\n", hoist_kind_rollback(g->kind));
		hoist_buf_printf(b, _("The run went from %s to %s with the %s strategy and the %s "
				      "profile.\n"),
				 g->from.text, g->to.text, hoist_strategy_name(g->strategy),
				 g->profile ? g->profile : "-");
	}
	/* A step of a chain's hop is named with it: install@2024.0.3. */
	char *step = g->failed_step && g->failed_hop
			     ? hoist_xasprintf("%s@%s", g->failed_step, g->failed_hop)
			     : dup0(g->failed_step);
	if (g->failed_step && g->interrupted && g->failed_node)
		hoist_buf_printf(b, _("The run was interrupted during the step %s on node %s.\n"),
				 step, g->failed_node);
	else if (g->failed_step && g->interrupted)
		hoist_buf_printf(b, _("The run was interrupted during the step %s.\n"),
				 step);
	else if (g->failed_step && g->failed_node)
		hoist_buf_printf(b, _("The step %s failed on node %s: %s\n"), step,
				 g->failed_node,
				 g->failed_message ? g->failed_message : _("no message was recorded"));
	else if (g->failed_step)
		hoist_buf_printf(b, _("The step %s failed: %s\n"), step,
				 g->failed_message ? g->failed_message : _("no message was recorded"));
	else if (g->run_ok)
		hoist_buf_printf(b, _("The run ended well; the steps below undo it.\n"));
	else
		hoist_buf_printf(b, _("The run did not end well: %s\n"),
				 g->failed_message ? g->failed_message : _("no message was recorded"));
	free(step);

	if (g->pnr_half)
		hoist_buf_printf(b, _("The database upgrade (the point of no return) started and "
				      "did not finish: the schema may be part-way between versions, "
				      "and no node can start on it until it is restored.\n"));
	else if (g->pnr_passed)
		hoist_buf_printf(b, _("The point of no return (the database upgrade) was passed: "
				      "the database is at %s's schema.\n"),
				 g->to.text);
	else if (!g->os_patch)
		hoist_buf_printf(b, _("The point of no return (the database upgrade) was not "
				      "reached: nothing is lost.\n"));

	if (!g->n_backups)
		hoist_buf_printf(b, _("This run took no backup.\n"));
	else
		hoist_buf_printf(b, _("Backups this run took:\n"));
	for (size_t i = 0; i < g->n_backups; i++) {
		const struct hoist_guide_backup *k = &g->backups[i];
		char *when = time_text(k->time_ms);
		bool is_db = !strcmp(k->item, "database");
		if (k->size >= 0)
			hoist_buf_printf(b, is_db ? _("  the database: %s, %lld bytes, taken %s\n")
						  : _("  the master key: %s, %lld bytes, taken %s\n"),
					 k->path, k->size, when);
		else
			hoist_buf_printf(b, is_db ? _("  the database: %s, taken %s\n")
						  : _("  the master key: %s, taken %s\n"),
					 k->path, when);
		free(when);
	}
	if (g->installer)
		hoist_buf_printf(b, _("The installer of %s is cached at %s.\n"), g->from.text,
				 g->installer);
	else if (g->installer_url)
		hoist_buf_printf(b, _("No installer of %s was cached; it can be downloaded from "
				      "%s.\n"),
				 g->from.text, g->installer_url);
	else
		hoist_buf_printf(b, _("No installer of %s was cached.\n"), g->from.text);
	if (g->n_drained) {
		struct hoist_buf list;
		hoist_buf_init(&list, 0);
		for (size_t i = 0; i < g->n_drained; i++) {
			if (i)
				hoist_buf_puts(&list, ", ");
			hoist_buf_puts(&list, g->drained[i]);
		}
		hoist_buf_printf(b, _("This run drained these nodes: %s.\n"), hoist_buf_cstr(&list));
		hoist_buf_done(&list);
	} else {
		hoist_buf_printf(b, _("This run drained no node.\n"));
	}
	if (g->maintenance_on && g->maintenance_still_on)
		hoist_buf_printf(b, _("This run turned maintenance mode on; it stays on until "
				      "every node runs %s again.\n"),
				 g->from.text);
	else if (g->maintenance_on)
		hoist_buf_printf(b, _("This run turned maintenance mode on.\n"));
	else
		hoist_buf_printf(b, _("This run did not turn maintenance mode on.\n"));

	if (g->stops)
		hoist_buf_printf(b, _("The required stops (%s) were installed, upgraded, started "
				      "and validated on %s only, one after the other; the other "
				      "nodes went straight to %s.\n"),
				 g->stops, g->primary ? g->primary : "-", g->to.text);
	hoist_buf_puts(b, "\n");
	if (g->undone)
		hoist_buf_printf(b, _("Nothing is left to do: the run stopped before the point of "
				      "no return and put back everything it had changed, and checked "
				      "on the server that it is as it was (versions, drains, "
				      "maintenance mode).\n"));
	else if (g->reverted && g->rule == HOIST_GUIDE_NOTHING)
		hoist_buf_printf(b, _("Before it stopped, the run undid what it had changed: the "
				      "server is as it was, and no step is needed.\n"));
	else if (g->reverted)
		hoist_buf_printf(b, _("Before it stopped, the run tried to undo what it had "
				      "changed; the steps below are what is left.\n"));
	switch (g->rule) {
	case HOIST_GUIDE_NOTHING:
		if (!g->reverted && !g->undone)
			hoist_buf_printf(b, _("Nothing on the server was changed: no step is "
					      "needed.\n"));
		break;
	case HOIST_GUIDE_RESTART:
		hoist_buf_printf(b, _("Nothing is lost: start %s again (reinstalled over the top "
				      "where the new version was installed), end the drains and "
				      "leave maintenance mode.\n"),
				 g->from.text);
		break;
	case HOIST_GUIDE_REINSTALL:
		hoist_buf_printf(b, _("A patch does not change the database: reinstall %s over the "
				      "top; the database is not restored.\n"),
				 g->from.text);
		break;
	case HOIST_GUIDE_RESTORE:
	case HOIST_GUIDE_RESTORE_MAJOR:
		hoist_buf_printf(b, _("Keep maintenance mode on, stop the nodes, restore the "
				      "database backup, reinstall %s, start and validate the nodes, "
				      "then leave maintenance mode.\n"),
				 g->from.text);
		if (g->rule == HOIST_GUIDE_RESTORE_MAJOR)
			hoist_buf_printf(b, _("A major upgrade also needs the master key and the "
					      "file-storage folders put back; read the vendor's guide "
					      "for this major version first: %s\n"),
					 VENDOR_UPGRADE_GUIDE);
		if (db) {
			char *when = time_text(db->time_ms);
			hoist_buf_printf(b, _("WARNING: data written since the database backup was "
					      "taken (%s) will be lost.\n"),
					 when);
			free(when);
		} else {
			hoist_buf_printf(b, _("WARNING: this run took no database backup; data "
					      "written since your own most recent backup will be "
					      "lost.\n"));
		}
		break;
	case HOIST_GUIDE_OS_SNAPSHOT:
		hoist_buf_printf(b, _("OS patching does not change the database: never restore "
				      "it; restore the operating system snapshot instead, then start "
				      "the Octopus service again.\n"));
		break;
	}
}

char *hoist_guide_to_text(const struct hoist_guide *g)
{
	struct hoist_buf b;
	size_t manual = hoist_guide_manual_steps(g);
	hoist_buf_init(&b, 0);
	text_facts(&b, g);
	if (g->n_ignored)
		hoist_buf_printf(&b, "\n%s\n", _("Validation failures this run went past "
						 "(--ignore-validation-failures):"));
	for (size_t i = 0; i < g->n_ignored; i++)
		hoist_buf_printf(&b, "  - %s\n", g->ignored[i]);
	if (g->n_steps)
		hoist_buf_printf(&b, "\n%s\n", _("Steps:"));
	for (size_t i = 0; i < g->n_steps; i++) {
		const struct hoist_guide_step *s = &g->steps[i];
		hoist_buf_printf(&b, "%2u. %s\n", s->number, s->reason);
		if (!s->step)
			hoist_buf_printf(&b, "    %s\n", _("(by hand: hoist cannot do this step)"));
		else if (s->command && s->argv)
			hoist_buf_printf(&b, "    $ %s\n", s->command);
		else if (s->command)
			hoist_buf_printf(&b, "    %s\n", s->command);
		else
			hoist_buf_printf(&b, _("    (the %s profile has no command for this: do it "
					       "by hand)\n"),
					 g->profile ? g->profile : "-");
	}
	if (g->n_steps > manual && g->run_id && manual)
		hoist_buf_printf(&b, _("\nDo the steps marked \"by hand\" yourself; `hoist rollback "
				       "--run --run-id %s` does the others in this order.\n"),
				 g->run_id);
	else if (g->n_steps > manual && g->run_id)
		hoist_buf_printf(&b, _("\n`hoist rollback --run --run-id %s` carries out these "
				       "steps.\n"),
				 g->run_id);
	return hoist_buf_detach(&b, NULL);
}

static const char *rule_name(enum hoist_guide_rule r)
{
	switch (r) {
	case HOIST_GUIDE_RESTART: return "restart";
	case HOIST_GUIDE_REINSTALL: return "reinstall";
	case HOIST_GUIDE_RESTORE: return "restore";
	case HOIST_GUIDE_RESTORE_MAJOR: return "restore-major";
	case HOIST_GUIDE_OS_SNAPSHOT: return "os-snapshot";
	default: return "nothing";
	}
}

static void json_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

char *hoist_guide_to_json(const struct hoist_guide *g)
{
	cJSON *o = cJSON_CreateObject(), *a;
	char *text, *out;
	json_str(o, "run_id", g->run_id);
	json_str(o, "from", g->from.text);
	json_str(o, "to", g->to.text);
	json_str(o, "kind", hoist_kind_name(g->kind));
	json_str(o, "strategy", hoist_strategy_name(g->strategy));
	json_str(o, "profile", g->profile);
	cJSON_AddBoolToObject(o, "os_patch", g->os_patch);
	json_str(o, "failed_step", g->failed_step);
	json_str(o, "failed_hop", g->failed_hop);
	json_str(o, "failed_node", g->failed_node);
	json_str(o, "failed_message", g->failed_message);
	cJSON_AddBoolToObject(o, "interrupted", g->interrupted);
	cJSON_AddBoolToObject(o, "point_of_no_return_passed", g->pnr_passed);
	cJSON_AddBoolToObject(o, "database_upgrade_half_done", g->pnr_half);
	json_str(o, "rule", rule_name(g->rule));
	a = cJSON_AddArrayToObject(o, "backups");
	for (size_t i = 0; i < g->n_backups; i++) {
		cJSON *b = cJSON_CreateObject();
		char *when = time_text(g->backups[i].time_ms);
		json_str(b, "item", g->backups[i].item);
		json_str(b, "node", g->backups[i].node);
		json_str(b, "path", g->backups[i].path);
		cJSON_AddNumberToObject(b, "size", (double)g->backups[i].size);
		json_str(b, "sha256", g->backups[i].sha256);
		cJSON_AddNumberToObject(b, "time_ms", (double)g->backups[i].time_ms);
		json_str(b, "time", when);
		free(when);
		cJSON_AddItemToArray(a, b);
	}
	json_str(o, "installer", g->installer);
	json_str(o, "installer_url", g->installer_url);
	a = cJSON_AddArrayToObject(o, "drained");
	for (size_t i = 0; i < g->n_drained; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(g->drained[i]));
	cJSON_AddBoolToObject(o, "maintenance_turned_on", g->maintenance_on);
	cJSON_AddBoolToObject(o, "maintenance_still_on", g->maintenance_still_on);
	cJSON_AddBoolToObject(o, "reverted", g->reverted);
	cJSON_AddBoolToObject(o, "undone", g->undone);
	a = cJSON_AddArrayToObject(o, "steps");
	for (size_t i = 0; i < g->n_steps; i++) {
		const struct hoist_guide_step *s = &g->steps[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "number", s->number);
		json_str(j, "step", s->step);
		json_str(j, "node", s->node);
		json_str(j, "version", s->version.text);
		json_str(j, "arg", s->arg);
		json_str(j, "reason", s->reason);
		json_str(j, "command", s->command);
		cJSON_AddBoolToObject(j, "by_hand", !s->step);
		cJSON_AddItemToArray(a, j);
	}
	text = hoist_json_print(o, false);
	cJSON_Delete(o);
	out = hoist_xstrdup(text);
	free(text);
	return out;
}

/* ---- the rollback plan ---- */

struct hoist_plan *hoist_guide_to_plan(const struct hoist_guide *g, const struct hoist_plan *run)
{
	struct hoist_plan *p = hoist_xcalloc(1, sizeof *p);
	p->server_url = dup0(run->server_url);
	p->profile = dup0(run->profile);
	p->feed = dup0(run->feed);
	p->from = g->to;
	p->to = g->from;
	p->kind = HOIST_KIND_DOWNGRADE;
	p->strategy = g->strategy;
	p->window_estimate_ms = -1;
	p->nodes = hoist_xcalloc(run->n_nodes ? run->n_nodes : 1, sizeof *p->nodes);
	for (size_t i = 0; i < run->n_nodes; i++) {
		p->nodes[i].name = hoist_xstrdup(run->nodes[i].name);
		p->nodes[i].role = dup0(run->nodes[i].role);
		p->nodes[i].transport = dup0(run->nodes[i].transport);
		p->nodes[i].url = dup0(run->nodes[i].url);
		p->nodes[i].version = run->nodes[i].version;
		p->nodes[i].shell = dup0(run->nodes[i].shell);
		p->nodes[i].remote_dir = dup0(run->nodes[i].remote_dir);
	}
	p->n_nodes = run->n_nodes;
	if (run->n_packages) {
		p->packages = hoist_xcalloc(run->n_packages, sizeof *p->packages);
		for (size_t i = 0; i < run->n_packages; i++) {
			p->packages[i].version = run->packages[i].version;
			p->packages[i].url = dup0(run->packages[i].url);
			p->packages[i].sha256 = dup0(run->packages[i].sha256);
			p->packages[i].size = run->packages[i].size;
		}
		p->n_packages = run->n_packages;
	}
	for (size_t i = 0; i < g->n_backups; i++) {
		struct hoist_plan_evidence e;
		char *when = NULL;
		memset(&e, 0, sizeof e);
		e.item = !strcmp(g->backups[i].item, "database") ? (char *)"backup-db"
								  : (char *)"master-key";
		e.path = g->backups[i].path;
		e.size = g->backups[i].size;
		e.sha256 = g->backups[i].sha256;
		if (g->backups[i].time_ms > 0) {
			time_t t = (time_t)(g->backups[i].time_ms / 1000);
			struct tm tm;
			char buf[32];
			gmtime_r(&t, &tm);
			strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
			when = hoist_xstrdup(buf);
		}
		e.time = when ? when : (char *)"";
		e.by_engine = true;
		hoist_plan_add_evidence(p, &e);
		free(when);
	}
	for (size_t i = 0; i < g->n_steps; i++) {
		const struct hoist_guide_step *s = &g->steps[i];
		if (!s->step)
			continue;
		hoist_plan_add_step(p, s->step, s->node, &s->version, s->arg);
		if (!strcmp(s->step, "db-restore") && hoist_plan_pnr_index(p) < 0)
			p->steps[p->n_steps - 1].point_of_no_return = true;
	}
	/* The plan says what it is: the run it rolls back (stable text, for the record). */
	p->overrides = hoist_xcalloc(1, sizeof *p->overrides);
	p->overrides[0] = hoist_xasprintf("rollback of run %s", g->run_id ? g->run_id : "-");
	p->n_overrides = 1;
	return p;
}

enum hoist_status hoist_guide_save(const struct hoist_guide *g, const char *run_dir,
				   struct hoist_error *err)
{
	char *text = hoist_guide_to_text(g);
	char *path = hoist_rundir_file(run_dir, HOIST_RUNDIR_GUIDE);
	enum hoist_status st = hoist_rundir_write_atomic(path, text, strlen(text), 0600, err);
	free(path);
	free(text);
	return st;
}

/* ---- backups of earlier runs (hoist downgrade) ---- */

void hoist_guide_found_free(struct hoist_guide_found *f, size_t n)
{
	for (size_t i = 0; f && i < n; i++) {
		free(f[i].run_id);
		free(f[i].backup.path);
		free(f[i].backup.sha256);
		free(f[i].installer);
	}
	free(f);
}

enum hoist_status hoist_guide_find_backups(const char *state_dir, struct hoist_guide_found **out,
					   size_t *n, struct hoist_error *err)
{
	struct hoist_run_entry *runs = NULL;
	size_t n_runs = 0, alloc = 0;
	enum hoist_status st;

	*out = NULL;
	*n = 0;
	st = hoist_rundir_list(state_dir, &runs, &n_runs, err);
	if (st != HOIST_OK)
		return st;
	for (size_t i = 0; i < n_runs; i++) {
		struct hoist_run_summary s;
		char *journal = hoist_rundir_file(runs[i].path, HOIST_RUNDIR_JOURNAL);
		hoist_run_summary_init(&s);
		if (hoist_journal_fold(journal, &s, NULL) == HOIST_OK && s.from_version) {
			struct hoist_version v;
			for (size_t k = 0; k < s.n_steps; k++) {
				const struct hoist_step_summary *ss = &s.steps[k];
				struct hoist_guide_found *f;
				if (strcmp(ss->step, "backup-db") || ss->state != HOIST_STEP_OK ||
				    !ss->evidence.path ||
				    hoist_version_parse(s.from_version, &v, NULL) != HOIST_OK)
					continue;
				*out = hoist_xgrow(*out, &alloc, *n + 1, sizeof **out);
				f = &(*out)[(*n)++];
				memset(f, 0, sizeof *f);
				f->run_id = hoist_xstrdup(runs[i].id);
				f->version = v;
				f->backup.path = hoist_xstrdup(ss->evidence.path);
				f->backup.size = ss->evidence.size;
				f->backup.sha256 = dup0(ss->evidence.sha256);
				f->backup.time_ms = ss->evidence.time_ms ? ss->evidence.time_ms
									 : ss->ended_ms;
				f->installer = scan_installer(runs[i].path, v.text, 1);
				f->exists = file_exists(f->backup.path);
			}
		}
		hoist_run_summary_done(&s);
		free(journal);
	}
	hoist_rundir_list_free(runs, n_runs);
	return HOIST_OK;
}

/* ---- loading a run (the faces' entry points) ---- */

enum hoist_status hoist_guide_profile(const struct hoist_config *cfg, const char *name,
				      struct hoist_profile **out, struct hoist_error *err)
{
	struct hoist_profile_setting *set = hoist_xcalloc(cfg->n_extra + 1, sizeof *set);
	size_t n = 0;
	enum hoist_status st;
	for (size_t i = 0; i < cfg->n_extra; i++)
		if (!strcmp(cfg->extra[i].section, "profile")) {
			set[n].key = cfg->extra[i].key;
			set[n++].value = cfg->extra[i].value;
		}
	st = hoist_profile_new(name ? name : "sandbox", set, n, out, err);
	free(set);
	return st;
}

/* The newest run whose journal started and that is not itself a rollback. */
static enum hoist_status newest_run(const char *state, char **id, struct hoist_error *err)
{
	struct hoist_run_entry *runs = NULL;
	size_t n = 0;
	enum hoist_status st = hoist_rundir_list(state, &runs, &n, err);
	*id = NULL;
	for (size_t i = 0; st == HOIST_OK && i < n && !*id; i++) {
		struct hoist_run_summary s;
		char *journal = hoist_rundir_file(runs[i].path, HOIST_RUNDIR_JOURNAL);
		hoist_run_summary_init(&s);
		if (hoist_journal_fold(journal, &s, NULL) == HOIST_OK && s.state != HOIST_RUN_NONE &&
		    !(s.kind && !strcmp(s.kind, "downgrade")))
			*id = hoist_xstrdup(runs[i].id);
		hoist_run_summary_done(&s);
		free(journal);
	}
	hoist_rundir_list_free(runs, n);
	if (st == HOIST_OK && !*id)
		st = hoist_error_set(err, HOIST_NOTFOUND,
				     _("no upgrade run is recorded in %s: there is nothing to roll "
				       "back"),
				     state);
	return st;
}

enum hoist_status hoist_guide_load(const struct hoist_config *cfg, const char *run_id,
				   struct hoist_plan **plan_out, char **dir_out,
				   struct hoist_guide **out, struct hoist_error *err)
{
	char *state = hoist_config_state_dir(cfg), *id = NULL, *dir = NULL, *path = NULL;
	struct hoist_plan *plan = NULL;
	struct hoist_profile *profile = NULL;
	enum hoist_status st = HOIST_OK;

	*out = NULL;
	if (run_id && !hoist_rundir_id_valid(run_id))
		st = hoist_error_set(err, HOIST_USAGE,
				     _("\"%s\" is not a run id (they look like 20261122T014233Z-1a2b)"),
				     run_id);
	else if (run_id)
		id = hoist_xstrdup(run_id);
	else
		st = newest_run(state, &id, err);
	if (st == HOIST_OK) {
		dir = hoist_rundir_path(state, id);
		path = hoist_rundir_file(dir, HOIST_RUNDIR_PLAN);
		st = hoist_plan_load(path, &plan, err);
		if (st == HOIST_NOTFOUND || (st == HOIST_IO && access(dir, F_OK)))
			hoist_error_set(err, st, _("there is no run %s in %s"), id, state);
	}
	if (st == HOIST_OK) {
		free(path);
		path = hoist_rundir_file(dir, HOIST_RUNDIR_JOURNAL);
		st = hoist_guide_profile(cfg, plan->profile, &profile, err);
	}
	if (st == HOIST_OK) {
		/* The API steps' curl commands read the key from the configured key file. */
		struct hoist_profile_vars vars;
		hoist_profile_vars_init(&vars);
		if (cfg->api_key_file)
			hoist_profile_vars_set(&vars, "api_key_file", cfg->api_key_file, NULL);
		st = hoist_guide_build_journal(plan, path, profile, &vars, dir, out, err);
		hoist_profile_vars_done(&vars);
	}
	if (st == HOIST_OK && !(*out)->run_id)
		(*out)->run_id = hoist_xstrdup(id);
	hoist_profile_free(profile);
	if (st == HOIST_OK && plan_out)
		*plan_out = plan;
	else
		hoist_plan_free(plan);
	if (st == HOIST_OK && dir_out)
		*dir_out = dir;
	else
		free(dir);
	free(path);
	free(id);
	free(state);
	return st;
}

enum hoist_status hoist_guide_load_downgrade(const struct hoist_config *cfg,
					     const struct hoist_version *current,
					     const struct hoist_version *target,
					     struct hoist_plan **plan_out, struct hoist_guide **out,
					     struct hoist_error *err)
{
	char *state = hoist_config_state_dir(cfg), *id = NULL, *dir, *path;
	struct hoist_guide_found *found = NULL;
	const struct hoist_guide_found *use = NULL;
	size_t n = 0;
	enum hoist_kind k = hoist_version_kind(target, current);
	bool schema = k == HOIST_KIND_MINOR || k == HOIST_KIND_MAJOR;
	struct hoist_plan *plan = NULL;
	struct hoist_profile *profile = NULL;
	struct hoist_guide_downgrade in;
	enum hoist_status st;

	*out = NULL;
	if (hoist_version_cmp(target, current) >= 0) {
		free(state);
		return hoist_error_set(err, HOIST_USAGE,
				       _("%s is not older than the version the server runs (%s): "
					 "use hoist upgrade"),
				       target->text, current->text);
	}
	st = hoist_guide_find_backups(state, &found, &n, err);
	for (size_t i = 0; st == HOIST_OK && i < n && !use; i++)
		if (!hoist_version_cmp(&found[i].version, target) && found[i].exists)
			use = &found[i];
	if (st == HOIST_OK && !use && schema) {
		struct hoist_buf list;
		hoist_buf_init(&list, 0);
		for (size_t i = 0; i < n; i++) {
			char *when = time_text(found[i].backup.time_ms);
			if (list.len)
				hoist_buf_puts(&list, "; ");
			hoist_buf_printf(&list, found[i].exists ? _("%s taken at %s by run %s (%s)")
								: _("%s taken at %s by run %s (%s, the "
								    "file is gone)"),
					 found[i].backup.path, found[i].version.text,
					 found[i].run_id, when);
			free(when);
		}
		if (n)
			st = hoist_error_set(err, HOIST_UNSAFE,
					     _("going back from %s to %s changes the database "
					       "schema and needs a database backup taken at %s; the "
					       "backups hoist knows are: %s"),
					     current->text, target->text, target->text,
					     hoist_buf_cstr(&list));
		else
			st = hoist_error_set(err, HOIST_UNSAFE,
					     _("going back from %s to %s changes the database "
					       "schema and needs a database backup taken at %s; hoist "
					       "knows of no database backup in %s"),
					     current->text, target->text, target->text, state);
		hoist_buf_done(&list);
	}
	if (st == HOIST_OK && use)
		id = hoist_xstrdup(use->run_id);
	else if (st == HOIST_OK)
		st = newest_run(state, &id, err);
	if (st == HOIST_OK) {
		dir = hoist_rundir_path(state, id);
		path = hoist_rundir_file(dir, HOIST_RUNDIR_PLAN);
		st = hoist_plan_load(path, &plan, err);
		free(path);
		memset(&in, 0, sizeof in);
		in.plan = plan;
		in.current = *current;
		in.target = *target;
		in.backup = use ? &use->backup : NULL;
		in.run_id = id;
		in.installer = use ? use->installer : NULL;
		if (st == HOIST_OK) {
			char *cached = NULL;
			for (size_t i = 0; i < plan->n_packages && !cached; i++)
				if (!hoist_version_cmp(&plan->packages[i].version, target))
					cached = cache_path(dir, &plan->packages[i]);
			if (cached)
				in.installer = cached;
			st = hoist_guide_profile(cfg, plan->profile, &profile, err);
			if (st == HOIST_OK)
				st = hoist_guide_build_downgrade(&in, profile, NULL, out, err);
			free(cached);
		}
		free(dir);
	}
	hoist_profile_free(profile);
	if (st == HOIST_OK && plan_out)
		*plan_out = plan;
	else
		hoist_plan_free(plan);
	hoist_guide_found_free(found, n);
	free(id);
	free(state);
	return st;
}
