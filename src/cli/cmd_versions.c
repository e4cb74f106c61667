/* cmd_versions.c: hoist versions, every newer release with the policy's verdict. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "i18n.h"
#include "legacy.h"
#include "report_json.h"
#include "xalloc.h"

static const char usage[] = N_("usage: hoist [--config FILE] versions [OPTIONS]\n");
static const char about[] =
	N_("Lists the releases newer than the current version, each with its kind, date\n"
	   "and the policy's verdict (eligible, or held back and why), and marks the\n"
	   "recommended one: the newest eligible release.\n");

/* The first four cells of a release's row. */
static void row_cells(const struct hoist_verdict *v, const char *cells[4])
{
	cells[0] = v->release->version.text;
	cells[1] = cli_kind_label(v->kind);
	cells[2] = v->release->date ? v->release->date : "-";
	cells[3] = v->eligible ? _("eligible") : _("held");
}

static void print_table(const struct hoist_selection *s)
{
	const char *head[5] = { _("VERSION"), _("KIND"), _("DATE"), _("VERDICT"), _("REASON") };
	const char *cells[4];
	int w[4] = { 0 };
	cli_widen(w, head, 4);
	for (size_t i = 0; i < s->n; i++) {
		row_cells(&s->verdicts[i], cells);
		cli_widen(w, cells, 4);
	}
	cli_row("  ", head, w, 4, head[4]);
	for (size_t i = 0; i < s->n; i++) {
		const struct hoist_verdict *v = &s->verdicts[i];
		char *note = NULL;
		const char *reason = v->eligible || !v->reason ? "" : v->reason;
		row_cells(v, cells);
		/* JSON keeps reason "" for eligible releases; people are told about stops. */
		if (v->eligible && v->needs_stop)
			reason = note = hoist_xasprintf(_("needs a stop first: it upgrades only "
							  "from %s or later"),
							v->release->upgrade_from.text);
		/* No trailing blanks when the reason is empty. */
		if (*reason)
			cli_row(v->release == s->recommended ? "* " : "  ", cells, w, 4, reason);
		else
			cli_row(v->release == s->recommended ? "* " : "  ", cells, w, 3, cells[3]);
		free(note);
	}
}

static enum hoist_status put_out(void *ctx, const char *data, size_t n)
{
	(void)ctx;
	return fwrite(data, 1, n, stdout) == n ? HOIST_OK : HOIST_IO;
}

int cmd_versions(struct cli *cli, int argc, char **argv)
{
	struct cli_select sel = { NULL, false };
	struct hoist_selection s;
	struct hoist_feed *feed = NULL;
	int rc;
	if ((rc = cli_select_parse(cli, "versions", usage, about, argc, argv, &sel)) >= 0)
		return rc;
	if ((rc = cli_select(cli, "versions", &sel, &feed, &s)) != 0)
		return rc;
	if (sel.json) {
		hoist_report_selection_json_write(&s, put_out, NULL);
		putchar('\n');
	} else {
		printf(_("Current version: %s\n"), s.current.text);
		printf(_("Feed: %s\n"), cli->conf.feed);
		if (s.n == 0) {
			printf(_("No newer release in the feed: %s is the newest.\n"), s.current.text);
		} else {
			putchar('\n');
			print_table(&s);
			putchar('\n');
			if (s.recommended)
				printf(_("Recommended (*): %s\n"), s.recommended->version.text);
			else
				printf(_("No newer release is eligible under the policy.\n"));
			/* Seed 002: from 2.x, 3.x is a migration, not an ordinary major upgrade. */
			if (hoist_legacy_is_2x(&s.current))
				printf(_("From %s, 3.x is the legacy upgrade with its data migration, "
					 "not an ordinary major upgrade: hoist legacy --to V --maxage "
					 "DAYS.\n"), s.current.text);
		}
	}
	hoist_selection_done(&s);
	hoist_feed_free(feed);
	return 0;
}
