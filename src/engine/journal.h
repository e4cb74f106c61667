/*
 * journal.h: the contract between the engine and every face (DESIGN §6): one JSON
 * object per line in runs/<run-id>/journal.jsonl, appended, flushed per event and
 * fsynced at step boundaries; read back as typed events and folded into a summary.
 *
 * A line: {"seq":7,"t":1795311753123,"time":"2026-11-22T01:42:33.123Z",
 *          "event":"step-end","step":"stop","node":"octo1","status":"failed",
 *          "exit_code":3,"message":"...","msgid":"...","args":["..."]}
 * (a message with plural forms also has "plural":"..." and "n":3)
 *
 * "message" is in the writer's language (for scripts); a message made from a
 * translatable format also keeps that format ("msgid") and its arguments as text
 * ("args"), so that a reader says it in its own language (hoist_event_text).
 *
 * A message that carries an error (a failed step's end, a failed run's end) also keeps
 * the error's parts (struct hoist_error_part: its prefixes, then its cause):
 *   "cause":[{"message":"cannot reach octo1","msgid":"cannot reach %s","args":["octo1"]},
 *            {"message":"connection refused"}]
 * each with its text in the writer's language and, when it was said from a format, that
 * format and its arguments. The reader says each part again (or keeps its text) and joins
 * them with ": ". Where the cause goes: with a "msgid", the format's LAST argument is the
 * error as the writer said it, and the reader puts its own saying of "cause" in its place;
 * without a "msgid", "message" is the error itself and the reader's saying replaces it.
 * A journal without "cause" reads as before.
 */
#ifndef HOIST_JOURNAL_H
#define HOIST_JOURNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include "evidence.h"
#include "exec.h"
#include "error.h"

enum hoist_event_type {
	HOIST_EVENT_RUN_START,
	HOIST_EVENT_STEP_START,
	HOIST_EVENT_PROGRESS,
	HOIST_EVENT_LOG,
	HOIST_EVENT_STEP_END,
	HOIST_EVENT_PROMPT,
	HOIST_EVENT_RUN_END,
	HOIST_EVENT_UNKNOWN /* a newer writer's event: kept, not understood */
};

/* How a step or a run ended. */
enum hoist_outcome {
	HOIST_OUTCOME_NONE,
	HOIST_OUTCOME_OK,
	HOIST_OUTCOME_FAILED,
	HOIST_OUTCOME_SKIPPED,
	HOIST_OUTCOME_CANCELLED
};

/*
 * A step of the plan: step id × node × hop (node NULL for cluster-wide steps; hop NULL
 * outside the hops of a chain with required stops, else the hop's version).
 */
struct hoist_step_ref {
	char *step; /* owned */
	char *node; /* owned; may be NULL */
	char *hop;  /* owned; may be NULL */
};

/* How a run ended: the run-end event's "status". */
enum hoist_end {
	HOIST_END_NONE,
	HOIST_END_DONE,        /* the target was reached (or the dry run's checks passed) */
	HOIST_END_UNDONE,      /* stopped before the point of no return; all it changed is back */
	HOIST_END_FAILED,      /* the rollback guide is needed */
	HOIST_END_INTERRUPTED  /* stopped where it stood; hoist resume carries it on */
};

struct hoist_event {
	unsigned long long seq;     /* 1, 2, 3, ...: set by hoist_journal_append */
	long long t_ms;             /* ms since the epoch; 0 at append: now */
	enum hoist_event_type type;
	char *type_name;            /* owned: the "event" text, kept for unknown types */
	char *step;                 /* owned; stable step id; NULL for run events */
	char *node;                 /* owned; NULL: cluster-wide */
	char *hop;                  /* owned; the hop's version in a chain, else NULL */
	bool revert;                /* "phase":"revert": the run undoing its own changes */
	char *message;              /* owned: in the writer's language */
	char *msgid;                /* owned: message's untranslated format; NULL: plain text */
	char *plural;               /* owned: msgid's plural form, or NULL */
	unsigned long plural_n;     /* the number that picks the plural form */
	char **args;                /* owned: the format's arguments, as text */
	size_t n_args;
	char *text;                 /* owned: message in the reader's language (set by
				     * hoist_event_parse), or NULL: message as it is */
	struct hoist_error_part *cause; /* owned: the error the message carries (see above) */
	size_t n_cause;
	enum hoist_outcome outcome; /* step-end */
	enum hoist_end end;         /* run-end */
	/* run-start */
	char *run_id, *from_version, *to_version, *kind, *strategy, *profile; /* owned */
	bool dry_run;               /* "mode":"dry-run" */
	struct hoist_step_ref *steps; /* owned: the plan's steps in order */
	size_t n_steps;
	/* log: "stdout", "stderr" or "engine" */
	char *stream;               /* owned */
	/* progress: bytes so far and expected (-1: not given), tasks still running (-1) */
	long long bytes, total;
	long tasks_left;
	/* step-end */
	int exit_code;              /* -1: none */
	struct hoist_evidence evidence;
	/* prompt: the question's stable id; the text is in message */
	char *prompt;               /* owned */
};

