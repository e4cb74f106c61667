/*
 * i18n.c: locale set-up shared by the three programs, and messages kept so that a reader
 * says them in its own language.
 */
#include "config.h"
#include <limits.h>
#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include "buf.h"
#include "i18n.h"
#include "xalloc.h"

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

/* ---- messages said again in the reader's language ---- */

/* One conversion of a printf format, from its '%' up to and with its letter. */
struct conv {
	const char *start, *end; /* "%-5lld": start at '%', end after 'd' */
	unsigned pos;            /* "%2$s": 2; 0: none */
	bool star;               /* a '*' width or precision */
	char len[3];             /* the length modifier: "", "l", "ll", "z", ... */
	char c;                  /* the letter; '%' for "%%" */
};

/* A field width or precision at p: digits, or '*' (cv->star) with its own position. */
static const char *skip_count(const char *p, struct conv *cv)
{
	if (*p == '*') {
		cv->star = true;
		p++;
	}
	while ((*p >= '0' && *p <= '9') || *p == '$')
		p++;
	return p;
}

/* The conversion at p (a '%'); NULL when it is not one. */
static const char *conv_parse(const char *p, struct conv *cv)
{
	const char *q;
	size_t nl = 0;
	memset(cv, 0, sizeof *cv);
	cv->start = p++;
	if (*p == '%') {
		cv->c = '%';
		cv->end = p + 1;
		return cv->end;
	}
	for (q = p; *q >= '0' && *q <= '9'; q++)
		;
	if (q > p && *q == '$') {
		unsigned long n = strtoul(p, NULL, 10);
		if (n < 1 || n > 1000)
			return NULL;
		cv->pos = (unsigned)n;
		p = q + 1;
	}
	while (*p && strchr("-+ #0'I", *p))
		p++;
	p = skip_count(p, cv);
	if (*p == '.')
		p = skip_count(p + 1, cv);
	while (*p && strchr("hlLqjzZt", *p) && nl < 2)
		cv->len[nl++] = *p++;
	if (!*p || !strchr("diouxXeEfFgGaAcspnmCS", *p))
		return NULL;
	cv->c = *p;
	cv->end = p + 1;
	return cv->end;
}

