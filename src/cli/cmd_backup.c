/* cmd_backup.c: hoist backup, the checklist's automatic items as a run of their own. */
#include "config.h"
#include <stdbool.h>
#include "cli.h"
#include "i18n.h"

static const char usage[] = N_("usage: hoist [--config FILE] backup [--json]\n");
static const char about[] =
	N_("Takes the checklist's automatic items alone, as a run of its own: the\n"
	   "master key (checked against the server's canary where the profile can)\n"
	   "and a database backup, stored with mode 0600 in the run's folder, with\n"
	   "path, size, SHA-256 and time recorded in the run's plan.json.\n");

int cmd_backup(struct cli *cli, int argc, char **argv)
{
	bool json = false;
	const struct cli_option opts[] = {
		CLI_FLAG("json", 0, N_("print the journal's events as JSON lines"), &json),
		CLI_END,
	};
	const struct cli_parse p = { .command = "backup", .cli = cli, .usage = usage,
				     .about = about, .options = opts };
	int rc;
	if ((rc = cli_parse_args(&p, argc, argv)) >= 0)
		return rc;
	return cli_run_job(cli, HOIST_JOB_BACKUP, NULL, NULL, false, false, json);
}
