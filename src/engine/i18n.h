/* i18n.h: gettext for every string a person reads. */
#ifndef HOIST_I18N_H
#define HOIST_I18N_H

#include <libintl.h>
#include <stdbool.h>

#define _(s) dgettext(PACKAGE, s)
#define N_(s) (s)
#define P_(s, p, n) dngettext(PACKAGE, s, p, n)

/*
 * Sets the locale from the environment and binds hoist's catalogue. HOIST_LOCALEDIR
 * overrides the installed place (tests run from the build tree).
 */
void hoist_i18n_init(void);
/* Whether an answer means yes: y, or the locale's own yes ("j" in German). */
bool hoist_i18n_is_yes(const char *answer);

#endif
