/* cmd_downgrade.c: hoist downgrade, back to a version this server ran before (seed 001). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "cli_guide.h"
#include "guide.h"
#include "i18n.h"

static const char usage[] = N_("usage: hoist [--config FILE] downgrade --to VERSION [--yes]\n");
static const char about[] =
	N_("Goes back to a version the server ran before, following the vendor's\n"
	   "procedure: maintenance mode on, drain and stop every node, restore the\n"
	   "database backup that an earlier hoist run took at VERSION, reinstall\n"
	   "VERSION over the top, start, validate and undrain the nodes, maintenance\n"
	   "mode off. Data written since that backup is lost. Going back across a\n"
	   "minor or major version is refused unless such a backup exists (the\n"
	   "message lists the backups hoist knows); going back to an earlier patch\n"
	   "only reinstalls.\n");

int cmd_downgrade(struct cli *cli, int argc, char **argv)
{
	const char *to_text = NULL;
	struct hoist_version to, current;
	struct hoist_guide *g = NULL;
	struct hoist_plan *plan = NULL;
	struct hoist_error err;
	bool yes = false;
	const struct cli_option opts[] = {
		CLI_VALUE("to", 0, N_("VERSION"), N_("the version to go back to"), &to_text),
		CLI_FLAG("yes", 0, N_("do not ask (without it, the steps are shown first)"), &yes),
		CLI_END,
	};
	const struct cli_parse p = { .command = "downgrade", .cli = cli, .usage = usage,
				     .about = about, .options = opts };
	int rc;

	if ((rc = cli_parse_args(&p, argc, argv)) >= 0)
		return rc;
	if (!to_text)
		return cli_usage("downgrade", _("to which version? Give --to VERSION"));
	hoist_error_init(&err);
	if (hoist_version_parse(to_text, &to, &err) != HOIST_OK) {
		rc = cli_usage("downgrade", "%s", hoist_error_message(&err));
		hoist_error_done(&err);
		return rc;
	}
	if (!cli->conf.server_url) {
		hoist_error_done(&err);
		return cli_usage("downgrade", _("which server? Configure [server] url or give "
						"--server URL"));
	}
	if ((rc = cli_current_version(cli, "downgrade", NULL, &current)) != 0) {
		hoist_error_done(&err);
		return rc;
	}
	if (hoist_guide_load_downgrade(&cli->conf, &current, &to, &plan, &g, &err) != HOIST_OK) {
		rc = cli_fail(&err);
		hoist_error_done(&err);
		return rc;
	}
	hoist_error_done(&err);
	rc = cli_guide_carry_out(cli, "downgrade", g, plan, yes);
	hoist_guide_free(g);
	hoist_plan_free(plan);
	return rc;
}
