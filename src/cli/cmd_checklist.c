/* cmd_checklist.c: hoist checklist, what an upgrade needs before it starts and what is done. */
#include "config.h"
#include <getopt.h>
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

static int help(void)
{
	cli_help(_("usage: hoist [--config FILE] checklist [--to V | --plan FILE] [OPTIONS]\n\n"
		   "Shows the checklist an upgrade needs before it starts: the database backup,\n"
		   "the master key, the license key, the file-storage folders (required for a\n"
		   "major upgrade), a tested restore and users warned. Items the plan's own\n"
		   "steps take (the database backup and the master key, through the profile)\n"
		   "count as done. A file you name is \"verified\" only when hoist can check it\n"
		   "(a database backup by its format, a master key against the server's\n"
		   "canary); otherwise it is \"given by the operator, not checked\".\n"
		   "Exit codes: 0 every required item is done, 1 one is missing.\n\n"
		   "Options:\n"
		   "  --to V              the checklist of the upgrade to V\n"
		   "  --plan FILE         the checklist of a saved plan\n"
		   "  --help              show this help\n\n"));
	return cli_help(cli_guard_help());
}

int cmd_checklist(struct cli *cli, int argc, char **argv)
{
	enum { OPT_PLAN = 400 };
	static struct option opts[16];
	struct cli_plan pl;
	struct hoist_plan *plan = NULL;
	struct hoist_checklist cl;
	struct hoist_error err;
	const char *plan_file = NULL;
	size_t n = 0;
	int opt, rc;
	for (const struct option *o = cli_plan_options; o->name; o++)
		if (strcmp(o->name, "output") && strcmp(o->name, "strategy") &&
		    strcmp(o->name, "role-order"))
			opts[n++] = *o;
	opts[n++] = (struct option){ "plan", required_argument, NULL, OPT_PLAN };
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	memset(&pl, 0, sizeof pl);
	pl.command = "checklist";
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (opt == 'h')
			return help();
		if (opt == OPT_PLAN) {
			plan_file = optarg;
			continue;
		}
		if (opt == '?' || opt == ':')
			return cli_bad_option("checklist", opt, optopt, argv, optind);
		if ((rc = cli_plan_option(opt, optarg, &pl)) >= 0)
			return rc;
	}
	if (optind < argc)
		return cli_usage("checklist", _("unexpected argument '%s'"), argv[optind]);
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
				const struct hoist_plan_evidence *e = &cl.entries[i].evidence;
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
