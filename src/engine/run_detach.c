/*
 * run_detach.c: the engine in a session of its own (DESIGN §6: it never belongs to a
 * terminal), started for any face, followed to its end, asked to stop, found again.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include "i18n.h"
#include "prepare.h"
#include "run_int.h"
#include "rundir.h"
#include "xalloc.h"

/*
 * The detached engine's stop request: SIGTERM or SIGINT, from hoist_run_request_stop,
 * hoist_run_handle_stop or an operator's kill, means "stop at the next safe point".
 */
static volatile sig_atomic_t detached_stop;

static void on_detached_stop(int sig)
{
	(void)sig;
	detached_stop = 1;
}

/*
 * The end channel, engine to face: "P<pid>\n" at once, then "X<status> <message>" when
 * the run has returned (every event is in the journal by then). End of file without
 * an X: the engine was killed.
 */
struct hoist_run_handle {
	char *run_id;        /* owned */
	int fd;              /* the end channel's read side; -1 once at its end */
	long pid;            /* the engine's */
	struct hoist_buf in; /* what came so far */
	bool ended;
};

/* Writes s whole to fd; false when there is no fd or the face went away. */
static bool write_all(int fd, const char *s)
{
	size_t len = strlen(s), done = 0;
	if (fd < 0)
		return false;
	while (done < len) {
		ssize_t n = write(fd, s + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false; /* the face went away: the run goes on without it */
		done += (size_t)n;
	}
	return true;
}

/* The grandchild: a session of its own, no terminal, the stop request; runs, says how it went. */
_Noreturn static void engine(const struct hoist_config *cfg, const struct hoist_plan *plan,
			     const char *resume_id, const struct hoist_run_options *o, int start_fd,
			     int end_fd)
{
	struct hoist_run_options oo = *o;
	struct sigaction sa;
	struct hoist_error e;
	enum hoist_status st;
	char *id = NULL, *line;
	int dn;
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN); /* a face that went away is no reason to stop */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_detached_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	dn = open("/dev/null", O_RDWR);
	if (dn >= 0) {
		dup2(dn, 0);
		dup2(dn, 1);
		dup2(dn, 2);
		if (dn > 2)
			close(dn);
	}
	line = hoist_xasprintf("P%ld\n", (long)getpid());
	write_all(end_fd, line);
	free(line);
	oo.detach = false;
	oo.started = NULL;
	oo.cancel = &detached_stop;
	hoist_error_init(&e);
	st = plan ? run_execute_new(cfg, plan, &oo, start_fd, &id, &e)
		  : run_resume_here(cfg, resume_id, &oo, start_fd, &id, &e);
	line = hoist_xasprintf("X%d %s", (int)st, st == HOIST_OK ? "" : hoist_error_message(&e));
	if (!write_all(end_fd, line) && st != HOIST_OK) {
		/*
		 * No face heard why the run stopped, and the journal may be what failed (a full
		 * disk): the system log keeps the reason where `hoist status` cannot.
		 */
		openlog("hoist", LOG_PID, LOG_USER);
		syslog(LOG_ERR, "run %s stopped: %s", id ? id : "-", hoist_error_message(&e));
		closelog();
	}
	free(line);
	_exit(hoist_status_exit_code(st));
}

