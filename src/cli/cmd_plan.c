/* cmd_plan.c: hoist plan, the upgrade's plan from the server's real state, shown or saved. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "checklist.h"
#include "cli.h"
#include "i18n.h"

static const char usage[] = N_("usage: hoist [--config FILE] plan --to V [-o FILE] [--json]\n");
static const char about[] =
	N_("Builds the upgrade's plan from the server's real state: a table per node\n"
	   "(role, current and target version, steps), the strategy, the point of no\n"
	   "return, the window estimate and the command that runs it.\n");

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
	const struct cli_option opts[] = {
		CLI_VALUE("to", 0, N_("V"), N_("the version to upgrade to"), &pl.to),
		CLI_VALUE("output", 'o', N_("FILE"),
			  N_("save the plan (JSON) for hoist upgrade --plan FILE"), &out),
		CLI_INCLUDE(cli_plan_shape_options),
		CLI_INCLUDE(cli_plan_repair_options),
		CLI_FLAG("json", 0, N_("print the plan as JSON"), &pl.json),
		CLI_INCLUDE(cli_guard_options),
		CLI_END,
	};
	const struct cli_parse p = { .command = "plan", .cli = cli, .ctx = &pl, .usage = usage,
				     .about = about, .options = opts };
	int rc;
	memset(&pl, 0, sizeof pl);
	pl.command = "plan";
	if ((rc = cli_parse_args(&p, argc, argv)) >= 0)
		return rc;
	rc = 0;
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
