/* cmd_os_patch.c: hoist os-patch, the nodes' operating system patched without losing data. */
#include "config.h"
#include <stdbool.h>
#include <stdio.h>
#include "cli.h"
#include "i18n.h"
#include "ospatch.h"

static const char usage[] =
	N_("usage: hoist [--config FILE] os-patch [--node NAME] [--plan-only]\n"
	   "                                  [--dry-run] [--detach] [--json] [--yes]\n");
static const char about[] =
	N_("Patches the operating system of the server's nodes with the profile's\n"
	   "os-patch action, as the vendor's procedure says. One server: maintenance\n"
	   "mode on, wait for every task, stop the service, a snapshot (when the\n"
	   "profile has a snapshot action), the patch, a reboot when the patch asks\n"
	   "for one (a line \"reboot-required\") and the wait until the host is back,\n"
	   "start, validate, maintenance mode off. A cluster: no maintenance mode and\n"
	   "no downtime: node by node, drain, wait for that node's tasks, stop, patch,\n"
	   "reboot, start, validate, undrain, while the other nodes serve. The\n"
	   "database is never touched. If a patch fails, restore the operating system\n"
	   "from its snapshot and start the service (hoist rollback --guide); never\n"
	   "restore the database.\n");

int cmd_os_patch(struct cli *cli, int argc, char **argv)
{
	const char *node = NULL;
	bool plan_only = false, dry = false;
	struct hoist_plan *plan = NULL;
	struct hoist_error err;
	const struct cli_option opts[] = {
		CLI_VALUE("node", 0, N_("NAME"), N_("patch this node only"), &node),
		CLI_FLAG("plan-only", 0, N_("show the plan; change nothing"), &plan_only),
		CLI_FLAG("dry-run", 0, N_("check the server, the nodes and the profile; change nothing"),
			 &dry),
		CLI_INCLUDE(cli_job_options),
		CLI_END,
	};
	struct cli_job_args job = { false, false, false };
	const struct cli_parse p = { .command = "os-patch", .cli = cli, .ctx = &job,
				     .usage = usage, .about = about, .options = opts };
	int rc;
	if ((rc = cli_parse_args(&p, argc, argv)) >= 0)
		return rc;
	hoist_error_init(&err);
	if (hoist_plan_prepare_os_patch(&cli->conf, node, &plan, &err) != HOIST_OK) {
		rc = cli_fail(&err);
		hoist_error_done(&err);
		return rc;
	}
	if (plan_only || !job.json) {
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
	rc = plan_only ? 0 : dry ? -1 : cli_confirm("os-patch", job.yes,
		_("\nPatch the operating system of these nodes now? [y/N] "));
	if (rc < 0)
		rc = cli_run_job(cli, 0, plan, NULL, dry, job.detach, job.json);
	hoist_plan_free(plan);
	hoist_error_done(&err);
	return rc;
}
