/* lock.c: the per-server run lock: link(2) to take it, rename(2) to renew it. */
#include "config.h"
#include <limits.h>
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "buf.h"
#include "exec.h"
#include "http.h"
#include "json.h"
#include "i18n.h"
#include "lock.h"
#include "rundir.h"
#include "sha256.h"
#include "xalloc.h"

struct hoist_lock {
	char *path;   /* owned */
	struct hoist_lock_info info; /* owned: what we wrote */
};

void hoist_lock_info_init(struct hoist_lock_info *info)
{
	memset(info, 0, sizeof *info);
}

void hoist_lock_info_done(struct hoist_lock_info *info)
{
	if (!info)
		return;
	free(info->owner);
	free(info->host);
	free(info->run_id);
	free(info->server);
	free(info->state_dir);
	hoist_lock_info_init(info);
}

char *hoist_lock_path(const char *state_dir, const char *server_url)
{
	char *norm = hoist_url_normalise(server_url ? server_url : ""), hex[65];
	hoist_sha256_hex(norm, strlen(norm), hex);
	free(norm);
	hex[16] = '\0'; /* the first 8 bytes name the lock */
	return hoist_xasprintf("%s/locks/%s.lock", state_dir, hex);
}

static char *to_json(const struct hoist_lock_info *info)
{
	cJSON *o = cJSON_CreateObject();
	char *s, *copy;
	cJSON_AddStringToObject(o, "owner", info->owner);
	cJSON_AddStringToObject(o, "host", info->host);
	cJSON_AddNumberToObject(o, "pid", (double)info->pid);
	cJSON_AddStringToObject(o, "run_id", info->run_id);
	cJSON_AddStringToObject(o, "server", info->server);
	cJSON_AddNumberToObject(o, "started", (double)info->started);
	cJSON_AddNumberToObject(o, "heartbeat", (double)info->heartbeat);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	copy = hoist_xasprintf("%s\n", s ? s : "{}");
	cJSON_free(s);
	return copy;
}

static char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return hoist_xstrdup(cJSON_IsString(v) ? v->valuestring : "?");
}

/* HOIST_NOTFOUND: no lock; HOIST_PARSE: a lock file we cannot read. */
static enum hoist_status read_info(const char *path, struct hoist_lock_info *info)
{
	char buf[4096];
	ssize_t n;
	cJSON *o;
	const cJSON *pid, *started, *hb;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	hoist_lock_info_init(info);
	if (fd < 0)
		return errno == ENOENT ? HOIST_NOTFOUND : HOIST_IO;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return HOIST_PARSE;
	buf[n] = '\0';
	o = cJSON_Parse(buf);
	pid = cJSON_GetObjectItemCaseSensitive(o, "pid");
	started = cJSON_GetObjectItemCaseSensitive(o, "started");
	hb = cJSON_GetObjectItemCaseSensitive(o, "heartbeat");
	/* A pid that is not a real one (0, -1: kill() would reach a whole group) is refused. */
	if (!cJSON_IsObject(o) || hoist_json_int(pid, 1, INT_MAX, 0) < 1 ||
	    !cJSON_IsNumber(hb) || !hoist_double_to_int(hb->valuedouble, LLONG_MIN, LLONG_MAX,
							&info->heartbeat)) {
		cJSON_Delete(o);
		return HOIST_PARSE;
	}
	info->owner = str_of(o, "owner");
	info->host = str_of(o, "host");
	info->run_id = str_of(o, "run_id");
	info->server = str_of(o, "server");
	info->pid = (long)hoist_json_int(pid, 1, INT_MAX, 0);
	info->started = hoist_json_int(started, LLONG_MIN, LLONG_MAX, 0);
	cJSON_Delete(o);
	{
		/* <state>/locks/<hash>.lock */
		const char *slash = strrchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : 0;
		if (len >= 6 && !strncmp(path + len - 6, "/locks", 6))
			info->state_dir = hoist_xstrndup(path, len - 6);
	}
	return HOIST_OK;
}

static char *this_user(void)
{
	struct passwd *pw = getpwuid(geteuid());
	if (pw && pw->pw_name)
		return hoist_xstrdup(pw->pw_name);
	return hoist_xasprintf("uid %ld", (long)geteuid());
}

/* A process that has ended but not been reaped yet (a zombie) is gone too. */
static bool zombie(long pid)
{
	char path[64], buf[256];
	FILE *f;
	size_t n;
	const char *p;
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if (!(f = fopen(path, "r")))
		return false;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'Z';
}

