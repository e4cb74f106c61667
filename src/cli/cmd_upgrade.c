/* cmd_upgrade.c: hoist upgrade, a plan run in the foreground (followed) or detached. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "i18n.h"
#include "run.h"
#include "xalloc.h"

static const char usage[] =
	N_("usage: hoist [--config FILE] upgrade (--to V | --plan FILE) [OPTIONS]\n");
static const char about[] =
	N_("Runs the upgrade: preflight, download and verify, back up, then the\n"
	   "steps of the plan in order; before the point of no return a failure\n"
	   "undoes what the run changed. Progress is read from the run's journal.\n"
	   "Ctrl-C cancels at the next safe point and restores what was changed.\n");
static const char after[] =
	N_("Exit codes: 0 done, 1 failed before the point of no return (the server is\n"
	   "as it was), 2 usage or configuration, 3 server unreachable or key refused,\n"
	   "4 failed after the point of no return, 5 another run holds the lock.\n");

int cmd_upgrade(struct cli *cli, int argc, char **argv)
{
	struct cli_plan pl;
	const char *plan_file = NULL;
	bool yes = false, detach = false, dry_run = false;
	struct hoist_plan *plan = NULL;
	struct hoist_error err;
	const struct cli_option opts[] = {
		CLI_VALUE("to", 0, N_("V"), N_("plan and run the upgrade to V"), &pl.to),
		CLI_VALUE("plan", 0, N_("FILE"),
			  N_("run a plan saved by hoist plan -o FILE; it runs only against the "
			     "server it was made for"),
			  &plan_file),
		CLI_FLAG("retarget", 0,
			 N_("run the plan against the configured server instead, once its versions "
			    "and nodes match the plan's origin (a replay; recorded in the journal)"),
			 &cli->retarget),
		CLI_INCLUDE(cli_plan_shape_options),
		CLI_FLAG("yes", 'y', N_("do not ask before changing the server"), &yes),
		CLI_FLAG("detach", 0,
			 N_("run in the background, in a session of its own; follow it with hoist "
			    "status --follow"),
			 &detach),
		CLI_FLAG("dry-run", 0, N_("download, verify and check everything; change nothing"),
			 &dry_run),
		CLI_INCLUDE(cli_plan_repair_options),
		CLI_FLAG("ignore-validation-failures", 0,
			 N_("a failed validation gate is shown as an error and recorded in the "
			    "journal, and the run goes on"),
			 &cli->ignore_validation),
		CLI_FLAG("json", 0, N_("print the journal's events as JSON lines"), &pl.json),
		CLI_INCLUDE(cli_guard_options),
		CLI_END,
	};
	const struct cli_parse p = { .command = "upgrade", .cli = cli, .ctx = &pl,
				     .usage = usage, .about = about, .after = after,
				     .options = opts };
	int rc;
	memset(&pl, 0, sizeof pl);
	pl.command = "upgrade";
	if ((rc = cli_parse_args(&p, argc, argv)) >= 0)
		return rc;
	rc = 0;
	if (!pl.to == !plan_file)
		return cli_usage("upgrade", _("give either --to V or --plan FILE"));
	if (cli->retarget && !plan_file)
		return cli_usage("upgrade", _("--retarget goes with --plan FILE"));
	hoist_error_init(&err);
	if (hoist_run_check_lock(&cli->conf, &err) != HOIST_OK ||
	    (plan_file ? hoist_plan_load(plan_file, &plan, &err)
		       : hoist_plan_prepare(&cli->conf, pl.to, &pl.prep, &plan, &err)) != HOIST_OK ||
	    (plan_file && hoist_run_check_target(&cli->conf, plan, cli->retarget, &err) !=
				  HOIST_OK)) {
		hoist_plan_free(plan);
		rc = cli_fail(&err);
		hoist_error_done(&err);
		return rc;
	}
	hoist_error_done(&err);
	/* The mode is the plan's: a dry run's plan runs as a dry run, without asking. */
	dry_run = dry_run || plan->dry_run;
	/* The same guard rails as the wizard's: the checklist, before anything is asked. */
	if (!dry_run && (rc = cli_guard_plan(cli, &pl, plan)) != 0) {
		hoist_plan_free(plan);
		return rc;
	}
	if (!yes && !dry_run) {
		char *q;
		if (!pl.json)
			cli_print_plan(cli, &pl, plan, plan_file);
		q = hoist_xasprintf(_("\nUpgrade %s from %s to %s now? [y/N] "),
				    cli->conf.server_url ? cli->conf.server_url : "", plan->from.text,
				    plan->to.text);
		rc = cli_confirm("upgrade", false, q);
		free(q);
		if (rc < 0)
			rc = 0;
	}
	if (rc == 0)
		rc = cli_run_job(cli, HOIST_JOB_UPGRADE, plan, NULL, dry_run, detach, pl.json);
	hoist_plan_free(plan);
	return rc;
}
