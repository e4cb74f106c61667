/*
 * options.h: a command's options in one table (git's parse-options): getopt_long's
 * arrays, the parsing and the command's --help are all made from it.
 */
#ifndef HOIST_CLI_OPTIONS_H
#define HOIST_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

struct cli;
struct cli_option;
struct cli_parse;

/* Applies one option and its value (NULL: it takes none): -1 to go on, else an exit code. */
typedef int (*cli_option_fn)(const struct cli_parse *p, const struct cli_option *o,
			     const char *arg);

/* One row of the table; one of flag, value and fn says what giving it does. */
struct cli_option {
	const char *name;       /* the long name, without "--" */
	int short_name;         /* -x as well; 0: none */
	const char *arg;        /* N_(): the value's name in the help ("FILE"); NULL: none */
	const char *help;       /* N_(): its line in the help; NULL: an alias, not shown */
	bool *flag;             /* set to true */
	const char **value;     /* set to the value (borrowed from argv) */
	cli_option_fn fn;       /* called */
	const char *key;        /* for fn: what the option stands for (a configuration key) */
	void *data;             /* for fn: what this row fills (a shared table's fill p->ctx) */
	const struct cli_option *include; /* a row standing for a shared table */
	const char *heading;    /* N_(): a row starting a group of its own in the help */
};

#define CLI_FLAG(long_, short_, help_, flag_) \
	{ .name = (long_), .short_name = (short_), .help = (help_), .flag = (flag_) }
#define CLI_VALUE(long_, short_, arg_, help_, value_) \
	{ .name = (long_), .short_name = (short_), .arg = (arg_), .help = (help_), \
	  .value = (value_) }
#define CLI_CALL(long_, short_, arg_, help_, fn_, key_) \
	{ .name = (long_), .short_name = (short_), .arg = (arg_), .help = (help_), .fn = (fn_), \
	  .key = (key_) }
#define CLI_CALL_INTO(long_, short_, arg_, help_, fn_, data_) \
	{ .name = (long_), .short_name = (short_), .arg = (arg_), .help = (help_), .fn = (fn_), \
	  .data = (data_) }
#define CLI_INCLUDE(table_) { .include = (table_) }
#define CLI_HEADING(text_) { .heading = (text_) }
#define CLI_END { .name = NULL }

/* A command's arguments: its options and the text of its help. */
struct cli_parse {
	const char *command;    /* "upgrade" */
	struct cli *cli;
	void *ctx;              /* what the fn of the shared tables' rows fill */
	const char *usage;      /* N_(): "usage: hoist ... COMMAND ...\n" (one or more lines) */
	const char *about;      /* N_(): what the command does, paragraphs ending in "\n" */
	const char *after;      /* N_(): after the options (exit codes); NULL: nothing */
	const struct cli_option *options;
	bool before_command;    /* hoist's own options: parsing stops at the command, left in argv */
	int (*help)(void);      /* --help prints this instead (hoist's own help); NULL: the table's */
};

/*
 * Parses argv by p's table (every command also takes -h, --help): -1 when the command goes
 * on, else the exit code (0 after the help, 2 for a usage error, which is said). A command
 * takes no operands; with before_command, optind is left at the command.
 */
int cli_parse_args(const struct cli_parse *p, int argc, char **argv);
/* An option's fn: sets the configuration key o->key to the value ("true" for a flag). */
int cli_option_config(const struct cli_parse *p, const struct cli_option *o, const char *arg);
/* An option's value is a whole number from lo to hi: true, and *out is set. */
bool cli_number(const char *arg, long lo, long hi, long *out);
/* Prints the option rows of p's table alone (for hoist's own help). */
void cli_print_options(FILE *out, const struct cli_parse *p);
/* Prints the command's help made from its table to stdout; returns 0. */
int cli_print_help(const struct cli_parse *p);

#endif
