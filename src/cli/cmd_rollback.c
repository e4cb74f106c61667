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

int cli_guide_confirm(const char *question)
{
	char line[64];
	if (!cli_guide_interactive())
		return 0;
	fputs(question, stdout);
	fflush(stdout);
	if (!fgets(line, sizeof line, stdin))
		return 0;
	return hoist_i18n_is_yes(line);
}

int cli_guide_carry_out(struct cli *cli, const char *command, const struct hoist_guide *g,
			const struct hoist_plan *run, bool yes)
{
	struct hoist_plan *rb;
	char *text;
	size_t manual = hoist_guide_manual_steps(g);
	int rc;

	if (g->undone) {
		text = hoist_guide_to_text(g);
		fputs(text, stdout);
		free(text);
		fprintf(stderr, _("hoist: the run %s ended undone: the server is as it was, there "
				  "is nothing to roll back and nothing was changed\n"),
			g->run_id ? g->run_id : "");
		return 0;
	}
	if (g->run_ok && run->kind != HOIST_KIND_DOWNGRADE)
		/* Said before anything is asked or done: this is not a repair. */
		fprintf(stderr,
			g->rule == HOIST_GUIDE_RESTORE || g->rule == HOIST_GUIDE_RESTORE_MAJOR
				? _("hoist: the run %s ended done: every node runs %s. Rolling it "
				    "back is a deliberate downgrade to %s, and data written since "
				    "its database backup is lost\n")
				: _("hoist: the run %s ended done: every node runs %s. Rolling it "
				    "back is a deliberate downgrade to %s\n"),
			g->run_id ? g->run_id : "", g->to.text, g->from.text);
	if (g->n_steps == manual) {
		text = hoist_guide_to_text(g);
		fputs(text, stdout);
		free(text);
		if (manual)
			fprintf(stderr, _("hoist: every step of this guide is done by hand; hoist has "
					  "nothing to carry out\n"));
		return 0;
	}
	if (!yes) {
		text = hoist_guide_to_text(g);
		fputs(text, stdout);
		free(text);
		if (!cli_guide_interactive())
			return cli_usage(command, _("hoist %s changes the server: give --yes to carry "
						    "out the steps above"),
					 command);
		if (!cli_guide_confirm(manual ? _("\nAre the steps marked \"by hand\" done, and "
						  "shall hoist carry out the others? [y/N] ")
					      : _("\nCarry out these steps? [y/N] "))) {
			fprintf(stderr, _("hoist: nothing was changed\n"));
			return 1;
		}
	}
	rb = hoist_guide_to_plan(g, run);
	/* A rollback is a run: the same engine, journal, lock and following as an upgrade. */
	rc = cli_run_job(cli, HOIST_JOB_UPGRADE, rb, NULL, false, false, false);
	if (rc == 0)
		printf(_("Done: every node runs %s again.\n"), g->from.text);
	hoist_plan_free(rb);
	return rc;
}

void cli_guide_after_failure(struct cli *cli, const char *run_id, bool pnr, bool json)
{
	struct hoist_guide *g = NULL;
	struct hoist_plan *plan = NULL;
	struct hoist_run_summary sum;
	struct hoist_error err;
	char *dir = NULL, *path = hoist_run_journal_path(&cli->conf, run_id);
	hoist_error_init(&err);
	hoist_run_summary_init(&sum);
	/* The run's own end says what is needed: an interrupted or live run gets no guide. */
	if (hoist_journal_fold(path, &sum, NULL) != HOIST_OK ||
	    (sum.state != HOIST_RUN_FAILED && sum.state != HOIST_RUN_UNDONE)) {
		hoist_run_summary_done(&sum);
		free(path);
		hoist_error_done(&err);
		return;
	}
	pnr = pnr || sum.state == HOIST_RUN_FAILED;
	if (hoist_guide_load(&cli->conf, run_id, &plan, &dir, &g, &err) != HOIST_OK) {
		fprintf(stderr, _("hoist: no rollback guide for run %s: %s\n"), run_id,
			hoist_error_message(&err));
	} else if (plan->kind == HOIST_KIND_DOWNGRADE) {
		/* A rollback that failed: its own guide would go forward again. */
		fprintf(stderr, _("hoist: the rollback run %s failed; see hoist status --run-id %s, "
				  "fix the cause and run hoist rollback --run again\n"),
			run_id, run_id);
	} else {
		char *text = hoist_guide_to_text(g);
		if (hoist_guide_save(g, dir, &err) != HOIST_OK)
			fprintf(stderr, _("hoist: %s\n"), hoist_error_message(&err));
		if (!json && pnr && !g->undone)
			printf("\n%s", text);
		else if (!json && !g->undone)
			fprintf(stderr, _("hoist: the rollback guide of run %s: hoist rollback --guide "
					  "--run-id %s (also in %s/guide.txt)\n"),
				run_id, run_id, dir);
		free(text);
	}
	hoist_run_summary_done(&sum);
	free(path);
	hoist_error_done(&err);
	hoist_guide_free(g);
	hoist_plan_free(plan);
	free(dir);
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
