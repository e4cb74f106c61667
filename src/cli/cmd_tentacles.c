/* cmd_tentacles.c: hoist tentacles, the Tentacles listed, upgraded in batches, health-checked. */
#include "config.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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
	long *batch = o->data;
	char *end;
	(void)p;
	*batch = strtol(arg, &end, 10);
	if (!*arg || *end || *batch < 1 || *batch > 10000)
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

static void print_list(const struct hoist_tentacles *t)
{
	int wn = cli_width(_("TARGET")), we = cli_width(_("ENVIRONMENT"));
	int wv = cli_width(_("TENTACLE")), ws = cli_width(_("STATE"));
	size_t out = hoist_tentacles_outdated(t);
	for (size_t i = 0; i < t->n; i++) {
		const struct hoist_tentacle_target *g = &t->v[i];
		wn = cli_width(g->name) > wn ? cli_width(g->name) : wn;
		we = cli_width(g->environment) > we ? cli_width(g->environment) : we;
		wv = g->version && cli_width(g->version) > wv ? cli_width(g->version) : wv;
		ws = cli_width(state_label(g)) > ws ? cli_width(state_label(g)) : ws;
	}
	printf(P_("Server %s: %zu deployment target\n", "Server %s: %zu deployment targets\n",
		  t->n), t->server.text, t->n);
	printf(P_("%zu outdated: %d batch of at most %d\n",
		  "%zu outdated: %d batches of at most %d\n", t->n_batches),
	       out, t->n_batches, t->batch_size);
	if (!t->n)
		return;
	cli_pad(_("TARGET"), wn + 2);
	cli_pad(_("ENVIRONMENT"), we + 2);
	cli_pad(_("TENTACLE"), wv + 2);
	cli_pad(_("STATE"), ws + 2);
	printf("%s\n", _("BATCH"));
	for (size_t i = 0; i < t->n; i++) {
		const struct hoist_tentacle_target *g = &t->v[i];
		cli_pad(g->name, wn + 2);
		cli_pad(g->environment, we + 2);
		cli_pad(g->version ? g->version : "?", wv + 2);
		cli_pad(state_label(g), ws + 2);
		if (g->batch)
			printf("%d\n", g->batch);
		else
			printf("-\n");
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
	const struct cli_parse p = { "tentacles", cli, NULL, usage, about, NULL, opts };
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
