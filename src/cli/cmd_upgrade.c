/* cmd_upgrade.c: hoist upgrade, a plan run in the foreground (followed) or detached. */
#include "config.h"
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "cli_guide.h"
#include "guide.h"
#include "i18n.h"
#include "run.h"
#include "xalloc.h"

static volatile sig_atomic_t stop_asked;
/* --ignore-validation-failures of hoist upgrade, for the job it starts. */
static bool ignore_validation;

/* A run that went past validation failures: its guide (which lists them) is saved. */
static void save_guide(struct cli *cli, const char *run_id, bool json)
{
	struct hoist_guide *g = NULL;
	struct hoist_plan *plan = NULL;
	struct hoist_error err;
	char *dir = NULL;
	hoist_error_init(&err);
	if (hoist_guide_load(&cli->conf, run_id, &plan, &dir, &g, &err) != HOIST_OK ||
	    hoist_guide_save(g, dir, &err) != HOIST_OK)
		fprintf(stderr, _("hoist: %s\n"), hoist_error_message(&err));
	else if (g->n_ignored && !json)
		fprintf(stderr, _("hoist: the validation failures this run went past are in its "
				  "guide: hoist rollback --guide --run-id %s (also in %s/guide.txt)\n"),
			run_id, dir);
	hoist_guide_free(g);
	hoist_plan_free(plan);
	free(dir);
	hoist_error_done(&err);
}

static void on_stop(int sig)
{
	(void)sig;
	stop_asked = 1;
}

/*
 * The engine runs in a session of its own; this command only follows it. SIGINT and
 * SIGTERM ask it to stop at the next safe point (a second one changes nothing); a closed
 * standard output is a lost face, never a reason to stop: SIGPIPE is ignored and the run
 * is followed to its end, for its exit code. SIGHUP ends only this command.
 */
static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

struct job {
	struct hoist_run_handle *h;
	bool stop_sent;
};

/* The follower's question "is the writer still there?": also where a stop is passed on. */
static bool job_running(void *ctx)
{
	struct job *j = ctx;
	if (stop_asked && !j->stop_sent) {
		struct hoist_error err;
		j->stop_sent = true;
		hoist_error_init(&err);
		if (hoist_run_handle_stop(j->h, &err) != HOIST_OK)
			fprintf(stderr, _("hoist: %s\n"), hoist_error_message(&err));
		else
			fprintf(stderr, _("hoist: asked run %s to stop at the next safe point; it "
					  "undoes what it changed where it can (this command ends "
					  "with the run)\n"),
				hoist_run_handle_id(j->h));
		hoist_error_done(&err);
	}
	return hoist_run_handle_running(j->h, 0);
}

int cli_run_job(struct cli *cli, enum hoist_run_job kind, const struct hoist_plan *plan,
		const char *resume_id, bool dry_run, bool detach, bool json)
{
	struct hoist_run_options o = { 0 };
	struct hoist_error err;
	struct job j;
	enum hoist_status st;
	int rc;
	memset(&j, 0, sizeof j);
	hoist_error_init(&err);
	if (!detach)
		catch_signals();
	o.dry_run = dry_run;
	o.retarget = cli->retarget;
	o.ignore_validation = ignore_validation;
	st = hoist_run_spawn(&cli->conf, kind, plan, resume_id, &o, &j.h, &err);
	if (st != HOIST_OK) {
		rc = cli_fail(&err);
		hoist_error_done(&err);
		return rc;
	}
	if (detach) {
		if (json)
			printf("{\"run_id\": \"%s\"}\n", hoist_run_handle_id(j.h));
		else
			printf(_("The run %s goes on in the background.\nFollow it with: hoist "
				 "status --follow\n"),
			       hoist_run_handle_id(j.h));
		hoist_run_handle_free(j.h);
		hoist_error_done(&err);
		return 0;
	}
	/* The one follower of `hoist status --follow`, until the engine has ended. */
	cli_follow(cli, hoist_run_handle_id(j.h), json, true, job_running, &j);
	st = hoist_run_handle_result(j.h, &err);
	if (st == HOIST_OK) {
		rc = 0;
		/* Failures it went past are in the guide too (guide.txt). */
		if (ignore_validation && !dry_run)
			save_guide(cli, hoist_run_handle_id(j.h), json);
	} else {
		rc = cli_fail(&err);
		/* A killed engine's run is interrupted: resume, not the guide, comes next. */
		if (!dry_run && !hoist_run_handle_interrupted(j.h))
			cli_guide_after_failure(cli, hoist_run_handle_id(j.h),
						st == HOIST_FAILED_PNR, json);
	}
	hoist_run_handle_free(j.h);
	hoist_error_done(&err);
	return rc;
}

/* Asks once on a terminal; refuses without --yes anywhere else. */
static int confirm(const char *command, const char *question)
{
	char line[64];
	if (!isatty(STDIN_FILENO))
		return cli_usage(command, _("not on a terminal: confirm with --yes"));
	printf("%s", question);
	fflush(stdout);
	if (!fgets(line, sizeof line, stdin) || !hoist_i18n_is_yes(line)) {
		printf(_("Nothing was changed.\n"));
		return 1;
	}
	return 0;
}

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
		case OPT_IGNORE_VALIDATION: ignore_validation = true; continue;
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
			cli_print_plan(cli, plan, plan_file);
		q = hoist_xasprintf(_("\nUpgrade %s from %s to %s now? [y/N] "),
				    cli->conf.server_url ? cli->conf.server_url : "", plan->from.text,
				    plan->to.text);
		rc = confirm("upgrade", q);
		free(q);
	}
	if (rc == 0)
		rc = cli_run_job(cli, HOIST_JOB_UPGRADE, plan, NULL, dry_run, detach, pl.json);
	hoist_plan_free(plan);
	return rc;
}