enum hoist_lock_state hoist_lock_judge(const struct hoist_lock_info *info, long stale_after_s,
				       long long now)
{
	char *host = hoist_host_name();
	bool here = info->host && strcmp(info->host, host) == 0;
	free(host);
	if (stale_after_s <= 0)
		stale_after_s = HOIST_LOCK_STALE_AFTER_S;
	if (here && info->pid > 0 &&
	    ((kill((pid_t)info->pid, 0) != 0 && errno == ESRCH) || zombie(info->pid))) {
		bool actions = false;
		if (info->state_dir && info->run_id && hoist_rundir_id_valid(info->run_id)) {
			char *run = hoist_rundir_path(info->state_dir, info->run_id);
			char *dir = hoist_rundir_file(run, HOIST_RUNDIR_ACTIONS);
			actions = hoist_exec_records_running(dir) > 0;
			free(dir);
			free(run);
		}
		return actions ? HOIST_LOCK_ACTIONS : HOIST_LOCK_DEAD_PID;
	}
	if (now - info->heartbeat > stale_after_s)
		return HOIST_LOCK_OLD_HEARTBEAT;
	return HOIST_LOCK_LIVE;
}

static void utc(long long t, char out[64])
{
	time_t s = (time_t)t;
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(out, 64, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static enum hoist_status held_error(const char *url, const char *path,
				    const struct hoist_lock_info *h, enum hoist_lock_state state,
				    struct hoist_error *err)
{
	char started[64], beat[64];
	long long ago = (long long)time(NULL) - h->heartbeat;
	utc(h->started, started);
	utc(h->heartbeat, beat);
	switch (state) {
	case HOIST_LOCK_DEAD_PID:
		return hoist_error_say(err, HOIST_LOCKED,
				       N_("the lock for %s is stale: run %s by %s on %s (pid %ld), started %s, is no longer running (last heartbeat %s); make sure no upgrade of this server is running, read that run's journal, resume it or break the lock explicitly (%s)"),
				       url, h->run_id, h->owner, h->host, h->pid, started, beat, path);
	case HOIST_LOCK_ACTIONS:
		return hoist_error_say(err, HOIST_LOCKED,
				       N_("the engine of run %s by %s on %s (pid %ld), started %s, is gone, but an action it started still runs; `hoist resume` waits for it and finishes the run (lock %s)"),
				       h->run_id, h->owner, h->host, h->pid, started, path);
	case HOIST_LOCK_OLD_HEARTBEAT:
		return hoist_error_say(err, HOIST_LOCKED,
				       N_("the lock for %s looks stale: run %s by %s on %s (pid %ld), started %s, sent its last heartbeat at %s (%lld seconds ago); check on %s whether it still runs, then resume it or break the lock explicitly (%s)"),
				       url, h->run_id, h->owner, h->host, h->pid, started, beat, ago,
				       h->host, path);
	default:
		return hoist_error_say(err, HOIST_LOCKED,
				       N_("another upgrade of %s is running: run %s by %s on %s (pid %ld), started %s, last heartbeat %s (%lld seconds ago); wait for it to finish or follow it with `hoist status --follow`"),
				       url, h->run_id, h->owner, h->host, h->pid, started, beat, ago);
	}
}

/* Writes info to a new temporary file next to path; returns its name. */
static enum hoist_status write_temp(const char *path, const struct hoist_lock_info *info,
				    char **tmp_out, struct hoist_error *err)
{
	char *tmp = hoist_xasprintf("%s.XXXXXX", path), *text = to_json(info);
	size_t len = strlen(text), done = 0;
	enum hoist_status st;
	int fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	free(text);
	*tmp_out = tmp;
	return HOIST_OK;
fail:
	st = hoist_error_say(err, errno == EACCES ? HOIST_PERMISSION : HOIST_IO,
			     N_("cannot write the lock %s: %s"), path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	free(text);
	return st;
}

enum hoist_status hoist_lock_acquire(const char *state_dir, const char *server_url,
				     const char *run_id, long stale_after_s,
				     struct hoist_lock **out, struct hoist_lock_info *holder,
				     struct hoist_error *err)
{
	struct hoist_lock *l;
	struct hoist_lock_info h;
	char *dir, *tmp;
	enum hoist_status st;
	int rc, e;

	*out = NULL;
	if (holder)
		hoist_lock_info_init(holder);
	dir = hoist_xasprintf("%s/locks", state_dir);
	st = hoist_rundir_make_dirs(dir, 0700, err);
	free(dir);
	if (st != HOIST_OK)
		return st;
	l = hoist_xcalloc(1, sizeof *l);
	l->path = hoist_lock_path(state_dir, server_url);
	l->info.owner = this_user();
	l->info.host = hoist_host_name();
	l->info.pid = (long)getpid();
	l->info.run_id = hoist_xstrdup(run_id ? run_id : "?");
	l->info.server = hoist_url_normalise(server_url ? server_url : "");
	l->info.started = l->info.heartbeat = (long long)time(NULL);

	st = write_temp(l->path, &l->info, &tmp, err);
	if (st != HOIST_OK) {
		hoist_lock_release(l, NULL);
		return st;
	}
	/* link(2) fails if the lock exists: taking it is one atomic step, content complete. */
	rc = link(tmp, l->path);
	e = errno;
	unlink(tmp);
	free(tmp);
	if (rc == 0) {
		*out = l;
		return HOIST_OK;
	}
	if (e != EEXIST) {
		st = hoist_error_say(err, HOIST_IO, N_("cannot take the lock %s: %s"), l->path,
				     strerror(e));
		hoist_lock_info_done(&l->info);
		free(l->path);
		free(l);
		return st;
	}
	st = read_info(l->path, &h);
	if (st == HOIST_OK) {
		st = held_error(server_url, l->path, &h,
				hoist_lock_judge(&h, stale_after_s, (long long)time(NULL)), err);
		if (holder)
			*holder = h;
		else
			hoist_lock_info_done(&h);
	} else {
		st = hoist_error_say(err, HOIST_LOCKED,
				     N_("the lock for %s exists but cannot be read (%s); if no upgrade of this server is running, break the lock explicitly"),
				     server_url, l->path);
	}
	hoist_lock_info_done(&l->info);
	free(l->path);
	free(l);
	return st;
}

/* Whether the lock file still names our run and process. */
static bool still_ours(const struct hoist_lock *l)
{
	struct hoist_lock_info now;
	bool ours;
	if (read_info(l->path, &now) != HOIST_OK)
		return false;
	ours = now.pid == l->info.pid && strcmp(now.run_id, l->info.run_id) == 0 &&
	       strcmp(now.host, l->info.host) == 0;
	hoist_lock_info_done(&now);
	return ours;
}

enum hoist_status hoist_lock_heartbeat(struct hoist_lock *l, struct hoist_error *err)
{
	enum hoist_status st;
	char *tmp;
	if (!still_ours(l))
		return hoist_error_say(err, HOIST_LOCKED,
				       N_("the lock %s is no longer held by run %s (it was broken or taken over); stop at the next safe point"),
				       l->path, l->info.run_id);
	l->info.heartbeat = (long long)time(NULL);
	st = write_temp(l->path, &l->info, &tmp, err);
	if (st != HOIST_OK)
		return st;
	if (rename(tmp, l->path) != 0) {
		st = hoist_error_say(err, HOIST_IO, N_("cannot renew the lock %s: %s"), l->path,
				     strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return st;
}

enum hoist_status hoist_lock_release(struct hoist_lock *l, struct hoist_error *err)
{
	enum hoist_status st = HOIST_OK;
	if (!l)
		return HOIST_OK;
	if (still_ours(l) && unlink(l->path) != 0 && errno != ENOENT)
		st = hoist_error_say(err, HOIST_IO, N_("cannot remove the lock %s: %s"), l->path,
				     strerror(errno));
	hoist_lock_info_done(&l->info);
	free(l->path);
	free(l);
	return st;
}

enum hoist_status hoist_lock_read(const char *state_dir, const char *server_url,
				  struct hoist_lock_info *info, struct hoist_error *err)
{
	char *path = hoist_lock_path(state_dir, server_url);
	enum hoist_status st = read_info(path, info);
	if (st == HOIST_NOTFOUND)
		hoist_error_say(err, st, N_("nobody holds the lock for %s"), server_url);
	else if (st == HOIST_PARSE)
		hoist_error_say(err, st, N_("the lock %s cannot be read"), path);
	else if (st != HOIST_OK)
		hoist_error_say(err, st, N_("cannot read the lock %s: %s"), path, strerror(errno));
	free(path);
	return st;
}

enum hoist_status hoist_lock_break(const char *state_dir, const char *server_url,
				   const char *run_id, struct hoist_error *err)
{
	char *path = hoist_lock_path(state_dir, server_url);
	struct hoist_lock_info info;
	enum hoist_status st = read_info(path, &info);
	if (st == HOIST_NOTFOUND) {
		hoist_error_say(err, st, N_("nobody holds the lock for %s"), server_url);
		goto out;
	}
	if (run_id && (st != HOIST_OK || strcmp(info.run_id, run_id) != 0)) {
		st = hoist_error_say(err, HOIST_STATE,
				     N_("the lock for %s is not held by run %s; nothing was removed"),
				     server_url, run_id);
		goto out;
	}
	if (unlink(path) != 0 && errno != ENOENT)
		st = hoist_error_say(err, HOIST_IO, N_("cannot remove the lock %s: %s"), path,
				     strerror(errno));
	else
		st = HOIST_OK;
out:
	hoist_lock_info_done(&info);
	free(path);
	return st;
}
