/* exec.c: posix_spawn with pipes, poll, a deadline, a process group to kill, and its record. */
#include "config.h"
#include <limits.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "exec.h"
#include "json.h"
#include "i18n.h"
#include "rundir.h"
#include "text.h"
#include "xalloc.h"

/*
 * A recorded command starts behind a gate: a shell that becomes the command only once
 * the engine has written its record and said "go" on GATE_FD. An engine killed in
 * between closes the gate unopened, and the command never runs: no action runs
 * unrecorded.
 */
#define GATE_FD 3
#define GATE_SCRIPT "IFS= read -r go <&3 && [ \"$go\" = go ] && exec 3<&- \"$@\"; exit 126"

/* What a remote shell writes first on stderr (hoist_transport_run): its own pid. */
#define REMOTE_PID_TAG "hoist-remote-pid:"

extern char **environ;

/* How long output is still read after the command ended (a child of it may hold a pipe). */
#define DRAIN_AFTER_EXIT_MS 300
/* Without a pidfd, how often a command that closed its output is checked for exit. */
#define REAP_INTERVAL_MS 50
/* Milliseconds between looks whether a command given SIGTERM has gone. */
#define KILL_POLL_MS 20
/* Milliseconds between looks whether a killed engine's recorded command has gone. */
#define RECORD_POLL_MS 50
/* Milliseconds a running command's wait may last before cancel is looked at again. */
#define CANCEL_POLL_MS 100

struct line_state {
	enum hoist_exec_stream stream;
	char *buf;      /* owned; line_max + 1 bytes */
	size_t len;
	bool dropping;  /* inside an over-long line, waiting for its end */
	int fd;         /* -1 once at end of file */
};

struct run {
	const struct hoist_exec_options *o;
	struct hoist_exec_result *r;
	const char *node, *action;
	size_t line_max;
	char *record;          /* owned: the record's file, NULL: none */
	long long started_ms;  /* since the epoch, for the record */
	bool remote_seen;      /* the remote pid line has come (or cannot come any more) */
};

static void record_write(struct run *run);

void hoist_exec_options_init(struct hoist_exec_options *o)
{
	memset(o, 0, sizeof *o);
	o->kill_grace_ms = HOIST_EXEC_KILL_GRACE_MS;
	o->output_cap = 1u << 20;
	o->line_max = 4096;
}

void hoist_exec_result_init(struct hoist_exec_result *r)
{
	memset(r, 0, sizeof *r);
	r->exit_code = -1;
	hoist_buf_init(&r->out, 0);
	hoist_buf_init(&r->err, 0);
}

void hoist_exec_result_done(struct hoist_exec_result *r)
{
	if (!r)
		return;
	hoist_buf_done(&r->out);
	hoist_buf_done(&r->err);
	free(r->last_stderr);
	r->last_stderr = NULL;
}

void hoist_exec_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

char **hoist_exec_argv_dup(const char *const *argv)
{
	size_t n = 0;
	char **copy;
	while (argv[n])
		n++;
	copy = hoist_xcalloc(n + 1, sizeof *copy);
	for (size_t i = 0; i < n; i++)
		copy[i] = hoist_xstrdup(argv[i]);
	return copy;
}

char *hoist_exec_argv_display(const char *const *argv)
{
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];
		if (i)
			hoist_buf_puts(&b, " ");
		if (*a && !a[strcspn(a, " \t\n'\"\\$`")]) {
			hoist_buf_puts(&b, a);
			continue;
		}
		hoist_buf_puts(&b, "'");
		for (; *a; a++) {
			if (*a == '\'')
				hoist_buf_puts(&b, "'\\''");
			else
				hoist_buf_append(&b, a, 1);
		}
		hoist_buf_puts(&b, "'");
	}
	return hoist_buf_detach(&b, NULL);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keeps what fits of a chunk under the result's cap. */
static void keep(struct hoist_buf *b, size_t cap, bool *truncated, const char *data, size_t n)
{
	size_t room = cap > b->len ? cap - b->len : 0;
	if (n > room) {
		*truncated = true;
		n = room;
	}
	if (n)
		hoist_buf_append(b, data, n);
}

