/* i18n.c: locale set-up shared by the three programs. */
#include "config.h"
#include <locale.h>
#include <stdlib.h>
#include "i18n.h"

void hoist_i18n_init(void)
{
	const char *dir = getenv("HOIST_LOCALEDIR");
	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, dir && *dir ? dir : LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
}
