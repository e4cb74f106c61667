/* i18n.h: gettext for every string a person reads. */
#ifndef HOIST_I18N_H
#define HOIST_I18N_H

#include <libintl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

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

/*
 * A message that a reader in another language can say again: msgid (an untranslated
 * printf format) is said in the current language (the returned string), and each of
 * its arguments is kept as text, formatted by its own conversion (*args, *n_args, owned
 * by the caller). *kept is a copy of msgid, or NULL (and no args) when the format cannot
 * be said again: a positional or '*' conversion in it, %n, %m, a wide string; or it is
 * just "%s".
 */
char *hoist_i18n_vsay(const char *msgid, va_list ap, char **kept, char ***args, size_t *n_args)
	__attribute__((format(printf, 1, 0)));
/* The same for a message with plural forms (P_(msgid, plural, n)): plural's args are msgid's. */
char *hoist_i18n_vsay_n(const char *msgid, const char *plural, unsigned long n, va_list ap,
			char **kept, char ***args, size_t *n_args)
	__attribute__((format(printf, 1, 0)));
/*
 * _(msgid) (or P_(msgid, plural, n) when plural is not NULL) with the kept arguments in
 * place of its conversions (a translation's positional ones too, "%2$s"; "%%" stays "%");
 * NULL when they do not fit: the msgid takes another number of arguments, or the
 * translation names one that is not there or leaves one out (a plural form may leave
 * one out: "one Tentacle"); NULL too when the reader's catalogue does not know msgid.
 */
char *hoist_i18n_render(const char *msgid, const char *plural, unsigned long n,
			char *const *args, size_t n_args);
void hoist_i18n_args_free(char **args, size_t n_args);

#endif
