/* cmd_rollback.c: hoist rollback, the guide of a failed run (--guide) and carrying it out (--run). */
#include "config.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "cli_guide.h"
#include "guide.h"
#include "i18n.h"
#include "journal.h"
#include "run.h"
#include "xalloc.h"

enum { OPT_GUIDE = 256, OPT_RUN, OPT_RUN_ID, OPT_JSON, OPT_YES };

static int help(void)
{
	return cli_help(_("usage: hoist [--config FILE] rollback --guide [--run-id ID] [--json]\n"
			  "       hoist [--config FILE] rollback --run [--run-id ID] [--yes]\n\n"
			  "--guide prints the rollback guide of a run, generated from its plan and\n"
			  "journal: which step failed on which node, whether the point of no return\n"
			  "(the database upgrade) was passed, the backups the run took, and the\n"
			  "numbered steps back to the old version with the exact command of each.\n"
			  "--run carries the guide out as a run of its own (with its own journal):\n"
			  "maintenance mode stays on until the old version validates, the database is\n"
			  "restored from the run's backup where the rules ask for it, the old version\n"
			  "is reinstalled, the nodes start, are validated and undrained, and\n"
			  "maintenance mode is turned off.\n\n"
			  "Options:\n"
			  "  --guide      print the guide (the default)\n"
			  "  --run        carry the guide out\n"
			  "  --run-id ID  the run to roll back (default: the newest upgrade run)\n"
			  "  --json       with --guide: print JSON instead of text\n"
			  "  --yes        with --run: do not ask; confirms that the steps done by hand\n"
			  "               (an OS snapshot, the file storage) are done\n"
			  "  --help       show this help\n\n"
			  "Exit codes: 0 done, 1 the rollback failed, 2 usage or configuration error,\n"
			  "3 server unreachable, 4 the rollback failed after restoring the database,\n"
			  "5 another run holds the lock.\n"));
}

int cmd_rollback(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "guide", no_argument, NULL, OPT_GUIDE },
		{ "run", no_argument, NULL, OPT_RUN },
		{ "run-id", required_argument, NULL, OPT_RUN_ID },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "yes", no_argument, NULL, OPT_YES },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *run_id = NULL;
	bool guide = false, run = false, json = false, yes = false;
	struct hoist_guide *g = NULL;
	struct hoist_plan *plan = NULL;
	struct hoist_error err;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return help();
		case OPT_GUIDE:
			guide = true;
			break;
		case OPT_RUN:
			run = true;
			break;
		case OPT_RUN_ID:
			run_id = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_YES:
			yes = true;
			break;
		default:
			return cli_bad_option("rollback", opt, optopt, argv, optind);
		}
	}
	if (optind < argc)
		return cli_usage("rollback", _("unexpected argument '%s'"), argv[optind]);
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
