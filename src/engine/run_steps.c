/* run_steps.c: what each step of a plan does on the server and its nodes (DESIGN §6). */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "i18n.h"
#include "run_files.h"
#include "run_int.h"
#include "rundir.h"
#include "sha256.h"
#include "xalloc.h"

/* How long a node may take to answer after start, and to go quiet after stop. */
#define START_WAIT_MS 120000
#define STOP_WAIT_MS 30000
/* How often a node is asked while waiting for it. */
#define NODE_POLL_MS 25

struct line_sink {
	struct run *r;
	struct hoist_journal_sink sink;
};

/* Command output into the journal, one event at a time. */
static void on_line(const struct hoist_exec_line *line, void *data)
{
	struct line_sink *ls = data;
	pthread_mutex_lock(&ls->r->jmu);
	hoist_journal_exec_line(line, &ls->sink);
	pthread_mutex_unlock(&ls->r->jmu);
}

char *run_package_path(struct run *r, const struct hoist_version *v)
{
	for (size_t i = 0; i < r->plan->n_packages; i++)
		if (!hoist_version_cmp(&r->plan->packages[i].version, v))
			return hoist_xasprintf("%s/octopus-%s-%.12s.pkg", r->cache_dir,
					       v->text, r->plan->packages[i].sha256
							? r->plan->packages[i].sha256 : "");
	return NULL;
}

enum hoist_status run_action(struct run *r, struct run_node *n, const char *step,
			     const char *action, const struct hoist_version *version,
			     const char *backup, const char *stdin_path, bool secret,
			     struct hoist_exec_result *res, struct hoist_error *err)
{
	struct hoist_profile_vars vars;
	struct hoist_profile_cmds cmds;
	struct hoist_exec_options o;
	struct line_sink ls = { r, { r->j, step, HOIST_OK } };
	char *pkg = version ? run_node_package_path(r, n, version) : NULL;
	enum hoist_status st;

	hoist_profile_vars_init(&vars);
	hoist_profile_cmds_init(&cmds);
	st = hoist_profile_vars_set(&vars, "node", n->plan->name, err);
	if (st == HOIST_OK && version)
		st = hoist_profile_vars_set(&vars, "version", version->text, err);
	if (st == HOIST_OK)
		st = hoist_profile_vars_set(&vars, "from_version", r->plan->from.text, err);
	if (st == HOIST_OK)
		st = hoist_profile_vars_set(&vars, "to_version", r->plan->to.text, err);
	if (st == HOIST_OK && pkg)
		st = hoist_profile_vars_set(&vars, "package", pkg, err);
	if (st == HOIST_OK && backup)
		st = hoist_profile_vars_set(&vars, "backup", backup, err);
	if (st == HOIST_OK)
		st = hoist_profile_expand(r->profile, action, &vars, &cmds, err);
	hoist_exec_options_init(&o);
	o.action = action;
	o.step = step;
	o.timeout_ms = hoist_profile_timeout_ms(r->profile, action);
	o.stdin_path = stdin_path;
	/* A secret's output stays in the result buffer only. */
	if (!secret) {
		o.on_line = on_line;
		o.data = &ls;
	}
	for (size_t i = 0; st == HOIST_OK && i < cmds.n; i++) {
		hoist_exec_result_done(res);
		hoist_exec_result_init(res);
		st = hoist_transport_run(n->t, (const char *const *)cmds.argv[i], &o, res, err);
	}
	hoist_profile_cmds_done(&cmds);
	hoist_profile_vars_done(&vars);
	free(pkg);
	if (ls.sink.status != HOIST_OK) {
		/* The command's output did not reach the journal: nothing more goes unrecorded. */
		char *why = hoist_xasprintf(_("the run could not record the output of %s on %s"),
					    action, n->plan->name);
		run_halt(r, why);
		free(why);
	}
	return st;
}

bool run_wait_ping(struct run *r, struct hoist_octopus *oc, const struct run_node *n, bool up,
		   long timeout_ms)
{
	struct timespec t0, t1;
	if (!n->plan->url)
		return true;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		enum hoist_ping p = HOIST_PING_DOWN;
		hoist_octopus_ping(oc, n->plan->url, &p, NULL);
		if ((p != HOIST_PING_DOWN) == up)
			return true;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 > timeout_ms)
			return false;
		if (!run_sleep(r, NODE_POLL_MS) && up)
			return false;
	}
}

