/* cmd_os_patch.c: hoist os-patch, the nodes' operating system patched without losing data. */
#include "config.h"
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include "cli.h"
#include "i18n.h"
#include "ospatch.h"

static int os_patch_help(void)
{
	return cli_help(_("usage: hoist [--config FILE] os-patch [--node NAME] [--plan-only]\n"
			  "                                  [--dry-run] [--detach] [--json] [--yes]\n\n"
			  "Patches the operating system of the server's nodes with the profile's\n"
			  "os-patch action, as the vendor's procedure says. One server: maintenance\n"
			  "mode on, wait for every task, stop the service, a snapshot (when the\n"
			  "profile has a snapshot action), the patch, a reboot when the patch asks\n"
			  "for one (a line \"reboot-required\") and the wait until the host is back,\n"
			  "start, validate, maintenance mode off. A cluster: no maintenance mode and\n"
			  "no downtime: node by node, drain, wait for that node's tasks, stop, patch,\n"
			  "reboot, start, validate, undrain, while the other nodes serve. The\n"
			  "database is never touched. If a patch fails, restore the operating system\n"
			  "from its snapshot and start the service (hoist rollback --guide); never\n"
			  "restore the database.\n\n"
			  "Options:\n"
			  "  --node NAME  patch this node only\n"
			  "  --plan-only  show the plan; change nothing\n"
			  "  --dry-run    check the server, the nodes and the profile; change nothing\n"
			  "  --detach     run in the background; follow with hoist status --follow\n"
			  "  --json       print the journal's events as JSON lines\n"
			  "  --yes        start without asking (needed without a terminal)\n"
			  "  --help       show this help\n"));
}

int cmd_os_patch(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, 'N' },
		{ "plan-only", no_argument, NULL, 'p' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "detach", no_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "yes", no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *node = NULL;
	bool plan_only = false, detach = false, json = false, dry = false, yes = false;
	struct hoist_plan *plan = NULL;
	struct hoist_error err;
	int opt, rc;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'N': node = optarg; break;
		case 'p': plan_only = true; break;
		case 'n': dry = true; break;
		case 'd': detach = true; break;
		case 'j': json = true; break;
		case 'y': yes = true; break;
		case 'h': return os_patch_help();
		default: return cli_bad_option("os-patch", opt, optopt, argv, optind);
		}
	}
	if (optind < argc)
		return cli_usage("os-patch", _("unexpected argument '%s'"), argv[optind]);
	hoist_error_init(&err);
	if (hoist_plan_prepare_os_patch(&cli->conf, node, &plan, &err) != HOIST_OK) {
		rc = cli_fail(&err);
		hoist_error_done(&err);
		return rc;
	}
	if (plan_only || !json) {
		printf(plan->n_nodes > 1 ? _("Operating-system patching of a cluster of %zu nodes at "
					     "%s: node by node, no maintenance mode\n")
					 : _("Operating-system patching of one server (%zu node) at %s:"
					     " in a maintenance window\n"),
		       plan->n_nodes, plan->from.text);
		for (size_t i = 0; i < plan->n_steps; i++)
			printf("  %2zu. %-16s %s\n", i + 1, plan->steps[i].id,
			       plan->steps[i].node ? plan->steps[i].node : "");
		fflush(stdout);
	}
	/* A dry run checks the server, the nodes and the profile (preflight) and changes nothing. */
	plan->dry_run = dry;
	rc = plan_only ? 0 : dry ? -1 : cli_confirm("os-patch", yes,
		_("\nPatch the operating system of these nodes now? [y/N] "));
	if (rc < 0)
		rc = cli_run_job(cli, 0, plan, NULL, dry, detach, json);
	hoist_plan_free(plan);
	hoist_error_done(&err);
	return rc;
}