/* How many arguments a format takes in order; -1 when it cannot be said again. */
static long format_args(const char *fmt)
{
	long n = 0;
	for (const char *p = strchr(fmt, '%'); p; p = strchr(p, '%')) {
		struct conv cv;
		if (!(p = conv_parse(p, &cv)))
			return -1;
		if (cv.c == '%')
			continue;
		if (cv.pos || cv.star || strchr("nmCS", cv.c) ||
		    (strchr("csp", cv.c) && cv.len[0]) ||
		    (strchr("diouxX", cv.c) && !strcmp(cv.len, "L")))
			return -1;
		n++;
	}
	return n;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
/* One argument of ap, formatted by its conversion alone (format_args said it can be). */
static char *conv_format(const struct conv *cv, va_list *ap)
{
	char *spec = hoist_xstrndup(cv->start, (size_t)(cv->end - cv->start)), *out;
	const char *l = cv->len;
	bool u = strchr("ouxX", cv->c) != NULL;
	switch (cv->c) {
	case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
		if (!strcmp(l, "l"))
			out = u ? hoist_xasprintf(spec, va_arg(*ap, unsigned long))
				: hoist_xasprintf(spec, va_arg(*ap, long));
		else if (!strcmp(l, "ll") || !strcmp(l, "q"))
			out = u ? hoist_xasprintf(spec, va_arg(*ap, unsigned long long))
				: hoist_xasprintf(spec, va_arg(*ap, long long));
		else if (!strcmp(l, "j"))
			out = u ? hoist_xasprintf(spec, va_arg(*ap, uintmax_t))
				: hoist_xasprintf(spec, va_arg(*ap, intmax_t));
		else if (!strcmp(l, "z") || !strcmp(l, "Z"))
			out = u ? hoist_xasprintf(spec, va_arg(*ap, size_t))
				: hoist_xasprintf(spec, va_arg(*ap, ssize_t));
		else if (!strcmp(l, "t"))
			out = hoist_xasprintf(spec, va_arg(*ap, ptrdiff_t));
		else
			/* hh and h arrive promoted to int */
			out = u ? hoist_xasprintf(spec, va_arg(*ap, unsigned))
				: hoist_xasprintf(spec, va_arg(*ap, int));
		break;
	case 'c':
		out = hoist_xasprintf(spec, va_arg(*ap, int));
		break;
	case 's':
		out = hoist_xasprintf(spec, va_arg(*ap, const char *));
		break;
	case 'p':
		out = hoist_xasprintf(spec, va_arg(*ap, void *));
		break;
	default:
		out = !strcmp(l, "L") ? hoist_xasprintf(spec, va_arg(*ap, long double))
				      : hoist_xasprintf(spec, va_arg(*ap, double));
		break;
	}
	free(spec);
	return out;
}

/* The message said in the current language (format), msgid's arguments kept as text. */
static char *say(const char *format, const char *msgid, va_list ap, char **kept, char ***args,
		 size_t *n_args)
{
	/* A format of nothing but its argument ("%s") has nothing to translate. */
	long n = strcmp(msgid, "%s") ? format_args(msgid) : -1;
	va_list aq;
	char *message;
	*kept = NULL;
	*args = NULL;
	*n_args = 0;
	va_copy(aq, ap);
	message = hoist_xvasprintf(format, ap);
	if (n >= 0) {
		size_t k = 0;
		*args = n ? hoist_xcalloc((size_t)n, sizeof **args) : NULL;
		for (const char *p = strchr(msgid, '%'); p; p = strchr(p, '%')) {
			struct conv cv;
			p = conv_parse(p, &cv);
			if (cv.c != '%')
				(*args)[k++] = conv_format(&cv, &aq);
		}
		*n_args = k;
		*kept = hoist_xstrdup(msgid);
	}
	va_end(aq);
	return message;
}
#pragma GCC diagnostic pop

char *hoist_i18n_vsay(const char *msgid, va_list ap, char **kept, char ***args, size_t *n_args)
{
	return say(_(msgid), msgid, ap, kept, args, n_args);
}

char *hoist_i18n_vsay_n(const char *msgid, const char *plural, unsigned long n, va_list ap,
			char **kept, char ***args, size_t *n_args)
{
	return say(P_(msgid, plural, n), msgid, ap, kept, args, n_args);
}

char *hoist_i18n_render(const char *msgid, const char *plural, unsigned long n_for,
			char *const *args, size_t n_args)
{
	const char *fmt, *p, *from;
	struct hoist_buf b;
	bool *used, positional = false, ok = true;
	size_t next = 0;
	long n = msgid ? format_args(msgid) : -1;
	if (n < 0 || (size_t)n != n_args || (n_args && !args))
		return NULL;
	for (size_t i = 0; i < n_args; i++)
		if (!args[i])
			return NULL;
	if (plural && format_args(plural) != n)
		return NULL;
	fmt = plural ? P_(msgid, plural, n_for) : _(msgid);
	/*
	 * A msgid the reader's catalogue does not know (another hoist's) is no better in
	 * English than the writer's message; without a catalogue, English is the language.
	 */
	if ((fmt == msgid || fmt == plural) && *dgettext(PACKAGE, ""))
		return NULL;
	used = hoist_xcalloc(n_args + 1, sizeof *used);
	hoist_buf_init(&b, 0);
	hoist_buf_append(&b, "", 0);
	for (from = fmt; ok && (p = strchr(from, '%')); from = p) {
		struct conv cv;
		size_t at;
		hoist_buf_append(&b, from, (size_t)(p - from));
		if (!(p = conv_parse(p, &cv)) || cv.star || strchr("nm", cv.c)) {
			ok = false;
			break;
		}
		if (cv.c == '%') {
			hoist_buf_append(&b, "%", 1);
			continue;
		}
		/* A translation orders its arguments by position, or not at all. */
		if ((cv.pos && next) || (!cv.pos && positional)) {
			ok = false;
			break;
		}
		positional = cv.pos != 0;
		at = cv.pos ? cv.pos - 1 : next++;
		if (at >= n_args) {
			ok = false;
			break;
		}
		used[at] = true;
		hoist_buf_puts(&b, args[at]);
	}
	if (ok)
		hoist_buf_puts(&b, from);
	for (size_t i = 0; ok && !plural && i < n_args; i++)
		ok = used[i];
	free(used);
	if (!ok) {
		hoist_buf_done(&b);
		return NULL;
	}
	return hoist_buf_detach(&b, NULL);
}

void hoist_i18n_args_free(char **args, size_t n_args)
{
	for (size_t i = 0; args && i < n_args; i++)
		free(args[i]);
	free(args);
}
