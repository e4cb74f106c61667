/* cmd_upgrade.c: hoist upgrade, a plan run in the foreground (followed) or detached. */
#include "config.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "cli_guide.h"
#include "guide.h"
#include "i18n.h"
#include "run.h"
#include "xalloc.h"

static int help(void)
{
	cli_help(_("usage: hoist [--config FILE] upgrade (--to V | --plan FILE) [OPTIONS]\n\n"
			  "Runs the upgrade: preflight, download and verify, back up, then the\n"
			  "steps of the plan in order; before the point of no return a failure\n"
			  "undoes what the run changed. Progress is read from the run's journal.\n"
			  "Ctrl-C cancels at the next safe point and restores what was changed.\n\n"
			  "Options:\n"
			  "  --to V              plan and run the upgrade to V\n"
			  "  --plan FILE         run a plan saved by hoist plan -o FILE; it runs only\n"
			  "                      against the server it was made for\n"
			  "  --retarget          run the plan against the configured server instead,\n"
			  "                      once its versions and nodes match the plan's origin\n"
			  "                      (a replay; recorded in the journal)\n"
			  "  --strategy S        all-at-once, rolling (patch only) or auto (with --to)\n"
			  "  --role-order R,...  the order of roles (with --to)\n"
			  "  --yes               do not ask before changing the server\n"
			  "  --detach            run in the background, in a session of its own; follow\n"
			  "                      it with hoist status --follow\n"
			  "  --dry-run           download, verify and check everything; change nothing\n"
			  "  --force             the upgrade of the installed version runs again (a\n"
			  "                      repair; with --to the installed version)\n"
			  "  --node NAME         that node alone (refused for a minor or major upgrade\n"
			  "                      of a cluster)\n"
			  "  --ignore-validation-failures\n"
			  "                      a failed validation gate is shown as an error and\n"
			  "                      recorded in the journal, and the run goes on\n"
			  "  --json              print the journal's events as JSON lines\n"
			  "  --help              show this help\n\n"
			  "Exit codes: 0 done, 1 failed before the point of no return (the server is\n"
			  "as it was), 2 usage or configuration, 3 server unreachable or key refused,\n"
			  "4 failed after the point of no return, 5 another run holds the lock.\n"));
	putchar('\n');
	return cli_help(cli_guard_help());
}

int cmd_upgrade(struct cli *cli, int argc, char **argv)
{
	enum { OPT_PLAN = 300, OPT_YES, OPT_DETACH, OPT_DRY_RUN, OPT_RETARGET,
	       OPT_IGNORE_VALIDATION };
	static struct option opts[24];
	struct cli_plan pl;
	const char *plan_file = NULL;
	bool yes = false, detach = false, dry_run = false;
	struct hoist_plan *plan = NULL;
	struct hoist_error err;
	size_t n = 0;
	int opt, rc = 0;
	for (const struct option *o = cli_plan_options; o->name; o++)
		if (strcmp(o->name, "output"))
			opts[n++] = *o;
	opts[n++] = (struct option){ "plan", required_argument, NULL, OPT_PLAN };
	opts[n++] = (struct option){ "yes", no_argument, NULL, OPT_YES };
	opts[n++] = (struct option){ "detach", no_argument, NULL, OPT_DETACH };
	opts[n++] = (struct option){ "dry-run", no_argument, NULL, OPT_DRY_RUN };
	opts[n++] = (struct option){ "retarget", no_argument, NULL, OPT_RETARGET };
	opts[n++] = (struct option){ "ignore-validation-failures", no_argument, NULL,
				     OPT_IGNORE_VALIDATION };
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	memset(&pl, 0, sizeof pl);
	pl.command = "upgrade";
	while ((opt = getopt_long(argc, argv, ":hy", opts, NULL)) != -1) {
		switch (opt) {
		case 'h': return help();
		case OPT_PLAN: plan_file = optarg; continue;
		case 'y':
		case OPT_YES: yes = true; continue;
		case OPT_DETACH: detach = true; continue;
		case OPT_DRY_RUN: dry_run = true; continue;
		case OPT_RETARGET: cli->retarget = true; continue;
		case OPT_IGNORE_VALIDATION: cli->ignore_validation = true; continue;
		case '?':
		case ':': return cli_bad_option("upgrade", opt, optopt, argv, optind);
		}
		if ((rc = cli_plan_option(opt, optarg, &pl)) >= 0)
			return rc;
	}
	rc = 0;
	if (optind < argc)
		return cli_usage("upgrade", _("unexpected argument '%s'"), argv[optind]);
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