/* Evidence of a file the engine wrote: path, size, SHA-256, time; made 0600. */
static enum hoist_status file_evidence(const char *path, struct hoist_evidence *ev,
				       struct hoist_error *err)
{
	char sha[65];
	long long size = 0;
	enum hoist_status st;
	chmod(path, 0600);
	st = hoist_sha256_file(path, sha, &size, err);
	if (st != HOIST_OK)
		return st;
	if (size == 0)
		return hoist_error_set(err, HOIST_STATE, _("the backup %s is empty"), path);
	free(ev->path);
	free(ev->sha256);
	ev->path = hoist_xstrdup(path);
	ev->sha256 = hoist_xstrdup(sha);
	ev->size = size;
	ev->time_ms = (long long)time(NULL) * 1000;
	return HOIST_OK;
}

char *run_master_key_read(const char *path)
{
	struct stat sb;
	char *text, *key = NULL;
	size_t len = 0;
	ssize_t got = 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) != 0 || sb.st_size < 0) {
		close(fd);
		return NULL;
	}
	/* Read in one piece, as long as the file is: nothing cut off, no copy left behind. */
	text = hoist_xmalloc((size_t)sb.st_size + 1);
	while (len < (size_t)sb.st_size) {
		got = read(fd, text + len, (size_t)sb.st_size - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	text[len] = '\0';
	if (got >= 0) {
		text[strcspn(text, "\r\n")] = '\0';
		if (*text)
			key = hoist_xstrdup(text);
	}
	memset(text, 0, len);
	free(text);
	return key;
}

static enum hoist_status step_master_key(struct run *r, struct run_node *n,
					 struct run_result *res, struct hoist_error *err)
{
	struct hoist_exec_result x;
	char *path = hoist_rundir_file(r->dir, HOIST_RUNDIR_MASTER_KEY);
	enum hoist_status st;
	const char *key;
	size_t len;

	if (!hoist_profile_has(r->profile, "show-master-key")) {
		res->outcome = HOIST_OUTCOME_SKIPPED;
		run_say(res, N_("the profile %s cannot show the master key; save "
				"it yourself before the upgrade"),
			hoist_profile_name(r->profile));
		free(path);
		return HOIST_OK;
	}
	hoist_exec_result_init(&x);
	st = run_action(r, n, "backup-master-key", "show-master-key", NULL, NULL, NULL, true, &x,
			err);
	key = hoist_buf_cstr(&x.out);
	while (*key == ' ' || *key == '\n' || *key == '\r' || *key == '\t')
		key++;
	len = strcspn(key, "\r\n");
	if (st == HOIST_OK && len == 0)
		st = hoist_error_set(err, HOIST_STATE,
				     _("show-master-key on %s printed nothing"), n->plan->name);
	if (st == HOIST_OK) {
		char *k = hoist_xstrndup(key, len);
		char *line = hoist_xasprintf("%s\n", k);
		run_add_secret(r, k);
		st = hoist_rundir_write_atomic(path, line, strlen(line), 0600, err);
		memset(line, 0, strlen(line));
		memset(k, 0, len);
		free(line);
		free(k);
	}
	if (x.out.data)
		memset(x.out.data, 0, x.out.len); /* the key leaves no copy behind */
	hoist_exec_result_done(&x);
	if (st == HOIST_OK)
		st = file_evidence(path, &res->evidence, err);
	if (st == HOIST_OK && hoist_profile_has(r->profile, "check-master-key")) {
		hoist_exec_result_init(&x);
		st = run_action(r, n, "backup-master-key", "check-master-key", NULL, NULL, path,
				false, &x, err);
		hoist_exec_result_done(&x);
		if (st == HOIST_COMMAND)
			st = hoist_error_set(err, HOIST_STATE,
					     _("the master key shown by %s does not decrypt the "
					       "server's canary; check the instance before upgrading"),
					     n->plan->name);
		if (st == HOIST_OK)
			run_say(res, N_("saved to %s; it decrypts the server's "
					"canary"), path);
	} else if (st == HOIST_OK) {
		run_say(res, N_("saved to %s"), path);
	}
	if (st == HOIST_OK)
		run_add_evidence(r, "master-key", &res->evidence, true);
	free(path);
	return st;
}

static enum hoist_status step_backup_db(struct run *r, struct run_node *n,
				       struct run_result *res, struct hoist_error *err)
{
	struct hoist_exec_result x;
	char *path = hoist_rundir_db_backup(r->dir, r->plan->from.text);
	char *remote = run_node_backup_path(r, n, path); /* written there, on the node */
	enum hoist_status st;
	hoist_exec_result_init(&x);
	st = run_action(r, n, "backup-db", "db-backup", NULL, remote ? remote : path, NULL, false,
			&x, err);
	res->exit_code = x.exited ? x.exit_code : -1;
	hoist_exec_result_done(&x);
	if (st == HOIST_OK && remote) {
		st = run_backup_fetch(r, n, path, remote, res, err);
		if (st == HOIST_OK)
			run_add_evidence(r, "backup-db", &res->evidence, true);
		free(remote);
		free(path);
		return st;
	}
	if (st == HOIST_OK && hoist_transport_kind(n->t) == HOIST_TRANSPORT_LOCAL) {
		st = file_evidence(path, &res->evidence, err);
	} else if (st == HOIST_OK) {
		/* Written on the node: its path and time are what we know here. */
		res->evidence.path = hoist_xstrdup(path);
		res->evidence.size = -1;
		res->evidence.time_ms = (long long)time(NULL) * 1000;
	}
	if (st == HOIST_OK) {
		run_add_evidence(r, "backup-db", &res->evidence, true);
		run_say(res, N_("database backed up to %s"), path);
	}
	free(path);
	return st;
}

static enum hoist_status step_maintenance(struct run *r, bool on, struct run_result *res,
					  struct hoist_error *err)
{
	struct hoist_octopus *oc;
	enum hoist_status st = HOIST_OK;
	bool changed = false;
	if (!on && !r->maint_changed) {
		res->outcome = HOIST_OUTCOME_SKIPPED;
		run_say(res, N_("maintenance mode was on before this run: left on"));
		return HOIST_OK;
	}
	oc = run_client(r, NULL);
	if (!on) {
		/* Leave maintenance mode only when every node reports the target version. */
		for (size_t i = 0; st == HOIST_OK && i < r->n_nodes; i++) {
			struct hoist_octopus *nc;
			struct hoist_version v;
			if (!r->nodes[i].plan->url)
				continue;
			nc = run_client(r, r->nodes[i].plan->url);
			st = hoist_octopus_version(nc, &v, err);
			if (st == HOIST_OK && hoist_version_cmp(&v, &r->plan->to))
				st = run_gate(r, "maintenance-off", r->nodes[i].plan->name,
					      hoist_error_set(err, HOIST_STATE,
							      _("the node %s reports %s, not %s: "
								"maintenance mode stays on"),
							      r->nodes[i].plan->name, v.text,
							      r->plan->to.text),
					      err);
			hoist_octopus_free(nc);
		}
	}
	if (st == HOIST_OK)
		st = hoist_octopus_maintenance_set(oc, on, &changed, err);
	hoist_octopus_free(oc);
	if (st != HOIST_OK)
		return st;
	if (on) {
		r->maint_changed = changed || r->maint_changed;
		if (!changed) {
			res->outcome = HOIST_OUTCOME_SKIPPED;
			run_say(res, N_("maintenance mode was already on: it will be "
					"left on"));
		}
	} else {
		r->maint_changed = false;
	}
	return HOIST_OK;
}

static enum hoist_status step_drain(struct run *r, struct run_node *n, bool drain,
				    struct run_result *res, struct hoist_error *err)
{
	struct hoist_octopus *oc;
	enum hoist_status st;
	bool changed = false;
	if (!drain && !n->drained_by_us) {
		res->outcome = HOIST_OUTCOME_SKIPPED;
		run_say(res, N_("%s was drained before this run: left drained"),
			n->plan->name);
		return HOIST_OK;
	}
	oc = run_client(r, NULL);
	st = hoist_octopus_drain_at(oc, n->link, n->plan->name, drain, &changed, err);
	hoist_octopus_free(oc);
	if (st != HOIST_OK)
		return st;
	if (drain) {
		n->drained_by_us = changed || n->drained_by_us;
		if (!n->drained_by_us) {
			res->outcome = HOIST_OUTCOME_SKIPPED;
			run_say(res, N_("%s was already drained: it stays drained"),
				n->plan->name);
		}
	} else {
		n->drained_by_us = false;
	}
	return HOIST_OK;
}

/*
 * Tasks still to finish: on the node (a rolling upgrade: the others keep serving), or in
 * the whole cluster, queued ones included (they belong to no node until one picks them).
 */
static enum hoist_status count_tasks(struct hoist_octopus *oc, const char *node, long *left,
				     struct hoist_error *err)
{
	int c = 0;
	enum hoist_status st = hoist_octopus_active_tasks(oc, node, &c, err);
	*left = st == HOIST_OK ? c : -1;
	return st;
}

static enum hoist_status step_wait_tasks(struct run *r, const char *node,
					 struct run_result *res, struct hoist_error *err)
{
	struct hoist_octopus *oc = run_client(r, NULL);
	struct timespec t0, t1;
	enum hoist_status st;
	long left = -1, last = -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		st = count_tasks(oc, node, &left, err);
		if (st != HOIST_OK || left == 0)
			break;
		if (left != last) {
			struct hoist_event ev;
			hoist_event_init(&ev, HOIST_EVENT_PROGRESS);
			ev.step = hoist_xstrdup("wait-tasks");
			ev.node = node ? hoist_xstrdup(node) : NULL;
			ev.tasks_left = left;
			hoist_event_say_n(&ev, "%ld task still queued or running",
					  "%ld tasks still queued or running", (unsigned long)left, left);
			run_emit(r, &ev);
			hoist_event_done(&ev);
			last = left;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec >= r->cfg->wait_tasks_timeout_s) {
			st = hoist_error_set(err, HOIST_STATE,
					     _("%ld tasks were still running after %d seconds; let "
					       "them finish or cancel them, then run again (or raise "
					       "[upgrade] wait_tasks_timeout)"),
					     left, r->cfg->wait_tasks_timeout_s);
			break;
		}
		if (!run_sleep(r, r->cfg->poll_ms)) {
			st = hoist_error_set(err, HOIST_CANCELLED,
					     _("cancelled while waiting for tasks"));
			break;
		}
	}
	hoist_octopus_free(oc);
	if (st == HOIST_OK && node)
		run_say(res, N_("no task is running on %s"), node);
	else if (st == HOIST_OK)
		run_say(res, N_("no task is queued or running in the cluster"));
	return st;
}

