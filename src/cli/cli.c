/* cli.c: hoist's command table, global options, dispatch and shared messages. */
#include "config.h"
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>
#include "cli.h"
#include "i18n.h"
#include "jsonout.h"
#include "text.h"
#include "xalloc.h"

/* git's builtin table: hoist --help is generated from it. */
const struct cli_command cli_commands[] = {
	{ "versions", cmd_versions, CLI_CONFIG,
	  N_("list the releases newer than the current one, with the policy's verdict") },
	{ "notes", cmd_notes, CLI_CONFIG,
	  N_("show what changes between two versions: kind, required stops, release notes") },
	{ "check", cmd_check, CLI_CONFIG,
	  N_("say in one line whether an eligible update is available (exit 10 if so)") },
	{ "plan", cmd_plan, CLI_CONFIG,
	  N_("show the upgrade's plan: nodes, steps, strategy, point of no return") },
	{ "checklist", cmd_checklist, CLI_CONFIG,
	  N_("show what must be backed up or confirmed before an upgrade, and what is done") },
	{ "upgrade", cmd_upgrade, CLI_CONFIG,
	  N_("upgrade the server: plan, check, back up, run; undo on failure") },
	{ "status", cmd_status, CLI_CONFIG, N_("show the current or last run from its journal") },
	{ "resume", cmd_resume, CLI_CONFIG, N_("continue an interrupted run") },
	{ "backup", cmd_backup, CLI_CONFIG,
	  N_("back up the master key and the database, with evidence") },
	{ "rollback", cmd_rollback, CLI_CONFIG,
	  N_("show the rollback guide of a failed run (--guide) or carry it out (--run)") },
	{ "downgrade", cmd_downgrade, CLI_CONFIG,
	  N_("go back to a version this server ran before, from a backup taken at it") },
	{ "tentacles", cmd_tentacles, CLI_CONFIG,
	  N_("list the Tentacles and upgrade the outdated ones in batches, then health-check") },
	{ "os-patch", cmd_os_patch, CLI_CONFIG,
	  N_("patch the nodes' operating system: one server in a window, a cluster node by node") },
	{ "legacy", cmd_legacy, CLI_CONFIG,
	  N_("upgrade an Octopus 2.6 server to 3.x: back up, install, migrate, Tentacles") },
	{ "runs", cmd_runs, CLI_CONFIG,
	  N_("list the runs kept, with their kind, outcome and size, and what prune would free") },
	{ "prune", cmd_prune, CLI_CONFIG,
	  N_("remove old runs and installers, never the backups a way back needs") },
	{ "bundle", cmd_bundle, CLI_CONFIG,
	  N_("save a run as one support file: plan, journal, topology; no secrets") },
	{ "help", cmd_help, 0, N_("show the help of hoist or of one command") },
	{ NULL, NULL, 0, NULL },
};

int cli_fail(const struct hoist_error *err)
{
	/* A message may quote a server or a feed: nothing in it acts on the terminal. */
	char *shown = hoist_text_visible(hoist_error_message(err), HOIST_TEXT_NEWLINES);
	fprintf(stderr, _("hoist: %s\n"), shown);
	free(shown);
	if (err->status == HOIST_POLICY)
		fprintf(stderr, _("To go ahead anyway, give the reason with --override \"REASON\"; "
				  "it is recorded in the plan and the journal.\n"));
	return hoist_status_exit_code(err->status);
}

int cli_usage(const char *command, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	va_start(ap, fmt);
	msg = hoist_xvasprintf(fmt, ap);
	va_end(ap);
	{
		char *shown = hoist_text_visible(msg, 0);
		free(msg);
		msg = shown;
	}
	fprintf(stderr, _("hoist: %s\n"), msg);
	if (command)
		fprintf(stderr, _("Try 'hoist %s --help'.\n"), command);
	else
		fprintf(stderr, _("Try 'hoist --help'.\n"));
	free(msg);
	return 2;
}

static bool is_key_option(const char *arg)
{
	const char *rest;
	return hoist_skip_prefix(arg, "--api-key", &rest) && (*rest == '\0' || *rest == '=');
}

static int refuse_key_option(const char *command)
{
	return cli_usage(command, _("the API key is never taken on the command line, where "
				    "other users could see it; put it in a file of mode 0600 and "
				    "give --api-key-file FILE, or set HOIST_API_KEY"));
}

