/* cmd_plan.c: hoist plan, the upgrade's plan from the server's real state, shown or saved. */
#include "config.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "cli.h"
#include "i18n.h"
#include "run.h"
#include "xalloc.h"

enum { OPT_TO = 256, OPT_STRATEGY, OPT_ROLE_ORDER, OPT_JSON };

const struct option cli_plan_options[] = {
	{ "to", required_argument, NULL, OPT_TO },
	{ "strategy", required_argument, NULL, OPT_STRATEGY },
	{ "role-order", required_argument, NULL, OPT_ROLE_ORDER },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The steps of one node, comma-separated, in plan order (a new string). */
static char *node_steps(const struct hoist_plan *p, const char *node)
{
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].node && !strcmp(p->steps[i].node, node))
			/* A step of a required stop's hop names the hop. */
			hoist_buf_printf(&b, "%s%s%s%s", b.len ? ", " : "", p->steps[i].id,
					 p->steps[i].hop && strcmp(p->steps[i].hop, p->to.text) ? "@" : "",
					 p->steps[i].hop && strcmp(p->steps[i].hop, p->to.text)
						 ? p->steps[i].hop : "");
	return hoist_buf_detach(&b, NULL);
}

static char *quote(const char *s)
{
	if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-=+:,@") ==
	    strlen(s))
		return hoist_xstrdup(s);
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	hoist_buf_puts(&b, "'");
	for (; *s; s++)
		hoist_buf_puts(&b, *s == '\'' ? "'\\''" : (char[]){ *s, 0 });
	hoist_buf_puts(&b, "'");
	return hoist_buf_detach(&b, NULL);
}

void cli_print_plan(const struct cli *cli, const struct hoist_plan *p, const char *plan_file)
{
	const char *head[5] = { _("NODE"), _("ROLE"), _("CURRENT"), _("TARGET"), _("STEPS") };
	int w[4];
	long pnr = hoist_plan_pnr_index(p);
	char *cmd, *cfg = cli->config_path ? quote(cli->config_path) : NULL;
	printf(_("Plan: %s to %s (%s), strategy %s\n"), p->from.text, p->to.text,
	       cli_kind_label(p->kind), hoist_strategy_name(p->strategy));
	if (p->n_stops) {
		printf(_("Required stops:"));
		for (size_t i = 0; i < p->n_stops; i++)
			printf(" %s", p->stops[i].text);
		putchar('\n');
		printf(_("Each stop is installed, upgraded, started and validated on %s (the primary) "
			 "only; the other nodes go straight to %s.\n"),
		       hoist_plan_primary(p)->name, p->to.text);
	}
	putchar('\n');
	for (int c = 0; c < 4; c++)
		w[c] = cli_width(head[c]);
	for (size_t i = 0; i < p->n_nodes; i++) {
		const char *cells[4] = { p->nodes[i].name, p->nodes[i].role ? p->nodes[i].role : "-",
					 p->nodes[i].version.text, p->to.text };
		for (int c = 0; c < 4; c++)
			if (cli_width(cells[c]) > w[c])
				w[c] = cli_width(cells[c]);
	}
	fputs("  ", stdout);
	for (int c = 0; c < 4; c++)
		cli_pad(head[c], w[c] + 2);
	printf("%s\n", head[4]);
	for (size_t i = 0; i < p->n_nodes; i++) {
		const char *cells[4] = { p->nodes[i].name, p->nodes[i].role ? p->nodes[i].role : "-",
					 p->nodes[i].version.text, p->to.text };
		char *steps = node_steps(p, p->nodes[i].name);
		fputs("  ", stdout);
		for (int c = 0; c < 4; c++)
			cli_pad(cells[c], w[c] + 2);
		printf("%s\n", steps);
		free(steps);
	}
	putchar('\n');
	printf(_("Steps: %zu in all, per node in parallel where the strategy allows.\n"),
	       p->n_steps);
	if (pnr >= 0)
		printf(_("Point of no return: step %ld of %zu, %s on %s; a failure after it needs "
			 "the rollback guide.\n"),
		       pnr + 1, p->n_steps, p->steps[pnr].id,
		       p->steps[pnr].node ? p->steps[pnr].node : "");
	else
		printf(_("Point of no return: none (no database schema change).\n"));
	if (p->window_estimate_ms >= 0)
		printf(_("Window estimate: about %lld s (the last good run on this server).\n"),
		       (p->window_estimate_ms + 999) / 1000);
	else
		printf(_("Window estimate: unknown (no earlier run to measure).\n"));
	if (plan_file) {
		char *f = quote(plan_file);
		cmd = hoist_xasprintf("hoist%s%s upgrade --plan %s", cfg ? " --config " : "",
				      cfg ? cfg : "", f);
		free(f);
	} else {
		cmd = hoist_xasprintf("hoist%s%s upgrade --to %s%s%s", cfg ? " --config " : "",
				      cfg ? cfg : "", p->to.text,
				      p->strategy == HOIST_STRATEGY_ROLLING ? " --strategy rolling"
									    : "",
				      "");
	}
	printf(_("Run it with: %s\n"), cmd);
	free(cmd);
	free(cfg);
}