static enum hoist_status step_stop(struct run *r, struct run_node *n,
				   const struct hoist_plan_step *s, struct run_result *res,
				   struct hoist_error *err)
{
	struct hoist_octopus *oc = run_pinger(r, NULL);
	struct hoist_exec_result x;
	enum hoist_status st = HOIST_OK;
	enum hoist_ping p = HOIST_PING_UP;
	const struct hoist_step_summary *before =
		r->prev ? hoist_run_summary_find_hop(r->prev, "stop", n->plan->name, s->hop, false)
			: NULL;
	if (n->plan->url)
		hoist_octopus_ping(oc, n->plan->url, &p, NULL);
	if (p == HOIST_PING_DOWN) {
		/* Resumed after a stop that was under way: it is ours; otherwise it was not. */
		if (before && before->state == HOIST_STEP_RUNNING)
			n->stopped_by_us = true;
		run_say(res, N_("%s is already stopped"), n->plan->name);
		hoist_octopus_free(oc);
		return HOIST_OK;
	}
	hoist_exec_result_init(&x);
	n->stopped_by_us = true;
	st = run_action(r, n, "stop", "stop", NULL, NULL, NULL, false, &x, err);
	res->exit_code = x.exited ? x.exit_code : -1;
	hoist_exec_result_done(&x);
	if (st == HOIST_OK && !run_wait_ping(r, oc, n, false, STOP_WAIT_MS))
		st = hoist_error_set(err, HOIST_STATE,
				     _("%s still answers at %s after it was stopped"),
				     n->plan->name, n->plan->url);
	hoist_octopus_free(oc);
	return st;
}

