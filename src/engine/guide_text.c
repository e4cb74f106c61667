/* guide_text.c: the rollback guide as text for people (translated), and guide.txt. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "guide_int.h"
#include "i18n.h"
#include "journeys.h"
#include "rundir.h"
#include "xalloc.h"

/* The vendor's upgrade documentation, where each major release's own guide is linked. */
#define VENDOR_UPGRADE_GUIDE "https://octopus.com/docs/administration/upgrading"

/* What the run was: versions, strategy and profile. */
static void text_run(struct hoist_buf *b, const struct hoist_guide *g)
{
	if (g->os_patch) {
		hoist_buf_printf(b, _("The run patched the operating system of nodes running %s, "
				      "with the %s strategy and the %s profile.\n"),
				 g->from.text, hoist_strategy_name(g->strategy),
				 g->profile ? g->profile : "-");
	} else {
		hoist_buf_printf(b, "%s\n", hoist_kind_rollback(g->kind));
		hoist_buf_printf(b, _("The run went from %s to %s with the %s strategy and the %s "
				      "profile.\n"),
				 g->from.text, g->to.text, hoist_strategy_name(g->strategy),
				 g->profile ? g->profile : "-");
	}
}

/* How it ended: the step that failed or was interrupted, else well or not. */
static void text_failure(struct hoist_buf *b, const struct hoist_guide *g)
{
	/* A step of a chain's hop is named with it: install@2024.0.3. */
	char *step = g->failed_step && g->failed_hop
			     ? hoist_xasprintf("%s@%s", g->failed_step, g->failed_hop)
			     : guide_dup0(g->failed_step);
	if (g->failed_step && g->interrupted && g->failed_node)
		hoist_buf_printf(b, _("The run was interrupted during the step %s on node %s.\n"),
				 step, g->failed_node);
	else if (g->failed_step && g->interrupted)
		hoist_buf_printf(b, _("The run was interrupted during the step %s.\n"),
				 step);
	else if (g->failed_step && g->failed_node)
		hoist_buf_printf(b, _("The step %s failed on node %s: %s\n"), step,
				 g->failed_node,
				 g->failed_message ? g->failed_message : _("no message was recorded"));
	else if (g->failed_step)
		hoist_buf_printf(b, _("The step %s failed: %s\n"), step,
				 g->failed_message ? g->failed_message : _("no message was recorded"));
	else if (g->run_ok)
		hoist_buf_printf(b, _("The run ended well; the steps below undo it.\n"));
	else
		hoist_buf_printf(b, _("The run did not end well: %s\n"),
				 g->failed_message ? g->failed_message : _("no message was recorded"));
	free(step);
}

/* The point of no return: passed, half-way or not reached. */
static void text_pnr(struct hoist_buf *b, const struct hoist_guide *g)
{
	if (g->pnr_half)
		hoist_buf_printf(b, _("The database upgrade (the point of no return) started and "
				      "did not finish: the schema may be part-way between versions, "
				      "and no node can start on it until it is restored.\n"));
	else if (g->pnr_passed)
		hoist_buf_printf(b, _("The point of no return (the database upgrade) was passed: "
				      "the database is at %s's schema.\n"),
				 g->to.text);
	else if (!g->os_patch)
		hoist_buf_printf(b, _("The point of no return (the database upgrade) was not "
				      "reached: nothing is lost.\n"));
}

