/* cmd_plan.c: hoist plan, the upgrade's plan from the server's real state, shown or saved. */
#include "config.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "checklist.h"
#include "estimate.h"
#include "cli.h"
#include "i18n.h"
#include "packages.h"
#include "run.h"
#include "xalloc.h"

enum { OPT_TO = 256, OPT_STRATEGY, OPT_ROLE_ORDER, OPT_JSON, OPT_OVERRIDE, OPT_EVIDENCE,
       OPT_CONFIRM, OPT_WAIVE, OPT_FORCE, OPT_NODE };

const struct option cli_plan_options[] = {
	{ "to", required_argument, NULL, OPT_TO },
	{ "strategy", required_argument, NULL, OPT_STRATEGY },
	{ "role-order", required_argument, NULL, OPT_ROLE_ORDER },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "override", required_argument, NULL, OPT_OVERRIDE },
	{ "evidence", required_argument, NULL, OPT_EVIDENCE },
	{ "confirm", required_argument, NULL, OPT_CONFIRM },
	{ "waive", required_argument, NULL, OPT_WAIVE },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "node", required_argument, NULL, OPT_NODE },
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

/* Each package's address, checksum and signature check; where each file will be. */
static void print_packages(const struct cli *cli, const struct hoist_plan *p)
{
	struct hoist_file_place *fp;
	size_t n;
	if (p->n_packages)
		printf(_("Packages:\n"));
	for (size_t i = 0; i < p->n_packages; i++) {
		const struct hoist_plan_package *k = &p->packages[i];
		const char *sig = k->signature;
		printf("  %s  %s\n", k->version.text, k->url ? k->url : "-");
		if (hoist_package_is_image(k))
			printf(_("    an image: each node pulls it before the window; docker checks "
				 "its digest\n"));
		else if (k->sha256)
			printf(_("    SHA-256 %s (%s)\n"), k->sha256,
			       k->checksum_source && !strcmp(k->checksum_source, "checksums")
				       ? _("from [feed] checksums")
				       : _("from the feed"));
		else
			printf(_("    SHA-256: none given (neither the feed nor [feed] checksums "
				 "has one); the download is not verified, hoist records the SHA-256 "
				 "it computes\n"));
		if (sig && !strcmp(sig, "osslsigncode"))
			printf(_("    Authenticode signature: checked with osslsigncode when staged\n"));
		else if (sig && !strcmp(sig, "off"))
			printf(_("    Authenticode signature: not checked ([feed] authenticode = off)\n"));
		else if (sig)
			printf(_("    Authenticode signature: not checked (osslsigncode is not "
				 "installed)\n"));
	}
	hoist_plan_file_places(&cli->conf, p, &fp, &n);
	if (n)
		printf(_("Files:\n"));
	for (size_t i = 0; i < n; i++) {
		printf("  %-20s %-10s %s\n", fp[i].what, fp[i].node ? fp[i].node : _("here"),
		       fp[i].path);
		if (fp[i].note)
			printf("  %-20s %-10s (%s)\n", "", "", fp[i].note);
	}
	hoist_file_places_free(fp, n);
}

static void guard_options(struct hoist_buf *b);

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
	{
		char *est = hoist_estimate_text(p);
		printf(_("Window estimate: %s.\n"), est);
		free(est);
	}
	for (size_t i = 0; i < p->n_overrides; i++)
		printf(_("Override: %s\n"), p->overrides[i]);
	cli_print_read_first((struct cli *)cli, p);
	print_packages(cli, p);
	if (plan_file) {
		char *f = quote(plan_file);
		cmd = hoist_xasprintf("hoist%s%s upgrade --plan %s", cfg ? " --config " : "",
				      cfg ? cfg : "", f);
		free(f);
	} else {
		struct hoist_buf g;
		hoist_buf_init(&g, 0);
		guard_options(&g);
		cmd = hoist_xasprintf("hoist%s%s upgrade --to %s%s%s", cfg ? " --config " : "",
				      cfg ? cfg : "", p->to.text,
				      p->strategy == HOIST_STRATEGY_ROLLING ? " --strategy rolling"
									    : "",
				      g.len ? hoist_buf_cstr(&g) : "");
		hoist_buf_done(&g);
	}
	printf(_("Run it with: %s\n"), cmd);
	free(cmd);
	free(cfg);
}

/*
 * The options of this invocation, for the command cli_print_plan shows (the one global:
 * one command runs per process, and its options outlive the parsing in argv).
 */
static const struct cli_plan *given;

