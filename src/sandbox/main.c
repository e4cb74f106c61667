/* main.c: hoist-sandbox, a local stand-in for an Octopus Deploy Server cluster. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "i18n.h"
#include "sandbox.h"

static int usage(FILE *f)
{
	fprintf(f, _("usage: hoist-sandbox init DIR [OPTIONS]\n"
		     "       hoist-sandbox serve DIR [--port P] [--flaky FRACTION] [--latency MS]"
		     " [--listen ADDR]\n"
		     "       hoist-sandbox ctl DIR VERB [NODE] [ARGS]\n"
		     "       hoist-sandbox fault DIR set SPEC... | clear | list\n"
		     "       hoist-sandbox config DIR set ACTION=MS[,...] | show\n"
		     "       hoist-sandbox init DIR --from-bundle FILE\n"
		     "       hoist-sandbox report DIR [--compare FILE] [--json]\n"
		     "See hoist-sandbox(1).\n"));
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
	if (!strcmp(argv[1], "init"))
		return sb_cmd_init(argc - 1, argv + 1, argv[0]);
	if (!strcmp(argv[1], "serve"))
		return sb_cmd_serve(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ctl"))
		return sb_cmd_ctl(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fault"))
		return sb_cmd_fault(argc - 1, argv + 1);
	if (!strcmp(argv[1], "report"))
		return sb_cmd_report(argc - 1, argv + 1);
	if (!strcmp(argv[1], "config"))
		return sb_cmd_config(argc - 1, argv + 1);
	return usage(stderr);
}
