/* plan_out.c: an upgrade's plan for people: nodes, steps, packages, and the command that runs it. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "cli.h"
#include "estimate.h"
#include "i18n.h"
#include "packages.h"
#include "xalloc.h"

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

/* The first four cells of node i's row. */
static void node_cells(const struct hoist_plan *p, size_t i, const char *cells[4])
{
	cells[0] = p->nodes[i].name;
	cells[1] = p->nodes[i].role ? p->nodes[i].role : "-";
	cells[2] = p->nodes[i].version.text;
	cells[3] = p->to.text;
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

/* " --OPTION 'VALUE'" for each of v[0..n). */
static void put_given(struct hoist_buf *b, const char *option, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *q = quote(v[i]);
		hoist_buf_printf(b, " --%s %s", option, q);
		free(q);
	}
}

/* " --override 'REASON' --waive 'ITEM=REASON' ...": the guard-rail options given. */
static void guard_options(struct hoist_buf *b, const struct cli_plan *given)
{
	if (!given)
		return;
	if (given->prep.override_reason)
		put_given(b, "override", &given->prep.override_reason, 1);
	put_given(b, "evidence", given->evidence, given->n_evidence);
	put_given(b, "confirm", given->confirm, given->n_confirm);
	put_given(b, "waive", given->waive, given->n_waive);
}

void cli_print_plan(const struct cli *cli, const struct cli_plan *given, const struct hoist_plan *p,
		    const char *plan_file)
{
	const char *head[5] = { _("NODE"), _("ROLE"), _("CURRENT"), _("TARGET"), _("STEPS") };
	const char *cells[4];
	int w[4] = { 0 };
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
	cli_widen(w, head, 4);
	for (size_t i = 0; i < p->n_nodes; i++) {
		node_cells(p, i, cells);
		cli_widen(w, cells, 4);
	}
	cli_row("  ", head, w, 4, head[4]);
	for (size_t i = 0; i < p->n_nodes; i++) {
		char *steps = node_steps(p, p->nodes[i].name);
		node_cells(p, i, cells);
		cli_row("  ", cells, w, 4, steps);
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
		guard_options(&g, given);
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
