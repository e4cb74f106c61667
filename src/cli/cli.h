/* cli.h: what the commands of `hoist` share: the command table, the context, messages. */
#ifndef HOIST_CLI_H
#define HOIST_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include "conf.h"
#include "feed.h"
#include "journal.h"
#include "plan.h"
#include "prepare.h"
#include "run.h"
#include "policy.h"
#include "error.h"
#include "version.h"
#include "options.h"

/* What a command gets: the configuration, loaded with the global options applied. */
struct cli {
	const char *config_path;  /* --config FILE; borrowed from argv */
	const char *server_url;   /* --server URL; borrowed */
	const char *api_key_file; /* --api-key-file FILE; borrowed */
	bool retarget;            /* upgrade --retarget: the plan may name another server */
	bool ignore_validation;   /* upgrade --ignore-validation-failures, for its job */
	struct hoist_config conf;
};

enum cli_flags {
	CLI_CONFIG = 1 << 0, /* load the configuration before the command runs */
};

struct cli_command {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	unsigned flags;
	const char *summary; /* N_(), shown by hoist --help */
};

extern const struct cli_command cli_commands[];

/* Runs hoist with its arguments; returns the exit code. */
int cli_main(int argc, char **argv);

int cmd_versions(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_notes(struct cli *cli, int argc, char **argv);
int cmd_help(struct cli *cli, int argc, char **argv);
int cmd_plan(struct cli *cli, int argc, char **argv);
int cmd_upgrade(struct cli *cli, int argc, char **argv);
int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_resume(struct cli *cli, int argc, char **argv);
int cmd_backup(struct cli *cli, int argc, char **argv);
int cmd_rollback(struct cli *cli, int argc, char **argv);
int cmd_downgrade(struct cli *cli, int argc, char **argv);
int cmd_tentacles(struct cli *cli, int argc, char **argv);
int cmd_os_patch(struct cli *cli, int argc, char **argv);
int cmd_legacy(struct cli *cli, int argc, char **argv);
int cmd_bundle(struct cli *cli, int argc, char **argv);

/* Prints "hoist: MESSAGE" to stderr and returns the exit code of its status (§9). */
int cli_fail(const struct hoist_error *err);
/* A usage error: one line on stderr, a hint to COMMAND --help; returns 2. */
int cli_usage(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* What getopt_long's '?' and ':' mean, said once for every command; returns 2. */
int cli_bad_option(const char *command, int opt, int optopt_, char **argv, int optind_);
/* Prints a command's help (translated text) to stdout; returns 0. */
int cli_help(const char *text);
/* The terminal's width on standard output; 80 when it is not a terminal. */
int cli_columns(void);
/* Display width of a UTF-8 string, for tables. */
int cli_width(const char *s);
/* Prints s padded with spaces to a display width. */
void cli_pad(const char *s, int width);
/* A table's columns: widens w[0..n) to the display width of each of cells[0..n). */
void cli_widen(int *w, const char *const *cells, size_t n);
/* A table's row: lead, each cell padded to its column's width and two spaces, then last. */
void cli_row(const char *lead, const char *const *cells, const int *w, size_t n,
	     const char *last);

/* Translated labels of an upgrade kind and a note kind, for text output. */
const char *cli_kind_label(enum hoist_kind k);
const char *cli_note_label(enum hoist_note_kind k);

/* The options versions and check share, and the steps they take. */
struct cli_select {
	const char *current;  /* --current; NULL: ask the server */
	bool json;
};
/* The options versions and check share (select.c), into the struct cli_select of the parse. */
extern const struct cli_option cli_select_options[];
/* --feed SRC alone, as notes takes it. */
extern const struct cli_option cli_feed_option[];
/* Parses the arguments of versions or check; -1 when the command goes on, else an exit code. */
int cli_select_parse(struct cli *cli, const char *command, const char *usage, const char *about,
		     int argc, char **argv, struct cli_select *sel);
/* Resolves the current version (--current or the server); returns an exit code. */
int cli_current_version(struct cli *cli, const char *command, const char *text,
			struct hoist_version *out);
/* Loads the feed and evaluates the policy; returns an exit code (0: out is filled). */
int cli_select(struct cli *cli, const char *command, const struct cli_select *sel,
	       struct hoist_feed **feed, struct hoist_selection *out);

/*
 * tentacles_advice.c: before a server upgrade, when the release notes say old Tentacles
 * stop working, says so and which targets it concerns, and offers hoist tentacles first.
 */
void cli_tentacles_advice(const struct cli *cli, const struct hoist_plan *p);

/* prompt.c: standard input and output are a terminal: a question can be asked. */
bool cli_interactive(void);
/* Asks question on the terminal; true for yes (y, or the locale's own word for it). */
bool cli_ask(const char *question);
/*
 * Every command asks before it changes anything: -1 to go on (yes given, or answered
 * yes), else the exit code (2 without a terminal, 1 when declined: "Nothing was changed").
 */
int cli_confirm(const char *command, bool yes, const char *question);

/*
 * The options plan, upgrade and checklist share: --to, --strategy, --role-order, --json,
 * and the guard rails: --override REASON, --evidence ITEM=FILE, --confirm ITEM,
 * --waive ITEM=REASON.
 */
#define CLI_MAX_GIVEN 16
struct cli_plan {
	const char *command;
	const char *to;
	bool json;
	struct hoist_prepare_options prep;
	const char *evidence[CLI_MAX_GIVEN]; /* borrowed from argv: "ITEM=FILE" */
	size_t n_evidence;
	const char *confirm[CLI_MAX_GIVEN];  /* "ITEM" */
	size_t n_confirm;
	const char *waive[CLI_MAX_GIVEN];    /* "ITEM=REASON" */
	size_t n_waive;
};
/* plan_options.c: --strategy and --role-order, into the struct cli_plan of the parse. */
extern const struct cli_option cli_plan_shape_options[];
/* --force and --node. */
extern const struct cli_option cli_plan_repair_options[];
/* The guard rails: --override, --evidence, --confirm, --waive, under their own heading. */
extern const struct cli_option cli_guard_options[];
/*
 * plan_out.c: the plan for people: the node table, strategy, point of no return, window,
 * and the command that runs it (with the guard-rail options of given).
 */
void cli_print_plan(const struct cli *cli, const struct cli_plan *given, const struct hoist_plan *p,
		    const char *plan_file);

/* guard_rails.c: the engine's checklist, as the CLI fills it from its options. */
struct hoist_checklist;
/*
 * Fills cl (initialised by the caller) from --evidence, --confirm and --waive and from
 * what plan itself takes; returns an exit code (0: filled; messages printed).
 */
int cli_checklist_fill(struct cli *cli, const struct cli_plan *pl, const struct hoist_plan *plan,
		       struct hoist_checklist *cl);
/* The chain's breaking, dependency and security notes, before anyone confirms. */
void cli_print_read_first(struct cli *cli, const struct hoist_plan *plan);
/*
 * The guard rails before a run: fills the checklist, records its evidence and waivers in
 * plan, and refuses (exit 1, naming every open required item) when one is missing.
 */
int cli_guard_plan(struct cli *cli, const struct cli_plan *pl, struct hoist_plan *plan);
int cmd_checklist(struct cli *cli, int argc, char **argv);
int cmd_runs(struct cli *cli, int argc, char **argv);
int cmd_prune(struct cli *cli, int argc, char **argv);
/* "3.4 MB": a size for people (a new string). */
char *cli_size_text(unsigned long long bytes);

/* follow_live.c: the follower's live lines, one per running step, on a terminal. */
struct cli_live_step {
	char *step, *node;      /* owned; node may be NULL */
	long long started_ms;
	long long bytes, total, bytes_t; /* the last progress; -1: none */
	long long rate_b0, rate_t0;      /* the first progress, for the rate */
	long tasks_left;        /* -1: none */
};
struct cli_live {
	bool on;                /* stdout is a terminal and not --json */
	struct cli_live_step *v; /* owned */
	size_t n;
	int drawn;              /* live lines on the screen now */
	long long last_draw_ms;
};
void cli_live_init(struct cli_live *l, bool on);
void cli_live_done(struct cli_live *l);
/* Folds ev in; false when it is shown only live (step-start, progress), not as a line. */
bool cli_live_event(struct cli_live *l, const struct hoist_event *ev);
/* Takes the live lines away (before a line is printed) and draws them again. */
void cli_live_clear(struct cli_live *l);
void cli_live_draw(struct cli_live *l);

/* event_out.c: one journal event for people, or its JSON line. */
/* Prints s as a JSON string (quoted, escaped, valid UTF-8; NULL: null) on standard output. */
void cli_json_string(const char *s);
void cli_print_event(const struct hoist_event *ev, bool json);
/* "14:03:59": a journal time in local time. */
void cli_clock_text(long long t_ms, char out[16]);
/* "install node1 @2024.0.3", or "revert: ..." (in buf). */
const char *cli_step_name(const char *step, const char *node, const char *hop, bool revert,
			  char *buf, size_t n);
/* A journal's kind (a hoist_kind_name()), translated as on the plan; "" stays "". */
const char *cli_run_kind_text(const char *kind);

/* run_job.c: the exit code a run's outcome stands for (§9). */
int cli_run_exit_code(const struct hoist_run_summary *s);
/*
 * Prints a run's journal from the start: with stay, until run-end, or until running(ctx)
 * says the writer is gone (NULL: until the run's lock shows its process has gone).
 * Returns the run's exit code.
 */
int cli_follow(struct cli *cli, const char *run_id, bool json, bool stay,
	       bool (*running)(void *), void *ctx);
/*
 * Runs the engine (an upgrade, rollback or downgrade of plan, a resume of resume_id, a
 * backup) in a session of its own, and, unless detach, follows its journal to its end:
 * Ctrl-C asks it to stop at the next safe point. Returns the exit code of its outcome.
 */
int cli_run_job(struct cli *cli, enum hoist_run_job kind, const struct hoist_plan *plan,
		const char *resume_id, bool dry_run, bool detach, bool json);
/* The options of a journey that runs as a job: --detach, --json, --yes. */
struct cli_job_args {
	bool detach, json, yes;
};
extern const struct cli_option cli_job_options[];

#endif