static enum hoist_status step_start(struct run *r, struct run_node *n, struct run_result *res,
				    struct hoist_error *err)
{
	struct hoist_octopus *oc = run_pinger(r, NULL);
	struct hoist_exec_result x;
	enum hoist_status st = HOIST_OK;
	enum hoist_ping p = HOIST_PING_DOWN;
	if (n->plan->url)
		hoist_octopus_ping(oc, n->plan->url, &p, NULL);
	if (n->plan->url && p != HOIST_PING_DOWN) {
		n->stopped_by_us = false;
		run_say(res, N_("%s is already running"), n->plan->name);
		hoist_octopus_free(oc);
		return HOIST_OK;
	}
	hoist_exec_result_init(&x);
	st = run_action(r, n, "start", "start", NULL, NULL, NULL, false, &x, err);
	res->exit_code = x.exited ? x.exit_code : -1;
	hoist_exec_result_done(&x);
	if (st == HOIST_OK && !run_wait_ping(r, oc, n, true, START_WAIT_MS))
		st = hoist_error_set(err, HOIST_STATE,
				     _("%s does not answer at %s after it was started"),
				     n->plan->name, n->plan->url);
	if (st == HOIST_OK)
		n->stopped_by_us = false;
	hoist_octopus_free(oc);
	return st;
}