int cli_bad_option(const char *command, int opt, int optopt_, char **argv, int optind_)
{
	const char *arg = argv[optind_ - 1];
	/* The one option people will try: say why it does not exist. */
	if (is_key_option(arg))
		return refuse_key_option(command);
	if (opt == ':')
		return cli_usage(command, _("option '%s' needs a value"), arg);
	if (optopt_ && !hoist_skip_prefix(arg, "--", NULL))
		return cli_usage(command, _("unknown option '-%c'"), optopt_);
	return cli_usage(command, _("unknown option '%s'"), arg);
}

int cli_help(const char *text)
{
	fputs(text, stdout);
	return 0;
}

static int raw_width(const char *s)
{
	mbstate_t st;
	const char *p = s;
	int w = 0;
	wchar_t wc;
	size_t n;
	memset(&st, 0, sizeof st);
	while (*p && (n = mbrtowc(&wc, p, strlen(p), &st)) != 0) {
		int cw;
		if (n == (size_t)-1 || n == (size_t)-2) {
			/* Not valid in this locale: count bytes. */
			memset(&st, 0, sizeof st);
			n = 1;
			cw = 1;
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		w += cw;
		p += n;
	}
	return w;
}

int cli_columns(void)
{
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
		return ws.ws_col;
	return 80;
}

int cli_width(const char *s)
{
	char *shown = hoist_text_visible(s, 0);
	int w = raw_width(shown);
	free(shown);
	return w;
}

void cli_pad(const char *s, int width)
{
	/* Table cells may come from the feed (a date): shown, never obeyed. */
	char *shown = hoist_text_visible(s, 0);
	int w = raw_width(shown);
	fputs(shown, stdout);
	free(shown);
	while (w++ < width)
		putchar(' ');
}

char *cli_size_text(unsigned long long b)
{
	if (b < 1000)
		return hoist_xasprintf(_("%llu B"), b);
	if (b < 1000ULL * 1000)
		return hoist_xasprintf(_("%.1f kB"), (double)b / 1e3);
	if (b < 1000ULL * 1000 * 1000)
		return hoist_xasprintf(_("%.1f MB"), (double)b / 1e6);
	return hoist_xasprintf(_("%.1f GB"), (double)b / 1e9);
}


void cli_widen(int *w, const char *const *cells, size_t n)
{
	for (size_t c = 0; c < n; c++)
		if (cli_width(cells[c]) > w[c])
			w[c] = cli_width(cells[c]);
}

void cli_row(const char *lead, const char *const *cells, const int *w, size_t n,
	     const char *last)
{
	fputs(lead, stdout);
	for (size_t c = 0; c < n; c++)
		cli_pad(cells[c], w[c] + 2);
	printf("%s\n", last);
}

const char *cli_kind_label(enum hoist_kind k)
{
	switch (k) {
	case HOIST_KIND_PATCH: return _("patch");
	case HOIST_KIND_MINOR: return _("minor");
	case HOIST_KIND_MAJOR: return _("major");
	case HOIST_KIND_DOWNGRADE: return _("downgrade");
	default: return _("none");
	}
}

const char *cli_note_label(enum hoist_note_kind k)
{
	switch (k) {
	case HOIST_NOTE_BREAKING: return _("breaking");
	case HOIST_NOTE_DEPENDENCY: return _("dependency");
	case HOIST_NOTE_SECURITY: return _("security");
	case HOIST_NOTE_FEATURE: return _("feature");
	default: return _("fix");
	}
}

static int main_help(void);

/* hoist's own options, before the command, into p->cli. */
static int global_option(const struct cli_parse *p, const struct cli_option *o, const char *arg)
{
	if (!strcmp(o->name, "config"))
		p->cli->config_path = arg;
	else if (!strcmp(o->name, "server"))
		p->cli->server_url = arg;
	else if (!strcmp(o->name, "api-key-file"))
		p->cli->api_key_file = arg;
	else {
		printf("hoist %s\n", VERSION);
		return 0;
	}
	return -1;
}

static const struct cli_option global_options[] = {
	CLI_CALL("config", 0, N_("FILE"), N_("read this configuration file after the usual ones"),
		 global_option, NULL),
	CLI_CALL("server", 0, N_("URL"), N_("the Octopus server to ask (overrides [server] url)"),
		 global_option, NULL),
	CLI_CALL("api-key-file", 0, N_("FILE"), N_("read the API key from FILE (mode 0600)"),
		 global_option, NULL),
	CLI_CALL("version", 0, NULL, N_("show hoist's version"), global_option, NULL),
	CLI_END,
};

/* The table's rows in hoist --help; parsing fills a struct cli of its own. */
static const struct cli_parse global = { .options = global_options, .before_command = true,
					 .help = main_help };

static void print_main_help(FILE *out)
{
	fprintf(out, _("usage: hoist [--config FILE] COMMAND [OPTIONS]\n"));
	fputs("\n", out);
	fprintf(out, _("hoist upgrades a self-hosted Octopus Deploy Server safely.\n"));
	fputs("\n", out);
	fprintf(out, _("Commands:\n"));
	for (const struct cli_command *c = cli_commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, _(c->summary));
	fputs("\n", out);
	fprintf(out, _("Global options (before the command):\n"));
	cli_print_options(out, &global);
	fputs("\n", out);
	fprintf(out, _("Run 'hoist COMMAND --help' for the options of a command.\n"
		       "Exit codes: 0 done (check: no update), 1 failed, 2 usage or configuration "
		       "error,\n3 server or feed unreachable or key refused, 4 failed after the point "
		       "of no return,\n5 another run holds the lock, 10 (check) an update is "
		       "available.\n"));
}

int cmd_help(struct cli *cli, int argc, char **argv)
{
	if (argc > 2)
		return cli_usage("help", _("help takes at most one command name"));
	if (argc == 2 && strcmp(argv[1], "--help") && strcmp(argv[1], "-h")) {
		for (const struct cli_command *c = cli_commands; c->name; c++)
			if (!strcmp(c->name, argv[1])) {
				char *args[] = { argv[1], (char *)"--help", NULL };
				return c->fn(cli, 2, args);
			}
		return cli_usage(NULL, _("'%s' is not a hoist command"), argv[1]);
	}
	return main_help();
}

static int main_help(void)
{
	print_main_help(stdout);
	return 0;
}

/* Asks for help anywhere before "--": then the configuration is not needed. */
static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

static int load_config(struct cli *cli)
{
	struct hoist_error err;
	enum hoist_status st;
	hoist_error_init(&err);
	st = hoist_config_load_with_key_file(&cli->conf, cli->config_path, cli->api_key_file,
					     &err);
	if (st == HOIST_OK && cli->server_url)
		st = hoist_config_set(&cli->conf, "server.url", cli->server_url, &err);
	if (st != HOIST_OK) {
		int rc = cli_fail(&err);
		hoist_error_done(&err);
		return rc;
	}
	return 0;
}

int cli_main(int argc, char **argv)
{
	struct cli cli;
	struct cli_parse p = global;
	const struct cli_command *cmd;
	int rc;
	/* getopt would take --api-key for an abbreviation of --api-key-file. */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (is_key_option(argv[i]))
			return refuse_key_option(NULL);
	memset(&cli, 0, sizeof cli);
	hoist_config_init(&cli.conf);
	opterr = 0;
	p.cli = &cli;
	if ((rc = cli_parse_args(&p, argc, argv)) >= 0) {
		hoist_config_done(&cli.conf);
		return rc;
	}
	if (optind >= argc) {
		print_main_help(stderr);
		hoist_config_done(&cli.conf);
		return 2;
	}
	for (cmd = cli_commands; cmd->name; cmd++)
		if (!strcmp(cmd->name, argv[optind]))
			break;
	if (!cmd->name) {
		hoist_config_done(&cli.conf);
		return cli_usage(NULL, _("'%s' is not a hoist command"), argv[optind]);
	}
	argc -= optind;
	argv += optind;
	rc = 0;
	if ((cmd->flags & CLI_CONFIG) && !wants_help(argc, argv))
		rc = load_config(&cli);
	if (rc == 0) {
		optind = 0; /* a fresh scan of the command's own arguments */
		rc = cmd->fn(&cli, argc, argv);
	}
	hoist_config_done(&cli.conf);
	return rc;
}

void cli_json_string(const char *s)
{
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	hoist_json_put_string(&b, s);
	fputs(b.data ? b.data : "null", stdout);
	hoist_buf_done(&b);
}
