/* shell_quote.c: quoting an argument vector for a node's shell (posix, powershell, cmd). */
#include "config.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "buf.h"
#include "i18n.h"
#include "shell_quote.h"
#include "xalloc.h"

enum hoist_status hoist_shell_parse(const char *text, enum hoist_shell *out,
				    struct hoist_error *err)
{
	if (text && (!strcmp(text, "posix") || !strcmp(text, "sh")))
		*out = HOIST_SHELL_POSIX;
	else if (text && (!strcmp(text, "powershell") || !strcmp(text, "pwsh")))
		*out = HOIST_SHELL_POWERSHELL;
	else if (text && (!strcmp(text, "cmd") || !strcasecmp(text, "cmd.exe")))
		*out = HOIST_SHELL_CMD;
	else
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("the shell \"%s\" is not one hoist knows: use posix, "
					  "powershell or cmd"),
				       text ? text : "");
	return HOIST_OK;
}

const char *hoist_shell_name(enum hoist_shell s)
{
	switch (s) {
	case HOIST_SHELL_POWERSHELL: return "powershell";
	case HOIST_SHELL_CMD: return "cmd";
	default: return "posix";
	}
}

static bool has_control(const char *s, bool tab_ok)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(tab_ok && *p == '\t')) || *p == 0x7f)
			return true;
	return false;
}

static char *quote_posix(const char *arg)
{
	struct hoist_buf b;
	if (has_control(arg, true))
		return NULL;
	hoist_buf_init(&b, 0);
	hoist_buf_puts(&b, "'");
	for (const char *p = arg; *p; p++)
		hoist_buf_puts(&b, *p == '\'' ? "'\\''" : (char[]){ *p, 0 });
	hoist_buf_puts(&b, "'");
	return hoist_buf_detach(&b, NULL);
}

/*
 * Windows PowerShell re-quotes a program's arguments with " and does not escape the "
 * inside them, and a trailing \ would escape its closing quote: refuse both.
 */
static char *quote_powershell(const char *arg)
{
	struct hoist_buf b;
	size_t n = strlen(arg);
	if (has_control(arg, false) || strchr(arg, '"') || (n && arg[n - 1] == '\\'))
		return NULL;
	hoist_buf_init(&b, 0);
	hoist_buf_puts(&b, "'");
	for (const char *p = arg; *p; p++) {
		const unsigned char *u = (const unsigned char *)p;
		/* PowerShell also ends a '...' string at U+2018..U+201B: doubled, like '. */
		if (u[0] == 0xe2 && u[1] == 0x80 && u[2] >= 0x98 && u[2] <= 0x9b) {
			hoist_buf_append(&b, p, 3);
			hoist_buf_append(&b, p, 3);
			p += 2;
		} else if (*p == '\'') {
			hoist_buf_puts(&b, "''");
		} else {
			hoist_buf_append(&b, p, 1);
		}
	}
	hoist_buf_puts(&b, "'");
	return hoist_buf_detach(&b, NULL);
}

/*
 * cmd.exe keeps & | < > ^ ( ) literal inside "...", but expands %VAR% (and !VAR! with
 * delayed expansion) everywhere, and a " cannot be written inside a quoted word.
 * The program then splits its command line by the C runtime's rules: backslashes
 * before the closing quote must be doubled.
 */
static char *quote_cmd(const char *arg)
{
	static const char bare[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_.:/\\=+@,-";
	struct hoist_buf b;
	size_t n = strlen(arg), tail = 0;
	if (has_control(arg, false) || strpbrk(arg, "\"%!"))
		return NULL;
	if (n && strspn(arg, bare) == n && !strchr(",", arg[0]))
		return hoist_xstrdup(arg);
	while (tail < n && arg[n - 1 - tail] == '\\')
		tail++;
	hoist_buf_init(&b, 0);
	hoist_buf_puts(&b, "\"");
	hoist_buf_append(&b, arg, n);
	for (size_t i = 0; i < tail; i++)
		hoist_buf_puts(&b, "\\");
	hoist_buf_puts(&b, "\"");
	return hoist_buf_detach(&b, NULL);
}

char *hoist_shell_quote(enum hoist_shell s, const char *arg)
{
	if (!arg)
		return NULL;
	switch (s) {
	case HOIST_SHELL_POWERSHELL: return quote_powershell(arg);
	case HOIST_SHELL_CMD: return quote_cmd(arg);
	default: return quote_posix(arg);
	}
}

/* An environment entry NAME=VALUE with NAME a plain identifier. */
static bool env_split(const char *e, size_t *name_len)
{
	size_t n = strcspn(e, "=");
	if (!n || !e[n])
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(e[i] == '_' || (e[i] >= 'A' && e[i] <= 'Z') || (e[i] >= 'a' && e[i] <= 'z') ||
		      (i && e[i] >= '0' && e[i] <= '9')))
			return false;
	*name_len = n;
	return true;
}

