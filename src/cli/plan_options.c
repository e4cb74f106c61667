/* plan_options.c: the options plan, upgrade and checklist share, and their guard rails. */
#include "config.h"
#include <string.h>
#include "cli.h"
#include "i18n.h"
#include "options.h"

/* One shared option into the struct cli_plan of the parse. */
static int plan_option(const struct cli_parse *p, const struct cli_option *o, const char *arg)
{
	struct cli_plan *pl = p->ctx;
	const char *name = o->name;
	struct hoist_error err;
	int rc = -1;
	if (!strcmp(name, "strategy")) {
		hoist_error_init(&err);
		if (hoist_strategy_parse(arg, &pl->prep.strategy, &err) != HOIST_OK)
			rc = cli_usage(pl->command, "%s", hoist_error_message(&err));
		hoist_error_done(&err);
	} else if (!strcmp(name, "role-order")) {
		pl->prep.role_order = arg;
	} else if (!strcmp(name, "json")) {
		pl->json = true;
	} else if (!strcmp(name, "force")) {
		pl->prep.force = true;
	} else if (!strcmp(name, "node")) {
		pl->prep.node = arg;
	} else if (!strcmp(name, "override")) {
		if (!*arg)
			rc = cli_usage(pl->command, _("--override needs the reason, in words"));
		pl->prep.override_reason = arg;
	} else if (!strcmp(name, "evidence") || !strcmp(name, "waive")) {
		bool waive = name[0] == 'w';
		if (!strchr(arg, '=') || strchr(arg, '=') == arg || !strchr(arg, '=')[1])
			rc = cli_usage(pl->command, waive ? _("--waive takes ITEM=REASON, not '%s'")
							  : _("--evidence takes ITEM=FILE, not '%s'"),
				       arg);
		else if (waive ? pl->n_waive >= CLI_MAX_GIVEN : pl->n_evidence >= CLI_MAX_GIVEN)
			rc = cli_usage(pl->command, _("too many --evidence or --waive options"));
		else if (waive)
			pl->waive[pl->n_waive++] = arg;
		else
			pl->evidence[pl->n_evidence++] = arg;
	} else if (!strcmp(name, "confirm")) {
		if (pl->n_confirm >= CLI_MAX_GIVEN)
			rc = cli_usage(pl->command, _("too many --confirm options"));
		else
			pl->confirm[pl->n_confirm++] = arg;
	}
	return rc;
}

const struct cli_option cli_plan_shape_options[] = {
	CLI_CALL("strategy", 0, N_("S"), N_("all-at-once, rolling (patch only) or auto (default)"),
		 plan_option, NULL),
	CLI_CALL("role-order", 0, N_("R,..."),
		 N_("the order of roles (default: [upgrade] role_order, else "
		    "dea,controller,router,base,primary)"),
		 plan_option, NULL),
	CLI_END,
};

const struct cli_option cli_plan_repair_options[] = {
	CLI_CALL("force", 0, NULL,
		 N_("V may be the installed version: its upgrade runs again (a repair)"),
		 plan_option, NULL),
	CLI_CALL("node", 0, N_("NAME"),
		 N_("that node alone (a patch or a repair of a cluster, any upgrade of a single "
		    "node)"),
		 plan_option, NULL),
	CLI_END,
};

const struct cli_option cli_guard_options[] = {
	CLI_HEADING(N_("Guard rails (plan, upgrade, checklist):")),
	CLI_CALL("override", 0, N_("REASON"),
		 N_("upgrade to a version the policy holds back; the reason is recorded in the "
		    "plan and the journal"),
		 plan_option, NULL),
	CLI_CALL("evidence", 0, N_("ITEM=FILE"),
		 N_("a checklist item done by a file you name (backup-db, master-key, "
		    "license-key, file-storage)"),
		 plan_option, NULL),
	CLI_CALL("confirm", 0, N_("ITEM"),
		 N_("a checklist item you confirm (restore-tested, users-warned)"), plan_option,
		 NULL),
	CLI_CALL("waive", 0, N_("ITEM=REASON"),
		 N_("go without an item that is not always required (the file-storage copy of a "
		    "major upgrade), saying why"),
		 plan_option, NULL),
	CLI_END,
};
