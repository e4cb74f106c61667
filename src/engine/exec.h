/* exec.h: runs one command by argument vector, with a timeout, streaming its output. */
#ifndef HOIST_EXEC_H
#define HOIST_EXEC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "error.h"

enum hoist_exec_stream {
	HOIST_EXEC_STDOUT,
	HOIST_EXEC_STDERR
};

/* One line of output, as it arrives; valid only during the callback. */
struct hoist_exec_line {
	const char *node;              /* the node the command runs for */
	const char *action;            /* the action, e.g. "stop" */
	enum hoist_exec_stream stream;
	const char *line;              /* NUL-terminated, without the newline */
	size_t len;
	bool truncated;                /* the line was longer than line_max and was cut */
};

typedef void (*hoist_exec_line_fn)(const struct hoist_exec_line *line, void *data);

/* Milliseconds between SIGTERM and SIGKILL by default: time for a service's own shutdown. */
#define HOIST_EXEC_KILL_GRACE_MS 3000

struct hoist_exec_options {
	const char *node;       /* borrowed; for lines and messages; default "localhost" */
	const char *action;     /* borrowed; for messages; default argv[0] */
	long timeout_ms;        /* 0: no limit */
	long kill_grace_ms;     /* between SIGTERM and SIGKILL; default HOIST_EXEC_KILL_GRACE_MS */
	size_t output_cap;      /* bytes kept of each stream in the result; default 1 MiB */
	size_t line_max;        /* longest line handed to on_line; default 4096 */
	hoist_exec_line_fn on_line; /* may be NULL */
	void *data;
	/* When it becomes non-zero (e.g. from a signal handler) the command is stopped. */
	const volatile sig_atomic_t *cancel;
	const char *cwd;        /* borrowed; NULL: the current folder */
	const char *stdin_path; /* borrowed; a file for standard input; NULL: /dev/null */
	/*
	 * A folder (created if missing) where the command leaves a record of itself while it
	 * runs (hoist_exec_record): so that an engine killed meanwhile leaves its action
	 * visible to the next one. NULL: no record.
	 */
	const char *record_dir; /* borrowed */
	const char *step;       /* borrowed; the step the command is part of, for the record */
	/*
	 * The command is a remote shell that first writes "hoist-remote-pid:N" on stderr (see
	 * hoist_transport_run): that line is taken as the remote process's id, never as output.
	 */
	bool remote_pid_line;
};

struct hoist_exec_result {
	bool exited;            /* the command ended by itself (exit_code is valid) */
	int exit_code;
	int signal;             /* the signal that ended it, 0 if it exited */
	bool timed_out;
	bool cancelled;
	long elapsed_ms;
	struct hoist_buf out;   /* owned: stdout, up to output_cap */
	struct hoist_buf err;   /* owned: stderr, up to output_cap */
	bool out_truncated, err_truncated;
	char *last_stderr;      /* owned: the last non-empty stderr line, or NULL */
	long pid;               /* the command's process (and process group) id; 0: none */
	long remote_pid;        /* with remote_pid_line: the remote process's id; 0: not seen */
};

void hoist_exec_options_init(struct hoist_exec_options *o);
void hoist_exec_result_init(struct hoist_exec_result *r);
void hoist_exec_result_done(struct hoist_exec_result *r);

/*
 * Runs argv[0] (looked up in PATH) with argv, stdin from o->stdin_path or /dev/null, in its own process
 * group, never through a shell, with our environment minus HOIST_API_KEY. Returns HOIST_OK when it exits with 0; otherwise
 * HOIST_COMMAND (non-zero exit or killed by a signal), HOIST_TIMEOUT, HOIST_CANCELLED,
 * HOIST_NOTFOUND (the program cannot be started) or HOIST_USAGE, with a message naming
 * the node, the action and the last line the command wrote on stderr. r (may be NULL)
 * receives the details; it must have been initialised.
 */
enum hoist_status hoist_exec_run(const char *const *argv, const struct hoist_exec_options *o,
				 struct hoist_exec_result *r, struct hoist_error *err);

/*
 * ---- records: the commands an engine started and has not seen end ----
 * One JSON file per running command, <record_dir>/<pid>.json, written right after the
 * command starts and removed once it has ended (or was stopped). A record left behind
 * names a command whose engine died: it may still run, unwatched.
 */
struct hoist_exec_record {
	char *path;          /* owned: the record's file */
	long pid;            /* the command's process group */
	unsigned long long start_ticks; /* its leader's start time (/proc), 0: unknown */
	char *host;          /* owned: where it runs (this host's name at the time) */
	char *node, *step, *action; /* owned; step may be NULL */
	long long started_ms; /* since the epoch */
	long timeout_ms;     /* 0: none */
	long remote_pid;     /* over SSH: the remote process, 0: unknown */
	long engine_pid;     /* the process that started it */
	unsigned long long engine_start; /* its start time (/proc), 0: unknown */
};

/* The records in dir (none, or no such folder: *n = 0), oldest first. */
enum hoist_status hoist_exec_records_read(const char *dir, struct hoist_exec_record **out,
					  size_t *n, struct hoist_error *err);
void hoist_exec_records_free(struct hoist_exec_record *recs, size_t n);
/*
 * Whether a process of the record's group still runs on this host (zombies and a pid
 * taken over by another process do not count). False for a record of another host.
 */
bool hoist_exec_record_running(const struct hoist_exec_record *rec);
/* Whether the engine that started it is gone (on this host): nobody watches the command. */
bool hoist_exec_record_orphaned(const struct hoist_exec_record *rec);
/* Whether the record was written on this host (only then can it be checked or stopped). */
bool hoist_exec_record_here(const struct hoist_exec_record *rec);
/* Stops the record's process group as a timeout does (SIGTERM, grace_ms, SIGKILL). */
void hoist_exec_record_stop(const struct hoist_exec_record *rec, long grace_ms);
/* Removes the record's file (its command has ended). */
void hoist_exec_record_forget(const struct hoist_exec_record *rec);
/* How many records in dir name a command that still runs here. */
size_t hoist_exec_records_running(const char *dir);

/* Frees a NULL-terminated vector of owned strings (NULL is a no-op). */
void hoist_exec_argv_free(char **argv);
/* A copy of a NULL-terminated vector. */
char **hoist_exec_argv_dup(const char *const *argv);
/* The vector as one line for people to read: words with spaces or quotes are quoted. */
char *hoist_exec_argv_display(const char *const *argv);

/* This machine's host name as records name it (a new string; "localhost" without one). */
char *hoist_host_name(void);

#endif
