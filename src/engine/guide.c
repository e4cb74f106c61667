/* guide.c: the rollback guide's steps, generated from a model of what a run left behind (§7), and the guide object itself. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "buf.h"
#include "exec.h"
#include "guide_int.h"
#include "i18n.h"
#include "journeys.h"
#include "xalloc.h"

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
	s->step = guide_dup0(step);
	s->node = guide_dup0(node);
	s->arg = guide_dup0(arg);
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

/* With every node down: the database, the master key and file storage as they were. */
static void restore_data(struct gen *gen)
{
	const struct model *m = gen->m;
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
	restore_data(gen);
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


void guide_generate(struct hoist_guide *g, const struct hoist_profile *profile,
		    const struct hoist_profile_vars *vars, const struct model *m)
{
	struct gen gen;
	gen.g = g;
	gen.profile = profile;
	gen.vars = vars;
	gen.m = m;
	generate(&gen);
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
	for (size_t i = 0; i < g->n_backups; i++)
		hoist_evidence_done(&g->backups[i]);
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

char *guide_time_text(long long ms)
{
	char buf[64];
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (ms <= 0 || !gmtime_r(&t, &tm))
		return hoist_xstrdup(_("at an unknown time"));
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
	return hoist_xstrdup(buf);
}

const struct hoist_evidence *guide_find_backup(const struct hoist_guide *g, const char *item)
{
	for (size_t i = 0; i < g->n_backups; i++)
		if (!strcmp(g->backups[i].item, item))
			return &g->backups[i];
	return NULL;
}

bool guide_file_exists(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
