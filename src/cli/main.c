/* main.c: hoist, the engine without a screen, for scripts, cron and operators. */
#include "config.h"
#include "cli.h"
#include "i18n.h"

int main(int argc, char **argv)
{
	hoist_i18n_init();
	return cli_main(argc, argv);
}
