/* cmd_tentacles.c: hoist tentacles, the Tentacles listed, upgraded in batches, health-checked. */
#include "config.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "i18n.h"
#include "tentacles.h"

#define MAX_ENVS 64

static const char usage[] =
	N_("usage: hoist [--config FILE] tentacles [--environment E]... [--batch N]\n"
	   "                                   [--dry-run] [--detach] [--json] [--yes]\n");
static const char about[] =
	N_("Lists every deployment target with its Tentacle version and whether the\n"
	   "server finds it outdated (or no longer compatible), then upgrades the\n"
	   "outdated ones through the server's Upgrade task: environment by\n"
	   "environment, N targets at a time, following each task to its end. A batch\n"
	   "that fails stops the run, saying which targets were upgraded and which\n"
	   "were not. A health check follows, which brings Calamari up to date.\n"
	   "The run is a plan of its own: its journal, lock, status and resume are\n"
	   "those of an upgrade.\n");

/* What --environment fills. */
struct environments {
	const char *v[MAX_ENVS];
	size_t n;
};

static int add_environment(const struct cli_parse *p, const struct cli_option *o,
			   const char *arg)
{
	struct environments *e = o->data;
	(void)p;
	if (e->n == MAX_ENVS)
		return cli_usage("tentacles", _("at most %d environments"), MAX_ENVS);
	e->v[e->n++] = arg;
	return -1;
}

static int set_batch(const struct cli_parse *p, const struct cli_option *o, const char *arg)
{
	(void)p;
	if (!cli_number(arg, 1, 10000, o->data))
		return cli_usage("tentacles", _("--batch needs a number from 1 to 10000, not '%s'"),
				 arg);
	return -1;
}

static const char *state_label(const struct hoist_tentacle_target *g)
{
	if (g->required)
		return _("upgrade required");
	if (g->outdated)
		return _("outdated");
	return _("current");
}

/* The first four cells of a target's row. */
static void target_cells(const struct hoist_tentacle_target *g, const char *cells[4])
{
	cells[0] = g->name;
	cells[1] = g->environment;
	cells[2] = g->version ? g->version : "?";
	cells[3] = state_label(g);
}

static void print_list(const struct hoist_tentacles *t)
{
	const char *head[5] = { _("TARGET"), _("ENVIRONMENT"), _("TENTACLE"), _("STATE"),
				_("BATCH") };
	const char *cells[4];
	int w[4] = { 0 };
	size_t out = hoist_tentacles_outdated(t);
	cli_widen(w, head, 4);
	for (size_t i = 0; i < t->n; i++) {
		target_cells(&t->v[i], cells);
		cli_widen(w, cells, 4);
	}
	printf(P_("Server %s: %zu deployment target\n", "Server %s: %zu deployment targets\n",
		  t->n), t->server.text, t->n);
	printf(P_("%zu outdated: %d batch of at most %d\n",
		  "%zu outdated: %d batches of at most %d\n", t->n_batches),
	       out, t->n_batches, t->batch_size);
	if (!t->n)
		return;
	cli_row("", head, w, 4, head[4]);
	for (size_t i = 0; i < t->n; i++) {
		char batch[24];
		target_cells(&t->v[i], cells);
		if (t->v[i].batch)
			snprintf(batch, sizeof batch, "%d", t->v[i].batch);
		else
			strcpy(batch, "-");
		cli_row("", cells, w, 4, batch);
	}
}

int cmd_tentacles(struct cli *cli, int argc, char **argv)
{
	struct environments envs = { { NULL }, 0 };
	long batch = HOIST_TENTACLES_BATCH;
	bool dry = false, detach = false, json = false, yes = false;
	struct hoist_tentacles *t = NULL;
	struct hoist_plan *plan = NULL;
	struct hoist_error err;
	const struct cli_option opts[] = {
		CLI_CALL_INTO("environment", 0, N_("E"),
			      N_("only this environment (name or id); may be repeated"),
			      add_environment, &envs),
		CLI_CALL_INTO("batch", 0, N_("N"), N_("targets per Upgrade task (default 10)"),
			      set_batch, &batch),
		CLI_FLAG("dry-run", 0, N_("list the targets and the batches; upgrade nothing"), &dry),
		CLI_FLAG("detach", 0, N_("run in the background; follow with hoist status --follow"),
			 &detach),
		CLI_FLAG("json", 0, N_("the list (with --dry-run) or the journal as JSON lines"),
			 &json),
		CLI_FLAG("yes", 0, N_("start without asking (needed without a terminal)"), &yes),
		CLI_END,
	};
	const struct cli_parse p = { .command = "tentacles", .cli = cli, .usage = usage,
				     .about = about, .options = opts };
	int rc;
	if ((rc = cli_parse_args(&p, argc, argv)) >= 0)
		return rc;
	if (dry && detach)
		return cli_usage("tentacles", _("--dry-run and --detach do not go together"));
	hoist_error_init(&err);
	if (hoist_tentacles_read_config(&cli->conf, envs.v, envs.n, (int)batch, &t, &err) !=
	    HOIST_OK) {
		rc = cli_fail(&err);
		hoist_error_done(&err);
		return rc;
	}
	if (json && dry) {
		char *text = hoist_tentacles_to_json(t);
		printf("%s\n", text);
		free(text);
	} else if (!json) {
		print_list(t);
	}
	if (dry) {
		if (!json)
			printf("%s\n", _("Dry run: nothing was upgraded."));
		hoist_tentacles_free(t);
		hoist_error_done(&err);
		return 0;
	}
	if ((rc = cli_confirm("tentacles", yes,
				      hoist_tentacles_outdated(t)
				      ? _("\nUpgrade the outdated Tentacles now? [y/N] ")
				      : _("\nRun a health check of the targets now? [y/N] "))) >= 0) {
		hoist_tentacles_free(t);
		hoist_error_done(&err);
		return rc;
	}
	hoist_tentacles_free(t);
	if (hoist_plan_prepare_tentacles(&cli->conf, envs.v, envs.n, (int)batch, &plan, &err) !=
	    HOIST_OK) {
		rc = cli_fail(&err);
		hoist_error_done(&err);
		return rc;
	}
	fflush(stdout);
	rc = cli_run_job(cli, 0, plan, NULL, false, detach, json);
	hoist_plan_free(plan);
	hoist_error_done(&err);
	return rc;
}
