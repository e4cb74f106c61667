/* cmd_checklist.c: hoist checklist, what an upgrade needs before it starts and what is done. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "checklist.h"
#include "cli.h"
#include "i18n.h"
#include "xalloc.h"

static void print_checklist(const struct hoist_checklist *cl)
{
	int w = 0;
	for (size_t i = 0; i < HOIST_CHECKLIST_ITEMS; i++)
		if (cli_width(hoist_checklist_info(i)->id) > w)
			w = cli_width(hoist_checklist_info(i)->id);
	printf(_("Checklist:\n"));
	for (size_t i = 0; i < HOIST_CHECKLIST_ITEMS; i++) {
		const struct hoist_checklist_info *info = hoist_checklist_info(i);
		char *state = hoist_checklist_state_text(cl, i);
		bool ok = hoist_checklist_satisfied(cl, i);
		printf("  %s ", ok ? "[x]" : hoist_checklist_required(cl, i) ? "[!]" : "[ ]");
		cli_pad(info->id, w + 2);
		printf("%s: %s\n", _(info->label), state);
		free(state);
	}
}

static const char usage[] =
	N_("usage: hoist [--config FILE] checklist [--to V | --plan FILE] [OPTIONS]\n");
static const char about[] =
	N_("Shows the checklist an upgrade needs before it starts: the database backup,\n"
	   "the master key, the license key, the file-storage folders (required for a\n"
	   "major upgrade), a tested restore and users warned. Items the plan's own\n"
	   "steps take (the database backup and the master key, through the profile)\n"
	   "count as done. A file you name is \"verified\" only when hoist can check it\n"
	   "(a database backup by its format, a master key against the server's\n"
	   "canary); otherwise it is \"given by the operator, not checked\".\n"
	   "Exit codes: 0 every required item is done, 1 one is missing.\n");

int cmd_checklist(struct cli *cli, int argc, char **argv)
{
	struct cli_plan pl;
	struct hoist_plan *plan = NULL;
	struct hoist_checklist cl;
	struct hoist_error err;
	const char *plan_file = NULL;
	const struct cli_option opts[] = {
		CLI_VALUE("to", 0, N_("V"), N_("the checklist of the upgrade to V"), &pl.to),
		CLI_VALUE("plan", 0, N_("FILE"), N_("the checklist of a saved plan"), &plan_file),
		CLI_INCLUDE(cli_plan_repair_options),
		CLI_FLAG("json", 0, N_("print the checklist as JSON"), &pl.json),
		CLI_INCLUDE(cli_guard_options),
		CLI_END,
	};
	const struct cli_parse p = { .command = "checklist", .cli = cli, .ctx = &pl,
				     .usage = usage, .about = about, .options = opts };
	int rc;
	memset(&pl, 0, sizeof pl);
	pl.command = "checklist";
	if ((rc = cli_parse_args(&p, argc, argv)) >= 0)
		return rc;
	if (pl.to && plan_file)
		return cli_usage("checklist", _("give either --to V or --plan FILE"));
	hoist_error_init(&err);
	if (plan_file ? hoist_plan_load(plan_file, &plan, &err) != HOIST_OK
		      : pl.to && hoist_plan_prepare(&cli->conf, pl.to, &pl.prep, &plan, &err) !=
					 HOIST_OK) {
		rc = cli_fail(&err);
		hoist_error_done(&err);
		return rc;
	}
	hoist_error_done(&err);
	hoist_checklist_init(&cl);
	rc = cli_checklist_fill(cli, &pl, plan, &cl);
	if (rc == 0) {
		if (pl.json) {
			printf("{\"items\": [");
			for (size_t i = 0; i < HOIST_CHECKLIST_ITEMS; i++) {
				const struct hoist_evidence *e = &cl.entries[i].evidence;
				const char *how = cl.entries[i].done
							  ? (e->by_engine  ? "taken"
							     : e->verified ? "verified"
							     : e->path     ? "given"
									   : "confirmed")
						  : cl.entries[i].by_step ? "plan"
						  : cl.entries[i].waiver  ? "waived"
									  : "open";
				printf("%s{\"item\": \"%s\", \"required\": %s, \"satisfied\": %s, "
				       "\"state\": \"%s\"}",
				       i ? ", " : "", hoist_checklist_info(i)->id,
				       hoist_checklist_required(&cl, i) ? "true" : "false",
				       hoist_checklist_satisfied(&cl, i) ? "true" : "false", how);
			}
			printf("], \"missing\": %s}\n",
			       hoist_checklist_missing(&cl) >= 0 ? "true" : "false");
		} else {
			if (plan)
				printf(_("The upgrade from %s to %s (%s):\n"), plan->from.text,
				       plan->to.text, cli_kind_label(plan->kind));
			print_checklist(&cl);
		}
		rc = hoist_checklist_missing(&cl) >= 0 ? 1 : 0;
	}
	hoist_checklist_done(&cl);
	hoist_plan_free(plan);
	return rc;
}
