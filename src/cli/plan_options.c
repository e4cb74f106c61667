/* plan_options.c: the options plan, upgrade and checklist share, and their guard rails. */
#include "config.h"
#include <getopt.h>
#include <string.h>
#include "cli.h"
#include "i18n.h"

enum { OPT_TO = 256, OPT_STRATEGY, OPT_ROLE_ORDER, OPT_JSON, OPT_OVERRIDE, OPT_EVIDENCE,
       OPT_CONFIRM, OPT_WAIVE, OPT_FORCE, OPT_NODE };


const struct option cli_plan_options[] = {
	{ "to", required_argument, NULL, OPT_TO },
	{ "strategy", required_argument, NULL, OPT_STRATEGY },
	{ "role-order", required_argument, NULL, OPT_ROLE_ORDER },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "override", required_argument, NULL, OPT_OVERRIDE },
	{ "evidence", required_argument, NULL, OPT_EVIDENCE },
	{ "confirm", required_argument, NULL, OPT_CONFIRM },
	{ "waive", required_argument, NULL, OPT_WAIVE },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "node", required_argument, NULL, OPT_NODE },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};


int cli_plan_option(int opt, const char *arg, struct cli_plan *pl)
{
	struct hoist_error err;
	int rc = -1;
	switch (opt) {
	case OPT_TO:
		pl->to = arg;
		break;
	case OPT_STRATEGY:
		hoist_error_init(&err);
		if (hoist_strategy_parse(arg, &pl->prep.strategy, &err) != HOIST_OK)
			rc = cli_usage(pl->command, "%s", hoist_error_message(&err));
		hoist_error_done(&err);
		break;
	case OPT_ROLE_ORDER:
		pl->prep.role_order = arg;
		break;
	case OPT_JSON:
		pl->json = true;
		break;
	case OPT_OVERRIDE:
		if (!*arg)
			rc = cli_usage(pl->command, _("--override needs the reason, in words"));
		pl->prep.override_reason = arg;
		break;
	case OPT_EVIDENCE:
	case OPT_WAIVE:
		if (!strchr(arg, '=') || strchr(arg, '=') == arg || !strchr(arg, '=')[1]) {
			rc = cli_usage(pl->command,
				       opt == OPT_WAIVE ? _("--waive takes ITEM=REASON, not '%s'")
							: _("--evidence takes ITEM=FILE, not '%s'"),
				       arg);
			break;
		}
		if (opt == OPT_WAIVE ? pl->n_waive >= CLI_MAX_GIVEN
				     : pl->n_evidence >= CLI_MAX_GIVEN) {
			rc = cli_usage(pl->command, _("too many --evidence or --waive options"));
			break;
		}
		if (opt == OPT_WAIVE)
			pl->waive[pl->n_waive++] = arg;
		else
			pl->evidence[pl->n_evidence++] = arg;
		break;
	case OPT_CONFIRM:
		if (pl->n_confirm >= CLI_MAX_GIVEN) {
			rc = cli_usage(pl->command, _("too many --confirm options"));
			break;
		}
		pl->confirm[pl->n_confirm++] = arg;
		break;
	case OPT_FORCE:
		pl->prep.force = true;
		break;
	case OPT_NODE:
		pl->prep.node = arg;
		break;
	default:
		rc = 0;
	}
	return rc;
}

const char *cli_guard_help(void)
{
	return _("Guard rails (plan, upgrade, checklist):\n"
		 "  --override REASON   upgrade to a version the policy holds back; the reason\n"
		 "                      is recorded in the plan and the journal\n"
		 "  --evidence ITEM=FILE  a checklist item done by a file you name (backup-db,\n"
		 "                      master-key, license-key, file-storage)\n"
		 "  --confirm ITEM      a checklist item you confirm (restore-tested,\n"
		 "                      users-warned)\n"
		 "  --waive ITEM=REASON go without an item that is not always required (the\n"
		 "                      file-storage copy of a major upgrade), saying why\n");
}