enum hoist_status run_detach(const struct hoist_config *cfg, const struct hoist_plan *plan,
			     const char *resume_id, const struct hoist_run_options *o,
			     char **run_id, struct hoist_run_handle **end,
			     struct hoist_error *err)
{
	struct hoist_buf b;
	int fds[2], ends[2] = { -1, -1 }, status;
	pid_t pid;
	char chunk[512];
	ssize_t got;
	enum hoist_status st;
	if (end)
		*end = NULL;
	/* Close-on-exec: no action the engine runs may hold a face's pipe open. */
	if (pipe2(fds, O_CLOEXEC) != 0)
		return hoist_error_say(err, HOIST_IO, N_("cannot make a pipe: %s"), strerror(errno));
	if (end && pipe2(ends, O_CLOEXEC) != 0) {
		close(fds[0]);
		close(fds[1]);
		return hoist_error_say(err, HOIST_IO, N_("cannot make a pipe: %s"), strerror(errno));
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		if (end) {
			close(ends[0]);
			close(ends[1]);
		}
		return hoist_error_say(err, HOIST_IO, N_("cannot start the engine: %s"),
				       strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		if (ends[0] >= 0)
			close(ends[0]);
		setsid();
		/* The grandchild is no session leader: it never gets a terminal back. */
		if (fork() != 0)
			_exit(0);
		engine(cfg, plan, resume_id, o, fds[1], ends[1]);
	}
	close(fds[1]);
	if (ends[1] >= 0)
		close(ends[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	hoist_buf_init(&b, 64 * 1024);
	while ((got = read(fds[0], chunk, sizeof chunk)) > 0 || (got < 0 && errno == EINTR))
		if (got > 0 && hoist_buf_append(&b, chunk, (size_t)got) != HOIST_OK)
			break;
	close(fds[0]);
	if (b.len > 1 && b.data[0] == 'R') {
		*run_id = hoist_xstrdup(b.data + 1);
		st = HOIST_OK;
	} else if (b.len > 1 && b.data[0] == 'E') {
		char *sp = strchr(b.data, ' ');
		int code = atoi(b.data + 1);
		st = code > 0 && code < HOIST_STATUS_COUNT ? (enum hoist_status)code : HOIST_IO;
		hoist_error_set(err, st, "%s", sp ? sp + 1 : "");
	} else {
		st = hoist_error_say(err, HOIST_IO, N_("the detached engine ended before the run "
						       "began"));
	}
	hoist_buf_done(&b);
	if (end && st == HOIST_OK) {
		struct hoist_run_handle *h = hoist_xcalloc(1, sizeof *h);
		h->run_id = hoist_xstrdup(*run_id);
		h->fd = ends[0];
		hoist_buf_init(&h->in, 64 * 1024);
		*end = h;
	} else if (ends[0] >= 0) {
		close(ends[0]);
	}
	return st;
}

/* ---- following a detached engine to its end ---- */

enum hoist_status hoist_run_spawn(const struct hoist_config *cfg, enum hoist_run_job job,
				  const struct hoist_plan *plan, const char *resume_id,
				  const struct hoist_run_options *opts, struct hoist_run_handle **out,
				  struct hoist_error *err)
{
	struct hoist_run_options o = { 0 };
	struct hoist_plan *backup = NULL;
	char *id = NULL;
	enum hoist_status st = HOIST_OK;
	*out = NULL;
	if (opts) {
		o.dry_run = opts->dry_run;
		o.retarget = opts->retarget;
		o.ignore_validation = opts->ignore_validation;
	}
	o.detach = true;
	if (job == HOIST_JOB_BACKUP) {
		st = hoist_plan_prepare_backup(cfg, &backup, err);
		plan = backup;
	}
	if (st == HOIST_OK)
		st = run_detach(cfg, job == HOIST_JOB_RESUME ? NULL : plan,
				job == HOIST_JOB_RESUME ? resume_id : NULL, &o, &id, out, err);
	hoist_plan_free(backup);
	free(id);
	return st;
}

const char *hoist_run_handle_id(const struct hoist_run_handle *h)
{
	return h->run_id;
}

/* Reads what the engine said; at the end of the channel, the engine has ended. */
static void take(struct hoist_run_handle *h, int timeout_ms)
{
	struct pollfd p = { h->fd, POLLIN, 0 };
	char chunk[512];
	ssize_t n;
	if (h->fd < 0)
		return;
	if (poll(&p, 1, timeout_ms) <= 0)
		return;
	n = read(h->fd, chunk, sizeof chunk);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		hoist_buf_append(&h->in, chunk, (size_t)n);
		if (!h->pid && h->in.len && h->in.data[0] == 'P')
			h->pid = strtol(h->in.data + 1, NULL, 10);
		return;
	}
	close(h->fd);
	h->fd = -1;
	h->ended = true;
}

bool hoist_run_handle_running(struct hoist_run_handle *h, int timeout_ms)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long left;
		take(h, timeout_ms);
		if (h->ended || timeout_ms <= 0)
			return !h->ended;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = timeout_ms - ((t1.tv_sec - t0.tv_sec) * 1000 +
				     (t1.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return true;
		timeout_ms = (int)left;
	}
}

enum hoist_status hoist_run_handle_stop(struct hoist_run_handle *h, struct hoist_error *err)
{
	take(h, 0);
	if (h->ended || h->pid <= 1)
		return HOIST_OK;
	if (kill((pid_t)h->pid, SIGTERM) != 0 && errno != ESRCH)
		return hoist_error_say(err, errno == EPERM ? HOIST_PERMISSION : HOIST_STATE,
				       N_("cannot ask the run %s (process %ld) to stop: %s"),
				       h->run_id, h->pid, strerror(errno));
	return HOIST_OK;
}

enum hoist_status hoist_run_handle_result(struct hoist_run_handle *h, struct hoist_error *err)
{
	const char *x;
	while (!h->ended)
		take(h, -1);
	x = h->in.data ? strchr(h->in.data, 'X') : NULL;
	if (x) {
		int code = atoi(x + 1);
		const char *msg = strchr(x, ' ');
		enum hoist_status st = code >= 0 && code < HOIST_STATUS_COUNT
					       ? (enum hoist_status)code : HOIST_IO;
		if (st != HOIST_OK)
			hoist_error_set(err, st, "%s", msg ? msg + 1 : "");
		return st;
	}
	return hoist_error_say(err, HOIST_STATE,
			       N_("the engine of run %s (process %ld) stopped before the run ended; "
				  "`hoist resume` continues it"),
			       h->run_id, h->pid);
}

bool hoist_run_handle_interrupted(const struct hoist_run_handle *h)
{
	return h->ended && !(h->in.data && strchr(h->in.data, 'X'));
}

void hoist_run_handle_free(struct hoist_run_handle *h)
{
	if (!h)
		return;
	if (h->fd >= 0)
		close(h->fd);
	hoist_buf_done(&h->in);
	free(h->run_id);
	free(h);
}

/* ---- for the wizard: start, resume, stop, find ---- */

enum hoist_status hoist_run_start_detached(const struct hoist_config *cfg,
					   const struct hoist_plan *plan, char **run_id,
					   struct hoist_error *err)
{
	struct hoist_run_options o = { 0 };
	o.detach = true;
	if (!plan)
		return hoist_run_backup(cfg, &o, run_id, err);
	return hoist_run_execute(cfg, plan, &o, run_id, err);
}

enum hoist_status hoist_run_resume_detached(const struct hoist_config *cfg, const char *run_id,
					    char **resumed_id, struct hoist_error *err)
{
	struct hoist_run_options o = { 0 };
	o.detach = true;
	return hoist_run_resume(cfg, run_id, &o, resumed_id, err);
}

/* The lock of the configured server, if run_id holds it. */
static bool holder(const struct hoist_config *cfg, const char *run_id, struct hoist_lock_info *info)
{
	char *state = hoist_config_state_dir(cfg);
	bool ours = cfg->server_url &&
		    hoist_lock_read(state, cfg->server_url, info, NULL) == HOIST_OK &&
		    info->run_id && run_id && !strcmp(info->run_id, run_id);
	free(state);
	return ours;
}

bool hoist_run_release_ended_lock(const struct hoist_config *cfg)
{
	char *state = hoist_config_state_dir(cfg);
	bool released = run_release_ended_lock(state, cfg->server_url);
	free(state);
	return released;
}

bool hoist_run_alive(const struct hoist_config *cfg, const char *run_id)
{
	struct hoist_lock_info info;
	bool alive = false;
	hoist_lock_info_init(&info);
	if (holder(cfg, run_id, &info))
		alive = hoist_lock_judge(&info, 0, (long long)time(NULL)) == HOIST_LOCK_LIVE;
	hoist_lock_info_done(&info);
	return alive;
}

enum hoist_status hoist_run_request_stop(const struct hoist_config *cfg, const char *run_id,
					 struct hoist_error *err)
{
	struct hoist_lock_info info;
	enum hoist_status st = HOIST_OK;
	char *host = hoist_host_name();
	hoist_lock_info_init(&info);
	if (!holder(cfg, run_id, &info))
		st = hoist_error_say(err, HOIST_NOTFOUND, N_("the run %s is not running"), run_id);
	else if (!info.host || strcmp(info.host, host) || info.pid <= 0)
		st = hoist_error_say(err, HOIST_STATE,
				     N_("the run %s runs on %s, not here: stop it there"), run_id,
				     info.host ? info.host : "?");
	else if (kill((pid_t)info.pid, SIGTERM) != 0)
		st = hoist_error_say(err, errno == EPERM ? HOIST_PERMISSION : HOIST_NOTFOUND,
				     N_("cannot ask the run %s (process %ld) to stop: %s"), run_id,
				     info.pid, strerror(errno));
	hoist_lock_info_done(&info);
	free(host);
	return st;
}

enum hoist_status hoist_run_find_current(const struct hoist_config *cfg, char **run_id,
					 enum hoist_run_liveness *live,
					 struct hoist_run_summary *sum, struct hoist_error *err)
{
	char *state = hoist_config_state_dir(cfg);
	char *journal;
	enum hoist_status st;
	*run_id = NULL;
	*live = HOIST_RUN_LIVE_NONE;
	st = hoist_rundir_latest(state, run_id, NULL);
	free(state);
	if (st != HOIST_OK)
		return HOIST_OK;
	journal = hoist_run_journal_path(cfg, *run_id);
	st = hoist_journal_fold(journal, sum, err);
	free(journal);
	if (st != HOIST_OK) {
		free(*run_id);
		*run_id = NULL;
		return st;
	}
	/* A run that never wrote run-start changed nothing: history, like an ended one. */
	if (sum->state == HOIST_RUN_RUNNING)
		*live = hoist_run_alive(cfg, *run_id) ? HOIST_RUN_LIVE_RUNNING
						       : HOIST_RUN_LIVE_INTERRUPTED;
	else if (sum->state == HOIST_RUN_INTERRUPTED) /* it stopped where it stood: resumable */
		*live = HOIST_RUN_LIVE_INTERRUPTED;
	else
		*live = HOIST_RUN_LIVE_ENDED;
	return HOIST_OK;
}

char *hoist_run_orphans_text(const struct hoist_config *cfg, const char *run_id)
{
	char *state = hoist_config_state_dir(cfg), *run, *dir;
	struct hoist_exec_record *recs = NULL;
	struct hoist_buf b;
	size_t n = 0;
	struct timespec ts;
	long long now;
	if (!run_id || !hoist_rundir_id_valid(run_id)) {
		free(state);
		return NULL;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	run = hoist_rundir_path(state, run_id);
	dir = hoist_rundir_file(run, HOIST_RUNDIR_ACTIONS);
	hoist_buf_init(&b, 0);
	hoist_exec_records_read(dir, &recs, &n, NULL);
	for (size_t i = 0; i < n; i++) {
		char *one;
		if (!hoist_exec_record_orphaned(&recs[i]) || !hoist_exec_record_running(&recs[i]))
			continue;
		one = hoist_xasprintf(_("%s on %s (process %ld, for %lld s)"),
				      recs[i].step ? recs[i].step : recs[i].action, recs[i].node,
				      recs[i].pid, (now - recs[i].started_ms) / 1000);
		if (b.len)
			hoist_buf_puts(&b, ", ");
		hoist_buf_puts(&b, one);
		free(one);
	}
	hoist_exec_records_free(recs, n);
	free(dir);
	free(run);
	free(state);
	return b.len ? hoist_buf_detach(&b, NULL) : (hoist_buf_done(&b), NULL);
}
