/* run_legacy.c: the steps of the 2.6 to 3.x run: the migrator, manual check-offs, validate. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "buf.h"
#include "i18n.h"
#include "legacy.h"
#include "run_int.h"
#include "rundir.h"
#include "text.h"
#include "xalloc.h"

/* How often a waiting manual step looks for the operator's check-off. */
#define CONFIRM_POLL_MS 100

struct sink {
	struct run *r;
	struct hoist_journal_sink js;
};

static void on_line(const struct hoist_exec_line *line, void *data)
{
	struct sink *s = data;
	pthread_mutex_lock(&s->r->jmu);
	hoist_journal_exec_line(line, &s->js);
	pthread_mutex_unlock(&s->r->jmu);
}

/* The migrator through the profile, with {maxage} and {backup} (this run's 2.6 backup). */
enum hoist_status run_step_migrate(struct run *r, struct run_node *n,
				   const struct hoist_plan_step *s, struct run_result *res,
				   struct hoist_error *err)
{
	const char *days = "all";
	if (s->arg)
		hoist_skip_prefix(s->arg, "maxage=", &days);
	char *backup = hoist_rundir_db_backup(r->dir, r->plan->from.text);
	char *shown = hoist_legacy_migrator_command(r->plan, r->profile);
	struct hoist_profile_vars vars;
	struct hoist_profile_cmds cmds;
	struct hoist_exec_options o;
	struct hoist_exec_result x;
	struct sink sk = { r, { r->j, "migrate-data", HOIST_OK } };
	enum hoist_status st;
	if (!hoist_profile_has(r->profile, "migrate-data")) {
		/* The vendor's migrator needs the master key on its command line: by hand. */
		res->outcome = HOIST_OUTCOME_SKIPPED;
		st = hoist_error_set(err, HOIST_CONFIG,
				     _("the profile %s has no \"migrate-data\" action: run the "
				       "migrator yourself on %s (%s), then resume"),
				     hoist_profile_name(r->profile), n->plan->name, shown);
		free(shown);
		free(backup);
		return st;
	}
	run_log(r, "migrate-data", n->plan->name, N_("the migrator: %s"), shown);
	r->pnr_started = true;
	hoist_profile_vars_init(&vars);
	hoist_profile_cmds_init(&cmds);
	st = hoist_profile_vars_set(&vars, "node", n->plan->name, err);
	if (st == HOIST_OK)
		st = hoist_profile_vars_set(&vars, "version", s->version.text, err);
	if (st == HOIST_OK)
		st = hoist_profile_vars_set(&vars, "maxage", days, err);
	if (st == HOIST_OK)
		st = hoist_profile_vars_set(&vars, "backup", backup, err);
	if (st == HOIST_OK)
		st = hoist_profile_expand(r->profile, "migrate-data", &vars, &cmds, err);
	hoist_exec_options_init(&o);
	o.action = "migrate-data";
	o.timeout_ms = hoist_profile_timeout_ms(r->profile, "migrate-data");
	o.on_line = on_line;
	o.data = &sk;
	hoist_exec_result_init(&x);
	for (size_t i = 0; st == HOIST_OK && i < cmds.n; i++) {
		hoist_exec_result_done(&x);
		hoist_exec_result_init(&x);
		st = hoist_transport_run(n->t, (const char *const *)cmds.argv[i], &o, &x, err);
	}
	res->exit_code = x.exited ? x.exit_code : -1;
	hoist_exec_result_done(&x);
	hoist_profile_cmds_done(&cmds);
	hoist_profile_vars_done(&vars);
	if (st == HOIST_OK && strcmp(days, "all"))
		run_say(res, N_("the 2.6 data migrated to %s, keeping %s days of history"),
			s->version.text, days);
	else if (st == HOIST_OK)
		run_say(res, N_("the 2.6 data migrated to %s, with all its history"),
			s->version.text);
	free(shown);
	free(backup);
	return st;
}

static void prompt(struct run *r, const char *step, const char *node, const char *text)
{
	struct hoist_event ev;
	hoist_event_init(&ev, HOIST_EVENT_PROMPT);
	ev.step = hoist_xstrdup(step);
	ev.node = node ? hoist_xstrdup(node) : NULL;
	ev.prompt = hoist_xstrdup(step);
	ev.message = hoist_xstrdup(text);
	pthread_mutex_lock(&r->jmu);
	hoist_journal_append(r->j, &ev, NULL);
	pthread_mutex_unlock(&r->jmu);
	hoist_event_done(&ev);
}

/* "key=value" of a check-off file; a new string or NULL. */
static char *field(const char *text, const char *key)
{
	size_t k = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, k) && l[k] == '=')
			return hoist_xstrndup(l + k + 1, strcspn(l + k + 1, "\n"));
	return NULL;
}

/* The targets the instruction is about, for install-tentacles: the server's own list. */
static char *targets_text(struct run *r)
{
	struct hoist_octopus *oc = run_client(r, NULL);
	struct hoist_octopus_tentacles m = { NULL, 0 };
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	if (hoist_octopus_tentacles(oc, "", &m, NULL) == HOIST_OK)
		for (size_t i = 0; i < m.n; i++)
			if (m.v[i].upgrade_required || m.v[i].upgrade_suggested)
				hoist_buf_printf(&b, "%s%s (%s)", b.len ? ", " : "", m.v[i].name,
						 m.v[i].version ? m.v[i].version : "?");
	hoist_octopus_tentacles_done(&m);
	hoist_octopus_free(oc);
	return hoist_buf_detach(&b, NULL);
}

/* A manual step: its instruction as a prompt, then a wait for the operator's check-off. */
enum hoist_status run_step_manual(struct run *r, struct run_node *n,
				  const struct hoist_plan_step *s, struct run_result *res,
				  struct hoist_error *err)
{
	const char *node = n ? n->plan->name : NULL;
	char *text = hoist_legacy_instruction(r->plan, s->id, node);
	char *file = hoist_xasprintf("%s/confirm/%s", r->dir, s->id), *body = NULL;
	struct hoist_evidence ev;
	size_t len;
	if (!strcmp(s->id, "install-tentacles")) {
		char *list = targets_text(r), *more;
		if (*list) {
			more = hoist_xasprintf(_("%s Targets still on an old Tentacle: %s."), text,
					       list);
			free(text);
			text = more;
		}
		free(list);
	}
	prompt(r, s->id, node, text);
	free(text);
	while (access(file, F_OK) != 0) {
		if (!run_sleep(r, CONFIRM_POLL_MS)) {
			free(file);
			return hoist_error_set(err, HOIST_CANCELLED,
					       _("stopped while waiting for the check-off of %s"),
					       s->id);
		}
	}
	{
		FILE *f = fopen(file, "r");
		body = hoist_xcalloc(4097, 1);
		len = f ? fread(body, 1, 4096, f) : 0;
		body[len] = '\0';
		if (f)
			fclose(f);
	}
	memset(&ev, 0, sizeof ev);
	ev.path = field(body, "path");
	ev.size = -1;
	ev.time_ms = (long long)time(NULL) * 1000;
	{
		char *by = field(body, "by"), *when = field(body, "time");
		if (ev.path)
			run_say(res, N_("checked off by %s at %s: %s"), by ? by : "?",
				when ? when : "?", ev.path);
		else
			run_say(res, N_("checked off by %s at %s"), by ? by : "?",
				when ? when : "?");
		free(by);
		free(when);
	}
	run_add_evidence(r, s->id, &ev, false);
	res->evidence = ev;
	free(body);
	free(file);
	return HOIST_OK;
}
