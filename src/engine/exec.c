/* exec.c: posix_spawn with pipes, poll, a deadline and a process group to kill. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "exec.h"
#include "i18n.h"
#include "xalloc.h"

extern char **environ;

/* How long output is still read after the command ended (a child of it may hold a pipe). */
#define DRAIN_AFTER_EXIT_MS 300
/* Without a pidfd, how often a command that closed its output is checked for exit. */
#define REAP_INTERVAL_MS 50

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
};

void hoist_exec_options_init(struct hoist_exec_options *o)
{
	memset(o, 0, sizeof *o);
	o->kill_grace_ms = 3000;
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

static void deliver(struct run *run, struct line_state *ls, bool truncated)
{
	struct hoist_exec_line line;
	size_t len = ls->len;
	if (len && ls->buf[len - 1] == '\r')
		len--;
	ls->buf[len] = '\0';
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
		poll(NULL, 0, 20);
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
		if (strncmp(environ[i], "HOIST_API_KEY=", 14) != 0)
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
			       int out_w, int err_w, pid_t *pid)
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
		return hoist_error_set(err, HOIST_CANCELLED,
				       _("on node %s, `%s` was stopped because the run was cancelled"),
				       node, action);
	if (r->timed_out) {
		if (t % 1000 == 0)
			return hoist_error_set(err, HOIST_TIMEOUT,
					       _("on node %s, `%s` did not finish within %ld seconds and was stopped; raise the action's timeout if it needs longer, or look at what it was waiting for"),
					       node, action, t / 1000);
		return hoist_error_set(err, HOIST_TIMEOUT,
				       _("on node %s, `%s` did not finish within %ld milliseconds and was stopped; raise the action's timeout if it needs longer, or look at what it was waiting for"),
				       node, action, t);
	}
	if (r->signal)
		return hoist_error_set(err, HOIST_COMMAND,
				       _("on node %s, `%s` was killed by signal %d (%s)"),
				       node, action, r->signal, strsignal(r->signal));
	if (r->exit_code == 0)
		return HOIST_OK;
	if (r->last_stderr)
		return hoist_error_set(err, HOIST_COMMAND,
				       _("on node %s, `%s` failed with exit code %d: %s"),
				       node, action, r->exit_code, r->last_stderr);
	return hoist_error_set(err, HOIST_COMMAND,
			       _("on node %s, `%s` failed with exit code %d and wrote nothing on stderr"),
			       node, action, r->exit_code);
}

enum hoist_status hoist_exec_run(const char *const *argv, const struct hoist_exec_options *opts,
				 struct hoist_exec_result *result, struct hoist_error *err)
{
	struct hoist_exec_options defaults;
	struct hoist_exec_result local;
	struct line_state ls[2];
	struct run run;
	int out_p[2], err_p[2], status = 0, pidfd;
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
	if (!argv || !argv[0] || !argv[0][0]) {
		st = hoist_error_set(err, HOIST_USAGE, _("on node %s, `%s` has no command to run"),
				     run.node, run.action);
		goto out_result;
	}
	if (pipe2(out_p, O_CLOEXEC) < 0 || pipe2(err_p, O_CLOEXEC) < 0) {
		st = hoist_error_set(err, HOIST_IO, _("cannot create a pipe: %s"), strerror(errno));
		goto out_result;
	}
	start = now_ms();
	if (runnable(argv[0])) {
		st = spawn(argv, opts, out_p[1], err_p[1], &pid);
	} else {
		errno = ENOENT;
		st = HOIST_NOTFOUND;
	}
	close(out_p[1]);
	close(err_p[1]);
	if (st != HOIST_OK) {
		int e = errno;
		close(out_p[0]);
		close(err_p[0]);
		if (e == ENOENT)
			st = hoist_error_set(err, HOIST_NOTFOUND,
					     _("on node %s, `%s` cannot start: the program %s was not found; install it or give its full path in the profile"),
					     run.node, run.action, argv[0]);
		else
			st = hoist_error_set(err, HOIST_NOTFOUND,
					     _("on node %s, `%s` cannot start: %s: %s"),
					     run.node, run.action, argv[0], strerror(e));
		goto out_result;
	}
	pidfd = open_pidfd(pid);
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
		if (opts->cancel && (wait < 0 || wait > 100))
			wait = 100;
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
