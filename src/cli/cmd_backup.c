/* cmd_backup.c: hoist backup, the checklist's automatic items as a run of their own. */
#include "config.h"
#include <getopt.h>
#include <stdbool.h>
#include "cli.h"
#include "i18n.h"

static int backup_help(void)
{
	return cli_help(_("usage: hoist [--config FILE] backup [--json]\n\n"
			  "Takes the checklist's automatic items alone, as a run of its own: the\n"
			  "master key (checked against the server's canary where the profile can)\n"
			  "and a database backup, stored with mode 0600 in the run's folder, with\n"
			  "path, size, SHA-256 and time recorded in the run's plan.json.\n\n"
			  "Options:\n"
			  "  --json      print the journal's events as JSON lines\n"
			  "  --help      show this help\n"));
}

int cmd_backup(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	int opt;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j': json = true; break;
		case 'h': return backup_help();
		default: return cli_bad_option("backup", opt, optopt, argv, optind);
		}
	}
	if (optind < argc)
		return cli_usage("backup", _("unexpected argument '%s'"), argv[optind]);
	return cli_run_job(cli, HOIST_JOB_BACKUP, NULL, NULL, false, false, json);
}
