/* cmd_plan.c: hoist plan, the upgrade's plan from the server's real state, shown or saved. */
#include "config.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "checklist.h"
#include "estimate.h"
#include "cli.h"
#include "i18n.h"
#include "packages.h"
#include "run.h"
#include "xalloc.h"

static int help(void)
{
	cli_help(_("usage: hoist [--config FILE] plan --to V [-o FILE] [--json]\n\n"
			  "Builds the upgrade's plan from the server's real state: a table per node\n"
			  "(role, current and target version, steps), the strategy, the point of no\n"
			  "return, the window estimate and the command that runs it.\n\n"
			  "Options:\n"
			  "  --to V              the version to upgrade to\n"
			  "  -o, --output FILE   save the plan (JSON) for hoist upgrade --plan FILE\n"
			  "  --strategy S        all-at-once, rolling (patch only) or auto (default)\n"
			  "  --role-order R,...  the order of roles (default: [upgrade] role_order,\n"
			  "                      else dea,controller,router,base,primary)\n"
			  "  --force             V may be the installed version: its upgrade runs\n"
			  "                      again (a repair)\n"
			  "  --node NAME         that node alone (a patch or a repair of a cluster,\n"
			  "                      any upgrade of a single node)\n"
			  "  --json              print the plan as JSON\n"
			  "  --help              show this help\n"));
	putchar('\n');
	return cli_help(cli_guard_help());
}

/* The evidence and waivers given to hoist plan go into the plan; nothing is refused yet. */
static int plan_checklist(struct cli *cli, const struct cli_plan *pl, struct hoist_plan *plan)
{
	struct hoist_checklist cl;
	int rc;
	hoist_checklist_init(&cl);
	rc = cli_checklist_fill(cli, pl, plan, &cl);
	if (rc == 0)
		hoist_checklist_record(&cl, plan);
	hoist_checklist_done(&cl);
	return rc;
}

int cmd_plan(struct cli *cli, int argc, char **argv)
{
	struct cli_plan pl;
	struct hoist_plan *plan = NULL;
	struct hoist_error err;
	const char *out = NULL;
	int opt, rc = 0;
	memset(&pl, 0, sizeof pl);
	pl.command = "plan";
	while ((opt = getopt_long(argc, argv, ":ho:", cli_plan_options, NULL)) != -1) {
		if (opt == 'h')
			return help();
		if (opt == 'o') {
			out = optarg;
			continue;
		}
		if (opt == '?' || opt == ':')
			return cli_bad_option("plan", opt, optopt, argv, optind);
		if ((rc = cli_plan_option(opt, optarg, &pl)) >= 0)
			return rc;
	}
	rc = 0;
	if (optind < argc)
		return cli_usage("plan", _("unexpected argument '%s'"), argv[optind]);
	if (!pl.to)
		return cli_usage("plan", _("say which version to upgrade to with --to V"));
	hoist_error_init(&err);
	if (hoist_plan_prepare(&cli->conf, pl.to, &pl.prep, &plan, &err) != HOIST_OK) {
		rc = cli_fail(&err);
	} else if ((rc = plan_checklist(cli, &pl, plan)) != 0) {
		/* said */
	} else if (out && hoist_plan_save(plan, out, &err) != HOIST_OK) {
		rc = cli_fail(&err);
	} else if (pl.json) {
		char *json = hoist_plan_to_json(plan);
		puts(json);
		free(json);
	} else {
		cli_print_plan(cli, &pl, plan, out);
		cli_tentacles_advice(cli, plan);
		if (out)
			printf(_("Saved to %s.\n"), out);
	}
	hoist_plan_free(plan);
	hoist_error_done(&err);
	return rc;
}