/* The remote shell's "hoist-remote-pid:N": recorded, and taken out of the output. */
static bool remote_pid_line(struct run *run, const char *line, size_t len)
{
	const size_t tag = strlen(REMOTE_PID_TAG);
	long pid = 0;
	struct hoist_buf *e = &run->r->err;
	if (len <= tag || len > tag + 10 || strncmp(line, REMOTE_PID_TAG, tag))
		return false;
	for (size_t i = tag; i < len; i++) {
		if (line[i] < '0' || line[i] > '9')
			return false;
		pid = pid * 10 + (line[i] - '0');
	}
	run->remote_seen = true;
	run->r->remote_pid = pid;
	/* ssh may have written warnings before it: the line is wherever it is in the buffer. */
	if (e->data) {
		char *at = memmem(e->data, e->len, line, len);
		if (at) {
			size_t cut = len + (at + len < e->data + e->len && at[len] == '\r') +
				     (at + len < e->data + e->len);
			size_t off = (size_t)(at - e->data);
			if (off + cut > e->len)
				cut = e->len - off;
			memmove(at, at + cut, e->len - off - cut);
			e->len -= cut;
			e->data[e->len] = '\0';
		}
	}
	record_write(run);
	return true;
}

static void deliver(struct run *run, struct line_state *ls, bool truncated)
{
	struct hoist_exec_line line;
	size_t len = ls->len;
	if (len && ls->buf[len - 1] == '\r')
		len--;
	ls->buf[len] = '\0';
	if (ls->stream == HOIST_EXEC_STDERR && run->o->remote_pid_line && !run->remote_seen &&
	    remote_pid_line(run, ls->buf, len)) {
		ls->len = 0;
		return;
	}
	if (ls->stream == HOIST_EXEC_STDERR) {
		const char *p = ls->buf;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p) {
			free(run->r->last_stderr);
			run->r->last_stderr = hoist_xstrdup(ls->buf);
		}
	}
	if (run->o->on_line) {
		line.node = run->node;
		line.action = run->action;
		line.stream = ls->stream;
		line.line = ls->buf;
		line.len = len;
		line.truncated = truncated;
		run->o->on_line(&line, run->o->data);
	}
	ls->len = 0;
}

/* Splits a chunk into lines; a line longer than line_max is cut and its rest dropped. */
static void split(struct run *run, struct line_state *ls, const char *data, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = data[i];
		if (c == '\n') {
			if (ls->dropping)
				ls->dropping = false;
			else
				deliver(run, ls, false);
			continue;
		}
		if (ls->dropping)
			continue;
		if (c == '\0')
			c = '?'; /* a line is a C string for the callback */
		ls->buf[ls->len++] = c;
		if (ls->len == run->line_max) {
			deliver(run, ls, true);
			ls->dropping = true;
		}
	}
}

static void read_ready(struct run *run, struct line_state *ls)
{
	char chunk[8192];
	ssize_t n = read(ls->fd, chunk, sizeof chunk);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (ls->len && !ls->dropping)
			deliver(run, ls, false);
		close(ls->fd);
		ls->fd = -1;
		return;
	}
	if (ls->stream == HOIST_EXEC_STDOUT)
		keep(&run->r->out, run->o->output_cap, &run->r->out_truncated, chunk, (size_t)n);
	else
		keep(&run->r->err, run->o->output_cap, &run->r->err_truncated, chunk, (size_t)n);
	split(run, ls, chunk, (size_t)n);
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
#else
	(void)pid;
	return -1;
#endif
}