static enum hoist_status step_command(struct run *r, struct run_node *n, const char *step,
				      const char *action, const struct hoist_version *v,
				      struct run_result *res, struct hoist_error *err)
{
	struct hoist_exec_result x;
	enum hoist_status st;
	hoist_exec_result_init(&x);
	st = run_action(r, n, step, action, v, NULL, NULL, false, &x, err);
	res->exit_code = x.exited ? x.exit_code : -1;
	hoist_exec_result_done(&x);
	return st;
}

/* The node answers and reports the target version; retried for a bounded time. */
static enum hoist_status step_validate(struct run *r, struct run_node *n,
				       const struct hoist_version *want, struct run_result *res,
				       struct hoist_error *err)
{
	struct hoist_octopus *nc;
	struct timespec t0, t1;
	struct hoist_version v;
	enum hoist_status st;
	if (!n->plan->url) {
		res->outcome = HOIST_OUTCOME_SKIPPED;
		run_say(res, N_("%s has no url in the configuration: nothing to "
				"ask"), n->plan->name);
		return HOIST_OK;
	}
	nc = run_pinger(r, n->plan->url);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		st = hoist_octopus_version(nc, &v, err);
		if (st == HOIST_OK && !hoist_version_cmp(&v, want))
			break;
		if (st == HOIST_OK)
			st = hoist_error_set(err, HOIST_STATE, _("%s reports %s, not %s"),
					     n->plan->name, v.text, want->text);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		/* Older than the start or newer than the target: no wait will mend it. */
		if (st == HOIST_STATE && (hoist_version_cmp(&v, &r->plan->from) < 0 ||
					  hoist_version_cmp(&v, want) > 0))
			break;
		if (t1.tv_sec - t0.tv_sec >= START_WAIT_MS / 1000 || !run_sleep(r, NODE_POLL_MS))
			break;
	}
	hoist_octopus_free(nc);
	if (st == HOIST_OK)
		run_say(res, N_("%s runs %s"), n->plan->name, v.text);
	return st;
}

/* ---- the step operations: one entry per step id, each a function ---- */

static enum hoist_status op_preflight(struct run *r, struct run_node *n,
				      const struct hoist_plan_step *s, struct run_result *res,
				      struct hoist_error *err)
{
	(void)n;
	(void)s;
	return run_preflight(r, res, err);
}

static enum hoist_status op_stage(struct run *r, struct run_node *n,
				  const struct hoist_plan_step *s, struct run_result *res,
				  struct hoist_error *err)
{
	(void)n;
	(void)s;
	return run_stage(r, res, err);
}

static enum hoist_status op_master_key(struct run *r, struct run_node *n,
				       const struct hoist_plan_step *s, struct run_result *res,
				       struct hoist_error *err)
{
	(void)s;
	return step_master_key(r, n, res, err);
}

static enum hoist_status op_backup_db(struct run *r, struct run_node *n,
				      const struct hoist_plan_step *s, struct run_result *res,
				      struct hoist_error *err)
{
	(void)s;
	return step_backup_db(r, n, res, err);
}

static enum hoist_status op_maintenance_on(struct run *r, struct run_node *n,
					   const struct hoist_plan_step *s,
					   struct run_result *res, struct hoist_error *err)
{
	(void)n;
	(void)s;
	return step_maintenance(r, true, res, err);
}

static enum hoist_status op_maintenance_off(struct run *r, struct run_node *n,
					    const struct hoist_plan_step *s,
					    struct run_result *res, struct hoist_error *err)
{
	(void)n;
	(void)s;
	return step_maintenance(r, false, res, err);
}

static enum hoist_status op_drain(struct run *r, struct run_node *n,
				  const struct hoist_plan_step *s, struct run_result *res,
				  struct hoist_error *err)
{
	(void)s;
	return step_drain(r, n, true, res, err);
}

static enum hoist_status op_undrain(struct run *r, struct run_node *n,
				    const struct hoist_plan_step *s, struct run_result *res,
				    struct hoist_error *err)
{
	(void)s;
	return step_drain(r, n, false, res, err);
}