/* What the run left to go back with: its backups and the cached installer. */
static void text_backups(struct hoist_buf *b, const struct hoist_guide *g)
{
	if (!g->n_backups)
		hoist_buf_printf(b, _("This run took no backup.\n"));
	else
		hoist_buf_printf(b, _("Backups this run took:\n"));
	for (size_t i = 0; i < g->n_backups; i++) {
		const struct hoist_evidence *k = &g->backups[i];
		char *when = guide_time_text(k->time_ms);
		bool is_db = !strcmp(k->item, "database");
		if (k->size >= 0)
			hoist_buf_printf(b, is_db ? _("  the database: %s, %lld bytes, taken %s\n")
						  : _("  the master key: %s, %lld bytes, taken %s\n"),
					 k->path, k->size, when);
		else
			hoist_buf_printf(b, is_db ? _("  the database: %s, taken %s\n")
						  : _("  the master key: %s, taken %s\n"),
					 k->path, when);
		free(when);
	}
	if (g->installer)
		hoist_buf_printf(b, _("The installer of %s is cached at %s.\n"), g->from.text,
				 g->installer);
	else if (g->installer_url)
		hoist_buf_printf(b, _("No installer of %s was cached; it can be downloaded from "
				      "%s.\n"),
				 g->from.text, g->installer_url);
	else
		hoist_buf_printf(b, _("No installer of %s was cached.\n"), g->from.text);
}

/* What the run changed around the nodes: drains, maintenance mode, required stops. */
static void text_changes(struct hoist_buf *b, const struct hoist_guide *g)
{
	if (g->n_drained) {
		struct hoist_buf list;
		hoist_buf_init(&list, 0);
		for (size_t i = 0; i < g->n_drained; i++) {
			if (i)
				hoist_buf_puts(&list, ", ");
			hoist_buf_puts(&list, g->drained[i]);
		}
		hoist_buf_printf(b, _("This run drained these nodes: %s.\n"), hoist_buf_cstr(&list));
		hoist_buf_done(&list);
	} else {
		hoist_buf_printf(b, _("This run drained no node.\n"));
	}
	if (g->maintenance_on && g->maintenance_still_on)
		hoist_buf_printf(b, _("This run turned maintenance mode on; it stays on until "
				      "every node runs %s again.\n"),
				 g->from.text);
	else if (g->maintenance_on)
		hoist_buf_printf(b, _("This run turned maintenance mode on.\n"));
	else
		hoist_buf_printf(b, _("This run did not turn maintenance mode on.\n"));

	if (g->stops)
		hoist_buf_printf(b, _("The required stops (%s) were installed, upgraded, started "
				      "and validated on %s only, one after the other; the other "
				      "nodes went straight to %s.\n"),
				 g->stops, g->primary ? g->primary : "-", g->to.text);
}

/* Whether the run undid itself before it stopped. */
static void text_undone(struct hoist_buf *b, const struct hoist_guide *g)
{
	if (g->undone)
		hoist_buf_printf(b, _("Nothing is left to do: the run stopped before the point of "
				      "no return and put back everything it had changed, and checked "
				      "on the server that it is as it was (versions, drains, "
				      "maintenance mode).\n"));
	else if (g->reverted && g->rule == HOIST_GUIDE_NOTHING)
		hoist_buf_printf(b, _("Before it stopped, the run undid what it had changed: the "
				      "server is as it was, and no step is needed.\n"));
	else if (g->reverted)
		hoist_buf_printf(b, _("Before it stopped, the run tried to undo what it had "
				      "changed; the steps below are what is left.\n"));
}