/* " --override 'REASON' --waive 'ITEM=REASON' ...": the guard-rail options given. */
static void guard_options(struct hoist_buf *b)
{
	char *q;
	if (!given)
		return;
	if (given->prep.override_reason) {
		q = quote(given->prep.override_reason);
		hoist_buf_printf(b, " --override %s", q);
		free(q);
	}
	for (size_t i = 0; i < given->n_evidence; i++) {
		q = quote(given->evidence[i]);
		hoist_buf_printf(b, " --evidence %s", q);
		free(q);
	}
	for (size_t i = 0; i < given->n_confirm; i++) {
		q = quote(given->confirm[i]);
		hoist_buf_printf(b, " --confirm %s", q);
		free(q);
	}
	for (size_t i = 0; i < given->n_waive; i++) {
		q = quote(given->waive[i]);
		hoist_buf_printf(b, " --waive %s", q);
		free(q);
	}
}

int cli_plan_option(int opt, const char *arg, struct cli_plan *pl)
{
	struct hoist_error err;
	int rc = -1;
	given = pl;
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
	case OPT_OVERRIDE:
		if (!*arg)
			rc = cli_usage(pl->command, _("--override needs the reason, in words"));
		pl->prep.override_reason = arg;
		break;
	case OPT_EVIDENCE:
	case OPT_WAIVE:
		if (!strchr(arg, '=') || strchr(arg, '=') == arg || !strchr(arg, '=')[1]) {
			rc = cli_usage(pl->command,
				       opt == OPT_WAIVE ? _("--waive takes ITEM=REASON, not '%s'")
							: _("--evidence takes ITEM=FILE, not '%s'"),
				       arg);
			break;
		}
		if (opt == OPT_WAIVE ? pl->n_waive >= CLI_MAX_GIVEN
				     : pl->n_evidence >= CLI_MAX_GIVEN) {
			rc = cli_usage(pl->command, _("too many --evidence or --waive options"));
			break;
		}
		if (opt == OPT_WAIVE)
			pl->waive[pl->n_waive++] = arg;
		else
			pl->evidence[pl->n_evidence++] = arg;
		break;
	case OPT_CONFIRM:
		if (pl->n_confirm >= CLI_MAX_GIVEN) {
			rc = cli_usage(pl->command, _("too many --confirm options"));
			break;
		}
		pl->confirm[pl->n_confirm++] = arg;
		break;
	case OPT_FORCE:
		pl->prep.force = true;
		break;
	case OPT_NODE:
		pl->prep.node = arg;
		break;
	default:
		rc = 0;
	}
	return rc;
}

static int help(void)
{
	cli_help(_("usage: hoist [--config FILE] plan --to V [-o FILE] [--json]\n\n"
			  "Builds the upgrade's plan from the server's real state: a table per node\n"
			  "(role, current and target version, steps), the strategy, the point of no\n"
			  "return, the window estimate and the command that runs it.\n\n"
			  "Options:\n"
			  "  --to V              the version to upgrade to\n"
			  "  -o, --output FILE   save the plan (JSON) for hoist upgrade --plan FILE\n"
			  "  --strategy S        all-at-once, rolling (patch only) or auto (default)\n"
			  "  --role-order R,...  the order of roles (default: [upgrade] role_order,\n"
			  "                      else dea,controller,router,base,primary)\n"
			  "  --force             V may be the installed version: its upgrade runs\n"
			  "                      again (a repair)\n"
			  "  --node NAME         that node alone (a patch or a repair of a cluster,\n"
			  "                      any upgrade of a single node)\n"
			  "  --json              print the plan as JSON\n"
			  "  --help              show this help\n"));
	putchar('\n');
	return cli_help(cli_guard_help());
}

const char *cli_guard_help(void)
{
	return _("Guard rails (plan, upgrade, checklist):\n"
		 "  --override REASON   upgrade to a version the policy holds back; the reason\n"
		 "                      is recorded in the plan and the journal\n"
		 "  --evidence ITEM=FILE  a checklist item done by a file you name (backup-db,\n"
		 "                      master-key, license-key, file-storage)\n"
		 "  --confirm ITEM      a checklist item you confirm (restore-tested,\n"
		 "                      users-warned)\n"
		 "  --waive ITEM=REASON go without an item that is not always required (the\n"
		 "                      file-storage copy of a major upgrade), saying why\n");
}

/* The evidence and waivers given to hoist plan go into the plan; nothing is refused yet. */
static int plan_checklist(struct cli *cli, const struct cli_plan *pl, struct hoist_plan *plan)
{
	struct hoist_checklist cl;
	int rc;
	hoist_checklist_init(&cl);
	rc = cli_checklist_fill(cli, pl, plan, &cl);
	if (rc == 0)
		hoist_checklist_record(&cl, plan);
	hoist_checklist_done(&cl);
	return rc;
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
	if (hoist_plan_prepare(&cli->conf, pl.to, &pl.prep, &plan, &err) != HOIST_OK) {
		rc = cli_fail(&err);
	} else if ((rc = plan_checklist(cli, &pl, plan)) != 0) {
		/* said */
	} else if (out && hoist_plan_save(plan, out, &err) != HOIST_OK) {
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