static enum hoist_status op_wait_tasks(struct run *r, struct run_node *n,
				       const struct hoist_plan_step *s, struct run_result *res,
				       struct hoist_error *err)
{
	(void)n;
	return step_wait_tasks(r, s->node, res, err);
}

static enum hoist_status op_stop(struct run *r, struct run_node *n,
				 const struct hoist_plan_step *s, struct run_result *res,
				 struct hoist_error *err)
{
	return step_stop(r, n, s, res, err);
}

static enum hoist_status op_start(struct run *r, struct run_node *n,
				  const struct hoist_plan_step *s, struct run_result *res,
				  struct hoist_error *err)
{
	(void)s;
	return step_start(r, n, res, err);
}

static enum hoist_status op_install(struct run *r, struct run_node *n,
				    const struct hoist_plan_step *s, struct run_result *res,
				    struct hoist_error *err)
{
	/* A remote node's installer: still the one staged there (run_files.c). */
	enum hoist_status st = run_check_installer(r, n, &s->version, err);
	if (st != HOIST_OK)
		return st;
	n->install_ran = true;
	return step_command(r, n, "install", "install", &s->version, res, err);
}

static enum hoist_status op_db_upgrade(struct run *r, struct run_node *n,
				       const struct hoist_plan_step *s, struct run_result *res,
				       struct hoist_error *err)
{
	r->pnr_started = true;
	return step_command(r, n, "db-upgrade", "db-upgrade", &s->version, res, err);
}

static enum hoist_status op_validate(struct run *r, struct run_node *n,
				     const struct hoist_plan_step *s, struct run_result *res,
				     struct hoist_error *err)
{
	/* The post-upgrade gate: the version, then online (run_validate.c). */
	enum hoist_status st = run_gate(r, s->id, n->plan->name,
					step_validate(r, n, &s->version, res, err), err);
	return st == HOIST_OK ? run_validate_node(r, n, &s->version, &res->message, err) : st;
}

/*
 * What each step id does. A new step is one entry here and one function; needs_node says
 * that the step acts on the node it names (the plan must name one it lists).
 */
static const struct run_step_op step_ops[] = {
	{ "preflight", false, op_preflight },
	{ "stage", false, op_stage },
	{ "backup-master-key", true, op_master_key },
	{ "backup-db", true, op_backup_db },
	{ "maintenance-on", false, op_maintenance_on },
	{ "drain", true, op_drain },
	{ "wait-tasks", false, op_wait_tasks },
	{ "stop", true, op_stop },
	{ "install", true, op_install },
	{ "db-upgrade", true, op_db_upgrade },
	{ "start", true, op_start },
	{ "validate", true, op_validate },
	{ "undrain", true, op_undrain },
	/* the upgrade's own health check, or a journey's over its targets (run_journeys.c) */
	{ "health-check", false, run_op_health },
	{ "maintenance-off", false, op_maintenance_off },
	/* a rollback plan's own steps (guide_steps.c) */
	{ "db-restore", true, run_op_db_restore },
	{ "master-key-restore", true, run_op_master_key_restore },
	/* the other journeys' steps (run_journeys.c) */
	{ "tentacles", false, run_op_tentacles },
	{ "os-patch", true, run_op_os_patch },
	{ "migrate-data", true, run_op_migrate },
	{ "backup-license-key", true, run_op_manual },
	{ "move-packages", true, run_op_manual },
	{ "install-tentacles", false, run_op_manual },
	{ "clean-up-home", true, run_op_manual },
	{ NULL, false, NULL },
};

const struct run_step_op *run_step_op_find(const char *id)
{
	for (const struct run_step_op *op = step_ops; id && op->id; op++)
		if (!strcmp(op->id, id))
			return op;
	return NULL;
}

enum hoist_status run_step(struct run *r, const struct hoist_plan_step *s, struct run_result *res,
			   struct hoist_error *err)
{
	struct run_node *n = s->node ? run_find_node(r, s->node) : NULL;
	const struct run_step_op *op = run_step_op_find(s->id);
	res->outcome = HOIST_OUTCOME_OK;
	if (s->node && !n)
		return hoist_error_set(err, HOIST_STATE, _("the plan names the node %s, which it "
							   "does not list"), s->node);
	/* A rollback's undrain and maintenance-off undo another run's change: this run's now. */
	run_guide_claim(r, n, s);
	if (!op || (op->needs_node && !n))
		return hoist_error_set(err, HOIST_USAGE,
				       _("the step %s is not one an upgrade run carries out"), s->id);
	return op->fn(r, n, s, res, err);
}
