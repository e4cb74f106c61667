/* cmd_status.c: hoist status, the current or last run rendered from its journal. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "i18n.h"
#include "journal.h"
#include "run.h"
#include "rundir.h"
#include "xalloc.h"

/* The journal's state and outcome names, in the reader's language (the English stays the same). */
static const char *state_text(enum hoist_run_state st)
{
	switch (st) {
	case HOIST_RUN_RUNNING: return _("running");
	case HOIST_RUN_OK: return _("done");
	case HOIST_RUN_FAILED: return _("failed: the rollback guide is needed");
	case HOIST_RUN_UNDONE: return _("undone: stopped, everything undone");
	case HOIST_RUN_INTERRUPTED: return _("interrupted; 'hoist resume' continues it");
	default: return _("none");
	}
}

/* A step's state; one that started in a run no engine carries on any more did not finish. */
static const char *step_text(enum hoist_step_state st, bool live)
{
	switch (st) {
	case HOIST_STEP_RUNNING: return live ? _("running") : _("did not finish");
	case HOIST_STEP_OK: return _("ok");
	case HOIST_STEP_FAILED: return _("failed");
	case HOIST_STEP_SKIPPED: return _("skipped");
	default: return _("pending");
	}
}

static void print_summary(const struct hoist_run_summary *s, bool alive, const char *orphans)
{
	char t[16];
	bool live = s->state == HOIST_RUN_RUNNING && alive;
	int sw = 9; /* the state column: as wide as its longest word in this language */
	for (int k = HOIST_STEP_PENDING; k <= HOIST_STEP_SKIPPED; k++)
		if (cli_width(step_text((enum hoist_step_state)k, live)) + 1 > sw)
			sw = cli_width(step_text((enum hoist_step_state)k, live)) + 1;
	printf(_("Run %s: %s to %s (%s, %s)\n"), s->run_id ? s->run_id : "",
	       s->from_version ? s->from_version : "", s->to_version ? s->to_version : "",
	       cli_run_kind_text(s->kind), s->strategy ? s->strategy : "");
	if (s->state == HOIST_RUN_RUNNING && !alive && orphans)
		printf(_("State: interrupted, but an action its engine started still runs: %s; "
			 "'hoist resume' waits for it, then continues the run\n"), orphans);
	else if (s->state == HOIST_RUN_RUNNING && !alive)
		printf(_("State: interrupted; 'hoist resume' continues it\n"));
	else
		printf(_("State: %s\n"), state_text(s->state));
	if (s->text)
		printf(_("Outcome: %s\n"), s->text);
	/* The plan's steps, then the revert phase's under a heading of its own. */
	for (int phase = 0; phase < 2; phase++) {
		bool head = false;
		for (size_t i = 0; i < s->n_steps; i++) {
			const struct hoist_step_summary *st = &s->steps[i];
			char name[200];
			if (st->revert != (phase == 1))
				continue;
			if (!head) {
				putchar('\n');
				if (phase == 1)
					printf("%s\n", _("Revert (undoing what the run changed):"));
				head = true;
			}
			cli_step_name(st->step, st->node, st->hop, false, name, sizeof name);
			if (st->started_ms)
				cli_clock_text(st->started_ms, t);
			else
				strcpy(t, "--:--:--");
			printf("  %s  ", t);
			cli_pad(name, 34);
			cli_pad(step_text(st->state, live), sw);
			printf("%s\n", st->text ? st->text : "");
		}
	}
}

static const char usage[] =
	N_("usage: hoist [--config FILE] status [--run ID] [--follow] [--json]\n");
static const char about[] = N_("Shows the current or the last run, rendered from its journal.\n");

int cmd_status(struct cli *cli, int argc, char **argv)
{
	const char *run = NULL;
	bool follow = false, json = false;
	char *id = NULL, *path;
	struct hoist_error err;
	const struct cli_option opts[] = {
		CLI_VALUE("run", 0, N_("ID"), N_("this run instead of the newest (also --run-id ID)"),
			  &run),
		CLI_VALUE("run-id", 0, N_("ID"), NULL, &run),
		CLI_FLAG("follow", 0,
			 N_("stay and show each event until the run ends; the exit code is then "
			    "the run's (0 done, 1 failed, 4 failed after the point of no return)"),
			 &follow),
		CLI_FLAG("json", 0, N_("print the journal's events, one JSON object per line"),
			 &json),
		CLI_END,
	};
	const struct cli_parse p = { .command = "status", .cli = cli, .usage = usage,
				     .about = about, .options = opts };
	int rc;
	if ((rc = cli_parse_args(&p, argc, argv)) >= 0)
		return rc;
	rc = 0;
	hoist_error_init(&err);
	if (run && !hoist_rundir_id_valid(run)) {
		hoist_error_done(&err);
		return cli_usage("status", _("\"%s\" is not a run id"), run);
	}
	if (run) {
		id = hoist_xstrdup(run);
	} else {
		char *state = hoist_config_state_dir(&cli->conf);
		enum hoist_status st = hoist_rundir_latest(state, &id, &err);
		free(state);
		if (st == HOIST_NOTFOUND) {
			printf(_("No run yet.\n"));
			hoist_error_done(&err);
			return 0;
		}
		if (st != HOIST_OK) {
			rc = cli_fail(&err);
			hoist_error_done(&err);
			return rc;
		}
	}
	if (follow || json) {
		rc = cli_follow(cli, id, json, follow, NULL, NULL);
		if (!follow)
			rc = 0;
	} else {
		struct hoist_run_summary s;
		path = hoist_run_journal_path(&cli->conf, id);
		hoist_run_summary_init(&s);
		if (hoist_journal_fold(path, &s, &err) != HOIST_OK)
			rc = cli_fail(&err);
		else {
			char *orphans = hoist_run_orphans_text(&cli->conf, id);
			print_summary(&s, hoist_run_alive(&cli->conf, id), orphans);
			free(orphans);
		}
		hoist_run_summary_done(&s);
		free(path);
	}
	free(id);
	hoist_error_done(&err);
	return rc;
}