/* SIGTERM to the whole group, a grace period, then SIGKILL; reaps the leader. */
static void stop_group(pid_t pid, long grace_ms, int *status)
{
	long until = now_ms() + grace_ms;
	kill(-pid, SIGTERM);
	while (now_ms() < until) {
		pid_t w = waitpid(pid, status, WNOHANG);
		if (w == pid) {
			kill(-pid, SIGKILL); /* stragglers left in the group */
			return;
		}
		if (w < 0 && errno != EINTR)
			break;
		poll(NULL, 0, KILL_POLL_MS);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

/* Our environment without the API key: no command we run needs it, none may see it. */
static char **child_environment(void)
{
	size_t n = 0, k = 0;
	char **env;
	while (environ[n])
		n++;
	env = hoist_xcalloc(n + 1, sizeof *env);
	for (size_t i = 0; i < n; i++)
		if (!hoist_skip_prefix(environ[i], "HOIST_API_KEY=", NULL))
			env[k++] = environ[i];
	return env;
}

/* Whether argv[0] can be run: checked first so the answer never depends on how spawn reports it. */
static bool runnable(const char *prog)
{
	const char *path = getenv("PATH"), *p;
	bool found = false;
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	if (!path || !*path)
		path = "/bin:/usr/bin";
	for (p = path; !found; p++) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *full = hoist_xasprintf("%.*s/%s", (int)n, n ? p : ".", prog);
		found = access(full, X_OK) == 0;
		free(full);
		if (!end)
			break;
		p = end;
	}
	return found;
}

static enum hoist_status spawn(const char *const *argv, const struct hoist_exec_options *o,
			       int out_w, int err_w, int gate_r, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t all, none;
	char **envp;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, o->stdin_path ? o->stdin_path : "/dev/null",
					 O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_w, 1);
	posix_spawn_file_actions_adddup2(&fa, err_w, 2);
	if (gate_r >= 0)
		posix_spawn_file_actions_adddup2(&fa, gate_r, GATE_FD);
	if (o->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, o->cwd);
	posix_spawnattr_init(&attr);
	sigfillset(&all);
	sigdelset(&all, SIGKILL);
	sigdelset(&all, SIGSTOP);
	sigemptyset(&none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
					       POSIX_SPAWN_SETSIGMASK);
	envp = child_environment();
	rc = posix_spawnp(pid, argv[0], &fa, &attr, (char *const *)argv, envp);
	free(envp);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	errno = rc;
	return rc ? HOIST_NOTFOUND : HOIST_OK;
}

static enum hoist_status describe(const struct run *run, const struct hoist_exec_result *r,
				  struct hoist_error *err)
{
	const char *node = run->node, *action = run->action;
	long t = run->o->timeout_ms;
	if (r->cancelled)
		return hoist_error_say(err, HOIST_CANCELLED,
				       N_("on node %s, `%s` was stopped because the run was cancelled"),
				       node, action);
	if (r->timed_out) {
		if (t % 1000 == 0)
			return hoist_error_say(err, HOIST_TIMEOUT,
					       N_("on node %s, `%s` did not finish within %ld seconds and was stopped; raise the action's timeout if it needs longer, or look at what it was waiting for"),
					       node, action, t / 1000);
		return hoist_error_say(err, HOIST_TIMEOUT,
				       N_("on node %s, `%s` did not finish within %ld milliseconds and was stopped; raise the action's timeout if it needs longer, or look at what it was waiting for"),
				       node, action, t);
	}
	if (r->signal)
		return hoist_error_say(err, HOIST_COMMAND,
				       N_("on node %s, `%s` was killed by signal %d (%s)"),
				       node, action, r->signal, strsignal(r->signal));
	if (r->exit_code == 0)
		return HOIST_OK;
	if (r->last_stderr)
		return hoist_error_say(err, HOIST_COMMAND,
				       N_("on node %s, `%s` failed with exit code %d: %s"),
				       node, action, r->exit_code, r->last_stderr);
	return hoist_error_say(err, HOIST_COMMAND,
			       N_("on node %s, `%s` failed with exit code %d and wrote nothing on stderr"),
			       node, action, r->exit_code);
}

enum hoist_status hoist_exec_run(const char *const *argv, const struct hoist_exec_options *opts,
				 struct hoist_exec_result *result, struct hoist_error *err)
{
	struct hoist_exec_options defaults;
	struct hoist_exec_result local;
	struct line_state ls[2];
	struct run run;
	int out_p[2], err_p[2], gate[2] = { -1, -1 }, status = 0, pidfd;
	long start, deadline, exited_at = 0;
	bool reaped = false;
	pid_t pid;
	enum hoist_status st;

