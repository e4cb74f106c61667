/* cmd_rollback.c: hoist rollback, the guide of a failed run (--guide) and carrying it out (--run). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "cli_guide.h"
#include "guide.h"
#include "i18n.h"

static const char usage[] =
	N_("usage: hoist [--config FILE] rollback --guide [--run-id ID] [--json]\n"
	   "       hoist [--config FILE] rollback --run [--run-id ID] [--yes]\n");
static const char about[] =
	N_("--guide prints the rollback guide of a run, generated from its plan and\n"
	   "journal: which step failed on which node, whether the point of no return\n"
	   "(the database upgrade) was passed, the backups the run took, and the\n"
	   "numbered steps back to the old version with the exact command of each.\n"
	   "--run carries the guide out as a run of its own (with its own journal):\n"
	   "maintenance mode stays on until the old version validates, the database is\n"
	   "restored from the run's backup where the rules ask for it, the old version\n"
	   "is reinstalled, the nodes start, are validated and undrained, and\n"
	   "maintenance mode is turned off.\n");
static const char after[] =
	N_("Exit codes: 0 done, 1 the rollback failed, 2 usage or configuration error,\n"
	   "3 server unreachable, 4 the rollback failed after restoring the database,\n"
	   "5 another run holds the lock.\n");

int cmd_rollback(struct cli *cli, int argc, char **argv)
{
	const char *run_id = NULL;
	bool guide = false, run = false, json = false, yes = false;
	struct hoist_guide *g = NULL;
	struct hoist_plan *plan = NULL;
	struct hoist_error err;
	const struct cli_option opts[] = {
		CLI_FLAG("guide", 0, N_("print the guide (the default)"), &guide),
		CLI_FLAG("run", 0, N_("carry the guide out"), &run),
		CLI_VALUE("run-id", 0, N_("ID"),
			  N_("the run to roll back (default: the newest upgrade run)"), &run_id),
		CLI_FLAG("json", 0, N_("with --guide: print JSON instead of text"), &json),
		CLI_FLAG("yes", 0,
			 N_("with --run: do not ask; confirms that the steps done by hand (an OS "
			    "snapshot, the file storage) are done"),
			 &yes),
		CLI_END,
	};
	const struct cli_parse p = { .command = "rollback", .cli = cli, .usage = usage,
				     .about = about, .after = after, .options = opts };
	int rc;

	if ((rc = cli_parse_args(&p, argc, argv)) >= 0)
		return rc;
	if (guide && run)
		return cli_usage("rollback", _("give --guide or --run, not both"));
	if (json && run)
		return cli_usage("rollback", _("--json goes with --guide"));
	if (yes && !run)
		return cli_usage("rollback", _("--yes goes with --run"));

	hoist_error_init(&err);
	if (hoist_guide_load(&cli->conf, run_id, &plan, NULL, &g, &err) != HOIST_OK) {
		rc = cli_fail(&err);
		hoist_error_done(&err);
		return rc;
	}
	hoist_error_done(&err);
	if (run) {
		rc = cli_guide_carry_out(cli, "rollback", g, plan, yes);
	} else {
		char *text = json ? hoist_guide_to_json(g) : hoist_guide_to_text(g);
		fputs(text, stdout);
		if (json)
			fputc('\n', stdout);
		free(text);
		rc = 0;
	}
	hoist_guide_free(g);
	hoist_plan_free(plan);
	return rc;
}
