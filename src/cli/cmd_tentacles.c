/* cmd_tentacles.c: hoist tentacles, the Tentacles listed, upgraded in batches, health-checked. */
#include "config.h"
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "cli.h"
#include "i18n.h"
#include "tentacles.h"

#define MAX_ENVS 64

static int tentacles_help(void)
{
	return cli_help(_("usage: hoist [--config FILE] tentacles [--environment E]... [--batch N]\n"
			  "                                   [--dry-run] [--detach] [--json] [--yes]\n\n"
			  "Lists every deployment target with its Tentacle version and whether the\n"
			  "server finds it outdated (or no longer compatible), then upgrades the\n"
			  "outdated ones through the server's Upgrade task: environment by\n"
			  "environment, N targets at a time, following each task to its end. A batch\n"
			  "that fails stops the run, saying which targets were upgraded and which\n"
			  "were not. A health check follows, which brings Calamari up to date.\n"
			  "The run is a plan of its own: its journal, lock, status and resume are\n"
			  "those of an upgrade.\n\n"
			  "Options:\n"
			  "  --environment E  only this environment (name or id); may be repeated\n"
			  "  --batch N        targets per Upgrade task (default 10)\n"
			  "  --dry-run        list the targets and the batches; upgrade nothing\n"
			  "  --detach         run in the background; follow with hoist status --follow\n"
			  "  --json           the list (with --dry-run) or the journal as JSON lines\n"
			  "  --yes            start without asking (needed without a terminal)\n"
			  "  --help           show this help\n"));
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

int cli_journey_confirm(const char *command, bool yes, const char *question)
{
	char line[64];
	if (yes)
		return -1;
	if (!isatty(STDIN_FILENO))
		return cli_usage(command, _("not on a terminal: confirm with --yes"));
	printf("%s", question);
	fflush(stdout);
	if (!fgets(line, sizeof line, stdin) || (line[0] != 'y' && line[0] != 'Y')) {
		printf(_("Nothing was changed.\n"));
		return 1;
	}
	return -1;
}

void cli_tentacles_advice(const struct cli *cli, const struct hoist_plan *p)
{
	struct hoist_tentacles_advice a;
	struct hoist_error err;
	hoist_error_init(&err);
	/* Advice only: a plan is still a plan when the Tentacles cannot be read. */
	if (hoist_tentacles_advise(&cli->conf, &p->from, &p->to, &a, &err) != HOIST_OK) {
		hoist_error_done(&err);
		return;
	}
	if (a.warned && a.n_affected) {
		printf(_("Tentacles: the release notes of %s say: \"%s\"\n"), a.release, a.note);
		printf(P_("%zu of the %zu deployment targets runs an older Tentacle:",
			  "%zu of the %zu deployment targets run an older Tentacle:", a.n_affected),
		       a.n_affected, a.n_targets);
		for (size_t i = 0; i < a.n_affected; i++)
			printf("%s%s", i ? ", " : " ", a.affected[i]);
		printf("\n");
		printf(_("Upgrade them first: hoist%s%s tentacles (hoist tentacles --dry-run shows "
			 "the batches)\n"), cli->config_path ? " --config " : "",
		       cli->config_path ? cli->config_path : "");
	} else if (a.warned) {
		printf(_("Tentacles: the release notes of %s say: \"%s\" Every deployment target "
			 "already runs a newer one.\n"), a.release, a.note);
	}
	hoist_tentacles_advice_done(&a);
	hoist_error_done(&err);
}

int cmd_tentacles(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "environment", required_argument, NULL, 'e' },
		{ "batch", required_argument, NULL, 'b' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "detach", no_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "yes", no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *envs[MAX_ENVS];
	size_t n_envs = 0;
	long batch = HOIST_TENTACLES_BATCH;
	bool dry = false, detach = false, json = false, yes = false;
	struct hoist_tentacles *t = NULL;
	struct hoist_plan *plan = NULL;
	struct hoist_error err;
	int opt, rc;
	char *end;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'e':
			if (n_envs == MAX_ENVS)
				return cli_usage("tentacles", _("at most %d environments"), MAX_ENVS);
			envs[n_envs++] = optarg;
			break;
		case 'b':
			batch = strtol(optarg, &end, 10);
			if (!*optarg || *end || batch < 1 || batch > 10000)
				return cli_usage("tentacles", _("--batch needs a number from 1 to "
								"10000, not '%s'"), optarg);
			break;
		case 'n': dry = true; break;
		case 'd': detach = true; break;
		case 'j': json = true; break;
		case 'y': yes = true; break;
		case 'h': return tentacles_help();
		default: return cli_bad_option("tentacles", opt, optopt, argv, optind);
		}
	}
	if (optind < argc)
		return cli_usage("tentacles", _("unexpected argument '%s'"), argv[optind]);
	if (dry && detach)
		return cli_usage("tentacles", _("--dry-run and --detach do not go together"));
	hoist_error_init(&err);
	if (hoist_tentacles_read_config(&cli->conf, envs, n_envs, (int)batch, &t, &err) !=
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
	if ((rc = cli_journey_confirm("tentacles", yes,
				      hoist_tentacles_outdated(t)
				      ? _("\nUpgrade the outdated Tentacles now? [y/N] ")
				      : _("\nRun a health check of the targets now? [y/N] "))) >= 0) {
		hoist_tentacles_free(t);
		hoist_error_done(&err);
		return rc;
	}
	hoist_tentacles_free(t);
	if (hoist_plan_prepare_tentacles(&cli->conf, envs, n_envs, (int)batch, &plan, &err) !=
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
