/* guide_out.c: a run's rollback guide saved, printed, or carried out as a run of its own. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "cli_guide.h"
#include "guide.h"
#include "i18n.h"
#include "journal.h"
#include "run.h"

void cli_guide_save_ignored(struct cli *cli, const char *run_id, bool json)
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
		if (!cli_interactive())
			return cli_usage(command, _("hoist %s changes the server: give --yes to carry "
						    "out the steps above"),
					 command);
		if (!cli_ask(manual ? _("\nAre the steps marked \"by hand\" done, and "
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