int cli_plan_option(int opt, const char *arg, struct cli_plan *pl)
{
	struct hoist_error err;
	int rc = -1;
	switch (opt) {
	case OPT_TO:
		pl->to = arg;
		break;
	case OPT_STRATEGY:
		hoist_error_init(&err);
		if (hoist_strategy_parse(arg, &pl->prep.strategy, &err) != HOIST_OK)
			rc = cli_usage(pl->command, "%s", hoist_error_message(&err));
		hoist_error_done(&err);
		break;
	case OPT_ROLE_ORDER:
		pl->prep.role_order = arg;
		break;
	case OPT_JSON:
		pl->json = true;
		break;
	default:
		rc = 0;
	}
	return rc;
}

static int help(void)
{
	return cli_help(_("usage: hoist [--config FILE] plan --to V [-o FILE] [--json]\n\n"
			  "Builds the upgrade's plan from the server's real state: a table per node\n"
			  "(role, current and target version, steps), the strategy, the point of no\n"
			  "return, the window estimate and the command that runs it.\n\n"
			  "Options:\n"
			  "  --to V              the version to upgrade to\n"
			  "  -o, --output FILE   save the plan (JSON) for hoist upgrade --plan FILE\n"
			  "  --strategy S        all-at-once, rolling (patch only) or auto (default)\n"
			  "  --role-order R,...  the order of roles (default: [upgrade] role_order,\n"
			  "                      else dea,controller,router,base,primary)\n"
			  "  --json              print the plan as JSON\n"
			  "  --help              show this help\n"));
}

int cmd_plan(struct cli *cli, int argc, char **argv)
{
	struct cli_plan pl;
	struct hoist_plan *plan = NULL;
	struct hoist_error err;
	const char *out = NULL;
	int opt, rc = 0;
	memset(&pl, 0, sizeof pl);
	pl.command = "plan";
	while ((opt = getopt_long(argc, argv, ":ho:", cli_plan_options, NULL)) != -1) {
		if (opt == 'h')
			return help();
		if (opt == 'o') {
			out = optarg;
			continue;
		}
		if (opt == '?' || opt == ':')
			return cli_bad_option("plan", opt, optopt, argv, optind);
		if ((rc = cli_plan_option(opt, optarg, &pl)) >= 0)
			return rc;
	}
	rc = 0;
	if (optind < argc)
		return cli_usage("plan", _("unexpected argument '%s'"), argv[optind]);
	if (!pl.to)
		return cli_usage("plan", _("say which version to upgrade to with --to V"));
	hoist_error_init(&err);
	if (hoist_plan_prepare(&cli->conf, pl.to, &pl.prep, &plan, &err) != HOIST_OK ||
	    (out && hoist_plan_save(plan, out, &err) != HOIST_OK)) {
		rc = cli_fail(&err);
	} else if (pl.json) {
		char *json = hoist_plan_to_json(plan);
		puts(json);
		free(json);
	} else {
		cli_print_plan(cli, plan, out);
		cli_tentacles_advice(cli, plan);
		if (out)
			printf(_("Saved to %s.\n"), out);
	}
	hoist_plan_free(plan);
	hoist_error_done(&err);
	return rc;
}