	if (!opts) {
		hoist_exec_options_init(&defaults);
		opts = &defaults;
	}
	if (!result) {
		hoist_exec_result_init(&local);
		result = &local;
	}
	run.o = opts;
	run.r = result;
	run.node = opts->node ? opts->node : "localhost";
	run.action = opts->action ? opts->action : (argv && argv[0] ? argv[0] : "?");
	run.line_max = opts->line_max ? opts->line_max : 4096;
	run.record = NULL;
	run.started_ms = 0;
	run.remote_seen = false;
	if (!argv || !argv[0] || !argv[0][0]) {
		st = hoist_error_say(err, HOIST_USAGE, N_("on node %s, `%s` has no command to run"),
				     run.node, run.action);
		goto out_result;
	}
	if (pipe2(out_p, O_CLOEXEC) < 0 || pipe2(err_p, O_CLOEXEC) < 0) {
		st = hoist_error_say(err, HOIST_IO, N_("cannot create a pipe: %s"), strerror(errno));
		goto out_result;
	}
	start = now_ms();
	if (opts->record_dir && pipe2(gate, O_CLOEXEC) < 0) {
		close(out_p[0]);
		close(out_p[1]);
		close(err_p[0]);
		close(err_p[1]);
		st = hoist_error_say(err, HOIST_IO, N_("cannot create a pipe: %s"), strerror(errno));
		goto out_result;
	}
	if (runnable(argv[0])) {
		const char *const *spawned = argv;
		char **gated = NULL;
		if (gate[0] >= 0) {
			size_t n = 0;
			while (argv[n])
				n++;
			gated = hoist_xcalloc(n + 5, sizeof *gated);
			gated[0] = (char *)"/bin/sh";
			gated[1] = (char *)"-c";
			gated[2] = (char *)GATE_SCRIPT;
			gated[3] = (char *)"hoist-action";
			for (size_t i = 0; i < n; i++)
				gated[4 + i] = (char *)argv[i];
			spawned = (const char *const *)gated;
		}
		st = spawn(spawned, opts, out_p[1], err_p[1], gate[0], &pid);
		free(gated);
	} else {
		errno = ENOENT;
		st = HOIST_NOTFOUND;
	}
	close(out_p[1]);
	close(err_p[1]);
	if (gate[0] >= 0)
		close(gate[0]);
	if (st != HOIST_OK && gate[1] >= 0)
		close(gate[1]);
	if (st != HOIST_OK) {
		int e = errno;
		close(out_p[0]);
		close(err_p[0]);
		if (e == ENOENT)
			st = hoist_error_say(err, HOIST_NOTFOUND,
					     N_("on node %s, `%s` cannot start: the program %s was not found; install it or give its full path in the profile"),
					     run.node, run.action, argv[0]);
		else
			st = hoist_error_say(err, HOIST_NOTFOUND,
					     N_("on node %s, `%s` cannot start: %s: %s"),
					     run.node, run.action, argv[0], strerror(e));
		goto out_result;
	}
	pidfd = open_pidfd(pid);
	result->pid = (long)pid;
	if (opts->record_dir) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		run.started_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		run.record = hoist_xasprintf("%s/%ld.json", opts->record_dir, (long)pid);
		record_write(&run);
		/* Recorded: now it may run. */
		if (write(gate[1], "go\n", 3) != 3) {
			/* It cannot start: it ends at once, and is reported as it exits. */
		}
		close(gate[1]);
	}
	deadline = opts->timeout_ms > 0 ? start + opts->timeout_ms : 0;
	for (int i = 0; i < 2; i++) {
		ls[i].stream = i ? HOIST_EXEC_STDERR : HOIST_EXEC_STDOUT;
		ls[i].buf = hoist_xmalloc(run.line_max + 1);
		ls[i].len = 0;
		ls[i].dropping = false;
		ls[i].fd = i ? err_p[0] : out_p[0];
	}

	for (;;) {
		struct pollfd pfd[3];
		int n = 0, wait = -1, idx[3];
		long now;

		if (!reaped) {
			pid_t w = waitpid(pid, &status, WNOHANG);
			if (w == pid) {
				reaped = true;
				exited_at = now_ms();
			}
		}
		if (reaped && ls[0].fd < 0 && ls[1].fd < 0)
			break;
		now = now_ms();
		if (reaped && now - exited_at >= DRAIN_AFTER_EXIT_MS)
			break;
		if (opts->cancel && *opts->cancel) {
			result->cancelled = true;
			break;
		}
		if (deadline && now >= deadline) {
			result->timed_out = true;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (ls[i].fd < 0)
				continue;
			pfd[n].fd = ls[i].fd;
			pfd[n].events = POLLIN;
			idx[n++] = i;
		}
		if (!reaped && pidfd >= 0) {
			pfd[n].fd = pidfd;
			pfd[n].events = POLLIN;
			idx[n++] = -1;
		}
		if (deadline)
			wait = (int)(deadline - now);
		if (opts->cancel && (wait < 0 || wait > CANCEL_POLL_MS))
			wait = CANCEL_POLL_MS;
		if (!reaped && pidfd < 0 && (wait < 0 || wait > REAP_INTERVAL_MS))
			wait = REAP_INTERVAL_MS;
		if (reaped) {
			long left = DRAIN_AFTER_EXIT_MS - (now - exited_at);
			if (wait < 0 || wait > left)
				wait = (int)left;
		}
		if (poll(pfd, (nfds_t)n, wait) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int k = 0; k < n; k++)
			if (idx[k] >= 0 && (pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
				read_ready(&run, &ls[idx[k]]);
	}
	if (!reaped)
		stop_group(pid, opts->kill_grace_ms > 0 ? opts->kill_grace_ms : 0, &status);
	if (pidfd >= 0)
		close(pidfd);
	if (run.record) {
		/* Seen to its end: nobody needs to wait for it any more. */
		unlink(run.record);
		free(run.record);
		run.record = NULL;
	}
	for (int i = 0; i < 2; i++) {
		if (ls[i].fd >= 0) {
			if (ls[i].len && !ls[i].dropping)
				deliver(&run, &ls[i], false);
			close(ls[i].fd);
		}
		free(ls[i].buf);
	}
	result->elapsed_ms = now_ms() - start;
	if (!result->timed_out && !result->cancelled) {
		if (WIFEXITED(status)) {
			result->exited = true;
			result->exit_code = WEXITSTATUS(status);
		} else if (WIFSIGNALED(status)) {
			result->signal = WTERMSIG(status);
		}
	}
	st = describe(&run, result, err);
out_result:
	if (result == &local)
		hoist_exec_result_done(&local);
	return st;
}

/* ---- records ---- */

char *hoist_host_name(void)
{
	char h[256];
	if (gethostname(h, sizeof h) != 0)
		return hoist_xstrdup("localhost");
	h[sizeof h - 1] = '\0';
	return hoist_xstrdup(h);
}

/* Field 22 of /proc/PID/stat (the start time in clock ticks) and the state; 0: no such process. */
static unsigned long long proc_start(long pid, char *state, long *pgrp)
{
	char path[64], buf[1024];
	unsigned long long start = 0;
	const char *p;
	size_t n;
	FILE *f;
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if (!(f = fopen(path, "r")))
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (!(p = strrchr(buf, ')')) || p[1] != ' ')
		return 0;
	/* After ") ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
	 * utime stime cutime cstime priority nice threads itrealvalue starttime */
	{
		char st = p[2];
		long ppid, grp;
		if (sscanf(p + 4, "%ld %ld %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
			   "%*d %*d %llu", &ppid, &grp, &start) != 3)
			return 0;
		if (state)
			*state = st;
		if (pgrp)
			*pgrp = grp;
	}
	return start ? start : 1;
}

static void record_write(struct run *run)
{
	cJSON *o;
	char *text, *host;
	long pid = run->r->pid;
	if (!run->record)
		return;
	o = cJSON_CreateObject();
	host = hoist_host_name();
	cJSON_AddNumberToObject(o, "pid", (double)pid);
	cJSON_AddNumberToObject(o, "start_ticks", (double)proc_start(pid, NULL, NULL));
	cJSON_AddStringToObject(o, "host", host);
	cJSON_AddStringToObject(o, "node", run->node);
	if (run->o->step)
		cJSON_AddStringToObject(o, "step", run->o->step);
	cJSON_AddStringToObject(o, "action", run->action);
	cJSON_AddNumberToObject(o, "started_ms", (double)run->started_ms);
	cJSON_AddNumberToObject(o, "timeout_ms", (double)(run->o->timeout_ms > 0 ? run->o->timeout_ms : 0));
	if (run->r->remote_pid > 0)
		cJSON_AddNumberToObject(o, "remote_pid", (double)run->r->remote_pid);
	cJSON_AddNumberToObject(o, "engine_pid", (double)getpid());
	cJSON_AddNumberToObject(o, "engine_start", (double)proc_start((long)getpid(), NULL, NULL));
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	free(host);
	/*
	 * Written whole (a temporary file renamed), but not fsynced: a record matters only
	 * while its process may run, and no process outlives the machine's crash.
	 */
	if (text && hoist_rundir_make_dirs(run->o->record_dir, 0700, NULL) == HOIST_OK) {
		char *tmp = hoist_xasprintf("%s.tmp", run->record);
		int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
		size_t len = strlen(text);
		bool ok = fd >= 0 && write(fd, text, len) == (ssize_t)len;
		if (fd >= 0 && close(fd) != 0)
			ok = false;
		if (!ok || rename(tmp, run->record) != 0)
			unlink(tmp);
		free(tmp);
	}
	cJSON_free(text);
}

static bool read_record(const char *path, struct hoist_exec_record *rec)
{
	struct hoist_buf b;
	char chunk[1024];
	ssize_t n;
	cJSON *o;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	memset(rec, 0, sizeof *rec);
	if (fd < 0)
		return false;
	hoist_buf_init(&b, 64 * 1024);
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		if (hoist_buf_append(&b, chunk, (size_t)n) != HOIST_OK)
			break;
	close(fd);
	o = b.data ? cJSON_Parse(b.data) : NULL;
	hoist_buf_done(&b);
	if (!cJSON_IsObject(o) || hoist_json_get_int(o, "pid", LLONG_MIN, LLONG_MAX, 0) < 2) {
		cJSON_Delete(o);
		return false;
	}
	rec->path = hoist_xstrdup(path);
	rec->pid = (long)hoist_json_get_int(o, "pid", LLONG_MIN, LLONG_MAX, 0);
	rec->start_ticks =
		(unsigned long long)hoist_json_get_int(o, "start_ticks", LLONG_MIN, LLONG_MAX, 0);
	rec->host = hoist_json_get_strdup(o, "host");
	rec->node = hoist_json_get_strdup(o, "node");
	rec->step = hoist_json_get_strdup(o, "step");
	rec->action = hoist_json_get_strdup(o, "action");
	rec->started_ms = (long long)hoist_json_get_int(o, "started_ms", LLONG_MIN, LLONG_MAX, 0);
	rec->timeout_ms = (long)hoist_json_get_int(o, "timeout_ms", LLONG_MIN, LLONG_MAX, 0);
	rec->remote_pid = (long)hoist_json_get_int(o, "remote_pid", LLONG_MIN, LLONG_MAX, 0);
	rec->engine_pid = (long)hoist_json_get_int(o, "engine_pid", LLONG_MIN, LLONG_MAX, 0);
	rec->engine_start =
		(unsigned long long)hoist_json_get_int(o, "engine_start", LLONG_MIN, LLONG_MAX, 0);
	if (!rec->host)
		rec->host = hoist_xstrdup("?");
	if (!rec->node)
		rec->node = hoist_xstrdup("?");
	if (!rec->action)
		rec->action = hoist_xstrdup("?");
	cJSON_Delete(o);
	return true;
}

static int by_start(const void *a, const void *b)
{
	const struct hoist_exec_record *x = a, *y = b;
	return (x->started_ms > y->started_ms) - (x->started_ms < y->started_ms);
}

enum hoist_status hoist_exec_records_read(const char *dir, struct hoist_exec_record **out,
					  size_t *n, struct hoist_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t alloc = 0;
	*out = NULL;
	*n = 0;
	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			return HOIST_OK;
		return hoist_error_say(err, HOIST_IO, N_("cannot read %s: %s"), dir, strerror(errno));
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char *path;
		struct hoist_exec_record rec;
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") || e->d_name[0] == '.')
			continue;
		path = hoist_xasprintf("%s/%s", dir, e->d_name);
		if (read_record(path, &rec)) {
			*out = hoist_xgrow(*out, &alloc, *n + 1, sizeof **out);
			(*out)[(*n)++] = rec;
		}
		free(path);
	}
	closedir(d);
	if (*n > 1)
		qsort(*out, *n, sizeof **out, by_start);
	return HOIST_OK;
}