void hoist_event_init(struct hoist_event *ev, enum hoist_event_type type);
void hoist_event_done(struct hoist_event *ev);
/* Adds a planned step to a run-start event. */
void hoist_event_add_step(struct hoist_event *ev, const char *step, const char *node,
			  const char *hop);
/*
 * Sets the event's message from a translatable format (N_("...")): message in the
 * current language, msgid and args for a reader in another one.
 */
void hoist_event_say(struct hoist_event *ev, const char *msgid, ...)
	__attribute__((format(printf, 2, 3)));
void hoist_event_vsay(struct hoist_event *ev, const char *msgid, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* The same with plural forms: P_(msgid, plural, n). */
void hoist_event_say_n(struct hoist_event *ev, const char *msgid, const char *plural,
		       unsigned long n, ...)
	__attribute__((format(printf, 2, 5)));
/* Sets a message that is no format of ours (a copy of text; NULL: none). */
void hoist_event_set_message(struct hoist_event *ev, const char *text);
/*
 * The message carries err (after hoist_event_say or _set_message, which forget it): a copy
 * of its parts. With a msgid, err's message must be the format's last argument; without
 * one, message (NULL: set to err's message) is err's message.
 */
void hoist_event_set_cause(struct hoist_event *ev, const struct hoist_error *err);
/*
 * The message as the reader says it: in the reader's language when its format and
 * arguments were kept and fit the translation, else the writer's message; may be NULL.
 */
const char *hoist_event_text(const struct hoist_event *ev);
/* "run-start", "step-end", ...: the "event" field. */
const char *hoist_event_type_name(enum hoist_event_type t);
enum hoist_event_type hoist_event_type_parse(const char *name);
/* "ok", "failed", "skipped", "cancelled" ("" for none). */
const char *hoist_outcome_name(enum hoist_outcome o);
/* "done", "undone", "failed", "interrupted" ("" for none). */
const char *hoist_end_name(enum hoist_end e);
/* One line of JSON (no newline) and back; parse fills an initialised event. */
char *hoist_event_to_json(const struct hoist_event *ev);
enum hoist_status hoist_event_parse(const char *line, size_t len, struct hoist_event *ev,
				    struct hoist_error *err);

/* ---- writing ---- */

struct hoist_journal;

/*
 * Opens (creating, mode 0600) a journal for appending. An existing one continues its
 * numbering; a last line cut short by a crash is removed first.
 */
enum hoist_status hoist_journal_open(const char *path, struct hoist_journal **out,
				     struct hoist_error *err);
/* fsyncs and closes; NULL is a no-op. */
enum hoist_status hoist_journal_close(struct hoist_journal *j, struct hoist_error *err);
/*
 * A text that must never be written (the API key, a master key): it is replaced by
 * "[redacted]" in every field, and an event whose line would still hold it is refused
 * with HOIST_UNSAFE. The journal keeps a copy, wiped on close.
 */
void hoist_journal_add_secret(struct hoist_journal *j, const char *secret);
/* text with every secret of j replaced by "[redacted]" (a new string). */
char *hoist_journal_scrub(const struct hoist_journal *j, const char *text);
/*
 * Writes one event (seq and t_ms are set in ev) with a single write(2) on an O_APPEND
 * descriptor; run-start, step-start, step-end and run-end are also fsynced.
 */
enum hoist_status hoist_journal_append(struct hoist_journal *j, struct hoist_event *ev,
				       struct hoist_error *err);
unsigned long long hoist_journal_last_seq(const struct hoist_journal *j);
/* Marks every event appended from now on with "phase":"revert" (true) or none (false). */
void hoist_journal_set_revert(struct hoist_journal *j, bool revert);
/* How many times the journal was fsynced (the step boundaries, for tests and benches). */
unsigned long hoist_journal_sync_count(const struct hoist_journal *j);

/* Shorthands for the common events. */
enum hoist_status hoist_journal_step_start(struct hoist_journal *j, const char *step,
					   const char *node, struct hoist_error *err);
enum hoist_status hoist_journal_step_end(struct hoist_journal *j, const char *step,
					 const char *node, enum hoist_outcome outcome,
					 int exit_code, const char *message,
					 struct hoist_error *err);
enum hoist_status hoist_journal_log(struct hoist_journal *j, const char *step,
				    const char *node, const char *stream, const char *message,
				    struct hoist_error *err);
enum hoist_status hoist_journal_progress(struct hoist_journal *j, const char *step,
					 const char *node, long long bytes, long long total,
					 long tasks_left, const char *message,
					 struct hoist_error *err);

/*
 * Streams a command's output into the journal: give hoist_journal_exec_line as
 * hoist_exec_options.on_line and a sink as its data. Each line becomes a log event of
 * the sink's step, the line's node and stream (secrets scrubbed as for every event).
 * Not for output that is itself secret (show-master-key): keep that out of the journal.
 */
struct hoist_journal_sink {
	struct hoist_journal *journal; /* borrowed */
	const char *step;              /* borrowed */
	enum hoist_status status;      /* the first failure to write, or HOIST_OK */
};
void hoist_journal_exec_line(const struct hoist_exec_line *line, void *sink);

/* ---- reading (faces) ---- */

struct hoist_journal_reader;

enum hoist_status hoist_journal_reader_open(const char *path, struct hoist_journal_reader **out,
					    struct hoist_error *err);
void hoist_journal_reader_free(struct hoist_journal_reader *r);
/*
 * The next complete event after the reader's offset: *got is false when there is none
 * yet (a partial last line is left for later). A malformed line is skipped and reported
 * as HOIST_PARSE naming its offset; call again to go on.
 */
enum hoist_status hoist_journal_reader_next(struct hoist_journal_reader *r,
					    struct hoist_event *ev, bool *got,
					    struct hoist_error *err);
/* The byte offset after the last event returned (to resume reading later). */
long long hoist_journal_reader_offset(const struct hoist_journal_reader *r);
void hoist_journal_reader_seek(struct hoist_journal_reader *r, long long offset);
/*
 * A descriptor that becomes readable when the journal grows (inotify), for a face's own
 * poll(); -1 when there is none (then poll with a timeout). Reading events clears it.
 */
int hoist_journal_reader_fd(const struct hoist_journal_reader *r);
/* Waits until the journal has grown past what was read (timeout_ms -1: no limit); HOIST_TIMEOUT if it did not. */
enum hoist_status hoist_journal_reader_wait(struct hoist_journal_reader *r, int timeout_ms,
					    struct hoist_error *err);

/* ---- the summary (resume, status, the rollback guide) ---- */

enum hoist_step_state {
	HOIST_STEP_PENDING,
	HOIST_STEP_RUNNING,
	HOIST_STEP_OK,
	HOIST_STEP_FAILED,
	HOIST_STEP_SKIPPED
};

enum hoist_run_state {
	HOIST_RUN_NONE,      /* no run-start yet */
	HOIST_RUN_RUNNING,   /* started, not ended: running, or killed */
	HOIST_RUN_OK,        /* ended done */
	HOIST_RUN_FAILED,    /* ended failed: the rollback guide is needed */
	HOIST_RUN_UNDONE,    /* ended undone: stopped before the point of no return, all put back */
	HOIST_RUN_INTERRUPTED /* ended interrupted: hoist resume carries it on */
};

struct hoist_step_summary {
	char *step, *node;        /* owned; node may be NULL */
	char *hop;                /* owned; the hop's version in a chain, else NULL */
	bool revert;              /* a step of the revert phase, not of the plan */
	enum hoist_step_state state;
	long long started_ms, ended_ms; /* 0: not yet */
	char *message;            /* owned: the last thing said about it; may be NULL */
	char *text;               /* owned: message in the reader's language (hoist_event_text) */
	int exit_code;            /* -1: none */
	long long bytes, total;   /* last progress, -1 when none */
	long tasks_left;
	struct hoist_evidence evidence; /* owned strings */
};

struct hoist_run_summary {
	char *run_id, *from_version, *to_version, *kind, *strategy, *profile; /* owned */
	enum hoist_run_state state;
	bool dry_run;             /* run-start said "mode":"dry-run" */
	bool reverting;           /* a revert-phase event was seen (and no run-end since) */
	long long started_ms, ended_ms;
	char *message;            /* owned: run-end's message */
	char *text;               /* owned: message in the reader's language (hoist_event_text) */
	struct hoist_step_summary *steps; /* owned: planned order, then first appearance; the
					   * revert phase's steps (revert true) after */
	size_t n_steps, alloc;
	bool pnr_started;         /* db-upgrade (the point of no return) has started */
	bool pnr_ended;           /* ... and ended (see pnr_ok) */
	bool pnr_ok;
	char *open_prompt;        /* owned: a prompt not answered by a later event, or NULL */
	unsigned long long last_seq;
	long long last_t_ms;
	size_t bad_lines;         /* malformed lines skipped while folding */
};

void hoist_run_summary_init(struct hoist_run_summary *s);
void hoist_run_summary_done(struct hoist_run_summary *s);
/* Folds one event in. */
void hoist_run_summary_apply(struct hoist_run_summary *s, const struct hoist_event *ev);
/* Reads a whole journal into s (initialised by the caller). */
enum hoist_status hoist_journal_fold(const char *path, struct hoist_run_summary *s,
				     struct hoist_error *err);
/* The first forward step (any hop) of that id on that node (NULL: cluster-wide). */
const struct hoist_step_summary *hoist_run_summary_find(const struct hoist_run_summary *s,
							const char *step, const char *node);
/* Exactly (step, node, hop) of the plan (revert false) or of the revert phase (true). */
const struct hoist_step_summary *hoist_run_summary_find_hop(const struct hoist_run_summary *s,
							    const char *step, const char *node,
							    const char *hop, bool revert);
/* The first forward step, in order, that has not ended well (ok or skipped): where resume starts. */
const struct hoist_step_summary *hoist_run_summary_resume_point(const struct hoist_run_summary *s);
const char *hoist_step_state_name(enum hoist_step_state st);
const char *hoist_run_state_name(enum hoist_run_state st);

#endif