static bool is_msiexec(const char *argv0)
{
	const char *base = argv0 + strlen(argv0);
	while (base > argv0 && base[-1] != '\\' && base[-1] != '/')
		base--;
	return !strcasecmp(base, "msiexec") || !strcasecmp(base, "msiexec.exe");
}

enum hoist_status hoist_shell_command(enum hoist_shell s, const char *const *argv,
				      const char *const *env, char **out,
				      struct hoist_error *err)
{
	struct hoist_buf b;
	*out = NULL;
	if (!argv || !argv[0] || !argv[0][0])
		return hoist_error_say(err, HOIST_USAGE, N_("there is no command to run"));
	hoist_buf_init(&b, 0);
	hoist_buf_puts(&b, s == HOIST_SHELL_CMD ? "\"" : "");
	for (size_t i = 0; env && env[i]; i++) {
		size_t nl;
		char *q;
		if (!env_split(env[i], &nl)) {
			hoist_buf_done(&b);
			return hoist_error_say(err, HOIST_USAGE,
					       N_("\"%s\" is not an environment setting NAME=VALUE"),
					       env[i]);
		}
		if (s == HOIST_SHELL_CMD) {
			/* set "NAME=VALUE": the quotes keep the value's end exact. */
			if (has_control(env[i], false) || strpbrk(env[i], "\"%!"))
				q = NULL;
			else
				q = hoist_xasprintf("set \"%s\"&& ", env[i]);
		} else {
			char *v = hoist_shell_quote(s, env[i] + nl + 1);
			q = !v ? NULL
			       : s == HOIST_SHELL_POWERSHELL
					 ? hoist_xasprintf("$env:%.*s=%s; ", (int)nl, env[i], v)
					 : hoist_xasprintf("%.*s=%s ", (int)nl, env[i], v);
			free(v);
		}
		if (!q) {
			hoist_buf_done(&b);
			return hoist_error_say(err, HOIST_UNSAFE,
					       N_("the environment setting %.*s cannot be passed "
						  "safely to a %s shell"),
					       (int)nl, env[i], hoist_shell_name(s));
		}
		hoist_buf_puts(&b, q);
		free(q);
	}
	if (s == HOIST_SHELL_POWERSHELL)
		hoist_buf_puts(&b, "& ");
	if (s == HOIST_SHELL_CMD && is_msiexec(argv[0]))
		hoist_buf_puts(&b, "start \"\" /wait ");
	for (size_t i = 0; argv[i]; i++) {
		char *q = hoist_shell_quote(s, argv[i]);
		if (!q) {
			hoist_buf_done(&b);
			return hoist_error_say(err, HOIST_UNSAFE,
					       N_("argument %zu of `%s` cannot be passed safely to a "
						  "%s shell (control characters, or a character that "
						  "shell cannot quote)"),
					       i + 1, argv[0], hoist_shell_name(s));
		}
		if (i)
			hoist_buf_puts(&b, " ");
		hoist_buf_puts(&b, q);
		free(q);
	}
	if (s == HOIST_SHELL_POWERSHELL)
		hoist_buf_puts(&b, " | Write-Output; exit $LASTEXITCODE");
	else if (s == HOIST_SHELL_CMD)
		hoist_buf_puts(&b, "\"");
	*out = hoist_buf_detach(&b, NULL);
	return HOIST_OK;
}

char *hoist_shell_join(enum hoist_shell s, const char *dir, const char *name)
{
	size_t n = strlen(dir);
	char sep = strchr(dir, '\\') ? '\\' : '/';
	(void)s;
	if (n && (dir[n - 1] == '/' || dir[n - 1] == '\\'))
		return hoist_xasprintf("%s%s", dir, name);
	return hoist_xasprintf("%s%c%s", dir, sep, name);
}

enum hoist_status hoist_shell_detect_parse(const char *output, enum hoist_shell *out,
					   struct hoist_error *err)
{
	const char *p = output ? output : "";
	size_t digits;
	while (*p == ' ' || *p == '\r' || *p == '\n')
		p++;
	digits = strspn(p, "0123456789");
	if (strstr(p, "Windows_NT"))
		*out = HOIST_SHELL_CMD;
	else if (digits && (p[digits] == '\r' || p[digits] == '\n'))
		*out = HOIST_SHELL_POWERSHELL;
	else if (strstr(p, ".PSVersion.Major") || strstr(p, "%OS%"))
		*out = HOIST_SHELL_POSIX;
	else
		return hoist_error_say(err, HOIST_STATE,
				       N_("the node's shell answered \"%.80s\" to the probe: it is "
					  "neither posix, powershell nor cmd; set shell = in its "
					  "[node] section"),
				       p);
	return HOIST_OK;
}