void hoist_exec_records_free(struct hoist_exec_record *recs, size_t n)
{
	for (size_t i = 0; recs && i < n; i++) {
		free(recs[i].path);
		free(recs[i].host);
		free(recs[i].node);
		free(recs[i].step);
		free(recs[i].action);
	}
	free(recs);
}

bool hoist_exec_record_here(const struct hoist_exec_record *rec)
{
	char *host = hoist_host_name();
	bool here = rec->host && !strcmp(rec->host, host);
	free(host);
	return here;
}

/* A process of group pgid that is not a zombie, other than a new owner of the leader's pid. */
static bool group_alive(long pgid, unsigned long long leader_start)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool alive = false;
	if (!d) /* no /proc: the kernel's word, zombies included */
		return kill(-(pid_t)pgid, 0) == 0 || errno == EPERM;
	while (!alive && (e = readdir(d))) {
		char state = 0;
		long pid, grp = 0;
		unsigned long long start;
		char *end;
		pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		start = proc_start(pid, &state, &grp);
		if (!start || grp != pgid || state == 'Z' || state == 'X')
			continue;
		/* The leader's pid reused by another process that made its own group. */
		if (pid == pgid && leader_start && start != leader_start)
			continue;
		/* A member started before the leader cannot be one of its children. */
		if (leader_start && start < leader_start)
			continue;
		alive = true;
	}
	closedir(d);
	return alive;
}

