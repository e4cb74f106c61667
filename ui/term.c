/* term.c: whether the terminal can draw the wizard at all (TERM=dumb cannot move the cursor). */
#include "config.h"
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>
#include "i18n.h"
#include "ui.h"
#include "xalloc.h"

bool ui_terminal_usable(char **why)
{
	const char *t = getenv("TERM");
	int err = 0;
	bool ok = t && *t && strcmp(t, "dumb") != 0;
	if (ok && setupterm(NULL, STDOUT_FILENO, &err) == OK) {
		const char *cup = tigetstr("cup");
		ok = cup && cup != (const char *)-1;
		del_curterm(cur_term);
	} else {
		ok = false;
	}
	if (!ok)
		*why = hoist_xasprintf(_("hoist-wizard: this terminal (TERM=%s) cannot move the "
					 "cursor, so the wizard cannot draw its screens.\n"
					 "Use hoist, the same engine without a screen (hoist --help), "
					 "or set TERM to your terminal's type, e.g. TERM=xterm-256color.\n"),
				       t && *t ? t : _("not set"));
	return ok;
}
