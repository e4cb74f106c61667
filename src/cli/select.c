/* select.c: the options and steps `versions` and `check` share: policy, current, feed. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "feed_load.h"
#include "i18n.h"
#include "server_version.h"

static int set_current(const struct cli_parse *p, const struct cli_option *o, const char *arg)
{
	(void)o;
	((struct cli_select *)p->ctx)->current = arg;
	return -1;
}

static int set_json(const struct cli_parse *p, const struct cli_option *o, const char *arg)
{
	(void)o;
	(void)arg;
	((struct cli_select *)p->ctx)->json = true;
	return -1;
}

/* The release feed, as versions, check and notes take it. */
#define FEED_OPTION \
	CLI_CALL("feed", 0, N_("SRC"), \
		 N_("the release feed: https://, http:// on this machine, file:// or a path"), \
		 cli_option_config, "feed.source")

const struct cli_option cli_feed_option[] = { FEED_OPTION, CLI_END };

const struct cli_option cli_select_options[] = {
	FEED_OPTION,
	CLI_CALL("current", 0, N_("V"), N_("the current version (default: ask the server)"),
		 set_current, NULL),
	CLI_CALL("allow", 0, N_("KIND"), N_("the largest upgrade allowed: patch, minor or major"),
		 cli_option_config, "policy.allow"),
	CLI_CALL("minor-after", 0, N_("N"), N_("a newer minor line is eligible from patch N on"),
		 cli_option_config, "policy.minor_after"),
	CLI_CALL("major-after", 0, N_("N"), N_("a newer major is eligible from minor N on"),
		 cli_option_config, "policy.major_after"),
	CLI_CALL("pin", 0, N_("V"), N_("only this version, or a line such as 2024.1.x"),
		 cli_option_config, "policy.pin"),
	CLI_CALL("exclude", 0, N_("V"),
		 N_("never this version (repeat, or a comma-separated list)"), cli_option_config,
		 "policy.exclude"),
	CLI_CALL("prerelease", 0, NULL, N_("prereleases may be eligible"), cli_option_config,
		 "policy.prerelease"),
	CLI_CALL("json", 0, NULL, N_("print JSON instead of text"), set_json, NULL),
	CLI_END,
};

int cli_current_version(struct cli *cli, const char *command, const char *text,
			struct hoist_version *out)
{
	struct hoist_error err;
	int rc = 0;
	hoist_error_init(&err);
	if (text) {
		if (hoist_version_parse(text, out, &err) != HOIST_OK)
			rc = cli_usage(command, "%s", hoist_error_message(&err));
	} else if (hoist_server_version(&cli->conf, out, &err) != HOIST_OK) {
		rc = cli_fail(&err);
	}
	hoist_error_done(&err);
	return rc;
}

int cli_select_parse(struct cli *cli, const char *command, const char *usage, const char *about,
		     int argc, char **argv, struct cli_select *sel)
{
	const struct cli_parse p = { .command = command, .cli = cli, .ctx = sel, .usage = usage,
				     .about = about, .options = cli_select_options };
	return cli_parse_args(&p, argc, argv);
}

int cli_select(struct cli *cli, const char *command, const struct cli_select *sel,
	       struct hoist_feed **feed, struct hoist_selection *out)
{
	struct hoist_error err;
	struct hoist_version current;
	int rc = cli_current_version(cli, command, sel->current, &current);
	if (rc)
		return rc;
	hoist_error_init(&err);
	if (hoist_feed_load_configured(&cli->conf, feed, &err) != HOIST_OK ||
	    hoist_policy_evaluate(&cli->conf.policy, *feed, &current, out, &err) != HOIST_OK) {
		rc = cli_fail(&err);
		hoist_feed_free(*feed);
		*feed = NULL;
	}
	hoist_error_done(&err);
	return rc;
}