bool hoist_exec_record_running(const struct hoist_exec_record *rec)
{
	if (!hoist_exec_record_here(rec) || rec->pid < 2)
		return false;
	return group_alive(rec->pid, rec->start_ticks);
}

bool hoist_exec_record_orphaned(const struct hoist_exec_record *rec)
{
	char state = 0;
	unsigned long long start;
	if (!hoist_exec_record_here(rec))
		return false;
	if (rec->engine_pid < 2)
		return true;
	start = proc_start(rec->engine_pid, &state, NULL);
	if (!start) /* no /proc entry: ask the kernel */
		return kill((pid_t)rec->engine_pid, 0) != 0 && errno == ESRCH;
	return state == 'Z' || state == 'X' || (rec->engine_start && start != rec->engine_start);
}

void hoist_exec_record_stop(const struct hoist_exec_record *rec, long grace_ms)
{
	long until = now_ms() + grace_ms;
	if (!hoist_exec_record_running(rec))
		return;
	kill(-(pid_t)rec->pid, SIGTERM);
	while (now_ms() < until && hoist_exec_record_running(rec))
		poll(NULL, 0, RECORD_POLL_MS);
	if (hoist_exec_record_running(rec))
		kill(-(pid_t)rec->pid, SIGKILL);
}

void hoist_exec_record_forget(const struct hoist_exec_record *rec)
{
	if (rec->path)
		unlink(rec->path);
}

size_t hoist_exec_records_running(const char *dir)
{
	struct hoist_exec_record *recs;
	size_t n, live = 0;
	if (hoist_exec_records_read(dir, &recs, &n, NULL) != HOIST_OK)
		return 0;
	for (size_t i = 0; i < n; i++)
		live += hoist_exec_record_running(&recs[i]);
	hoist_exec_records_free(recs, n);
	return live;
}
