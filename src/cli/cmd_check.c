/* cmd_check.c: hoist check, one line for a cron job or a login banner; exit 10 on news. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "i18n.h"
#include "report_json.h"

/* The exit code of check when an eligible update is available (DESIGN §9). */
#define EXIT_UPDATE 10

static const char usage[] = N_("usage: hoist [--config FILE] check [OPTIONS]\n");
static const char about[] =
	N_("Says in one line whether an eligible update is available. Exits with 0 when\n"
	   "there is none and with 10 when there is one, so that a cron job or a login\n"
	   "banner can act on it.\n");

int cmd_check(struct cli *cli, int argc, char **argv)
{
	struct cli_select sel = { NULL, false };
	struct hoist_selection s;
	struct hoist_feed *feed = NULL;
	size_t held = 0;
	int rc;
	if ((rc = cli_select_parse(cli, "check", usage, about, argc, argv, &sel)) >= 0)
		return rc;
	if ((rc = cli_select(cli, "check", &sel, &feed, &s)) != 0)
		return rc;
	for (size_t i = 0; i < s.n; i++)
		held += !s.verdicts[i].eligible;
	if (sel.json) {
		char *json = hoist_report_check_json(&s);
		puts(json);
		free(json);
	} else if (s.recommended) {
		const struct hoist_verdict *v = NULL;
		for (size_t i = 0; i < s.n; i++)
			if (s.verdicts[i].release == s.recommended)
				v = &s.verdicts[i];
		printf(_("hoist: %s is available (%s), current %s\n"), s.recommended->version.text,
		       cli_kind_label(v ? v->kind : hoist_version_kind(&s.current,
									 &s.recommended->version)),
		       s.current.text);
	} else if (held) {
		printf(dngettext(PACKAGE,
				 "hoist: %s is up to date by policy (%zu newer release held back)\n",
				 "hoist: %s is up to date by policy (%zu newer releases held back)\n",
				 held),
		       s.current.text, held);
	} else {
		printf(_("hoist: %s is up to date\n"), s.current.text);
	}
	rc = s.recommended ? EXIT_UPDATE : 0;
	hoist_selection_done(&s);
	hoist_feed_free(feed);
	return rc;
}
