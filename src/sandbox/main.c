/* main.c: hoist-sandbox, a local stand-in for an Octopus Deploy Server cluster. */
#include "config.h"
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "i18n.h"
#include "sandbox.h"

static int run_init(int argc, char **argv, const char *self)
{
	return sb_cmd_init(argc, argv, self);
}

#define PLAIN(name_)                                                   \
	static int run_##name_(int argc, char **argv, const char *self) \
	{                                                              \
		(void)self;                                            \
		return sb_cmd_##name_(argc, argv);                     \
	}
PLAIN(serve)
PLAIN(ctl)
PLAIN(fault)
PLAIN(config)
PLAIN(report)

/* The command table: the usage is made from it (as hoist's own is). */
static const struct sb_command {
	const char *name;
	int (*fn)(int argc, char **argv, const char *self);
	const char *args;    /* N_(): what follows the name, one synopsis per line */
	const char *summary; /* N_(): one line */
} commands[] = {
	{ "init", run_init, N_("DIR [OPTIONS]\nDIR --from-bundle FILE"),
	  N_("create a sandbox in DIR, or rebuild a support bundle's run there") },
	{ "serve", run_serve,
	  N_("DIR [--port P] [--flaky FRACTION] [--latency MS] [--listen ADDR]"),
	  N_("serve its API (the load balancer and each node) and its feed") },
	{ "ctl", run_ctl, N_("DIR VERB [NODE] [ARGS]"),
	  N_("act on its nodes as a profile's action would: stop, start, install, ...") },
	{ "fault", run_fault, N_("DIR set SPEC... | clear | list"),
	  N_("set, clear or list the faults its actions and API inject") },
	{ "config", run_config, N_("DIR set ACTION=MS[,...] | show"),
	  N_("set or show how long each of its actions takes") },
	{ "report", run_report, N_("DIR [--compare FILE] [--json]"),
	  N_("report its newest run, or line it up against a support bundle's") },
	{ NULL, NULL, NULL, NULL },
};

static int usage(FILE *f)
{
	const char *lead = _("usage:");
	int w = 0;
	bool first = true;
	for (const struct sb_command *c = commands; c->name; c++) {
		/* One synopsis per line of args, each under the first. */
		for (const char *p = _(c->args); *p;) {
			size_t n = strcspn(p, "\n");
			fprintf(f, "%-*s hoist-sandbox %s %.*s\n", (int)strlen(lead), first ? lead : "",
				c->name, (int)n, p);
			first = false;
			p += n + (p[n] == '\n');
		}
		if ((int)strlen(c->name) > w)
			w = (int)strlen(c->name);
	}
	fprintf(f, "\n%s", _("Commands:\n"));
	for (const struct sb_command *c = commands; c->name; c++)
		fprintf(f, "  %-*s  %s\n", w, c->name, _(c->summary));
	fprintf(f, "\n%s", _("See hoist-sandbox(1).\n"));
	return f == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
	hoist_i18n_init();
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--version")) {
		printf("hoist-sandbox %s\n", VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout);
	for (const struct sb_command *c = commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->fn(argc - 1, argv + 1, argv[0]);
	return usage(stderr);
}
