/* cmd_bundle.c: hoist bundle, one run as a support file without secrets. */
#include "config.h"
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include "bundle.h"
#include "cli.h"
#include "i18n.h"

static int bundle_help(void)
{
	return cli_help(_("usage: hoist [--config FILE] bundle [--run-id ID] [-o FILE] [--json]\n\n"
			  "Saves one run (the newest unless --run-id) as one JSON file for support\n"
			  "staff: hoist's version, the host's OS, the configuration with every secret\n"
			  "removed, the nodes with their roles, versions and transports, the feed's\n"
			  "releases between origin and target with their notes and required stops,\n"
			  "the plan, the journal, the rollback guide, and the evidence by size and\n"
			  "SHA-256. Never a backup's contents, the master key or the API key.\n"
			  "The file has mode 0600. Support rebuilds the run with\n"
			  "hoist-sandbox init DIR --from-bundle FILE (see hoist-sandbox(1)).\n\n"
			  "Options:\n"
			  "  --run-id ID  the run to bundle (default: the newest)\n"
			  "  -o FILE      where to write it (default: support-bundle.json in the\n"
			  "               run's folder)\n"
			  "  --json       print {\"bundle\": PATH} instead of a sentence\n"
			  "  --help       show this help\n"));
}

int cmd_bundle(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run-id", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *run_id = NULL, *out = NULL;
	char *written = NULL;
	struct hoist_error err;
	bool json = false;
	int opt, rc = 0;
	while ((opt = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': run_id = optarg; break;
		case 'o': out = optarg; break;
		case 'j': json = true; break;
		case 'h': return bundle_help();
		default: return cli_bad_option("bundle", opt, optopt, argv, optind);
		}
	}
	if (optind < argc)
		return cli_usage("bundle", _("unexpected argument '%s'"), argv[optind]);
	hoist_error_init(&err);
	if (hoist_bundle_write(&cli->conf, run_id, out, &written, &err) != HOIST_OK) {
		rc = cli_fail(&err);
	} else if (json) {
		printf("{\"bundle\": \"%s\"}\n", written);
	} else {
		printf(_("Support bundle saved: %s\n"
			 "It holds no API key, no master key and no backup's contents.\n"), written);
	}
	hoist_error_done(&err);
	free(written);
	return rc;
}
