/* select.c: the options and steps `versions` and `check` share: policy, current, feed. */
#include "config.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "feed_load.h"
#include "i18n.h"
#include "server_version.h"

enum {
	OPT_FEED = 256,
	OPT_CURRENT,
	OPT_ALLOW,
	OPT_MINOR_AFTER,
	OPT_MAJOR_AFTER,
	OPT_PIN,
	OPT_EXCLUDE,
	OPT_PRERELEASE,
	OPT_JSON,
};

const struct option cli_select_options[] = {
	{ "feed", required_argument, NULL, OPT_FEED },
	{ "current", required_argument, NULL, OPT_CURRENT },
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "minor-after", required_argument, NULL, OPT_MINOR_AFTER },
	{ "major-after", required_argument, NULL, OPT_MAJOR_AFTER },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "prerelease", no_argument, NULL, OPT_PRERELEASE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

const char *cli_select_help(void)
{
	return _("  --feed SRC           the release feed: https://, http:// on this machine, "
		 "file:// or a path\n"
		 "  --current V          the current version (default: ask the server)\n"
		 "  --allow KIND         the largest upgrade allowed: patch, minor or major\n"
		 "  --minor-after N      a newer minor line is eligible from patch N on\n"
		 "  --major-after N      a newer major is eligible from minor N on\n"
		 "  --pin V              only this version, or a line such as 2024.1.x\n"
		 "  --exclude V          never this version (repeat, or a comma-separated list)\n"
		 "  --prerelease         prereleases may be eligible\n"
		 "  --json               print JSON instead of text\n"
		 "  --help               show this help\n");
}

static int set(struct cli *cli, const char *command, const char *name, const char *value)
{
	struct hoist_error err;
	int rc = -1;
	hoist_error_init(&err);
	if (hoist_config_set(&cli->conf, name, value, &err) != HOIST_OK)
		rc = cli_usage(command, "%s", hoist_error_message(&err));
	hoist_error_done(&err);
	return rc;
}

int cli_select_option(struct cli *cli, const char *command, int opt, const char *arg,
		      struct cli_select *sel)
{
	switch (opt) {
	case OPT_FEED:
		return set(cli, command, "feed.source", arg);
	case OPT_CURRENT:
		sel->current = arg;
		return -1;
	case OPT_ALLOW:
		return set(cli, command, "policy.allow", arg);
	case OPT_MINOR_AFTER:
		return set(cli, command, "policy.minor_after", arg);
	case OPT_MAJOR_AFTER:
		return set(cli, command, "policy.major_after", arg);
	case OPT_PIN:
		return set(cli, command, "policy.pin", arg);
	case OPT_EXCLUDE:
		return set(cli, command, "policy.exclude", arg);
	case OPT_PRERELEASE:
		return set(cli, command, "policy.prerelease", "true");
	case OPT_JSON:
		sel->json = true;
		return -1;
	default:
		return 2;
	}
}

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

int cli_select_parse(struct cli *cli, const char *command, int argc, char **argv,
		     struct cli_select *sel, int (*help)(void))
{
	int opt, rc;
	while ((opt = getopt_long(argc, argv, CLI_SELECT_SHORTOPTS, cli_select_options,
				  NULL)) != -1) {
		if (opt == 'h')
			return help();
		if (opt == '?' || opt == ':')
			return cli_bad_option(command, opt, optopt, argv, optind);
		if ((rc = cli_select_option(cli, command, opt, optarg, sel)) >= 0)
			return rc;
	}
	if (optind < argc)
		return cli_usage(command, _("unexpected argument '%s'"), argv[optind]);
	return -1;
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
