/* main.c: hoist, the engine without a screen, for scripts, cron and operators. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "i18n.h"

int main(int argc, char **argv)
{
	hoist_i18n_init();
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("hoist %s\n", VERSION);
		return 0;
	}
	fprintf(stderr, _("usage: hoist [--config FILE] COMMAND [OPTIONS]\n"));
	return 2;
}
