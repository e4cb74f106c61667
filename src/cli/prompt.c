/* prompt.c: the one yes/no question hoist asks on a terminal, and whether it can ask. */
#include "config.h"
#include <stdio.h>
#include <unistd.h>
#include "cli.h"
#include "i18n.h"

bool cli_interactive(void)
{
	return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

bool cli_ask(const char *question)
{
	char line[64];
	fputs(question, stdout);
	fflush(stdout);
	/* y, and the reader's own word for yes ("j" in German). */
	return fgets(line, sizeof line, stdin) && hoist_i18n_is_yes(line);
}

int cli_confirm(const char *command, bool yes, const char *question)
{
	if (yes)
		return -1;
	if (!isatty(STDIN_FILENO))
		return cli_usage(command, _("not on a terminal: confirm with --yes"));
	if (!cli_ask(question)) {
		printf(_("Nothing was changed.\n"));
		return 1;
	}
	return -1;
}
