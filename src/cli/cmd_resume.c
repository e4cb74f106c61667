/* cmd_resume.c: hoist resume, an interrupted run continued from its journal. */
#include "config.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "i18n.h"
#include "journal.h"
#include "run.h"
#include "rundir.h"
#include "xalloc.h"

static const char usage[] =
	N_("usage: hoist [--config FILE] resume [--run ID] [--detach] [--json]\n");
static const char about[] =
	N_("Continues a run that was interrupted (a crash, kill -9, a reboot): reads\n"
	   "its journal, checks the server's real state, and runs the steps that have\n"
	   "not ended well, repeating only those that are safe to repeat; a run\n"
	   "killed while it undid its changes finishes undoing them. A dry run is\n"
	   "resumed as a dry run. A run that has ended has nothing to resume: that\n"
	   "is said, and the exit code is 0.\n");

int cmd_resume(struct cli *cli, int argc, char **argv)
{
	const char *run = NULL;
	bool detach = false, json = false;
	const struct cli_option opts[] = {
		CLI_VALUE("run", 0, N_("ID"), N_("this run instead of the newest (also --run-id ID)"),
			  &run),
		CLI_VALUE("run-id", 0, N_("ID"), NULL, &run),
		CLI_FLAG("detach", 0, N_("continue in the background"), &detach),
		CLI_FLAG("json", 0, N_("print the journal's events as JSON lines"), &json),
		CLI_END,
	};
	const struct cli_parse p = { .command = "resume", .cli = cli, .usage = usage,
				     .about = about, .options = opts };
	int rc;
	if ((rc = cli_parse_args(&p, argc, argv)) >= 0)
		return rc;
	if (run && !hoist_rundir_id_valid(run))
		return cli_usage("resume", _("\"%s\" is not a run id"), run);
	{
		/* A run that ended: nothing to resume, and nothing to write into its folder. */
		struct hoist_run_summary s;
		char *id = run ? hoist_xstrdup(run) : NULL, *path;
		bool ended = false;
		if (!id) {
			char *state = hoist_config_state_dir(&cli->conf);
			hoist_rundir_latest(state, &id, NULL);
			free(state);
		}
		hoist_run_summary_init(&s);
		if (id) {
			path = hoist_run_journal_path(&cli->conf, id);
			ended = hoist_journal_fold(path, &s, NULL) == HOIST_OK &&
				(s.state == HOIST_RUN_OK || s.state == HOIST_RUN_FAILED ||
				 s.state == HOIST_RUN_UNDONE);
			free(path);
		}
		if (ended) {
			const char *how = s.state == HOIST_RUN_OK ? _("done")
					  : s.state == HOIST_RUN_UNDONE ? _("stopped, everything undone")
					  : _("failed; see hoist rollback --guide");
			if (json)
				printf("{\"run_id\": \"%s\", \"resumed\": false, \"state\": \"%s\"}\n",
				       id, hoist_run_state_name(s.state));
			else
				printf(_("The run %s has ended (%s): there is nothing to resume.\n"), id,
				       how);
		}
		hoist_run_summary_done(&s);
		free(id);
		if (ended) {
			/* Its engine may have been killed after the end, before it let go of the lock. */
			hoist_run_release_ended_lock(&cli->conf);
			return 0;
		}
	}
	return cli_run_job(cli, HOIST_JOB_RESUME, NULL, run, false, detach, json);
}
