/* exec.h: runs one command by argument vector, with a timeout, streaming its output. */
#ifndef HOIST_EXEC_H
#define HOIST_EXEC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "status.h"

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

struct hoist_exec_options {
	const char *node;       /* borrowed; for lines and messages; default "localhost" */
	const char *action;     /* borrowed; for messages; default argv[0] */
	long timeout_ms;        /* 0: no limit */
	long kill_grace_ms;     /* between SIGTERM and SIGKILL; default 3000 */
	size_t output_cap;      /* bytes kept of each stream in the result; default 1 MiB */
	size_t line_max;        /* longest line handed to on_line; default 4096 */
	hoist_exec_line_fn on_line; /* may be NULL */
	void *data;
	/* When it becomes non-zero (e.g. from a signal handler) the command is stopped. */
	const volatile sig_atomic_t *cancel;
	const char *cwd;        /* borrowed; NULL: the current folder */
	const char *stdin_path; /* borrowed; a file for standard input; NULL: /dev/null */
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

/* Frees a NULL-terminated vector of owned strings (NULL is a no-op). */
void hoist_exec_argv_free(char **argv);
/* A copy of a NULL-terminated vector. */
char **hoist_exec_argv_dup(const char *const *argv);
/* The vector as one line for people to read: words with spaces or quotes are quoted. */
char *hoist_exec_argv_display(const char *const *argv);

#endif
