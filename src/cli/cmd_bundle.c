/* cmd_bundle.c: hoist bundle, one run as a support file without secrets. */
#include "config.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include "bundle.h"
#include "cli.h"
#include "i18n.h"

static const char usage[] =
	N_("usage: hoist [--config FILE] bundle [--run-id ID] [-o FILE] [--json]\n");
static const char about[] =
	N_("Saves one run (the newest unless --run-id) as one JSON file for support\n"
	   "staff: hoist's version, the host's OS, the configuration with every secret\n"
	   "removed, the nodes with their roles, versions and transports, the feed's\n"
	   "releases between origin and target with their notes and required stops,\n"
	   "the plan, the journal, the rollback guide, and the evidence by size and\n"
	   "SHA-256. Never a backup's contents, the master key or the API key.\n"
	   "The file has mode 0600. Support rebuilds the run with\n"
	   "hoist-sandbox init DIR --from-bundle FILE (see hoist-sandbox(1)).\n");

int cmd_bundle(struct cli *cli, int argc, char **argv)
{
	const char *run_id = NULL, *out = NULL;
	char *written = NULL;
	struct hoist_error err;
	bool json = false;
	const struct cli_option opts[] = {
		CLI_VALUE("run-id", 0, N_("ID"), N_("the run to bundle (default: the newest)"),
			  &run_id),
		CLI_VALUE("output", 'o', N_("FILE"),
			  N_("where to write it (default: support-bundle.json in the run's folder)"),
			  &out),
		CLI_FLAG("json", 0, N_("print {\"bundle\": PATH} instead of a sentence"), &json),
		CLI_END,
	};
	const struct cli_parse p = { .command = "bundle", .cli = cli, .usage = usage,
				     .about = about, .options = opts };
	int rc;
	if ((rc = cli_parse_args(&p, argc, argv)) >= 0)
		return rc;
	rc = 0;
	hoist_error_init(&err);
	if (hoist_bundle_write(&cli->conf, run_id, out, &written, &err) != HOIST_OK) {
		rc = cli_fail(&err);
	} else if (json) {
		printf("{\"bundle\": ");
		cli_json_string(written);
		printf("}\n");
	} else {
		printf(_("Support bundle saved: %s\n"
			 "It holds no API key, no master key and no backup's contents.\n"), written);
	}
	hoist_error_done(&err);
	free(written);
	return rc;
}
