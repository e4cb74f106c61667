/* guard_rails.c: the guard rails before a run: the checklist from the options, the notes to read first. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "checklist.h"
#include "cli.h"
#include "guard.h"
#include "i18n.h"
#include "xalloc.h"

/* "ITEM=VALUE": the item's index and the value; -1 (message printed) when unknown. */
static int split(const char *command, const char *arg, const char **value)
{
	const char *eq = strchr(arg, '=');
	char *id = hoist_xstrndup(arg, eq ? (size_t)(eq - arg) : strlen(arg));
	int i = hoist_checklist_find(id);
	if (i < 0)
		cli_usage(command, _("'%s' is not a checklist item (see hoist checklist)"), id);
	free(id);
	*value = eq ? eq + 1 : NULL;
	return i;
}

int cli_checklist_fill(struct cli *cli, const struct cli_plan *pl, const struct hoist_plan *plan,
		       struct hoist_checklist *cl)
{
	struct hoist_error err;
	const char *value;
	int i, rc = 0;
	cl->cfg = &cli->conf;
	if (cli->conf.checklist_max_age_s > 0)
		cl->max_age_s = cli->conf.checklist_max_age_s;
	if (plan)
		hoist_checklist_from_plan(cl, &cli->conf, plan);
	hoist_error_init(&err);
	for (size_t k = 0; rc == 0 && k < pl->n_evidence; k++) {
		if ((i = split(pl->command, pl->evidence[k], &value)) < 0)
			rc = 2;
		else if (hoist_checklist_give_file(cl, (size_t)i, value, &err) != HOIST_OK)
			rc = cli_fail(&err);
	}
	for (size_t k = 0; rc == 0 && k < pl->n_confirm; k++) {
		if ((i = split(pl->command, pl->confirm[k], &value)) < 0)
			rc = 2;
		else if (hoist_checklist_info((size_t)i)->how != HOIST_CHECKLIST_YES)
			rc = cli_usage(pl->command, _("%s needs a file: give --evidence %s=FILE"),
				       pl->confirm[k], pl->confirm[k]);
		else
			hoist_checklist_confirm(cl, (size_t)i, true);
	}
	for (size_t k = 0; rc == 0 && k < pl->n_waive; k++) {
		if ((i = split(pl->command, pl->waive[k], &value)) < 0)
			rc = 2;
		else if (hoist_checklist_waive(cl, (size_t)i, value, &err) != HOIST_OK)
			rc = cli_usage(pl->command, "%s", hoist_error_message(&err));
	}
	hoist_error_done(&err);
	return rc;
}

void cli_print_read_first(struct cli *cli, const struct hoist_plan *plan)
{
	struct hoist_guard_notes g;
	struct hoist_error err;
	hoist_error_init(&err);
	if (hoist_guard_notes_of_plan(&cli->conf, plan, &g, &err) != HOIST_OK) {
		printf(_("Read first: the release notes could not be read (%s).\n"),
		       hoist_error_message(&err));
	} else if (g.n) {
		printf(_("Read first (%zu notes of the releases up to %s):\n"), g.n, plan->to.text);
		for (size_t i = 0; i < g.n; i++)
			printf("  %s %s: %s\n", g.v[i].version, cli_note_label(g.v[i].kind), g.v[i].text);
	} else if (!g.feed_has_notes && hoist_version_cmp(&plan->from, &plan->to) < 0) {
		printf(_("Read first: the feed has no release notes; read them at %s\n"),
		       g.compare_url ? g.compare_url : "https://octopus.com/downloads/compare");
	}
	hoist_guard_notes_done(&g);
	hoist_error_done(&err);
}

/* A missing item: what it asks for, and the options (or command) that give it. */
static void print_missing(size_t i)
{
	const struct hoist_checklist_info *info = hoist_checklist_info(i);
	fprintf(stderr, "  %s (%s): %s\n      ", info->id, _(info->label), _(info->help));
	if (info->how == HOIST_CHECKLIST_AUTO_OR_FILE)
		fprintf(stderr, _("hoist backup takes it, or give --evidence %s=FILE"), info->id);
	else if (info->how == HOIST_CHECKLIST_FILE)
		fprintf(stderr, _("give --evidence %s=FILE"), info->id);
	else
		fprintf(stderr, _("give --confirm %s"), info->id);
	fputc('\n', stderr);
}

int cli_guard_plan(struct cli *cli, const struct cli_plan *pl, struct hoist_plan *plan)
{
	struct hoist_checklist cl;
	int rc;
	hoist_checklist_init(&cl);
	rc = cli_checklist_fill(cli, pl, plan, &cl);
	if (rc == 0 && hoist_checklist_missing(&cl) >= 0) {
		fprintf(stderr, _("hoist: the checklist is not done; still required:\n"));
		for (size_t i = 0; i < HOIST_CHECKLIST_ITEMS; i++)
			if (hoist_checklist_required(&cl, i) && !hoist_checklist_satisfied(&cl, i))
				print_missing(i);
		fprintf(stderr, _("Give each with --evidence ITEM=FILE, or --waive ITEM=REASON "
				  "where it may be waived; see hoist checklist --help.\n"));
		rc = 1;
	}
	if (rc == 0)
		hoist_checklist_record(&cl, plan);
	hoist_checklist_done(&cl);
	return rc;
}
