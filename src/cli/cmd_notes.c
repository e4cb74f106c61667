/* cmd_notes.c: hoist notes, the release-note diff between two versions. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "cli.h"
#include "feed_load.h"
#include "i18n.h"
#include "report_json.h"
#include "text.h"

static const char usage[] = N_("usage: hoist [--config FILE] notes [--from A] --to B [OPTIONS]\n");
static const char about[] =
	N_("Shows what changes from version A to version B: the kind of upgrade and\n"
	   "what it means for rollback, the required stops on the way, the notes to\n"
	   "read first (breaking, dependency and security changes), then the notes\n"
	   "of every release in (A, B], grouped by version.\n");

static void print_entry(const struct hoist_note_entry *e, bool with_version)
{
	/* Feed text: escapes and controls shown, never sent to the terminal. */
	char *text = hoist_text_visible(e->text, 0);
	if (with_version)
		printf("  [%s] %s: %s\n", cli_note_label(e->kind), e->release->version.text,
		       text);
	else
		printf("  [%s] %s\n", cli_note_label(e->kind), text);
	free(text);
}

static void print_notes(const struct hoist_notes *n)
{
	const struct hoist_release *group = NULL;
	printf(_("%s -> %s: %s upgrade\n"), n->chain.from.text, n->chain.to.text,
	       cli_kind_label(n->chain.kind));
	printf("%s\n", hoist_kind_rollback(n->chain.kind));
	if (n->chain.n_stops) {
		struct hoist_buf list;
		hoist_buf_init(&list, 0);
		for (size_t i = 0; i < n->chain.n_stops; i++)
			hoist_buf_printf(&list, "%s%s", i ? ", " : "", n->chain.stops[i].text);
		printf(_("Required stops: %s (upgrade to each in turn, then to %s)\n"),
		       hoist_buf_cstr(&list), n->chain.to.text);
		hoist_buf_done(&list);
	} else {
		printf(_("Required stops: none\n"));
	}
	if (!n->feed_has_notes) {
		printf(_("\nThis feed carries no release notes (the vendor's feed has none).\n"
			 "Compare the two versions at: %s\n"),
		       n->compare_url ? n->compare_url : "");
		return;
	}
	if (n->n_first) {
		printf(_("\nRead first:\n"));
		for (size_t i = 0; i < n->n_first; i++)
			print_entry(&n->entries[i], true);
	}
	for (size_t i = n->n_first; i < n->n; i++) {
		const struct hoist_note_entry *e = &n->entries[i];
		if (e->release != group) {
			group = e->release;
			if (group->date) {
				char *date = hoist_text_visible(group->date, 0);
				printf(_("\n%s (%s)\n"), group->version.text, date);
				free(date);
			} else
				printf("\n%s\n", group->version.text);
		}
		print_entry(e, false);
	}
	if (n->n == 0)
		printf(_("\nThe feed has no notes for these releases.\n"));
}

int cmd_notes(struct cli *cli, int argc, char **argv)
{
	const char *from_text = NULL, *to_text = NULL;
	struct hoist_version from, to;
	struct hoist_feed *feed = NULL;
	struct hoist_notes notes;
	struct hoist_error err;
	bool json = false;
	const struct cli_option opts[] = {
		CLI_VALUE("from", 0, N_("A"), N_("the version upgraded from (default: ask the server)"),
			  &from_text),
		CLI_VALUE("to", 0, N_("B"), N_("the version upgraded to"), &to_text),
		CLI_INCLUDE(cli_feed_option),
		CLI_FLAG("json", 0, N_("print JSON instead of text"), &json),
		CLI_END,
	};
	const struct cli_parse p = { .command = "notes", .cli = cli, .usage = usage,
				     .about = about, .options = opts };
	int rc;
	if ((rc = cli_parse_args(&p, argc, argv)) >= 0)
		return rc;
	if (!to_text)
		return cli_usage("notes", _("which version? Give --to VERSION"));
	hoist_error_init(&err);
	if (hoist_version_parse(to_text, &to, &err) != HOIST_OK) {
		rc = cli_usage("notes", "%s", hoist_error_message(&err));
		hoist_error_done(&err);
		return rc;
	}
	if (!from_text && !cli->conf.server_url)
		return cli_usage("notes", _("from which version? Give --from VERSION, or configure "
					    "the server to ask"));
	if ((rc = cli_current_version(cli, "notes", from_text, &from)) != 0)
		return rc;
	if (hoist_version_cmp(&from, &to) >= 0) {
		rc = cli_usage("notes", _("--to %s is not newer than %s"), to.text, from.text);
		return rc;
	}
	if (hoist_feed_load_configured(&cli->conf, &feed, &err) != HOIST_OK ||
	    hoist_notes_diff(feed, &from, &to, &notes, &err) != HOIST_OK) {
		rc = cli_fail(&err);
		hoist_error_done(&err);
		hoist_feed_free(feed);
		return rc;
	}
	if (json) {
		char *text = hoist_report_notes_json(&notes);
		puts(text);
		free(text);
	} else {
		print_notes(&notes);
	}
	hoist_notes_done(&notes);
	hoist_feed_free(feed);
	hoist_error_done(&err);
	return 0;
}
