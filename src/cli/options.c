/* options.c: getopt_long's arrays, the parsing and --help, made from a command's option table. */
#include "config.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "cli.h"
#include "i18n.h"
#include "options.h"
#include "xalloc.h"

/* The value getopt_long returns for row i (above every short option). */
#define LONG_BASE 1000
/* The help's first column stops growing here; a longer one has its text on the next line. */
#define MAX_COLUMN 28

static bool is_end(const struct cli_option *o)
{
	return !o->name && !o->include && !o->heading;
}

/* The rows of the table with the shared tables in their places: n rows, headings included. */
static size_t flatten(const struct cli_option *t, const struct cli_option **out, size_t n)
{
	for (; !is_end(t); t++) {
		if (t->include) {
			n = flatten(t->include, out, n);
			continue;
		}
		if (out)
			out[n] = t;
		n++;
	}
	return n;
}

static const struct cli_option **rows_of(const struct cli_parse *p, size_t *n)
{
	const struct cli_option **v;
	*n = flatten(p->options, NULL, 0);
	v = hoist_xcalloc(*n + 1, sizeof *v);
	flatten(p->options, v, 0);
	return v;
}

static int apply(const struct cli_parse *p, const struct cli_option *o, const char *arg)
{
	if (o->flag)
		*o->flag = true;
	else if (o->value)
		*o->value = arg;
	else if (o->fn)
		return o->fn(p, o, arg);
	return -1;
}

int cli_parse_args(const struct cli_parse *p, int argc, char **argv)
{
	size_t n, k = 0;
	const struct cli_option **rows = rows_of(p, &n);
	struct option *longs = hoist_xcalloc(n + 2, sizeof *longs);
	char *shorts = hoist_xcalloc(2 * n + 4, 1);
	int opt, rc = -1;
	/* ':': a missing value is told apart from an unknown option; '+': stop at the command. */
	strcpy(shorts, p->before_command ? "+:h" : ":h");
	for (size_t i = 0; i < n; i++) {
		const struct cli_option *o = rows[i];
		if (!o->name)
			continue;
		longs[k++] = (struct option){ o->name, o->arg ? required_argument : no_argument,
					      NULL, LONG_BASE + (int)i };
		if (o->short_name) {
			size_t l = strlen(shorts);
			shorts[l] = (char)o->short_name;
			if (o->arg)
				shorts[l + 1] = ':';
		}
	}
	longs[k] = (struct option){ "help", no_argument, NULL, 'h' };
	while (rc < 0 && (opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct cli_option *o = NULL;
		if (opt == 'h') {
			rc = p->help ? p->help() : cli_print_help(p);
			break;
		}
		if (opt == '?' || opt == ':') {
			rc = cli_bad_option(p->command, opt, optopt, argv, optind);
			break;
		}
		if (opt >= LONG_BASE)
			o = rows[opt - LONG_BASE];
		else
			for (size_t i = 0; i < n && !o; i++)
				if (rows[i]->name && rows[i]->short_name == opt)
					o = rows[i];
		rc = apply(p, o, o->arg ? optarg : NULL);
	}
	if (rc < 0 && optind < argc && !p->before_command)
		rc = cli_usage(p->command, _("unexpected argument '%s'"), argv[optind]);
	free(rows);
	free(longs);
	free(shorts);
	return rc;
}

int cli_option_config(const struct cli_parse *p, const struct cli_option *o, const char *arg)
{
	struct hoist_error err;
	int rc = -1;
	hoist_error_init(&err);
	if (hoist_config_set(&p->cli->conf, o->key, arg ? arg : "true", &err) != HOIST_OK)
		rc = cli_usage(p->command, "%s", hoist_error_message(&err));
	hoist_error_done(&err);
	return rc;
}

bool cli_number(const char *arg, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(arg, &end, 10);
	if (!*arg || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* "  -o, --output FILE": a row's first column (a new string). */
static char *left_of(const struct cli_option *o)
{
	char s[4] = { '-', (char)o->short_name, 0, 0 };
	return hoist_xasprintf("  %s%s--%s%s%s", o->short_name ? s : "",
			       o->short_name ? ", " : "", o->name, o->arg ? " " : "",
			       o->arg ? _(o->arg) : "");
}

/* text from column col on, wrapped at cols (display width), each new line indented to col. */
static void put_wrapped(struct hoist_buf *b, const char *text, int col, int cols)
{
	const char *p = text;
	int at = col;
	bool first = true; /* the line's first word, which stands even when it does not fit */
	while (*p == ' ')
		p++;
	while (*p) {
		const char *e = p;
		char *word;
		int w;
		while (*e && *e != ' ')
			e++;
		word = hoist_xstrndup(p, (size_t)(e - p));
		w = cli_width(word);
		if (!first && at + 1 + w >= cols) {
			hoist_buf_printf(b, "\n%*s", col, "");
			at = col;
			first = true;
		}
		hoist_buf_printf(b, "%s%s", first ? "" : " ", word);
		at += w + !first;
		first = false;
		free(word);
		while (*e == ' ')
			e++;
		p = e;
	}
	hoist_buf_puts(b, "\n");
}

static void put_row(struct hoist_buf *b, const char *left, const char *help, int col, int cols)
{
	int w = cli_width(left);
	hoist_buf_puts(b, left);
	if (w + 2 > col) {
		hoist_buf_puts(b, "\n");
		w = 0;
	}
	hoist_buf_printf(b, "%*s", col - w, "");
	put_wrapped(b, help, col, cols);
}

/* The option rows, --help last in the first group, each group under its heading. */
static void put_options(struct hoist_buf *b, const struct cli_parse *p)
{
	size_t n;
	const struct cli_option **rows = rows_of(p, &n);
	const char *help_left = "  -h, --help";
	int col = cli_width(help_left) + 2, cols = cli_columns();
	bool help_said = false;
	for (size_t i = 0; i < n; i++)
		if (rows[i]->name && rows[i]->help) {
			char *left = left_of(rows[i]);
			int w = cli_width(left) + 2;
			if (w > col && w <= MAX_COLUMN)
				col = w;
			free(left);
		}
	for (size_t i = 0; i <= n; i++) {
		const struct cli_option *o = rows[i];
		if (!help_said && (!o || o->heading)) {
			put_row(b, help_left, _("show this help"), col, cols);
			help_said = true;
		}
		if (!o)
			break;
		if (o->heading) {
			hoist_buf_printf(b, "\n%s\n", _(o->heading));
		} else if (o->help) {
			char *left = left_of(o);
			put_row(b, left, _(o->help), col, cols);
			free(left);
		}
	}
	free(rows);
}

void cli_print_options(FILE *out, const struct cli_parse *p)
{
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	put_options(&b, p);
	fputs(hoist_buf_cstr(&b), out);
	hoist_buf_done(&b);
}

int cli_print_help(const struct cli_parse *p)
{
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	hoist_buf_printf(&b, "%s\n%s\n%s", _(p->usage), _(p->about), _("Options:\n"));
	put_options(&b, p);
	if (p->after)
		hoist_buf_printf(&b, "\n%s", _(p->after));
	fputs(hoist_buf_cstr(&b), stdout);
	hoist_buf_done(&b);
	return 0;
}