/* The rule the steps follow, and what it costs. */
static void text_rule(struct hoist_buf *b, const struct hoist_guide *g)
{
	const struct hoist_evidence *db = guide_find_backup(g, "database");

	switch (g->rule) {
	case HOIST_GUIDE_NOTHING:
		if (!g->reverted && !g->undone)
			hoist_buf_printf(b, _("Nothing on the server was changed: no step is "
					      "needed.\n"));
		break;
	case HOIST_GUIDE_RESTART:
		hoist_buf_printf(b, _("Nothing is lost: start %s again (reinstalled over the top "
				      "where the new version was installed), end the drains and "
				      "leave maintenance mode.\n"),
				 g->from.text);
		break;
	case HOIST_GUIDE_REINSTALL:
		hoist_buf_printf(b, _("A patch does not change the database: reinstall %s over the "
				      "top; the database is not restored.\n"),
				 g->from.text);
		break;
	case HOIST_GUIDE_RESTORE:
	case HOIST_GUIDE_RESTORE_MAJOR:
		hoist_buf_printf(b, _("Keep maintenance mode on, stop the nodes, restore the "
				      "database backup, reinstall %s, start and validate the nodes, "
				      "then leave maintenance mode.\n"),
				 g->from.text);
		if (g->rule == HOIST_GUIDE_RESTORE_MAJOR)
			hoist_buf_printf(b, _("A major upgrade also needs the master key and the "
					      "file-storage folders put back; read the vendor's guide "
					      "for this major version first: %s\n"),
					 VENDOR_UPGRADE_GUIDE);
		if (db) {
			char *when = guide_time_text(db->time_ms);
			hoist_buf_printf(b, _("WARNING: data written since the database backup was "
					      "taken (%s) will be lost.\n"),
					 when);
			free(when);
		} else {
			hoist_buf_printf(b, _("WARNING: this run took no database backup; data "
					      "written since your own most recent backup will be "
					      "lost.\n"));
		}
		break;
	case HOIST_GUIDE_OS_SNAPSHOT:
		hoist_buf_printf(b, _("OS patching does not change the database: never restore "
				      "it; restore the operating system snapshot instead, then start "
				      "the Octopus service again.\n"));
		break;
	}
}

static void text_facts(struct hoist_buf *b, const struct hoist_guide *g)
{
	if (g->run_id)
		hoist_buf_printf(b, _("Rollback guide for run %s.\n"), g->run_id);
	if (hoist_guide_journey_facts(b, g))
		return;
	text_run(b, g);
	text_failure(b, g);
	text_pnr(b, g);
	text_backups(b, g);
	text_changes(b, g);
	hoist_buf_puts(b, "\n");
	text_undone(b, g);
	text_rule(b, g);
}

char *hoist_guide_to_text(const struct hoist_guide *g)
{
	struct hoist_buf b;
	size_t manual = hoist_guide_manual_steps(g);
	hoist_buf_init(&b, 0);
	text_facts(&b, g);
	if (g->n_ignored)
		hoist_buf_printf(&b, "\n%s\n", _("Validation failures this run went past "
						 "(--ignore-validation-failures):"));
	for (size_t i = 0; i < g->n_ignored; i++)
		hoist_buf_printf(&b, "  - %s\n", g->ignored[i]);
	if (g->n_steps)
		hoist_buf_printf(&b, "\n%s\n", _("Steps:"));
	for (size_t i = 0; i < g->n_steps; i++) {
		const struct hoist_guide_step *s = &g->steps[i];
		hoist_buf_printf(&b, "%2u. %s\n", s->number, s->reason);
		if (!s->step)
			hoist_buf_printf(&b, "    %s\n", _("(by hand: hoist cannot do this step)"));
		else if (s->command && s->argv)
			hoist_buf_printf(&b, "    $ %s\n", s->command);
		else if (s->command)
			hoist_buf_printf(&b, "    %s\n", s->command);
		else
			hoist_buf_printf(&b, _("    (the %s profile has no command for this: do it "
					       "by hand)\n"),
					 g->profile ? g->profile : "-");
	}
	if (g->n_steps > manual && g->run_id && manual)
		hoist_buf_printf(&b, _("\nDo the steps marked \"by hand\" yourself; `hoist rollback "
				       "--run --run-id %s` does the others in this order.\n"),
				 g->run_id);
	else if (g->n_steps > manual && g->run_id)
		hoist_buf_printf(&b, _("\n`hoist rollback --run --run-id %s` carries out these "
				       "steps.\n"),
				 g->run_id);
	return hoist_buf_detach(&b, NULL);
}

enum hoist_status hoist_guide_save(const struct hoist_guide *g, const char *run_dir,
				   struct hoist_error *err)
{
	char *text = hoist_guide_to_text(g);
	char *path = hoist_rundir_file(run_dir, HOIST_RUNDIR_GUIDE);
	enum hoist_status st = hoist_rundir_write_atomic(path, text, strlen(text), 0600, err);
	free(path);
	free(text);
	return st;
}
