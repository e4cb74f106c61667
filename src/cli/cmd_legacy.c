/* cmd_legacy.c: hoist legacy, the upgrade from Octopus 2.6 to 3.x and its manual check-offs. */
#include "config.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "i18n.h"
#include "legacy.h"
#include "profile.h"
#include "conf.h"
#include "guide.h"

static const char usage[] =
	N_("usage: hoist [--config FILE] legacy --to V --maxage DAYS|all [--clean-up]\n"
	   "                                [--plan-only] [--detach] [--json] [--yes]\n"
	   "       hoist [--config FILE] legacy --confirm STEP [--file FILE]\n"
	   "                                [--run-id ID]\n");
static const char about[] =
	N_("The upgrade of an Octopus 2.6 server to 3.x, in the vendor's order: back up\n"
	   "the database, the master key and the license key (the migration does not\n"
	   "import it); install 3.x; migrate the 2.6 data with the vendor's migrator,\n"
	   "keeping DAYS days of history (the exact command is shown); move the built-in\n"
	   "package repository's files; start the service (it re-indexes them);\n"
	   "Tentacle 3.x on every target; a health check; optionally clean up the old\n"
	   "home folder. A step hoist cannot do is shown with its exact instruction and\n"
	   "waits until you check it off with --confirm, which is recorded. If the run\n"
	   "fails after the migration began, the 2.6 server is the way back.\n");

/* --maxage DAYS|all into the int o->data. */
static int set_maxage(const struct cli_parse *p, const struct cli_option *o, const char *arg)
{
	int *days = o->data;
	long n;
	(void)p;
	if (!strcmp(arg, "all")) {
		*days = -1;
		return -1;
	}
	if (!cli_number(arg, 0, 36500, &n))
		return cli_usage("legacy", _("--maxage needs a number of days (0 to 36500) or all, "
					     "not '%s'"), arg);
	*days = (int)n;
	return -1;
}

static void print_plan(const struct cli *cli, const struct hoist_plan *p)
{
	struct hoist_profile *prof = NULL;
	struct hoist_error err;
	char *cmd;
	hoist_error_init(&err);
	hoist_profile_from_config(&cli->conf, p->profile, &prof, &err);
	cmd = hoist_legacy_migrator_command(p, prof);
	printf(_("Legacy upgrade of Octopus %s to %s (seed 002's order):\n"), p->from.text,
	       p->to.text);
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct hoist_step_info *info = hoist_step_info(p->steps[i].id);
		printf("  %2zu. %-19s %s%s\n", i + 1, p->steps[i].id,
		       info ? _(info->summary) : "",
		       p->steps[i].point_of_no_return ? _(" (the point of no return)") : "");
	}
	printf(_("The migrator: %s\n"), cmd);
	printf(_("Steps done by hand wait for: hoist legacy --confirm STEP\n"));
	printf(_("The way back: the 2.6 server, from the database backup and the master key "
		 "this run takes.\n"));
	fflush(stdout);
	free(cmd);
	hoist_profile_free(prof);
	hoist_error_done(&err);
}

int cmd_legacy(struct cli *cli, int argc, char **argv)
{
	struct hoist_legacy_options o = { NULL, -2, false };
	struct cli_job_args job = { false, false, false };
	const char *confirm = NULL, *file = NULL, *run_id = NULL;
	bool plan_only = false;
	struct hoist_plan *plan = NULL;
	struct hoist_error err;
	const struct cli_option opts[] = {
		CLI_VALUE("to", 0, N_("V"), N_("the 3.x version"), &o.target),
		CLI_CALL_INTO("maxage", 0, N_("DAYS"),
			      N_("days of history the migrator keeps (all: everything)"), set_maxage,
			      &o.maxage_days),
		CLI_FLAG("clean-up", 0, N_("add the optional clean-up of the old home folder"),
			 &o.clean_up),
		CLI_FLAG("plan-only", 0, N_("show the plan and the migrator command; change nothing"),
			 &plan_only),
		CLI_INCLUDE(cli_job_options),
		CLI_VALUE("confirm", 0, N_("STEP"),
			  N_("check off a step done by hand (backup-license-key, move-packages, "
			     "install-tentacles, clean-up-home)"),
			  &confirm),
		CLI_VALUE("file", 0, N_("FILE"), N_("the file that proves it (the license key needs one)"),
			  &file),
		CLI_VALUE("run-id", 0, N_("ID"), N_("the run to check it off in (default: the newest)"),
			  &run_id),
		CLI_END,
	};
	const struct cli_parse p = { .command = "legacy", .cli = cli, .ctx = &job,
				     .usage = usage, .about = about, .options = opts };
	int rc;
	if ((rc = cli_parse_args(&p, argc, argv)) >= 0)
		return rc;
	hoist_error_init(&err);
	if (confirm) {
		if (o.target)
			return cli_usage("legacy", _("--confirm checks off a step of a run: it "
						     "takes no --to"));
		rc = hoist_legacy_confirm(&cli->conf, run_id, confirm, file, &err) == HOIST_OK
			     ? 0 : cli_fail(&err);
		if (!rc)
			printf(_("Checked off: %s.\n"), confirm);
		hoist_error_done(&err);
		return rc;
	}
	if (!o.target)
		return cli_usage("legacy", _("say which 3.x version to upgrade to with --to V"));
	if (o.maxage_days == -2)
		return cli_usage("legacy", _("choose how many days of history the migrator keeps "
					     "with --maxage DAYS (or --maxage all)"));
	if (hoist_plan_prepare_legacy(&cli->conf, &o, &plan, &err) != HOIST_OK) {
		rc = cli_fail(&err);
		hoist_error_done(&err);
		return rc;
	}
	if (plan_only || !job.json)
		print_plan(cli, plan);
	rc = plan_only ? 0 : cli_confirm("legacy", job.yes,
		_("\nStart the legacy upgrade now? [y/N] "));
	if (rc < 0)
		rc = cli_run_job(cli, 0, plan, NULL, false, job.detach, job.json);
	hoist_plan_free(plan);
	hoist_error_done(&err);
	return rc;
}
