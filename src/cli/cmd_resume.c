/* cmd_resume.c: hoist resume, an interrupted run continued from its journal. */
#include "config.h"
#include <getopt.h>
#include <stdbool.h>
#include "cli.h"
#include "i18n.h"

static int resume_help(void)
{
	return cli_help(_("usage: hoist [--config FILE] resume [--run ID] [--detach] [--json]\n\n"
			  "Continues a run that was interrupted (a crash, kill -9, a reboot): reads\n"
			  "its journal, checks the server's real state, and runs the steps that have\n"
			  "not ended well, repeating only those that are safe to repeat.\n\n"
			  "Options:\n"
			  "  --run ID    this run instead of the newest (also --run-id ID)\n"
			  "  --detach    continue in the background\n"
			  "  --json      print the journal's events as JSON lines\n"
			  "  --help      show this help\n"));
}

int cmd_resume(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run", required_argument, NULL, 'r' },
		{ "run-id", required_argument, NULL, 'r' },
		{ "detach", no_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *run = NULL;
	bool detach = false, json = false;
	int opt;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': run = optarg; break;
		case 'd': detach = true; break;
		case 'j': json = true; break;
		case 'h': return resume_help();
		default: return cli_bad_option("resume", opt, optopt, argv, optind);
		}
	}
	if (optind < argc)
		return cli_usage("resume", _("unexpected argument '%s'"), argv[optind]);
	return cli_run_job(cli, HOIST_JOB_RESUME, NULL, run, false, detach, json);
}
