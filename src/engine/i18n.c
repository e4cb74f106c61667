/* i18n.c: locale set-up shared by the three programs. */
#include "config.h"
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "i18n.h"

/*
 * A program run from its build tree reads the catalogues built there (po/locale, made
 * by `make`), as an installed one reads the installed ones: German needs no setup.
 */
static const char *build_tree_localedir(void)
{
#ifdef HOIST_BUILDDIR
	static char exe[PATH_MAX];
	size_t n = strlen(HOIST_BUILDDIR);
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len <= 0 || (size_t)len <= n)
		return NULL;
	exe[len] = '\0';
	if (strncmp(exe, HOIST_BUILDDIR, n) || exe[n] != '/' ||
	    access(HOIST_BUILDDIR "/po/locale", R_OK) != 0)
		return NULL;
	return HOIST_BUILDDIR "/po/locale";
#else
	return NULL;
#endif
}

void hoist_i18n_init(void)
{
	const char *dir = getenv("HOIST_LOCALEDIR");
	setlocale(LC_ALL, "");
	if (!dir || !*dir)
		dir = build_tree_localedir();
	bindtextdomain(PACKAGE, dir && *dir ? dir : LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
}

bool hoist_i18n_is_yes(const char *answer)
{
	if (!answer)
		return false;
	while (*answer == ' ' || *answer == '\t')
		answer++;
	/* y always; and the reader's own word for yes ("j" in German), as the locale says. */
	return *answer == 'y' || *answer == 'Y' || rpmatch(answer) == 1;
}
